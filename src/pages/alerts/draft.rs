//! A rule as the form holds it: every number as the text typed, so "2." or
//! "" can sit in an input. `spec()` (in `draft_check`) turns it into the
//! `RuleSpec` the server gets; `RuleSpec::problems()` then judges it (the
//! one validator). Pure.

use std::collections::HashMap;

use cairn_protocol::{Condition, Metric, Rule, RuleSpec, Schedule, ScopeLevel, Severity, Weekday};

/// Condition kinds as the form offers them, in the words the validator's
/// messages use ("for 'above', …"): the label reads after "Alarm when the value is".
pub const KINDS: [(&str, &str); 7] = [
    ("above", "above"),
    ("below", "below"),
    ("outside", "outside a band"),
    ("inside", "inside a band"),
    ("no_data", "no data"),
    ("rises", "rises faster than"),
    ("falls", "falls faster than"),
];

/// The numeric inputs of a condition kind, by their field names.
pub fn fields_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "above" | "below" => &["trigger", "clear"],
        "outside" | "inside" => &["low", "high", "low_clear", "high_clear"],
        "no_data" => &["after_s"],
        _ => &["per_hour", "clear_per_hour"],
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub name: String,
    pub scope: ScopeLevel,
    pub target: String,
    pub metric: Option<Metric>,
    pub kind: &'static str,
    /// Condition numbers and delays as typed, by field name.
    pub num: HashMap<&'static str, String>,
    pub severity: Severity,
    pub scheduled: bool,
    pub days: Vec<Weekday>,
    pub start: String,
    pub end: String,
    pub enabled: bool,
    pub description: String,
    pub action: String,
}

impl Default for Draft {
    fn default() -> Self {
        let num = [
            ("trigger", "27"),
            ("clear", "26.5"),
            ("low", "19"),
            ("high", "27"),
            ("low_clear", "19.5"),
            ("high_clear", "26.5"),
            ("after_s", ""),
            ("per_hour", "2"),
            ("clear_per_hour", "1"),
            ("on_delay_s", "300"),
            ("off_delay_s", "300"),
        ];
        let s = Schedule::occupied_hours();
        Draft {
            name: String::new(),
            scope: ScopeLevel::Site,
            target: String::new(),
            metric: Some(Metric::AirTemperature),
            kind: "above",
            num: num.into_iter().map(|(k, v)| (k, v.to_owned())).collect(),
            severity: Severity::Warning,
            scheduled: false,
            days: s.days,
            start: s.start,
            end: s.end,
            enabled: true,
            description: String::new(),
            action: String::new(),
        }
    }
}

fn kind_of(c: &Condition) -> &'static str {
    let k = c.kind();
    KINDS
        .iter()
        .find(|(n, _)| *n == k)
        .map_or("above", |(n, _)| n)
}

impl Draft {
    /// A stored rule, to edit.
    pub fn of(rule: &RuleSpec) -> Draft {
        let mut d = Draft {
            name: rule.name.clone(),
            scope: rule.scope,
            target: rule.target.clone().unwrap_or_default(),
            metric: rule.metric,
            kind: kind_of(&rule.condition),
            severity: rule.severity,
            enabled: rule.enabled,
            description: rule.description.clone(),
            action: rule.action.clone(),
            ..Draft::default()
        };
        let mut put = |k: &'static str, v: String| {
            d.num.insert(k, v);
        };
        match rule.condition {
            Condition::Above { trigger, clear } | Condition::Below { trigger, clear } => {
                put("trigger", trigger.to_string());
                put("clear", clear.to_string());
            }
            Condition::Outside {
                low,
                high,
                low_clear,
                high_clear,
            }
            | Condition::Inside {
                low,
                high,
                low_clear,
                high_clear,
            } => {
                put("low", low.to_string());
                put("high", high.to_string());
                put("low_clear", low_clear.to_string());
                put("high_clear", high_clear.to_string());
            }
            Condition::NoData { after_s } => {
                put(
                    "after_s",
                    after_s.map(|s| s.to_string()).unwrap_or_default(),
                );
            }
            Condition::Rises {
                per_hour,
                clear_per_hour,
            }
            | Condition::Falls {
                per_hour,
                clear_per_hour,
            } => {
                put("per_hour", per_hour.to_string());
                put("clear_per_hour", clear_per_hour.to_string());
            }
        }
        put("on_delay_s", rule.on_delay_s.to_string());
        put("off_delay_s", rule.off_delay_s.to_string());
        if let Some(s) = &rule.schedule {
            (d.scheduled, d.days, d.start, d.end) =
                (true, s.days.clone(), s.start.clone(), s.end.clone());
        }
        d
    }

    pub fn of_rule(rule: &Rule) -> Draft {
        Draft::of(&rule.spec)
    }

    pub fn text(&self, field: &str) -> String {
        self.num.get(field).cloned().unwrap_or_default()
    }
}
