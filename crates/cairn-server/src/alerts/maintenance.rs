//! Which maintenance windows cover a point at an instant: the window's
//! site, building or device holds the point, and `from ≤ at < to`. An alarm
//! raised under a window is suppressed by design (ISA-18.2): kept, marked,
//! not notified.

use cairn_protocol::{ScopeLevel, WindowSpec};

use crate::catalog::PointInfo;

/// Whether `w` covers point `p` at `at` (UTC ms).
pub fn covers(w: &WindowSpec, p: &PointInfo, at: i64) -> bool {
    let place = match w.scope {
        ScopeLevel::Site => p.site_id == w.target,
        ScopeLevel::Building => p.building_id.as_deref() == Some(w.target.as_str()),
        ScopeLevel::Device => p.device_id == w.target,
        _ => false,
    };
    place && (w.from..w.to).contains(&at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_protocol::Metric;

    #[test]
    fn a_window_covers_its_place_and_its_time_only() {
        let p = PointInfo {
            id: 1,
            key: "bru-a-f0-z02-ms/co2".into(),
            device_id: "bru-a-f0-z02-ms".into(),
            device_name: "MS".into(),
            site_id: "bru".into(),
            building_id: Some("bru-a".into()),
            metric: Metric::Co2,
            interval_s: 300,
        };
        let w = |scope, target: &str| WindowSpec {
            scope,
            target: target.into(),
            from: 1_000,
            to: 2_000,
            reason: "r".into(),
        };
        let check = |w: WindowSpec, at, expected: bool| {
            assert_eq!(covers(&w, &p, at), expected, "{w:?} at {at}")
        };
        check(w(ScopeLevel::Site, "bru"), 1_000, true);
        check(w(ScopeLevel::Building, "bru-a"), 1_999, true);
        check(w(ScopeLevel::Device, "bru-a-f0-z02-ms"), 1_500, true);
        // The end is not inside, nor what came before.
        check(w(ScopeLevel::Site, "bru"), 2_000, false);
        check(w(ScopeLevel::Site, "bru"), 999, false);
        // Another place.
        check(w(ScopeLevel::Site, "ams"), 1_500, false);
        check(w(ScopeLevel::Building, "bru-b"), 1_500, false);
        check(w(ScopeLevel::Device, "bru-a-f0-z03-ms"), 1_500, false);
        check(w(ScopeLevel::Zone, "bru-a-f0-z02"), 1_500, false);
    }
}
