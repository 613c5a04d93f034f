//! What a rule watches: the scope level, its target chosen from the
//! catalogue the app holds (sites, buildings and points from the live store,
//! zones from `/api/zones`), and the metric.

use cairn_protocol::{Metric, ScopeLevel, Zone};
use leptos::prelude::*;

use super::rule_fields::{FieldError, FormCtx};
use crate::{
    format,
    state::live::{LiveStore, use_live},
};

/// `(id, label)` of everything a scope level can name, sorted by label.
pub(super) fn choices(
    live: &LiveStore,
    level: ScopeLevel,
    zones: &[Zone],
) -> Vec<(String, String)> {
    let site_name = |id: &str| {
        live.sites.with(|s| {
            s.iter()
                .find(|s| s.id == id)
                .map_or_else(|| id.to_owned(), |s| s.name.clone())
        })
    };
    let building_name = |id: &str| {
        live.buildings.with(|b| {
            b.iter()
                .find(|b| b.id == id)
                .map_or_else(|| id.to_owned(), |b| b.name.clone())
        })
    };
    let mut out: Vec<(String, String)> = match level {
        ScopeLevel::Everywhere => Vec::new(),
        ScopeLevel::Site => live
            .sites
            .with(|s| s.iter().map(|s| (s.id.clone(), s.name.clone())).collect()),
        ScopeLevel::Building => live.buildings.with(|b| {
            b.iter()
                .map(|b| {
                    (
                        b.id.clone(),
                        format!("{} › {}", site_name(&b.site_id), b.name),
                    )
                })
                .collect()
        }),
        ScopeLevel::Zone => zones
            .iter()
            .map(|z| {
                (
                    z.id.clone(),
                    format!("{} › {}", building_name(&z.building_id), z.name),
                )
            })
            .collect(),
        ScopeLevel::Device => live.points.with(|ps| {
            let mut seen = std::collections::HashSet::new();
            ps.iter()
                .filter(|p| seen.insert(p.device_id.clone()))
                .map(|p| {
                    (
                        p.device_id.clone(),
                        format!("{} — {}", p.device_name, site_name(&p.site_id)),
                    )
                })
                .collect()
        }),
        ScopeLevel::Point => live.points.with(|ps| {
            ps.iter()
                .map(|p| {
                    let key = format!("{}/{}", p.device_id, p.metric.name());
                    (
                        key,
                        format!(
                            "{} · {} — {}",
                            p.device_name,
                            p.metric.label(),
                            site_name(&p.site_id)
                        ),
                    )
                })
                .collect()
        }),
    };
    out.sort_by_cached_key(|(_, label)| format::sort_key(label));
    out
}

fn level_label(level: ScopeLevel) -> &'static str {
    match level {
        ScopeLevel::Everywhere => "Everywhere (all sites)",
        ScopeLevel::Site => "A site",
        ScopeLevel::Building => "A building",
        ScopeLevel::Zone => "A zone (room)",
        ScopeLevel::Device => "A device",
        ScopeLevel::Point => "One point",
    }
}

#[component]
pub fn TargetFields(
    ctx: FormCtx,
    /// Admins may write rules for every site.
    #[prop(into)]
    admin: Signal<bool>,
    #[prop(into)] zones: Signal<Vec<Zone>>,
) -> impl IntoView {
    let live = use_live();
    let level = Memo::new(move |_| ctx.draft.with(|d| d.scope));
    let options = Memo::new(move |_| zones.with(|z| choices(&live, level.get(), z)));
    let target = move || ctx.draft.with(|d| d.target.clone());
    let metric = move || {
        ctx.draft
            .with(|d| d.metric.map(|m| m.name().to_owned()).unwrap_or_default())
    };
    view! {
        <div class="cairn-form__row">
            <label class="cairn-field">
                <span class="cairn-field__label">"Watches"</span>
                <select class="cairn-field__input" data-testid="rule-scope" name="scope"
                    on:change=move |ev| if let Some(l) = ScopeLevel::parse(&event_target_value(&ev)) {
                        ctx.edit("target", |d| { d.scope = l; d.target.clear(); });
                    }>
                    {move || ScopeLevel::ALL.into_iter()
                        .filter(|l| *l != ScopeLevel::Everywhere || admin.get() || level.get() == *l)
                        .map(|l| view! { <option value=l.name() selected=move || level.get() == l>{level_label(l)}</option> })
                        .collect_view()}
                </select>
            </label>
            <Show when=move || level.get() != ScopeLevel::Everywhere>
                <label class="cairn-field">
                    <span class="cairn-field__label">{move || format!("Which {}", level.get().name())}</span>
                    <select class="cairn-field__input" data-testid="rule-target" name="target" prop:value=target
                        on:blur=move |_| ctx.blur("target")
                        on:change=move |ev| { ctx.edit("target", |d| d.target = event_target_value(&ev)); ctx.blur("target"); }>
                        <option value="">"Choose…"</option>
                        {move || options.get().into_iter().map(|(id, label)| {
                            let on = ctx.draft.with_untracked(|d| d.target == id);
                            view! { <option value=id selected=on>{label}</option> }
                        }).collect_view()}
                    </select>
                    <FieldError field="target" error=ctx.error("target") />
                </label>
            </Show>
            <label class="cairn-field">
                <span class="cairn-field__label">"Metric"</span>
                <select class="cairn-field__input" data-testid="rule-metric" name="metric" prop:value=metric
                    on:blur=move |_| ctx.blur("metric")
                    on:change=move |ev| ctx.edit("metric", |d| d.metric = Metric::parse(&event_target_value(&ev)))>
                    <option value="">{move || if level.get() == ScopeLevel::Point { "The point's" } else { "Every metric (no data only)" }}</option>
                    {move || {
                        crate::state::metrics::track_metrics();
                        Metric::all().into_iter().map(|m| view! {
                            <option value=m.name() selected=move || ctx.draft.with(|d| d.metric == Some(m))>{m.label()}</option>
                        }).collect_view()
                    }}
                </select>
                <FieldError field="metric" error=ctx.error("metric") />
            </label>
        </div>
    }
}
