//! The parts around the canvas: range buttons and tools, the crosshair's
//! readout, the legend (toggles), the text summary with the trend's
//! projection, and the data table. All text, never HTML from data.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::ChartState;
use crate::{
    chart::{
        Range, canvas,
        export::{self, CsvSeries},
        scale::full_time,
        trend::{self, Projection},
    },
    format,
};

fn state() -> ChartState {
    expect_context::<ChartState>()
}

fn local_time(zone: &str, t: i64) -> String {
    full_time(t, &|t| format::zone_offset(t, zone))
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let s = state();
    view! {
        <div class="cairn-chart__toolbar">
            <div class="cairn-chart__ranges" role="group" aria-label="Time range">
                {s.home.is_none().then(|| Range::PRESETS.map(|r| view! {
                    <button type="button" class="cairn-chart__range" aria-pressed=move || (s.range.get() == r).to_string()
                        on:click=move |_| s.reset(r)>{r.label()}</button>
                }).collect_view())}
                <Show when=move || s.range.get() == Range::Custom && s.home.is_none_or(|h| s.view.get() != h)>
                    <span class="cairn-chart__custom" role="status">"Zoomed"</span>
                    <button type="button" class="cairn-chart__range" on:click=move |_| s.reset(Range::Day)>"Reset"</button>
                </Show>
            </div>
            <div class="cairn-chart__tools">
                <button type="button" aria-pressed=move || s.trend.get().to_string()
                    on:click=move |_| s.trend.update(|t| *t = !*t)>"Trend"</button>
                <button type="button" aria-pressed=move || s.table.get().to_string()
                    on:click=move |_| s.table.update(|t| *t = !*t)>"Table"</button>
                <button type="button" on:click=move |_| download_csv(s)>"CSV"</button>
            </div>
        </div>
        {move || s.error.get().map(|e| view! { <p class="cairn-chart__error" role="alert">{format!("History could not be loaded: {e}")}</p> })}
    }
}

#[component]
pub fn Crosshair() -> impl IntoView {
    let s = state();
    let readout = move || {
        let x = s.hover.get()?;
        s.version.track();
        // Positions map through the view the last frame was drawn with.
        s.drawn.track();
        let (px, py, pw, ph) = s.plot.get();
        if x < px || x > px + pw {
            return None;
        }
        let (view, hidden) = (s.view.get(), s.hidden.get());
        let t = s.time_at(x);
        let zone = s.zone();
        let rows: Vec<(String, String, String)> = s.model.with_value(|m| {
            m.series
                .iter()
                .enumerate()
                .filter(|(_, h)| !hidden.contains(&h.point.id))
                .filter_map(|(i, h)| {
                    let r = h.data.range(view.from, view.to);
                    let (_, v) = h.data.nearest(t, r)?;
                    let color = canvas::css(canvas::palette_of_page().series(i));
                    Some((color, h.point.label.clone(), h.point.format(v)))
                })
                .collect()
        });
        let flip = x > px + pw * 0.6;
        Some(view! {
            <div class="cairn-chart__crosshair" style=format!("left:{x}px;top:{py}px;height:{ph}px") />
            <div class="cairn-chart__tooltip" class:cairn-chart__tooltip--left=flip
                style=format!("left:{x}px;top:{py}px")>
                <p class="cairn-chart__tooltip-time">{local_time(&zone, t)}</p>
                {rows.into_iter().map(|(color, label, value)| view! {
                    <p><span class="cairn-chart__swatch" style=format!("background:{color}") />
                    {label}": "<strong>{value}</strong></p>
                }).collect_view()}
            </div>
        })
    };
    view! { {readout} }
}

#[component]
pub fn Legend() -> impl IntoView {
    let s = state();
    view! {
        <ul class="cairn-chart__legend" aria-label="Series">
            {move || s.points.get().into_iter().enumerate().map(|(i, p)| {
                let id = p.id;
                let color = canvas::css(canvas::palette_of_page().series(i));
                let shown = move || !s.hidden.get().contains(&id);
                view! {
                    <li><button type="button" class="cairn-chart__key" aria-pressed=move || shown().to_string()
                        on:click=move |_| s.hidden.update(|h| { if !h.remove(&id) { h.insert(id); } })>
                        <span class="cairn-chart__swatch" style=format!("background:{color}") />
                        {p.label.clone()}
                        <span class="cairn-chart__unit">{format!("({})", p.unit())}</span>
                    </button></li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Min, max, mean and last of each series over the view, and the trend.
#[component]
pub fn Readout() -> impl IntoView {
    let s = state();
    let lines = move || {
        s.version.track();
        let (view, hidden, with_trend, now) =
            (s.view.get(), s.hidden.get(), s.trend.get(), s.now.get());
        let zone = s.zone();
        s.model.with_value(|m| {
            m.series
                .iter()
                .filter(|h| !hidden.contains(&h.point.id))
                .map(|h| {
                    let f = |v: f64| h.point.format(v);
                    let mut text = match export::summary(h.data.visible(view.from, view.to)) {
                        Some(sm) => {
                            let approx = if h.stored as usize > h.data.len() {
                                "≈"
                            } else {
                                ""
                            };
                            format!(
                                "{}: min {} ({}), max {} ({}), mean {approx}{}, last {}.",
                                h.point.label,
                                f(sm.min.1),
                                local_time(&zone, sm.min.0),
                                f(sm.max.1),
                                local_time(&zone, sm.max.0),
                                f(sm.mean),
                                f(sm.last.1)
                            )
                        }
                        None => format!("{}: no data in this range.", h.point.label),
                    };
                    if with_trend {
                        text.push(' ');
                        text.push_str(&trend_sentence(h, view, now));
                    }
                    text
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="cairn-chart__readout" aria-live="polite">
            {move || lines().into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
        </div>
    }
}

fn trend_sentence(h: &super::model::Held, view: crate::chart::View, now: i64) -> String {
    let metric = h.point.metric;
    let Some(tr) = super::model::trend_of(h, view) else {
        return "Too few readings for a trend.".to_owned();
    };
    let rate = tr.per_hour();
    let per_hour = format!("{}/h", rate_text(rate, h.point.unit()));
    let Some(th) = h.point.thresholds() else {
        return format!("Trend {per_hour}.");
    };
    // Extrapolating further ahead than the data reaches back is guesswork.
    let horizon = view.span().max(3_600_000);
    match trend::project(&tr, now, &th) {
        Projection::Reaches { at, .. } if at - now > horizon => {
            format!(
                "Trend {per_hour}; no threshold within {}.",
                trend::roughly(horizon).trim_start_matches('~')
            )
        }
        Projection::Reaches {
            limit,
            critical,
            at,
        } => format!(
            "At this rate ({per_hour}) {} reaches {} ({}) in {}.",
            metric.label(),
            h.point.format(limit),
            if critical { "critical" } else { "warning" },
            trend::roughly(at - now)
        ),
        Projection::Beyond { limit, critical } => format!(
            "Past the {} limit of {} and not heading back ({per_hour}).",
            if critical { "critical" } else { "warning" },
            h.point.format(limit)
        ),
        Projection::Clear => format!("Trend {per_hour}; no threshold ahead."),
    }
}

/// `+1.2 ppm`, `-0.04 %`: a rate with two significant digits and a sign.
fn rate_text(rate: f64, unit: &str) -> String {
    let digits = if rate == 0.0 {
        0
    } else {
        (1 - rate.abs().log10().floor() as i32).clamp(0, 4) as usize
    };
    format!("{rate:+.digits$}\u{a0}{unit}")
}

const TABLE_ROWS: usize = 500;

#[component]
pub fn DataTable() -> impl IntoView {
    let s = state();
    let table = move || {
        if !s.table.get() {
            return None;
        }
        s.version.track();
        let (view, hidden) = (s.view.get(), s.hidden.get());
        let zone = s.zone();
        let (heads, rows, total) = s.model.with_value(|m| {
            let shown: Vec<_> = m
                .series
                .iter()
                .filter(|h| !hidden.contains(&h.point.id))
                .collect();
            let mut times: Vec<i64> = shown
                .iter()
                .flat_map(|h| h.data.visible(view.from, view.to).map(|p| p.0))
                .collect();
            times.sort_unstable();
            times.dedup();
            let total = times.len();
            let rows: Vec<(String, Vec<String>)> = times
                .into_iter()
                .take(TABLE_ROWS)
                .map(|t| {
                    let cells = shown
                        .iter()
                        .map(|h| {
                            let i = h.data.t().partition_point(|&x| x < t);
                            match (h.data.t().get(i), h.data.v().get(i)) {
                                (Some(&at), Some(&v)) if at == t && !v.is_nan() => {
                                    h.point.format(v)
                                }
                                _ => String::new(),
                            }
                        })
                        .collect();
                    (local_time(&zone, t), cells)
                })
                .collect();
            let heads: Vec<String> = shown.iter().map(|h| h.point.label.clone()).collect();
            (heads, rows, total)
        });
        Some(view! {
            <div class="cairn-chart__table">
                <table>
                    <caption>{if total > TABLE_ROWS {
                        format!("The first {TABLE_ROWS} of {total} samples in view (CSV has them all), times in {zone}")
                    } else {
                        format!("{total} samples in view, times in {zone}")
                    }}</caption>
                    <thead><tr><th scope="col">"Time"</th>
                        {heads.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(time, cells)| view! {
                            <tr><th scope="row">{time}</th>{cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })
    };
    view! { {table} }
}

/// Downloads the visible range of the shown series as CSV.
fn download_csv(s: ChartState) {
    let (view, hidden, zone) = (s.view.get_untracked(), s.hidden.get_untracked(), s.zone());
    let text = s.model.with_value(|m| {
        let series = m
            .series
            .iter()
            .filter(|h| !hidden.contains(&h.point.id))
            .map(|h| CsvSeries {
                key: &h.point.key,
                label: &h.point.label,
                unit: h.point.unit(),
                points: h.data.visible(view.from, view.to),
            });
        export::csv(series, &|t| local_time(&zone, t))
    });
    let name = format!(
        "cairn-{}-{}.csv",
        export::iso_utc(view.from),
        export::iso_utc(view.to)
    )
    .replace(':', "");
    if let Err(e) = save(&text, &name) {
        leptos::logging::warn!("csv: {e:?}");
    }
}

fn save(text: &str, name: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)
}
