-- The catalogue, raw readings, rollups and counters.
-- Written once for both engines: `store/migrate.rs` renders the dialect tokens.
CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    city TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    lat {real} NOT NULL,
    lon {real} NOT NULL
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
    width_m {real} NOT NULL,
    height_m {real} NOT NULL
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
    lat {real} NOT NULL,
    lon {real} NOT NULL,
    plan_x {real},
    plan_y {real},
    tags TEXT NOT NULL
);
CREATE TABLE points (
    id {id32},
    key TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL REFERENCES devices(id),
    metric TEXT NOT NULL,
    interval_s INTEGER NOT NULL
);
-- SQLite: clustered by (point, time). PostgreSQL: one partition per UTC
-- month, created on demand (store/postgres/partitions.rs); retention drops
-- whole months.
CREATE TABLE readings (
    point_id INTEGER NOT NULL,
    ts {i64} NOT NULL,
    value {real} NOT NULL,
    PRIMARY KEY (point_id, ts)
){by_month};
-- Per point and bucket (level = bucket size in ms): see store/rollup.rs.
CREATE TABLE rollups (
    level {i64} NOT NULL,
    point_id INTEGER NOT NULL,
    bucket {i64} NOT NULL,
    n {i64} NOT NULL,
    total {real} NOT NULL,
    min_ts {i64} NOT NULL, v_min {real} NOT NULL,
    max_ts {i64} NOT NULL, v_max {real} NOT NULL,
    first_ts {i64} NOT NULL, v_first {real} NOT NULL,
    last_ts {i64} NOT NULL, v_last {real} NOT NULL,
    PRIMARY KEY (level, point_id, bucket)
){without_rowid};
CREATE TABLE counters (name TEXT PRIMARY KEY, value {i64} NOT NULL);
INSERT INTO counters (name, value) VALUES ('readings', 0);
