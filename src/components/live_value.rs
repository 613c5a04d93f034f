//! One live value: formatted with its unit, greyed and labelled when stale.

use cairn_protocol::{Metric, Reading};
use leptos::prelude::*;

use crate::format;

#[component]
pub fn LiveValue(
    #[prop(into)] reading: Signal<Option<Reading>>,
    metric: Metric,
    interval_s: u32,
    /// Server-aligned time now (ms), ticking.
    #[prop(into)]
    now: Signal<f64>,
) -> impl IntoView {
    let age = move || reading.get().map(|r| now.get() - r.ts as f64);
    let stale = move || age().is_none_or(|a| format::is_stale(a, interval_s));
    let text = move || match reading.get() {
        Some(r) => format::value(metric, r.value),
        None => "—".to_owned(),
    };
    let title = move || match age() {
        Some(a) => format!("{}: updated {}", metric.label(), format::age(a)),
        None => format!("{}: no reading yet", metric.label()),
    };
    view! {
        <span class="cairn-value" class:cairn-value--stale=stale title=title data-testid="live-value">
            {text}
        </span>
    }
}
