//! Alert rules and alarms: what an admin configures, what an operator
//! handles, and the one validator of a rule that the form and the server
//! share (so both say the same thing about the same field).
//!
//! Thresholds are in the metric's canonical unit ([`Metric::unit`]: °C, %RH,
//! ppm, %EL, dBm…); rates are per hour; delays and durations are seconds;
//! times are UTC epoch ms. Alarm states follow ISA-18.2 (ANSI/ISA-18.2-2016
//! §5, the same as OPC UA Part 9's alarm model).

use serde::{Deserialize, Serialize};

use crate::{ErrorDetail, Metric};

/// How urgent an alarm of a rule is, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Critical];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.name() == s)
    }
}

/// Which points a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScopeLevel {
    /// Every point of the metric, on every site (admins only).
    Everywhere,
    /// `target` is a site id.
    Site,
    /// `target` is a building id.
    Building,
    /// `target` is a zone id.
    Zone,
    /// `target` is a device id.
    Device,
    /// `target` is a point key, `<device-id>/<metric>`.
    Point,
}

impl ScopeLevel {
    pub const ALL: [ScopeLevel; 6] = [
        ScopeLevel::Everywhere,
        ScopeLevel::Site,
        ScopeLevel::Building,
        ScopeLevel::Zone,
        ScopeLevel::Device,
        ScopeLevel::Point,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ScopeLevel::Everywhere => "everywhere",
            ScopeLevel::Site => "site",
            ScopeLevel::Building => "building",
            ScopeLevel::Zone => "zone",
            ScopeLevel::Device => "device",
            ScopeLevel::Point => "point",
        }
    }

    pub fn parse(s: &str) -> Option<ScopeLevel> {
        ScopeLevel::ALL.into_iter().find(|v| v.name() == s)
    }
}

/// When a point is in alarm, with its separate clear threshold (hysteresis:
/// once raised, the alarm returns to normal only past the clear value).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// Raised when value > `trigger`; normal again when value ≤ `clear` (`clear ≤ trigger`).
    Above { trigger: f64, clear: f64 },
    /// Raised when value < `trigger`; normal again when value ≥ `clear` (`clear ≥ trigger`).
    Below { trigger: f64, clear: f64 },
    /// Raised when value < `low` or > `high`; normal again inside
    /// `[low_clear, high_clear]` (`low ≤ low_clear ≤ high_clear ≤ high`).
    Outside {
        low: f64,
        high: f64,
        low_clear: f64,
        high_clear: f64,
    },
    /// Raised when `low ≤ value ≤ high`; normal again below `low_clear` or
    /// above `high_clear` (`low_clear ≤ low < high ≤ high_clear`).
    Inside {
        low: f64,
        high: f64,
        low_clear: f64,
        high_clear: f64,
    },
    /// Raised when a point sent nothing for `after_s` seconds (none: three
    /// times its reporting interval, DOMAIN.md's staleness rule).
    NoData {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after_s: Option<i64>,
    },
    /// Raised when the value rises faster than `per_hour` units per hour
    /// between two readings; normal again at or under `clear_per_hour`.
    Rises { per_hour: f64, clear_per_hour: f64 },
    /// Raised when the value falls faster than `per_hour` units per hour.
    Falls { per_hour: f64, clear_per_hour: f64 },
}

impl Condition {
    /// The tag, as forms and the API name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Condition::Above { .. } => "above",
            Condition::Below { .. } => "below",
            Condition::Outside { .. } => "outside",
            Condition::Inside { .. } => "inside",
            Condition::NoData { .. } => "no_data",
            Condition::Rises { .. } => "rises",
            Condition::Falls { .. } => "falls",
        }
    }
}

/// Days of the week, Monday first (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// Days from Monday, 0–6.
    pub fn index(self) -> u32 {
        self as u32
    }
}

/// When a rule applies, in the local time of each point's site: `days` at
/// `start`–`end` (`"HH:MM"`, 24 h). An `end` before `start` runs past
/// midnight into the next day. Outside it the rule is suppressed by design.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    pub days: Vec<Weekday>,
    pub start: String,
    pub end: String,
}

impl Schedule {
    /// Weekdays 07:00–19:00: the occupied hours of an office.
    pub fn occupied_hours() -> Schedule {
        Schedule {
            days: Weekday::ALL[..5].to_vec(),
            start: "07:00".into(),
            end: "19:00".into(),
        }
    }
}

/// Minutes after midnight of `"HH:MM"` (00:00–24:00), if it is one.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// A rule as an admin writes it (`POST /api/rules`, `PUT /api/rules/{id}`,
/// and the body of a backtest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSpec {
    /// 1–100 characters.
    pub name: String,
    pub scope: ScopeLevel,
    /// The site, building, zone, device id or point key `scope` names; none for `everywhere`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Which points of the scope; required except for a point scope and for
    /// `no_data` (none: every point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    pub condition: Condition,
    /// How long the condition must hold before the alarm is raised, s (0–7 days).
    pub on_delay_s: i64,
    /// How long the value must stay normal before the alarm clears, s
    /// (0–7 days); a new excursion inside it is the same alarm.
    pub off_delay_s: i64,
    pub severity: Severity,
    /// None: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    pub enabled: bool,
    /// What the rule watches and why (≤ 1,000 characters).
    #[serde(default)]
    pub description: String,
    /// What the operator should do when it fires (≤ 1,000 characters).
    #[serde(default)]
    pub action: String,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: i64,
    #[serde(flatten)]
    pub spec: RuleSpec,
    /// The site the rule belongs to (none for `everywhere`): who may edit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    pub updated_at: i64,
    pub updated_by: String,
}

/// The longest on-delay, off-delay or no-data duration: 7 days, in s.
pub const MAX_DELAY_S: i64 = 7 * 24 * 3600;
/// The longest a description or an action may be, in characters.
pub const MAX_TEXT: usize = 1_000;

fn field(location: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(location.into()),
    }
}

impl RuleSpec {
    /// Every problem of the rule as typed that needs no catalogue: one
    /// detail per field (`name`, `target`, `metric`, `trigger`, `clear`,
    /// `low`, `high`, `low_clear`, `high_clear`, `after_s`, `per_hour`,
    /// `clear_per_hour`, `on_delay_s`, `off_delay_s`, `schedule.days`,
    /// `schedule.start`, `schedule.end`, `description`, `action`). The server
    /// adds what needs its catalogue (unknown targets, a metric the scope
    /// does not have). Empty: valid.
    pub fn problems(&self) -> Vec<ErrorDetail> {
        let mut out = Vec::new();
        let name = self.name.trim().chars().count();
        if name == 0 || name > 100 {
            out.push(field("name", "1 to 100 characters"));
        } else if self.name.chars().any(char::is_control) {
            out.push(field("name", "no control characters"));
        }
        let blank = self.target.as_deref().is_none_or(|t| t.trim().is_empty());
        match self.scope {
            ScopeLevel::Everywhere if !blank => {
                out.push(field("target", "an 'everywhere' rule names no target"))
            }
            ScopeLevel::Everywhere => {}
            level if blank => out.push(field("target", format!("choose a {}", level.name()))),
            _ => {}
        }
        let no_data = matches!(self.condition, Condition::NoData { .. });
        if self.metric.is_none() && !no_data && self.scope != ScopeLevel::Point {
            out.push(field("metric", "choose a metric"));
        }
        self.condition_problems(&mut out);
        for (name, v) in [
            ("on_delay_s", self.on_delay_s),
            ("off_delay_s", self.off_delay_s),
        ] {
            if v < 0 {
                out.push(field(name, "a delay cannot be negative"));
            } else if v > MAX_DELAY_S {
                out.push(field(name, "at most 7 days (604800 s)"));
            }
        }
        if let Some(s) = &self.schedule {
            if s.days.is_empty() {
                out.push(field(
                    "schedule.days",
                    "choose at least one day, or no schedule",
                ));
            }
            let start = parse_hhmm(&s.start);
            let end = parse_hhmm(&s.end);
            if start.is_none() {
                out.push(field("schedule.start", "a time as HH:MM, e.g. 07:00"));
            }
            if end.is_none() {
                out.push(field("schedule.end", "a time as HH:MM, e.g. 19:00"));
            }
            if let (Some(a), Some(b)) = (start, end)
                && a % 1440 == b % 1440
            {
                out.push(field(
                    "schedule.end",
                    "start and end are the same: the schedule would be empty",
                ));
            }
        }
        for (name, text) in [("description", &self.description), ("action", &self.action)] {
            if text.chars().count() > MAX_TEXT {
                out.push(field(name, "at most 1,000 characters"));
            }
        }
        out
    }

    fn condition_problems(&self, out: &mut Vec<ErrorDetail>) {
        let mut finite = |pairs: &[(&str, f64)]| {
            let mut ok = true;
            for &(name, v) in pairs {
                if !v.is_finite() {
                    out.push(field(name, "a number"));
                    ok = false;
                }
            }
            ok
        };
        match self.condition {
            Condition::Above { trigger, clear } => {
                if finite(&[("trigger", trigger), ("clear", clear)]) && clear > trigger {
                    out.push(field(
                        "clear",
                        format!("for 'above', the clear threshold must be at or below the trigger ({trigger})"),
                    ));
                }
            }
            Condition::Below { trigger, clear } => {
                if finite(&[("trigger", trigger), ("clear", clear)]) && clear < trigger {
                    out.push(field(
                        "clear",
                        format!("for 'below', the clear threshold must be at or above the trigger ({trigger})"),
                    ));
                }
            }
            Condition::Outside {
                low,
                high,
                low_clear,
                high_clear,
            } => {
                let all = [
                    ("low", low),
                    ("high", high),
                    ("low_clear", low_clear),
                    ("high_clear", high_clear),
                ];
                if !finite(&all) {
                } else if low >= high {
                    out.push(field(
                        "high",
                        format!("the band is upside down: high must be above low ({low})"),
                    ));
                } else {
                    if low_clear < low || low_clear > high {
                        out.push(field(
                            "low_clear",
                            format!("must be inside the band, at or above low ({low})"),
                        ));
                    }
                    if high_clear > high || high_clear < low {
                        out.push(field(
                            "high_clear",
                            format!("must be inside the band, at or below high ({high})"),
                        ));
                    }
                    if low_clear > high_clear && low_clear <= high && high_clear >= low {
                        out.push(field("high_clear", "the clear band is upside down: high_clear must be at or above low_clear"));
                    }
                }
            }
            Condition::Inside {
                low,
                high,
                low_clear,
                high_clear,
            } => {
                let all = [
                    ("low", low),
                    ("high", high),
                    ("low_clear", low_clear),
                    ("high_clear", high_clear),
                ];
                if !finite(&all) {
                } else if low >= high {
                    out.push(field(
                        "high",
                        format!("the band is upside down: high must be above low ({low})"),
                    ));
                } else {
                    if low_clear > low {
                        out.push(field(
                            "low_clear",
                            format!(
                                "must be at or below low ({low}): the alarm clears outside the band"
                            ),
                        ));
                    }
                    if high_clear < high {
                        out.push(field("high_clear", format!("must be at or above high ({high}): the alarm clears outside the band")));
                    }
                }
            }
            Condition::NoData { after_s } => match after_s {
                Some(s) if s <= 0 => out.push(field("after_s", "must be above 0 s")),
                Some(s) if s > MAX_DELAY_S => {
                    out.push(field("after_s", "at most 7 days (604800 s)"))
                }
                _ => {}
            },
            Condition::Rises {
                per_hour,
                clear_per_hour,
            }
            | Condition::Falls {
                per_hour,
                clear_per_hour,
            } => {
                if !finite(&[("per_hour", per_hour), ("clear_per_hour", clear_per_hour)]) {
                } else if per_hour <= 0.0 {
                    out.push(field(
                        "per_hour",
                        "a rate above 0 (the direction is the condition)",
                    ));
                } else if clear_per_hour > per_hour {
                    out.push(field(
                        "clear_per_hour",
                        format!("must be at or below the trigger rate ({per_hour})"),
                    ));
                }
                if self.metric.is_some_and(Metric::is_boolean) {
                    out.push(field(
                        "metric",
                        "a rate of change needs a measured quantity, not an on/off state",
                    ));
                }
            }
        }
    }
}

/// Where an alarm is in its life (ISA-18.2 states; shelved and suppressed
/// are shown by [`Alarm::shelved_until`] and [`Alarm::suppressed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlarmState {
    /// Active, nobody acknowledged it yet.
    Unacknowledged,
    /// Active and acknowledged.
    Acknowledged,
    /// Returned to normal, nobody acknowledged it: stays until someone does.
    ClearedUnacknowledged,
    /// Returned to normal and acknowledged: history.
    Closed,
}

impl AlarmState {
    pub const ALL: [AlarmState; 4] = [
        AlarmState::Unacknowledged,
        AlarmState::Acknowledged,
        AlarmState::ClearedUnacknowledged,
        AlarmState::Closed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AlarmState::Unacknowledged => "unacknowledged",
            AlarmState::Acknowledged => "acknowledged",
            AlarmState::ClearedUnacknowledged => "cleared_unacknowledged",
            AlarmState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<AlarmState> {
        AlarmState::ALL.into_iter().find(|v| v.name() == s)
    }

    /// From whether the condition is active and whether someone acknowledged.
    pub fn of(active: bool, acknowledged: bool) -> AlarmState {
        match (active, acknowledged) {
            (true, false) => AlarmState::Unacknowledged,
            (true, true) => AlarmState::Acknowledged,
            (false, false) => AlarmState::ClearedUnacknowledged,
            (false, true) => AlarmState::Closed,
        }
    }
}

/// An alarm: one excursion of one point under one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alarm {
    pub id: i64,
    pub rule_id: i64,
    pub rule_name: String,
    pub severity: Severity,
    pub point: u32,
    /// `<device-id>/<metric>`.
    pub point_key: String,
    pub device_id: String,
    pub device_name: String,
    pub site_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_id: Option<String>,
    pub metric: Metric,
    pub state: AlarmState,
    /// When the condition began to count (after the on-delay it was raised).
    pub raised_at: i64,
    /// The value that raised it (none for `no_data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The furthest value from normal while it was active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak: Option<f64>,
    /// Readings in alarm while it was open (repeats count here, not as new alarms).
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleared_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_comment: Option<String>,
    /// Hidden from the queue until then (UTC ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shelved_until: Option<i64>,
    /// Raised inside a maintenance window: kept, marked, not notified.
    pub suppressed: bool,
    /// What the rule tells the operator to do.
    #[serde(default)]
    pub action: String,
}

impl Alarm {
    /// Whether the alarm is shelved at `now` (UTC ms): a shelf expires by
    /// itself, and an alarm shelved past it is back in the queue.
    pub fn is_shelved(&self, now: i64) -> bool {
        self.shelved_until.is_some_and(|until| now < until)
    }
}

/// One line of an alarm's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlarmEvent {
    pub at: i64,
    /// `raised`, `repeated`, `cleared`, `reactivated`, `acknowledged`,
    /// `commented`, `shelved`, `unshelved`, `closed`.
    pub kind: String,
    /// Who, for what a person did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// `GET /api/alarms/{id}`: an alarm and its whole history, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlarmDetail {
    pub alarm: Alarm,
    pub events: Vec<AlarmEvent>,
}

/// A maintenance window: alarms raised on its target between `from` and
/// `to` are kept and marked suppressed, not notified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenanceWindow {
    pub id: i64,
    #[serde(flatten)]
    pub spec: WindowSpec,
    pub created_by: String,
}

/// `POST /api/maintenance`: a window on a site, building or device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WindowSpec {
    /// `site`, `building` or `device`.
    pub scope: ScopeLevel,
    pub target: String,
    pub from: i64,
    /// After `from`, at most 30 days later.
    pub to: i64,
    /// Why (1–1,000 characters): shown on every suppressed alarm.
    pub reason: String,
}

/// `POST /api/alarms/ack`: acknowledge one or several alarms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AckRequest {
    pub ids: Vec<i64>,
    /// ≤ 1,000 characters.
    #[serde(default)]
    pub comment: String,
}

/// `POST /api/alarms/{id}/shelve`: hide an alarm until `until` (at most
/// [`MAX_SHELVE_MS`] ahead); `until` none unshelves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShelveRequest {
    #[serde(default)]
    pub until: Option<i64>,
    #[serde(default)]
    pub comment: String,
}

/// The longest an alarm may be shelved: 24 h, so nothing is shelved forever.
pub const MAX_SHELVE_MS: i64 = 24 * 3_600_000;

/// `POST /api/alarms/{id}/comments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentRequest {
    /// 1–1,000 characters.
    pub comment: String,
}

/// `POST /api/rules/backtest`: how the rule as typed would have behaved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BacktestRequest {
    pub rule: RuleSpec,
    /// 7 or 30.
    pub days: u32,
}

/// One alarm the backtest found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WouldBeAlarm {
    pub point: u32,
    pub raised_at: i64,
    /// None: still active at the end of the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleared_at: Option<i64>,
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak: Option<f64>,
}

/// What a rule would have done over the window `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BacktestResult {
    pub from: i64,
    pub to: i64,
    /// Points the rule watches.
    pub points_watched: u32,
    /// Points that would have raised at least one alarm.
    pub points_alarmed: u32,
    pub alarms: u32,
    /// Total time alarms would have been active, ms.
    pub active_ms: i64,
    /// Alarms per 10 minutes, averaged over the window.
    pub rate_per_10min: f64,
    /// The busiest 10 minutes.
    pub max_per_10min: u32,
    /// 10-minute intervals with more than 10 alarms (ISA-18.2 flood).
    pub flood_intervals: u32,
    /// Point keys that would chatter (3 or more raise/clear cycles within 1 minute).
    pub chattering: Vec<String>,
    /// The most alarmed points, most first (at most 10): key and count.
    pub top_points: Vec<(String, u32)>,
    /// The most alarmed point's readings would have raised these (all of its alarms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_point: Option<u32>,
    pub sample_alarms: Vec<WouldBeAlarm>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(condition: Condition) -> RuleSpec {
        RuleSpec {
            name: "r".into(),
            scope: ScopeLevel::Everywhere,
            target: None,
            metric: Some(Metric::AirTemperature),
            condition,
            on_delay_s: 0,
            off_delay_s: 0,
            severity: Severity::Warning,
            schedule: None,
            enabled: true,
            description: String::new(),
            action: String::new(),
        }
    }

    fn fields(r: &RuleSpec) -> Vec<String> {
        r.problems()
            .into_iter()
            .filter_map(|d| d.location)
            .collect()
    }

    #[test]
    fn each_invalid_combination_names_its_field() {
        let check = |r: RuleSpec, expected: &[&str]| assert_eq!(fields(&r), expected, "{r:?}");
        check(
            rule(Condition::Above {
                trigger: 27.0,
                clear: 26.5,
            }),
            &[],
        );
        check(
            rule(Condition::Above {
                trigger: 27.0,
                clear: 28.0,
            }),
            &["clear"],
        );
        check(
            rule(Condition::Below {
                trigger: 19.0,
                clear: 18.0,
            }),
            &["clear"],
        );
        check(
            rule(Condition::Above {
                trigger: f64::NAN,
                clear: 1.0,
            }),
            &["trigger"],
        );
        let band = |low, high, low_clear, high_clear| Condition::Outside {
            low,
            high,
            low_clear,
            high_clear,
        };
        check(rule(band(19.0, 27.0, 19.5, 26.5)), &[]);
        check(rule(band(27.0, 19.0, 19.5, 26.5)), &["high"]);
        check(
            rule(band(19.0, 27.0, 18.0, 28.0)),
            &["low_clear", "high_clear"],
        );
        check(rule(band(19.0, 27.0, 26.0, 20.0)), &["high_clear"]);
        let inside = |low, high, low_clear, high_clear| Condition::Inside {
            low,
            high,
            low_clear,
            high_clear,
        };
        check(rule(inside(10.0, 20.0, 9.0, 21.0)), &[]);
        check(
            rule(inside(10.0, 20.0, 11.0, 19.0)),
            &["low_clear", "high_clear"],
        );
        check(rule(Condition::NoData { after_s: Some(-5) }), &["after_s"]);
        check(
            rule(Condition::Rises {
                per_hour: 0.0,
                clear_per_hour: 0.0,
            }),
            &["per_hour"],
        );
        check(
            rule(Condition::Rises {
                per_hour: 2.0,
                clear_per_hour: 3.0,
            }),
            &["clear_per_hour"],
        );
        let mut r = rule(Condition::Falls {
            per_hour: 2.0,
            clear_per_hour: 1.0,
        });
        r.metric = Some(Metric::Leak);
        check(r, &["metric"]);
        let mut r = rule(Condition::Above {
            trigger: 1.0,
            clear: 1.0,
        });
        (r.on_delay_s, r.off_delay_s) = (-1, MAX_DELAY_S + 1);
        check(r, &["on_delay_s", "off_delay_s"]);
        let mut r = rule(Condition::Above {
            trigger: 1.0,
            clear: 1.0,
        });
        r.schedule = Some(Schedule {
            days: vec![],
            start: "7:00".into(),
            end: "07:00".into(),
        });
        check(r, &["schedule.days", "schedule.end"]);
        let mut r = rule(Condition::Above {
            trigger: 1.0,
            clear: 1.0,
        });
        r.schedule = Some(Schedule {
            days: vec![Weekday::Mon],
            start: "25:00".into(),
            end: "x".into(),
        });
        check(r, &["schedule.start", "schedule.end"]);
        let mut r = rule(Condition::Above {
            trigger: 1.0,
            clear: 1.0,
        });
        (r.scope, r.metric, r.name) = (ScopeLevel::Site, None, " ".into());
        check(r, &["name", "target", "metric"]);
        let mut r = rule(Condition::NoData { after_s: None });
        (r.metric, r.target) = (None, Some("x".into()));
        check(r, &["target"]);
    }

    #[test]
    fn a_shelf_expires_by_itself() {
        let alarm = Alarm {
            id: 1,
            rule_id: 1,
            rule_name: "r".into(),
            severity: Severity::Warning,
            point: 1,
            point_key: "d/co2".into(),
            device_id: "d".into(),
            device_name: "D".into(),
            site_id: "s".into(),
            building_id: None,
            metric: Metric::Co2,
            state: AlarmState::Unacknowledged,
            raised_at: 0,
            value: None,
            peak: None,
            count: 1,
            cleared_at: None,
            acknowledged_at: None,
            acknowledged_by: None,
            ack_comment: None,
            shelved_until: Some(1_000),
            suppressed: false,
            action: String::new(),
        };
        assert!(alarm.is_shelved(999));
        assert!(!alarm.is_shelved(1_000));
        assert!(
            !Alarm {
                shelved_until: None,
                ..alarm
            }
            .is_shelved(0)
        );
    }

    #[test]
    fn times_of_day_parse_as_minutes() {
        assert_eq!(parse_hhmm("07:00"), Some(420));
        assert_eq!(parse_hhmm("7:05"), Some(425));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        for bad in ["24:01", "07:60", "0700", "", "a:00", "07:0"] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }

    #[test]
    fn alarm_states_follow_isa_18_2() {
        assert_eq!(AlarmState::of(true, false), AlarmState::Unacknowledged);
        assert_eq!(
            AlarmState::of(false, false),
            AlarmState::ClearedUnacknowledged
        );
        assert_eq!(AlarmState::of(false, true), AlarmState::Closed);
        let r = rule(Condition::NoData { after_s: None });
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["condition"]["kind"], "no_data");
        assert_eq!(serde_json::from_value::<RuleSpec>(json).unwrap(), r);
    }
}
