//! Alert rules and alarms: the pure evaluator ([`eval`]) shared by the live
//! path and the backtest, schedules in the site's time zone, rule scopes
//! resolved against the catalogue, and the live engine that evaluates what
//! ingest stores.

pub mod backtest;
pub mod defaults;
pub mod engine;
pub mod eval;
pub mod maintenance;
pub mod notify;
pub mod schedule;
pub mod scope;

pub use engine::AlertEngine;
