//! Pieces both map views show: the status legend with its filters, the
//! status glyph, and the device popup (built by Leptos, so every value from
//! the data is text, never HTML).

use leptos::prelude::*;
use leptos_router::components::A;

use super::data::Tracked;
use crate::{components::live_value::LiveValue, map::cluster::Status};

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
pub fn Legend(#[prop(into)] counts: Signal<[u32; 5]>, shown: RwSignal<[bool; 5]>) -> impl IntoView {
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
                            {move || counts.get()[i].to_string()}
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
