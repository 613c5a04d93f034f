//! The only code that talks to the network.

mod error;
pub mod ws;

pub use error::ApiError;
