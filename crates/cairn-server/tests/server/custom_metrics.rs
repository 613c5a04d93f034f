//! A metric an admin defines (issue 15): devices get points of it, its
//! readings are checked against its unit and range, charts read it and a
//! rule on it raises the alarm the map colours its device by.
//!
//! The registry is process-wide and tests share the process: this file's
//! metric names are used nowhere else.

use axum::http::StatusCode;
use cairn_protocol::{Alarm, DeviceKind, ErrorBody, Metric, MetricDef, Series};

use crate::{
    real_devices::{NOW, create, device, state, stored},
    support,
};

async fn post_senml(s: &cairn_server::AppState, token: &str, body: &str) -> (StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::post("/api/ingest/senml")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap();
    let res = cairn_server::app(s.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn an_admins_metric_gets_readings_a_chart_and_a_rule_status() {
    let dir = tempfile::tempdir().unwrap();
    let s = state(dir.path()).await;
    let admin = support::admin(&s).await;
    let def = r#"{"name":"snow_depth","label":"Snow on roof","unit":"m","display_unit":"m","min":0,"max":10,"precision":2}"#;
    let (status, body) = support::send(&s, "POST", "/api/metrics", Some(&admin), Some(def)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = support::send(&s, "POST", "/api/metrics", Some(&admin), Some(def)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the name is taken now"
    );
    let bad = r#"{"name":"Snow depth","label":"","unit":"m m","min":5,"max":1,"precision":9}"#;
    let (status, body) = support::send(&s, "POST", "/api/metrics", Some(&admin), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let e: ErrorBody = serde_json::from_str(&body).unwrap();
    let at: Vec<_> = e
        .details
        .iter()
        .filter_map(|d| d.location.as_deref())
        .collect();
    assert_eq!(at, ["name", "label", "unit", "max", "precision"]);
    let viewer = support::session(&s, "v", cairn_protocol::Role::Viewer, &[]).await;
    let (status, _) = support::send(&s, "POST", "/api/metrics", Some(&viewer), Some(def)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, list) = support::send(&s, "GET", "/api/metrics", Some(&viewer), None).await;
    let all: Vec<MetricDef> = serde_json::from_str(&list).unwrap();
    let snow = all.iter().find(|m| m.name == "snow_depth").unwrap();
    assert_eq!(
        (snow.label.as_str(), snow.unit.as_str(), snow.built_in),
        ("Snow on roof", "m", false)
    );
    assert!(
        all.iter()
            .any(|m| m.name == "pm2_5" && m.built_in && m.unit == "ug/m3")
    );

    // A device with a point of it; readings in its unit and range.
    let metric = Metric::parse("snow_depth").unwrap();
    let token = create(
        &s,
        &device("roof", DeviceKind::Multisensor, "", &[metric], &[]),
    )
    .await;
    let (status, body) = post_senml(
        &s,
        &token,
        r#"[{"bn":"roof/","n":"snow_depth","u":"m","v":0.3,"t":-600}]"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (pack, field) in [
        (
            r#"[{"n":"roof/snow_depth","u":"cm","v":30}]"#,
            "records[0].u",
        ),
        (
            r#"[{"n":"roof/snow_depth","u":"m","v":12}]"#,
            "records[0].v",
        ),
    ] {
        let (status, body) = post_senml(&s, &token, pack).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{pack}");
        let e: ErrorBody = serde_json::from_str(&body).unwrap();
        assert_eq!(e.details[0].location.as_deref(), Some(field), "{body}");
    }

    // A rule on it: above 0.5 m raises an alarm on the roof sensor.
    let rule = r#"{"name":"Snow load","scope":"site","target":"bru","metric":"snow_depth","condition":{"kind":"above","trigger":0.5,"clear":0.4},"on_delay_s":0,"off_delay_s":0,"severity":"critical","enabled":true}"#;
    let (status, body) = support::send(&s, "POST", "/api/rules", Some(&admin), Some(rule)).await;
    assert!(status.is_success(), "{status} {body}");
    let (status, body) =
        post_senml(&s, &token, r#"[{"n":"roof/snow_depth","u":"m","v":0.7}]"#).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stored(&s, "roof/snow_depth").await,
        vec![(NOW - 600_000, 0.3), (NOW, 0.7)]
    );
    let point = s.catalog().point_by_key("roof/snow_depth").unwrap().id;
    let (_, body) = support::send(&s, "GET", "/api/alarms", Some(&admin), None).await;
    let alarms: Vec<Alarm> = serde_json::from_str(&body).unwrap();
    let raised: Vec<&Alarm> = alarms.iter().filter(|a| a.point == point).collect();
    assert_eq!(raised.len(), 1, "{body}");
    assert_eq!(raised[0].severity, cairn_protocol::Severity::Critical);

    // Its unit stays once points measure in it; a codec's key is no name.
    let cm = r#"{"name":"snow_depth","label":"Snow on roof","unit":"cm","min":0,"max":1000,"precision":0}"#;
    let (status, body) =
        support::send(&s, "PUT", "/api/metrics/snow_depth", Some(&admin), Some(cm)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("\"unit\""), "{body}");
    let relabel =
        r#"{"name":"snow_depth","label":"Snow load","unit":"m","min":0,"max":10,"precision":2}"#;
    let (status, body) = support::send(
        &s,
        "PUT",
        "/api/metrics/snow_depth",
        Some(&admin),
        Some(relabel),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(metric.label(), "Snow load");
    let lux = r#"{"name":"lux","label":"Lux","unit":"lx","min":0,"max":1,"precision":0}"#;
    let (status, body) = support::send(&s, "POST", "/api/metrics", Some(&admin), Some(lux)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The chart's series.
    let uri = format!(
        "/api/series?point={point}&from={}&to={}&px=100",
        NOW - 3_600_000,
        NOW + 1
    );
    let (status, body) = support::send(&s, "GET", &uri, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let series: Vec<Series> = serde_json::from_str::<cairn_protocol::SeriesBatch>(&body)
        .unwrap()
        .series;
    assert_eq!(
        series[0].v.iter().flatten().copied().collect::<Vec<f64>>(),
        [0.3, 0.7]
    );
}
