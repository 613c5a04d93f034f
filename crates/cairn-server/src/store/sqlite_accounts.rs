//! Users, sessions and the audit log on SQLite (see `accounts.rs`).

use cairn_protocol::{AuditEntry, User};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{
    SqliteStore, StoreError,
    accounts::{AuditQuery, AuditRecord, SessionRow, USER_COLUMNS, user_of},
    rows::to_json,
};

/// A user's columns as stored, decoded by `checked`.
type RawUser = (
    i64,
    String,
    String,
    String,
    bool,
    String,
    bool,
    i64,
    i64,
    Option<i64>,
);

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawUser> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

fn checked(u: RawUser) -> Result<User, StoreError> {
    user_of(u.0, u.1, u.2, &u.3, u.4, &u.5, u.6, u.7, u.8, u.9)
}

fn append_audit(tx: &Transaction<'_>, a: &AuditRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit (at_ms, actor_id, actor, action, target, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![a.at, a.actor_id, a.actor, a.action, a.target, a.before, a.after],
    )?;
    Ok(())
}

impl SqliteStore {
    pub fn count_users(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    pub fn insert_user(
        &self,
        u: &User,
        password_hash: &str,
        audit: &AuditRecord,
    ) -> Result<Option<User>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)",
            [&u.username],
            |r| r.get(0),
        )?;
        if taken {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO users (username, display_name, role, all_sites, sites, disabled, password_hash, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![u.username, u.display_name, u.role.name(), u.all_sites, to_json(&u.sites), u.disabled, password_hash, u.created_at],
        )?;
        let user = User {
            id: tx.last_insert_rowid(),
            ..u.clone()
        };
        let audit = AuditRecord {
            target: format!("user:{}", user.id),
            after: Some(to_json(&user)),
            ..audit.clone()
        };
        append_audit(&tx, &audit)?;
        tx.commit()?;
        Ok(Some(user))
    }

    pub fn users(&self, id: Option<i64>) -> Result<Vec<User>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE ?1 IS NULL OR u.id = ?1 ORDER BY u.username"
        ))?;
        let rows = stmt.query_map([id], user_row)?;
        rows.map(|r| checked(r?)).collect()
    }

    pub fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = ?1"
        ))?;
        let row = stmt
            .query_row([username], |r| Ok((user_row(r)?, r.get::<_, String>(10)?)))
            .optional()?;
        row.map(|(u, hash)| Ok((checked(u)?, hash))).transpose()
    }

    pub fn update_user(
        &self,
        u: &User,
        password_hash: Option<&str>,
        sign_out: bool,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE users SET display_name = ?2, role = ?3, all_sites = ?4, sites = ?5, disabled = ?6,
                 password_hash = COALESCE(?7, password_hash), updated_ms = ?8 WHERE id = ?1",
            params![u.id, u.display_name, u.role.name(), u.all_sites, to_json(&u.sites), u.disabled, password_hash, u.updated_at],
        )?;
        if n != 1 {
            return Err(StoreError::Invalid(format!("no user {}", u.id)));
        }
        if sign_out {
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [u.id])?;
        }
        append_audit(&tx, audit)?;
        tx.commit()?;
        Ok(())
    }

    pub fn insert_session(
        &self,
        id: &[u8; 32],
        user_id: i64,
        csrf: &str,
        now: i64,
        expires: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO sessions (id_sha256, user_id, csrf, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![&id[..], user_id, csrf, now, expires],
        )?;
        tx.execute(
            "UPDATE users SET last_login_ms = ?2 WHERE id = ?1",
            params![user_id, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn session(&self, id: &[u8; 32], now: i64) -> Result<Option<SessionRow>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS}, s.csrf, s.created_ms, s.expires_ms FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id_sha256 = ?1 AND s.expires_ms > ?2 AND u.disabled = 0"
        ))?;
        let row = stmt
            .query_row(params![&id[..], now], |r| {
                Ok((user_row(r)?, r.get(10)?, r.get(11)?, r.get(12)?))
            })
            .optional()?;
        row.map(|(u, csrf, created, expires)| {
            Ok(SessionRow {
                user: checked(u)?,
                csrf,
                created,
                expires,
            })
        })
        .transpose()
    }

    pub fn extend_session(&self, id: &[u8; 32], expires: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE sessions SET expires_ms = MAX(expires_ms, ?2) WHERE id_sha256 = ?1",
            params![&id[..], expires],
        )?;
        Ok(())
    }

    pub fn delete_session(&self, id: &[u8; 32]) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM sessions WHERE id_sha256 = ?1", [&id[..]])?;
        Ok(())
    }

    pub fn prune_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let n = self
            .conn()
            .execute("DELETE FROM sessions WHERE expires_ms <= ?1", [now])?;
        Ok(n as u64)
    }

    pub fn audit_log(&self, q: &AuditQuery) -> Result<(Vec<AuditEntry>, u64), StoreError> {
        let conn = self.conn();
        let (action, target) = q.patterns();
        let filter = "(?1 IS NULL OR actor = ?1) AND action LIKE ?2 ESCAPE '\\' AND target LIKE ?3 ESCAPE '\\'
             AND (?4 IS NULL OR at_ms >= ?4) AND (?5 IS NULL OR at_ms < ?5)";
        let total: i64 = conn.query_row(
            &format!("SELECT COUNT(*) FROM audit WHERE {filter}"),
            params![q.actor, action, target, q.from, q.to],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, at_ms, actor_id, actor, action, target, before, after FROM audit WHERE {filter}
             ORDER BY at_ms DESC, id DESC LIMIT ?6 OFFSET ?7"
        ))?;
        let rows = stmt.query_map(
            params![
                q.actor,
                action,
                target,
                q.from,
                q.to,
                q.limit,
                q.offset as i64
            ],
            |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor_id: r.get(2)?,
                    actor: r.get(3)?,
                    action: r.get(4)?,
                    target: r.get(5)?,
                    before: r.get(6)?,
                    after: r.get(7)?,
                })
            },
        )?;
        let entries = rows.collect::<Result<Vec<_>, _>>()?;
        Ok((entries, total.max(0) as u64))
    }

    /// Stores a device's new token hash with its audit entry. False if there is no such device.
    pub fn set_device_token(
        &self,
        device_id: &str,
        secret_sha256: &[u8],
        audit: &AuditRecord,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let known: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM devices WHERE id = ?1)",
            [device_id],
            |r| r.get(0),
        )?;
        if known {
            tx.execute(
                "INSERT INTO device_tokens (device_id, secret_sha256, created_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT(device_id) DO UPDATE SET secret_sha256 = ?2, created_ms = ?3",
                params![device_id, secret_sha256, audit.at],
            )?;
            append_audit(&tx, audit)?;
            tx.commit()?;
        }
        Ok(known)
    }
}
