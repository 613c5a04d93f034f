//! The evaluator: one pure state machine per rule and point, fed readings
//! in time order and told when time passes. The live path (ingest and its
//! timer) and the backtest both run exactly this, so they cannot disagree.
//!
//! Between two readings the value is taken to hold (sample and hold): a
//! delay that ran out between readings takes effect at the moment it ran
//! out, not at the next reading. So a transition's time never depends on
//! when a timer happened to look, only on the readings.
//!
//! Phases: normal → pending (condition holds, on-delay running) → active
//! (alarm raised) → clearing (normal again, off-delay running) → normal. A
//! new excursion while clearing is the same alarm. While pending or normal
//! the trigger threshold applies; while active or clearing, the clear one
//! (hysteresis).

use cairn_protocol::Condition;
use serde::{Deserialize, Serialize};

use super::schedule::DaySchedule;

/// A rule made ready for evaluation: delays in ms, the schedule parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub rule_id: i64,
    pub condition: Condition,
    pub on_delay_ms: i64,
    pub off_delay_ms: i64,
    pub schedule: Option<DaySchedule>,
}

/// What the evaluator needs to know about one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointCtx {
    /// The point's reporting interval, ms (for `no_data` without `after_s`).
    pub interval_ms: i64,
    /// The site's time zone, for the schedule.
    pub tz: chrono_tz::Tz,
}

/// Where one rule and point stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Normal,
    /// The condition holds since `since`; raised at `since + on_delay`.
    Pending { since: i64, value: Option<f64> },
    /// Raised.
    Active,
    /// Normal since `since` while raised; cleared at `since + off_delay`.
    Clearing { since: i64 },
}

/// The state of one rule and point: its phase and the last reading seen.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PointState {
    pub phase: Phase,
    /// `(ts, value)` of the newest reading evaluated.
    pub last: Option<(i64, f64)>,
}

/// What a step changed, in time order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// The alarm is raised at `at`; `value` is the reading that started the
    /// excursion (none for `no_data`). Counts as the alarm's first sample.
    Raised { at: i64, value: Option<f64> },
    /// Another reading in alarm while raised (the same alarm: count + 1).
    Repeated { at: i64, value: f64 },
    /// Returned to normal at `at` (after the off-delay).
    Cleared { at: i64 },
    /// The phase became pending or clearing, or left them, without an alarm
    /// change: what must be remembered across a restart.
    Phase(Phase),
}

impl Compiled {
    fn no_data_ms(&self, ctx: &PointCtx) -> Option<i64> {
        match self.condition {
            Condition::NoData { after_s } => {
                Some(after_s.map_or(3 * ctx.interval_ms, |s| s * 1000) + self.on_delay_ms)
            }
            _ => None,
        }
    }

    /// Whether the reading `value` at `ts` (after `last`) is in alarm:
    /// with the trigger thresholds when `raised` is false, the clear ones
    /// when true. `None` when it cannot tell (a rate with no earlier reading).
    fn in_alarm(
        &self,
        raised: bool,
        ts: i64,
        value: f64,
        last: Option<(i64, f64)>,
    ) -> Option<bool> {
        let rate = || {
            let (t0, v0) = last?;
            (ts > t0).then(|| (value - v0) / ((ts - t0) as f64 / 3_600_000.0))
        };
        Some(match self.condition {
            Condition::Above { trigger, clear } => value > if raised { clear } else { trigger },
            Condition::Below { trigger, clear } => value < if raised { clear } else { trigger },
            Condition::Outside {
                low,
                high,
                low_clear,
                high_clear,
            } => {
                let (lo, hi) = if raised {
                    (low_clear, high_clear)
                } else {
                    (low, high)
                };
                value < lo || value > hi
            }
            Condition::Inside {
                low,
                high,
                low_clear,
                high_clear,
            } => {
                let (lo, hi) = if raised {
                    (low_clear, high_clear)
                } else {
                    (low, high)
                };
                (lo..=hi).contains(&value)
            }
            // A reading is the end of a silence, never a cause.
            Condition::NoData { .. } => false,
            Condition::Rises {
                per_hour,
                clear_per_hour,
            } => rate()? > if raised { clear_per_hour } else { per_hour },
            Condition::Falls {
                per_hour,
                clear_per_hour,
            } => -rate()? > if raised { clear_per_hour } else { per_hour },
        })
    }

    /// Lets time run to `now` (inclusive): a delay that ran out, or a
    /// silence longer than the no-data limit, takes effect at the moment it
    /// ran out. Appends what changed to `out`.
    pub fn advance(&self, ctx: &PointCtx, state: &mut PointState, now: i64, out: &mut Vec<Change>) {
        match state.phase {
            // The delay ran out after the schedule ended: nothing to raise.
            Phase::Pending { since, .. }
                if since + self.on_delay_ms <= now
                    && !self.applies(ctx, since + self.on_delay_ms) =>
            {
                state.phase = Phase::Normal;
                out.push(Change::Phase(Phase::Normal));
            }
            Phase::Pending { since, value } if since + self.on_delay_ms <= now => {
                state.phase = Phase::Active;
                out.push(Change::Raised {
                    at: since + self.on_delay_ms,
                    value,
                });
                out.push(Change::Phase(Phase::Active));
            }
            Phase::Clearing { since } if since + self.off_delay_ms <= now => {
                state.phase = Phase::Normal;
                out.push(Change::Cleared {
                    at: since + self.off_delay_ms,
                });
                out.push(Change::Phase(Phase::Normal));
            }
            Phase::Normal => {
                let (Some(limit), Some((last_ts, _))) = (self.no_data_ms(ctx), state.last) else {
                    return;
                };
                let at = last_ts + limit;
                if at <= now && self.applies(ctx, at) {
                    state.phase = Phase::Active;
                    out.push(Change::Raised { at, value: None });
                    out.push(Change::Phase(Phase::Active));
                }
            }
            _ => {}
        }
    }

    fn applies(&self, ctx: &PointCtx, ts: i64) -> bool {
        self.schedule
            .as_ref()
            .is_none_or(|s| s.contains(ctx.tz, ts))
    }

    /// Evaluates the reading `(ts, value)`. Readings not newer than the last
    /// one evaluated change nothing (history arriving late is stored, not
    /// alarmed on). Outside the rule's schedule every reading counts as
    /// normal. Appends what changed to `out`.
    pub fn step(
        &self,
        ctx: &PointCtx,
        state: &mut PointState,
        ts: i64,
        value: f64,
        out: &mut Vec<Change>,
    ) {
        if state.last.is_some_and(|(t, _)| ts <= t) {
            return;
        }
        self.advance(ctx, state, ts, out);
        let raised = matches!(state.phase, Phase::Active | Phase::Clearing { .. });
        let bad = if self.applies(ctx, ts) {
            self.in_alarm(raised, ts, value, state.last)
        } else {
            Some(false)
        };
        state.last = Some((ts, value));
        let Some(bad) = bad else { return };
        let next = match (state.phase, bad) {
            (Phase::Normal, true) if self.on_delay_ms == 0 => {
                out.push(Change::Raised {
                    at: ts,
                    value: Some(value),
                });
                Phase::Active
            }
            (Phase::Normal, true) => Phase::Pending {
                since: ts,
                value: Some(value),
            },
            (Phase::Pending { .. }, false) => Phase::Normal,
            (Phase::Active, true) => {
                out.push(Change::Repeated { at: ts, value });
                Phase::Active
            }
            (Phase::Active, false) if self.off_delay_ms == 0 => {
                out.push(Change::Cleared { at: ts });
                Phase::Normal
            }
            (Phase::Active, false) => Phase::Clearing { since: ts },
            (Phase::Clearing { .. }, true) => {
                out.push(Change::Repeated { at: ts, value });
                Phase::Active
            }
            (phase, _) => phase,
        };
        if next != state.phase {
            state.phase = next;
            out.push(Change::Phase(next));
        }
    }

    /// How far `value` is past the trigger (larger is worse): what makes a
    /// value the alarm's peak.
    pub fn excess(&self, value: f64) -> f64 {
        match self.condition {
            Condition::Above { trigger, .. } => value - trigger,
            Condition::Below { trigger, .. } => trigger - value,
            Condition::Outside { low, high, .. } => (low - value).max(value - high),
            Condition::Inside { low, high, .. } => (value - low).min(high - value),
            Condition::Rises { .. } => value,
            Condition::Falls { .. } => -value,
            Condition::NoData { .. } => 0.0,
        }
    }
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
