//! The session store: who is signed in. The app shows the sign-in page
//! whenever there is nobody, including when a session ends mid-use (expired,
//! signed out elsewhere, disabled): the next call or the socket says so.

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

    /// The server said the session is gone: back to the sign-in page, saying why.
    pub fn ended(&self, why: &str) {
        if matches!(self.auth.get_untracked(), Auth::SignedIn(_)) {
            api::http::set_csrf(None);
            self.auth.set(Auth::SignedOut(Some(why.to_owned())));
        }
    }

    /// For every failed call: a 401 means the session ended.
    pub fn check(&self, err: &ApiError) {
        if let ApiError::Unauthorized(why) = err {
            self.ended(why);
        }
    }

    /// Asks the server (after the socket failed): still signed in?
    pub fn recheck(&self) {
        let this = *self;
        spawn_local(async move {
            if let Err(err) = api::auth::me().await {
                this.check(&err);
            }
        });
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
    provide_context(Session { auth });
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
