//! Notification channels and the outbox, for both engines over [`Exec`].
//!
//! A message is a row of `outbox`, written in the transaction of the alarm
//! change it tells of (see `alerts::apply`), so a crash loses none. Its
//! `delivery_key` is unique: an escalation found twice is queued once. The
//! sender marks a row delivered after the receiver took it; a crash in
//! between sends it again with the same key, which the receiver dedupes on.

use cairn_protocol::{Channel, ChannelKind, ChannelSpec, Delivery, Severity};

use super::{
    Result, StoreError,
    access::{Get, Value},
    accounts::AuditRecord,
    alerts::AlarmRow,
    exec::{Exec, Row},
    rows::{from_json, to_json},
    sql,
};

/// A channel as the sender needs it, with its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredChannel {
    pub id: i64,
    pub spec: ChannelSpec,
    pub updated_ms: i64,
}

/// A message due for sending.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub id: i64,
    pub key: String,
    pub channel_id: i64,
    pub alarm_id: i64,
    pub event: String,
    pub attempts: i64,
}

const CHANNELS: &str = "SELECT id, name, kind, target, secret, min_severity, sites,
    escalate_after_min, enabled, updated_ms FROM channels WHERE NOT deleted ORDER BY id";
const INSERT_CHANNEL: &str = "INSERT INTO channels (name, kind, target, secret, min_severity,
    sites, escalate_after_min, enabled, deleted, updated_ms)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9) RETURNING id";
const UPDATE_CHANNEL: &str = "UPDATE channels SET name = $1, kind = $2, target = $3,
    secret = CASE WHEN $2 = 'email' THEN NULL ELSE COALESCE($4, secret) END, min_severity = $5, sites = $6, escalate_after_min = $7,
    enabled = $8, updated_ms = $9 WHERE id = $10 AND NOT deleted";
const DELETE_CHANNEL: &str = "UPDATE channels SET deleted = TRUE, enabled = FALSE, updated_ms = $1 WHERE id = $2 AND NOT deleted";
const ENQUEUE: &str = "INSERT INTO outbox (delivery_key, channel_id, alarm_id, event, created_ms,
    next_attempt_ms, attempts) VALUES ($1, $2, $3, $4, $5, $6, 0)
    ON CONFLICT (delivery_key) DO NOTHING";
const DUE: &str = "SELECT o.id, o.delivery_key, o.channel_id, o.alarm_id, o.event, o.attempts
    FROM outbox o WHERE o.delivered_ms IS NULL AND o.next_attempt_ms <= $1
    ORDER BY o.next_attempt_ms, o.id LIMIT $2";
const DELIVERED: &str =
    "UPDATE outbox SET delivered_ms = $1, attempts = attempts + 1, last_error = $2
    WHERE id = $3";
const FAILED: &str =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = $1, last_error = $2
    WHERE id = $3";
const DELIVERIES: &str =
    "SELECT id, delivery_key, alarm_id, event, created_ms, attempts, delivered_ms,
    next_attempt_ms, last_error FROM outbox WHERE channel_id = $1 ORDER BY id DESC LIMIT $2";
const FAILING: &str = "SELECT channel_id, COUNT(*) FROM outbox
    WHERE delivered_ms IS NULL AND attempts > 0 GROUP BY channel_id";
/// Open, active, unacknowledged, not suppressed: what an escalation is for.
const UNACKED: &str = "SELECT id, site_id, severity, raised_ms FROM alarms
    WHERE closed_ms IS NULL AND acked_ms IS NULL AND active AND NOT suppressed
    AND (shelved_until_ms IS NULL OR shelved_until_ms <= $1)";

fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

fn severity(text: &str) -> Result<Severity> {
    Severity::parse(text).ok_or_else(|| StoreError::Invalid(format!("severity {text:?}")))
}

fn channel_row(r: &Row) -> Result<StoredChannel> {
    let kind = r.text(2)?;
    Ok(StoredChannel {
        id: r.i64(0)?,
        spec: ChannelSpec {
            name: r.text(1)?,
            kind: ChannelKind::parse(&kind)
                .ok_or_else(|| StoreError::Invalid(format!("channels.kind {kind:?}")))?,
            target: r.text(3)?,
            secret: r.opt_text(4)?,
            min_severity: severity(&r.text(5)?)?,
            sites: from_json("channels.sites", &r.text(6)?)?,
            escalate_after_min: r.opt_i64(7)?.map(|m| m as u32),
            enabled: r.bool(8)?,
        },
        updated_ms: r.i64(9)?,
    })
}

impl StoredChannel {
    /// As the API shows it: no secret, and how many messages are failing.
    pub fn to_wire(&self, failing: u32) -> Channel {
        let s = &self.spec;
        Channel {
            id: self.id,
            name: s.name.clone(),
            kind: s.kind,
            target: s.target.clone(),
            has_secret: s.secret.is_some(),
            min_severity: s.min_severity,
            sites: s.sites.clone(),
            escalate_after_min: s.escalate_after_min,
            enabled: s.enabled,
            updated_at: self.updated_ms,
            failing,
        }
    }

    /// Whether an alarm of `severity` on `site` goes to this channel.
    pub fn wants(&self, severity: Severity, site: &str) -> bool {
        let s = &self.spec;
        s.enabled
            && severity >= s.min_severity
            && (s.sites.is_empty() || s.sites.iter().any(|x| x == site))
    }
}

/// Every channel not deleted, oldest first, with its secret.
pub fn channels(tx: &mut dyn Exec) -> Result<Vec<StoredChannel>> {
    tx.query(CHANNELS, &[])?.iter().map(channel_row).collect()
}

/// Per channel id, the messages failing (not delivered, tried at least once).
pub fn failing(tx: &mut dyn Exec) -> Result<std::collections::HashMap<i64, u32>> {
    (tx.query(FAILING, &[])?.iter())
        .map(|r| Ok((r.i64(0)?, r.i64(1)? as u32)))
        .collect()
}

fn spec_args(s: &ChannelSpec, now: i64) -> Vec<Value> {
    vec![
        v(s.name.trim()),
        v(s.kind.name()),
        v(s.target.trim()),
        v(s.secret.clone()),
        v(s.min_severity.name()),
        v(to_json(&s.sites)),
        v(s.escalate_after_min.map(i64::from)),
        v(s.enabled),
        v(now),
    ]
}

/// The spec as the audit log keeps it: the secret left out.
fn audited(s: &ChannelSpec) -> String {
    to_json(&ChannelSpec {
        secret: None,
        ..s.clone()
    })
}

/// Creates a channel with its audit entry. Returns its id.
pub fn insert_channel(
    tx: &mut dyn Exec,
    spec: &ChannelSpec,
    mut audit: AuditRecord,
) -> Result<i64> {
    let id = (tx
        .query(INSERT_CHANNEL, &spec_args(spec, audit.at))?
        .first())
    .ok_or_else(|| StoreError::Invalid("INSERT … RETURNING gave no id".into()))?
    .i64(0)?;
    audit.target = format!("channel {id}");
    audit.after = Some(audited(spec));
    tx.exec(sql::APPEND_AUDIT, &audit.params())?;
    Ok(id)
}

/// Replaces channel `id` (a `None` secret keeps the stored one), audited.
/// Returns false, writing nothing, if there is no such channel.
pub fn update_channel(
    tx: &mut dyn Exec,
    id: i64,
    spec: &ChannelSpec,
    mut audit: AuditRecord,
) -> Result<bool> {
    let Some(old) = channels(tx)?.into_iter().find(|c| c.id == id) else {
        return Ok(false);
    };
    let mut args = spec_args(spec, audit.at);
    args.push(v(id));
    tx.exec(UPDATE_CHANNEL, &args)?;
    audit.before = Some(audited(&old.spec));
    audit.after = Some(audited(spec));
    tx.exec(sql::APPEND_AUDIT, &audit.params())?;
    Ok(true)
}

/// Deletes channel `id` (kept, marked, so its outbox keeps its history), audited.
pub fn delete_channel(tx: &mut dyn Exec, id: i64, mut audit: AuditRecord) -> Result<bool> {
    let Some(old) = channels(tx)?.into_iter().find(|c| c.id == id) else {
        return Ok(false);
    };
    tx.exec(DELETE_CHANNEL, &[v(audit.at), v(id)])?;
    audit.before = Some(audited(&old.spec));
    tx.exec(sql::APPEND_AUDIT, &audit.params())?;
    Ok(true)
}

/// The delivery key of `event` of alarm `alarm` on channel `channel`.
pub fn key(alarm: i64, event: &str, channel: i64) -> String {
    format!("alarm-{alarm}-{event}-ch{channel}")
}

/// Queues `event` of alarm `a` (on `site`) for every channel that wants it.
pub fn enqueue(
    tx: &mut dyn Exec,
    channels: &[StoredChannel],
    a: &AlarmRow,
    site: &str,
    event: &str,
    now: i64,
) -> Result<()> {
    for c in channels.iter().filter(|c| c.wants(a.severity, site)) {
        let args = [
            v(key(a.id, event, c.id)),
            v(c.id),
            v(a.id),
            v(event),
            v(now),
            v(now),
        ];
        tx.exec(ENQUEUE, &args)?;
    }
    Ok(())
}

/// Queues an escalation for every alarm still unacknowledged past a
/// channel's `escalate_after_min` (once per alarm and channel: the key is
/// unique). Returns how many were queued.
pub fn escalate(tx: &mut dyn Exec, now: i64) -> Result<u64> {
    let channels: Vec<StoredChannel> = (channels(tx)?.into_iter())
        .filter(|c| c.spec.enabled && c.spec.escalate_after_min.is_some())
        .collect();
    if channels.is_empty() {
        return Ok(0);
    }
    let mut queued = 0;
    for r in tx.query(UNACKED, &[v(now)])? {
        let (id, site, sev, raised) = (r.i64(0)?, r.text(1)?, severity(&r.text(2)?)?, r.i64(3)?);
        for c in channels.iter().filter(|c| c.wants(sev, &site)) {
            let after = i64::from(c.spec.escalate_after_min.unwrap_or(0)) * 60_000;
            if raised + after <= now {
                let args = [
                    v(key(id, "escalated", c.id)),
                    v(c.id),
                    v(id),
                    v("escalated"),
                    v(now),
                    v(now),
                ];
                queued += tx.exec(ENQUEUE, &args)?;
            }
        }
    }
    Ok(queued)
}

/// Up to `limit` messages due at `now`, oldest due first.
pub fn due(tx: &mut dyn Exec, now: i64, limit: i64) -> Result<Vec<Due>> {
    (tx.query(DUE, &[v(now), v(limit)])?.iter())
        .map(|r| {
            Ok(Due {
                id: r.i64(0)?,
                key: r.text(1)?,
                channel_id: r.i64(2)?,
                alarm_id: r.i64(3)?,
                event: r.text(4)?,
                attempts: r.i64(5)?,
            })
        })
        .collect()
}

/// Marks message `id` delivered (with a note, e.g. why it was skipped).
pub fn delivered(tx: &mut dyn Exec, id: i64, now: i64, note: Option<&str>) -> Result<()> {
    tx.exec(DELIVERED, &[v(now), v(note), v(id)]).map(drop)
}

/// Records a failed attempt and when to try again.
pub fn failed(tx: &mut dyn Exec, id: i64, next: i64, error: &str) -> Result<()> {
    tx.exec(FAILED, &[v(next), v(error), v(id)]).map(drop)
}

/// The newest `limit` messages of channel `id`.
pub fn deliveries(tx: &mut dyn Exec, channel: i64, limit: i64) -> Result<Vec<Delivery>> {
    (tx.query(DELIVERIES, &[v(channel), v(limit)])?.iter())
        .map(|r| {
            Ok(Delivery {
                id: r.i64(0)?,
                key: r.text(1)?,
                alarm_id: r.i64(2)?,
                event: r.text(3)?,
                created_at: r.i64(4)?,
                attempts: r.i64(5)? as u32,
                delivered_at: r.opt_i64(6)?,
                next_attempt_at: r.i64(7)?,
                last_error: r.opt_text(8)?,
            })
        })
        .collect()
}
