//! The meters' 24-hour sparklines on the site cards. The chart engine and
//! plotters are not in the first load: in the release build (feature `split`)
//! the sparkline is in the charts' wasm part, fetched once the overview shows,
//! while each sparkline's box keeps its height so nothing on the page moves.

use leptos::prelude::*;

use crate::{
    chart::{Range, widget::TimeChart},
    pages::charts,
    routes::PartNotLoaded,
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
    // A part that did not load leaves the box empty: the figures beside it
    // are live either way, and the point's own page has the chart.
    let chart = async move {
        sparkline(args)
            .await
            .unwrap_or_else(|PartNotLoaded| ().into_any())
    };
    view! { <Suspense>{Suspend::new(chart)}</Suspense> }
}

/// What a sparkline draws from (the contexts are read before the wait).
pub struct Spark {
    live: LiveStore,
    theme: Signal<Mode>,
    point: LivePoint,
    label: String,
}

#[cfg(feature = "split")]
// In the charts' part: the chart engine is most of both, and a meter's page
// opened from here is then at hand.
#[leptos::wasm_split::wasm_split(charts, fallible, wasm_split_path = ::leptos::wasm_split)]
fn sparkline(args: Spark) -> Result<AnyView, PartNotLoaded> {
    Ok(draw(args))
}

#[cfg(not(feature = "split"))]
async fn sparkline(args: Spark) -> Result<AnyView, PartNotLoaded> {
    Ok(draw(args))
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
