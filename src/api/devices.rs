//! The device inventory: the list (filters, sort and keyset paging in the
//! query string), one device, create and change (validated by
//! `DeviceSpec::problems()` on both sides), a new ingest token (admins), the
//! fleet health line, and the places and points the device form and page
//! need.

use cairn_protocol::{
    DeviceSpec, DeviceSummary, DeviceToken, FleetHealth, InventoryPage, NewDevice, Page,
    PointSummary, Zone,
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
