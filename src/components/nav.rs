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
    ("/admin/integrations", "Integrations", Icon::Integrations),
    ("/admin/metrics", "Metrics", Icon::Metrics),
    ("/admin/audit", "Audit", Icon::Audit),
];

#[component]
pub fn Nav(
    #[prop(into)] admin: Signal<bool>,
    /// Active alarms nobody acknowledged yet: a badge on "Alerts" when any.
    #[prop(optional, into)]
    unacknowledged: Signal<usize>,
) -> impl IntoView {
    let link = move |&(href, label, icon): &(&'static str, &'static str, Icon)| {
        let badge = (icon == Icon::Alerts).then(|| {
            view! {
                <Show when=move || { unacknowledged.get() > 0 }>
                    <span class="cairn-nav__badge" data-testid="alarm-badge"
                        aria-label=move || format!("{} unacknowledged", unacknowledged.get())>
                        {move || unacknowledged.get().to_string()}
                    </span>
                </Show>
            }
        });
        view! {
            <li>
                <A href=href exact=true attr:class="cairn-nav__link"
                    attr:data-testid=format!("nav-{}", label.to_lowercase())>
                    <SvgIcon icon=icon />
                    <span class="cairn-nav__label">{label}</span>
                    {badge}
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
