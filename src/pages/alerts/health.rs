//! Alarm health (ISA-18.2 §16 in spirit): alarms raised in the last 24 h per
//! 10 minutes against the manageable rate (about 1 per 10 min) and the flood
//! line (more than 10), standing alarms (open for more than 24 h), and the
//! rules raising the most. From the live queue plus the closed alarms.

use std::collections::HashMap;

use cairn_protocol::Alarm;
use leptos::prelude::*;

use super::text::duration;
use crate::{
    api::{self, alerts::AlarmFilter},
    state::{clock::use_clock, live::use_live},
};

const SLOT: i64 = 10 * 60_000;
const SLOTS: usize = 144;
const DAY: i64 = 86_400_000;

#[derive(Debug, PartialEq)]
pub struct Stats {
    /// Alarms raised per 10 min over the last 24 h, oldest first.
    pub per_slot: Vec<u32>,
    pub raised: u32,
    pub floods: u32,
    /// Open alarms raised more than 24 h ago: (rule, device, open for ms).
    pub standing: Vec<(String, String, i64)>,
    /// Rules by alarms raised in the last 24 h, most first (at most 10).
    pub top_rules: Vec<(String, u32)>,
}

pub fn stats(alarms: &[Alarm], now: i64) -> Stats {
    let start = now - DAY;
    let mut per_slot = vec![0u32; SLOTS];
    let mut rules: HashMap<&str, u32> = HashMap::new();
    let mut standing = Vec::new();
    for a in alarms {
        if a.raised_at >= start && a.raised_at <= now {
            let i = (((a.raised_at - start) / SLOT) as usize).min(SLOTS - 1);
            per_slot[i] += 1;
            *rules.entry(a.rule_name.as_str()).or_default() += 1;
        }
        if a.state != cairn_protocol::AlarmState::Closed && a.raised_at < start {
            standing.push((
                a.rule_name.clone(),
                a.device_name.clone(),
                now - a.raised_at,
            ));
        }
    }
    standing.sort_by_key(|s| std::cmp::Reverse(s.2));
    let mut top_rules: Vec<(String, u32)> =
        rules.into_iter().map(|(r, n)| (r.to_owned(), n)).collect();
    top_rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top_rules.truncate(10);
    Stats {
        raised: per_slot.iter().sum(),
        floods: per_slot.iter().filter(|n| **n > 10).count() as u32,
        per_slot,
        standing,
        top_rules,
    }
}

#[component]
pub fn AlarmHealth() -> impl IntoView {
    let live = use_live();
    let now = live.server_now(use_clock().0);
    // Recomputed once a minute at most: a bar is 10 minutes wide.
    let minute = Memo::new(move |_| now.get() as i64 / 60_000);
    // Alarms that closed since leave the live queue: asked again every 5 min.
    let every_5 = Memo::new(move |_| minute.get() / 5);
    let closed = LocalResource::new(move || {
        every_5.track();
        api::alerts::alarms(AlarmFilter::Closed)
    });
    let stats = Memo::new(move |_| {
        let t = minute.get() * 60_000;
        let mut all = live.alarms.get();
        if let Some(Ok(c)) = closed.get() {
            let open: std::collections::HashSet<i64> = all.iter().map(|a| a.id).collect();
            all.extend(c.into_iter().filter(|c| !open.contains(&c.id)));
        }
        stats(&all, t)
    });
    let error = move || {
        closed.get().and_then(Result::err).map(|e| {
            format!("Closed alarms could not be loaded ({e}): only open ones are counted.")
        })
    };
    view! {
        <section class="cairn-health" data-testid="alarm-health" aria-label="Alarm health">
            {move || error().map(|e| view! { <p class="cairn-form__error" role="alert">{e}</p> })}
            <div class="cairn-card">
                <h2 class="cairn-card__title">"Alarms raised in the last 24 h, per 10 min"</h2>
                <p class="cairn-card__subtitle">{move || stats.with(|s| format!(
                    "{} raised; {} flood {} (more than 10 in 10 min). About 1 per 10 min is manageable (ISA-18.2).",
                    s.raised, s.floods, if s.floods == 1 { "interval" } else { "intervals" }))}</p>
                {move || stats.with(|s| bars(&s.per_slot))}
                <div class="cairn-health__axis" aria-hidden="true"><span>"24 h ago"</span><span>"12 h ago"</span><span>"now"</span></div>
            </div>
            <div class="cairn-health__lists">
                <div class="cairn-card">
                    <h2 class="cairn-card__title">"Standing alarms (open more than 24 h)"</h2>
                    {move || stats.with(|s| if s.standing.is_empty() {
                        view! { <p class="cairn-empty">"None."</p> }.into_any()
                    } else {
                        view! { <ul class="cairn-health__list" data-testid="standing-alarms">
                            {s.standing.iter().map(|(rule, device, ms)| view! {
                                <li>{format!("{rule} — {device}: open for {}", duration(*ms))}</li>
                            }).collect_view()}
                        </ul> }.into_any()
                    })}
                </div>
                <div class="cairn-card">
                    <h2 class="cairn-card__title">"Top rules, last 24 h"</h2>
                    {move || stats.with(|s| if s.top_rules.is_empty() {
                        view! { <p class="cairn-empty">"No alarms raised."</p> }.into_any()
                    } else {
                        view! { <ol class="cairn-health__list" data-testid="top-rules">
                            {s.top_rules.iter().map(|(rule, n)| view! { <li>{format!("{rule}: {n}")}</li> }).collect_view()}
                        </ol> }.into_any()
                    })}
                </div>
            </div>
        </section>
    }
}

/// One bar per 10 min, coloured (and labelled) by the ISA-18.2 rate it reaches.
fn bars(per_slot: &[u32]) -> impl IntoView + use<> {
    let max = per_slot.iter().copied().max().unwrap_or(0).max(12) as f64;
    let height = 60.0;
    let rects = per_slot
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, &n)| {
            let h = f64::from(n) / max * height;
            let level = match n {
                0..=1 => "ok",
                2..=10 => "warn",
                _ => "flood",
            };
            view! {
                <rect class=format!("cairn-health__bar cairn-health__bar--{level}") x=i.to_string() width="0.8"
                    y=format!("{:.2}", height - h) height=format!("{h:.2}")><title>{format!("{n} raised")}</title></rect>
            }
        })
        .collect_view();
    let flood_y = format!("{:.2}", height - 10.0 / max * height);
    let label = format!(
        "{} alarms over 24 h, at most {} in 10 min",
        per_slot.iter().sum::<u32>(),
        per_slot.iter().max().unwrap_or(&0)
    );
    view! {
        <svg class="cairn-health__chart" viewBox=format!("0 0 {SLOTS} {height}") preserveAspectRatio="none" role="img" aria-label=label>
            <line class="cairn-health__flood" x1="0" x2=SLOTS.to_string() y1=flood_y.clone() y2=flood_y />
            {rects}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_ten_minutes_and_standing() {
        let base: Alarm = serde_json::from_value(serde_json::json!({
            "id": 1, "rule_id": 1, "rule_name": "Warm", "severity": "warning", "point": 1,
            "point_key": "d/air_temperature", "device_id": "d", "device_name": "D", "site_id": "s",
            "metric": "air_temperature", "state": "unacknowledged", "raised_at": 0, "count": 1,
            "suppressed": false
        }))
        .unwrap();
        let now = 10 * DAY;
        let at = |id, t, rule: &str| Alarm {
            id,
            raised_at: t,
            rule_name: rule.into(),
            ..base.clone()
        };
        let mut all: Vec<Alarm> = (0..12).map(|i| at(i, now - 5 * 60_000, "Warm")).collect();
        all.push(at(20, now - DAY + 1, "Cold"));
        all.push(at(21, now - 3 * DAY, "Cold"));
        let s = stats(&all, now);
        assert_eq!(
            (s.raised, s.floods, s.per_slot[SLOTS - 1], s.per_slot[0]),
            (13, 1, 12, 1)
        );
        assert_eq!(
            s.top_rules,
            [("Warm".to_owned(), 12), ("Cold".to_owned(), 1)]
        );
        assert_eq!(s.standing, [("Cold".to_owned(), "D".to_owned(), 3 * DAY)]);
    }
}
