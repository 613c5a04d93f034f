//! Components mounted in a real browser (headless Chromium via wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use cairn::{
    components::{connection::ConnectionIndicator, live_value::LiveValue},
    state::live::Connection,
};
use cairn_protocol::{Metric, Reading};
use leptos::{prelude::*, task::tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the page to mount into.
fn container() -> web_sys::HtmlElement {
    let doc = document();
    let el = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&el).unwrap();
    el.unchecked_into()
}

fn text(el: &web_sys::HtmlElement) -> String {
    el.text_content().unwrap_or_default()
}

fn attr(el: &web_sys::HtmlElement, selector: &str, name: &str) -> String {
    el.query_selector(selector)
        .unwrap()
        .expect(selector)
        .get_attribute(name)
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn connection_indicator_follows_the_connection_and_the_clock() {
    let connection = RwSignal::new(Connection::Connecting);
    let last_update = RwSignal::new(None::<f64>);
    let now = RwSignal::new(100_000.0);
    let el = container();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        view! { <ConnectionIndicator connection last_update now /> }
    });
    tick().await;
    assert_eq!(text(&el), "Connecting…no data yet");
    assert_eq!(
        attr(&el, "[data-testid=connection]", "data-state"),
        "reconnecting"
    );

    connection.set(Connection::Connected);
    last_update.set(Some(88_000.0));
    tick().await;
    assert_eq!(text(&el), "Liveupdated 12 s ago");
    assert_eq!(
        attr(&el, "[data-testid=connection]", "data-state"),
        "connected"
    );

    // Connected but silent for over a minute reads as a warning.
    now.set(160_000.0);
    tick().await;
    assert_eq!(attr(&el, "[data-testid=connection]", "data-state"), "quiet");
    assert_eq!(text(&el), "Liveupdated 1 min ago");

    connection.set(Connection::Reconnecting);
    tick().await;
    assert_eq!(text(&el), "Reconnecting…updated 1 min ago");

    connection.set(Connection::Offline);
    tick().await;
    assert_eq!(
        attr(&el, "[data-testid=connection]", "class"),
        "cairn-connection cairn-connection--offline"
    );
}

#[wasm_bindgen_test]
async fn live_value_updates_in_place_and_greys_when_stale() {
    let reading = RwSignal::new(None::<Reading>);
    let now = RwSignal::new(1_000_000.0);
    let el = container();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        view! { <LiveValue reading metric=Metric::Co2 interval_s=10 now /> }
    });
    tick().await;
    assert_eq!(text(&el), "—");

    reading.set(Some(Reading {
        point: 1,
        ts: 995_000,
        value: 812.0,
    }));
    tick().await;
    assert_eq!(text(&el), "812\u{a0}ppm");
    let value = el
        .query_selector("[data-testid=live-value]")
        .unwrap()
        .unwrap();
    assert!(!value.class_list().contains("cairn-value--stale"));
    assert_eq!(
        value.get_attribute("title").unwrap(),
        "CO₂: updated 5 s ago"
    );

    // Three reporting intervals without news: stale.
    now.set(1_026_000.0);
    tick().await;
    assert!(
        value.class_list().contains("cairn-value--stale"),
        "same node, now greyed"
    );
    assert_eq!(text(&el), "812\u{a0}ppm");
}

/// Sum of alpha over a canvas: > 0 when anything is drawn on it.
fn ink(canvas: &web_sys::HtmlCanvasElement) -> Vec<u8> {
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    ctx.get_image_data(0.0, 0.0, w, h).unwrap().data().0
}

async fn frames(n: usize) {
    for _ in 0..n {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            window().request_animation_frame(&resolve).unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
        tick().await;
    }
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    tick().await;
}

/// The app's chart styles (once per page): the canvases stacked in a frame
/// of fixed height, as in the app. Without them each redraw makes the frame taller.
fn chart_styles() {
    let doc = document();
    if doc.get_element_by_id("chart-css").is_none() {
        let style = doc.create_element("style").unwrap();
        style.set_id("chart-css");
        style.set_text_content(Some(include_str!("../style/chart.css")));
        doc.head().unwrap().append_child(&style).unwrap();
    }
}

fn co2_point(id: u32) -> cairn::chart::widget::ChartPoint {
    cairn::chart::widget::ChartPoint {
        id,
        key: "d/co2".into(),
        label: "Meeting room · CO₂".into(),
        metric: Metric::Co2,
        interval_s: 600,
        time_zone: "Europe/Brussels".into(),
        thresholds: Metric::Co2.default_thresholds(),
    }
}

/// A data source with no history at all.
fn no_history() -> cairn::chart::widget::SeriesSource {
    use cairn::chart::widget::{SeriesFuture, SeriesQuery};
    use cairn_protocol::SeriesBatch;
    Callback::new(|_: SeriesQuery| -> SeriesFuture {
        Box::pin(async { Ok(SeriesBatch { series: Vec::new() }) })
    })
}

#[wasm_bindgen_test]
async fn time_chart_draws_live_readings_and_follows_a_range_change() {
    use cairn::{chart::widget::TimeChart, state::theme::provide_theme};
    let now = js_sys::Date::now() as i64;
    let reading = RwSignal::new(None::<Reading>);
    chart_styles();
    let el = container();
    el.set_attribute("style", "width:800px").unwrap();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        provide_theme();
        let theme = cairn::state::theme::use_theme().mode;
        let mut point = co2_point(7);
        point.interval_s = 60;
        let points = vec![point];
        let live = Signal::derive(move || reading.get().into_iter().collect::<Vec<_>>());
        view! {
            <TimeChart points source=no_history() now=Signal::derive(js_sys::Date::now) live theme
                range=cairn::chart::Range::Day label="CO₂" />
        }
    });
    // Readings arrive live, a minute apart, over the last 20 minutes.
    for i in 0..20 {
        reading.set(Some(Reading {
            point: 7,
            ts: now - (20 - i) * 60_000,
            value: 500.0 + (i * 37 % 11) as f64 * 40.0,
        }));
        tick().await;
    }
    frames(3).await;
    let canvases = el.query_selector_all("canvas").unwrap();
    assert_eq!(canvases.length(), 2, "frame and lines canvases");
    let lines: web_sys::HtmlCanvasElement = canvases.item(1).unwrap().unchecked_into();
    assert!(
        lines.width() >= 700,
        "sized to its container: {}",
        lines.width()
    );
    let day = ink(&lines);
    let inked = day.chunks(4).filter(|p| p[3] > 0).count();
    assert!(inked > 20, "the line is drawn ({inked} pixels)");
    let frame: web_sys::HtmlCanvasElement = canvases.item(0).unwrap().unchecked_into();
    assert!(
        ink(&frame).chunks(4).any(|p| p[3] > 0),
        "axes and labels are drawn"
    );
    assert!(
        text(&el).contains("max 900\u{a0}ppm"),
        "summary: {}",
        text(&el)
    );

    // 1 h instead of 24 h: the same readings spread over more pixels.
    let hour: web_sys::HtmlElement = el
        .query_selector_all(".cairn-chart__range")
        .unwrap()
        .item(1)
        .unwrap()
        .unchecked_into();
    assert_eq!(hour.text_content().unwrap(), "1 h");
    hour.click();
    frames(3).await;
    assert_eq!(hour.get_attribute("aria-pressed").as_deref(), Some("true"));
    let zoomed = ink(&lines);
    let wider = zoomed.chunks(4).filter(|p| p[3] > 0).count();
    assert!(
        wider > inked,
        "an hour draws the readings wider ({wider} vs {inked} pixels)"
    );
}

#[wasm_bindgen_test]
async fn time_chart_draws_history_from_its_data_source_without_a_live_store() {
    use std::sync::{Arc, Mutex};

    use cairn::chart::widget::{SeriesFuture, SeriesQuery, TimeChart};
    use cairn_protocol::{Resolution, Series, SeriesBatch};

    const STEP: i64 = 600_000;
    // Every 10 minutes over whatever is asked: 500, 550, … 800 ppm, again and again.
    let asked = Arc::new(Mutex::new(Vec::<SeriesQuery>::new()));
    let log = Arc::clone(&asked);
    let source = Callback::new(move |q: SeriesQuery| -> SeriesFuture {
        log.lock().unwrap().push(q.clone());
        let t: Vec<i64> = (q.from.div_euclid(STEP) + 1..=(q.to - 1).div_euclid(STEP))
            .map(|i| i * STEP)
            .collect();
        let v = t
            .iter()
            .map(|t| Some(500.0 + ((t / STEP) % 7) as f64 * 50.0))
            .collect();
        let series = q.points.iter().map(|&point| Series {
            point,
            from: q.from,
            to: q.to,
            px: q.px,
            resolution: Resolution::Raw,
            stored: t.len() as u64,
            t: t.clone(),
            v: Vec::clone(&v),
        });
        let batch = SeriesBatch {
            series: series.collect(),
        };
        Box::pin(async move { Ok(batch) })
    });
    chart_styles();
    let el = container();
    el.set_attribute("style", "width:800px").unwrap();
    // No live store, no clock, no theme: only props.
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        view! {
            <TimeChart points=vec![co2_point(3)] source now=Signal::derive(js_sys::Date::now)
                range=cairn::chart::Range::Day label="CO₂ history" />
        }
    });
    let canvases = el.query_selector_all("canvas").unwrap();
    let lines: web_sys::HtmlCanvasElement = canvases.item(1).unwrap().unchecked_into();
    let inked_columns = |lines: &web_sys::HtmlCanvasElement| {
        let (w, data) = (lines.width() as usize, ink(lines));
        let mut columns = vec![false; w.max(1)];
        for (i, p) in data.chunks(4).enumerate() {
            if p[3] > 0 {
                columns[i % w.max(1)] = true;
            }
        }
        columns
    };
    // The source is asked after the view settles (150 ms), then a frame draws.
    for _ in 0..40 {
        if inked_columns(&lines).iter().any(|c| *c) {
            break;
        }
        sleep(50).await;
    }
    frames(2).await;
    let queries = asked.lock().unwrap().clone();
    assert_eq!(queries.len(), 1, "one request: {queries:?}");
    let q = &queries[0];
    assert_eq!(q.points, vec![3]);
    assert!(
        q.to - q.from >= 36 * 3_600_000,
        "a day and half a day either side: {q:?}"
    );
    assert!(q.px >= 700, "one column per device pixel or so: {q:?}");
    // The line runs across the plot: ink in every tenth of the canvas but the axis margins.
    let columns = inked_columns(&lines);
    let w = columns.len();
    assert!(w >= 700, "sized to its container: {w}");
    for tenth in 2..9 {
        let x = w * tenth / 10;
        assert!(
            columns[x - 3..x + 3].iter().any(|c| *c),
            "line drawn around x = {x} of {w}"
        );
    }
    assert!(
        text(&el).contains("max 800\u{a0}ppm") && text(&el).contains("500\u{a0}ppm"),
        "summary: {}",
        text(&el)
    );
    assert!(el.query_selector(".cairn-chart__error").unwrap().is_none());
}

/// A canvas of `w`×`h` device pixels in the page.
fn canvas(w: u32, h: u32) -> web_sys::HtmlCanvasElement {
    let c: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    c.set_width(w);
    c.set_height(h);
    container().append_child(&c).unwrap();
    c
}

#[wasm_bindgen_test]
async fn a_live_chart_painted_in_parts_shows_what_a_whole_paint_shows() {
    use cairn::chart::{
        SeriesData, View,
        canvas::{Painter, palette_of_page},
        decimate::{Cache, column_width},
        render::{Axis, Line, Plot, Scene},
        scale::ValueScale,
    };
    let (w, h) = (420_u32, 180_u32);
    let [live_frame, live_lines, fresh_frame, fresh_lines] = [(); 4].map(|_| canvas(w, h));
    let palette = palette_of_page();
    let (mut live, mut fresh) = (Painter::default(), Painter::default());
    let mut data = SeriesData::default();
    let mut now = 1_790_000_000_000_i64;
    for i in 0..2_000 {
        data.append(now - 2_000 * 3_000 + i * 3_000, (i % 23) as f64);
    }
    let mut cache = Cache::default();
    let plot = Plot::inside(w, h, 1.0, 1, false);
    let (mut partial, mut value) = (0, 10.0);
    for step in 0..40 {
        now += 3_000;
        // Up and down, and now and then the scale's minimum (row `plot.h`).
        value = if step % 9 == 0 {
            0.0
        } else {
            value + f64::from(step % 5) - 2.0
        };
        data.append(now, value);
        let view = View::ending(now, 3_600_000).snapped(plot.w as u32);
        let width_ms = column_width(view.span(), plot.w as u32);
        let samples = cache.samples(
            &data,
            data.range_with_neighbours(view.from, view.to),
            width_ms,
            i64::MAX,
        );
        let scene = Scene {
            view,
            width_ms,
            axes: vec![Axis {
                scale: ValueScale::around(0.0, 25.0, 4),
                unit: "ppm".into(),
                thresholds: None,
            }],
            lines: vec![Line {
                samples: &samples,
                color: palette.series(0),
                axis: 0,
                stale_since: None,
                trend: None,
            }],
            ticks: Vec::new(),
            now,
            compact: false,
            bands: Vec::new(),
            limits: None,
        };
        let (_, times) = live
            .paint(&live_frame, &live_lines, &scene, &palette, 1.0)
            .unwrap();
        partial += usize::from(!times.frame_drawn);
        fresh.forget();
        fresh
            .paint(&fresh_frame, &fresh_lines, &scene, &palette, 1.0)
            .unwrap();
        assert!(
            ink(&live_lines) == ink(&fresh_lines),
            "step {step}: the lines differ from a whole paint"
        );
        assert!(
            ink(&live_frame) == ink(&fresh_frame),
            "step {step}: the frame differs from a whole paint"
        );
    }
    assert!(
        partial > 20,
        "the frame is not drawn again when unchanged ({partial} of 40)"
    );
    let zero_row = (plot.y(&ValueScale::around(0.0, 25.0, 4), 0.0)) as u32;
    let lines = ink(&live_lines);
    let row = &lines[(zero_row * w * 4) as usize..((zero_row + 1) * w * 4) as usize];
    assert!(
        row.chunks(4).any(|p| p[3] > 0),
        "a value at the scale's minimum is drawn"
    );
}

#[wasm_bindgen_test]
fn a_time_zone_the_browser_does_not_know_falls_back_to_utc() {
    use cairn::format::{time_in_zone, zone_offset};
    // 2026-01-01 00:00 UTC.
    let t = 1_767_225_600_000_i64;
    assert_eq!(time_in_zone(t as f64, "Not/AZone"), "00:00");
    assert_eq!(zone_offset(t, "Not/AZone"), 0);
    // Dates still format afterwards.
    assert_eq!(time_in_zone(t as f64, "Europe/Brussels"), "01:00");
    assert_eq!(zone_offset(t, "Europe/Brussels"), 3_600_000);
}

#[wasm_bindgen_test]
async fn the_live_store_applies_a_snapshot_in_a_task_of_its_own_and_readings_once_per_frame() {
    use cairn::state::live::LiveStore;
    use cairn_protocol::{PointSummary, ServerMsg, SiteSummary, Snapshot};
    let store = LiveStore::detached(Signal::stored(Connection::Connected));
    let site = SiteSummary {
        id: "s".into(),
        name: "Site".into(),
        address: "1 Main St".into(),
        city: "Ghent".into(),
        time_zone: "Europe/Brussels".into(),
        lat: 51.0,
        lon: 3.7,
    };
    let point = PointSummary {
        id: 7,
        key: "d/air_temperature".into(),
        device_id: "d".into(),
        device_name: "D".into(),
        site_id: "s".into(),
        building_id: None,
        metric: Metric::AirTemperature,
        interval_s: 60,
        last: Some(Reading {
            point: 7,
            ts: 1_000,
            value: 20.0,
        }),
        thresholds: None,
    };
    let snapshot = ServerMsg::Snapshot {
        epoch: 1,
        seq: 4,
        server_time: 1_000,
        snapshot: Snapshot {
            sites: vec![site],
            buildings: vec![],
            points: vec![point],
        },
    };
    let readings = |seq, ts, value| ServerMsg::Readings {
        seq,
        server_time: ts,
        accepted: ts,
        readings: vec![Reading {
            point: 7,
            ts,
            value,
        }],
    };
    store.receive(&snapshot);
    store.receive(&readings(5, 2_000, 21.5));
    // Nothing yet: the snapshot waits for the next task, the readings for it.
    assert_eq!(store.points.with_untracked(Vec::len), 0);
    assert_eq!(store.seq.get_untracked(), 0);
    sleep(0).await;
    // Then both, in order: the readings' value over the snapshot's.
    let value = || {
        store
            .points
            .with_untracked(|ps| ps[0].reading.get_untracked().map(|r| r.value))
    };
    assert_eq!(value(), Some(21.5));
    assert_eq!(store.seq.get_untracked(), 5);
    // With no snapshot waiting, readings are gathered (the newest per
    // point) and applied at the next animation frame.
    store.receive(&readings(7, 4_000, 23.0));
    store.receive(&readings(6, 3_000, 22.0));
    assert_eq!((value(), store.seq.get_untracked()), (Some(21.5), 5));
    frames(1).await;
    assert_eq!((value(), store.seq.get_untracked()), (Some(23.0), 6));
    // A snapshot applies what was gathered before it first.
    store.receive(&readings(8, 5_000, 24.0));
    store.receive(&snapshot);
    assert_eq!(value(), Some(24.0));
    sleep(0).await;
    // In a hidden tab (no frames) readings are applied as they come, after
    // what was gathered before.
    store.receive(&readings(9, 6_000, 25.0));
    let js = |code: &str| {
        js_sys::Function::new_no_args(code)
            .call0(&wasm_bindgen::JsValue::NULL)
            .unwrap();
    };
    js("Object.defineProperty(document, 'hidden', { value: true, configurable: true })");
    assert!(document().hidden());
    store.receive(&readings(10, 7_000, 26.0));
    let now_hidden = (value(), store.seq.get_untracked());
    js("delete document.hidden");
    assert!(!document().hidden());
    assert_eq!(now_hidden, (Some(26.0), 10));
}
