//! Which stored resolution answers a range query, and how rollups and raw
//! readings combine into exact M4 input.
//!
//! A bucket that lies inside one pixel column can be stood for by its first,
//! min, max and last readings (with their times): M4 keeps exactly those per
//! column anyway. A bucket that straddles a column edge cannot, so its raw
//! readings are read instead. With buckets at most a quarter of a column, no
//! gap can hide inside a bucket that M4 would draw (its gap threshold is at
//! least a column), so the output is the same as M4 over every reading.

use cairn_protocol::{Reading, Resolution};

use crate::store::rollup::{DAY_MS, HOUR_MS, LEVELS, Rollup};

/// A bucket must be at most this fraction of a pixel column to be used.
const BUCKETS_PER_COLUMN: i64 = 4;

/// The coarsest rollup level that is still exact for this query, if any;
/// hourly rollups anyway when the span reaches before `raw_from` (raw
/// readings older than that are gone, see `retention.rs`).
pub fn choose(from: i64, to: i64, px: u32, raw_from: i64) -> Option<i64> {
    let column_ms = (to - from) / i64::from(px.max(1));
    LEVELS
        .into_iter()
        .find(|&level| level * BUCKETS_PER_COLUMN <= column_ms)
        .or((from < raw_from).then_some(HOUR_MS))
}

pub fn resolution(level: Option<i64>) -> Resolution {
    match level {
        Some(DAY_MS) => Resolution::Day,
        Some(HOUR_MS) => Resolution::Hour,
        _ => Resolution::Raw,
    }
}

/// Pixel column of a time, as M4 counts them.
fn column(t: i64, from: i64, to: i64, px: u32) -> i64 {
    ((i128::from(t - from) * i128::from(px)) / i128::from((to - from).max(1))) as i64
}

/// Whether a bucket stands in by its representatives: it lies inside one
/// column, or its raw readings are gone (then it is the best there is).
fn whole(r: &Rollup, from: i64, to: i64, px: u32, raw_from: i64) -> bool {
    let end = r.bucket + r.level;
    let inside = r.bucket >= from
        && end <= to
        && column(r.bucket, from, to, px) == column(end - 1, from, to, px);
    inside || end <= raw_from
}

/// Starts of the buckets whose raw readings are needed.
pub fn straddling(rollups: &[Rollup], from: i64, to: i64, px: u32, raw_from: i64) -> Vec<i64> {
    (rollups.iter())
        .filter(|r| !whole(r, from, to, px, raw_from))
        .map(|r| r.bucket)
        .collect()
}

/// M4 input in time order: representatives of whole buckets, raw readings of
/// the straddling ones (`raw`, sorted), all inside `[from, to)`. Also returns
/// how many stored readings that stands for.
pub fn assemble(
    rollups: &[Rollup],
    raw: &[Reading],
    from: i64,
    to: i64,
    px: u32,
    raw_from: i64,
) -> (Vec<(i64, f64)>, u64) {
    let mut out = Vec::with_capacity(rollups.len() * 4 + raw.len());
    let mut stored = 0;
    let mut raw = raw.iter().filter(|r| (from..to).contains(&r.ts)).peekable();
    for b in rollups {
        if whole(b, from, to, px, raw_from) {
            // Raw readings of earlier straddling buckets come first.
            while let Some(r) = raw.next_if(|r| r.ts < b.bucket) {
                out.push((r.ts, r.value));
                stored += 1;
            }
            out.extend(b.representatives().filter(|r| (from..to).contains(&r.0)));
            stored += b.count as u64;
        }
    }
    for r in raw {
        out.push((r.ts, r.value));
        stored += 1;
    }
    (out, stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::m4::m4;
    use crate::store::rollup::summarise;
    use rand::{Rng, SeedableRng};

    #[test]
    fn the_coarsest_exact_level_is_chosen() {
        let year = 365 * DAY_MS;
        let all_raw = i64::MIN;
        assert_eq!(choose(0, year, 1920, all_raw), Some(HOUR_MS));
        assert_eq!(choose(0, 30 * DAY_MS, 1920, all_raw), None);
        assert_eq!(choose(0, 2 * year, 100, all_raw), Some(DAY_MS));
        assert_eq!(resolution(choose(0, year, 1920, all_raw)), Resolution::Hour);
        // Raw readings before day 10 are gone: hourly rollups answer.
        assert_eq!(choose(0, 30 * DAY_MS, 1920, 10 * DAY_MS), Some(HOUR_MS));
    }

    /// Rollups plus straddling raw give exactly M4 over every reading, gaps
    /// included, for random spans, widths, cadences and holes.
    #[test]
    fn rollups_with_raw_edges_equal_m4_over_raw() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let mut checked = 0;
        for case in 0..60 {
            let step = [60_000, 600_000, 17_000][case % 3];
            let start = rng.random_range(0..DAY_MS);
            let mut readings = Vec::new();
            let mut t = start;
            while t < start + 60 * DAY_MS {
                // Spikes and holes, as real devices have them.
                if rng.random_range(0..500) == 0 {
                    t += rng.random_range(1..30) * HOUR_MS;
                }
                let spike = if rng.random_range(0..200) == 0 {
                    1_000.0
                } else {
                    0.0
                };
                readings.push(Reading {
                    point: 1,
                    ts: t,
                    value: rng.random_range(0.0..10.0) + spike,
                });
                t += step;
            }
            let from = start + rng.random_range(0..DAY_MS);
            let to = from + rng.random_range(10..58) * DAY_MS;
            let px = rng.random_range(50..400);
            let Some(level) = choose(from, to, px, i64::MIN) else {
                continue;
            };
            let mut rollups: Vec<Rollup> = summarise(&readings)
                .into_iter()
                .filter(|r| r.level == level)
                .collect();
            rollups.retain(|r| r.bucket + r.level > from && r.bucket < to);
            rollups.sort_by_key(|r| r.bucket);
            let starts = straddling(&rollups, from, to, px, i64::MIN);
            let raw: Vec<Reading> = (readings.iter())
                .filter(|r| starts.contains(&(r.ts.div_euclid(level) * level)))
                .copied()
                .collect();
            let (input, stored) = assemble(&rollups, &raw, from, to, px, i64::MIN);
            let all: Vec<(i64, f64)> = (readings.iter())
                .filter(|r| (from..to).contains(&r.ts))
                .map(|r| (r.ts, r.value))
                .collect();
            let column_ms = (to - from) / i64::from(px);
            let gap = (3 * step).max(column_ms);
            assert_eq!(stored, all.len() as u64, "case {case}");
            assert!(
                input.len() < all.len(),
                "case {case}: rollups read fewer rows"
            );
            assert_eq!(
                m4(&input, from, to, px, gap),
                m4(&all, from, to, px, gap),
                "case {case}"
            );
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} cases used rollups");
    }
}
