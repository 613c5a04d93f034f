//! Storage: one interface ([`Engine`], with [`Accounts`]), one implementation
//! per engine — SQLite (embedded, the default; `sqlite/`) and PostgreSQL
//! (`--database-url`; `postgres/`). Both run the same schema
//! (`migrations/*.sql`), the same statements where the dialects agree
//! (`sql.rs`), the same provisioning and catalogue loading (`model.rs`), and
//! pass the same suite (`tests/server/storage.rs`).
//!
//! Times are UTC epoch milliseconds throughout (`ts`, `from`, `to`, bucket
//! starts, `now`, `expires`); point ids are the catalogue's `u32`s.

#[macro_use]
mod sql;
mod access;
pub mod accounts;
pub mod alerts;
pub mod devices;
pub mod exec;
pub mod integrations;
pub mod maintenance;
pub mod metrics;
mod migrate;
mod model;
pub mod notify;
pub mod open_hours;
mod postgres;
pub mod rollup;
pub(crate) mod rows;
mod sqlite;

use std::{ops::Deref, path::Path, path::PathBuf, sync::Arc};

use async_trait::async_trait;
use cairn_protocol::Reading;

use crate::catalog::{Catalog, Model};
pub use accounts::{Accounts, AuditRecord};
pub use postgres::PgStore;
use rollup::Rollup;
pub use sqlite::SqliteStore;

/// Why a storage call failed. Every call can fail with the engine's own
/// error (`Sqlite`, `Postgres`), `Invalid` when a stored value does not
/// decode, or `Task` when SQLite's worker thread panicked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite file's folder could not be created.
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
    /// A write the data refuses (an id taken, a point with readings
    /// removed): the transaction is rolled back, the caller told where.
    #[error("{location}: {message}")]
    Refused { location: String, message: String },
}

/// What every storage call returns.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A SHA-256 hash (of a session or device secret).
pub type Sha256 = [u8; 32];

/// The store: an [`Engine`] behind an `Arc`, so cheap to clone. Its methods
/// are the engine's (through `Deref`), e.g. `store.insert_readings(batch)`.
#[derive(Clone)]
pub struct Store(Arc<dyn Engine>);

impl Deref for Store {
    type Target = dyn Engine;

    fn deref(&self) -> &(dyn Engine + 'static) {
        &*self.0
    }
}

impl Store {
    /// Opens (or creates, with its folder) a SQLite file and brings its
    /// schema up to date. Errors: `DataDir`, `Sqlite`.
    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        Ok(Store(Arc::new(SqliteStore::open(path).await?)))
    }

    /// Connects to PostgreSQL (`postgres://user:pass@host:port/db`) and
    /// brings its schema up to date. Errors: `Postgres` (bad URL, refused).
    pub async fn connect_postgres(url: &str) -> Result<Store> {
        Ok(Store(Arc::new(PgStore::connect(url).await?)))
    }
}

/// The catalogue, readings, rollups, retention and device tokens of one
/// engine; users, sessions and the audit log are its [`Accounts`].
#[async_trait]
pub trait Engine: Accounts {
    /// `"sqlite"` or `"postgres"`, for logs and health.
    fn engine(&self) -> &'static str;

    /// Creates or updates the whole model: sites, buildings, floors, zones,
    /// devices and their points (idempotent, one transaction).
    async fn provision(&self, model: Arc<Model>) -> Result<()>;

    /// The whole catalogue as stored, with every point's id. `Invalid` if a
    /// stored metric, kind or JSON column does not decode.
    async fn load_catalog(&self) -> Result<Catalog>;

    /// Stores a batch atomically; a reading already stored (same point and
    /// `ts`) is kept as it was. What is new joins its point's open hour; the
    /// hours it closes are merged into the rollups in the same transaction
    /// (`open_hours.rs`). Returns how many were new. Durable on return.
    async fn insert_readings(&self, readings: Arc<Vec<Reading>>) -> Result<usize>;

    /// Merges into the rollups every open hour that ended by `before` (ms;
    /// `i64::MAX`: all). Returns how many hours it closed.
    async fn close_hours(&self, before: i64) -> Result<usize>;

    /// Starts of `point`'s open hours (ms), oldest first: their readings are
    /// not in the rollups yet, so range queries read them raw.
    fn open_hours(&self, point: u32) -> Vec<i64>;

    /// The newest reading of every point that has one, in no given order.
    async fn latest_readings(&self) -> Result<Vec<Reading>>;

    /// Rollups of `point` at `level` (bucket size in ms, one of
    /// [`rollup::LEVELS`]) whose buckets overlap `[from, to)`, oldest first.
    async fn rollups(&self, point: u32, level: i64, from: i64, to: i64) -> Result<Vec<Rollup>>;

    /// Rollups of `point` at `level` inside `[start, start + parent)` for
    /// each of `starts` (sorted, not overlapping; `parent` a coarser level),
    /// oldest first: the finer buckets of the coarser ones that straddle a
    /// pixel column's edge, in one statement.
    async fn rollups_in(
        &self,
        point: u32,
        level: i64,
        starts: Vec<i64>,
        parent: i64,
    ) -> Result<Vec<Rollup>>;

    /// Raw readings of `point` inside `[start, start + size)` for each of
    /// `starts` (sorted, not overlapping), oldest first: one statement, not
    /// one per bucket.
    async fn in_buckets(&self, point: u32, starts: Vec<i64>, size: i64) -> Result<Vec<Reading>>;

    /// Readings of `point` with `from <= ts < to`, oldest first.
    async fn range(&self, point: u32, from: i64, to: i64) -> Result<Vec<Reading>>;

    /// How many readings were ever stored (a counter; pruning leaves it).
    async fn readings_stored(&self) -> Result<u64>;

    /// Deletes raw readings with `ts < raw_before` and the ten-minute
    /// rollups that ended by then, and hourly rollups with
    /// `bucket < hourly_before` (`None`: keep all; daily rollups always
    /// stay). The open hours that begin at or before `raw_before` are
    /// closed first. Returns how many rows went.
    async fn prune(&self, raw_before: Option<i64>, hourly_before: Option<i64>) -> Result<u64>;

    /// Partitions of the readings as `(name, from, to)` (ms, `[from, to)`),
    /// oldest first: one per UTC month on PostgreSQL; none on SQLite.
    async fn partitions(&self) -> Result<Vec<(String, i64, i64)>>;

    /// Stores the SHA-256 of device `id`'s new ingest token, replacing any
    /// earlier one, with its audit entry (one transaction). Returns false,
    /// writing nothing, if there is no such device.
    async fn set_device_token(&self, id: &str, hash: Sha256, audit: AuditRecord) -> Result<bool>;

    /// The SHA-256 of device `id`'s current token (32 bytes), if it has one.
    async fn device_token_hash(&self, id: &str) -> Result<Option<Vec<u8>>>;

    /// Runs `work` in one transaction (see [`Store::transact`], which is
    /// how to call it).
    async fn run_work(&self, work: exec::Work) -> Result<Box<dyn std::any::Any + Send>>;
}
