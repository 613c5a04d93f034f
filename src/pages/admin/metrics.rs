//! `/admin/metrics`: what points measure. Every metric in a table (a card
//! each on a tablet), built-in ones first, then those admins defined; for
//! admins a form for new ones and Edit on their own (the server refuses
//! everyone else's changes). Every signed-in user may read the list.

use cairn_protocol::{MetricDef, Role};
use leptos::prelude::*;

use super::{metric_form::MetricForm, metric_row::MetricRow};
use crate::{
    api,
    components::load_errors::LoadErrors,
    state::session::{Auth, use_session},
};

#[derive(Clone)]
enum Editing {
    None,
    New,
    Metric(Box<MetricDef>),
}

#[component]
pub fn Metrics() -> impl IntoView {
    let session = use_session();
    let admin = Memo::new(
        move |_| matches!(&*session.auth.read(), Auth::SignedIn(me) if me.user.role == Role::Admin),
    );
    let reload = RwSignal::new(0u32);
    let metrics = LocalResource::new(move || {
        reload.track();
        api::metrics::metrics()
    });
    let editing = RwSignal::new(Editing::None);
    let notice = RwSignal::new(None::<String>);
    let saved = Callback::new(move |def: MetricDef| {
        let added = matches!(editing.get_untracked(), Editing::New);
        notice.set(Some(if added {
            format!(
                "Metric {} added: devices can now have a {} point.",
                def.label, def.name
            )
        } else {
            format!("Metric {} saved.", def.label)
        }));
        editing.set(Editing::None);
        reload.update(|n| *n += 1);
    });
    let cancel = Callback::new(move |()| editing.set(Editing::None));
    let on_edit = Callback::new(move |def: MetricDef| {
        notice.set(None);
        editing.set(Editing::Metric(Box::new(def)));
    });
    let admin = Signal::from(admin);
    view! {
        <div class="cairn-metrics" data-testid="metrics-page">
            <h1 class="cairn-page-title">"Metrics"</h1>
            <p class="cairn-muted cairn-metrics__intro">
                "What points measure. Built-in metrics follow SenML units (RFC 8428/8798); define your own for sensors \
                 Cairn does not know yet — the name is the SenML record name devices send (<device>/<name>)."
            </p>
            {move || notice.get().map(|text| view! {
                <div class="cairn-notice" role="status" data-testid="metric-notice">
                    <p>{text}</p>
                    <button type="button" class="cairn-button" on:click=move |_| notice.set(None)>"Done"</button>
                </div>
            })}
            <Show when=move || admin.get() && matches!(editing.get(), Editing::None)>
                <button type="button" class="cairn-button cairn-button--primary cairn-metrics__new" data-testid="metric-new"
                    on:click=move |_| { notice.set(None); editing.set(Editing::New); }>"New metric"</button>
            </Show>
            {move || match (admin.get(), editing.get()) {
                (false, _) | (_, Editing::None) => None,
                (true, Editing::New) => Some(view! { <MetricForm editing=None on_saved=saved on_cancel=cancel /> }),
                (true, Editing::Metric(def)) => Some(view! { <MetricForm editing=Some(*def) on_saved=saved on_cancel=cancel /> }),
            }}
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading metrics…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the metrics" /> }>
                    {move || metrics.get().map(|r| r.map(|list| view! { <MetricTable list admin on_edit /> }))}
                </ErrorBoundary>
            </Transition>
        </div>
    }
}

/// Every metric: built-in ones in the order given, then admins' own.
#[component]
fn MetricTable(
    mut list: Vec<MetricDef>,
    admin: Signal<bool>,
    on_edit: Callback<MetricDef>,
) -> impl IntoView {
    // Stable: each group keeps the server's order.
    list.sort_by_key(|d| !d.built_in);
    view! {
        <div class="cairn-table-wrap cairn-table-wrap--stack">
            <table class="cairn-table cairn-table--stack" data-testid="metrics-table">
                <thead><tr>
                    <th scope="col">"Metric"</th><th scope="col">"Name"</th><th scope="col">"Unit"</th>
                    <th scope="col">"Plausible range"</th><th scope="col">"Decimals"</th><th scope="col">"Default alerts"</th>
                    <th scope="col">"Kind"</th><th scope="col"><span class="cairn-visually-hidden">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|def| view! { <MetricRow def admin on_edit /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
