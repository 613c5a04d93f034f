//! The REST API under `/api/`, one module per resource, each with its own
//! `router()`. Every route is registered with its OpenAPI description.

mod alarms;
mod audit;
mod auth;
mod catalog;
mod channels;
mod devices;
mod devices_csv;
mod floor_plan;
mod health;
mod ingest;
mod integrations;
mod maintenance;
mod metrics;
pub mod openapi;
pub mod rules;
mod series;
mod snapshot;
mod tokens;
mod users;
mod ws;

use std::sync::Arc;

use axum::{Json, Router, extract::OriginalUri, routing::any, routing::get};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{error::AppError, state::AppState};

/// Every API route (at `/api/…`) and the document that describes them.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(health::router())
        .merge(auth::router())
        .merge(catalog::router())
        .merge(devices::router())
        .merge(devices_csv::router())
        .merge(snapshot::router())
        .merge(series::router())
        .merge(ingest::router())
        .merge(integrations::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(tokens::router())
        .merge(rules::router())
        .merge(alarms::router())
        .merge(channels::router())
        .merge(maintenance::router())
        .merge(metrics::router())
        .merge(ws::router())
        .split_for_parts()
}

pub fn router() -> Router<AppState> {
    let (router, doc) = api();
    let doc = Arc::new(doc);
    router
        // The description of the API is public: it holds no data.
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found))
}

/// What every admin change may answer besides its own outcomes (OpenAPI).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum AdminChange {
    /// Not signed in, or the session ended
    #[response(status = 401)]
    Unauthorized(cairn_protocol::ErrorBody),
    /// Not an admin, or no CSRF token, or another origin
    #[response(status = 403)]
    Forbidden(cairn_protocol::ErrorBody),
}

/// Unknown API paths answer JSON, never the app's index.html.
async fn not_found(OriginalUri(uri): OriginalUri) -> AppError {
    AppError::NotFound(format!("no API endpoint at {}", uri.path()))
}
