//! Series reads on PostgreSQL as columns: each statement sends its rows as
//! one row of arrays (`array_agg` per column) instead of a row per reading.
//!
//! Why: a 30-day chart reads 43,200 raw readings; as rows, each costs a
//! `DataRow` message and a `Row` decoded by the client, about three times
//! SQLite's per-row cost (BENCHMARKS.md, server). As arrays it is two
//! binary arrays. Each statement is its row-wise one (`sql::RANGE`,
//! `sql::ROLLUPS`, `queries.rs`'s LATERAL walks) as a subquery with the same
//! `WHERE` and `ORDER BY`, aggregated on top, so it plans as before; the
//! order of a sorted subquery is what `array_agg` keeps in practice, and the
//! caller checks it (`rows::sorted`) rather than trusting it.
//!
//! Limit: one row is one protocol message, at most 1 GB, so one read holds
//! at most about 44 M readings (two arrays of 12 bytes an element, plus
//! headers). A chart asks for that many only as raw readings over a span
//! the rollups do not serve, i.e. a reading more often than every 0.45 s
//! for months; `range`, the one read without a column width, would fail
//! there with the database's error instead of answering slowly.
//!
//! Errors: the database's (`StoreError::Postgres`, a column of another
//! type among them), or [`StoreError::Invalid`] when the arrays of one
//! statement differ in length.

use cairn_protocol::Reading;
use deadpool_postgres::GenericClient;
use tokio_postgres::{Row, types::FromSql};

use super::{Params, pg};
use crate::store::{Result, StoreError, rollup::Rollup};

/// The rollup columns as arrays, in `rows::rollup`'s order.
macro_rules! rollup_arrays {
    () => {
        "array_agg(r.bucket), array_agg(r.n), array_agg(r.total), array_agg(r.min_ts),
        array_agg(r.v_min), array_agg(r.max_ts), array_agg(r.v_max), array_agg(r.first_ts),
        array_agg(r.v_first), array_agg(r.last_ts), array_agg(r.v_last)"
    };
}
pub(super) use rollup_arrays;

/// `sql::RANGE` as two arrays: times (ms) and values, oldest first.
pub(super) const RANGE: &str = "SELECT array_agg(ts), array_agg(value) FROM
    (SELECT ts, value FROM readings WHERE point_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts) r";

/// `sql::ROLLUPS` as eleven arrays, one per column of a rollup.
pub(super) const ROLLUPS: &str = concat!(
    "SELECT ",
    rollup_arrays!(),
    " FROM (SELECT bucket, n, total, min_ts, v_min, max_ts, v_max, first_ts, v_first, last_ts,
    v_last FROM rollups
    WHERE level = $1 AND point_id = $2 AND bucket > $3 - $1 AND bucket < $4 ORDER BY bucket) r"
);

/// Column `i` of `row`, an array; SQL `NULL` (`array_agg` of no rows) is empty.
fn column<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Result<Vec<T>> {
    let got: Option<Vec<T>> = row.try_get(i).map_err(pg)?;
    Ok(got.unwrap_or_default())
}

/// Columns of one statement's rows must be as long as each other.
fn same_length(what: &str, lens: &[usize]) -> Result<usize> {
    let n = lens.first().copied().unwrap_or(0);
    match lens.iter().all(|l| *l == n) {
        true => Ok(n),
        false => Err(StoreError::Invalid(format!(
            "{what}: columns of different lengths {lens:?}"
        ))),
    }
}

/// The one row of a columnar statement.
async fn one_row(c: &impl GenericClient, sql: &str, params: &Params<'_>) -> Result<Row> {
    let stmt = c.prepare_cached(sql).await.map_err(pg)?;
    c.query_one(&stmt, params).await.map_err(pg)
}

/// The readings of `point` a statement returns as (times, values) arrays,
/// in the order it sent them.
///
/// # Errors
/// The database's error, or [`StoreError::Invalid`] when the arrays differ
/// in length.
pub(super) async fn readings(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
    point: u32,
) -> Result<Vec<Reading>> {
    let row = one_row(c, sql, params).await?;
    let ts: Vec<i64> = column(&row, 0)?;
    let values: Vec<f64> = column(&row, 1)?;
    same_length("readings", &[ts.len(), values.len()])?;
    Ok(ts
        .into_iter()
        .zip(values)
        .map(|(ts, value)| Reading { point, ts, value })
        .collect())
}

/// The rollups of `point` at `level` a statement returns as the eleven
/// arrays of [`rollup_arrays`], in the order it sent them.
///
/// # Errors
/// The database's error, or [`StoreError::Invalid`] when the arrays differ
/// in length.
pub(super) async fn rollups(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
    point: u32,
    level: i64,
) -> Result<Vec<Rollup>> {
    let row = one_row(c, sql, params).await?;
    let ints = |i| column::<i64>(&row, i);
    let reals = |i| column::<f64>(&row, i);
    let (bucket, count, sum) = (ints(0)?, ints(1)?, reals(2)?);
    let (min_ts, v_min, max_ts, v_max) = (ints(3)?, reals(4)?, ints(5)?, reals(6)?);
    let (first_ts, v_first, last_ts, v_last) = (ints(7)?, reals(8)?, ints(9)?, reals(10)?);
    let n = same_length(
        "rollups",
        &[
            bucket.len(),
            count.len(),
            sum.len(),
            min_ts.len(),
            v_min.len(),
            max_ts.len(),
            v_max.len(),
            first_ts.len(),
            v_first.len(),
            last_ts.len(),
            v_last.len(),
        ],
    )?;
    Ok((0..n)
        .map(|i| Rollup {
            point,
            level,
            bucket: bucket[i],
            count: count[i],
            sum: sum[i],
            min: (min_ts[i], v_min[i]),
            max: (max_ts[i], v_max[i]),
            first: (first_ts[i], v_first[i]),
            last: (last_ts[i], v_last[i]),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_of_one_length_pass_and_of_two_are_refused() {
        assert_eq!(same_length("x", &[]).unwrap(), 0);
        assert_eq!(same_length("x", &[3, 3, 3]).unwrap(), 3);
        let err = same_length("rollups", &[3, 2, 3]).unwrap_err();
        assert_eq!(
            err.to_string(),
            StoreError::Invalid("rollups: columns of different lengths [3, 2, 3]".into())
                .to_string()
        );
    }
}
