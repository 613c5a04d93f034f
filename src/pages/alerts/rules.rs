//! The alert rules: name, scope, condition, severity, enabled; managers
//! (their sites) and admins create, edit and delete them in `RuleForm`.

use cairn_protocol::{Role, Rule, ScopeLevel, Zone};
use leptos::prelude::*;

use super::{
    may_edit_rules_of, role_at_least,
    rule_form::RuleForm,
    severity::SeverityTag,
    text::{condition_summary, scope_summary},
    use_user,
};
use crate::{
    api::{self, ApiError},
    components::load_errors::LoadErrors,
    state::live::use_live,
};

/// What the form shows: nothing, a new rule, or a rule to edit.
#[derive(Clone)]
enum Editing {
    None,
    New,
    Rule(Box<Rule>),
}

#[component]
pub fn Rules() -> impl IntoView {
    let user = use_user();
    let manager = role_at_least(user, Role::Manager);
    let admin = role_at_least(user, Role::Admin);
    let reload = RwSignal::new(0u32);
    let rules = LocalResource::new(move || {
        reload.track();
        api::alerts::rules()
    });
    // Zones only matter to those who may write rules.
    let zones_loaded = LocalResource::new(move || {
        let manager = manager.get();
        async move {
            if manager {
                api::catalog::zones().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        }
    });
    let zones = Signal::derive(move || zones_loaded.get().unwrap_or_default());
    let editing = RwSignal::new(Editing::None);
    let saved = Callback::new(move |_: Rule| {
        editing.set(Editing::None);
        reload.update(|n| *n += 1);
    });
    let cancel = Callback::new(move |()| editing.set(Editing::None));
    let delete = Action::new_local(move |id: &i64| {
        let id = *id;
        async move {
            api::alerts::delete_rule(id).await?;
            reload.update(|n| *n += 1);
            Ok::<(), ApiError>(())
        }
    });
    let on_delete = Callback::new(move |rule: Rule| {
        let ask = format!(
            "Delete the rule “{}”? Its open alarms stay in the history.",
            rule.spec.name
        );
        if window().confirm_with_message(&ask).unwrap_or(false) {
            delete.dispatch_local(rule.id);
        }
    });
    let on_edit = Callback::new(move |rule: Rule| editing.set(Editing::Rule(Box::new(rule))));
    view! {
        <section class="cairn-rules" aria-label="Alert rules">
            <Show when=move || manager.get() && matches!(editing.get(), Editing::None)>
                <button type="button" class="cairn-button cairn-button--primary cairn-rules__new" data-testid="rule-new"
                    on:click=move |_| editing.set(Editing::New)>"New rule"</button>
            </Show>
            {move || match editing.get() {
                Editing::None => None,
                Editing::New => Some(view! { <RuleForm editing=None admin zones on_saved=saved on_cancel=cancel /> }),
                Editing::Rule(r) => Some(view! { <RuleForm editing=Some(*r) admin zones on_saved=saved on_cancel=cancel /> }),
            }}
            {move || delete.value().get().and_then(Result::err).map(|e| view! {
                <p class="cairn-form__error" role="alert">{format!("Could not delete: {e}")}</p>
            })}
            <Transition fallback=|| view! { <p class="cairn-muted">"Loading rules…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <LoadErrors errors what="Could not load the rules" /> }>
                    {move || rules.get().map(|r| r.map(|list| view! {
                        <RuleTable list zones on_edit on_delete />
                    }))}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn RuleTable(
    list: Vec<Rule>,
    #[prop(into)] zones: Signal<Vec<Zone>>,
    on_edit: Callback<Rule>,
    on_delete: Callback<Rule>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="cairn-empty" data-testid="rules-empty">"No rules yet."</p> }
            .into_any();
    }
    let live = use_live();
    let user = use_user();
    let name_of = move |level: ScopeLevel, id: &str| -> Option<String> {
        match level {
            ScopeLevel::Site => live
                .sites
                .with_untracked(|s| s.iter().find(|s| s.id == id).map(|s| s.name.clone())),
            ScopeLevel::Building => live
                .buildings
                .with_untracked(|b| b.iter().find(|b| b.id == id).map(|b| b.name.clone())),
            ScopeLevel::Zone => {
                zones.with_untracked(|z| z.iter().find(|z| z.id == id).map(|z| z.name.clone()))
            }
            ScopeLevel::Device => live.points.with_untracked(|p| {
                p.iter()
                    .find(|p| p.device_id == id)
                    .map(|p| p.device_name.clone())
            }),
            ScopeLevel::Point => live.points.with_untracked(|p| {
                p.iter()
                    .find(|p| format!("{}/{}", p.device_id, p.metric.name()) == id)
                    .map(|p| format!("{} · {}", p.device_name, p.metric.label()))
            }),
            ScopeLevel::Everywhere => None,
        }
    };
    let rows = list.into_iter().map(|rule| {
        let may = user.with_untracked(|u| u.as_ref().is_some_and(|u| may_edit_rules_of(u, rule.site_id.as_deref())));
        let s = &rule.spec;
        let metric = s.metric.map_or("any metric", |m| m.label());
        let (edit, del) = (rule.clone(), rule.clone());
        view! {
            <tr data-testid="rule-row" data-rule=rule.id.to_string() class:cairn-table__row--off=!s.enabled>
                <td><span class="cairn-table__strong">{s.name.clone()}</span>
                    {(!s.description.is_empty()).then(|| view! { <br /><span class="cairn-table__muted">{s.description.clone()}</span> })}</td>
                <td>{scope_summary(&rule, name_of)}</td>
                <td>{format!("{metric} {}", condition_summary(&s.condition, s.metric))}</td>
                <td><SeverityTag severity=s.severity /></td>
                <td>{if s.enabled { "on" } else { "off" }}</td>
                <td class="cairn-table__actions">
                    {may.then(|| view! {
                        <button type="button" class="cairn-button" data-testid="rule-edit" on:click=move |_| on_edit.run(edit.clone())>"Edit"</button>
                        <button type="button" class="cairn-button" data-testid="rule-delete" on:click=move |_| on_delete.run(del.clone())>"Delete"</button>
                    })}
                </td>
            </tr>
        }
    }).collect_view();
    view! {
        <div class="cairn-table-wrap">
            <table class="cairn-table" data-testid="rules-table">
                <thead><tr>
                    <th scope="col">"Rule"</th><th scope="col">"Scope"</th><th scope="col">"Condition"</th>
                    <th scope="col">"Severity"</th><th scope="col">"Enabled"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
