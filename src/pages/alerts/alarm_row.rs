//! One alarm of the queue: severity (colour and glyph and word), state in
//! words, age, value and peak, count, the rule's action; acknowledge with a
//! comment, shelve (1–24 h), and links to the point's chart around the
//! alarm and to its floor on the map; its history on demand (`AlarmHistory`).
//! All text, never markup.

use std::collections::{HashMap, HashSet};

use cairn_protocol::{Alarm, alerts::MAX_SHELVE_MS};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{
    alarm_history::AlarmHistory,
    severity::SeverityTag,
    text::{facts, needs_ack, state_words},
};
use crate::{
    api::{self, ApiError},
    format,
    state::live::use_live,
};

const HOUR: i64 = 3_600_000;
const SHELVE_HOURS: [i64; 4] = [1, 4, 8, 24];

#[derive(Clone)]
enum Act {
    Ack(String),
    Shelve(Option<i64>),
}

#[component]
pub fn AlarmRow(
    id: i64,
    #[prop(into)] now: Signal<f64>,
    selected: RwSignal<HashSet<i64>>,
    #[prop(into)] can_ack: Signal<bool>,
    #[prop(into)] floors: Signal<HashMap<String, String>>,
) -> impl IntoView {
    let live = use_live();
    let alarm = Memo::new(move |_| live.alarms.with(|q| q.iter().find(|a| a.id == id).cloned()));
    let acking = RwSignal::new(false);
    let history = RwSignal::new(false);
    // What the history shows changes with these, not with every live value.
    let changes = Memo::new(move |_| {
        alarm.with(|a| {
            a.as_ref().map(|a| {
                (
                    a.state.name(),
                    a.count,
                    a.acknowledged_at,
                    a.shelved_until,
                    a.cleared_at,
                )
            })
        })
    });
    let comment = RwSignal::new(String::new());
    let act = Action::new_local(move |a: &Act| {
        let a = a.clone();
        async move {
            let changed = match a {
                Act::Ack(comment) => api::alerts::acknowledge(vec![id], comment).await?,
                Act::Shelve(until) => vec![api::alerts::shelve(id, until, String::new()).await?],
            };
            live.alarms_changed(&changed);
            Ok::<(), ApiError>(())
        }
    });
    let run = move |a: Act| {
        if !act.pending().get_untracked() {
            act.dispatch_local(a);
        }
    };
    let confirm = move |_| {
        run(Act::Ack(comment.get_untracked()));
        acking.set(false);
        comment.set(String::new());
    };
    let body = move || {
        let a = alarm.get()?;
        let t = now.get_untracked() as i64;
        Some(view! {
            <div class="cairn-alarm__main">
                <div class="cairn-alarm__head">
                    <SeverityTag severity=a.severity />
                    <span class="cairn-alarm__rule">{a.rule_name.clone()}</span>
                    <span class="cairn-alarm__age" title=format::date_time(a.raised_at)>
                        {move || format!("raised {}", format::age(now.get() - a.raised_at as f64))}
                    </span>
                </div>
                <p class="cairn-alarm__where">{place(&a, &live)}</p>
                <p class="cairn-alarm__facts">
                    <span class="cairn-alarm__state" data-testid="alarm-state" data-state=a.state.name()>{state_words(a.state)}</span>
                    {facts(&a, t)}
                </p>
                {(!a.action.is_empty()).then(|| view! { <p class="cairn-alarm__action">"Action: "{a.action.clone()}</p> })}
                {a.ack_comment.clone().filter(|c| !c.is_empty()).map(|c| view! {
                    <p class="cairn-alarm__comment">{format!("“{c}” — {}", a.acknowledged_by.clone().unwrap_or_default())}</p>
                })}
            </div>
        })
    };
    let links = move || {
        let a = alarm.get()?;
        let t = now.get_untracked() as i64;
        let (from, to) = (
            a.raised_at - 3 * HOUR,
            a.cleared_at.map_or(t + 60_000, |c| c + HOUR),
        );
        let map = floors
            .with(|f| f.get(&a.device_id).cloned())
            .map_or("/map".to_owned(), |f| format!("/map/floors/{f}"));
        Some(view! {
            <A href=format!("/points/{}?from={from}&to={to}", a.point) attr:class="cairn-button" attr:data-testid="alarm-chart">"Chart"</A>
            <A href=map attr:class="cairn-button" attr:data-testid="alarm-map">"Map"</A>
        })
    };
    // A memo: the clock ticks every second, the shelve menu must not be redrawn (and closed) with it.
    let shelved = Memo::new(move |_| {
        alarm
            .with(|a| a.as_ref().and_then(|a| a.shelved_until))
            .filter(|u| *u > now.get() as i64)
    });
    let may_ack =
        move || can_ack.get() && alarm.with(|a| a.as_ref().is_some_and(|a| needs_ack(a.state)));
    view! {
        <li class="cairn-alarm" data-testid="alarm-row" data-alarm=id.to_string()
            data-severity=move || alarm.with(|a| a.as_ref().map(|a| a.severity.name()))>
            <Show when=move || can_ack.get()>
                <label class="cairn-alarm__select" aria-label="Select this alarm">
                    <input type="checkbox" data-testid="alarm-select" prop:checked=move || selected.with(|s| s.contains(&id))
                        on:change=move |ev| { let on = event_target_checked(&ev); selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } }); } />
                </label>
            </Show>
            {body}
            <div class="cairn-alarm__actions">
                <Show when=may_ack>
                    <button type="button" class="cairn-button cairn-button--primary" data-testid="alarm-ack"
                        aria-expanded=move || acking.get().to_string()
                        disabled=move || act.pending().get() on:click=move |_| acking.update(|v| *v = !*v)>"Acknowledge"</button>
                </Show>
                <Show when=move || can_ack.get()>
                    {move || match shelved.get() {
                        Some(until) => view! {
                            <button type="button" class="cairn-button" data-testid="alarm-unshelve"
                                title=format!("Shelved until {}", format::date_time(until))
                                on:click=move |_| run(Act::Shelve(None))>"Unshelve"</button>
                        }.into_any(),
                        None => view! {
                            <details class="cairn-alarm__shelve">
                                <summary class="cairn-button" data-testid="alarm-shelve">"Shelve"</summary>
                                <div class="cairn-alarm__shelve-menu">
                                    {SHELVE_HOURS.into_iter().map(|h| view! {
                                        <button type="button" class="cairn-button" data-testid=format!("alarm-shelve-{h}h")
                                            on:click=move |_| run(Act::Shelve(Some(shelve_until(now.get_untracked() as i64, h))))>
                                            {format!("{h} h")}
                                        </button>
                                    }).collect_view()}
                                </div>
                            </details>
                        }.into_any(),
                    }}
                </Show>
                <button type="button" class="cairn-button" data-testid="alarm-history"
                    aria-expanded=move || history.get().to_string()
                    on:click=move |_| history.update(|v| *v = !*v)>"History"</button>
                {links}
            </div>
            <Show when=move || acking.get() && may_ack()>
                <div class="cairn-alarm__ack">
                    <label class="cairn-field">
                        <span class="cairn-field__label">"Comment (optional)"</span>
                        <textarea class="cairn-field__input cairn-alarm__ack-comment" data-testid="alarm-ack-comment" maxlength="1000"
                            prop:value=comment on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="button" class="cairn-button cairn-button--primary" data-testid="alarm-ack-confirm"
                        disabled=move || act.pending().get() on:click=confirm>"Confirm acknowledge"</button>
                    <button type="button" class="cairn-button" on:click=move |_| acking.set(false)>"Cancel"</button>
                </div>
            </Show>
            <Show when=move || history.get()>
                <AlarmHistory id changes=Signal::derive(move || changes.track()) can_comment=can_ack />
            </Show>
            {move || act.value().get().and_then(Result::err).map(|e| view! {
                <p class="cairn-form__error cairn-alarm__error" role="alert">{e.to_string()}</p>
            })}
        </li>
    }
}

/// `now + hours`, never past the server's 24 h limit.
fn shelve_until(now: i64, hours: i64) -> i64 {
    now + (hours * HOUR).min(MAX_SHELVE_MS)
}

/// `Meeting room 2 sensor · Temperature — North campus › Block A`.
fn place(a: &Alarm, live: &crate::state::live::LiveStore) -> String {
    let site = live
        .sites
        .with_untracked(|s| s.iter().find(|s| s.id == a.site_id).map(|s| s.name.clone()));
    let building = a.building_id.as_ref().and_then(|b| {
        live.buildings
            .with_untracked(|bs| bs.iter().find(|x| &x.id == b).map(|x| x.name.clone()))
    });
    let mut out = format!(
        "{} · {} — {}",
        a.device_name,
        a.metric.label(),
        site.unwrap_or_else(|| a.site_id.clone())
    );
    if let Some(b) = building {
        out.push_str(" › ");
        out.push_str(&b);
    }
    out
}
