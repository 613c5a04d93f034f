//! Overview: the portfolio at a glance, live. KPIs, the fleet health line,
//! then one card per site.

mod fleet;
mod site_card;
mod spark;

use leptos::prelude::*;

use crate::{
    format,
    state::{clock::use_clock, live::use_live},
};
use fleet::FleetLine;
use site_card::SiteCard;

#[component]
pub fn Overview() -> impl IntoView {
    let live = use_live();
    let now = live.server_now(use_clock().0);
    let devices = move || {
        live.points.with(|ps| {
            let mut ids: Vec<&str> = ps.iter().map(|p| p.device_id.as_str()).collect();
            ids.dedup();
            ids.len()
        })
    };
    let fresh = move || {
        let t = now.get();
        live.points.with(|ps| {
            ps.iter()
                .filter(|p| {
                    p.reading
                        .get()
                        .is_some_and(|r| !format::is_stale(t - r.ts as f64, p.interval_s))
                })
                .count()
        })
    };
    let total = move || live.points.with(Vec::len);
    view! {
        <h1 class="cairn-page-title">"Portfolio overview"</h1>
        <section class="cairn-kpis" aria-label="Key figures">
            <Kpi label="Sites" value=Signal::derive(move || live.sites.with(Vec::len).to_string()) />
            <Kpi label="Devices" value=Signal::derive(move || devices().to_string()) />
            <Kpi label="Points reporting"
                value=Signal::derive(move || format!("{} / {}", fresh(), total())) />
        </section>
        <FleetLine />
        <Show when=move || live.sites.with(|s| !s.is_empty())
            fallback=|| view! { <p class="cairn-empty" data-testid="overview-empty">"Waiting for the first data from the server…"</p> }>
            <div class="cairn-sites">
                <For each=move || live.sites.get() key=|s| s.id.clone() let(site)>
                    <SiteCard points=live.points_of_site(&site.id)
                        buildings=live.buildings.with(|bs| bs.iter().filter(|b| b.site_id == site.id).cloned().collect())
                        site now />
                </For>
            </div>
        </Show>
    }
}

#[component]
fn Kpi(label: &'static str, value: Signal<String>) -> impl IntoView {
    view! {
        <div class="cairn-kpi">
            <span class="cairn-kpi__value">{value}</span>
            <span class="cairn-kpi__label">{label}</span>
        </div>
    }
}
