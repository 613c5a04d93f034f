//! Where a device is: site, building, floor and zone (each a choice among
//! the previous one's), its spot on the globe (empty: not placed yet) and
//! on its floor's plan (typed, or tapped on the plan's image: `plan_spot.rs`).

use leptos::prelude::*;

use super::{
    draft::DeviceDraft,
    form_ctx::{FieldError, FormCtx, Text},
    plan_spot::{PlanSpot, has_plan},
};
use crate::{api, state::live::use_live};

/// A select of places (`(id, label)`), `none` first; picking one runs `pick`.
#[component]
fn PlaceSelect(
    ctx: FormCtx,
    field: &'static str,
    label: &'static str,
    none: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    get: fn(&DeviceDraft) -> String,
    pick: fn(&mut DeviceDraft, String),
) -> impl IntoView {
    let chosen = Memo::new(move |_| ctx.draft.with(get));
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            <select class="cairn-field__input" data-testid=format!("device-{field}") name=field prop:value=chosen
                on:change=move |ev| { ctx.edit(field, |d| pick(d, event_target_value(&ev))); ctx.blur(field); }
                on:blur=move |_| ctx.blur(field)>
                <option value="" selected=move || chosen.with(String::is_empty)>{none}</option>
                {move || {
                    let now = chosen.get();
                    let mut list = options.get();
                    // A place the lists do not (yet) hold stays chosen and shown.
                    if !now.is_empty() && !list.iter().any(|(id, _)| *id == now) {
                        list.push((now.clone(), now.clone()));
                    }
                    list.into_iter().map(|(id, name)| {
                        let on = id == now;
                        view! { <option value=id selected=on>{name}</option> }
                    }).collect_view()
                }}
            </select>
            <FieldError field error=ctx.error(field.to_owned()) />
        </label>
    }
}

/// The place fieldset: cascaded selects, globe and plan coordinates.
#[component]
pub fn PlaceFields(ctx: FormCtx) -> impl IntoView {
    let live = use_live();
    let site = Memo::new(move |_| ctx.draft.with(|d| d.site_id.clone()));
    let building = Memo::new(move |_| ctx.draft.with(|d| d.building_id.clone()));
    let floor = Memo::new(move |_| ctx.draft.with(|d| d.floor_id.clone()));
    let sites = Signal::derive(move || {
        live.sites.with(|s| {
            s.iter()
                .map(|s| (s.id.clone(), format!("{} ({})", s.name, s.id)))
                .collect()
        })
    });
    let buildings = Signal::derive(move || {
        let site = site.get();
        live.buildings.with(|bs| {
            (bs.iter())
                .filter(|b| b.site_id == site)
                .map(|b| (b.id.clone(), format!("{} ({})", b.name, b.id)))
                .collect()
        })
    });
    let floors = LocalResource::new(move || {
        let b = building.get();
        async move {
            if b.is_empty() {
                return Vec::new();
            }
            api::catalog::floors(&b).await.unwrap_or_default()
        }
    });
    let zones = LocalResource::new(move || {
        let f = floor.get();
        async move {
            if f.is_empty() {
                return Vec::new();
            }
            api::devices::zones_of(&f).await.unwrap_or_default()
        }
    });
    let floor_options = Signal::derive(move || {
        (floors.get().unwrap_or_default().into_iter())
            .map(|f| (f.id.clone(), format!("{} ({})", f.name, f.id)))
            .collect::<Vec<_>>()
    });
    let zone_options = Signal::derive(move || {
        (zones.get().unwrap_or_default().into_iter())
            .map(|z| (z.id.clone(), format!("{} ({})", z.name, z.id)))
            .collect::<Vec<_>>()
    });
    // The chosen floor, once the building's floors are in.
    let chosen = Memo::new(move |_| {
        let f = floor.get();
        (floors.get().unwrap_or_default().into_iter()).find(|x| x.id == f)
    });
    let plan_size = move || {
        chosen
            .get()
            .map(|x| {
                format!(
                    "Metres from the plan's south-west corner: x 0–{:.1}, y 0–{:.1}.",
                    x.width_m, x.height_m
                )
            })
            .unwrap_or_else(|| {
                "Metres from the floor plan's south-west corner (needs a floor).".to_owned()
            })
    };
    // The spot as typed, when both read as numbers.
    let spot = Signal::derive(move || {
        ctx.draft.with(|d| {
            let x = d.plan_x.trim().parse::<f64>().ok()?;
            let y = d.plan_y.trim().parse::<f64>().ok()?;
            Some((x, y))
        })
    });
    // A click on the plan fills both inputs (which stay editable).
    let pick = Callback::new(move |(x, y): (f64, f64)| {
        ctx.edit_all(&["plan", "plan.x", "plan.y"], |d| {
            d.plan_x = format!("{x:.1}");
            d.plan_y = format!("{y:.1}");
        });
    });
    let picker = move || {
        chosen.get().filter(has_plan).map(|f| {
            view! {
                <div class="cairn-device__spot-field">
                    <PlanSpot floor=f spot on_pick=pick testid="device-plan-picker" />
                    <p class="cairn-form__hint">"Tap the plan to place it"</p>
                </div>
            }
        })
    };
    view! {
        <fieldset class="cairn-devices__group" data-testid="device-place">
            <legend class="cairn-field__label">"Place"</legend>
            <div class="cairn-form__row">
                <PlaceSelect ctx field="site_id" label="Site" none="Choose a site" options=sites
                    get=|d| d.site_id.clone()
                    pick=|d, v| { d.site_id = v; d.building_id.clear(); d.floor_id.clear(); d.zone_id.clear(); } />
                <PlaceSelect ctx field="building_id" label="Building" none="No building" options=buildings
                    get=|d| d.building_id.clone()
                    pick=|d, v| { d.building_id = v; d.floor_id.clear(); d.zone_id.clear(); } />
                <PlaceSelect ctx field="floor_id" label="Floor" none="No floor" options=floor_options
                    get=|d| d.floor_id.clone()
                    pick=|d, v| { d.floor_id = v; d.zone_id.clear(); } />
                <PlaceSelect ctx field="zone_id" label="Zone" none="No zone" options=zone_options
                    get=|d| d.zone_id.clone() pick=|d, v| d.zone_id = v />
            </div>
            <div class="cairn-form__row">
                <Text ctx field="location.lat" label="Latitude (°)" inputmode="decimal" placeholder="e.g. 50.8466"
                    hint="empty with the longitude: not placed yet"
                    get=|d| d.lat.clone() set=|d, v| d.lat = v />
                <Text ctx field="location.lon" label="Longitude (°)" inputmode="decimal" placeholder="e.g. 4.3528"
                    get=|d| d.lon.clone() set=|d, v| d.lon = v />
                <Text ctx field="plan.x" label="Plan x (m)" inputmode="decimal"
                    get=|d| d.plan_x.clone() set=|d, v| d.plan_x = v />
                <Text ctx field="plan.y" label="Plan y (m)" inputmode="decimal"
                    get=|d| d.plan_y.clone() set=|d, v| d.plan_y = v />
            </div>
            <p class="cairn-form__hint">{plan_size}</p>
            {picker}
            <FieldError field="plan" error=ctx.error("plan".to_owned()) />
        </fieldset>
    }
}
