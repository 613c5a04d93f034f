//! SenML JSON (RFC 8428): records and base-field resolution.

use serde::Deserialize;

/// One SenML record as sent. Base fields (`b*`) apply to this record and every later one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
pub struct SenmlRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bv: Option<f64>,
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
    pub t: Option<f64>,
}

/// A record with its base fields applied: full name, absolute time, unit and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
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

/// Times below 2^28 seconds are relative to now (RFC 8428 §4.5.3).
const RELATIVE_TIME_LIMIT: f64 = (1u64 << 28) as f64;

/// Resolves every record; returns all errors, not just the first.
pub fn resolve(pack: &[SenmlRecord], now_ms: i64) -> Result<Vec<Resolved>, Vec<RecordError>> {
    let (mut bn, mut bt, mut bu, mut bv) = (String::new(), 0.0_f64, None::<String>, 0.0_f64);
    let mut out = Vec::with_capacity(pack.len());
    let mut errors = Vec::new();
    for (index, rec) in pack.iter().enumerate() {
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
        let name = format!("{bn}{}", rec.n.as_deref().unwrap_or(""));
        if name.is_empty() {
            errors.push(RecordError::new(
                index,
                "n",
                "the record has no name (neither bn nor n)",
            ));
            continue;
        }
        let value = match (rec.v, rec.vb, &rec.vs) {
            (Some(v), None, None) => bv + v,
            (None, Some(b), None) => f64::from(u8::from(b)),
            (None, None, Some(_)) => {
                errors.push(RecordError::new(
                    index,
                    "vs",
                    "string values are not accepted for a measured point",
                ));
                continue;
            }
            (None, None, None) => {
                errors.push(RecordError::new(index, "v", "the record has no value"));
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
        let time_ms = if t.abs() < RELATIVE_TIME_LIMIT {
            now_ms + (t * 1000.0).round() as i64
        } else {
            (t * 1000.0).round() as i64
        };
        let unit = rec.u.clone().or_else(|| bu.clone());
        out.push(Resolved {
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
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn pack(json: &str) -> Vec<SenmlRecord> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn base_fields_apply_to_later_records() {
        let got = resolve(
            &pack(
                r#"[{"bn":"dev1/","bt":1.7e9,"bu":"Cel","n":"air_temperature","v":21.5},
                      {"n":"co2","u":"ppm","v":612,"t":10}]"#,
            ),
            NOW,
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                Resolved {
                    name: "dev1/air_temperature".into(),
                    unit: Some("Cel".into()),
                    value: 21.5,
                    time_ms: 1_700_000_000_000
                },
                Resolved {
                    name: "dev1/co2".into(),
                    unit: Some("ppm".into()),
                    value: 612.0,
                    time_ms: 1_700_000_010_000
                },
            ]
        );
    }

    fn r(name: &str, unit: &str, value: f64, time_ms: i64) -> Resolved {
        Resolved {
            name: name.into(),
            unit: Some(unit.into()),
            value,
            time_ms,
        }
    }

    /// RFC 8428 §5.1.1 and §5.1.2: names from base names, no time = now.
    #[test]
    fn rfc8428_single_and_multiple_datapoints() {
        let single = resolve(
            &pack(r#"[{"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}]"#),
            NOW,
        )
        .unwrap();
        assert_eq!(
            single,
            vec![r("urn:dev:ow:10e2073a01080063", "Cel", 23.1, NOW)]
        );
        let multiple = resolve(
            &pack(
                r#"[{"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},
                      {"n":"current","u":"A","v":1.2}]"#,
            ),
            NOW,
        )
        .unwrap();
        assert_eq!(
            multiple,
            vec![
                r("urn:dev:ow:10e2073a01080063:voltage", "V", 120.1, NOW),
                r("urn:dev:ow:10e2073a01080063:current", "A", 1.2, NOW),
            ]
        );
    }

    /// RFC 8428 §5.1.3: base time plus relative offsets, base unit, `bver` ignored.
    #[test]
    fn rfc8428_multiple_measurements() {
        let got = resolve(
            &pack(
                r#"[{"bn":"urn:dev:ow:10e2073a0108006:","bt":1.276020076001e+09,"bu":"A","bver":5,
                     "n":"voltage","u":"V","v":120.1},
                    {"n":"current","t":-5,"v":1.2},{"n":"current","t":-4,"v":1.3},
                    {"n":"current","t":-3,"v":1.4},{"n":"current","t":-2,"v":1.5},
                    {"n":"current","t":-1,"v":1.6},{"n":"current","v":1.7}]"#,
            ),
            NOW,
        )
        .unwrap();
        let base = 1_276_020_076_001;
        let mut want = vec![r("urn:dev:ow:10e2073a0108006:voltage", "V", 120.1, base)];
        for (i, v) in [1.2, 1.3, 1.4, 1.5, 1.6, 1.7].into_iter().enumerate() {
            want.push(r(
                "urn:dev:ow:10e2073a0108006:current",
                "A",
                v,
                base - 5_000 + i as i64 * 1_000,
            ));
        }
        assert_eq!(got, want);
    }

    #[test]
    fn small_times_are_relative_to_now() {
        let got = resolve(&pack(r#"[{"n":"x","v":1,"t":-5}, {"n":"y","v":2}]"#), NOW).unwrap();
        assert_eq!(got[0].time_ms, NOW - 5_000);
        assert_eq!(got[1].time_ms, NOW);
    }

    #[test]
    fn every_bad_record_is_named() {
        let errors = resolve(
            &pack(r#"[{"v":1}, {"n":"ok","v":1}, {"n":"b"}, {"n":"s","vs":"on"}]"#),
            NOW,
        )
        .unwrap_err();
        let at: Vec<_> = errors.iter().map(|e| (e.index, e.field)).collect();
        assert_eq!(at, vec![(0, "n"), (2, "v"), (3, "vs")]);
        assert_eq!(
            errors[1].to_string(),
            "record 2, field \"v\": the record has no value"
        );
    }
}
