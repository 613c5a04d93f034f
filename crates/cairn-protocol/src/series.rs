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

/// `GET /api/series?point=1,2&from=…&to=…&px=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesBatch {
    pub series: Vec<Series>,
}
