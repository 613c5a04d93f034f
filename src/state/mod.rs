//! Global stores, each a `provide_x()` / `use_x()` pair, provided once in `App`
//! (the live store once per signed-in session).

pub mod clock;
pub mod live;
pub mod metrics;
pub mod notify;
pub mod session;
pub mod theme;
