//! `/bench/chart?case=…`: the chart engine under the PERFORMANCE.md shapes,
//! driven by `cargo xtask bench` (e2e/bench/chart.mjs) in headless Chromium.
//! Synthetic data only, so it needs no account. Each case writes its figures
//! to `window.__cairnBench` as JSON.
//!
//! - `p1`: cold render of 3 series × 55,550 points on 1920×600.
//! - `p2`: re-renders of one 10,000,000-point series zoomed in and out.
//! - `p3`: 4 charts × 3,600 points, one new point each per frame, 10 s,
//!   drawn as a live chart draws (whole columns, only what changed).
//! - `p4`: the decimated render against the raw render, pixel by pixel.
//! - `p12`: memory with 3 × 55,550 points loaded and drawn.

use cairn_protocol::Metric;
use leptos::{html, prelude::*};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::chart::{
    SeriesData, View, canvas,
    render::{Line, Plot},
    widget::{ChartPoint, model::Model},
};

const START: i64 = 1_790_000_000_000;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A random walk of `n` points one second apart (deterministic per seed).
fn walk(n: usize, seed: u64) -> SeriesData {
    let (t, v) = walk_columns(n, seed);
    // As loaded data is: its blocks summarised on arrival.
    SeriesData::from_columns(t, v)
}

fn walk_columns(n: usize, seed: u64) -> (Vec<i64>, Vec<f64>) {
    let (mut s, mut v) = (seed, 500.0_f64);
    let (mut t, mut values) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        v += ((s >> 33) as f64 / (1u64 << 31) as f64) - 0.5;
        t.push(START + i as i64 * 1_000);
        values.push(v);
    }
    (t, values)
}

fn model(series: Vec<SeriesData>) -> Model {
    let points: Vec<ChartPoint> = (0..series.len() as u32)
        .map(|id| ChartPoint {
            id,
            key: format!("bench/{id}"),
            label: format!("Series {id}"),
            metric: Metric::Co2,
            interval_s: 1,
            time_zone: "Europe/Brussels".to_owned(),
            thresholds: Metric::Co2.default_thresholds(),
        })
        .collect();
    let mut m = Model::default();
    m.set_points(&points);
    for (held, data) in m.series.iter_mut().zip(series) {
        held.data = data;
    }
    m
}

fn context(c: &HtmlCanvasElement) -> CanvasRenderingContext2d {
    canvas::context(c).expect("2d")
}

/// A chart's two canvases and its painter.
struct Surface {
    frame: HtmlCanvasElement,
    lines: HtmlCanvasElement,
    painter: canvas::Painter,
    palette: crate::chart::render::Palette,
    parts: Vec<[f64; 4]>,
    /// Renders that drew the frame canvas (it is skipped when unchanged).
    frames_drawn: usize,
}

/// Draws `m` over `view`: total time, and its parts (scene = M4 + scales,
/// frame, lines, put). With `read_back` it waits for the pixels
/// (getImageData forces them); a live frame (P3) leaves that to the browser.
fn render(m: &mut Model, s: &mut Surface, view: View, read_back: bool) -> f64 {
    render_at(m, s, view, view.to, read_back)
}

/// `render` with the clock at `now` (a live chart's view ends after it).
fn render_at(m: &mut Model, s: &mut Surface, view: View, clock: i64, read_back: bool) -> f64 {
    let t0 = now();
    let plot = Plot::inside(s.frame.width(), s.frame.height(), 1.0, 1, false);
    let scene = m.scene(
        view,
        plot,
        &Default::default(),
        false,
        clock,
        &s.palette,
        1.0,
        false,
    );
    let scene_ms = now() - t0;
    let (_, times) = s
        .painter
        .paint(&s.frame, &s.lines, &scene, &s.palette, 1.0)
        .expect("draw");
    if read_back {
        let _ = context(&s.frame).get_image_data(0.0, 0.0, 1.0, 1.0);
        let _ = context(&s.lines).get_image_data(0.0, 0.0, 1.0, 1.0);
    }
    let total = now() - t0;
    s.parts
        .push([scene_ms, times.frame_ms, times.lines_ms, times.put_ms]);
    s.frames_drawn += usize::from(times.frame_drawn);
    total
}

/// Median of each part over a case's renders.
fn parts(s: &Surface) -> serde_json::Value {
    let median = |i: usize| {
        let mut xs: Vec<f64> = s.parts.iter().map(|p| p[i]).collect();
        xs.sort_by(f64::total_cmp);
        xs.get(xs.len() / 2).copied().unwrap_or(0.0)
    };
    serde_json::json!({ "scene_ms": median(0), "frame_ms": median(1), "lines_ms": median(2), "put_ms": median(3),
        "renders": s.parts.len(), "frames_drawn": s.frames_drawn })
}

async fn frame() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("window")
            .request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

fn surface(r: &[NodeRef<html::Canvas>; 2]) -> Surface {
    let c = |i: usize| r[i].get_untracked().expect("mounted");
    let frame = c(0);
    Surface {
        palette: canvas::palette(&frame),
        frame,
        lines: c(1),
        painter: canvas::Painter::default(),
        parts: Vec::new(),
        frames_drawn: 0,
    }
}

async fn p1(mut s: Surface) -> serde_json::Value {
    let mut m = model((0..3).map(|i| walk(55_550, i + 1)).collect());
    let view = View {
        from: START,
        to: START + 55_550 * 1_000,
    };
    let mut times = Vec::new();
    for _ in 0..33 {
        m.clear_caches();
        s.painter.forget();
        times.push(render(&mut m, &mut s, view, true));
        frame().await;
    }
    serde_json::json!({ "renders_ms": times[3..], "parts": parts(&s) })
}

async fn p2(mut s: Surface) -> serde_json::Value {
    // The app makes the tab's first Intl formatter at start (format::warm_up;
    // tens of ms in headless Chromium): so does this page, timed apart, so
    // that the first draw below costs what a user's first chart costs.
    let intl = now();
    let _ = crate::format::time_in_zone(js_sys::Date::now(), "UTC");
    let intl_ms = now() - intl;
    let n = 10_000_000;
    let (t, v) = walk_columns(n, 9);
    let load = now();
    let data = SeriesData::from_columns(t, v);
    let load_ms = now() - load;
    let mut m = model(vec![data]);
    let full = View {
        from: START,
        to: START + n as i64 * 1_000,
    };
    let mut times = Vec::new();
    let mut seed = 3_u64;
    for i in 0..24 {
        // Zoom to a random window of 100 %, 30 %, 5 % or 0.5 % of the data.
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let frac = [1.0, 0.3, 0.05, 0.005][i % 4];
        let span = (full.span() as f64 * frac) as i64;
        let from = full.from + ((seed >> 33) as i64 % (full.span() - span + 1).max(1));
        times.push(render(
            &mut m,
            &mut s,
            View {
                from,
                to: from + span,
            },
            true,
        ));
        frame().await;
    }
    let first = s.parts.first().copied().unwrap_or_default();
    serde_json::json!({ "renders_ms": times, "points": n, "parts": parts(&s), "load_ms": load_ms,
        "intl_ms": intl_ms, "first_parts": { "scene_ms": first[0], "frame_ms": first[1], "lines_ms": first[2], "put_ms": first[3] } })
}

async fn p3(mut surfaces: Vec<Surface>) -> serde_json::Value {
    let n = 3_600_i64;
    let mut models: Vec<Model> = (0..surfaces.len() as u64)
        .map(|i| model(vec![walk(n as usize, i + 20)]))
        .collect();
    let (mut frames, mut draws) = (Vec::new(), Vec::new());
    let mut last = now();
    let started = last;
    let mut step = n;
    while now() - started < 10_000.0 {
        frame().await;
        let t = now();
        frames.push(t - last);
        last = t;
        let t0 = now();
        for (m, s) in models.iter_mut().zip(surfaces.iter_mut()) {
            let at = START + step * 1_000;
            let v = m.series[0].data.last().map_or(500.0, |l| l.1) + (step % 7) as f64 - 3.0;
            m.append(0, at, v);
            // As a live chart draws: the last hour, on whole columns.
            let plot = Plot::inside(s.frame.width(), s.frame.height(), 1.0, 1, false);
            let view = View::ending(at + 1_000, n * 1_000).snapped(plot.w as u32);
            render_at(m, s, view, at, false);
        }
        draws.push(now() - t0);
        step += 1;
    }
    serde_json::json!({ "frame_intervals_ms": frames, "draw_ms": draws, "parts": parts(&surfaces[0]) })
}

async fn p4(mut a: Surface, mut b: Surface) -> serde_json::Value {
    let mut m = model((0..3).map(|i| walk(55_550, i + 1)).collect());
    let view = View {
        from: START,
        to: START + 55_550 * 1_000,
    };
    render(&mut m, &mut a, view, true);
    let decimated: Vec<usize> = m.series.iter().map(|h| h.drawn.len()).collect();
    // The same scene with every raw point instead of the decimated ones.
    let palette = b.palette.clone();
    let plot = Plot::inside(b.frame.width(), b.frame.height(), 1.0, 1, false);
    let raw: Vec<Vec<_>> = m
        .series
        .iter()
        .map(|h| {
            h.data
                .t()
                .iter()
                .zip(h.data.v())
                .map(|(t, v)| (*t, Some(*v)))
                .collect()
        })
        .collect();
    let mut scene = m.scene(
        view,
        plot,
        &Default::default(),
        false,
        view.to,
        &palette,
        1.0,
        false,
    );
    scene.lines = scene
        .lines
        .into_iter()
        .zip(&raw)
        .map(|(l, r): (Line, _)| Line {
            samples: r.as_slice(),
            ..l
        })
        .collect();
    b.painter
        .paint(&b.frame, &b.lines, &scene, &palette, 1.0)
        .expect("draw");
    let (w, h) = (f64::from(a.lines.width()), f64::from(a.lines.height()));
    let pa = context(&a.lines)
        .get_image_data(0.0, 0.0, w, h)
        .expect("pixels")
        .data();
    let pb = context(&b.lines)
        .get_image_data(0.0, 0.0, w, h)
        .expect("pixels")
        .data();
    let differing = pa
        .chunks(4)
        .zip(pb.chunks(4))
        .filter(|(x, y)| x != y)
        .count();
    let inked = pb.chunks(4).filter(|p| p[3] != 0).count();
    let max_per_column = max_points_per_column(&m, view, plot);
    serde_json::json!({ "differing_pixels": differing, "inked_pixels": inked, "raw_points": 3 * 55_550,
        "decimated_points": decimated, "max_points_per_column": max_per_column })
}

fn max_points_per_column(m: &Model, view: View, plot: Plot) -> usize {
    let width_ms = crate::chart::decimate::column_width(view.span(), plot.w as u32);
    let mut most = 0;
    for h in &m.series {
        let mut counts = std::collections::HashMap::<i64, usize>::new();
        for s in h.drawn.iter().filter(|s| s.1.is_some()) {
            let x = crate::chart::decimate::column_x(s.0, view.from, width_ms, plot.px_per_ms(view))
                as i64;
            *counts.entry(x).or_default() += 1;
        }
        most = most.max(counts.values().copied().max().unwrap_or(0));
    }
    most
}

async fn p12(mut s: Surface) -> serde_json::Value {
    let mut m = model((0..3).map(|i| walk(55_550, i + 1)).collect());
    render(
        &mut m,
        &mut s,
        View {
            from: START,
            to: START + 55_550 * 1_000,
        },
        true,
    );
    frame().await;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let wasm_bytes = memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    // Keep the model alive until measured.
    let held: usize = m.series.iter().map(|h| h.data.len()).sum();
    serde_json::json!({ "wasm_memory_bytes": wasm_bytes, "points_held": held })
}

#[component]
pub fn BenchChart() -> impl IntoView {
    let case = window()
        .location()
        .search()
        .unwrap_or_default()
        .trim_start_matches("?case=")
        .to_owned();
    let refs: Vec<[NodeRef<html::Canvas>; 2]> =
        (0..4).map(|_| [NodeRef::new(), NodeRef::new()]).collect();
    let (w, h, count) = match case.as_str() {
        "p3" => (960, 300, 4),
        "p4" => (1920, 600, 2),
        _ => (1920, 600, 1),
    };
    let style = format!("position:absolute;inset:0;width:{w}px;height:{h}px");
    let canvases = refs[..count]
        .iter()
        .map(|[a, b]| {
            view! {
                <div style=format!("position:relative;width:{w}px;height:{h}px")>
                    <canvas node_ref=*a width=w height=h style=style.clone() />
                    <canvas node_ref=*b width=w height=h style=style.clone() />
                </div>
            }
        })
        .collect_view();
    request_animation_frame(move || {
        leptos::task::spawn_local(async move {
            let s = |i: usize| surface(&refs[i]);
            let result = match case.as_str() {
                "p1" => p1(s(0)).await,
                "p2" => p2(s(0)).await,
                "p3" => p3((0..4).map(s).collect()).await,
                "p4" => p4(s(0), s(1)).await,
                "p12" => p12(s(0)).await,
                other => serde_json::json!({ "error": format!("unknown case {other:?}") }),
            };
            let _ = js_sys::Reflect::set(
                &window(),
                &JsValue::from_str("__cairnBench"),
                &JsValue::from_str(&result.to_string()),
            );
        });
    });
    view! { <main class="cairn-bench">{canvases}</main> }
}
