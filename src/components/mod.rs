//! Reusable presentational components. Data arrives through props and signals;
//! nothing here does IO or reads a global store.

pub mod connection;
pub mod icons;
pub mod live_aggregate;
pub mod live_value;
pub mod load_errors;
pub mod nav;
pub mod placeholder;
pub mod shell;
pub mod theme_toggle;
pub mod user_menu;
