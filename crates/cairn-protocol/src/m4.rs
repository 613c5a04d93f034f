//! M4 decimation (Jugel et al., PVLDB 2014): per pixel column keep the first,
//! last, minimum and maximum point. A line drawn through the result covers the
//! same pixels as one drawn through every point, with ≤ 4 points per column.
//!
//! One implementation for both sides: the server decimates `/api/series`
//! answers with [`m4`]; the app's chart decimates what it holds with [`M4`],
//! appending live readings without going over the whole series again.
//!
//! Gaps are kept: where two neighbouring readings are further apart than
//! `max_gap_ms`, or where the input holds a NaN (a gap marker), the output gets
//! a `None` break, so a chart never draws a line across missing data.

/// One output sample: `(time, Some(value))`, or `(time, None)` for a break.
pub type Sample = (i64, Option<f64>);

/// Decimates `points` (sorted by time, all inside `[from, to)`) to `px` columns.
pub fn m4(points: &[(i64, f64)], from: i64, to: i64, px: u32, max_gap_ms: i64) -> Vec<Sample> {
    let mut m4 = M4::new(RangeColumns::new(from, to, px), max_gap_ms);
    m4.reserve(points.len().min(px as usize * 4 + 16));
    for &(t, v) in points {
        m4.push(t, v);
    }
    m4.finish()
}

/// How time splits into columns. `bounds` lets M4 test a point against its
/// column's edges instead of dividing for every point.
pub trait Columns {
    fn column(&self, t: i64) -> i64;
    /// The first time of column `col` and the first time after it.
    fn bounds(&self, col: i64) -> (i64, i64);
}

/// `[from, to)` split into `px` equal columns (integer maths, exact).
#[derive(Clone, Copy, Debug)]
pub struct RangeColumns {
    from: i64,
    span: i128,
    px: i128,
}

impl RangeColumns {
    pub fn new(from: i64, to: i64, px: u32) -> Self {
        RangeColumns {
            from,
            span: (to - from).max(1) as i128,
            px: i128::from(px.max(1)),
        }
    }

    fn start(&self, col: i64) -> i64 {
        // ceil(col * span / px): the first t whose column is `col`.
        self.from + (i128::from(col) * self.span + self.px - 1).div_euclid(self.px) as i64
    }
}

impl Columns for RangeColumns {
    fn column(&self, t: i64) -> i64 {
        (i128::from(t - self.from) * self.px).div_euclid(self.span) as i64
    }

    fn bounds(&self, col: i64) -> (i64, i64) {
        (self.start(col), self.start(col + 1))
    }
}

/// Columns `width` ms wide on a grid anchored at the epoch: a view that
/// scrolls keeps its columns, so live appends never re-decimate.
#[derive(Clone, Copy, Debug)]
pub struct Grid(i64);

impl Grid {
    pub fn new(width_ms: i64) -> Self {
        Grid(width_ms.max(1))
    }
}

impl Columns for Grid {
    fn column(&self, t: i64) -> i64 {
        t.div_euclid(self.0)
    }

    fn bounds(&self, col: i64) -> (i64, i64) {
        (col * self.0, col * self.0 + self.0)
    }
}

/// A run of consecutive points summarised ahead of time, so [`M4::push_run`]
/// can take it in one step: a chart keeps one per fixed block of its points
/// (the app's `chart::blocks`), a coarse level ready for wide views.
///
/// Offsets count from the run's first point; times are ms since the epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Run {
    /// Points in the run (at least one).
    pub len: u64,
    /// The first point's time.
    pub first_t: i64,
    /// The last point: time and value.
    pub last: (i64, f64),
    /// The first of the smallest values: offset, time, value.
    pub min: (u64, i64, f64),
    /// The first of the largest values: offset, time, value.
    pub max: (u64, i64, f64),
    /// The longest step between two consecutive points of the run, ms.
    pub max_step: i64,
    /// Whether the run holds a NaN gap marker (then it is never taken whole).
    pub has_gap_marker: bool,
}

impl Run {
    /// Summarises the points `(t[i], v[i])`, sorted by time. `None` when
    /// there are none or the two slices differ in length.
    pub fn of(t: &[i64], v: &[f64]) -> Option<Run> {
        if t.is_empty() || t.len() != v.len() {
            return None;
        }
        let mut run = Run {
            len: t.len() as u64,
            first_t: t[0],
            last: (t[t.len() - 1], v[v.len() - 1]),
            min: (0, t[0], v[0]),
            max: (0, t[0], v[0]),
            max_step: 0,
            has_gap_marker: false,
        };
        for (i, (&ti, &vi)) in t.iter().zip(v).enumerate() {
            run.has_gap_marker |= vi.is_nan();
            if i > 0 {
                run.max_step = run.max_step.max(ti - t[i - 1]);
            }
            if vi < run.min.2 {
                run.min = (i as u64, ti, vi);
            }
            if vi > run.max.2 {
                run.max = (i as u64, ti, vi);
            }
        }
        Some(run)
    }
}

/// The column being filled: its first, extremes and last, with arrival order
/// (so duplicate timestamps keep their order).
#[derive(Clone, Copy)]
struct Open {
    /// The column's time bounds, `[start, end)`.
    start: i64,
    end: i64,
    first: (u64, i64, f64),
    min: (u64, i64, f64),
    max: (u64, i64, f64),
    last: (u64, i64, f64),
}

impl Open {
    fn kept(&self) -> impl Iterator<Item = Sample> {
        let mut keep = [self.first, self.min, self.max, self.last];
        keep.sort_unstable_by_key(|k| k.0);
        let mut previous = None;
        keep.into_iter()
            .filter_map(move |(n, t, v)| (previous.replace(n) != Some(n)).then_some((t, Some(v))))
    }
}

/// Incremental M4: push points in time order, read the decimated samples at
/// any time with [`M4::samples`]; only the last column is ever revisited.
#[derive(Clone)]
pub struct M4<C> {
    columns: C,
    max_gap_ms: i64,
    out: Vec<Sample>,
    open: Option<Open>,
    /// Time of the last point pushed, to spot gaps across a closed column.
    last_t: Option<i64>,
    pushed: u64,
}

impl<C: Columns> M4<C> {
    pub fn new(columns: C, max_gap_ms: i64) -> Self {
        M4 {
            columns,
            max_gap_ms,
            out: Vec::new(),
            open: None,
            last_t: None,
            pushed: 0,
        }
    }

    pub fn reserve(&mut self, n: usize) {
        self.out.reserve(n);
    }

    /// Adds one point; `v` NaN marks a gap (nothing is drawn across it).
    pub fn push(&mut self, t: i64, v: f64) {
        let n = self.pushed;
        self.pushed += 1;
        if v.is_nan() {
            self.close();
            if self.last_t.is_some() && self.out.last().is_some_and(|s| s.1.is_some()) {
                self.out.push((t, None));
            }
            return;
        }
        if let Some(open) = &mut self.open
            && t >= open.start
            && t < open.end
            && t - open.last.1 <= self.max_gap_ms
        {
            let p = (n, t, v);
            if v < open.min.2 {
                open.min = p;
            }
            if v > open.max.2 {
                open.max = p;
            }
            open.last = p;
            self.last_t = Some(t);
            return;
        }
        self.close();
        if let Some(last) = self.last_t
            && t - last > self.max_gap_ms
            && self.out.last().is_some_and(|s| s.1.is_some())
        {
            self.out.push((last + 1, None));
        }
        let p = (n, t, v);
        let (start, end) = self.columns.bounds(self.columns.column(t));
        self.open = Some(Open {
            start,
            end,
            first: p,
            min: p,
            max: p,
            last: p,
        });
        self.last_t = Some(t);
    }

    /// Adds the `run.len` points that come next in one step, when that gives
    /// exactly what pushing them one by one would: the run lies inside the
    /// open column, holds no gap marker and no step longer than `max_gap_ms`,
    /// and follows the last point within `max_gap_ms`. Otherwise it returns
    /// `false` and changes nothing; the caller then pushes the points.
    pub fn push_run(&mut self, run: &Run) -> bool {
        let Some(open) = &mut self.open else {
            return false;
        };
        if run.has_gap_marker
            || run.first_t < open.start
            || run.last.0 >= open.end
            || run.first_t - open.last.1 > self.max_gap_ms
            || run.max_step > self.max_gap_ms
        {
            return false;
        }
        let n = self.pushed;
        if run.min.2 < open.min.2 {
            open.min = (n + run.min.0, run.min.1, run.min.2);
        }
        if run.max.2 > open.max.2 {
            open.max = (n + run.max.0, run.max.1, run.max.2);
        }
        open.last = (n + run.len - 1, run.last.0, run.last.1);
        self.last_t = Some(run.last.0);
        self.pushed += run.len;
        true
    }

    fn close(&mut self) {
        if let Some(open) = self.open.take() {
            self.out.extend(open.kept());
        }
    }

    /// Every sample so far, the open column's included.
    pub fn samples(&self) -> impl Iterator<Item = Sample> + '_ {
        self.out
            .iter()
            .copied()
            .chain(self.open.iter().flat_map(Open::kept))
    }

    /// Time of the last point pushed.
    pub fn last_time(&self) -> Option<i64> {
        self.last_t
    }

    pub fn finish(mut self) -> Vec<Sample> {
        self.close();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(t: i64, from: i64, to: i64, px: u32) -> i64 {
        ((i128::from(t - from) * i128::from(px)) / i128::from(to - from)) as i64
    }

    /// Checks the M4 contract on any input: ≤ 4 values per column between
    /// breaks, and every column's first, last, min and max value survive.
    fn check(points: &[(i64, f64)], from: i64, to: i64, px: u32) {
        let out = m4(points, from, to, px, i64::MAX);
        let mut per_column = std::collections::HashMap::<i64, Vec<(i64, f64)>>::new();
        for p in points {
            per_column
                .entry(column(p.0, from, to, px))
                .or_default()
                .push(*p);
        }
        let mut out_per_column = std::collections::HashMap::<i64, Vec<(i64, f64)>>::new();
        for (t, v) in &out {
            out_per_column
                .entry(column(*t, from, to, px))
                .or_default()
                .push((*t, v.unwrap()));
        }
        for (col, raw) in &per_column {
            let kept = &out_per_column[col];
            assert!(kept.len() <= 4, "column {col}: {} points", kept.len());
            let min = raw.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
            let max = raw.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
            assert!(
                kept.iter().any(|p| p.1 == min),
                "column {col} keeps its minimum"
            );
            assert!(
                kept.iter().any(|p| p.1 == max),
                "column {col} keeps its maximum"
            );
            assert_eq!(
                kept.first(),
                raw.first(),
                "column {col} keeps its first point"
            );
            assert_eq!(kept.last(), raw.last(), "column {col} keeps its last point");
        }
        assert!(
            out.windows(2).all(|w| w[0].0 <= w[1].0),
            "output in time order"
        );
    }

    #[test]
    fn random_walk_keeps_every_extreme() {
        let mut v = 0.0_f64;
        let mut seed = 42_u64;
        let points: Vec<(i64, f64)> = (0..100_000)
            .map(|i| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                v += ((seed >> 33) as f64 / (1u64 << 31) as f64) - 0.5;
                (i * 10, v)
            })
            .collect();
        check(&points, 0, 1_000_000, 1920);
        assert!(m4(&points, 0, 1_000_000, 1920, i64::MAX).len() <= 4 * 1920);
    }

    #[test]
    fn adversarial_spikes_and_duplicate_times() {
        let mut points: Vec<(i64, f64)> = (0..10_000).map(|i| (i, 0.0)).collect();
        points[5_000].1 = 1e9;
        points[5_001].1 = -1e9;
        points.insert(7_000, (6_999, 5.0)); // two readings at the same millisecond
        check(&points, 0, 10_000, 100);
        let out = m4(&points, 0, 10_000, 100, i64::MAX);
        assert!(out.contains(&(5_000, Some(1e9))) && out.contains(&(5_001, Some(-1e9))));
    }

    #[test]
    fn fewer_points_than_columns_pass_through_unchanged() {
        let points = [(0, 1.0), (500, 2.0), (900, 3.0)];
        let out = m4(&points, 0, 1_000, 1920, i64::MAX);
        assert_eq!(
            out,
            vec![(0, Some(1.0)), (500, Some(2.0)), (900, Some(3.0))]
        );
    }

    #[test]
    fn gaps_become_breaks_never_lines() {
        let points = [(0, 1.0), (10, 2.0), (20, 3.0), (100, 4.0), (110, 5.0)];
        let out = m4(&points, 0, 200, 200, 30);
        assert_eq!(
            out,
            vec![
                (0, Some(1.0)),
                (10, Some(2.0)),
                (20, Some(3.0)),
                (21, None),
                (100, Some(4.0)),
                (110, Some(5.0))
            ]
        );
    }

    #[test]
    fn column_bounds_agree_with_columns() {
        for (from, to, px) in [
            (0, 1_000, 7),
            (-5_000, 13_337, 1_920),
            (1_790_000_000_000, 1_790_086_400_000, 333),
        ] {
            let c = RangeColumns::new(from, to, px);
            for t in (from..to).step_by(((to - from) / 5_000).max(1) as usize) {
                let (start, end) = c.bounds(c.column(t));
                assert!(start <= t && t < end, "{t} in [{start}, {end})");
                assert_eq!(c.column(start), c.column(t));
                assert_ne!(c.column(end), c.column(t));
            }
        }
        let g = Grid::new(300);
        assert_eq!(g.bounds(g.column(-1)), (-300, 0));
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert!(m4(&[], 0, 10, 10, 5).is_empty());
    }

    #[test]
    fn nan_markers_become_breaks_and_never_count_as_extremes() {
        let points = [
            (0, 1.0),
            (1, f64::NAN),
            (2, 9.0),
            (3, f64::NAN),
            (4, f64::NAN),
        ];
        let out = m4(&points, 0, 10, 1, i64::MAX);
        assert_eq!(
            out,
            vec![(0, Some(1.0)), (1, None), (2, Some(9.0)), (3, None)]
        );
        // A leading NaN draws nothing.
        assert_eq!(
            m4(&[(0, f64::NAN), (5, 2.0)], 0, 10, 10, 100),
            vec![(5, Some(2.0))]
        );
    }

    #[test]
    fn a_run_taken_whole_gives_what_its_points_give_one_by_one() {
        let mut seed = 11_u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            seed >> 33
        };
        let mut t = 0_i64;
        let points: Vec<(i64, f64)> = (0..30_000)
            .map(|_| {
                // Steps of 0 (duplicate times) to 9 ms, now and then a long one.
                t += if next() % 500 == 0 {
                    400
                } else {
                    (next() % 10) as i64
                };
                let v = match next() % 1_000 {
                    0 => f64::NAN,
                    1..=20 => 5.0, // repeated extremes: the first must win
                    _ => (next() % 11) as f64 / 2.0,
                };
                (t, v)
            })
            .collect();
        for (width, gap, run_len) in [(1_000, i64::MAX, 16), (97, 50, 7), (5_000, 300, 64)] {
            let mut whole = M4::new(Grid::new(width), gap);
            let mut taken = 0;
            let mut i = 0;
            while i < points.len() {
                let end = (i + run_len).min(points.len());
                let (ts, vs): (Vec<i64>, Vec<f64>) = points[i..end].iter().copied().unzip();
                let run = Run::of(&ts, &vs).expect("points");
                if whole.push_run(&run) {
                    taken += 1;
                } else {
                    points[i..end].iter().for_each(|&(t, v)| whole.push(t, v));
                }
                i = end;
            }
            let mut one_by_one = M4::new(Grid::new(width), gap);
            points.iter().for_each(|&(t, v)| one_by_one.push(t, v));
            assert!(taken > 100, "runs taken whole at width {width}: {taken}");
            assert_eq!(
                whole.finish(),
                one_by_one.finish(),
                "width {width}, gap {gap}"
            );
        }
        assert_eq!(Run::of(&[], &[]), None);
        assert_eq!(Run::of(&[1, 2], &[1.0]), None);
    }

    #[test]
    fn appending_gives_the_same_samples_as_decimating_everything_again() {
        let mut seed = 7_u64;
        let points: Vec<(i64, f64)> = (0..20_000)
            .map(|i| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let v = if seed.is_multiple_of(97) {
                    f64::NAN
                } else {
                    (seed >> 40) as f64
                };
                (i * 7 + (seed % 5) as i64, v)
            })
            .collect();
        let mut live = M4::new(Grid::new(1_000), 50);
        for (n, &(t, v)) in points.iter().enumerate() {
            live.push(t, v);
            if n % 1_999 == 0 {
                let mut again = M4::new(Grid::new(1_000), 50);
                points[..=n].iter().for_each(|&(t, v)| again.push(t, v));
                assert!(live.samples().eq(again.finish()), "after {n} points");
            }
        }
    }
}
