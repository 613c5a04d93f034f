//! Admin pages: users, the audit log, network server integrations and the
//! metric catalogue. The server refuses non-admins (the metric list is
//! readable by everyone signed in); the navigation only offers these pages
//! to admins.

mod audit;
mod claim;
mod claim_draft;
mod integration_card;
mod integration_draft;
mod integration_fields;
mod integration_form;
mod integrations;
mod metric_draft;
mod metric_form;
mod metric_row;
mod metrics;
mod site_picker;
mod user_form;
mod user_row;
mod users;
mod waiting;

pub use audit::Audit;
pub use integrations::Integrations;
pub use metrics::Metrics;
pub use users::Users;
