//! "Waiting to be claimed": the devices the integrations heard that no
//! device's external ids name, refreshed every 10 s while the page is open
//! (and by a button), so a device that just sent its first uplink shows up
//! without a reload. Each row has a Claim button opening its form inline
//! (`claim.rs`); rows are keyed, so a refresh keeps an open form. A claimed
//! device's ingest token is shown here once.

use cairn_protocol::{Integration, NewDevice, WaitingDevice};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_use::use_interval_fn;

use super::claim::ClaimForm;
use crate::{
    api::{self, ApiError},
    format,
    pages::devices::token::CopyButton,
    state::{clock::use_clock, live::use_live},
};

/// A waiting device's key: the integration that heard it and its identifier.
type Key = (String, String);

fn key_of(w: &WaitingDevice) -> Key {
    (w.integration_id.clone(), w.identifier.clone())
}

#[component]
pub fn Waiting(
    /// The integrations, to name and know each device's.
    #[prop(into)]
    integrations: Signal<Vec<Integration>>,
    /// Bumped to fetch the list again (here every 10 s and by Refresh; the
    /// page after deleting an integration, whose waiting devices go with it).
    reload: RwSignal<u32>,
    /// After a claim or a refresh by hand (the integrations' counters changed).
    on_changed: Callback<()>,
) -> impl IntoView {
    let waiting = LocalResource::new(move || {
        reload.track();
        api::integrations::waiting()
    });
    let _ = use_interval_fn(move || reload.update(|n| *n += 1), 10_000);
    // Claimed here since the last answer: gone at once, not at the next refresh.
    let gone = RwSignal::new(Vec::<Key>::new());
    // Whether the last answer was a list or an error; unchanged by a
    // refresh that brings the same, so the table (and an open form) stays.
    let status = Memo::new(move |_| {
        (waiting.get()).map(|r| r.map(|_| ()).map_err(|e: ApiError| e.to_string()))
    });
    let list = Memo::new(move |_| {
        let mut all = waiting.get().and_then(Result::ok).unwrap_or_default();
        gone.with(|g| all.retain(|w| !g.contains(&key_of(w))));
        all
    });
    let claiming = RwSignal::new(None::<Key>);
    let claimed = RwSignal::new(None::<NewDevice>);
    let on_claimed = Callback::new(move |(key, made): (Key, NewDevice)| {
        gone.update(|g| g.push(key));
        claiming.set(None);
        claimed.set(Some(made));
        on_changed.run(());
    });
    let refresh = move |_| {
        gone.set(Vec::new());
        reload.update(|n| *n += 1);
        on_changed.run(());
    };
    view! {
        <section class="cairn-integrations__section" aria-labelledby="waiting-heading" data-testid="waiting">
            <div class="cairn-integrations__bar">
                <h2 class="cairn-integrations__heading" id="waiting-heading">"Waiting to be claimed"</h2>
                <button type="button" class="cairn-button" data-testid="waiting-refresh" on:click=refresh>"Refresh"</button>
            </div>
            <p class="cairn-muted cairn-integrations__intro">
                "Devices the network servers sent uplinks for that no device here names. Claim one to add it: \
                 its points come from the keys heard, and its next message is stored."
            </p>
            {move || claimed.get().map(|made| view! { <Claimed made on_done=Callback::new(move |()| claimed.set(None)) /> })}
            {move || match status.get() {
                None => view! { <p class="cairn-muted">"Loading the waiting devices…"</p> }.into_any(),
                Some(Err(e)) => view! {
                    <p class="cairn-form__error" role="alert" data-testid="load-error">{format!("Could not load the waiting devices: {e}")}</p>
                }.into_any(),
                Some(Ok(())) => view! { <WaitingTable list integrations claiming on_claimed gone /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn WaitingTable(
    list: Memo<Vec<WaitingDevice>>,
    integrations: Signal<Vec<Integration>>,
    claiming: RwSignal<Option<Key>>,
    on_claimed: Callback<(Key, NewDevice)>,
    /// Claimed or dismissed here since the last answer.
    gone: RwSignal<Vec<Key>>,
) -> impl IntoView {
    let live = use_live();
    let now = live.server_now(use_clock().0);
    view! {
        <Show when=move || !list.with(Vec::is_empty)
            fallback=|| view! { <p class="cairn-empty" data-testid="waiting-empty">"Nothing is waiting: every device heard is claimed."</p> }>
            <div class="cairn-table-wrap cairn-table-wrap--stack">
                <table class="cairn-table cairn-table--stack" data-testid="waiting-table">
                    <thead><tr>
                        <th scope="col">"Identifier"</th><th scope="col">"Integration"</th><th scope="col">"Network server calls it"</th>
                        <th scope="col">"Keys heard"</th><th scope="col">"Messages"</th><th scope="col">"Last seen"</th><th scope="col"><span class="cairn-visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || list.get() key=key_of let:w>
                            <WaitingRow key=key_of(&w) list integrations claiming now on_claimed gone />
                        </For>
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

/// One waiting device (read from the list by its key, so a refresh updates
/// its counts in place), and its claim form when open.
#[component]
fn WaitingRow(
    key: Key,
    list: Memo<Vec<WaitingDevice>>,
    integrations: Signal<Vec<Integration>>,
    claiming: RwSignal<Option<Key>>,
    now: Signal<f64>,
    on_claimed: Callback<(Key, NewDevice)>,
    gone: RwSignal<Vec<Key>>,
) -> impl IntoView {
    let dismiss_error = RwSignal::new(None::<String>);
    let dismiss = {
        let key = key.clone();
        move |_| {
            let (integration, identifier) = key.clone();
            let ask = format!("Dismiss {identifier}? It is listed again if it sends again.");
            if !window().confirm_with_message(&ask).unwrap_or(false) {
                return;
            }
            let key = key.clone();
            leptos::task::spawn_local(async move {
                match api::integrations::dismiss(&integration, &identifier).await {
                    Ok(()) => gone.update(|g| g.push(key)),
                    Err(e) => dismiss_error.set(Some(format!("Could not dismiss: {e}"))),
                }
            });
        }
    };
    let item = {
        let key = key.clone();
        Memo::new(move |_| list.with(|l| l.iter().find(|w| key_of(w) == key).cloned()))
    };
    let field = move |f: fn(&WaitingDevice) -> String| {
        move || item.with(|w| w.as_ref().map(f).unwrap_or_default())
    };
    let (integration_id, identifier) = key.clone();
    let integration = {
        let id = integration_id.clone();
        Memo::new(move |_| integrations.with(|l| l.iter().find(|i| i.id == id).cloned()))
    };
    let open = {
        let key = key.clone();
        Memo::new(move |_| claiming.with(|c| c.as_ref() == Some(&key)))
    };
    let toggle = {
        let key = key.clone();
        move |_| claiming.set((!open.get_untracked()).then(|| key.clone()))
    };
    let form = move || {
        let (w, key) = (item.get_untracked()?, key.clone());
        let kind = integration.get_untracked().map(|i| i.kind);
        Some(view! {
            <tr class="cairn-integrations__claim-row">
                <td colspan="7">
                    <ClaimForm waiting=w kind
                        on_claimed=Callback::new(move |made| on_claimed.run((key.clone(), made)))
                        on_cancel=Callback::new(move |()| claiming.set(None)) />
                </td>
            </tr>
        })
    };
    view! {
        <tr data-testid=format!("waiting-{identifier}")>
            <td data-label="Identifier"><code class="cairn-integrations__mono">{identifier.clone()}</code></td>
            <td data-label="Integration">{move || integration.get().map_or_else(|| integration_id.clone(), |i| i.name)}</td>
            <td data-label="Network server calls it">{field(|w| w.hint.clone())}</td>
            <td data-label="Keys heard">{field(|w| w.keys.join(", "))}</td>
            <td data-label="Messages">{field(|w| w.messages.to_string())}</td>
            <td data-label="Last seen">
                {move || item.with(|w| w.as_ref().map(|w| format::age(now.get() - w.last_seen as f64)))}
            </td>
            <td>
                <button type="button" class="cairn-button" class:cairn-button--primary=move || !open.get()
                    data-testid=format!("claim-{identifier}") aria-expanded=move || open.get().to_string() on:click=toggle>
                    {move || if open.get() { "Close" } else { "Claim" }}
                </button>
                " "
                <button type="button" class="cairn-button" data-testid=format!("dismiss-{identifier}") on:click=dismiss
                    title="Not ours (a neighbour's sensor): take it off the list">"Dismiss"</button>
                {move || dismiss_error.get().map(|e| view! { <p class="cairn-form__error" role="alert">{e}</p> })}
            </td>
        </tr>
        {move || if open.get() { form() } else { None }}
    }
}

/// The claimed device's ingest token, shown this once, and a link to it.
#[component]
fn Claimed(made: NewDevice, on_done: Callback<()>) -> impl IntoView {
    let (id, name, token) = (made.device.id, made.device.name, made.token);
    let to_copy = token.clone();
    view! {
        <div class="cairn-notice cairn-devices__token" role="status" data-testid="claim-notice">
            <p>
                <strong>{format!("Claimed “{name}” as {id}.")}</strong>
                " Its next message is stored. Its ingest token is shown this once: it is only needed to send readings \
                 to Cairn directly (not through the network server); only its hash is kept."
            </p>
            <code class="cairn-notice__secret cairn-devices__secret" data-testid="claim-token">{token}</code>
            <div class="cairn-devices__token-actions">
                <CopyButton text=to_copy.clone() testid="claim-token-copy" />
                <A href=format!("/devices/{id}") attr:class="cairn-button" attr:data-testid="claim-open">"Open device"</A>
                <button type="button" class="cairn-button cairn-button--primary" data-testid="claim-done"
                    on:click=move |_| on_done.run(())>"Done"</button>
            </div>
        </div>
    }
}
