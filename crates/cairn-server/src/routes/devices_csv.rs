//! CSV import (plan, then apply: all rows or none) and export of the
//! inventory (`/api/inventory/…`; the format is `inventory/csv.rs`).

use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
};
use cairn_protocol::{ErrorBody, ImportPlan, Role};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::devices::{
    InventoryQuery, keyed, latest_by_point, matching, needs_health, parse, write,
};
use crate::{
    auth::Caller,
    catalog::DeviceDef,
    error::{ApiQuery, AppError},
    inventory::csv,
    state::AppState,
    store::devices::DeviceWrite,
};

/// The largest file import takes: 16 MiB (about 100,000 rows).
pub const MAX_CSV_BYTES: usize = 16 << 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export))
        .routes(routes!(import))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_CSV_BYTES))
}

#[utoipa::path(get, path = "/api/inventory/export.csv", tag = "inventory", params(InventoryQuery),
    description = "The devices of the current filter (every page, in the asked order) as CSV, text cells a spreadsheet would run as formulas defused with a leading `'`.",
    responses((status = 200, description = "CSV, header first", content_type = "text/csv"),
        (status = 400, description = "Invalid query", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<InventoryQuery>,
) -> Result<impl IntoResponse, AppError> {
    let (filter, order, _, _) = parse(&q)?;
    let catalog = state.catalog();
    let latest = latest_by_point(&state);
    let now = state.now_ms();
    let plain = filter.without_health();
    let wanted = |d: &DeviceDef| filter.wants_health(&plain, d, false);
    let health = needs_health(&filter, &order).then_some(&wanted as &dyn Fn(&DeviceDef) -> bool);
    let all = matching(&state, &caller, &catalog, health, &latest, now);
    let mut rows = keyed(&catalog, &filter, &order, all, &latest);
    rows.sort_by(|a, b| order.cmp((&a.0, &a.1), (&b.0, &b.1)));
    let body = csv::export(rows.into_iter().map(|(_, _, d)| d));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cairn-devices.csv\"",
            ),
        ],
        body,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: write it (all rows, or none when any row has an error);
    /// otherwise only plan.
    pub apply: Option<bool>,
}

#[utoipa::path(post, path = "/api/inventory/import", tag = "inventory", params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "A header (`id` and any of the export's columns) and one row per device"),
    description = "Plans (or with `apply=true` applies) a CSV of devices: per row create, update field by field or unchanged, and every error by row and column. Applying writes all rows in one transaction, or none; the same file twice changes nothing the second time. Imported devices get no token: issue one per device.",
    responses((status = 200, description = "The plan; `applied` false when `apply` was not asked or any row has an error (then nothing is written)", body = ImportPlan),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager", body = ErrorBody),
        (status = 413, description = "Over 16 MiB", body = ErrorBody),
        (status = 400, description = "Invalid query", body = ErrorBody)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: String,
) -> Result<(StatusCode, Json<ImportPlan>), AppError> {
    caller.require(Role::Manager)?;
    if body.len() > MAX_CSV_BYTES {
        return Err(AppError::TooLarge("a CSV of at most 16 MiB".into()));
    }
    // Planned under the writers' lock when applying: what it compares with
    // is what it writes over.
    let _one_writer = if q.apply == Some(true) {
        Some(state.shared_catalog.writing().await)
    } else {
        None
    };
    let catalog = state.catalog();
    let places = super::devices::places_for(&caller, &catalog);
    let (mut plan, writes) = csv::plan(&body, &catalog.model, &places, &|site| {
        caller.sees_site(site)
    });
    if q.apply != Some(true) {
        return Ok((StatusCode::OK, Json(plan)));
    }
    if !plan.errors.is_empty() {
        return Ok((StatusCode::OK, Json(plan)));
    }
    if !writes.is_empty() {
        let writes = (writes.into_iter())
            .map(|(before, after)| DeviceWrite {
                before,
                after,
                token: None,
            })
            .collect();
        write(&state, &caller, writes).await?;
    }
    plan.applied = true;
    Ok((StatusCode::OK, Json(plan)))
}
