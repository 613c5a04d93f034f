//! Words and numbers of the inventory: kind labels, counts, places,
//! intervals, battery outlooks. Pure except `day_in` (the browser's Intl).

use cairn_protocol::{DeviceKind, DeviceSummary, health::BatteryOutlook};

/// `Multisensor`, `Leak sensor`…
pub fn kind_label(k: DeviceKind) -> &'static str {
    match k {
        DeviceKind::Multisensor => "Multisensor",
        DeviceKind::Thermometer => "Thermometer",
        DeviceKind::LeakSensor => "Leak sensor",
        DeviceKind::DoorContact => "Door contact",
        DeviceKind::ElectricityMeter => "Electricity meter",
        DeviceKind::WaterMeter => "Water meter",
    }
}

/// `1,234`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1,234 devices`, `1 device`.
pub fn devices(n: u64) -> String {
    format!("{} device{}", count(n), if n == 1 { "" } else { "s" })
}

/// The place ids from the site down, `bru / bru-a / bru-a-f0 / bru-a-f0-z02`.
pub fn place(d: &DeviceSummary) -> String {
    std::iter::once(&d.site_id)
        .chain(d.building_id.iter())
        .chain(d.floor_id.iter())
        .chain(d.zone_id.iter())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" / ")
}

/// `every 10 min`, `every 30 s`, `every 2 h`.
pub fn interval(s: u32) -> String {
    match s {
        0..=119 => format!("every {s} s"),
        _ if s.is_multiple_of(3_600) => format!("every {} h", s / 3_600),
        120..=7_199 if s.is_multiple_of(60) => format!("every {} min", s / 60),
        120..=7_199 => format!("every {:.1} min", f64::from(s) / 60.0),
        _ => format!("every {:.1} h", f64::from(s) / 3_600.0),
    }
}

/// `62 %`.
pub fn percent(v: f64) -> String {
    format!("{v:.0}\u{a0}%")
}

/// `−0.04 %/day`.
pub fn slope(o: &BatteryOutlook) -> String {
    format!("{:+.2}\u{a0}%/day", o.slope_per_day)
}

/// `3 Mar 2027` in an IANA time zone (the browser's Intl does the zone maths).
pub fn day_in(ms: i64, time_zone: &str) -> String {
    crate::format::intl(
        ms as f64,
        &[
            ("timeZone", time_zone),
            ("day", "numeric"),
            ("month", "short"),
            ("year", "numeric"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_intervals_read_well() {
        let check = |n, s: &str| assert_eq!(count(n), s);
        check(0, "0");
        check(999, "999");
        check(1_234, "1,234");
        check(1_234_567, "1,234,567");
        assert_eq!(devices(1), "1 device");
        assert_eq!(devices(1_234), "1,234 devices");
        assert_eq!(interval(30), "every 30 s");
        assert_eq!(interval(600), "every 10 min");
        assert_eq!(interval(150), "every 2.5 min");
        assert_eq!(interval(3_600), "every 1 h");
        assert_eq!(interval(86_400), "every 24 h");
    }
}
