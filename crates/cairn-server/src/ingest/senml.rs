//! SenML JSON (RFC 8428): records and base-field resolution.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

/// One SenML record as sent (RFC 8428 §4). Base fields (`b*`) apply to this
/// record and every later one. Fields Cairn does not use (`ut`, unknown
/// extensions) are read and dropped; an unknown field whose name ends in `_`
/// is must-understand (§4.4) and lands in [`SenmlRecord::must_understand`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SenmlRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bn: Option<String>,
    /// Base time, s (absolute, or relative to now below 2^28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bv: Option<f64>,
    /// Base sum, added to each record's `s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bs: Option<f64>,
    /// Base version; Cairn understands 10 (the RFC 8428 default) and below.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bver: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub u: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vb: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vd: Option<String>,
    /// Sum (integrated value, e.g. a meter's total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<f64>,
    /// Update time, s: read and ignored (the health book learns intervals itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ut: Option<f64>,
    /// Names of must-understand fields (ending in `_`) this record carried.
    #[serde(skip)]
    pub must_understand: Vec<String>,
}

impl SenmlRecord {
    /// Whether the record carries a value or a sum (a measurement), rather
    /// than only base fields.
    fn measures(&self) -> bool {
        self.v.is_some()
            || self.vb.is_some()
            || self.vs.is_some()
            || self.vd.is_some()
            || self.s.is_some()
    }
}

impl<'de> serde::Deserialize<'de> for SenmlRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = SenmlRecord;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a SenML record (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SenmlRecord, A::Error> {
        let mut r = SenmlRecord::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            macro_rules! set {
                ($field:ident) => {{
                    if r.$field.is_some() {
                        return Err(de::Error::duplicate_field(stringify!($field)));
                    }
                    r.$field = Some(map.next_value()?);
                }};
            }
            match key.as_ref() {
                "bn" => set!(bn),
                "bt" => set!(bt),
                "bu" => set!(bu),
                "bv" => set!(bv),
                "bs" => set!(bs),
                "bver" => set!(bver),
                "n" => set!(n),
                "u" => set!(u),
                "v" => set!(v),
                "vb" => set!(vb),
                "vs" => set!(vs),
                "vd" => set!(vd),
                "s" => set!(s),
                "t" => set!(t),
                "ut" => set!(ut),
                other => {
                    if other.ends_with('_') {
                        r.must_understand.push(other.to_owned());
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(r)
    }
}

/// A record with its base fields applied: full name, absolute time, unit and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The record's position in the pack (base-only records are skipped, not renumbered).
    pub index: usize,
    pub name: String,
    pub unit: Option<String>,
    pub value: f64,
    /// UTC epoch milliseconds.
    pub time_ms: i64,
}

/// Why one record of a pack cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("record {index}, field {field:?}: {message}")]
pub struct RecordError {
    pub index: usize,
    pub field: &'static str,
    pub message: String,
}

impl RecordError {
    pub fn new(index: usize, field: &'static str, message: impl Into<String>) -> Self {
        Self {
            index,
            field,
            message: message.into(),
        }
    }
}

/// Resolved times below 2^28 seconds, negative ones included, are relative
/// to now (RFC 8428 §4.5.3).
const RELATIVE_TIME_LIMIT: f64 = (1u64 << 28) as f64;

/// The highest SenML version understood (RFC 8428 §4.4: a receiver must not
/// use a pack of a higher version).
pub const SENML_VERSION: f64 = 10.0;

/// Resolves every record (RFC 8428 §4.6); returns all errors, not just the first.
///
/// - A record with only base fields (no value, no sum) is skipped: it carries
///   no measurement, but its base fields apply to the records after it
///   (KPN Things starts its packs with one).
/// - A value is `bv + v`, or `vb` as 0/1; a record with only a sum has the
///   value `bs + s` (meters report totals so). With both a value and a sum
///   the value is the reading.
/// - `vs` and `vd` are refused: every Cairn point is measured.
/// - A field ending in `_` is must-understand (§4.4): the record is refused.
pub fn resolve(pack: &[SenmlRecord], now_ms: i64) -> Result<Vec<Resolved>, Vec<RecordError>> {
    let (mut bn, mut bt, mut bu) = (String::new(), 0.0_f64, None::<String>);
    let (mut bv, mut bs) = (0.0_f64, 0.0_f64);
    let mut out = Vec::with_capacity(pack.len());
    let mut errors = Vec::new();
    for (index, rec) in pack.iter().enumerate() {
        if let Some(field) = rec.must_understand.first() {
            errors.push(RecordError::new(
                index,
                "record",
                format!("field {field:?} must be understood (its name ends in _) and Cairn does not know it; the pack is refused (RFC 8428 §4.4)"),
            ));
            continue;
        }
        if let Some(version) = rec.bver
            && (version.is_nan() || version > SENML_VERSION)
        {
            errors.push(RecordError::new(
                index,
                "bver",
                format!(
                    "SenML version {version} is newer than the version {SENML_VERSION} Cairn reads"
                ),
            ));
            continue;
        }
        if let Some(b) = &rec.bn {
            bn.clone_from(b);
        }
        if let Some(b) = rec.bt {
            bt = b;
        }
        if let Some(b) = &rec.bu {
            bu = Some(b.clone());
        }
        if let Some(b) = rec.bv {
            bv = b;
        }
        if let Some(b) = rec.bs {
            bs = b;
        }
        if !rec.measures() {
            if rec.n.is_some() || rec.u.is_some() || rec.t.is_some() {
                errors.push(RecordError::new(
                    index,
                    "v",
                    "the record has no value (v, vb) or sum (s)",
                ));
            }
            continue;
        }
        let name = format!("{bn}{}", rec.n.as_deref().unwrap_or(""));
        if name.is_empty() {
            errors.push(RecordError::new(
                index,
                "n",
                "the record has no name (neither bn nor n)",
            ));
            continue;
        }
        let value = match (rec.v, rec.vb, &rec.vs, &rec.vd, rec.s) {
            (Some(v), None, None, None, _) => bv + v,
            (None, Some(b), None, None, _) => f64::from(u8::from(b)),
            (None, None, None, None, Some(s)) => bs + s,
            (None, None, Some(_), None, _) => {
                errors.push(RecordError::new(
                    index,
                    "vs",
                    "string values (vs) are not accepted: every Cairn point is measured (send v, vb or s)",
                ));
                continue;
            }
            (None, None, None, Some(_), _) => {
                errors.push(RecordError::new(
                    index,
                    "vd",
                    "data values (vd) are not accepted: every Cairn point is measured (send v, vb or s)",
                ));
                continue;
            }
            _ => {
                errors.push(RecordError::new(
                    index,
                    "v",
                    "the record has more than one value field",
                ));
                continue;
            }
        };
        let t = bt + rec.t.unwrap_or(0.0);
        if !t.is_finite() {
            errors.push(RecordError::new(index, "t", "time is not a finite number"));
            continue;
        }
        let time_ms = if t < RELATIVE_TIME_LIMIT {
            now_ms.saturating_add((t * 1000.0).round() as i64)
        } else {
            (t * 1000.0).round() as i64
        };
        let unit = rec.u.clone().or_else(|| bu.clone());
        out.push(Resolved {
            index,
            name,
            unit,
            value,
            time_ms,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[path = "senml_tests.rs"]
mod tests;
