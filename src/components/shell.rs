//! The frame around every page: navigation, top bar with status and theme.

use leptos::prelude::*;

use cairn_protocol::User;

use super::{
    connection::ConnectionIndicator, nav::Nav, theme_toggle::ThemeToggle, user_menu::UserMenu,
};
use crate::state::{live::Connection, theme::Mode};

#[component]
pub fn Shell(
    #[prop(into)] connection: Signal<Connection>,
    #[prop(into)] last_update: Signal<Option<f64>>,
    #[prop(into)] now: Signal<f64>,
    #[prop(into)] mode: Signal<Mode>,
    choice: RwSignal<Option<Mode>>,
    #[prop(into)] user: Signal<Option<User>>,
    /// Active alarms nobody acknowledged yet (the navigation's badge).
    #[prop(optional, into)]
    unacknowledged: Signal<usize>,
    on_sign_out: Callback<()>,
    children: Children,
) -> impl IntoView {
    let admin = Signal::derive(move || {
        user.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.role == cairn_protocol::Role::Admin)
        })
    });
    view! {
        <div class="cairn-shell">
            <Nav admin unacknowledged />
            <div class="cairn-shell__main">
                <header class="cairn-topbar">
                    <span class="cairn-topbar__brand">"Cairn"</span>
                    <div class="cairn-topbar__actions">
                        <ConnectionIndicator connection last_update now />
                        <ThemeToggle mode choice />
                        <UserMenu user on_sign_out />
                    </div>
                </header>
                <main class="cairn-shell__content" id="main">{children()}</main>
            </div>
        </div>
    }
}
