//! The device inventory's wire types and its one validator.
//!
//! [`DeviceSpec::problems`] is the check the device form, the API, CSV
//! import and `cairn-server provision` all run, so each says the same thing
//! about the same field. What only the server can know (does the site
//! exist, does the floor belong to the building, is the id taken) the
//! server adds with the same field names.

use serde::{Deserialize, Serialize};

use crate::{DeviceKind, ErrorDetail, LatLon, Metric, PlanXy};

/// Longest device id: it prefixes every SenML name of the device.
pub const MAX_DEVICE_ID: usize = 64;
/// Longest device name.
pub const MAX_DEVICE_NAME: usize = 100;
/// Most tags on one device.
pub const MAX_TAGS: usize = 20;
/// Longest a point's reporting interval or a device's expected interval may be, s (one week).
pub const MAX_INTERVAL_S: u32 = 604_800;

/// Where a device is in its life. A retired device keeps its history but
/// its readings are refused and it counts for no health figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    #[default]
    Active,
    Retired,
}

impl DeviceState {
    pub const ALL: [DeviceState; 2] = [DeviceState::Active, DeviceState::Retired];

    pub fn name(self) -> &'static str {
        match self {
            DeviceState::Active => "active",
            DeviceState::Retired => "retired",
        }
    }

    pub fn parse(name: &str) -> Option<DeviceState> {
        DeviceState::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// One point a device carries: what it measures and how often it reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointSpec {
    pub metric: Metric,
    /// Reporting interval in seconds, 1 to [`MAX_INTERVAL_S`].
    pub interval_s: u32,
}

/// A device as an admin creates or edits it (`POST /api/devices`,
/// `PUT /api/devices/{id}`, a CSV row, a provisioning file's device).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceSpec {
    /// 1–64 of `A–Z a–z 0–9 _ . : -`, starting with a letter or digit: the
    /// device's points are named `<id>/<metric>` in SenML, so no `/` or space.
    pub id: String,
    /// 1–100 characters.
    pub name: String,
    pub kind: DeviceKind,
    /// Manufacturer's model, ≤ 60 characters (may be empty).
    #[serde(default)]
    pub model: String,
    /// ≤ 40 characters.
    #[serde(default)]
    pub firmware: String,
    /// ≤ 60 characters.
    #[serde(default)]
    pub serial: String,
    /// Installation date `YYYY-MM-DD`, or empty when not known.
    #[serde(default)]
    pub installed: String,
    pub site_id: String,
    /// Building of the site; needed for a floor.
    #[serde(default)]
    pub building_id: Option<String>,
    /// Floor of the building; needed for a zone or a plan position.
    #[serde(default)]
    pub floor_id: Option<String>,
    #[serde(default)]
    pub zone_id: Option<String>,
    /// Where it is on the globe; none = not placed yet (unpacked, or
    /// claimed from a network server), shown as "unplaced".
    #[serde(default)]
    pub location: Option<LatLon>,
    /// Where it hangs on its floor's plan, metres within the plan's bounds.
    #[serde(default)]
    pub plan: Option<PlanXy>,
    /// Haystack-style marker tags (`sensor`, `air`, `battery`): each 1–40
    /// of `a–z A–Z 0–9 _ -`, at most [`MAX_TAGS`], no repeats.
    #[serde(default)]
    pub tags: Vec<String>,
    /// At most one per metric.
    #[serde(default)]
    pub points: Vec<PointSpec>,
    /// The reporting interval an admin sets by hand, s; none = learned from
    /// the device's own history.
    #[serde(default)]
    pub expected_interval_s: Option<u32>,
    #[serde(default)]
    pub state: DeviceState,
    /// External ids the device is also known by (DevEUI, SenML base name,
    /// Zigbee IEEE address, serial), at most [`crate::alias::MAX_ALIASES`],
    /// each unique across the portfolio, stored as [`crate::alias::alias_key`].
    #[serde(default)]
    pub aliases: Vec<String>,
}

pub(crate) fn field(location: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(location.into()),
    }
}

/// Whether `id` is a well-formed device id (see [`DeviceSpec::id`]).
pub fn device_id_problem(id: &str) -> Option<String> {
    let n = id.chars().count();
    if n == 0 || n > MAX_DEVICE_ID {
        return Some(format!("1 to {MAX_DEVICE_ID} characters"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-');
    if let Some(bad) = id.chars().find(|c| !allowed(*c)) {
        return Some(format!(
            "{bad:?} is not allowed: use letters, digits and _ . : - only \
             (the id names the device's points as <id>/<metric> in SenML)"
        ));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("must start with a letter or a digit".into());
    }
    None
}

fn text_problem(value: &str, min: usize, max: usize) -> Option<String> {
    let n = value.trim().chars().count();
    if n < min || value.chars().count() > max {
        return Some(if min == 0 {
            format!("at most {max} characters")
        } else {
            format!("{min} to {max} characters")
        });
    }
    value
        .chars()
        .any(char::is_control)
        .then(|| "no control characters".into())
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    s.bytes()
        .enumerate()
        .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=days).contains(&d)
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

impl DeviceSpec {
    /// The spec as it is checked and stored: ids, texts and tags trimmed,
    /// an empty building, floor or zone none.
    pub fn normalised(mut self) -> DeviceSpec {
        let trim = |s: &mut String| *s = s.trim().to_owned();
        for s in [
            &mut self.id,
            &mut self.name,
            &mut self.model,
            &mut self.firmware,
            &mut self.serial,
            &mut self.installed,
            &mut self.site_id,
        ] {
            trim(s);
        }
        for place in [&mut self.building_id, &mut self.floor_id, &mut self.zone_id] {
            *place = place
                .take()
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty());
        }
        self.tags.iter_mut().for_each(trim);
        for a in &mut self.aliases {
            if crate::alias::alias_problem(a).is_none() {
                *a = crate::alias::alias_key(a);
            }
        }
        self
    }

    /// Every problem of the spec on its own, each with the field it is about
    /// (`id`, `name`, `location.lat`, `points[2].interval_s`…); empty = valid
    /// as far as the spec alone can tell.
    pub fn problems(&self) -> Vec<ErrorDetail> {
        let mut out = Vec::new();
        if let Some(p) = device_id_problem(&self.id) {
            out.push(field("id", p));
        }
        for (name, value, min, max) in [
            ("name", &self.name, 1, MAX_DEVICE_NAME),
            ("model", &self.model, 0, 60),
            ("firmware", &self.firmware, 0, 40),
            ("serial", &self.serial, 0, 60),
        ] {
            if let Some(p) = text_problem(value, min, max) {
                out.push(field(name, p));
            }
        }
        if !self.installed.is_empty() && !is_date(&self.installed) {
            out.push(field("installed", "a date written YYYY-MM-DD, or empty"));
        }
        if self.site_id.trim().is_empty() {
            out.push(field("site_id", "choose a site"));
        }
        if !blank(&self.floor_id) && blank(&self.building_id) {
            out.push(field("building_id", "choose the floor's building"));
        }
        if !blank(&self.zone_id) && blank(&self.floor_id) {
            out.push(field("floor_id", "choose the zone's floor"));
        }
        if self.plan.is_some() && blank(&self.floor_id) {
            out.push(field("floor_id", "a plan position needs its floor"));
        }
        if let Some(l) = self.location {
            if !(l.lat.is_finite() && (-90.0..=90.0).contains(&l.lat)) {
                out.push(field("location.lat", "a latitude from -90 to 90 degrees"));
            }
            if !(l.lon.is_finite() && (-180.0..=180.0).contains(&l.lon)) {
                out.push(field(
                    "location.lon",
                    "a longitude from -180 to 180 degrees",
                ));
            }
        }
        if let Some(p) = self.plan {
            for (name, v) in [("plan.x", p.x), ("plan.y", p.y)] {
                if !(v.is_finite() && v >= 0.0) {
                    out.push(field(name, "metres from the plan's corner, 0 or more"));
                }
            }
        }
        self.tag_problems(&mut out);
        self.alias_problems(&mut out);
        self.point_problems(&mut out);
        if let Some(s) = self
            .expected_interval_s
            .filter(|s| !(10..=MAX_INTERVAL_S).contains(s))
        {
            out.push(field(
                "expected_interval_s",
                format!("{s} s is not between 10 s and {MAX_INTERVAL_S} s (one week)"),
            ));
        }
        out
    }

    fn tag_problems(&self, out: &mut Vec<ErrorDetail>) {
        if self.tags.len() > MAX_TAGS {
            out.push(field("tags", format!("at most {MAX_TAGS} tags")));
        }
        let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        for (i, t) in self.tags.iter().enumerate() {
            if t.is_empty() || t.chars().count() > 40 || !t.chars().all(ok) {
                out.push(field(
                    &format!("tags[{i}]"),
                    format!("{t:?}: 1 to 40 of letters, digits, _ and - per tag"),
                ));
            } else if self.tags[..i].contains(t) {
                out.push(field(
                    &format!("tags[{i}]"),
                    format!("{t:?} is listed twice"),
                ));
            }
        }
    }

    fn alias_problems(&self, out: &mut Vec<ErrorDetail>) {
        use crate::alias::{MAX_ALIASES, alias_key, alias_problem};
        if self.aliases.len() > MAX_ALIASES {
            out.push(field("aliases", format!("at most {MAX_ALIASES} aliases")));
        }
        for (i, a) in self.aliases.iter().enumerate() {
            if let Some(p) = alias_problem(a) {
                out.push(field(&format!("aliases[{i}]"), format!("{a:?}: {p}")));
            } else if self.aliases[..i]
                .iter()
                .any(|b| alias_key(b) == alias_key(a))
            {
                out.push(field(
                    &format!("aliases[{i}]"),
                    format!("{a:?} is listed twice"),
                ));
            }
        }
    }

    fn point_problems(&self, out: &mut Vec<ErrorDetail>) {
        for (i, p) in self.points.iter().enumerate() {
            if !(1..=MAX_INTERVAL_S).contains(&p.interval_s) {
                out.push(field(
                    &format!("points[{i}].interval_s"),
                    format!("1 s to {MAX_INTERVAL_S} s (one week)"),
                ));
            }
            if self.points[..i].iter().any(|q| q.metric == p.metric) {
                out.push(field(
                    &format!("points[{i}].metric"),
                    format!("{} is listed twice", p.metric.label()),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn spec() -> DeviceSpec {
        DeviceSpec {
            id: "hq-b1-f2-ms07".into(),
            name: "Meeting room 2.07".into(),
            kind: DeviceKind::Multisensor,
            model: "Milesight AM319".into(),
            firmware: "1.2".into(),
            serial: "6136D19".into(),
            installed: "2024-02-29".into(),
            site_id: "hq".into(),
            building_id: Some("hq-b1".into()),
            floor_id: Some("hq-b1-f2".into()),
            zone_id: None,
            location: Some(LatLon {
                lat: 50.85,
                lon: 4.35,
            }),
            plan: Some(PlanXy { x: 3.0, y: 4.5 }),
            tags: vec!["sensor".into(), "air".into()],
            points: vec![PointSpec {
                metric: Metric::Co2,
                interval_s: 600,
            }],
            expected_interval_s: None,
            state: DeviceState::Active,
            aliases: Vec::new(),
        }
    }

    fn problems(s: &DeviceSpec) -> Vec<(String, String)> {
        s.problems()
            .into_iter()
            .map(|p| (p.location.unwrap_or_default(), p.message))
            .collect()
    }

    fn one(s: &DeviceSpec, location: &str, says: &str) {
        let found = problems(s);
        assert!(
            found.iter().any(|(l, m)| l == location && m.contains(says)),
            "expected {location}: …{says}… in {found:?}"
        );
    }

    #[test]
    fn a_good_spec_has_no_problems_and_an_unplaced_device_is_good_too() {
        assert_eq!(problems(&spec()), vec![]);
        let unplaced = DeviceSpec {
            location: None,
            plan: None,
            building_id: None,
            floor_id: None,
            installed: String::new(),
            ..spec()
        };
        assert_eq!(problems(&unplaced), vec![]);
    }

    #[test]
    fn the_provisioning_inputs_of_issue_14_are_refused_by_field() {
        let far = DeviceSpec {
            location: Some(LatLon {
                lat: 95.0,
                lon: 200.0,
            }),
            ..spec()
        };
        one(&far, "location.lat", "-90 to 90");
        one(&far, "location.lon", "-180 to 180");
        one(
            &DeviceSpec {
                id: "bad 2/../x".into(),
                ..spec()
            },
            "id",
            "' ' is not allowed",
        );
        one(
            &DeviceSpec {
                id: "bad2/../x".into(),
                ..spec()
            },
            "id",
            "'/' is not allowed",
        );
        one(
            &DeviceSpec {
                name: "n".repeat(5_000),
                ..spec()
            },
            "name",
            "1 to 100",
        );
    }

    #[test]
    fn each_rule_names_its_field() {
        one(
            &DeviceSpec {
                id: String::new(),
                ..spec()
            },
            "id",
            "1 to 64",
        );
        one(
            &DeviceSpec {
                id: "x".repeat(65),
                ..spec()
            },
            "id",
            "1 to 64",
        );
        one(
            &DeviceSpec {
                id: "-x".into(),
                ..spec()
            },
            "id",
            "start with",
        );
        one(
            &DeviceSpec {
                name: "  ".into(),
                ..spec()
            },
            "name",
            "1 to 100",
        );
        one(
            &DeviceSpec {
                name: "a\u{7}b".into(),
                ..spec()
            },
            "name",
            "control",
        );
        one(
            &DeviceSpec {
                model: "m".repeat(61),
                ..spec()
            },
            "model",
            "at most 60",
        );
        one(
            &DeviceSpec {
                installed: "2023-02-29".into(),
                ..spec()
            },
            "installed",
            "YYYY-MM-DD",
        );
        one(
            &DeviceSpec {
                installed: "2024-1-05".into(),
                ..spec()
            },
            "installed",
            "YYYY-MM-DD",
        );
        one(
            &DeviceSpec {
                site_id: " ".into(),
                ..spec()
            },
            "site_id",
            "choose a site",
        );
        one(
            &DeviceSpec {
                building_id: None,
                ..spec()
            },
            "building_id",
            "floor's building",
        );
        let zone_only = DeviceSpec {
            floor_id: None,
            plan: None,
            zone_id: Some("z".into()),
            ..spec()
        };
        one(&zone_only, "floor_id", "zone's floor");
        one(
            &DeviceSpec {
                floor_id: None,
                ..spec()
            },
            "floor_id",
            "plan position",
        );
        one(
            &DeviceSpec {
                plan: Some(PlanXy {
                    x: -1.0,
                    y: f64::NAN,
                }),
                ..spec()
            },
            "plan.x",
            "0 or more",
        );
        one(
            &DeviceSpec {
                plan: Some(PlanXy {
                    x: 1.0,
                    y: f64::NAN,
                }),
                ..spec()
            },
            "plan.y",
            "0 or more",
        );
        one(
            &DeviceSpec {
                tags: vec!["a b".into()],
                ..spec()
            },
            "tags[0]",
            "letters, digits",
        );
        one(
            &DeviceSpec {
                tags: vec!["a".into(), "a".into()],
                ..spec()
            },
            "tags[1]",
            "twice",
        );
        one(
            &DeviceSpec {
                tags: vec!["t".into(); 21],
                ..spec()
            },
            "tags",
            "at most 20",
        );
        let points = vec![
            PointSpec {
                metric: Metric::Co2,
                interval_s: 0,
            },
            PointSpec {
                metric: Metric::Co2,
                interval_s: 600,
            },
        ];
        let twice = DeviceSpec { points, ..spec() };
        one(&twice, "points[0].interval_s", "1 s to");
        one(&twice, "points[1].metric", "twice");
        one(
            &DeviceSpec {
                expected_interval_s: Some(5),
                ..spec()
            },
            "expected_interval_s",
            "between 10 s",
        );
    }

    #[test]
    fn dates_are_real_calendar_days() {
        assert!(is_date("2024-02-29") && is_date("2000-02-29") && is_date("2026-12-31"));
        assert!(!is_date("1900-02-29") && !is_date("2026-04-31") && !is_date("2026-13-01"));
        assert!(!is_date("2026-00-10") && !is_date("2026-01-00") && !is_date("+026-01-01"));
    }
}
