//! Connection indicator: connected / reconnecting / offline, and how old the data is.

use leptos::prelude::*;

use crate::{format, state::live::Connection};

/// Data older than this while "connected" still reads as a warning.
const QUIET_MS: f64 = 60_000.0;

#[component]
pub fn ConnectionIndicator(
    #[prop(into)] connection: Signal<Connection>,
    /// Browser time (ms) of the last data received.
    #[prop(into)]
    last_update: Signal<Option<f64>>,
    /// Browser time now (ms), ticking.
    #[prop(into)]
    now: Signal<f64>,
) -> impl IntoView {
    let age = move || last_update.get().map(|t| now.get() - t);
    let modifier = move || match connection.get() {
        Connection::Connected if age().is_some_and(|a| a > QUIET_MS) => "quiet",
        Connection::Connected => "connected",
        Connection::Connecting | Connection::Reconnecting => "reconnecting",
        Connection::Offline => "offline",
        Connection::Outdated => "outdated",
    };
    let label = move || match connection.get() {
        Connection::Connected => "Live",
        Connection::Connecting => "Connecting…",
        Connection::Reconnecting => "Reconnecting…",
        Connection::Offline => "Offline",
        Connection::Outdated => "Paused",
    };
    let detail = move || match (connection.get(), age()) {
        (Connection::Outdated, _) => "reload for the new version".to_owned(),
        (_, Some(a)) => format!("updated {}", format::age(a)),
        (_, None) => "no data yet".to_owned(),
    };
    view! {
        <div class=move || format!("cairn-connection cairn-connection--{}", modifier())
            role="status" aria-live="polite" data-testid="connection"
            data-state=modifier>
            <span class="cairn-connection__dot" aria-hidden="true"></span>
            <span class="cairn-connection__label">{label}</span>
            <span class="cairn-connection__detail">{detail}</span>
        </div>
    }
}
