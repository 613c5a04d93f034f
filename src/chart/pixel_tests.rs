//! P4: the decimated render is pixel-identical to the raw render for 1-px
//! lines, with at most 4 points per pixel column per series. Both renders go
//! through the chart's own `paths` into the RGBA image the browser shows.

use cairn_protocol::m4::Sample;
use plotters::prelude::*;

use super::{
    SeriesData, View,
    decimate::{Cache, column_width, column_x},
    paths::Paths,
    render::{Axis, Line, Plot, Scene},
    rgba::Rgba,
    scale::ValueScale,
};

const W: u32 = 640;
const H: u32 = 240;

fn render(samples: &[Sample], view: View, width_ms: i64, scale: &ValueScale) -> Vec<u8> {
    let mut buffer = Vec::new();
    {
        let mut image = Rgba::new(&mut buffer, W, H);
        let plot = Plot::inside(W, H, 1.0, 1, true);
        let scene = Scene {
            view,
            width_ms,
            axes: vec![Axis {
                scale: scale.clone(),
                unit: String::new(),
                thresholds: None,
            }],
            lines: vec![Line {
                samples,
                color: BLACK,
                axis: 0,
                stale_since: None,
                trend: None,
            }],
            ticks: Vec::new(),
            now: view.to,
            compact: true,
            bands: Vec::new(),
            limits: None,
        };
        Paths::of(&scene, plot, 1).draw(&mut image);
    }
    buffer
}

fn raw_samples(data: &SeriesData) -> Vec<Sample> {
    let mut out: Vec<Sample> = Vec::new();
    for (&t, &v) in data.t().iter().zip(data.v()) {
        if v.is_nan() {
            // As M4 does: one break between drawn runs.
            if out.last().is_some_and(|s| s.1.is_some()) {
                out.push((t, None));
            }
        } else {
            out.push((t, Some(v)));
        }
    }
    out
}

fn series(n: i64, seed: u64, adversarial: bool) -> SeriesData {
    let (mut ts, mut vs) = (Vec::<i64>::new(), Vec::new());
    let (mut s, mut v) = (seed, 0.0_f64);
    for i in 0..n {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        v += ((s >> 33) as f64 / (1u64 << 31) as f64) - 0.5;
        let mut value = v;
        if adversarial {
            match s % 1_000 {
                0..=2 => value = v + 40.0, // spikes up
                3..=5 => value = v - 40.0, // and down
                6 => value = f64::NAN,     // gaps
                _ => {}
            }
        }
        // Duplicate timestamps now and then.
        let t = i * 37 - if adversarial && s % 13 == 0 { 37 } else { 0 };
        if ts.last().is_none_or(|&last| t >= last) {
            ts.push(t);
            vs.push(value);
        }
    }
    SeriesData::from_columns(ts, vs)
}

fn check(data: &SeriesData) {
    let view = View {
        from: 0,
        to: *data.t().last().expect("points") + 1,
    };
    let plot = Plot::inside(W, H, 1.0, 1, true);
    let width_ms = column_width(view.span(), plot.w as u32);
    let lo = data
        .v()
        .iter()
        .copied()
        .filter(|v| !v.is_nan())
        .fold(f64::INFINITY, f64::min);
    let hi = data
        .v()
        .iter()
        .copied()
        .filter(|v| !v.is_nan())
        .fold(f64::NEG_INFINITY, f64::max);
    let scale = ValueScale::around(lo, hi, 5);
    let decimated = Cache::default().samples(data, 0..data.len(), width_ms, i64::MAX);
    let raw = raw_samples(data);
    assert!(
        decimated.len() < raw.len() / 10,
        "{} of {}",
        decimated.len(),
        raw.len()
    );
    // ≤ 4 points per pixel column between breaks (a gap inside a column
    // starts a new run there: joining the runs would draw across the gap).
    let mut per_x = std::collections::HashMap::<(i64, usize), usize>::new();
    let mut run = 0;
    for s in &decimated {
        match s.1 {
            None => run += 1,
            Some(_) => {
                let x = column_x(s.0, view.from, width_ms, plot.px_per_ms(view)) as i64;
                *per_x.entry((x, run)).or_default() += 1;
            }
        }
    }
    assert!(
        per_x.values().all(|&n| n <= 4),
        "max {:?}",
        per_x.values().max()
    );
    let (a, b) = (
        render(&raw, view, width_ms, &scale),
        render(&decimated, view, width_ms, &scale),
    );
    let differ = a.chunks(4).zip(b.chunks(4)).filter(|(p, q)| p != q).count();
    let inked = a.chunks(4).filter(|p| p[3] != 0).count();
    assert!(inked > 1_000, "the raw render draws something ({inked} px)");
    assert_eq!(
        differ, 0,
        "pixels differing between raw and decimated renders"
    );
}

#[test]
fn decimated_render_equals_raw_render_for_a_random_walk() {
    check(&series(200_000, 42, false));
}

#[test]
fn decimated_render_equals_raw_render_with_spikes_gaps_and_duplicate_times() {
    check(&series(200_000, 7, true));
}

#[test]
fn a_spike_in_the_last_partial_column_is_drawn() {
    // A view not aligned to the column grid: the last column's centre falls
    // one pixel past the plot, and its reading must still show.
    let view = View {
        from: 5,
        to: 10_005,
    };
    let plot = Plot::inside(W, H, 1.0, 1, true);
    let width_ms = column_width(view.span(), plot.w as u32);
    let last = view.to - 1;
    assert!(column_x(last, view.from, width_ms, plot.px_per_ms(view)) as i32 >= plot.w);
    let samples: Vec<Sample> = vec![
        (view.from, Some(0.0)),
        (last - 50, Some(0.0)),
        (last, Some(100.0)),
    ];
    let scale = ValueScale::around(0.0, 100.0, 5);
    let image = render(&samples, view, width_ms, &scale);
    let top = plot.y(&scale, 100.0);
    let inked = |x: i32, y: i32| image[((y as u32 * W + x as u32) * 4 + 3) as usize] != 0;
    assert!(
        (plot.x + plot.w - 3..plot.x + plot.w).any(|x| (top - 1..=top + 1).any(|y| inked(x, y))),
        "the spike's top is inked near the right edge"
    );
}
