//! A new maintenance window: scope, target from the catalogue the app holds,
//! start and end as `datetime-local` inputs (the browser's time zone, sent
//! as UTC ms), reason. Errors under each field: the form's own once a field
//! is left or the form submitted, and the server's 422.

use cairn_protocol::{MaintenanceWindow, ScopeLevel, WindowSpec};
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    rule_fields::{FieldError, FormCtx},
    rule_target::choices,
    window_draft::{SCOPES, WindowDraft},
};
use crate::{api, format, state::live::use_live};

type Ctx = FormCtx<WindowDraft>;

const SHOWN: [&str; 5] = ["scope", "target", "from", "to", "reason"];

#[component]
pub fn WindowForm(
    /// The time now (UTC ms): the form starts at the next quarter hour, for 2 h.
    now: i64,
    on_saved: Callback<MaintenanceWindow>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let start = (now / 900_000 + 1) * 900_000;
    let end = start + 2 * 3_600_000;
    let draft = WindowDraft {
        scope: ScopeLevel::Building,
        target: String::new(),
        from: (format::local_input(start), Some(start)),
        to: (format::local_input(end), Some(end)),
        reason: String::new(),
    };
    let ctx: Ctx = FormCtx::judged_by(draft, WindowDraft::problems);
    let live = use_live();
    let save = Action::new_local(move |spec: &WindowSpec| {
        let spec = spec.clone();
        async move {
            match api::maintenance::create_window(&spec).await {
                Ok(w) => {
                    on_saved.run(w);
                    Ok(())
                }
                Err(e) => Err(ctx.took(e)),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        if ctx.submit(&ev, save.pending().get_untracked()) {
            save.dispatch_local(ctx.draft.with_untracked(WindowDraft::spec));
        }
    };
    let general = move || {
        let mut lines = ctx.unplaced(&SHOWN);
        if let Some(Err(e)) = save.value().get() {
            lines.insert(0, e.to_string());
        }
        lines
    };
    let scope = Memo::new(move |_| ctx.draft.with(|d| d.scope));
    let options = Memo::new(move |_| choices(&live, scope.get(), &[]));
    let time = move |field: &'static str, label: &'static str| {
        let get = move |d: &WindowDraft| {
            if field == "from" {
                d.from.0.clone()
            } else {
                d.to.0.clone()
            }
        };
        view! {
            <label class="cairn-field">
                <span class="cairn-field__label">{label}</span>
                <input class="cairn-field__input" type="datetime-local" data-testid=format!("maintenance-{field}") name=field
                    prop:value=move || ctx.draft.with(get) on:blur=move |_| ctx.blur(field)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        let read = (format::from_local_input(&v), v);
                        ctx.edit(field, |d| if field == "from" { d.from = (read.1, read.0) } else { d.to = (read.1, read.0) });
                    } />
                <FieldError field error=ctx.error(field) />
            </label>
        }
    };
    view! {
        <form class="cairn-card cairn-form" data-testid="maintenance-form" on:submit=submit novalidate>
            <h2 class="cairn-card__title">"New maintenance window"</h2>
            <p class="cairn-form__hint">
                {format!("While it runs, alarms of what it covers are kept but marked suppressed, and nobody is notified. From and until are in your browser's time zone ({}).", format::browser_zone())}
            </p>
            <div class="cairn-form__row">
                <label class="cairn-field">
                    <span class="cairn-field__label">"Covers"</span>
                    <select class="cairn-field__input" data-testid="maintenance-scope" name="scope"
                        on:change=move |ev| if let Some(l) = ScopeLevel::parse(&event_target_value(&ev)) {
                            ctx.edit("target", |d| { d.scope = l; d.target.clear(); });
                        }>
                        {SCOPES.into_iter().map(|(l, label)| view! {
                            <option value=l.name() selected=move || scope.get() == l>{label}</option>
                        }).collect_view()}
                    </select>
                    <FieldError field="scope" error=ctx.error("scope") />
                </label>
                <label class="cairn-field">
                    <span class="cairn-field__label">{move || format!("Which {}", scope.get().name())}</span>
                    <select class="cairn-field__input" data-testid="maintenance-target" name="target"
                        prop:value=move || ctx.draft.with(|d| d.target.clone())
                        on:blur=move |_| ctx.blur("target")
                        on:change=move |ev| { ctx.edit("target", |d| d.target = event_target_value(&ev)); ctx.blur("target"); }>
                        <option value="">"Choose…"</option>
                        {move || options.get().into_iter().map(|(id, label)| {
                            let on = ctx.draft.with_untracked(|d| d.target == id);
                            view! { <option value=id selected=on>{label}</option> }
                        }).collect_view()}
                    </select>
                    <FieldError field="target" error=ctx.error("target") />
                </label>
            </div>
            <div class="cairn-form__row">
                {time("from", "From")}
                {time("to", "Until")}
            </div>
            <label class="cairn-field">
                <span class="cairn-field__label">"Reason: shown on every suppressed alarm"</span>
                <textarea class="cairn-field__input cairn-rule-form__text" data-testid="maintenance-reason" name="reason" maxlength="1000"
                    prop:value=move || ctx.draft.with(|d| d.reason.clone()) on:blur=move |_| ctx.blur("reason")
                    on:input=move |ev| ctx.edit("reason", |d| d.reason = event_target_value(&ev))></textarea>
                <FieldError field="reason" error=ctx.error("reason") />
            </label>
            {move || general().into_iter().map(|line| view! { <p class="cairn-form__error" role="alert">{line}</p> }).collect_view()}
            <div class="cairn-rule-form__buttons">
                // No focus on press: the error a blur shows would move the button from under the click.
                <button class="cairn-button cairn-button--primary" type="submit" data-testid="maintenance-save"
                    on:mousedown=|ev| ev.prevent_default() disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Plan window" }}
                </button>
                <button class="cairn-button" type="button" data-testid="maintenance-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
