//! Pieces of the map views: the status legend with its filters, the status
//! glyph, the device popup (built by Leptos, so every value from the data is
//! text, never HTML), the keyboard list of what is in view, the building's
//! floors.

use leptos::prelude::*;
use leptos_router::components::A;

use cairn_protocol::{Building, DeviceKind};

use super::data::Tracked;
use crate::{
    api,
    components::{live_value::LiveValue, load_errors::LoadErrors},
    map::{cluster::Status, layer::Mark},
};

/// The status's shape, as the map draws it (colour-blind readers go by shape).
#[component]
pub fn Glyph(status: Status) -> impl IntoView {
    let shape = match status {
        Status::Ok | Status::Unknown => view! { <circle cx="8" cy="8" r="5.5" /> }.into_any(),
        Status::Offline => view! { <rect x="3" y="3" width="10" height="10" /> }.into_any(),
        Status::Warning => view! { <polygon points="8,1.5 14.5,13.5 1.5,13.5" /> }.into_any(),
        Status::Critical => view! { <polygon points="8,1 15,8 8,15 1,8" /> }.into_any(),
    };
    view! {
        <svg class=format!("cairn-glyph cairn-glyph--{}", status.key()) viewBox="0 0 16 16"
            width="16" height="16" aria-hidden="true">{shape}</svg>
    }
}

/// Status filters that double as the legend: glyph, name, count.
#[component]
pub fn Legend(
    /// Devices per status; `None` while loading.
    #[prop(into)]
    counts: Signal<Option<[u32; 5]>>,
    shown: RwSignal<[bool; 5]>,
) -> impl IntoView {
    view! {
        <div class="cairn-map__legend" role="group" aria-label="Statuses shown" data-testid="map-legend">
            {Status::ALL.into_iter().map(|s| {
                let i = s as usize;
                view! {
                    <button type="button" class="cairn-map__status" data-status=s.key()
                        aria-pressed=move || shown.get()[i].to_string()
                        on:click=move |_| shown.update(|v| v[i] = !v[i])>
                        <Glyph status=s />
                        <span>{s.label()}</span>
                        <span class="cairn-map__count" data-testid=format!("count-{}", s.key())>
                            {move || counts.get().map_or_else(|| "…".to_owned(), |c| c[i].to_string())}
                        </span>
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

/// What the popup of one device says: its live values and where to go next.
#[component]
pub fn DevicePopup(
    tracked: Tracked,
    status: Signal<Status>,
    #[prop(into)] now: Signal<f64>,
) -> impl IntoView {
    let d = tracked.device;
    let kind = d.kind.name().replace('_', " ");
    let floor_link = d
        .floor_id
        .clone()
        .map(|f| view! { <A href=format!("/map/floors/{f}")>"Floor plan"</A> });
    view! {
        <div class="cairn-map__popup" data-testid="map-popup" data-device=d.id.clone()>
            <h2 class="cairn-map__popup-title">{d.name.clone()}</h2>
            <p class="cairn-map__popup-status" data-testid="map-popup-status">
                {move || { let s = status.get(); view! { <Glyph status=s /><span>{s.label()}</span> } }}
            </p>
            <p class="cairn-map__popup-meta">{kind}" · "{d.model.clone()}</p>
            <ul class="cairn-map__popup-points">
                {tracked.points.into_iter().map(|p| view! {
                    <li>
                        <span>{p.metric.label()}</span>
                        <LiveValue reading=p.reading metric=p.metric interval_s=p.interval_s now />
                        <A href=format!("/points/{}", p.id)>"Chart"</A>
                    </li>
                }).collect_view()}
            </ul>
            <p class="cairn-map__popup-links">{floor_link}</p>
        </div>
    }
}

/// What the map shows, as buttons: the keyboard and screen-reader way to
/// the clusters and sensors in view (hidden until focused).
#[component]
pub fn InView(
    marks: RwSignal<Vec<Mark>>,
    /// The device of an index item: id and name.
    device: Callback<u32, Option<(String, String)>>,
    on_pick: Callback<Mark>,
) -> impl IntoView {
    view! {
        <nav class="cairn-map__inview" aria-label="Sensors in view" data-testid="map-in-view">
            <ul>
                {move || marks.get().into_iter().map(|m| {
                    let named = (m.count == 1).then(|| device.run(m.first)).flatten();
                    let text = match &named {
                        Some((_, name)) => format!("{name}: {}", m.worst.label()),
                        None => describe(&m),
                    };
                    let (x, y) = (format!("{:.0}", m.x), format!("{:.0}", m.y));
                    let kind = if m.count > 1 { "cluster" } else { "sensor" };
                    view! {
                        <li><button type="button" class="cairn-button" data-kind=kind data-x=x data-y=y
                            data-device=named.map(|(id, _)| id)
                            data-status=m.worst.key() on:click=move |_| on_pick.run(m.clone())>{text}</button></li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// "12 sensors: 1 critical, 2 warning, 9 OK" (or one sensor's status).
fn describe(m: &Mark) -> String {
    let parts: Vec<String> = Status::ALL
        .into_iter()
        .filter(|s| m.counts[*s as usize] > 0)
        .map(|s| format!("{} {}", m.counts[s as usize], s.label().to_lowercase()))
        .collect();
    format!("{} sensors: {}", m.count, parts.join(", "))
}

/// The tooltip of the mark under the mouse: a sensor's name, live status and
/// values, or a cluster's counts per status. Built from text nodes, never
/// HTML; placed above the mark (below it near the map's top edge).
#[component]
pub fn MarkTooltip(
    mark: RwSignal<Option<Mark>>,
    /// The device of an index item, with its live points.
    device: Callback<u32, Option<Tracked>>,
    /// The live status of an index item.
    status: Callback<u32, Status>,
    #[prop(into)] now: Signal<f64>,
) -> impl IntoView {
    move || {
        let m = mark.get()?;
        let below = m.y < 110.0;
        // The map's container has a 1 px border inside the tooltip's frame.
        let top = if below {
            m.y + m.r + 9.0
        } else {
            m.y - m.r - 7.0
        };
        let style = format!("left:{:.0}px;top:{top:.0}px", m.x + 1.0);
        let class = if below {
            "cairn-map__tooltip cairn-map__tooltip--below"
        } else {
            "cairn-map__tooltip"
        };
        let body = if m.count > 1 {
            view! {
                <strong>{format!("{} sensors", m.count)}</strong>
                <ul class="cairn-map__tooltip-counts">
                    {Status::ALL.into_iter().rev().filter(|s| m.counts[*s as usize] > 0).map(|s| view! {
                        <li><Glyph status=s /><span>{s.label()}</span><span>{m.counts[s as usize]}</span></li>
                    }).collect_view()}
                </ul>
                <p class="cairn-muted">"Click to zoom in"</p>
            }
            .into_any()
        } else {
            let item = m.first;
            let t = device.run(item)?;
            view! {
                <strong>{t.device.name.clone()}</strong>
                <p class="cairn-map__popup-status">
                    {move || { let s = status.run(item); view! { <Glyph status=s /><span>{s.label()}</span> } }}
                </p>
                <ul class="cairn-map__tooltip-values">
                    {t.points.into_iter().take(4).map(|p| view! {
                        <li>
                            <span>{p.metric.label()}</span>
                            <LiveValue reading=p.reading metric=p.metric interval_s=p.interval_s now />
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any()
        };
        let kind = if m.count > 1 { "cluster" } else { "sensor" };
        Some(view! {
            <div class=class style=style role="tooltip" data-testid="map-tooltip" data-kind=kind>{body}</div>
        })
    }
}

/// A building's floors, each a link to its plan.
#[component]
pub fn BuildingPanel(building: Building, on_close: Callback<()>) -> impl IntoView {
    let id = building.id.clone();
    let floors = LocalResource::new(move || {
        let id = id.clone();
        async move { api::catalog::floors(&id).await }
    });
    view! {
        <aside class="cairn-map__panel cairn-card" data-testid="building-panel" aria-label=format!("Building {}", building.name)>
            <header class="cairn-map__panel-head">
                <h2>{building.name.clone()}</h2>
                <button type="button" class="cairn-button cairn-button--ghost" aria-label="Close" on:click=move |_| on_close.run(())>"×"</button>
            </header>
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading floors…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the floors" /> }>
                {move || floors.get().map(|r| r.map(|floors| view! {
                    <ul class="cairn-map__floors">
                        {floors.into_iter().map(|f| view! {
                            <li><A href=format!("/map/floors/{}", f.id)>{f.name}</A></li>
                        }).collect_view()}
                    </ul>
                }))}
                </ErrorBoundary>
            </Transition>
        </aside>
    }
}

pub fn kind_label(k: DeviceKind) -> &'static str {
    match k {
        DeviceKind::Multisensor => "Multisensors",
        DeviceKind::Thermometer => "Thermometers",
        DeviceKind::LeakSensor => "Leak sensors",
        DeviceKind::DoorContact => "Door contacts",
        DeviceKind::ElectricityMeter => "Electricity meters",
        DeviceKind::WaterMeter => "Water meters",
    }
}
