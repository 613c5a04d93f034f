use leptos::prelude::*;
use leptos_router::{
    Lazy,
    components::{Route, Router, Routes},
    path,
};

use crate::{
    components::shell::Shell,
    pages::{Login, NotFound, Overview},
    routes::{
        AlertsRoute, AuditRoute, CompareRoute, DevicesRoute, FloorRoute, IntegrationsRoute,
        MapRoute, MetricsRoute, PointRoute, ReportsRoute, UsersRoute,
    },
    state::{
        clock::{provide_clock, use_clock},
        live::{provide_live, use_live},
        notify::provide_notifications,
        session::{Auth, provide_session, use_session},
        theme::{provide_theme, use_theme},
    },
};

/// The app: every global context is provided here, once. Nobody signed in:
/// the sign-in page, whatever the URL (which is kept for after).
#[component]
pub fn App() -> impl IntoView {
    // The benchmark pages draw synthetic data only: no account needed. They
    // exist only in `cargo xtask bench`'s build (feature `bench`).
    #[cfg(feature = "bench")]
    match window().location().pathname().as_deref() {
        Ok("/bench/chart") => return view! { <crate::pages::BenchChart /> }.into_any(),
        Ok("/bench/map") => {
            // Leaflet's script is loaded by the map pages, not by index.html.
            let ready = RwSignal::new(None::<Result<(), String>>);
            leptos::task::spawn_local(async move {
                ready.set(Some(crate::map::script::load_leaflet().await));
            });
            return (move || match ready.get() {
                None => ().into_any(),
                Some(Ok(())) => view! { <crate::pages::BenchMap /> }.into_any(),
                Some(Err(err)) => view! { <p role="alert">{err}</p> }.into_any(),
            })
            .into_any();
        }
        _ => {}
    }
    provide_theme();
    provide_clock();
    provide_session();
    let session = use_session();
    let user_id = session.user_id();
    let phase = Memo::new(move |_| match &*session.auth.read() {
        Auth::Checking => 0,
        Auth::SignedOut(_) => 1,
        Auth::SignedIn(_) => 2,
    });
    let reason = move || match session.auth.get() {
        Auth::SignedOut(reason) => reason,
        _ => None,
    };
    view! {
        <Router>
            {move || match phase.get() {
                0 => view! { <p class="cairn-splash" aria-busy="true">"Cairn"</p> }.into_any(),
                1 => view! { <Login reason=reason() /> }.into_any(),
                // Keyed by user: another sign-in starts a fresh socket and stores.
                _ => { user_id.track(); view! { <SignedIn /> }.into_any() }
            }}
        </Router>
    }
    .into_any()
}

/// Everything a signed-in user sees; the live socket lives as long as this does.
#[component]
fn SignedIn() -> impl IntoView {
    provide_live();
    provide_notifications();
    // The admins' metrics, for their labels and units everywhere.
    crate::state::metrics::provide_metrics();
    let (live, theme, session) = (use_live(), use_theme(), use_session());
    let user = Signal::derive(move || match &*session.auth.read() {
        Auth::SignedIn(me) => Some(me.user.clone()),
        _ => None,
    });
    let sign_out = Callback::new(move |()| session.sign_out());
    let unacknowledged = live.unacknowledged(live.server_now(use_clock().0));
    view! {
        <Shell connection=live.connection last_update=live.last_update now=use_clock().0
            mode=theme.mode choice=theme.choice user unacknowledged on_sign_out=sign_out>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Overview />
                <Route path=path!("/map") view={Lazy::<MapRoute>::new()} />
                <Route path=path!("/map/floors/:id") view={Lazy::<FloorRoute>::new()} />
                <Route path=path!("/devices") view={Lazy::<DevicesRoute>::new()} />
                <Route path=path!("/devices/:id") view={Lazy::<DevicesRoute>::new()} />
                <Route path=path!("/alerts") view={Lazy::<AlertsRoute>::new()} />
                <Route path=path!("/compare") view={Lazy::<CompareRoute>::new()} />
                <Route path=path!("/points/:id") view={Lazy::<PointRoute>::new()} />
                <Route path=path!("/reports") view={Lazy::<ReportsRoute>::new()} />
                <Route path=path!("/admin/users") view={Lazy::<UsersRoute>::new()} />
                <Route path=path!("/admin/audit") view={Lazy::<AuditRoute>::new()} />
                <Route path=path!("/admin/integrations") view={Lazy::<IntegrationsRoute>::new()} />
                <Route path=path!("/admin/metrics") view={Lazy::<MetricsRoute>::new()} />
            </Routes>
        </Shell>
    }
}
