//! M4 per zoom level, cached: a zoom level is a column width in milliseconds
//! on a grid anchored at the epoch, so panning and live scrolling keep their
//! columns and live points extend the cache instead of rebuilding it. Wide
//! views step over the series' summarised blocks (`data::BLOCK` points each)
//! where a block falls inside one column, with the same output as M4 over
//! every point.

use cairn_protocol::m4::{Grid, M4, Sample};

use super::{SeriesData, data::BLOCK};

/// One series' decimation at one zoom level, over the data indices `start..end`.
pub struct Decimation {
    width_ms: i64,
    generation: u64,
    start: usize,
    end: usize,
    m4: M4<Grid>,
}

/// Column width (ms) for `span_ms` over `px` columns: at least one column per
/// pixel, so a pixel column never gets more than one column's 4 points.
pub fn column_width(span_ms: i64, px: u32) -> i64 {
    let px = i64::from(px.max(1));
    (span_ms.max(1) + px - 1) / px
}

/// A column's pixel (its centre) for a view starting at `from`, `width_ms`
/// per column and `px_per_ms` pixels per millisecond.
pub fn column_x(t: i64, from: i64, width_ms: i64, px_per_ms: f64) -> f64 {
    let col = t.div_euclid(width_ms);
    ((col * width_ms + width_ms / 2 - from) as f64 * px_per_ms).floor()
}

#[derive(Default)]
pub struct Cache {
    current: Option<Decimation>,
}

impl Cache {
    /// Decimated samples covering `indices` of `data` at `width_ms`; reuses
    /// and extends the cached decimation when it can.
    pub fn samples(
        &mut self,
        data: &SeriesData,
        indices: std::ops::Range<usize>,
        width_ms: i64,
        max_gap_ms: i64,
    ) -> Vec<Sample> {
        let reusable = self.current.as_ref().is_some_and(|d| {
            d.width_ms == width_ms
                && d.generation == data.generation()
                && d.start <= indices.start
                && indices.start <= d.end
                && d.end <= data.len()
        });
        if !reusable {
            self.current = Some(Decimation {
                width_ms,
                generation: data.generation(),
                start: indices.start,
                end: indices.start,
                m4: M4::new(Grid::new(width_ms), max_gap_ms),
            });
        }
        let d = self.current.as_mut().expect("set above");
        let (t, v) = (data.t(), data.v());
        let mut i = d.end.max(indices.start);
        while i < indices.end {
            // A whole summarised block inside one column is taken in one step.
            if i.is_multiple_of(BLOCK)
                && i + BLOCK <= indices.end
                && data.run(i / BLOCK).is_some_and(|run| d.m4.push_run(&run))
            {
                i += BLOCK;
                continue;
            }
            d.m4.push(t[i], v[i]);
            i += 1;
        }
        d.end = d.end.max(indices.end);
        let (lo, hi) = match (indices.start, indices.end) {
            (s, e) if s < e => (t[s], t[e - 1]),
            _ => return Vec::new(),
        };
        d.m4.samples()
            .skip_while(|s| s.0 < lo)
            .take_while(|s| s.0 <= hi)
            .collect()
    }

    pub fn clear(&mut self) {
        self.current = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_put_two_columns_in_one_pixel() {
        for (span, px) in [(900_000, 1_000), (3_600_000, 1_920), (7, 1_920), (1_000, 3)] {
            let w = column_width(span, px);
            assert!(w * i64::from(px) >= span, "{span}/{px}");
            let per_ms = f64::from(px) / span as f64;
            let mut last = f64::NEG_INFINITY;
            for col in 0..(span / w + 2) {
                let x = column_x(col * w, 0, w, per_ms);
                assert!(x > last, "column {col} has its own pixel");
                last = x;
            }
        }
    }

    /// M4 over every point of `indices`, one by one, as the cache reports it.
    fn point_by_point(
        data: &SeriesData,
        indices: std::ops::Range<usize>,
        width_ms: i64,
        gap: i64,
    ) -> Vec<Sample> {
        let mut m4 = M4::new(Grid::new(width_ms), gap);
        indices
            .clone()
            .for_each(|i| m4.push(data.t()[i], data.v()[i]));
        let (lo, hi) = (data.t()[indices.start], data.t()[indices.end - 1]);
        m4.samples()
            .skip_while(|s| s.0 < lo)
            .take_while(|s| s.0 <= hi)
            .collect()
    }

    #[test]
    fn stepping_over_summarised_blocks_gives_what_every_point_gives() {
        let mut seed = 5_u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            seed >> 33
        };
        let (mut t, mut level) = (1_000_i64, 0.0_f64);
        let (mut ts, mut vs) = (Vec::new(), Vec::new());
        for _ in 0..200_000 {
            t += if next() % 3_000 == 0 {
                90_000
            } else {
                (next() % 3) as i64
            };
            level += (next() % 7) as f64 - 3.0;
            ts.push(t);
            vs.push(if next() % 5_000 == 0 { f64::NAN } else { level });
        }
        let mut data = SeriesData::from_columns(ts, vs);
        // A fetched range replaces a middle part: its blocks and the ones
        // after it are summarised again.
        let (from, to) = (data.t()[50_003], data.t()[90_000]);
        let kept = data.range(from, to);
        let fetched = SeriesData::from_columns(
            data.t()[kept.clone()].to_vec(),
            data.v()[kept].iter().map(|v| -v).collect(),
        );
        data.replace(from, to, fetched);
        let n = data.len();
        for (indices, width_ms, gap) in [
            (0..n, 300, i64::MAX),
            (0..n, 300, 60_000),
            (17..n - 5, 1_000, i64::MAX),
            (n / 3..n / 2, 7, i64::MAX),
            (5..40, 1_000_000, i64::MAX),
        ] {
            let mut cache = Cache::default();
            let stepped = cache.samples(&data, indices.clone(), width_ms, gap);
            assert_eq!(
                stepped,
                point_by_point(&data, indices.clone(), width_ms, gap),
                "{indices:?} at {width_ms} ms"
            );
        }
        // Live points appended one at a time complete blocks as they come.
        let mut live = SeriesData::default();
        let mut cache = Cache::default();
        for i in 0..5_000 {
            live.append(data.t()[i], data.v()[i]);
            if i % 333 == 0 {
                let stepped = cache.samples(&live, 0..live.len(), 250, i64::MAX);
                assert_eq!(
                    stepped,
                    point_by_point(&live, 0..live.len(), 250, i64::MAX),
                    "after {i}"
                );
            }
        }
    }

    #[test]
    fn the_cache_extends_with_appends_and_rebuilds_on_new_data() {
        let mut data = SeriesData::default();
        (0..1_000).for_each(|i| {
            data.append(i * 10, (i % 17) as f64);
        });
        let mut cache = Cache::default();
        let a = cache.samples(&data, 0..1_000, 100, i64::MAX);
        assert!(a.len() <= 4 * 100);
        data.append(10_000, 99.0);
        let b = cache.samples(&data, 0..1_001, 100, i64::MAX);
        assert_eq!(b.last(), Some(&(10_000, Some(99.0))));
        let fresh = Cache::default().samples(&data, 0..1_001, 100, i64::MAX);
        assert_eq!(b, fresh, "extending equals rebuilding");
        data.replace(0, 5_000, SeriesData::default());
        let c = cache.samples(&data, 0..data.len(), 100, i64::MAX);
        assert_eq!(c.first().map(|s| s.0), Some(5_000));
    }
}
