//! The rule form's state shared by its parts, and its inputs: each with its
//! error underneath (`field-error-<field>`): the validator's once the field
//! was left or the form submitted, else the server's (cleared on edit).

use std::collections::HashSet;

use cairn_protocol::{Metric, Weekday};
use leptos::prelude::*;

use super::draft::{Draft, fields_of};

/// A form's draft and what is judged of it; `D`: the draft the form holds.
pub struct FormCtx<D: Send + Sync + 'static = Draft> {
    pub draft: RwSignal<D>,
    /// The one validator's problems of the draft (plus what could not be read), live.
    pub problems: Memo<Vec<(String, String)>>,
    pub touched: RwSignal<HashSet<String>>,
    pub submitted: RwSignal<bool>,
    /// The server's 422 details, `(location, message)`.
    pub server: RwSignal<Vec<(String, String)>>,
}

impl<D: Send + Sync + 'static> Clone for FormCtx<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D: Send + Sync + 'static> Copy for FormCtx<D> {}

impl FormCtx<Draft> {
    pub fn new(draft: Draft) -> FormCtx {
        FormCtx::judged_by(draft, Draft::problems)
    }
}

impl<D: Send + Sync + 'static> FormCtx<D> {
    /// A form over `draft`, whose problems `judge` names as `(field, message)`.
    pub fn judged_by(
        draft: D,
        judge: impl Fn(&D) -> Vec<(String, String)> + Send + Sync + 'static,
    ) -> FormCtx<D> {
        let draft = RwSignal::new(draft);
        FormCtx {
            draft,
            problems: Memo::new(move |_| draft.with(&judge)),
            touched: RwSignal::new(HashSet::new()),
            submitted: RwSignal::new(false),
            server: RwSignal::new(Vec::new()),
        }
    }

    /// The error shown under `field`: the validator's once the field was
    /// left or the form submitted, else the server's. A server location
    /// `sites[2]` counts for the field `sites`.
    pub fn error(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            let find = |list: &Vec<(String, String)>| {
                list.iter()
                    .find(|(at, _)| {
                        at == field || at.strip_prefix(field).is_some_and(|r| r.starts_with('['))
                    })
                    .map(|(_, m)| m.clone())
            };
            let judged = self.submitted.get() || self.touched.with(|t| t.contains(field));
            (judged.then(|| self.problems.with(find)).flatten()).or_else(|| self.server.with(find))
        })
    }

    pub fn blur(self, field: &str) {
        // The form may be gone: an input still focused when the form is
        // removed (saved) blurs as it leaves the page.
        if self.touched.try_with_untracked(|t| t.contains(field)) == Some(false) {
            self.touched.try_update(|t| {
                t.insert(field.to_owned());
            });
        }
    }

    /// A submit: the form counts as submitted (every error shows); whether
    /// the draft may be sent (no problem, and no save `pending`).
    pub fn submit(self, ev: &leptos::ev::SubmitEvent, pending: bool) -> bool {
        ev.prevent_default();
        self.submitted.set(true);
        self.problems.with_untracked(Vec::is_empty) && !pending
    }

    /// Keeps a failed save's field errors (a 422) to show under their
    /// fields, and hands the error on.
    pub fn took(self, e: crate::api::ApiError) -> crate::api::ApiError {
        if let crate::api::ApiError::Invalid { fields, .. } = &e {
            self.server.set(fields.clone());
        }
        e
    }

    /// The server's errors no field of `shown` places (`f[2]` counts as
    /// `f`), as `location: message` lines, for the form's general error.
    pub fn unplaced(self, shown: &[&str]) -> Vec<String> {
        let placed = |at: &String| {
            shown
                .iter()
                .any(|f| at == f || at.strip_prefix(f).is_some_and(|r| r.starts_with('[')))
        };
        self.server.with(|s| {
            (s.iter())
                .filter(|(at, _)| !placed(at))
                .map(|(at, m)| format!("{at}: {m}"))
                .collect()
        })
    }

    /// Changes the draft through `field`'s input; the server's word on it is stale.
    pub fn edit(self, field: &str, change: impl FnOnce(&mut D)) {
        self.draft.update(change);
        let about =
            |at: &String| at == field || at.strip_prefix(field).is_some_and(|r| r.starts_with('['));
        if self
            .server
            .with_untracked(|s| s.iter().any(|(at, _)| about(at)))
        {
            self.server.update(|s| s.retain(|at| !about(&at.0)));
        }
    }
}

/// A field's error, under its input.
#[component]
pub fn FieldError(
    field: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Show when=move || error.with(Option::is_some)>
            <span class="cairn-field__error" role="alert" data-testid=format!("field-error-{field}")>
                {move || error.get().unwrap_or_default()}
            </span>
        </Show>
    }
}

/// A one-line (or multi-line) text input bound to a draft string.
#[component]
pub fn TextField(
    ctx: FormCtx,
    field: &'static str,
    #[prop(into)] label: Signal<String>,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = false)] multiline: bool,
) -> impl IntoView {
    let value = move || ctx.draft.with(get);
    let on_input = move |ev| ctx.edit(field, |d| set(d, event_target_value(&ev)));
    let testid = format!("rule-{field}");
    let input = if multiline {
        view! {
            <textarea class="cairn-field__input cairn-rule-form__text" data-testid=testid name=field maxlength="1000"
                prop:value=value on:input=on_input on:blur=move |_| ctx.blur(field)></textarea>
        }
        .into_any()
    } else {
        view! {
            <input class="cairn-field__input" data-testid=testid name=field type=kind
                prop:value=value on:input=on_input on:blur=move |_| ctx.blur(field) />
        }
        .into_any()
    };
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            {input}
            {hint.map(|h| view! { <span class="cairn-form__hint">{h}</span> })}
            <FieldError field error=ctx.error(field) />
        </label>
    }
}

/// A number of the condition or a delay, typed as text.
#[component]
pub fn NumberField(
    ctx: FormCtx,
    field: &'static str,
    #[prop(into)] label: Signal<String>,
) -> impl IntoView {
    let value = move || ctx.draft.with(|d| d.text(field));
    view! {
        <label class="cairn-field">
            <span class="cairn-field__label">{label}</span>
            <input class="cairn-field__input" data-testid=format!("rule-{field}") name=field inputmode="decimal"
                autocomplete="off" prop:value=value on:blur=move |_| ctx.blur(field)
                on:input=move |ev| ctx.edit(field, |d| { d.num.insert(field, event_target_value(&ev)); }) />
            <FieldError field error=ctx.error(field) />
        </label>
    }
}

fn label_of(field: &str, metric: Option<Metric>) -> String {
    let unit = metric.map(Metric::display_unit).filter(|u| !u.is_empty());
    let with_unit = |what: &str| unit.map_or_else(|| what.to_owned(), |u| format!("{what} ({u})"));
    match field {
        "trigger" => with_unit("Trigger at"),
        "clear" => with_unit("Clears at"),
        "low" => with_unit("Low"),
        "high" => with_unit("High"),
        "low_clear" => with_unit("Low clear"),
        "high_clear" => with_unit("High clear"),
        "after_s" => "After (s; blank: 3 reporting intervals)".to_owned(),
        "per_hour" => with_unit("Rate per hour"),
        _ => with_unit("Clears at rate per hour"),
    }
}

/// The numbers of the chosen condition kind.
#[component]
pub fn ConditionFields(ctx: FormCtx) -> impl IntoView {
    let kind = Memo::new(move |_| ctx.draft.with(|d| d.kind));
    move || {
        fields_of(kind.get())
            .iter()
            .map(|&field| {
                let label = Signal::derive(move || ctx.draft.with(|d| label_of(field, d.metric)));
                view! { <NumberField ctx field label /> }
            })
            .collect_view()
    }
}

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// None (always) or days with a start and end time (site local time).
#[component]
pub fn ScheduleFields(ctx: FormCtx) -> impl IntoView {
    let on = Memo::new(move |_| ctx.draft.with(|d| d.scheduled));
    view! {
        <fieldset class="cairn-rule-form__group">
            <legend class="cairn-field__label">"Schedule"</legend>
            <label class="cairn-check">
                <input type="checkbox" data-testid="rule-schedule" prop:checked=on
                    on:change=move |ev| ctx.edit("schedule", |d| d.scheduled = event_target_checked(&ev)) />
                "Only on these days and hours (the site's local time); otherwise always"
            </label>
            <Show when=move || on.get()>
                <div class="cairn-rule-form__days" role="group" aria-label="Days">
                    {Weekday::ALL.into_iter().map(|day| {
                        let name = DAY_NAMES[day.index() as usize];
                        view! {
                            <label class="cairn-check cairn-rule-form__day">
                                <input type="checkbox" data-testid=format!("rule-schedule.days-{}", name.to_lowercase())
                                    prop:checked=move || ctx.draft.with(|d| d.days.contains(&day))
                                    on:blur=move |_| ctx.blur("schedule.days")
                                    on:change=move |ev| {
                                        let checked = event_target_checked(&ev);
                                        ctx.edit("schedule.days", |d| {
                                            d.days.retain(|x| *x != day);
                                            if checked { d.days.push(day); }
                                        });
                                        ctx.blur("schedule.days");
                                    } />
                                {name}
                            </label>
                        }
                    }).collect_view()}
                </div>
                <FieldError field="schedule.days" error=ctx.error("schedule.days") />
                <div class="cairn-form__row">
                    <TextField ctx field="schedule.start" label="From (HH:MM)".to_owned() hint="e.g. 07:00"
                        get=|d| d.start.clone() set=|d, v| d.start = v />
                    <TextField ctx field="schedule.end" label="Until (HH:MM)".to_owned() hint="before the start: runs past midnight"
                        get=|d| d.end.clone() set=|d, v| d.end = v />
                </div>
            </Show>
        </fieldset>
    }
}
