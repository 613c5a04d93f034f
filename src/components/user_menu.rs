//! The signed-in user in the top bar: name (as text), role, and sign-out.

use cairn_protocol::User;
use leptos::prelude::*;

#[component]
pub fn UserMenu(
    #[prop(into)] user: Signal<Option<User>>,
    on_sign_out: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="cairn-user" data-testid="user-menu">
            <span class="cairn-user__name" data-testid="user-name">
                {move || user.with(|u| u.as_ref().map(|u| u.display_name.clone()))}
            </span>
            <span class="cairn-user__role" data-testid="user-role">
                {move || user.with(|u| u.as_ref().map(|u| u.role.name()))}
            </span>
            <button type="button" class="cairn-button cairn-user__out" data-testid="sign-out"
                on:click=move |_| on_sign_out.run(())>"Sign out"</button>
        </div>
    }
}
