//! Leaflet is not in the first load: the map pages load its script and style
//! (`/leaflet/leaflet.js`, `/leaflet/leaflet.css`, copied from npm by xtask)
//! the first time a map opens, and wait for them before drawing.

use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element};

const SCRIPT: &str = "/leaflet/leaflet.js";
const STYLE: &str = "/leaflet/leaflet.css";
/// Set on an element once it loaded, so a later call does not wait for an
/// event that already passed. An element that failed removes itself, so the
/// next call makes a new one (the network may be back).
const LOADED: &str = "data-loaded";

/// Resolves once Leaflet's global `L` exists and its style is applied; the
/// first call adds the two elements to `<head>` (the style before the app's
/// own, which overrides some of Leaflet's rules), later calls wait for the
/// same ones. Errs with the file that did not load.
pub async fn load_leaflet() -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let style = element(&document, "link", "cairn-leaflet-css", |el| {
        el.set_attribute("rel", "stylesheet")?;
        el.set_attribute("href", STYLE)
    })?;
    let script = element(&document, "script", "cairn-leaflet-js", |el| {
        el.set_attribute("src", SCRIPT)
    })?;
    let leaflet = || js_sys::Reflect::has(&window, &JsValue::from_str("L")).unwrap_or(false);
    let script_result = if leaflet() {
        Ok(())
    } else {
        loaded(&script, SCRIPT).await
    };
    // Both are awaited, so neither is left failed and waited for later.
    let style_result = loaded(&style, STYLE).await;
    script_result.and(style_result)
}

/// The element with `id`, made by `init` and put in `<head>` if missing:
/// before the first stylesheet there, so the app's rules come after it.
fn element(
    document: &Document,
    tag: &str,
    id: &str,
    init: impl FnOnce(&Element) -> Result<(), JsValue>,
) -> Result<Element, String> {
    if let Some(el) = document.get_element_by_id(id) {
        return Ok(el);
    }
    let el = document
        .create_element(tag)
        .map_err(|e| format!("cannot create <{tag}>: {e:?}"))?;
    el.set_id(id);
    init(&el).map_err(|e| format!("cannot set up <{tag}>: {e:?}"))?;
    let on_load = Closure::<dyn Fn()>::new({
        let el = el.clone();
        move || {
            let _ = el.set_attribute(LOADED, "");
        }
    });
    let on_error = Closure::<dyn Fn()>::new({
        let el = el.clone();
        move || el.remove()
    });
    let _ = el.add_event_listener_with_callback("load", on_load.as_ref().unchecked_ref());
    let _ = el.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    on_load.forget();
    on_error.forget();
    let head = document.head().ok_or("no <head>")?;
    let first_style = document
        .query_selector("head link[rel=stylesheet]")
        .ok()
        .flatten();
    head.insert_before(&el, first_style.as_ref().map(|s| s.unchecked_ref()))
        .map_err(|e| format!("cannot add <{tag}>: {e:?}"))?;
    Ok(el)
}

/// Waits for `el`'s load event (an error event: `file` did not load).
async fn loaded(el: &Element, file: &str) -> Result<(), String> {
    if el.has_attribute(LOADED) {
        return Ok(());
    }
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let _ = el.add_event_listener_with_callback("load", &resolve);
        let _ = el.add_event_listener_with_callback("error", &reject);
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| format!("{file} did not load"))
}
