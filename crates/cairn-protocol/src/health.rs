//! Device health: the inventory's rules for telling a healthy device from a
//! silent, stuck, draining or badly connected one. Better than one fixed
//! timeout: each device is judged against its own history.
//!
//! Time is UTC epoch milliseconds (`i64`) throughout. Nothing here reads the
//! clock; where the present matters it is a `now_ms` parameter, so the rules
//! answer the same in tests, backfills and the simulator's fast time.

use serde::{Deserialize, Serialize};

use crate::Metric;

const DAY_MS: i64 = 86_400_000;
const MIN_GAPS: usize = 4;
const GAP_RING: usize = 16;
const MIN_READINGS_FOR_STUCK: u32 = 24;
const BATTERY_WINDOW_MS: i64 = 30 * DAY_MS;
/// A 10 % crossing further ahead than this (about ten years) is no forecast.
const BATTERY_HORIZON_MS: i64 = 3_650 * DAY_MS;

/// Battery level, in percent, at or below which a device is flagged
/// [`HealthFlag::LowBattery`]: low battery = latest battery reading ≤ 20 %.
/// The same number as the default battery warning threshold of DOMAIN.md
/// ([`Metric::default_thresholds`]).
pub const LOW_BATTERY_PERCENT: f64 = 20.0;

/// Median of a non-empty slice (even count: mean of the middle two, rounded down).
fn median(values: &mut [i64]) -> i64 {
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        let (a, b) = (values[n / 2 - 1], values[n / 2]);
        a + (b - a) / 2
    }
}

/// A device's expected reporting interval in ms, learned from its own uplink
/// times (UTC epoch ms, ascending, duplicates allowed).
///
/// Rule: the median of the positive gaps between consecutive times (a
/// duplicate or out-of-order pair gives no gap), when there are at least 4
/// such gaps; `None` otherwise. The median shrugs off a few dropouts (a
/// missed uplink doubles one gap) and bursts (a few short gaps).
pub fn learned_interval_ms(times: &[i64]) -> Option<i64> {
    let mut gaps: Vec<i64> = times
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .filter(|&g| g > 0)
        .collect();
    (gaps.len() >= MIN_GAPS).then(|| median(&mut gaps))
}

/// How long after its last uplink a device with reporting interval
/// `interval_ms` counts as silent, in ms: two missed intervals plus a margin,
/// `2 × interval + max(interval / 2, 60_000)`. A negative interval counts as 0.
///
/// This is the device rule of the inventory; the per-point staleness alarm
/// rule (no data for 3× the interval, DOMAIN.md) is separate.
pub fn silent_after_ms(interval_ms: i64) -> i64 {
    let i = interval_ms.max(0);
    i.saturating_mul(2).saturating_add((i / 2).max(60_000))
}

/// Whether a device is silent at `now_ms`: more than
/// [`silent_after_ms`]`(interval_ms)` has passed since its last uplink
/// (exactly that long is not yet silent).
///
/// A device never seen (`last_uplink_ms == None`) is not silent: that is the
/// separate state [`HealthFlag::NeverReported`].
pub fn is_silent(last_uplink_ms: Option<i64>, interval_ms: i64, now_ms: i64) -> bool {
    last_uplink_ms.is_some_and(|last| now_ms.saturating_sub(last) > silent_after_ms(interval_ms))
}

/// Whether callers judge points of `metric` for being stuck: true for
/// continuous quantities (air temperature, relative humidity, CO2, electric
/// energy, water flow). Booleans (door, leak) legitimately hold one state for
/// weeks, battery changes slowly by nature, and occupancy and signal are not
/// judged either; the caller decides, this is its list.
pub fn judged_for_stuck(metric: Metric) -> bool {
    matches!(
        metric,
        Metric::AirTemperature
            | Metric::RelativeHumidity
            | Metric::Co2
            | Metric::ElectricEnergy
            | Metric::WaterFlow
            | Metric::OutdoorTemperature
            | Metric::BarometricPressure
    )
}

/// A streaming tracker of one point's readings, fed one at a time with
/// [`PointClock::observe`], for the stuck-sensor rule and the point's learned
/// interval. Its size is fixed (a ring of the 16 most recent gaps), whatever
/// the length of the history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PointClock {
    readings: u32,
    last_ts: Option<i64>,
    last_value: f64,
    run_start_ms: i64,
    longest_earlier_run_ms: i64,
    gaps: [i64; GAP_RING],
    gap_len: usize,
    gap_next: usize,
}

impl PointClock {
    /// A tracker that has seen nothing.
    pub fn new() -> PointClock {
        PointClock::default()
    }

    /// Takes one reading (`ts` UTC epoch ms). A reading not newer than the
    /// newest one seen (older, or a resend in the same millisecond) is
    /// ignored, as is a NaN or infinite value. Values compare exactly
    /// (`f64 ==`): a stuck sensor repeats the very same number.
    pub fn observe(&mut self, ts: i64, value: f64) {
        if !value.is_finite() {
            return;
        }
        let Some(last_ts) = self.last_ts else {
            *self = PointClock {
                readings: 1,
                last_ts: Some(ts),
                last_value: value,
                run_start_ms: ts,
                ..PointClock::default()
            };
            return;
        };
        if ts <= last_ts {
            return;
        }
        self.readings = self.readings.saturating_add(1);
        self.gaps[self.gap_next] = ts.saturating_sub(last_ts);
        self.gap_next = (self.gap_next + 1) % GAP_RING;
        self.gap_len = (self.gap_len + 1).min(GAP_RING);
        if value != self.last_value {
            let run = ts.saturating_sub(self.run_start_ms);
            self.longest_earlier_run_ms = self.longest_earlier_run_ms.max(run);
            self.run_start_ms = ts;
            self.last_value = value;
        }
        self.last_ts = Some(ts);
    }

    /// Time of the newest reading taken, UTC ms.
    pub fn last_ts(&self) -> Option<i64> {
        self.last_ts
    }

    /// The point's interval in ms: the median of the (up to 16) most recent
    /// gaps between readings, once there are at least 4; `None` before.
    pub fn interval_ms(&self) -> Option<i64> {
        let mut gaps = self.gaps;
        (self.gap_len >= MIN_GAPS).then(|| median(&mut gaps[..self.gap_len]))
    }

    /// How long the current value has lasted, in ms: from the reading where it
    /// began to the newest reading (0 before any reading). Readings are the
    /// only clock; silence is [`is_silent`]'s business.
    pub fn stuck_for_ms(&self) -> i64 {
        self.last_ts
            .map_or(0, |t| t.saturating_sub(self.run_start_ms))
    }

    /// Whether the point looks stuck, given its interval `interval_ms`: the
    /// current value has lasted far longer than any run before it, more than
    /// `max(3 × longest earlier run, 12 × interval)`.
    ///
    /// Never stuck before 24 readings (too little is known), nor with a
    /// non-positive (unknown) interval. With no earlier change seen, only the
    /// 12-interval floor applies. Only meaningful for metrics that
    /// [`judged_for_stuck`] accepts; the caller decides.
    pub fn is_stuck(&self, interval_ms: i64) -> bool {
        if self.readings < MIN_READINGS_FOR_STUCK || interval_ms <= 0 {
            return false;
        }
        let limit = self
            .longest_earlier_run_ms
            .saturating_mul(3)
            .max(interval_ms.saturating_mul(12));
        self.stuck_for_ms() > limit
    }
}

/// Where a device's battery stands and where it is heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatteryOutlook {
    /// The newest sample's level, %.
    pub level: f64,
    /// Slope of the least-squares line over the window, % per day (negative:
    /// draining).
    pub slope_per_day: f64,
    /// When the fitted line reaches 10 % (UTC epoch ms), never earlier than
    /// the newest sample; the newest sample's time when its level is already
    /// ≤ 10 %; `None` when the line is flat or rising, or reaches 10 % only
    /// more than ten years after the newest sample.
    pub reaches_10_at: Option<i64>,
}

/// The battery outlook from `samples` (`(ts UTC epoch ms, percent)`, any
/// order) at `now_ms`.
///
/// Rule: a least-squares line over the samples of the last 30 days
/// (`now_ms − 30 d ≤ ts ≤ now_ms`); samples outside that window, or with a
/// level that is not a number within 0–100 %, are left out. `None` unless the
/// samples kept span at least one day (so at least 2 samples). The newest
/// sample (the later one in the slice on a tie) gives `level`. A battery swap
/// inside the window bends the line: the caller may pass only the samples
/// since the swap.
pub fn battery_outlook(samples: &[(i64, f64)], now_ms: i64) -> Option<BatteryOutlook> {
    let from = now_ms.saturating_sub(BATTERY_WINDOW_MS);
    let kept = || {
        samples
            .iter()
            .copied()
            .filter(move |&(ts, v)| ts >= from && ts <= now_ms && (0.0..=100.0).contains(&v))
    };
    let (newest_ts, level) = kept().reduce(|a, b| if b.0 >= a.0 { b } else { a })?;
    let oldest_ts = kept().map(|s| s.0).min()?;
    if newest_ts - oldest_ts < DAY_MS {
        return None;
    }
    // Days before the newest sample, so the sums stay small and exact.
    let day = |ts: i64| (ts - newest_ts) as f64 / DAY_MS as f64;
    let (mut n, mut sum_x, mut sum_y) = (0.0, 0.0, 0.0);
    for (ts, v) in kept() {
        n += 1.0;
        sum_x += day(ts);
        sum_y += v;
    }
    let (mean_x, mean_y) = (sum_x / n, sum_y / n);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (ts, v) in kept() {
        let dx = day(ts) - mean_x;
        sxy += dx * (v - mean_y);
        sxx += dx * dx;
    }
    let slope_per_day = sxy / sxx;
    if !slope_per_day.is_finite() {
        return None;
    }
    let reaches_10_at = if level <= 10.0 {
        Some(newest_ts)
    } else if slope_per_day < 0.0 {
        let after_ms = (mean_x + (10.0 - mean_y) / slope_per_day) * DAY_MS as f64;
        (after_ms.is_finite() && after_ms <= BATTERY_HORIZON_MS as f64)
            .then(|| newest_ts.saturating_add(after_ms.max(0.0).round() as i64))
    } else {
        None
    };
    Some(BatteryOutlook {
        level,
        slope_per_day,
        reaches_10_at,
    })
}

/// How good a LoRaWAN uplink's RSSI is. Bands as common LoRaWAN practice
/// gives them (e.g. The Things Network's guidance), boundaries inclusive:
/// good ≥ −100 dBm, fair −115 ≤ rssi < −100, poor below −115.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignalBand {
    Good,
    Fair,
    Poor,
}

impl SignalBand {
    /// The band of an RSSI in dBm; NaN is poor.
    pub fn from_dbm(rssi: f64) -> SignalBand {
        if rssi >= -100.0 {
            SignalBand::Good
        } else if rssi >= -115.0 {
            SignalBand::Fair
        } else {
            SignalBand::Poor
        }
    }

    /// The serde tag: `good`, `fair`, `poor`.
    pub fn name(self) -> &'static str {
        match self {
            SignalBand::Good => "good",
            SignalBand::Fair => "fair",
            SignalBand::Poor => "poor",
        }
    }

    /// Label for tables and tiles: `Good`, `Fair`, `Poor`.
    pub fn label(self) -> &'static str {
        match self {
            SignalBand::Good => "Good",
            SignalBand::Fair => "Fair",
            SignalBand::Poor => "Poor",
        }
    }
}

/// Something the inventory says about a device's health; a device carries
/// any number of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HealthFlag {
    /// No uplink for longer than [`silent_after_ms`] of its interval ([`is_silent`]).
    Silent,
    /// A judged point repeats one value far longer than ever ([`PointClock::is_stuck`]).
    Stuck,
    /// Latest battery reading ≤ [`LOW_BATTERY_PERCENT`].
    LowBattery,
    /// Latest RSSI in [`SignalBand::Poor`].
    WeakSignal,
    /// Inside a maintenance window.
    InMaintenance,
    /// Taken out of service in the inventory.
    Retired,
    /// Known to the inventory but no uplink ever (not [`HealthFlag::Silent`]).
    NeverReported,
}

impl HealthFlag {
    /// Every flag, in display order.
    pub const ALL: [HealthFlag; 7] = [
        HealthFlag::Silent,
        HealthFlag::Stuck,
        HealthFlag::LowBattery,
        HealthFlag::WeakSignal,
        HealthFlag::InMaintenance,
        HealthFlag::Retired,
        HealthFlag::NeverReported,
    ];

    /// The serde tag, also the query-string name.
    pub fn name(self) -> &'static str {
        match self {
            HealthFlag::Silent => "silent",
            HealthFlag::Stuck => "stuck",
            HealthFlag::LowBattery => "low_battery",
            HealthFlag::WeakSignal => "weak_signal",
            HealthFlag::InMaintenance => "in_maintenance",
            HealthFlag::Retired => "retired",
            HealthFlag::NeverReported => "never_reported",
        }
    }

    /// The flag named `name` (see [`HealthFlag::name`]).
    pub fn parse(name: &str) -> Option<HealthFlag> {
        HealthFlag::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Label for tables and badges.
    pub fn label(self) -> &'static str {
        match self {
            HealthFlag::Silent => "Silent",
            HealthFlag::Stuck => "Stuck",
            HealthFlag::LowBattery => "Low battery",
            HealthFlag::WeakSignal => "Weak signal",
            HealthFlag::InMaintenance => "In maintenance",
            HealthFlag::Retired => "Retired",
            HealthFlag::NeverReported => "Never reported",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;
    const MIN: i64 = 60_000;
    const HOUR: i64 = 3_600_000;

    /// Feeds `(ts, value)` readings and returns the clock.
    fn clock(readings: impl IntoIterator<Item = (i64, f64)>) -> PointClock {
        let mut c = PointClock::new();
        readings.into_iter().for_each(|(t, v)| c.observe(t, v));
        c
    }

    #[test]
    fn learned_interval_is_the_median_gap_despite_dropouts_bursts_and_duplicates() {
        let i = 600_000;
        // Gaps: 1, 1, 2 (dropout), 1, 0 (duplicate), 1, 2 (dropout), 1, 0.1 (burst) intervals.
        let ticks = [0, 1, 2, 4, 5, 5, 6, 8, 9];
        let mut times: Vec<i64> = ticks.iter().map(|k| T0 + k * i).collect();
        times.push(T0 + 9 * i + 60_000);
        assert_eq!(learned_interval_ms(&times), Some(600_000));
        // Even count: mean of the middle two.
        assert_eq!(learned_interval_ms(&[0, 100, 300, 600, 1_000]), Some(250));
    }

    #[test]
    fn learned_interval_needs_four_positive_gaps() {
        assert_eq!(learned_interval_ms(&[]), None);
        assert_eq!(learned_interval_ms(&[0, 10, 20, 30]), None);
        // Five times but one duplicate: three positive gaps.
        assert_eq!(learned_interval_ms(&[0, 10, 10, 20, 30]), None);
        assert_eq!(learned_interval_ms(&[0, 10, 20, 30, 40]), Some(10));
    }

    #[test]
    fn silent_only_after_two_intervals_plus_margin() {
        let i = 600_000;
        assert_eq!(silent_after_ms(i), 1_500_000);
        let last = Some(T0);
        assert!(!is_silent(last, i, T0 + 1_500_000));
        assert!(is_silent(last, i, T0 + 1_500_001));
        // Short intervals get at least a minute of margin.
        assert_eq!(silent_after_ms(30_000), 120_000);
        assert!(!is_silent(last, 30_000, T0 + 120_000));
        assert!(is_silent(last, 30_000, T0 + 120_001));
    }

    #[test]
    fn never_seen_device_is_not_silent() {
        assert!(!is_silent(None, 600_000, T0 + 365 * DAY_MS));
    }

    #[test]
    fn temperature_stuck_for_thirteen_intervals_is_stuck() {
        let i = 600_000;
        // 20 readings, each value held for two intervals, then 21.5 from reading 20.
        let varying = (0..20).map(|k| (T0 + k * i, 20.0 + (k / 2) as f64 * 0.1));
        let mut c = clock(varying.chain((20..=32).map(|k| (T0 + k * i, 21.5))));
        assert_eq!(c.longest_earlier_run_ms, 2 * i);
        assert_eq!(c.stuck_for_ms(), 12 * i);
        assert!(!c.is_stuck(i), "12 intervals is not more than 12");
        c.observe(T0 + 33 * i, 21.5);
        assert_eq!(c.stuck_for_ms(), 13 * i);
        assert!(c.is_stuck(i));
        c.observe(T0 + 34 * i, 21.6);
        assert!(!c.is_stuck(i), "a change ends the run");
        assert_eq!(c.longest_earlier_run_ms, 14 * i);
    }

    #[test]
    fn temperature_that_varies_is_never_stuck() {
        let i = 600_000;
        let mut c = PointClock::new();
        for k in 0..1_000 {
            c.observe(T0 + k * i, 21.0 + ((k * 7) % 13) as f64 * 0.1);
            assert!(!c.is_stuck(i));
            assert_eq!(c.stuck_for_ms(), 0);
        }
        assert_eq!(c.interval_ms(), Some(i));
    }

    #[test]
    fn stuck_needs_24_readings_and_a_known_interval() {
        let i = 600_000;
        let mut c = clock((0..23).map(|k| (T0 + k * i, 5.0)));
        assert_eq!(c.stuck_for_ms(), 22 * i);
        assert!(!c.is_stuck(i));
        c.observe(T0 + 23 * i, 5.0);
        assert!(c.is_stuck(i));
        assert!(!c.is_stuck(0));
    }

    #[test]
    fn night_zero_flow_of_usual_length_is_stuck_only_past_three_times_it() {
        let i = 15 * MIN;
        // Each day: 16 h of varying flow, then 8 h of zero.
        let day = |d: i64| {
            (0..96).map(move |k| {
                let v = if k < 64 {
                    0.5 + (k % 7) as f64 * 0.1
                } else {
                    0.0
                };
                (T0 + d * DAY_MS + k * i, v)
            })
        };
        let mut c = clock((0..3).flat_map(day).take(2 * 96 + 64));
        assert_eq!(c.longest_earlier_run_ms, 8 * HOUR);
        let night = T0 + 2 * DAY_MS + 16 * HOUR;
        let mut at = |ts: i64| {
            c.observe(ts, 0.0);
            (c.stuck_for_ms(), c.is_stuck(i))
        };
        assert_eq!(at(night), (0, false));
        assert_eq!(at(night + 8 * HOUR), (8 * HOUR, false));
        assert_eq!(at(night + 24 * HOUR), (24 * HOUR, false));
        assert_eq!(at(night + 24 * HOUR + i), (24 * HOUR + i, true));
    }

    #[test]
    fn point_clock_ignores_old_resent_and_non_finite_readings() {
        let mut c = clock((0..5).map(|k| (T0 + k * MIN, k as f64)));
        let before = c.clone();
        c.observe(T0 + 2 * MIN, 99.0);
        c.observe(T0 + 4 * MIN, 99.0);
        c.observe(T0 + 5 * MIN, f64::NAN);
        assert_eq!(c, before);
    }

    #[test]
    fn point_clock_interval_uses_only_the_16_latest_gaps() {
        // 19 one-minute gaps, then 16 five-minute ones: all 35 would give 1 min.
        let mut c = clock((0..20).map(|k| (T0 + k * MIN, k as f64)));
        assert_eq!(c.interval_ms(), Some(MIN));
        let late = T0 + 19 * MIN;
        (1..=16).for_each(|k| c.observe(late + k * 5 * MIN, k as f64));
        assert_eq!(c.interval_ms(), Some(5 * MIN));
        assert_eq!(PointClock::new().interval_ms(), None);
        assert_eq!(clock((0..4).map(|k| (k, 0.0))).interval_ms(), None);
    }

    #[test]
    fn battery_falling_a_percent_a_day_reaches_10_eighty_days_after_90() {
        let now = T0 + 30 * DAY_MS;
        let mut s: Vec<(i64, f64)> = (0..=30)
            .map(|d| (T0 + d * DAY_MS, 90.0 - d as f64))
            .collect();
        // Outside the window or not a level: left out.
        s.extend([
            (T0 - 1, 0.0),
            (now + 1, 0.0),
            (T0 + DAY_MS, f64::NAN),
            (T0, 1e300),
        ]);
        let o = battery_outlook(&s, now).unwrap();
        assert_eq!(o.level, 60.0);
        assert_eq!(o.slope_per_day, -1.0);
        assert_eq!(o.reaches_10_at, Some(T0 + 80 * DAY_MS));
    }

    #[test]
    fn battery_rising_or_flat_has_no_forecast() {
        let now = T0 + 10 * DAY_MS;
        let rising: Vec<_> = (0..=10)
            .map(|d| (T0 + d * DAY_MS, 50.0 + d as f64))
            .collect();
        let o = battery_outlook(&rising, now).unwrap();
        assert_eq!((o.slope_per_day, o.reaches_10_at), (1.0, None));
        let flat: Vec<_> = (0..=10).map(|d| (T0 + d * DAY_MS, 80.0)).collect();
        let o = battery_outlook(&flat, now).unwrap();
        assert_eq!((o.slope_per_day, o.reaches_10_at), (0.0, None));
        // A drain of 0.001 %/day reaches 10 % only after decades.
        let slow = [(T0, 70.001), (T0 + DAY_MS, 70.0)];
        assert_eq!(
            battery_outlook(&slow, T0 + DAY_MS).unwrap().reaches_10_at,
            None
        );
    }

    #[test]
    fn battery_needs_samples_spanning_a_day() {
        assert_eq!(battery_outlook(&[], T0), None);
        assert_eq!(battery_outlook(&[(T0, 50.0)], T0), None);
        assert_eq!(
            battery_outlook(&[(T0, 50.0), (T0 + DAY_MS - 1, 40.0)], T0 + DAY_MS),
            None
        );
        assert!(battery_outlook(&[(T0, 50.0), (T0 + DAY_MS, 40.0)], T0 + DAY_MS).is_some());
    }

    #[test]
    fn battery_already_at_10_reaches_it_at_the_newest_sample() {
        // Flat at exactly 10 %, and rising below it: the line alone would say never.
        for s in [
            [(T0 + DAY_MS, 10.0), (T0, 10.0)],
            [(T0 + DAY_MS, 8.0), (T0, 5.0)],
        ] {
            let o = battery_outlook(&s, T0 + 2 * DAY_MS).unwrap();
            assert_eq!((o.level, o.reaches_10_at), (s[0].1, Some(T0 + DAY_MS)));
        }
    }

    #[test]
    fn signal_bands_have_inclusive_boundaries() {
        let band = SignalBand::from_dbm;
        assert_eq!(band(-60.0), SignalBand::Good);
        assert_eq!(band(-100.0), SignalBand::Good);
        assert_eq!(band(-100.01), SignalBand::Fair);
        assert_eq!(band(-115.0), SignalBand::Fair);
        assert_eq!(band(-115.01), SignalBand::Poor);
        assert_eq!(band(f64::NAN), SignalBand::Poor);
        assert_eq!(
            (SignalBand::Fair.name(), SignalBand::Fair.label()),
            ("fair", "Fair")
        );
    }

    #[test]
    fn health_flag_names_are_the_serde_tags_and_parse_back() {
        for f in HealthFlag::ALL {
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.name())
            );
            assert_eq!(HealthFlag::parse(f.name()), Some(f));
        }
        assert_eq!(HealthFlag::parse("Silent"), None);
        assert_eq!(
            serde_json::to_string(&SignalBand::Poor).unwrap(),
            "\"poor\""
        );
    }

    #[test]
    fn only_continuous_quantities_are_judged_for_stuck() {
        let judged: Vec<Metric> = Metric::ALL
            .into_iter()
            .filter(|&m| judged_for_stuck(m))
            .collect();
        use Metric::*;
        assert_eq!(
            judged,
            [
                AirTemperature,
                RelativeHumidity,
                Co2,
                ElectricEnergy,
                WaterFlow,
                BarometricPressure,
                OutdoorTemperature
            ]
        );
    }
}
