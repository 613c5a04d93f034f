//! Chart pages: one point with its device's other points (`/points/:id`),
//! and a compare view of up to 8 points from anywhere (`/compare`).

mod compare;
mod point;

pub use compare::Compare;
pub use point::PointPage;

use leptos::prelude::*;

use crate::{
    chart::widget::ChartPoint,
    state::live::{LivePoint, LiveStore},
};

/// A live point as a chart shows it, with its site's time zone.
pub fn chart_point(live: &LiveStore, p: &LivePoint) -> ChartPoint {
    let time_zone = live.sites.with_untracked(|sites| {
        sites
            .iter()
            .find(|s| s.id == p.site_id)
            .map_or_else(|| "UTC".to_owned(), |s| s.time_zone.clone())
    });
    ChartPoint {
        id: p.id,
        key: format!("{}/{}", p.device_id, p.metric.name()),
        label: format!(
            "{} · {}",
            p.device_name,
            if p.metric == cairn_protocol::Metric::ElectricEnergy {
                "Power"
            } else {
                p.metric.label()
            }
        ),
        metric: p.metric,
        interval_s: p.interval_s,
        time_zone,
    }
}
