//! The rules a new database starts with: DOMAIN.md's default thresholds,
//! comfort ones only during occupied hours (weekdays 07:00–19:00 local), so
//! the night set-back of the heating raises nothing. Editable like any other.

use cairn_protocol::{Condition, Metric, RuleSpec, Schedule, ScopeLevel, Severity};

fn rule(name: &str, metric: Option<Metric>, condition: Condition, severity: Severity) -> RuleSpec {
    RuleSpec {
        name: name.into(),
        scope: ScopeLevel::Everywhere,
        target: None,
        metric,
        condition,
        on_delay_s: 0,
        off_delay_s: 0,
        severity,
        schedule: None,
        enabled: true,
        description: String::new(),
        action: String::new(),
    }
}

fn band(low: f64, high: f64, deadband: f64) -> Condition {
    Condition::Outside {
        low,
        high,
        low_clear: low + deadband,
        high_clear: high - deadband,
    }
}

/// DOMAIN.md's thresholds as rules (sources: EN 16798-1 cat. II for
/// temperature, ASHRAE 55 for humidity, the German UBA guide values for CO2).
pub fn rules() -> Vec<RuleSpec> {
    use Metric::*;
    use Severity::*;
    let occupied = |mut r: RuleSpec, on_delay_s: i64, action: &str, description: &str| {
        r.schedule = Some(Schedule::occupied_hours());
        r.on_delay_s = on_delay_s;
        r.off_delay_s = 300;
        r.action = action.into();
        r.description = description.into();
        r
    };
    let with = |mut r: RuleSpec, on_delay_s: i64, action: &str, description: &str| {
        r.on_delay_s = on_delay_s;
        r.action = action.into();
        r.description = description.into();
        r
    };
    vec![
        occupied(
            rule(
                "Temperature outside comfort",
                Some(AirTemperature),
                band(19.0, 27.0, 0.5),
                Warning,
            ),
            900,
            "Check the room's heating or cooling and its set-point.",
            "EN 16798-1 category II, occupied hours only: night set-back is not an alarm.",
        ),
        occupied(
            rule(
                "Temperature far outside comfort",
                Some(AirTemperature),
                band(16.0, 30.0, 0.5),
                Critical,
            ),
            600,
            "Send someone: the heating or cooling of this zone has failed.",
            "Occupied hours only.",
        ),
        occupied(
            rule(
                "CO₂ high",
                Some(Co2),
                Condition::Above {
                    trigger: 1000.0,
                    clear: 900.0,
                },
                Warning,
            ),
            600,
            "Ventilate: check the air handling unit's schedule and dampers.",
            "UBA guide value: above 1,000 ppm the air is noticeably stale.",
        ),
        occupied(
            rule(
                "CO₂ very high",
                Some(Co2),
                Condition::Above {
                    trigger: 2000.0,
                    clear: 1800.0,
                },
                Critical,
            ),
            300,
            "Ventilate now; reduce occupancy if it persists.",
            "UBA guide value: above 2,000 ppm the air is unacceptable.",
        ),
        with(
            rule(
                "Humidity outside comfort",
                Some(RelativeHumidity),
                band(25.0, 65.0, 2.0),
                Warning,
            ),
            1800,
            "Check humidification and ventilation.",
            "ASHRAE 55: 30–60 %RH is comfortable.",
        ),
        with(
            rule(
                "Humidity extreme",
                Some(RelativeHumidity),
                band(15.0, 75.0, 2.0),
                Critical,
            ),
            1800,
            "Look for condensation, mould or a water ingress.",
            "",
        ),
        with(
            rule(
                "Battery low",
                Some(Battery),
                Condition::Below {
                    trigger: 20.0,
                    clear: 22.0,
                },
                Info,
            ),
            0,
            "Plan a battery change on the next round.",
            "",
        ),
        with(
            rule(
                "Battery empty",
                Some(Battery),
                Condition::Below {
                    trigger: 10.0,
                    clear: 12.0,
                },
                Warning,
            ),
            0,
            "Change the battery: the sensor will stop reporting soon.",
            "",
        ),
        with(
            rule(
                "Water leak",
                Some(Leak),
                Condition::Above {
                    trigger: 0.5,
                    clear: 0.5,
                },
                Critical,
            ),
            0,
            "Go and look now: water detected. Close the nearest valve.",
            "A leak is critical at once.",
        ),
        with(
            rule(
                "Sensor silent",
                None,
                Condition::NoData { after_s: None },
                Warning,
            ),
            0,
            "Check the device's power and its radio link.",
            "No data for three reporting intervals (DOMAIN.md staleness rule).",
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_default_rule_is_valid() {
        for r in super::rules() {
            assert_eq!(r.problems(), vec![], "{}", r.name);
        }
    }
}
