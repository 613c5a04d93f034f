//! What a chart holds between frames (not reactive): each series' data and
//! decimation cache, what range was loaded at which resolution, and the
//! scene for a frame. The component owns one and redraws from it.

use std::collections::HashSet;

use cairn_protocol::{Metric, SeriesBatch, m4::Sample};

use crate::chart::{
    SeriesData, View,
    decimate::{Cache, column_width},
    render::{Axis, Line, Palette, Plot, Scene},
    scale::{ValueScale, time_ticks},
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
}

impl ChartPoint {
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
                held.data.replace(loaded.from, loaded.to, SeriesData::from_series(&s));
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
        if let Some(&last) = held.data.t.last()
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
            let axis = units.iter().position(|u| *u == held.point.metric.display_unit());
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
            .map(|(unit, &(lo, hi))| {
                let on_axis: Vec<&Held> = self
                    .series
                    .iter()
                    .filter(|h| !hidden.contains(&h.point.id) && h.point.metric.display_unit() == *unit)
                    .collect();
                let metric = on_axis[0].point.metric;
                let thresholds = on_axis
                    .iter()
                    .all(|h| h.point.metric == metric)
                    .then(|| metric.default_thresholds())
                    .flatten();
                let (lo, hi) = with_near_limits(lo, hi, thresholds.as_ref());
                let count = if compact { 2 } else { (plot.h as f64 / (48.0 * dpr)).clamp(2.0, 8.0) as usize };
                Axis { scale: ValueScale::around(lo, hi, count), unit: unit.to_string(), thresholds }
            })
            .collect();
        let zone = self.series.first().map(|h| h.point.time_zone.clone()).unwrap_or_default();
        let min_gap_ms = (96.0 * dpr / plot.px_per_ms(view)) as i64;
        let ticks = if compact {
            Vec::new()
        } else {
            time_ticks(view.from, view.to, min_gap_ms, &|t| crate::format::zone_offset(t, &zone))
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
                    axis: units.iter().position(|u| *u == h.point.metric.display_unit()).unwrap_or(0),
                    stale_since: last.map(|l| l.0).filter(|&l| now - l > h.point.max_gap_ms()),
                    trend: if with_trend { self::trend_of(h, view) } else { None },
                }
            })
            .collect();
        Scene { view, width_ms, axes, lines, ticks, now, compact }
    }

    /// The units of the visible series, first seen first, at most two.
    pub fn units(&self, hidden: &HashSet<u32>) -> Vec<&'static str> {
        let mut units: Vec<&'static str> = Vec::new();
        for h in self.series.iter().filter(|h| !hidden.contains(&h.point.id)) {
            let u = h.point.metric.display_unit();
            if !units.contains(&u) && units.len() < 2 {
                units.push(u);
            }
        }
        units
    }
}

/// The least-squares trend of what a series shows in `view`.
pub fn trend_of(held: &Held, view: View) -> Option<Trend> {
    trend::fit(held.data.visible(view.from, view.to))
}

/// Widens a value range to show limits close to the data (within half its
/// span), so a manager sees how near the line runs to a threshold.
fn with_near_limits(lo: f64, hi: f64, thresholds: Option<&cairn_protocol::Thresholds>) -> (f64, f64) {
    let Some(th) = thresholds else { return (lo, hi) };
    if !lo.is_finite() || !hi.is_finite() {
        return (lo, hi);
    }
    let reach = ((hi - lo) * 0.5).max(hi.abs().max(lo.abs()) * 0.05);
    th.limits()
        .into_iter()
        .map(|(v, _)| v)
        .filter(|v| *v >= lo - reach && *v <= hi + reach)
        .fold((lo, hi), |(a, b), v| (a.min(v), b.max(v)))
}
