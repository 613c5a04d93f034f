//! Device writes of the inventory, written once for both engines over
//! [`Exec`]: create, change (move, retire, points added or removed) and the
//! ingest token, each with its audit entry in the same transaction.

use super::{
    Result, Sha256, StoreError,
    access::{Get, Value},
    accounts::AuditRecord,
    exec::Exec,
    model::device_row,
    rows::to_json,
    sql,
};
use cairn_protocol::DeviceState;

use crate::catalog::{DeviceDef, point_key};

const INSERT_DEVICE: &str = "INSERT INTO devices (id, site_id, name, kind, model, firmware,
        serial, installed, building_id, floor_id, zone_id, lat, lon, plan_x, plan_y, tags, state,
        expected_interval_s, aliases)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
    ON CONFLICT (id) DO NOTHING";
/// Readings (raw, or rolled up after retention) and alarms of the point
/// keyed `$1`: a point with any stays (and its id is never reused).
const POINT_HISTORY: &str = "SELECT
    (SELECT count(*) FROM readings WHERE point_id = (SELECT id FROM points WHERE key = $1))
    + (SELECT count(*) FROM rollups WHERE point_id = (SELECT id FROM points WHERE key = $1)),
    (SELECT count(*) FROM alarms WHERE point_id = (SELECT id FROM points WHERE key = $1))";
/// The ids of device `$1`'s points.
const DEVICE_POINTS: &str = "SELECT id FROM points WHERE device_id = $1";
/// A moved device's alarms go with it: `site, device`.
const MOVE_ALARMS: &str = "UPDATE alarms SET site_id = $1
    WHERE point_id IN (SELECT id FROM points WHERE device_id = $2)";
const DELETE_POINT: &str = "DELETE FROM points WHERE key = $1";
const DELETE_POINT_PHASES: &str =
    "DELETE FROM rule_phases WHERE point_id = (SELECT id FROM points WHERE key = $1)";

/// One device change: `before` none = a new device.
#[derive(Debug, Clone)]
pub struct DeviceWrite {
    pub before: Option<DeviceDef>,
    pub after: DeviceDef,
    /// A new device's ingest token hash, stored with it.
    pub token: Option<Sha256>,
}

fn refused(location: &str, message: String) -> StoreError {
    StoreError::Refused {
        location: location.into(),
        message,
    }
}

/// Applies `writes` in the caller's transaction, each with an audit entry
/// (`device.create` or `device.update`, before and after as JSON) made from
/// `audit`. A moved device's alarms move with it; a retired device's open
/// alarms close (returned, as they now are). Errors: `Refused` when a new
/// id is taken or a removed point has history (nothing is written then:
/// the caller's transaction rolls back).
pub fn apply(
    tx: &mut dyn Exec,
    writes: &[DeviceWrite],
    audit: &AuditRecord,
) -> Result<Vec<super::alerts::AlarmRow>> {
    let mut closed = Vec::new();
    for w in writes {
        let d = &w.after;
        match &w.before {
            None => {
                if tx.exec(INSERT_DEVICE, &device_row(d))? == 0 {
                    return Err(refused("id", format!("a device {:?} exists already", d.id)));
                }
            }
            Some(_) => {
                tx.exec(sql::UPSERT_DEVICE, &device_row(d))?;
            }
        }
        tx.exec(sql::DELETE_ALIASES, &[d.id.as_str().into()])?;
        for a in &d.aliases {
            if tx.exec(
                sql::INSERT_ALIAS,
                &[a.as_str().into(), d.id.as_str().into()],
            )? == 0
            {
                return Err(refused(
                    "aliases",
                    format!("the alias {a:?} belongs to another device"),
                ));
            }
        }
        for p in &d.points {
            let row = [
                point_key(&d.id, p.metric).into(),
                d.id.as_str().into(),
                p.metric.name().into(),
                Value::Int(i32::try_from(p.interval_s).unwrap_or(i32::MAX)),
            ];
            tx.exec(sql::UPSERT_POINT, &row)?;
        }
        let removed = (w.before.iter().flat_map(|b| &b.points))
            .filter(|p| !d.points.iter().any(|q| q.metric == p.metric));
        for p in removed {
            let key = point_key(&d.id, p.metric);
            let rows = tx.query(POINT_HISTORY, &[key.as_str().into()])?;
            let count = |i| rows.first().map_or(Ok(0), |r| r.i64(i));
            let (readings, alarms) = (count(0)?, count(1)?);
            if readings + alarms > 0 {
                return Err(refused(
                    "points",
                    format!(
                        "{key} has {readings} stored readings and {alarms} alarms, and stays: \
                         retire the device instead of removing a point with history"
                    ),
                ));
            }
            tx.exec(DELETE_POINT_PHASES, &[key.as_str().into()])?;
            tx.exec(DELETE_POINT, &[key.as_str().into()])?;
        }
        if let Some(b) = w.before.as_ref() {
            if b.site_id != d.site_id {
                tx.exec(
                    MOVE_ALARMS,
                    &[d.site_id.as_str().into(), d.id.as_str().into()],
                )?;
            }
            if b.state != DeviceState::Retired && d.state == DeviceState::Retired {
                let points = (tx.query(DEVICE_POINTS, &[d.id.as_str().into()])?.iter())
                    .map(|r| super::rows::point_id(r, 0))
                    .collect::<Result<Vec<u32>>>()?;
                let why = "the device was retired";
                closed.extend(super::alerts::close_for_points(
                    tx,
                    &points,
                    &audit.actor,
                    why,
                    audit.at,
                )?);
            }
        }
        if let Some(hash) = w.token {
            tx.exec(
                sql::SET_DEVICE_TOKEN,
                &[
                    Value::Bytes(hash.to_vec()),
                    Value::Big(audit.at),
                    d.id.as_str().into(),
                ],
            )?;
        }
        let entry = AuditRecord {
            action: if w.before.is_some() {
                "device.update"
            } else {
                "device.create"
            }
            .into(),
            target: format!("device:{}", d.id),
            before: w.before.as_ref().map(to_json),
            after: Some(to_json(d)),
            ..audit.clone()
        };
        tx.exec(sql::APPEND_AUDIT, &entry.params())?;
    }
    Ok(closed)
}

/// Replaces `device`'s ingest token hash, audited as `device.token`.
/// Returns false (nothing written) when the device does not exist.
pub fn rotate_token(
    tx: &mut dyn Exec,
    device: &str,
    hash: Sha256,
    audit: &AuditRecord,
) -> Result<bool> {
    let n = tx.exec(
        sql::SET_DEVICE_TOKEN,
        &[
            Value::Bytes(hash.to_vec()),
            Value::Big(audit.at),
            device.into(),
        ],
    )?;
    if n > 0 {
        let entry = AuditRecord {
            action: "device.token".into(),
            target: format!("device:{device}"),
            after: Some(r#"{"token":"issued"}"#.into()),
            ..audit.clone()
        };
        tx.exec(sql::APPEND_AUDIT, &entry.params())?;
    }
    Ok(n > 0)
}

/// The raw readings of `points` since `since` (UTC ms), each point's
/// oldest first, read point by point along the readings' key: what the
/// health book learns from on start.
pub fn readings_since(
    tx: &mut dyn Exec,
    points: &[u32],
    since: i64,
) -> Result<Vec<cairn_protocol::Reading>> {
    let mut out = Vec::new();
    for &point in points {
        let rows = tx.query(
            "SELECT ts, value FROM readings WHERE point_id = $1 AND ts >= $2 ORDER BY ts",
            &[Value::Big(i64::from(point)), Value::Big(since)],
        )?;
        for r in &rows {
            out.push(cairn_protocol::Reading {
                point,
                ts: r.i64(0)?,
                value: r.f64(1)?,
            });
        }
    }
    Ok(out)
}

/// `(point, day start, the day's last value)` of every daily rollup since
/// `since` (UTC ms) of the points `wanted` keeps.
pub fn daily_lasts(
    tx: &mut dyn Exec,
    since: i64,
    wanted: &dyn Fn(u32) -> bool,
) -> Result<Vec<(u32, i64, f64)>> {
    let rows = tx.query(
        "SELECT point_id, last_ts, v_last FROM rollups WHERE level = $1 AND bucket >= $2",
        &[Value::Big(super::rollup::DAY_MS), Value::Big(since)],
    )?;
    let mut out = Vec::new();
    for r in &rows {
        let point = super::rows::point_id(r, 0)?;
        if wanted(point) {
            out.push((point, r.i64(1)?, r.f64(2)?));
        }
    }
    Ok(out)
}
