//! A metric, new or an admin's own being changed (its name stays: devices
//! send it): name, label, SenML unit, display unit, plausible range and
//! decimals (`metric-form-<field>`). Field errors come from
//! `MetricDraft::problems()` (`MetricDef::problems()` plus numbers that do
//! not read) as the user types, once a field is left or the form
//! submitted, and from the server's 422, under each input. A saved metric
//! is registered at once, so every form and chart knows it.

use cairn_protocol::{MetricDef, metric_registry};
use leptos::{ev::SubmitEvent, prelude::*};

use super::metric_draft::MetricDraft;
use crate::{
    api,
    pages::alerts::rule_fields::{FieldError, FormCtx},
};

type Ctx = FormCtx<MetricDraft>;

/// Fields with an error under them; other 422 locations show above the buttons.
const SHOWN: [&str; 7] = [
    "name",
    "label",
    "unit",
    "display_unit",
    "min",
    "max",
    "precision",
];

#[component]
pub fn MetricForm(
    /// None: a new metric.
    editing: Option<MetricDef>,
    /// The metric as saved (and registered).
    on_saved: Callback<MetricDef>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let is_new = editing.is_none();
    let draft = editing
        .as_ref()
        .map_or_else(MetricDraft::new, MetricDraft::of);
    let ctx: Ctx = FormCtx::judged_by(draft, MetricDraft::problems);
    // An edit opens above the table: bring it into view (a tablet's Edit may be far below).
    let form = NodeRef::<leptos::html::Form>::new();
    if !is_new {
        Effect::new(move || {
            if let Some(f) = form.get() {
                f.scroll_into_view();
            }
        });
    }
    // Lists of metrics elsewhere (the device form's points) re-render on it.
    let version = use_context::<crate::state::metrics::MetricsVersion>();
    let save = Action::new_local(move |def: &MetricDef| {
        let def = def.clone();
        async move {
            let saved = if is_new {
                api::metrics::create_metric(&def).await
            } else {
                api::metrics::update_metric(&def).await
            };
            match saved {
                Ok(m) => {
                    let _ = metric_registry::register(&m);
                    if let Some(v) = version {
                        v.0.update(|n| *n += 1);
                    }
                    on_saved.run(m);
                    Ok(())
                }
                Err(e) => Err(ctx.took(e)),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        if ctx.submit(&ev, save.pending().get_untracked()) {
            save.dispatch_local(ctx.draft.with_untracked(|d| d.def().0));
        }
    };
    let general = move || {
        let mut lines = ctx.unplaced(&SHOWN);
        if let Some(Err(e)) = save.value().get() {
            lines.insert(0, e.to_string());
        }
        lines
    };
    let name_hint = if is_new {
        "a–z, 0–9 and _, starting with a letter: the SenML record name devices send; it cannot change later"
    } else {
        "devices send it: it cannot change"
    };
    view! {
        <form class="cairn-card cairn-form" node_ref=form data-testid="metric-form" on:submit=submit novalidate>
            <h2 class="cairn-card__title">{if is_new { "New metric" } else { "Edit metric" }}</h2>
            <div class="cairn-form__row">
                <Field ctx field="name" label="Name" hint=name_hint placeholder="wind_speed" readonly=!is_new
                    get=|d| d.name.clone() set=|d, v| d.name = v />
                <Field ctx field="label" label="Label" hint="1 to 30 characters, for tables and tiles" placeholder="Wind"
                    get=|d| d.label.clone() set=|d, v| d.label = v />
            </div>
            <div class="cairn-form__row">
                <Field ctx field="unit" label="SenML unit" hint="what readings arrive in (m/s, dB, ug/m3); empty: a plain number"
                    placeholder="m/s" get=|d| d.unit.clone() set=|d, v| d.unit = v />
                <Field ctx field="display_unit" label="Display unit" hint="as people read it (µg/m³); empty: the SenML unit"
                    get=|d| d.display_unit.clone() set=|d, v| d.display_unit = v />
            </div>
            <div class="cairn-form__row">
                <Field ctx field="min" label="Lowest plausible" hint="readings below are refused" mode="decimal"
                    get=|d| d.min.clone() set=|d, v| d.min = v />
                <Field ctx field="max" label="Highest plausible" hint="readings above are refused" mode="decimal"
                    get=|d| d.max.clone() set=|d, v| d.max = v />
                <Field ctx field="precision" label="Decimals" hint="shown, 0 to 6" mode="numeric"
                    get=|d| d.precision.clone() set=|d, v| d.precision = v />
            </div>
            {move || general().into_iter().map(|line| view! { <p class="cairn-form__error" role="alert">{line}</p> }).collect_view()}
            <Show when=move || ctx.submitted.get() && !ctx.problems.with(Vec::is_empty)>
                <p class="cairn-form__error" role="alert">"Some fields need attention (see below each)."</p>
            </Show>
            <div class="cairn-metrics__buttons">
                // No focus on press: the error a blur shows would move the button from under the click.
                <button class="cairn-button cairn-button--primary" type="submit" data-testid="metric-form-save"
                    on:mousedown=|ev| ev.prevent_default() disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save metric" }}
                </button>
                <button class="cairn-button" type="button" data-testid="metric-form-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

/// A text input bound to a draft string, its error underneath.
#[component]
fn Field(
    ctx: Ctx,
    field: &'static str,
    label: &'static str,
    hint: &'static str,
    get: fn(&MetricDraft) -> String,
    set: fn(&mut MetricDraft, String),
    /// The keyboard a touch screen offers (`decimal`, `numeric`).
    #[prop(default = "text")]
    mode: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] readonly: bool,
) -> impl IntoView {
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            <input class="cairn-field__input" data-testid=format!("metric-form-{field}") name=field type="text"
                inputmode=mode autocomplete="off" spellcheck="false" placeholder=placeholder readonly=readonly
                prop:value=move || ctx.draft.with(get)
                on:input=move |ev| {
                    ctx.edit(field, |d| set(d, event_target_value(&ev)));
                    // The server names a range problem under max.
                    if field == "min" { ctx.edit("max", |_| {}); }
                }
                on:blur=move |_| ctx.blur(field) />
            <span class="cairn-form__hint">{hint}</span>
            <FieldError field error=ctx.error(field) />
        </label>
    }
}
