//! The rows a range query will ask for, read at once: which buckets straddle
//! a column edge depends only on the query (`from`, `to`, `px`), so the finer
//! rollups of the straddling buckets at every level and the raw readings of
//! the finest ones need not wait for the coarser rows. Each read runs on its
//! own connection (SQLite's readers, PostgreSQL's pool), in parallel.
//!
//! [`Prefetched`] is a [`Source`] over those rows: `plan::read` walks the
//! levels exactly as over the store, and asks the store itself only for what
//! was not prefetched (a bucket whose finer rollups do not add up, read raw).

use std::collections::BTreeSet;

use cairn_protocol::Reading;
use futures_util::future::try_join4;

use super::plan::Source;
use crate::store::{
    Result,
    rollup::{self, DAY_MS, Rollup},
};

/// Starts of the buckets of `size` that a column edge of the query cuts, or
/// that reach outside `[from, to)`, sorted; buckets that ended by
/// `raw_from` (whole anyway) left out.
pub fn edge_buckets(from: i64, to: i64, px: u32, size: i64, raw_from: i64) -> Vec<i64> {
    let span = i128::from((to - from).max(1));
    let px = i128::from(px.max(1));
    let floor = |t: i64| t.div_euclid(size) * size;
    let mut out = BTreeSet::new();
    for c in 1..px {
        // The first time in column `c`, as `plan::column` counts them.
        let edge = from + ((c * span + px - 1) / px) as i64;
        if edge.rem_euclid(size) != 0 {
            out.insert(floor(edge));
        }
    }
    if from.rem_euclid(size) != 0 {
        out.insert(floor(from));
    }
    if to.rem_euclid(size) != 0 {
        out.insert(floor(to - 1));
    }
    out.into_iter().filter(|&b| b + size > raw_from).collect()
}

/// Rollups of one level inside some coarser buckets.
struct Children {
    level: i64,
    parent: i64,
    parents: Vec<i64>,
    rows: Vec<Rollup>,
}

/// A query's rows, prefetched; see the module's doc.
pub(crate) struct Prefetched<'a, S> {
    src: &'a S,
    top: (i64, Vec<Rollup>),
    children: Vec<Children>,
    /// Raw readings of the finest edge buckets: (their starts, size, rows).
    raw: (Vec<i64>, i64, Vec<Reading>),
    open: Vec<i64>,
}

impl<'a, S: Source> Prefetched<'a, S> {
    /// Reads, in parallel: `level`'s rollups over the span, the finer
    /// rollups of its edge buckets level by level (with the days holding an
    /// open hour), and the raw readings of the finest edge buckets.
    pub async fn fetch(
        src: &'a S,
        level: i64,
        (from, to, px): (i64, i64, u32),
        raw_from: i64,
    ) -> Result<Prefetched<'a, S>> {
        let open = src.open_hours();
        let mut wanted = Vec::new();
        let mut parent = level;
        while let Some(finer) = rollup::finer(parent) {
            let mut parents = edge_buckets(from, to, px, parent, raw_from);
            if parent == DAY_MS {
                let in_span = open
                    .iter()
                    .filter(|&&h| h + rollup::HOUR_MS > from && h < to);
                parents.extend(in_span.map(|h| h.div_euclid(DAY_MS) * DAY_MS));
                parents.sort_unstable();
                parents.dedup();
            }
            wanted.push((finer, parent, parents));
            parent = finer;
        }
        let finest = parent;
        let raw_starts = edge_buckets(from, to, px, finest, raw_from);
        // At most two finer levels (day → hour → ten minutes).
        let fetch_children = |i: usize| {
            let w = wanted.get(i).cloned();
            async move {
                match w {
                    Some((l, p, parents)) if !parents.is_empty() => {
                        let rows = src.rollups_in(l, parents.clone(), p).await?;
                        Ok(Some(Children {
                            level: l,
                            parent: p,
                            parents,
                            rows,
                        }))
                    }
                    _ => Ok(None),
                }
            }
        };
        let (top, first, second, raw) = try_join4(
            src.rollups(level, from, to),
            fetch_children(0),
            fetch_children(1),
            async {
                if raw_starts.is_empty() {
                    Ok(Vec::new())
                } else {
                    src.in_buckets(raw_starts.clone(), finest).await
                }
            },
        )
        .await?;
        Ok(Prefetched {
            src,
            top: (level, top),
            children: [first, second].into_iter().flatten().collect(),
            raw: (raw_starts, finest, raw),
            open,
        })
    }
}

/// Whether every one of `wanted` (sorted) is in `have` (sorted).
fn covers(have: &[i64], wanted: &[i64]) -> bool {
    wanted.iter().all(|w| have.binary_search(w).is_ok())
}

impl<S: Source> Source for Prefetched<'_, S> {
    async fn rollups(&self, level: i64, from: i64, to: i64) -> Result<Vec<Rollup>> {
        if level == self.top.0 {
            return Ok(self.top.1.clone());
        }
        self.src.rollups(level, from, to).await
    }

    async fn rollups_in(&self, level: i64, starts: Vec<i64>, parent: i64) -> Result<Vec<Rollup>> {
        let got = (self.children.iter())
            .find(|c| c.level == level && c.parent == parent && covers(&c.parents, &starts));
        match got {
            Some(c) => Ok((c.rows.iter())
                .filter(|r| {
                    starts
                        .binary_search(&(r.bucket.div_euclid(parent) * parent))
                        .is_ok()
                })
                .copied()
                .collect()),
            None => self.src.rollups_in(level, starts, parent).await,
        }
    }

    async fn in_buckets(&self, starts: Vec<i64>, size: i64) -> Result<Vec<Reading>> {
        let (have, have_size, rows) = &self.raw;
        if size == *have_size && covers(have, &starts) {
            return Ok((rows.iter())
                .filter(|r| {
                    starts
                        .binary_search(&(r.ts.div_euclid(size) * size))
                        .is_ok()
                })
                .copied()
                .collect());
        }
        self.src.in_buckets(starts, size).await
    }

    fn open_hours(&self) -> Vec<i64> {
        self.open.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::plan::column;
    use rand::{Rng, SeedableRng};

    /// The buckets the geometry names are exactly those that do not lie
    /// inside one column of the span, for random spans, widths and sizes.
    #[test]
    fn edge_buckets_are_the_buckets_not_inside_one_column() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for case in 0..300 {
            let size = [rollup::TEN_MINUTES_MS, rollup::HOUR_MS, DAY_MS][case % 3];
            let from = rng.random_range(-DAY_MS..400 * DAY_MS);
            let to = from + rng.random_range(size..200 * DAY_MS);
            let px = rng.random_range(1..3000);
            let first = from.div_euclid(size) * size;
            let want: Vec<i64> = (0..)
                .map(|i| first + i * size)
                .take_while(|&b| b < to)
                .filter(|&b| {
                    let end = b + size;
                    let inside = b >= from
                        && end <= to
                        && column(b, from, to, px) == column(end - 1, from, to, px);
                    !inside
                })
                .collect();
            assert_eq!(
                edge_buckets(from, to, px, size, i64::MIN),
                want,
                "case {case}"
            );
        }
    }
}
