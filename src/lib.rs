//! Cairn's single-page app (Leptos, client-side rendered).
//!
//! `api` is the only module that touches the network; `state` holds the global
//! stores; `pages` are routes; `components` are presentational.

pub mod api;
mod app;
pub mod chart;
pub mod components;
pub mod format;
pub mod map;
pub mod pages;
pub mod routes;
pub mod state;

pub use app::App;
