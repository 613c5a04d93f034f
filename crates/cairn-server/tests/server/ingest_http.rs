//! Device ingest over HTTP with per-device tokens, on the router and a real SQLite file.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use cairn_protocol::{ErrorBody, IngestAck};
use cairn_server::{AppState, Config, app, ingest::token, sim};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const DEVICE: &str = "bru-a-f0-z02-ms";

/// A state with the simulated portfolio and a token issued for DEVICE.
async fn setup(dir: &std::path::Path) -> (AppState, String) {
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let s = AppState::open(
        Arc::new(Config::for_tests(dir.to_path_buf())),
        Some(&sim::portfolio(42).model),
        rx,
    )
    .await
    .unwrap();
    let (tok, hash) = token::issue(DEVICE);
    let audit = cairn_server::store::accounts::AuditRecord {
        at: 0,
        actor_id: None,
        actor: "test".into(),
        action: "device.token".into(),
        target: format!("device:{DEVICE}"),
        before: None,
        after: None,
    };
    assert!(s.store.set_device_token(DEVICE, hash, audit).await.unwrap());
    (s, tok)
}

async fn post(
    s: &AppState,
    path: &str,
    token: Option<&str>,
    body: impl Into<Body>,
) -> (StatusCode, String) {
    let mut req = Request::post(path).header("content-type", "application/senml+json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app(s.clone())
        .oneshot(req.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn now_s() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64 / 1000.0
}

#[tokio::test]
async fn a_device_with_its_token_stores_senml_and_flat_json() {
    let dir = tempfile::tempdir().unwrap();
    let (s, tok) = setup(dir.path()).await;
    let pack = json!([
        {"bn": format!("{DEVICE}/"), "bt": now_s(), "n": "air_temperature", "u": "Cel", "v": 21.5},
        {"n": "co2", "u": "ppm", "v": 640, "t": -10}
    ]);
    let (status, body) = post(&s, "/api/ingest/senml", Some(&tok), pack.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_str::<IngestAck>(&body).unwrap(),
        IngestAck {
            accepted: 2,
            new: 2
        }
    );

    let flat = json!({"ts": chrono::Utc::now().timestamp_millis(), "values": {"temperature": 21.7, "humidity": 44}});
    let (status, body) = post(&s, "/api/ingest/json", Some(&tok), flat.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        s.store.readings_stored().await.unwrap(),
        4,
        "acknowledged means stored"
    );
}

#[tokio::test]
async fn missing_wrong_or_malformed_tokens_are_401() {
    let dir = tempfile::tempdir().unwrap();
    let (s, tok) = setup(dir.path()).await;
    let other = token::issue("ant-a-f0-z02-ms").0; // never stored
    let mut wrong = tok.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    for presented in [
        None,
        Some("garbage"),
        Some(other.as_str()),
        Some(wrong.as_str()),
    ] {
        let (status, body) = post(&s, "/api/ingest/senml", presented, "[]").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{presented:?}");
        assert_eq!(
            serde_json::from_str::<ErrorBody>(&body).unwrap().error.code,
            "unauthorized"
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_what_and_where_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (s, tok) = setup(dir.path()).await;
    let cases = [
        (
            "/api/ingest/senml",
            "[{\"n\":".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "/api/ingest/senml",
            "[]".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "/api/ingest/senml",
            json!([
                {"bn": format!("{DEVICE}/"), "n": "air_temperature", "u": "Cel", "v": 21.0},
                {"n": "co2", "u": "ppm", "v": -5},
                {"bn": "ant-a-f0-z02-ms/", "n": "co2", "v": 500}
            ])
            .to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "rejected",
        ),
        (
            "/api/ingest/json",
            json!({"temperature": 21, "wind_speed": 80}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "rejected",
        ),
        (
            "/api/ingest/senml",
            format!("[{}]", "{\"n\":\"x\",\"v\":1},".repeat(80_000)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        ),
    ];
    for (path, body, status, code) in cases {
        let (got, reply) = post(&s, path, Some(&tok), body).await;
        assert_eq!(got, status, "{reply}");
        let err: ErrorBody = serde_json::from_str(&reply).unwrap();
        assert_eq!(err.error.code, code, "{reply}");
        if code == "rejected" {
            assert!(!err.details.is_empty());
            assert!(err.details.iter().all(|d| {
                d.location
                    .as_deref()
                    .is_some_and(|l| l.starts_with("records["))
            }));
        }
    }
    let (_, reply) = post(
        &s,
        "/api/ingest/senml",
        Some(&tok),
        json!([
            {"bn": format!("{DEVICE}/"), "n": "air_temperature", "u": "Cel", "v": 21.0},
            {"n": "co2", "u": "ppm", "v": -5},
            {"bn": "ant-a-f0-z02-ms/", "n": "co2", "v": 500}
        ])
        .to_string(),
    )
    .await;
    let err: ErrorBody = serde_json::from_str(&reply).unwrap();
    let locations: Vec<_> = err
        .details
        .iter()
        .map(|d| d.location.clone().unwrap())
        .collect();
    assert_eq!(locations, vec!["records[1].v", "records[2].n"]);
    assert_eq!(
        err.details[1].message,
        "point \"ant-a-f0-z02-ms/co2\" belongs to another device"
    );
    assert_eq!(
        s.store.readings_stored().await.unwrap(),
        0,
        "nothing half-stored"
    );
}
