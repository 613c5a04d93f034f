//! Which stored resolution answers a range query, and how rollups and raw
//! readings combine into exact M4 input.
//!
//! A bucket that lies inside one pixel column can be stood for by its first,
//! min, max and last readings (with their times): M4 keeps exactly those per
//! column anyway, and no gap M4 would draw can hide inside it (its gap
//! threshold is at least a column). A bucket that straddles a column edge
//! cannot: it is refined by the next finer level's buckets, and those at the
//! finest level that still straddle are read raw. So the output is the same
//! as M4 over every reading, from a few rows per column: a 1-year chart at
//! 1,920 px reads 8,760 hourly rollups, then ten-minute ones and raw
//! readings only at the 1,920 column edges.

use cairn_protocol::{Reading, Resolution};

use crate::store::rollup::{self, DAY_MS, HOUR_MS, LEVELS, Rollup, TEN_MINUTES_MS};

/// Rollups are read where a level's buckets are at most this fraction of a
/// pixel column (most of them then lie inside one).
const BUCKETS_PER_COLUMN: i64 = 4;

/// The coarsest rollup level that mostly lies inside columns for this
/// query (what the series reports as its resolution), or `None` when raw
/// readings are read more cheaply; hourly anyway when the span reaches
/// before `raw_from` (raw readings and ten-minute rollups older than that
/// are gone, see `retention.rs`).
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
        Some(TEN_MINUTES_MS) => Resolution::TenMinutes,
        _ => Resolution::Raw,
    }
}

/// Pixel column of a time, as M4 counts them.
pub(super) fn column(t: i64, from: i64, to: i64, px: u32) -> i64 {
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

/// Where a query reads its rows from: what the engines answer.
pub(crate) trait Source {
    /// Rollups at `level` overlapping `[from, to)`, oldest first.
    async fn rollups(&self, level: i64, from: i64, to: i64) -> crate::store::Result<Vec<Rollup>>;
    /// Rollups at `level` inside each `[start, start + parent)`, oldest first.
    async fn rollups_in(
        &self,
        level: i64,
        starts: Vec<i64>,
        parent: i64,
    ) -> crate::store::Result<Vec<Rollup>>;
    /// Raw readings inside each `[start, start + size)`, oldest first.
    async fn in_buckets(&self, starts: Vec<i64>, size: i64) -> crate::store::Result<Vec<Reading>>;
    /// Starts of the open hours, oldest first: not in the rollups yet.
    fn open_hours(&self) -> Vec<i64>;
}

/// M4 input for `[from, to)` at `px` columns from the rollups at `level`
/// (what [`choose`] chose), then finer ones where those straddle an edge,
/// in time order, with how many stored readings it stands for.
///
/// Ten-minute rollups are refined from hourly ones, which cover all data,
/// and a straddling bucket whose finer buckets do not account for all its
/// readings (data stored before that level existed) is read raw instead.
/// Open hours (`store::open_hours`) are read raw; a bucket overlapping one
/// is never whole.
///
/// The rows are read at once where the query's geometry tells which they
/// will be (`prefetch.rs`), then walked level by level.
pub(crate) async fn read(
    src: &impl Source,
    level: i64,
    (from, to, px): (i64, i64, u32),
    raw_from: i64,
) -> crate::store::Result<(Vec<(i64, f64)>, u64)> {
    let level = level.max(HOUR_MS);
    let pre = super::prefetch::Prefetched::fetch(src, level, (from, to, px), raw_from).await?;
    walk(&pre, level, (from, to, px), raw_from).await
}

/// [`read`]'s walk from `level` down.
async fn walk(
    src: &impl Source,
    level: i64,
    (from, to, px): (i64, i64, u32),
    raw_from: i64,
) -> crate::store::Result<(Vec<(i64, f64)>, u64)> {
    let mut whole_buckets = Vec::new();
    let mut raw = Vec::new();
    let mut level = level;
    let open: Vec<i64> = (src.open_hours().into_iter())
        .filter(|&h| h + HOUR_MS > from && h < to)
        .collect();
    let in_open = |r: &Rollup| {
        let end = r.bucket + r.level;
        open.iter().any(|&h| h < end && r.bucket < h + HOUR_MS)
    };
    let mut rollups = src.rollups(level, from, to).await?;
    loop {
        // Finer buckets of an edge bucket may lie outside the span; an
        // hour or finer inside an open hour is read raw with it.
        rollups.retain(|r| r.bucket + r.level > from && r.bucket < to);
        rollups.retain(|r| r.level > HOUR_MS || !in_open(r));
        let (keep, split): (Vec<_>, Vec<_>) =
            (rollups.into_iter()).partition(|r| whole(r, from, to, px, raw_from) && !in_open(r));
        whole_buckets.extend(keep);
        let starts: Vec<i64> = split.iter().map(|r| r.bucket).collect();
        let Some(finer) = rollup::finer(level).filter(|_| !starts.is_empty()) else {
            if !starts.is_empty() {
                raw.extend(src.in_buckets(starts, level).await?);
            }
            break;
        };
        let children = src.rollups_in(finer, starts, level).await?;
        let (mut next, mut incomplete) = (Vec::new(), Vec::new());
        let mut children = children.into_iter().peekable();
        for parent in &split {
            let end = parent.bucket + level;
            let mine: Vec<Rollup> = std::iter::from_fn(|| children.next_if(|c| c.bucket < end))
                .filter(|c| c.bucket >= parent.bucket)
                .collect();
            if mine.iter().map(|c| c.count).sum::<i64>() == parent.count {
                next.extend(mine);
            } else {
                incomplete.push(parent.bucket);
            }
        }
        if !incomplete.is_empty() {
            raw.extend(src.in_buckets(incomplete, level).await?);
        }
        rollups = next;
        level = finer;
    }
    if !open.is_empty() {
        raw.extend(src.in_buckets(open, HOUR_MS).await?);
    }
    whole_buckets.sort_by_key(|r| r.bucket);
    raw.sort_by_key(|r| r.ts);
    // A reading read twice (an open hour inside a bucket read raw whole,
    // as when its finer rollups did not add up) counts once: a point has
    // one reading per time.
    raw.dedup_by_key(|r| r.ts);
    Ok(assemble(&whole_buckets, &raw, from, to))
}

/// M4 input in time order: representatives of whole buckets (sorted, not
/// overlapping), raw readings of the rest (`raw`, sorted), all inside
/// `[from, to)`. Also returns how many stored readings that stands for.
fn assemble(whole: &[Rollup], raw: &[Reading], from: i64, to: i64) -> (Vec<(i64, f64)>, u64) {
    let mut out = Vec::with_capacity(whole.len() * 4 + raw.len());
    let mut stored = 0;
    let mut raw = raw.iter().filter(|r| (from..to).contains(&r.ts)).peekable();
    for b in whole {
        // Raw readings of earlier straddling buckets come first.
        while let Some(r) = raw.next_if(|r| r.ts < b.bucket) {
            out.push((r.ts, r.value));
            stored += 1;
        }
        out.extend(b.representatives().filter(|r| (from..to).contains(&r.0)));
        stored += b.count as u64;
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
        assert_eq!(choose(0, 90 * DAY_MS, 1920, all_raw), Some(TEN_MINUTES_MS));
        assert_eq!(resolution(Some(TEN_MINUTES_MS)), Resolution::TenMinutes);
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// The stored rows of one point, as an engine would answer them.
    struct Memory {
        readings: Vec<Reading>,
        rollups: Vec<Rollup>,
        open: Vec<i64>,
    }

    impl Memory {
        /// Every level summarised, minus the ten-minute rollups before
        /// `ten_from` (a database written before that level existed).
        fn new(readings: Vec<Reading>, ten_from: i64) -> Memory {
            let mut rollups = summarise(&readings);
            rollups.retain(|r| r.level != TEN_MINUTES_MS || r.bucket >= ten_from);
            rollups.sort_by_key(|r| (r.level, r.bucket));
            Memory {
                readings,
                rollups,
                open: Vec::new(),
            }
        }

        /// As the engines store them: batches of random size through the
        /// open hours, some readings late, some quiet hours closed on the
        /// way, all closed at the end; then the reading at `reopen_at`
        /// reopens its hour.
        fn through_open_hours(
            readings: Vec<Reading>,
            reopen_at: i64,
            rng: &mut impl Rng,
        ) -> Memory {
            use crate::store::open_hours::OpenHours;
            let open = OpenHours::default();
            let mut stored: std::collections::HashMap<(i64, i64), Rollup> = Default::default();
            let mut store = |plan: crate::store::open_hours::Plan| {
                for r in &plan.merge {
                    (stored.entry((r.level, r.bucket)))
                        .and_modify(|s| s.merge(r))
                        .or_insert(*r);
                }
                open.commit(plan);
            };
            let mut late = Vec::new();
            // One reading comes after everything was closed: its hour is
            // then open again, with its other readings in the rollups.
            let at = readings.partition_point(|r| r.ts < reopen_at);
            let reopening = readings[at];
            let feed: Vec<Reading> = (readings.iter())
                .filter(|r| r.ts != reopening.ts)
                .copied()
                .collect();
            let mut rest = &feed[..];
            while !rest.is_empty() {
                let n = rng.random_range(1..200).min(rest.len());
                let (mut batch, tail) = (rest[..n].to_vec(), &rest[n..]);
                rest = tail;
                // Hold some back to send later, out of order.
                batch.retain(|r| {
                    let hold = rng.random_range(0..50) == 0;
                    if hold {
                        late.push(*r);
                    }
                    !hold
                });
                if rng.random_range(0..20) == 0 {
                    batch.append(&mut late);
                }
                store(open.batch(&batch));
                if rng.random_range(0..100) == 0 {
                    let now = batch.last().map_or(0, |r| r.ts);
                    store(open.close_before(now - HOUR_MS));
                }
            }
            store(open.batch(&late));
            store(open.close_before(i64::MAX));
            store(open.batch(&[reopening]));
            let mut rollups: Vec<Rollup> = stored.into_values().collect();
            rollups.sort_by_key(|r| (r.level, r.bucket));
            let open = open.of(1);
            assert!(!open.is_empty(), "the last hour is open");
            Memory {
                readings,
                rollups,
                open,
            }
        }
    }

    impl Source for Memory {
        async fn rollups(
            &self,
            level: i64,
            from: i64,
            to: i64,
        ) -> crate::store::Result<Vec<Rollup>> {
            Ok((self.rollups.iter())
                .filter(|r| r.level == level && r.bucket + level > from && r.bucket < to)
                .copied()
                .collect())
        }
        async fn rollups_in(
            &self,
            level: i64,
            starts: Vec<i64>,
            parent: i64,
        ) -> crate::store::Result<Vec<Rollup>> {
            Ok((self.rollups.iter())
                .filter(|r| r.level == level)
                .filter(|r| starts.iter().any(|s| (*s..s + parent).contains(&r.bucket)))
                .copied()
                .collect())
        }
        async fn in_buckets(
            &self,
            starts: Vec<i64>,
            size: i64,
        ) -> crate::store::Result<Vec<Reading>> {
            Ok((self.readings.iter())
                .filter(|r| starts.iter().any(|s| (*s..s + size).contains(&r.ts)))
                .copied()
                .collect())
        }
        fn open_hours(&self) -> Vec<i64> {
            self.open.clone()
        }
    }

    /// Rollups at every level plus raw readings at the finest straddling
    /// buckets give exactly M4 over every reading, gaps included, for
    /// random spans, widths, cadences and holes; also where the ten-minute
    /// level is missing for older data, and where the rollups were merged
    /// hour by hour through `OpenHours` (late readings, quiet hours closed,
    /// the newest hours still open).
    #[test]
    fn rollups_with_raw_edges_equal_m4_over_raw() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let (mut checked, mut levels) = (0, std::collections::BTreeSet::new());
        for case in 0..90 {
            let step = [60_000, 600_000, 17_000][case % 3];
            let start = rng.random_range(0..DAY_MS);
            let mut readings = Vec::new();
            let mut t = start;
            let days = rng.random_range(2..120);
            while t < start + days * DAY_MS {
                // Spikes and holes, as real devices have them.
                if rng.random_range(0..500) == 0 {
                    t += rng.random_range(1..30) * HOUR_MS;
                }
                let spike = if rng.random_range(0..200) == 0 {
                    1_000.0
                } else {
                    0.0
                };
                // Whole numbers too (ppm, counts): equal minima and maxima.
                let value = if case % 5 == 1 {
                    f64::from(rng.random_range(0..4))
                } else {
                    rng.random_range(0.0..10.0)
                };
                readings.push(Reading {
                    point: 1,
                    ts: t,
                    value: value + spike,
                });
                t += rng.random_range(step / 2..step * 3 / 2);
            }
            let from = start + rng.random_range(0..DAY_MS);
            let to = from + rng.random_range(HOUR_MS..(days - 1) * DAY_MS);
            // Narrow charts too (sparklines), where whole days fit a column.
            let px = if case % 5 == 0 {
                rng.random_range(2..20)
            } else {
                rng.random_range(50..2000)
            };
            let Some(level) = choose(from, to, px, i64::MIN) else {
                continue;
            };
            let memory = match case % 4 {
                0 => Memory::new(readings.clone(), from + (to - from) / 2),
                1 | 2 => Memory::through_open_hours(readings.clone(), (from + to) / 2, &mut rng),
                _ => Memory::new(readings.clone(), i64::MIN),
            };
            let (input, stored) = block_on(read(&memory, level, (from, to, px), i64::MIN)).unwrap();
            let all: Vec<(i64, f64)> = (readings.iter())
                .filter(|r| (from..to).contains(&r.ts))
                .map(|r| (r.ts, r.value))
                .collect();
            let column_ms = (to - from) / i64::from(px);
            let gap = (3 * step).max(column_ms);
            assert_eq!(stored, all.len() as u64, "case {case}");
            assert!(
                input.len() <= all.len(),
                "case {case}: rollups never stand for more rows than they summarise"
            );
            assert_eq!(
                m4(&input, from, to, px, gap),
                m4(&all, from, to, px, gap),
                "case {case}"
            );
            checked += 1;
            levels.insert(level);
        }
        assert!(checked >= 30, "only {checked} cases used rollups");
        assert_eq!(levels.len(), 3, "every level was the top one: {levels:?}");
    }

    /// The levels nest, and a 1-year chart at 1,920 px reads hourly rollups
    /// refined by ten-minute ones: a few rows per column, not an hour of raw
    /// readings at every edge.
    #[test]
    fn a_year_reads_ten_minute_buckets_at_column_edges() {
        assert_eq!(rollup::finer(DAY_MS), Some(HOUR_MS));
        assert_eq!(rollup::finer(HOUR_MS), Some(TEN_MINUTES_MS));
        assert_eq!(rollup::finer(TEN_MINUTES_MS), None);
        let year = 365 * DAY_MS;
        let readings: Vec<Reading> = (0..year / 60_000)
            .map(|i| Reading {
                point: 1,
                ts: i * 60_000,
                value: (i % 97) as f64,
            })
            .collect();
        struct Counting(Memory, std::sync::atomic::AtomicUsize);
        impl Source for Counting {
            async fn rollups(&self, l: i64, f: i64, t: i64) -> crate::store::Result<Vec<Rollup>> {
                let out = self.0.rollups(l, f, t).await?;
                self.1
                    .fetch_add(out.len(), std::sync::atomic::Ordering::Relaxed);
                Ok(out)
            }
            async fn rollups_in(
                &self,
                l: i64,
                s: Vec<i64>,
                p: i64,
            ) -> crate::store::Result<Vec<Rollup>> {
                let out = self.0.rollups_in(l, s, p).await?;
                self.1
                    .fetch_add(out.len(), std::sync::atomic::Ordering::Relaxed);
                Ok(out)
            }
            async fn in_buckets(&self, s: Vec<i64>, z: i64) -> crate::store::Result<Vec<Reading>> {
                let out = self.0.in_buckets(s, z).await?;
                self.1
                    .fetch_add(out.len(), std::sync::atomic::Ordering::Relaxed);
                Ok(out)
            }
            fn open_hours(&self) -> Vec<i64> {
                Vec::new()
            }
        }
        let src = Counting(Memory::new(readings.clone(), i64::MIN), Default::default());
        let level = choose(0, year, 1920, i64::MIN).unwrap();
        assert_eq!(level, HOUR_MS);
        let (input, stored) = block_on(read(&src, level, (0, year, 1920), i64::MIN)).unwrap();
        assert_eq!(stored, readings.len() as u64);
        let rows = src.1.into_inner();
        // 8,760 hours, then per edge 6 ten-minute buckets and ≤ 10 readings.
        assert!(rows < 8_760 + 1_920 * 16, "{rows} rows read");
        let all: Vec<(i64, f64)> = readings.iter().map(|r| (r.ts, r.value)).collect();
        let gap = year / 1920;
        assert_eq!(m4(&input, 0, year, 1920, gap), m4(&all, 0, year, 1920, gap));
    }
}
