//! `/api/openapi.json` describes every endpoint and the wire types.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use cairn_server::{AppState, Config, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn the_document_lists_every_endpoint_and_the_wire_types() {
    let dir = tempfile::tempdir().unwrap();
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let s = AppState::open(
        Arc::new(Config::for_tests(dir.path().to_path_buf())),
        None,
        rx,
    )
    .await
    .unwrap();
    let res = app(s)
        .oneshot(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: serde_json::Value =
        serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        vec![
            "/api/devices",
            "/api/health",
            "/api/ingest/json",
            "/api/ingest/senml",
            "/api/points",
            "/api/series",
            "/api/sites",
            "/api/snapshot",
            "/api/ws",
        ]
    );
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "ServerMsg",
        "ClientMsg",
        "ErrorBody",
        "SeriesBatch",
        "IngestAck",
        "Health",
        "Snapshot",
    ] {
        assert!(schemas.contains_key(name), "schema {name} is missing");
    }
    let series_params: Vec<&str> = doc["paths"]["/api/series"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(series_params, vec!["point", "from", "to", "px"]);
    assert!(doc["components"]["securitySchemes"]["device_token"].is_object());
}
