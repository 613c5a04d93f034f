//! One site: a row of live figures per building (comfort, air, people,
//! devices reporting, what needs attention) and the site's main meters.

use cairn_protocol::{Building, Metric, SiteSummary};
use leptos::prelude::*;
use leptos_router::components::A;

use super::spark::Sparkline;
use crate::{
    components::{
        live_aggregate::{Agg, LiveAggregate},
        live_value::LiveValue,
    },
    format,
    state::live::LivePoint,
};

/// The building-level figures, in column order.
const FIGURES: [(&str, Metric, Agg, &str); 4] = [
    (
        "Temperature",
        Metric::AirTemperature,
        Agg::Mean,
        "Mean temperature of",
    ),
    (
        "Humidity",
        Metric::RelativeHumidity,
        Agg::Mean,
        "Mean humidity of",
    ),
    ("CO₂ peak", Metric::Co2, Agg::Max, "Highest CO₂ of"),
    ("People", Metric::Occupancy, Agg::Sum, "People counted by"),
];

fn low_battery(v: f64) -> bool {
    v < 20.0
}

fn is_on(v: f64) -> bool {
    v != 0.0
}

fn of(points: &[LivePoint], metric: Metric) -> Vec<LivePoint> {
    points
        .iter()
        .filter(|p| p.metric == metric)
        .cloned()
        .collect()
}

#[component]
pub fn SiteCard(
    site: SiteSummary,
    buildings: Vec<Building>,
    points: Vec<LivePoint>,
    now: Signal<f64>,
) -> impl IntoView {
    let tz = site.time_zone.clone();
    let local_time = move || format::time_in_zone(now.get(), &tz);
    let building_name = |id: Option<&String>| {
        (buildings.iter())
            .find(|b| Some(&b.id) == id)
            .map_or_else(String::new, |b| b.name.clone())
    };
    let meters: Vec<(String, LivePoint)> = (points.iter())
        .filter(|p| matches!(p.metric, Metric::ElectricEnergy | Metric::WaterFlow))
        .filter(|p| p.device_name.starts_with("Main") || p.device_name.starts_with("Water main"))
        .map(|p| {
            (
                format!(
                    "{} · {}",
                    building_name(p.building_id.as_ref()),
                    p.device_name
                ),
                p.clone(),
            )
        })
        .collect();
    let rows = buildings
        .into_iter()
        .map(|b| {
            let ps: Vec<LivePoint> = (points.iter())
                .filter(|p| p.building_id.as_deref() == Some(b.id.as_str()))
                .cloned()
                .collect();
            let sensors = |m| of(&ps, m).len();
            let figures = FIGURES
                .map(|(_, metric, agg, what)| {
                    let title = format!("{what} {} sensors", sensors(metric));
                    view! {
                        <td class="cairn-site__num">
                            <LiveAggregate points=of(&ps, metric) metric agg title now />
                        </td>
                    }
                })
                .collect_view();
            let attention = [
                (
                    Metric::Leak,
                    "leaks",
                    "Leak sensors reporting water",
                    is_on as fn(f64) -> bool,
                ),
                (Metric::Door, "doors open", "Doors open now", is_on),
                (
                    Metric::Battery,
                    "low battery",
                    "Devices under 20 % battery",
                    low_battery,
                ),
            ]
            .map(|(metric, label, title, test)| {
                let points = of(&ps, metric);
                let count = Memo::new({
                    move |_| {
                        crate::components::live_aggregate::aggregate(
                            &points,
                            Agg::Count(test),
                            now.get(),
                        )
                        .unwrap_or(0.0)
                    }
                });
                view! {
                    <Show when=move || { count.get() > 0.0 }>
                        <span class=format!("cairn-chip cairn-chip--{}", metric.name())
                            title=title data-testid="attention">
                            {move || format!("{:.0} {label}", count.get())}
                        </span>
                    </Show>
                }
            })
            .collect_view();
            view! {
                <tr data-testid="building-row" data-building=b.id.clone()>
                    <th scope="row">
                        {b.name.clone()}
                        <span class="cairn-site__sub">{format!("{} floors", b.floors.len())}</span>
                    </th>
                    {figures}
                    <td><div class="cairn-site__attention">{attention}</div></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="cairn-card cairn-site" data-testid="site-card" data-site=site.id.clone()>
            <header class="cairn-card__header">
                <div>
                    <h2 class="cairn-card__title">{site.name.clone()}</h2>
                    <p class="cairn-card__subtitle">{format!("{} · {}", site.city, site.address)}</p>
                </div>
                <span class="cairn-site__clock" title=format!("Local time ({})", site.time_zone)>{local_time}" local"</span>
            </header>
            <table class="cairn-site__table">
                <thead>
                    <tr>
                        <th scope="col">"Building"</th>
                        {FIGURES.map(|(label, ..)| view! { <th scope="col" class="cairn-site__num">{label}</th> }).collect_view()}
                        <th scope="col">"Attention"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <ul class="cairn-site__meters">
                {meters.into_iter().map(|(label, p)| {
                    let name = format!("{label}, last 24 hours");
                    view! {
                        <li>
                            <A href=format!("/points/{}", p.id)>{label}</A>
                            <div class="cairn-site__spark" data-testid="sparkline">
                                <Sparkline point=p.clone() label=name />
                            </div>
                            <LiveValue reading=p.reading metric=p.metric interval_s=p.interval_s now />
                        </li>
                    }
                }).collect_view()}
            </ul>
        </article>
    }
}
