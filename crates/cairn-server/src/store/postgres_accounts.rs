//! Users, sessions and the audit log on PostgreSQL (see `accounts.rs`).

use cairn_protocol::{AuditEntry, User};
use tokio_postgres::{Row, Transaction};

use super::{
    PgStore, StoreError,
    accounts::{AuditQuery, AuditRecord, SessionRow, USER_COLUMNS, user_of},
    postgres::pg,
    rows::to_json,
};

fn user(r: &Row) -> Result<User, StoreError> {
    user_of(
        r.get(0),
        r.get(1),
        r.get(2),
        r.get::<_, &str>(3),
        r.get(4),
        r.get::<_, &str>(5),
        r.get(6),
        r.get(7),
        r.get(8),
        r.get(9),
    )
}

async fn append_audit(tx: &Transaction<'_>, a: &AuditRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit (at_ms, actor_id, actor, action, target, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&a.at, &a.actor_id, &a.actor, &a.action, &a.target, &a.before, &a.after],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

impl PgStore {
    pub async fn count_users(&self) -> Result<u64, StoreError> {
        let row = (self.client().await?)
            .query_one("SELECT COUNT(*) FROM users", &[])
            .await
            .map_err(pg)?;
        Ok(row.get::<_, i64>(0).max(0) as u64)
    }

    pub async fn insert_user(
        &self,
        u: &User,
        password_hash: &str,
        audit: &AuditRecord,
    ) -> Result<Option<User>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let row = tx
            .query_opt(
                "INSERT INTO users (username, display_name, role, all_sites, sites, disabled, password_hash, created_ms, updated_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (username) DO NOTHING RETURNING id",
                &[&u.username, &u.display_name, &u.role.name(), &u.all_sites, &to_json(&u.sites), &u.disabled, &password_hash, &u.created_at],
            )
            .await
            .map_err(pg)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let user = User {
            id: row.get(0),
            ..u.clone()
        };
        let audit = AuditRecord {
            target: format!("user:{}", user.id),
            after: Some(to_json(&user)),
            ..audit.clone()
        };
        append_audit(&tx, &audit).await?;
        tx.commit().await.map_err(pg)?;
        Ok(Some(user))
    }

    pub async fn users(&self, id: Option<i64>) -> Result<Vec<User>, StoreError> {
        let rows = (self.client().await?)
            .query(
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE $1::BIGINT IS NULL OR u.id = $1 ORDER BY u.username"),
                &[&id],
            )
            .await
            .map_err(pg)?;
        rows.iter().map(user).collect()
    }

    pub async fn user_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(User, String)>, StoreError> {
        let row = (self.client().await?)
            .query_opt(
                &format!(
                    "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1"
                ),
                &[&username],
            )
            .await
            .map_err(pg)?;
        row.map(|r| Ok((user(&r)?, r.get(10)))).transpose()
    }

    pub async fn update_user(
        &self,
        u: &User,
        password_hash: Option<&str>,
        sign_out: bool,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let n = tx
            .execute(
                "UPDATE users SET display_name = $2, role = $3, all_sites = $4, sites = $5, disabled = $6,
                     password_hash = COALESCE($7, password_hash), updated_ms = $8 WHERE id = $1",
                &[&u.id, &u.display_name, &u.role.name(), &u.all_sites, &to_json(&u.sites), &u.disabled, &password_hash, &u.updated_at],
            )
            .await
            .map_err(pg)?;
        if n != 1 {
            return Err(StoreError::Invalid(format!("no user {}", u.id)));
        }
        if sign_out {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&u.id])
                .await
                .map_err(pg)?;
        }
        append_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)
    }

    pub async fn insert_session(
        &self,
        id: &[u8; 32],
        user_id: i64,
        csrf: &str,
        now: i64,
        expires: i64,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        tx.execute(
            "INSERT INTO sessions (id_sha256, user_id, csrf, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5)",
            &[&&id[..], &user_id, &csrf, &now, &expires],
        )
        .await
        .map_err(pg)?;
        tx.execute(
            "UPDATE users SET last_login_ms = $2 WHERE id = $1",
            &[&user_id, &now],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }

    pub async fn session(&self, id: &[u8; 32], now: i64) -> Result<Option<SessionRow>, StoreError> {
        let row = (self.client().await?)
            .query_opt(
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf, s.created_ms, s.expires_ms FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.id_sha256 = $1 AND s.expires_ms > $2 AND NOT u.disabled"
                ),
                &[&&id[..], &now],
            )
            .await
            .map_err(pg)?;
        row.map(|r| {
            Ok(SessionRow {
                user: user(&r)?,
                csrf: r.get(10),
                created: r.get(11),
                expires: r.get(12),
            })
        })
        .transpose()
    }

    pub async fn extend_session(&self, id: &[u8; 32], expires: i64) -> Result<(), StoreError> {
        (self.client().await?)
            .execute(
                "UPDATE sessions SET expires_ms = GREATEST(expires_ms, $2) WHERE id_sha256 = $1",
                &[&&id[..], &expires],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub async fn delete_session(&self, id: &[u8; 32]) -> Result<(), StoreError> {
        (self.client().await?)
            .execute("DELETE FROM sessions WHERE id_sha256 = $1", &[&&id[..]])
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub async fn prune_sessions(&self, now: i64) -> Result<u64, StoreError> {
        (self.client().await?)
            .execute("DELETE FROM sessions WHERE expires_ms <= $1", &[&now])
            .await
            .map_err(pg)
    }

    pub async fn audit_log(&self, q: &AuditQuery) -> Result<(Vec<AuditEntry>, u64), StoreError> {
        let client = self.client().await?;
        let (action, target) = q.patterns();
        let filter = "($1::TEXT IS NULL OR actor = $1) AND action LIKE $2 ESCAPE '\\' AND target LIKE $3 ESCAPE '\\'
             AND ($4::BIGINT IS NULL OR at_ms >= $4) AND ($5::BIGINT IS NULL OR at_ms < $5)";
        let total: i64 = client
            .query_one(
                &format!("SELECT COUNT(*) FROM audit WHERE {filter}"),
                &[&q.actor, &action, &target, &q.from, &q.to],
            )
            .await
            .map_err(pg)?
            .get(0);
        let rows = client
            .query(
                &format!(
                    "SELECT id, at_ms, actor_id, actor, action, target, before, after FROM audit WHERE {filter}
                     ORDER BY at_ms DESC, id DESC LIMIT $6 OFFSET $7"
                ),
                &[&q.actor, &action, &target, &q.from, &q.to, &i64::from(q.limit), &(q.offset as i64)],
            )
            .await
            .map_err(pg)?;
        let entries = (rows.iter())
            .map(|r| AuditEntry {
                id: r.get(0),
                at: r.get(1),
                actor_id: r.get(2),
                actor: r.get(3),
                action: r.get(4),
                target: r.get(5),
                before: r.get(6),
                after: r.get(7),
            })
            .collect();
        Ok((entries, total.max(0) as u64))
    }

    /// Stores a device's new token hash with its audit entry. False if there is no such device.
    pub async fn set_device_token(
        &self,
        device_id: &str,
        secret_sha256: &[u8],
        audit: &AuditRecord,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let n = tx
            .execute(
                "INSERT INTO device_tokens (device_id, secret_sha256, created_ms)
                 SELECT id, $2, $3 FROM devices WHERE id = $1
                 ON CONFLICT (device_id) DO UPDATE SET secret_sha256 = $2, created_ms = $3",
                &[&device_id, &secret_sha256, &audit.at],
            )
            .await
            .map_err(pg)?;
        if n == 1 {
            append_audit(&tx, audit).await?;
            tx.commit().await.map_err(pg)?;
        }
        Ok(n == 1)
    }
}
