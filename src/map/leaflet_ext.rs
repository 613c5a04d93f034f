//! Leaflet bindings the `leaflet` 0.5 crate lacks or gets wrong (its
//! `Crs::new_simple` calls `new L.CRS.Simple()`, but `L.CRS.Simple` is an
//! object, not a class). Methods are bound on local views of Leaflet's
//! objects and reached through `unchecked_ref`.

use leaflet::{LatLngBounds, Map, Point, Polygon};
use wasm_bindgen::{JsCast, prelude::*};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["L", "CRS"], js_name = Simple)]
    static CRS_SIMPLE: JsValue;

    /// A Leaflet map, for the methods the crate does not bind.
    type LMap;

    #[wasm_bindgen(method, js_name = containerPointToLayerPoint)]
    fn container_point_to_layer_point(this: &LMap, point: &Point) -> Point;

    #[wasm_bindgen(method, js_name = on)]
    fn on(this: &LMap, kind: &str, handler: &JsValue);

    #[wasm_bindgen(method, js_name = getBoundsZoom)]
    fn get_bounds_zoom(this: &LMap, bounds: &LatLngBounds, inside: bool, padding: &Point) -> f64;

    /// A Leaflet path (polygon, polyline).
    type LPath;

    #[wasm_bindgen(method, js_name = getElement)]
    fn get_element(this: &LPath) -> Option<web_sys::Element>;

    #[wasm_bindgen(js_namespace = ["L", "DomUtil"], js_name = setPosition)]
    pub fn set_position(el: &web_sys::HtmlElement, point: &Point);
}

/// `L.CRS.Simple`, for a map option.
pub fn crs_simple() -> JsValue {
    CRS_SIMPLE.with(JsValue::clone)
}

/// The layer point of a container point (where to put a canvas so that it
/// covers the container, inside a pane that moves with the map).
pub fn layer_point(map: &Map, point: &Point) -> Point {
    map.unchecked_ref::<LMap>()
        .container_point_to_layer_point(point)
}

/// `map.on(kind, handler)` for any event name.
pub fn on(map: &Map, kind: &str, handler: &JsValue) {
    map.unchecked_ref::<LMap>().on(kind, handler);
}

/// A polygon's SVG element, to style it by class (themes apply).
pub fn path_element(polygon: &Polygon) -> Option<web_sys::Element> {
    polygon.unchecked_ref::<LPath>().get_element()
}

/// The zoom at which `bounds` fill the map, `padding` px kept free.
pub fn bounds_zoom(map: &Map, bounds: &LatLngBounds, padding: f64) -> f64 {
    map.unchecked_ref::<LMap>()
        .get_bounds_zoom(bounds, false, &Point::new(padding, padding))
}
