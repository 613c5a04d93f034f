//! The layer against a whole redraw, frame after frame of live charts.

use cairn_protocol::m4::Sample;
use plotters::prelude::*;

use super::*;
use crate::chart::{
    SeriesData, View,
    decimate::{Cache, column_width},
    render::{Axis, Line, Plot, Scene},
    scale::ValueScale,
    trend,
};

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

const COLORS: [RGBColor; 3] = [BLUE, RED, GREEN];

/// A frame of `data` over `view` as the chart builds it: M4 per series from
/// its cache, one value axis around what is visible.
fn frame(
    data: &[SeriesData],
    caches: &mut [Cache],
    view: View,
    (w, h, stroke): (u32, u32, u32),
    with_trend: bool,
) -> (Paths, Grid) {
    let plot = Plot {
        x: 0,
        y: 0,
        w: w as i32,
        h: h as i32,
    };
    let width_ms = column_width(view.span(), w);
    let samples: Vec<Vec<Sample>> = data
        .iter()
        .zip(caches.iter_mut())
        .map(|(d, c)| {
            c.samples(
                d,
                d.range_with_neighbours(view.from, view.to),
                width_ms,
                i64::MAX,
            )
        })
        .collect();
    let visible = data.iter().flat_map(|d| d.visible(view.from, view.to));
    let (lo, hi) = visible.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
        (lo.min(v), hi.max(v))
    });
    let lines = samples
        .iter()
        .zip(data)
        .enumerate()
        .map(|(i, (s, d))| Line {
            samples: s,
            color: COLORS[i % 3],
            axis: 0,
            stale_since: None,
            trend: if with_trend {
                trend::fit(d.visible(view.from, view.to))
            } else {
                None
            },
        })
        .collect();
    let scene = Scene {
        view,
        width_ms,
        axes: vec![Axis {
            scale: ValueScale::around(lo, hi, 4),
            unit: String::new(),
            thresholds: None,
        }],
        lines,
        ticks: Vec::new(),
        now: view.to,
        compact: true,
        bands: Vec::new(),
        limits: None,
    };
    let grid = Grid {
        from: view.from,
        width_ms,
        exact: view.span() == width_ms * i64::from(w),
    };
    (Paths::of(&scene, plot, stroke), grid)
}

fn whole(paths: &Paths, w: u32, h: u32) -> Vec<u8> {
    let mut image = Vec::new();
    paths.draw(&mut Rgba::new(&mut image, w, h));
    image
}

/// What a canvas showing `before` shows after the damage is applied as the
/// painter does: the image moved `by` columns left, then `columns` put.
fn shown_after(before: &[u8], after: &[u8], w: u32, by: i32, columns: &[Range<i32>]) -> Vec<u8> {
    let (row, by) = (w as usize * 4, by as usize * 4);
    let mut shown = before.to_vec();
    for (y, r) in shown.chunks_exact_mut(row).enumerate() {
        r.copy_within(by.., 0);
        r[row - by..].fill(0);
        for c in columns {
            let (a, b) = (c.start as usize * 4, c.end as usize * 4);
            r[a..b].copy_from_slice(&after[y * row + a..y * row + b]);
        }
    }
    shown
}

fn differing(a: &[u8], b: &[u8]) -> usize {
    a.chunks(4).zip(b.chunks(4)).filter(|(p, q)| p != q).count()
}

/// Readings from `from` to `to`, `step` apart on average, as a random walk
/// with spikes and now and then a gap.
fn readings(data: &mut SeriesData, rng: &mut Rng, from: i64, to: i64, step: i64) {
    let mut t = data.t().last().map_or(from, |&l| l.max(from));
    let mut v = data
        .v()
        .iter()
        .rev()
        .find(|v| !v.is_nan())
        .copied()
        .unwrap_or(20.0);
    loop {
        t += 1 + rng.below(2 * step as u64) as i64;
        if t > to {
            return;
        }
        v += rng.below(200) as f64 / 100.0 - 1.0;
        let value = match rng.below(100) {
            0 => v + 15.0,
            1 => f64::NAN,
            _ => v,
        };
        data.append(t, value);
    }
}

#[test]
fn painting_frame_by_frame_gives_the_pixels_of_a_whole_redraw() {
    let (mut frames, mut partial) = (0, 0);
    for seed in 0..80 {
        let mut rng = Rng(seed);
        let (mut w, h) = (30 + rng.below(150) as u32, 20 + rng.below(60) as u32);
        let stroke = [1, 2, 3][rng.below(3) as usize];
        let col = [1_000, 4_206, 60_000][rng.below(3) as usize];
        // Readings from 10 per column to one every 20 columns.
        let step = [col / 10, col / 2, col * 3, col * 20][rng.below(4) as usize];
        let mut now = 1_790_000_000_000_i64;
        let span = i64::from(w) * col;
        let mut data: Vec<SeriesData> = (0..1 + rng.below(3))
            .map(|_| SeriesData::default())
            .collect();
        for d in &mut data {
            readings(d, &mut rng, now - 2 * span, now, step);
        }
        let mut caches: Vec<Cache> = data.iter().map(|_| Cache::default()).collect();
        let (mut layer, mut before, mut with_trend) = (LineLayer::default(), Vec::new(), false);
        for step_no in 0..60 {
            now += [0, col / 3, col, 3 * col, 40 * col][rng.below(5) as usize];
            for d in &mut data {
                if rng.below(3) > 0 {
                    readings(d, &mut rng, now - col, now, step);
                }
            }
            let mut view = View::ending(now, span).snapped(w);
            match rng.below(40) {
                0 => view.from += 7, // a zoom: not on the grid
                1 => with_trend = !with_trend,
                2 => w += 1, // the chart was resized
                _ => {}
            }
            let (paths, grid) = frame(&data, &mut caches, view, (w, h, stroke), with_trend);
            let damage = layer.paint(paths.clone(), grid, w, h);
            let expected = whole(&paths, w, h);
            assert_eq!(
                differing(layer.pixels(), &expected),
                0,
                "seed {seed}, frame {step_no}: pixels differing from a whole redraw ({damage:?})"
            );
            // A canvas that gets only the damaged columns shows the new image.
            match &damage {
                Damage::None => assert_eq!(before, expected, "seed {seed}, frame {step_no}"),
                Damage::Moved { by, columns } => {
                    let shown = shown_after(&before, &expected, w, *by, columns);
                    assert_eq!(
                        differing(&shown, &expected),
                        0,
                        "seed {seed}, frame {step_no}"
                    );
                }
                Damage::All => {}
            }
            frames += 1;
            partial += usize::from(match &damage {
                Damage::All => false,
                Damage::None => true,
                Damage::Moved { columns, .. } => {
                    columns.iter().map(|c| c.end - c.start).sum::<i32>() < w as i32 / 2
                }
            });
            before = expected;
        }
    }
    assert!(
        partial * 2 > frames,
        "most frames redraw under half the image ({partial} of {frames})"
    );
}

/// Whole numbers that repeat: a column's first and last reading often fall
/// on one pixel, as with CO₂ in ppm or a night of zero flow.
const PATTERN: [f64; 5] = [18.0, 19.0, 18.0, 18.0, 20.0];

#[test]
fn a_live_frame_redraws_only_its_newest_columns() {
    let (w, h, col) = (300_u32, 100_u32, 4_000_i64);
    let mut data = vec![SeriesData::default()];
    let mut now = 1_790_000_000_000_i64;
    for i in 0..3_000 {
        data[0].append(now - 3_000 * 1_000 + i * 1_000, PATTERN[i as usize % 5]);
    }
    let mut caches = vec![Cache::default()];
    let mut layer = LineLayer::default();
    let span = i64::from(w) * col;
    let paint = |layer: &mut LineLayer, data: &[SeriesData], caches: &mut [Cache], now: i64| {
        let view = View::ending(now, span).snapped(w);
        let (paths, grid) = frame(data, caches, view, (w, h, 1), false);
        layer.paint(paths, grid, w, h)
    };
    assert_eq!(
        paint(&mut layer, &data, &mut caches, now),
        Damage::All,
        "first frame"
    );
    assert_eq!(
        paint(&mut layer, &data, &mut caches, now),
        Damage::None,
        "nothing new: nothing drawn"
    );
    let (mut shifted, mut narrow) = (0, 0);
    for i in 0..40 {
        now += 1_000;
        data[0].append(now, PATTERN[(3_000 + i) % 5]);
        match paint(&mut layer, &data, &mut caches, now) {
            Damage::Moved { by: 0, columns } => {
                let width: i32 = columns.iter().map(|c| c.end - c.start).sum();
                assert!(width <= 6, "{columns:?} for one new reading");
                narrow += 1;
            }
            Damage::Moved { by: 1, columns } => {
                let width: i32 = columns.iter().map(|c| c.end - c.start).sum();
                assert!(width <= 7, "{columns:?} for a new column");
                shifted += 1;
            }
            // The new reading fell on pixels already drawn.
            Damage::None => narrow += 1,
            other => panic!("a new reading is drawn in its own columns, not {other:?}"),
        }
    }
    // A column is 4 readings: every fourth frame moves the view.
    assert_eq!((shifted, narrow), (10, 30));
}
