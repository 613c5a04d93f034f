//! The storage interface on PostgreSQL: shared statements from `sql.rs`,
//! and the few of its own (arrays unnested, LATERAL); series reads come
//! back as columns (`columns.rs`).

use std::{any::Any, sync::Arc};

use async_trait::async_trait;
use cairn_protocol::Reading;

use super::{
    PgStore, all,
    columns::{self, rollup_arrays},
    count, exec, pg, refs,
};
use crate::{
    catalog::{Catalog, Model},
    store::{
        Engine, Result, Sha256, StoreError,
        access::{Get, Value},
        accounts::AuditRecord,
        exec::{Exec, Row, Work},
        model, open_hours,
        rollup::{HOUR_MS, Rollup},
        rows, sql,
    },
};

/// One statement per batch; what was already stored is left as it was.
const INSERT_READINGS: &str = "INSERT INTO readings (point_id, ts, value)
    SELECT * FROM UNNEST($1::INTEGER[], $2::BIGINT[], $3::DOUBLE PRECISION[])
    ON CONFLICT DO NOTHING RETURNING point_id, ts, value";
const MERGE_ROLLUPS: &str = concat!(
    insert_rollups!(),
    "SELECT * FROM UNNEST($1::BIGINT[], $2::INTEGER[], $3::BIGINT[], $4::BIGINT[],
        $5::DOUBLE PRECISION[], $6::BIGINT[], $7::DOUBLE PRECISION[], $8::BIGINT[],
        $9::DOUBLE PRECISION[], $10::BIGINT[], $11::DOUBLE PRECISION[], $12::BIGINT[],
        $13::DOUBLE PRECISION[])",
    merge_rollups!()
);
const MARK_OPEN_HOURS: &str = "INSERT INTO open_hours (point_id, bucket)
    SELECT * FROM UNNEST($1::INTEGER[], $2::BIGINT[]) ON CONFLICT DO NOTHING";
const UNMARK_OPEN_HOURS: &str = "DELETE FROM open_hours o
    USING UNNEST($1::INTEGER[], $2::BIGINT[]) AS c(point_id, bucket)
    WHERE o.point_id = c.point_id AND o.bucket = c.bucket";
/// The same walk as `ROLLUPS_IN`, over the readings' partitions.
/// Columnar (`columns.rs`): times and values as two arrays.
const IN_BUCKETS: &str = "SELECT array_agg(r.ts), array_agg(r.value) FROM UNNEST($1::BIGINT[]) AS w(lo) CROSS JOIN LATERAL
    (SELECT ts, value FROM readings WHERE point_id = $2 AND ts >= w.lo AND ts < w.lo + $3
     OFFSET 0) r";
/// An index range scan per start, whatever the statistics say: `OFFSET 0`
/// keeps the planner from flattening the LATERAL subquery into a join it
/// may plan as a scan of the point's every bucket per start (measured: 2.7 s
/// instead of 15 ms for 1,919 starts). No `ORDER BY`: with the starts
/// sorted, rows come oldest first (`rows::sorted` checks).
/// Columnar (`columns.rs`): a rollup's eleven columns as arrays.
const ROLLUPS_IN: &str = concat!(
    "SELECT ",
    rollup_arrays!(),
    " FROM UNNEST($1::BIGINT[]) AS w(lo) CROSS JOIN LATERAL
    (SELECT bucket, n, total, min_ts, v_min, max_ts, v_max, first_ts, v_first, last_ts, v_last
     FROM rollups WHERE level = $2 AND point_id = $3 AND bucket >= w.lo AND bucket < w.lo + $4
     OFFSET 0) r"
);
const LATEST: &str = "SELECT p.id, r.ts, r.value FROM points p CROSS JOIN LATERAL
    (SELECT ts, value FROM readings WHERE point_id = p.id ORDER BY ts DESC LIMIT 1) r";

/// A point id as PostgreSQL's `INTEGER`.
fn int(point: u32) -> i32 {
    point as i32
}

/// The rollups of the hours a plan closes (one statement), and its marks.
async fn write_plan(
    tx: &deadpool_postgres::Transaction<'_>,
    plan: &open_hours::Plan,
) -> Result<()> {
    let sums = &plan.merge;
    if !sums.is_empty() {
        let ints = |f: fn(&Rollup) -> i64| sums.iter().map(f).collect::<Vec<i64>>();
        let floats = |f: fn(&Rollup) -> f64| sums.iter().map(f).collect::<Vec<f64>>();
        let point_ids: Vec<i32> = sums.iter().map(|r| int(r.point)).collect();
        let columns = [
            &ints(|r| r.level) as &(dyn tokio_postgres::types::ToSql + Sync),
            &point_ids,
            &ints(|r| r.bucket),
            &ints(|r| r.count),
            &floats(|r| r.sum),
            &ints(|r| r.min.0),
            &floats(|r| r.min.1),
            &ints(|r| r.max.0),
            &floats(|r| r.max.1),
            &ints(|r| r.first.0),
            &floats(|r| r.first.1),
            &ints(|r| r.last.0),
            &floats(|r| r.last.1),
        ];
        exec(tx, MERGE_ROLLUPS, &columns).await?;
    }
    for (sql, marks) in [
        (MARK_OPEN_HOURS, &plan.mark),
        (UNMARK_OPEN_HOURS, &plan.unmark),
    ] {
        if !marks.is_empty() {
            let points: Vec<i32> = marks.iter().map(|m| int(m.0)).collect();
            let hours: Vec<i64> = marks.iter().map(|m| m.1).collect();
            exec(tx, sql, &[&points, &hours]).await?;
        }
    }
    Ok(())
}

#[async_trait]
impl Engine for PgStore {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    async fn provision(&self, m: Arc<Model>) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        for (sql, row) in model::provision(&m) {
            exec(&tx, sql, &refs(&row)).await?;
        }
        tx.commit().await.map_err(pg)
    }

    async fn load_catalog(&self) -> Result<Catalog> {
        let client = self.client().await?;
        let mut fetched = Vec::new();
        for sql in sql::CATALOG {
            fetched.push((sql, client.query(sql, &[]).await.map_err(pg)?));
        }
        model::catalog(&mut |sql, each| {
            let rows = fetched.iter().find(|f| f.0 == sql).map(|f| &f.1);
            rows.into_iter().flatten().try_for_each(|r| each(r))
        })
    }

    async fn insert_readings(&self, readings: Arc<Vec<Reading>>) -> Result<usize> {
        let points: Vec<i32> = readings.iter().map(|r| int(r.point)).collect();
        let ts: Vec<i64> = readings.iter().map(|r| r.ts).collect();
        let values: Vec<f64> = readings.iter().map(|r| r.value).collect();
        self.ensure_partitions(&readings).await?;
        let (pool, open, writing) = (self.pool.clone(), self.open.clone(), self.writing.clone());
        // Its own task: a caller that goes away (a dropped request) cannot
        // stop it between the commit and the open hours' update.
        let task = tokio::spawn(async move {
            let _writing = writing.lock().await;
            let mut client = pool.get().await.map_err(pg)?;
            let tx = client.transaction().await.map_err(pg)?;
            let new = all(
                &tx,
                INSERT_READINGS,
                &[&points, &ts, &values],
                rows::reading,
            )
            .await?;
            let plan = open.batch(&new);
            write_plan(&tx, &plan).await?;
            exec(&tx, sql::COUNT_NEW_READINGS, &[&(new.len() as i64)]).await?;
            tx.commit().await.map_err(pg)?;
            open.commit(plan);
            Ok(new.len())
        });
        task.await.map_err(|e| StoreError::Task(e.to_string()))?
    }

    async fn close_hours(&self, before: i64) -> Result<usize> {
        let (pool, open, writing) = (self.pool.clone(), self.open.clone(), self.writing.clone());
        // Its own task, as `insert_readings`.
        let task = tokio::spawn(async move {
            let _writing = writing.lock().await;
            let plan = open.close_before(before);
            if plan.is_empty() {
                return Ok(0);
            }
            let mut client = pool.get().await.map_err(pg)?;
            let tx = client.transaction().await.map_err(pg)?;
            write_plan(&tx, &plan).await?;
            tx.commit().await.map_err(pg)?;
            let closed = plan.closed();
            open.commit(plan);
            Ok(closed)
        });
        task.await.map_err(|e| StoreError::Task(e.to_string()))?
    }

    fn open_hours(&self, point: u32) -> Vec<i64> {
        self.open.of(point)
    }

    async fn latest_readings(&self) -> Result<Vec<Reading>> {
        all(&self.client().await?, LATEST, &[], rows::reading).await
    }

    async fn rollups(&self, point: u32, level: i64, from: i64, to: i64) -> Result<Vec<Rollup>> {
        let args = [&level as _, &int(point) as _, &from as _, &to as _];
        let c = self.client().await?;
        let got = columns::rollups(&c, columns::ROLLUPS, &args, point, level);
        Ok(rows::sorted(got.await?, |r| r.bucket))
    }

    async fn rollups_in(
        &self,
        point: u32,
        level: i64,
        starts: Vec<i64>,
        parent: i64,
    ) -> Result<Vec<Rollup>> {
        let args = [&starts as _, &level as _, &int(point) as _, &parent as _];
        let c = self.client().await?;
        let got = columns::rollups(&c, ROLLUPS_IN, &args, point, level);
        Ok(rows::sorted(got.await?, |r| r.bucket))
    }

    async fn in_buckets(&self, point: u32, starts: Vec<i64>, size: i64) -> Result<Vec<Reading>> {
        let args = [&starts as _, &int(point) as _, &size as _];
        let c = self.client().await?;
        let got = columns::readings(&c, IN_BUCKETS, &args, point);
        Ok(rows::sorted(got.await?, |r| r.ts))
    }

    async fn range(&self, point: u32, from: i64, to: i64) -> Result<Vec<Reading>> {
        let args = [&int(point) as _, &from as _, &to as _];
        let c = self.client().await?;
        let got = columns::readings(&c, columns::RANGE, &args, point);
        Ok(rows::sorted(got.await?, |r| r.ts))
    }

    async fn readings_stored(&self) -> Result<u64> {
        count(&self.client().await?, sql::READINGS_STORED, &[]).await
    }

    async fn prune(&self, raw_before: Option<i64>, hourly_before: Option<i64>) -> Result<u64> {
        if let Some(t) = raw_before {
            // Open hours the cutoff reaches go into the rollups first.
            self.close_hours(t.saturating_add(HOUR_MS)).await?;
        }
        self.prune_before(raw_before, hourly_before).await
    }

    async fn partitions(&self) -> Result<Vec<(String, i64, i64)>> {
        self.list_partitions().await
    }

    async fn set_device_token(&self, id: &str, hash: Sha256, audit: AuditRecord) -> Result<bool> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let args = [&&hash[..] as _, &audit.at as _, &id as _];
        let known = exec(&tx, sql::SET_DEVICE_TOKEN, &args).await? == 1;
        if known {
            exec(&tx, sql::APPEND_AUDIT, &refs(&audit.params())).await?;
            tx.commit().await.map_err(pg)?;
        }
        Ok(known)
    }

    async fn device_token_hash(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let client = self.client().await?;
        let hash = all(&client, sql::DEVICE_TOKEN_HASH, &[&id], |r| r.bytes(0)).await;
        hash.map(rows::single)
    }

    /// Runs on the blocking pool, driving the connection with the runtime's handle.
    async fn run_work(&self, work: Work) -> Result<Box<dyn Any + Send>> {
        let mut client = self.client().await?;
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let tx = handle.block_on(client.transaction()).map_err(pg)?;
            let out = work(&mut PgExec {
                tx: &tx,
                handle: &handle,
            })?;
            handle.block_on(tx.commit()).map_err(pg)?;
            Ok(out)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

/// [`Exec`] on a PostgreSQL transaction, from a blocking thread.
struct PgExec<'a, 't> {
    tx: &'a deadpool_postgres::Transaction<'t>,
    handle: &'a tokio::runtime::Handle,
}

impl Exec for PgExec<'_, '_> {
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        self.handle.block_on(exec(self.tx, sql, &refs(params)))
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let row =
            |r: &tokio_postgres::Row| (0..r.len()).map(|i| r.value(i)).collect::<Result<Row>>();
        self.handle.block_on(async {
            let stmt = self.tx.prepare_cached(sql).await.map_err(pg)?;
            let rows = self.tx.query(&stmt, &refs(params)).await.map_err(pg)?;
            rows.iter().map(row).collect()
        })
    }
}
