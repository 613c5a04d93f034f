//! Maintenance windows (managers on their sites, admins): the windows
//! running now first ("until …"), then those to come; a form to plan one;
//! End stops a window now. Times show in the site's zone, named.

use cairn_protocol::{MaintenanceWindow, ScopeLevel};
use leptos::prelude::*;

use super::maintenance_form::WindowForm;
use crate::{
    api::{self, ApiError},
    components::load_errors::LoadErrors,
    format,
    state::live::{LiveStore, use_live},
};

#[component]
pub fn Maintenance() -> impl IntoView {
    let live = use_live();
    let reload = RwSignal::new(0u32);
    let windows = LocalResource::new(move || {
        reload.track();
        api::maintenance::windows()
    });
    let adding = RwSignal::new(false);
    let now = move || js_sys::Date::now() as i64 + live.clock_offset.get_untracked() as i64;
    let saved = Callback::new(move |_: MaintenanceWindow| {
        adding.set(false);
        reload.update(|n| *n += 1);
    });
    let end = Action::new_local(move |id: &i64| {
        let id = *id;
        async move {
            api::maintenance::delete_window(id).await?;
            reload.update(|n| *n += 1);
            Ok::<(), ApiError>(())
        }
    });
    let on_end = Callback::new(move |w: MaintenanceWindow| {
        let ask = format!("End the maintenance window “{}” now?", w.spec.reason);
        if window().confirm_with_message(&ask).unwrap_or(false) {
            end.dispatch_local(w.id);
        }
    });
    view! {
        <section class="cairn-maintenance" aria-label="Maintenance windows">
            <Show when=move || !adding.get()>
                <button type="button" class="cairn-button cairn-button--primary cairn-maintenance__new" data-testid="maintenance-new"
                    on:click=move |_| adding.set(true)>"Plan maintenance"</button>
            </Show>
            <Show when=move || adding.get()>
                <WindowForm now=now() on_saved=saved on_cancel=Callback::new(move |()| adding.set(false)) />
            </Show>
            {move || end.value().get().and_then(Result::err).map(|e| view! {
                <p class="cairn-form__error" role="alert">{format!("Could not end the window: {e}")}</p>
            })}
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading maintenance windows…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the maintenance windows" /> }>
                    {move || windows.get().map(|r| r.map(|list| view! { <WindowTable list now=now() on_end /> }))}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// What a window covers, by name, and the time zone of its site.
fn covers(live: &LiveStore, w: &MaintenanceWindow) -> (String, String) {
    let t = w.spec.target.as_str();
    let site_of = |id: &str| {
        live.sites
            .with_untracked(|s| s.iter().find(|s| s.id == id).cloned())
    };
    let (name, site) = match w.spec.scope {
        ScopeLevel::Site => (site_of(t).map(|s| s.name.clone()), Some(t.to_owned())),
        ScopeLevel::Building => live.buildings.with_untracked(|b| {
            b.iter().find(|b| b.id == t).map_or((None, None), |b| {
                (Some(b.name.clone()), Some(b.site_id.clone()))
            })
        }),
        _ => live.points.with_untracked(|p| {
            p.iter()
                .find(|p| p.device_id == t)
                .map_or((None, None), |p| {
                    (Some(p.device_name.clone()), Some(p.site_id.clone()))
                })
        }),
    };
    let site = site.and_then(|s| site_of(&s));
    let mut label = w.spec.scope.name().to_owned();
    label[..1].make_ascii_uppercase();
    let name = name.unwrap_or_else(|| t.to_owned());
    let text = match &site {
        Some(s) if w.spec.scope != ScopeLevel::Site => format!("{label}: {name} ({})", s.name),
        _ => format!("{label}: {name}"),
    };
    (
        text,
        site.map(|s| s.time_zone)
            .unwrap_or_else(|| "UTC".to_owned()),
    )
}

#[component]
fn WindowTable(
    list: Vec<MaintenanceWindow>,
    now: i64,
    on_end: Callback<MaintenanceWindow>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="cairn-empty" data-testid="maintenance-empty">"No maintenance running or planned."</p> }.into_any();
    }
    let live = use_live();
    let mut list = list;
    // Running first (ending soonest first), then to come (starting soonest first).
    list.sort_by_key(|w| {
        if w.spec.from <= now {
            (0, w.spec.to)
        } else {
            (1, w.spec.from)
        }
    });
    let rows = list
        .into_iter()
        .map(|w| {
            let (what, zone) = covers(&live, &w);
            let running = w.spec.from <= now;
            let when = if running {
                format!("until {}", format::date_time_in(w.spec.to, &zone))
            } else {
                format!(
                    "from {} until {}",
                    format::date_time_in(w.spec.from, &zone),
                    format::date_time_in(w.spec.to, &zone)
                )
            };
            let w2 = w.clone();
            view! {
                <tr data-testid="maintenance-row" data-window=w.id.to_string() data-running=running.to_string()>
                    <td><span class="cairn-table__strong">{what}</span></td>
                    <td>
                        <span class=if running { "cairn-maintenance__now" } else { "cairn-maintenance__later" }>
                            {if running { "In effect" } else { "Planned" }}
                        </span><br />
                        {when}
                    </td>
                    <td class="cairn-maintenance__reason">{w.spec.reason.clone()}</td>
                    <td>{w.created_by.clone()}</td>
                    <td>
                        <button type="button" class="cairn-button cairn-maintenance__end" data-testid="maintenance-end"
                            on:click=move |_| on_end.run(w2.clone())>{if running { "End now" } else { "Cancel" }}</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="cairn-table-wrap">
            <table class="cairn-table" data-testid="maintenance-table">
                <thead><tr>
                    <th scope="col">"Covers"</th><th scope="col">"When"</th><th scope="col">"Reason"</th>
                    <th scope="col">"Planned by"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
