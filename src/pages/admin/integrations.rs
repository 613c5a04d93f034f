//! `/admin/integrations` (admins only; the server refuses everyone else):
//! the network servers real devices' uplinks come from (The Things Stack,
//! ChirpStack, KPN Things, Zigbee2MQTT), each with the webhook URL to paste
//! there; a form for new ones (the shared secret is shown once, after
//! saving); and the devices they heard that no one has claimed yet
//! (`waiting.rs`).

use cairn_protocol::{Integration, Role};
use leptos::prelude::*;

use super::{
    integration_card::{IntegrationCard, webhook_url},
    integration_form::IntegrationForm,
    waiting::Waiting,
};
use crate::{
    api::{self, ApiError},
    components::load_errors::LoadErrors,
    state::session::{Auth, use_session},
};

#[derive(Clone)]
enum Editing {
    None,
    New,
    Integration(Box<Integration>),
}

/// A secret just saved: `(name, webhook URL, secret)`, shown this once.
type Saved = (String, Option<String>, String);

#[component]
pub fn Integrations() -> impl IntoView {
    let session = use_session();
    let admin = Memo::new(
        move |_| matches!(&*session.auth.read(), Auth::SignedIn(me) if me.user.role == Role::Admin),
    );
    view! {
        <div class="cairn-integrations" data-testid="integrations-page">
            <h1 class="cairn-page-title">"Integrations"</h1>
            <Show when=move || admin.get()
                fallback=|| view! {
                    <p class="cairn-empty" role="status" data-testid="admins-only">
                        "Only admins can see and change integrations. Ask an admin to connect a network server."
                    </p>
                }>
                <IntegrationsAdmin />
            </Show>
        </div>
    }
}

/// The page as admins see it.
#[component]
fn IntegrationsAdmin() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let integrations = LocalResource::new(move || {
        reload.track();
        api::integrations::integrations()
    });
    // The list the waiting devices are named by (empty until loaded).
    let known = Signal::derive(move || {
        (integrations.get())
            .and_then(Result::ok)
            .unwrap_or_default()
    });
    let waiting_reload = RwSignal::new(0u32);
    let editing = RwSignal::new(Editing::None);
    let notice = RwSignal::new(None::<Saved>);
    let saved = Callback::new(move |(i, secret): (Integration, Option<String>)| {
        notice.set(secret.map(|s| (i.name, i.webhook_path.as_deref().map(webhook_url), s)));
        editing.set(Editing::None);
        reload.update(|n| *n += 1);
    });
    let cancel = Callback::new(move |()| editing.set(Editing::None));
    let delete = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            api::integrations::delete_integration(&id).await?;
            reload.update(|n| *n += 1);
            waiting_reload.update(|n| *n += 1);
            Ok::<(), ApiError>(())
        }
    });
    let on_delete = Callback::new(move |i: Integration| {
        let ask = format!(
            "Delete the integration “{}”? Its network server's messages are refused from then on and its waiting devices forgotten; the devices it fed keep their history.",
            i.name
        );
        if window().confirm_with_message(&ask).unwrap_or(false) {
            delete.dispatch_local(i.id);
        }
    });
    let on_edit =
        Callback::new(move |i: Integration| editing.set(Editing::Integration(Box::new(i))));
    view! {
        <section class="cairn-integrations__section" aria-labelledby="integrations-heading">
            <h2 class="cairn-integrations__heading" id="integrations-heading">"Network servers"</h2>
            <p class="cairn-muted cairn-integrations__intro">
                "Where real devices' uplinks come from. Each uplink finds its device by DevEUI or IEEE address among the devices' \
                 external ids; a device none of them names waits below to be claimed."
            </p>
            {move || notice.get().map(|(name, url, secret)| view! {
                <div class="cairn-notice" role="status" data-testid="integrations-secret-notice">
                    <p>"Shared secret of "<strong>{name}</strong>
                       ". Copy it into the network server now: it is never shown again."
                       {url.map(|u| view! { " Webhook URL: "<code class="cairn-integrations__mono">{u}</code> })}</p>
                    <code class="cairn-notice__secret cairn-devices__secret" data-testid="integrations-secret">{secret}</code>
                    <button type="button" class="cairn-button" on:click=move |_| notice.set(None)>"Done"</button>
                </div>
            })}
            <Show when=move || matches!(editing.get(), Editing::None)>
                <button type="button" class="cairn-button cairn-button--primary cairn-integrations__new" data-testid="integrations-new"
                    on:click=move |_| editing.set(Editing::New)>"New integration"</button>
            </Show>
            {move || match editing.get() {
                Editing::None => None,
                Editing::New => Some(view! { <IntegrationForm editing=None on_saved=saved on_cancel=cancel /> }),
                Editing::Integration(i) => Some(view! { <IntegrationForm editing=Some(*i) on_saved=saved on_cancel=cancel /> }),
            }}
            {move || delete.value().get().and_then(Result::err).map(|e| view! {
                <p class="cairn-form__error" role="alert">{format!("Could not delete: {e}")}</p>
            })}
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading integrations…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the integrations" /> }>
                    {move || integrations.get().map(|r| r.map(|list| view! { <IntegrationList list on_edit on_delete /> }))}
                </ErrorBoundary>
            </Transition>
        </section>
        <Waiting integrations=known reload=waiting_reload on_changed=Callback::new(move |()| reload.update(|n| *n += 1)) />
    }
}

#[component]
fn IntegrationList(
    list: Vec<Integration>,
    on_edit: Callback<Integration>,
    on_delete: Callback<Integration>,
) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <p class="cairn-empty" data-testid="integrations-empty">
                "No integrations yet: add one for each network server that should send Cairn its devices' uplinks."
            </p>
        }
        .into_any();
    }
    view! {
        <ul class="cairn-integrations__list" data-testid="integrations-list">
            {list.into_iter().map(|integration| view! { <IntegrationCard integration on_edit on_delete /> }).collect_view()}
        </ul>
    }
    .into_any()
}
