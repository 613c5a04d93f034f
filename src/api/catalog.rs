//! The portfolio model the map and the rule form need: devices with their
//! places, floors, zones.

use cairn_protocol::{DeviceSummary, Floor, InventoryPage, Page, Zone};

use super::{ApiError, http::get};

/// Every device matching `filter` (`key=value&…`, already encoded), page
/// by page (keyset: each page's `next`).
pub async fn devices(filter: &str) -> Result<Vec<DeviceSummary>, ApiError> {
    let mut all = Vec::new();
    let mut after = String::new();
    loop {
        let page: InventoryPage =
            get(&format!("/api/devices?limit=1000&sort=id{after}&{filter}")).await?;
        all.extend(page.items);
        match page.next {
            Some(next) => after = format!("&after={next}"),
            None => return Ok(all),
        }
    }
}

/// The floors of a building, lowest first.
pub async fn floors(building: &str) -> Result<Vec<Floor>, ApiError> {
    let page: Page<Floor> = get(&format!(
        "/api/floors?limit=1000&building={}",
        js_sys::encode_uri_component(building)
    ))
    .await?;
    let mut floors = page.items;
    floors.sort_by_key(|f| f.level);
    Ok(floors)
}

/// One floor, `None` when it does not exist or is not on the user's sites.
pub async fn floor(id: &str) -> Result<Option<Floor>, ApiError> {
    let page: Page<Floor> = get(&format!(
        "/api/floors?floor={}",
        js_sys::encode_uri_component(id)
    ))
    .await?;
    Ok(page.items.into_iter().next())
}

/// Every zone (room, corridor…) on the user's sites, page by page.
pub async fn zones() -> Result<Vec<Zone>, ApiError> {
    let mut all = Vec::new();
    loop {
        let page: Page<Zone> = get(&format!("/api/zones?limit=1000&offset={}", all.len())).await?;
        let done = page.items.is_empty() || all.len() + page.items.len() >= page.total as usize;
        all.extend(page.items);
        if done {
            return Ok(all);
        }
    }
}
