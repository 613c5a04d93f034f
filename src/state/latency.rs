//! The live path's latency, measured in the page (bench builds only, feature
//! `bench`): for each frame's readings (`state::inbox` gathers a frame's
//! messages), the time from the server's acceptance of the oldest of them to
//! the animation frame after they were applied, which paints them (an upper
//! bound: they are applied in a frame's callback, painted at its end), pushed
//! (ms) onto `window.__cairnLatency` for `e2e/bench/live.mjs` and `flood.mjs`.

use wasm_bindgen::{JsCast, JsValue};

/// Records `now - accepted` (UTC epoch ms) at the next animation frame.
pub fn after_paint(accepted: i64) {
    leptos::prelude::request_animation_frame(move || {
        let ms = js_sys::Date::now() - accepted as f64;
        let Some(window) = web_sys::window() else {
            return;
        };
        let key = JsValue::from_str("__cairnLatency");
        let list = match js_sys::Reflect::get(&window, &key) {
            // The page's own array (`Array::from` would push onto a copy).
            Ok(v) if js_sys::Array::is_array(&v) => v.unchecked_into::<js_sys::Array>(),
            _ => {
                let list = js_sys::Array::new();
                let _ = js_sys::Reflect::set(&window, &key, &list);
                list
            }
        };
        list.push(&JsValue::from_f64(ms));
    });
}
