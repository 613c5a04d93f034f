//! An alarm's history under its row, oldest first: when (as the row shows
//! times), what happened in words, who, the comment, the value with its unit.
//! Operators and up get a comment box under it; a comment reloads the history.
//! All text, never markup.

use cairn_protocol::{AlarmEvent, Metric};
use leptos::prelude::*;

use super::text::{amount, event_words};
use crate::{
    api::{self, ApiError},
    components::load_errors::LoadErrors,
    format,
};

#[component]
pub fn AlarmHistory(
    id: i64,
    /// Fires when the alarm changes (acknowledged, shelved, cleared…): the history is reloaded.
    #[prop(into)]
    changes: Signal<()>,
    #[prop(into)] can_comment: Signal<bool>,
) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        reload.track();
        changes.track();
        api::alerts::alarm(id)
    });
    let comment = RwSignal::new(String::new());
    let send = Action::new_local(move |c: &String| {
        let c = c.clone();
        async move {
            api::alerts::comment(id, c).await?;
            comment.set(String::new());
            reload.update(|n| *n += 1);
            Ok::<(), ApiError>(())
        }
    });
    let submit = move |_| {
        if !send.pending().get_untracked() {
            send.dispatch_local(comment.get_untracked());
        }
    };
    let error = move || {
        send.value().get().and_then(Result::err).map(|e| {
            let msg = e.field("comment").unwrap_or_else(|| e.to_string());
            view! { <p class="cairn-form__error" role="alert" data-testid="alarm-comment-error">{msg}</p> }
        })
    };
    view! {
        <section class="cairn-alarm-history" data-testid="alarm-history-panel" aria-label="History of this alarm">
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading the history…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the history" /> }>
                    {move || detail.get().map(|r| r.map(|d| {
                        let metric = d.alarm.metric;
                        if d.events.is_empty() {
                            view! { <p class="cairn-empty">"Nothing recorded yet."</p> }.into_any()
                        } else {
                            view! {
                                <ol class="cairn-alarm-history__events">
                                    {d.events.into_iter().map(|e| event(e, metric)).collect_view()}
                                </ol>
                            }.into_any()
                        }
                    }))}
                </ErrorBoundary>
            </Transition>
            <Show when=move || can_comment.get()>
                <div class="cairn-alarm-history__add">
                    <label class="cairn-field">
                        <span class="cairn-field__label">"Add a comment"</span>
                        <textarea class="cairn-field__input cairn-alarm-history__comment" data-testid="alarm-comment" maxlength="1000"
                            prop:value=comment on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="button" class="cairn-button cairn-button--primary cairn-alarm-history__send" data-testid="alarm-comment-send"
                        disabled=move || send.pending().get() on:click=submit>"Add comment"</button>
                </div>
                {error}
            </Show>
        </section>
    }
}

/// `30 Nov 2026, 10:02 · Acknowledged · by operator · 3,500 ppm` and the comment under it.
fn event(e: AlarmEvent, metric: Metric) -> impl IntoView {
    view! {
        <li class="cairn-alarm-history__event" data-testid="alarm-event" data-kind=e.kind.clone()>
            <p class="cairn-alarm-history__line">
                <time class="cairn-alarm-history__time">{format::date_time(e.at)}</time>
                " · "
                <span class="cairn-alarm-history__what">{event_words(&e.kind)}</span>
                {e.actor.map(|a| format!(" · by {a}"))}
                {e.value.map(|v| format!(" · {}", amount(metric, Some(v))))}
            </p>
            {e.comment.filter(|c| !c.is_empty()).map(|c| view! {
                <p class="cairn-alarm-history__note">{format!("“{c}”")}</p>
            })}
        </li>
    }
}
