//! One live figure over many points (mean temperature, peak CO₂, people
//! present, devices needing attention): recomputed when any of them updates,
//! stale readings left out, "—" when none is fresh.

use cairn_protocol::Metric;
use leptos::prelude::*;

use crate::{format, state::live::LivePoint};

#[derive(Clone, Copy, Debug)]
pub enum Agg {
    Mean,
    Max,
    Sum,
    /// How many fresh readings satisfy a test (low battery, leak, door open).
    Count(fn(f64) -> bool),
}

/// The aggregate of the fresh readings among `points`, or `None`.
pub fn aggregate(points: &[LivePoint], agg: Agg, now: f64) -> Option<f64> {
    let fresh = points.iter().filter_map(|p| {
        p.reading
            .get()
            .filter(|r| !format::is_stale(now - r.ts as f64, p.interval_s))
            .map(|r| r.value)
    });
    match agg {
        Agg::Mean => {
            let (sum, n) = fresh.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
            (n > 0).then(|| sum / f64::from(n))
        }
        Agg::Max => fresh.reduce(f64::max),
        Agg::Sum => fresh.reduce(|a, b| a + b),
        Agg::Count(test) => Some(fresh.filter(|v| test(*v)).count() as f64),
    }
}

#[component]
pub fn LiveAggregate(
    points: Vec<LivePoint>,
    metric: Metric,
    agg: Agg,
    /// What the figure is, for the tooltip ("Mean temperature of 14 rooms").
    title: String,
    #[prop(into)] now: Signal<f64>,
) -> impl IntoView {
    let value = Memo::new(move |_| aggregate(&points, agg, now.get()));
    let text = move || match (value.get(), agg) {
        (None, _) => "—".to_owned(),
        (Some(v), Agg::Count(_)) => format!("{v:.0}"),
        (Some(v), _) => format::value(metric, v),
    };
    view! {
        <span class="cairn-value" class:cairn-value--stale=move || value.get().is_none()
            title=title data-testid="live-value">
            {text}
        </span>
    }
}
