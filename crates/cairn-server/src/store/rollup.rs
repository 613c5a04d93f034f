//! Rollups: per point and time bucket, count/sum/min/max/first/last with the
//! times of min, max, first and last. An hour's are gathered in memory while
//! it is open and merged into the stored ones when it closes
//! (`open_hours.rs`), so a reading costs one row, not one per level. The range query reads
//! them where a pixel column spans many buckets, and refines a bucket that
//! straddles a column's edge by the next finer level (see `series::plan`).

use cairn_protocol::Reading;

pub const TEN_MINUTES_MS: i64 = 600_000;
pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// Bucket sizes kept, coarsest first; each divides the one before it, so a
/// bucket is the union of its finer ones. Days are UTC days. Ten-minute
/// rollups are kept as long as raw readings, hourly ones longer, daily ones
/// forever (`retention.rs`).
pub const LEVELS: [i64; 3] = [DAY_MS, HOUR_MS, TEN_MINUTES_MS];

/// The next finer level after `level`, if any.
pub fn finer(level: i64) -> Option<i64> {
    let i = LEVELS.iter().position(|&l| l == level)?;
    LEVELS.get(i + 1).copied()
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rollup {
    pub point: u32,
    /// Bucket size, ms (one of [`LEVELS`]).
    pub level: i64,
    /// Bucket start (UTC epoch ms, a multiple of `level`).
    pub bucket: i64,
    pub count: i64,
    pub sum: f64,
    pub min: (i64, f64),
    pub max: (i64, f64),
    pub first: (i64, f64),
    pub last: (i64, f64),
}

impl Rollup {
    /// The summary of one reading in its bucket at `level`.
    pub(crate) fn of(point: u32, level: i64, r: &Reading) -> Rollup {
        let at = (r.ts, r.value);
        Rollup {
            point,
            level,
            bucket: r.ts.div_euclid(level) * level,
            count: 1,
            sum: r.value,
            min: at,
            max: at,
            first: at,
            last: at,
        }
    }

    /// Folds another summary of the same bucket into this one. Of equal
    /// minima (maxima) the earliest is kept, as M4 keeps it, whatever the
    /// order the readings came in.
    pub fn merge(&mut self, o: &Rollup) {
        self.count += o.count;
        self.sum += o.sum;
        if o.min.1 < self.min.1 || (o.min.1 == self.min.1 && o.min.0 < self.min.0) {
            self.min = o.min;
        }
        if o.max.1 > self.max.1 || (o.max.1 == self.max.1 && o.max.0 < self.max.0) {
            self.max = o.max;
        }
        if o.first.0 < self.first.0 {
            self.first = o.first;
        }
        if o.last.0 > self.last.0 {
            self.last = o.last;
        }
    }

    /// The readings that stand for the bucket in M4: first, min, max, last,
    /// in time order, without repeats.
    pub fn representatives(&self) -> impl Iterator<Item = (i64, f64)> {
        let mut reps = [self.first, self.min, self.max, self.last];
        reps.sort_by_key(|r| r.0);
        let mut prev = None;
        reps.into_iter().filter(move |r| {
            let keep = prev != Some(r.0);
            prev = Some(r.0);
            keep
        })
    }
}

/// Summarises readings per level, point and bucket, all at once: the
/// reference the tests hold the engines' hour-by-hour rollups
/// (`open_hours.rs`) to.
#[cfg(test)]
pub fn summarise(new: &[Reading]) -> Vec<Rollup> {
    let mut out: std::collections::HashMap<(i64, u32, i64), Rollup> = Default::default();
    for r in new {
        for level in LEVELS {
            let one = Rollup::of(r.point, level, r);
            out.entry((level, r.point, one.bucket))
                .and_modify(|agg| agg.merge(&one))
                .or_insert(one);
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_merge_to_what_the_readings_say() {
        let r = |ts, value| Reading {
            point: 1,
            ts,
            value,
        };
        let readings = [
            r(10, 5.0),
            r(20, 1.0),
            r(HOUR_MS + 5, 9.0),
            r(30, 7.0),
            r(15, 3.0),
        ];
        let mut hours: Vec<_> = summarise(&readings)
            .into_iter()
            .filter(|s| s.level == HOUR_MS)
            .collect();
        hours.sort_by_key(|s| s.bucket);
        let h = hours[0];
        assert_eq!((h.bucket, h.count, h.sum), (0, 4, 16.0));
        assert_eq!(
            (h.min, h.max, h.first, h.last),
            ((20, 1.0), (30, 7.0), (10, 5.0), (30, 7.0))
        );
        assert_eq!(hours[1].bucket, HOUR_MS);
        // Merging two halves gives the same as summarising all at once.
        let (a, b) = readings.split_at(2);
        let mut left = summarise(a)
            .into_iter()
            .find(|s| s.level == DAY_MS)
            .unwrap();
        let right = summarise(b)
            .into_iter()
            .find(|s| s.level == DAY_MS)
            .unwrap();
        left.merge(&right);
        assert_eq!(
            left,
            summarise(&readings)
                .into_iter()
                .find(|s| s.level == DAY_MS)
                .unwrap()
        );
        assert_eq!(
            h.representatives().collect::<Vec<_>>(),
            vec![(10, 5.0), (20, 1.0), (30, 7.0)]
        );
    }

    #[test]
    fn buckets_before_1970_floor_correctly() {
        let s = summarise(&[Reading {
            point: 0,
            ts: -1,
            value: 0.0,
        }]);
        assert!(s.iter().all(|r| r.bucket == -r.level));
    }
}
