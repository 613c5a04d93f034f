//! The device form's state shared by its parts, and its text inputs, each
//! with its error underneath (`field-error-<field>`): the validator's once
//! the field was left or the form submitted, else the server's 422 detail
//! for it (dropped when the field is edited). The same rules as the rule
//! form's (`pages/alerts/rule_fields.rs`), for field names that may be built
//! at run time (`points[2].interval_s`).

use std::collections::HashSet;

use leptos::prelude::*;

use super::draft::DeviceDraft;

/// Whether the problem at `at` is about `field` (`tags[3]` is about `tags`).
pub fn about(at: &str, field: &str) -> bool {
    at == field || at.strip_prefix(field).is_some_and(|r| r.starts_with('['))
}

#[derive(Clone, Copy)]
pub struct FormCtx {
    pub draft: RwSignal<DeviceDraft>,
    /// The one validator's problems of the draft, live.
    pub problems: Memo<Vec<(String, String)>>,
    pub touched: RwSignal<HashSet<String>>,
    pub submitted: RwSignal<bool>,
    /// The server's 422 details, `(location, message)`.
    pub server: RwSignal<Vec<(String, String)>>,
}

impl FormCtx {
    pub fn new(draft: DeviceDraft) -> FormCtx {
        let draft = RwSignal::new(draft);
        FormCtx {
            draft,
            problems: Memo::new(move |_| draft.with(DeviceDraft::problems)),
            touched: RwSignal::new(HashSet::new()),
            submitted: RwSignal::new(false),
            server: RwSignal::new(Vec::new()),
        }
    }

    /// The error shown under `field`.
    pub fn error(self, field: String) -> Signal<Option<String>> {
        Signal::derive(move || {
            let find = |list: &Vec<(String, String)>| {
                (list.iter())
                    .find(|(at, _)| about(at, &field))
                    .map(|(_, m)| m.clone())
            };
            let judged = self.submitted.get() || self.touched.with(|t| t.contains(&field));
            (judged.then(|| self.problems.with(find)).flatten()).or_else(|| self.server.with(find))
        })
    }

    pub fn blur(self, field: &str) {
        // The form may be gone: a focused input blurs as the form leaves the page.
        if self.touched.try_with_untracked(|t| t.contains(field)) == Some(false) {
            self.touched.try_update(|t| {
                t.insert(field.to_owned());
            });
        }
    }

    /// Changes the draft through `field`'s input; the server's word on it is stale.
    pub fn edit(self, field: &str, change: impl FnOnce(&mut DeviceDraft)) {
        self.edit_all(&[field], change);
    }

    /// Changes the draft through several fields at once (the plan picker
    /// sets x and y); the server's word on each of them is stale.
    pub fn edit_all(self, fields: &[&str], change: impl FnOnce(&mut DeviceDraft)) {
        self.draft.update(change);
        let stale = |at: &str| fields.iter().any(|f| about(at, f));
        if (self.server).with_untracked(|s| s.iter().any(|(at, _)| stale(at))) {
            self.server.update(|s| s.retain(|(at, _)| !stale(at)));
        }
    }
}

/// A field's error, under its input.
#[component]
pub fn FieldError(#[prop(into)] field: String, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.with(Option::is_some)>
            <span class="cairn-field__error" role="alert" data-testid=format!("field-error-{field}")>
                {move || error.get().unwrap_or_default()}
            </span>
        </Show>
    }
}

/// A text input bound to a draft string (`device-<field>`), its error underneath.
#[component]
pub fn Text(
    ctx: FormCtx,
    field: &'static str,
    label: &'static str,
    get: fn(&DeviceDraft) -> String,
    set: fn(&mut DeviceDraft, String),
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional, into)] placeholder: Option<String>,
) -> impl IntoView {
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            <input class="cairn-field__input" data-testid=format!("device-{field}") name=field type=kind
                inputmode=inputmode placeholder=placeholder autocomplete="off" spellcheck="false"
                prop:value=move || ctx.draft.with(get)
                on:input=move |ev| ctx.edit(field, |d| set(d, event_target_value(&ev)))
                on:blur=move |_| ctx.blur(field) />
            {hint.map(|h| view! { <span class="cairn-form__hint">{h}</span> })}
            <FieldError field error=ctx.error(field.to_owned()) />
        </label>
    }
}
