//! The device inventory (`/api/devices`): the list with filters, sort,
//! keyset paging and counts per filter value; one device with its health;
//! create and change (admins everywhere, managers on their sites), each
//! audited in its transaction; the fleet health line. Device tokens are
//! `tokens.rs`; CSV import and export `devices_csv.rs`.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
};
use cairn_protocol::{
    AuditEntry, DeviceHealth, DeviceKind, DeviceSort, DeviceSpec, DeviceSummary, ErrorBody,
    FleetHealth, InventoryPage, Metric, NewDevice, Reading, Role, WindowSpec, health::HealthFlag,
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    alerts::maintenance,
    auth::Caller,
    catalog::{Catalog, DeviceDef},
    error::{ApiQuery, AppError},
    inventory::{list, validate},
    state::AppState,
    store::{
        accounts::AuditQuery,
        devices::{self, DeviceWrite},
    },
};

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_devices, create))
        .routes(routes!(device, update))
        .routes(routes!(history))
        .routes(routes!(fleet_health))
}

/// `GET /api/devices` filters; lists are comma-separated.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryQuery {
    /// Case-insensitive text in the id, name, model, serial, firmware or a tag.
    pub q: Option<String>,
    pub site: Option<String>,
    pub building: Option<String>,
    pub floor: Option<String>,
    pub zone: Option<String>,
    /// Device id (exact).
    pub device: Option<String>,
    /// Kinds, comma-separated, e.g. `multisensor,thermometer`.
    pub kind: Option<String>,
    pub model: Option<String>,
    pub firmware: Option<String>,
    /// Health flags, comma-separated (any of them): `silent`, `stuck`,
    /// `low_battery`, `weak_signal`, `in_maintenance`, `retired`, `never_reported`.
    pub health: Option<String>,
    /// Marker tag the device carries.
    pub tag: Option<String>,
    /// Metric one of its points measures.
    pub metric: Option<String>,
    /// `true`: only devices with no place on the globe yet.
    pub unplaced: Option<bool>,
    /// `name` (default), `id`, `kind`, `model`, `site`, `place`, `status`,
    /// `last_seen`, `battery`, `signal`, `firmware`.
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub dir: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// 1 to 1,000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// `true`: add counts per filter value.
    pub facets: Option<bool>,
}

fn list_of<T>(
    raw: &Option<String>,
    at: &str,
    parse: fn(&str) -> Option<T>,
    all: &[&str],
) -> Result<Vec<T>, AppError> {
    (raw.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty()))
    .map(|s| {
        parse(s).ok_or_else(|| {
            AppError::bad(at, format!("unknown {s:?}; use one of {}", all.join(", ")))
        })
    })
    .collect()
}

/// The query checked: the filter, the order, the cursor and the page size.
type Parsed = (
    list::Filter,
    list::Sorted,
    Option<(list::Key, String)>,
    usize,
);

/// Checks `q`: 400 naming the parameter (`query.kind`, …) when it is wrong.
pub(crate) fn parse(q: &InventoryQuery) -> Result<Parsed, AppError> {
    let kinds: Vec<&str> = DeviceKind::ALL.iter().map(|k| k.name()).collect();
    let flags: Vec<&str> = HealthFlag::ALL.iter().map(|f| f.name()).collect();
    let metric = match q.metric.as_deref() {
        None | Some("") => None,
        Some(m) => Some(
            Metric::parse(m)
                .ok_or_else(|| AppError::bad("query.metric", format!("unknown metric {m:?}")))?,
        ),
    };
    let filter = list::Filter {
        q: q.q.clone(),
        site: q.site.clone().filter(|s| !s.is_empty()),
        building: q.building.clone().filter(|s| !s.is_empty()),
        floor: q.floor.clone().filter(|s| !s.is_empty()),
        zone: q.zone.clone().filter(|s| !s.is_empty()),
        kinds: list_of(&q.kind, "query.kind", DeviceKind::parse, &kinds)?,
        model: q.model.clone().filter(|s| !s.is_empty()),
        firmware: q.firmware.clone().filter(|s| !s.is_empty()),
        health: list_of(&q.health, "query.health", HealthFlag::parse, &flags)?,
        tag: q.tag.clone().filter(|s| !s.is_empty()),
        metric,
        unplaced: q.unplaced.unwrap_or(false),
        device: q.device.clone().filter(|s| !s.is_empty()),
    };
    let sort = match q.sort.as_deref() {
        None | Some("") => DeviceSort::Name,
        Some(s) => DeviceSort::parse(s).ok_or_else(|| {
            let all: Vec<&str> = DeviceSort::ALL.iter().map(|s| s.name()).collect();
            AppError::bad(
                "query.sort",
                format!("unknown sort {s:?}; use one of {}", all.join(", ")),
            )
        })?,
    };
    let descending = match q.dir.as_deref() {
        None | Some("" | "asc") => false,
        Some("desc") => true,
        Some(d) => {
            return Err(AppError::bad(
                "query.dir",
                format!("{d:?}: use asc or desc"),
            ));
        }
    };
    let after = match q.after.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => Some(list::parse_cursor(c).ok_or_else(|| {
            AppError::bad(
                "query.after",
                "not a cursor this list gave (use its `next`)",
            )
        })?),
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::bad(
            "query.limit",
            format!("`limit` {limit} is not between 1 and {MAX_LIMIT}"),
        ));
    }
    Ok((
        filter,
        list::Sorted { sort, descending },
        after,
        limit as usize,
    ))
}

pub(crate) fn latest_by_point(state: &AppState) -> HashMap<u32, Reading> {
    state.bus.latest_map()
}

/// Whether a maintenance window among `windows` covers `d` at `now`.
fn covered(catalog: &Catalog, windows: &[WindowSpec], d: &DeviceDef, now: i64) -> bool {
    !windows.is_empty()
        && (catalog.device_points(&d.id).iter())
            .filter_map(|p| catalog.point(*p))
            .any(|p| windows.iter().any(|w| maintenance::covers(w, p, now)))
}

/// `d`'s health now, with its battery forecast.
pub(crate) fn health_of(
    state: &AppState,
    catalog: &Catalog,
    d: &DeviceDef,
    latest: &HashMap<u32, Reading>,
    now: i64,
) -> DeviceHealth {
    let maintenance = covered(catalog, &state.alerts.windows(), d, now);
    state.health.judge(catalog, d, latest, maintenance, now)
}

/// The summary of `d` with its health.
pub(crate) fn summary(
    state: &AppState,
    catalog: &Catalog,
    d: &DeviceDef,
    latest: &HashMap<u32, Reading>,
    now: i64,
) -> DeviceSummary {
    DeviceSummary {
        health: health_of(state, catalog, d, latest, now),
        ..catalog.device_summary(d, latest)
    }
}

/// The devices of the caller's sites, with their health flags where
/// `wanted` (`None`: nowhere).
pub(crate) fn matching<'a>(
    state: &AppState,
    caller: &Caller,
    catalog: &'a Catalog,
    wanted: Option<&dyn Fn(&DeviceDef) -> bool>,
    latest: &HashMap<u32, Reading>,
    now: i64,
) -> Vec<(&'a DeviceDef, Option<DeviceHealth>)> {
    let visible = (catalog.model.devices.iter()).filter(|d| caller.sees_site(&d.site_id));
    let Some(wanted) = wanted else {
        return visible.map(|d| (d, None)).collect();
    };
    let (judged, rest): (Vec<&DeviceDef>, Vec<&DeviceDef>) = visible.partition(|d| wanted(d));
    let windows = state.alerts.windows();
    let covers = |d: &DeviceDef| covered(catalog, &windows, d, now);
    let health = state
        .health
        .judge_many(catalog, &judged, latest, &covers, now);
    (judged.into_iter().zip(health.into_iter().map(Some)))
        .chain(rest.into_iter().map(|d| (d, None)))
        .collect()
}

/// Whether listing by `filter` in `order` needs each device's health.
pub(crate) fn needs_health(filter: &list::Filter, order: &list::Sorted) -> bool {
    filter.needs_health() || order.sort == DeviceSort::Status
}

/// The sort key of each device `filter` keeps, with its id.
pub(crate) fn keyed<'a>(
    catalog: &Catalog,
    filter: &list::Filter,
    order: &list::Sorted,
    all: Vec<(&'a DeviceDef, Option<DeviceHealth>)>,
    latest: &HashMap<u32, Reading>,
) -> Vec<(list::Key, String, &'a DeviceDef)> {
    let readings = matches!(
        order.sort,
        DeviceSort::Battery | DeviceSort::Signal | DeviceSort::LastSeen
    );
    (all.into_iter())
        .filter(|(d, h)| filter.matches(d, h.as_ref()))
        .map(|(d, h)| {
            let r = if readings {
                catalog.readings_of(&d.id, latest)
            } else {
                (None, None, None)
            };
            (order.key(d, r, h.as_ref()), d.id.clone(), d)
        })
        .collect()
}

#[utoipa::path(get, path = "/api/devices", tag = "inventory", params(InventoryQuery),
    description = "The inventory of the caller's sites: filtered, sorted (ties by id), one page at a time by keyset (`after` = the previous page's `next`).",
    responses((status = 200, body = InventoryPage), (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_devices(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<InventoryQuery>,
) -> Result<Json<InventoryPage>, AppError> {
    let (filter, order, after, limit) = parse(&q)?;
    let catalog = state.catalog();
    let latest = latest_by_point(&state);
    let now = state.now_ms();
    let with_facets = q.facets == Some(true);
    let plain = filter.without_health();
    let wanted = |d: &DeviceDef| filter.wants_health(&plain, d, with_facets);
    let health = (with_facets || needs_health(&filter, &order))
        .then_some(&wanted as &dyn Fn(&DeviceDef) -> bool);
    let all = matching(&state, &caller, &catalog, health, &latest, now);
    let facets = with_facets.then(|| {
        let pairs: Vec<_> = all.iter().map(|(d, h)| (*d, h.as_ref())).collect();
        list::facets(&filter, &pairs)
    });
    let keyed = keyed(&catalog, &filter, &order, all, &latest);
    let total = keyed.len() as u64;
    let (page, next) = list::page(keyed, &order, after.as_ref(), limit);
    let items = (page.into_iter())
        .map(|d| summary(&state, &catalog, d, &latest, now))
        .collect();
    Ok(Json(InventoryPage {
        items,
        total,
        next,
        facets,
    }))
}

#[utoipa::path(get, path = "/api/devices/{id}", tag = "inventory",
    params(("id" = String, Path, description = "Device id")),
    responses((status = 200, body = DeviceSummary), (status = 401, body = ErrorBody), (status = 404, description = "No such device on the caller's sites", body = ErrorBody)))]
pub(crate) async fn device(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DeviceSummary>, AppError> {
    let catalog = state.catalog();
    let d = (catalog.device(&id))
        .filter(|d| caller.sees_site(&d.site_id))
        .ok_or_else(|| AppError::NotFound(format!("no device {id:?}")))?;
    let latest = latest_by_point(&state);
    Ok(Json(summary(&state, &catalog, d, &latest, state.now_ms())))
}

/// Refuses unless the caller may change devices of `site` (403 with why).
fn may_edit(caller: &Caller, site: &str) -> Result<(), AppError> {
    caller.require(Role::Manager)?;
    if caller.sees_site(site) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "site {site:?} is not one of yours: managers change devices of their own sites"
        )))
    }
}

fn rejected(details: Vec<cairn_protocol::ErrorDetail>) -> AppError {
    let n = details.len();
    AppError::Rejected {
        message: format!(
            "the device has {n} invalid field{}",
            if n == 1 { "" } else { "s" }
        ),
        details,
    }
}

/// Writes `writes` (audited by `caller`), then puts the new catalogue in
/// force for every reader: lists, ingest, the alert rules. The caller holds
/// `SharedCatalog::writing` from before it read what it checked (the device
/// as it was, the ids taken) until this returns.
pub(crate) async fn write(
    state: &AppState,
    caller: &Caller,
    writes: Vec<DeviceWrite>,
) -> Result<(), AppError> {
    let audit = caller.audit("device", String::new());
    let closed = (state.store)
        .transact(move |tx| devices::apply(tx, &writes, &audit))
        .await?;
    let catalog = state.store.load_catalog().await?;
    state.shared_catalog.replace(catalog);
    let latest = state.store.latest_readings().await?;
    state.alerts.reload(&latest).await?;
    state.alerts.publish(&closed);
    Ok(())
}

/// The places `caller` may name: every one for an admin, their sites' for
/// others (so a message never names another site's building or floor).
pub(crate) fn places_for(caller: &Caller, catalog: &Catalog) -> crate::catalog::Model {
    let m = &catalog.model;
    crate::catalog::Model {
        sites: (m.sites.iter())
            .filter(|s| caller.sees_site(&s.id))
            .cloned()
            .collect(),
        buildings: (m.buildings.iter())
            .filter(|b| caller.sees_site(&b.site_id))
            .cloned()
            .collect(),
        floors: (m.floors.iter())
            .filter(|f| caller.sees_site(&f.site_id))
            .cloned()
            .collect(),
        zones: (m.zones.iter())
            .filter(|z| caller.sees_site(&z.site_id))
            .cloned()
            .collect(),
        devices: Vec::new(),
    }
}

#[utoipa::path(post, path = "/api/devices", tag = "inventory", request_body = DeviceSpec,
    description = "Creates a device with its points (admins; managers on their sites) and returns its ingest token, this once.",
    responses((status = 201, body = NewDevice),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager, or not this site's", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each (the id taken among them)", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<DeviceSpec>, JsonRejection>,
) -> Result<(StatusCode, Json<NewDevice>), AppError> {
    caller.require(Role::Manager)?;
    let Json(spec) = json?;
    let spec = spec.normalised();
    may_edit(&caller, &spec.site_id)?;
    let _one_writer = state.shared_catalog.writing().await;
    let catalog = state.catalog();
    let mut problems = validate::device_problems(&spec, &places_for(&caller, &catalog));
    problems.extend(validate::alias_problems(&spec, &catalog, |site| {
        caller.sees_site(site)
    }));
    if catalog.device(&spec.id).is_some() {
        problems.push(crate::inventory::validate::field(
            "id",
            format!("a device {:?} exists already", spec.id),
        ));
    }
    if !problems.is_empty() {
        return Err(rejected(problems));
    }
    let (token, hash) = crate::ingest::token::issue(&spec.id);
    let id = spec.id.clone();
    write(
        &state,
        &caller,
        vec![DeviceWrite {
            before: None,
            after: spec,
            token: Some(hash),
        }],
    )
    .await?;
    let catalog = state.catalog();
    let d = catalog
        .device(&id)
        .ok_or_else(|| AppError::NotFound(format!("no device {id:?}")))?;
    let device = summary(
        &state,
        &catalog,
        d,
        &latest_by_point(&state),
        state.now_ms(),
    );
    Ok((StatusCode::CREATED, Json(NewDevice { device, token })))
}

#[utoipa::path(put, path = "/api/devices/{id}", tag = "inventory", request_body = DeviceSpec,
    params(("id" = String, Path, description = "Device id")),
    description = "Replaces a device with the body, whole (fields left out take their defaults: send the device as `GET` gave it, changed): fields, place (a move to another site needs both sites; its alarms move with it), points added or removed (a point with readings, rollups or alarms stays), retired (its open alarms close, no rule watches it, its readings are refused) or back in service.",
    responses((status = 200, body = DeviceSummary),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not a manager, or not this site's", body = ErrorBody),
        (status = 404, description = "No such device on the caller's sites", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    json: Result<Json<DeviceSpec>, JsonRejection>,
) -> Result<Json<DeviceSummary>, AppError> {
    caller.require(Role::Manager)?;
    let _one_writer = state.shared_catalog.writing().await;
    let catalog = state.catalog();
    let before = (catalog.device(&id))
        .filter(|d| caller.sees_site(&d.site_id))
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("no device {id:?}")))?;
    may_edit(&caller, &before.site_id)?;
    let Json(spec) = json?;
    let spec = spec.normalised();
    may_edit(&caller, &spec.site_id)?;
    let mut problems = validate::device_problems(&spec, &places_for(&caller, &catalog));
    problems.extend(validate::alias_problems(&spec, &catalog, |site| {
        caller.sees_site(site)
    }));
    if spec.id != id {
        problems.push(validate::field(
            "id",
            "a device keeps its id (its readings are named by it)",
        ));
    }
    if !problems.is_empty() {
        return Err(rejected(problems));
    }
    write(
        &state,
        &caller,
        vec![DeviceWrite {
            before: Some(before),
            after: spec,
            token: None,
        }],
    )
    .await?;
    let catalog = state.catalog();
    let d = catalog
        .device(&id)
        .ok_or_else(|| AppError::NotFound(format!("no device {id:?}")))?;
    Ok(Json(summary(
        &state,
        &catalog,
        d,
        &latest_by_point(&state),
        state.now_ms(),
    )))
}

/// Most entries a device's history answers.
const HISTORY: u32 = 200;

#[utoipa::path(get, path = "/api/devices/{id}/history", tag = "inventory",
    params(("id" = String, Path, description = "Device id")),
    description = "The device's changes from the audit log, newest first, at most 200: created, changed (before and after), tokens issued. Anyone who sees the device sees them.",
    responses((status = 200, body = Vec<AuditEntry>), (status = 401, body = ErrorBody), (status = 404, description = "No such device on the caller's sites", body = ErrorBody)))]
pub(crate) async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let catalog = state.catalog();
    (catalog.device(&id))
        .filter(|d| caller.sees_site(&d.site_id))
        .ok_or_else(|| AppError::NotFound(format!("no device {id:?}")))?;
    let target = format!("device:{id}");
    let query = AuditQuery {
        target: Some(target.clone()),
        limit: HISTORY,
        ..AuditQuery::default()
    };
    let (entries, _) = state.store.audit_log(query).await?;
    // The store matches text in the target: keep this device's own.
    Ok(Json(
        entries.into_iter().filter(|e| e.target == target).collect(),
    ))
}

#[utoipa::path(get, path = "/api/fleet/health", tag = "inventory",
    description = "The fleet health line of the caller's sites: devices in service, silent, stuck, low on battery, in maintenance.",
    responses((status = 200, body = FleetHealth), (status = 401, body = ErrorBody)))]
pub(crate) async fn fleet_health(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<FleetHealth>, AppError> {
    let catalog = state.catalog();
    let latest = latest_by_point(&state);
    let now = state.now_ms();
    let mut out = FleetHealth::default();
    let all = matching(&state, &caller, &catalog, Some(&|_| true), &latest, now);
    for h in all.into_iter().filter_map(|(_, h)| h) {
        if h.flags.contains(&HealthFlag::Retired) {
            continue;
        }
        out.active += 1;
        let has = |f| u64::from(h.flags.contains(&f));
        out.silent += has(HealthFlag::Silent);
        out.stuck += has(HealthFlag::Stuck);
        out.low_battery += has(HealthFlag::LowBattery);
        out.in_maintenance += has(HealthFlag::InMaintenance);
    }
    Ok(Json(out))
}
