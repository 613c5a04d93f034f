//! How alarms and rules read for a person: severity with a glyph (never
//! colour alone), states in words, a rule's condition in one line. Pure, so
//! host-tested.

use cairn_protocol::{Alarm, AlarmState, Condition, Metric, Rule, ScopeLevel, Severity};

/// `Critical`, `Warning`, `Info`.
pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    }
}

/// A shape per severity, as the map's statuses have (triangle, diamond, circle).
pub fn severity_glyph(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "▲",
        Severity::Warning => "◆",
        Severity::Info => "●",
    }
}

/// The state as an operator reads it.
pub fn state_words(s: AlarmState) -> &'static str {
    match s {
        AlarmState::Unacknowledged => "Active, not acknowledged",
        AlarmState::Acknowledged => "Active, acknowledged",
        AlarmState::ClearedUnacknowledged => "Back to normal, not acknowledged",
        AlarmState::Closed => "Closed",
    }
}

/// Whether an operator still has to acknowledge it.
pub fn needs_ack(s: AlarmState) -> bool {
    matches!(
        s,
        AlarmState::Unacknowledged | AlarmState::ClearedUnacknowledged
    )
}

/// What an alarm event's `kind` means, in words; an unknown kind as it came.
pub fn event_words(kind: &str) -> String {
    match kind {
        "raised" => "Raised",
        "repeated" => "Repeated",
        "cleared" => "Cleared (back to normal)",
        "reactivated" => "Reactivated",
        "acknowledged" => "Acknowledged",
        "commented" => "Commented",
        "shelved" => "Shelved",
        "unshelved" => "Unshelved",
        "closed" => "Closed",
        other => other,
    }
    .to_owned()
}

/// A number in a metric's unit, or `—`.
pub fn amount(metric: Metric, v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| crate::format::value(metric, v))
}

/// `27 °C` without the per-metric rounding (thresholds as typed).
fn limit(metric: Option<Metric>, v: f64) -> String {
    match metric.map(Metric::display_unit).filter(|u| !u.is_empty()) {
        Some(unit) => format!("{v}\u{a0}{unit}"),
        None => format!("{v}"),
    }
}

/// `above 27 °C (clears at 26.5 °C)`, `no data for 30 min`…
pub fn condition_summary(c: &Condition, metric: Option<Metric>) -> String {
    let l = |v| limit(metric, v);
    match *c {
        Condition::Above { trigger, clear } => {
            format!("above {} (clears at {})", l(trigger), l(clear))
        }
        Condition::Below { trigger, clear } => {
            format!("below {} (clears at {})", l(trigger), l(clear))
        }
        Condition::Outside {
            low,
            high,
            low_clear,
            high_clear,
        } => format!(
            "outside {}–{} (clears inside {}–{})",
            l(low),
            l(high),
            l(low_clear),
            l(high_clear)
        ),
        Condition::Inside {
            low,
            high,
            low_clear,
            high_clear,
        } => format!(
            "inside {}–{} (clears outside {}–{})",
            l(low),
            l(high),
            l(low_clear),
            l(high_clear)
        ),
        Condition::NoData { after_s: None } => "no data for 3 reporting intervals".to_owned(),
        Condition::NoData { after_s: Some(s) } => format!("no data for {}", duration(s * 1000)),
        Condition::Rises {
            per_hour,
            clear_per_hour,
        } => format!("rises faster than {per_hour}/h (clears at {clear_per_hour}/h)"),
        Condition::Falls {
            per_hour,
            clear_per_hour,
        } => format!("falls faster than {per_hour}/h (clears at {clear_per_hour}/h)"),
    }
}

/// `Site: North campus`; `Everywhere`.
pub fn scope_summary(rule: &Rule, name_of: impl Fn(ScopeLevel, &str) -> Option<String>) -> String {
    let level = rule.spec.scope;
    match (level, rule.spec.target.as_deref()) {
        (ScopeLevel::Everywhere, _) | (_, None) => "Everywhere".to_owned(),
        (level, Some(t)) => {
            let mut label = level.name().to_owned();
            label[..1].make_ascii_uppercase();
            format!(
                "{label}: {}",
                name_of(level, t).unwrap_or_else(|| t.to_owned())
            )
        }
    }
}

/// `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`.
pub fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 if s % 3600 >= 60 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        3600..=86_399 => format!("{} h", s / 3600),
        _ if s % 86_400 >= 3600 => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
        _ => format!("{} d", s / 86_400),
    }
}

/// The queue's order: most severe first, then newest first.
pub fn queue_order(a: &Alarm, b: &Alarm) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then(b.raised_at.cmp(&a.raised_at))
        .then(b.id.cmp(&a.id))
}

/// `· value 29.1 °C · peak 30.2 °C · 14 readings · suppressed (maintenance)`.
pub fn facts(a: &Alarm, now: i64) -> String {
    let mut out = String::new();
    if a.value.is_some() {
        out.push_str(&format!(" · value {}", amount(a.metric, a.value)));
    } else {
        out.push_str(" · no data");
    }
    if a.peak.is_some() && a.peak != a.value {
        out.push_str(&format!(" · peak {}", amount(a.metric, a.peak)));
    }
    out.push_str(&format!(
        " · {} {}",
        a.count,
        if a.count == 1 { "reading" } else { "readings" }
    ));
    if let Some(c) = a.cleared_at {
        out.push_str(&format!(
            " · back to normal {}",
            crate::format::age((now - c) as f64)
        ));
    }
    if let Some(u) = a.shelved_until.filter(|u| *u > now) {
        out.push_str(&format!(" · shelved for {} more", duration(u - now)));
    }
    if a.suppressed {
        out.push_str(" · suppressed (maintenance)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_as_words() {
        let check = |kind: &str, expected: &str| assert_eq!(event_words(kind), expected, "{kind}");
        check("raised", "Raised");
        check("cleared", "Cleared (back to normal)");
        check("acknowledged", "Acknowledged");
        check("commented", "Commented");
        check("unshelved", "Unshelved");
        check("escalated", "escalated");
    }

    #[test]
    fn durations_read_coarsely() {
        let check = |ms: i64, expected: &str| assert_eq!(duration(ms), expected, "{ms}");
        check(0, "0 s");
        check(45_000, "45 s");
        check(12 * 60_000, "12 min");
        check(3 * 3_600_000, "3 h");
        check(3 * 3_600_000 + 20 * 60_000, "3 h 20 min");
        check(2 * 86_400_000 + 4 * 3_600_000, "2 d 4 h");
        check(-5, "0 s");
    }

    #[test]
    fn conditions_read_in_one_line() {
        let t = Some(Metric::AirTemperature);
        assert_eq!(
            condition_summary(
                &Condition::Above {
                    trigger: 27.0,
                    clear: 26.5
                },
                t
            ),
            "above 27\u{a0}°C (clears at 26.5\u{a0}°C)"
        );
        assert_eq!(
            condition_summary(
                &Condition::NoData {
                    after_s: Some(1800)
                },
                None
            ),
            "no data for 30 min"
        );
        assert_eq!(
            condition_summary(
                &Condition::Rises {
                    per_hour: 2.0,
                    clear_per_hour: 1.0
                },
                t
            ),
            "rises faster than 2/h (clears at 1/h)"
        );
    }
}
