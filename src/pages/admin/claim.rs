//! The claim form of one waiting device, inline under its row: device id,
//! name, site, kind and model, first guessed from what the network server
//! calls it (`claim_draft.rs`). Field errors come from
//! `DeviceSpec::problems()` as the user types (once a field is left or the
//! form submitted) and from the server's 422, under each input; a device no
//! longer waiting (404) shows above the buttons.

use cairn_protocol::{ClaimRequest, DeviceKind, IntegrationKind, NewDevice, WaitingDevice};
use leptos::{ev::SubmitEvent, prelude::*};

use super::claim_draft::{ClaimDraft, MODELS};
use crate::{
    api::{self, ApiError},
    pages::{
        alerts::rule_fields::{FieldError, FormCtx},
        devices::text::kind_label,
    },
    state::live::use_live,
};

type Ctx = FormCtx<ClaimDraft>;

/// Fields with an error under them; other 422 locations show above the buttons.
const SHOWN: [&str; 5] = ["id", "name", "site_id", "kind", "model"];

#[component]
pub fn ClaimForm(
    waiting: WaitingDevice,
    /// The kind of the integration that heard it, when known.
    kind: Option<IntegrationKind>,
    on_claimed: Callback<NewDevice>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let live = use_live();
    // The only site, chosen already; else the admin chooses.
    let site = live.sites.with_untracked(|s| match s.as_slice() {
        [only] => only.id.clone(),
        _ => String::new(),
    });
    let ctx: Ctx = FormCtx::judged_by(
        ClaimDraft::guess(&waiting, kind, site),
        ClaimDraft::problems,
    );
    let (integration_id, identifier) = (waiting.integration_id.clone(), waiting.identifier.clone());
    let claim = Action::new_local(move |request: &ClaimRequest| {
        let request = request.clone();
        async move {
            match api::integrations::claim(&request).await {
                Ok(made) => {
                    on_claimed.run(made);
                    Ok(())
                }
                Err(e) => Err(ctx.took(e)),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        if ctx.submit(&ev, claim.pending().get_untracked()) {
            claim.dispatch_local(ClaimRequest {
                integration_id: integration_id.clone(),
                identifier: identifier.clone(),
                device: ctx.draft.with_untracked(ClaimDraft::spec),
            });
        }
    };
    let general = move || {
        let mut lines = ctx.unplaced(&SHOWN);
        match claim.value().get() {
            Some(Err(ApiError::NotFound(_))) => lines.insert(
                0,
                "It is no longer waiting: claimed meanwhile, or named by a device since. Refresh the list.".to_owned(),
            ),
            Some(Err(e)) => lines.insert(0, e.to_string()),
            _ => {}
        }
        lines
    };
    let datalist = format!("claim-models-{}", waiting.identifier);
    let device_kind = Memo::new(move |_| ctx.draft.with(|d| d.kind));
    let site = Memo::new(move |_| ctx.draft.with(|d| d.site_id.clone()));
    view! {
        <form class="cairn-form cairn-integrations__claim" data-testid="claim-form" on:submit=submit novalidate
            aria-label=format!("Claim {}", waiting.identifier)>
            <p class="cairn-form__hint">
                "Claiming adds it as a device with "<code class="cairn-integrations__mono">{waiting.identifier.clone()}</code>
                " among its external ids; its points come from the keys heard and the model."
            </p>
            <div class="cairn-form__row">
                <Text ctx field="id" label="Device id" hint="letters, digits and _ . : -; cannot change later"
                    get=|d| d.id.clone() set=|d, v| d.id = v />
                <Text ctx field="name" label="Name" get=|d| d.name.clone() set=|d, v| d.name = v />
                <label class="cairn-field">
                    <span class="cairn-field__label">"Site"</span>
                    <select class="cairn-field__input" data-testid="claim-site" name="site_id" prop:value=site
                        on:change=move |ev| { ctx.edit("site_id", |d| d.site_id = event_target_value(&ev)); ctx.blur("site_id"); }
                        on:blur=move |_| ctx.blur("site_id")>
                        <option value="" selected=move || site.with(String::is_empty)>"Choose a site"</option>
                        <For each=move || live.sites.get() key=|s| s.id.clone() let:s>
                            {
                                let id = s.id.clone();
                                let on = move || site.with(|now| *now == id);
                                view! { <option value=s.id.clone() selected=on>{format!("{} · {}", s.name, s.city)}</option> }
                            }
                        </For>
                    </select>
                    <FieldError field="site_id" error=ctx.error("site_id") />
                </label>
                <label class="cairn-field">
                    <span class="cairn-field__label">"Kind"</span>
                    <select class="cairn-field__input" data-testid="claim-kind" name="kind" prop:value=move || device_kind.get().name()
                        on:change=move |ev| if let Some(k) = DeviceKind::parse(&event_target_value(&ev)) { ctx.edit("kind", |d| d.kind = k) }>
                        {DeviceKind::ALL.into_iter().map(|k| view! {
                            <option value=k.name() selected=move || device_kind.get() == k>{kind_label(k)}</option>
                        }).collect_view()}
                    </select>
                    <FieldError field="kind" error=ctx.error("kind") />
                </label>
                <Text ctx field="model" label="Model" list=datalist.clone() hint="a known model decodes its keys; free text too"
                    get=|d| d.model.clone() set=|d, v| d.model = v />
                <datalist id=datalist>
                    {MODELS.into_iter().map(|m| view! { <option value=m></option> }).collect_view()}
                </datalist>
            </div>
            {move || general().into_iter().map(|line| view! { <p class="cairn-form__error" role="alert">{line}</p> }).collect_view()}
            <Show when=move || ctx.submitted.get() && !ctx.problems.with(Vec::is_empty)>
                <p class="cairn-form__error" role="alert">"Some fields need attention (see below each)."</p>
            </Show>
            <div class="cairn-integrations__buttons">
                // No focus on press: the error a blur shows would move the button from under the click.
                <button class="cairn-button cairn-button--primary" type="submit" data-testid="claim-submit"
                    on:mousedown=|ev| ev.prevent_default() disabled=move || claim.pending().get()>
                    {move || if claim.pending().get() { "Claiming…" } else { "Claim device" }}
                </button>
                <button class="cairn-button" type="button" data-testid="claim-cancel" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}

/// A text input bound to a draft string (`claim-<field>`), its error underneath.
#[component]
fn Text(
    ctx: Ctx,
    field: &'static str,
    label: &'static str,
    get: fn(&ClaimDraft) -> String,
    set: fn(&mut ClaimDraft, String),
    #[prop(optional)] hint: Option<&'static str>,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional, into)]
    list: Option<String>,
) -> impl IntoView {
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            <input class="cairn-field__input" data-testid=format!("claim-{field}") name=field type="text"
                autocomplete="off" autocapitalize="none" spellcheck="false" list=list
                prop:value=move || ctx.draft.with(get)
                on:input=move |ev| ctx.edit(field, |d| set(d, event_target_value(&ev)))
                on:blur=move |_| ctx.blur(field) />
            {hint.map(|h| view! { <span class="cairn-form__hint">{h}</span> })}
            <FieldError field error=ctx.error(field) />
        </label>
    }
}
