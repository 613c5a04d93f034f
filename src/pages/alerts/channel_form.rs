//! A notification channel, new or edited: name, kind (email or webhook),
//! target, the webhook's secret (write-only: empty keeps the stored one),
//! minimum severity, sites, escalation, enabled. Field errors come from
//! `ChannelSpec::problems()` as the user types (once a field is left or the
//! form submitted) and from the server's 422, under each input.

use cairn_protocol::{Channel, ChannelKind, ChannelSpec, Severity};
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    channel_draft::ChannelDraft,
    rule_fields::{FieldError, FormCtx},
    text::severity_label,
};
use crate::{api, state::live::use_live};

type Ctx = FormCtx<ChannelDraft>;

/// Fields with an error under them; other 422 locations show above the buttons.
const SHOWN: [&str; 5] = ["name", "target", "secret", "escalate_after_min", "sites"];

#[component]
pub fn ChannelForm(
    /// None: a new channel.
    editing: Option<Channel>,
    on_saved: Callback<Channel>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let id = editing.as_ref().map(|c| c.id);
    let has_secret = editing.as_ref().is_some_and(|c| c.has_secret);
    let draft = editing.as_ref().map(ChannelDraft::of).unwrap_or_default();
    let ctx: Ctx = FormCtx::judged_by(draft, ChannelDraft::problems);
    let save = Action::new_local(move |spec: &ChannelSpec| {
        let spec = spec.clone();
        async move {
            let saved = match id {
                Some(id) => api::channels::update_channel(id, &spec).await,
                None => api::channels::create_channel(&spec).await,
            };
            match saved {
                Ok(c) => {
                    on_saved.run(c);
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
    let kind = Memo::new(move |_| ctx.draft.with(|d| d.kind));
    let title = if id.is_some() {
        "Edit channel"
    } else {
        "New channel"
    };
    view! {
        <form class="cairn-card cairn-form cairn-channel-form" data-testid="channel-form" on:submit=submit novalidate>
            <h2 class="cairn-card__title">{title}</h2>
            <div class="cairn-form__row">
                <Text ctx field="name" label="Name" get=|d| d.name.clone() set=|d, v| d.name = v />
                <label class="cairn-field">
                    <span class="cairn-field__label">"Kind"</span>
                    <select class="cairn-field__input" data-testid="channel-kind" name="kind"
                        on:change=move |ev| if let Some(k) = ChannelKind::parse(&event_target_value(&ev)) {
                            ctx.edit("target", |d| d.kind = k);
                            ctx.edit("secret", |_| {});
                        }>
                        <option value="email" selected=move || kind.get() == ChannelKind::Email>"Email"</option>
                        <option value="webhook" selected=move || kind.get() == ChannelKind::Webhook>"Webhook (signed JSON POST)"</option>
                    </select>
                </label>
                <label class="cairn-field">
                    <span class="cairn-field__label">"Alarms of severity"</span>
                    <select class="cairn-field__input" data-testid="channel-min_severity" name="min_severity"
                        on:change=move |ev| if let Some(s) = Severity::parse(&event_target_value(&ev)) { ctx.edit("min_severity", |d| d.min_severity = s) }>
                        {Severity::ALL.into_iter().map(|s| view! {
                            <option value=s.name() selected=move || ctx.draft.with(|d| d.min_severity == s)>
                                {match s { Severity::Critical => "Critical only".to_owned(), _ => format!("{} and above", severity_label(s)) }}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <div class="cairn-form__row">
                {move || {
                    let (label, hint) = match kind.get() {
                        ChannelKind::Email => ("Addresses", "comma-separated, e.g. ops@example.be, facility@example.be"),
                        ChannelKind::Webhook => ("Webhook URL", "http:// only for now, e.g. http://relay.local:8080/cairn"),
                    };
                    view! { <Text ctx field="target" label hint get=|d| d.target.clone() set=|d, v| d.target = v /> }
                }}
                <Show when=move || kind.get() == ChannelKind::Webhook>
                    <Text ctx field="secret" label="Signing secret" kind="password"
                        hint=if has_secret { "leave empty to keep the stored secret" } else { "16 to 200 characters; never shown again" }
                        get=|d| d.secret.clone() set=|d, v| d.secret = v />
                </Show>
                <Text ctx field="escalate_after_min" label="Escalate after (min)"
                    hint="when an alarm stays unacknowledged; empty: never"
                    get=|d| d.escalate.clone() set=|d, v| d.escalate = v />
            </div>
            <Sites ctx />
            <label class="cairn-check">
                <input type="checkbox" data-testid="channel-enabled" prop:checked=move || ctx.draft.with(|d| d.enabled)
                    on:change=move |ev| ctx.edit("enabled", |d| d.enabled = event_target_checked(&ev)) />
                "Enabled"
            </label>
            {move || general().into_iter().map(|line| view! { <p class="cairn-form__error" role="alert">{line}</p> }).collect_view()}
            <Show when=move || ctx.submitted.get() && !ctx.problems.with(Vec::is_empty)>
                <p class="cairn-form__error" role="alert">"Some fields need attention (see below each)."</p>
            </Show>
            <div class="cairn-channel-form__buttons">
                // No focus on press: the error a blur shows would move the button from under the click.
                <button class="cairn-button cairn-button--primary" type="submit" data-testid="channel-save"
                    on:mousedown=|ev| ev.prevent_default() disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save channel" }}
                </button>
                <button class="cairn-button" type="button" data-testid="channel-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

/// A text input bound to a draft string, its error underneath.
#[component]
fn Text(
    ctx: Ctx,
    field: &'static str,
    label: &'static str,
    get: fn(&ChannelDraft) -> String,
    set: fn(&mut ChannelDraft, String),
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            <input class="cairn-field__input" data-testid=format!("channel-{field}") name=field type=kind
                autocomplete=if kind == "password" { "new-password" } else { "off" } spellcheck="false"
                prop:value=move || ctx.draft.with(get)
                on:input=move |ev| ctx.edit(field, |d| set(d, event_target_value(&ev)))
                on:blur=move |_| ctx.blur(field) />
            {hint.map(|h| view! { <span class="cairn-form__hint">{h}</span> })}
            <FieldError field error=ctx.error(field) />
        </label>
    }
}

/// Every site (now and later) or a checklist of sites, names as text.
#[component]
fn Sites(ctx: Ctx) -> impl IntoView {
    let live = use_live();
    let all = Memo::new(move |_| ctx.draft.with(|d| d.all_sites));
    view! {
        <fieldset class="cairn-site-picker" data-testid="channel-sites">
            <legend class="cairn-field__label">"Sites whose alarms it gets"</legend>
            <label class="cairn-check">
                <input type="checkbox" prop:checked=all data-testid="channel-all-sites"
                    on:change=move |ev| { ctx.edit("sites", |d| d.all_sites = event_target_checked(&ev)); ctx.blur("sites"); } />
                "All sites, now and later"
            </label>
            <div class="cairn-site-picker__list" class:cairn-site-picker__list--off=all>
                <For each=move || live.sites.get() key=|s| s.id.clone() let:site>
                    {
                        let id = site.id.clone();
                        let checked = {
                            let id = id.clone();
                            move || ctx.draft.with(|d| d.sites.contains(&id))
                        };
                        view! {
                            <label class="cairn-check">
                                <input type="checkbox" prop:checked=checked disabled=all data-site=id.clone()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        ctx.edit("sites", |d| {
                                            d.sites.retain(|x| x != &id);
                                            if on { d.sites.push(id.clone()); }
                                        });
                                        ctx.blur("sites");
                                    } />
                                {format!("{} · {}", site.name, site.city)}
                            </label>
                        }
                    }
                </For>
            </div>
            <FieldError field="sites" error=ctx.error("sites") />
        </fieldset>
    }
}
