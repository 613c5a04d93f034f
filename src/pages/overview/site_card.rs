//! One site: its rooms as a table of live values, and its meters.

use cairn_protocol::{Metric, SiteSummary};
use leptos::prelude::*;

use crate::{components::live_value::LiveValue, format, state::live::LivePoint};

const ROOM_COLUMNS: [Metric; 4] = [
    Metric::AirTemperature,
    Metric::RelativeHumidity,
    Metric::Co2,
    Metric::Occupancy,
];

/// Points grouped by device, in the order the server lists them.
fn by_device(points: &[LivePoint]) -> Vec<(String, Vec<LivePoint>)> {
    let mut groups: Vec<(String, Vec<LivePoint>)> = Vec::new();
    for p in points {
        match groups.last_mut() {
            Some((id, ps)) if *id == p.device_id => ps.push(p.clone()),
            _ => groups.push((p.device_id.clone(), vec![p.clone()])),
        }
    }
    groups
}

#[component]
pub fn SiteCard(site: SiteSummary, points: Vec<LivePoint>, now: Signal<f64>) -> impl IntoView {
    let tz = site.time_zone.clone();
    let local_time = move || format::time_in_zone(now.get(), &tz);
    let (rooms, meters): (Vec<_>, Vec<_>) = by_device(&points)
        .into_iter()
        .partition(|(_, ps)| ps.iter().any(|p| ROOM_COLUMNS.contains(&p.metric)));
    let cell = move |ps: &[LivePoint], metric: Metric| {
        ps.iter().find(|p| p.metric == metric).map(|p| {
            view! { <LiveValue reading=p.reading metric interval_s=p.interval_s now /> }
        })
    };
    view! {
        <article class="cairn-card cairn-site" data-testid="site-card" data-site=site.id.clone()>
            <header class="cairn-card__header">
                <div>
                    <h2 class="cairn-card__title">{site.name.clone()}</h2>
                    <p class="cairn-card__subtitle">{site.city.clone()}</p>
                </div>
                <span class="cairn-site__clock" title=format!("Local time ({})", site.time_zone)>{local_time}" local"</span>
            </header>
            <table class="cairn-site__table">
                <thead>
                    <tr>
                        <th scope="col">"Room"</th>
                        {ROOM_COLUMNS.map(|m| view! { <th scope="col" class="cairn-site__num">{m.label()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rooms.into_iter().map(|(_, ps)| view! {
                        <tr>
                            <th scope="row">{ps[0].device_name.clone()}</th>
                            {ROOM_COLUMNS.map(|m| view! { <td class="cairn-site__num">{cell(&ps, m)}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ul class="cairn-site__meters">
                {meters.into_iter().flat_map(|(_, ps)| ps).map(|p| view! {
                    <li>
                        <span>{p.device_name.clone()}</span>
                        <LiveValue reading=p.reading metric=p.metric interval_s=p.interval_s now />
                    </li>
                }).collect_view()}
            </ul>
        </article>
    }
}
