//! Gateway JSON: the shapes and times of issue 15.

use super::*;
use serde_json::json;

fn names(pack: &[SenmlRecord]) -> Vec<(&str, Option<f64>, Option<f64>)> {
    pack.iter()
        .map(|r| (r.n.as_deref().unwrap(), r.v, r.t))
        .collect()
}

#[test]
fn flat_values_with_a_time_beside_them() {
    // Issue 15: `ts` in seconds, and `time` in RFC 3339, beside the values.
    let pack = to_senml(
        "vec",
        None,
        &json!({"co2": 610, "air_temperature": 21, "ts": 1796000000}),
    )
    .unwrap();
    assert_eq!(
        names(&pack),
        vec![
            ("vec/air_temperature", Some(21.0), Some(1_796_000_000.0)),
            ("vec/co2", Some(610.0), Some(1_796_000_000.0))
        ]
    );
    let pack = to_senml(
        "vec",
        None,
        &json!({"co2": 610, "time": "2026-11-30T01:00:00Z"}),
    )
    .unwrap();
    assert_eq!(
        names(&pack),
        vec![("vec/co2", Some(610.0), Some(1_796_000_400.0))]
    );
}

#[test]
fn times_in_ms_or_s_are_told_apart_by_magnitude() {
    assert_eq!(epoch_ms(&json!(1_796_000_000)), Ok(1_796_000_000_000));
    assert_eq!(
        epoch_ms(&json!(1_796_000_000_123_i64)),
        Ok(1_796_000_000_123)
    );
    assert_eq!(epoch_ms(&json!(1_796_000_000.5)), Ok(1_796_000_000_500));
    assert_eq!(
        epoch_ms(&json!("2026-11-30T02:00:00+01:00")),
        Ok(1_796_000_400_000)
    );
    assert!(
        epoch_ms(&json!(100))
            .unwrap_err()
            .contains("not an absolute time")
    );
    assert!(
        epoch_ms(&json!("yesterday"))
            .unwrap_err()
            .contains("RFC 3339")
    );
    assert!(epoch_ms(&json!(true)).is_err());
}

#[test]
fn stamped_values_and_arrays_of_objects() {
    let pack = to_senml(
        "d1",
        None,
        &json!({"ts": 1_700_000_000_000_i64, "values": {"humidity": 41}}),
    )
    .unwrap();
    assert_eq!(
        names(&pack),
        vec![("d1/relative_humidity", Some(41.0), Some(1_700_000_000.0))]
    );
    let pack = to_senml(
        "d1",
        None,
        &json!([{"ts": 1_700_000_000, "values": {"co2": 500}}, {"ts": 1_700_000_060, "co2": 510}]),
    )
    .unwrap();
    assert_eq!(
        names(&pack),
        vec![
            ("d1/co2", Some(500.0), Some(1_700_000_000.0)),
            ("d1/co2", Some(510.0), Some(1_700_000_060.0))
        ]
    );
}

#[test]
fn a_device_model_decides_what_keys_mean() {
    let lht65 = codec::model_for("Dragino LHT65");
    let pack = to_senml(
        "lht",
        lht65,
        &json!({"TempC_SHT": 21.5, "BatV": 3.6, "Work_mode": "Sht"}),
    )
    .unwrap();
    assert_eq!(
        names(&pack),
        vec![
            ("lht/battery", Some(100.0), None),
            ("lht/air_temperature", Some(21.5), None)
        ]
    );
}

#[test]
fn unknown_keys_bad_values_and_bad_times_are_named() {
    let errors = to_senml("d1", None, &json!({"temperature": "hot", "wind_speed": 8})).unwrap_err();
    let got: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        vec![
            "record 0, field \"v\": \"temperature\" must be a number",
            "record 0, field \"n\": \"wind_speed\" is not a known measurement",
        ]
    );
    let at = |body: Value| {
        to_senml("d1", None, &body)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.index, e.field))
            .collect::<Vec<_>>()
    };
    assert_eq!(at(json!([1, 2])), vec![(0, "body"), (1, "body")]);
    assert_eq!(
        at(json!({"ts": "yesterday", "values": {"co2": 1}})),
        vec![(0, "ts")]
    );
    assert_eq!(at(json!({"ts": 1, "time": 2, "co2": 1})), vec![(0, "ts")]);
    assert_eq!(at(json!({"ts": 1_796_000_000})), vec![(0, "values")]);
    assert_eq!(at(json!([])), vec![(0, "body")]);
    assert_eq!(
        at(json!({"values": {"co2": 1}, "humidity": 3})),
        vec![(0, "values")]
    );
}
