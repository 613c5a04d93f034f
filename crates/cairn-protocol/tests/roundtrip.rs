//! Every wire type survives JSON and keeps the field names clients rely on.

use cairn_protocol::*;
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;

fn check<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T, expected_json: &str) {
    let json = serde_json::to_string(&value).unwrap();
    assert_eq!(json, expected_json, "serialised form");
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(back, value, "round trip");
}

fn snapshot() -> Snapshot {
    Snapshot {
        sites: vec![SiteSummary {
            id: "bru".into(),
            name: "Brussels HQ".into(),
            address: "Rue Ravenstein 60, 1000 Brussels".into(),
            city: "Brussels".into(),
            time_zone: "Europe/Brussels".into(),
            lat: 50.85,
            lon: 4.35,
        }],
        buildings: vec![Building {
            id: "bru-b1".into(),
            site_id: "bru".into(),
            name: "North wing".into(),
            footprint: vec![
                LatLon {
                    lat: 50.85,
                    lon: 4.35,
                },
                LatLon {
                    lat: 50.851,
                    lon: 4.35,
                },
                LatLon {
                    lat: 50.851,
                    lon: 4.351,
                },
            ],
            floors: vec!["bru-b1-f0".into()],
        }],
        points: vec![PointSummary {
            id: 0,
            key: "bru-b1-f1-z1/co2".into(),
            device_id: "bru-b1-f1-z1".into(),
            device_name: "<img src=x onerror=alert(1)>".into(),
            site_id: "bru".into(),
            building_id: Some("bru-b1".into()),
            metric: Metric::Co2,
            interval_s: 10,
            last: Some(Reading {
                point: 0,
                ts: 1_700_000_000_000,
                value: 612.5,
            }),
            thresholds: None,
        }],
    }
}

#[test]
fn readings_message() {
    check(
        ServerMsg::Readings {
            seq: 7,
            server_time: 1_700_000_000_250,
            accepted: 1_700_000_000_240,
            readings: vec![Reading {
                point: 3,
                ts: 1_700_000_000_000,
                value: 21.5,
            }],
        },
        r#"{"type":"readings","seq":7,"server_time":1700000000250,"accepted":1700000000240,"readings":[[3,1700000000000,21.5]]}"#,
    );
}

#[test]
fn snapshot_message() {
    let msg = ServerMsg::Snapshot {
        epoch: 9,
        seq: 1,
        server_time: 5,
        snapshot: snapshot(),
    };
    let json = serde_json::to_string(&msg).unwrap();
    assert!(
        json.starts_with(r#"{"type":"snapshot","epoch":9,"seq":1"#),
        "{json}"
    );
    // Each device once, its points by index; the latest reading as [ts, value].
    assert!(
        json.contains(r#""devices":[{"id":"bru-b1-f1-z1","name":"<img src=x onerror=alert(1)>","site":"bru","building":"bru-b1"}]"#),
        "{json}"
    );
    assert!(
        json.contains(r#""points":[{"id":0,"d":0,"m":"co2","i":10,"l":[1700000000000,612.5]}]"#),
        "{json}"
    );
    let back: ServerMsg = serde_json::from_str(&json).unwrap();
    assert_eq!(back, msg);
    assert_eq!(back.seq(), Some(1));
}

#[test]
fn health_and_error_bodies() {
    check(
        Health {
            status: HealthStatus::Ok,
            version: "0.1.0".into(),
            uptime_s: 12,
            readings_stored: 3,
            simulator: true,
            map_tiles: None,
        },
        r#"{"status":"ok","version":"0.1.0","uptime_s":12,"readings_stored":3,"simulator":true}"#,
    );
    check(
        ErrorBody::new("not_found", "no route for GET /api/nope"),
        r#"{"error":{"code":"not_found","message":"no route for GET /api/nope"}}"#,
    );
}

#[test]
fn every_metric_has_a_snake_case_tag_and_a_sane_range() {
    for (metric, tag) in [
        (Metric::AirTemperature, "\"air_temperature\""),
        (Metric::RelativeHumidity, "\"relative_humidity\""),
        (Metric::Co2, "\"co2\""),
        (Metric::Occupancy, "\"occupancy\""),
        (Metric::ElectricEnergy, "\"electric_energy\""),
        (Metric::WaterFlow, "\"water_flow\""),
        (Metric::Leak, "\"leak\""),
        (Metric::Door, "\"door\""),
        (Metric::Battery, "\"battery\""),
        (Metric::Signal, "\"signal\""),
        (Metric::Pm25, "\"pm2_5\""),
        (Metric::Pm10, "\"pm10\""),
        (Metric::Tvoc, "\"tvoc\""),
        (Metric::Illuminance, "\"illuminance\""),
        (Metric::SoundLevel, "\"sound_level\""),
        (Metric::BarometricPressure, "\"barometric_pressure\""),
        (Metric::ActivePower, "\"active_power\""),
        (Metric::Voltage, "\"voltage\""),
        (Metric::HeatEnergy, "\"heat_energy\""),
        (Metric::GasVolume, "\"gas_volume\""),
        (Metric::WaterVolume, "\"water_volume\""),
        (Metric::OutdoorTemperature, "\"outdoor_temperature\""),
    ] {
        check(metric, tag);
        assert_eq!(format!("\"{}\"", metric.name()), tag);
        let (lo, hi) = metric.plausible_range();
        assert!(lo < hi, "{metric:?}");
        assert_eq!(Metric::parse(metric.name()), Some(metric));
        if let Some(t) = metric.default_thresholds() {
            for (limit, _) in t.limits() {
                assert!((lo..=hi).contains(&limit), "{metric:?} limit {limit}");
            }
        }
    }
    assert_eq!(Metric::ALL.len(), 22);
}

#[test]
fn device_kinds_round_trip_by_name() {
    for kind in DeviceKind::ALL {
        check(kind, &format!("\"{}\"", kind.name()));
        assert_eq!(DeviceKind::parse(kind.name()), Some(kind));
    }
    assert_eq!(DeviceKind::parse("toaster"), None);
}

#[test]
fn a_hello_without_its_protocol_version_is_of_version_1() {
    // Apps from before the field existed send no version: they speak version 1.
    let hello: ClientMsg = serde_json::from_str(r#"{"type":"hello","deflate":true}"#).unwrap();
    let ClientMsg::Hello { protocol, .. } = hello else {
        panic!("a hello")
    };
    assert_eq!(protocol, 1);
}

#[test]
fn client_hello_with_and_without_resume() {
    check(
        ClientMsg::Hello {
            resume: None,
            scope: Scope::everything(),
            deflate: false,
            protocol: 1,
        },
        r#"{"type":"hello","protocol":1}"#,
    );
    check(
        ClientMsg::Hello {
            resume: Some(ResumeFrom { epoch: 9, seq: 41 }),
            scope: Scope::everything(),
            deflate: false,
            protocol: 7,
        },
        r#"{"type":"hello","resume":{"epoch":9,"seq":41},"protocol":7}"#,
    );
    check(
        ClientMsg::Subscribe {
            scope: Scope {
                sites: vec!["bru".into()],
                points: vec![3],
                ..Scope::default()
            },
        },
        r#"{"type":"subscribe","scope":{"sites":["bru"],"points":[3]}}"#,
    );
    check(
        ClientMsg::Subscribe {
            scope: Scope {
                buildings: vec!["bru-a".into()],
                devices: vec!["ams-a-f0-z02-ms".into()],
                ..Scope::default()
            },
        },
        r#"{"type":"subscribe","scope":{"buildings":["bru-a"],"devices":["ams-a-f0-z02-ms"]}}"#,
    );
}

/// One message of each kind the server sends, as it sends them.
fn every_server_msg() -> Vec<ServerMsg> {
    let alarm: Alarm = serde_json::from_value(serde_json::json!({
        "id": 4, "rule_id": 1, "rule_name": "Warm", "severity": "critical", "point": 1,
        "point_key": "d/air_temperature", "device_id": "d", "device_name": "D", "site_id": "s",
        "metric": "air_temperature", "state": "unacknowledged", "raised_at": 7, "count": 1,
        "suppressed": false
    }))
    .unwrap();
    let reading = |point, value| Reading {
        point,
        ts: 1_700_000_000_000,
        value,
    };
    vec![
        ServerMsg::Snapshot {
            epoch: 9,
            seq: 1,
            server_time: 5,
            snapshot: snapshot(),
        },
        ServerMsg::Readings {
            seq: 7,
            server_time: 8,
            accepted: 6,
            readings: vec![reading(3, 21.5), reading(4, -0.25)],
        },
        ServerMsg::Alarms {
            replace: true,
            alarms: vec![alarm],
        },
        ServerMsg::Denied {
            message: "not on your sites: ams".into(),
        },
    ]
}

#[test]
fn a_message_whose_type_comes_first_reads_in_one_pass_the_same_as_any() {
    for msg in every_server_msg() {
        let json = serde_json::to_string(&msg).unwrap();
        assert!(json.starts_with(r#"{"type":""#), "{json}");
        let TagFirst(fast) = serde_json::from_str(&json).unwrap();
        assert_eq!(fast, msg, "{json}");
    }
    // A field left out takes ServerMsg's default either way.
    let json = r#"{"type":"readings","seq":7,"server_time":8,"readings":[[3,1,2.5]]}"#;
    let TagFirst(fast) = serde_json::from_str(json).unwrap();
    assert_eq!(fast, serde_json::from_str::<ServerMsg>(json).unwrap());
}

#[test]
fn a_message_whose_type_is_not_first_is_left_to_the_plain_reading() {
    let json = r#"{"seq":7,"type":"readings","server_time":8,"accepted":6,"readings":[[3,1,2.5]]}"#;
    let err = serde_json::from_str::<TagFirst>(json).unwrap_err();
    assert!(err.to_string().contains(TAG_NOT_FIRST), "{err}");
    assert!(matches!(
        serde_json::from_str::<ServerMsg>(json).unwrap(),
        ServerMsg::Readings { seq: 7, .. }
    ));
    // A tag nobody knows, or a field of the wrong shape, is an error that says what.
    let err = serde_json::from_str::<TagFirst>(r#"{"type":"gossip"}"#).unwrap_err();
    assert!(
        err.to_string().contains("unknown variant `gossip`"),
        "{err}"
    );
    let err = serde_json::from_str::<TagFirst>(
        r#"{"type":"readings","seq":"seven","server_time":8,"readings":[]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}
