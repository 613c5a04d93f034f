//! Notification channels (admins only; the server refuses everyone else):
//! where alarms are sent, for which severities and sites, with escalation;
//! a "failing" badge when messages could not be delivered, and each
//! channel's recent messages in a panel.

use cairn_protocol::{Channel, ChannelKind, Severity};
use leptos::prelude::*;

use super::{channel_form::ChannelForm, deliveries::Deliveries, severity::SeverityTag};
use crate::{
    api::{self, ApiError},
    components::load_errors::LoadErrors,
    state::live::use_live,
};

#[derive(Clone)]
enum Editing {
    None,
    New,
    Channel(Box<Channel>),
}

#[component]
pub fn Channels() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let channels = LocalResource::new(move || {
        reload.track();
        api::channels::channels()
    });
    let editing = RwSignal::new(Editing::None);
    // The channel whose messages are shown.
    let shown = RwSignal::new(None::<(i64, String)>);
    let saved = Callback::new(move |_: Channel| {
        editing.set(Editing::None);
        reload.update(|n| *n += 1);
    });
    let cancel = Callback::new(move |()| editing.set(Editing::None));
    let delete = Action::new_local(move |id: &i64| {
        let id = *id;
        async move {
            api::channels::delete_channel(id).await?;
            if shown.with_untracked(|s| s.as_ref().is_some_and(|s| s.0 == id)) {
                shown.set(None);
            }
            reload.update(|n| *n += 1);
            Ok::<(), ApiError>(())
        }
    });
    let on_delete = Callback::new(move |c: Channel| {
        let ask = format!(
            "Delete the channel “{}”? Its queued messages are not sent.",
            c.name
        );
        if window().confirm_with_message(&ask).unwrap_or(false) {
            delete.dispatch_local(c.id);
        }
    });
    let on_edit = Callback::new(move |c: Channel| editing.set(Editing::Channel(Box::new(c))));
    let on_show = Callback::new(move |c: Channel| shown.set(Some((c.id, c.name))));
    view! {
        <section class="cairn-channels" aria-label="Notification channels">
            <p class="cairn-muted cairn-channels__intro">
                "Where alarms are sent. Every message goes through an outbox and is retried until delivered; a receiver can deduplicate on its delivery key."
            </p>
            <Show when=move || matches!(editing.get(), Editing::None)>
                <button type="button" class="cairn-button cairn-button--primary cairn-channels__new" data-testid="channel-new"
                    on:click=move |_| editing.set(Editing::New)>"New channel"</button>
            </Show>
            {move || match editing.get() {
                Editing::None => None,
                Editing::New => Some(view! { <ChannelForm editing=None on_saved=saved on_cancel=cancel /> }),
                Editing::Channel(c) => Some(view! { <ChannelForm editing=Some(*c) on_saved=saved on_cancel=cancel /> }),
            }}
            {move || delete.value().get().and_then(Result::err).map(|e| view! {
                <p class="cairn-form__error" role="alert">{format!("Could not delete: {e}")}</p>
            })}
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading channels…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the channels" /> }>
                    {move || channels.get().map(|r| r.map(|list| view! {
                        <ChannelTable list on_edit on_delete on_show />
                    }))}
                </ErrorBoundary>
            </Transition>
            {move || shown.get().map(|(id, name)| view! { <Deliveries id name on_close=Callback::new(move |()| shown.set(None)) /> })}
        </section>
    }
}

/// `every site`, or the sites' names.
fn sites_text(ids: &[String], name_of: impl Fn(&str) -> Option<String>) -> String {
    if ids.is_empty() {
        return "Every site".to_owned();
    }
    ids.iter()
        .map(|id| name_of(id).unwrap_or_else(|| id.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn ChannelTable(
    list: Vec<Channel>,
    on_edit: Callback<Channel>,
    on_delete: Callback<Channel>,
    on_show: Callback<Channel>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="cairn-empty" data-testid="channels-empty">"No channels yet: alarms are only shown in the app."</p> }
            .into_any();
    }
    let live = use_live();
    let site_name = move |id: &str| {
        live.sites
            .with_untracked(|s| s.iter().find(|s| s.id == id).map(|s| s.name.clone()))
    };
    let rows = list
        .into_iter()
        .map(|c| {
            let kind = match c.kind {
                ChannelKind::Email => "Email",
                ChannelKind::Webhook => "Webhook",
            };
            let secret = (c.kind == ChannelKind::Webhook)
                .then_some(if c.has_secret { "signed" } else { "no secret" });
            let escalation = c
                .escalate_after_min
                .map_or_else(|| "never".to_owned(), |m| format!("after {m} min"));
            let (edit, del, show) = (c.clone(), c.clone(), c.clone());
            view! {
                <tr data-testid="channel-row" data-channel=c.id.to_string() class:cairn-table__row--off=!c.enabled>
                    <td class="cairn-channels__name">
                        <span class="cairn-table__strong">{c.name.clone()}</span>
                        {(!c.enabled).then(|| view! { " "<span class="cairn-channels__off">"off"</span> })}
                        {(c.failing > 0).then(|| view! {
                            " "<span class="cairn-channels__failing" data-testid="channel-failing">
                                <span aria-hidden="true">"▲ "</span>{format!("failing {}", c.failing)}
                            </span>
                        })}
                    </td>
                    <td class="cairn-channels__sends">
                        <span class="cairn-table__muted">{kind}{secret.map(|s| format!(", {s}"))}</span><br />
                        <span class="cairn-channels__target">{c.target.clone()}</span>
                    </td>
                    <td><SeverityTag severity=c.min_severity />{(c.min_severity != Severity::Critical).then_some(" and above")}</td>
                    <td>{sites_text(&c.sites, site_name)}</td>
                    <td>{escalation}</td>
                    <td>
                        <div class="cairn-channels__actions">
                            <button type="button" class="cairn-button" data-testid="channel-show-deliveries" on:click=move |_| on_show.run(show.clone())>"Messages"</button>
                            <button type="button" class="cairn-button" data-testid="channel-edit" on:click=move |_| on_edit.run(edit.clone())>"Edit"</button>
                            <button type="button" class="cairn-button" data-testid="channel-delete" on:click=move |_| on_delete.run(del.clone())>"Delete"</button>
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="cairn-table-wrap">
            <table class="cairn-table" data-testid="channels-table">
                <thead><tr>
                    <th scope="col">"Channel"</th><th scope="col">"Sends to"</th>
                    <th scope="col">"From severity"</th><th scope="col">"Sites"</th><th scope="col">"Escalates"</th>
                    <th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
