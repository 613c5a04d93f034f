//! Admin pages: users and the audit log. The server refuses non-admins; the
//! navigation only offers these pages to admins.

mod audit;
mod site_picker;
mod user_form;
mod user_row;
mod users;

pub use audit::Audit;
pub use users::Users;
