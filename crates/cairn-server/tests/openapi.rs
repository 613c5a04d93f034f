//! `/api/openapi.json` describes every endpoint and the wire types.

use axum::http::StatusCode;

mod support;

#[tokio::test]
async fn the_document_lists_every_endpoint_and_the_wire_types() {
    let dir = tempfile::tempdir().unwrap();
    let s = support::open_state(dir.path(), None).await;
    let (status, body) = support::get(&s, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
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
            "/api/audit",
            "/api/auth/login",
            "/api/auth/logout",
            "/api/auth/me",
            "/api/buildings",
            "/api/devices",
            "/api/devices/{id}",
            "/api/devices/{id}/token",
            "/api/floors",
            "/api/floors/{id}/plan.svg",
            "/api/health",
            "/api/ingest/json",
            "/api/ingest/senml",
            "/api/points",
            "/api/series",
            "/api/sites",
            "/api/snapshot",
            "/api/users",
            "/api/users/{id}",
            "/api/users/{id}/password",
            "/api/ws",
            "/api/zones",
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
        "Building",
        "Floor",
        "Zone",
        "DeviceSummary",
        "DeviceKind",
        "User",
        "Me",
        "AuditEntry",
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
    assert!(doc["components"]["securitySchemes"]["session"].is_object());
}
