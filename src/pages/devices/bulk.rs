//! Bulk changes to the selected devices (managers, admins): "N selected:
//! Retire · Put in maintenance…". Retiring asks first, then sends each
//! device's whole spec back with `state: retired` (its points fetched, so
//! none is removed); maintenance asks for hours (1–720) and a reason and
//! posts one device window each, from now. One request after another; the
//! outcome says how many succeeded and each failure's message. The server
//! judges each device (a manager of another site is refused per device).

use cairn_protocol::{DeviceState, DeviceSummary, PointSpec, ScopeLevel, WindowSpec};
use leptos::{prelude::*, task::spawn_local};

use super::{draft::spec_of, select::Selection, text};
use crate::api::{self, ApiError};

/// Longest maintenance window, hours (the server's 30 days).
pub const MAX_HOURS: u32 = 720;
/// Longest reason, characters (the server's).
const MAX_REASON: usize = 1_000;

/// What a bulk change does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Retire,
    /// For this many hours.
    Maintenance(u32),
}

/// What the bar shows below its buttons.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Idle,
    ConfirmRetire,
    AskMaintenance,
    /// Done so far of how many.
    Running(Change, usize, usize),
    Done(Outcome),
}

/// How a bulk change went.
#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    change: Change,
    ok: usize,
    /// Device id and why.
    failed: Vec<(String, String)>,
}

impl Outcome {
    /// `Retired 2 of 3 devices.`
    fn summary(&self) -> String {
        let n = self.ok + self.failed.len();
        let what = match self.change {
            Change::Retire => "Retired".to_owned(),
            Change::Maintenance(h) => format!(
                "Put in maintenance for {h} hour{}:",
                if h == 1 { "" } else { "s" }
            ),
        };
        format!(
            "{what} {} of {}.",
            text::count(self.ok as u64),
            text::devices(n as u64)
        )
    }
}

/// The hours as typed, read: 1 to [`MAX_HOURS`], whole.
pub fn read_hours(typed: &str) -> Result<u32, String> {
    match typed.trim().parse::<u32>() {
        Ok(h) if (1..=MAX_HOURS).contains(&h) => Ok(h),
        _ => Err(format!("a whole number of hours from 1 to {MAX_HOURS}")),
    }
}

/// The reason as typed, read: 1 to 1,000 characters.
pub fn read_reason(typed: &str) -> Result<String, String> {
    let r = typed.trim();
    match r.chars().count() {
        0 => Err("say why: it shows on every alarm the window suppresses".to_owned()),
        n if n > MAX_REASON => Err(format!("at most {MAX_REASON} characters")),
        _ => Ok(r.to_owned()),
    }
}

/// An error as one line: the message, then any fields the server named.
fn why(e: &ApiError) -> String {
    match e {
        ApiError::Invalid { message, fields } if !fields.is_empty() => {
            let named: Vec<String> = (fields.iter())
                .map(|(at, m)| format!("{at}: {m}"))
                .collect();
            format!("{message} ({})", named.join("; "))
        }
        e => e.to_string(),
    }
}

/// Retires one listed device: its points, then its spec with `state: retired`.
async fn retire(d: DeviceSummary) -> Result<(), ApiError> {
    let points: Vec<PointSpec> = (api::devices::points_of(&d.id).await?.into_iter())
        .map(|p| PointSpec {
            metric: p.metric,
            interval_s: p.interval_s,
        })
        .collect();
    let mut spec = spec_of(&d, &points);
    spec.state = DeviceState::Retired;
    api::devices::update(&d.id, &spec).await.map(|_| ())
}

/// One maintenance window on `d` from `from` (server ms) for `hours`.
async fn maintain(d: DeviceSummary, from: i64, hours: u32, reason: String) -> Result<(), ApiError> {
    let spec = WindowSpec {
        scope: ScopeLevel::Device,
        target: d.id,
        from,
        to: from + i64::from(hours) * 3_600_000,
        reason,
    };
    api::maintenance::create_window(&spec).await.map(|_| ())
}

/// The bar over the list while devices are selected, and the outcome after.
#[component]
pub fn BulkBar(
    select: Selection,
    /// Server time now, ms.
    now: Signal<f64>,
    /// After a change (the list is reloaded, the selection emptied).
    on_done: Callback<()>,
) -> impl IntoView {
    let step = RwSignal::new(Step::Idle);
    let hours = RwSignal::new("4".to_owned());
    let reason = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let n = Memo::new(move |_| select.count());
    let running = move || matches!(step.get(), Step::Running(..));
    let run = move |change: Change| {
        let devices = select.list_untracked();
        let total = devices.len();
        let from = now.get_untracked() as i64;
        let why_text = reason.get_untracked().trim().to_owned();
        step.set(Step::Running(change, 0, total));
        spawn_local(async move {
            let mut out = Outcome {
                change,
                ok: 0,
                failed: Vec::new(),
            };
            for (i, d) in devices.into_iter().enumerate() {
                let id = d.id.clone();
                let done = match change {
                    Change::Retire => retire(d).await,
                    Change::Maintenance(h) => maintain(d, from, h, why_text.clone()).await,
                };
                match done {
                    Ok(()) => out.ok += 1,
                    Err(e) => out.failed.push((id, why(&e))),
                }
                // The page may be gone (another route): stop there.
                if step.try_set(Step::Running(change, i + 1, total)).is_some() {
                    return;
                }
            }
            if step.try_set(Step::Done(out)).is_none() {
                tried.set(false);
                on_done.run(());
            }
        });
    };
    let hours_error = move || read_hours(&hours.get()).err();
    let reason_error = move || read_reason(&reason.get()).err();
    let ask_maintenance = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if let (Ok(h), Ok(_)) = (
            read_hours(&hours.get_untracked()),
            read_reason(&reason.get_untracked()),
        ) {
            run(Change::Maintenance(h));
        }
    };
    let selected = move || format!("{} selected", text::count(n.get() as u64));
    view! {
        <Show when=move || select.on.get() && (n.get() > 0 || step.with(|s| *s != Step::Idle))>
            <div class="cairn-notice cairn-devices__bulk" role="group" aria-label="Bulk changes" data-testid="devices-bulk">
                <Show when=move || { n.get() > 0 }>
                    <div class="cairn-devices__bulk-line">
                        <strong data-testid="devices-bulk-count">{selected}</strong>
                        <span aria-hidden="true">":"</span>
                        <button type="button" class="cairn-button" data-testid="devices-bulk-retire"
                            disabled=running on:click=move |_| step.set(Step::ConfirmRetire)>"Retire"</button>
                        <span aria-hidden="true">"·"</span>
                        <button type="button" class="cairn-button" data-testid="devices-bulk-maintenance"
                            disabled=running on:click=move |_| { tried.set(false); step.set(Step::AskMaintenance) }>
                            "Put in maintenance…"
                        </button>
                        <button type="button" class="cairn-button cairn-devices__bulk-clear" data-testid="devices-bulk-clear"
                            disabled=running on:click=move |_| { select.clear(); step.set(Step::Idle) }>"Clear selection"</button>
                    </div>
                </Show>
                {move || match step.get() {
                    Step::Idle => ().into_any(),
                    Step::ConfirmRetire => view! {
                        <div class="cairn-devices__bulk-ask" data-testid="devices-bulk-confirm">
                            <p>{format!(
                                "Retire {}? They keep their history; their readings are refused from now on \
                                 (a device can be put back in service from its page).",
                                text::devices(n.get_untracked() as u64)
                            )}</p>
                            <div class="cairn-devices__buttons">
                                <button type="button" class="cairn-button cairn-button--primary" data-testid="devices-bulk-retire-confirm"
                                    on:click=move |_| run(Change::Retire)>
                                    {format!("Retire {}", text::devices(n.get_untracked() as u64))}
                                </button>
                                <button type="button" class="cairn-button" on:click=move |_| step.set(Step::Idle)>"Cancel"</button>
                            </div>
                        </div>
                    }.into_any(),
                    Step::AskMaintenance => view! {
                        <form class="cairn-devices__bulk-ask cairn-devices__bulk-form" data-testid="devices-bulk-maintenance-form"
                            on:submit=ask_maintenance novalidate>
                            <label class="cairn-field cairn-devices__bulk-hours">
                                <span class="cairn-field__label">"Hours (from now)"</span>
                                <input class="cairn-field__input" type="number" min="1" max=MAX_HOURS step="1" inputmode="numeric"
                                    data-testid="devices-bulk-hours" prop:value=hours
                                    on:input=move |ev| hours.set(event_target_value(&ev)) />
                                <Show when=move || tried.get() && hours_error().is_some()>
                                    <span class="cairn-field__error" role="alert">{hours_error}</span>
                                </Show>
                            </label>
                            <label class="cairn-field cairn-devices__bulk-reason">
                                <span class="cairn-field__label">"Reason"</span>
                                <input class="cairn-field__input" type="text" maxlength="1000" data-testid="devices-bulk-reason"
                                    placeholder="e.g. batteries replaced on floor 2" prop:value=reason
                                    on:input=move |ev| reason.set(event_target_value(&ev)) />
                                <Show when=move || tried.get() && reason_error().is_some()>
                                    <span class="cairn-field__error" role="alert">{reason_error}</span>
                                </Show>
                            </label>
                            <div class="cairn-devices__buttons">
                                <button type="submit" class="cairn-button cairn-button--primary" data-testid="devices-bulk-maintenance-confirm">
                                    {format!("Put {} in maintenance", text::devices(n.get_untracked() as u64))}
                                </button>
                                <button type="button" class="cairn-button" on:click=move |_| step.set(Step::Idle)>"Cancel"</button>
                            </div>
                        </form>
                    }.into_any(),
                    Step::Running(change, done, total) => view! {
                        <p role="status" data-testid="devices-bulk-progress">{format!(
                            "{} {} of {}…",
                            if change == Change::Retire { "Retiring" } else { "Putting in maintenance" },
                            text::count((done + 1).min(total) as u64),
                            text::devices(total as u64)
                        )}</p>
                    }.into_any(),
                    Step::Done(out) => view! {
                        <div class="cairn-devices__bulk-outcome" role="status" data-testid="devices-bulk-outcome">
                            <p>{out.summary()}</p>
                            {(!out.failed.is_empty()).then(|| view! {
                                <ul class="cairn-devices__bulk-failures">
                                    {out.failed.into_iter().map(|(id, why)| view! {
                                        <li class="cairn-form__error" data-testid="devices-bulk-failure" data-device=id.clone()>
                                            {format!("{id}: {why}")}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                            <button type="button" class="cairn-button" data-testid="devices-bulk-dismiss"
                                on:click=move |_| step.set(Step::Idle)>"Dismiss"</button>
                        </div>
                    }.into_any(),
                }}
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_reason_are_read_before_sending() {
        assert_eq!(read_hours(" 4 "), Ok(4));
        assert_eq!(read_hours("720"), Ok(720));
        assert!(read_hours("0").is_err());
        assert!(read_hours("721").is_err());
        assert!(read_hours("1.5").is_err());
        assert!(read_hours("").is_err());
        assert_eq!(read_reason("  batteries "), Ok("batteries".to_owned()));
        assert!(read_reason("   ").is_err());
        assert!(read_reason(&"x".repeat(1_001)).is_err());
    }

    #[test]
    fn the_outcome_counts_what_went_through() {
        let out = Outcome {
            change: Change::Retire,
            ok: 2,
            failed: vec![("b".into(), "no device \"b\"".into())],
        };
        assert_eq!(out.summary(), "Retired 2 of 3 devices.");
        let out = Outcome {
            change: Change::Maintenance(1),
            ok: 1,
            failed: Vec::new(),
        };
        assert_eq!(
            out.summary(),
            "Put in maintenance for 1 hour: 1 of 1 device."
        );
    }
}
