//! What a chart holds between frames (not reactive): each series' data and
//! decimation cache, what range was loaded at which resolution, and the
//! scene for a frame. The component owns one and redraws from it.

use std::collections::HashSet;

use cairn_protocol::{Metric, SeriesBatch, m4::Sample};

use crate::chart::{
    SeriesData, View,
    decimate::{Cache, column_width},
    render::{Axis, Line, Palette, Plot, RuleLimits, Scene},
    scale::{TimeTick, ValueScale, time_ticks},
    trend::{self, Trend},
};

/// A point as a chart shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartPoint {
    pub id: u32,
    /// `<device-id>/<metric>`.
    pub key: String,
    pub label: String,
    pub metric: Metric,
    pub interval_s: u32,
    /// The site's IANA zone: axis and tooltip times are the site's.
    pub time_zone: String,
    /// The limits the point's alert rules give, drawn as bands; none: no band.
    pub thresholds: Option<cairn_protocol::Thresholds>,
}

impl ChartPoint {
    /// What the chart plots: a cumulative meter (energy, volume) is drawn as
    /// the rate it implies (kW, m³/h), which is what anyone reads from a meter chart.
    pub fn rate(&self) -> bool {
        self.metric.is_cumulative()
    }

    pub fn unit(&self) -> &'static str {
        plotted_unit(self.metric)
    }

    /// A value with its unit, as the metric shows it.
    pub fn format(&self, v: f64) -> String {
        if self.rate() {
            format!("{v:.1}\u{a0}kW")
        } else {
            crate::format::value(self.metric, v)
        }
    }

    /// Limits drawn as bands: the alert rules' (none for a derived power).
    pub fn thresholds(&self) -> Option<cairn_protocol::Thresholds> {
        if self.rate() { None } else { self.thresholds }
    }

    /// No data for 3 reporting intervals = a gap (and a stale tail at the end).
    pub fn max_gap_ms(&self) -> i64 {
        3 * i64::from(self.interval_s.max(1)) * 1_000
    }
}

pub struct Held {
    pub point: ChartPoint,
    pub data: SeriesData,
    cache: Cache,
    /// The last decimated samples drawn, for the table and summaries.
    pub drawn: Vec<Sample>,
    /// Readings stored in the loaded range, before the server decimated them.
    pub stored: u64,
    /// The last counter reading, for the rate of a live one.
    last_raw: Option<(i64, f64)>,
}

/// What was fetched: the range and the column width it was decimated for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loaded {
    pub from: i64,
    pub to: i64,
    pub width_ms: i64,
}

#[derive(Default)]
pub struct Model {
    pub series: Vec<Held>,
    pub loaded: Option<Loaded>,
    /// Alarm intervals to draw as bands (to: none = still active).
    pub bands: Vec<super::AlarmBand>,
    /// A rule's limits, drawn instead of the metric's default thresholds.
    pub limits: Option<RuleLimits>,
    /// The last frame's time ticks, for the view, minimum gap and zone
    /// they were made for.
    ticks: Option<((View, i64, String), Vec<TimeTick>)>,
}

impl Model {
    /// Sets the points shown, keeping the data of those already held.
    pub fn set_points(&mut self, points: &[ChartPoint]) {
        let mut old: Vec<Held> = std::mem::take(&mut self.series);
        for p in points {
            match old.iter().position(|h| h.point.id == p.id) {
                Some(i) => self.series.push(old.swap_remove(i)),
                None => {
                    self.series.push(Held {
                        point: p.clone(),
                        data: SeriesData::default(),
                        cache: Cache::default(),
                        drawn: Vec::new(),
                        stored: 0,
                        last_raw: None,
                    });
                    // A new point has nothing loaded: fetch again.
                    self.loaded = None;
                }
            }
        }
    }

    /// Forgets every decimation (a cold render follows).
    pub fn clear_caches(&mut self) {
        for h in &mut self.series {
            h.cache.clear();
        }
        self.ticks = None;
    }

    /// What to fetch for `view` at `px` plot pixels, if what is loaded does
    /// not cover it or is too coarse (more than 2 columns per pixel).
    pub fn wants(&self, view: View, px: u32, now: i64) -> Option<Loaded> {
        let width_ms = column_width(view.span(), px);
        let covered = self.loaded.is_some_and(|l| {
            l.from <= view.from && l.to >= view.to.min(now) && l.width_ms <= 2 * width_ms
        });
        if covered || self.series.is_empty() {
            return None;
        }
        // Half a view either side, so panning shows data at once.
        let pad = view.span() / 2;
        let (from, to) = (view.from - pad, (view.to + pad).min(now + 1));
        let to = to.max(from + 1);
        Some(Loaded { from, to, width_ms })
    }

    /// Takes a fetched batch for `loaded`; with `live` the range stays open
    /// at the end (live readings extend it).
    pub fn take(&mut self, loaded: Loaded, batch: SeriesBatch, live: bool) {
        for s in batch.series {
            if let Some(held) = self.series.iter_mut().find(|h| h.point.id == s.point) {
                held.stored = s.stored;
                let mut fetched = SeriesData::from_series(&s);
                if held.point.rate() {
                    held.last_raw = fetched
                        .t()
                        .last()
                        .copied()
                        .zip(fetched.v().last().copied())
                        .filter(|p| !p.1.is_nan());
                    fetched = per_hour(&fetched, RATE_BASELINE_MS.max(loaded.width_ms));
                }
                held.data.replace(loaded.from, loaded.to, fetched);
            }
        }
        self.loaded = Some(Loaded {
            to: if live { i64::MAX } else { loaded.to },
            ..loaded
        });
    }

    /// A live reading; a silence longer than a gap first gets a break.
    pub fn append(&mut self, point: u32, t: i64, v: f64) -> bool {
        let Some(held) = self.series.iter_mut().find(|h| h.point.id == point) else {
            return false;
        };
        let gap = held.point.max_gap_ms();
        let v = if held.point.rate() {
            match held.last_raw {
                Some((t0, _)) if t > t0 && t - t0 < RATE_BASELINE_MS => return false,
                Some((t0, v0)) if t > t0 && t - t0 <= gap.max(RATE_BASELINE_MS) => {
                    held.last_raw = Some((t, v));
                    (v - v0) / ((t - t0) as f64 / 3_600_000.0)
                }
                _ => {
                    held.last_raw = Some((t, v));
                    return false;
                }
            }
        } else {
            v
        };
        if let Some(&last) = held.data.t().last()
            && t - last > gap
            && t > last
        {
            held.data.append(last + 1, f64::NAN);
        }
        held.data.append(t, v)
    }

    /// The scene for one frame. Series in `hidden` are left out; a third
    /// unit would need a third axis, so such series are left out too.
    #[allow(clippy::too_many_arguments)]
    pub fn scene(
        &mut self,
        view: View,
        plot: Plot,
        hidden: &HashSet<u32>,
        with_trend: bool,
        now: i64,
        palette: &Palette,
        dpr: f64,
        compact: bool,
    ) -> Scene<'_> {
        let width_ms = column_width(view.span(), plot.w as u32);
        let units = self.units(hidden);
        let mut ranges = vec![(f64::INFINITY, f64::NEG_INFINITY); units.len()];
        for held in self.series.iter_mut() {
            let axis = units.iter().position(|u| *u == held.point.unit());
            if hidden.contains(&held.point.id) || axis.is_none() {
                held.drawn.clear();
                continue;
            }
            let range = held.data.range_with_neighbours(view.from, view.to);
            held.drawn = held.cache.samples(&held.data, range, width_ms, i64::MAX);
            let r = &mut ranges[axis.unwrap_or(0)];
            for (t, v) in held.drawn.iter().filter_map(|s| Some((s.0, s.1?))) {
                if t >= view.from && t < view.to {
                    *r = (r.0.min(v), r.1.max(v));
                }
            }
        }
        let axes: Vec<Axis> = units
            .iter()
            .zip(&ranges)
            .enumerate()
            .map(|(i, (unit, &(lo, hi)))| {
                let on_axis: Vec<&Held> = self
                    .series
                    .iter()
                    .filter(|h| !hidden.contains(&h.point.id) && h.point.unit() == *unit)
                    .collect();
                let first = &on_axis[0].point;
                let rule = self.limits.as_ref().filter(|_| i == 0);
                let thresholds = on_axis
                    .iter()
                    .all(|h| h.point.metric == first.metric && rule.is_none())
                    .then(|| first.thresholds())
                    .flatten();
                // A rule's own limits are always in view: they are what
                // the chart is shown for.
                let (lo, hi) = match rule {
                    Some(r) => r
                        .values()
                        .filter(|v| v.is_finite() && lo.is_finite() && hi.is_finite())
                        .fold((lo, hi), |(a, b), v| (a.min(v), b.max(v))),
                    None => {
                        let limits: Vec<f64> = thresholds
                            .iter()
                            .flat_map(|t| t.limits())
                            .map(|l| l.0)
                            .collect();
                        with_near_limits(lo, hi, &limits)
                    }
                };
                // Power is read from zero: auto-scaling a steady 22 kW would
                // blow its last digit of rounding up to the full height.
                let lo = if first.rate() && lo > 0.0 { 0.0 } else { lo };
                let count = if compact {
                    2
                } else {
                    (plot.h as f64 / (48.0 * dpr)).clamp(2.0, 8.0) as usize
                };
                Axis {
                    scale: ValueScale::around(lo, hi, count),
                    unit: unit.to_string(),
                    thresholds,
                }
            })
            .collect();
        let zone = self
            .series
            .first()
            .map(|h| h.point.time_zone.clone())
            .unwrap_or_default();
        let min_gap_ms = (96.0 * dpr / plot.px_per_ms(view)) as i64;
        let ticks = if compact {
            Vec::new()
        } else {
            // Labels ask the browser for the zone's offsets: a live chart's
            // frames between two column shifts reuse them.
            let key = (view, min_gap_ms, zone);
            match &self.ticks {
                Some((k, ticks)) if *k == key => ticks.clone(),
                _ => {
                    let ticks = time_ticks(view.from, view.to, min_gap_ms, &|t| {
                        crate::format::zone_offset(t, &key.2)
                    });
                    self.ticks = Some((key, ticks.clone()));
                    ticks
                }
            }
        };
        let lines = self
            .series
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.drawn.is_empty())
            .map(|(i, h)| {
                let last = h.data.last();
                Line {
                    samples: &h.drawn,
                    color: palette.series(i),
                    axis: units.iter().position(|u| *u == h.point.unit()).unwrap_or(0),
                    stale_since: last
                        .map(|l| l.0)
                        .filter(|&l| now - l > h.point.max_gap_ms()),
                    trend: if with_trend {
                        self::trend_of(h, view)
                    } else {
                        None
                    },
                }
            })
            .collect();
        let bands = (self.bands.iter())
            .map(|&(from, to)| (from, to.unwrap_or(now)))
            .filter(|&(from, to)| to >= view.from && from <= view.to)
            .collect();
        Scene {
            view,
            width_ms,
            axes,
            lines,
            ticks,
            now,
            compact,
            bands,
            limits: self.limits.clone(),
        }
    }

    /// The units of the visible series, first seen first, at most two.
    pub fn units(&self, hidden: &HashSet<u32>) -> Vec<&'static str> {
        let mut units: Vec<&'static str> = Vec::new();
        for h in self.series.iter().filter(|h| !hidden.contains(&h.point.id)) {
            let u = h.point.unit();
            if !units.contains(&u) && units.len() < 2 {
                units.push(u);
            }
        }
        units
    }
}

/// The unit a chart plots a metric in (meters as their hourly rate).
pub fn plotted_unit(metric: Metric) -> &'static str {
    match metric {
        Metric::ElectricEnergy | Metric::HeatEnergy => "kW",
        Metric::GasVolume | Metric::WaterVolume => "m³/h",
        _ => metric.display_unit(),
    }
}

/// Power is averaged over at least this long: meters count whole kWh, so
/// the rate between two 5-minute readings jumps between 0 and 24 kW.
const RATE_BASELINE_MS: i64 = 15 * 60_000;

/// A counter as its rate per hour (kWh → kW), each over at least
/// `baseline_ms` since the last rate; across a gap there is no rate.
fn per_hour(counter: &SeriesData, baseline_ms: i64) -> SeriesData {
    let mut out = SeriesData::default();
    let mut anchor: Option<(i64, f64)> = None;
    for (&t, &v) in counter.t().iter().zip(counter.v()) {
        match anchor {
            _ if v.is_nan() => {
                out.append(t, f64::NAN);
                anchor = None;
            }
            Some((t0, _)) if t - t0 < baseline_ms => {}
            Some((t0, v0)) => {
                out.append(t, (v - v0) / ((t - t0) as f64 / 3_600_000.0));
                anchor = Some((t, v));
            }
            None => anchor = Some((t, v)),
        }
    }
    out
}

/// The least-squares trend of what a series shows in `view`.
pub fn trend_of(held: &Held, view: View) -> Option<Trend> {
    trend::fit(held.data.visible(view.from, view.to))
}

/// Widens a value range to show limits close to the data (within half its
/// span), so a manager sees how near the line runs to a threshold.
fn with_near_limits(lo: f64, hi: f64, limits: &[f64]) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (lo, hi);
    }
    let reach = ((hi - lo) * 0.5).max(hi.abs().max(lo.abs()) * 0.05);
    limits
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v >= lo - reach && *v <= hi + reach)
        .fold((lo, hi), |(a, b), v| (a.min(v), b.max(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meter() -> ChartPoint {
        ChartPoint {
            id: 1,
            key: "m/electric_energy".into(),
            label: "Main".into(),
            metric: Metric::ElectricEnergy,
            interval_s: 300,
            time_zone: "UTC".into(),
            thresholds: None,
        }
    }

    #[test]
    fn an_energy_counter_is_charted_as_power() {
        let counter = SeriesData::from_columns(
            vec![0, 300_000, 600_000, 900_000, 2_000_000, 2_300_000],
            vec![100.0, 105.0, 110.0, f64::NAN, 200.0, 201.0],
        );
        let power = per_hour(&counter, 300_000);
        // 5 kWh in 5 minutes = 60 kW; no rate across the gap.
        assert_eq!(power.t(), vec![300_000, 600_000, 900_000, 2_300_000]);
        assert_eq!(power.v()[..2], [60.0, 60.0]);
        assert!(power.v()[2].is_nan());
        assert!((power.v()[3] - 12.0).abs() < 1e-9);
        // Over 10 minutes at least: one rate from 0 to 600 000.
        let smooth = per_hour(&counter, 600_000);
        assert_eq!((smooth.t()[0], smooth.v()[0]), (600_000, 60.0));

        let mut m = Model::default();
        m.set_points(&[meter()]);
        assert!(!m.append(1, 0, 100.0), "the first reading has no rate yet");
        assert!(
            !m.append(1, 300_000, 101.0),
            "5 minutes is too short a baseline"
        );
        assert!(m.append(1, 900_000, 103.0));
        assert_eq!(m.series[0].data.v(), vec![12.0]);
        assert_eq!(meter().format(12.0), "12.0\u{a0}kW");
        assert_eq!(meter().thresholds(), None);
    }
}
