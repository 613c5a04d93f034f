use axum::{Json, extract::State};
use cairn_protocol::{Health, HealthStatus};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{error::AppError, state::AppState};

/// Public: load balancers and monitors call it without an account.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Liveness and a few facts; `degraded` when the database does not answer.
#[utoipa::path(get, path = "/api/health", tag = "system",
    responses((status = 200, description = "Status, version, uptime", body = Health)))]
pub(crate) async fn health(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    let stored = state.store.readings_stored().await;
    let (status, readings_stored) = match stored {
        Ok(n) => (HealthStatus::Ok, n),
        Err(err) => {
            tracing::warn!("health: database check failed: {err}");
            (HealthStatus::Degraded, 0)
        }
    };
    Ok(Json(Health {
        status,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        uptime_s: state.started.elapsed().as_secs(),
        readings_stored,
        simulator: state.config.simulator,
        map_tiles: state.config.map_tiles(),
    }))
}
