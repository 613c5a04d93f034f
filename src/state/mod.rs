//! Global stores, each a `provide_x()` / `use_x()` pair, provided once in `App`.

pub mod clock;
pub mod live;
pub mod theme;
