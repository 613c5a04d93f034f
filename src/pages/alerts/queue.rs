//! The alarm queue: the live store's open alarms, filtered (URL query) and
//! sorted by severity then age, each row with its actions; bulk select and
//! acknowledge; "Notify me" for new critical alarms.

use std::collections::{HashMap, HashSet};

use cairn_protocol::{Role, Severity};
use leptos::prelude::*;

use super::{
    alarm_row::AlarmRow,
    filters::{FilterBar, use_filters},
    role_at_least, text, use_user,
};
use crate::{
    api::{self, ApiError},
    state::{clock::use_clock, live::use_live, notify::use_notifications},
};

#[component]
pub fn Queue() -> impl IntoView {
    let live = use_live();
    let now = live.server_now(use_clock().0);
    let (filters, set) = use_filters();
    let can_ack = role_at_least(use_user(), Role::Operator);
    let shown = Memo::new(move |_| {
        let t = now.get() as i64;
        let f = filters.get();
        live.alarms.with(|q| {
            let mut list: Vec<_> = q.iter().filter(|a| f.matches(a, t)).collect();
            list.sort_by(|a, b| text::queue_order(a, b));
            list.into_iter().map(|a| a.id).collect::<Vec<i64>>()
        })
    });
    // Where each device hangs, for the link to its floor on the map.
    let devices = LocalResource::new(|| api::catalog::devices(""));
    let floors = Memo::new(move |_| {
        let list = devices.get().and_then(Result::ok).unwrap_or_default();
        (list.into_iter())
            .filter_map(|d| Some((d.id, d.floor_id?)))
            .collect::<HashMap<String, String>>()
    });
    let selected = RwSignal::new(HashSet::<i64>::new());
    // What was selected but is no longer shown is not acknowledged in bulk.
    let chosen = move || {
        shown.with(|s| {
            selected.with(|sel| {
                s.iter()
                    .copied()
                    .filter(|id| sel.contains(id))
                    .collect::<Vec<_>>()
            })
        })
    };
    let all_on = move || {
        shown.with(|s| !s.is_empty() && selected.with(|sel| s.iter().all(|id| sel.contains(id))))
    };
    let toggle_all = move |on: bool| {
        selected.set(if on {
            shown.get_untracked().into_iter().collect()
        } else {
            HashSet::new()
        })
    };
    let comment = RwSignal::new(String::new());
    let bulk = Action::new_local(move |(ids, comment): &(Vec<i64>, String)| {
        let (ids, comment) = (ids.clone(), comment.clone());
        async move {
            let changed = api::alerts::acknowledge(ids, comment).await?;
            live.alarms_changed(&changed);
            Ok::<usize, ApiError>(changed.len())
        }
    });
    let ack_selected = move |_| {
        let ids = chosen();
        if !ids.is_empty() && !bulk.pending().get_untracked() {
            bulk.dispatch_local((ids, comment.get_untracked()));
            selected.set(HashSet::new());
            comment.set(String::new());
        }
    };
    let critical = move || {
        let t = now.get() as i64;
        live.alarms.with(|q| {
            q.iter()
                .filter(|a| a.severity == Severity::Critical && text::needs_ack(a.state))
                .filter(|a| a.shelved_until.is_none_or(|s| s <= t))
                .count()
        })
    };
    view! {
        <section class="cairn-alarms" data-testid="alarm-queue" aria-label="Alarm queue">
            <div class="cairn-alarms__bar">
                <p class="cairn-alarms__summary" role="status">
                    {move || format!("{} shown", shown.with(Vec::len))}
                    {move || (critical() > 0).then(|| view! {
                        <span class="cairn-alarms__critical">{format!(" · {} critical to acknowledge", critical())}</span>
                    })}
                </p>
                <NotifyMe />
            </div>
            <FilterBar filters set />
            <Show when=move || can_ack.get() && !shown.with(Vec::is_empty)>
                <div class="cairn-alarms__bulk">
                    <label class="cairn-check">
                        <input type="checkbox" data-testid="alarm-select-all" prop:checked=all_on
                            on:change=move |ev| toggle_all(event_target_checked(&ev)) />
                        "Select all shown"
                    </label>
                    <Show when=move || !selected.with(HashSet::is_empty)>
                        <input class="cairn-field__input cairn-alarms__bulk-comment" data-testid="alarm-bulk-comment"
                            placeholder="Comment (optional)" maxlength="1000" aria-label="Comment for the selected alarms"
                            prop:value=comment on:input=move |ev| comment.set(event_target_value(&ev)) />
                        <button type="button" class="cairn-button cairn-button--primary" data-testid="alarm-bulk-ack"
                            disabled=move || bulk.pending().get() on:click=ack_selected>
                            {move || format!("Acknowledge {} selected", chosen().len())}
                        </button>
                    </Show>
                </div>
            </Show>
            {move || bulk.value().get().and_then(Result::err).map(|e| view! {
                <p class="cairn-form__error" role="alert">{format!("Could not acknowledge: {e}")}</p>
            })}
            <Show when=move || !shown.with(Vec::is_empty)
                fallback=move || view! { <p class="cairn-empty" data-testid="alarm-queue-empty">{move || empty_text(live.connection.get())}</p> }>
                <ul class="cairn-alarms__list">
                    <For each=move || shown.get() key=|id| *id let:id>
                        <AlarmRow id now selected can_ack floors />
                    </For>
                </ul>
            </Show>
        </section>
    }
}

fn empty_text(c: crate::state::live::Connection) -> &'static str {
    match c {
        crate::state::live::Connection::Connected => "No alarms match. All clear.",
        _ => "Waiting for the live connection…",
    }
}

/// Asks for browser notifications of new critical alarms (or stops them).
#[component]
fn NotifyMe() -> impl IntoView {
    let n = use_notifications();
    move || {
        match (n.permission.get(), n.active()) {
        ("unsupported", _) => None,
        ("denied", _) => Some(
            view! { <p class="cairn-form__hint">"Notifications are blocked in this browser's settings."</p> }
                .into_any(),
        ),
        (_, on) => Some(
            view! {
                <button type="button" class="cairn-button" data-testid="alarm-notify"
                    aria-pressed=on.to_string()
                    on:click=move |_| if on { n.disable() } else { n.enable() }>
                    {if on { "Notifying of critical alarms" } else { "Notify me" }}
                </button>
            }
            .into_any(),
        ),
    }
    }
}
