//! The ingest path against a real SQLite file: what is accepted is stored and
//! survives a restart; a pack with one bad record stores nothing.

use std::sync::Arc;

use cairn_protocol::Metric;
use cairn_server::{
    AppState, Config,
    ingest::{IngestError, SenmlRecord},
    sim,
};

const NOW: i64 = 1_763_370_000_000;

async fn open(dir: &std::path::Path) -> AppState {
    let config = Config::for_tests(dir.to_path_buf());
    let (_tx, rx) = tokio::sync::watch::channel(false);
    AppState::open(Arc::new(config), Some(&sim::portfolio(5).model), rx)
        .await
        .unwrap()
}

/// A room's multisensor (temperature, humidity, CO2, occupancy, battery, signal).
fn first_room(state: &AppState) -> String {
    let catalog = state.catalog();
    let p = catalog.points().iter().find(|p| p.metric == Metric::Co2);
    p.unwrap().device_id.clone()
}

#[tokio::test]
async fn accepted_readings_are_stored_published_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let device;
    {
        let s = open(dir.path()).await;
        device = first_room(&s);
        let mut sub = s.bus.subscribe();
        let pack = sim::senml_pack(
            &device,
            NOW,
            &[(Metric::AirTemperature, 21.4), (Metric::Co2, 812.0)],
        );
        assert_eq!(s.ingest.ingest_senml(&device, &pack, NOW).await.unwrap(), 2);
        let batch = sub.rx.recv().await.unwrap();
        assert_eq!(batch.readings.len(), 2);
        // The same pack again is idempotent: nothing new stored.
        assert_eq!(s.ingest.ingest_senml(&device, &pack, NOW).await.unwrap(), 0);
    }
    let s = open(dir.path()).await;
    assert_eq!(s.store.readings_stored().await.unwrap(), 2);
    let co2 = s
        .catalog()
        .point_by_key(&format!("{device}/co2"))
        .unwrap()
        .clone();
    let stored = s.store.range(co2.id, NOW - 1, NOW + 1).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].value, 812.0);
    assert!(
        s.bus
            .latest()
            .iter()
            .any(|r| r.point == co2.id && r.value == 812.0),
        "latest reloaded"
    );
}

#[tokio::test]
async fn one_bad_record_rejects_the_pack_and_names_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path()).await;
    let device = first_room(&s);
    let pack: Vec<SenmlRecord> = serde_json::from_value(serde_json::json!([
        {"bn": format!("{device}/"), "bt": NOW as f64 / 1000.0, "n": "air_temperature", "u": "Cel", "v": 21.0},
        {"n": "co2", "u": "Cel", "v": 600},
        {"n": "relative_humidity", "v": 140},
        {"n": "no_such_metric", "v": 1},
        {"n": "occupancy", "v": 3, "t": 3600}
    ]))
    .unwrap();
    let Err(IngestError::Rejected(errors)) = s.ingest.ingest_senml(&device, &pack, NOW).await
    else {
        panic!("expected the pack to be rejected");
    };
    let got: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        vec![
            format!(
                "record 1, field \"u\": unit \"Cel\" does not fit \"{device}/co2\"; use ppm or / (ratio)"
            ),
            "record 2, field \"v\": 140 %RH is outside the plausible range 0..100".to_owned(),
            format!("record 3, field \"n\": unknown point \"{device}/no_such_metric\""),
            "record 4, field \"t\": time is more than 5 minutes in the future".to_owned(),
        ]
    );
    assert_eq!(
        s.store.readings_stored().await.unwrap(),
        0,
        "nothing half-stored"
    );
}

#[tokio::test]
async fn non_finite_values_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path()).await;
    let device = first_room(&s);
    let pack = sim::senml_pack(&device, NOW, &[(Metric::AirTemperature, f64::NAN)]);
    let Err(IngestError::Rejected(errors)) = s.ingest.ingest_senml(&device, &pack, NOW).await
    else {
        panic!("NaN must be rejected");
    };
    assert_eq!(
        errors[0].to_string(),
        "record 0, field \"v\": value is not a finite number"
    );
}

#[tokio::test]
async fn a_device_cannot_write_another_devices_points() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path()).await;
    let device = first_room(&s);
    let other = s
        .catalog()
        .points()
        .iter()
        .find(|p| p.device_id != device && p.metric == Metric::AirTemperature)
        .unwrap()
        .device_id
        .clone();
    let pack = sim::senml_pack(&other, NOW, &[(Metric::AirTemperature, 21.0)]);
    let Err(IngestError::Rejected(errors)) = s.ingest.ingest_senml(&device, &pack, NOW).await
    else {
        panic!("writing as another device must be rejected");
    };
    assert_eq!(
        errors[0].to_string(),
        format!(
            "record 0, field \"n\": point \"{other}/air_temperature\" belongs to another device"
        )
    );
    assert_eq!(s.store.readings_stored().await.unwrap(), 0);
}

#[tokio::test]
async fn secondary_units_are_normalised_before_storing() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path()).await;
    let device = first_room(&s);
    let pack: Vec<SenmlRecord> = serde_json::from_value(serde_json::json!([
        {"bn": format!("{device}/"), "bt": NOW as f64 / 1000.0, "n": "air_temperature", "u": "K", "v": 294.65},
        {"n": "relative_humidity", "u": "/", "v": 0.41}
    ]))
    .unwrap();
    assert_eq!(s.ingest.ingest_senml(&device, &pack, NOW).await.unwrap(), 2);
    let temp = s
        .catalog()
        .point_by_key(&format!("{device}/air_temperature"))
        .unwrap()
        .id;
    let stored = s.store.range(temp, NOW, NOW + 1).await.unwrap();
    assert!(
        (stored[0].value - 21.5).abs() < 1e-9,
        "{} °C",
        stored[0].value
    );
}
