//! The rule as typed, replayed over the last 7 or 30 days of readings by
//! the server: how many alarms, on how many points, for how long; the
//! average rate against ISA-18.2 and floods apart (`verdict`); chattering
//! and the most alarmed points; and the most alarmed point's chart over the
//! window, with this rule's limits and its would-be alarms as bands.

use cairn_protocol::{BacktestResult, RuleSpec};
use leptos::prelude::*;

use super::{
    rule_fields::FormCtx,
    text::duration,
    verdict::{flood_verdict, limits_caption, rate_verdict, rule_limits},
};
use crate::{
    api,
    chart::{Range, widget::TimeChart},
    pages::charts::{chart_now, chart_point, series_source},
    state::{live::use_live, theme::use_theme},
};

#[component]
pub fn Backtest(ctx: FormCtx) -> impl IntoView {
    let days = RwSignal::new(7u32);
    let run = Action::new_local(move |(spec, days): &(RuleSpec, u32)| {
        let (spec, days) = (spec.clone(), *days);
        async move {
            match api::alerts::backtest(&spec, days).await {
                Ok(result) => Ok((result, days, spec)),
                Err(e) => Err(ctx.took(e)),
            }
        }
    });
    let start = move |_| {
        ctx.submitted.set(true);
        if ctx.problems.with_untracked(Vec::is_empty) && !run.pending().get_untracked() {
            run.dispatch_local((
                ctx.draft.with_untracked(|d| d.spec().0),
                days.get_untracked(),
            ));
        }
    };
    view! {
        <section class="cairn-backtest" aria-label="Backtest">
            <div class="cairn-backtest__bar">
                <label class="cairn-field">
                    <span class="cairn-field__label">"Backtest over"</span>
                    <select class="cairn-field__input" data-testid="rule-backtest-days"
                        on:change=move |ev| days.set(if event_target_value(&ev) == "30" { 30 } else { 7 })>
                        <option value="7" selected=move || days.get() == 7>"the last 7 days"</option>
                        <option value="30" selected=move || days.get() == 30>"the last 30 days"</option>
                    </select>
                </label>
                <button type="button" class="cairn-button" data-testid="rule-backtest" on:click=start
                    disabled=move || run.pending().get()>
                    {move || if run.pending().get() { "Replaying…".to_owned() } else { format!("Backtest {} days", days.get()) }}
                </button>
            </div>
            {move || match run.value().get() {
                None => None,
                Some(Err(e)) => Some(view! { <p class="cairn-form__error" role="alert">{format!("Backtest: {e}")}</p> }.into_any()),
                Some(Ok((result, days, spec))) => Some(view! { <Report result days spec /> }.into_any()),
            }}
        </section>
    }
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[component]
fn Report(result: BacktestResult, days: u32, spec: RuleSpec) -> impl IntoView {
    let live = use_live();
    let label = move |key: &str| {
        live.points.with_untracked(|ps| {
            ps.iter()
                .find(|p| format!("{}/{}", p.device_id, p.metric.name()) == key)
                .map_or_else(
                    || key.to_owned(),
                    |p| format!("{} · {}", p.device_name, p.metric.label()),
                )
        })
    };
    let r = &result;
    let summary = format!(
        "Over the last {days} days this rule would have raised {} on {} of {}, active for {} in total.",
        plural(r.alarms, "alarm", "alarms"),
        r.points_alarmed,
        plural(r.points_watched, "point", "points"),
        duration(r.active_ms),
    );
    let (level, rate) = rate_verdict(r);
    let (flood_level, floods) = flood_verdict(r);
    let chattering = if r.chattering.is_empty() {
        "No chattering points.".to_owned()
    } else {
        let names: Vec<String> = r.chattering.iter().map(|k| label(k)).collect();
        format!(
            "Chattering (3 or more raise/clear cycles within a minute): {}.",
            names.join(", ")
        )
    };
    let top: Vec<(String, u32)> = r.top_points.iter().map(|(k, n)| (label(k), *n)).collect();
    let sample = r.sample_point.and_then(|id| {
        live.points
            .with_untracked(|ps| ps.iter().find(|p| p.id == id).cloned())
    });
    let bands: Vec<(i64, Option<i64>)> = r
        .sample_alarms
        .iter()
        .map(|a| (a.raised_at, a.cleared_at))
        .collect();
    let window = (r.from, r.to);
    let limits = rule_limits(&spec.condition, spec.severity);
    let caption = limits_caption(&spec.condition);
    view! {
        <div class="cairn-backtest__result" data-testid="backtest-result">
            <p class="cairn-backtest__summary">{summary}</p>
            <p class=format!("cairn-backtest__rate cairn-backtest__rate--{}", level.name()) data-testid="backtest-rate">{rate}</p>
            <p class=format!("cairn-backtest__rate cairn-backtest__rate--{}", flood_level.name()) data-testid="backtest-floods">{floods}</p>
            <p>{chattering}</p>
            {(!top.is_empty()).then(|| view! {
                <h3 class="cairn-backtest__heading">"Most alarmed points"</h3>
                <ol class="cairn-backtest__top">
                    {top.into_iter().map(|(name, n)| view! { <li>{format!("{name} — {}", plural(n, "alarm", "alarms"))}</li> }).collect_view()}
                </ol>
            })}
            {sample.map(|p| {
                let point = chart_point(&live, &p);
                let title = format!("{} with the alarms it would have raised", point.label);
                view! {
                    <h3 class="cairn-backtest__heading">{title.clone()}</h3>
                    <div class="cairn-backtest__chart" data-testid="backtest-chart">
                        <TimeChart points=Signal::stored(vec![point]) source=series_source() now=chart_now(&live)
                            theme=use_theme().mode range=Range::Custom initial=Some(window) presets=false
                            bands=Signal::stored(bands) limits label=title />
                    </div>
                    <p class="cairn-backtest__caption">{caption}</p>
                }
            })}
        </div>
    }
}
