//! One integration as a card: its kind, the webhook URL to paste into the
//! network server (absolute, with a copy button) and how to set it up
//! there, the MQTT source Cairn subscribes to, what its messages came to
//! since the server started, and its latest refusal. Edit and Delete.
//! Test hooks inside a card (`edit`, `delete`, `webhook-copy`, `stats-*`,
//! `last-error`) are found within its `integration-<id>`: an id may be any
//! word, so the page's own hooks start with `integrations-` instead.

use cairn_protocol::{Integration, IntegrationKind};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::{format, pages::devices::token::CopyButton};

/// Where the network server is told to post: this page's origin and the path.
pub fn webhook_url(path: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{path}")
}

/// How to point the network server at Cairn, in its own words.
fn how_to_connect(kind: IntegrationKind, topic: &str) -> String {
    match kind {
        IntegrationKind::Tts => "In The Things Stack: Webhooks → Add webhook → Custom webhook; Base URL = the URL above; \
            Additional header Authorization: Bearer <secret>; enable Uplink message (path left empty)."
            .to_owned(),
        IntegrationKind::Chirpstack => "In ChirpStack: the application's Integrations → HTTP; Event endpoint URL = the URL above; \
            header Authorization: Bearer <secret>; payload encoding JSON."
            .to_owned(),
        IntegrationKind::Kpn => "In KPN Things: add a Destination → HTTPS; URL = the URL above; shared secret = the secret."
            .to_owned(),
        IntegrationKind::Zigbee2mqtt => {
            format!("Cairn subscribes to the broker below ({topic}); nothing to set up in Zigbee2MQTT.")
        }
    }
}

/// The webhook URL in a read-only input (selected on focus) and a copy button.
#[component]
fn WebhookUrl(id: String, url: String) -> impl IntoView {
    let input_id = format!("webhook-{id}");
    let to_copy = url.clone();
    view! {
        <div class="cairn-field">
            <label class="cairn-field__label" for=input_id.clone()>"Webhook URL"</label>
            <div class="cairn-integrations__secret">
                <input class="cairn-field__input cairn-integrations__mono" id=input_id readonly
                    data-testid=format!("webhook-url-{id}") prop:value=url
                    on:focus=|ev| {
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    } />
                <CopyButton text=to_copy.clone() testid="webhook-copy" />
            </div>
        </div>
    }
}

#[component]
pub fn IntegrationCard(
    integration: Integration,
    on_edit: Callback<Integration>,
    on_delete: Callback<Integration>,
) -> impl IntoView {
    let i = integration;
    let topic = (i.mqtt.as_ref())
        .map(|m| m.topic.clone())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| i.kind.default_topic().to_owned());
    let webhook = (i.webhook_path.clone()).map(|path| {
        let (id, url) = (i.id.clone(), webhook_url(&path));
        view! { <WebhookUrl id url /> }
    });
    let hint = how_to_connect(i.kind, &topic);
    let mqtt = i.mqtt.clone().map(|m| {
        let user = (!m.username.is_empty()).then(|| format!(" as {}", m.username));
        let ca = (!m.ca_file.is_empty()).then(|| format!(", CA {}", m.ca_file));
        view! {
            <p class="cairn-integrations__line">
                <span class="cairn-table__muted">"MQTT: "</span>
                <span class="cairn-integrations__mono">{m.url}</span>{user}
                " · "<span class="cairn-integrations__mono">{topic.clone()}</span>{ca}
            </p>
        }
    });
    let s = i.stats.clone();
    let last_error = s.last_error.clone().map(|(at, why)| {
        view! {
            <p class="cairn-integrations__error" data-testid="last-error">
                <span class="cairn-integrations__when">{format!("Last refused {}: ", format::date_time(at))}</span>
                {why}
            </p>
        }
    });
    // Keys stored messages carried that no point takes: what to map or add.
    let skipped = (!s.skipped.is_empty()).then(|| {
        view! {
            <p class="cairn-form__hint" data-testid="skipped">
                {format!("Skipped keys (unknown, or no point on the device): {}", s.skipped.join(", "))}
            </p>
        }
    });
    let (edit, del) = (i.clone(), i.clone());
    view! {
        <li class="cairn-card cairn-integrations__item" data-testid=format!("integration-{}", i.id)>
            <div class="cairn-card__header">
                <div>
                    <h3 class="cairn-card__title">{i.name.clone()}</h3>
                    <p class="cairn-card__subtitle">
                        {i.kind.label()}" · "<span class="cairn-integrations__mono">{i.id.clone()}</span>
                    </p>
                </div>
                <div class="cairn-integrations__buttons">
                    <button type="button" class="cairn-button" data-testid="edit"
                        on:click=move |_| on_edit.run(edit.clone())>"Edit"</button>
                    <button type="button" class="cairn-button" data-testid="delete"
                        on:click=move |_| on_delete.run(del.clone())>"Delete"</button>
                </div>
            </div>
            {webhook}
            <p class="cairn-form__hint">{hint}</p>
            {mqtt}
            <dl class="cairn-integrations__stats" aria-label="Messages since the server started">
                <div><dt>"Stored"</dt><dd data-testid="stats-stored">{s.stored}</dd></div>
                <div><dt>"Refused"</dt><dd data-testid="stats-refused">{s.refused}</dd></div>
                <div><dt>"Waiting"</dt><dd data-testid="stats-waiting">{s.waiting}</dd></div>
            </dl>
            {last_error}
            {skipped}
        </li>
    }
}
