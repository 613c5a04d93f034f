//! Admin pages: users, the audit log and network server integrations. The
//! server refuses non-admins; the navigation only offers these pages to admins.

mod audit;
mod claim;
mod claim_draft;
mod integration_card;
mod integration_draft;
mod integration_fields;
mod integration_form;
mod integrations;
mod site_picker;
mod user_form;
mod user_row;
mod users;
mod waiting;

pub use audit::Audit;
pub use integrations::Integrations;
pub use users::Users;
