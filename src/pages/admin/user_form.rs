//! The "new user" form: field errors from the server under each field; the
//! generated password is handed to the page to show once.

use cairn_protocol::{NewUser, Role, UserWithPassword};
use leptos::{ev::SubmitEvent, prelude::*};

use super::site_picker::{FieldError, SitePicker};
use crate::api::{self, ApiError};

#[component]
pub fn UserForm(on_created: Callback<UserWithPassword>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let all = RwSignal::new(false);
    let sites = RwSignal::new(Vec::<String>::new());
    // Saving is an Action: its last outcome is the form's error, if any.
    let create = Action::new_local(move |new: &NewUser| {
        let new = new.clone();
        async move {
            let made = api::auth::create_user(&new).await?;
            username.set(String::new());
            display_name.set(String::new());
            sites.set(Vec::new());
            on_created.run(made);
            Ok::<(), ApiError>(())
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let field = move |at: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field(at))))
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let new = NewUser {
            username: username.get_untracked(),
            display_name: display_name.get_untracked(),
            role: role.get_untracked(),
            all_sites: all.get_untracked(),
            sites: sites.get_untracked(),
            password: None,
        };
        if !create.pending().get_untracked() {
            create.dispatch_local(new);
        }
    };
    view! {
        <form class="cairn-card cairn-form" on:submit=submit data-testid="new-user-form">
            <h2 class="cairn-card__title">"New user"</h2>
            <div class="cairn-form__row">
                <label class="cairn-field">
                    <span class="cairn-field__label">"Username"</span>
                    <input class="cairn-field__input" name="username" autocapitalize="none" spellcheck="false"
                        prop:value=username on:input=move |ev| username.set(event_target_value(&ev)) />
                    <FieldError error=field("username") />
                </label>
                <label class="cairn-field">
                    <span class="cairn-field__label">"Display name"</span>
                    <input class="cairn-field__input" name="display_name"
                        prop:value=display_name on:input=move |ev| display_name.set(event_target_value(&ev)) />
                    <FieldError error=field("display_name") />
                </label>
                <label class="cairn-field">
                    <span class="cairn-field__label">"Role"</span>
                    <RoleSelect role />
                </label>
            </div>
            <SitePicker all sites locked=Signal::derive(move || role.get() == Role::Admin) error=field("sites") />
            <Show when=move || error.with(|e| e.as_ref().is_some_and(|e| !matches!(e, ApiError::Invalid { .. })))>
                <p class="cairn-form__error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            </Show>
            <p class="cairn-form__hint">"A password is generated and shown once after saving."</p>
            <button class="cairn-button cairn-button--primary" type="submit" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create user" }}
            </button>
        </form>
    }
}

/// A role chooser bound to a signal.
#[component]
pub fn RoleSelect(role: RwSignal<Role>) -> impl IntoView {
    view! {
        <select class="cairn-field__input" name="role"
            on:change=move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.name() selected=move || role.get() == r>{r.name()}</option>
            }).collect_view()}
        </select>
    }
}
