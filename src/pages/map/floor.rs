//! `/map/floors/:id`: one floor's plan (`CRS.Simple`, plan metres) with its
//! devices at their x/y, in the same colours and shapes, live; breadcrumbs
//! back to the building on the map and a switch to the other floors.

use cairn_protocol::Floor;
use leptos::{html::Div, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    data::{self, Tracked},
    engine::{MapSignals, MapStart, use_map_engine},
    parts::{DevicePopup, Legend, MarkTooltip},
};
use crate::{
    api,
    components::load_errors::LoadErrors,
    map::{
        cluster::{Index, Item, Status},
        engine::Hit,
        project::Crs,
    },
    state::{clock::use_clock, live::use_live},
};

#[component]
pub fn FloorPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let loaded = LocalResource::new(move || {
        let id = id.get();
        async move {
            let Some(floor) = api::catalog::floor(&id).await? else {
                return Ok(None);
            };
            let floors = api::catalog::floors(&floor.building_id).await?;
            let filter = format!("floor={}", js_sys::encode_uri_component(&id));
            // Devices without a plan position cannot be placed on it.
            let mut devices = api::catalog::devices(&filter).await?;
            devices.retain(|d| d.plan.is_some());
            Ok::<_, api::ApiError>(Some((floor, floors, devices)))
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="cairn-muted">"Loading the floor…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the floor" /> }>
            {move || loaded.get().map(|r| r.map(|found| match found {
                Some((floor, floors, devices)) => view! { <FloorView floor floors devices /> }.into_any(),
                None => view! {
                    <h1 class="cairn-page-title">"No such floor"</h1>
                    <p class="cairn-empty">"This floor does not exist or is not on your sites. "<A href="/map">"Back to the map"</A></p>
                }.into_any(),
            }))}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn FloorView(
    floor: Floor,
    floors: Vec<Floor>,
    devices: Vec<cairn_protocol::DeviceSummary>,
) -> impl IntoView {
    let live = use_live();
    let now = live.server_now(use_clock().0);
    let tracked = Memo::new(move |_| {
        live.points.track();
        data::track(&live, devices.clone())
    });
    let alarms = Memo::new(move |_| live.alarms.with(|a| crate::map::status::active_alarms(a)));
    let statuses =
        Memo::new(move |_| alarms.with(|a| tracked.with(|t| data::statuses(t, a, now.get()))));
    let counts = Signal::derive(move || Some(statuses.with(|s| data::count(s.iter().copied()))));
    let shown = RwSignal::new([true; 5]);
    let selected = RwSignal::new(None::<usize>);
    let hover = RwSignal::new(None::<crate::map::layer::Mark>);
    let container = NodeRef::<Div>::new();
    let popup = NodeRef::<Div>::new();
    let (w, h) = (floor.width_m, floor.height_m);
    let plan_url = floor.plan_url.clone();
    let start = MapStart {
        crs: Crs::Plan,
        center: (-h / 2.0, w / 2.0),
        zoom: 2.0,
        zooms: (-2.0, 6.0),
    };
    let signals = MapSignals {
        hover,
        shown,
        statuses,
        items: None,
        selected,
        popup,
    };
    let engine = use_map_engine(
        container,
        start,
        signals,
        move |e| {
            let bounds = leaflet::LatLngBounds::new(
                &leaflet::LatLng::new(-h, 0.0),
                &leaflet::LatLng::new(0.0, w),
            );
            leaflet::ImageOverlay::new(&plan_url, &bounds).add_to(&e.map);
            e.map.fit_bounds(&bounds);
            e.on_hit(move |hit| {
                if let Hit::Item(i) = hit {
                    selected.set(Some(i as usize));
                }
            });
        },
        move |e, i| {
            let p = tracked.with_untracked(|t| t.get(i).and_then(|t| t.device.plan))?;
            Some(e.lat_lng((p.x, p.y)))
        },
    );

    // Devices at their plan x/y; every device is its own item (no clusters).
    Effect::new(move |_| {
        let Some(e) = engine.get() else { return };
        let index: Vec<Item> = tracked.with(|t| {
            statuses.with_untracked(|s| {
                t.iter()
                    .zip(s)
                    .map(|(t, s)| {
                        let p = t.device.plan.map_or((0.0, 0.0), |p| (p.x, p.y));
                        Item {
                            x: p.0,
                            y: p.1,
                            status: *s,
                        }
                    })
                    .collect()
            })
        });
        e.set_index(Index::new(&index));
    });
    let popup_body = move || {
        let i = selected.get()?;
        let t: Tracked = tracked.with(|t| t.get(i).cloned())?;
        let status =
            Signal::derive(move || statuses.with(|s| s.get(i).copied().unwrap_or(Status::Unknown)));
        Some(view! { <DevicePopup tracked=t status now /> })
    };

    // Reactive: on a deep link the live store fills after the page mounts.
    let (site_id, building_id) = (floor.site_id.clone(), floor.building_id.clone());
    let site = move || {
        live.sites
            .with(|s| s.iter().find(|s| s.id == site_id).map(|s| s.name.clone()))
    };
    let building = Signal::derive(move || {
        live.buildings.with(|b| {
            b.iter()
                .find(|b| b.id == building_id)
                .map_or_else(String::new, |b| b.name.clone())
        })
    });
    let floor_name = floor.name.clone();
    let title = move || format!("{} · {}", building.get(), floor_name);
    let current = floor.id.clone();
    view! {
        <div class="cairn-map cairn-map--floor">
            <nav class="cairn-crumbs" aria-label="Breadcrumbs">
                <A href="/map">"Map"</A>" › "{site}" › "{building}" › "<span aria-current="page">{floor.name.clone()}</span>
            </nav>
            <header class="cairn-map__bar">
                <h1 class="cairn-page-title">{title}</h1>
                <nav class="cairn-map__floor-switch" aria-label="Floors">
                    {floors.into_iter().map(|f| {
                        let here = f.id == current;
                        view! {
                            <A href=format!("/map/floors/{}", f.id) attr:aria-current=here.then_some("page")
                                attr:class=if here { "cairn-map__floor cairn-map__floor--here" } else { "cairn-map__floor" }>{f.name}</A>
                        }
                    }).collect_view()}
                </nav>
                <Legend counts shown />
            </header>
            <div class="cairn-map__body">
                <div class="cairn-map__canvas cairn-map__canvas--plan" node_ref=container data-testid="floor-map"></div>
                <MarkTooltip mark=hover now
                    device=Callback::new(move |item: u32| tracked.with_untracked(|t| t.get(item as usize).cloned()))
                    status=Callback::new(move |item: u32| statuses.with(|s| s.get(item as usize).copied().unwrap_or(Status::Unknown))) />
            </div>
            <div class="cairn-map__popup-holder"><div node_ref=popup>{popup_body}</div></div>
        </div>
    }
}
