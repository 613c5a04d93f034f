//! `use_map_engine`: the map engine as the map page and a floor page use it.
//! It makes the engine once its container is in the page, drops it with the
//! page, and keeps it in step with the page's signals: the mark under the
//! mouse, the legend's toggles, the theme, live statuses, and the popup of
//! the selected device.

use std::rc::Rc;

use leptos::{html::Div, prelude::*};

use crate::{
    map::{cluster::Status, engine::Engine, layer::Mark, project::Crs},
    state::theme::use_theme,
};

/// Where the map starts: projection, centre (lat, lng), zoom, zoom limits.
pub struct MapStart {
    pub crs: Crs,
    pub center: (f64, f64),
    pub zoom: f64,
    pub zooms: (f64, f64),
}

/// The page's signals the engine follows.
pub struct MapSignals {
    /// Set to the mark under the mouse.
    pub hover: RwSignal<Option<Mark>>,
    /// Which statuses the legend shows.
    pub shown: RwSignal<[bool; 5]>,
    /// Each device's status (by device).
    pub statuses: Memo<Vec<Status>>,
    /// The device of each item of the index; `None`: item i is device i.
    pub items: Option<StoredValue<Vec<usize>, LocalStorage>>,
    /// The device whose popup is open, and the element holding its content.
    pub selected: RwSignal<Option<usize>>,
    pub popup: NodeRef<Div>,
}

/// The engine of a page, once made. `Copy`: hand it to every effect.
#[derive(Clone, Copy)]
pub struct MapEngine {
    engine: StoredValue<Option<Rc<Engine>>, LocalStorage>,
    /// The engine is not reactive: effects that need it track this.
    ready: RwSignal<bool>,
}

impl MapEngine {
    /// The engine, if made; in an effect, the effect runs again once it is.
    pub fn get(&self) -> Option<Rc<Engine>> {
        self.ready.track();
        self.get_untracked()
    }

    /// The engine, if made and the page is still there.
    pub fn get_untracked(&self) -> Option<Rc<Engine>> {
        self.engine.try_get_value().flatten()
    }
}

/// Makes the engine in `container` (`init` adds the page's own layers and
/// handlers) and keeps it in step with `signals`; `popup_at` is where the
/// popup of device i opens.
pub fn use_map_engine(
    container: NodeRef<Div>,
    start: MapStart,
    signals: MapSignals,
    init: impl Fn(&Rc<Engine>) + 'static,
    popup_at: impl Fn(&Engine, usize) -> Option<leaflet::LatLng> + 'static,
) -> MapEngine {
    let MapSignals {
        hover,
        shown,
        statuses,
        items,
        selected,
        popup,
    } = signals;
    let this = MapEngine {
        engine: StoredValue::new_local(None),
        ready: RwSignal::new(false),
    };
    let engine = this.engine;

    // The map, once its container is in the page.
    Effect::new(move |_| {
        let Some(el) = container.get() else { return };
        if engine.with_value(Option::is_some) {
            return;
        }
        match Engine::new(&el, start.crs, start.center, start.zoom, start.zooms) {
            Ok(e) => {
                e.on_hover(move |m| {
                    let _ = hover.try_set(m);
                });
                init(&e);
                engine.set_value(Some(e));
                this.ready.set(true);
            }
            Err(err) => leptos::logging::error!("map: {err:?}"),
        }
    });
    on_cleanup(move || engine.set_value(None));

    // Live: statuses move in place in the index.
    Effect::new(move |_| {
        let Some(e) = this.get() else { return };
        statuses.with(|s| {
            let mut changed = false;
            {
                let mut index = e.index.borrow_mut();
                let len = index.len();
                let mut set = |item: usize, dev: usize| {
                    if let Some(st) = s.get(dev) {
                        changed |= index.set_status(item as u32, *st);
                    }
                };
                match items {
                    Some(items) => items.with_value(|items| {
                        items.iter().enumerate().for_each(|(i, d)| set(i, *d));
                    }),
                    None => (0..len).for_each(|i| set(i, i)),
                }
            }
            if changed {
                e.redraw();
            }
        });
    });

    Effect::new(move |_| {
        let s = shown.get();
        if let Some(e) = this.get() {
            e.shown.set(s);
            e.redraw();
        }
    });
    let theme = use_theme();
    Effect::new(move |_| {
        theme.mode.track();
        if let Some(e) = this.get() {
            e.restyle();
        }
    });

    // The popup of the selected device, opened where it is.
    Effect::new(move |_| {
        let Some(i) = selected.get() else { return };
        let (Some(e), Some(el)) = (this.get(), popup.get_untracked()) else {
            return;
        };
        if let Some(at) = popup_at(&e, i) {
            e.map.open_popup_with_content(&el, &at);
        }
    });
    this
}
