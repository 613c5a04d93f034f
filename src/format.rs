//! Formatting for display: values with units, ages, times in a site's time zone.

use cairn_protocol::Metric;

/// `21.4 °C`, `812 ppm`, `123 456 kWh`: precision per metric, thin-space grouping.
pub fn value(metric: Metric, v: f64) -> String {
    let number = match metric {
        Metric::ElectricEnergy | Metric::HeatEnergy => group_thousands(v.round() as i64),
        Metric::Leak => return (if v != 0.0 { "Water!" } else { "Dry" }).to_owned(),
        Metric::Door => return (if v != 0.0 { "Open" } else { "Closed" }).to_owned(),
        _ => format!("{v:.*}", metric.precision()),
    };
    format!("{number}\u{a0}{}", metric.display_unit())
}

fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// How long ago, coarsely: `just now`, `12 s ago`, `4 min ago`, `3 h ago`, `2 d ago`.
pub fn age(ms: f64) -> String {
    let s = (ms / 1000.0).max(0.0).floor() as u64;
    match s {
        0..=1 => "just now".to_owned(),
        2..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86_400),
    }
}

/// A reading is stale when nothing came for three reporting intervals (DOMAIN.md).
pub fn is_stale(age_ms: f64, interval_s: u32) -> bool {
    age_ms > 3.0 * f64::from(interval_s) * 1000.0
}

/// A browser `Intl.DateTimeFormat` for `locale` and `options`, made once per
/// pair and kept: making one costs far more than formatting (the overview's
/// site clocks follow every live message). A time zone the browser does not
/// know falls back to UTC instead of throwing.
fn formatter(locale: &str, options: &[(&str, &str)]) -> js_sys::Intl::DateTimeFormat {
    use js_sys::{Array, Function, Object, Reflect};
    use std::{cell::RefCell, collections::HashMap};
    use wasm_bindgen::JsCast;
    thread_local! {
        static MADE: RefCell<HashMap<String, js_sys::Intl::DateTimeFormat>> =
            RefCell::new(HashMap::new());
    }
    let key: String = std::iter::once(locale)
        .chain(options.iter().flat_map(|(k, v)| [";", *k, "=", *v]))
        .collect();
    if let Some(made) = MADE.with(|m| m.borrow().get(&key).cloned()) {
        return made;
    }
    // Built outside any borrow, through `Reflect::construct`, which returns
    // the RangeError of an unknown zone instead of throwing through Rust.
    let make = |zone_fallback: bool| {
        let opts = Object::new();
        for (k, v) in options {
            let v = if zone_fallback && *k == "timeZone" {
                "UTC"
            } else {
                v
            };
            let _ = Reflect::set(&opts, &(*k).into(), &v.into());
        }
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let class: Function = Reflect::get(&intl, &"DateTimeFormat".into())
            .ok()?
            .dyn_into()
            .ok()?;
        Reflect::construct(&class, &Array::of2(&locale.into(), &opts))
            .ok()
            .map(JsCast::unchecked_into::<js_sys::Intl::DateTimeFormat>)
    };
    let made = make(false)
        .or_else(|| make(true))
        .unwrap_or_else(|| js_sys::Intl::DateTimeFormat::new(&Array::new(), &Object::new()));
    MADE.with(|m| m.borrow_mut().insert(key, made.clone()));
    made
}

/// Makes the first `Intl.DateTimeFormat` of the tab, in a browser task of its
/// own. The first one loads the browser's locale data: 11–17 ms in headless
/// Chromium 156 (later ones about 0.1 ms). Called while the app waits for its
/// first live data, so that cost is not part of the task that builds the
/// overview from the snapshot (one long task less on a tablet's first load).
pub fn warm_up() {
    leptos::prelude::set_timeout(
        || {
            let _ = time_in_zone(js_sys::Date::now(), "UTC");
        },
        std::time::Duration::ZERO,
    );
}

/// Formats a time with the browser's `Intl.DateTimeFormat` (en-GB) and these
/// options (see `formatter`).
pub fn intl(ms: f64, options: &[(&str, &str)]) -> String {
    let formatter = formatter("en-GB", options);
    formatter
        .format()
        .call1(&formatter, &js_sys::Date::new(&ms.into()))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// The UTC offset (ms) of an IANA time zone at `ms`, from the browser's Intl
/// (one kept formatter per zone: charts ask for every tick and tooltip).
pub fn zone_offset(ms: i64, time_zone: &str) -> i64 {
    let formatter = formatter(
        "en-US",
        &[
            ("timeZone", time_zone),
            ("hourCycle", "h23"),
            ("year", "numeric"),
            ("month", "2-digit"),
            ("day", "2-digit"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("second", "2-digit"),
        ],
    );
    let text = formatter
        .format()
        .call1(&formatter, &js_sys::Date::new(&(ms as f64).into()))
        .ok()
        .and_then(|s| s.as_string());
    // "11/22/2026, 14:05:03"
    let parts: Vec<u32> = text
        .unwrap_or_default()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    let [month, day, year, hour, minute, second] = parts[..] else {
        return 0;
    };
    let local = js_sys::Date::utc(f64::from(year), f64::from(month) - 1.0)
        + (f64::from(day) - 1.0) * 86_400_000.0
        + f64::from(hour % 24) * 3_600_000.0
        + f64::from(minute) * 60_000.0
        + f64::from(second) * 1_000.0;
    local as i64 - ms.div_euclid(1_000) * 1_000
}

/// `14:05` in the given IANA time zone (the browser's Intl does the zone maths).
pub fn time_in_zone(ms: f64, time_zone: &str) -> String {
    intl(
        ms,
        &[
            ("timeZone", time_zone),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
        ],
    )
}

/// How names sort for people: case-insensitive, leading punctuation ignored.
pub fn sort_key(name: &str) -> String {
    name.trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// `22 Nov 2026, 14:05` in the browser's time zone (account events belong to
/// the person reading them, not to a site).
pub fn date_time(ms: i64) -> String {
    intl(
        ms as f64,
        &[
            ("day", "numeric"),
            ("month", "short"),
            ("year", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
        ],
    )
}

/// `30 Nov 2026, 14:05 CET` in a site's IANA time zone, the zone named.
pub fn date_time_in(ms: i64, time_zone: &str) -> String {
    intl(
        ms as f64,
        &[
            ("timeZone", time_zone),
            ("day", "numeric"),
            ("month", "short"),
            ("year", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
            ("timeZoneName", "short"),
        ],
    )
}

/// The browser's IANA time zone, e.g. `Europe/Brussels`.
pub fn browser_zone() -> String {
    use js_sys::{Array, Intl::DateTimeFormat, Object, Reflect};
    let formatter = DateTimeFormat::new(&Array::new(), &Object::new());
    Reflect::get(&formatter.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
        .unwrap_or_else(|| "local".to_owned())
}

/// `2026-11-30T14:05`: UTC ms as a `datetime-local` input shows it, in the
/// browser's time zone.
pub fn local_input(ms: i64) -> String {
    let d = js_sys::Date::new(&(ms as f64).into());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// A `datetime-local` input's value (the browser's time zone) as UTC ms;
/// none when empty or not a date.
pub fn from_local_input(value: &str) -> Option<i64> {
    if value.trim().is_empty() {
        return None;
    }
    // A date-time without an offset is local time (ECMA-262 Date.parse).
    let t = js_sys::Date::new(&value.trim().into()).get_time();
    t.is_finite().then_some(t as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_their_unit_and_precision() {
        for (metric, v, expected) in [
            (Metric::AirTemperature, 21.44, "21.4\u{a0}°C"),
            (Metric::RelativeHumidity, 45.6, "46\u{a0}%"),
            (Metric::Co2, 812.0, "812\u{a0}ppm"),
            (Metric::Occupancy, 3.0, "3\u{a0}people"),
            (
                Metric::ElectricEnergy,
                1_234_567.4,
                "1\u{202f}234\u{202f}567\u{a0}kWh",
            ),
            (Metric::ElectricEnergy, 999.0, "999\u{a0}kWh"),
        ] {
            assert_eq!(value(metric, v), expected, "{metric:?} {v}");
        }
    }

    #[test]
    fn ages_read_like_a_person_would_say_them() {
        for (ms, expected) in [
            (0.0, "just now"),
            (-500.0, "just now"),
            (12_400.0, "12 s ago"),
            (240_000.0, "4 min ago"),
            (3.0 * 3_600_000.0, "3 h ago"),
            (2.0 * 86_400_000.0, "2 d ago"),
        ] {
            assert_eq!(age(ms), expected, "{ms}");
        }
    }

    #[test]
    fn stale_after_three_intervals() {
        assert!(!is_stale(30_000.0, 10));
        assert!(is_stale(30_001.0, 10));
    }
}
