//! `/bench/map`: the map engine under PERFORMANCE.md's P5 shape, driven by
//! `cargo xtask bench` (e2e/bench/map.mjs) in headless Chromium beside
//! Leaflet.markercluster on the same points. Synthetic data, no account.
//! Writes its figures to `window.__cairnBench` as JSON:
//!
//! - `first_render_ms`: 50,000 sensors from a list of places to pixels
//!   (index built, first frame drawn), the map itself already created;
//! - `pan_ms` / `zoom_ms`: one pan step (40 px) or zoom step, Leaflet's move
//!   and our redraw, synchronous, per frame;
//! - `status_ms`: 500 status changes applied and drawn (what the next frame
//!   costs).
//!
//! Every timed step ends only once the pixels are out ([`Pixels::settle`]): the
//! browser may defer canvas 2D drawing (and Leaflet's DOM moves) until a
//! read-back or the next frame, so each step forces layout and reads back
//! one pixel of the sensor canvas inside the timed region, as the chart
//! bench does.

use std::rc::Rc;

use leptos::{html::Div, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlElement};

use crate::map::{
    cluster::{Index, Item, Status},
    engine::Engine,
    project::{Crs, mercator},
};

pub const SENSORS: usize = 50_000;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Deterministic places and statuses: sensors in 500 "buildings" spread over
/// the Benelux, as a real portfolio clusters. map.mjs gives the same places
/// to Leaflet.markercluster (`places` in the result).
pub fn places(n: usize) -> Vec<(f64, f64, Status)> {
    let mut s: u64 = 42;
    let mut next = move || {
        s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        ((s >> 33) as f64) / f64::from(1u32 << 31)
    };
    let buildings: Vec<(f64, f64)> = (0..500)
        .map(|_| (49.6 + next() * 3.8, 2.6 + next() * 4.5))
        .collect();
    (0..n)
        .map(|i| {
            let (lat, lon) = buildings[i % buildings.len()];
            let status = match (next() * 100.0) as u32 {
                0 => Status::Critical,
                1..=6 => Status::Warning,
                7..=10 => Status::Offline,
                _ => Status::Ok,
            };
            (
                lat + (next() - 0.5) * 0.002,
                lon + (next() - 0.5) * 0.003,
                status,
            )
        })
        .collect()
}

/// What a timed step waits for before its clock stops: the container's
/// layout (Leaflet moves its panes with CSS transforms) and one pixel of the
/// sensor canvas read back, which flushes the canvas's deferred drawing.
struct Pixels {
    container: HtmlElement,
    sensors: CanvasRenderingContext2d,
}

impl Pixels {
    fn new(container: &HtmlElement) -> Option<Pixels> {
        let canvas: web_sys::HtmlCanvasElement = container
            .query_selector("canvas.cairn-map__sensors")
            .ok()??
            .dyn_into()
            .ok()?;
        Some(Pixels {
            container: container.clone(),
            sensors: crate::map::layer::context(&canvas)?,
        })
    }

    /// Forces layout and the canvas's pixels out.
    fn settle(&self) {
        let _ = self.container.get_bounding_client_rect();
        let _ = self.sensors.get_image_data(0.0, 0.0, 1.0, 1.0);
    }
}

#[component]
pub fn BenchMap() -> impl IntoView {
    let container = NodeRef::<Div>::new();
    request_animation_frame(move || {
        let Some(el) = container.get_untracked() else {
            return;
        };
        let engine = match Engine::new(&el, Crs::Mercator, (51.2, 4.6), 8.0, (3.0, 20.0)) {
            Ok(e) => e,
            Err(err) => return report(&serde_json::json!({ "error": format!("{err:?}") })),
        };
        let Some(pixels) = Pixels::new(&el) else {
            return report(&serde_json::json!({ "error": "no sensor canvas" }));
        };
        report(&run(&engine, &pixels));
        // Kept alive for the page's lifetime.
        std::mem::forget(engine);
    });
    view! { <div node_ref=container style="width:1920px;height:1080px"></div> }
}

/// Hands the figures (or what failed) to map.mjs.
fn report(result: &serde_json::Value) {
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__cairnBench".into(), &result.to_string().into());
    }
}

fn run(engine: &Rc<Engine>, pixels: &Pixels) -> serde_json::Value {
    let places = places(SENSORS);
    let t0 = now();
    let items: Vec<Item> = places
        .iter()
        .map(|&(lat, lon, status)| {
            let (x, y) = mercator(lat, lon);
            Item { x, y, status }
        })
        .collect();
    let index = Index::new(&items);
    let built = now();
    *engine.index.borrow_mut() = index;
    engine.draw_sync();
    pixels.settle();
    let first = now();

    let mut pan = Vec::new();
    for i in 0..120 {
        let step = if (i / 30) % 2 == 0 { 40.0 } else { -40.0 };
        let t = now();
        engine.pan_by(step, step / 2.0);
        engine.draw_sync();
        pixels.settle();
        pan.push(now() - t);
    }
    let mut zoom = Vec::new();
    for z in (6..=14).chain((6..14).rev()) {
        let t = now();
        engine.zoom_to(f64::from(z));
        engine.draw_sync();
        pixels.settle();
        zoom.push(now() - t);
    }
    engine.zoom_to(8.0);
    let mut status = Vec::new();
    let mut s: u64 = 7;
    for _ in 0..20 {
        let t = now();
        {
            let mut index = engine.index.borrow_mut();
            for _ in 0..500 {
                s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let item = ((s >> 33) % SENSORS as u64) as u32;
                let to = Status::ALL[((s >> 20) % 5) as usize];
                index.set_status(item, to);
            }
        }
        engine.draw_sync();
        pixels.settle();
        status.push(now() - t);
    }
    serde_json::json!({
        "sensors": SENSORS,
        "index_ms": built - t0,
        "first_render_ms": first - t0,
        "clusters_at_8": engine.index.borrow().clusters(8).len(),
        "pan_ms": pan,
        "zoom_ms": zoom,
        "status_ms": status,
        "places": places.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>(),
    })
}
