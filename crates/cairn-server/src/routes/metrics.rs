//! The metric catalogue (`/api/metrics`): every metric with its unit,
//! plausible range and precision, built-in or defined by an admin. An
//! admin's metric is registered at once: devices may get points of it,
//! readings of it are checked against its range, rules may watch it.

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
};
use cairn_protocol::{ErrorBody, Metric, MetricDef, Role, metric_registry};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::Caller, error::AppError, ingest::codec, state::AppState, store::metrics};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
}

#[utoipa::path(get, path = "/api/metrics", tag = "catalog",
    description = "Every metric: the built-in ones, then those admins defined, each with its SenML unit, display unit, plausible range and decimals.",
    responses((status = 200, body = Vec<MetricDef>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(_caller: Caller) -> Json<Vec<MetricDef>> {
    Json(Metric::all().into_iter().map(MetricDef::of).collect())
}

fn refused(location: &str, message: String) -> AppError {
    AppError::Rejected {
        message: "the metric was not saved; see the fields".into(),
        details: vec![cairn_protocol::ErrorDetail {
            code: "invalid_field".into(),
            message,
            location: Some(location.into()),
        }],
    }
}

async fn save(
    state: &AppState,
    caller: &Caller,
    def: MetricDef,
    is_new: bool,
) -> Result<Json<MetricDef>, AppError> {
    let details = def.problems();
    if !details.is_empty() {
        return Err(AppError::Rejected {
            message: "the metric was not saved; see the fields".into(),
            details,
        });
    }
    // A name a codec table gives a built-in metric would never reach this one.
    if is_new && codec::decode(None, &def.name, codec::Raw::Number(0.0)) != codec::Decoded::Unknown
    {
        return Err(refused(
            "name",
            format!(
                "{:?} is a key devices send for a built-in metric; choose another name",
                def.name
            ),
        ));
    }
    if is_new && metric_registry::custom().len() >= metric_registry::MAX_CUSTOM {
        return Err(refused(
            "name",
            format!("at most {} custom metrics", metric_registry::MAX_CUSTOM),
        ));
    }
    let audit = caller.audit("metric.save", String::new());
    let stored = def.clone();
    let written = (state.store)
        .transact(move |tx| metrics::save(tx, &stored, is_new, &audit))
        .await?;
    if !written {
        return Err(refused(
            "name",
            format!("a metric {:?} exists already", def.name),
        ));
    }
    let metric = metric_registry::register(&def).map_err(|m| AppError::bad("name", m))?;
    Ok(Json(MetricDef::of(metric)))
}

#[utoipa::path(post, path = "/api/metrics", tag = "catalog", request_body = MetricDef,
    description = "Defines a metric (admins): its name is the SenML record name devices send.",
    responses((status = 201, body = MetricDef),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        super::AdminChange,
        (status = 422, description = "Invalid fields (the name taken among them), one detail each", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<MetricDef>, JsonRejection>,
) -> Result<(StatusCode, Json<MetricDef>), AppError> {
    caller.require(Role::Admin)?;
    let Json(def) = json?;
    if Metric::parse(&def.name).is_some() {
        return Err(refused(
            "name",
            format!("a metric {:?} exists already", def.name),
        ));
    }
    Ok((StatusCode::CREATED, save(&state, &caller, def, true).await?))
}

#[utoipa::path(put, path = "/api/metrics/{name}", tag = "catalog", request_body = MetricDef,
    params(("name" = String, Path, description = "Metric name")),
    description = "Changes an admin's metric (label, units, range, decimals; admins). Built-in metrics cannot be changed.",
    responses((status = 200, body = MetricDef),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        super::AdminChange,
        (status = 404, description = "No such custom metric", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    json: Result<Json<MetricDef>, JsonRejection>,
) -> Result<Json<MetricDef>, AppError> {
    caller.require(Role::Admin)?;
    let Json(def) = json?;
    let Some(metric @ Metric::Custom(_)) = Metric::parse(&name) else {
        return Err(AppError::NotFound(format!("no custom metric {name:?}")));
    };
    if def.name != name {
        return Err(AppError::bad(
            "name",
            "a metric keeps its name (devices send it)",
        ));
    }
    // Stored readings are in the unit they came in: it stays once points measure it.
    if def.unit != metric.unit() && state.catalog().points().iter().any(|p| p.metric == metric) {
        return Err(refused(
            "unit",
            format!(
                "points measure {name} in {:?} already; their readings would change meaning",
                metric.unit()
            ),
        ));
    }
    save(&state, &caller, def, false).await
}
