use serde::{Deserialize, Serialize};

/// Which stored resolution a series was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Every stored reading.
    Raw,
    /// Hourly rollups, with the finer levels (then raw readings) where an
    /// hour straddles a pixel column's edge: the same M4 output as raw, from
    /// far fewer rows.
    Hour,
    /// Daily (UTC) rollups, with raw readings where a day straddles an edge.
    Day,
    /// Ten-minute rollups, with raw readings where one straddles an edge.
    TenMinutes,
}

/// One point's history over `[from, to)`, decimated for `px` pixel columns.
///
/// Columnar like uPlot's data: `t[i]` goes with `v[i]`; a `null` value is a gap
/// (no data there), never a value to interpolate across.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Series {
    pub point: u32,
    pub from: i64,
    pub to: i64,
    pub px: u32,
    pub resolution: Resolution,
    /// Readings stored in the range before decimation.
    pub stored: u64,
    pub t: Vec<i64>,
    pub v: Vec<Option<f64>>,
}

impl Series {
    /// Whether the two columns can be drawn: one value per time, and times
    /// in order (equal times allowed: M4 keeps a column's first and last
    /// reading, which may share a millisecond).
    ///
    /// # Errors
    /// [`SeriesShapeError`] naming the point and what is wrong where.
    pub fn check(&self) -> Result<(), SeriesShapeError> {
        if self.t.len() != self.v.len() {
            return Err(SeriesShapeError::Lengths {
                point: self.point,
                times: self.t.len(),
                values: self.v.len(),
            });
        }
        if let Some(i) = self.t.windows(2).position(|w| w[1] < w[0]) {
            return Err(SeriesShapeError::Unordered {
                point: self.point,
                index: i + 1,
                time: self.t[i + 1],
                before: self.t[i],
            });
        }
        Ok(())
    }
}

/// Why a [`Series`] cannot be drawn (see [`Series::check`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesShapeError {
    /// `t` and `v` differ in length.
    Lengths {
        point: u32,
        times: usize,
        values: usize,
    },
    /// `t[index]` (ms since the epoch) is earlier than the time before it.
    Unordered {
        point: u32,
        index: usize,
        time: i64,
        before: i64,
    },
}

impl std::fmt::Display for SeriesShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Lengths {
                point,
                times,
                values,
            } => write!(
                f,
                "series of point {point}: {times} times but {values} values (one value per time)"
            ),
            Self::Unordered {
                point,
                index,
                time,
                before,
            } => write!(
                f,
                "series of point {point}: time {time} at index {index} is earlier than the one before it ({before})"
            ),
        }
    }
}

impl std::error::Error for SeriesShapeError {}

/// `GET /api/series?point=1,2&from=…&to=…&px=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesBatch {
    pub series: Vec<Series>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(t: Vec<i64>, v: Vec<Option<f64>>) -> Series {
        Series {
            point: 7,
            from: 0,
            to: 100,
            px: 10,
            resolution: Resolution::Raw,
            stored: t.len() as u64,
            t,
            v,
        }
    }

    #[test]
    fn a_series_with_one_value_per_time_in_order_passes() {
        assert_eq!(series(vec![], vec![]).check(), Ok(()));
        // Equal times are M4's first and last of a column: allowed.
        let s = series(
            vec![1, 5, 5, 9],
            vec![Some(1.0), None, Some(2.0), Some(3.0)],
        );
        assert_eq!(s.check(), Ok(()));
    }

    #[test]
    fn columns_of_different_lengths_are_refused_naming_point_and_lengths() {
        let err = series(vec![1, 2, 3], vec![Some(1.0), Some(2.0)])
            .check()
            .unwrap_err();
        assert_eq!(
            err,
            SeriesShapeError::Lengths {
                point: 7,
                times: 3,
                values: 2
            }
        );
        assert_eq!(
            err.to_string(),
            "series of point 7: 3 times but 2 values (one value per time)"
        );
        let more_values = series(vec![1], vec![Some(1.0), None]).check();
        assert!(matches!(
            more_values,
            Err(SeriesShapeError::Lengths {
                times: 1,
                values: 2,
                ..
            })
        ));
    }

    #[test]
    fn times_out_of_order_are_refused_naming_where() {
        let s = series(vec![1, 4, 3, 8], vec![Some(1.0); 4]);
        let err = s.check().unwrap_err();
        assert_eq!(
            err,
            SeriesShapeError::Unordered {
                point: 7,
                index: 2,
                time: 3,
                before: 4
            }
        );
        assert_eq!(
            err.to_string(),
            "series of point 7: time 3 at index 2 is earlier than the one before it (4)"
        );
    }
}
