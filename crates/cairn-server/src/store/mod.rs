//! Storage behind one type, two engines: SQLite (embedded, the default) and
//! PostgreSQL (`--database-url`). Both keep the same schema idea and pass the
//! same test suite (`tests/storage.rs`).

pub mod accounts;
mod postgres;
mod postgres_accounts;
pub mod rollup;
pub(crate) mod rows;
mod schema;
mod sqlite;
mod sqlite_accounts;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use cairn_protocol::Reading;

use crate::catalog::{Catalog, Model};
pub use postgres::PgStore;
use rollup::Rollup;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    #[error("the database holds an invalid value: {0}")]
    Invalid(String),
    #[error("storage task failed: {0}")]
    Task(String),
}

/// The store. Cheap to clone.
#[derive(Clone)]
pub enum Store {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PgStore>),
}

/// Runs a SQLite call on the blocking pool.
async fn blocking<T: Send + 'static>(
    store: &Arc<SqliteStore>,
    f: impl FnOnce(&SqliteStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
}

impl Store {
    /// Opens (or creates) a SQLite file.
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        let path = path.to_path_buf();
        let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))??;
        Ok(Store::Sqlite(Arc::new(store)))
    }

    /// Connects to PostgreSQL (`postgres://user:pass@host:port/db`).
    pub async fn connect_postgres(url: &str) -> Result<Store, StoreError> {
        Ok(Store::Postgres(Arc::new(PgStore::connect(url).await?)))
    }

    /// Which engine, for logs and health.
    pub fn engine(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Creates or updates the whole model: sites, buildings, floors, zones,
    /// devices and their points (idempotent, one transaction).
    pub async fn provision(&self, model: Arc<Model>) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.provision(&model)).await,
            Store::Postgres(p) => p.provision(&model).await,
        }
    }

    pub async fn load_catalog(&self) -> Result<Catalog, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, SqliteStore::load_catalog).await,
            Store::Postgres(p) => p.load_catalog().await,
        }
    }

    /// Stores a batch atomically; a reading already stored (same point and
    /// time) is kept as it was. Returns how many were new. Durable on return.
    pub async fn insert_readings(&self, readings: Arc<Vec<Reading>>) -> Result<usize, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.insert_readings(&readings)).await,
            Store::Postgres(p) => p.insert_readings(&readings).await,
        }
    }

    /// The newest reading of every point that has one.
    pub async fn latest_readings(&self) -> Result<Vec<Reading>, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, SqliteStore::latest_readings).await,
            Store::Postgres(p) => p.latest_readings().await,
        }
    }

    /// Rollups of one point at one level whose buckets overlap `[from, to)`, oldest first.
    pub async fn rollups(
        &self,
        point: u32,
        level: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<Rollup>, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.rollups(point, level, from, to)).await,
            Store::Postgres(p) => p.rollups(point, level, from, to).await,
        }
    }

    /// Raw readings of one point inside the buckets `[start, start + size)`
    /// for each of `starts` (sorted), oldest first: one statement, not one per bucket.
    pub async fn in_buckets(
        &self,
        point: u32,
        starts: Vec<i64>,
        size: i64,
    ) -> Result<Vec<Reading>, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.in_buckets(point, &starts, size)).await,
            Store::Postgres(p) => p.in_buckets(point, &starts, size).await,
        }
    }

    /// Deletes raw readings before `raw_before` and hourly rollups before
    /// `hourly_before` (daily rollups stay). Returns how many rows went.
    pub async fn prune(
        &self,
        raw_before: Option<i64>,
        hourly_before: Option<i64>,
    ) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.prune(raw_before, hourly_before)).await,
            Store::Postgres(p) => p.prune(raw_before, hourly_before).await,
        }
    }

    /// Readings of one point in `[from, to)`, oldest first.
    pub async fn range(&self, point: u32, from: i64, to: i64) -> Result<Vec<Reading>, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.range(point, from, to)).await,
            Store::Postgres(p) => p.range(point, from, to).await,
        }
    }

    pub async fn readings_stored(&self) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, SqliteStore::readings_stored).await,
            Store::Postgres(p) => p.readings_stored().await,
        }
    }

    /// Stores the hash of a device's new ingest token, replacing any earlier
    /// one, with its audit entry. Returns false if there is no such device.
    pub async fn set_device_token(
        &self,
        device_id: &str,
        secret_sha256: [u8; 32],
        audit: accounts::AuditRecord,
    ) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(s) => {
                let id = device_id.to_owned();
                blocking(s, move |s| s.set_device_token(&id, &secret_sha256, &audit)).await
            }
            Store::Postgres(p) => p.set_device_token(device_id, &secret_sha256, &audit).await,
        }
    }

    pub async fn device_token_hash(&self, device_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            Store::Sqlite(s) => {
                let id = device_id.to_owned();
                blocking(s, move |s| s.device_token_hash(&id)).await
            }
            Store::Postgres(p) => p.device_token_hash(device_id).await,
        }
    }
}
