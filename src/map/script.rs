//! Leaflet is not in the first load: the map pages load its script and style
//! (`/leaflet/leaflet.js`, `/leaflet/leaflet.css`, copied from npm by xtask)
//! the first time a map opens, and wait for them before drawing.

use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element};

const SCRIPT: &str = "/leaflet/leaflet.js";
const STYLE: &str = "/leaflet/leaflet.css";

/// Resolves once Leaflet's global `L` exists and its style is applied; the
/// first call adds the two elements to `<head>`, later calls wait for the
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
    let leaflet_ready = || js_sys::Reflect::has(&window, &JsValue::from_str("L")).unwrap_or(false);
    if !leaflet_ready() {
        loaded(&script, SCRIPT).await?;
    }
    if style.get_attribute("data-loaded").is_none() {
        loaded(&style, STYLE).await?;
    }
    Ok(())
}

/// The element with `id`, made by `init` and appended to `<head>` if missing.
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
    // Marks itself loaded, so a later call does not wait for an event that passed.
    let mark = Closure::<dyn Fn()>::new({
        let el = el.clone();
        move || {
            let _ = el.set_attribute("data-loaded", "");
        }
    });
    let _ = el.add_event_listener_with_callback("load", mark.as_ref().unchecked_ref());
    mark.forget();
    let head = document.head().ok_or("no <head>")?;
    head.append_child(&el)
        .map_err(|e| format!("cannot add <{tag}>: {e:?}"))?;
    Ok(el)
}

/// Waits for `el`'s load event (an error event: `file` did not load).
async fn loaded(el: &Element, file: &str) -> Result<(), String> {
    if el.get_attribute("data-loaded").is_some() {
        return Ok(());
    }
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let _ = el.add_event_listener_with_callback("load", &resolve);
        let _ = el.add_event_listener_with_callback("error", &reject);
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(|_| {
        // Gone, so the next map opened tries again with a new element.
        el.remove();
        format!("{file} did not load")
    })
}
