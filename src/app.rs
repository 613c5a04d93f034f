use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::{
    components::shell::Shell,
    pages::{
        Alerts, Compare, Devices, FloorPage, Login, MapPage, NotFound, Overview, PointPage,
        Reports, admin,
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
        Ok("/bench/map") => return view! { <crate::pages::BenchMap /> }.into_any(),
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
                <Route path=path!("/map") view=MapPage />
                <Route path=path!("/map/floors/:id") view=FloorPage />
                <Route path=path!("/devices") view=Devices />
                <Route path=path!("/devices/:id") view=Devices />
                <Route path=path!("/alerts") view=Alerts />
                <Route path=path!("/compare") view=Compare />
                <Route path=path!("/points/:id") view=PointPage />
                <Route path=path!("/reports") view=Reports />
                <Route path=path!("/admin/users") view=admin::Users />
                <Route path=path!("/admin/audit") view=admin::Audit />
                <Route path=path!("/admin/integrations") view=admin::Integrations />
                <Route path=path!("/admin/metrics") view=admin::Metrics />
            </Routes>
        </Shell>
    }
}
