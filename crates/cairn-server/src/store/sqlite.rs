//! SQLite engine (embedded default): WAL, `synchronous=FULL`, so a batch is
//! on disk when `insert_readings` returns. Synchronous; `Store` runs it on
//! tokio's blocking pool.

use std::{path::Path, sync::Mutex};

use cairn_protocol::Reading;
use rusqlite::{Connection, params};

use super::StoreError;
use crate::catalog::{Catalog, DeviceDef, PointInfo, SiteDef, parse_metric, point_key};

pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (or creates) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        super::schema::migrate(&conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll back).
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Creates or updates sites, devices and their points (idempotent).
    pub fn provision(&self, sites: &[SiteDef], devices: &[DeviceDef]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut site = tx.prepare(
                "INSERT INTO sites (id, name, city, time_zone, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET name = ?2, city = ?3, time_zone = ?4, lat = ?5, lon = ?6",
            )?;
            for s in sites {
                site.execute(params![s.id, s.name, s.city, s.time_zone, s.lat, s.lon])?;
            }
            let mut device = tx.prepare(
                "INSERT INTO devices (id, site_id, name) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET site_id = ?2, name = ?3",
            )?;
            let mut point = tx.prepare(
                "INSERT INTO points (key, device_id, metric, interval_s) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(key) DO UPDATE SET interval_s = ?4",
            )?;
            for d in devices {
                device.execute(params![d.id, d.site_id, d.name])?;
                for (metric, interval_s) in &d.points {
                    let name = crate::catalog::metric_name(*metric);
                    point.execute(params![point_key(&d.id, *metric), d.id, name, interval_s])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn load_catalog(&self) -> Result<Catalog, StoreError> {
        let conn = self.conn();
        let sites = conn
            .prepare("SELECT id, name, city, time_zone, lat, lon FROM sites ORDER BY name")?
            .query_map([], |r| {
                Ok(SiteDef {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    city: r.get(2)?,
                    time_zone: r.get(3)?,
                    lat: r.get(4)?,
                    lon: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = conn.prepare(
            "SELECT p.id, p.key, p.device_id, d.name, d.site_id, p.metric, p.interval_s
             FROM points p JOIN devices d ON d.id = p.device_id ORDER BY p.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, u32>(6)?,
            ))
        })?;
        let mut points = Vec::new();
        for row in rows {
            let (id, key, device_id, device_name, site_id, metric, interval_s) = row?;
            let metric = parse_metric(&metric).ok_or(StoreError::UnknownMetric(metric))?;
            points.push(PointInfo {
                id,
                key,
                device_id,
                device_name,
                site_id,
                metric,
                interval_s,
            });
        }
        Ok(Catalog::new(sites, points))
    }

    /// Stores a batch in one transaction; a reading already stored (same point
    /// and time) is kept as it was. Returns how many were new.
    pub fn insert_readings(&self, readings: &[Reading]) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut inserted = 0;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO readings (point_id, ts, value) VALUES (?1, ?2, ?3)",
            )?;
            for r in readings {
                inserted += stmt.execute(params![r.point, r.ts, r.value])?;
            }
        }
        tx.execute(
            "UPDATE counters SET value = value + ?1 WHERE name = 'readings'",
            params![inserted as i64],
        )?;
        tx.commit()?;
        Ok(inserted)
    }

    /// The newest reading of every point that has one.
    pub fn latest_readings(&self) -> Result<Vec<Reading>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT p.id, r.ts, r.value FROM points p
             JOIN readings r ON r.point_id = p.id
              AND r.ts = (SELECT MAX(ts) FROM readings WHERE point_id = p.id)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Reading {
                point: r.get(0)?,
                ts: r.get(1)?,
                value: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Readings of one point in `[from, to)`, oldest first.
    pub fn range(&self, point: u32, from: i64, to: i64) -> Result<Vec<Reading>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT ts, value FROM readings WHERE point_id = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts",
        )?;
        let rows = stmt.query_map(params![point, from, to], |r| {
            Ok(Reading {
                point,
                ts: r.get(0)?,
                value: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores the hash of a device's new ingest token, replacing any earlier one.
    /// Returns false if there is no such device.
    pub fn set_device_token(
        &self,
        device_id: &str,
        secret_sha256: &[u8],
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let conn = self.conn();
        let known: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM devices WHERE id = ?1)",
            [device_id],
            |r| r.get(0),
        )?;
        if known {
            conn.execute(
                "INSERT INTO device_tokens (device_id, secret_sha256, created_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT(device_id) DO UPDATE SET secret_sha256 = ?2, created_ms = ?3",
                params![device_id, secret_sha256, now_ms],
            )?;
        }
        Ok(known)
    }

    pub fn device_token_hash(&self, device_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT secret_sha256 FROM device_tokens WHERE device_id = ?1")?;
        let mut rows = stmt.query([device_id])?;
        Ok(match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        })
    }

    pub fn readings_stored(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn().query_row(
            "SELECT value FROM counters WHERE name = 'readings'",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }
}
