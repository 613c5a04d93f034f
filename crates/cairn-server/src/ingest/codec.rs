//! Decoded payload names → Cairn metrics, per device model.
//!
//! Network servers hand over what a device's codec decoded: `temperature`,
//! `TempC_SHT`, `magnet_status`, `BatV`… The same key means different things
//! on different devices (battery in % or in volts, a contact that is true when
//! closed), so the mapping is chosen by the device's model ([`model_for`]),
//! falling back to [`GENERIC`] for models without a table. A key a model's
//! table marks as ignored (a PIR trigger, a light *level*, radio details) is
//! dropped; a key no table knows is refused and named.

use cairn_protocol::Metric;

/// How a decoded value becomes a reading in the metric's canonical unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Conv {
    /// Already in the canonical unit (or in the unit the record names).
    Same,
    /// canonical = raw × factor (`mV` → `V` is 0.001).
    Scale(f64),
    /// A battery voltage (in the raw unit) read on the cell's discharge
    /// curve, `(raw, %)` points in rising order, linear between them and
    /// clamped at the ends. A lithium thionyl chloride cell holds ~3.0–3.6 V
    /// for most of its life and falls off at the end, so no straight line fits.
    Curve(&'static [(f64, f64)]),
    /// A two-state value: 1 = the metric's "on" (open, water). `inverted`
    /// for a contact that reports true when closed.
    State { inverted: bool },
}

/// One decoded key of a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    pub key: &'static str,
    pub metric: Metric,
    pub conv: Conv,
}

/// A device model's codec output.
#[derive(Debug)]
pub struct Model {
    /// As shown to admins (`Milesight AM319`).
    pub name: &'static str,
    /// Normalised tokens ([`normalise`]) any of which in a device's model
    /// string picks this table.
    pub tokens: &'static [&'static str],
    pub fields: &'static [Field],
    /// Keys sent but not measured by Cairn.
    pub ignored: &'static [&'static str],
}

const fn f(key: &'static str, metric: Metric) -> Field {
    Field {
        key,
        metric,
        conv: Conv::Same,
    }
}

const fn state(key: &'static str, metric: Metric, inverted: bool) -> Field {
    Field {
        key,
        metric,
        conv: Conv::State { inverted },
    }
}

/// What is decoded when a device's model has no table of its own: every
/// metric's own name and the names most codecs use.
pub static GENERIC: Model = Model {
    name: "generic",
    tokens: &[],
    fields: &[
        f("temperature", Metric::AirTemperature),
        f("humidity", Metric::RelativeHumidity),
        f("co2", Metric::Co2),
        f("people", Metric::Occupancy),
        f("energy", Metric::ElectricEnergy),
        f("flow", Metric::WaterFlow),
        state("water_leak", Metric::Leak, false),
        state("door_open", Metric::Door, false),
        f("rssi", Metric::Signal),
        f("pm25", Metric::Pm25),
        f("lux", Metric::Illuminance),
        f("pressure", Metric::BarometricPressure),
        f("power", Metric::ActivePower),
        f("noise", Metric::SoundLevel),
    ],
    ignored: &["snr", "linkquality", "last_seen", "latitude", "longitude"],
};

/// The Dragino LHT65's cell (V), on Dragino's own bands: ≥ 2.65 V good,
/// 2.55–2.65 V OK, 2.50–2.55 V low, ≤ 2.50 V ultra low. The 20 % warning
/// falls in "low", the 10 % critical at its bottom.
const LHT65_V: &[(f64, f64)] = &[
    (2.45, 0.0),
    (2.50, 10.0),
    (2.55, 20.0),
    (2.65, 40.0),
    (2.90, 80.0),
    (3.10, 100.0),
];

/// A 3.6 V lithium thionyl chloride cell (mV), as Elsys sensors report it:
/// flat around 3.6 V, falling below 3.4 V near its end.
const LI_SOCL2_MV: &[(f64, f64)] = &[
    (3_000.0, 0.0),
    (3_200.0, 10.0),
    (3_300.0, 20.0),
    (3_450.0, 50.0),
    (3_600.0, 100.0),
];

/// The built-in tables, from each maker's published decoder output.
pub static MODELS: &[Model] = &[
    Model {
        name: "Milesight AM319",
        tokens: &["am319"],
        fields: &[
            f("temperature", Metric::AirTemperature),
            f("humidity", Metric::RelativeHumidity),
            f("co2", Metric::Co2),
            f("tvoc", Metric::Tvoc),
            f("pm2_5", Metric::Pm25),
            f("pm10", Metric::Pm10),
            f("pressure", Metric::BarometricPressure),
        ],
        // light_level is a 0–5 level, not lux; pir is a trigger state.
        ignored: &["light_level", "pir", "hcho", "o3", "buzzer_status"],
    },
    Model {
        name: "Milesight AM103",
        tokens: &["am103"],
        fields: &[
            f("temperature", Metric::AirTemperature),
            f("humidity", Metric::RelativeHumidity),
            f("co2", Metric::Co2),
            f("battery", Metric::Battery),
        ],
        ignored: &[],
    },
    Model {
        name: "Milesight EM300",
        tokens: &["em300"],
        fields: &[
            f("temperature", Metric::AirTemperature),
            f("humidity", Metric::RelativeHumidity),
            f("battery", Metric::Battery),
            // EM300-MCS: "open"/"close" (or 1/0).
            state("magnet_status", Metric::Door, false),
            // EM300-SLD/ZLD: "leak"/"normal" (or 1/0).
            state("leakage_status", Metric::Leak, false),
            state("water_leak", Metric::Leak, false),
        ],
        ignored: &[],
    },
    Model {
        name: "Elsys ERS",
        tokens: &[
            "elsysers", "ersco2", "erslite", "erssound", "erseye", "ersdesk",
        ],
        fields: &[
            f("temperature", Metric::AirTemperature),
            f("humidity", Metric::RelativeHumidity),
            f("light", Metric::Illuminance),
            f("co2", Metric::Co2),
            f("pressure", Metric::BarometricPressure),
            f("noise", Metric::SoundLevel),
            // vdd: supply in mV of a 3.6 V lithium cell.
            Field {
                key: "vdd",
                metric: Metric::Battery,
                conv: Conv::Curve(LI_SOCL2_MV),
            },
        ],
        // motion counts PIR triggers; occupancy is a 0–2 state.
        ignored: &["motion", "occupancy", "avgnoise"],
    },
    Model {
        name: "Dragino LHT65",
        tokens: &["lht65"],
        fields: &[
            f("tempc_sht", Metric::AirTemperature),
            f("hum_sht", Metric::RelativeHumidity),
            f("ill_lx", Metric::Illuminance),
            // BatV: volts of a 3.6 V lithium cell.
            Field {
                key: "batv",
                metric: Metric::Battery,
                conv: Conv::Curve(LHT65_V),
            },
        ],
        ignored: &[
            "tempc_ds",
            "ext_sensor",
            "bat_status",
            "work_mode",
            "temp_unit",
        ],
    },
    Model {
        name: "Zigbee2MQTT",
        tokens: &["zigbee2mqtt", "z2m"],
        fields: &[
            f("temperature", Metric::AirTemperature),
            f("humidity", Metric::RelativeHumidity),
            f("co2", Metric::Co2),
            f("pressure", Metric::BarometricPressure),
            f("pm25", Metric::Pm25),
            f("illuminance_lux", Metric::Illuminance),
            // Zigbee2MQTT 2.x reports lux as `illuminance` (1.x: a raw value
            // beside `illuminance_lux`, which wins when both come).
            f("illuminance", Metric::Illuminance),
            f("battery", Metric::Battery),
            f("power", Metric::ActivePower),
            f("energy", Metric::ElectricEnergy),
            // A contact sensor reports true while the magnet touches: closed.
            state("contact", Metric::Door, true),
            state("water_leak", Metric::Leak, false),
        ],
        // occupancy is a motion flag, not a count; voltage is the battery's
        // mV on sensors and the mains on plugs; linkquality is LQI, not dBm.
        ignored: &[
            "occupancy",
            "voltage",
            "linkquality",
            "last_seen",
            "device_temperature",
            "battery_low",
            "tamper",
            "current",
        ],
    },
];

/// Lower case, letters and digits only: `Milesight AM-319` → `milesightam319`.
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The built-in table for a device model string, if one fits.
pub fn model_for(model: &str) -> Option<&'static Model> {
    let model = normalise(model);
    if model.is_empty() {
        return None;
    }
    MODELS
        .iter()
        .find(|m| m.tokens.iter().any(|t| model.contains(t)))
}

/// Where `key` stands in `model`'s table (earlier wins when two keys give
/// the same metric, as `illuminance_lux` over `illuminance`); keys not in it
/// come after.
pub fn precedence(model: Option<&Model>, key: &str) -> usize {
    let table = model.unwrap_or(&GENERIC);
    let lower = key.to_ascii_lowercase();
    (table.fields.iter().position(|f| f.key == lower)).unwrap_or(usize::MAX)
}

/// A decoded value as a payload carries it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw<'a> {
    Number(f64),
    Bool(bool),
    Text(&'a str),
}

impl<'a> Raw<'a> {
    /// From JSON; `None` for null, arrays and objects.
    pub fn of(value: &'a serde_json::Value) -> Option<Raw<'a>> {
        match value {
            serde_json::Value::Number(n) => n.as_f64().map(Raw::Number),
            serde_json::Value::Bool(b) => Some(Raw::Bool(*b)),
            serde_json::Value::String(s) => Some(Raw::Text(s)),
            _ => None,
        }
    }
}

/// What one decoded key becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// A reading of `metric`, in its canonical unit unless `keep_unit` (the
    /// payload's own unit then applies, as in SenML).
    Reading {
        metric: Metric,
        value: f64,
        keep_unit: bool,
    },
    /// A key the model sends that Cairn does not measure.
    Ignored,
    /// No table knows the key.
    Unknown,
    /// The key is known but its value is not usable; why.
    Bad(String),
}

/// Decodes `key` = `raw` for a device of `model` (none: [`GENERIC`]).
/// Keys compare case-insensitively; a metric's own name always works.
pub fn decode(model: Option<&Model>, key: &str, raw: Raw) -> Decoded {
    let table = model.unwrap_or(&GENERIC);
    let lower = key.to_ascii_lowercase();
    // The model's own words first: its `voltage` may be a battery's, not
    // the mains voltage metric of that name.
    if table.ignored.contains(&lower.as_str()) {
        return Decoded::Ignored;
    }
    let field = (table.fields.iter().find(|f| f.key == lower))
        .copied()
        .or_else(|| {
            let metric = Metric::parse(&lower)?;
            let conv = if metric.is_boolean() {
                Conv::State { inverted: false }
            } else {
                Conv::Same
            };
            Some(Field {
                key: metric.name(),
                metric,
                conv,
            })
        });
    let Some(field) = field else {
        return if table.ignored.contains(&lower.as_str())
            || GENERIC.ignored.contains(&lower.as_str())
        {
            Decoded::Ignored
        } else {
            Decoded::Unknown
        };
    };
    let reading = |value: f64, keep_unit: bool| Decoded::Reading {
        metric: field.metric,
        value,
        keep_unit,
    };
    match (field.conv, raw) {
        (Conv::State { inverted }, raw) => match state_of(raw) {
            Some(on) => reading(f64::from(u8::from(on != inverted)), false),
            None => Decoded::Bad(format!(
                "{key:?} must be a state (true/false, 1/0, open/closed, leak/normal)"
            )),
        },
        (_, Raw::Text(_) | Raw::Bool(_)) => Decoded::Bad(format!("{key:?} must be a number")),
        (Conv::Same, Raw::Number(v)) => reading(v, true),
        (Conv::Scale(k), Raw::Number(v)) => reading(v * k, false),
        (Conv::Curve(points), Raw::Number(v)) => reading(on_curve(points, v), false),
    }
}

/// `v` read on a piecewise-linear curve of `(raw, value)` points in rising
/// order, clamped to its ends.
fn on_curve(points: &[(f64, f64)], v: f64) -> f64 {
    let (Some(&(x0, y0)), Some(&(xn, yn))) = (points.first(), points.last()) else {
        return v;
    };
    if v <= x0 {
        return y0;
    }
    if v >= xn {
        return yn;
    }
    let segment = points.windows(2).find(|w| v <= w[1].0);
    let Some(&[(xa, ya), (xb, yb)]) = segment else {
        return yn;
    };
    ya + (v - xa) / (xb - xa) * (yb - ya)
}

/// true = on (open, water, alarm), false = off.
fn state_of(raw: Raw) -> Option<bool> {
    match raw {
        Raw::Bool(b) => Some(b),
        Raw::Number(0.0) => Some(false),
        Raw::Number(1.0) => Some(true),
        Raw::Number(_) => None,
        Raw::Text(t) => match t.to_ascii_lowercase().as_str() {
            "open" | "opened" | "leak" | "leaking" | "wet" | "alarm" | "detected" | "on"
            | "true" | "yes" => Some(true),
            "close" | "closed" | "normal" | "dry" | "off" | "false" | "no" | "idle" => Some(false),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(model: &str, key: &str, raw: Raw) -> Option<(Metric, f64)> {
        match decode(model_for(model), key, raw) {
            Decoded::Reading { metric, value, .. } => Some((metric, value)),
            _ => None,
        }
    }

    #[test]
    fn models_are_found_by_their_name_however_written() {
        assert_eq!(
            model_for("Milesight AM319").unwrap().name,
            "Milesight AM319"
        );
        assert_eq!(model_for("AM319-868M").unwrap().name, "Milesight AM319");
        assert_eq!(
            model_for("milesight em300-mcs").unwrap().name,
            "Milesight EM300"
        );
        assert_eq!(model_for("Elsys ERS CO2").unwrap().name, "Elsys ERS");
        assert_eq!(model_for("Dragino LHT65N").unwrap().name, "Dragino LHT65");
        assert!(model_for("Acme Thermo 9000").is_none());
        assert!(model_for("").is_none());
    }

    #[test]
    fn the_same_key_means_what_each_model_says() {
        // Battery in % on a Milesight, in volts on a Dragino, in mV on an Elsys.
        assert_eq!(
            reading("AM103", "battery", Raw::Number(87.0)),
            Some((Metric::Battery, 87.0))
        );
        // On the cell's curve: Dragino's "good" is well above the 20 % warning,
        // its "low" band under it.
        let battery = |model: &str, key: &str, v: f64| reading(model, key, Raw::Number(v)).unwrap();
        assert_eq!(battery("LHT65", "BatV", 3.05).0, Metric::Battery);
        assert!((battery("LHT65", "BatV", 3.05).1 - 95.0).abs() < 1e-9);
        assert!((battery("LHT65", "BatV", 2.70).1 - 48.0).abs() < 1e-9);
        assert!((battery("LHT65", "BatV", 2.525).1 - 15.0).abs() < 1e-9);
        assert_eq!(battery("LHT65", "BatV", 2.1).1, 0.0);
        assert_eq!(battery("LHT65", "BatV", 3.6).1, 100.0);
        assert_eq!(battery("Elsys ERS", "vdd", 3_600.0).1, 100.0);
        assert_eq!(battery("Elsys ERS", "vdd", 3_300.0).1, 20.0);
        // A Zigbee contact is true when closed; a Milesight magnet says "open".
        assert_eq!(
            reading("zigbee2mqtt", "contact", Raw::Bool(true)),
            Some((Metric::Door, 0.0))
        );
        assert_eq!(
            reading("zigbee2mqtt", "contact", Raw::Bool(false)),
            Some((Metric::Door, 1.0))
        );
        assert_eq!(
            reading("EM300-MCS", "magnet_status", Raw::Text("open")),
            Some((Metric::Door, 1.0))
        );
        assert_eq!(
            reading("EM300-SLD", "leakage_status", Raw::Text("normal")),
            Some((Metric::Leak, 0.0))
        );
        // Dragino's names.
        assert_eq!(
            reading("LHT65", "TempC_SHT", Raw::Number(21.3)),
            Some((Metric::AirTemperature, 21.3))
        );
        assert_eq!(
            reading("AM319", "pm2_5", Raw::Number(8.0)),
            Some((Metric::Pm25, 8.0))
        );
    }

    #[test]
    fn ignored_unknown_and_bad_keys_are_told_apart() {
        assert_eq!(
            decode(model_for("AM319"), "light_level", Raw::Number(3.0)),
            Decoded::Ignored
        );
        assert_eq!(
            decode(model_for("AM319"), "rssi", Raw::Number(-80.0)),
            Decoded::Unknown
        );
        assert_eq!(
            decode(None, "rssi", Raw::Number(-80.0)).clone(),
            Decoded::Reading {
                metric: Metric::Signal,
                value: -80.0,
                keep_unit: true
            }
        );
        assert_eq!(
            decode(None, "wind_speed", Raw::Number(3.0)),
            Decoded::Unknown
        );
        assert!(matches!(
            decode(None, "co2", Raw::Text("high")),
            Decoded::Bad(_)
        ));
        assert!(matches!(
            decode(None, "water_leak", Raw::Number(2.0)),
            Decoded::Bad(_)
        ));
        // A metric's own name works for every model.
        assert_eq!(
            reading("AM319", "relative_humidity", Raw::Number(40.0)),
            Some((Metric::RelativeHumidity, 40.0))
        );
        assert_eq!(
            reading("Acme", "door", Raw::Bool(true)),
            Some((Metric::Door, 1.0))
        );
    }
}
