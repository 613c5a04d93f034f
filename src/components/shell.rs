//! The frame around every page: navigation, top bar with status and theme.

use leptos::prelude::*;

use super::{connection::ConnectionIndicator, nav::Nav, theme_toggle::ThemeToggle};
use crate::state::{live::Connection, theme::Mode};

#[component]
pub fn Shell(
    #[prop(into)] connection: Signal<Connection>,
    #[prop(into)] last_update: Signal<Option<f64>>,
    #[prop(into)] now: Signal<f64>,
    #[prop(into)] mode: Signal<Mode>,
    choice: RwSignal<Option<Mode>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="cairn-shell">
            <Nav />
            <div class="cairn-shell__main">
                <header class="cairn-topbar">
                    <span class="cairn-topbar__brand">"Cairn"</span>
                    <div class="cairn-topbar__actions">
                        <ConnectionIndicator connection last_update now />
                        <ThemeToggle mode choice />
                    </div>
                </header>
                <main class="cairn-shell__content" id="main">{children()}</main>
            </div>
        </div>
    }
}
