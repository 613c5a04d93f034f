//! Read endpoints of the portfolio: sites, buildings, floors (and their plan
//! images), zones and points, with filters and paging (devices: `devices.rs`). Served from
//! the in-memory catalogue (loaded from the store at start) plus the live
//! bus's latest values.

use std::collections::HashMap;

use axum::{Json, extract::State};
use cairn_protocol::{
    Building, ErrorBody, Floor, Metric, Page, PointSummary, Reading, SiteSummary, Zone,
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Caller,
    error::{ApiQuery, AppError},
    state::AppState,
};

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1_000;

/// Every list shows only the caller's sites; one item of another site is a 404,
/// exactly as if it did not exist.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sites))
        .routes(routes!(buildings))
        .routes(routes!(floors))
        .routes(routes!(super::floor_plan::plan_svg))
        .routes(routes!(zones))
        .routes(routes!(points))
}

/// Filters shared by every list; each list uses those that apply to it.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    site: Option<String>,
    building: Option<String>,
    floor: Option<String>,
    zone: Option<String>,
    device: Option<String>,
    /// Metric name, e.g. `co2`.
    metric: Option<String>,
    /// Case-insensitive text in the id or name.
    q: Option<String>,
    /// Items to skip (default 0).
    offset: Option<u64>,
    /// Items in one page: 1 to `MAX_LIMIT` (default `DEFAULT_LIMIT`).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// The list query's limits and names, checked.
fn query(ApiQuery(q): ApiQuery<ListQuery>) -> Result<ListQuery, AppError> {
    if let Some(limit) = q.limit.filter(|l| !(1..=MAX_LIMIT).contains(l)) {
        return Err(AppError::bad(
            "query.limit",
            format!("`limit` {limit} is not between 1 and {MAX_LIMIT}"),
        ));
    }
    if let Some(metric) = q.metric.as_deref().filter(|m| Metric::parse(m).is_none()) {
        return Err(AppError::bad(
            "query.metric",
            format!("unknown metric {metric:?}"),
        ));
    }
    Ok(q)
}

fn page<T>(items: Vec<T>, q: &ListQuery) -> Page<T> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let offset = q.offset.unwrap_or(0);
    let total = items.len() as u64;
    let items = items
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    Page {
        items,
        total,
        offset,
        limit,
    }
}

fn latest_by_point(state: &AppState) -> HashMap<u32, Reading> {
    state
        .bus
        .latest()
        .into_iter()
        .map(|r| (r.point, r))
        .collect()
}

/// `None` filter matches everything; otherwise the value must equal it.
fn is(filter: &Option<String>, value: &str) -> bool {
    filter.as_deref().is_none_or(|f| f == value)
}

fn is_opt(filter: &Option<String>, value: Option<&String>) -> bool {
    filter
        .as_deref()
        .is_none_or(|f| value.is_some_and(|v| v == f))
}

fn matches(text: &str, q: &Option<String>) -> bool {
    q.as_deref()
        .is_none_or(|q| text.to_lowercase().contains(&q.to_lowercase()))
}

#[utoipa::path(get, path = "/api/sites", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<SiteSummary>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn sites(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery<ListQuery>,
) -> Result<Json<Page<SiteSummary>>, AppError> {
    let q = query(q)?;
    let items = state
        .catalog()
        .site_summaries()
        .into_iter()
        .filter(|s| caller.sees_site(&s.id) && is(&q.site, &s.id))
        .filter(|s| {
            matches(
                &format!("{} {} {} {}", s.id, s.name, s.city, s.address),
                &q.q,
            )
        })
        .collect();
    Ok(Json(page(items, &q)))
}

#[utoipa::path(get, path = "/api/buildings", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<Building>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn buildings(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery<ListQuery>,
) -> Result<Json<Page<Building>>, AppError> {
    let q = query(q)?;
    let items = (state.catalog().model.buildings.iter())
        .filter(|b| caller.sees_site(&b.site_id))
        .filter(|b| is(&q.site, &b.site_id) && is(&q.building, &b.id))
        .filter(|b| matches(&format!("{} {}", b.id, b.name), &q.q))
        .cloned()
        .collect();
    Ok(Json(page(items, &q)))
}

#[utoipa::path(get, path = "/api/floors", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<Floor>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn floors(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery<ListQuery>,
) -> Result<Json<Page<Floor>>, AppError> {
    let q = query(q)?;
    let items = (state.catalog().model.floors.iter())
        .filter(|f| caller.sees_site(&f.site_id))
        .filter(|f| {
            is(&q.site, &f.site_id) && is(&q.building, &f.building_id) && is(&q.floor, &f.id)
        })
        .filter(|f| matches(&format!("{} {}", f.id, f.name), &q.q))
        .cloned()
        .collect();
    Ok(Json(page(items, &q)))
}

#[utoipa::path(get, path = "/api/zones", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<Zone>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn zones(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery<ListQuery>,
) -> Result<Json<Page<Zone>>, AppError> {
    let q = query(q)?;
    let items = (state.catalog().model.zones.iter())
        .filter(|z| caller.sees_site(&z.site_id))
        .filter(|z| is(&q.site, &z.site_id) && is(&q.building, &z.building_id))
        .filter(|z| is(&q.floor, &z.floor_id) && is(&q.zone, &z.id))
        .filter(|z| matches(&format!("{} {} {}", z.id, z.name, z.kind), &q.q))
        .cloned()
        .collect();
    Ok(Json(page(items, &q)))
}

#[utoipa::path(get, path = "/api/points", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<PointSummary>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn points(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery<ListQuery>,
) -> Result<Json<Page<PointSummary>>, AppError> {
    let q = query(q)?;
    let latest = latest_by_point(&state);
    let metric = q.metric.as_deref().and_then(Metric::parse);
    let thresholds = state.alerts.thresholds();
    let items = state
        .catalog()
        .points()
        .iter()
        .filter(|p| caller.sees_site(&p.site_id))
        .filter(|p| is(&q.site, &p.site_id) && is(&q.device, &p.device_id))
        .filter(|p| is_opt(&q.building, p.building_id.as_ref()))
        .filter(|p| metric.is_none_or(|m| m == p.metric))
        .filter(|p| matches(&format!("{} {}", p.key, p.device_name), &q.q))
        .map(|p| cairn_protocol::PointSummary {
            thresholds: thresholds.get(&p.id).copied(),
            ..state.catalog().point_summary(p, latest.get(&p.id).copied())
        })
        .collect();
    Ok(Json(page(items, &q)))
}
