//! Compact shapes of the live socket's big messages.
//!
//! A snapshot of the whole portfolio repeats each device's id, name, site and
//! building on every one of its points; on the wire each device travels once
//! and a point refers to it by index ([`SnapshotWire`]). Readings in a
//! `readings` message travel as `[point, ts, value]` triples
//! ([`reading_triples`]). The Rust types ([`Snapshot`], [`Reading`]) are
//! unchanged: serde converts on the way in and out.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Building, Metric, PointSummary, Reading, SiteSummary, Snapshot, Thresholds};

/// [`Snapshot`] as it travels (`GET /api/snapshot` and the socket's
/// `snapshot` message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotWire {
    pub sites: Vec<SiteSummary>,
    pub buildings: Vec<Building>,
    /// Every device with a point below, once.
    pub devices: Vec<WireDevice>,
    pub points: Vec<WirePoint>,
}

/// A device of a [`SnapshotWire`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WireDevice {
    pub id: String,
    pub name: String,
    pub site: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
}

/// A point of a [`SnapshotWire`]: [`PointSummary`] with its device by index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WirePoint {
    pub id: u32,
    /// Index of the point's device in [`SnapshotWire::devices`].
    pub d: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub m: Metric,
    /// Reporting interval, seconds.
    pub i: u32,
    /// The point's key, only when it is not `<device-id>/<metric>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<String>,
    /// The latest reading: `[ts (UTC epoch ms), value]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l: Option<(i64, f64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<Thresholds>,
}

fn default_key(device_id: &str, metric: Metric) -> String {
    format!("{device_id}/{}", metric.name())
}

impl From<Snapshot> for SnapshotWire {
    fn from(s: Snapshot) -> Self {
        let mut devices = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let points = (s.points.into_iter())
            .map(|p| {
                let d = *index.entry(p.device_id.clone()).or_insert_with(|| {
                    devices.push(WireDevice {
                        id: p.device_id.clone(),
                        name: p.device_name.clone(),
                        site: p.site_id.clone(),
                        building: p.building_id.clone(),
                    });
                    (devices.len() - 1) as u32
                });
                let k = (p.key != default_key(&p.device_id, p.metric)).then_some(p.key);
                WirePoint {
                    id: p.id,
                    d,
                    m: p.metric,
                    i: p.interval_s,
                    k,
                    l: p.last.map(|r| (r.ts, r.value)),
                    t: p.thresholds,
                }
            })
            .collect();
        SnapshotWire {
            sites: s.sites,
            buildings: s.buildings,
            devices,
            points,
        }
    }
}

impl TryFrom<SnapshotWire> for Snapshot {
    type Error = String;

    /// Fails when a point names a device index the snapshot does not have.
    fn try_from(w: SnapshotWire) -> Result<Self, String> {
        let points = (w.points.into_iter().enumerate())
            .map(|(n, p)| {
                let d = w.devices.get(p.d as usize).ok_or_else(|| {
                    format!(
                        "points[{n}].d: no device {} (there are {})",
                        p.d,
                        w.devices.len()
                    )
                })?;
                Ok(PointSummary {
                    id: p.id,
                    key: p.k.unwrap_or_else(|| default_key(&d.id, p.m)),
                    device_id: d.id.clone(),
                    device_name: d.name.clone(),
                    site_id: d.site.clone(),
                    building_id: d.building.clone(),
                    metric: p.m,
                    interval_s: p.i,
                    last: p.l.map(|(ts, value)| Reading {
                        point: p.id,
                        ts,
                        value,
                    }),
                    thresholds: p.t,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Snapshot {
            sites: w.sites,
            buildings: w.buildings,
            points,
        })
    }
}

/// `#[serde(with = "reading_triples")]`: readings as `[[point, ts, value], …]`.
pub mod reading_triples {
    use super::*;

    pub fn serialize<S: Serializer>(readings: &[Reading], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(readings.iter().map(|r| (r.point, r.ts, r.value)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Reading>, D::Error> {
        let triples = Vec::<(u32, i64, f64)>::deserialize(d)?;
        Ok(triples
            .into_iter()
            .map(|(point, ts, value)| Reading { point, ts, value })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: u32, device: &str, metric: Metric, key: Option<&str>) -> PointSummary {
        PointSummary {
            id,
            key: key.map_or_else(|| default_key(device, metric), str::to_owned),
            device_id: device.into(),
            device_name: format!("{device} name"),
            site_id: "ams".into(),
            building_id: (device == "d1").then(|| "ams-a".into()),
            metric,
            interval_s: 60,
            last: (id != 3).then_some(Reading {
                point: id,
                ts: 1_796_029_200_000 + i64::from(id),
                value: 20.5,
            }),
            thresholds: (id == 1).then_some(Thresholds {
                warn_below: None,
                warn_above: Some(1000.0),
                critical_below: None,
                critical_above: Some(1500.0),
            }),
        }
    }

    #[test]
    fn a_snapshot_travels_with_each_device_once_and_comes_back_the_same() {
        let snapshot = Snapshot {
            sites: vec![],
            buildings: vec![],
            points: vec![
                point(1, "d1", Metric::Co2, None),
                point(2, "d1", Metric::AirTemperature, None),
                point(3, "d2", Metric::Co2, Some("legacy/name")),
                point(4, "d2", Metric::Battery, None),
            ],
        };
        let json = serde_json::to_value(&snapshot).unwrap();
        assert_eq!(json["devices"].as_array().unwrap().len(), 2);
        assert_eq!(json["points"][1]["d"], 0);
        assert_eq!(json["points"][2]["k"], "legacy/name");
        assert!(json["points"][0].get("k").is_none());
        assert_eq!(
            json["points"][1]["l"],
            serde_json::json!([1_796_029_200_002_i64, 20.5])
        );
        let back: Snapshot = serde_json::from_value(json).unwrap();
        assert_eq!(back, snapshot);
    }

    #[test]
    fn a_point_of_a_device_the_snapshot_lacks_is_refused_with_where() {
        let json = r#"{"sites":[],"buildings":[],"devices":[],"points":[{"id":1,"d":0,"m":"co2","i":60}]}"#;
        let err = serde_json::from_str::<Snapshot>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("points[0].d: no device 0"), "{err}");
    }

    #[test]
    fn readings_travel_as_triples() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct M(#[serde(with = "reading_triples")] Vec<Reading>);
        let m = M(vec![Reading {
            point: 7,
            ts: 1_796_029_200_000,
            value: 21.25,
        }]);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "[[7,1796029200000,21.25]]");
        assert_eq!(serde_json::from_str::<M>(&json).unwrap(), m);
    }
}
