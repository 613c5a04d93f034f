//! The router, called without a socket: health, JSON errors, SPA fallback.

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use cairn_protocol::{ErrorBody, Health, HealthStatus, Snapshot};
use cairn_server::{AppState, Config, app, sim};
use tower::ServiceExt;

use crate::support;

use support::get;

async fn state(dir: &tempfile::TempDir, simulated: bool) -> AppState {
    let mut config = Config::for_tests(dir.path().join("data"));
    config.dist_dir = dir.path().join("dist");
    std::fs::create_dir_all(&config.dist_dir).unwrap();
    std::fs::write(config.dist_dir.join("index.html"), "<html>cairn app</html>").unwrap();
    std::fs::write(config.dist_dir.join("app.js"), "console.log(1)").unwrap();
    support::open_state_with(config, simulated.then_some(3)).await
}

#[tokio::test]
async fn health_reports_status_version_and_uptime() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(&dir, false).await;
    let (status, body) = get(&s, "/api/health").await;
    assert_eq!(status, StatusCode::OK);
    let health: Health = serde_json::from_str(&body).unwrap();
    assert_eq!(health.status, HealthStatus::Ok);
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(health.readings_stored, 0);
    assert!(!health.simulator);
}

#[tokio::test]
async fn unknown_api_path_is_a_json_404_not_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(&dir, false).await;
    let (status, body) = get(&s, "/api/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let err: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(err.error.code, "not_found");
    assert_eq!(err.error.message, "no API endpoint at /api/nope");
}

#[tokio::test]
async fn deep_links_serve_the_app_and_files_are_served_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(&dir, false).await;
    for path in ["/", "/map", "/devices/abc", "/alerts?x=1"] {
        let (status, body) = get(&s, path).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, "<html>cairn app</html>"),
            "{path}"
        );
    }
    assert_eq!(
        get(&s, "/app.js").await,
        (StatusCode::OK, "console.log(1)".to_owned())
    );
}

#[tokio::test]
async fn snapshot_lists_the_provisioned_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(&dir, true).await;
    let (status, body) = get(&s, "/api/snapshot").await;
    assert_eq!(status, StatusCode::OK);
    let snap: Snapshot = serde_json::from_str(&body).unwrap();
    let p = sim::portfolio(3);
    assert_eq!(snap.sites.len(), p.model.sites.len());
    assert_eq!(snap.buildings.len(), p.model.buildings.len());
    let points: usize = p.model.devices.iter().map(|d| d.points.len()).sum();
    assert_eq!(snap.points.len(), points);
    assert!(
        snap.points.iter().all(|p| p.last.is_none()),
        "nothing ingested yet"
    );
}

#[tokio::test]
async fn websocket_from_another_origin_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(&dir, false).await;
    let req = Request::get("/api/ws")
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://evil.example")
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .body(Body::empty())
        .unwrap();
    let res = app(s).oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
