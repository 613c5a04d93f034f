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

use crate::{api::ApiError, state::session::Session};

/// A load that failed: a 401 returns to the sign-in page, anything else is said in place.
fn load_error(session: Session, err: &ApiError) -> AnyView {
    session.check(err);
    view! { <p class="cairn-form__error" role="alert">{err.to_string()}</p> }.into_any()
}
