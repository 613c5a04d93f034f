//! The site map's engine: clustering index, statuses and projection (host
//! code, unit-tested) the canvas layer that draws them, and the few Leaflet bindings the
//! `leaflet` crate lacks or gets wrong.

pub mod cluster;
pub mod engine;
pub mod layer;
pub mod leaflet_ext;
pub mod project;
pub mod script;
pub mod status;
