//! Admin: device ingest tokens (`/api/devices/{id}/token`). A new token
//! replaces the old one; only its hash is stored, with an audit entry.

use axum::{
    Json,
    extract::{Path, State},
};
use cairn_protocol::{DeviceToken, ErrorBody, Role};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::Caller, error::AppError, ingest::token, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(device_token))
}

#[utoipa::path(post, path = "/api/devices/{id}/token", tag = "admin",
    params(("id" = String, Path, description = "Device id")),
    description = "Issues a new ingest token for the device (the old one stops working), returned this once.",
    responses((status = 200, body = DeviceToken), super::AdminChange,
        (status = 404, description = "No such device", body = ErrorBody)))]
pub(crate) async fn device_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DeviceToken>, AppError> {
    caller.require(Role::Admin)?;
    let (token, secret_hash) = token::issue(&id);
    let audit = crate::store::accounts::AuditRecord {
        after: Some(r#"{"token":"issued"}"#.into()),
        ..caller.audit("device.token", format!("device:{id}"))
    };
    let known = state
        .store
        .set_device_token(&id, secret_hash, audit)
        .await?;
    if !known {
        return Err(AppError::NotFound(format!("no device {id:?}")));
    }
    Ok(Json(DeviceToken {
        device_id: id,
        token,
    }))
}
