//! What one series holds: columnar times and values, sorted by time, NaN as
//! a gap marker (never interpolated across). Fetched ranges replace what was
//! there; live readings append. A summary of every whole block of
//! [`BLOCK`] points is kept ready as the points arrive (a coarse level), so
//! decimating a wide view steps over a block at a time instead of a point.

use std::ops::Range;

use cairn_protocol::{Series, m4::Run};

/// Points per summarised block.
pub const BLOCK: usize = 16;

/// One block's summary, what [`Run`] needs beside the points themselves:
/// offsets of its first minimum and maximum, its longest time step (ms) and
/// whether it holds a gap marker: 16 bytes beside the 256 of its points.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Block {
    max_step: i64,
    min_at: u8,
    max_at: u8,
    has_gap_marker: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeriesData {
    t: Vec<i64>,
    v: Vec<f64>,
    /// Summaries of the blocks `0..blocks.len()`, always every whole block.
    blocks: Vec<Block>,
    /// Bumped when data is replaced (not when appended): decimation caches
    /// built on the old data are void.
    generation: u64,
}

impl SeriesData {
    /// A fetched series, `None` values as gap markers (NaN).
    ///
    /// # Panics
    /// When `s` fails [`Series::check`]'s length rule; `api::series`
    /// refuses such a batch before it reaches a chart.
    pub fn from_series(s: &Series) -> Self {
        Self::from_columns(
            s.t.clone(),
            s.v.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        )
    }

    /// The series of times `t` (sorted) and values `v` (NaN a gap marker).
    ///
    /// # Panics
    /// When the two columns differ in length.
    pub fn from_columns(t: Vec<i64>, v: Vec<f64>) -> Self {
        assert_eq!(t.len(), v.len(), "one value per time");
        let mut data = SeriesData {
            t,
            v,
            blocks: Vec::new(),
            generation: 0,
        };
        data.summarise();
        data
    }

    /// Times, ms since the epoch, sorted.
    pub fn t(&self) -> &[i64] {
        &self.t
    }

    /// Values, NaN a gap marker; one per time.
    pub fn v(&self) -> &[f64] {
        &self.v
    }

    /// Bumped by every [`SeriesData::replace`].
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn len(&self) -> usize {
        self.t.len()
    }

    pub fn is_empty(&self) -> bool {
        self.t.is_empty()
    }

    /// Block `k` (points `k * BLOCK ..`) as a run M4 can take whole, or
    /// `None` when that block is not whole yet.
    pub fn run(&self, k: usize) -> Option<Run> {
        let b = self.blocks.get(k)?;
        let (start, last) = (k * BLOCK, k * BLOCK + BLOCK - 1);
        let (min, max) = (start + usize::from(b.min_at), start + usize::from(b.max_at));
        Some(Run {
            len: BLOCK as u64,
            first_t: self.t[start],
            last: (self.t[last], self.v[last]),
            min: (u64::from(b.min_at), self.t[min], self.v[min]),
            max: (u64::from(b.max_at), self.t[max], self.v[max]),
            max_step: b.max_step,
            has_gap_marker: b.has_gap_marker,
        })
    }

    /// Summarises every whole block not summarised yet.
    fn summarise(&mut self) {
        for k in self.blocks.len()..self.len() / BLOCK {
            let r = k * BLOCK..(k + 1) * BLOCK;
            let run = Run::of(&self.t[r.clone()], &self.v[r]).expect("a whole block");
            self.blocks.push(Block {
                max_step: run.max_step,
                min_at: run.min.0 as u8,
                max_at: run.max.0 as u8,
                has_gap_marker: run.has_gap_marker,
            });
        }
    }

    /// Indices of the samples with `from <= t < to`.
    pub fn range(&self, from: i64, to: i64) -> Range<usize> {
        let lo = self.t.partition_point(|&t| t < from);
        let hi = self.t.partition_point(|&t| t < to);
        lo..hi.max(lo)
    }

    /// Indices to draw `[from, to)`: the range plus one neighbour on each
    /// side, so lines run on to the edges instead of stopping short.
    pub fn range_with_neighbours(&self, from: i64, to: i64) -> Range<usize> {
        let r = self.range(from, to);
        r.start.saturating_sub(1)..(r.end + 1).min(self.len())
    }

    /// Appends a live reading if it is newer than everything held; `false`
    /// (and nothing changes) for a reading already held or out of order.
    pub fn append(&mut self, t: i64, v: f64) -> bool {
        if self.t.last().is_some_and(|&last| t <= last) {
            return false;
        }
        self.t.push(t);
        self.v.push(v);
        self.summarise();
        true
    }

    /// Replaces `[from, to)` with `fetched` (whose samples lie in that range):
    /// what was held before and after the range stays.
    pub fn replace(&mut self, from: i64, to: i64, fetched: SeriesData) {
        let r = self.range(from, to);
        let tail_t = self.t.split_off(r.end);
        let tail_v = self.v.split_off(r.end);
        self.t.truncate(r.start);
        self.v.truncate(r.start);
        self.t.extend(fetched.t);
        self.v.extend(fetched.v);
        self.t.extend(tail_t);
        self.v.extend(tail_v);
        self.blocks.truncate(r.start / BLOCK);
        self.summarise();
        self.generation += 1;
    }

    /// The latest real value (gap markers skipped).
    pub fn last(&self) -> Option<(i64, f64)> {
        (0..self.len())
            .rev()
            .map(|i| (self.t[i], self.v[i]))
            .find(|p| !p.1.is_nan())
    }

    /// The real sample nearest to `t` among `range`, for the crosshair.
    pub fn nearest(&self, t: i64, within: Range<usize>) -> Option<(i64, f64)> {
        let i = within.start + self.t[within.clone()].partition_point(|&x| x < t);
        let candidates = [i.checked_sub(1), Some(i)];
        candidates
            .into_iter()
            .flatten()
            .filter(|&j| within.contains(&j) && !self.v[j].is_nan())
            .map(|j| (self.t[j], self.v[j]))
            .min_by_key(|p| (p.0 - t).abs())
    }

    /// Real samples in `[from, to)`.
    pub fn visible(&self, from: i64, to: i64) -> impl Iterator<Item = (i64, f64)> + '_ {
        let r = self.range(from, to);
        self.t[r.clone()]
            .iter()
            .copied()
            .zip(self.v[r].iter().copied())
            .filter(|p| !p.1.is_nan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(points: &[(i64, f64)]) -> SeriesData {
        SeriesData::from_columns(
            points.iter().map(|p| p.0).collect(),
            points.iter().map(|p| p.1).collect(),
        )
    }

    #[test]
    fn a_fetched_range_replaces_only_its_part() {
        let mut d = data(&[(0, 0.0), (10, 1.0), (20, 2.0), (30, 3.0)]);
        d.replace(10, 30, data(&[(12, 5.0), (15, f64::NAN), (25, 6.0)]));
        assert_eq!(d.t, vec![0, 12, 15, 25, 30]);
        assert_eq!(d.generation, 1);
        assert_eq!(d.last(), Some((30, 3.0)));
    }

    #[test]
    fn appends_keep_time_order_and_refuse_old_readings() {
        let mut d = data(&[(0, 0.0), (10, 1.0)]);
        assert!(!d.append(10, 9.0));
        assert!(!d.append(5, 9.0));
        assert!(d.append(11, 2.0));
        assert_eq!(d.t, vec![0, 10, 11]);
        assert_eq!(d.generation, 0, "appends keep decimation caches");
    }

    #[test]
    fn nearest_skips_gaps_and_stays_in_range() {
        let d = data(&[(0, 0.0), (10, f64::NAN), (20, 2.0), (40, 4.0)]);
        assert_eq!(d.nearest(11, 0..4), Some((20, 2.0)));
        assert_eq!(d.nearest(29, 0..4), Some((20, 2.0)));
        assert_eq!(d.nearest(100, 0..3), Some((20, 2.0)));
        assert_eq!(d.range_with_neighbours(15, 25), 1..4);
        assert_eq!(d.visible(0, 40).count(), 2);
    }
}
