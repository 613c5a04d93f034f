//! One user in the users table, with its controls: role and site grants
//! (saved together), disable/enable, and a password reset.

use cairn_protocol::{Role, User, UserPatch, UserWithPassword};
use leptos::prelude::*;

use super::{site_picker::SitePicker, user_form::RoleSelect};
use crate::{
    api::{self, ApiError},
    format,
    state::live::use_live,
};

/// What an admin can do to one user from its row.
#[derive(Clone)]
enum Change {
    Patch(UserPatch),
    ResetPassword,
}

#[component]
pub fn UserRow(
    user: User,
    on_changed: Callback<()>,
    on_reset: Callback<UserWithPassword>,
) -> impl IntoView {
    let id = user.id;
    let role = RwSignal::new(user.role);
    let all = RwSignal::new(user.all_sites);
    let sites = RwSignal::new(user.sites.clone());
    // Every change of this row is one Action: its last outcome is the row's
    // error, if any, and the buttons wait while one is under way.
    let change = Action::new_local(move |c: &Change| {
        let c = c.clone();
        async move {
            match c {
                Change::Patch(p) => {
                    api::auth::update_user(id, &p).await?;
                    on_changed.run(());
                }
                Change::ResetPassword => on_reset.run(api::auth::reset_password(id).await?),
            }
            Ok::<(), ApiError>(())
        }
    });
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let busy = move || change.pending().get();
    let send = move |c: Change| {
        if !change.pending().get_untracked() {
            change.dispatch_local(c);
        }
    };
    let save = move |_| {
        send(Change::Patch(UserPatch {
            role: Some(role.get_untracked()),
            all_sites: Some(all.get_untracked()),
            sites: Some(sites.get_untracked()),
            ..UserPatch::default()
        }))
    };
    let disabled = user.disabled;
    let toggle = move |_| {
        send(Change::Patch(UserPatch {
            disabled: Some(!disabled),
            ..UserPatch::default()
        }))
    };
    let reset = move |_| send(Change::ResetPassword);
    // Site names (as text); an id whose site is gone stays as its id.
    let grants = if user.all_sites || user.role == Role::Admin {
        "All sites".to_owned()
    } else {
        use_live().sites.with_untracked(|known| {
            (user.sites.iter())
                .map(|id| {
                    known
                        .iter()
                        .find(|s| &s.id == id)
                        .map_or(id.clone(), |s| s.name.clone())
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let last = user
        .last_login
        .map_or("never".to_owned(), format::date_time);
    view! {
        <tr data-testid="user-row" data-username=user.username.clone() class:cairn-table__row--off=disabled>
            <td><span class="cairn-table__strong">{user.display_name.clone()}</span><br />
                <span class="cairn-table__muted">{user.username.clone()}</span></td>
            <td>{user.role.name()}</td>
            <td>{grants}</td>
            <td>{if disabled { "disabled" } else { "active" }}</td>
            <td>{last}</td>
            <td class="cairn-table__actions">
                <details class="cairn-edit">
                    <summary class="cairn-button">"Edit"</summary>
                    <div class="cairn-edit__panel">
                        <label class="cairn-field">
                            <span class="cairn-field__label">"Role"</span>
                            <RoleSelect role />
                        </label>
                        <SitePicker all sites locked=Signal::derive(move || role.get() == Role::Admin)
                            error=Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field("sites")))) />
                        <button class="cairn-button cairn-button--primary" on:click=save disabled=busy>"Save"</button>
                    </div>
                </details>
                <button class="cairn-button" on:click=toggle data-testid="toggle-user" disabled=busy>
                    {if disabled { "Enable" } else { "Disable" }}
                </button>
                <button class="cairn-button" on:click=reset data-testid="reset-password" disabled=busy>"Reset password"</button>
                <Show when=move || error.with(Option::is_some)>
                    <p class="cairn-form__error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
                </Show>
            </td>
        </tr>
    }
}
