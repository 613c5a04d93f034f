//! Network server integrations (`/api/integrations`): admins configure them
//! and claim the devices they heard; the network servers post uplinks to
//! `/api/integrations/{id}/uplink`, authenticated by the integration's
//! shared secret (never a session).

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State, rejection::BytesRejection, rejection::JsonRejection},
    http::{HeaderMap, StatusCode, header},
};
use cairn_protocol::{
    ClaimRequest, ErrorBody, Integration, IntegrationKind, IntegrationSpec, Metric, NewDevice,
    PointSpec, Role, UplinkAck, WaitingDevice, alias::alias_key,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Caller,
    error::AppError,
    ingest::integrations::{Outcome, UplinkError, uplink},
    ingest::{
        IngestError,
        codec::{self, Decoded, Raw},
    },
    state::AppState,
    store::integrations::{self as store, IntegrationRow},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(waiting))
        .routes(routes!(dismiss))
        .routes(routes!(claim))
        .routes(routes!(receive))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct UplinkQuery {
    /// ChirpStack's HTTP integration names the event (`up`, `join`, `status`…).
    event: Option<String>,
}

/// Whether `headers` carry the integration's secret the way its network
/// server sends it: `Authorization: Bearer <secret>` (The Things Stack,
/// ChirpStack), or KPN's `Things-Message-Token`, the hex SHA-256 of the raw
/// body followed by the secret. Compared in constant time.
fn authentic(row: &IntegrationRow, headers: &HeaderMap, body: &[u8]) -> bool {
    let header_text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    match row.kind {
        IntegrationKind::Kpn => {
            let Some(token) = header_text("things-message-token") else {
                return false;
            };
            let mut hasher = Sha256::new();
            hasher.update(body);
            hasher.update(row.secret.as_bytes());
            let expected = hex(&hasher.finalize());
            expected
                .as_bytes()
                .ct_eq(token.to_ascii_lowercase().as_bytes())
                .into()
        }
        _ => match header_text(header::AUTHORIZATION.as_str())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            Some(given) => given.trim().as_bytes().ct_eq(row.secret.as_bytes()).into(),
            None => false,
        },
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[utoipa::path(post, path = "/api/integrations/{id}/uplink", tag = "integrations",
    params(("id" = String, Path, description = "Integration id"), UplinkQuery),
    request_body(content = Object, description = "The network server's message: a The Things Stack v3 uplink, a ChirpStack v4 event (JSON), or KPN Things SenML"),
    description = "A network server's webhook. The secret is checked before the body is read. A device is found by its DevEUI among the devices' aliases; an unknown one is put on the waiting list (202) for an admin to claim.",
    responses((status = 200, body = UplinkAck, description = "Understood: stored (keys skipped named), waiting to be claimed, ignored (a join, an ack) or refused (its values, with why; nothing stored)"),
        (status = 400, description = "Not a message of this network server", body = ErrorBody),
        (status = 401, description = "No such integration, or not its secret", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 500, description = "Storage failed: the network server should retry", body = ErrorBody)),
    security(()))]
pub(crate) async fn receive(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<UplinkQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<UplinkAck>), AppError> {
    let body = body?;
    let denied = || AppError::Unauthorized("no such integration, or not its secret".into());
    let row = state.integrations.row(&id).ok_or_else(denied)?;
    if !row.kind.has_webhook() || !authentic(&row, &headers, &body) {
        return Err(denied());
    }
    let now = state.now_ms();
    let outcome = match row.kind {
        IntegrationKind::Kpn => {
            let pack = super::ingest::parse_json(body)?;
            state.integrations.handle_kpn(&id, pack, now).await
        }
        kind => {
            let value: serde_json::Value = super::ingest::parse_json(body)?;
            let message = match kind {
                IntegrationKind::Tts => uplink::tts(&value),
                _ => uplink::chirpstack(q.event.as_deref().unwrap_or("up"), &value),
            }
            .map_err(|m| AppError::bad("body", m))?;
            state.integrations.handle(&id, message, now).await
        }
    };
    // Anything authenticated and understood is answered 200 with what it
    // came to: a network server pauses a webhook that keeps failing, and
    // one device's bad values must not stop every other device's uplinks.
    // The integration's counters and last error show admins what happened.
    match outcome {
        Ok(Outcome::Stored(new, skipped)) => {
            let detail = if skipped.is_empty() {
                String::new()
            } else {
                format!("skipped {}", skipped.join(", "))
            };
            Ok((StatusCode::OK, ack("stored", new, detail)))
        }
        Ok(Outcome::Waiting(identifier)) => Ok((StatusCode::OK, ack("waiting", 0, identifier))),
        Ok(Outcome::Ignored(what)) => Ok((StatusCode::OK, ack("ignored", 0, what))),
        Err(UplinkError::Ingest(IngestError::Rejected(errors))) => {
            let why: Vec<String> = errors.into_iter().map(|e| e.to_string()).collect();
            Ok((StatusCode::OK, ack("refused", 0, why.join("; "))))
        }
        Err(UplinkError::Malformed(m)) => Err(AppError::bad("body", m)),
        Err(UplinkError::Ingest(e @ (IngestError::Empty | IngestError::TooMany(_)))) => {
            Err(AppError::bad("body", e.to_string()))
        }
        Err(UplinkError::Ingest(IngestError::Store(e)) | UplinkError::Store(e)) => {
            Err(AppError::internal(e))
        }
    }
}

fn ack(outcome: &str, new: usize, detail: String) -> Json<UplinkAck> {
    Json(UplinkAck {
        outcome: outcome.into(),
        new: u32::try_from(new).unwrap_or(u32::MAX),
        detail,
    })
}

#[utoipa::path(get, path = "/api/integrations", tag = "integrations",
    description = "The network server integrations (admins), without their secrets, with what their messages came to since the server started.",
    responses((status = 200, body = Vec<Integration>), super::AdminChange))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Integration>>, AppError> {
    caller.require(Role::Admin)?;
    Ok(Json(state.integrations.listed()))
}

fn check(spec: &IntegrationSpec, is_new: bool) -> Result<(), AppError> {
    let details = spec.problems(is_new);
    if details.is_empty() {
        Ok(())
    } else {
        Err(AppError::Rejected {
            message: "the integration was not saved; see the fields".into(),
            details,
        })
    }
}

async fn save(
    state: &AppState,
    caller: &Caller,
    spec: IntegrationSpec,
    before: Option<IntegrationRow>,
) -> Result<Json<Integration>, AppError> {
    let row = IntegrationRow {
        id: spec.id.clone(),
        kind: spec.kind,
        name: spec.name.trim().to_owned(),
        secret: (spec.secret.clone())
            .or_else(|| before.as_ref().map(|b| b.secret.clone()))
            .unwrap_or_default(),
        mqtt: spec.mqtt.clone(),
        mqtt_password: (spec.mqtt_password.clone())
            .or_else(|| before.as_ref().map(|b| b.mqtt_password.clone()))
            .unwrap_or_default(),
        created_ms: before
            .as_ref()
            .map_or_else(|| state.now_ms(), |b| b.created_ms),
    };
    let audit = caller.audit("integration.save", String::new());
    state
        .store
        .transact(move |tx| store::save(tx, &row, &audit))
        .await?;
    state.integrations.reload().await?;
    let listed = state
        .integrations
        .listed()
        .into_iter()
        .find(|i| i.id == spec.id);
    listed
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no integration {:?}", spec.id)))
}

#[utoipa::path(post, path = "/api/integrations", tag = "integrations", request_body = IntegrationSpec,
    description = "Creates an integration (admins). The secret is never shown again.",
    responses((status = 201, body = Integration),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        super::AdminChange,
        (status = 422, description = "Invalid fields (the id taken among them), one detail each", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<IntegrationSpec>, JsonRejection>,
) -> Result<(StatusCode, Json<Integration>), AppError> {
    caller.require(Role::Admin)?;
    let Json(spec) = json?;
    check(&spec, true)?;
    if state.integrations.row(&spec.id).is_some() {
        return Err(AppError::Rejected {
            message: "the integration was not saved; see the fields".into(),
            details: vec![cairn_protocol::ErrorDetail {
                code: "invalid_field".into(),
                message: format!("an integration {:?} exists already", spec.id),
                location: Some("id".into()),
            }],
        });
    }
    Ok((
        StatusCode::CREATED,
        save(&state, &caller, spec, None).await?,
    ))
}

#[utoipa::path(put, path = "/api/integrations/{id}", tag = "integrations", request_body = IntegrationSpec,
    params(("id" = String, Path, description = "Integration id")),
    description = "Replaces an integration (admins); without `secret` or `mqtt_password` the stored ones stay.",
    responses((status = 200, body = Integration),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        super::AdminChange,
        (status = 404, description = "No such integration", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    json: Result<Json<IntegrationSpec>, JsonRejection>,
) -> Result<Json<Integration>, AppError> {
    caller.require(Role::Admin)?;
    let Json(spec) = json?;
    let before = state
        .integrations
        .row(&id)
        .ok_or_else(|| AppError::NotFound(format!("no integration {id:?}")))?;
    if spec.id != id {
        return Err(AppError::bad(
            "id",
            "an integration keeps its id (its webhook URL ends with it)",
        ));
    }
    check(&spec, before.kind != spec.kind)?;
    save(&state, &caller, spec, Some(before)).await
}

#[utoipa::path(delete, path = "/api/integrations/{id}", tag = "integrations",
    params(("id" = String, Path, description = "Integration id")),
    description = "Deletes an integration and its waiting devices (admins). Devices it fed stay.",
    responses((status = 204), super::AdminChange, (status = 404, body = ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    caller.require(Role::Admin)?;
    let audit = caller.audit("integration.delete", String::new());
    let key = id.clone();
    let found = state
        .store
        .transact(move |tx| store::delete(tx, &key, &audit))
        .await?;
    if !found {
        return Err(AppError::NotFound(format!("no integration {id:?}")));
    }
    state.integrations.reload().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/integrations/waiting", tag = "integrations",
    description = "Devices the integrations heard that no device's aliases name, latest first (admins): claim one to add it.",
    responses((status = 200, body = Vec<WaitingDevice>), super::AdminChange))]
pub(crate) async fn waiting(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WaitingDevice>>, AppError> {
    caller.require(Role::Admin)?;
    let all = state.store.transact(store::waiting).await?;
    let catalog = state.catalog();
    // A device added since (by hand, with its DevEUI as an alias) waits no more.
    let (known, waiting): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|w| catalog.device_by_alias(&w.identifier).is_some());
    if !known.is_empty() {
        state
            .store
            .transact(move |tx| {
                known
                    .iter()
                    .try_for_each(|w| store::forget_waiting(tx, &w.integration_id, &w.identifier))
            })
            .await?;
    }
    Ok(Json(waiting))
}

#[utoipa::path(delete, path = "/api/integrations/{id}/waiting/{identifier}", tag = "integrations",
    params(("id" = String, Path, description = "Integration id"),
        ("identifier" = String, Path, description = "The device's identifier as listed (DevEUI, IEEE address)")),
    description = "Takes a device off the waiting list (admins): a neighbour's sensor the network server also hears. It is listed again if it sends again.",
    responses((status = 204), super::AdminChange, (status = 404, description = "Not waiting", body = ErrorBody)))]
pub(crate) async fn dismiss(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, identifier)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    caller.require(Role::Admin)?;
    let audit = caller.audit("integration.dismiss", String::new());
    let (i, key) = (id.clone(), alias_key(&identifier));
    let found = (state.store)
        .transact(move |tx| store::dismiss_waiting(tx, &i, &key, &audit))
        .await?;
    if !found {
        return Err(AppError::NotFound(format!(
            "{identifier:?} is not waiting on integration {id:?}"
        )));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The points a device of `model` gets from the keys it was heard sending:
/// what the codec maps them to (every `interval_s`), plus its radio's signal
/// when its network server reports one (`lorawan`).
pub fn points_from_keys(
    model: &str,
    keys: &[String],
    lorawan: bool,
    interval_s: u32,
) -> Vec<PointSpec> {
    let table = codec::model_for(model);
    let mut metrics: Vec<Metric> = Vec::new();
    for key in keys {
        if let Decoded::Reading { metric, .. } = codec::decode(table, key, Raw::Number(0.0))
            && !metrics.contains(&metric)
        {
            metrics.push(metric);
        }
    }
    if lorawan && !metrics.contains(&Metric::Signal) {
        metrics.push(Metric::Signal);
    }
    // In the catalogue's order (temperature, humidity, CO₂…), as forms list them.
    metrics.sort_by_key(|m| Metric::ALL.iter().position(|a| a == m));
    metrics
        .into_iter()
        .map(|metric| PointSpec { metric, interval_s })
        .collect()
}

#[utoipa::path(post, path = "/api/integrations/claim", tag = "integrations", request_body = ClaimRequest,
    description = "Claims a waiting device (admins): creates `device` with the identifier among its aliases and, when it names no points, the points its keys map to by its model; returns its token (this once). Its next message is stored.",
    responses((status = 201, body = NewDevice),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        super::AdminChange,
        (status = 404, description = "Not on the waiting list", body = ErrorBody),
        (status = 422, description = "Invalid device fields, one detail each", body = ErrorBody)))]
pub(crate) async fn claim(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<ClaimRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<NewDevice>), AppError> {
    caller.require(Role::Admin)?;
    let Json(req) = json?;
    let identifier = alias_key(&req.identifier);
    let all = state.store.transact(store::waiting).await?;
    let found = all
        .into_iter()
        .find(|w| w.integration_id == req.integration_id && w.identifier == identifier);
    let w = found.ok_or_else(|| {
        AppError::NotFound(format!(
            "{identifier:?} is not waiting on integration {:?}",
            req.integration_id
        ))
    })?;
    let kind = state.integrations.row(&w.integration_id).map(|r| r.kind);
    let mut spec = req.device;
    if !spec.aliases.iter().any(|a| alias_key(a) == identifier) {
        spec.aliases.push(identifier.clone());
    }
    if spec.points.is_empty() {
        // The Things Stack and ChirpStack give the gateways' RSSI; KPN and
        // Zigbee2MQTT messages carry no signal.
        let lorawan =
            kind.is_some_and(|k| matches!(k, IntegrationKind::Tts | IntegrationKind::Chirpstack));
        let every = spec.expected_interval_s.unwrap_or(600);
        spec.points = points_from_keys(&spec.model, &w.keys, lorawan, every);
    }
    let created = super::devices::create(State(state.clone()), caller, Ok(Json(spec))).await?;
    let (i, id) = (w.integration_id.clone(), identifier);
    state
        .store
        .transact(move |tx| store::forget_waiting(tx, &i, &id))
        .await?;
    Ok(created)
}
