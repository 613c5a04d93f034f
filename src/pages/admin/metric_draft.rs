//! A metric as its form holds it (the range and decimals as typed, so "1."
//! can sit in an input), read as the `MetricDef` the server gets and judged
//! by `MetricDef::problems()`, the one validator, plus what could not even
//! be read as a number. Pure.

use cairn_protocol::MetricDef;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricDraft {
    pub name: String,
    pub label: String,
    /// SenML unit; empty for a plain number.
    pub unit: String,
    /// Empty: the SenML unit.
    pub display_unit: String,
    pub min: String,
    pub max: String,
    pub precision: String,
    /// An admin's stored metric being changed: its name stays.
    pub editing: bool,
}

impl MetricDraft {
    /// A new metric: nothing typed but the usual one decimal.
    pub fn new() -> MetricDraft {
        MetricDraft {
            precision: "1".into(),
            ..MetricDraft::default()
        }
    }

    /// A stored metric, to change.
    pub fn of(def: &MetricDef) -> MetricDraft {
        MetricDraft {
            name: def.name.clone(),
            label: def.label.clone(),
            unit: def.unit.clone(),
            // The registry fills an empty display unit with the SenML one.
            display_unit: if def.display_unit == def.unit {
                String::new()
            } else {
                def.display_unit.clone()
            },
            min: def.min.to_string(),
            max: def.max.to_string(),
            precision: def.precision.to_string(),
            editing: true,
        }
    }

    /// The metric as typed, and `(field, message)` for each number that
    /// could not be read (a range bound not read is NaN, decimals 0).
    pub fn def(&self) -> (MetricDef, Vec<(String, String)>) {
        let mut unread = Vec::new();
        let mut number = |field: &str, text: &str, what: &str| -> f64 {
            match text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    unread.push((field.to_owned(), format!("a number: {what}")));
                    f64::NAN
                }
            }
        };
        let min = number("min", &self.min, "the lowest plausible reading");
        let max = number("max", &self.max, "the highest plausible reading");
        let precision = match self.precision.trim().parse::<u8>() {
            Ok(p) => p,
            Err(_) => {
                unread.push((
                    "precision".into(),
                    "a whole number of decimals, 0 to 6".into(),
                ));
                0
            }
        };
        let def = MetricDef {
            name: self.name.trim().to_owned(),
            label: self.label.trim().to_owned(),
            unit: self.unit.trim().to_owned(),
            display_unit: self.display_unit.trim().to_owned(),
            min,
            max,
            precision,
            built_in: false,
        };
        (def, unread)
    }

    /// Every problem as `(field, message)`: what could not be read, then
    /// the one validator's (its range problem only when both bounds read).
    pub fn problems(&self) -> Vec<(String, String)> {
        let (def, mut out) = self.def();
        let range_unread = out.iter().any(|(at, _)| at == "min" || at == "max");
        out.extend(
            (def.problems().into_iter())
                .filter_map(|d| Some((d.location?, d.message)))
                .filter(|(at, _)| !(range_unread && at == "max")),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(d: &MetricDraft) -> Vec<String> {
        d.problems().into_iter().map(|p| p.0).collect()
    }

    fn wind() -> MetricDraft {
        MetricDraft {
            name: " wind_speed ".into(),
            label: "Wind".into(),
            unit: "m/s".into(),
            min: "0".into(),
            max: "75.".into(),
            ..MetricDraft::new()
        }
    }

    #[test]
    fn a_new_metric_is_judged_by_the_one_validator() {
        assert_eq!(fields(&MetricDraft::new()), ["min", "max", "name", "label"]);
        let d = wind();
        assert!(fields(&d).is_empty(), "{:?}", d.problems());
        let (def, unread) = d.def();
        assert!(unread.is_empty());
        assert_eq!(
            (def.name.as_str(), def.max, def.precision, def.built_in),
            ("wind_speed", 75.0, 1, false)
        );
        let built_in = MetricDraft {
            name: "co2".into(),
            ..wind()
        };
        assert_eq!(fields(&built_in), ["name"], "a built-in's name is taken");
        let upside_down = MetricDraft {
            min: "80".into(),
            ..wind()
        };
        assert_eq!(fields(&upside_down), ["max"], "min below max");
    }

    #[test]
    fn numbers_that_cannot_be_read_are_named_where_typed() {
        let d = MetricDraft {
            min: "cold".into(),
            ..wind()
        };
        assert_eq!(fields(&d), ["min"], "not also a range problem under max");
        let d = MetricDraft {
            precision: "1.5".into(),
            ..wind()
        };
        assert_eq!(fields(&d), ["precision"]);
        let d = MetricDraft {
            precision: " 7 ".into(),
            ..wind()
        };
        assert_eq!(
            d.problems()[0],
            ("precision".into(), "0 to 6 decimals".into())
        );
    }

    #[test]
    fn a_stored_metric_reads_back_as_itself() {
        let (def, _) = wind().def();
        let stored = MetricDef {
            display_unit: def.unit.clone(),
            ..def.clone()
        };
        let d = MetricDraft::of(&stored);
        assert!(d.editing);
        assert_eq!(d.display_unit, "", "the SenML unit stays implied");
        assert_eq!(d.def().0, def);
    }
}
