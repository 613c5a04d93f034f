//! Real devices in (issue 15): every input the issue found wrong, sent over
//! HTTP with a device token, with the value it must store or the error it
//! must give; device aliases in SenML names; a retention-bounded past.

use axum::http::StatusCode;
use cairn_protocol::{
    DeviceKind, DeviceSpec, DeviceState, ErrorBody, IngestAck, Metric, NewDevice, PointSpec,
};
use cairn_server::{AppState, Config, time::Clock};

use crate::support;

/// 2026-11-30 09:00 UTC: the clock every test here runs on.
pub const NOW: i64 = 1_796_029_200_000;

pub async fn state(dir: &std::path::Path) -> AppState {
    let mut config = Config::for_tests(dir.to_path_buf());
    config.clock = Clock::Fixed(NOW);
    support::open_state_with(config, Some(42)).await
}

pub fn device(
    id: &str,
    kind: DeviceKind,
    model: &str,
    metrics: &[Metric],
    aliases: &[&str],
) -> DeviceSpec {
    DeviceSpec {
        id: id.into(),
        name: format!("Test {id}"),
        kind,
        model: model.into(),
        firmware: String::new(),
        serial: String::new(),
        installed: String::new(),
        site_id: "bru".into(),
        building_id: None,
        floor_id: None,
        zone_id: None,
        location: None,
        plan: None,
        tags: Vec::new(),
        points: (metrics.iter())
            .map(|&metric| PointSpec {
                metric,
                interval_s: 300,
            })
            .collect(),
        expected_interval_s: None,
        state: DeviceState::Active,
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
    }
}

/// Creates `spec` as an admin; its ingest token.
pub async fn create(s: &AppState, spec: &DeviceSpec) -> String {
    let admin = support::admin(s).await;
    let json = serde_json::to_string(spec).unwrap();
    let (status, body) = support::send(s, "POST", "/api/devices", Some(&admin), Some(&json)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    serde_json::from_str::<NewDevice>(&body).unwrap().token
}

async fn post(s: &AppState, path: &str, token: &str, body: &str) -> (StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::post(path)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap();
    let res = cairn_server::app(s.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

/// Every reading of point `key`, (ts, value), oldest first.
pub async fn stored(s: &AppState, key: &str) -> Vec<(i64, f64)> {
    let point = s
        .catalog()
        .point_by_key(key)
        .unwrap_or_else(|| panic!("no point {key}"))
        .id;
    (s.store
        .range(point, i64::MIN / 2, i64::MAX / 2)
        .await
        .unwrap()
        .into_iter())
    .map(|r| (r.ts, r.value))
    .collect()
}

fn details(body: &str) -> Vec<(String, String)> {
    let e: ErrorBody = serde_json::from_str(body).unwrap_or_else(|_| panic!("{body}"));
    (e.details.into_iter())
        .map(|d| (d.location.unwrap_or_default(), d.message))
        .collect()
}

async fn two_devices(s: &AppState) -> (String, String) {
    let vec = device(
        "vec",
        DeviceKind::Multisensor,
        "Milesight AM319",
        &[Metric::AirTemperature, Metric::Co2],
        &["70-B3-D5-7E-D0-00-00-01"],
    );
    let mtr = device(
        "mtr",
        DeviceKind::ElectricityMeter,
        "",
        &[Metric::ElectricEnergy],
        &[],
    );
    (create(s, &vec).await, create(s, &mtr).await)
}

#[tokio::test]
async fn the_senml_inputs_of_issue_15_store_the_right_values_or_say_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let (vec, mtr) = two_devices(&s).await;
    let senml = "/api/ingest/senml";

    // A meter's total as a SenML sum.
    let (status, body) = post(
        &s,
        senml,
        &mtr,
        r#"[{"bn":"mtr/","bt":1796000000,"n":"electric_energy","u":"kWh","s":1234.5}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stored(&s, "mtr/electric_energy").await,
        vec![(1_796_000_000_000, 1234.5)]
    );

    // A must-understand field refuses the pack; nothing stored.
    let (status, body) = post(
        &s,
        senml,
        &vec,
        r#"[{"n":"vec/co2","u":"ppm","v":600,"foo_":1}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let got = details(&body);
    assert_eq!(got[0].0, "records[0].record");
    assert!(got[0].1.contains("foo_"), "{got:?}");
    assert_eq!(stored(&s, "vec/co2").await, vec![]);

    // A base-only first record (as KPN Things sends): the rest at the base time.
    let (status, body) = post(
        &s,
        senml,
        &vec,
        r#"[{"bn":"vec/","bt":1796000000},{"n":"co2","u":"ppm","v":603}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(serde_json::from_str::<IngestAck>(&body).unwrap().new, 1);
    assert_eq!(
        stored(&s, "vec/co2").await,
        vec![(1_796_000_000_000, 603.0)]
    );

    // Relative times: -300000000 s is 9.5 years ago, before the raw retention.
    let (status, body) = post(
        &s,
        senml,
        &vec,
        r#"[{"n":"vec/co2","u":"ppm","v":504,"t":-300000000}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let got = details(&body);
    assert_eq!(got[0].0, "records[0].t");
    assert!(
        got[0].1.contains("2017-") && got[0].1.contains("raw retention of 400 days"),
        "{got:?}"
    );
    // An absolute time in January 2000 is refused the same way.
    let (status, body) = post(
        &s,
        senml,
        &vec,
        r#"[{"n":"vec/co2","u":"ppm","v":504,"t":946684800}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        details(&body)[0].1.contains("2000-01-01T00:00:00Z"),
        "{body}"
    );
    // A small negative time is relative to now and stored.
    let (status, body) = post(
        &s,
        senml,
        &vec,
        r#"[{"n":"vec/co2","u":"ppm","v":505,"t":-60}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stored(&s, "vec/co2").await.last(),
        Some(&(NOW - 60_000, 505.0))
    );

    // String and data values are refused for measured points.
    let (status, body) = post(&s, senml, &vec, r#"[{"n":"vec/co2","vs":"high"}]"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(details(&body)[0].0, "records[0].vs");
}

#[tokio::test]
async fn gateway_json_carries_its_time_as_ts_or_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let (vec, _) = two_devices(&s).await;
    let json = "/api/ingest/json";
    let (status, body) = post(
        &s,
        json,
        &vec,
        r#"{"co2":610,"air_temperature":21,"ts":1796000000}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stored(&s, "vec/co2").await,
        vec![(1_796_000_000_000, 610.0)]
    );
    assert_eq!(
        stored(&s, "vec/air_temperature").await,
        vec![(1_796_000_000_000, 21.0)]
    );
    let (status, body) = post(
        &s,
        json,
        &vec,
        r#"{"co2":611,"time":"2026-11-30T01:00:00Z"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stored(&s, "vec/co2").await.last(),
        Some(&(1_796_000_400_000, 611.0))
    );
    let (status, body) = post(
        &s,
        json,
        &vec,
        r#"{"ts":1796000100000,"values":{"co2":612}}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // An array of stamped objects (a gateway's buffer), keys by the AM319's codec.
    let (status, body) = post(
        &s,
        json,
        &vec,
        r#"[{"ts":1796000200,"temperature":21.5,"light_level":3},{"ts":1796000260,"co2":640}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored(&s, "vec/co2").await.len(), 4);
    assert_eq!(
        stored(&s, "vec/air_temperature").await.last(),
        Some(&(1_796_000_200_000, 21.5))
    );
    // Only keys the codec leaves out (link quality): nothing to store, no error.
    let (status, body) = post(&s, json, &vec, r#"{"linkquality":90}"#).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        serde_json::from_str::<IngestAck>(&body).unwrap().accepted,
        0
    );
    // A time that is no time, and one before the retention.
    let (status, body) = post(&s, json, &vec, r#"{"co2":610,"time":"yesterday"}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(details(&body)[0].0, "records[0].time");
    let (status, body) = post(&s, json, &vec, r#"{"co2":610,"ts":946684800000}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(details(&body)[0].0, "records[0].t");
    assert_eq!(
        stored(&s, "vec/co2").await.len(),
        4,
        "nothing of a refused body is stored"
    );
}

#[tokio::test]
async fn senml_names_may_use_the_devices_alias_and_its_models_keys() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let (vec, mtr) = two_devices(&s).await;
    let pack = r#"[{"bn":"urn:dev:DEVEUI:70B3D57ED0000001:","bt":1796000000},
                   {"n":"temperature","u":"Cel","v":21.4},{"n":"co2","u":"ppm","v":700},
                   {"n":"pir","vs":"idle"}]"#;
    // `pir` is a string: refused as such, though the AM319 table ignores it.
    let (status, _) = post(&s, "/api/ingest/senml", &vec, pack).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let pack = pack.replace(
        r#",
                   {"n":"pir","vs":"idle"}"#,
        "",
    );
    let (status, body) = post(&s, "/api/ingest/senml", &vec, &pack).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stored(&s, "vec/air_temperature").await,
        vec![(1_796_000_000_000, 21.4)]
    );
    assert_eq!(
        stored(&s, "vec/co2").await,
        vec![(1_796_000_000_000, 700.0)]
    );
    // Another device's token cannot write through vec's alias.
    let (status, body) = post(&s, "/api/ingest/senml", &mtr, &pack).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(details(&body)[0].1.contains("another device"), "{body}");
    // A key the model does not know is named.
    let (status, body) = post(
        &s,
        "/api/ingest/senml",
        &vec,
        r#"[{"bn":"urn:dev:DEVEUI:70B3D57ED0000001:","n":"wind_speed","v":3}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        details(&body)[0]
            .1
            .contains("\"wind_speed\" is not a known measurement"),
        "{body}"
    );
}

#[tokio::test]
async fn aliases_are_unique_across_the_portfolio_however_written() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    two_devices(&s).await;
    let admin = support::admin(&s).await;
    let twin = device(
        "twin",
        DeviceKind::Multisensor,
        "",
        &[Metric::Co2],
        &["70b3d57ed0000001", "x/y"],
    );
    let json = serde_json::to_string(&twin).unwrap();
    let (status, body) = support::send(&s, "POST", "/api/devices", Some(&admin), Some(&json)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let got = details(&body);
    assert!(
        got.iter()
            .any(|(l, m)| l == "aliases[0]" && m.contains("\"vec\"")),
        "{got:?}"
    );
    assert!(got.iter().any(|(l, _)| l == "aliases[1]"), "{got:?}");
    // KPN's base name of the same DevEUI is the same alias.
    let urn = device(
        "urn",
        DeviceKind::Multisensor,
        "",
        &[Metric::Co2],
        &["urn:dev:DEVEUI:70B3D57ED0000001:"],
    );
    let json = serde_json::to_string(&urn).unwrap();
    let (status, body) = support::send(&s, "POST", "/api/devices", Some(&admin), Some(&json)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // A CSV import is checked the same way, against the stored devices and
    // between its own rows; nothing is written.
    let csv = "id,name,kind,site_id,aliases\nc1,One,thermometer,bru,70b3d57ed0000001\nc2,Two,thermometer,bru,sn-9\nc3,Three,thermometer,bru,SN-9\n";
    let (status, body) = support::send_typed(
        &s,
        "POST",
        "/api/inventory/import?apply=true",
        Some(&admin),
        Some(("text/csv", csv)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let plan: cairn_protocol::ImportPlan = serde_json::from_str(&body).unwrap();
    assert!(!plan.applied);
    let at: Vec<(u32, &str)> = plan
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(at, [(2, "aliases"), (4, "aliases")], "{body}");
    assert!(s.catalog().device("c2").is_none());
    // Stored in one form: the catalogue finds vec by any spelling.
    let catalog = s.catalog();
    for written in [
        "70B3D57ED0000001",
        "70:b3:d5:7e:d0:00:00:01",
        "urn:dev:DEVEUI:70b3d57ed0000001:",
    ] {
        assert_eq!(
            catalog.device_by_alias(written).map(|d| d.id.as_str()),
            Some("vec"),
            "{written}"
        );
    }
}
