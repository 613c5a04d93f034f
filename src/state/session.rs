//! The session store: who is signed in. The app shows the sign-in page
//! whenever there is nobody, including when a session ends mid-use (expired,
//! signed out elsewhere, disabled): the next call or the socket says so, and
//! `api` (the one place that notices) calls `ended` through the handler
//! registered in `provide_session`.

use cairn_protocol::Me;
use leptos::{prelude::*, task::spawn_local};

use crate::api::{self, ApiError};

#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// Asking the server whether the cookie still holds a session.
    Checking,
    /// Nobody; with the reason to show, if the session ended rather than never began.
    SignedOut(Option<String>),
    SignedIn(Me),
}

#[derive(Clone, Copy)]
pub struct Session {
    pub auth: RwSignal<Auth>,
}

impl Session {
    /// The signed-in user's id, changing only on sign-in and sign-out.
    pub fn user_id(&self) -> Memo<Option<i64>> {
        let auth = self.auth;
        Memo::new(move |_| match &*auth.read() {
            Auth::SignedIn(me) => Some(me.user.id),
            _ => None,
        })
    }

    pub fn signed_in(&self, me: Me) {
        self.auth.set(Auth::SignedIn(me));
    }

    /// The server said the session is gone: back to the sign-in page, saying so.
    /// Only `api` calls this (see `provide_session`), for every 401 and socket close 4401.
    fn ended(&self) {
        // A disposed store (the app was unmounted) has nobody to send back.
        if matches!(self.auth.try_get_untracked(), Some(Auth::SignedIn(_))) {
            self.auth.set(Auth::SignedOut(Some(
                "Your session has ended; sign in again.".to_owned(),
            )));
        }
    }

    pub fn sign_out(&self) {
        let auth = self.auth;
        spawn_local(async move {
            // Signed out locally even if the server could not be told (it expires anyway).
            if let Err(err) = api::auth::logout().await {
                leptos::logging::warn!("sign-out: {err}");
            }
            auth.set(Auth::SignedOut(None));
        });
    }
}

pub fn provide_session() {
    let auth = RwSignal::new(Auth::Checking);
    spawn_local(async move {
        auth.set(match api::auth::me().await {
            Ok(me) => Auth::SignedIn(me),
            Err(ApiError::Unauthorized(_)) => Auth::SignedOut(None),
            Err(err) => Auth::SignedOut(Some(err.to_string())),
        });
    });
    let session = Session { auth };
    api::on_signed_out(move || session.ended());
    provide_context(session);
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
