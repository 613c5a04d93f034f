//! The map's basemap: the tile source the server is configured with, if one
//! of its tiles actually loads from here.

use cairn_protocol::{Health, MapTiles};
use wasm_bindgen::{JsCast, closure::Closure};

use super::http::get;

/// The configured tile source when its first tile loads; `None` when none is
/// configured or there is no network to it (one failed request, not one per
/// tile, and no broken images on the map).
pub async fn basemap() -> Option<MapTiles> {
    let tiles = get::<Health>("/api/health").await.ok()?.map_tiles?;
    let url = tiles
        .url
        .replace("{z}", "0")
        .replace("{x}", "0")
        .replace("{y}", "0")
        .replace("{s}", "a");
    loads(&url).await.then_some(tiles)
}

/// Whether the image at `url` loads.
async fn loads(url: &str) -> bool {
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return false;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let (ok, failed) = (resolve.clone(), resolve);
        let ok =
            Closure::once_into_js(move || ok.call1(&wasm_bindgen::JsValue::NULL, &true.into()));
        let failed = Closure::once_into_js(move || {
            failed.call1(&wasm_bindgen::JsValue::NULL, &false.into())
        });
        img.set_onload(Some(ok.unchecked_ref()));
        img.set_onerror(Some(failed.unchecked_ref()));
    });
    img.set_src(url);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
