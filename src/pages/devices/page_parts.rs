//! The cards of a device's page: health, points with live values, open
//! alarms, place (with its spot on the floor's plan), facts.

use cairn_protocol::{AlarmState, DeviceState, DeviceSummary, PointSummary};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{
    plan_spot::{PlanSpot, has_plan},
    row::Flags,
    text,
};
use crate::{
    api,
    components::live_value::LiveValue,
    format,
    state::{
        clock::use_clock,
        live::{use_alarms, use_live},
    },
};

/// A term and its value in a card's list.
#[component]
fn Fact(term: &'static str, children: Children) -> impl IntoView {
    view! { <dt>{term}</dt><dd>{children()}</dd> }
}

/// Flags, the interval it is judged by, last uplink, battery outlook, signal.
#[component]
pub fn Health(device: DeviceSummary, zone: String) -> impl IntoView {
    let now = use_live().server_now(use_clock().0);
    let h = device.health.clone();
    let judged = match (
        h.interval_s,
        device.expected_interval_s.is_some(),
        h.learned,
    ) {
        (None, _, _) => "not known yet".to_owned(),
        (Some(s), true, _) => format!("{} (set by hand)", text::interval(s)),
        (Some(s), _, true) => format!("{} (learned from its uplinks)", text::interval(s)),
        (Some(s), _, false) => format!("{} (its points' configured interval)", text::interval(s)),
    };
    let last = h.last_uplink;
    let tz = zone.clone();
    let uplink = move || match last {
        Some(ts) => format!(
            "{} ({})",
            format::age(now.get() - ts as f64),
            format::date_time_in(ts, &tz)
        ),
        None => "never".to_owned(),
    };
    let battery = match (&h.battery, device.battery) {
        (Some(b), _) => {
            let until = match b.reaches_10_at {
                Some(at) => format!("; 10\u{a0}% around {}", text::day_in(at, &zone)),
                None => "; no drop towards 10\u{a0}% in sight".to_owned(),
            };
            format!("{} ({}{until})", text::percent(b.level), text::slope(b))
        }
        (None, Some(v)) => format!("{} (not enough history for a trend)", text::percent(v)),
        (None, None) => "no battery reading".to_owned(),
    };
    let signal = match (h.signal, device.signal) {
        (Some(b), Some(dbm)) => format!("{} ({dbm:.0} dBm)", b.label()),
        (Some(b), None) => b.label().to_owned(),
        _ => "no signal reading".to_owned(),
    };
    view! {
        <section class="cairn-card cairn-device__card" data-testid="device-health" aria-label="Health">
            <h2 class="cairn-card__title">"Health"</h2>
            <p class="cairn-device__flags" data-testid="device-flags"><Flags flags=h.flags.clone() /></p>
            <dl class="cairn-device__facts">
                <Fact term="Judged by">{judged}</Fact>
                <Fact term="Last uplink">{uplink}</Fact>
                <Fact term="Battery">{battery}</Fact>
                <Fact term="Signal">{signal}</Fact>
            </dl>
        </section>
    }
}

/// Its points, each with its live value and a link to its chart.
#[component]
pub fn Points(points: Vec<PointSummary>) -> impl IntoView {
    let live = use_live();
    let now = live.server_now(use_clock().0);
    let rows = points
        .into_iter()
        .map(|p| {
            let id = p.id;
            let last = p.last;
            let points = live.points;
            // The socket's signal when the live store has the point, else what
            // the list said; tracked, so a point the next snapshot brings (a
            // device just claimed or created) goes live on this page too.
            let reading = Signal::derive(move || {
                let signal = points.with(|ps| ps.iter().find(|l| l.id == id).map(|l| l.reading));
                signal.map_or(last, |s| s.get())
            });
            view! {
                <tr data-testid="device-point-row" data-point=id>
                    <th scope="row"><A href=format!("/points/{id}")>{p.metric.label()}</A></th>
                    <td><LiveValue reading metric=p.metric interval_s=p.interval_s now /></td>
                    <td class="cairn-table__muted">{text::interval(p.interval_s)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="cairn-card cairn-device__card" data-testid="device-points" aria-label="Points">
            <h2 class="cairn-card__title">"Points"</h2>
            <table class="cairn-table cairn-device__points">
                <thead><tr><th scope="col">"Point"</th><th scope="col">"Now"</th><th scope="col">"Reports"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// Its open alarms, from the live queue.
#[component]
pub fn Alarms(points: Vec<u32>) -> impl IntoView {
    let alarms = use_alarms();
    let now = use_live().server_now(use_clock().0);
    let mine = Memo::new(move |_| {
        alarms.with(|q| {
            q.iter()
                .filter(|a| points.contains(&a.point))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="cairn-card cairn-device__card" data-testid="device-alarms" aria-label="Alarms">
            <h2 class="cairn-card__title">"Open alarms"</h2>
            <Show when=move || !mine.with(Vec::is_empty)
                fallback=|| view! { <p class="cairn-empty">"None."</p> }>
                <ul class="cairn-device__alarms">
                    <For each=move || mine.get() key=|a| (a.id, a.state) let(a)>
                        <li data-testid="device-alarm" data-severity=a.severity.name()
                            class=format!("cairn-device__alarm cairn-device__alarm--{}", a.severity.name())>
                            <span class="cairn-device__alarm-severity">{a.severity.name()}</span>
                            " "<A href=format!("/points/{}", a.point)>{a.rule_name.clone()}</A>
                            " · "{a.metric.label()}" · "{state_words(a.state)}
                            " · raised "{move || format::age(now.get() - a.raised_at as f64)}
                        </li>
                    </For>
                </ul>
            </Show>
            <A href="/alerts">"Alarm queue"</A>
        </section>
    }
}

fn state_words(s: AlarmState) -> &'static str {
    match s {
        AlarmState::Unacknowledged => "active, not acknowledged",
        AlarmState::Acknowledged => "active, acknowledged",
        AlarmState::ClearedUnacknowledged => "back to normal, not acknowledged",
        AlarmState::Closed => "closed",
    }
}

/// Site, building, floor, zone; on the globe or not; on its floor's plan.
#[component]
pub fn Place(device: DeviceSummary) -> impl IntoView {
    let live = use_live();
    let d = device;
    let site = live
        .sites
        .with_untracked(|s| {
            s.iter()
                .find(|s| s.id == d.site_id)
                .map(|s| format!("{} ({})", s.name, s.id))
        })
        .unwrap_or_else(|| d.site_id.clone());
    let building = live
        .buildings
        .with_untracked(|bs| {
            bs.iter()
                .find(|b| Some(&b.id) == d.building_id.as_ref())
                .map(|b| format!("{} ({})", b.name, b.id))
        })
        .or_else(|| d.building_id.clone());
    let none = || "—".to_owned();
    let globe = d.location.map_or_else(
        || "Unplaced".to_owned(),
        |l| format!("{:.5}, {:.5}", l.lat, l.lon),
    );
    let plan = d
        .plan
        .map_or_else(none, |p| format!("x {:.1} m, y {:.1} m", p.x, p.y));
    // Its floor's plan with its spot, once the floor is in (read-only).
    let spot = d.floor_id.clone().zip(d.plan).map(|(id, p)| {
        let floor = LocalResource::new(move || {
            let id = id.clone();
            async move { api::catalog::floor(&id).await.ok().flatten() }
        });
        let at = Signal::stored(Some((p.x, p.y)));
        move || {
            floor.get().flatten().filter(has_plan).map(|f| {
                view! { <PlanSpot floor=f spot=at testid="device-plan-spot" small=true /> }
            })
        }
    });
    let floor_link = d.floor_id.clone().map(|f| view! {
        <A href=format!("/map/floors/{f}") attr:data-testid="device-floor-link">"Show on the floor plan"</A>
    });
    view! {
        <section class="cairn-card cairn-device__card" data-testid="device-place" aria-label="Place">
            <h2 class="cairn-card__title">"Place"</h2>
            <dl class="cairn-device__facts">
                <Fact term="Site">{site}</Fact>
                <Fact term="Building">{building.unwrap_or_else(none)}</Fact>
                <Fact term="Floor">{d.floor_id.clone().unwrap_or_else(none)}</Fact>
                <Fact term="Zone">{d.zone_id.clone().unwrap_or_else(none)}</Fact>
                <Fact term="On the globe"><span data-testid="device-location">{globe}</span></Fact>
                <Fact term="On the plan">{plan}</Fact>
            </dl>
            {spot}
            {floor_link}
        </section>
    }
}

/// What it is: kind, model, firmware, serial, installed, state, tags.
#[component]
pub fn Facts(device: DeviceSummary) -> impl IntoView {
    let d = device;
    let or_dash = |s: &str| {
        if s.is_empty() {
            "—".to_owned()
        } else {
            s.to_owned()
        }
    };
    view! {
        <section class="cairn-card cairn-device__card" data-testid="device-facts" aria-label="Device">
            <h2 class="cairn-card__title">"Device"</h2>
            <dl class="cairn-device__facts">
                <Fact term="Id"><code>{d.id.clone()}</code></Fact>
                <Fact term="Kind">{text::kind_label(d.kind)}</Fact>
                <Fact term="Model">{or_dash(&d.model)}</Fact>
                <Fact term="Firmware">{or_dash(&d.firmware)}</Fact>
                <Fact term="Serial">{or_dash(&d.serial)}</Fact>
                <Fact term="Installed">{or_dash(&d.installed)}</Fact>
                <Fact term="State">{if d.state == DeviceState::Retired { "Retired" } else { "Active" }}</Fact>
                <Fact term="Expected interval">
                    {d.expected_interval_s.map_or_else(|| "learned".to_owned(), text::interval)}
                </Fact>
                <Fact term="Tags">{or_dash(&d.tags.join(", "))}</Fact>
            </dl>
        </section>
    }
}
