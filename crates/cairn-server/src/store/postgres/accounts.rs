//! Users, sessions and the audit log on PostgreSQL (statements in `sql.rs`).

use async_trait::async_trait;
use cairn_protocol::{AuditEntry, User};

use super::{PgStore, all, count, exec, pg, refs};
use crate::store::accounts::{
    Accounts, AuditQuery, AuditRecord, NewSession, SessionRow, UserUpdate,
};
use crate::store::accounts::{changed_user, new_user};
use crate::store::{Result, Sha256, StoreError, rows, sql};

#[async_trait]
impl Accounts for PgStore {
    async fn count_users(&self) -> Result<u64> {
        count(&self.client().await?, sql::COUNT_USERS, &[]).await
    }

    async fn insert_user(
        &self,
        user: User,
        hash: String,
        audit: AuditRecord,
    ) -> Result<Option<User>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let args = new_user(&user, &hash);
        let Some(id) = all(&tx, sql::INSERT_USER, &refs(&args), |r| r.i64(0))
            .await?
            .pop()
        else {
            return Ok(None);
        };
        let user = User { id, ..user };
        exec(
            &tx,
            sql::APPEND_AUDIT,
            &refs(&audit.created(&user).params()),
        )
        .await?;
        tx.commit().await.map_err(pg)?;
        Ok(Some(user))
    }

    async fn find_users(&self, id: Option<i64>) -> Result<Vec<User>> {
        all(&self.client().await?, sql::USERS, &[&id], rows::user).await
    }

    async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let client = self.client().await?;
        let found = all(&client, sql::USER_FOR_LOGIN, &[&username], rows::login).await;
        found.map(rows::single)
    }

    async fn update_user(&self, change: UserUpdate) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let id = change.user.id;
        let args = changed_user(&change);
        if exec(&tx, sql::UPDATE_USER, &refs(&args)).await? != 1 {
            return Err(StoreError::Invalid(format!("no user {id}")));
        }
        if change.sign_out {
            exec(&tx, sql::SIGN_OUT, &[&id]).await?;
        }
        exec(&tx, sql::APPEND_AUDIT, &refs(&change.audit.params())).await?;
        tx.commit().await.map_err(pg)
    }

    async fn insert_session(&self, s: NewSession) -> Result<()> {
        let NewSession {
            id,
            user,
            csrf,
            now,
            expires,
        } = s;
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let args = [
            &&id[..] as _,
            &user as _,
            &csrf as _,
            &now as _,
            &expires as _,
        ];
        exec(&tx, sql::INSERT_SESSION, &args).await?;
        exec(&tx, sql::SIGNED_IN, &[&now, &user]).await?;
        tx.commit().await.map_err(pg)
    }

    async fn session(&self, id: Sha256, now: i64) -> Result<Option<SessionRow>> {
        let client = self.client().await?;
        let found = all(&client, sql::SESSION, &[&&id[..], &now], rows::session).await;
        found.map(rows::single)
    }

    async fn extend_session(&self, id: Sha256, expires: i64) -> Result<()> {
        let args = [&expires as _, &&id[..] as _];
        exec(&self.client().await?, sql::EXTEND_SESSION, &args).await?;
        Ok(())
    }

    async fn delete_session(&self, id: Sha256) -> Result<()> {
        exec(&self.client().await?, sql::DELETE_SESSION, &[&&id[..]]).await?;
        Ok(())
    }

    async fn prune_sessions(&self, now: i64) -> Result<u64> {
        exec(&self.client().await?, sql::PRUNE_SESSIONS, &[&now]).await
    }

    async fn audit_log(&self, q: AuditQuery) -> Result<(Vec<AuditEntry>, u64)> {
        let client = self.client().await?;
        let args = q.params();
        let total = count(&client, sql::AUDIT_COUNT, &refs(&args[..5])).await?;
        let page = all(&client, sql::AUDIT_PAGE, &refs(&args), rows::audit_entry).await?;
        Ok((page, total))
    }
}
