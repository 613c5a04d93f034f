//! The integration form's inputs: text fields (`integrations-form-<field>`), the
//! shared secret with its "Generate" button, and the MQTT broker fieldset.
//! Each shows its error underneath: the validator's once the field was left
//! or the form submitted, else the server's.

use cairn_protocol::IntegrationKind;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::integration_draft::IntegrationDraft;
use crate::pages::alerts::rule_fields::{FieldError, FormCtx};

pub type Ctx = FormCtx<IntegrationDraft>;

/// A secret every network server accepts: four groups of nine letters and
/// digits joined by `-` (39 characters, ~200 bits from the browser's
/// `crypto.getRandomValues`), with an upper-case letter, a lower-case one,
/// a digit and a special character among them, as KPN Things asks.
fn random_secret() -> Option<String> {
    let bytes = js_sys::Uint8Array::new_with_length(36);
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let fill = js_sys::Reflect::get(&crypto, &"getRandomValues".into()).ok()?;
    fill.dyn_into::<js_sys::Function>()
        .ok()?
        .call1(&crypto, &bytes)
        .ok()?;
    Some(secret_from(&bytes.to_vec()))
}

/// The secret [`random_secret`] makes of 36 random bytes.
fn secret_from(bytes: &[u8]) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(39);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 9 == 0 {
            out.push('-');
        }
        // Each class once for sure: the groups start upper, lower, digit.
        let set: &[u8] = match i {
            0 => &ALNUM[..26],
            9 => &ALNUM[26..52],
            18 => &ALNUM[52..],
            _ => ALNUM,
        };
        out.push(char::from(set[usize::from(*b) % set.len()]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::secret_from;

    #[test]
    fn a_generated_secret_has_every_class_kpn_asks_for() {
        let s = secret_from(&[7; 36]);
        assert_eq!(s.len(), 39);
        assert!(s.chars().any(|c| c.is_ascii_uppercase()));
        assert!(s.chars().any(|c| c.is_ascii_lowercase()));
        assert!(s.chars().any(|c| c.is_ascii_digit()));
        assert_eq!(s.matches('-').count(), 3);
    }
}

/// The shared secret: a password input and "Generate" (which shows it).
#[component]
pub fn Secret(ctx: Ctx, is_new: bool) -> impl IntoView {
    let shown = RwSignal::new(false);
    let hint = move || {
        if shown.get() {
            "Copy it now: it is shown once more after saving, then never again."
        } else if !ctx.draft.with(IntegrationDraft::is_new) {
            "Leave empty to keep the stored secret."
        } else if is_new {
            "16 to 200 characters, sent by the network server with every message; never shown again."
        } else {
            "A new kind needs a new secret: 16 to 200 characters."
        }
    };
    let generate = move |_| {
        if let Some(s) = random_secret() {
            ctx.edit("secret", |d| d.secret = s);
            shown.set(true);
        }
    };
    view! {
        <div class="cairn-field">
            <label class="cairn-field__label" for="integration-secret">"Shared secret"</label>
            <div class="cairn-integrations__secret">
                <input class="cairn-field__input" id="integration-secret" data-testid="integrations-form-secret" name="secret"
                    type=move || if shown.get() { "text" } else { "password" } autocomplete="new-password" spellcheck="false"
                    prop:value=move || ctx.draft.with(|d| d.secret.clone())
                    on:input=move |ev| ctx.edit("secret", |d| d.secret = event_target_value(&ev))
                    on:blur=move |_| ctx.blur("secret") />
                <button type="button" class="cairn-button" data-testid="integrations-form-generate" on:click=generate>"Generate"</button>
            </div>
            <span class="cairn-form__hint">{hint}</span>
            <FieldError field="secret" error=ctx.error("secret") />
        </div>
    }
}

/// Where Cairn subscribes: always for Zigbee2MQTT, when asked for otherwise.
#[component]
pub fn Mqtt(ctx: Ctx, kind: Memo<IntegrationKind>, is_new: bool) -> impl IntoView {
    let required = move || kind.get() == IntegrationKind::Zigbee2mqtt;
    let on = Memo::new(move |_| ctx.draft.with(IntegrationDraft::mqtt_on));
    let password_hint = if is_new {
        "if the broker asks for one"
    } else {
        "leave empty to keep the stored password"
    };
    view! {
        <fieldset class="cairn-site-picker cairn-integrations__mqtt" data-testid="integrations-form-mqtt">
            <legend class="cairn-field__label">"MQTT broker"</legend>
            <Show when=move || !required()
                fallback=|| view! { <p class="cairn-form__hint">"Zigbee2MQTT is read from its broker: Cairn subscribes to it."</p> }>
                <label class="cairn-check">
                    <input type="checkbox" data-testid="integrations-form-use-mqtt" prop:checked=move || ctx.draft.with(|d| d.use_mqtt)
                        on:change=move |ev| ctx.edit("mqtt.url", |d| d.use_mqtt = event_target_checked(&ev)) />
                    "Also subscribe to its MQTT server"
                </label>
            </Show>
            <Show when=move || on.get()>
                <div class="cairn-form__row">
                    <Text ctx field="mqtt.url" label="Broker URL" placeholder="mqtts://broker.example:8883"
                        get=|d| d.mqtt_url.clone() set=|d, v| d.mqtt_url = v />
                    <Text ctx field="mqtt.username" label="Username" get=|d| d.mqtt_username.clone() set=|d, v| d.mqtt_username = v />
                    <Text ctx field="mqtt_password" label="Password" kind="password" hint=password_hint
                        get=|d| d.mqtt_password.clone() set=|d, v| d.mqtt_password = v />
                </div>
                <div class="cairn-form__row">
                    {move || view! {
                        <Text ctx field="mqtt.topic" label="Topic filter" placeholder=kind.get().default_topic()
                            hint="empty: the one shown" get=|d| d.mqtt_topic.clone() set=|d, v| d.mqtt_topic = v />
                    }}
                    <Text ctx field="mqtt.ca_file" label="CA file (mqtts only)" placeholder="/etc/cairn/broker-ca.pem"
                        hint="a PEM file on the server; empty: the system's roots"
                        get=|d| d.mqtt_ca_file.clone() set=|d, v| d.mqtt_ca_file = v />
                </div>
            </Show>
        </fieldset>
    }
}

/// A text input bound to a draft string, its error underneath.
#[component]
pub fn Text(
    ctx: Ctx,
    field: &'static str,
    label: &'static str,
    get: fn(&IntegrationDraft) -> String,
    set: fn(&mut IntegrationDraft, String),
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            <input class="cairn-field__input" data-testid=format!("integrations-form-{}", field.replace('.', "-")) name=field type=kind
                autocomplete=if kind == "password" { "new-password" } else { "off" } spellcheck="false" placeholder=placeholder
                prop:value=move || ctx.draft.with(get)
                on:input=move |ev| ctx.edit(field, |d| set(d, event_target_value(&ev)))
                on:blur=move |_| ctx.blur(field) />
            {hint.map(|h| view! { <span class="cairn-form__hint">{h}</span> })}
            <FieldError field error=ctx.error(field) />
        </label>
    }
}
