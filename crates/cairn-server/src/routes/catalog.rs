//! Read endpoints of the portfolio: sites, buildings, floors (and their plan
//! images), zones, devices and points, with filters and paging. Served from
//! the in-memory catalogue (loaded from the store at start) plus the live
//! bus's latest values.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Path, State},
};
use cairn_protocol::{
    Building, DeviceKind, DeviceSummary, ErrorBody, Floor, Metric, Page, PointSummary, Reading,
    SiteSummary, Zone,
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
        .routes(routes!(devices))
        .routes(routes!(device))
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
    /// Device kind, e.g. `multisensor`, `leak_sensor`.
    kind: Option<String>,
    /// Metric name, e.g. `co2`.
    metric: Option<String>,
    /// Marker tag the device carries, e.g. `battery`.
    tag: Option<String>,
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
    if let Some(kind) = q.kind.as_deref().filter(|k| DeviceKind::parse(k).is_none()) {
        let known: Vec<_> = DeviceKind::ALL.iter().map(|k| k.name()).collect();
        return Err(AppError::bad(
            "query.kind",
            format!(
                "unknown device kind {kind:?}; use one of {}",
                known.join(", ")
            ),
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
        .catalog
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
    let items = (state.catalog.model.buildings.iter())
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
    let items = (state.catalog.model.floors.iter())
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
    let items = (state.catalog.model.zones.iter())
        .filter(|z| caller.sees_site(&z.site_id))
        .filter(|z| is(&q.site, &z.site_id) && is(&q.building, &z.building_id))
        .filter(|z| is(&q.floor, &z.floor_id) && is(&q.zone, &z.id))
        .filter(|z| matches(&format!("{} {} {}", z.id, z.name, z.kind), &q.q))
        .cloned()
        .collect();
    Ok(Json(page(items, &q)))
}

#[utoipa::path(get, path = "/api/devices", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<DeviceSummary>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn devices(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery<ListQuery>,
) -> Result<Json<Page<DeviceSummary>>, AppError> {
    let q = query(q)?;
    let kind = q.kind.as_deref().and_then(DeviceKind::parse);
    let metric = q.metric.as_deref().and_then(Metric::parse);
    let matching: Vec<_> = (state.catalog.model.devices.iter())
        .filter(|d| caller.sees_site(&d.site_id))
        .filter(|d| is(&q.site, &d.site_id) && is(&q.device, &d.id))
        .filter(|d| {
            is_opt(&q.building, d.building_id.as_ref()) && is_opt(&q.floor, d.floor_id.as_ref())
        })
        .filter(|d| is_opt(&q.zone, d.zone_id.as_ref()))
        .filter(|d| kind.is_none_or(|k| k == d.kind))
        .filter(|d| metric.is_none_or(|m| d.points.iter().any(|(pm, _)| *pm == m)))
        .filter(|d| q.tag.as_ref().is_none_or(|t| d.tags.contains(t)))
        .filter(|d| {
            matches(
                &format!("{} {} {} {}", d.id, d.name, d.model, d.serial),
                &q.q,
            )
        })
        .collect();
    // Only the page is summarised: latest values are looked up for what is sent.
    let mut page = page(matching, &q);
    let latest = latest_by_point(&state);
    let items = page
        .items
        .drain(..)
        .map(|d| state.catalog.device_summary(d, &latest))
        .collect();
    Ok(Json(Page {
        items,
        total: page.total,
        offset: page.offset,
        limit: page.limit,
    }))
}

#[utoipa::path(get, path = "/api/devices/{id}", tag = "portfolio",
    params(("id" = String, Path, description = "Device id")),
    responses((status = 200, body = DeviceSummary), (status = 401, body = ErrorBody), (status = 404, description = "No such device on the caller's sites", body = ErrorBody)))]
pub(crate) async fn device(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DeviceSummary>, AppError> {
    let d = (state.catalog.model.devices.iter())
        .find(|d| d.id == id && caller.sees_site(&d.site_id))
        .ok_or_else(|| AppError::NotFound(format!("no device {id:?}")))?;
    Ok(Json(
        state.catalog.device_summary(d, &latest_by_point(&state)),
    ))
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
        .catalog
        .points()
        .iter()
        .filter(|p| caller.sees_site(&p.site_id))
        .filter(|p| is(&q.site, &p.site_id) && is(&q.device, &p.device_id))
        .filter(|p| is_opt(&q.building, p.building_id.as_ref()))
        .filter(|p| metric.is_none_or(|m| m == p.metric))
        .filter(|p| matches(&format!("{} {}", p.key, p.device_name), &q.q))
        .map(|p| cairn_protocol::PointSummary {
            thresholds: thresholds.get(&p.id).copied(),
            ..state.catalog.point_summary(p, latest.get(&p.id).copied())
        })
        .collect();
    Ok(Json(page(items, &q)))
}
