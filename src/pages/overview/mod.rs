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
    // Counted again each second (the clock), not at every reading: following
    // every point's reading, it went over the whole portfolio at every frame
    // that brought one.
    let fresh = move || {
        let t = now.get();
        live.points.with(|ps| {
            ps.iter()
                .filter(|p| {
                    p.reading.with_untracked(|r| {
                        r.is_some_and(|r| !format::is_stale(t - r.ts as f64, p.interval_s))
                    })
                })
                .count()
        })
    };
    let total = move || live.points.with(Vec::len);
    let shown = cards_shown(live.sites.into());
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
                <For each=move || live.sites.with(|s| s.iter().take(shown.get()).cloned().collect::<Vec<_>>())
                    key=|s| s.id.clone() let(site)>
                    <SiteCard points=live.points_of_site(&site.id)
                        buildings=live.buildings.with(|bs| bs.iter().filter(|b| b.site_id == site.id).cloned().collect())
                        site now />
                </For>
            </div>
        </Show>
    }
}

/// Site cards built in the first task; each later task builds [`CARDS_PER_TASK`] more.
const FIRST_CARDS: usize = 3;
const CARDS_PER_TASK: usize = 2;

/// How many of `sites`' cards to show: the first [`FIRST_CARDS`] (a tablet's
/// screen) at once, then [`CARDS_PER_TASK`] more per browser task until all
/// are there. A portfolio's cards built in one go were one long task of
/// 130–180 ms on the first load (it blocks taps; Lighthouse's TBT), and the
/// cards below the screen move nothing when they arrive (CLS stays 0).
fn cards_shown(sites: Signal<Vec<cairn_protocol::SiteSummary>>) -> ReadSignal<usize> {
    let (shown, set_shown) = signal(FIRST_CARDS);
    Effect::new(move |_| {
        let (have, total) = (shown.get(), sites.with(Vec::len));
        if have < total {
            set_timeout(
                move || set_shown.update(|n| *n += CARDS_PER_TASK),
                std::time::Duration::ZERO,
            );
        }
    });
    shown
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
