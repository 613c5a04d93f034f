//! Maintenance windows, for both engines over [`Exec`]: while one covers a
//! device, alarms raised on it are kept and marked suppressed, and no
//! notification goes out. Ending a window early keeps it, shortened.

use cairn_protocol::{MaintenanceWindow, ScopeLevel, WindowSpec};

use super::{
    Result, StoreError,
    access::{Get, Value},
    accounts::AuditRecord,
    exec::{Exec, Row},
    rows::to_json,
    sql,
};

/// A window with the site it lies on (who may see and end it).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredWindow {
    pub window: MaintenanceWindow,
    pub site_id: String,
}

const WINDOWS: &str = "SELECT id, scope, target, site_id, from_ms, to_ms, reason, created_by
    FROM maintenance WHERE to_ms > $1 ORDER BY from_ms, id";
const INSERT: &str = "INSERT INTO maintenance (scope, target, site_id, from_ms, to_ms, reason,
    created_by, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
const END: &str = "UPDATE maintenance SET to_ms = CASE WHEN from_ms > $1 THEN from_ms ELSE $2 END
    WHERE id = $3 AND to_ms > $4";

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

fn window_row(r: &Row) -> Result<StoredWindow> {
    let scope = r.text(1)?;
    Ok(StoredWindow {
        window: MaintenanceWindow {
            id: r.i64(0)?,
            spec: WindowSpec {
                scope: ScopeLevel::parse(&scope)
                    .ok_or_else(|| StoreError::Invalid(format!("maintenance.scope {scope:?}")))?,
                target: r.text(2)?,
                from: r.i64(4)?,
                to: r.i64(5)?,
                reason: r.text(6)?,
            },
            created_by: r.text(7)?,
        },
        site_id: r.text(3)?,
    })
}

/// Windows that end after `since`, earliest first.
pub fn windows(tx: &mut dyn Exec, since: i64) -> Result<Vec<StoredWindow>> {
    tx.query(WINDOWS, &[v(since)])?
        .iter()
        .map(window_row)
        .collect()
}

/// Stores a window on `site` with its audit entry. Returns it.
pub fn insert(
    tx: &mut dyn Exec,
    spec: &WindowSpec,
    site: &str,
    mut audit: AuditRecord,
) -> Result<StoredWindow> {
    let args = [
        v(spec.scope.name()),
        v(spec.target.as_str()),
        v(site),
        v(spec.from),
        v(spec.to),
        v(spec.reason.trim()),
        v(audit.actor.as_str()),
        v(audit.at),
    ];
    let id = (tx.query(INSERT, &args)?.first())
        .ok_or_else(|| StoreError::Invalid("INSERT … RETURNING gave no id".into()))?
        .i64(0)?;
    audit.target = format!("maintenance {id}");
    audit.after = Some(to_json(spec));
    tx.exec(sql::APPEND_AUDIT, &audit.params())?;
    let window = MaintenanceWindow {
        id,
        spec: spec.clone(),
        created_by: audit.actor,
    };
    Ok(StoredWindow {
        window,
        site_id: site.to_owned(),
    })
}

/// Ends window `id` now (a future one is cancelled), audited. False if
/// there is no such window still running or to come.
pub fn end(tx: &mut dyn Exec, id: i64, mut audit: AuditRecord) -> Result<bool> {
    let now = audit.at;
    if tx.exec(END, &[v(now), v(now), v(id), v(now)])? == 0 {
        return Ok(false);
    }
    audit.target = format!("maintenance {id}");
    tx.exec(sql::APPEND_AUDIT, &audit.params())?;
    Ok(true)
}
