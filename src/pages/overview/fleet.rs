//! The fleet health line: devices in service and how many are silent,
//! stuck, low on battery or in maintenance, each a link to the inventory
//! filtered by it. Asked again each minute.

use cairn_protocol::FleetHealth;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{api, state::clock::use_clock};

/// "N devices · X silent · …", each figure a link to the filtered inventory.
#[component]
pub fn FleetLine() -> impl IntoView {
    let clock = use_clock().0;
    let minute = Memo::new(move |_| (clock.get() / 60_000.0).floor() as i64);
    let fleet = LocalResource::new(move || {
        minute.track();
        api::devices::fleet_health()
    });
    let line = move |f: FleetHealth| {
        let parts: [(&str, &str, u64, &str); 5] = [
            ("active", "/devices", f.active, "devices"),
            ("silent", "/devices?health=silent", f.silent, "silent"),
            ("stuck", "/devices?health=stuck", f.stuck, "stuck"),
            (
                "low_battery",
                "/devices?health=low_battery",
                f.low_battery,
                "low battery",
            ),
            (
                "in_maintenance",
                "/devices?health=in_maintenance",
                f.in_maintenance,
                "in maintenance",
            ),
        ];
        parts
            .into_iter()
            .enumerate()
            .map(|(i, (key, href, n, words))| {
                view! {
                    {(i > 0).then_some(" · ")}
                    <A href=href attr:data-testid=format!("fleet-link-{key}")
                        attr:class=format!("cairn-fleet__link{}", if n > 0 && i > 0 { " cairn-fleet__link--some" } else { "" })>
                        {format!("{n} {words}")}
                    </A>
                }
            })
            .collect_view()
    };
    // The line's box is there from the start, empty until the counts come:
    // the site cards below do not move when they do.
    view! {
        <p class="cairn-fleet" data-testid="fleet-health" aria-label="Fleet health">
            <Transition fallback=|| ()>
                {move || fleet.get().and_then(Result::ok).map(line)}
            </Transition>
        </p>
    }
}
