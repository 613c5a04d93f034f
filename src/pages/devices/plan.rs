//! An import plan as text: what the file would do (or did) in counts, every
//! error by row and column, and each row's action with, for an update, its
//! changes field by field (`column: before → after`).

use cairn_protocol::{FieldChange, ImportAction, ImportError, ImportPlan};
use leptos::prelude::*;

use super::text;

/// Rows listed at most (the counts and the errors are always whole).
const MAX_ROWS: usize = 500;

/// The action as `data-action` names it (the wire's name).
pub fn action_name(a: ImportAction) -> &'static str {
    match a {
        ImportAction::Create => "create",
        ImportAction::Update => "update",
        ImportAction::Unchanged => "unchanged",
        ImportAction::Invalid => "invalid",
    }
}

fn action_label(a: ImportAction, applied: bool) -> &'static str {
    match (a, applied) {
        (ImportAction::Create, false) => "Create",
        (ImportAction::Create, true) => "Created",
        (ImportAction::Update, false) => "Update",
        (ImportAction::Update, true) => "Updated",
        (ImportAction::Unchanged, _) => "Unchanged",
        (ImportAction::Invalid, _) => "Has errors",
    }
}

/// `2 to create · 1 to update · 3 unchanged`, or once written
/// `Written: 2 created, 1 updated, 3 unchanged.`
pub fn counts(p: &ImportPlan) -> String {
    let n = |v: u32| text::count(u64::from(v));
    if p.applied {
        format!(
            "Written: {} created, {} updated, {} unchanged.",
            n(p.create),
            n(p.update),
            n(p.unchanged)
        )
    } else {
        format!(
            "{} to create · {} to update · {} unchanged",
            n(p.create),
            n(p.update),
            n(p.unchanged)
        )
    }
}

/// `Row 3, column lat: a latitude from -90 to 90 degrees`.
pub fn error_line(e: &ImportError) -> String {
    if e.column.is_empty() {
        format!("Row {}: {}", e.row, e.message)
    } else {
        format!("Row {}, column {}: {}", e.row, e.column, e.message)
    }
}

/// `name: Old → New` (an empty value shows as `(empty)`).
pub fn change_line(c: &FieldChange) -> String {
    let shown = |v: &str| {
        if v.is_empty() {
            "(empty)".to_owned()
        } else {
            v.to_owned()
        }
    };
    format!("{}: {} → {}", c.column, shown(&c.before), shown(&c.after))
}

/// Whether applying `p` would write something and may be tried.
pub fn may_apply(p: &ImportPlan) -> bool {
    !p.applied && p.errors.is_empty() && p.create + p.update > 0
}

/// The plan: counts, errors, rows.
#[component]
pub fn PlanView(plan: ImportPlan) -> impl IntoView {
    let applied = plan.applied;
    let errors = plan.errors.len();
    let shown = plan.rows.len().min(MAX_ROWS);
    let more = plan.rows.len() - shown;
    let verdict = match (applied, errors) {
        (true, _) => None,
        (false, 0) => None,
        (false, n) => Some(format!(
            "{} error{}: nothing is written until {} fixed.",
            text::count(n as u64),
            if n == 1 { "" } else { "s" },
            if n == 1 { "it is" } else { "they are" }
        )),
    };
    view! {
        <div class="cairn-devices__plan" data-testid="import-plan" data-applied=applied.to_string()>
            <p class="cairn-devices__plan-counts" role="status" data-testid="import-counts">{counts(&plan)}</p>
            {verdict.map(|v| view! { <p class="cairn-form__error" data-testid="import-verdict">{v}</p> })}
            {(errors > 0).then(|| view! {
                <ul class="cairn-devices__plan-errors" data-testid="import-errors">
                    {plan.errors.iter().map(|e| view! {
                        <li class="cairn-form__error" data-testid="import-error" data-row=e.row.to_string() data-column=e.column.clone()>
                            {error_line(e)}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!plan.rows.is_empty()).then(|| view! {
                <div class="cairn-table-wrap cairn-devices__plan-rows">
                    <table class="cairn-table" data-testid="import-rows">
                        <thead><tr><th scope="col">"Row"</th><th scope="col">"Id"</th><th scope="col">"Action"</th><th scope="col">"Changes"</th></tr></thead>
                        <tbody>
                            {plan.rows.into_iter().take(MAX_ROWS).map(|r| view! {
                                <tr data-testid="import-row" data-device=r.id.clone() data-action=action_name(r.action)>
                                    <td>{r.row}</td>
                                    <td class="cairn-table__strong">{r.id.clone()}</td>
                                    <td class=format!("cairn-devices__action cairn-devices__action--{}", action_name(r.action))>
                                        {action_label(r.action, applied)}
                                    </td>
                                    <td>
                                        {(!r.changes.is_empty()).then(|| view! {
                                            <ul class="cairn-devices__changes">
                                                {r.changes.iter().map(|c| view! {
                                                    <li data-testid="import-change" data-column=c.column.clone()>{change_line(c)}</li>
                                                }).collect_view()}
                                            </ul>
                                        })}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {(more > 0).then(|| view! {
                <p class="cairn-muted">{format!("…and {} more rows (the counts above cover them all).", text::count(more as u64))}</p>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> ImportPlan {
        ImportPlan {
            rows: Vec::new(),
            errors: Vec::new(),
            create: 2,
            update: 1,
            unchanged: 1_234,
            applied: false,
        }
    }

    #[test]
    fn a_plan_reads_as_text() {
        let mut p = plan();
        assert_eq!(counts(&p), "2 to create · 1 to update · 1,234 unchanged");
        assert!(may_apply(&p));
        p.applied = true;
        assert_eq!(
            counts(&p),
            "Written: 2 created, 1 updated, 1,234 unchanged."
        );
        assert!(!may_apply(&p), "written already");
        let e = ImportError {
            row: 3,
            column: "lat".into(),
            message: "a latitude from -90 to 90 degrees".into(),
        };
        assert_eq!(
            error_line(&e),
            "Row 3, column lat: a latitude from -90 to 90 degrees"
        );
        let whole = ImportError {
            column: String::new(),
            ..e
        };
        assert_eq!(
            error_line(&whole),
            "Row 3: a latitude from -90 to 90 degrees"
        );
        let c = FieldChange {
            column: "model".into(),
            before: String::new(),
            after: "ERS Lite".into(),
        };
        assert_eq!(change_line(&c), "model: (empty) → ERS Lite");
    }

    #[test]
    fn only_a_clean_plan_with_something_to_write_may_be_applied() {
        let mut p = plan();
        p.errors.push(ImportError {
            row: 2,
            column: "kind".into(),
            message: "unknown kind".into(),
        });
        assert!(!may_apply(&p));
        let mut p = plan();
        (p.create, p.update) = (0, 0);
        assert!(!may_apply(&p), "nothing to write");
    }
}
