//! M4 per zoom level, cached: a zoom level is a column width in milliseconds
//! on a grid anchored at the epoch, so panning and live scrolling keep their
//! columns and live points extend the cache instead of rebuilding it.

use cairn_protocol::m4::{Grid, M4, Sample};

use super::SeriesData;

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
                && d.generation == data.generation
                && d.start <= indices.start
                && indices.start <= d.end
                && d.end <= data.len()
        });
        if !reusable {
            self.current = Some(Decimation {
                width_ms,
                generation: data.generation,
                start: indices.start,
                end: indices.start,
                m4: M4::new(Grid::new(width_ms), max_gap_ms),
            });
        }
        let d = self.current.as_mut().expect("set above");
        for i in d.end.max(indices.start)..indices.end {
            d.m4.push(data.t[i], data.v[i]);
        }
        d.end = d.end.max(indices.end);
        let (lo, hi) = match (indices.start, indices.end) {
            (s, e) if s < e => (data.t[s], data.t[e - 1]),
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
