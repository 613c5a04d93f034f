//! The meters' 24-hour sparklines on the site cards. The chart engine and
//! plotters are not in the first load: in the release build (feature `split`)
//! the sparkline is a wasm part of its own, fetched once the overview shows,
//! while each sparkline's box keeps its height so nothing on the page moves.

use leptos::prelude::*;

use crate::{
    chart::{Range, widget::TimeChart},
    pages::charts,
    state::{
        live::{LivePoint, LiveStore, use_live},
        theme::{Mode, use_theme},
    },
};

/// The last 24 hours of `point`, live; `label` names it for screen readers.
#[component]
pub fn Sparkline(point: LivePoint, label: String) -> impl IntoView {
    let args = Spark {
        live: use_live(),
        theme: use_theme().mode,
        point,
        label,
    };
    view! { <Suspense>{Suspend::new(async move { sparkline(args).await })}</Suspense> }
}

/// What a sparkline draws from (the contexts are read before the wait).
pub struct Spark {
    live: LiveStore,
    theme: Signal<Mode>,
    point: LivePoint,
    label: String,
}

#[cfg(feature = "split")]
#[leptos::lazy]
fn sparkline(args: Spark) -> AnyView {
    draw(args)
}

#[cfg(not(feature = "split"))]
async fn sparkline(args: Spark) -> AnyView {
    draw(args)
}

fn draw(args: Spark) -> AnyView {
    let Spark {
        live,
        theme,
        point,
        label,
    } = args;
    let chart = Signal::stored(vec![charts::chart_point(&live, &point)]);
    view! {
        <TimeChart points=chart source=charts::series_source() now=charts::chart_now(&live)
            live=charts::live_readings(&live, chart) theme=theme
            compact=true range=Range::Day label=label />
    }
    .into_any()
}
