//! The REST API under `/api/`, one module per resource, each with its own `router()`.

mod catalog;
mod health;
mod ingest;
mod openapi;
mod plan;
mod series;
mod snapshot;
mod ws;

use axum::{Router, extract::OriginalUri};

use crate::{error::AppError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(catalog::router())
        .merge(snapshot::router())
        .merge(series::router())
        .merge(ingest::router())
        .merge(ws::router())
        .fallback(not_found)
}

/// Unknown API paths answer JSON, never the app's index.html.
async fn not_found(OriginalUri(uri): OriginalUri) -> AppError {
    AppError::NotFound(format!("no API endpoint at {}", uri.path()))
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
