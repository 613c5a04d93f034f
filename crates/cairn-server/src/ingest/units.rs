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
        (Metric::Pm25 | Metric::Pm10 | Metric::Tvoc, "ug/m3") => (1.0, 0.0),
        (Metric::Pm25 | Metric::Pm10 | Metric::Tvoc, "kg/m3") => (1e9, 0.0),
        (Metric::Illuminance, "lx") => (1.0, 0.0),
        (Metric::SoundLevel, "dBA" | "dB") => (1.0, 0.0),
        (Metric::BarometricPressure, "hPa") => (1.0, 0.0),
        (Metric::BarometricPressure, "Pa") => (0.01, 0.0),
        (Metric::BarometricPressure, "kPa") => (10.0, 0.0),
        (Metric::BarometricPressure, "bar") => (1000.0, 0.0),
        (Metric::ActivePower, "W") => (1.0, 0.0),
        (Metric::ActivePower, "kW") => (1000.0, 0.0),
        (Metric::Voltage, "V") => (1.0, 0.0),
        (Metric::Voltage, "mV") => (1e-3, 0.0),
        (Metric::HeatEnergy, "kWh") => (1.0, 0.0),
        (Metric::HeatEnergy, "MWh") => (1000.0, 0.0),
        (Metric::HeatEnergy, "J") => (1.0 / 3.6e6, 0.0),
        (Metric::HeatEnergy, "GJ") => (1e9 / 3.6e6, 0.0),
        (Metric::GasVolume | Metric::WaterVolume, "m3") => (1.0, 0.0),
        (Metric::GasVolume | Metric::WaterVolume, "l") => (1e-3, 0.0),
        (Metric::OutdoorTemperature, "Cel") => (1.0, 0.0),
        (Metric::OutdoorTemperature, "K") => (1.0, -273.15),
        // An admin's metric takes its own unit only.
        (Metric::Custom(_), u) if u == metric.unit() => (1.0, 0.0),
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
        Metric::Pm25 | Metric::Pm10 | Metric::Tvoc => "ug/m3 or kg/m3",
        Metric::Illuminance => "lx",
        Metric::SoundLevel => "dBA or dB",
        Metric::BarometricPressure => "hPa, Pa, kPa or bar",
        Metric::ActivePower => "W or kW",
        Metric::Voltage => "V or mV",
        Metric::HeatEnergy => "kWh, MWh, J or GJ",
        Metric::GasVolume | Metric::WaterVolume => "m3 or l",
        Metric::OutdoorTemperature => "Cel or K",
        Metric::Custom(_) if metric.unit().is_empty() => "no unit",
        Metric::Custom(_) => metric.unit(),
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
            (Metric::BarometricPressure, "Pa", 101_325.0, Some(1013.25)),
            (Metric::Pm25, "ug/m3", 12.0, Some(12.0)),
            (Metric::HeatEnergy, "MWh", 1.5, Some(1500.0)),
            (Metric::GasVolume, "l", 2500.0, Some(2.5)),
            (Metric::ActivePower, "kW", 1.2, Some(1200.0)),
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
