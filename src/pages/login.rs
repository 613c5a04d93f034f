//! The sign-in page: shown instead of any page while nobody is signed in,
//! so after signing in the user is where they meant to go.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use crate::{
    api::{self, ApiError},
    state::session::use_session,
};

#[component]
pub fn Login(#[prop(into)] reason: Option<String>) -> impl IntoView {
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(reason);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (u, p) = (username.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match api::auth::login(u, p).await {
                Ok(me) => session.signed_in(me),
                Err(err) => {
                    password.set(String::new());
                    error.set(Some(match err {
                        ApiError::Network(_) => {
                            "Cannot reach Cairn. Check the connection and try again.".to_owned()
                        }
                        other => other.to_string(),
                    }));
                }
            }
            busy.set(false);
        });
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
