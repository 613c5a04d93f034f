//! Statements both engines run as written. Parameters are `$1`, `$2`, …:
//! PostgreSQL numbers them, SQLite takes `$n` as a name and numbers names in
//! order of first appearance, so every statement here names them in order
//! (see the tests); upserts say `excluded.col` rather than repeat a parameter.
//! Engine-only statements (UNNEST or json_each, LATERAL, partitions) live
//! with their engine.

/// The start of a rollup merge: the columns in `rows::rollup` order after `level, point_id`.
macro_rules! insert_rollups {
    () => {
        "INSERT INTO rollups (level, point_id, bucket, n, total, min_ts, v_min, max_ts, v_max,
             first_ts, v_first, last_ts, v_last) "
    };
}

/// The end of a rollup merge: a summary of new readings folded into the
/// stored one (of equal minima or maxima the earliest, as `Rollup::merge`).
macro_rules! merge_rollups {
    () => {
        " ON CONFLICT (level, point_id, bucket) DO UPDATE SET
             n = rollups.n + excluded.n,
             total = rollups.total + excluded.total,
             min_ts = CASE WHEN excluded.v_min < rollups.v_min
                 OR (excluded.v_min = rollups.v_min AND excluded.min_ts < rollups.min_ts)
                 THEN excluded.min_ts ELSE rollups.min_ts END,
             v_min = CASE WHEN excluded.v_min < rollups.v_min THEN excluded.v_min ELSE rollups.v_min END,
             max_ts = CASE WHEN excluded.v_max > rollups.v_max
                 OR (excluded.v_max = rollups.v_max AND excluded.max_ts < rollups.max_ts)
                 THEN excluded.max_ts ELSE rollups.max_ts END,
             v_max = CASE WHEN excluded.v_max > rollups.v_max THEN excluded.v_max ELSE rollups.v_max END,
             v_first = CASE WHEN excluded.first_ts < rollups.first_ts THEN excluded.v_first ELSE rollups.v_first END,
             first_ts = CASE WHEN excluded.first_ts < rollups.first_ts THEN excluded.first_ts ELSE rollups.first_ts END,
             v_last = CASE WHEN excluded.last_ts > rollups.last_ts THEN excluded.v_last ELSE rollups.v_last END,
             last_ts = CASE WHEN excluded.last_ts > rollups.last_ts THEN excluded.last_ts ELSE rollups.last_ts END"
    };
}

/// The user columns, in `rows::user` order.
macro_rules! user_columns {
    () => {
        "u.id, u.username, u.display_name, u.role, u.all_sites, u.sites, u.disabled, u.created_ms, u.updated_ms, u.last_login_ms"
    };
}

// ---- Catalogue (provisioning writes these, `load_catalog` reads them) ----

pub const UPSERT_SITE: &str = "INSERT INTO sites (id, name, address, city, time_zone, lat, lon)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address,
        city = excluded.city, time_zone = excluded.time_zone, lat = excluded.lat, lon = excluded.lon";
pub const UPSERT_BUILDING: &str = "INSERT INTO buildings (id, site_id, name, footprint)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, name = excluded.name,
        footprint = excluded.footprint";
pub const UPSERT_FLOOR: &str =
    "INSERT INTO floors (id, building_id, level, name, width_m, height_m)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (id) DO UPDATE SET building_id = excluded.building_id, level = excluded.level,
        name = excluded.name, width_m = excluded.width_m, height_m = excluded.height_m";
pub const UPSERT_ZONE: &str = "INSERT INTO zones (id, floor_id, name, kind, outline)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (id) DO UPDATE SET floor_id = excluded.floor_id, name = excluded.name,
        kind = excluded.kind, outline = excluded.outline";
pub const UPSERT_DEVICE: &str = "INSERT INTO devices (id, site_id, name, kind, model, firmware,
        serial, installed, building_id, floor_id, zone_id, lat, lon, plan_x, plan_y, tags, state,
        expected_interval_s, aliases)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
    ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, name = excluded.name,
        kind = excluded.kind, model = excluded.model, firmware = excluded.firmware,
        serial = excluded.serial, installed = excluded.installed,
        building_id = excluded.building_id, floor_id = excluded.floor_id,
        zone_id = excluded.zone_id, lat = excluded.lat, lon = excluded.lon,
        plan_x = excluded.plan_x, plan_y = excluded.plan_y, tags = excluded.tags,
        state = excluded.state, expected_interval_s = excluded.expected_interval_s,
        aliases = excluded.aliases";
/// Forgets device `$1`'s aliases (before writing its current ones).
pub const DELETE_ALIASES: &str = "DELETE FROM device_aliases WHERE device_id = $1";
/// Alias `$1` of device `$2`; 0 rows when another device holds it.
pub const INSERT_ALIAS: &str = "INSERT INTO device_aliases (alias, device_id) VALUES ($1, $2)
    ON CONFLICT (alias) DO NOTHING";
pub const UPSERT_POINT: &str = "INSERT INTO points (key, device_id, metric, interval_s)
    VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET interval_s = excluded.interval_s";

pub const SITES: &str =
    "SELECT id, name, address, city, time_zone, lat, lon FROM sites ORDER BY name";
pub const BUILDINGS: &str = "SELECT id, site_id, name, footprint FROM buildings ORDER BY id";
pub const FLOORS: &str = "SELECT id, building_id, level, name, width_m, height_m FROM floors
    ORDER BY building_id, level";
pub const ZONES: &str = "SELECT id, floor_id, name, kind, outline FROM zones ORDER BY id";
pub const DEVICES: &str = "SELECT id, site_id, name, kind, model, firmware, serial, installed,
    building_id, floor_id, zone_id, lat, lon, plan_x, plan_y, tags, state, expected_interval_s,
    aliases FROM devices ORDER BY id";
pub const POINTS: &str = "SELECT p.id, p.key, p.device_id, d.name, d.site_id, d.building_id,
    p.metric, p.interval_s FROM points p JOIN devices d ON d.id = p.device_id ORDER BY p.id";
/// What `load_catalog` reads, in the order `model::catalog` takes it.
pub const CATALOG: [&str; 6] = [SITES, BUILDINGS, FLOORS, ZONES, DEVICES, POINTS];

// ---- Readings ----

pub const COUNT_NEW_READINGS: &str =
    "UPDATE counters SET value = value + $1 WHERE name = 'readings'";
pub const READINGS_STORED: &str = "SELECT value FROM counters WHERE name = 'readings'";
/// `(ts, value)` of one point in `[from, to)`, oldest first.
pub const RANGE: &str =
    "SELECT ts, value FROM readings WHERE point_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts";
/// Folds one summary into the stored rollups: the 13 columns of `insert_rollups!`.
pub const MERGE_ROLLUP: &str = concat!(
    insert_rollups!(),
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    merge_rollups!()
);
/// Buckets of one level and point inside `[from, to)`: `level, point, from, to`.
pub const DELETE_ROLLUPS_IN: &str =
    "DELETE FROM rollups WHERE level = $1 AND point_id = $2 AND bucket >= $3 AND bucket < $4";
/// Marks an hour of a point open (`open_hours.rs`): `point, hour`.
pub const MARK_OPEN_HOUR: &str =
    "INSERT INTO open_hours (point_id, bucket) VALUES ($1, $2) ON CONFLICT DO NOTHING";
/// Unmarks a closed hour: `point, hour`.
pub const UNMARK_OPEN_HOUR: &str = "DELETE FROM open_hours WHERE point_id = $1 AND bucket = $2";
/// The hours a crash left open, as `(point, hour)`.
pub const OPEN_HOURS: &str = "SELECT point_id, bucket FROM open_hours ORDER BY point_id, bucket";
pub const CLEAR_OPEN_HOURS: &str = "DELETE FROM open_hours";
/// Buckets of one level and point overlapping `[from, to)`: `level, point, from, to`.
pub const ROLLUPS: &str = "SELECT bucket, n, total, min_ts, v_min, max_ts, v_max, first_ts,
    v_first, last_ts, v_last FROM rollups
    WHERE level = $1 AND point_id = $2 AND bucket > $3 - $1 AND bucket < $4 ORDER BY bucket";

// ---- Device tokens ----

/// Inserts or replaces a token hash if the device exists: `hash, at, device`.
pub const SET_DEVICE_TOKEN: &str =
    "INSERT INTO device_tokens (device_id, secret_sha256, created_ms)
    SELECT id, $1, $2 FROM devices WHERE id = $3
    ON CONFLICT (device_id) DO UPDATE SET secret_sha256 = excluded.secret_sha256,
        created_ms = excluded.created_ms";
pub const DEVICE_TOKEN_HASH: &str = "SELECT secret_sha256 FROM device_tokens WHERE device_id = $1";

// ---- Accounts ----

pub const APPEND_AUDIT: &str =
    "INSERT INTO audit (at_ms, actor_id, actor, action, target, before, after)
    VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub const COUNT_USERS: &str = "SELECT COUNT(*) FROM users";
/// Returns the new id, or no row when the username is taken.
pub const INSERT_USER: &str = "INSERT INTO users (username, display_name, role, all_sites, sites,
        disabled, password_hash, created_ms, updated_ms)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (username) DO NOTHING RETURNING id";
/// Every user (`NULL`) or one, by username.
pub const USERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users u WHERE CAST($1 AS BIGINT) IS NULL OR u.id = $1 ORDER BY u.username"
);
pub const USER_FOR_LOGIN: &str = concat!(
    "SELECT ",
    user_columns!(),
    ", u.password_hash FROM users u WHERE u.username = $1"
);
/// A `NULL` password hash keeps the old one.
pub const UPDATE_USER: &str = "UPDATE users SET display_name = $1, role = $2, all_sites = $3,
    sites = $4, disabled = $5, password_hash = COALESCE($6, password_hash), updated_ms = $7
    WHERE id = $8";
pub const SIGN_OUT: &str = "DELETE FROM sessions WHERE user_id = $1";
pub const INSERT_SESSION: &str =
    "INSERT INTO sessions (id_sha256, user_id, csrf, created_ms, expires_ms)
    VALUES ($1, $2, $3, $4, $5)";
pub const SIGNED_IN: &str = "UPDATE users SET last_login_ms = $1 WHERE id = $2";
pub const SESSION: &str = concat!(
    "SELECT ",
    user_columns!(),
    ", s.csrf, s.created_ms, s.expires_ms FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id_sha256 = $1 AND s.expires_ms > $2 AND NOT u.disabled"
);
/// Never shortens a session: `expires, id`.
pub const EXTEND_SESSION: &str = "UPDATE sessions
    SET expires_ms = CASE WHEN expires_ms > $1 THEN expires_ms ELSE $1 END WHERE id_sha256 = $2";
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id_sha256 = $1";
pub const PRUNE_SESSIONS: &str = "DELETE FROM sessions WHERE expires_ms <= $1";

/// The audit filter: `actor, action pattern, target pattern, from, to` (`NULL` = any).
macro_rules! audit_filter {
    () => {
        " FROM audit WHERE (CAST($1 AS TEXT) IS NULL OR actor = $1)
            AND action LIKE $2 ESCAPE '\\' AND target LIKE $3 ESCAPE '\\'
            AND (CAST($4 AS BIGINT) IS NULL OR at_ms >= $4) AND (CAST($5 AS BIGINT) IS NULL OR at_ms < $5)"
    };
}
pub const AUDIT_COUNT: &str = concat!("SELECT COUNT(*)", audit_filter!());
/// A page, newest first: the filter's parameters, then `limit, offset`.
pub const AUDIT_PAGE: &str = concat!(
    "SELECT id, at_ms, actor_id, actor, action, target, before, after",
    audit_filter!(),
    " ORDER BY at_ms DESC, id DESC LIMIT $6 OFFSET $7"
);

/// Every statement of this module (for the tests).
#[cfg(test)]
pub const ALL: &[&str] = &[
    UPSERT_SITE,
    UPSERT_BUILDING,
    UPSERT_FLOOR,
    UPSERT_ZONE,
    UPSERT_DEVICE,
    UPSERT_POINT,
    SITES,
    BUILDINGS,
    FLOORS,
    ZONES,
    DEVICES,
    POINTS,
    COUNT_NEW_READINGS,
    READINGS_STORED,
    RANGE,
    ROLLUPS,
    MERGE_ROLLUP,
    DELETE_ROLLUPS_IN,
    MARK_OPEN_HOUR,
    UNMARK_OPEN_HOUR,
    OPEN_HOURS,
    CLEAR_OPEN_HOURS,
    SET_DEVICE_TOKEN,
    DEVICE_TOKEN_HASH,
    APPEND_AUDIT,
    COUNT_USERS,
    INSERT_USER,
    USERS,
    USER_FOR_LOGIN,
    UPDATE_USER,
    SIGN_OUT,
    INSERT_SESSION,
    SIGNED_IN,
    SESSION,
    EXTEND_SESSION,
    DELETE_SESSION,
    PRUNE_SESSIONS,
    AUDIT_COUNT,
    AUDIT_PAGE,
];

/// The `$n` of a statement in order of first appearance.
#[cfg(test)]
pub fn first_appearances(sql: &str) -> Vec<usize> {
    let mut seen = Vec::new();
    for part in sql.split('$').skip(1) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse()
            && !seen.contains(&n)
        {
            seen.push(n);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_numbers_dollar_parameters_by_first_appearance() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let stmt = conn.prepare("SELECT $2, $1, $2").unwrap();
        assert_eq!(
            stmt.parameter_index("$2").unwrap(),
            Some(1),
            "not by number"
        );
        let stmt = conn.prepare("SELECT $1, $2, $1 - $2").unwrap();
        assert_eq!(stmt.parameter_index("$2").unwrap(), Some(2));
        assert_eq!(stmt.parameter_count(), 2);
    }

    #[test]
    fn every_statement_names_its_parameters_in_order() {
        for sql in ALL
            .iter()
            .copied()
            .chain(super::super::sqlite::STATEMENTS.iter().copied())
        {
            let seen = first_appearances(sql);
            let want: Vec<usize> = (1..=seen.len()).collect();
            assert_eq!(seen, want, "{sql}");
        }
    }

    #[test]
    fn every_statement_prepares_on_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for (_, sql) in super::super::migrate::pending(0, super::super::migrate::Dialect::Sqlite) {
            conn.execute_batch(&sql).unwrap();
        }
        for sql in ALL
            .iter()
            .copied()
            .chain(super::super::sqlite::STATEMENTS.iter().copied())
        {
            let stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{e}: {sql}"));
            assert_eq!(
                stmt.parameter_count(),
                first_appearances(sql).len(),
                "{sql}"
            );
        }
    }
}
