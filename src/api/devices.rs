//! The device inventory: the list (filters, sort and keyset paging in the
//! query string), one device, create and change (validated by
//! `DeviceSpec::problems()` on both sides), a new ingest token (admins), the
//! fleet health line, the places and points the device form and page
//! need, and the inventory as CSV: the export's URL (a download link) and
//! the import (plan, then apply).

use cairn_protocol::{
    DeviceSpec, DeviceSummary, DeviceToken, FleetHealth, ImportPlan, InventoryPage, NewDevice,
    Page, PointSummary, Zone,
};

use super::{
    ApiError,
    http::{self, send},
};

/// `id` as one path segment.
fn seg(id: &str) -> String {
    String::from(js_sys::encode_uri_component(id))
}

/// One page of the inventory; `query` is `key=value&…`, already encoded
/// (filters, `sort`, `dir`, `after`, `limit`, `facets`).
pub async fn list(query: &str) -> Result<InventoryPage, ApiError> {
    http::get(&format!("/api/devices?{query}")).await
}

/// One device with its health now.
pub async fn get(id: &str) -> Result<DeviceSummary, ApiError> {
    http::get(&format!("/api/devices/{}", seg(id))).await
}

/// The device's changes from the audit log, newest first.
pub async fn history(id: &str) -> Result<Vec<cairn_protocol::AuditEntry>, ApiError> {
    http::get(&format!("/api/devices/{}/history", seg(id))).await
}

/// Creates a device; the answer carries its ingest token, this once.
pub async fn create(spec: &DeviceSpec) -> Result<NewDevice, ApiError> {
    send("POST", "/api/devices", Some(spec)).await
}

pub async fn update(id: &str, spec: &DeviceSpec) -> Result<DeviceSummary, ApiError> {
    send("PUT", &format!("/api/devices/{}", seg(id)), Some(spec)).await
}

/// A new ingest token for the device (admins); the old one stops working.
pub async fn rotate_token(id: &str) -> Result<DeviceToken, ApiError> {
    send::<(), _>("POST", &format!("/api/devices/{}/token", seg(id)), None).await
}

/// The overview's fleet line over the user's sites.
pub async fn fleet_health() -> Result<FleetHealth, ApiError> {
    http::get("/api/fleet/health").await
}

/// The points of one device, with their latest reading.
pub async fn points_of(device: &str) -> Result<Vec<PointSummary>, ApiError> {
    let page: Page<PointSummary> =
        http::get(&format!("/api/points?limit=1000&device={}", seg(device))).await?;
    Ok(page.items)
}

/// The zones of one floor, by name.
pub async fn zones_of(floor: &str) -> Result<Vec<Zone>, ApiError> {
    let page: Page<Zone> =
        http::get(&format!("/api/zones?limit=1000&floor={}", seg(floor))).await?;
    let mut zones = page.items;
    zones.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(zones)
}

/// The inventory as CSV with the list's filters and order (`query` as for
/// [`list`], already encoded; paging is left to the server, which writes every
/// matching device). For an `<a href download>`: the browser fetches it with
/// the session cookie.
pub fn export_url(query: &str) -> String {
    if query.is_empty() {
        "/api/inventory/export.csv".to_owned()
    } else {
        format!("/api/inventory/export.csv?{query}")
    }
}

/// Sends a CSV of devices to the import (managers, admins): `apply` false
/// only plans (nothing written); true writes every row or, when any row has
/// an error, none. Either way the answer is the plan: a refused apply (422)
/// comes back as `Ok` with its errors and `applied: false`, to be shown like
/// any plan. Other refusals are errors, a 401 ending the session as every
/// request's does.
///
/// The body is `text/csv`, which `http::send` (JSON only) cannot send, so
/// the request is made here; the CSRF token is the session's, asked for
/// afresh (`/api/auth/me`).
pub async fn import_csv(csv: &str, apply: bool) -> Result<ImportPlan, ApiError> {
    let path = format!("/api/inventory/import?apply={apply}");
    super::http::post_text(&path, "text/csv; charset=utf-8", csv.to_owned()).await
}
