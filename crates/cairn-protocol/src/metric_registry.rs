//! Metrics defined by admins, beside the built-in ones: a process-wide
//! registry, so a custom metric is a [`Metric::Custom`] like any other —
//! charts, forms, rules and ingest ask the metric for its name, unit, range
//! and precision and get the admin's definition.
//!
//! The server registers what its database holds on start and on every
//! change; the app registers what `GET /api/metrics` lists, and (being
//! [`lenient`]) takes a name it has not heard of yet as a placeholder until
//! then. Strings are leaked once per definition (at most [`MAX_CUSTOM`]),
//! so a metric's texts are `&'static str` like the built-ins'.

use std::sync::{
    RwLock,
    atomic::{AtomicBool, Ordering},
};

use serde::{Deserialize, Serialize};

use crate::Metric;

/// Most custom metrics a portfolio may define.
pub const MAX_CUSTOM: usize = 200;

/// A metric as listed and as an admin defines one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricDef {
    /// The SenML record name: 1–40 of `a–z 0–9 _`, starting with a letter.
    pub name: String,
    /// Short label for tables and tiles, 1–30 characters.
    pub label: String,
    /// The SenML unit readings are sent and stored in (`m/s`, `dB`, `ug/m3`;
    /// RFC 8428 §12.1 or RFC 8798); empty for a plain number.
    #[serde(default)]
    pub unit: String,
    /// The unit as people read it (`m/s`, `µg/m³`); empty = `unit`.
    #[serde(default)]
    pub display_unit: String,
    /// Plausible range: a reading outside it is refused on ingest.
    pub min: f64,
    pub max: f64,
    /// Decimals shown, 0–6.
    pub precision: u8,
    /// Built into Cairn (not editable).
    #[serde(default)]
    pub built_in: bool,
}

#[derive(Clone, Copy)]
pub(crate) struct Entry {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub display_unit: &'static str,
    pub min: f64,
    pub max: f64,
    pub precision: u8,
}

static CUSTOM: RwLock<Vec<Entry>> = RwLock::new(Vec::new());
static LENIENT: AtomicBool = AtomicBool::new(false);

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// Entry `i` of the registry, if there is one.
pub(crate) fn entry(i: u16) -> Option<Entry> {
    let all = CUSTOM
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    all.get(usize::from(i)).copied()
}

/// The custom metric named `name`, if registered.
pub(crate) fn find(name: &str) -> Option<Metric> {
    let all = CUSTOM
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    (all.iter().position(|e| e.name == name)).map(|i| Metric::Custom(i as u16))
}

/// Registers `def` (or updates the metric of that name); its metric.
/// Errors: the name is a built-in's, or the registry is full.
pub fn register(def: &MetricDef) -> Result<Metric, String> {
    if Metric::ALL.iter().any(|m| m.name() == def.name) {
        return Err(format!("{:?} is a built-in metric", def.name));
    }
    let display = if def.display_unit.is_empty() {
        &def.unit
    } else {
        &def.display_unit
    };
    let same = |e: &Entry| {
        e.label == def.label
            && e.unit == def.unit
            && e.display_unit == display
            && e.min == def.min
            && e.max == def.max
            && e.precision == def.precision.min(6)
    };
    if let Some(i) = (CUSTOM
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter())
    .position(|e| e.name == def.name && same(e))
    {
        // Registered as it is (the app signs in again): nothing to leak.
        return Ok(Metric::Custom(i as u16));
    }
    let entry = Entry {
        name: leak(&def.name),
        label: leak(&def.label),
        unit: leak(&def.unit),
        display_unit: leak(if def.display_unit.is_empty() {
            &def.unit
        } else {
            &def.display_unit
        }),
        min: def.min,
        max: def.max,
        precision: def.precision.min(6),
    };
    let mut all = CUSTOM
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(i) = all.iter().position(|e| e.name == def.name) {
        all[i] = entry;
        return Ok(Metric::Custom(i as u16));
    }
    if all.len() >= MAX_CUSTOM {
        return Err(format!("at most {MAX_CUSTOM} custom metrics"));
    }
    all.push(entry);
    Ok(Metric::Custom((all.len() - 1) as u16))
}

/// Every registered custom metric, in the order registered.
pub fn custom() -> Vec<Metric> {
    let n = CUSTOM
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .len();
    (0..n).map(|i| Metric::Custom(i as u16)).collect()
}

/// Makes deserialising take an unknown metric name as a placeholder custom
/// metric (name only, no unit, any value) until its definition arrives: for
/// the app, which may hear of a new metric on the live socket first. The
/// server stays strict: an unknown name is an error there.
pub fn lenient() {
    LENIENT.store(true, Ordering::Relaxed);
}

/// The metric named `name`: a built-in, a registered one, or (when
/// [`lenient`]) a placeholder for a well-formed name.
pub(crate) fn resolve(name: &str) -> Option<Metric> {
    if let Some(m) = Metric::parse(name) {
        return Some(m);
    }
    if !LENIENT.load(Ordering::Relaxed) || name_problem(name).is_some() {
        return None;
    }
    register(&MetricDef {
        name: name.to_owned(),
        label: name.replace('_', " "),
        unit: String::new(),
        display_unit: String::new(),
        min: f64::MIN,
        max: f64::MAX,
        precision: 2,
        built_in: false,
    })
    .ok()
}

/// What is wrong with `name` as a metric name, if anything.
pub fn name_problem(name: &str) -> Option<String> {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    if name.is_empty()
        || name.len() > 40
        || !name.chars().all(ok)
        || !name.starts_with(|c: char| c.is_ascii_lowercase())
    {
        return Some(
            "1 to 40 of a–z, 0–9 and _, starting with a letter (it is the SenML record name)"
                .into(),
        );
    }
    None
}

fn field(location: &str, message: impl Into<String>) -> crate::ErrorDetail {
    crate::ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(location.into()),
    }
}

impl MetricDef {
    /// The definition of `metric`, built-in or custom.
    pub fn of(metric: Metric) -> MetricDef {
        let (min, max) = metric.plausible_range();
        MetricDef {
            name: metric.name().into(),
            label: metric.label().into(),
            unit: metric.unit().into(),
            display_unit: metric.display_unit().into(),
            min,
            max,
            precision: metric.precision() as u8,
            built_in: !matches!(metric, Metric::Custom(_)),
        }
    }

    /// Every problem of an admin's definition, by field.
    pub fn problems(&self) -> Vec<crate::ErrorDetail> {
        let mut out = Vec::new();
        if let Some(p) = name_problem(&self.name) {
            out.push(field("name", p));
        } else if Metric::ALL.iter().any(|m| m.name() == self.name) {
            out.push(field(
                "name",
                format!("{:?} is a built-in metric", self.name),
            ));
        }
        let label = self.label.trim().chars().count();
        if label == 0 || label > 30 || self.label.chars().any(char::is_control) {
            out.push(field("label", "1 to 30 characters"));
        }
        let unit_ok =
            |u: &str| u.len() <= 20 && !u.chars().any(|c| c.is_control() || c.is_whitespace());
        if !unit_ok(&self.unit) {
            out.push(field(
                "unit",
                "a SenML unit such as m/s, dB or ug/m3: up to 20 characters, no spaces",
            ));
        }
        if self.display_unit.chars().count() > 20 || self.display_unit.chars().any(char::is_control)
        {
            out.push(field("display_unit", "up to 20 characters"));
        }
        if !(self.min.is_finite() && self.max.is_finite() && self.min < self.max) {
            out.push(field(
                "max",
                "the plausible range needs finite numbers, min below max",
            ));
        }
        if self.precision > 6 {
            out.push(field("precision", "0 to 6 decimals"));
        }
        out
    }
}
