//! A rule, new or edited: scope and target, metric, condition with its clear
//! thresholds, delays, severity, schedule, texts for the operator. Field
//! errors come from `RuleSpec::problems()` as the user types (after a field
//! is left or the form submitted) and from the server's 422, under each
//! input. The backtest runs the rule as typed.

use cairn_protocol::{Rule, Severity};
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    backtest::Backtest,
    draft::{Draft, KINDS},
    rule_fields::{ConditionFields, FormCtx, NumberField, ScheduleFields, TextField},
    rule_target::TargetFields,
};
use crate::api;

/// Fields the form shows an error under; any other location of a 422 is
/// listed above the buttons.
const SHOWN: [&str; 19] = [
    "name",
    "target",
    "metric",
    "trigger",
    "clear",
    "low",
    "high",
    "low_clear",
    "high_clear",
    "after_s",
    "per_hour",
    "clear_per_hour",
    "on_delay_s",
    "off_delay_s",
    "schedule.days",
    "schedule.start",
    "schedule.end",
    "description",
    "action",
];

#[component]
pub fn RuleForm(
    /// None: a new rule.
    editing: Option<Rule>,
    #[prop(into)] admin: Signal<bool>,
    #[prop(into)] zones: Signal<Vec<cairn_protocol::Zone>>,
    on_saved: Callback<Rule>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let id = editing.as_ref().map(|r| r.id);
    let ctx = FormCtx::new(editing.as_ref().map(Draft::of_rule).unwrap_or_default());
    let save = Action::new_local(move |spec: &cairn_protocol::RuleSpec| {
        let spec = spec.clone();
        async move {
            let saved = match id {
                Some(id) => api::alerts::update_rule(id, &spec).await,
                None => api::alerts::create_rule(&spec).await,
            };
            match saved {
                Ok(rule) => {
                    on_saved.run(rule);
                    Ok(())
                }
                Err(e) => Err(ctx.took(e)),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        if ctx.submit(&ev, save.pending().get_untracked()) {
            save.dispatch_local(ctx.draft.with_untracked(|d| d.spec().0));
        }
    };
    let general = move || {
        let mut lines = ctx.unplaced(&SHOWN);
        if let Some(Err(e)) = save.value().get() {
            lines.insert(0, e.to_string());
        }
        lines
    };
    let kind = move || ctx.draft.with(|d| d.kind);
    let title = if id.is_some() {
        "Edit rule"
    } else {
        "New rule"
    };
    view! {
        <form class="cairn-card cairn-form cairn-rule-form" data-testid="rule-form" on:submit=submit novalidate>
            <h2 class="cairn-card__title">{title}</h2>
            <div class="cairn-form__row">
                <TextField ctx field="name" label="Name".to_owned() get=|d| d.name.clone() set=|d, v| d.name = v />
                <label class="cairn-field">
                    <span class="cairn-field__label">"Severity"</span>
                    <select class="cairn-field__input" data-testid="rule-severity" name="severity"
                        on:change=move |ev| if let Some(s) = Severity::parse(&event_target_value(&ev)) { ctx.edit("severity", |d| d.severity = s) }>
                        {Severity::ALL.into_iter().rev().map(|s| view! {
                            <option value=s.name() selected=move || ctx.draft.with(|d| d.severity == s)>{super::text::severity_label(s)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="cairn-check">
                    <input type="checkbox" data-testid="rule-enabled" prop:checked=move || ctx.draft.with(|d| d.enabled)
                        on:change=move |ev| ctx.edit("enabled", |d| d.enabled = event_target_checked(&ev)) />
                    "Enabled"
                </label>
            </div>
            <TargetFields ctx admin zones />
            <fieldset class="cairn-rule-form__group">
                <legend class="cairn-field__label">"Condition"</legend>
                <div class="cairn-form__row">
                    <label class="cairn-field">
                        <span class="cairn-field__label">"Alarm when the value is"</span>
                        <select class="cairn-field__input" data-testid="rule-kind" name="kind"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some((k, _)) = KINDS.iter().find(|(k, _)| *k == v) { ctx.edit("kind", |d| d.kind = k) }
                            }>
                            {KINDS.into_iter().map(|(k, label)| view! {
                                <option value=k selected=move || kind() == k>{label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <ConditionFields ctx />
                </div>
                <div class="cairn-form__row">
                    <NumberField ctx field="on_delay_s" label="On-delay (s): holds this long before raising".to_owned() />
                    <NumberField ctx field="off_delay_s" label="Off-delay (s): normal this long before clearing".to_owned() />
                </div>
            </fieldset>
            <ScheduleFields ctx />
            <div class="cairn-form__row">
                <TextField ctx field="description" label="Description: what it watches and why".to_owned() multiline=true
                    get=|d| d.description.clone() set=|d, v| d.description = v />
                <TextField ctx field="action" label="Action: what the operator should do".to_owned() multiline=true
                    get=|d| d.action.clone() set=|d, v| d.action = v />
            </div>
            {move || general().into_iter().map(|line| view! { <p class="cairn-form__error" role="alert">{line}</p> }).collect_view()}
            <Show when=move || ctx.submitted.get() && !ctx.problems.with(Vec::is_empty)>
                <p class="cairn-form__error" role="alert">"Some fields need attention (see below each)."</p>
            </Show>
            <div class="cairn-rule-form__buttons">
                // No focus on press: the error a blur shows would move the button from under the click.
                <button class="cairn-button cairn-button--primary" type="submit" data-testid="rule-save"
                    on:mousedown=|ev| ev.prevent_default() disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save rule" }}
                </button>
                <button class="cairn-button" type="button" data-testid="rule-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
            <Backtest ctx />
        </form>
    }
}
