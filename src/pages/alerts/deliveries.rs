//! A notification channel's newest messages (the server keeps 100 per
//! channel in the answer): delivery key, event, when created, attempts, and
//! delivered, waiting, or failing with the last error and the next attempt.

use cairn_protocol::Delivery;
use leptos::prelude::*;

use crate::{api, components::load_errors::LoadErrors, format};

/// `delivered 30 Nov 2026, 07:31`, `failing: <error>, next attempt at …`.
fn delivery_state(d: &Delivery) -> (&'static str, String) {
    match (d.delivered_at, &d.last_error) {
        (Some(t), _) => ("ok", format!("delivered {}", format::date_time(t))),
        (None, Some(e)) => (
            "failing",
            format!(
                "failing: {e}, next attempt at {}",
                format::date_time(d.next_attempt_at)
            ),
        ),
        (None, None) => (
            "waiting",
            format!(
                "waiting, first attempt at {}",
                format::date_time(d.next_attempt_at)
            ),
        ),
    }
}

#[component]
pub fn Deliveries(id: i64, name: String, on_close: Callback<()>) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        api::channels::deliveries(id)
    });
    let title = format!("Messages of “{name}”, newest first");
    let aria = title.clone();
    view! {
        <section class="cairn-card cairn-deliveries" data-testid="channel-deliveries" aria-label=aria>
            <div class="cairn-deliveries__bar">
                <h2 class="cairn-card__title">{title}</h2>
                <div class="cairn-deliveries__buttons">
                    <button type="button" class="cairn-button" on:click=move |_| reload.update(|n| *n += 1)>"Refresh"</button>
                    <button type="button" class="cairn-button" data-testid="channel-deliveries-close" on:click=move |_| on_close.run(())>"Close"</button>
                </div>
            </div>
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading messages…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the messages" /> }>
                    {move || list.get().map(|r| r.map(|list| if list.is_empty() {
                        view! { <p class="cairn-empty">"No messages yet."</p> }.into_any()
                    } else {
                        view! {
                            <div class="cairn-table-wrap">
                                <table class="cairn-table">
                                    <thead><tr>
                                        <th scope="col">"Delivery key"</th><th scope="col">"Event"</th><th scope="col">"Created"</th>
                                        <th scope="col">"Attempts"</th><th scope="col">"State"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|d| {
                                            let (state, words) = delivery_state(&d);
                                            view! {
                                                <tr data-testid="delivery-row" data-state=state>
                                                    <td class="cairn-deliveries__key">{d.key.clone()}</td>
                                                    <td>{d.event.clone()}</td>
                                                    <td>{format::date_time(d.created_at)}</td>
                                                    <td>{d.attempts}</td>
                                                    <td class=format!("cairn-deliveries__state cairn-deliveries__state--{state}")>{words}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }))}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
