//! `/points/:id`: one point's history and live values, full size, with the
//! device's other points one click away (a second axis when units differ).
//! `?from=…&to=…` (UTC ms) opens it on that window (the alarm queue links
//! here around an alarm); the point's open alarms are drawn as bands.

use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::{chart_now, chart_point, live_readings, series_source};
use crate::{
    chart::{Range, widget::TimeChart},
    components::live_value::LiveValue,
    state::{
        clock::use_clock,
        live::{use_alarms, use_live},
        theme::use_theme,
    },
};

#[component]
pub fn PointPage() -> impl IntoView {
    let live = use_live();
    let now = live.server_now(use_clock().0);
    let params = use_params_map();
    let query = use_query_map();
    let window = move || {
        query.with_untracked(|q| {
            let at = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
            at("from").zip(at("to")).filter(|(a, b)| b > a)
        })
    };
    let alarms = use_alarms();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<u32>().ok())));
    let point = move || {
        let id = id.get()?;
        live.points
            .with(|ps| ps.iter().find(|p| p.id == id).cloned())
    };
    let extra = RwSignal::new(Vec::<u32>::new());
    let body = move || {
        let Some(p) = point() else {
            return if live.points.with(Vec::is_empty) {
                view! { <p class="cairn-empty">"Waiting for the first data from the server…"</p> }
                    .into_any()
            } else {
                view! {
                    <h1 class="cairn-page-title">"No such point"</h1>
                    <p class="cairn-empty">"This point does not exist or is not on your sites. "
                        <A href="/">"Back to the overview"</A></p>
                }
                .into_any()
            };
        };
        let siblings: Vec<_> = live.points.with(|ps| {
            ps.iter()
                .filter(|s| s.device_id == p.device_id && s.id != p.id)
                .cloned()
                .collect()
        });
        let site = live
            .sites
            .with(|s| s.iter().find(|s| s.id == p.site_id).map(|s| s.name.clone()))
            .unwrap_or_default();
        let main = chart_point(&live, &p);
        let all: Vec<_> = siblings.iter().map(|s| chart_point(&live, s)).collect();
        let points = Signal::derive(move || {
            let chosen = extra.get();
            std::iter::once(main.clone())
                .chain(all.iter().filter(|c| chosen.contains(&c.id)).cloned())
                .collect::<Vec<_>>()
        });
        let title = format!("{} · {}", p.device_name, p.metric.label());
        let pid = p.id;
        let bands = Signal::derive(move || {
            alarms.with(|q| {
                q.iter()
                    .filter(|a| a.point == pid)
                    .map(|a| (a.raised_at, a.cleared_at))
                    .collect::<Vec<_>>()
            })
        });
        let initial = window();
        view! {
            <nav class="cairn-crumbs" aria-label="Breadcrumbs"><A href="/">"Overview"</A>" › "{site}" › "{p.device_name.clone()}</nav>
            <header class="cairn-point__header">
                <h1 class="cairn-page-title">{title.clone()}</h1>
                <p class="cairn-point__now">"Now: "
                    <LiveValue reading=p.reading metric=p.metric interval_s=p.interval_s now /></p>
            </header>
            <section class="cairn-card cairn-point__chart" data-testid="point-chart">
                <TimeChart points source=series_source() now=chart_now(&live)
                    live=live_readings(&live, points) theme=use_theme().mode
                    range=Range::Day initial bands
                    label=format!("History of {title}") />
            </section>
            {(!siblings.is_empty()).then(|| view! {
                <section class="cairn-point__siblings" aria-label="Add the device's other points">
                    <h2>"Same device"</h2>
                    {siblings.into_iter().map(|s| {
                        let sid = s.id;
                        view! {
                            <button type="button" class="cairn-point__sibling" aria-pressed=move || extra.get().contains(&sid).to_string()
                                on:click=move |_| extra.update(|e| if let Some(i) = e.iter().position(|x| *x == sid) { e.remove(i); } else { e.push(sid); })>
                                {s.metric.label()}
                            </button>
                        }
                    }).collect_view()}
                </section>
            })}
        }.into_any()
    };
    // A different point starts with only itself on the chart.
    Effect::new(move |_| {
        id.track();
        extra.set(Vec::new());
    });
    view! { <div class="cairn-point">{body}</div> }
}
