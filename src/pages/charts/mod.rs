//! Chart pages: one point with its device's other points (`/points/:id`),
//! and a compare view of up to 8 points from anywhere (`/compare`).

mod compare;
mod point;

pub use compare::Compare;
pub use point::PointPage;

use cairn_protocol::Reading;
use leptos::prelude::*;

use crate::{
    api,
    chart::widget::{ChartPoint, SeriesFuture, SeriesQuery, SeriesSource},
    state::{
        clock::use_clock,
        live::{LivePoint, LiveStore},
    },
};

/// A chart's history: `/api/series`, decimated by the server.
pub fn series_source() -> SeriesSource {
    Callback::new(|q: SeriesQuery| -> SeriesFuture {
        Box::pin(async move {
            (api::series::series(&q.points, q.from, q.to, q.px).await).map_err(|e| e.to_string())
        })
    })
}

/// A chart's clock: the shared clock in server time, ticking once a second
/// (a new clock offset is taken at the next tick, not at every message).
pub fn chart_now(live: &LiveStore) -> Signal<f64> {
    let (clock, offset) = (use_clock().0, live.clock_offset);
    Signal::derive(move || clock.get() + offset.get_untracked())
}

/// The latest reading of each of `points` from the live store, changing with each.
pub fn live_readings(live: &LiveStore, points: Signal<Vec<ChartPoint>>) -> Signal<Vec<Reading>> {
    let all = live.points;
    Signal::derive(move || {
        let ids: Vec<u32> = points.with(|p| p.iter().map(|p| p.id).collect());
        let signals: Vec<_> = all.with(|all| {
            all.iter()
                .filter(|p| ids.contains(&p.id))
                .map(|p| p.reading)
                .collect()
        });
        signals.iter().filter_map(|s| s.get()).collect()
    })
}

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
        thresholds: p.thresholds,
    }
}
