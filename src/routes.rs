//! The pages that load when first visited.
//!
//! The first screen (sign-in, the overview) is in the app's main wasm; every
//! other page is a [`LazyRoute`]. In the release build (`cargo xtask`'s app
//! build, feature `split`) each page's code is a wasm part of its own, cut
//! out by `wasm-split-cli` at the page's `#[lazy]` function and fetched the
//! first time the page is opened (or its link hovered). Without the feature
//! (tests, `trunk serve`) the same routes render from the one wasm. The map
//! pages also wait for Leaflet's script, which is not in the first load either.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::{
    map::script::load_leaflet,
    pages::{self, admin},
};

/// What a page shows when something it needs did not load (the network is gone).
fn not_loaded(err: String) -> AnyView {
    view! {
        <div class="cairn-form__error" role="alert" data-testid="load-error">
            <p>{format!("This page could not load: {err}. Check the connection and open it again.")}</p>
        </div>
    }
    .into_any()
}

/// Declares a lazy route type `$route` that renders the page component `$page`
/// through the split point `$split` (a function of its own, so it gets a part of
/// its own in the release build).
/// `after $wait`: first await `$wait()` (a `Result<(), String>`), and show its
/// error instead of the page if it fails.
macro_rules! lazy_page {
    ($($(#[$doc:meta])* $route:ident => $split:ident => $page:path $(, after $wait:path)?;)+) => {$(
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                $(if let Err(err) = $wait().await {
                    return not_loaded(err);
                })?
                $split().await
            }
        }

        #[cfg(feature = "split")]
        #[leptos::lazy]
        fn $split() -> AnyView {
            $page().into_any()
        }

        #[cfg(not(feature = "split"))]
        async fn $split() -> AnyView {
            $page().into_any()
        }
    )+};
}

lazy_page! {
    /// `/map`: the site map (Leaflet, the map engine).
    MapRoute => map_page => pages::MapPage, after load_leaflet;
    /// `/map/floors/:id`: a floor plan.
    FloorRoute => floor_page => pages::FloorPage, after load_leaflet;
    /// `/devices` and `/devices/:id`: the inventory.
    DevicesRoute => devices_page => pages::Devices;
    /// `/alerts`: the alarm queue, rules, channels and maintenance.
    AlertsRoute => alerts_page => pages::Alerts;
    /// `/compare`: several points on one chart (plotters).
    CompareRoute => compare_page => pages::Compare;
    /// `/points/:id`: one point's chart and table.
    PointRoute => point_page => pages::PointPage;
    /// `/reports`.
    ReportsRoute => reports_page => pages::Reports;
    /// `/admin/users`.
    UsersRoute => users_page => admin::Users;
    /// `/admin/audit`.
    AuditRoute => audit_page => admin::Audit;
    /// `/admin/integrations`: network servers and the devices waiting to be claimed.
    IntegrationsRoute => integrations_page => admin::Integrations;
    /// `/admin/metrics`: the metric catalogue.
    MetricsRoute => metrics_page => admin::Metrics;
}
