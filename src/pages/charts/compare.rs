//! `/compare?points=1,2,3`: up to 8 points from anywhere on one chart. The
//! choice lives in the URL, so a comparison can be bookmarked and shared.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{chart_now, chart_point, live_readings, series_source};
use crate::{
    chart::{
        Range,
        widget::{TimeChart, model::plotted_unit},
    },
    format,
    state::{live::use_live, theme::use_theme},
};

pub const MAX_POINTS: usize = 8;

#[component]
pub fn Compare() -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let navigate = use_navigate();
    let chosen = Memo::new(move |_| {
        query.with(|q| {
            q.get("points")
                .unwrap_or_default()
                .split(',')
                .filter_map(|s| s.parse::<u32>().ok())
                .take(MAX_POINTS)
                .collect::<Vec<u32>>()
        })
    });
    let set = Callback::new(move |ids: Vec<u32>| {
        let list: Vec<String> = ids.iter().map(u32::to_string).collect();
        navigate(
            &format!("/compare?points={}", list.join(",")),
            Default::default(),
        );
    });
    let points = Memo::new(move |_| {
        let ids = chosen.get();
        live.points.with(|ps| {
            ids.iter()
                .filter_map(|id| ps.iter().find(|p| p.id == *id))
                .map(|p| chart_point(&live, p))
                .collect::<Vec<_>>()
        })
    });
    let search = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let matches = move || {
        let q = format::sort_key(&search.get());
        if q.len() < 2 {
            return Vec::new();
        }
        let sites = live.sites.get();
        live.points.with(|ps| {
            ps.iter()
                .filter(|p| !chosen.with(|c| c.contains(&p.id)))
                .map(|p| {
                    let site = sites
                        .iter()
                        .find(|s| s.id == p.site_id)
                        .map_or("", |s| s.name.as_str());
                    (
                        p.id,
                        format!("{} · {} — {site}", p.device_name, p.metric.label()),
                        plotted_unit(p.metric),
                    )
                })
                .filter(|(_, text, _)| format::sort_key(text).contains(&q))
                .take(12)
                .collect::<Vec<_>>()
        })
    };
    let add = move |id: u32, unit: &'static str| {
        let ids = chosen.get_untracked();
        let units: Vec<&str> = points.with_untracked(|p| p.iter().map(|p| p.unit()).collect());
        if ids.len() >= MAX_POINTS {
            notice.set(Some(format!(
                "A chart compares at most {MAX_POINTS} points; remove one first."
            )));
        } else if !units.contains(&unit) && {
            let mut u = units.clone();
            u.dedup();
            u.sort_unstable();
            u.dedup();
            u.len() >= 2
        } {
            notice.set(Some(format!(
                "A chart has two value axes; this point's unit ({unit}) would need a third."
            )));
        } else {
            notice.set(None);
            search.set(String::new());
            set.run([ids, vec![id]].concat());
        }
    };
    let remove = move |id: u32| {
        notice.set(None);
        set.run(
            chosen
                .get_untracked()
                .into_iter()
                .filter(|x| *x != id)
                .collect(),
        );
    };
    view! {
        <h1 class="cairn-page-title">"Compare"</h1>
        <div class="cairn-compare__pick">
            <label class="cairn-field">
                <span class="cairn-field__label">{format!("Add a point (up to {MAX_POINTS})")}</span>
                <input type="search" placeholder="Device, room or metric" prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev)) data-testid="compare-search" />
            </label>
            <ul class="cairn-compare__matches">
                {move || matches().into_iter().map(|(id, text, unit)| view! {
                    <li><button type="button" on:click=move |_| add(id, unit)>{text}</button></li>
                }).collect_view()}
            </ul>
            {move || notice.get().map(|n| view! { <p class="cairn-field__error" role="alert">{n}</p> })}
            <ul class="cairn-compare__chosen" aria-label="Points on the chart">
                {move || points.get().into_iter().map(|p| {
                    let id = p.id;
                    view! { <li class="cairn-compare__point">{p.label.clone()}
                        <button type="button" aria-label=format!("Remove {}", p.label) on:click=move |_| remove(id)>"×"</button></li> }
                }).collect_view()}
            </ul>
        </div>
        <Show when=move || !points.with(Vec::is_empty)
            fallback=|| view! { <p class="cairn-empty">"Search above and add points to compare them on one chart."</p> }>
            <section class="cairn-card cairn-point__chart" data-testid="compare-chart">
                <TimeChart points=Signal::from(points) source=series_source() now=chart_now(&live)
                    live=live_readings(&live, points.into()) theme=use_theme().mode
                    range=Range::Day label="Comparison chart" />
            </section>
        </Show>
    }
}
