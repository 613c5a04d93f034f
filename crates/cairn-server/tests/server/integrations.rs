//! Network server integrations (issue 15): recorded-like messages of The
//! Things Stack, ChirpStack and KPN Things (invented EUIs) through the
//! webhook, wrong secrets refused, an unknown DevEUI waiting to be claimed
//! and stored once claimed.

use axum::http::StatusCode;
use cairn_protocol::{
    DeviceKind, ErrorBody, Integration, IntegrationKind, IntegrationSpec, Metric, NewDevice, Role,
    UplinkAck, WaitingDevice,
};
use cairn_server::AppState;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    real_devices::{NOW, create, device, state, stored},
    support,
};

const SECRET: &str = "tts-shared-secret-0001";

/// A The Things Stack v3 uplink as its webhook posts it.
pub fn tts_uplink(eui: &str, decoded: Value) -> Value {
    json!({
        "end_device_ids": {
            "device_id": "am319-room-2-14",
            "application_ids": {"application_id": "cairn-offices"},
            "dev_eui": eui, "join_eui": "24E124C0002A0001", "dev_addr": "260B1234"
        },
        "correlation_ids": ["gs:uplink:01J9Z8"],
        "received_at": "2026-11-30T08:59:58.712345678Z",
        "uplink_message": {
            "f_port": 85, "f_cnt": 4211, "frm_payload": "A2fsAARoRgV9WAI=",
            "decoded_payload": decoded,
            "rx_metadata": [
                {"gateway_ids": {"gateway_id": "gw-roof"}, "rssi": -97, "snr": 4.25},
                {"gateway_ids": {"gateway_id": "gw-basement"}, "rssi": -71, "snr": 9.5}
            ],
            "received_at": "2026-11-30T08:59:58.501Z",
            "version_ids": {"brand_id": "milesight-iot", "model_id": "am319"}
        }
    })
}

/// A ChirpStack v4 "up" event, JSON encoding.
pub fn chirpstack_up(eui: &str, object: Value) -> Value {
    json!({
        "deduplicationId": "3ac8fd7e-6d5f-4f1c-9d4f-5f0b1c2d3e4f",
        "time": "2026-11-30T08:59:57.123Z",
        "deviceInfo": {
            "tenantName": "Cairn", "applicationName": "offices",
            "deviceProfileName": "Dragino LHT65", "deviceName": "lht65-cold-room", "devEui": eui
        },
        "devAddr": "00189440", "fCnt": 99, "fPort": 2, "data": "y7QJYQJ9AX//f/8=",
        "object": object,
        "rxInfo": [{"gatewayId": "0016c001ff10a235", "rssi": -103, "snr": -2.8}]
    })
}

/// KPN Things' signature of `body`: hex SHA-256 of the body, then the secret.
pub fn kpn_token(body: &str, secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(body.as_bytes())
        .chain_update(secret.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn integration(s: &AppState, id: &str, kind: IntegrationKind) {
    let admin = support::admin(s).await;
    let spec = IntegrationSpec {
        id: id.into(),
        kind,
        name: format!("{} test", kind.label()),
        secret: Some(SECRET.into()),
        mqtt: None,
        mqtt_password: None,
    };
    let body = serde_json::to_string(&spec).unwrap();
    let (status, reply) =
        support::send(s, "POST", "/api/integrations", Some(&admin), Some(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
}

/// Posts `body` to the integration's webhook with `headers`.
pub async fn webhook(
    s: &AppState,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = axum::http::Request::post(path).header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = cairn_server::app(s.clone())
        .oneshot(req.body(axum::body::Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn bearer() -> String {
    format!("Bearer {SECRET}")
}

#[tokio::test]
async fn a_tts_device_waits_to_be_claimed_and_its_next_uplink_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    integration(&s, "tts", IntegrationKind::Tts).await;
    let uri = "/api/integrations/tts/uplink";
    let up = tts_uplink(
        "70B3D57ED0000A01",
        json!({"temperature": 21.5, "humidity": 44, "co2": 612, "light_level": 3}),
    );
    let body = up.to_string();

    // No secret, a wrong one, an unknown integration: 401, nothing noted.
    for headers in [vec![], vec![("authorization", "Bearer wrong-secret-wrong")]] {
        let (status, reply) = webhook(&s, uri, &headers, &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{reply}");
    }
    let auth = bearer();
    let (status, _) = webhook(
        &s,
        "/api/integrations/nope/uplink",
        &[("authorization", &auth)],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, list) = support::get(&s, "/api/integrations/waiting").await;
    assert_eq!(
        serde_json::from_str::<Vec<WaitingDevice>>(&list).unwrap(),
        vec![]
    );

    // Unknown DevEUI: waiting, with its identifiers and keys.
    let (status, reply) = webhook(&s, uri, &[("authorization", &auth)], &body).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(
        serde_json::from_str::<UplinkAck>(&reply).unwrap().outcome,
        "waiting"
    );
    webhook(&s, uri, &[("authorization", &auth)], &body).await;
    let (_, list) = support::get(&s, "/api/integrations/waiting").await;
    let waiting: Vec<WaitingDevice> = serde_json::from_str(&list).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].identifier, "70b3d57ed0000a01");
    assert_eq!(waiting[0].messages, 2);
    assert_eq!(waiting[0].hint, "am319-room-2-14 · am319");
    assert_eq!(
        waiting[0].keys,
        ["co2", "humidity", "light_level", "temperature"]
    );
    let (_, integrations) = support::get(&s, "/api/integrations").await;
    let listed: Vec<Integration> = serde_json::from_str(&integrations).unwrap();
    assert_eq!(listed[0].stats.waiting, 2);
    assert!(
        !integrations.contains(SECRET),
        "the secret never leaves the server"
    );

    // Claimed in one step: points from its keys by the AM319's codec.
    let admin = support::admin(&s).await;
    let mut spec = device(
        "am319-2-14",
        DeviceKind::Multisensor,
        "Milesight AM319",
        &[],
        &[],
    );
    spec.name = "Room 2.14".into();
    let claim = json!({"integration_id": "tts", "identifier": "70B3D57ED0000A01", "device": spec})
        .to_string();
    let (status, reply) = support::send(
        &s,
        "POST",
        "/api/integrations/claim",
        Some(&admin),
        Some(&claim),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let created: NewDevice = serde_json::from_str(&reply).unwrap();
    let catalog = s.catalog();
    let d = catalog.device("am319-2-14").unwrap();
    assert_eq!(d.aliases, ["70b3d57ed0000a01"]);
    let metrics: Vec<Metric> = d.points.iter().map(|p| p.metric).collect();
    assert_eq!(
        metrics,
        [
            Metric::AirTemperature,
            Metric::RelativeHumidity,
            Metric::Co2,
            Metric::Signal
        ]
    );
    assert!(created.token.starts_with("am319-2-14."));
    let (_, list) = support::get(&s, "/api/integrations/waiting").await;
    assert_eq!(
        serde_json::from_str::<Vec<WaitingDevice>>(&list).unwrap(),
        vec![]
    );

    // Its next message lands on its points at the network's receive time.
    let (status, reply) = webhook(&s, uri, &[("authorization", &auth)], &body).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let at = 1_796_029_198_501;
    assert_eq!(
        stored(&s, "am319-2-14/air_temperature").await,
        vec![(at, 21.5)]
    );
    assert_eq!(
        stored(&s, "am319-2-14/relative_humidity").await,
        vec![(at, 44.0)]
    );
    assert_eq!(stored(&s, "am319-2-14/co2").await, vec![(at, 612.0)]);
    assert_eq!(
        stored(&s, "am319-2-14/signal").await,
        vec![(at, -71.0)],
        "the best gateway's RSSI"
    );

    // Keys it cannot store are skipped and named, the rest is stored: a
    // codec update adding a field must not stop the device.
    let odd = tts_uplink(
        "70B3D57ED0000A01",
        json!({"temperature": 22, "wind_speed": 3, "pm2_5": 8, "time": 1_796_029_260}),
    )
    .to_string();
    let (status, reply) = webhook(&s, uri, &[("authorization", &auth)], &odd).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let ack: UplinkAck = serde_json::from_str(&reply).unwrap();
    assert_eq!((ack.outcome.as_str(), ack.new), ("stored", 2), "{reply}");
    assert_eq!(
        ack.detail,
        "skipped pm2_5 (no pm2_5 point), wind_speed (unknown)"
    );
    assert_eq!(
        stored(&s, "am319-2-14/air_temperature").await.last(),
        Some(&(1_796_029_260_000, 22.0))
    );
    // A value out of its range refuses the message: 200 (the network server
    // must not pause the webhook for one device), nothing stored, and the
    // integration's last error says why.
    let wild = tts_uplink(
        "70B3D57ED0000A01",
        json!({"co2": 90_000, "time": 1_796_029_320}),
    )
    .to_string();
    let (status, reply) = webhook(&s, uri, &[("authorization", &auth)], &wild).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let ack: UplinkAck = serde_json::from_str(&reply).unwrap();
    assert_eq!(ack.outcome, "refused");
    assert!(
        ack.detail.contains("outside the plausible range"),
        "{reply}"
    );
    assert_eq!(stored(&s, "am319-2-14/co2").await.len(), 1);
    let (_, integrations) = support::get(&s, "/api/integrations").await;
    let listed: Vec<Integration> = serde_json::from_str(&integrations).unwrap();
    assert_eq!(listed[0].stats.refused, 1);
    assert!(
        listed[0]
            .stats
            .last_error
            .as_ref()
            .unwrap()
            .1
            .contains("90000"),
        "{integrations}"
    );
    assert_eq!(
        listed[0].stats.skipped,
        ["wind_speed (unknown)", "pm2_5 (no pm2_5 point)"]
    );
    // A join message is no uplink: nothing to store.
    let join =
        json!({"end_device_ids": {"dev_eui": "70B3D57ED0000A01"}, "join_accept": {}}).to_string();
    let (status, reply) = webhook(&s, uri, &[("authorization", &auth)], &join).await;
    assert_eq!(
        (
            status,
            serde_json::from_str::<UplinkAck>(&reply)
                .unwrap()
                .outcome
                .as_str()
        ),
        (StatusCode::OK, "ignored")
    );
}

#[tokio::test]
async fn chirpstack_events_map_by_the_devices_model() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    integration(&s, "cs", IntegrationKind::Chirpstack).await;
    let lht = device(
        "lht-cold",
        DeviceKind::Thermometer,
        "Dragino LHT65",
        &[
            Metric::AirTemperature,
            Metric::RelativeHumidity,
            Metric::Battery,
            Metric::Signal,
        ],
        &["A8-40-41-00-01-81-C4-F2"],
    );
    create(&s, &lht).await;
    let auth = bearer();
    let body = chirpstack_up("a84041000181c4f2", json!({"TempC_SHT": 4.2, "Hum_SHT": 81.5, "BatV": 3.05, "TempC_DS": 327.67, "Ext_sensor": "Temperature Sensor"})).to_string();
    let (status, reply) = webhook(
        &s,
        "/api/integrations/cs/uplink?event=up",
        &[("authorization", &auth)],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let at = 1_796_029_197_123;
    assert_eq!(
        stored(&s, "lht-cold/air_temperature").await,
        vec![(at, 4.2)]
    );
    assert_eq!(
        stored(&s, "lht-cold/relative_humidity").await,
        vec![(at, 81.5)]
    );
    let battery = stored(&s, "lht-cold/battery").await;
    assert!(
        (battery[0].1 - 95.0).abs() < 1e-9,
        "3.05 V on the LHT65's cell curve: {battery:?}"
    );
    assert_eq!(stored(&s, "lht-cold/signal").await, vec![(at, -103.0)]);
    // Other events are answered and not stored.
    let (status, reply) = webhook(
        &s,
        "/api/integrations/cs/uplink?event=status",
        &[("authorization", &auth)],
        "{}",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert!(reply.contains("ignored"));
    // The wrong secret is refused before the body is read.
    let (status, _) = webhook(
        &s,
        "/api/integrations/cs/uplink",
        &[("authorization", "Bearer x")],
        "not json",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn kpn_things_senml_is_checked_by_its_message_token() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    integration(&s, "kpn", IntegrationKind::Kpn).await;
    let ers = device(
        "ers-lobby",
        DeviceKind::Multisensor,
        "Elsys ERS",
        &[Metric::AirTemperature, Metric::BarometricPressure],
        &["0059AC00001B0C5A"],
    );
    create(&s, &ers).await;
    let body = json!([
        {"bn": "urn:dev:DEVEUI:0059AC00001B0C5A:", "bt": 1_796_029_190},
        {"n": "temperature", "u": "Cel", "v": 20.9},
        {"n": "pressure", "u": "Pa", "v": 101_325}
    ])
    .to_string();
    let uri = "/api/integrations/kpn/uplink";
    let (status, _) = webhook(
        &s,
        uri,
        &[(
            "things-message-token",
            &kpn_token(&body, "another-secret-0000"),
        )],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = webhook(
        &s,
        uri,
        &[("things-message-token", &kpn_token("[]", SECRET))],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a token of another body");
    let (status, reply) = webhook(
        &s,
        uri,
        &[("things-message-token", &kpn_token(&body, SECRET))],
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(
        stored(&s, "ers-lobby/air_temperature").await,
        vec![(1_796_029_190_000, 20.9)]
    );
    assert_eq!(
        stored(&s, "ers-lobby/barometric_pressure").await,
        vec![(1_796_029_190_000, 1013.25)],
        "Pa to hPa"
    );
    // An unknown DevEUI waits, with the names it sent.
    let other = body.replace("0059AC00001B0C5A", "0059AC00001B0C5B");
    let (status, _) = webhook(
        &s,
        uri,
        &[("things-message-token", &kpn_token(&other, SECRET))],
        &other,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = support::get(&s, "/api/integrations/waiting").await;
    let waiting: Vec<WaitingDevice> = serde_json::from_str(&list).unwrap();
    assert_eq!(
        (waiting[0].identifier.as_str(), waiting[0].keys.clone()),
        (
            "0059ac00001b0c5b",
            vec!["temperature".to_owned(), "pressure".to_owned()]
        )
    );
    // Not ours: dismissed, audited, and gone from the list.
    let admin = support::admin(&s).await;
    let uri = "/api/integrations/kpn/waiting/0059AC00001B0C5B";
    let (status, reply) = support::send(&s, "DELETE", uri, Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{reply}");
    let (status, _) = support::send(&s, "DELETE", uri, Some(&admin), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = support::get(&s, "/api/integrations/waiting").await;
    assert_eq!(
        serde_json::from_str::<Vec<WaitingDevice>>(&list).unwrap(),
        vec![]
    );
    let (_, audit) = support::get(&s, "/api/audit?action=integration.dismiss").await;
    assert!(audit.contains("0059ac00001b0c5b"), "{audit}");
    assert_eq!(NOW, s.now_ms());
}

#[tokio::test]
async fn only_admins_see_and_change_integrations() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let manager = support::session(&s, "m", Role::Manager, &[]).await;
    for (method, uri, body) in [
        ("GET", "/api/integrations", None),
        ("GET", "/api/integrations/waiting", None),
        (
            "POST",
            "/api/integrations",
            Some(r#"{"id":"x","kind":"tts","name":"x","secret":"0123456789abcdef"}"#),
        ),
        ("POST", "/api/integrations/claim", Some("{}")),
    ] {
        let (status, reply) = support::send(&s, method, uri, Some(&manager), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri}: {reply}");
    }
    let admin = support::admin(&s).await;
    let bad = r#"{"id":"Bad Id","kind":"kpn","name":"","mqtt":{"url":"mqtt://b"}}"#;
    let (status, reply) =
        support::send(&s, "POST", "/api/integrations", Some(&admin), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
    let e: ErrorBody = serde_json::from_str(&reply).unwrap();
    let at: Vec<_> = e
        .details
        .iter()
        .filter_map(|d| d.location.as_deref())
        .collect();
    assert_eq!(at, ["id", "name", "secret", "mqtt.url"]);
}
