//! `/devices`: the inventory. A search box, health chips and selects with
//! counts per value (the list's facets), all in the URL query so a reload
//! reproduces the view; a virtualised table (cards on a tablet) that pages
//! through the server's keyset list as it scrolls; "Add device" for managers
//! and admins (`?new=1` opens the form; the new device's token is shown
//! once). "Download CSV" exports the list as filtered and sorted;
//! managers and admins also get "Import CSV" (`import.rs`, plan then apply)
//! and a checkbox per device for bulk changes (`bulk.rs`: retire, put in
//! maintenance). Anyone may name the filters shown as a view, kept in this
//! browser (`views.rs`). `/devices/:id`: one device (`page.rs`). Buttons a
//! role lacks are hidden, and the server refuses them anyway.

mod bulk;
mod draft;
mod filters;
mod form;
mod form_ctx;
mod form_place;
mod form_points;
mod history;
mod import;
mod page;
mod page_parts;
mod plan;
mod plan_spot;
mod row;
mod select;
mod table;
// Kind labels are shared with the admin pages' claim form.
pub(super) mod text;
// `copy` (the clipboard) is shared with the admin pages.
pub(super) mod token;
mod view;
mod views;

use std::collections::HashMap;

use cairn_protocol::{Role, User};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_use::use_event_listener;

use crate::{
    api,
    components::load_errors::LoadErrors,
    state::{
        clock::use_clock,
        live::use_live,
        session::{Auth, use_session},
    },
};
use bulk::BulkBar;
use filters::FilterBar;
use form::{DeviceForm, Saved};
use import::ImportPanel;
use row::RowCtx;
use select::Selection;
use table::{DeviceTable, PAGE};
use token::TokenNotice;
use view::{query_string, use_inventory_view};

/// Height of a table row, px.
const ROW_H: f64 = 52.0;
/// Height of a card with the gap below it, px (tablet).
const CARD_H: f64 = 184.0;
const CARD_GAP: f64 = 12.0;
/// Widest window that shows cards rather than a table, px.
const CARDS_MAX: f64 = 900.0;

/// The signed-in user, if any.
fn use_user() -> Signal<Option<User>> {
    let session = use_session();
    Signal::derive(move || match &*session.auth.read() {
        Auth::SignedIn(me) => Some(me.user.clone()),
        _ => None,
    })
}

/// Whether the user's role includes `role`.
fn role_at_least(user: Signal<Option<User>>, role: Role) -> Signal<bool> {
    Signal::derive(move || user.with(|u| u.as_ref().is_some_and(|u| u.role.includes(role))))
}

/// Whether the window is narrow enough for cards (a tablet held upright).
fn use_cards() -> Memo<bool> {
    let width = || {
        window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .unwrap_or(1440.0)
    };
    let now = RwSignal::new(width());
    let _ = use_event_listener(window(), leptos::ev::resize, move |_| now.set(width()));
    Memo::new(move |_| now.get() <= CARDS_MAX)
}

/// Both routes: the inventory, or the device `:id` names.
#[component]
pub fn Devices() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    move || match id.get() {
        Some(id) => view! { <page::DevicePage id /> }.into_any(),
        None => view! { <Inventory /> }.into_any(),
    }
}

/// The inventory list with its filters, the form and the once-shown token.
#[component]
fn Inventory() -> impl IntoView {
    let nav = use_inventory_view();
    let may_add = role_at_least(use_user(), Role::Manager);
    let live = use_live();
    let cards = use_cards();
    let select = Selection::new(may_add);
    // Another view lists other devices: what was selected goes.
    Effect::watch(move || nav.view.get(), move |_, _, _| select.clear(), false);
    let ctx = RowCtx {
        now: live.server_now(use_clock().0),
        row_h: Signal::derive(move || if cards.get() { CARD_H } else { ROW_H }),
        gap: Signal::derive(move || if cards.get() { CARD_GAP } else { 0.0 }),
        zones: Memo::new(move |_| {
            live.sites.with(|s| {
                s.iter()
                    .map(|s| (s.id.clone(), s.time_zone.clone()))
                    .collect()
            })
        }),
        readings: Memo::new(move |_| {
            live.points.with(|ps| {
                ps.iter()
                    .map(|p| (p.id, p.reading))
                    .collect::<HashMap<_, _>>()
            })
        }),
        select,
    };
    let reload = RwSignal::new(0u32);
    let first = LocalResource::new(move || {
        reload.track();
        let q = nav.view.with(|v| query_string(&v.pairs()));
        async move {
            let sep = if q.is_empty() { "" } else { "&" };
            let page = api::devices::list(&format!("{q}{sep}limit={PAGE}&facets=true")).await?;
            Ok::<_, api::ApiError>((q, page))
        }
    });
    let total = Memo::new(move |_| {
        first.with(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|(_, p)| p.total)
        })
    });
    let facets = Memo::new(move |_| {
        first.with(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|(_, p)| p.facets.clone())
        })
    });
    let created = RwSignal::new(None::<(String, String)>);
    let on_saved = Callback::new(move |saved: Saved| {
        if let Saved::Created(new) = saved {
            created.set(Some((new.device.id, new.token)));
        }
        nav.form.run(false);
        reload.update(|n| *n += 1);
    });
    let on_sort = Callback::new(move |s| nav.set.run(nav.view.get_untracked().sorted_by(s)));
    let importing = RwSignal::new(false);
    let refresh = Callback::new(move |()| reload.update(|n| *n += 1));
    let after_bulk = Callback::new(move |()| {
        select.clear();
        reload.update(|n| *n += 1);
    });
    // Exactly the list's filters and order (every page).
    let export = move || api::devices::export_url(&nav.view.with(|v| query_string(&v.pairs())));
    view! {
        <div class="cairn-devices" class:cairn-devices--cards=cards>
            <header class="cairn-devices__header">
                <h1 class="cairn-page-title">"Devices"</h1>
                <span class="cairn-devices__total" data-testid="devices-total" aria-live="polite">
                    {move || total.get().map(text::devices).unwrap_or_default()}
                </span>
                <div class="cairn-devices__actions">
                    <a class="cairn-button" href=export download="cairn-devices.csv" data-testid="devices-export">"Download CSV"</a>
                    <Show when=move || may_add.get()>
                        <button type="button" class="cairn-button" data-testid="devices-import-open"
                            aria-expanded=move || importing.get().to_string()
                            on:click=move |_| importing.update(|o| *o = !*o)>"Import CSV"</button>
                    </Show>
                    <Show when=move || may_add.get() && !nav.creating.get()>
                        <button type="button" class="cairn-button cairn-button--primary" data-testid="devices-add"
                            on:click=move |_| nav.form.run(true)>"Add device"</button>
                    </Show>
                </div>
            </header>
            <Show when=move || may_add.get() && importing.get()>
                <ImportPanel on_applied=refresh on_close=Callback::new(move |()| importing.set(false)) />
            </Show>
            {move || created.get().map(|(device_id, token)| view! {
                <TokenNotice device_id token link=true on_done=Callback::new(move |()| created.set(None)) />
            })}
            <Show when=move || may_add.get() && nav.creating.get()>
                <DeviceForm editing=None on_saved on_cancel=Callback::new(move |()| nav.form.run(false)) />
            </Show>
            <FilterBar view=nav.view set=nav.set facets />
            <BulkBar select now=ctx.now on_done=after_bulk />
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading devices…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the devices" /> }>
                    {move || first.get().map(|r| r.map(|(query, page)| view! {
                        <DeviceTable page query view=nav.view on_sort cards=cards.into() ctx />
                    }))}
                </ErrorBoundary>
            </Transition>
        </div>
    }
}
