//! An integration, new or edited: id (new only: it ends the webhook URL),
//! kind, name, the shared secret (write-only: empty keeps the stored one; a
//! "Generate" button fills a random one, shown until saved), and the MQTT
//! source for kinds Cairn can subscribe to. Field errors come from
//! `IntegrationSpec::problems()` as the user types (once a field is left or
//! the form submitted) and from the server's 422, under each input.

use cairn_protocol::{Integration, IntegrationKind, IntegrationSpec};
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    integration_draft::IntegrationDraft,
    integration_fields::{Ctx, Mqtt, Secret, Text},
};
use crate::{api, pages::alerts::rule_fields::FormCtx};

/// Fields with an error under them; other 422 locations show above the buttons.
const SHOWN: [&str; 6] = [
    "id",
    "name",
    "secret",
    "mqtt.url",
    "mqtt.topic",
    "mqtt.ca_file",
];

#[component]
pub fn IntegrationForm(
    /// None: a new integration.
    editing: Option<Integration>,
    /// The saved integration, and the secret sent with it (to show once).
    on_saved: Callback<(Integration, Option<String>)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let id = editing.as_ref().map(|i| i.id.clone());
    let is_new = id.is_none();
    let draft = editing
        .as_ref()
        .map(IntegrationDraft::of)
        .unwrap_or_default();
    let ctx: Ctx = FormCtx::judged_by(draft, IntegrationDraft::problems);
    // An edit opens above the list: bring it into view (a tablet's Edit may be far below).
    let form = NodeRef::<leptos::html::Form>::new();
    if !is_new {
        Effect::new(move || {
            if let Some(f) = form.get() {
                f.scroll_into_view();
            }
        });
    }
    let save = Action::new_local(move |spec: &IntegrationSpec| {
        let (spec, id) = (spec.clone(), id.clone());
        async move {
            let saved = match &id {
                Some(id) => api::integrations::update_integration(id, &spec).await,
                None => api::integrations::create_integration(&spec).await,
            };
            match saved {
                Ok(i) => {
                    on_saved.run((i, spec.secret));
                    Ok(())
                }
                Err(e) => Err(ctx.took(e)),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        if ctx.submit(&ev, save.pending().get_untracked()) {
            save.dispatch_local(ctx.draft.with_untracked(IntegrationDraft::spec));
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
    let stored_id = editing.as_ref().map(|i| i.id.clone());
    view! {
        <form class="cairn-card cairn-form" node_ref=form data-testid="integrations-form" on:submit=submit novalidate>
            <h2 class="cairn-card__title">{if is_new { "New integration" } else { "Edit integration" }}</h2>
            <div class="cairn-form__row">
                {match stored_id {
                    None => view! {
                        <Text ctx field="id" label="Id" hint="a–z, 0–9 and -; it ends the webhook URL and cannot change later"
                            get=|d| d.id.clone() set=|d, v| d.id = v />
                    }.into_any(),
                    Some(id) => view! {
                        <div class="cairn-field">
                            <span class="cairn-field__label">"Id"</span>
                            <code class="cairn-integrations__mono" data-testid="integrations-form-id">{id}</code>
                        </div>
                    }.into_any(),
                }}
                <label class="cairn-field">
                    <span class="cairn-field__label">"Network server"</span>
                    <select class="cairn-field__input" data-testid="integrations-form-kind" name="kind" prop:value=move || kind.get().name()
                        on:change=move |ev| if let Some(k) = IntegrationKind::parse(&event_target_value(&ev)) {
                            ctx.edit("mqtt.url", |d| d.kind = k);
                            ctx.edit("secret", |_| {});
                        }>
                        {IntegrationKind::ALL.into_iter().map(|k| view! {
                            <option value=k.name() selected=move || kind.get() == k>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <Text ctx field="name" label="Name" get=|d| d.name.clone() set=|d, v| d.name = v />
            </div>
            <Show when=move || kind.get().has_webhook()>
                <Secret ctx is_new />
            </Show>
            <Show when=move || kind.get().has_mqtt()>
                <Mqtt ctx kind is_new />
            </Show>
            {move || general().into_iter().map(|line| view! { <p class="cairn-form__error" role="alert">{line}</p> }).collect_view()}
            <Show when=move || ctx.submitted.get() && !ctx.problems.with(Vec::is_empty)>
                <p class="cairn-form__error" role="alert">"Some fields need attention (see below each)."</p>
            </Show>
            <div class="cairn-integrations__buttons">
                // No focus on press: the error a blur shows would move the button from under the click.
                <button class="cairn-button cairn-button--primary" type="submit" data-testid="integrations-form-save"
                    on:mousedown=|ev| ev.prevent_default() disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save integration" }}
                </button>
                <button class="cairn-button" type="button" data-testid="integrations-form-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
