//! One module per route. Pages read the global stores and compose components.

pub mod admin;
mod alerts;
// The benchmark pages ship only in `cargo xtask bench`'s build (feature `bench`).
#[cfg(feature = "bench")]
mod bench_chart;
#[cfg(feature = "bench")]
mod bench_map;
pub(crate) mod charts;
mod devices;
mod login;
mod map;
mod not_found;
mod overview;
mod reports;

pub use alerts::Alerts;
#[cfg(feature = "bench")]
pub use bench_chart::BenchChart;
#[cfg(feature = "bench")]
pub use bench_map::BenchMap;
pub use charts::{Compare, PointPage};
pub use devices::Devices;
pub use login::Login;
pub use map::{FloorPage, MapPage};
pub use not_found::NotFound;
pub use overview::Overview;
pub use reports::Reports;
