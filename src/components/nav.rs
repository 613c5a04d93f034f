//! The main navigation: a sidebar on desktops, a bottom tab bar on tablets (CSS decides).

use leptos::prelude::*;
use leptos_router::components::A;

use super::icons::{Icon, SvgIcon};

/// Every route of the app, in navigation order.
pub const ROUTES: &[(&str, &str, Icon)] = &[
    ("/", "Overview", Icon::Overview),
    ("/map", "Map", Icon::Map),
    ("/devices", "Devices", Icon::Devices),
    ("/alerts", "Alerts", Icon::Alerts),
    ("/reports", "Reports", Icon::Reports),
];

#[component]
pub fn Nav() -> impl IntoView {
    view! {
        <nav class="cairn-nav" aria-label="Main">
            <a class="cairn-nav__brand" href="/">
                <img class="cairn-nav__logo" src="/favicon.svg" alt="" width="28" height="28" />
                "Cairn"
            </a>
            <ul class="cairn-nav__list">
                {ROUTES
                    .iter()
                    .map(|&(href, label, icon)| {
                        view! {
                            <li>
                                <A href=href exact=true attr:class="cairn-nav__link"
                                    attr:data-testid=format!("nav-{}", label.to_lowercase())>
                                    <SvgIcon icon=icon />
                                    <span class="cairn-nav__label">{label}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
