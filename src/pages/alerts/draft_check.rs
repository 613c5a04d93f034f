//! A draft read as the `RuleSpec` the server gets, and judged by
//! `RuleSpec::problems()`, the one validator (plus "a whole number of
//! seconds" where a delay is not even one). Pure.

use cairn_protocol::{Condition, ErrorDetail, RuleSpec, Schedule, ScopeLevel};

use super::draft::Draft;

impl Draft {
    /// The rule as typed, and what could not even be read as a number of
    /// seconds (a number that is not one becomes NaN, which `problems()` names).
    pub fn spec(&self) -> (RuleSpec, Vec<ErrorDetail>) {
        let mut unread = Vec::new();
        let f = |k: &str| self.text(k).trim().parse::<f64>().unwrap_or(f64::NAN);
        let mut secs = |k: &'static str| -> Option<i64> {
            let t = self.text(k);
            let t = t.trim();
            if t.is_empty() {
                return None;
            }
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() && v.fract() == 0.0 => Some(v as i64),
                _ => {
                    unread.push(ErrorDetail {
                        code: "invalid_field".into(),
                        message: "a whole number of seconds".into(),
                        location: Some(k.into()),
                    });
                    None
                }
            }
        };
        let condition = match self.kind {
            "above" => Condition::Above {
                trigger: f("trigger"),
                clear: f("clear"),
            },
            "below" => Condition::Below {
                trigger: f("trigger"),
                clear: f("clear"),
            },
            "outside" => Condition::Outside {
                low: f("low"),
                high: f("high"),
                low_clear: f("low_clear"),
                high_clear: f("high_clear"),
            },
            "inside" => Condition::Inside {
                low: f("low"),
                high: f("high"),
                low_clear: f("low_clear"),
                high_clear: f("high_clear"),
            },
            "no_data" => Condition::NoData {
                after_s: secs("after_s"),
            },
            "rises" => Condition::Rises {
                per_hour: f("per_hour"),
                clear_per_hour: f("clear_per_hour"),
            },
            _ => Condition::Falls {
                per_hour: f("per_hour"),
                clear_per_hour: f("clear_per_hour"),
            },
        };
        let (on, off) = (
            secs("on_delay_s").unwrap_or(0),
            secs("off_delay_s").unwrap_or(0),
        );
        let target = self.target.trim();
        let mut days = self.days.clone();
        days.sort();
        days.dedup();
        let spec = RuleSpec {
            name: self.name.clone(),
            scope: self.scope,
            target: (self.scope != ScopeLevel::Everywhere && !target.is_empty())
                .then(|| target.to_owned()),
            metric: self.metric,
            condition,
            on_delay_s: on,
            off_delay_s: off,
            severity: self.severity,
            schedule: self.scheduled.then(|| Schedule {
                days,
                start: self.start.clone(),
                end: self.end.clone(),
            }),
            enabled: self.enabled,
            description: self.description.clone(),
            action: self.action.clone(),
        };
        (spec, unread)
    }

    /// Every problem as `(field, message)`: unreadable seconds, then the validator's.
    pub fn problems(&self) -> Vec<(String, String)> {
        let (spec, mut all) = self.spec();
        all.extend(spec.problems());
        all.into_iter()
            .filter_map(|d| Some((d.location?, d.message)))
            .collect()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_survives_the_form() {
        let mut d = Draft {
            name: "Too warm".into(),
            target: "site-1".into(),
            ..Draft::default()
        };
        d.scheduled = true;
        let (spec, unread) = d.spec();
        assert!(
            unread.is_empty() && spec.problems().is_empty(),
            "{:?}",
            spec.problems()
        );
        assert_eq!(Draft::of(&spec).spec().0, spec);
    }

    #[test]
    fn what_is_typed_is_judged_by_the_one_validator() {
        let fields = |d: &Draft| d.problems().into_iter().map(|p| p.0).collect::<Vec<_>>();
        let mut d = Draft {
            name: "x".into(),
            target: "s".into(),
            ..Draft::default()
        };
        d.num.insert("trigger", "2.".into());
        d.num.insert("clear", "abc".into());
        assert_eq!(fields(&d), ["clear"]);
        d.num.insert("clear", "3".into());
        assert_eq!(fields(&d), ["clear"], "clear above the trigger");
        d.num.insert("on_delay_s", "1.5".into());
        d.num.insert("clear", "1".into());
        assert_eq!(fields(&d), ["on_delay_s"]);
        d.kind = "no_data";
        d.num.insert("on_delay_s", "".into());
        d.num.insert("after_s", "-3".into());
        assert_eq!(fields(&d), ["after_s"]);
        d.target.clear();
        assert_eq!(fields(&d), ["target", "after_s"]);
    }
}
