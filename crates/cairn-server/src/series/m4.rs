//! M4 lives in `cairn_protocol::m4`, shared with the app's chart.
pub use cairn_protocol::m4::*;
