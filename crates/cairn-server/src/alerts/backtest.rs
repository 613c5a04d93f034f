//! The backtest: the rule as typed, run by the same evaluator as the live
//! path over stored readings, summarised against the ISA-18.2 numbers
//! (DOMAIN.md): alarms per 10 minutes, floods (more than 10 in 10 minutes),
//! chattering (3 or more raise/clear cycles within a minute).

use std::collections::HashMap;

use cairn_protocol::{BacktestResult, WouldBeAlarm};

use super::eval::{Change, Compiled, PointCtx, PointState};

/// Ten minutes, the ISA-18.2 rate interval, in ms.
const TEN_MIN: i64 = 600_000;
/// More alarms than this in ten minutes is a flood.
const FLOOD: u32 = 10;
/// Three raises within this long is chattering, ms.
const CHATTER_MS: i64 = 60_000;

/// The alarms `rule` raises on one point's `readings` (oldest first), as
/// the live path would, with time run on to `to` at the end.
pub fn alarms_of(
    rule: &Compiled,
    ctx: &PointCtx,
    point: u32,
    readings: &[(i64, f64)],
    to: i64,
) -> Vec<WouldBeAlarm> {
    let mut state = PointState::default();
    let mut changes = Vec::new();
    for &(ts, value) in readings {
        rule.step(ctx, &mut state, ts, value, &mut changes);
    }
    rule.advance(ctx, &mut state, to, &mut changes);
    let mut out: Vec<WouldBeAlarm> = Vec::new();
    for change in changes {
        match change {
            Change::Raised { at, value } => out.push(WouldBeAlarm {
                point,
                raised_at: at,
                cleared_at: None,
                count: 1,
                peak: value,
            }),
            Change::Repeated { value, .. } => {
                if let Some(a) = out.last_mut() {
                    a.count += 1;
                    if a.peak.is_none_or(|p| rule.excess(value) > rule.excess(p)) {
                        a.peak = Some(value);
                    }
                }
            }
            Change::Cleared { at } => {
                if let Some(a) = out.last_mut() {
                    a.cleared_at = Some(at);
                }
            }
            Change::Phase(_) => {}
        }
    }
    out
}

/// Sums up the alarms of every watched point (`keys` names them) over `[from, to)`.
pub fn summarise(
    alarms: Vec<WouldBeAlarm>,
    keys: &HashMap<u32, String>,
    watched: u32,
    from: i64,
    to: i64,
) -> BacktestResult {
    let mut per_point: HashMap<u32, Vec<WouldBeAlarm>> = HashMap::new();
    let mut per_slot: HashMap<i64, u32> = HashMap::new();
    let mut active_ms = 0;
    for a in &alarms {
        active_ms += a.cleared_at.unwrap_or(to).min(to) - a.raised_at;
        *per_slot.entry(a.raised_at.div_euclid(TEN_MIN)).or_default() += 1;
        per_point.entry(a.point).or_default().push(*a);
    }
    let key = |p: &u32| keys.get(p).cloned().unwrap_or_else(|| p.to_string());
    let mut chattering: Vec<String> = (per_point.iter())
        .filter(|(_, list)| {
            list.windows(3)
                .any(|w| w[2].raised_at - w[0].raised_at <= CHATTER_MS)
        })
        .map(|(p, _)| key(p))
        .collect();
    chattering.sort();
    let mut ranked: Vec<(u32, u32)> = per_point
        .iter()
        .map(|(p, l)| (*p, l.len() as u32))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let sample_point = ranked.first().map(|r| r.0);
    let intervals = ((to - from) as f64 / TEN_MIN as f64).max(1.0);
    BacktestResult {
        from,
        to,
        points_watched: watched,
        points_alarmed: per_point.len() as u32,
        alarms: alarms.len() as u32,
        active_ms,
        rate_per_10min: alarms.len() as f64 / intervals,
        max_per_10min: per_slot.values().copied().max().unwrap_or(0),
        flood_intervals: per_slot.values().filter(|&&n| n > FLOOD).count() as u32,
        chattering,
        top_points: ranked.iter().take(10).map(|(p, n)| (key(p), *n)).collect(),
        sample_point,
        sample_alarms: sample_point
            .and_then(|p| per_point.remove(&p))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_protocol::Condition;

    #[test]
    fn rates_floods_and_chattering_are_counted_the_isa_way() {
        let rule = Compiled {
            rule_id: 1,
            condition: Condition::Above {
                trigger: 1.0,
                clear: 1.0,
            },
            on_delay_ms: 0,
            off_delay_ms: 0,
            schedule: None,
        };
        let ctx = PointCtx {
            interval_ms: 1000,
            tz: chrono_tz::UTC,
        };
        // Point 1 flips every 10 s for a minute: 3 raises within 60 s, chattering.
        let flapping: Vec<(i64, f64)> = (0..6)
            .map(|i| (i * 10_000, (i % 2 == 0) as u8 as f64 * 2.0))
            .collect();
        let a = alarms_of(&rule, &ctx, 1, &flapping, 3_600_000);
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].cleared_at, Some(10_000));
        // Points 2..=12 raise once each in the same 10 minutes: 11 + 3 = a flood.
        let mut all = a;
        for p in 2..=12 {
            all.extend(alarms_of(
                &rule,
                &ctx,
                p,
                &[(5_000, 0.0), (120_000, 5.0)],
                3_600_000,
            ));
        }
        let keys = (1..=12).map(|p| (p, format!("d{p}/co2"))).collect();
        let r = summarise(all, &keys, 20, 0, 3_600_000);
        assert_eq!((r.alarms, r.points_alarmed, r.points_watched), (14, 12, 20));
        assert_eq!((r.max_per_10min, r.flood_intervals), (14, 1));
        assert_eq!(r.chattering, vec!["d1/co2".to_owned()]);
        assert_eq!(r.top_points[0], ("d1/co2".to_owned(), 3));
        assert_eq!(r.sample_point, Some(1));
        assert!((r.rate_per_10min - 14.0 / 6.0).abs() < 1e-9);
        // 3 × 10 s flapping + 11 points active from 120 s to the end.
        assert_eq!(r.active_ms, 30_000 + 11 * (3_600_000 - 120_000));
    }
}
