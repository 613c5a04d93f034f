-- The inventory: a device may be unplaced (no latitude/longitude yet: just
-- unpacked, or claimed from a network server), retired, and given its
-- expected reporting interval by hand (none = learned from its history).
-- SQLite cannot drop a NOT NULL: the table is rebuilt (with foreign keys
-- off, as https://sqlite.org/lang_altertable.html#otheralter says; the
-- runner checks them after). PostgreSQL alters it in place.
{sqlite}
CREATE TABLE devices_v5 (
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
    lat REAL,
    lon REAL,
    plan_x REAL,
    plan_y REAL,
    tags TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'active',
    expected_interval_s INTEGER
);
INSERT INTO devices_v5 (id, site_id, name, kind, model, firmware, serial, installed,
    building_id, floor_id, zone_id, lat, lon, plan_x, plan_y, tags)
    SELECT id, site_id, name, kind, model, firmware, serial, installed,
    building_id, floor_id, zone_id, lat, lon, plan_x, plan_y, tags FROM devices;
DROP TABLE devices;
ALTER TABLE devices_v5 RENAME TO devices;
{/sqlite}
{postgres}
ALTER TABLE devices ALTER COLUMN lat DROP NOT NULL, ALTER COLUMN lon DROP NOT NULL,
    ADD COLUMN state TEXT NOT NULL DEFAULT 'active',
    ADD COLUMN expected_interval_s INTEGER;
{/postgres}
CREATE INDEX devices_site ON devices (site_id);
