//! Scales: value ticks (1-2-5 steps) and time ticks on the site's calendar.
//! A time zone is a function from UTC to its offset (ms), so this stays pure:
//! the browser answers it with `Intl`, tests with a fixed offset.

use chrono::{DateTime, Datelike, Months, NaiveDate, Timelike};

/// A value axis: its range and the ticks to label.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueScale {
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<f64>,
}

impl ValueScale {
    /// A scale around `[lo, hi]` with about `count` ticks, widened to the
    /// ticks around it, so a flat line is not drawn along the frame.
    pub fn around(lo: f64, hi: f64, count: usize) -> ValueScale {
        let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
            (true, true) if hi > lo => (lo, hi),
            (true, true) => (
                lo - 1.0_f64.max(lo.abs() * 0.05),
                hi + 1.0_f64.max(hi.abs() * 0.05),
            ),
            _ => (0.0, 1.0),
        };
        let step = nice_step((hi - lo) / count.max(2) as f64);
        let min = (lo / step).floor() * step;
        let max = (hi / step).ceil() * step;
        let ticks = (0..=((max - min) / step).round() as usize)
            .map(|i| min + i as f64 * step)
            .collect();
        ValueScale { min, max, ticks }
    }

    /// Pixel row of `v` in a plot `top..top + height` (up is larger).
    pub fn y(&self, v: f64, top: f64, height: f64) -> f64 {
        top + height - (v - self.min) / (self.max - self.min) * height
    }

    pub fn value_at(&self, y: f64, top: f64, height: f64) -> f64 {
        self.min + (top + height - y) / height * (self.max - self.min)
    }

    /// Decimals its tick labels need.
    pub fn decimals(&self) -> usize {
        let step = self
            .ticks
            .get(1)
            .zip(self.ticks.first())
            .map_or(1.0, |(b, a)| b - a);
        (-step.log10().floor()).max(0.0) as usize
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    let raw = if raw > 0.0 && raw.is_finite() {
        raw
    } else {
        1.0
    };
    let power = 10f64.powf(raw.log10().floor());
    let f = raw / power;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// How far apart time ticks are: fixed steps in ms, or calendar months.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Ms(i64),
    Months(u32),
}

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const STEPS: [Step; 20] = [
    Step::Ms(1_000),
    Step::Ms(5_000),
    Step::Ms(15_000),
    Step::Ms(30_000),
    Step::Ms(MIN),
    Step::Ms(2 * MIN),
    Step::Ms(5 * MIN),
    Step::Ms(10 * MIN),
    Step::Ms(15 * MIN),
    Step::Ms(30 * MIN),
    Step::Ms(HOUR),
    Step::Ms(2 * HOUR),
    Step::Ms(3 * HOUR),
    Step::Ms(6 * HOUR),
    Step::Ms(12 * HOUR),
    Step::Ms(DAY),
    Step::Ms(2 * DAY),
    Step::Ms(7 * DAY),
    Step::Months(1),
    Step::Months(3),
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A labelled time tick.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeTick {
    pub t: i64,
    pub label: String,
}

/// Ticks for `[from, to)` at most every `min_gap_ms`, on round local times
/// of the zone whose offset `offset(t)` gives, labelled as people read them:
/// `14:30`, `22 Nov` at midnight, `Nov 2026` for months.
pub fn time_ticks(
    from: i64,
    to: i64,
    min_gap_ms: i64,
    offset: &dyn Fn(i64) -> i64,
) -> Vec<TimeTick> {
    let step = STEPS
        .iter()
        .copied()
        .find(|s| match s {
            Step::Ms(ms) => *ms >= min_gap_ms,
            Step::Months(m) => i64::from(*m) * 30 * DAY >= min_gap_ms,
        })
        .unwrap_or(Step::Months(12));
    let mut ticks = Vec::new();
    match step {
        Step::Ms(ms) => {
            // Weeks start on Monday (1970-01-01 was a Thursday).
            let shift = if ms == 7 * DAY { 4 * DAY } else { 0 };
            let floor = |local: i64| (local - shift).div_euclid(ms) * ms + shift;
            let mut t = floor(from + offset(from)) - offset(from);
            while t < to && ticks.len() < 500 {
                // Snap to the local grid again: an offset change (DST) moves it.
                let snapped = floor(t + offset(t) + ms / 2);
                let at = snapped - offset(t);
                if at >= from && at < to && ticks.last().is_none_or(|l: &TimeTick| l.t < at) {
                    ticks.push(TimeTick {
                        t: at,
                        label: label(snapped, ms),
                    });
                }
                t = at.max(t) + ms;
            }
        }
        Step::Months(m) => {
            let Some(start) = local_date(from + offset(from)) else {
                return ticks;
            };
            let mut month = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).expect("day 1");
            while ticks.len() < 500 {
                let local = month
                    .and_hms_opt(0, 0, 0)
                    .expect("midnight")
                    .and_utc()
                    .timestamp_millis();
                let t = local - offset(local);
                if t >= to {
                    break;
                }
                if t >= from && month.month0().is_multiple_of(m) {
                    let label = if month.month() == 1 {
                        month.year().to_string()
                    } else {
                        MONTHS[month.month0() as usize].to_owned()
                    };
                    ticks.push(TimeTick { t, label });
                }
                let Some(next) = month.checked_add_months(Months::new(1)) else {
                    break;
                };
                month = next;
            }
        }
    }
    ticks
}

fn local_date(local_ms: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(local_ms).map(|d| d.date_naive())
}

/// The label of a tick at local time `local_ms` for a step of `step_ms`.
fn label(local_ms: i64, step_ms: i64) -> String {
    let Some(dt) = DateTime::from_timestamp_millis(local_ms) else {
        return String::new();
    };
    let midnight = dt.hour() == 0 && dt.minute() == 0 && dt.second() == 0;
    if step_ms >= DAY || midnight {
        format!("{} {}", dt.day(), MONTHS[dt.month0() as usize])
    } else if step_ms < MIN {
        format!("{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second())
    } else {
        format!("{:02}:{:02}", dt.hour(), dt.minute())
    }
}

/// `22 Nov 2026 14:05:30`, for tooltips and tables, in local time.
pub fn full_time(t: i64, offset: &dyn Fn(i64) -> i64) -> String {
    DateTime::from_timestamp_millis(t + offset(t))
        .map(|d| {
            let (day, month, year) = (d.day(), MONTHS[d.month0() as usize], d.year());
            let (h, m, s) = (d.hour(), d.minute(), d.second());
            format!("{day} {month} {year} {h:02}:{m:02}:{s:02}")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brussels in winter and summer, switching at 2026-03-29 01:00 UTC.
    fn brussels(t: i64) -> i64 {
        if (1_774_746_000_000..1_792_890_000_000).contains(&t) {
            2 * HOUR
        } else {
            HOUR
        }
    }

    #[test]
    fn value_ticks_are_round_and_cover_the_data() {
        let s = ValueScale::around(412.0, 1_187.0, 5);
        assert_eq!(s.ticks, vec![400.0, 600.0, 800.0, 1_000.0, 1_200.0]);
        assert!(s.min <= 412.0 && s.max >= 1_187.0);
        let flat = ValueScale::around(21.5, 21.5, 5);
        assert!(flat.min < 21.5 && flat.max > 21.5, "{flat:?}");
        assert_eq!(ValueScale::around(20.0, 21.0, 5).decimals(), 1);
        assert_eq!(
            ValueScale::around(f64::NAN, 1.0, 5).ticks.first(),
            Some(&0.0)
        );
    }

    #[test]
    fn hour_ticks_fall_on_local_hours_across_a_dst_change() {
        // 2026-03-28 22:00 UTC to 2026-03-29 04:00 UTC: 23:00 CET → 06:00 CEST.
        let from = 1_774_735_200_000;
        let ticks = time_ticks(from, from + 6 * HOUR, 50 * MIN, &brussels);
        let labels: Vec<&str> = ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            ["23:00", "29 Mar", "01:00", "03:00", "04:00", "05:00"]
        );
    }

    #[test]
    fn long_spans_get_days_weeks_and_months() {
        let from = 1_767_225_600_000; // 2026-01-01 00:00 UTC
        let days = time_ticks(from, from + 7 * DAY, 20 * HOUR, &|_| 0);
        assert_eq!(days.len(), 7);
        assert_eq!(days[0].label, "1 Jan");
        let weeks = time_ticks(from, from + 60 * DAY, 5 * DAY, &|_| 0);
        assert_eq!(weeks[0].label, "5 Jan", "weeks start on Monday");
        let months = time_ticks(from, from + 365 * DAY, 25 * DAY, &|_| 0);
        let labels: Vec<&str> = months.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels[..3], ["2026", "Feb", "Mar"]);
        assert_eq!(months.len(), 12);
    }
}
