//! Inline SVG icons (24×24, stroke = currentColor), decorative: `aria-hidden`.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Overview,
    Map,
    Devices,
    Alerts,
    Reports,
    Chart,
    Sun,
    Moon,
    Users,
    Audit,
    Integrations,
    Metrics,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Overview => "M3 13h8V3H3zm10 8h8V11h-8zM3 21h8v-6H3zm10-18v6h8V3z",
            Icon::Map => "M9 4 3 6v14l6-2 6 2 6-2V4l-6 2zm0 0v14m6-12v14",
            Icon::Devices => "M4 5h16v10H4zm4 14h8m-4-4v4",
            Icon::Alerts => {
                "M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 16a2 2 0 0 0 4 0"
            }
            Icon::Reports => "M5 3h10l4 4v14H5zm9 0v5h5M8 17v-4m4 4v-7m4 7v-2",
            Icon::Chart => "M3 3v18h18M7 15l4-5 3 3 6-7",
            Icon::Sun => {
                "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm0-6v2m0 16v2M4.9 4.9l1.4 1.4m11.4 11.4 1.4 1.4M2 12h2m16 0h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"
            }
            Icon::Moon => "M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z",
            Icon::Users => {
                "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 10a7 7 0 0 1 14 0m1-10a3 3 0 1 0 0-6m2 16h3a5 5 0 0 0-4-5"
            }
            Icon::Audit => "M9 3h6v3H9zM6 5H4v16h16V5h-2M8 11h8m-8 4h8m-8 4h5",
            // A plug: where outside systems connect.
            Icon::Integrations => "M9 2v5m6-5v5M6 7h12v4a6 6 0 0 1-12 0zm6 10v5",
            // A gauge: what a point measures.
            Icon::Metrics => "M6.3 18.7a8 8 0 1 1 11.4 0M12 13l4-4",
        }
    }
}

#[component]
pub fn SvgIcon(icon: Icon) -> impl IntoView {
    view! {
        <svg class="cairn-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"
            fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            <path d=icon.path() />
        </svg>
    }
}
