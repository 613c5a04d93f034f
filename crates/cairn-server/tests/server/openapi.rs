//! `/api/openapi.json` describes every endpoint and the wire types.

use axum::http::StatusCode;

use crate::support;

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
            "/api/alarms",
            "/api/alarms/ack",
            "/api/alarms/{id}",
            "/api/alarms/{id}/comments",
            "/api/alarms/{id}/shelve",
            "/api/audit",
            "/api/auth/login",
            "/api/auth/logout",
            "/api/auth/me",
            "/api/buildings",
            "/api/channels",
            "/api/channels/{id}",
            "/api/channels/{id}/deliveries",
            "/api/devices",
            "/api/devices/{id}",
            "/api/devices/{id}/history",
            "/api/devices/{id}/token",
            "/api/fleet/health",
            "/api/floors",
            "/api/floors/{id}/plan.svg",
            "/api/health",
            "/api/ingest/json",
            "/api/ingest/senml",
            "/api/integrations",
            "/api/integrations/claim",
            "/api/integrations/waiting",
            "/api/integrations/{id}",
            "/api/integrations/{id}/uplink",
            "/api/integrations/{id}/waiting/{identifier}",
            "/api/inventory/export.csv",
            "/api/inventory/import",
            "/api/maintenance",
            "/api/maintenance/{id}",
            "/api/metrics",
            "/api/metrics/{name}",
            "/api/points",
            "/api/rules",
            "/api/rules/backtest",
            "/api/rules/{id}",
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
        "SnapshotWire",
        "WireDevice",
        "WirePoint",
        "Building",
        "Floor",
        "Zone",
        "DeviceSummary",
        "DeviceSpec",
        "InventoryPage",
        "DeviceHealth",
        "FleetHealth",
        "NewDevice",
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

/// The limits the server enforces are in the document, as schema constraints,
/// so a client generated from it (or a fuzzer) meets no surprise.
#[tokio::test]
async fn the_limits_the_server_enforces_are_schema_constraints() {
    let (_, doc) = cairn_server::routes::api();
    let doc = serde_json::to_value(doc).unwrap();
    let param = |path: &str, name: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path} has no parameter {name}"))["schema"]
            .clone()
    };
    let px = param("/api/series", "px");
    assert_eq!(
        (px["minimum"].as_u64(), px["maximum"].as_u64()),
        (Some(1), Some(8192))
    );
    for path in ["/api/sites", "/api/devices", "/api/points", "/api/audit"] {
        let limit = param(path, "limit");
        assert_eq!(
            (limit["minimum"].as_u64(), limit["maximum"].as_u64()),
            (Some(1), Some(1000)),
            "{path}"
        );
    }
    let pack = &doc["components"]["schemas"]["SenmlPack"];
    assert_eq!(
        (pack["minItems"].as_u64(), pack["maxItems"].as_u64()),
        (Some(1), Some(10_000)),
        "{pack}"
    );
}

/// Malformed requests (a query of the wrong types, a body that is not JSON or
/// has no JSON content type) get an answer the document lists, for every
/// operation, as an admin (who passes every role check). The device ingest
/// endpoints answer 401 to a session; `ingest_http.rs` probes them with a token.
#[tokio::test]
async fn every_status_a_malformed_request_gets_is_documented() {
    let dir = tempfile::tempdir().unwrap();
    let s = support::open_state(dir.path(), Some(42)).await;
    let (_, doc) = cairn_server::routes::api();
    let doc = serde_json::to_value(doc).unwrap();
    let mut undocumented = Vec::new();
    let mut n = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let uri = (path.replace("{id}", "1"))
                .replace("{name}", "x")
                .replace("{identifier}", "x");
            let bad_query = format!("{uri}?px=x&limit=0&from=x&to=x&point=x&offset=-1");
            let method = method.to_uppercase();
            let probes: Vec<(String, Option<(&str, &str)>)> = if method == "GET" {
                vec![(bad_query, None)]
            } else {
                vec![
                    (uri.clone(), Some(("application/json", "this is not JSON"))),
                    (uri.clone(), Some(("text/plain", "{}"))),
                ]
            };
            for (uri, body) in probes {
                n += 1;
                // A fresh session each time: one probe is a sign-out.
                let admin = support::admin(&s).await;
                let (status, text) =
                    support::send_typed(&s, &method, &uri, Some(&admin), body).await;
                if !path.starts_with("/api/ingest/") && !path.ends_with("/uplink") {
                    assert_ne!(status, 401, "{method} {uri}: the admin's session is valid");
                }
                if op["responses"].get(status.as_str()).is_none() {
                    undocumented.push(format!(
                        "{method} {uri} ({body:?}) answers {status}: {}",
                        text.chars().take(100).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(n > 20, "{n} probes");
    assert!(
        undocumented.is_empty(),
        "undocumented answers:\n{}",
        undocumented.join("\n")
    );
}
