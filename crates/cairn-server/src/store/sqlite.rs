//! SQLite engine (embedded default): WAL, `synchronous=FULL`, so a batch is
//! on disk when `insert_readings` returns. Synchronous; `Store` runs it on
//! tokio's blocking pool.

use std::{path::Path, sync::Mutex};

use cairn_protocol::{Building, Floor, LatLon, PlanXy, Reading, Zone};
use rusqlite::{Connection, params};

use super::{
    StoreError,
    rollup::{self, Rollup},
    rows::{self as col, from_json, to_json},
};
use crate::catalog::{Catalog, DeviceDef, Model, PointInfo, SiteDef, point_key};

/// Maps rows of `(ts, value)` to readings of `point`.
fn reading_of(point: u32) -> impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<Reading> {
    move |r| {
        Ok(Reading {
            point,
            ts: r.get(0)?,
            value: r.get(1)?,
        })
    }
}

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

    pub(super) fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll back).
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Creates or updates the model (idempotent, one transaction).
    pub fn provision(&self, m: &Model) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut site = tx.prepare(
                "INSERT INTO sites (id, name, address, city, time_zone, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(id) DO UPDATE SET name = ?2, address = ?3, city = ?4, time_zone = ?5, lat = ?6, lon = ?7",
            )?;
            for s in &m.sites {
                site.execute(params![
                    s.id,
                    s.name,
                    s.address,
                    s.city,
                    s.time_zone,
                    s.lat,
                    s.lon
                ])?;
            }
            let mut building = tx.prepare(
                "INSERT INTO buildings (id, site_id, name, footprint) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET site_id = ?2, name = ?3, footprint = ?4",
            )?;
            for b in &m.buildings {
                building.execute(params![b.id, b.site_id, b.name, to_json(&b.footprint)])?;
            }
            let mut floor = tx.prepare(
                "INSERT INTO floors (id, building_id, level, name, width_m, height_m) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET building_id = ?2, level = ?3, name = ?4, width_m = ?5, height_m = ?6",
            )?;
            for f in &m.floors {
                floor.execute(params![
                    f.id,
                    f.building_id,
                    f.level,
                    f.name,
                    f.width_m,
                    f.height_m
                ])?;
            }
            let mut zone = tx.prepare(
                "INSERT INTO zones (id, floor_id, name, kind, outline) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET floor_id = ?2, name = ?3, kind = ?4, outline = ?5",
            )?;
            for z in &m.zones {
                zone.execute(params![
                    z.id,
                    z.floor_id,
                    z.name,
                    z.kind,
                    to_json(&z.outline)
                ])?;
            }
            let mut device = tx.prepare(
                "INSERT INTO devices (id, site_id, name, kind, model, firmware, serial, installed,
                     building_id, floor_id, zone_id, lat, lon, plan_x, plan_y, tags)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT(id) DO UPDATE SET site_id = ?2, name = ?3, kind = ?4, model = ?5,
                     firmware = ?6, serial = ?7, installed = ?8, building_id = ?9, floor_id = ?10,
                     zone_id = ?11, lat = ?12, lon = ?13, plan_x = ?14, plan_y = ?15, tags = ?16",
            )?;
            let mut point = tx.prepare(
                "INSERT INTO points (key, device_id, metric, interval_s) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(key) DO UPDATE SET interval_s = ?4",
            )?;
            for d in &m.devices {
                device.execute(params![
                    d.id,
                    d.site_id,
                    d.name,
                    d.kind.name(),
                    d.model,
                    d.firmware,
                    d.serial,
                    d.installed,
                    d.building_id,
                    d.floor_id,
                    d.zone_id,
                    d.location.lat,
                    d.location.lon,
                    d.plan.map(|p| p.x),
                    d.plan.map(|p| p.y),
                    to_json(&d.tags),
                ])?;
                for (metric, interval_s) in &d.points {
                    point.execute(params![
                        point_key(&d.id, *metric),
                        d.id,
                        metric.name(),
                        interval_s
                    ])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn load_catalog(&self) -> Result<Catalog, StoreError> {
        let conn = self.conn();
        let mut m = Model::default();
        let mut stmt = conn.prepare(
            "SELECT id, name, address, city, time_zone, lat, lon FROM sites ORDER BY name",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            m.sites.push(SiteDef {
                id: r.get(0)?,
                name: r.get(1)?,
                address: r.get(2)?,
                city: r.get(3)?,
                time_zone: r.get(4)?,
                lat: r.get(5)?,
                lon: r.get(6)?,
            });
        }
        let mut stmt =
            conn.prepare("SELECT id, site_id, name, footprint FROM buildings ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            m.buildings.push(Building {
                id: r.get(0)?,
                site_id: r.get(1)?,
                name: r.get(2)?,
                footprint: from_json("buildings.footprint", &r.get::<_, String>(3)?)?,
                floors: Vec::new(),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT id, building_id, level, name, width_m, height_m FROM floors ORDER BY building_id, level",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            m.floors.push(Floor {
                id: r.get(0)?,
                building_id: r.get(1)?,
                site_id: String::new(),
                level: r.get(2)?,
                name: r.get(3)?,
                width_m: r.get(4)?,
                height_m: r.get(5)?,
                plan_url: String::new(),
            });
        }
        let mut stmt =
            conn.prepare("SELECT id, floor_id, name, kind, outline FROM zones ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            m.zones.push(Zone {
                id: r.get(0)?,
                floor_id: r.get(1)?,
                building_id: String::new(),
                site_id: String::new(),
                name: r.get(2)?,
                kind: r.get(3)?,
                outline: from_json("zones.outline", &r.get::<_, String>(4)?)?,
            });
        }
        let mut stmt = conn.prepare(
            "SELECT id, site_id, name, kind, model, firmware, serial, installed, building_id,
                    floor_id, zone_id, lat, lon, plan_x, plan_y, tags FROM devices ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let plan = match (r.get::<_, Option<f64>>(13)?, r.get::<_, Option<f64>>(14)?) {
                (Some(x), Some(y)) => Some(PlanXy { x, y }),
                _ => None,
            };
            m.devices.push(DeviceDef {
                id: r.get(0)?,
                site_id: r.get(1)?,
                name: r.get(2)?,
                kind: col::kind(&r.get::<_, String>(3)?)?,
                model: r.get(4)?,
                firmware: r.get(5)?,
                serial: r.get(6)?,
                installed: r.get(7)?,
                building_id: r.get(8)?,
                floor_id: r.get(9)?,
                zone_id: r.get(10)?,
                location: LatLon {
                    lat: r.get(11)?,
                    lon: r.get(12)?,
                },
                plan,
                tags: from_json("devices.tags", &r.get::<_, String>(15)?)?,
                points: Vec::new(),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT p.id, p.key, p.device_id, d.name, d.site_id, d.building_id, p.metric, p.interval_s
             FROM points p JOIN devices d ON d.id = p.device_id ORDER BY p.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut points = Vec::new();
        while let Some(r) = rows.next()? {
            points.push(PointInfo {
                id: r.get(0)?,
                key: r.get(1)?,
                device_id: r.get(2)?,
                device_name: r.get(3)?,
                site_id: r.get(4)?,
                building_id: r.get(5)?,
                metric: col::metric(&r.get::<_, String>(6)?)?,
                interval_s: r.get(7)?,
            });
        }
        Ok(Catalog::new(m, points))
    }

    /// Stores a batch in one transaction with the rollups of what is new; a
    /// reading already stored (same point and time) is kept as it was.
    /// Returns how many were new.
    pub fn insert_readings(&self, readings: &[Reading]) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut new = Vec::with_capacity(readings.len());
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO readings (point_id, ts, value) VALUES (?1, ?2, ?3)",
            )?;
            for r in readings {
                if stmt.execute(params![r.point, r.ts, r.value])? == 1 {
                    new.push(*r);
                }
            }
            let mut up = tx.prepare_cached(
                "INSERT INTO rollups (level, point_id, bucket, n, total, min_ts, v_min, max_ts, v_max,
                     first_ts, v_first, last_ts, v_last)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (level, point_id, bucket) DO UPDATE SET
                     n = n + excluded.n,
                     total = total + excluded.total,
                     min_ts = CASE WHEN excluded.v_min < v_min THEN excluded.min_ts ELSE min_ts END,
                     v_min = MIN(v_min, excluded.v_min),
                     max_ts = CASE WHEN excluded.v_max > v_max THEN excluded.max_ts ELSE max_ts END,
                     v_max = MAX(v_max, excluded.v_max),
                     v_first = CASE WHEN excluded.first_ts < first_ts THEN excluded.v_first ELSE v_first END,
                     first_ts = MIN(first_ts, excluded.first_ts),
                     v_last = CASE WHEN excluded.last_ts > last_ts THEN excluded.v_last ELSE v_last END,
                     last_ts = MAX(last_ts, excluded.last_ts)",
            )?;
            for r in rollup::summarise(&new) {
                up.execute(params![
                    r.level, r.point, r.bucket, r.count, r.sum, r.min.0, r.min.1, r.max.0, r.max.1,
                    r.first.0, r.first.1, r.last.0, r.last.1
                ])?;
            }
        }
        tx.execute(
            "UPDATE counters SET value = value + ?1 WHERE name = 'readings'",
            params![new.len() as i64],
        )?;
        tx.commit()?;
        Ok(new.len())
    }

    pub fn rollups(
        &self,
        point: u32,
        level: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<Rollup>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT bucket, n, total, min_ts, v_min, max_ts, v_max, first_ts, v_first, last_ts, v_last
             FROM rollups WHERE level = ?1 AND point_id = ?2 AND bucket > ?3 - ?1 AND bucket < ?4
             ORDER BY bucket",
        )?;
        let rows = stmt.query_map(params![level, point, from, to], |r| {
            Ok(Rollup {
                point,
                level,
                bucket: r.get(0)?,
                count: r.get(1)?,
                sum: r.get(2)?,
                min: (r.get(3)?, r.get(4)?),
                max: (r.get(5)?, r.get(6)?),
                first: (r.get(7)?, r.get(8)?),
                last: (r.get(9)?, r.get(10)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn prune(
        &self,
        raw_before: Option<i64>,
        hourly_before: Option<i64>,
    ) -> Result<u64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut gone = 0;
        {
            // Point by point, so each delete is a range of the primary key.
            let ids: Vec<u32> = tx
                .prepare("SELECT id FROM points")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut raw = tx.prepare("DELETE FROM readings WHERE point_id = ?1 AND ts < ?2")?;
            let mut hourly = tx.prepare(
                "DELETE FROM rollups WHERE level = ?1 AND point_id = ?2 AND bucket < ?3",
            )?;
            for id in ids {
                if let Some(t) = raw_before {
                    gone += raw.execute(params![id, t])? as u64;
                }
                if let Some(t) = hourly_before {
                    gone += hourly.execute(params![rollup::HOUR_MS, id, t])? as u64;
                }
            }
        }
        tx.commit()?;
        Ok(gone)
    }

    pub fn in_buckets(
        &self,
        point: u32,
        starts: &[i64],
        size: i64,
    ) -> Result<Vec<Reading>, StoreError> {
        let conn = self.conn();
        // One statement: SQLite walks the JSON array and seeks the index per
        // bucket (CROSS JOIN keeps that loop order; the planner would
        // otherwise scan the readings and the array for each of them).
        let mut stmt = conn.prepare_cached(
            "SELECT r.ts, r.value FROM json_each(?2) AS w
             CROSS JOIN readings AS r ON r.point_id = ?1 AND r.ts >= w.value AND r.ts < w.value + ?3
             ORDER BY r.ts",
        )?;
        let rows = stmt.query_map(params![point, to_json(&starts), size], reading_of(point))?;
        Ok(rows.collect::<Result<_, _>>()?)
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
        let rows = stmt.query_map(params![point, from, to], reading_of(point))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores the hash of a device's new ingest token, replacing any earlier one.
    /// Returns false if there is no such device.
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
