//! The only code that talks to the network.

pub mod auth;
pub mod catalog;
mod error;
pub mod http;
pub mod series;
pub mod tiles;
pub mod ws;

pub use error::ApiError;
