//! PostgreSQL engine (tokio-postgres + deadpool): the same schema and the
//! same behaviour as SQLite, for when one machine is not enough. Here: the
//! pool and the migrator; `queries.rs` the interface, `columns.rs` series
//! reads as arrays, `partitions.rs` the monthly partitions of `readings`,
//! `retention.rs` pruning, `accounts.rs` users, sessions and the audit log.

mod accounts;
mod columns;
mod partitions;
mod queries;
mod retention;

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::{NoTls, types::ToSql};

use super::{
    Result, StoreError,
    access::{Get, Value},
    migrate::{self, Dialect},
    rows,
};

pub struct PgStore {
    pool: Pool,
    /// Month starts (ms) whose partition is known to exist.
    partitions: Mutex<HashSet<i64>>,
    /// Rollups of the open hours (`open_hours.rs`).
    open: Arc<super::open_hours::OpenHours>,
    /// Serialises the writes of readings, so each batch's plan for the
    /// open hours sees what the last commit left.
    writing: Arc<tokio::sync::Mutex<()>>,
}

pub(super) fn pg(e: impl std::fmt::Display) -> StoreError {
    StoreError::Postgres(e.to_string())
}

/// A parameter list.
type Params<'a> = [&'a (dyn ToSql + Sync)];

/// `values` as a parameter list.
fn refs(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// Runs a statement (prepared once per connection); returns the rows it changed.
async fn exec(c: &impl GenericClient, sql: &str, params: &Params<'_>) -> Result<u64> {
    let stmt = c.prepare_cached(sql).await.map_err(pg)?;
    c.execute(&stmt, params).await.map_err(pg)
}

/// Every row of a statement, decoded.
async fn all<T>(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
    decode: impl Fn(&dyn Get) -> Result<T>,
) -> Result<Vec<T>> {
    let stmt = c.prepare_cached(sql).await.map_err(pg)?;
    let rows = c.query(&stmt, params).await.map_err(pg)?;
    rows.iter().map(|r| decode(r)).collect()
}

/// A count (`COUNT(*)` or a counter).
async fn count(c: &impl GenericClient, sql: &str, params: &Params<'_>) -> Result<u64> {
    Ok(all(c, sql, params, rows::count).await?.pop().unwrap_or(0))
}

impl PgStore {
    /// Connects (`postgres://user:pass@host:port/db`) and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<PgStore> {
        let mut config: tokio_postgres::Config = url.parse().map_err(pg)?;
        // No JIT: its compile time (measured: 165 ms) dwarfs the short
        // queries it is triggered for by row estimates that run high.
        let options = [config.get_options().unwrap_or_default(), "-c jit=off"].join(" ");
        config.options(options.trim());
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager).max_size(8).build().map_err(pg)?;
        let store = PgStore {
            pool,
            partitions: Mutex::new(HashSet::new()),
            open: Default::default(),
            writing: Default::default(),
        };
        store.migrate().await?;
        let work: super::exec::Work = Box::new(|tx| {
            super::open_hours::recover(tx).map(|n| Box::new(n) as Box<dyn std::any::Any + Send>)
        });
        let rebuilt = *super::Engine::run_work(&store, work)
            .await?
            .downcast::<usize>()
            .expect("recover returns a count");
        if rebuilt > 0 {
            tracing::info!("rollups of {rebuilt} hours left open rebuilt from raw readings");
        }
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client> {
        self.pool.get().await.map_err(pg)
    }

    /// Applies the migrations `schema_version` does not list, in one
    /// transaction; one migrator at a time, even with several servers
    /// starting together.
    async fn migrate(&self) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        tx.batch_execute(
            "SELECT pg_advisory_xact_lock(7252);
             CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);",
        )
        .await
        .map_err(pg)?;
        let done = tx
            .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
            .await
            .map_err(pg)?;
        for (version, sql) in migrate::pending(done.i64(0)?, Dialect::Postgres) {
            tx.batch_execute(&sql).await.map_err(pg)?;
            let version = version as i32;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&version],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)
    }
}
