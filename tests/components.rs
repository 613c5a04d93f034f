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

#[wasm_bindgen_test]
async fn time_chart_draws_live_readings_and_follows_a_range_change() {
    use cairn::{
        chart::widget::{ChartPoint, TimeChart},
        state::{
            live::{LivePoint, LiveStore},
            theme::provide_theme,
        },
    };
    let now = js_sys::Date::now() as i64;
    let reading = RwSignal::new(None::<Reading>);
    let el = container();
    el.set_attribute("style", "width:800px").unwrap();
    let _mounted = leptos::mount::mount_to(el.clone(), move || {
        provide_theme();
        let store = LiveStore::detached(Signal::derive(|| Connection::Connected));
        store.points.set(vec![LivePoint {
            id: 7,
            device_id: "d".into(),
            device_name: "Meeting room".into(),
            site_id: "s".into(),
            building_id: None,
            metric: Metric::Co2,
            interval_s: 60,
            reading,
        }]);
        provide_context(store);
        let points = vec![ChartPoint {
            id: 7,
            key: "d/co2".into(),
            label: "Meeting room · CO₂".into(),
            metric: Metric::Co2,
            interval_s: 60,
            time_zone: "Europe/Brussels".into(),
        }];
        view! { <TimeChart points range=cairn::chart::Range::Day label="CO₂" /> }
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
