//! Integrations and their waiting devices, written once for both engines
//! over [`Exec`]. Secrets are stored as given (the KPN signature needs the
//! secret itself) and never leave the server.

use cairn_protocol::{IntegrationKind, MqttSource, WaitingDevice};

use super::{
    Result, StoreError,
    access::{Get, Value},
    accounts::AuditRecord,
    exec::{Exec, Row},
    rows::{from_json, to_json},
    sql,
};

/// Most waiting devices kept per integration: a network server full of
/// other people's devices must not fill the database.
pub const MAX_WAITING: i64 = 1_000;

/// An integration as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrationRow {
    pub id: String,
    pub kind: IntegrationKind,
    pub name: String,
    pub secret: String,
    pub mqtt: Option<MqttSource>,
    pub mqtt_password: String,
    pub created_ms: i64,
}

const LIST: &str = "SELECT id, kind, name, secret, mqtt_url, mqtt_username, mqtt_password,
    mqtt_topic, ca_file, created_ms FROM integrations ORDER BY id";
const UPSERT: &str = "INSERT INTO integrations (id, kind, name, secret, mqtt_url, mqtt_username,
        mqtt_password, mqtt_topic, ca_file, created_ms)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
        secret = excluded.secret, mqtt_url = excluded.mqtt_url,
        mqtt_username = excluded.mqtt_username, mqtt_password = excluded.mqtt_password,
        mqtt_topic = excluded.mqtt_topic, ca_file = excluded.ca_file";
const DELETE: &str = "DELETE FROM integrations WHERE id = $1";
const DELETE_ALL_WAITING: &str = "DELETE FROM waiting_devices WHERE integration_id = $1";
const COUNT_WAITING: &str = "SELECT count(*) FROM waiting_devices WHERE integration_id = $1";
const UPSERT_WAITING: &str = "INSERT INTO waiting_devices (integration_id, identifier,
        first_seen_ms, last_seen_ms, messages, keys, hint)
    VALUES ($1, $2, $3, $3, 1, $4, $5)
    ON CONFLICT (integration_id, identifier) DO UPDATE SET
        last_seen_ms = excluded.last_seen_ms, messages = waiting_devices.messages + 1,
        keys = excluded.keys, hint = excluded.hint";
const IS_WAITING: &str =
    "SELECT count(*) FROM waiting_devices WHERE integration_id = $1 AND identifier = $2";
const LIST_WAITING: &str = "SELECT integration_id, identifier, first_seen_ms, last_seen_ms,
    messages, keys, hint FROM waiting_devices ORDER BY last_seen_ms DESC";
const DELETE_WAITING: &str =
    "DELETE FROM waiting_devices WHERE integration_id = $1 AND identifier = $2";

fn decode(r: &Row) -> Result<IntegrationRow> {
    let kind = IntegrationKind::parse(&r.text(1)?)
        .ok_or_else(|| StoreError::Invalid("integrations.kind".into()))?;
    let mqtt = r.opt_text(4)?.map(|url| -> Result<MqttSource> {
        Ok(MqttSource {
            url,
            username: r.opt_text(5)?.unwrap_or_default(),
            topic: r.opt_text(7)?.unwrap_or_default(),
            ca_file: r.opt_text(8)?.unwrap_or_default(),
        })
    });
    Ok(IntegrationRow {
        id: r.text(0)?,
        kind,
        name: r.text(2)?,
        secret: r.text(3)?,
        mqtt: mqtt.transpose()?,
        mqtt_password: r.opt_text(6)?.unwrap_or_default(),
        created_ms: r.i64(9)?,
    })
}

/// Every integration, by id.
pub fn list(tx: &mut dyn Exec) -> Result<Vec<IntegrationRow>> {
    tx.query(LIST, &[])?.iter().map(decode).collect()
}

/// Creates or replaces `row`, audited as `integration.save` (the secrets
/// left out of the entry).
pub fn save(tx: &mut dyn Exec, row: &IntegrationRow, audit: &AuditRecord) -> Result<()> {
    let m = row.mqtt.as_ref();
    tx.exec(
        UPSERT,
        &[
            row.id.as_str().into(),
            row.kind.name().into(),
            row.name.as_str().into(),
            row.secret.as_str().into(),
            m.map(|m| m.url.as_str()).into(),
            m.map(|m| m.username.as_str()).into(),
            m.map(|_| row.mqtt_password.as_str()).into(),
            m.map(|m| m.topic.as_str()).into(),
            m.map(|m| m.ca_file.as_str()).into(),
            Value::Big(row.created_ms),
        ],
    )?;
    let entry = AuditRecord {
        action: "integration.save".into(),
        target: format!("integration:{}", row.id),
        after: Some(to_json(&serde_json::json!({
            "kind": row.kind, "name": row.name, "mqtt": row.mqtt,
        }))),
        ..audit.clone()
    };
    tx.exec(sql::APPEND_AUDIT, &entry.params())?;
    Ok(())
}

/// Deletes integration `id` and its waiting devices, audited; false when
/// there was none.
pub fn delete(tx: &mut dyn Exec, id: &str, audit: &AuditRecord) -> Result<bool> {
    tx.exec(DELETE_ALL_WAITING, &[id.into()])?;
    if tx.exec(DELETE, &[id.into()])? == 0 {
        return Ok(false);
    }
    let entry = AuditRecord {
        action: "integration.delete".into(),
        target: format!("integration:{id}"),
        ..audit.clone()
    };
    tx.exec(sql::APPEND_AUDIT, &entry.params())?;
    Ok(true)
}

/// Notes a message from a device no alias names. Returns false when the
/// integration's waiting list is full and the device is not on it.
pub fn note_waiting(
    tx: &mut dyn Exec,
    integration: &str,
    identifier: &str,
    at: i64,
    keys: &[String],
    hint: &str,
) -> Result<bool> {
    let on_list = tx.query(IS_WAITING, &[integration.into(), identifier.into()])?;
    let known = on_list.first().map_or(Ok(0), |r| r.i64(0))? > 0;
    if !known {
        let count = tx.query(COUNT_WAITING, &[integration.into()])?;
        if count.first().map_or(Ok(0), |r| r.i64(0))? >= MAX_WAITING {
            return Ok(false);
        }
    }
    tx.exec(
        UPSERT_WAITING,
        &[
            integration.into(),
            identifier.into(),
            Value::Big(at),
            to_json(&keys).into(),
            hint.into(),
        ],
    )?;
    Ok(true)
}

/// Every waiting device, latest heard first.
pub fn waiting(tx: &mut dyn Exec) -> Result<Vec<WaitingDevice>> {
    (tx.query(LIST_WAITING, &[])?.iter())
        .map(|r| {
            Ok(WaitingDevice {
                integration_id: r.text(0)?,
                identifier: r.text(1)?,
                first_seen: r.i64(2)?,
                last_seen: r.i64(3)?,
                messages: u64::try_from(r.i64(4)?).unwrap_or(0),
                keys: from_json("waiting_devices.keys", &r.text(5)?)?,
                hint: r.text(6)?,
            })
        })
        .collect()
}

/// Takes `identifier` off `integration`'s waiting list (claimed).
pub fn forget_waiting(tx: &mut dyn Exec, integration: &str, identifier: &str) -> Result<()> {
    tx.exec(DELETE_WAITING, &[integration.into(), identifier.into()])?;
    Ok(())
}

/// An admin takes `identifier` off the list (not ours), audited as
/// `integration.dismiss`; false when it was not waiting.
pub fn dismiss_waiting(
    tx: &mut dyn Exec,
    integration: &str,
    identifier: &str,
    audit: &AuditRecord,
) -> Result<bool> {
    if tx.exec(DELETE_WAITING, &[integration.into(), identifier.into()])? == 0 {
        return Ok(false);
    }
    let entry = AuditRecord {
        action: "integration.dismiss".into(),
        target: format!("integration:{integration}:{identifier}"),
        ..audit.clone()
    };
    tx.exec(sql::APPEND_AUDIT, &entry.params())?;
    Ok(true)
}
