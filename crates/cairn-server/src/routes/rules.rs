//! Alert rules (`/api/rules`): read by anyone signed in (the rules of their
//! sites and the portfolio-wide ones), written by managers on their own
//! sites and admins everywhere, each change audited in its transaction, and
//! backtested before saving (`/api/rules/backtest`).

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
};
use cairn_protocol::{
    BacktestRequest, BacktestResult, ErrorBody, Role, Rule, RuleSpec, WouldBeAlarm,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    alerts::{backtest, scope},
    auth::Caller,
    error::AppError,
    state::AppState,
    store::alerts::{self, StoredRule},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(run_backtest))
}

/// The most points one backtest reads.
const MAX_BACKTEST_POINTS: usize = 5_000;

fn wire(r: StoredRule) -> Rule {
    Rule {
        id: r.id,
        spec: r.spec,
        site_id: r.site_id,
        updated_at: r.updated_ms,
        updated_by: r.updated_by,
    }
}

/// Validates `spec` (422 with one detail per field) and checks that the
/// caller may write a rule there (403); returns its site.
fn admit(state: &AppState, caller: &Caller, spec: &RuleSpec) -> Result<Option<String>, AppError> {
    caller.require(Role::Manager)?;
    let problems = scope::problems(spec, &state.catalog());
    if !problems.is_empty() {
        return Err(AppError::Rejected {
            message: "the rule was not saved; see the fields".into(),
            details: problems,
        });
    }
    let site = scope::site_of(spec, &state.catalog()).map_err(|d| AppError::Rejected {
        message: "the rule was not saved; see the fields".into(),
        details: vec![d],
    })?;
    may_write(caller, site.as_deref())?;
    Ok(site)
}

fn may_write(caller: &Caller, site: Option<&str>) -> Result<(), AppError> {
    match site {
        None => caller.require(Role::Admin),
        Some(s) if caller.sees_site(s) => Ok(()),
        // Which site it is stays unsaid: that too is the other site's.
        Some(_) => Err(AppError::Forbidden(
            "that target is on a site you have no access to".into(),
        )),
    }
}

async fn reload(state: &AppState) -> Result<(), AppError> {
    let latest = state.store.latest_readings().await?;
    Ok(state.alerts.reload(&latest).await?)
}

async fn find(state: &AppState, caller: &Caller, id: i64) -> Result<StoredRule, AppError> {
    let rule = state.store.transact(move |tx| alerts::rule(tx, id)).await?;
    match rule {
        Some(r) if r.site_id.as_deref().is_none_or(|s| caller.sees_site(s)) => Ok(r),
        _ => Err(AppError::NotFound(format!("no rule {id}"))),
    }
}

#[utoipa::path(get, path = "/api/rules", tag = "alerts",
    description = "The rules of the caller's sites and the portfolio-wide ones, oldest first.",
    responses((status = 200, body = Vec<Rule>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Rule>>, AppError> {
    let rules = state.store.transact(alerts::rules).await?;
    let visible = rules
        .into_iter()
        .filter(|r| r.site_id.as_deref().is_none_or(|s| caller.sees_site(s)));
    Ok(Json(visible.map(wire).collect()))
}

#[utoipa::path(post, path = "/api/rules", tag = "alerts", request_body = RuleSpec,
    description = "Creates a rule (managers on their sites; admins, also portfolio-wide).",
    responses((status = 200, body = Rule),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager, not this site's, or a portfolio-wide rule by a manager", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<RuleSpec>, JsonRejection>,
) -> Result<Json<Rule>, AppError> {
    caller.require(Role::Manager)?;
    let Json(spec) = json?;
    let site = admit(&state, &caller, &spec)?;
    let audit = caller.audit("rule.create", String::new());
    let rule = (state.store)
        .transact(move |tx| alerts::insert_rule(tx, &spec, site.as_deref(), audit))
        .await?;
    reload(&state).await?;
    Ok(Json(wire(rule)))
}

#[utoipa::path(put, path = "/api/rules/{id}", tag = "alerts", request_body = RuleSpec,
    params(("id" = i64, Path, description = "Rule id")),
    description = "Replaces a rule. Its delays in progress start afresh; its open alarms stay.",
    responses((status = 200, body = Rule),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager, or not this site's", body = ErrorBody),
        (status = 404, description = "No such rule (or not on your sites)", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    json: Result<Json<RuleSpec>, JsonRejection>,
) -> Result<Json<Rule>, AppError> {
    caller.require(Role::Manager)?;
    let Json(spec) = json?;
    let old = find(&state, &caller, id).await?;
    may_write(&caller, old.site_id.as_deref())?;
    let site = admit(&state, &caller, &spec)?;
    let audit = caller.audit("rule.update", format!("rule {id}"));
    let (stored, at, by) = (spec.clone(), audit.at, audit.actor.clone());
    let site2 = site.clone();
    // Its open alarms on points it no longer watches (or all, disabled) close with it.
    let watched = if spec.enabled {
        scope::points(&spec, &state.catalog())
    } else {
        Vec::new()
    };
    let actor = by.clone();
    let found = (state.store)
        .transact(move |tx| {
            if alerts::update_rule(tx, id, &stored, site2.as_deref(), audit)?.is_none() {
                return Ok(None);
            }
            alerts::close_unwatched(tx, id, &watched, &actor, at).map(Some)
        })
        .await?;
    let Some(closed) = found else {
        return Err(AppError::NotFound(format!("no rule {id}")));
    };
    state.alerts.publish(&closed);
    reload(&state).await?;
    Ok(Json(Rule {
        id,
        spec,
        site_id: site,
        updated_at: at,
        updated_by: by,
    }))
}

#[utoipa::path(delete, path = "/api/rules/{id}", tag = "alerts",
    params(("id" = i64, Path, description = "Rule id")),
    description = "Deletes a rule; its open alarms are closed, their history kept.",
    responses((status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager, or not this site's", body = ErrorBody),
        (status = 404, description = "No such rule (or not on your sites)", body = ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    caller.require(Role::Manager)?;
    let old = find(&state, &caller, id).await?;
    may_write(&caller, old.site_id.as_deref())?;
    let audit = caller.audit("rule.delete", format!("rule {id}"));
    let closed = state
        .store
        .transact(move |tx| alerts::delete_rule(tx, id, audit))
        .await?;
    let Some(closed) = closed else {
        return Err(AppError::NotFound(format!("no rule {id}")));
    };
    state.alerts.publish(&closed);
    reload(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/rules/backtest", tag = "alerts", request_body = BacktestRequest,
    description = "Runs the rule as typed over the stored readings of the last 7 or 30 days, with the live evaluator, and sums up what it would have raised.",
    responses((status = 200, body = BacktestResult),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager, or not this site's", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each (or `days` not 7 or 30)", body = ErrorBody)))]
pub(crate) async fn run_backtest(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<BacktestRequest>, JsonRejection>,
) -> Result<Json<BacktestResult>, AppError> {
    caller.require(Role::Manager)?;
    let Json(req) = json?;
    if req.days != 7 && req.days != 30 {
        return Err(AppError::Rejected {
            message: "the backtest did not run".into(),
            details: vec![cairn_protocol::ErrorDetail {
                code: "invalid_field".into(),
                message: "7 or 30 days".into(),
                location: Some("days".into()),
            }],
        });
    }
    admit(&state, &caller, &req.rule)?;
    let points = scope::points(&req.rule, &state.catalog());
    if points.len() > MAX_BACKTEST_POINTS {
        return Err(AppError::bad(
            "rule",
            format!(
                "the rule watches {} points; a backtest reads at most {MAX_BACKTEST_POINTS}: narrow its scope",
                points.len()
            ),
        ));
    }
    let to = state.now_ms();
    let from = to - i64::from(req.days) * 86_400_000;
    Ok(Json(
        backtest_points(&state, &req.rule, &points, from, to).await?,
    ))
}

/// The backtest of `spec` over `points` in `[from, to)`, summed up.
pub async fn backtest_points(
    state: &AppState,
    spec: &RuleSpec,
    points: &[u32],
    from: i64,
    to: i64,
) -> Result<BacktestResult, AppError> {
    let (all, keys) = backtest_alarms(state, spec, points, from, to).await?;
    Ok(backtest::summarise(
        all,
        &keys,
        points.len() as u32,
        from,
        to,
    ))
}

/// Every alarm `spec` would have raised on `points` in `[from, to)` (each
/// point's readings read and evaluated in turn), and the keys of the points
/// that raised one.
pub async fn backtest_alarms(
    state: &AppState,
    spec: &RuleSpec,
    points: &[u32],
    from: i64,
    to: i64,
) -> Result<(Vec<WouldBeAlarm>, HashMap<u32, String>), AppError> {
    let compiled = scope::compile(0, spec);
    let mut all = Vec::new();
    let mut keys = HashMap::new();
    let catalog = state.catalog();
    for &id in points {
        let Some(p) = catalog.point(id) else {
            continue;
        };
        let ctx = scope::context(p, &catalog);
        let readings: Vec<(i64, f64)> = (state.store.range(id, from, to).await?.into_iter())
            .map(|r| (r.ts, r.value))
            .collect();
        let alarms = backtest::alarms_of(&compiled, &ctx, id, &readings, to);
        if !alarms.is_empty() {
            keys.insert(id, p.key.clone());
        }
        all.extend(alarms);
    }
    Ok((all, keys))
}
