use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::{
    components::shell::Shell,
    pages::{Alerts, Devices, MapPage, NotFound, Overview, Reports},
    state::{
        clock::{provide_clock, use_clock},
        live::{provide_live, use_live},
        theme::{provide_theme, use_theme},
    },
};

/// The app: every global context is provided here, once.
#[component]
pub fn App() -> impl IntoView {
    provide_theme();
    provide_clock();
    provide_live();
    let (live, theme) = (use_live(), use_theme());
    view! {
        <Router>
            <Shell connection=live.connection last_update=live.last_update now=use_clock().0
                mode=theme.mode choice=theme.choice>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Overview />
                    <Route path=path!("/map") view=MapPage />
                    <Route path=path!("/devices") view=Devices />
                    <Route path=path!("/alerts") view=Alerts />
                    <Route path=path!("/reports") view=Reports />
                </Routes>
            </Shell>
        </Router>
    }
}
