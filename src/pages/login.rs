//! The sign-in page: shown instead of any page while nobody is signed in,
//! so after signing in the user is where they meant to go.

use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    api::{self, ApiError},
    state::session::use_session,
};

#[component]
pub fn Login(#[prop(into)] reason: Option<String>) -> impl IntoView {
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Signing in is an Action; its outcome is the message shown (none once
    // signed in: the app replaces this page).
    let sign_in = Action::new_local(move |(u, p): &(String, String)| {
        let (u, p) = (u.clone(), p.clone());
        async move {
            match api::auth::login(u, p).await {
                Ok(me) => {
                    session.signed_in(me);
                    None
                }
                Err(err) => {
                    password.set(String::new());
                    Some(match err {
                        ApiError::Network(_) => {
                            "Cannot reach Cairn. Check the connection and try again.".to_owned()
                        }
                        other => other.to_string(),
                    })
                }
            }
        }
    });
    let busy = sign_in.pending();
    // Before any attempt: why this page is shown (e.g. the session ended).
    let error = Signal::derive(move || match sign_in.value().get() {
        _ if busy.get() => None,
        Some(outcome) => outcome,
        None => reason.clone(),
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !busy.get_untracked() {
            sign_in.dispatch_local((username.get_untracked(), password.get_untracked()));
        }
    };
    view! {
        <main class="cairn-login">
            <form class="cairn-login__card" on:submit=submit data-testid="login-form">
                <div class="cairn-login__brand">
                    <img src="/favicon.svg" alt="" width="40" height="40" />
                    <h1>"Cairn"</h1>
                </div>
                <p class="cairn-login__lead">"Sign in to monitor your buildings."</p>
                <label class="cairn-field">
                    <span class="cairn-field__label">"Username"</span>
                    <input class="cairn-field__input" name="username" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required
                        prop:value=username on:input=move |ev| username.set(event_target_value(&ev)) />
                </label>
                <label class="cairn-field">
                    <span class="cairn-field__label">"Password"</span>
                    <input class="cairn-field__input" name="password" type="password"
                        autocomplete="current-password" required
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                </label>
                <Show when=move || error.with(Option::is_some)>
                    <p class="cairn-login__error" role="alert" data-testid="login-error">
                        {move || error.get().unwrap_or_default()}
                    </p>
                </Show>
                <button class="cairn-button cairn-button--primary" type="submit" disabled=busy>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
