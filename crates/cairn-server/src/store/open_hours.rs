//! Rollups of the hours still open, kept in memory: a reading costs its raw
//! row only, and an hour's rollups (the hour, its ten-minute buckets and its
//! share of the day) are merged into the stored ones once, when the point's
//! readings move on to a later hour, or some minutes after the hour ended
//! (`Engine::close_hours`, called by `retention.rs`), or when the server
//! stops.
//!
//! Nothing acknowledged is lost: every open hour has a row in `open_hours`,
//! written in the transaction of the batch that opened it and deleted in the
//! one that merges it. After a crash, [`recover`] rebuilds the rollups of the
//! marked hours from their raw readings. A range query reads an open hour
//! raw ([`OpenHours::of`]), so its answer is the same as M4 over every
//! reading at any moment.
//!
//! Writers are serialised by the engine (SQLite's one connection, a lock on
//! PostgreSQL), so a batch's plan sees the state the last commit left.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Mutex, PoisonError},
};

use cairn_protocol::Reading;

use super::{
    Result,
    access::{Get, Value},
    exec::Exec,
    rollup::{DAY_MS, HOUR_MS, Rollup, TEN_MINUTES_MS},
    rows, sql,
};

/// What one hour of one point has gathered since its rollups were last
/// written.
#[derive(Debug, Clone, Copy, Default)]
struct Hour {
    /// The hour's summary (`None`: opened by a batch that did not commit).
    sums: Option<Rollup>,
    tens: [Option<Rollup>; 6],
    /// Its `open_hours` row is committed.
    marked: bool,
}

fn add(slot: &mut Option<Rollup>, level: i64, r: &Reading) {
    let one = Rollup::of(r.point, level, r);
    match slot {
        Some(sums) => sums.merge(&one),
        None => *slot = Some(one),
    }
}

impl Hour {
    fn add(&mut self, r: &Reading) {
        add(&mut self.sums, HOUR_MS, r);
        let ten = (r.ts.rem_euclid(HOUR_MS) / TEN_MINUTES_MS) as usize;
        add(&mut self.tens[ten], TEN_MINUTES_MS, r);
    }

    /// Its rollups at every level, to merge into the stored ones: the
    /// hour, its ten-minute buckets, and the same summary as the day's
    /// share.
    fn rollups(&self) -> impl Iterator<Item = Rollup> + '_ {
        let day = self.sums.map(|h| Rollup {
            level: DAY_MS,
            bucket: h.bucket.div_euclid(DAY_MS) * DAY_MS,
            ..h
        });
        (self.sums.into_iter())
            .chain(self.tens.iter().flatten().copied())
            .chain(day)
    }
}

fn hour_of(ts: i64) -> i64 {
    ts.div_euclid(HOUR_MS) * HOUR_MS
}

/// Per point, its open hours (start, ms) and what they gathered.
#[derive(Default)]
pub struct OpenHours {
    points: Mutex<HashMap<u32, BTreeMap<i64, Hour>>>,
}

/// What a batch (or a periodic close) does to the rollups, written in its
/// transaction; then [`OpenHours::commit`].
#[derive(Default)]
pub struct Plan {
    /// Summaries of the hours it closes, to merge into the stored rollups.
    pub merge: Vec<Rollup>,
    /// `(point, hour)` opened: their `open_hours` rows to insert.
    pub mark: Vec<(u32, i64)>,
    /// `(point, hour)` closed: their `open_hours` rows to delete.
    pub unmark: Vec<(u32, i64)>,
    next: Vec<(u32, BTreeMap<i64, Hour>)>,
}

impl OpenHours {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u32, BTreeMap<i64, Hour>>> {
        self.points.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What storing `new` (the readings that were not stored before) does:
    /// each point's newest hour stays open with them, its earlier open
    /// hours close. The hours it opens are open for queries at once (a
    /// query then reads them raw, which is right before and after commit).
    pub fn batch(&self, new: &[Reading]) -> Plan {
        let mut by_point: HashMap<u32, Vec<&Reading>> = HashMap::new();
        for r in new {
            by_point.entry(r.point).or_default().push(r);
        }
        let mut map = self.lock();
        let mut plan = Plan::default();
        for (point, readings) in by_point {
            // One copy of the point's open hours, to change for the plan
            // (`marked` is what was committed: adding readings keeps it).
            let mut next = map.get(&point).cloned().unwrap_or_default();
            for r in readings {
                next.entry(hour_of(r.ts)).or_default().add(r);
            }
            let newest = *next.keys().next_back().expect("a reading was added");
            plan.close(point, &mut next, |h| h < newest);
            let hour = next.get_mut(&newest).expect("newest is open");
            if !hour.marked {
                hour.marked = true;
                plan.mark.push((point, newest));
                map.entry(point).or_default().entry(newest).or_default();
            }
            plan.next.push((point, next));
        }
        plan.fold();
        plan
    }

    /// Closes every open hour that ended by `before` (ms).
    pub fn close_before(&self, before: i64) -> Plan {
        let map = self.lock();
        let mut plan = Plan::default();
        for (&point, old) in map.iter() {
            if old.keys().next().is_some_and(|&h| h + HOUR_MS <= before) {
                let mut next = old.clone();
                plan.close(point, &mut next, |h| h + HOUR_MS <= before);
                plan.next.push((point, next));
            }
        }
        plan.fold();
        plan
    }

    /// Applies a plan whose transaction committed.
    pub fn commit(&self, plan: Plan) {
        let mut map = self.lock();
        for (point, next) in plan.next {
            if next.is_empty() {
                map.remove(&point);
            } else {
                map.insert(point, next);
            }
        }
    }

    /// Starts of `point`'s open hours, oldest first: a range query reads
    /// them raw.
    pub fn of(&self, point: u32) -> Vec<i64> {
        (self.lock().get(&point)).map_or_else(Vec::new, |hours| hours.keys().copied().collect())
    }
}

impl Plan {
    fn close(&mut self, point: u32, next: &mut BTreeMap<i64, Hour>, closes: impl Fn(i64) -> bool) {
        let closing: Vec<i64> = next.keys().copied().filter(|&h| closes(h)).collect();
        for h in closing {
            let hour = next.remove(&h).expect("listed");
            self.merge.extend(hour.rollups());
            if hour.marked {
                self.unmark.push((point, h));
            }
        }
    }

    /// One summary per bucket (hours of one day closing together share its
    /// day): one upsert may not touch a row twice (PostgreSQL refuses).
    fn fold(&mut self) {
        self.merge.sort_by_key(|r| (r.level, r.point, r.bucket));
        let mut folded: Vec<Rollup> = Vec::with_capacity(self.merge.len());
        for r in self.merge.drain(..) {
            match folded.last_mut() {
                Some(last)
                    if (last.level, last.point, last.bucket) == (r.level, r.point, r.bucket) =>
                {
                    last.merge(&r)
                }
                _ => folded.push(r),
            }
        }
        self.merge = folded;
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.merge.is_empty()
            && self.mark.is_empty()
            && self.unmark.is_empty()
            && self.next.is_empty()
    }

    /// How many hours it closes (with readings).
    pub fn closed(&self) -> usize {
        self.merge.iter().filter(|r| r.level == HOUR_MS).count()
    }
}

/// The parameters of `sql::MERGE_ROLLUP` for one summary.
pub fn merge_params(r: &Rollup) -> [Value; 13] {
    [
        Value::Big(r.level),
        Value::Int(r.point as i32),
        Value::Big(r.bucket),
        Value::Big(r.count),
        Value::Real(r.sum),
        Value::Big(r.min.0),
        Value::Real(r.min.1),
        Value::Big(r.max.0),
        Value::Real(r.max.1),
        Value::Big(r.first.0),
        Value::Real(r.first.1),
        Value::Big(r.last.0),
        Value::Real(r.last.1),
    ]
}

/// Rebuilds the rollups of every hour left open by a crash from its raw
/// readings (the hour and its ten-minute buckets replaced, the day's
/// rebuilt from its hourly rollups), and deletes the marks. Returns how
/// many hours it rebuilt. Run in one transaction when the store opens.
///
/// A day whose hourly rollups were already pruned (older than the hourly
/// retention) is rebuilt from the hours still stored.
pub fn recover(tx: &mut dyn Exec) -> Result<usize> {
    let marks = tx.query(sql::OPEN_HOURS, &[])?;
    let mut days = std::collections::BTreeSet::new();
    for mark in &marks {
        let (point, hour) = (mark.i64(0)?, mark.i64(1)?);
        let point_v = Value::Int(point as i32);
        for level in [HOUR_MS, TEN_MINUTES_MS] {
            let (from, to) = (Value::Big(hour), Value::Big(hour + HOUR_MS));
            let args = [Value::Big(level), point_v.clone(), from, to];
            tx.exec(sql::DELETE_ROLLUPS_IN, &args)?;
        }
        let raw = tx.query(
            sql::RANGE,
            &[
                point_v.clone(),
                Value::Big(hour),
                Value::Big(hour + HOUR_MS),
            ],
        )?;
        let mut gathered = Hour::default();
        for row in &raw {
            gathered.add(&rows::reading_of(point as u32, row)?);
        }
        for r in gathered.rollups().filter(|r| r.level != DAY_MS) {
            tx.exec(sql::MERGE_ROLLUP, &merge_params(&r))?;
        }
        days.insert((point, hour.div_euclid(DAY_MS) * DAY_MS));
    }
    for (point, day) in days {
        let point_v = Value::Int(point as i32);
        let day_v = Value::Big(day);
        tx.exec(
            sql::DELETE_ROLLUPS_IN,
            &[
                Value::Big(DAY_MS),
                point_v.clone(),
                day_v.clone(),
                Value::Big(day + DAY_MS),
            ],
        )?;
        let hours = tx.query(
            sql::ROLLUPS,
            &[
                Value::Big(HOUR_MS),
                point_v,
                day_v,
                Value::Big(day + DAY_MS),
            ],
        )?;
        let mut sums: Option<Rollup> = None;
        for row in &hours {
            let h = rows::rollup(point as u32, HOUR_MS, row)?;
            match &mut sums {
                Some(s) => s.merge(&h),
                None => sums = Some(h),
            }
        }
        if let Some(h) = sums {
            let day_sums = Rollup {
                level: DAY_MS,
                bucket: day,
                ..h
            };
            tx.exec(sql::MERGE_ROLLUP, &merge_params(&day_sums))?;
        }
    }
    tx.exec(sql::CLEAR_OPEN_HOURS, &[])?;
    Ok(marks.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(point: u32, ts: i64) -> Reading {
        Reading {
            point,
            ts,
            value: 1.0,
        }
    }

    /// An hour's `open_hours` row is written by the batch that opens it,
    /// once, and deleted by the batch that closes it; a plan that never
    /// committed leaves the hour to be marked again.
    #[test]
    fn an_hour_is_marked_once_when_opened_and_unmarked_when_closed() {
        let open = OpenHours::default();
        let h0 = 10 * HOUR_MS;

        let plan = open.batch(&[at(1, h0 + 1), at(2, h0 + 2)]);
        assert_eq!(sorted(&plan.mark), [(1, h0), (2, h0)]);
        assert!(plan.unmark.is_empty() && plan.merge.is_empty());
        // Its transaction failed: the next batch marks the hour again.
        let plan = open.batch(&[at(1, h0 + 3)]);
        assert_eq!(plan.mark, [(1, h0)]);
        open.commit(plan);

        // Committed: more readings of the same hour mark nothing.
        let plan = open.batch(&[at(1, h0 + 4)]);
        assert!(plan.mark.is_empty() && plan.unmark.is_empty());
        open.commit(plan);

        // The next hour: it is marked, the first one unmarked and merged
        // (the hour, its ten-minute bucket and the day's share).
        let plan = open.batch(&[at(1, h0 + HOUR_MS)]);
        assert_eq!(plan.mark, [(1, h0 + HOUR_MS)]);
        assert_eq!(plan.unmark, [(1, h0)]);
        let hour = plan.merge.iter().find(|r| r.level == HOUR_MS).unwrap();
        assert_eq!((hour.bucket, hour.count), (h0, 2), "the committed readings");
        assert_eq!(plan.merge.len(), 3);
        open.commit(plan);
        assert_eq!(open.of(1), [h0 + HOUR_MS]);

        // Point 2's hour was never committed: closing it merges its
        // placeholder's nothing and deletes no row.
        let plan = open.close_before(i64::MAX);
        assert_eq!(plan.unmark, [(1, h0 + HOUR_MS)]);
        assert!(plan.merge.iter().all(|r| r.point == 1));
    }

    fn sorted(v: &[(u32, i64)]) -> Vec<(u32, i64)> {
        let mut v = v.to_vec();
        v.sort_unstable();
        v
    }
}
