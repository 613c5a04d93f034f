use rusqlite::Connection;

/// Schema versions, applied in order; `PRAGMA user_version` says how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    city TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL
);
-- Geometry (footprints, outlines) and tags are JSON arrays.
CREATE TABLE buildings (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    footprint TEXT NOT NULL
);
CREATE TABLE floors (
    id TEXT PRIMARY KEY,
    building_id TEXT NOT NULL REFERENCES buildings(id),
    level INTEGER NOT NULL,
    name TEXT NOT NULL,
    width_m REAL NOT NULL,
    height_m REAL NOT NULL
);
CREATE TABLE zones (
    id TEXT PRIMARY KEY,
    floor_id TEXT NOT NULL REFERENCES floors(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    outline TEXT NOT NULL
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    firmware TEXT NOT NULL,
    serial TEXT NOT NULL,
    installed TEXT NOT NULL,
    building_id TEXT REFERENCES buildings(id),
    floor_id TEXT REFERENCES floors(id),
    zone_id TEXT REFERENCES zones(id),
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    plan_x REAL,
    plan_y REAL,
    tags TEXT NOT NULL
);
CREATE TABLE points (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL REFERENCES devices(id),
    metric TEXT NOT NULL,
    interval_s INTEGER NOT NULL
);
CREATE TABLE readings (
    point_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (point_id, ts)
) WITHOUT ROWID;
-- Per point and bucket (level = bucket size in ms): see store/rollup.rs.
CREATE TABLE rollups (
    level INTEGER NOT NULL,
    point_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    total REAL NOT NULL,
    min_ts INTEGER NOT NULL, v_min REAL NOT NULL,
    max_ts INTEGER NOT NULL, v_max REAL NOT NULL,
    first_ts INTEGER NOT NULL, v_first REAL NOT NULL,
    last_ts INTEGER NOT NULL, v_last REAL NOT NULL,
    PRIMARY KEY (level, point_id, bucket)
) WITHOUT ROWID;
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters (name, value) VALUES ('readings', 0);
"#,
    r#"
CREATE TABLE device_tokens (
    device_id TEXT PRIMARY KEY REFERENCES devices(id),
    secret_sha256 BLOB NOT NULL,
    created_ms INTEGER NOT NULL
);
"#,
    r#"
-- Accounts (see auth/): sites granted as a JSON array of site ids.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    all_sites INTEGER NOT NULL,
    sites TEXT NOT NULL,
    disabled INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    last_login_ms INTEGER
);
-- Only a SHA-256 of the session secret is stored.
CREATE TABLE sessions (
    id_sha256 BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_at ON audit(at_ms);
"#,
];

pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    // WAL + FULL: a committed transaction is on disk, readers never block the writer.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Readings arrive in time order but sit in point order: inserts touch a
    // page per point. A 128 MiB page cache keeps those pages in memory
    // (the 2 MiB default re-reads them from disk on every batch).
    conn.pragma_update(None, "cache_size", -131_072)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let done: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done.max(0) as usize) {
        conn.execute_batch(&format!(
            "BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))?;
    }
    Ok(())
}
