//! Column encodings and row decoders both engines share: geometry and tags
//! as JSON text, metrics, device kinds and roles by name. A value that does
//! not decode is an error naming the column, never a silent default.

use cairn_protocol::{AuditEntry, DeviceKind, Metric, Reading, Role, User};
use serde::{Serialize, de::DeserializeOwned};

use super::{Result, StoreError, access::Get, accounts::SessionRow, rollup::Rollup};

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("geometry and tags always serialise")
}

pub fn from_json<T: DeserializeOwned>(column: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Invalid(format!("{column}: {e}")))
}

pub fn metric(name: &str) -> Result<Metric> {
    Metric::parse(name).ok_or_else(|| StoreError::Invalid(format!("points.metric {name:?}")))
}

pub fn kind(name: &str) -> Result<DeviceKind> {
    DeviceKind::parse(name).ok_or_else(|| StoreError::Invalid(format!("devices.kind {name:?}")))
}

/// A point id (`INTEGER` column) as the catalogue holds it.
pub(super) fn point_id(r: &dyn Get, i: usize) -> Result<u32> {
    let id = r.i64(i)?;
    u32::try_from(id).map_err(|_| StoreError::Invalid(format!("point id {id}")))
}

/// `(ts, value)` as a reading of `point`.
pub(super) fn reading_of(point: u32, r: &dyn Get) -> Result<Reading> {
    Ok(Reading {
        point,
        ts: r.i64(0)?,
        value: r.f64(1)?,
    })
}

/// `(point, ts, value)` as a reading.
pub(super) fn reading(r: &dyn Get) -> Result<Reading> {
    Ok(Reading {
        point: point_id(r, 0)?,
        ts: r.i64(1)?,
        value: r.f64(2)?,
    })
}

/// A row of `sql::ROLLUPS` as a rollup of `point` at `level`.
pub(super) fn rollup(point: u32, level: i64, r: &dyn Get) -> Result<Rollup> {
    let at = |i| Ok::<_, StoreError>((r.i64(i)?, r.f64(i + 1)?));
    Ok(Rollup {
        point,
        level,
        bucket: r.i64(0)?,
        count: r.i64(1)?,
        sum: r.f64(2)?,
        min: at(3)?,
        max: at(5)?,
        first: at(7)?,
        last: at(9)?,
    })
}

/// The first ten columns (`user_columns!` in `sql.rs`) as a user.
pub(super) fn user(r: &dyn Get) -> Result<User> {
    let role = r.text(3)?;
    Ok(User {
        id: r.i64(0)?,
        username: r.text(1)?,
        display_name: r.text(2)?,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Invalid(format!("users.role {role:?}")))?,
        all_sites: r.bool(4)?,
        sites: from_json("users.sites", &r.text(5)?)?,
        disabled: r.bool(6)?,
        created_at: r.i64(7)?,
        updated_at: r.i64(8)?,
        last_login: r.opt_i64(9)?,
    })
}

/// A row of `sql::USER_FOR_LOGIN`: the user and their password hash.
pub(super) fn login(r: &dyn Get) -> Result<(User, String)> {
    Ok((user(r)?, r.text(10)?))
}

/// A row of `sql::SESSION`.
pub(super) fn session(r: &dyn Get) -> Result<SessionRow> {
    Ok(SessionRow {
        user: user(r)?,
        csrf: r.text(10)?,
        created: r.i64(11)?,
        expires: r.i64(12)?,
    })
}

/// A row of `sql::AUDIT_PAGE`.
pub(super) fn audit_entry(r: &dyn Get) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.i64(0)?,
        at: r.i64(1)?,
        actor_id: r.opt_i64(2)?,
        actor: r.text(3)?,
        action: r.text(4)?,
        target: r.text(5)?,
        before: r.opt_text(6)?,
        after: r.opt_text(7)?,
    })
}

/// A count (`COUNT(*)`, a counter) as unsigned.
pub(super) fn count(r: &dyn Get) -> Result<u64> {
    Ok(r.i64(0)?.max(0) as u64)
}

/// The one row a statement returns, if any.
pub(super) fn single<T>(mut rows: Vec<T>) -> Option<T> {
    rows.pop()
}

/// `rows` in key order: as they came when the caller's starts were sorted
/// (checked in one pass), else sorted.
pub(super) fn sorted<T, K: Ord>(mut rows: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    if !rows.is_sorted_by_key(&key) {
        rows.sort_by_key(key);
    }
    rows
}
