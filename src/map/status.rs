//! A sensor's status: offline when it stopped reporting, else what its
//! active alarms say (the alert rules decide, on the server: a reading out
//! of band outside the rule's schedule, e.g. the night set-back, is no
//! alarm and so no colour), else OK.

use std::collections::HashMap;

use cairn_protocol::{Alarm, AlarmState, Reading, Severity};

use super::cluster::Status;
use crate::format;

/// The worst severity of each point's active alarms (an alarm back to
/// normal, or suppressed by a maintenance window, colours nothing).
pub fn active_alarms(alarms: &[Alarm]) -> HashMap<u32, Severity> {
    let mut out: HashMap<u32, Severity> = HashMap::new();
    let active = |a: &&Alarm| {
        matches!(
            a.state,
            AlarmState::Unacknowledged | AlarmState::Acknowledged
        ) && !a.suppressed
    };
    for a in alarms.iter().filter(active) {
        let worst = out.entry(a.point).or_insert(a.severity);
        *worst = (*worst).max(a.severity);
    }
    out
}

/// One point's status at server time `now` (ms), given the worst severity
/// of its active alarms (info alarms do not colour the map).
pub fn point_status(
    interval_s: u32,
    reading: Option<Reading>,
    alarm: Option<Severity>,
    now: f64,
) -> Status {
    let Some(r) = reading else {
        return Status::Unknown;
    };
    if format::is_stale(now - r.ts as f64, interval_s) {
        return Status::Offline;
    }
    match alarm {
        Some(Severity::Critical) => Status::Critical,
        Some(Severity::Warning) => Status::Warning,
        Some(Severity::Info) | None => Status::Ok,
    }
}

/// A device's status: the worst of its points' (`Status` is ordered by severity).
pub fn worst(statuses: impl IntoIterator<Item = Status>) -> Status {
    statuses.into_iter().max().unwrap_or(Status::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(value: f64, ts: i64) -> Option<Reading> {
        Some(Reading {
            point: 1,
            ts,
            value,
        })
    }

    #[test]
    fn alarms_staleness_and_no_data() {
        let now = 1_000_000.0;
        let s = |alarm| point_status(600, at(2_500.0, 1_000_000), alarm, now);
        // A CO2 of 2,500 ppm with no alarm (outside the rule's hours): OK.
        assert_eq!(s(None), Status::Ok);
        assert_eq!(s(Some(Severity::Info)), Status::Ok);
        assert_eq!(s(Some(Severity::Warning)), Status::Warning);
        assert_eq!(s(Some(Severity::Critical)), Status::Critical);
        assert_eq!(point_status(600, None, None, now), Status::Unknown);
        // Three intervals without data: offline, whatever the alarms.
        let old = at(2_500.0, 1_000_000 - 1_800_001);
        assert_eq!(
            point_status(600, old, Some(Severity::Critical), now),
            Status::Offline
        );
        assert_eq!(
            worst([Status::Ok, Status::Warning, Status::Offline]),
            Status::Warning
        );
        assert_eq!(worst([]), Status::Unknown);
    }
}
