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
