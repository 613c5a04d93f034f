//! The only code that talks to the network. A 401 from any request or the
//! socket's close 4401 ends the session here (`signed_out`), nowhere else.

pub mod alerts;
pub mod auth;
pub mod catalog;
pub mod channels;
pub mod devices;
mod error;
pub mod http;
pub mod integrations;
pub mod maintenance;
pub mod metrics;
pub mod series;
mod signed_out;
pub mod tiles;
pub mod ws;

pub use error::ApiError;
pub use signed_out::on_signed_out;
