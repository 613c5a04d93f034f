//! The device inventory: the checks only the catalogue can make
//! (`validate.rs`), the health book (`health.rs`), the list's filters, sort
//! and keyset paging (`list.rs`), and CSV import plans and export (`csv.rs`).

pub mod csv;
pub mod health;
pub mod list;
pub mod validate;

pub use health::HealthBook;
