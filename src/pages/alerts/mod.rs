//! `/alerts`: the alarm queue (what an operator sees first), the alarm
//! health of the last 24 h, the alert rules with their form and backtest,
//! maintenance windows (managers and admins) and notification channels
//! (admins). The tab and the queue's filters live in the URL query. The
//! queue is the live store's (`use_alarms`); buttons a role lacks are
//! hidden, and the server refuses them anyway.

mod alarm_history;
mod alarm_row;
mod backtest;
mod channel_draft;
mod channel_form;
mod channels;
mod deliveries;
mod draft;
mod draft_check;
mod filters;
mod health;
mod maintenance;
mod maintenance_form;
mod queue;
// The form context and inputs are shared with the admin pages' forms.
pub(super) mod rule_fields;
mod rule_form;
mod rule_target;
mod rules;
mod severity;
mod text;
mod verdict;
mod window_draft;

use cairn_protocol::{Role, User};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::state::session::{Auth, use_session};

/// The signed-in user, if any.
fn use_user() -> Signal<Option<User>> {
    let session = use_session();
    Signal::derive(move || match &*session.auth.read() {
        Auth::SignedIn(me) => Some(me.user.clone()),
        _ => None,
    })
}

/// Whether the user's role includes `role`.
fn role_at_least(user: Signal<Option<User>>, role: Role) -> Signal<bool> {
    Signal::derive(move || user.with(|u| u.as_ref().is_some_and(|u| u.role.includes(role))))
}

/// Whether `user` may edit a rule of `site` (none: an `everywhere` rule, admins only).
fn may_edit_rules_of(user: &User, site: Option<&str>) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Manager => site.is_some_and(|s| user.sees_site(s)),
        _ => false,
    }
}

/// The tabs: key (the URL's `tab`), label, the role that sees it.
const TABS: [(&str, &str, Role); 5] = [
    ("", "Queue", Role::Viewer),
    ("health", "Alarm health", Role::Viewer),
    ("rules", "Rules", Role::Viewer),
    ("maintenance", "Maintenance", Role::Manager),
    ("channels", "Channels", Role::Admin),
];

#[component]
pub fn Alerts() -> impl IntoView {
    let query = use_query_map();
    let tab = Memo::new(move |_| query.with(|q| q.get("tab").unwrap_or_default()));
    let set = filters::use_set_query();
    let user = use_user();
    let may = move |role: Role| user.with(|u| u.as_ref().is_some_and(|u| u.role.includes(role)));
    view! {
        <div class="cairn-alerts">
            <header class="cairn-alerts__header">
                <h1 class="cairn-page-title">"Alerts"</h1>
                <nav class="cairn-tabs" aria-label="Alerts sections">
                    {move || TABS.into_iter().filter(|t| may(t.2)).map(|(key, label, _)| view! {
                        <button type="button" class="cairn-tabs__tab"
                            aria-pressed=move || (tab.get() == key).to_string()
                            data-testid=format!("alerts-tab-{}", if key.is_empty() { "queue" } else { key })
                            on:click=move |_| set.run(("tab", key.to_owned()))>{label}</button>
                    }).collect_view()}
                </nav>
            </header>
            {move || match tab.get().as_str() {
                "rules" => view! { <rules::Rules /> }.into_any(),
                "health" => view! { <health::AlarmHealth /> }.into_any(),
                "maintenance" if may(Role::Manager) => view! { <maintenance::Maintenance /> }.into_any(),
                "channels" if may(Role::Admin) => view! { <channels::Channels /> }.into_any(),
                _ => view! { <queue::Queue /> }.into_any(),
            }}
        </div>
    }
}
