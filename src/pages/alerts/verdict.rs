//! How a backtest reads: the rate judged against ISA-18.2 (the average
//! rate: up to 1 alarm per 10 min is manageable, up to 2 at the limit, more
//! is too many; floods, more than 10 in 10 min, are named apart), and the
//! rule's condition as the limits its chart draws. Pure, so host-tested.

use cairn_protocol::{BacktestResult, Condition, Severity};

use crate::chart::render::RuleLimits;

/// How the average rate is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warning,
    Critical,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warning => "warning",
            Level::Critical => "critical",
        }
    }
}

/// `0.12`, `< 0.01`, `3.4`.
fn rate(r: f64) -> String {
    if r == 0.0 {
        "0".to_owned()
    } else if r < 0.01 {
        "< 0.01".to_owned()
    } else if r < 10.0 {
        format!("{r:.2}")
    } else {
        format!("{r:.0}")
    }
}

/// The average rate, its verdict and the busiest 10 minutes.
pub fn rate_verdict(r: &BacktestResult) -> (Level, String) {
    let (level, verdict) = if r.rate_per_10min <= 1.0 {
        (Level::Ok, "manageable")
    } else if r.rate_per_10min <= 2.0 {
        (Level::Warning, "at the limit")
    } else {
        (Level::Critical, "too many")
    };
    let text = format!(
        "{} alarms per 10 min on average: {verdict} (ISA-18.2: up to 1 per 10 min is manageable, up to 2 is at the limit). The busiest 10 min had {}.",
        rate(r.rate_per_10min),
        r.max_per_10min,
    );
    (level, text)
}

/// Floods, apart from the average: 10-minute intervals with more than 10 alarms.
pub fn flood_verdict(r: &BacktestResult) -> (Level, String) {
    match r.flood_intervals {
        0 => (
            Level::Ok,
            "No alarm floods (more than 10 alarms in 10 min).".to_owned(),
        ),
        n => (
            Level::Critical,
            format!(
                "{n} alarm flood{} (10-minute intervals with more than 10 alarms): operators would miss alarms then.",
                if n == 1 { "" } else { "s" }
            ),
        ),
    }
}

/// The rule's own limits for its chart; none for no data and rates of change.
pub fn rule_limits(c: &Condition, severity: Severity) -> Option<RuleLimits> {
    let critical = severity == Severity::Critical;
    let l = |zones, triggers, clears| {
        Some(RuleLimits {
            zones,
            triggers,
            clears,
            critical,
        })
    };
    match *c {
        Condition::Above { trigger, clear } => {
            l(vec![(Some(trigger), None)], vec![trigger], vec![clear])
        }
        Condition::Below { trigger, clear } => {
            l(vec![(None, Some(trigger))], vec![trigger], vec![clear])
        }
        Condition::Outside {
            low,
            high,
            low_clear,
            high_clear,
        } => l(
            vec![(None, Some(low)), (Some(high), None)],
            vec![low, high],
            vec![low_clear, high_clear],
        ),
        Condition::Inside {
            low,
            high,
            low_clear,
            high_clear,
        } => l(
            vec![(Some(low), Some(high))],
            vec![low, high],
            vec![low_clear, high_clear],
        ),
        Condition::NoData { .. } | Condition::Rises { .. } | Condition::Falls { .. } => None,
    }
}

/// What the chart's lines mean, in words.
pub fn limits_caption(c: &Condition) -> &'static str {
    match c {
        Condition::Above { .. } | Condition::Below { .. } => {
            "Tinted: where this rule triggers. Solid line: its trigger; dashed line: where it clears. Red bands: the alarms it would have raised."
        }
        Condition::Outside { .. } | Condition::Inside { .. } => {
            "Tinted: where this rule triggers. Solid lines: its band; dashed lines: where it clears. Red bands: the alarms it would have raised."
        }
        _ => "Red bands: the alarms this rule would have raised.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(rate: f64, max: u32, floods: u32) -> BacktestResult {
        BacktestResult {
            from: 0,
            to: 7 * 86_400_000,
            points_watched: 1,
            points_alarmed: 1,
            alarms: 2,
            active_ms: 2_000,
            rate_per_10min: rate,
            max_per_10min: max,
            flood_intervals: floods,
            chattering: Vec::new(),
            top_points: Vec::new(),
            sample_point: None,
            sample_alarms: Vec::new(),
        }
    }

    #[test]
    fn the_average_rate_is_judged_and_floods_apart() {
        let check = |rate: f64, max: u32, level: Level, words: &str| {
            let (l, text) = rate_verdict(&result(rate, max, 0));
            assert_eq!(l, level, "{text}");
            assert!(text.contains(words), "{text}");
        };
        // Two alarms in the busiest 10 minutes is not above the manageable rate.
        check(
            0.0002,
            2,
            Level::Ok,
            "< 0.01 alarms per 10 min on average: manageable",
        );
        check(1.0, 5, Level::Ok, "manageable");
        check(1.5, 5, Level::Warning, "at the limit");
        check(2.5, 9, Level::Critical, "too many");
        assert_eq!(flood_verdict(&result(0.1, 2, 0)).0, Level::Ok);
        let (l, text) = flood_verdict(&result(0.1, 14, 3));
        assert_eq!(l, Level::Critical);
        assert!(text.starts_with("3 alarm floods"), "{text}");
    }

    #[test]
    fn the_chart_draws_the_rule_as_typed() {
        let above = rule_limits(
            &Condition::Above {
                trigger: 3000.0,
                clear: 2500.0,
            },
            Severity::Critical,
        )
        .expect("limits");
        assert_eq!(above.zones, [(Some(3000.0), None)]);
        assert_eq!(
            (above.triggers, above.clears, above.critical),
            (vec![3000.0], vec![2500.0], true)
        );
        let outside = rule_limits(
            &Condition::Outside {
                low: 19.0,
                high: 27.0,
                low_clear: 19.5,
                high_clear: 26.5,
            },
            Severity::Warning,
        )
        .expect("limits");
        assert_eq!(outside.zones, [(None, Some(19.0)), (Some(27.0), None)]);
        assert!(!outside.critical);
        assert_eq!(
            rule_limits(&Condition::NoData { after_s: None }, Severity::Info),
            None
        );
    }
}
