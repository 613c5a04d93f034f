//! `GET /api/sites`, `/api/devices`, `/api/points`: filters, paging, errors.

use axum::http::StatusCode;
use cairn_protocol::{DeviceSummary, ErrorBody, Metric, Page, PointSummary, SiteSummary};
use cairn_server::AppState;
use serde::de::DeserializeOwned;

mod support;

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
    assert_eq!(sites.total, 4);
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

    let (_, bru) = get::<Page<DeviceSummary>>(&s, "/api/devices?site=bru").await;
    let bru = bru.unwrap();
    assert!(bru.total > 0 && bru.items.iter().all(|d| d.site_id == "bru"));
    let meter = bru.items.iter().find(|d| d.id == "bru-meter").unwrap();
    assert_eq!(meter.points.len(), 1);
    assert_eq!(meter.last_seen, None, "nothing ingested yet");

    let (_, all) = get::<Page<DeviceSummary>>(&s, "/api/devices?limit=1000").await;
    let all = all.unwrap();
    let (_, second) = get::<Page<DeviceSummary>>(&s, "/api/devices?limit=5&offset=5").await;
    let second = second.unwrap();
    assert_eq!(
        (second.total, second.offset, second.limit),
        (all.total, 5, 5)
    );
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
    let (_, one) = get::<Page<PointSummary>>(&s, "/api/points?device=bru-f1-r1").await;
    assert_eq!(one.unwrap().total, 4);
}

#[tokio::test]
async fn bad_list_queries_say_what_and_where() {
    let (s, _dir) = state().await;
    for (uri, location) in [
        ("/api/devices?limit=0", "query.limit"),
        ("/api/points?limit=5000", "query.limit"),
        ("/api/points?metric=radon", "query.metric"),
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
