//! Table-driven tests of the evaluator: each case is a rule, a sequence of
//! readings and clock ticks (seconds), and the alarm changes expected.

use cairn_protocol::{Condition, Schedule};

use super::*;

#[derive(Clone, Copy)]
enum Ev {
    /// A reading at this second with this value.
    R(i64, f64),
    /// Time passes to this second (the live timer).
    Tick(i64),
}
use Ev::{R, Tick};

#[derive(Debug, PartialEq)]
enum Out {
    Raised(i64),
    RaisedNoValue(i64),
    Repeated(i64),
    Cleared(i64),
}

const CTX: PointCtx = PointCtx {
    interval_ms: 60_000,
    tz: chrono_tz::UTC,
};

fn rule(condition: Condition, on_s: i64, off_s: i64) -> Compiled {
    Compiled {
        rule_id: 1,
        condition,
        on_delay_ms: on_s * 1000,
        off_delay_ms: off_s * 1000,
        schedule: None,
    }
}

fn run_from(rule: &Compiled, state: &mut PointState, events: &[Ev]) -> Vec<Out> {
    let mut changes = Vec::new();
    for ev in events {
        match *ev {
            R(t, v) => rule.step(&CTX, state, t * 1000, v, &mut changes),
            Tick(t) => rule.advance(&CTX, state, t * 1000, &mut changes),
        }
    }
    (changes.into_iter())
        .filter_map(|c| match c {
            Change::Raised { at, value: Some(_) } => Some(Out::Raised(at / 1000)),
            Change::Raised { at, value: None } => Some(Out::RaisedNoValue(at / 1000)),
            Change::Repeated { at, .. } => Some(Out::Repeated(at / 1000)),
            Change::Cleared { at } => Some(Out::Cleared(at / 1000)),
            Change::Phase(_) => None,
        })
        .collect()
}

fn check(rule: &Compiled, events: &[Ev], expected: &[Out]) {
    assert_eq!(run_from(rule, &mut PointState::default(), events), expected);
}

const ABOVE: Condition = Condition::Above {
    trigger: 27.0,
    clear: 26.0,
};
use Out::*;

#[test]
fn above_raises_repeats_and_clears_past_the_clear_threshold_only() {
    let r = rule(ABOVE, 0, 0);
    check(&r, &[R(0, 26.9), R(60, 27.0)], &[]); // at the trigger is not above it
    check(
        &r,
        &[
            R(0, 27.5),
            R(60, 28.0),
            R(120, 26.5),
            R(180, 26.0),
            R(240, 27.2),
        ],
        // 26.5 is under the trigger but above the clear: still in alarm (hysteresis).
        &[
            Raised(0),
            Repeated(60),
            Repeated(120),
            Cleared(180),
            Raised(240),
        ],
    );
}

#[test]
fn below_outside_and_inside_bands() {
    let below = rule(
        Condition::Below {
            trigger: 19.0,
            clear: 19.5,
        },
        0,
        0,
    );
    check(
        &below,
        &[R(0, 18.9), R(60, 19.2), R(120, 19.5)],
        &[Raised(0), Repeated(60), Cleared(120)],
    );
    let outside = rule(
        Condition::Outside {
            low: 19.0,
            high: 27.0,
            low_clear: 19.5,
            high_clear: 26.5,
        },
        0,
        0,
    );
    check(
        &outside,
        &[
            R(0, 22.0),
            R(60, 27.1),
            R(120, 26.8),
            R(180, 26.5),
            R(240, 18.0),
            R(300, 19.6),
        ],
        &[
            Raised(60),
            Repeated(120),
            Cleared(180),
            Raised(240),
            Cleared(300),
        ],
    );
    let inside = rule(
        Condition::Inside {
            low: 10.0,
            high: 20.0,
            low_clear: 9.0,
            high_clear: 21.0,
        },
        0,
        0,
    );
    check(
        &inside,
        &[R(0, 5.0), R(60, 10.0), R(120, 20.5), R(180, 21.5)],
        &[Raised(60), Repeated(120), Cleared(180)],
    );
}

#[test]
fn on_delay_raises_when_it_runs_out_and_a_short_excursion_never_does() {
    let r = rule(ABOVE, 300, 0);
    // Back to normal before 300 s: nothing.
    check(
        &r,
        &[R(0, 28.0), R(60, 28.0), R(120, 25.0), R(500, 25.0)],
        &[],
    );
    // Held for 300 s: raised at 300 s exactly, whatever reading or tick notices it.
    check(
        &r,
        &[R(0, 28.0), R(240, 28.0), R(360, 28.0)],
        &[Raised(300), Repeated(360)],
    );
    check(&r, &[R(0, 28.0), Tick(299), Tick(301)], &[Raised(300)]);
    // Sample and hold: the value held from 240 to 400 although the next reading is normal.
    check(
        &r,
        &[R(0, 28.0), R(400, 25.0)],
        &[Raised(300), Cleared(400)],
    );
}

#[test]
fn off_delay_keeps_one_alarm_through_a_return_inside_it() {
    let r = rule(ABOVE, 0, 600);
    check(
        &r,
        &[
            R(0, 28.0),
            R(60, 25.0),
            R(300, 28.0),
            R(360, 25.0),
            Tick(959),
            Tick(961),
        ],
        // 300 s is inside the off-delay: the same alarm, counted again.
        &[Raised(0), Repeated(300), Cleared(960)],
    );
    check(
        &r,
        &[R(0, 28.0), R(60, 25.0), R(700, 28.0)],
        &[Raised(0), Cleared(660), Raised(700)],
    );
}

#[test]
fn no_data_raises_after_the_silence_and_clears_on_the_next_reading() {
    // No after_s: three reporting intervals (3 × 60 s).
    let r = rule(Condition::NoData { after_s: None }, 0, 0);
    check(
        &r,
        &[R(0, 1.0), Tick(179), Tick(180), Tick(500), R(600, 1.0)],
        &[RaisedNoValue(180), Cleared(600)],
    );
    // A point that never reported raises nothing: no start to count from.
    check(&r, &[Tick(10_000)], &[]);
    let r = rule(Condition::NoData { after_s: Some(30) }, 0, 0);
    // Readings 20 s apart never trip it; a 40 s gap does, noticed by the reading itself.
    check(
        &r,
        &[R(0, 1.0), R(20, 1.0), R(40, 1.0), R(80, 1.0)],
        &[RaisedNoValue(70), Cleared(80)],
    );
}

#[test]
fn rate_of_change_uses_the_slope_between_readings() {
    // Rises faster than 2 units per hour; clears at 0.5 per hour or less.
    let r = rule(
        Condition::Rises {
            per_hour: 2.0,
            clear_per_hour: 0.5,
        },
        0,
        0,
    );
    let h = 3600;
    check(
        &r,
        &[
            R(0, 20.0),
            R(h, 21.0),
            R(2 * h, 24.0),
            R(3 * h, 25.0),
            R(4 * h, 25.4),
        ],
        // +1/h, +3/h (raise), +1/h (above clear: still), +0.4/h (clear)
        &[Raised(2 * h), Repeated(3 * h), Cleared(4 * h)],
    );
    let r = rule(
        Condition::Falls {
            per_hour: 2.0,
            clear_per_hour: 0.5,
        },
        0,
        0,
    );
    check(
        &r,
        &[R(0, 20.0), R(h / 2, 18.0), R(h, 18.0)],
        &[Raised(h / 2), Cleared(h)],
    );
}

#[test]
fn a_schedule_counts_readings_outside_it_as_normal() {
    let mut r = rule(
        Condition::Below {
            trigger: 19.0,
            clear: 19.5,
        },
        0,
        0,
    );
    r.schedule = super::super::schedule::DaySchedule::parse(&Schedule::occupied_hours());
    // Monday 30 November 2026 in UTC: 06:00 night set-back, 08:00 occupied, 19:00 evening.
    let monday = chrono::DateTime::parse_from_rfc3339("2026-11-30T00:00:00Z")
        .unwrap()
        .timestamp();
    let at = |h: i64, m: i64| monday + h * 3600 + m * 60;
    check(
        &r,
        &[
            R(at(6, 0), 17.0),
            R(at(6, 59), 17.5),
            R(at(7, 0), 18.0),
            R(at(8, 0), 20.0),
            R(at(18, 30), 18.5),
            R(at(19, 0), 18.0),
        ],
        // Cold at night: nothing. Still cold at 07:00 when the hours begin: raised.
        // At 19:00 the hours end: the alarm clears although it is still cold.
        &[
            Raised(at(7, 0)),
            Cleared(at(8, 0)),
            Raised(at(18, 30)),
            Cleared(at(19, 0)),
        ],
    );
}

#[test]
fn an_on_delay_that_runs_out_after_the_schedule_ends_raises_nothing() {
    let mut r = rule(
        Condition::Below {
            trigger: 19.0,
            clear: 19.5,
        },
        1800,
        0,
    );
    r.schedule = super::super::schedule::DaySchedule::parse(&Schedule::occupied_hours());
    let monday = chrono::DateTime::parse_from_rfc3339("2026-11-30T00:00:00Z")
        .unwrap()
        .timestamp();
    let at = |h: i64, m: i64| monday + h * 3600 + m * 60;
    // Cold from 18:45: the 30 min delay would end at 19:15, after the hours.
    check(
        &r,
        &[R(at(18, 45), 18.0), Tick(at(19, 20)), R(at(19, 30), 18.0)],
        &[],
    );
    // Cold from 18:00: it ends at 18:30, inside them.
    check(
        &r,
        &[R(at(18, 0), 18.0), Tick(at(18, 31))],
        &[Raised(at(18, 30))],
    );
}

#[test]
fn readings_older_than_the_last_change_nothing() {
    let r = rule(ABOVE, 0, 0);
    check(&r, &[R(100, 25.0), R(50, 30.0), R(100, 30.0)], &[]);
}

#[test]
fn a_restart_in_the_middle_of_a_delay_keeps_its_start() {
    // The live engine keeps the phase (with `since`) in the database and the
    // last reading in the readings table; a fresh state rebuilt from those
    // two must go on exactly as the one that never stopped.
    let r = rule(ABOVE, 300, 600);
    let mut state = PointState::default();
    assert_eq!(run_from(&r, &mut state, &[R(0, 28.0), R(120, 28.0)]), []);
    assert_eq!(
        state.phase,
        Phase::Pending {
            since: 0,
            value: Some(28.0)
        }
    );
    let mut restarted = PointState {
        phase: state.phase,
        last: state.last,
    };
    assert_eq!(
        run_from(&r, &mut restarted, &[Tick(299), Tick(300)]),
        [Raised(300)]
    );
    assert_eq!(run_from(&r, &mut restarted, &[R(400, 20.0)]), []);
    let mut restarted = PointState {
        phase: restarted.phase,
        last: restarted.last,
    };
    assert_eq!(restarted.phase, Phase::Clearing { since: 400_000 });
    assert_eq!(run_from(&r, &mut restarted, &[Tick(1000)]), [Cleared(1000)]);
}

#[test]
fn the_peak_is_the_value_furthest_past_the_trigger() {
    let outside = rule(
        Condition::Outside {
            low: 19.0,
            high: 27.0,
            low_clear: 19.5,
            high_clear: 26.5,
        },
        0,
        0,
    );
    assert!(outside.excess(15.0) > outside.excess(28.0));
    assert!(rule(ABOVE, 0, 0).excess(30.0) > rule(ABOVE, 0, 0).excess(28.0));
}
