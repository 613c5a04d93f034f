//! The pages that load when first visited.
//!
//! The first screen (sign-in, the overview) is in the app's main wasm; every
//! other page is a [`LazyRoute`]. In the release build (`cargo xtask`'s app
//! build, feature `split`) each area's pages are a wasm part of their own,
//! cut out by `wasm-split-cli` at the pages' split functions and fetched the
//! first time one of them is opened. Without the feature (tests, `trunk serve`) the
//! same routes render from the one wasm. The map pages also wait for
//! Leaflet's script, which is not in the first load either.
//!
//! A part that does not load (the network is gone, or the server was updated
//! and no longer has this build's parts) shows [`not_loaded`] with a reload
//! button instead of the page: the split functions are `fallible`, so a failed
//! fetch is an error, not a panic that would stop the whole app.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::{
    map::script::load_leaflet,
    pages::{self, admin},
};

/// A page's wasm part did not load.
#[derive(Debug, Clone, Copy)]
pub struct PartNotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for PartNotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartNotLoaded
    }
}

/// What a page shows when something it needs did not load: why, and a button
/// that reloads the app (which also brings a newer build's parts).
pub fn not_loaded(what: &str) -> AnyView {
    view! {
        <div class="cairn-form__error" role="alert" data-testid="load-error">
            <p>{format!("This page could not load: {what}. The network may be down, or Cairn was updated since this tab opened.")}</p>
            {reload_button("cairn-button")}
        </div>
    }
    .into_any()
}

/// A "Reload Cairn" button (`data-testid="reload"`) of this `class`: reloading
/// brings the server's current build, parts and all.
pub fn reload_button(class: &'static str) -> impl IntoView {
    let reload = |_| {
        let _ = window().location().reload();
    };
    view! { <button type="button" class=class data-testid="reload" on:click=reload>"Reload Cairn"</button> }
}

/// Declares a lazy route type `$route` that renders the page component `$page`
/// through the split function `$split`, in the wasm part `$part`. Pages of one
/// area share a part (the map and the floors; the point and compare charts
/// with the overview's sparklines; the admin pages): one fetch brings the
/// area, and `wasm-split-cli` cuts far fewer shared chunks (each a request of
/// its own on a weak link) than with a part per page.
/// `after $wait`: first await `$wait()` (a `Result<(), String>`), and show its
/// error instead of the page if it fails.
macro_rules! lazy_page {
    ($($(#[$doc:meta])* $route:ident => $split:ident in $part:ident => $page:path $(, after $wait:path)?;)+) => {$(
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                $(if let Err(err) = $wait().await {
                    return not_loaded(&err);
                })?
                match $split().await {
                    Ok(view) => view,
                    Err(PartNotLoaded) => not_loaded("its code did not arrive"),
                }
            }
        }

        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($part, fallible, wasm_split_path = ::leptos::wasm_split)]
        fn $split() -> Result<AnyView, PartNotLoaded> {
            Ok($page().into_any())
        }

        #[cfg(not(feature = "split"))]
        async fn $split() -> Result<AnyView, PartNotLoaded> {
            Ok($page().into_any())
        }
    )+};
}

lazy_page! {
    /// `/map`: the site map (Leaflet, the map engine).
    MapRoute => map_page in map => pages::MapPage, after load_leaflet;
    /// `/map/floors/:id`: a floor plan.
    FloorRoute => floor_page in map => pages::FloorPage, after load_leaflet;
    /// `/devices` and `/devices/:id`: the inventory.
    DevicesRoute => devices_page in devices => pages::Devices;
    /// `/alerts`: the alarm queue, rules, channels and maintenance.
    AlertsRoute => alerts_page in alerts => pages::Alerts;
    /// `/compare`: several points on one chart (plotters).
    CompareRoute => compare_page in charts => pages::Compare;
    /// `/points/:id`: one point's chart and table.
    PointRoute => point_page in charts => pages::PointPage;
    /// `/reports`.
    ReportsRoute => reports_page in reports => pages::Reports;
    /// `/admin/users`.
    UsersRoute => users_page in admin => admin::Users;
    /// `/admin/audit`.
    AuditRoute => audit_page in admin => admin::Audit;
    /// `/admin/integrations`: network servers and the devices waiting to be claimed.
    IntegrationsRoute => integrations_page in admin => admin::Integrations;
    /// `/admin/metrics`: the metric catalogue.
    MetricsRoute => metrics_page in admin => admin::Metrics;
}
