//! Units a device may send for each metric (SenML, RFC 8428, and the RFC 8798
//! secondary units), normalised to the metric's canonical unit.

use cairn_protocol::Metric;

/// Converts `value` in `unit` to the metric's canonical unit, or `None` if
/// that unit cannot measure this metric.
pub fn normalise(metric: Metric, unit: &str, value: f64) -> Option<f64> {
    let factor_offset = match (metric, unit) {
        (Metric::AirTemperature, "Cel") => (1.0, 0.0),
        (Metric::AirTemperature, "K") => (1.0, -273.15),
        (Metric::RelativeHumidity, "%RH") => (1.0, 0.0),
        (Metric::RelativeHumidity, "/") => (100.0, 0.0), // a ratio 0..1
        (Metric::Co2, "ppm") => (1.0, 0.0),
        (Metric::Co2, "/") => (1e6, 0.0),
        (Metric::Occupancy, "count") => (1.0, 0.0),
        (Metric::ElectricEnergy, "kWh") => (1.0, 0.0),
        (Metric::ElectricEnergy, "Wh") => (1e-3, 0.0),
        (Metric::ElectricEnergy, "J") => (1.0 / 3.6e6, 0.0),
        (Metric::WaterFlow, "l/s") => (1.0, 0.0),
        (Metric::WaterFlow, "m3/s") => (1000.0, 0.0),
        (Metric::Battery, "%EL") => (1.0, 0.0),
        (Metric::Battery, "/") => (100.0, 0.0),
        (Metric::Signal, "dBm") => (1.0, 0.0),
        _ => return None,
    };
    Some(value * factor_offset.0 + factor_offset.1)
}

/// The units accepted for a metric, for error messages.
pub fn accepted(metric: Metric) -> &'static str {
    match metric {
        Metric::AirTemperature => "Cel or K",
        Metric::RelativeHumidity => "%RH or / (ratio)",
        Metric::Co2 => "ppm or / (ratio)",
        Metric::Occupancy => "count",
        Metric::ElectricEnergy => "kWh, Wh or J",
        Metric::WaterFlow => "l/s or m3/s",
        Metric::Leak | Metric::Door => "no unit (send vb, a boolean)",
        Metric::Battery => "%EL or / (ratio)",
        Metric::Signal => "dBm",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_unit_lands_in_the_canonical_one() {
        for (metric, unit, value, expected) in [
            (Metric::AirTemperature, "Cel", 21.5, Some(21.5)),
            (Metric::AirTemperature, "K", 294.65, Some(21.5)),
            (Metric::RelativeHumidity, "%RH", 45.0, Some(45.0)),
            (Metric::RelativeHumidity, "/", 0.45, Some(45.0)),
            (Metric::Co2, "ppm", 800.0, Some(800.0)),
            (Metric::Co2, "/", 0.0008, Some(800.0)),
            (Metric::Occupancy, "count", 3.0, Some(3.0)),
            (Metric::ElectricEnergy, "kWh", 2.0, Some(2.0)),
            (Metric::ElectricEnergy, "Wh", 2000.0, Some(2.0)),
            (Metric::ElectricEnergy, "J", 7.2e6, Some(2.0)),
            (Metric::AirTemperature, "degF", 70.0, None),
            (Metric::Co2, "Cel", 800.0, None),
        ] {
            let got = normalise(metric, unit, value);
            match (got, expected) {
                (Some(g), Some(e)) => assert!((g - e).abs() < 1e-9, "{metric:?} {unit}: {g} ≠ {e}"),
                _ => assert_eq!(got, expected, "{metric:?} {unit}"),
            }
        }
    }
}
