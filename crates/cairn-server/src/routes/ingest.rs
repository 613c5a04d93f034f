//! Device ingest over HTTP: `POST /api/ingest/senml` (RFC 8428 JSON) and
//! `POST /api/ingest/json` (flat gateway JSON). Authenticated by the device's
//! own token (`Authorization: Bearer <device-id>.<secret>`), never a user session.

use axum::{
    Json,
    body::Bytes,
    extract::{DefaultBodyLimit, State, rejection::BytesRejection},
    http::{HeaderMap, StatusCode, header},
};
use cairn_protocol::{ErrorBody, ErrorDetail, IngestAck};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::AppError,
    ingest::{IngestError, RecordError, SenmlRecord, flat, token},
    state::AppState,
};

/// Largest request body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

/// A SenML pack (RFC 8428 §4): a JSON array of 1 to `ingest::MAX_RECORDS`
/// (10,000) records, in at most 1 MiB. For the OpenAPI document only.
struct SenmlPack;

impl utoipa::PartialSchema for SenmlPack {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder};
        ArrayBuilder::new()
            .items(ObjectBuilder::new())
            .min_items(Some(1))
            .max_items(Some(crate::ingest::MAX_RECORDS))
            .description(Some(
                "SenML records (RFC 8428); base fields apply to later records",
            ))
            .into()
    }
}

impl utoipa::ToSchema for SenmlPack {
    fn name() -> std::borrow::Cow<'static, str> {
        "SenmlPack".into()
    }
}

/// What both ingest endpoints answer.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum IngestResponses {
    /// Stored (on disk)
    #[response(status = 200)]
    Stored(IngestAck),
    /// Not JSON of the expected shape, empty, or too many records
    #[response(status = 400)]
    Malformed(ErrorBody),
    /// No valid device token
    #[response(status = 401)]
    NoToken(ErrorBody),
    /// Body over 1 MiB
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// Records rejected, one detail each; nothing stored
    #[response(status = 422)]
    Rejected(ErrorBody),
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(senml))
        .routes(routes!(flat_json))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

#[utoipa::path(post, path = "/api/ingest/senml", tag = "ingest",
    request_body(content = SenmlPack, content_type = "application/senml+json", description = "A SenML pack (RFC 8428)"),
    responses(IngestResponses),
    security(("device_token" = [])))]
pub(crate) async fn senml(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestAck>, AppError> {
    let device = authenticate(&state, &headers).await?;
    let pack: Vec<SenmlRecord> = parse_json(body?)?;
    ingest(&state, &device, &pack).await
}

#[utoipa::path(post, path = "/api/ingest/json", tag = "ingest",
    request_body(content = Object, description = "Flat gateway JSON: {\"temperature\": 21.5} or {\"ts\": ms, \"values\": {…}}"),
    responses(IngestResponses),
    security(("device_token" = [])))]
pub(crate) async fn flat_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestAck>, AppError> {
    let device = authenticate(&state, &headers).await?;
    let value: serde_json::Value = parse_json(body?)?;
    let pack = flat::to_senml(&device, state.ingest.model_of(&device), &value).map_err(rejected)?;
    // Every key one the device's codec leaves out (link quality…): nothing to store.
    if pack.is_empty() {
        return Ok(Json(IngestAck {
            accepted: 0,
            new: 0,
        }));
    }
    ingest(&state, &device, &pack).await
}

async fn ingest(
    state: &AppState,
    device: &str,
    pack: &[SenmlRecord],
) -> Result<Json<IngestAck>, AppError> {
    match (state.ingest)
        .ingest_senml(device, pack, state.config.clock.now_ms())
        .await
    {
        Ok(new) => Ok(Json(IngestAck {
            accepted: pack.len() as u32,
            new: new as u32,
        })),
        Err(IngestError::Rejected(errors)) => Err(rejected(errors)),
        Err(e @ (IngestError::Empty | IngestError::TooMany(_))) => {
            Err(AppError::bad("body", e.to_string()))
        }
        Err(e @ IngestError::Store(_)) => Err(AppError::internal(e)),
    }
}

impl From<BytesRejection> for AppError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("the body is larger than {MAX_BODY} bytes"))
        } else {
            AppError::bad("body", rejection.body_text())
        }
    }
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: Bytes) -> Result<T, AppError> {
    serde_json::from_slice(&body).map_err(|e| AppError::BadRequest {
        message: format!("the body is not valid JSON of the expected shape: {e}"),
        location: Some(format!("body, line {} column {}", e.line(), e.column())),
    })
}

pub(crate) fn rejected(errors: Vec<RecordError>) -> AppError {
    AppError::Rejected {
        message: format!("{} record(s) rejected; nothing was stored", errors.len()),
        details: errors
            .into_iter()
            .map(|e| ErrorDetail {
                code: "invalid_record".into(),
                location: Some(format!("records[{}].{}", e.index, e.field)),
                message: e.message,
            })
            .collect(),
    }
}

/// The device a valid token names. Every failure looks the same from outside.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    let denied = || {
        AppError::Unauthorized(
            "a valid device token is required (Authorization: Bearer <token>)".into(),
        )
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(denied)?;
    let (device, secret) = token::parse(presented.trim()).ok_or_else(denied)?;
    let (device, secret) = (device.to_owned(), secret.to_owned());
    let stored = state.store.device_token_hash(&device).await?;
    match stored {
        Some(hash) if token::verify(&secret, &hash) => Ok(device),
        _ => Err(denied()),
    }
}
