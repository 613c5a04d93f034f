//! `/devices/:id`: one device. What it is, where it is (with its floor on
//! the map), its health, its points with live values, its open alarms;
//! Edit for managers of its site and admins, Rotate token for admins (the
//! new token shown once).

use cairn_protocol::{DeviceSummary, PointSpec, PointSummary, Role};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{
    form::DeviceForm,
    history::History,
    page_parts::{Alarms, Facts, Health, Place, Points},
    role_at_least,
    text::kind_label,
    token::TokenNotice,
    use_user,
};
use crate::{api, components::load_errors::LoadErrors, state::live::use_live};

/// Loads the device and its points, then shows them (`Detail`).
#[component]
pub fn DevicePage(id: String) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let key = id.clone();
    let loaded = LocalResource::new(move || {
        reload.track();
        let id = key.clone();
        async move {
            let device = api::devices::get(&id).await?;
            let points = api::devices::points_of(&id).await?;
            Ok::<_, api::ApiError>((device, points))
        }
    });
    view! {
        <div class="cairn-device" data-testid="device-page">
            <nav class="cairn-device__crumbs" aria-label="Breadcrumb">
                <A href="/devices">"Devices"</A>" › "<span aria-current="page">{id}</span>
            </nav>
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading the device…"</p> }>
                <ErrorBoundary fallback=|errors| view! {
                    <h1 class="cairn-page-title">"Device"</h1>
                    <LoadErrors errors what="Could not load the device" />
                }>
                    {move || loaded.get().map(|r| r.map(|(device, points)| view! { <Detail device points reload /> }))}
                </ErrorBoundary>
            </Transition>
        </div>
    }
}

/// The loaded device: header with its buttons, the form when editing, the cards.
#[component]
fn Detail(
    device: DeviceSummary,
    points: Vec<PointSummary>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let user = use_user();
    let site = device.site_id.clone();
    let may_edit = Signal::derive(move || {
        user.with(|u| {
            u.as_ref().is_some_and(|u| match u.role {
                Role::Admin => true,
                Role::Manager => u.sees_site(&site),
                _ => false,
            })
        })
    });
    let admin = role_at_least(user, Role::Admin);
    let editing = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let token = RwSignal::new(None::<String>);
    let id = device.id.clone();
    let rotate = Action::new_local(move |_: &()| {
        let id = id.clone();
        async move {
            let t = api::devices::rotate_token(&id).await?;
            let _ = token.try_set(Some(t.token));
            let _ = confirm.try_set(false);
            Ok::<_, api::ApiError>(())
        }
    });
    let live = use_live();
    let zone = live
        .sites
        .with_untracked(|s| {
            s.iter()
                .find(|s| s.id == device.site_id)
                .map(|s| s.time_zone.clone())
        })
        .unwrap_or_else(|| "UTC".into());
    let specs: Vec<PointSpec> = (points.iter())
        .map(|p| PointSpec {
            metric: p.metric,
            interval_s: p.interval_s,
        })
        .collect();
    let form_input = (device.clone(), specs);
    let subtitle = format!("{} · {}", device.id, kind_label(device.kind));
    let device_id = device.id.clone();
    view! {
        <header class="cairn-device__header">
            <div>
                <h1 class="cairn-page-title">{device.name.clone()}</h1>
                <p class="cairn-card__subtitle" data-testid="device-subtitle">{subtitle}</p>
            </div>
            <div class="cairn-device__actions">
                <Show when=move || may_edit.get() && !editing.get()>
                    <button type="button" class="cairn-button cairn-button--primary" data-testid="device-edit"
                        on:click=move |_| editing.set(true)>"Edit"</button>
                </Show>
                <Show when=move || admin.get() && !confirm.get()>
                    <button type="button" class="cairn-button" data-testid="device-rotate-token"
                        on:click=move |_| confirm.set(true)>"Rotate token"</button>
                </Show>
            </div>
        </header>
        <Show when=move || admin.get() && confirm.get()>
            <div class="cairn-notice" role="group" aria-label="Rotate the ingest token">
                <p>"Issue a new ingest token? The device's current token stops working at once."</p>
                <button type="button" class="cairn-button cairn-button--primary" data-testid="device-rotate-confirm"
                    disabled=move || rotate.pending().get() on:click=move |_| { rotate.dispatch_local(()); }>
                    {move || if rotate.pending().get() { "Issuing…" } else { "Issue a new token" }}
                </button>
                <button type="button" class="cairn-button" on:click=move |_| confirm.set(false)>"Cancel"</button>
            </div>
        </Show>
        {move || rotate.value().get().and_then(Result::err).map(|e| view! {
            <p class="cairn-form__error" role="alert">{format!("Could not issue a new token: {e}")}</p>
        })}
        {move || token.get().map(|t| view! {
            <TokenNotice device_id=device_id.clone() token=t on_done=Callback::new(move |()| token.set(None)) />
        })}
        <Show when=move || editing.get()>
            <DeviceForm editing=Some(form_input.clone())
                on_saved=Callback::new(move |_| { editing.set(false); reload.update(|n| *n += 1); })
                on_cancel=Callback::new(move |()| editing.set(false)) />
        </Show>
        <div class="cairn-device__grid">
            <Health device=device.clone() zone=zone.clone() />
            <Points points />
            <Alarms points=device.points.clone() />
            <Place device=device.clone() />
            <Facts device=device.clone() />
            <History id=device.id.clone() zone=zone.clone() />
        </div>
    }
}
