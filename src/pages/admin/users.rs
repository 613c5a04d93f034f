//! `/admin/users`: every account, a form for new ones, and a notice with a
//! new password (shown once, never stored in the app).

use cairn_protocol::UserWithPassword;
use leptos::prelude::*;

use super::{user_form::UserForm, user_row::UserRow};
use crate::{api, components::load_errors::LoadErrors};

#[component]
pub fn Users() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let users = LocalResource::new(move || {
        reload.track();
        api::auth::users()
    });
    let notice = RwSignal::new(None::<(String, String)>);
    let show_password = Callback::new(move |made: UserWithPassword| {
        notice.set(Some((made.user.username, made.password)));
        reload.update(|n| *n += 1);
    });
    let changed = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        <h1 class="cairn-page-title">"Users"</h1>
        <Show when=move || notice.with(Option::is_some)>
            <div class="cairn-notice" role="status" data-testid="password-notice">
                <p>"New password for "<strong>{move || notice.get().map(|n| n.0)}</strong>
                   ". Give it to them now: it is shown only this once."</p>
                <code class="cairn-notice__secret" data-testid="new-password">{move || notice.get().map(|n| n.1)}</code>
                <button class="cairn-button" on:click=move |_| notice.set(None)>"Done"</button>
            </div>
        </Show>
        <UserForm on_created=show_password />
        <Transition fallback=|| view! { <p class="cairn-muted">"Loading users…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the users" /> }>
            {move || users.get().map(|result| result.map(|list| view! {
                    <div class="cairn-table-wrap">
                        <table class="cairn-table" data-testid="users-table">
                            <thead><tr>
                                <th scope="col">"User"</th><th scope="col">"Role"</th><th scope="col">"Sites"</th>
                                <th scope="col">"Status"</th><th scope="col">"Last sign-in"</th><th scope="col">"Actions"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|user| view! {
                                    <UserRow user on_changed=changed on_reset=show_password />
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }))}
            </ErrorBoundary>
        </Transition>
    }
}
