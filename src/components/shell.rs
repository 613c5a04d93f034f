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
                <main class="cairn-shell__content" id="main">
                    <Show when=move || connection.get() == Connection::Outdated>
                        <Outdated />
                    </Show>
                    {children()}
                </main>
            </div>
        </div>
    }
}

/// Cairn was updated on the server since this tab loaded: live values stopped
/// here. The tab is not reloaded for the user, who may be halfway through a
/// form; a button does it.
#[component]
fn Outdated() -> impl IntoView {
    view! {
        <div class="cairn-notice cairn-notice--warning" role="alert" data-testid="outdated">
            <p>"Cairn was updated on the server since this tab opened. Live values are paused here until you reload."</p>
            {crate::routes::reload_button("cairn-button cairn-button--primary")}
        </div>
    }
}
