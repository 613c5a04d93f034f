//! `/admin/audit`: every configuration change, newest first, filterable by
//! who, what kind of change, and target. Before/after are shown as text.

use leptos::prelude::*;

use crate::{api, components::load_errors::LoadErrors, format};

#[component]
pub fn Audit() -> impl IntoView {
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let log = LocalResource::new(move || {
        let (a, b, c) = (actor.get(), action.get(), target.get());
        async move { api::auth::audit(&a, &b, &c).await }
    });
    view! {
        <h1 class="cairn-page-title">"Audit log"</h1>
        <form class="cairn-filters" on:submit=|ev| ev.prevent_default()>
            <label class="cairn-field">
                <span class="cairn-field__label">"Who (username)"</span>
                <input class="cairn-field__input" name="actor" prop:value=actor
                    on:change=move |ev| actor.set(event_target_value(&ev)) />
            </label>
            <label class="cairn-field">
                <span class="cairn-field__label">"Change"</span>
                <select class="cairn-field__input" name="action" on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="">"All changes"</option>
                    <option value="user.">"Users: all"</option>
                    <option value="user.create">"Users: created"</option>
                    <option value="user.update">"Users: changed"</option>
                    <option value="user.password_reset">"Users: password reset"</option>
                    <option value="device.">"Devices"</option>
                </select>
            </label>
            <label class="cairn-field">
                <span class="cairn-field__label">"Target"</span>
                <input class="cairn-field__input" name="target" placeholder="user:7, device:bru-…" prop:value=target
                    on:change=move |ev| target.set(event_target_value(&ev)) />
            </label>
        </form>
        <Transition fallback=|| view! { <p class="cairn-muted">"Loading the audit log…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the audit log" /> }>
            {move || log.get().map(|result| result.map(|page| view! {
                    <p class="cairn-muted" data-testid="audit-count">
                        {format!("{} of {} changes", page.items.len(), page.total)}
                    </p>
                    <div class="cairn-table-wrap">
                        <table class="cairn-table" data-testid="audit-table">
                            <thead><tr>
                                <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Change"</th>
                                <th scope="col">"Target"</th><th scope="col">"Before"</th><th scope="col">"After"</th>
                            </tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|e| view! {
                                    <tr data-testid="audit-row">
                                        <td>{format::date_time(e.at)}</td>
                                        <td>{e.actor}</td>
                                        <td>{e.action}</td>
                                        <td>{e.target}</td>
                                        <td><code class="cairn-json">{e.before.unwrap_or_default()}</code></td>
                                        <td><code class="cairn-json">{e.after.unwrap_or_default()}</code></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }))}
            </ErrorBoundary>
        </Transition>
    }
}
