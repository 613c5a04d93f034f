//! One device of the inventory as a table row, or (at tablet width) as a
//! card: the same cells, laid out by `devices.css`. Every value is text;
//! what a narrow cell cuts short (ellipsis) is whole in its `title`. For
//! managers and admins the name cell starts with the device's checkbox.

use std::collections::HashMap;

use cairn_protocol::{DeviceSort, DeviceSummary, Reading, health::HealthFlag};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{select::Selection, text};
use crate::format;

/// The columns: key (css and `data-label`), header, what it sorts by.
pub const COLUMNS: [(&str, &str, Option<DeviceSort>); 11] = [
    ("name", "Name", Some(DeviceSort::Name)),
    ("id", "Id", Some(DeviceSort::Id)),
    ("kind", "Kind", Some(DeviceSort::Kind)),
    ("model", "Model", Some(DeviceSort::Model)),
    ("place", "Place", Some(DeviceSort::Place)),
    ("status", "Status", Some(DeviceSort::Status)),
    ("seen", "Last seen", Some(DeviceSort::LastSeen)),
    ("battery", "Battery", Some(DeviceSort::Battery)),
    ("signal", "Signal", Some(DeviceSort::Signal)),
    ("firmware", "Firmware", Some(DeviceSort::Firmware)),
    ("tags", "Tags", None),
];

/// What every row reads besides its device.
#[derive(Clone, Copy)]
pub struct RowCtx {
    /// Server time now (ms), ticking.
    pub now: Signal<f64>,
    /// Height of one row (or card, gap included), px.
    pub row_h: Signal<f64>,
    /// Space between cards, px (0 for table rows).
    pub gap: Signal<f64>,
    /// Site id → IANA time zone.
    pub zones: Memo<HashMap<String, String>>,
    /// Point id → its live reading (the live store's).
    pub readings: Memo<HashMap<u32, RwSignal<Option<Reading>>>>,
    /// The bulk selection (checkboxes only when `select.on`).
    pub select: Selection,
}

/// The health flags as small badges, "OK" when there are none.
#[component]
pub fn Flags(flags: Vec<HealthFlag>) -> impl IntoView {
    if flags.is_empty() {
        return view! { <span class="cairn-devices__flag cairn-devices__flag--ok" data-flag="ok">"OK"</span> }
            .into_any();
    }
    flags
        .into_iter()
        .map(|f| {
            view! {
                <span class=format!("cairn-devices__flag cairn-devices__flag--{}", f.name()) data-flag=f.name()>
                    {f.label()}
                </span>
            }
        })
        .collect_view()
        .into_any()
}

/// One device: row `index` of the list (0-based), placed absolutely.
#[component]
pub fn DeviceRow(device: DeviceSummary, index: usize, ctx: RowCtx) -> impl IntoView {
    let d = device;
    let points = d.points.clone();
    // The newest of what the list said and what the socket brought since.
    let listed = d.last_seen;
    let seen = Memo::new(move |_| {
        let live = ctx.readings.with(|m| {
            (points.iter())
                .filter_map(|p| m.get(p).and_then(|r| r.get()))
                .map(|r| r.ts)
                .max()
        });
        live.max(listed)
    });
    let seen_text = move || match seen.get() {
        Some(ts) => format::age(ctx.now.get() - ts as f64),
        None => "never".to_owned(),
    };
    let silent = d.health.flags.contains(&HealthFlag::Silent);
    let zone = ctx
        .zones
        .with_untracked(|z| z.get(&d.site_id).cloned())
        .unwrap_or_else(|| "UTC".into());
    let battery_date = (d.health.battery.as_ref())
        .and_then(|b| b.reaches_10_at)
        .map(|at| format!("10\u{a0}% by {}", text::day_in(at, &zone)));
    let battery = d.battery.map(text::percent);
    let battery_title = match (&battery, &battery_date) {
        (Some(b), Some(t)) => format!("{b}, {t}"),
        (Some(b), None) => b.clone(),
        _ => String::new(),
    };
    let signal = d.health.signal.map(|b| b.label());
    let signal_title = d.signal.map(|s| format!("{s:.0} dBm")).unwrap_or_default();
    let place = text::place(&d);
    let place_title = place.clone();
    let unplaced = d.location.is_none();
    let tags = d.tags.join(", ");
    let flags_title = if d.health.flags.is_empty() {
        "OK".to_owned()
    } else {
        d.health
            .flags
            .iter()
            .map(|f| f.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kind = text::kind_label(d.kind);
    let name_title = d.name.clone();
    let select = ctx.select;
    let check = {
        let (id, listed) = (d.id.clone(), d.clone());
        let label = format!("Select {} ({})", d.name, d.id);
        move || {
            select.on.get().then(|| {
                let (id, listed) = (id.clone(), listed.clone());
                view! {
                    <label class="cairn-devices__check">
                        <input type="checkbox" data-testid="device-select" aria-label=label.clone()
                            prop:checked=move || select.has(&id)
                            on:change=move |ev| select.set(&listed, event_target_checked(&ev)) />
                    </label>
                }
            })
        }
    };
    let top = move || format!("{}px", index as f64 * ctx.row_h.get());
    let height = move || format!("{}px", ctx.row_h.get() - ctx.gap.get());
    view! {
        <div class="cairn-devices__row" role="row" aria-rowindex=index + 2 data-testid="device-row"
            data-device=d.id.clone() class:cairn-devices__row--retired=d.health.flags.contains(&HealthFlag::Retired)
            style:top=top style:height=height>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--name" title=name_title>
                {check}
                <A href=format!("/devices/{}", d.id) attr:class="cairn-devices__link" attr:data-testid="device-link">{d.name.clone()}</A>
            </div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--id" data-label="Id" title=d.id.clone()>{d.id.clone()}</div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--kind" data-label="Kind" title=kind>{kind}</div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--model" data-label="Model" title=d.model.clone()>{d.model.clone()}</div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--place" data-label="Place" title=place_title>
                {place}
                {unplaced.then(|| view! { " " <span class="cairn-devices__unplaced">"Unplaced"</span> })}
            </div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--status" title=flags_title data-testid="device-status">
                <Flags flags=d.health.flags.clone() />
            </div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--seen" data-label="Last seen"
                class:cairn-devices__cell--stale=silent title=seen_text>{seen_text}</div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--battery" data-label="Battery" title=battery_title>
                <span>{battery.unwrap_or_else(|| "—".into())}</span>
                {battery_date.map(|t| view! { <span class="cairn-devices__sub">{t}</span> })}
            </div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--signal" data-label="Signal" title=signal_title>
                {signal.unwrap_or("—")}
            </div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--firmware" data-label="Firmware" title=d.firmware.clone()>{d.firmware.clone()}</div>
            <div role="cell" class="cairn-devices__cell cairn-devices__cell--tags" data-label="Tags" title=tags.clone()>
                <span class="cairn-devices__tags">{tags.clone()}</span>
            </div>
        </div>
    }
}
