//! Users, sessions and the audit log on SQLite (statements in `sql.rs`).

use async_trait::async_trait;
use cairn_protocol::{AuditEntry, User};
use rusqlite::{params, params_from_iter as values};

use super::{SqliteStore, all, append_audit, count};
use crate::store::accounts::{
    Accounts, AuditQuery, AuditRecord, NewSession, SessionRow, UserUpdate,
};
use crate::store::accounts::{changed_user, new_user};
use crate::store::{Result, Sha256, StoreError, rows, sql};

#[async_trait]
impl Accounts for SqliteStore {
    async fn count_users(&self) -> Result<u64> {
        self.run(|c| count(c, sql::COUNT_USERS, [])).await
    }

    async fn insert_user(
        &self,
        user: User,
        hash: String,
        audit: AuditRecord,
    ) -> Result<Option<User>> {
        self.write(move |tx| {
            let args = values(new_user(&user, &hash));
            let Some(id) = all(tx, sql::INSERT_USER, args, |r| r.i64(0))?.pop() else {
                return Ok(None);
            };
            let user = User { id, ..user };
            append_audit(tx, &audit.created(&user))?;
            Ok(Some(user))
        })
        .await
    }

    async fn find_users(&self, id: Option<i64>) -> Result<Vec<User>> {
        self.run(move |c| all(c, sql::USERS, [id], rows::user))
            .await
    }

    async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let name = username.to_owned();
        let login = move |c: &mut _| all(c, sql::USER_FOR_LOGIN, [name], rows::login);
        self.run(login).await.map(rows::single)
    }

    async fn update_user(&self, change: UserUpdate) -> Result<()> {
        self.write(move |tx| {
            let id = change.user.id;
            let args = values(changed_user(&change));
            if tx.prepare_cached(sql::UPDATE_USER)?.execute(args)? != 1 {
                return Err(StoreError::Invalid(format!("no user {id}")));
            }
            if change.sign_out {
                tx.prepare_cached(sql::SIGN_OUT)?.execute([id])?;
            }
            append_audit(tx, &change.audit)
        })
        .await
    }

    async fn insert_session(&self, s: NewSession) -> Result<()> {
        self.write(move |tx| {
            let args = params![&s.id[..], s.user, s.csrf, s.now, s.expires];
            tx.prepare_cached(sql::INSERT_SESSION)?.execute(args)?;
            tx.prepare_cached(sql::SIGNED_IN)?
                .execute([s.now, s.user])?;
            Ok(())
        })
        .await
    }

    async fn session(&self, id: Sha256, now: i64) -> Result<Option<SessionRow>> {
        let session = move |c: &mut _| all(c, sql::SESSION, params![&id[..], now], rows::session);
        self.run(session).await.map(rows::single)
    }

    async fn extend_session(&self, id: Sha256, expires: i64) -> Result<()> {
        self.run(move |c| {
            let args = params![expires, &id[..]];
            c.prepare_cached(sql::EXTEND_SESSION)?.execute(args)?;
            Ok(())
        })
        .await
    }

    async fn delete_session(&self, id: Sha256) -> Result<()> {
        self.run(move |c| {
            c.prepare_cached(sql::DELETE_SESSION)?.execute([&id[..]])?;
            Ok(())
        })
        .await
    }

    async fn prune_sessions(&self, now: i64) -> Result<u64> {
        self.run(move |c| Ok(c.prepare_cached(sql::PRUNE_SESSIONS)?.execute([now])? as u64))
            .await
    }

    async fn audit_log(&self, q: AuditQuery) -> Result<(Vec<AuditEntry>, u64)> {
        self.run(move |c| {
            let args = q.params();
            let total = count(c, sql::AUDIT_COUNT, values(&args[..5]))?;
            Ok((
                all(c, sql::AUDIT_PAGE, values(args), rows::audit_entry)?,
                total,
            ))
        })
        .await
    }
}
