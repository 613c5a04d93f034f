//! Notification channels (`/api/channels`, admins only): where alarms are
//! sent, and each channel's recent messages with their delivery state.
//! Secrets are write-only; every change is audited (without the secret).

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
};
use cairn_protocol::{Channel, ChannelSpec, Delivery, ErrorBody, ErrorDetail, Role};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::Caller, error::AppError, state::AppState, store::notify};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(deliveries))
}

fn check(state: &AppState, spec: &ChannelSpec, is_new: bool) -> Result<(), AppError> {
    let mut details = spec.problems(is_new);
    for (i, s) in spec.sites.iter().enumerate() {
        if !state.catalog().model.sites.iter().any(|k| &k.id == s) {
            details.push(ErrorDetail {
                code: "invalid_field".into(),
                message: format!("there is no site {s:?}"),
                location: Some(format!("sites[{i}]")),
            });
        }
    }
    if details.is_empty() {
        Ok(())
    } else {
        Err(AppError::Rejected {
            message: "the channel was not saved; see the fields".into(),
            details,
        })
    }
}

async fn wire(state: &AppState, id: i64) -> Result<Channel, AppError> {
    let channels = state.store.transact(notify::channels).await?;
    let failing = state.store.transact(notify::failing).await?;
    let c = channels.into_iter().find(|c| c.id == id);
    let c = c.ok_or_else(|| AppError::NotFound(format!("no channel {id}")))?;
    Ok(c.to_wire(failing.get(&id).copied().unwrap_or(0)))
}

#[utoipa::path(get, path = "/api/channels", tag = "alerts",
    description = "Notification channels (admins), with how many messages each has failing.",
    responses((status = 200, body = Vec<Channel>), super::AdminChange))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Channel>>, AppError> {
    caller.require(Role::Admin)?;
    let channels = state.store.transact(notify::channels).await?;
    let failing = state.store.transact(notify::failing).await?;
    Ok(Json(
        channels
            .iter()
            .map(|c| c.to_wire(failing.get(&c.id).copied().unwrap_or(0)))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/channels", tag = "alerts", request_body = ChannelSpec,
    description = "Creates a channel. A webhook needs its secret, which is never shown again.",
    responses((status = 200, body = Channel),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        super::AdminChange,
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<ChannelSpec>, JsonRejection>,
) -> Result<Json<Channel>, AppError> {
    caller.require(Role::Admin)?;
    let Json(spec) = json?;
    check(&state, &spec, true)?;
    let audit = caller.audit("channel.create", String::new());
    let id = state
        .store
        .transact(move |tx| notify::insert_channel(tx, &spec, audit))
        .await?;
    Ok(Json(wire(&state, id).await?))
}

#[utoipa::path(put, path = "/api/channels/{id}", tag = "alerts", request_body = ChannelSpec,
    params(("id" = i64, Path, description = "Channel id")),
    description = "Replaces a channel; without `secret`, a webhook keeps its stored one.",
    responses((status = 200, body = Channel),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        super::AdminChange,
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    json: Result<Json<ChannelSpec>, JsonRejection>,
) -> Result<Json<Channel>, AppError> {
    caller.require(Role::Admin)?;
    let Json(spec) = json?;
    // Becoming a webhook, it needs a secret as a new one does.
    let channels = state.store.transact(notify::channels).await?;
    let was = channels.iter().find(|c| c.id == id).map(|c| c.spec.kind);
    check(&state, &spec, was.is_some_and(|k| k != spec.kind))?;
    let audit = caller.audit("channel.update", format!("channel {id}"));
    let found = state
        .store
        .transact(move |tx| notify::update_channel(tx, id, &spec, audit))
        .await?;
    if !found {
        return Err(AppError::NotFound(format!("no channel {id}")));
    }
    Ok(Json(wire(&state, id).await?))
}

#[utoipa::path(delete, path = "/api/channels/{id}", tag = "alerts",
    params(("id" = i64, Path, description = "Channel id")),
    description = "Deletes a channel; its queued messages are skipped, its history kept.",
    responses((status = 204, description = "Deleted"), super::AdminChange,
        (status = 404, description = "No such channel", body = ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    caller.require(Role::Admin)?;
    let audit = caller.audit("channel.delete", format!("channel {id}"));
    let found = state
        .store
        .transact(move |tx| notify::delete_channel(tx, id, audit))
        .await?;
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("no channel {id}")))
    }
}

#[utoipa::path(get, path = "/api/channels/{id}/deliveries", tag = "alerts",
    params(("id" = i64, Path, description = "Channel id")),
    description = "The channel's newest 100 messages: delivered, waiting, or failing with the last error and the next attempt.",
    responses((status = 200, body = Vec<Delivery>), super::AdminChange,
        (status = 404, description = "No such channel", body = ErrorBody)))]
pub(crate) async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Delivery>>, AppError> {
    caller.require(Role::Admin)?;
    wire(&state, id).await?;
    Ok(Json(
        state
            .store
            .transact(move |tx| notify::deliveries(tx, id, 100))
            .await?,
    ))
}
