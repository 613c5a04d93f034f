//! A device as its form holds it: every number as the text typed, so "50."
//! or "" can sit in an input. `spec()` turns it into the `DeviceSpec` the
//! server gets and `problems()` judges it with `DeviceSpec::problems()`,
//! the one validator (plus what could not even be read as a number). Pure.

use cairn_protocol::{
    DeviceKind, DeviceSpec, DeviceState, DeviceSummary, ErrorDetail, LatLon, Metric, PlanXy,
    PointSpec,
};

/// One point row: its metric and its interval as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct PointRow {
    pub metric: Metric,
    pub interval: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeviceDraft {
    pub id: String,
    pub name: String,
    pub kind: DeviceKind,
    pub model: String,
    pub firmware: String,
    pub serial: String,
    pub installed: String,
    pub site_id: String,
    pub building_id: String,
    pub floor_id: String,
    pub zone_id: String,
    pub lat: String,
    pub lon: String,
    pub plan_x: String,
    pub plan_y: String,
    /// Comma-separated.
    pub tags: String,
    /// External ids (DevEUI, IEEE address…), comma- or space-separated.
    pub aliases: String,
    pub points: Vec<PointRow>,
    /// Seconds; empty: learned from the device's history.
    pub expected: String,
    pub state: DeviceState,
}

/// The points a device of this kind usually carries, and how often they report (s).
pub fn usual_points(kind: DeviceKind) -> (&'static [Metric], u32) {
    use Metric as M;
    match kind {
        DeviceKind::Multisensor => (
            &[
                M::AirTemperature,
                M::RelativeHumidity,
                M::Co2,
                M::Occupancy,
                M::Battery,
                M::Signal,
            ],
            600,
        ),
        DeviceKind::Thermometer => (&[M::AirTemperature, M::Battery, M::Signal], 600),
        DeviceKind::LeakSensor => (&[M::Leak, M::Battery, M::Signal], 3_600),
        DeviceKind::DoorContact => (&[M::Door, M::Battery, M::Signal], 3_600),
        DeviceKind::ElectricityMeter => (&[M::ElectricEnergy], 300),
        DeviceKind::WaterMeter => (&[M::WaterFlow], 300),
    }
}

/// The spec of a listed device as it stands, with its points (`(metric,
/// interval s)`): what a bulk change sends back with one field changed
/// (`PUT` takes the whole device; points left out would be removed). The
/// same spec the edit form starts from (`DeviceDraft::of(d, points).spec()`).
pub fn spec_of(d: &DeviceSummary, points: &[PointSpec]) -> DeviceSpec {
    DeviceSpec {
        id: d.id.clone(),
        name: d.name.clone(),
        kind: d.kind,
        model: d.model.clone(),
        firmware: d.firmware.clone(),
        serial: d.serial.clone(),
        installed: d.installed.clone(),
        site_id: d.site_id.clone(),
        building_id: d.building_id.clone(),
        floor_id: d.floor_id.clone(),
        zone_id: d.zone_id.clone(),
        location: d.location,
        plan: d.plan,
        tags: d.tags.clone(),
        points: points.to_vec(),
        expected_interval_s: d.expected_interval_s,
        state: d.state,
        aliases: d.aliases.clone(),
    }
}

/// Point rows of the usual points of `kind`.
pub fn usual_rows(kind: DeviceKind) -> Vec<PointRow> {
    let (metrics, every) = usual_points(kind);
    (metrics.iter())
        .map(|&metric| PointRow {
            metric,
            interval: every.to_string(),
        })
        .collect()
}

impl Default for DeviceDraft {
    fn default() -> Self {
        DeviceDraft {
            id: String::new(),
            name: String::new(),
            kind: DeviceKind::Multisensor,
            model: String::new(),
            firmware: String::new(),
            serial: String::new(),
            installed: String::new(),
            site_id: String::new(),
            building_id: String::new(),
            floor_id: String::new(),
            zone_id: String::new(),
            lat: String::new(),
            lon: String::new(),
            plan_x: String::new(),
            plan_y: String::new(),
            tags: String::new(),
            aliases: String::new(),
            points: usual_rows(DeviceKind::Multisensor),
            expected: String::new(),
            state: DeviceState::Active,
        }
    }
}

fn invalid(at: &str, message: &str) -> ErrorDetail {
    ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(at.into()),
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl DeviceDraft {
    /// A device to edit, with its points (`(metric, interval s)`).
    pub fn of(d: &DeviceSummary, points: &[PointSpec]) -> DeviceDraft {
        let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        DeviceDraft {
            id: d.id.clone(),
            name: d.name.clone(),
            kind: d.kind,
            model: d.model.clone(),
            firmware: d.firmware.clone(),
            serial: d.serial.clone(),
            installed: d.installed.clone(),
            site_id: d.site_id.clone(),
            building_id: d.building_id.clone().unwrap_or_default(),
            floor_id: d.floor_id.clone().unwrap_or_default(),
            zone_id: d.zone_id.clone().unwrap_or_default(),
            lat: num(d.location.map(|l| l.lat)),
            lon: num(d.location.map(|l| l.lon)),
            plan_x: num(d.plan.map(|p| p.x)),
            plan_y: num(d.plan.map(|p| p.y)),
            tags: d.tags.join(", "),
            aliases: d.aliases.join(", "),
            points: (points.iter())
                .map(|p| PointRow {
                    metric: p.metric,
                    interval: p.interval_s.to_string(),
                })
                .collect(),
            expected: d
                .expected_interval_s
                .map(|s| s.to_string())
                .unwrap_or_default(),
            state: d.state,
        }
    }

    /// The device as typed, and what could not even be read.
    pub fn spec(&self) -> (DeviceSpec, Vec<ErrorDetail>) {
        let mut unread = Vec::new();
        let mut number = |at: &str, text: &str, what: &str| -> Option<f64> {
            let t = text.trim();
            if t.is_empty() {
                return None;
            }
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    unread.push(invalid(at, what));
                    Some(f64::NAN)
                }
            }
        };
        let lat = number(
            "location.lat",
            &self.lat,
            "a number of degrees, e.g. 50.8466",
        );
        let lon = number(
            "location.lon",
            &self.lon,
            "a number of degrees, e.g. 4.3528",
        );
        let x = number("plan.x", &self.plan_x, "a number of metres, e.g. 12.5");
        let y = number("plan.y", &self.plan_y, "a number of metres, e.g. 4");
        let location = match (lat, lon) {
            (None, None) => None,
            (Some(lat), Some(lon)) => Some(LatLon { lat, lon }),
            (None, Some(_)) => {
                unread.push(invalid(
                    "location.lat",
                    "the latitude too, or neither (unplaced)",
                ));
                None
            }
            (Some(_), None) => {
                unread.push(invalid(
                    "location.lon",
                    "the longitude too, or neither (unplaced)",
                ));
                None
            }
        };
        let plan = match (x, y) {
            (None, None) => None,
            (Some(x), Some(y)) => Some(PlanXy { x, y }),
            (None, Some(_)) => {
                unread.push(invalid("plan.x", "x too, or neither"));
                None
            }
            (Some(_), None) => {
                unread.push(invalid("plan.y", "y too, or neither"));
                None
            }
        };
        let mut seconds = |at: String, text: &str| -> Option<u32> {
            let t = text.trim();
            if t.is_empty() {
                return None;
            }
            t.parse::<u32>().ok().or_else(|| {
                unread.push(invalid(&at, "a whole number of seconds"));
                Some(0)
            })
        };
        let points = (self.points.iter().enumerate())
            .map(|(i, p)| PointSpec {
                metric: p.metric,
                interval_s: seconds(format!("points[{i}].interval_s"), &p.interval).unwrap_or(0),
            })
            .collect();
        let expected_interval_s = seconds("expected_interval_s".into(), &self.expected);
        let spec = DeviceSpec {
            id: self.id.trim().to_owned(),
            name: self.name.clone(),
            kind: self.kind,
            model: self.model.clone(),
            firmware: self.firmware.clone(),
            serial: self.serial.clone(),
            installed: self.installed.trim().to_owned(),
            site_id: self.site_id.clone(),
            building_id: some(&self.building_id),
            floor_id: some(&self.floor_id),
            zone_id: some(&self.zone_id),
            location,
            plan,
            tags: (self.tags.split(','))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            points,
            expected_interval_s,
            state: self.state,
            aliases: (self.aliases.split([',', ' ']))
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        (spec, unread)
    }

    /// Every problem as `(field, message)`: what could not be read first,
    /// then the validator's (one message per field).
    pub fn problems(&self) -> Vec<(String, String)> {
        let (spec, mut all) = self.spec();
        all.extend(spec.problems());
        let mut out: Vec<(String, String)> = Vec::new();
        for d in all {
            if let Some(at) = d.location
                && !out.iter().any(|(a, _)| *a == at)
            {
                out.push((at, d.message));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> DeviceDraft {
        DeviceDraft {
            id: "bru-a-f0-z99-ms".into(),
            name: "Meeting room 0.99".into(),
            site_id: "bru".into(),
            building_id: "bru-a".into(),
            floor_id: "bru-a-f0".into(),
            lat: "50.8466".into(),
            lon: "4.3528".into(),
            plan_x: "3".into(),
            plan_y: "4.5".into(),
            tags: " sensor, air ,".into(),
            installed: "2026-02-01".into(),
            ..DeviceDraft::default()
        }
    }

    fn fields(d: &DeviceDraft) -> Vec<String> {
        d.problems().into_iter().map(|p| p.0).collect()
    }

    #[test]
    fn a_device_survives_the_form() {
        let (spec, unread) = good().spec();
        assert!(
            unread.is_empty() && spec.problems().is_empty(),
            "{:?}",
            spec.problems()
        );
        assert_eq!(spec.tags, ["sensor", "air"]);
        assert_eq!(spec.points.len(), 6);
        assert_eq!(
            spec.location,
            Some(LatLon {
                lat: 50.8466,
                lon: 4.3528
            })
        );
        assert_eq!(spec.zone_id, None);
        let summary: DeviceSummary = serde_json::from_value(serde_json::json!({
            "id": spec.id, "name": spec.name, "kind": "multisensor", "model": "", "firmware": "",
            "serial": "", "installed": spec.installed, "site_id": "bru", "building_id": "bru-a",
            "floor_id": "bru-a-f0", "zone_id": null, "location": {"lat": 50.8466, "lon": 4.3528},
            "plan": {"x": 3.0, "y": 4.5}, "tags": ["sensor", "air"], "points": [],
            "battery": null, "signal": null, "last_seen": null
        }))
        .unwrap();
        assert_eq!(DeviceDraft::of(&summary, &spec.points).spec().0, spec);
        // A bulk change starts from the same spec as the edit form.
        assert_eq!(spec_of(&summary, &spec.points), spec);
    }

    #[test]
    fn what_is_typed_is_judged_by_the_one_validator() {
        let mut d = good();
        d.lat = "95".into();
        assert_eq!(fields(&d), ["location.lat"]);
        assert!(d.problems()[0].1.contains("-90 to 90"));
        d.lat = "north".into();
        assert_eq!(fields(&d), ["location.lat"]);
        d.lat = String::new();
        assert_eq!(fields(&d), ["location.lat"], "a longitude alone");
        d.lon = String::new();
        assert_eq!(fields(&d), Vec::<String>::new(), "neither: unplaced");
        d.points[1].interval = "10 min".into();
        d.points[2].metric = Metric::AirTemperature;
        d.expected = "5".into();
        d.id = "bad id".into();
        assert_eq!(
            fields(&d),
            [
                "points[1].interval_s",
                "id",
                "points[2].metric",
                "expected_interval_s"
            ]
        );
    }
}
