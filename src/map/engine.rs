//! A Leaflet map with Cairn's sensor canvas on top: the part shared by the
//! portfolio map and the floor view.
//!
//! Leaflet pans, zooms, draws outlines, tiles and popups. The sensors are one
//! canvas in a pane of their own, kept at the container's top-left and
//! redrawn (at most once per animation frame) from the clustering index on
//! every move. Status changes touch the index in place and ask for a redraw:
//! no layer is rebuilt and the view stays where it is.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use leaflet::{LatLng, Map, MapOptions, Point};
use wasm_bindgen::{JsCast, prelude::*};
use web_sys::{HtmlCanvasElement, HtmlElement};

use super::{
    cluster::{Index, MAX_LEVEL, Status},
    layer::{self, Mark, Palette},
    leaflet_ext::{self, crs_simple, layer_point, set_position},
    project::{Crs, Viewport, mercator, unmercator},
};

/// A text drawn on the map at a world point, shown between two zooms.
pub struct Label {
    pub world: (f64, f64),
    pub text: String,
    pub zooms: (f64, f64),
}

/// What a click or tap landed on.
pub enum Hit {
    /// A cluster of more than one sensor: its members' bounding box (world).
    Cluster([f64; 4]),
    /// One sensor: the item's index.
    Item(u32),
    /// Nothing of ours: the place (world coordinates).
    Map((f64, f64)),
}

type Handler = Closure<dyn FnMut(JsValue)>;
type OnSettled = Box<dyn Fn(Vec<Mark>)>;
type OnHit = Box<dyn Fn(Hit)>;
type OnHover = Box<dyn Fn(Option<Mark>)>;

pub struct Engine {
    pub map: Map,
    pub crs: Crs,
    canvas: HtmlCanvasElement,
    pub index: RefCell<Index>,
    /// Statuses shown; the others are left out of counts and marks.
    pub shown: Cell<[bool; 5]>,
    pub labels: RefCell<Vec<Label>>,
    marks: RefCell<Vec<Mark>>,
    palette: RefCell<Palette>,
    pending: Cell<bool>,
    /// Set while Leaflet animates a zoom: the canvas hides until it ends.
    zooming: Cell<bool>,
    handlers: RefCell<Vec<Handler>>,
    on_hit: RefCell<Option<OnHit>>,
    on_hover: RefCell<Option<OnHover>>,
    /// The mark under the mouse (level, index), reported once per change.
    hovered: Cell<Option<(usize, u32)>>,
    /// Set by the end of a move: the next draw reports what it drew.
    settled: Cell<bool>,
    on_settled: RefCell<Option<OnSettled>>,
}

impl Engine {
    /// A map in `container` centred on `center` (lat, lng) at `zoom`.
    pub fn new(
        container: &HtmlElement,
        crs: Crs,
        center: (f64, f64),
        zoom: f64,
        (min_zoom, max_zoom): (f64, f64),
    ) -> Result<Rc<Engine>, JsValue> {
        let options = MapOptions::new();
        options.set_center(LatLng::new(center.0, center.1));
        options.set_zoom(zoom);
        options.set_min_zoom(min_zoom);
        options.set_max_zoom(max_zoom);
        options.set_zoom_snap(if crs == Crs::Plan { 0.25 } else { 1.0 });
        options.set_tap_tolerance(15.0);
        if crs == Crs::Plan {
            options.set_crs(crs_simple());
        }
        let map = Map::new_with_element(container, &options)?;
        let pane = map.create_pane_by_name("cairn-sensors");
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
        canvas.set_class_name("cairn-map__sensors");
        pane.append_child(&canvas)?;
        let engine = Rc::new(Engine {
            map,
            crs,
            palette: RefCell::new(Palette::from_css(container)),
            canvas,
            index: RefCell::new(Index::new(&[])),
            shown: Cell::new([true; 5]),
            labels: RefCell::new(Vec::new()),
            marks: RefCell::new(Vec::new()),
            pending: Cell::new(false),
            zooming: Cell::new(false),
            handlers: RefCell::new(Vec::new()),
            on_hit: RefCell::new(None),
            on_hover: RefCell::new(None),
            hovered: Cell::new(None),
            settled: Cell::new(true),
            on_settled: RefCell::new(None),
        });
        engine.listen();
        engine.redraw();
        Ok(engine)
    }

    fn listen(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        let on = |kind: &str, f: Box<dyn FnMut(JsValue)>| {
            let closure = Closure::wrap(f);
            leaflet_ext::on(&self.map, kind, closure.as_ref());
            self.handlers.borrow_mut().push(closure);
        };
        for kind in ["move", "moveend", "zoomend", "resize", "viewreset"] {
            let weak = weak.clone();
            on(
                kind,
                Box::new(move |_| {
                    if let Some(e) = weak.upgrade() {
                        e.zooming.set(false);
                        if kind == "move" {
                            e.schedule();
                        } else {
                            e.redraw();
                        }
                    }
                }),
            );
        }
        let w = weak.clone();
        on(
            "zoomanim",
            Box::new(move |_| {
                if let Some(e) = w.upgrade() {
                    e.zooming.set(true);
                    let _ = e.canvas.style().set_property("visibility", "hidden");
                }
            }),
        );
        let w = weak.clone();
        on(
            "click",
            Box::new(move |ev| {
                if let Some(e) = w.upgrade() {
                    let point: Point = js_sys::Reflect::get(&ev, &"containerPoint".into())
                        .map_or_else(|_| Point::new(-1e9, -1e9), JsCast::unchecked_into);
                    // The popup or the zoom replaces the tooltip; it shows
                    // again once the mouse leaves the mark and comes back.
                    e.hover_off();
                    e.hovered
                        .set(e.mark_at(point.x(), point.y()).map(|m| (m.level, m.idx)));
                    let hit = e.hit(point.x(), point.y());
                    if let Some(f) = e.on_hit.borrow().as_ref() {
                        f(hit);
                    }
                }
            }),
        );
        let w = weak.clone();
        on(
            "mousemove",
            Box::new(move |ev| {
                if let Some(e) = w.upgrade() {
                    let point: Point = js_sys::Reflect::get(&ev, &"containerPoint".into())
                        .map_or_else(|_| Point::new(-1e9, -1e9), JsCast::unchecked_into);
                    let mark = e.mark_at(point.x(), point.y());
                    let _ = e
                        .map
                        .get_container()
                        .class_list()
                        .toggle_with_force("cairn-map--over-sensor", mark.is_some());
                    let key = mark.as_ref().map(|m| (m.level, m.idx));
                    if e.hovered.replace(key) != key
                        && let Some(f) = e.on_hover.borrow().as_ref()
                    {
                        f(mark);
                    }
                }
            }),
        );
        // A tooltip never lags behind a moving map or a mouse that left.
        for kind in ["mouseout", "movestart", "zoomstart"] {
            let w = weak.clone();
            on(
                kind,
                Box::new(move |_| {
                    if let Some(e) = w.upgrade() {
                        e.hover_off();
                    }
                }),
            );
        }
    }

    /// `f` gets the mark under the mouse when it changes (`None`: nothing).
    pub fn on_hover(&self, f: impl Fn(Option<Mark>) + 'static) {
        *self.on_hover.borrow_mut() = Some(Box::new(f));
    }

    fn hover_off(&self) {
        if self.hovered.take().is_some()
            && let Some(f) = self.on_hover.borrow().as_ref()
        {
            f(None);
        }
    }

    pub fn on_hit(&self, f: impl Fn(Hit) + 'static) {
        *self.on_hit.borrow_mut() = Some(Box::new(f));
    }

    /// `f` gets the marks drawn once the map comes to rest (not per frame).
    pub fn on_settled(self: &Rc<Self>, f: impl Fn(Vec<Mark>) + 'static) {
        *self.on_settled.borrow_mut() = Some(Box::new(f));
        self.redraw();
    }

    /// World coordinate of a Leaflet position.
    pub fn world(&self, lat: f64, lng: f64) -> (f64, f64) {
        match self.crs {
            Crs::Mercator => mercator(lat, lng),
            Crs::Plan => (lng, -lat),
        }
    }

    /// Leaflet position of a world coordinate.
    pub fn lat_lng(&self, (x, y): (f64, f64)) -> LatLng {
        match self.crs {
            Crs::Mercator => {
                let (lat, lon) = unmercator(x, y);
                LatLng::new(lat, lon)
            }
            Crs::Plan => LatLng::new(-y, x),
        }
    }

    pub fn viewport(&self) -> Viewport {
        let c = self.map.get_center();
        let size = self.map.get_size();
        Viewport::new(
            self.crs,
            self.world(c.lat(), c.lng()),
            self.map.get_zoom(),
            size.x(),
            size.y(),
        )
    }

    fn level(&self) -> usize {
        match self.crs {
            Crs::Mercator => Index::level(self.map.get_zoom()),
            Crs::Plan => MAX_LEVEL,
        }
    }

    /// Replaces what is drawn (a new filter, new data).
    pub fn set_index(self: &Rc<Self>, index: Index) {
        self.hover_off();
        *self.index.borrow_mut() = index;
        self.redraw();
    }

    /// Re-reads the theme's colours.
    pub fn restyle(self: &Rc<Self>) {
        if let Some(el) = self.canvas.parent_element() {
            *self.palette.borrow_mut() = Palette::from_css(&el);
        }
        self.redraw();
    }

    /// Asks for a redraw in the next animation frame (once, however often
    /// asked), which then reports the marks to `on_settled`.
    pub fn redraw(self: &Rc<Self>) {
        self.settled.set(true);
        self.schedule();
    }

    /// A redraw while the map moves: nothing is reported.
    fn schedule(self: &Rc<Self>) {
        if self.pending.replace(true) {
            return;
        }
        let weak = Rc::downgrade(self);
        let frame = Closure::once_into_js(move || {
            if let Some(e) = weak.upgrade() {
                e.pending.set(false);
                e.draw_now();
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(frame.unchecked_ref());
        }
    }

    /// Draws now, not in the next frame (benchmarks).
    pub fn draw_sync(&self) {
        self.draw_now();
    }

    /// Pans by `(dx, dy)` pixels at once, without animation.
    pub fn pan_by(&self, dx: f64, dy: f64) {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"animate".into(), &false.into());
        self.map.pan_by_with_options(&Point::new(dx, dy), &options);
    }

    /// Zooms to `zoom` at once, without animation.
    pub fn zoom_to(&self, zoom: f64) {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"animate".into(), &false.into());
        self.map.set_zoom_with_options(zoom, &options);
    }

    fn draw_now(&self) {
        if self.zooming.get() {
            return;
        }
        let vp = self.viewport();
        let level = self.level();
        let shown = self.shown.get();
        let mut marks = layer::visible(&self.index.borrow(), level, &vp);
        if shown.contains(&false) {
            marks.retain_mut(|m| {
                for s in Status::ALL {
                    if !shown[s as usize] {
                        m.counts[s as usize] = 0;
                    }
                }
                m.count = m.counts.iter().sum();
                if let Some(w) = Status::ALL.into_iter().find(|s| m.counts[*s as usize] > 0) {
                    m.worst = w;
                }
                m.count > 0
            });
        }
        let zoom = self.map.get_zoom();
        let labels: Vec<(f64, f64, String)> = self
            .labels
            .borrow()
            .iter()
            .filter(|l| l.zooms.0 <= zoom && zoom < l.zooms.1)
            .map(|l| {
                let (x, y) = vp.to_screen(l.world);
                (x, y + 26.0, l.text.clone())
            })
            .filter(|(x, y, _)| vp.shows((*x, *y), 80.0))
            .collect();
        let origin = layer_point(&self.map, &Point::new(0.0, 0.0));
        set_position(&self.canvas, &origin);
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        layer::draw(
            &self.canvas,
            &marks,
            &labels,
            &self.palette.borrow(),
            (vp.width, vp.height, dpr),
        );
        let _ = self.canvas.style().set_property("visibility", "visible");
        // For tests and tools: what is drawn, at which zoom.
        let _ = self
            .canvas
            .set_attribute("data-marks", &marks.len().to_string());
        let _ = self.canvas.set_attribute("data-zoom", &zoom.to_string());
        if self.settled.replace(false)
            && let Some(f) = self.on_settled.borrow().as_ref()
        {
            f(marks.clone());
        }
        *self.marks.borrow_mut() = marks;
    }

    /// The mark drawn under container point `(x, y)`; generous on touch screens.
    pub fn mark_at(&self, x: f64, y: f64) -> Option<Mark> {
        let coarse = web_sys::window()
            .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
            .is_some_and(|m| m.matches());
        let marks = self.marks.borrow();
        layer::hit(&marks, x, y, if coarse { 16.0 } else { 4.0 }).cloned()
    }

    /// What is under container point `(x, y)`.
    pub fn hit(&self, x: f64, y: f64) -> Hit {
        match self.mark_at(x, y) {
            Some(m) if m.count > 1 => {
                let index = self.index.borrow();
                Hit::Cluster(index.clusters(m.level)[m.idx as usize].bounds)
            }
            Some(m) => Hit::Item(m.first),
            None => Hit::Map(self.viewport().to_world((x, y))),
        }
    }

    /// Zooms so a cluster's members spread out.
    pub fn zoom_into(&self, bounds_w: [f64; 4]) {
        let (a, b) = (
            self.lat_lng((bounds_w[0], bounds_w[1])),
            self.lat_lng((bounds_w[2], bounds_w[3])),
        );
        let zoom = self.map.get_zoom();
        let max = self.map.get_max_zoom();
        let bounds = leaflet::LatLngBounds::new(&a, &b);
        // A cluster always opens up: at least one zoom step, at most to the
        // zoom where its members fill the map.
        let target = leaflet_ext::bounds_zoom(&self.map, &bounds, 96.0)
            .max(zoom + 1.0)
            .min(max);
        let center = self.lat_lng((
            (bounds_w[0] + bounds_w[2]) / 2.0,
            (bounds_w[1] + bounds_w[3]) / 2.0,
        ));
        self.map.set_view(&center, target);
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Stop any pan or fly first: Leaflet's animation frames would run on
        // the removed map and throw.
        self.map.stop();
        self.map.remove();
    }
}
