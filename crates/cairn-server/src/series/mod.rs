pub mod m4;
pub mod plan;
mod prefetch;
