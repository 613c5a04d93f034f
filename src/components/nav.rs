//! The main navigation: a sidebar on desktops, a bottom tab bar on tablets (CSS decides).

use leptos::prelude::*;
use leptos_router::components::A;

use super::icons::{Icon, SvgIcon};

/// Every route of the app, in navigation order.
pub const ROUTES: &[(&str, &str, Icon)] = &[
    ("/", "Overview", Icon::Overview),
    ("/map", "Map", Icon::Map),
    ("/compare", "Charts", Icon::Chart),
    ("/devices", "Devices", Icon::Devices),
    ("/alerts", "Alerts", Icon::Alerts),
    ("/reports", "Reports", Icon::Reports),
];

/// Routes only admins are offered (the server refuses everyone else anyway).
pub const ADMIN_ROUTES: &[(&str, &str, Icon)] = &[
    ("/admin/users", "Users", Icon::Users),
    ("/admin/audit", "Audit", Icon::Audit),
];

#[component]
pub fn Nav(#[prop(into)] admin: Signal<bool>) -> impl IntoView {
    let link = |&(href, label, icon): &(&'static str, &'static str, Icon)| {
        view! {
            <li>
                <A href=href exact=true attr:class="cairn-nav__link"
                    attr:data-testid=format!("nav-{}", label.to_lowercase())>
                    <SvgIcon icon=icon />
                    <span class="cairn-nav__label">{label}</span>
                </A>
            </li>
        }
    };
    view! {
        <nav class="cairn-nav" aria-label="Main">
            <a class="cairn-nav__brand" href="/">
                <img class="cairn-nav__logo" src="/favicon.svg" alt="" width="28" height="28" />
                "Cairn"
            </a>
            <ul class="cairn-nav__list">
                {ROUTES.iter().map(link).collect_view()}
                <Show when=move || admin.get()>
                    {ADMIN_ROUTES.iter().map(link).collect_view()}
                </Show>
            </ul>
        </nav>
    }
}
