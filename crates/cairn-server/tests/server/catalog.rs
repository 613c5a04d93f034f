//! The portfolio's read endpoints (sites, buildings, floors and plans, zones,
//! devices, points): filters, paging, errors.

use axum::http::StatusCode;
use cairn_protocol::{
    Building, DeviceKind, DeviceSummary, ErrorBody, Floor, InventoryPage, Metric, Page,
    PointSummary, SiteSummary, Zone,
};
use cairn_server::AppState;
use serde::de::DeserializeOwned;

use crate::support;

async fn state() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (support::open_state(dir.path(), Some(42)).await, dir)
}

async fn get<T: DeserializeOwned>(s: &AppState, uri: &str) -> (StatusCode, Result<T, ErrorBody>) {
    let (status, body) = support::get(s, uri).await;
    let parsed = if status.is_success() {
        Ok(serde_json::from_str(&body).unwrap())
    } else {
        Err(serde_json::from_str(&body).unwrap())
    };
    (status, parsed)
}

#[tokio::test]
async fn sites_devices_and_points_filter_and_page() {
    let (s, _dir) = state().await;
    let (_, sites) = get::<Page<SiteSummary>>(&s, "/api/sites").await;
    let sites = sites.unwrap();
    assert_eq!(sites.total, 12);
    assert!(sites.items.iter().all(|s| !s.address.is_empty()));
    let (_, found) = get::<Page<SiteSummary>>(&s, "/api/sites?q=amster").await;
    assert_eq!(
        found
            .unwrap()
            .items
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        vec!["ams"]
    );

    let (_, bru) = get::<InventoryPage>(&s, "/api/devices?site=bru&limit=1000").await;
    let bru = bru.unwrap();
    assert!(bru.total > 0 && bru.items.iter().all(|d| d.site_id == "bru"));
    let meter = bru
        .items
        .iter()
        .find(|d| d.kind == DeviceKind::ElectricityMeter && d.tags.iter().any(|t| t == "main"))
        .unwrap();
    assert_eq!(meter.points.len(), 1);
    assert_eq!(meter.last_seen, None, "nothing ingested yet");
    assert!(!meter.model.is_empty() && !meter.serial.is_empty() && meter.installed.len() == 10);

    let (_, all) = get::<InventoryPage>(&s, "/api/devices?limit=1000").await;
    let all = all.unwrap();
    // Keyset paging: each page starts after the previous one's `next`.
    let (_, first) = get::<InventoryPage>(&s, "/api/devices?limit=5").await;
    let first = first.unwrap();
    let next = first.next.clone().unwrap();
    let (_, second) = get::<InventoryPage>(&s, &format!("/api/devices?limit=5&after={next}")).await;
    let second = second.unwrap();
    assert_eq!(second.total, all.total);
    assert_eq!(first.items, all.items[0..5].to_vec());
    assert_eq!(second.items, all.items[5..10].to_vec());

    let (_, co2) = get::<Page<PointSummary>>(&s, "/api/points?metric=co2&site=ghe").await;
    let co2 = co2.unwrap();
    assert!(
        co2.total > 0
            && co2
                .items
                .iter()
                .all(|p| p.metric == Metric::Co2 && p.site_id == "ghe")
    );
    let multisensor = all
        .items
        .iter()
        .find(|d| d.kind == DeviceKind::Multisensor)
        .unwrap();
    let (_, one) =
        get::<Page<PointSummary>>(&s, &format!("/api/points?device={}", multisensor.id)).await;
    assert_eq!(one.unwrap().total, 6);
    let (status, found) =
        get::<DeviceSummary>(&s, &format!("/api/devices/{}", multisensor.id)).await;
    assert_eq!(
        (status, found.unwrap()),
        (StatusCode::OK, multisensor.clone())
    );
    let (status, missing) = get::<DeviceSummary>(&s, "/api/devices/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.unwrap_err().error.message.contains("nope"));
}

#[tokio::test]
async fn buildings_floors_zones_and_devices_nest() {
    let (s, _dir) = state().await;
    let (_, buildings) = get::<Page<Building>>(&s, "/api/buildings?site=ant").await;
    let buildings = buildings.unwrap();
    assert!(buildings.total >= 1);
    let b = &buildings.items[0];
    assert!(b.footprint.len() >= 3 && !b.floors.is_empty());

    let (_, floors) = get::<Page<Floor>>(&s, &format!("/api/floors?building={}", b.id)).await;
    let floors = floors.unwrap();
    assert_eq!(
        floors
            .items
            .iter()
            .map(|f| f.id.clone())
            .collect::<Vec<_>>(),
        b.floors
    );
    let f = &floors.items[0];
    assert_eq!((f.level, f.site_id.as_str()), (0, "ant"));

    let (_, zones) = get::<Page<Zone>>(&s, &format!("/api/zones?floor={}&limit=1000", f.id)).await;
    let zones = zones.unwrap();
    assert!(zones.total > 3);
    for z in &zones.items {
        assert_eq!(
            (z.building_id.as_str(), z.site_id.as_str()),
            (b.id.as_str(), "ant")
        );
        assert!(
            z.outline
                .iter()
                .all(|p| (0.0..=f.width_m).contains(&p.x) && (0.0..=f.height_m).contains(&p.y))
        );
    }

    let (_, devices) =
        get::<InventoryPage>(&s, &format!("/api/devices?floor={}&limit=1000", f.id)).await;
    let devices = devices.unwrap();
    assert!(devices.total > 3);
    assert!(
        devices
            .items
            .iter()
            .all(|d| d.floor_id.as_deref() == Some(f.id.as_str()) && d.plan.is_some())
    );
    let (_, leaks) =
        get::<InventoryPage>(&s, "/api/devices?kind=leak_sensor&tag=water&limit=1000").await;
    let leaks = leaks.unwrap();
    assert!(leaks.total > 10 && leaks.items.iter().all(|d| d.kind == DeviceKind::LeakSensor));

    // The plan image covers the floor's bounds and is SVG.
    let (status, svg) = support::get(&s, &f.plan_url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        svg.starts_with("<svg")
            && svg.contains(&format!("viewBox=\"0 0 {} {}\"", f.width_m, f.height_m))
    );
    let (status, _) = support::get(&s, "/api/floors/nope/plan.svg").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_list_queries_say_what_and_where() {
    let (s, _dir) = state().await;
    for (uri, location) in [
        ("/api/devices?limit=0", "query.limit"),
        ("/api/points?limit=5000", "query.limit"),
        ("/api/points?metric=radon", "query.metric"),
        ("/api/devices?kind=toaster", "query.kind"),
        ("/api/devices?health=sad", "query.health"),
        ("/api/devices?sort=colour", "query.sort"),
        ("/api/devices?dir=up", "query.dir"),
        ("/api/devices?after=zz", "query.after"),
        ("/api/sites?offset=-1", "query"),
    ] {
        let (status, body) = get::<Page<SiteSummary>>(&s, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(
            body.unwrap_err().error.location.as_deref(),
            Some(location),
            "{uri}"
        );
    }
}
