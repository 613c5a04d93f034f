//! Global stores, each a `provide_x()` / `use_x()` pair, provided once in `App`
//! (the live store once per signed-in session).

pub mod clock;
mod inbox;
// Bench builds only: the live path's latency, for e2e/bench/live.mjs.
#[cfg(feature = "bench")]
pub mod latency;
pub mod live;
pub mod metrics;
pub mod notify;
pub mod session;
pub mod theme;
