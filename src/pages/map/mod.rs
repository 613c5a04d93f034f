//! `/map`: the portfolio on a Leaflet map. Sensors coloured and shaped by
//! status, clustered (worst status and counts per status), live; building
//! outlines drawn locally so the map is useful without a basemap; a building
//! opens its floors (`/map/floors/:id`, in `floor.rs`).

mod data;
mod engine;
mod floor;
mod outlines;
mod parts;
mod search;

pub use floor::FloorPage;

use cairn_protocol::{Building, DeviceKind};
use leptos::{html::Div, prelude::*};

use self::{
    engine::{MapEngine, MapSignals, MapStart, use_map_engine},
    outlines::use_building_outlines,
    parts::{BuildingPanel, DevicePopup, InView, Legend, MarkTooltip, kind_label},
    search::Found,
};
use crate::{
    api,
    map::{
        cluster::{Index, Item, Status},
        engine::Hit,
        layer::Mark,
        project::{self, Crs, mercator},
    },
    state::{
        clock::use_clock,
        live::{LiveStore, use_live},
    },
};

#[component]
pub fn MapPage() -> impl IntoView {
    let live = use_live();
    let now = live.server_now(use_clock().0);
    let devices = LocalResource::new(|| api::catalog::devices(""));
    let tracked = Memo::new(move |_| {
        let mut list = devices.get().and_then(Result::ok).unwrap_or_default();
        // A device not placed yet has no spot on the globe (the inventory lists it).
        list.retain(|d| d.location.is_some());
        // Re-join when the live store gets a new snapshot.
        live.points.track();
        data::track(&live, list)
    });
    // Tracked has signals inside; compare by identity of the device list.
    let alarms = Memo::new(move |_| live.alarms.with(|a| crate::map::status::active_alarms(a)));
    let statuses =
        Memo::new(move |_| alarms.with(|a| tracked.with(|t| data::statuses(t, a, now.get()))));
    let kind = RwSignal::new(None::<DeviceKind>);
    let shown = RwSignal::new([true; 5]);
    // `None` while the devices load: the legend says so rather than "0".
    let counts = Signal::derive(move || {
        devices.with(Option::is_some).then_some(())?;
        let k = kind.get();
        Some(tracked.with(|t| {
            statuses.with(|s| {
                data::count(
                    t.iter()
                        .zip(s)
                        .filter(|(t, _)| k.is_none_or(|k| t.device.kind == k))
                        .map(|(_, s)| *s),
                )
            })
        }))
    });
    let selected = RwSignal::new(None::<usize>);
    let building = RwSignal::new(None::<Building>);
    let basemap = RwSignal::new(None::<bool>);
    let in_view = RwSignal::new(Vec::<Mark>::new());
    let hover = RwSignal::new(None::<Mark>);

    let container = NodeRef::<Div>::new();
    let popup = NodeRef::<Div>::new();
    // Item i of the index is device items[i].
    let items = StoredValue::new_local(Vec::<usize>::new());
    let fitted = StoredValue::new(false);

    let start = MapStart {
        crs: Crs::Mercator,
        center: (51.5, 4.8),
        zoom: 8.0,
        zooms: (3.0, 20.0),
    };
    let signals = MapSignals {
        hover,
        shown,
        statuses,
        items: Some(items),
        selected,
        popup,
    };
    // Set in the engine's set-up, which runs after `use_map_engine` returns.
    let this = StoredValue::new(None::<MapEngine>);
    let engine = use_map_engine(
        container,
        start,
        signals,
        move |e| {
            leptos::task::spawn_local(async move {
                let tiles = api::tiles::basemap().await;
                // The page may be gone by now: then there is nothing to do.
                let e = this
                    .try_get_value()
                    .flatten()
                    .and_then(|m| m.get_untracked());
                if let (Some(tiles), Some(e)) = (&tiles, e) {
                    let options = leaflet::TileLayerOptions::new();
                    options.set_attribution(tiles.attribution.clone());
                    options.set_max_zoom(19.0);
                    leaflet::TileLayer::new_options(&tiles.url, &options).add_to(&e.map);
                }
                let _ = basemap.try_set(Some(tiles.is_some()));
            });
            e.on_hit(move |hit| {
                if let Some(engine) = this.try_get_value().flatten() {
                    on_hit(hit, engine, items, live, selected, building);
                }
            });
            e.on_settled(move |mut marks| {
                marks.reverse(); // most severe first
                marks.truncate(150);
                let _ = in_view.try_set(marks);
            });
        },
        move |_, i| {
            let d = tracked.with_untracked(|t| t.get(i).map(|t| data::at(&t.device)))?;
            Some(leaflet::LatLng::new(d.lat, d.lon))
        },
    );
    this.set_value(Some(engine));

    use_building_outlines(engine, live, fitted, tracked, statuses);

    // The index: rebuilt when the devices or the kind filter change.
    Effect::new(move |_| {
        let k = kind.get();
        let Some(e) = engine.get() else { return };
        let (list, index): (Vec<usize>, Vec<Item>) = tracked.with(|t| {
            statuses.with_untracked(|s| {
                t.iter()
                    .enumerate()
                    .filter(|(_, t)| k.is_none_or(|k| t.device.kind == k))
                    .map(|(i, t)| {
                        let (x, y) = mercator(data::at(&t.device).lat, data::at(&t.device).lon);
                        let status = s.get(i).copied().unwrap_or(Status::Unknown);
                        (i, Item { x, y, status })
                    })
                    .unzip()
            })
        });
        items.set_value(list);
        e.set_index(Index::new(&index));
    });

    let search = RwSignal::new(String::new());
    let search_error = RwSignal::new(None::<String>);
    let go = move || {
        let q = search.get_untracked().trim().to_lowercase();
        if q.is_empty() {
            return;
        }
        let Some(e) = engine.get_untracked() else {
            return;
        };
        search_error.set(None);
        // The user chose a place: the portfolio fit must not take it away.
        fitted.set_value(true);
        let found = live.sites.with_untracked(|sites| {
            tracked.with_untracked(|t| search::find(&q, sites, t.iter().map(|t| &t.device)))
        });
        match found {
            Found::Site(lat, lon) => {
                e.map.fly_to_with_zoom_and_options(
                    &leaflet::LatLng::new(lat, lon),
                    15.0,
                    &fly_options(),
                );
            }
            Found::Device(i) => {
                let l = tracked.with_untracked(|t| data::at(&t[i].device));
                e.map.set_view(&leaflet::LatLng::new(l.lat, l.lon), 20.0);
                selected.set(Some(i));
            }
            Found::Nothing if devices.with_untracked(Option::is_none) => {
                search_error.set(Some(
                    "The devices are still loading; try again in a moment.".into(),
                ));
            }
            Found::Nothing => search_error.set(Some(format!(
                "Nothing called “{}” on your sites.",
                search.get_untracked().trim()
            ))),
        }
    };

    let popup_body = move || {
        let i = selected.get()?;
        let t = tracked.with(|t| t.get(i).cloned())?;
        let status =
            Signal::derive(move || statuses.with(|s| s.get(i).copied().unwrap_or(Status::Unknown)));
        Some(view! { <DevicePopup tracked=t status now /> })
    };

    view! {
        <div class="cairn-map">
            <header class="cairn-map__bar">
                <h1 class="cairn-page-title">"Map"</h1>
                <form class="cairn-map__search" role="search" on:submit=move |ev| { ev.prevent_default(); go(); }>
                    <input type="search" class="cairn-field__input" list="cairn-map-places" aria-label="Find a site or device"
                        placeholder="Find a site or device" prop:value=search
                        on:input=move |ev| search.set(event_target_value(&ev)) data-testid="map-search" />
                    <datalist id="cairn-map-places">
                        {move || live.sites.get().into_iter().map(|s| view! { <option value=s.name /> }).collect_view()}
                        {move || tracked.with(|t| t.iter().map(|t| view! { <option value=t.device.name.clone() /> }).collect_view())}
                    </datalist>
                    <button type="submit" class="cairn-button">"Find"</button>
                </form>
                <label class="cairn-map__kind">
                    <span class="cairn-visually-hidden">"Sensor kind"</span>
                    <select class="cairn-field__input" on:change=move |ev| kind.set(DeviceKind::parse(&event_target_value(&ev)))
                        data-testid="map-kind">
                        <option value="">"All kinds"</option>
                        {DeviceKind::ALL.into_iter().map(|k| view! { <option value=k.name()>{kind_label(k)}</option> }).collect_view()}
                    </select>
                </label>
                <Legend counts shown />
            </header>
            {move || search_error.get().map(|m| view! { <p class="cairn-form__error" role="alert">{m}</p> })}
            {move || devices.get().and_then(Result::err).map(|err| view! {
                <p class="cairn-form__error" role="alert">{format!("Could not load the devices: {err}")}</p>
            })}
            <div class="cairn-map__body">
                <div class="cairn-map__canvas" node_ref=container data-testid="map"
                    data-basemap=move || match basemap.get() { Some(true) => "tiles", Some(false) => "outlines", None => "probing" }></div>
                <MarkTooltip mark=hover now
                    device=Callback::new(move |item: u32| {
                        let dev = items.with_value(|i| i.get(item as usize).copied())?;
                        tracked.with_untracked(|t| t.get(dev).cloned())
                    })
                    status=Callback::new(move |item: u32| {
                        let dev = items.with_value(|i| i.get(item as usize).copied());
                        statuses.with(|s| dev.and_then(|d| s.get(d).copied()).unwrap_or(Status::Unknown))
                    }) />
                {move || building.get().map(|b| view! { <BuildingPanel building=b on_close=Callback::new(move |()| building.set(None)) /> })}
            </div>
            {move || (basemap.get() == Some(false)).then(|| view! {
                <p class="cairn-map__note" data-testid="map-offline-note">"No basemap (none configured, or no network): showing site and building outlines only."</p>
            })}
            <InView marks=in_view
                device=Callback::new(move |item: u32| {
                    let dev = items.with_value(|i| i.get(item as usize).copied())?;
                    tracked.with_untracked(|t| t.get(dev).map(|t| (t.device.id.clone(), t.device.name.clone())))
                })
                on_pick=Callback::new(move |m: Mark| {
                let Some(e) = engine.get_untracked() else { return };
                on_hit(e.hit(m.x, m.y), engine, items, live, selected, building);
            }) />
            <div class="cairn-map__popup-holder"><div node_ref=popup>{popup_body}</div></div>
        </div>
    }
}

fn on_hit(
    hit: Hit,
    engine: MapEngine,
    items: StoredValue<Vec<usize>, LocalStorage>,
    live: LiveStore,
    selected: RwSignal<Option<usize>>,
    building: RwSignal<Option<Building>>,
) {
    let Some(e) = engine.get_untracked() else {
        return;
    };
    match hit {
        Hit::Cluster(bounds) => e.zoom_into(bounds),
        Hit::Item(item) => {
            if let Some(dev) = items.with_value(|i| i.get(item as usize).copied()) {
                selected.set(Some(dev));
            }
        }
        Hit::Map((x, y)) => {
            let found = live.buildings.with_untracked(|bs| {
                bs.iter()
                    .find(|b| {
                        let ring: Vec<(f64, f64)> =
                            b.footprint.iter().map(|p| mercator(p.lat, p.lon)).collect();
                        project::inside(&ring, (x, y))
                    })
                    .cloned()
            });
            if found.is_some() {
                building.set(found);
            }
        }
    }
}

/// A short flight: long ones look lost, and a tablet user is waiting.
fn fly_options() -> js_sys::Object {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"duration".into(), &1.0.into());
    options
}
