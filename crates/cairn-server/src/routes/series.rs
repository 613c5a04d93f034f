//! `GET /api/series`: history of one or more points over any span, M4-decimated
//! to the chart's pixel width, gaps explicit; read from daily, hourly or
//! ten-minute rollups where that gives the same output (see `series::plan`).

use axum::{Json, extract::State};
use cairn_protocol::{ErrorBody, Reading, Series, SeriesBatch};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::Caller,
    error::{ApiQuery, AppError},
    series::{m4::m4, plan},
    state::AppState,
    store::{Result as StoreResult, rollup::Rollup},
};

/// Limits of one request.
pub const MAX_POINTS: usize = 16;
pub const MAX_PX: u32 = 8_192;
pub const MAX_SPAN_MS: i64 = 2 * 366 * 24 * 3_600_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(series))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// Comma-separated point ids, 1 to `MAX_POINTS` (16) of them.
    point: String,
    /// Start of the range, UTC ms (inclusive).
    from: i64,
    /// End of the range, UTC ms (exclusive); after `from`, at most two years later.
    to: i64,
    /// Width of the chart in device pixels: 1 to `MAX_PX` (8192).
    #[param(minimum = 1, maximum = 8192)]
    px: u32,
}

#[utoipa::path(get, path = "/api/series", tag = "history", params(SeriesQuery),
    responses(
        (status = 200, description = "M4-decimated history, `null` = gap", body = SeriesBatch),
        (status = 400, description = "Invalid query: the body says what and where", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such point on the caller's sites", body = ErrorBody)))]
pub(crate) async fn series(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SeriesQuery>,
) -> Result<Json<SeriesBatch>, AppError> {
    if q.from >= q.to {
        return Err(AppError::bad("query.to", "`to` must be after `from`"));
    }
    if q.to - q.from > MAX_SPAN_MS {
        return Err(AppError::bad(
            "query.to",
            "the span is longer than two years",
        ));
    }
    if !(1..=MAX_PX).contains(&q.px) {
        return Err(AppError::bad(
            "query.px",
            format!("`px` must be between 1 and {MAX_PX}"),
        ));
    }
    let mut points = Vec::new();
    for (i, raw) in q.point.split(',').enumerate() {
        let id: u32 = raw.trim().parse().map_err(|_| {
            AppError::bad(
                "query.point",
                format!("point #{i} ({raw:?}) is not a point id"),
            )
        })?;
        let catalog = state.catalog();
        let info = catalog
            .point(id)
            .filter(|p| caller.sees_site(&p.site_id))
            .ok_or_else(|| AppError::NotFound(format!("no point with id {id}")))?;
        points.push((id, info.interval_s));
    }
    if points.len() > MAX_POINTS {
        return Err(AppError::bad(
            "query.point",
            format!("at most {MAX_POINTS} points per request"),
        ));
    }
    let column_ms = (q.to - q.from) / i64::from(q.px);
    let mut batch = Vec::with_capacity(points.len());
    let raw_from = (state.config.raw_cutoff(state.now_ms())).unwrap_or(i64::MIN);
    let level = plan::choose(q.from, q.to, q.px, raw_from);
    for (id, interval_s) in points {
        let (input, stored) = match level {
            // Wide columns: rollups inside columns, finer ones and raw
            // readings only at their edges.
            Some(level) => {
                let src = PointSource(&state.store, id);
                plan::read(&src, level, (q.from, q.to, q.px), raw_from).await?
            }
            None => {
                let raw: Vec<(i64, f64)> = (state.store.range(id, q.from, q.to).await)?
                    .into_iter()
                    .map(|r| (r.ts, r.value))
                    .collect();
                let n = raw.len() as u64;
                (raw, n)
            }
        };
        // A gap shorter than a pixel column cannot be seen; longer than three
        // reporting intervals it is data missing (the staleness rule).
        let max_gap = (3 * i64::from(interval_s) * 1000).max(column_ms);
        let samples = m4(&input, q.from, q.to, q.px, max_gap);
        let (t, v) = samples.into_iter().unzip();
        batch.push(Series {
            point: id,
            from: q.from,
            to: q.to,
            px: q.px,
            resolution: plan::resolution(level),
            stored,
            t,
            v,
        });
    }
    Ok(Json(SeriesBatch { series: batch }))
}

/// One point's rows in the store, for [`plan::read`].
struct PointSource<'a>(&'a crate::store::Store, u32);

impl plan::Source for PointSource<'_> {
    async fn rollups(&self, level: i64, from: i64, to: i64) -> StoreResult<Vec<Rollup>> {
        self.0.rollups(self.1, level, from, to).await
    }

    async fn rollups_in(
        &self,
        level: i64,
        starts: Vec<i64>,
        parent: i64,
    ) -> StoreResult<Vec<Rollup>> {
        self.0.rollups_in(self.1, level, starts, parent).await
    }

    async fn in_buckets(&self, starts: Vec<i64>, size: i64) -> StoreResult<Vec<Reading>> {
        self.0.in_buckets(self.1, starts, size).await
    }

    fn open_hours(&self) -> Vec<i64> {
        self.0.open_hours(self.1)
    }
}
