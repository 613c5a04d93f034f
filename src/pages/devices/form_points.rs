//! What a device measures: one row per point (metric, reporting interval),
//! rows added and removed, and the device's expected interval.

use cairn_protocol::Metric;
use leptos::prelude::*;

use super::{
    draft::{PointRow, usual_points},
    form_ctx::{FieldError, FormCtx, Text},
};

/// The points fieldset: a row per point, Add point, the expected interval.
#[component]
pub fn PointFields(ctx: FormCtx) -> impl IntoView {
    let len = Memo::new(move |_| ctx.draft.with(|d| d.points.len()));
    let add = move |_: leptos::ev::MouseEvent| {
        ctx.edit("points", |d| {
            let free =
                (Metric::all().into_iter()).find(|m| !d.points.iter().any(|p| p.metric == *m));
            if let Some(metric) = free {
                let every = usual_points(d.kind).1;
                d.points.push(PointRow {
                    metric,
                    interval: every.to_string(),
                });
            }
        })
    };
    view! {
        <fieldset class="cairn-devices__group" data-testid="device-points">
            <legend class="cairn-field__label">"Points: what it measures, how often it reports"</legend>
            <ul class="cairn-devices__point-rows">
                {move || (0..len.get()).map(|i| view! { <PointRowFields ctx i /> }).collect_view()}
            </ul>
            <FieldError field="points" error=ctx.error("points".to_owned()) />
            <div class="cairn-form__row">
                <button type="button" class="cairn-button cairn-devices__add-point" data-testid="device-point-add"
                    disabled=move || { len.get() >= Metric::all().len() } on:click=add>"Add point"</button>
                <Text ctx field="expected_interval_s" label="Expected interval (s)" inputmode="numeric"
                    hint="empty: learned from its uplinks" get=|d| d.expected.clone() set=|d, v| d.expected = v />
            </div>
        </fieldset>
    }
}

/// Point `i`: its metric, its interval, a remove button.
#[component]
fn PointRowFields(ctx: FormCtx, i: usize) -> impl IntoView {
    let metric_field = format!("points[{i}].metric");
    let interval_field = format!("points[{i}].interval_s");
    let metric = move || ctx.draft.with(|d| d.points.get(i).map(|p| p.metric));
    let (mf, ifd, ifd2) = (
        metric_field.clone(),
        interval_field.clone(),
        interval_field.clone(),
    );
    view! {
        <li class="cairn-devices__point-row" data-testid="device-point">
            <label class="cairn-field">
                <span class="cairn-field__label">{format!("Point {}", i + 1)}</span>
                <select class="cairn-field__input" data-testid="device-point-metric" aria-label=format!("Point {} metric", i + 1)
                    prop:value=move || metric().map(|m| m.name()).unwrap_or_default()
                    on:change=move |ev| if let Some(m) = Metric::parse(&event_target_value(&ev)) {
                        ctx.edit(&mf, |d| if let Some(p) = d.points.get_mut(i) { p.metric = m });
                        ctx.blur(&mf);
                    }>
                    {move || {
                        crate::state::metrics::track_metrics();
                        Metric::all().into_iter().map(|m| view! {
                            <option value=m.name() selected=move || metric() == Some(m)>{format!("{} ({})", m.label(), m.unit())}</option>
                        }).collect_view()
                    }}
                </select>
                <FieldError field=metric_field.clone() error=ctx.error(metric_field) />
            </label>
            <label class="cairn-field">
                <span class="cairn-field__label">"Every (s)"</span>
                <input class="cairn-field__input" data-testid="device-point-interval" inputmode="numeric" autocomplete="off"
                    aria-label=format!("Point {} interval in seconds", i + 1)
                    prop:value=move || ctx.draft.with(|d| d.points.get(i).map(|p| p.interval.clone()).unwrap_or_default())
                    on:input=move |ev| ctx.edit(&ifd, |d| if let Some(p) = d.points.get_mut(i) { p.interval = event_target_value(&ev) })
                    on:blur=move |_| ctx.blur(&ifd2) />
                <FieldError field=interval_field.clone() error=ctx.error(interval_field) />
            </label>
            <button type="button" class="cairn-button cairn-devices__remove" data-testid="device-point-remove"
                aria-label=format!("Remove point {}", i + 1)
                on:click=move |_| ctx.edit("points", |d| { if i < d.points.len() { d.points.remove(i); } })>"Remove"</button>
        </li>
    }
}
