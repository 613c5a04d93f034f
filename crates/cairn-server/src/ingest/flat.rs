//! Flat JSON as gateways send it (Zigbee2MQTT, ThingsBoard, most LoRaWAN
//! decoders): one object or an array of objects, each
//! - `{"temperature": 22.5, "co2": 610}` (no time: now),
//! - with a time beside the values: `"ts"` or `"time"`,
//! - or `{"ts": 1796000000000, "values": {"temperature": 22.5}}`.
//!
//! A time is epoch milliseconds or seconds, told apart by magnitude
//! ([`epoch_ms`]), or an RFC 3339 string. Keys are decoded by the device
//! model's table ([`super::codec`]). The result is a SenML pack, so it meets
//! exactly the same validation as SenML.

use serde_json::{Map, Value};

use super::{
    codec::{self, Decoded, Model, Raw},
    senml::{RecordError, SenmlRecord},
};

/// Numbers at or above this are milliseconds, below it seconds: 10^11 s is
/// the year 5138, 10^11 ms is 1973-03-03.
pub const MS_FROM: f64 = 1e11;

/// The earliest absolute time in seconds (2^28 s, 1978-07-04): SenML reads
/// smaller times as relative, which a gateway's clock never means.
const ABSOLUTE_FROM_S: f64 = (1u64 << 28) as f64;

/// A gateway time as epoch milliseconds: a number (ms when ≥ [`MS_FROM`],
/// else s) or an RFC 3339 string. Errors say what was wrong.
pub fn epoch_ms(value: &Value) -> Result<i64, String> {
    let seconds = match value {
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            if !n.is_finite() {
                return Err("the time is not a finite number".into());
            }
            if n.abs() >= MS_FROM { n / 1000.0 } else { n }
        }
        Value::String(s) => {
            chrono::DateTime::parse_from_rfc3339(s)
                .map_err(|e| format!("{s:?} is not an RFC 3339 time ({e})"))?
                .timestamp_millis() as f64
                / 1000.0
        }
        _ => return Err("the time must be epoch ms or s (a number) or RFC 3339 (a string)".into()),
    };
    if seconds < ABSOLUTE_FROM_S {
        return Err(format!("{value} is not an absolute time (before 1978)"));
    }
    Ok((seconds * 1000.0).round() as i64)
}

/// The pack for `device_id` (of `model`, none: the generic table) from a
/// gateway body; every bad key of every object is named.
pub fn to_senml(
    device_id: &str,
    model: Option<&Model>,
    body: &Value,
) -> Result<Vec<SenmlRecord>, Vec<RecordError>> {
    let objects: Vec<&Value> = match body {
        Value::Array(items) if !items.is_empty() => items.iter().collect(),
        Value::Array(_) => return Err(vec![RecordError::new(0, "body", "the array is empty")]),
        other => vec![other],
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (index, object) in objects.into_iter().enumerate() {
        let Some(object) = object.as_object() else {
            errors.push(RecordError::new(index, "body", "expected a JSON object"));
            continue;
        };
        match one(device_id, model, object, index, &mut records) {
            Ok(()) => {}
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

fn one(
    device_id: &str,
    model: Option<&Model>,
    object: &Map<String, Value>,
    index: usize,
    out: &mut Vec<SenmlRecord>,
) -> Result<(), Vec<RecordError>> {
    let err = |field: &'static str, message: String| vec![RecordError::new(index, field, message)];
    let time = match (object.get("ts"), object.get("time")) {
        (Some(_), Some(_)) => return Err(err("ts", "give `ts` or `time`, not both".into())),
        (Some(t), None) => Some(epoch_ms(t).map_err(|m| err("ts", m))?),
        (None, Some(t)) => Some(epoch_ms(t).map_err(|m| err("time", m))?),
        (None, None) => None,
    };
    let values: Vec<(&String, &Value)> = match object.get("values") {
        Some(Value::Object(values)) => {
            if let Some(extra) = object
                .keys()
                .find(|k| !["ts", "time", "values"].contains(&k.as_str()))
            {
                return Err(err(
                    "values",
                    format!("{extra:?} is outside `values`; put every measurement inside it"),
                ));
            }
            values.iter().collect()
        }
        Some(_) => return Err(err("values", "`values` must be an object".into())),
        None => object
            .iter()
            .filter(|(k, _)| *k != "ts" && *k != "time")
            .collect(),
    };
    if values.is_empty() {
        return Err(err("values", "the object carries no measurement".into()));
    }
    let mut errors = Vec::new();
    for (key, value) in values {
        let Some(raw) = Raw::of(value) else {
            errors.push(RecordError::new(
                index,
                "v",
                format!("{key:?} must be a number, a boolean or a state"),
            ));
            continue;
        };
        match codec::decode(model, key, raw) {
            Decoded::Reading { metric, value, .. } => out.push(SenmlRecord {
                n: Some(format!("{device_id}/{}", metric.name())),
                t: time.map(|t| t as f64 / 1000.0),
                v: Some(value),
                ..SenmlRecord::default()
            }),
            Decoded::Ignored => {}
            Decoded::Unknown => errors.push(RecordError::new(
                index,
                "n",
                format!("{key:?} is not a known measurement{}", model_hint(model)),
            )),
            Decoded::Bad(message) => errors.push(RecordError::new(index, "v", message)),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn model_hint(model: Option<&Model>) -> String {
    match model {
        Some(m) => format!(" for a {}", m.name),
        None => String::new(),
    }
}

#[cfg(test)]
#[path = "flat_tests.rs"]
mod tests;
