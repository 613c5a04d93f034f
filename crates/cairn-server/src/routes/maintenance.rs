//! Maintenance windows (`/api/maintenance`): managers on their sites and
//! admins plan them; while one runs, alarms on its site, building or device
//! are kept and marked suppressed, and nobody is notified.

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
};
use cairn_protocol::{ErrorBody, ErrorDetail, MaintenanceWindow, Role, ScopeLevel, WindowSpec};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Caller,
    error::AppError,
    state::AppState,
    store::maintenance::{self, StoredWindow},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(end))
}

/// The longest a window may last: 30 days.
const MAX_WINDOW_MS: i64 = 30 * 86_400_000;

fn field(location: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(location.into()),
    }
}

/// The problems of `spec` at `now`, and the site of its target.
fn check(state: &AppState, spec: &WindowSpec, now: i64) -> (Vec<ErrorDetail>, Option<String>) {
    let mut out = Vec::new();
    let m = &state.catalog().model;
    let t = spec.target.as_str();
    let site = match spec.scope {
        ScopeLevel::Site => m.sites.iter().find(|s| s.id == t).map(|s| s.id.clone()),
        ScopeLevel::Building => m
            .buildings
            .iter()
            .find(|b| b.id == t)
            .map(|b| b.site_id.clone()),
        ScopeLevel::Device => m
            .devices
            .iter()
            .find(|d| d.id == t)
            .map(|d| d.site_id.clone()),
        _ => {
            out.push(field("scope", "a site, a building or a device"));
            None
        }
    };
    if site.is_none() && out.is_empty() {
        out.push(field(
            "target",
            format!("there is no {} {t:?}", spec.scope.name()),
        ));
    }
    if spec.to <= spec.from {
        out.push(field("to", "the end must come after the start"));
    } else if spec.to - spec.from > MAX_WINDOW_MS {
        out.push(field("to", "at most 30 days after the start"));
    } else if spec.to <= now {
        out.push(field("to", "the window is already over"));
    }
    let n = spec.reason.trim().chars().count();
    if n == 0 || n > 1_000 {
        out.push(field(
            "reason",
            "say why, in 1 to 1,000 characters: it shows on every suppressed alarm",
        ));
    }
    (out, site)
}

#[utoipa::path(get, path = "/api/maintenance", tag = "alerts",
    description = "Maintenance windows on the caller's sites that are running or to come, earliest first.",
    responses((status = 200, body = Vec<MaintenanceWindow>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<MaintenanceWindow>>, AppError> {
    let now = state.now_ms();
    let all = state
        .store
        .transact(move |tx| maintenance::windows(tx, now))
        .await?;
    let visible = all.into_iter().filter(|w| caller.sees_site(&w.site_id));
    Ok(Json(visible.map(|w| w.window).collect()))
}

async fn refresh(state: &AppState) -> Result<(), AppError> {
    let now = state.now_ms();
    let all: Vec<StoredWindow> = state
        .store
        .transact(move |tx| maintenance::windows(tx, now))
        .await?;
    state
        .alerts
        .set_windows(all.into_iter().map(|w| w.window.spec).collect());
    Ok(())
}

#[utoipa::path(post, path = "/api/maintenance", tag = "alerts", request_body = WindowSpec,
    description = "Plans a maintenance window on a site, building or device (managers on their sites, admins).",
    responses((status = 200, body = MaintenanceWindow),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager, or not this site's", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<WindowSpec>, JsonRejection>,
) -> Result<Json<MaintenanceWindow>, AppError> {
    caller.require(Role::Manager)?;
    let Json(spec) = json?;
    let (details, site) = check(&state, &spec, state.now_ms());
    if !details.is_empty() {
        return Err(AppError::Rejected {
            message: "the window was not saved; see the fields".into(),
            details,
        });
    }
    let site = site.expect("a valid window has a site");
    if !caller.sees_site(&site) {
        return Err(AppError::Forbidden(format!(
            "you have no access to site {site:?}"
        )));
    }
    let audit = caller.audit("maintenance.create", String::new());
    let stored = state
        .store
        .transact(move |tx| maintenance::insert(tx, &spec, &site, audit))
        .await?;
    refresh(&state).await?;
    Ok(Json(stored.window))
}

#[utoipa::path(delete, path = "/api/maintenance/{id}", tag = "alerts",
    params(("id" = i64, Path, description = "Window id")),
    description = "Ends a window now (a planned one is cancelled); it stays in the history.",
    responses((status = 204, description = "Ended"), (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager", body = ErrorBody),
        (status = 404, description = "No such window running or to come (or not on your sites)", body = ErrorBody)))]
pub(crate) async fn end(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    caller.require(Role::Manager)?;
    let now = state.now_ms();
    let all = state
        .store
        .transact(move |tx| maintenance::windows(tx, now))
        .await?;
    let found = all
        .iter()
        .find(|w| w.window.id == id && caller.sees_site(&w.site_id));
    if found.is_none() {
        return Err(AppError::NotFound(format!("no maintenance window {id}")));
    }
    let audit = caller.audit("maintenance.end", String::new());
    if !state
        .store
        .transact(move |tx| maintenance::end(tx, id, audit))
        .await?
    {
        return Err(AppError::NotFound(format!("no maintenance window {id}")));
    }
    refresh(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
