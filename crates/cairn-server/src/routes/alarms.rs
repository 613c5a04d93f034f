//! Alarms (`/api/alarms`): the queue and the history of the caller's sites;
//! operators acknowledge (one or many, with a comment), shelve (for a
//! while, at most [`MAX_SHELVE_MS`]) and comment. Every action is an event
//! in the alarm's history and goes out on the live sockets.

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
};
use cairn_protocol::{
    AckRequest, Alarm, AlarmDetail, CommentRequest, ErrorBody, ErrorDetail, Role, ShelveRequest,
    alerts::{MAX_SHELVE_MS, MAX_TEXT},
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Caller,
    error::{ApiQuery, AppError},
    state::AppState,
    store::alerts::{self, AlarmRow, Which},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(detail))
        .routes(routes!(acknowledge))
        .routes(routes!(shelve))
        .routes(routes!(comment))
}

/// The most alarms one list returns.
const MAX_LIST: u32 = 1_000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// `open` (not closed: the queue, the default), `closed` or `all`.
    #[serde(default)]
    state: Option<String>,
    /// At most this many, newest first (1–1000, default 500).
    #[serde(default)]
    limit: Option<u32>,
}

fn invalid(location: &str, message: impl Into<String>) -> AppError {
    AppError::Rejected {
        message: "nothing was changed; see the fields".into(),
        details: vec![ErrorDetail {
            code: "invalid_field".into(),
            message: message.into(),
            location: Some(location.into()),
        }],
    }
}

fn visible(state: &AppState, caller: &Caller, a: &AlarmRow) -> Option<Alarm> {
    state
        .alerts
        .to_wire(a)
        .filter(|w| caller.sees_site(&w.site_id))
}

/// Alarm `id` if the caller may see it, else 404 (whether it exists or not).
async fn find(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(Alarm, AlarmDetail), AppError> {
    let found = state
        .store
        .transact(move |tx| alerts::alarm(tx, id))
        .await?;
    let (row, events) = found.ok_or_else(|| AppError::NotFound(format!("no alarm {id}")))?;
    let alarm =
        visible(state, caller, &row).ok_or_else(|| AppError::NotFound(format!("no alarm {id}")))?;
    Ok((alarm.clone(), AlarmDetail { alarm, events }))
}

fn text(location: &str, s: &str, required: bool) -> Result<String, AppError> {
    let s = s.trim();
    if required && s.is_empty() {
        return Err(invalid(location, "write a comment"));
    }
    if s.chars().count() > MAX_TEXT {
        return Err(invalid(location, "at most 1,000 characters"));
    }
    Ok(s.to_owned())
}

#[utoipa::path(get, path = "/api/alarms", tag = "alerts", params(ListQuery),
    description = "Alarms of the caller's sites, newest raised first.",
    responses((status = 200, body = Vec<Alarm>),
        (status = 400, description = "A malformed query", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 422, description = "An unknown state or a limit out of range", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<Alarm>>, AppError> {
    let which = match q.state.as_deref().unwrap_or("open") {
        "open" => Which::Open,
        "closed" => Which::Closed,
        "all" => Which::All,
        other => {
            return Err(invalid(
                "state",
                format!("{other:?} is not open, closed or all"),
            ));
        }
    };
    let limit = q.limit.unwrap_or(500);
    if !(1..=MAX_LIST).contains(&limit) {
        return Err(invalid("limit", "1 to 1000"));
    }
    // The database keeps to the caller's sites; `visible` checks again.
    let sites = (!caller.user.sees_every_site()).then(|| caller.user.sites.clone());
    let rows = (state.store)
        .transact(move |tx| match sites {
            None => alerts::alarms(tx, which, i64::from(limit)),
            Some(sites) => alerts::alarms_of_sites(tx, which, i64::from(limit), &sites),
        })
        .await?;
    let out = rows
        .iter()
        .filter_map(|a| visible(&state, &caller, a))
        .take(limit as usize);
    Ok(Json(out.collect()))
}

#[utoipa::path(get, path = "/api/alarms/{id}", tag = "alerts",
    params(("id" = i64, Path, description = "Alarm id")),
    description = "An alarm and its whole history, oldest first.",
    responses((status = 200, body = AlarmDetail), (status = 401, body = ErrorBody),
        (status = 404, description = "No such alarm (or not on your sites)", body = ErrorBody)))]
pub(crate) async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<AlarmDetail>, AppError> {
    Ok(Json(find(&state, &caller, id).await?.1))
}

#[utoipa::path(post, path = "/api/alarms/ack", tag = "alerts", request_body = AckRequest,
    description = "Acknowledges alarms (operators and up), with one comment for all. Returns those acknowledged now (already acknowledged or closed ones are left).",
    responses((status = 200, body = Vec<Alarm>),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "A viewer, or no CSRF token", body = ErrorBody),
        (status = 404, description = "An alarm that does not exist or is not on your sites; nothing acknowledged", body = ErrorBody),
        (status = 422, description = "No ids, too many, or a comment too long", body = ErrorBody)))]
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<AckRequest>, JsonRejection>,
) -> Result<Json<Vec<Alarm>>, AppError> {
    caller.require(Role::Operator)?;
    let Json(req) = json?;
    if req.ids.is_empty() || req.ids.len() > 500 {
        return Err(invalid("ids", "1 to 500 alarm ids"));
    }
    let comment = text("comment", &req.comment, false)?;
    for &id in &req.ids {
        find(&state, &caller, id).await?;
    }
    let (actor, now, ids) = (caller.user.username.clone(), state.now_ms(), req.ids);
    let rows = (state.store)
        .transact(move |tx| alerts::acknowledge(tx, &ids, &actor, &comment, now))
        .await?;
    state.alerts.publish(&rows);
    Ok(Json(
        rows.iter()
            .filter_map(|a| state.alerts.to_wire(a))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/alarms/{id}/shelve", tag = "alerts", request_body = ShelveRequest,
    params(("id" = i64, Path, description = "Alarm id")),
    description = "Shelves an open alarm until `until` (at most 24 h ahead), or unshelves it (`until` null). Operators and up.",
    responses((status = 200, body = Alarm),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "A viewer, or no CSRF token", body = ErrorBody),
        (status = 404, description = "No such open alarm (or not on your sites)", body = ErrorBody),
        (status = 422, description = "`until` in the past or more than 24 h ahead", body = ErrorBody)))]
pub(crate) async fn shelve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    json: Result<Json<ShelveRequest>, JsonRejection>,
) -> Result<Json<Alarm>, AppError> {
    caller.require(Role::Operator)?;
    let Json(req) = json?;
    let now = state.now_ms();
    if let Some(until) = req.until {
        if until <= now {
            return Err(invalid("until", "a time in the future"));
        }
        if until > now + MAX_SHELVE_MS {
            return Err(invalid(
                "until",
                "at most 24 hours ahead: nothing is shelved forever",
            ));
        }
    }
    let comment = text("comment", &req.comment, false)?;
    find(&state, &caller, id).await?;
    let actor = caller.user.username.clone();
    let row = (state.store)
        .transact(move |tx| alerts::shelve(tx, id, req.until, &actor, &comment, now))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("alarm {id} is closed")))?;
    state.alerts.publish(std::slice::from_ref(&row));
    visible(&state, &caller, &row)
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no alarm {id}")))
}

#[utoipa::path(post, path = "/api/alarms/{id}/comments", tag = "alerts", request_body = CommentRequest,
    params(("id" = i64, Path, description = "Alarm id")),
    description = "Adds a comment to an alarm's history (operators and up).",
    responses((status = 200, body = Alarm),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "A viewer, or no CSRF token", body = ErrorBody),
        (status = 404, description = "No such alarm (or not on your sites)", body = ErrorBody),
        (status = 422, description = "An empty or too long comment", body = ErrorBody)))]
pub(crate) async fn comment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    json: Result<Json<CommentRequest>, JsonRejection>,
) -> Result<Json<Alarm>, AppError> {
    caller.require(Role::Operator)?;
    let Json(req) = json?;
    let comment = text("comment", &req.comment, true)?;
    let (alarm, _) = find(&state, &caller, id).await?;
    let (actor, now) = (caller.user.username.clone(), state.now_ms());
    (state.store)
        .transact(move |tx| alerts::comment(tx, id, &actor, &comment, now))
        .await?;
    Ok(Json(alarm))
}
