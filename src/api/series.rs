//! History for charts: `GET /api/series`, decimated by the server for the
//! chart's pixel width.

#[cfg(doc)]
use cairn_protocol::Series;
use cairn_protocol::SeriesBatch;

use super::{ApiError, http};

/// The points' decimated history over `[from, to)` for `px` columns.
///
/// # Errors
/// What [`http::get`] returns, and [`ApiError::Decode`] when a series cannot
/// be drawn (columns of different lengths, times out of order), naming the
/// point: nothing of such a batch reaches a chart.
pub async fn series(points: &[u32], from: i64, to: i64, px: u32) -> Result<SeriesBatch, ApiError> {
    let ids: Vec<String> = points.iter().map(u32::to_string).collect();
    let batch: SeriesBatch = http::get(&format!(
        "/api/series?point={}&from={from}&to={to}&px={px}",
        ids.join(",")
    ))
    .await?;
    checked(batch)
}

/// `batch` when every series in it can be drawn (see [`Series::check`]).
fn checked(batch: SeriesBatch) -> Result<SeriesBatch, ApiError> {
    for s in &batch.series {
        s.check().map_err(|e| ApiError::Decode(e.to_string()))?;
    }
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use cairn_protocol::{Resolution, Series};

    use super::*;

    fn series(point: u32, t: Vec<i64>, v: Vec<Option<f64>>) -> Series {
        Series {
            point,
            from: 0,
            to: 100,
            px: 10,
            resolution: Resolution::Raw,
            stored: 0,
            t,
            v,
        }
    }

    #[test]
    fn a_batch_with_one_bad_series_is_refused_whole_naming_its_point() {
        let good = series(1, vec![1, 2], vec![Some(1.0), Some(2.0)]);
        let bad = series(2, vec![1, 2, 3], vec![Some(1.0)]);
        let ok = SeriesBatch {
            series: vec![good.clone()],
        };
        assert_eq!(checked(ok.clone()).unwrap(), ok);
        let err = checked(SeriesBatch {
            series: vec![good, bad],
        })
        .unwrap_err();
        assert!(
            matches!(&err, ApiError::Decode(m) if m == "series of point 2: 3 times but 1 values (one value per time)"),
            "{err:?}"
        );
    }
}
