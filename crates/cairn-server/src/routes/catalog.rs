//! Read endpoints of the portfolio: `GET /api/sites`, `/api/devices`,
//! `/api/points`, with filters and paging. Served from the in-memory catalogue
//! (loaded from the store at start) plus the live bus's latest values.

use std::collections::HashMap;

use axum::{
    Json, Router,
    extract::{Query, State, rejection::QueryRejection},
    routing::get,
};
use cairn_protocol::{DeviceSummary, ErrorBody, Page, PointSummary, Reading, SiteSummary};
use serde::Deserialize;

use crate::{catalog::parse_metric, error::AppError, state::AppState};

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sites", get(sites))
        .route("/devices", get(devices))
        .route("/points", get(points))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    site: Option<String>,
    device: Option<String>,
    metric: Option<String>,
    /// Case-insensitive text in the id or name.
    q: Option<String>,
    offset: Option<u64>,
    limit: Option<u32>,
}

fn bad(location: &str, message: impl Into<String>) -> AppError {
    AppError::BadRequest {
        message: message.into(),
        location: Some(location.to_owned()),
    }
}

fn query(q: Result<Query<ListQuery>, QueryRejection>) -> Result<ListQuery, AppError> {
    let Query(q) = q.map_err(|e| bad("query", e.body_text()))?;
    if let Some(limit) = q.limit.filter(|l| !(1..=MAX_LIMIT).contains(l)) {
        return Err(bad(
            "query.limit",
            format!("`limit` {limit} is not between 1 and {MAX_LIMIT}"),
        ));
    }
    if let Some(metric) = q.metric.as_deref().filter(|m| parse_metric(m).is_none()) {
        return Err(bad("query.metric", format!("unknown metric {metric:?}")));
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

fn matches(text: &str, q: &Option<String>) -> bool {
    q.as_deref()
        .is_none_or(|q| text.to_lowercase().contains(&q.to_lowercase()))
}

#[utoipa::path(get, path = "/api/sites", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<SiteSummary>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody)))]
pub(crate) async fn sites(
    State(state): State<AppState>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<SiteSummary>>, AppError> {
    let q = query(q)?;
    let items = state
        .catalog
        .site_summaries()
        .into_iter()
        .filter(|s| matches(&format!("{} {} {}", s.id, s.name, s.city), &q.q))
        .collect();
    Ok(Json(page(items, &q)))
}

#[utoipa::path(get, path = "/api/devices", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<DeviceSummary>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody)))]
pub(crate) async fn devices(
    State(state): State<AppState>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<DeviceSummary>>, AppError> {
    let q = query(q)?;
    let latest = latest_by_point(&state);
    let mut devices: Vec<DeviceSummary> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for p in state.catalog.points() {
        let seen = latest.get(&p.id).map(|r| r.ts);
        let i = *index.entry(&p.device_id).or_insert_with(|| {
            devices.push(DeviceSummary {
                id: p.device_id.clone(),
                name: p.device_name.clone(),
                site_id: p.site_id.clone(),
                points: Vec::new(),
                last_seen: None,
            });
            devices.len() - 1
        });
        devices[i].points.push(p.id);
        devices[i].last_seen = devices[i].last_seen.max(seen);
    }
    let items = devices
        .into_iter()
        .filter(|d| q.site.as_ref().is_none_or(|s| *s == d.site_id))
        .filter(|d| matches(&format!("{} {}", d.id, d.name), &q.q))
        .collect();
    Ok(Json(page(items, &q)))
}

#[utoipa::path(get, path = "/api/points", tag = "portfolio", params(ListQuery),
    responses((status = 200, body = Page<PointSummary>), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody)))]
pub(crate) async fn points(
    State(state): State<AppState>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<PointSummary>>, AppError> {
    let q = query(q)?;
    let latest = latest_by_point(&state);
    let metric = q.metric.as_deref().and_then(parse_metric);
    let items = state
        .catalog
        .points()
        .iter()
        .filter(|p| q.site.as_ref().is_none_or(|s| *s == p.site_id))
        .filter(|p| q.device.as_ref().is_none_or(|d| *d == p.device_id))
        .filter(|p| metric.is_none_or(|m| m == p.metric))
        .filter(|p| matches(&format!("{} {}", p.key, p.device_name), &q.q))
        .map(|p| state.catalog.point_summary(p, latest.get(&p.id).copied()))
        .collect();
    Ok(Json(page(items, &q)))
}
