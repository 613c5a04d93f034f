//! One shared once-a-second clock for "updated 4 s ago" labels (not one timer per label).

use leptos::prelude::*;
use leptos_use::{UseTimestampOptions, use_timestamp_with_options};

/// The browser's time, UTC epoch ms, ticking once a second.
#[derive(Clone, Copy)]
pub struct Clock(pub Signal<f64>);

pub fn provide_clock() {
    let now = use_timestamp_with_options(UseTimestampOptions::default().interval(1_000));
    provide_context(Clock(now));
}

/// The shared clock; outside `App` (component tests) a clock that does not tick.
pub fn use_clock() -> Clock {
    use_context::<Clock>().unwrap_or_else(|| Clock(Signal::derive(js_sys::Date::now)))
}
