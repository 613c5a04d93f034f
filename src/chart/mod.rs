//! The chart engine, pure Rust: the data each series holds, M4 decimation per
//! zoom level (`decimate`), scales and time ticks (`scale`), the view and its
//! zoom/pan maths (`view`), trend and projection (`trend`), summaries and CSV
//! (`export`), and drawing: the frame with plotters on any backend
//! (`render`), the series as pixel paths (`paths`) into an RGBA image behind
//! plotters' backend interface (`rgba`), the same in the browser and the
//! pixel tests, kept from frame to frame so a live chart redraws only what
//! changed (`layer`), onto a `<canvas>` in the browser (`canvas`).
//! `widget` is the Leptos component around it (`TimeChart`): it does no IO;
//! history comes from the data source and live readings from the signal its
//! page passes in (`pages/charts` passes `api::series` and the live store).

pub mod canvas;
pub mod data;
pub mod decimate;
pub mod export;
pub mod layer;
pub mod paths;
pub mod render;
pub mod rgba;
pub mod scale;
pub mod trend;
pub mod view;
pub mod widget;

#[cfg(test)]
mod pixel_tests;

pub use data::SeriesData;
pub use view::{Range, View};
