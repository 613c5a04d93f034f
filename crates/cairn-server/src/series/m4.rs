//! M4 decimation (Jugel et al., PVLDB 2014): per pixel column keep the first,
//! last, minimum and maximum point. A line drawn through the result covers the
//! same pixels as one drawn through every point, with ≤ 4 points per column.
//!
//! Gaps are kept: where two neighbouring readings are further apart than
//! `max_gap_ms`, the output gets a `None` break between them, so a chart never
//! draws a line across missing data.

/// One output sample: `(time, Some(value))`, or `(time, None)` for a break.
pub type Sample = (i64, Option<f64>);

/// Decimates `points` (sorted by time, all inside `[from, to)`) to `px` columns.
pub fn m4(points: &[(i64, f64)], from: i64, to: i64, px: u32, max_gap_ms: i64) -> Vec<Sample> {
    let span = (to - from).max(1) as i128;
    let px = i128::from(px.max(1));
    let column = |t: i64| ((i128::from(t - from) * px) / span) as i64;
    let mut out = Vec::with_capacity(points.len().min(px as usize * 4 + 16));
    let mut i = 0;
    while i < points.len() {
        let col = column(points[i].0);
        let start = i;
        let (mut min, mut max) = (start, start);
        i += 1;
        while i < points.len()
            && column(points[i].0) == col
            && points[i].0 - points[i - 1].0 <= max_gap_ms
        {
            if points[i].1 < points[min].1 {
                min = i;
            }
            if points[i].1 > points[max].1 {
                max = i;
            }
            i += 1;
        }
        let end = i - 1;
        let mut keep = [start, min, max, end];
        keep.sort_unstable();
        let mut last = None;
        for k in keep {
            if last != Some(k) {
                out.push((points[k].0, Some(points[k].1)));
                last = Some(k);
            }
        }
        if i < points.len() && points[i].0 - points[end].0 > max_gap_ms {
            out.push((points[end].0 + 1, None));
        }
    }
    out
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
    fn empty_input_gives_empty_output() {
        assert!(m4(&[], 0, 10, 10, 5).is_empty());
    }
}
