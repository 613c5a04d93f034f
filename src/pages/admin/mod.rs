//! Admin pages: users and the audit log. The server refuses non-admins; the
//! navigation only offers these pages to admins.

mod audit;
mod site_picker;
mod user_form;
mod user_row;
mod users;

pub use audit::Audit;
pub use users::Users;

use leptos::prelude::*;

use crate::api::ApiError;

/// A load that failed, said in place (a 401 has already returned to the sign-in page).
fn load_error(err: &ApiError) -> AnyView {
    view! { <p class="cairn-form__error" role="alert">{err.to_string()}</p> }.into_any()
}
