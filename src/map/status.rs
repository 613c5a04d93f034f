//! A sensor's status from its latest readings: the map's colours.

use cairn_protocol::{Metric, Reading};

use super::cluster::Status;
use crate::format;

/// One point's status at server time `now` (ms).
pub fn point_status(metric: Metric, interval_s: u32, reading: Option<Reading>, now: f64) -> Status {
    let Some(r) = reading else {
        return Status::Unknown;
    };
    if format::is_stale(now - r.ts as f64, interval_s) {
        return Status::Offline;
    }
    if metric == Metric::Leak {
        // DOMAIN.md: a leak is critical at once.
        return if r.value >= 0.5 {
            Status::Critical
        } else {
            Status::Ok
        };
    }
    let Some(t) = metric.default_thresholds() else {
        return Status::Ok;
    };
    let v = r.value;
    let beyond = |below: Option<f64>, above: Option<f64>| {
        below.is_some_and(|b| v < b) || above.is_some_and(|a| v > a)
    };
    if beyond(t.critical_below, t.critical_above) {
        Status::Critical
    } else if beyond(t.warn_below, t.warn_above) {
        Status::Warning
    } else {
        Status::Ok
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
    fn thresholds_staleness_and_leaks() {
        let now = 1_000_000.0;
        let s = |m, v| point_status(m, 600, at(v, 1_000_000), now);
        assert_eq!(s(Metric::Co2, 800.0), Status::Ok);
        assert_eq!(s(Metric::Co2, 1_200.0), Status::Warning);
        assert_eq!(s(Metric::Co2, 2_500.0), Status::Critical);
        assert_eq!(s(Metric::AirTemperature, 17.0), Status::Warning);
        assert_eq!(s(Metric::AirTemperature, 15.0), Status::Critical);
        assert_eq!(s(Metric::Battery, 15.0), Status::Warning);
        assert_eq!(s(Metric::Leak, 1.0), Status::Critical);
        assert_eq!(s(Metric::Leak, 0.0), Status::Ok);
        assert_eq!(s(Metric::Door, 1.0), Status::Ok);
        assert_eq!(point_status(Metric::Co2, 600, None, now), Status::Unknown);
        // Three intervals without data: offline, whatever the last value.
        assert_eq!(
            point_status(Metric::Co2, 600, at(2_500.0, 1_000_000 - 1_800_001), now),
            Status::Offline
        );
        assert_eq!(
            worst([Status::Ok, Status::Warning, Status::Offline]),
            Status::Warning
        );
        assert_eq!(worst([]), Status::Unknown);
    }
}
