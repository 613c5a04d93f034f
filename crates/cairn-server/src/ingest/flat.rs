//! Flat JSON as gateways send it (Zigbee2MQTT, ThingsBoard):
//! `{"temperature": 22.5}` or `{"ts": 1700000000000, "values": {"temperature": 22.5}}`.
//! Turned into a SenML pack, so it meets exactly the same validation.

use serde_json::{Map, Value};

use super::senml::{RecordError, SenmlRecord};

use cairn_protocol::Metric;

/// Gateway key names for each metric, besides the metric's own name.
const ALIASES: &[(&str, Metric)] = &[
    ("temperature", Metric::AirTemperature),
    ("humidity", Metric::RelativeHumidity),
    ("co2", Metric::Co2),
    ("occupancy", Metric::Occupancy),
    ("people", Metric::Occupancy),
    ("energy", Metric::ElectricEnergy),
    ("flow", Metric::WaterFlow),
    ("water_leak", Metric::Leak),
    ("rssi", Metric::Signal),
];

pub fn to_senml(device_id: &str, body: &Value) -> Result<Vec<SenmlRecord>, Vec<RecordError>> {
    let err = |field: &'static str, message: &str| vec![RecordError::new(0, field, message)];
    let object = body
        .as_object()
        .ok_or_else(|| err("body", "expected a JSON object"))?;
    let (ts_ms, values): (Option<i64>, &Map<String, Value>) = match object.get("values") {
        Some(Value::Object(values)) => {
            let ts = match object.get("ts") {
                None => None,
                Some(t) => Some(
                    t.as_i64()
                        .ok_or_else(|| err("ts", "`ts` must be epoch milliseconds (an integer)"))?,
                ),
            };
            (ts, values)
        }
        Some(_) => return Err(err("values", "`values` must be an object")),
        None => (None, object),
    };
    let mut records = Vec::with_capacity(values.len());
    let mut errors = Vec::new();
    for (index, (key, value)) in values.iter().enumerate() {
        let metric =
            Metric::parse(key).or_else(|| ALIASES.iter().find(|(k, _)| k == key).map(|(_, m)| *m));
        let Some(metric) = metric else {
            errors.push(RecordError::new(
                index,
                "n",
                format!("{key:?} is not a known measurement"),
            ));
            continue;
        };
        let (v, vb) = match value {
            Value::Number(n) => (n.as_f64(), None),
            Value::Bool(b) => (None, Some(*b)),
            _ => {
                errors.push(RecordError::new(
                    index,
                    "v",
                    format!("{key:?} must be a number or a boolean"),
                ));
                continue;
            }
        };
        records.push(SenmlRecord {
            n: Some(format!("{device_id}/{}", metric.name())),
            t: ts_ms.map(|t| t as f64 / 1000.0),
            v,
            vb,
            ..SenmlRecord::default()
        });
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_gateway_shapes_become_senml() {
        let plain = to_senml("d1", &json!({"temperature": 22.5, "co2": 600})).unwrap();
        assert_eq!(plain.len(), 2);
        assert_eq!(plain[0].n.as_deref(), Some("d1/co2"));
        assert_eq!(plain[1].n.as_deref(), Some("d1/air_temperature"));
        assert_eq!(plain[1].v, Some(22.5));
        let stamped = to_senml(
            "d1",
            &json!({"ts": 1_700_000_000_000_i64, "values": {"humidity": 41}}),
        )
        .unwrap();
        assert_eq!(stamped[0].n.as_deref(), Some("d1/relative_humidity"));
        assert_eq!(stamped[0].t, Some(1_700_000_000.0));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let errors = to_senml("d1", &json!({"temperature": "hot", "linkquality": 80})).unwrap_err();
        let got: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            vec![
                "record 0, field \"n\": \"linkquality\" is not a known measurement",
                "record 1, field \"v\": \"temperature\" must be a number or a boolean",
            ]
        );
        assert!(to_senml("d1", &json!([1, 2])).is_err());
        assert!(to_senml("d1", &json!({"ts": "yesterday", "values": {}})).is_err());
    }
}
