//! SQLite engine (embedded default): WAL, `synchronous=FULL`, so a batch is
//! on disk when `insert_readings` returns. rusqlite is synchronous: every
//! call runs on tokio's blocking pool, writes and most reads on one
//! connection behind a mutex; the history reads (rollups, raw ranges) on
//! [`READERS`] read-only connections of their own, so a range query's reads
//! run in parallel and never wait behind a write (WAL readers see the last
//! commit).

mod accounts;

use std::{
    any::Any,
    path::Path,
    sync::{Arc, Mutex, PoisonError},
};

use async_trait::async_trait;
use cairn_protocol::Reading;
use rusqlite::{Connection, Params, Transaction, params, params_from_iter};

use super::{
    Engine, Result, Sha256, StoreError,
    access::{Get, Value},
    accounts::AuditRecord,
    exec::{Exec, Row, Work},
    migrate::{self, Dialect},
    model,
    open_hours::{self, OpenHours},
    rollup::{self, Rollup},
    rows::{self, to_json},
    sql,
};
use crate::catalog::{Catalog, Model};

const INSERT_READING: &str =
    "INSERT INTO readings (point_id, ts, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
/// One statement: SQLite walks the JSON array and seeks the key per bucket
/// (CROSS JOIN keeps that loop order; the planner would otherwise scan the
/// readings and the array for each of them). No `ORDER BY`: with the starts
/// sorted the rows come oldest first, and SQLite would sort them again in
/// a temporary b-tree (`rows::sorted` checks).
const IN_BUCKETS: &str = "SELECT r.ts, r.value FROM json_each($1) AS w
    CROSS JOIN readings AS r ON r.point_id = $2 AND r.ts >= w.value AND r.ts < w.value + $3";
/// The same walk as `IN_BUCKETS`, over the finer rollups.
const ROLLUPS_IN: &str = "SELECT r.bucket, r.n, r.total, r.min_ts, r.v_min, r.max_ts, r.v_max,
    r.first_ts, r.v_first, r.last_ts, r.v_last FROM json_each($1) AS w
    CROSS JOIN rollups AS r ON r.level = $2 AND r.point_id = $3
     AND r.bucket >= w.value AND r.bucket < w.value + $4";
const LATEST: &str = "SELECT p.id, r.ts, r.value FROM points p
    JOIN readings r ON r.point_id = p.id
     AND r.ts = (SELECT MAX(ts) FROM readings WHERE point_id = p.id)";
const POINT_IDS: &str = "SELECT id FROM points";
/// Point by point, so each delete is a range of the primary key.
const PRUNE_RAW: &str = "DELETE FROM readings WHERE point_id = $1 AND ts < $2";
const PRUNE_ROLLUPS: &str =
    "DELETE FROM rollups WHERE level = $1 AND point_id = $2 AND bucket < $3";

/// This engine's own statements (for the tests in `sql.rs`).
#[cfg(test)]
pub(super) const STATEMENTS: &[&str] = &[
    INSERT_READING,
    IN_BUCKETS,
    ROLLUPS_IN,
    LATEST,
    POINT_IDS,
    PRUNE_RAW,
    PRUNE_ROLLUPS,
];

/// WAL pages after which a commit copies the WAL into the database file:
/// 10,000 pages (39 MiB at SQLite's default 4 KiB page, which Cairn keeps),
/// instead of SQLite's 1,000.
///
/// A batch of readings touches a page per point (they sit in point order):
/// in the ingest bench a batch of the whole portfolio wrote about 3,970 WAL
/// pages (16 MB), up to one page per point (6,910) once the table is
/// large. At the default, every commit was followed by a checkpoint that
/// read all of them back and wrote them into the database file; now a page
/// rewritten by several batches between checkpoints is copied once.
/// `CAIRN_BENCH=ingest cargo bench -p cairn-server --bench server`
/// (2026-12-01, BENCHMARKS.md "P8"): about a quarter more readings/s at
/// 10,000 or 30,000 pages than at 1,000. The checkpoint still runs in the
/// commit that crosses the mark, under the writer's lock.
///
/// A crash loses nothing either way: the WAL is synced at each commit
/// (`synchronous=FULL`) and replayed on open.
pub const WAL_CHECKPOINT_PAGES: i64 = 10_000;

/// Bytes the WAL file is cut back to once a checkpoint has emptied it (128
/// MiB, above the checkpoint mark plus one batch of the whole portfolio):
/// a long read that held checkpoints back leaves no larger file for good.
pub const WAL_SIZE_LIMIT: i64 = 128 << 20;

/// Read-only connections for history reads.
pub const READERS: usize = 3;

pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    readers: Arc<[Mutex<Connection>]>,
    next_reader: std::sync::atomic::AtomicUsize,
    open: Arc<OpenHours>,
}

/// A read-only connection to the same file.
fn open_reader(path: &Path) -> Result<Connection> {
    use rusqlite::OpenFlags;
    // As the writer's (rusqlite's defaults), but read-only.
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.pragma_update(None, "cache_size", -32_768)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Opens the file and brings its schema up to date.
fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let mut conn = Connection::open(path)?;
    // WAL + FULL: a committed transaction is on disk, readers never block the writer.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Readings arrive in time order but sit in point order: inserts touch a
    // page per point. A 128 MiB page cache keeps those pages in memory
    // (the 2 MiB default re-reads them from disk on every batch).
    conn.pragma_update(None, "cache_size", -131_072)?;
    conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let done: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    // Foreign keys are off while migrating (a table rebuild drops the old
    // table under its references) and checked before each commit.
    conn.pragma_update(None, "foreign_keys", false)?;
    for (version, sql) in migrate::pending(done, Dialect::Sqlite) {
        conn.execute_batch(&format!("BEGIN; {sql};"))?;
        let broken: i64 =
            conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            conn.execute_batch("ROLLBACK;")?;
            return Err(StoreError::Invalid(format!(
                "migration {version} would leave {broken} broken references"
            )));
        }
        conn.execute_batch(&format!("PRAGMA user_version = {version}; COMMIT;"))?;
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    let tx = conn.transaction()?;
    let rebuilt = open_hours::recover(&mut SqliteExec(&tx))?;
    tx.commit()?;
    if rebuilt > 0 {
        tracing::info!("rollups of {rebuilt} hours left open rebuilt from raw readings");
    }
    Ok(conn)
}

/// Every row of a statement, decoded.
fn all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    decode: impl Fn(&dyn Get) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode(r)?);
    }
    Ok(out)
}

/// A count (`COUNT(*)` or a counter).
fn count(conn: &Connection, sql: &str, params: impl Params) -> Result<u64> {
    Ok(all(conn, sql, params, rows::count)?.pop().unwrap_or(0))
}

fn append_audit(tx: &Transaction<'_>, audit: &AuditRecord) -> Result<()> {
    tx.prepare_cached(sql::APPEND_AUDIT)?
        .execute(params_from_iter(audit.params()))?;
    Ok(())
}

impl SqliteStore {
    /// Opens (or creates) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        let path = path.to_path_buf();
        let (conn, readers) = tokio::task::spawn_blocking(move || {
            let conn = open(&path)?;
            let readers = (0..READERS)
                .map(|_| open_reader(&path).map(Mutex::new))
                .collect::<Result<Vec<_>>>()?;
            Ok::<_, StoreError>((conn, readers))
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))??;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            readers: readers.into(),
            next_reader: Default::default(),
            open: Arc::default(),
        })
    }

    /// Runs `f` on the connection, on the blocking pool.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave SQLite half-written (transactions roll back).
            f(&mut conn.lock().unwrap_or_else(PoisonError::into_inner))
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs `f` on a free read-only connection (else the next one, in
    /// turn), on the blocking pool.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let readers = self.readers.clone();
        let first = (self.next_reader).fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tokio::task::spawn_blocking(move || {
            let n = readers.len();
            for k in 0..n {
                if let Ok(conn) = readers[(first + k) % n].try_lock() {
                    return f(&conn);
                }
            }
            f(&readers[first % n]
                .lock()
                .unwrap_or_else(PoisonError::into_inner))
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs `f` in one transaction, committed if it returns `Ok`.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.run(|conn| {
            let tx = conn.transaction()?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
    }
}

/// Stores a batch; returns what was new, and the plan for the open hours
/// (written here, applied once the transaction committed).
fn insert_readings(
    tx: &Transaction<'_>,
    readings: &[Reading],
    open: &OpenHours,
) -> Result<(usize, open_hours::Plan)> {
    let mut new = Vec::with_capacity(readings.len());
    let mut stmt = tx.prepare_cached(INSERT_READING)?;
    for r in readings {
        if stmt.execute(params![r.point, r.ts, r.value])? == 1 {
            new.push(*r);
        }
    }
    let plan = open.batch(&new);
    write_plan(tx, &plan)?;
    tx.prepare_cached(sql::COUNT_NEW_READINGS)?
        .execute([new.len() as i64])?;
    Ok((new.len(), plan))
}

/// The rollups of the hours a plan closes, and its marks.
fn write_plan(tx: &Transaction<'_>, plan: &open_hours::Plan) -> Result<()> {
    let mut up = tx.prepare_cached(sql::MERGE_ROLLUP)?;
    for r in &plan.merge {
        up.execute(params_from_iter(open_hours::merge_params(r)))?;
    }
    let mut mark = tx.prepare_cached(sql::MARK_OPEN_HOUR)?;
    for (point, hour) in &plan.mark {
        mark.execute(params![point, hour])?;
    }
    let mut unmark = tx.prepare_cached(sql::UNMARK_OPEN_HOUR)?;
    for (point, hour) in &plan.unmark {
        unmark.execute(params![point, hour])?;
    }
    Ok(())
}

fn prune(tx: &Transaction<'_>, raw: Option<i64>, hourly: Option<i64>) -> Result<u64> {
    let mut gone = 0;
    for id in all(tx, POINT_IDS, [], |r| r.i64(0))? {
        if let Some(t) = raw {
            gone += tx.prepare_cached(PRUNE_RAW)?.execute(params![id, t])? as u64;
            let mut stmt = tx.prepare_cached(PRUNE_ROLLUPS)?;
            // Only buckets that ended by the cutoff.
            let ended = t - rollup::TEN_MINUTES_MS + 1;
            gone += stmt.execute(params![rollup::TEN_MINUTES_MS, id, ended])? as u64;
        }
        if let Some(t) = hourly {
            let mut stmt = tx.prepare_cached(PRUNE_ROLLUPS)?;
            gone += stmt.execute(params![rollup::HOUR_MS, id, t])? as u64;
        }
    }
    Ok(gone)
}

#[async_trait]
impl Engine for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn provision(&self, m: Arc<Model>) -> Result<()> {
        self.write(move |tx| {
            for (sql, row) in model::provision(&m) {
                tx.prepare_cached(sql)?.execute(params_from_iter(row))?;
            }
            Ok(())
        })
        .await
    }

    async fn load_catalog(&self) -> Result<Catalog> {
        self.run(|conn| {
            model::catalog(&mut |sql, each| {
                let mut stmt = conn.prepare_cached(sql)?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    each(r)?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn insert_readings(&self, readings: Arc<Vec<Reading>>) -> Result<usize> {
        let open = self.open.clone();
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let (new, plan) = insert_readings(&tx, &readings, &open)?;
            tx.commit()?;
            open.commit(plan);
            Ok(new)
        })
        .await
    }

    async fn close_hours(&self, before: i64) -> Result<usize> {
        let open = self.open.clone();
        self.run(move |conn| {
            let plan = open.close_before(before);
            if plan.is_empty() {
                return Ok(0);
            }
            let tx = conn.transaction()?;
            write_plan(&tx, &plan)?;
            tx.commit()?;
            let closed = plan.closed();
            open.commit(plan);
            Ok(closed)
        })
        .await
    }

    fn open_hours(&self, point: u32) -> Vec<i64> {
        self.open.of(point)
    }

    async fn latest_readings(&self) -> Result<Vec<Reading>> {
        self.run(|c| all(c, LATEST, [], rows::reading)).await
    }

    async fn rollups(&self, point: u32, level: i64, from: i64, to: i64) -> Result<Vec<Rollup>> {
        let args = (level, point, from, to);
        self.read(move |c| all(c, sql::ROLLUPS, args, |r| rows::rollup(point, level, r)))
            .await
    }

    async fn rollups_in(
        &self,
        point: u32,
        level: i64,
        starts: Vec<i64>,
        parent: i64,
    ) -> Result<Vec<Rollup>> {
        let args = (to_json(&starts), level, point, parent);
        let got = self.read(move |c| all(c, ROLLUPS_IN, args, |r| rows::rollup(point, level, r)));
        Ok(rows::sorted(got.await?, |r| r.bucket))
    }

    async fn in_buckets(&self, point: u32, starts: Vec<i64>, size: i64) -> Result<Vec<Reading>> {
        let args = (to_json(&starts), point, size);
        let got = self.read(move |c| all(c, IN_BUCKETS, args, |r| rows::reading_of(point, r)));
        Ok(rows::sorted(got.await?, |r| r.ts))
    }

    async fn range(&self, point: u32, from: i64, to: i64) -> Result<Vec<Reading>> {
        let args = (point, from, to);
        self.read(move |c| all(c, sql::RANGE, args, |r| rows::reading_of(point, r)))
            .await
    }

    async fn readings_stored(&self) -> Result<u64> {
        self.run(|c| count(c, sql::READINGS_STORED, [])).await
    }

    async fn prune(&self, raw_before: Option<i64>, hourly_before: Option<i64>) -> Result<u64> {
        if let Some(t) = raw_before {
            // Open hours the cutoff reaches go into the rollups first.
            self.close_hours(t.saturating_add(rollup::HOUR_MS)).await?;
        }
        self.write(move |tx| prune(tx, raw_before, hourly_before))
            .await
    }

    async fn partitions(&self) -> Result<Vec<(String, i64, i64)>> {
        Ok(Vec::new())
    }

    async fn set_device_token(&self, id: &str, hash: Sha256, audit: AuditRecord) -> Result<bool> {
        let id = id.to_owned();
        self.write(move |tx| {
            let args = params![&hash[..], audit.at, id];
            let known = tx.prepare_cached(sql::SET_DEVICE_TOKEN)?.execute(args)? == 1;
            if known {
                append_audit(tx, &audit)?;
            }
            Ok(known)
        })
        .await
    }

    async fn device_token_hash(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let id = id.to_owned();
        self.run(move |c| all(c, sql::DEVICE_TOKEN_HASH, [id], |r| r.bytes(0)).map(rows::single))
            .await
    }

    async fn run_work(&self, work: Work) -> Result<Box<dyn Any + Send>> {
        self.write(move |tx| work(&mut SqliteExec(tx))).await
    }
}

/// [`Exec`] on a SQLite transaction.
struct SqliteExec<'a, 'c>(&'a Transaction<'c>);

impl Exec for SqliteExec<'_, '_> {
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let mut stmt = self.0.prepare_cached(sql)?;
        Ok(stmt.execute(params_from_iter(params))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query(params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push((0..n).map(|i| r.value(i)).collect::<Result<Row>>()?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writer connection's value of each pragma in `names`, as text,
    /// on a new file.
    async fn writer_pragmas(names: &'static [&'static str]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("d.sqlite3"))
            .await
            .unwrap();
        store
            .run(move |c| {
                let text = |r: &rusqlite::Row<'_>| -> rusqlite::Result<String> {
                    Ok(match r.get_ref(0)? {
                        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                        other => other.as_str()?.to_owned(),
                    })
                };
                let values = names.iter().map(|n| c.pragma_query_value(None, n, text));
                Ok(values.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .await
            .unwrap()
    }

    /// What `tests/durability.rs` cannot see (SIGKILL keeps the OS page
    /// cache): every commit is synced to disk, in WAL mode.
    #[tokio::test]
    async fn the_sqlite_connection_syncs_every_commit() {
        let got = writer_pragmas(&["journal_mode", "synchronous", "foreign_keys"]).await;
        assert_eq!(got[0], "wal");
        assert_eq!(
            got[1], "2",
            "synchronous=FULL (2): a commit returns once it is on disk"
        );
        assert_eq!(got[2], "1", "foreign keys are enforced");
    }

    /// The writer checkpoints every 10,000 WAL pages of 4 KiB (39 MiB), not
    /// SQLite's 1,000, and the WAL file is cut back to 128 MiB
    /// (BENCHMARKS.md, "P8").
    #[tokio::test]
    async fn the_sqlite_writer_checkpoints_every_10000_wal_pages() {
        let got = writer_pragmas(&["wal_autocheckpoint", "page_size", "journal_size_limit"]).await;
        assert_eq!(got, ["10000", "4096", (128 << 20).to_string().as_str()]);
    }
}
