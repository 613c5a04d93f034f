//! Accounts in the store: users, sessions and the audit log, on both engines.
//! Every configuration change is written with its audit entry in one
//! transaction: there is never a change without its record, or the reverse.

use cairn_protocol::{AuditEntry, Role, User};

use super::{Store, StoreError, blocking, rows::from_json};

/// An audit entry to write with a change.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Filters of the audit log; all optional, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Username of the actor (exact).
    pub actor: Option<String>,
    /// Action, exact (`user.update`) or a prefix ending in `.` (`user.`).
    pub action: Option<String>,
    /// Text in the target.
    pub target: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub offset: u64,
    pub limit: u32,
}

impl AuditQuery {
    /// `LIKE` patterns for action and target (`%` and `_` in the input are literal).
    pub(super) fn patterns(&self) -> (String, String) {
        fn esc(s: &str) -> String {
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        }
        let action = match self.action.as_deref() {
            None => "%".to_owned(),
            Some(a) if a.ends_with('.') => format!("{}%", esc(a)),
            Some(a) => esc(a),
        };
        let target = match self.target.as_deref() {
            None => "%".to_owned(),
            Some(t) => format!("%{}%", esc(t)),
        };
        (action, target)
    }
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user: User,
    pub csrf: String,
    pub created: i64,
    pub expires: i64,
}

/// Builds a `User` from its columns (shared by both engines).
#[allow(clippy::too_many_arguments)]
pub(super) fn user_of(
    id: i64,
    username: String,
    display_name: String,
    role: &str,
    all_sites: bool,
    sites: &str,
    disabled: bool,
    created: i64,
    updated: i64,
    last_login: Option<i64>,
) -> Result<User, StoreError> {
    Ok(User {
        id,
        username,
        display_name,
        role: Role::parse(role)
            .ok_or_else(|| StoreError::Invalid(format!("users.role {role:?}")))?,
        all_sites,
        sites: from_json("users.sites", sites)?,
        disabled,
        created_at: created,
        updated_at: updated,
        last_login,
    })
}

/// The user columns in `user_of` order.
pub(super) const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.all_sites, u.sites, u.disabled, u.created_ms, u.updated_ms, u.last_login_ms";

impl Store {
    pub async fn count_users(&self) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, |s| s.count_users()).await,
            Store::Postgres(p) => p.count_users().await,
        }
    }

    /// Creates a user (its `id` is ignored) with its audit entry. `None` when
    /// the username is taken.
    pub async fn insert_user(
        &self,
        user: User,
        password_hash: String,
        audit: AuditRecord,
    ) -> Result<Option<User>, StoreError> {
        match self {
            Store::Sqlite(s) => {
                blocking(s, move |s| s.insert_user(&user, &password_hash, &audit)).await
            }
            Store::Postgres(p) => p.insert_user(&user, &password_hash, &audit).await,
        }
    }

    /// Every user, by username.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, |s| s.users(None)).await,
            Store::Postgres(p) => p.users(None).await,
        }
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let found = match self {
            Store::Sqlite(s) => blocking(s, move |s| s.users(Some(id))).await?,
            Store::Postgres(p) => p.users(Some(id)).await?,
        };
        Ok(found.into_iter().next())
    }

    /// A user and their password hash, by username (for signing in).
    pub async fn user_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(User, String)>, StoreError> {
        match self {
            Store::Sqlite(s) => {
                let name = username.to_owned();
                blocking(s, move |s| s.user_for_login(&name)).await
            }
            Store::Postgres(p) => p.user_for_login(username).await,
        }
    }

    /// Saves a changed user (and a new password hash, if any) with its audit
    /// entry. `sign_out` ends all the user's sessions in the same transaction.
    pub async fn update_user(
        &self,
        user: User,
        password_hash: Option<String>,
        sign_out: bool,
        audit: AuditRecord,
    ) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => {
                blocking(s, move |s| {
                    s.update_user(&user, password_hash.as_deref(), sign_out, &audit)
                })
                .await
            }
            Store::Postgres(p) => {
                p.update_user(&user, password_hash.as_deref(), sign_out, &audit)
                    .await
            }
        }
    }

    /// Starts a session (and records the sign-in time).
    pub async fn insert_session(
        &self,
        id_sha256: [u8; 32],
        user_id: i64,
        csrf: String,
        now: i64,
        expires: i64,
    ) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => {
                blocking(s, move |s| {
                    s.insert_session(&id_sha256, user_id, &csrf, now, expires)
                })
                .await
            }
            Store::Postgres(p) => {
                p.insert_session(&id_sha256, user_id, &csrf, now, expires)
                    .await
            }
        }
    }

    /// The session with this id hash, if it has not expired and its user is enabled.
    pub async fn session(
        &self,
        id_sha256: [u8; 32],
        now: i64,
    ) -> Result<Option<SessionRow>, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.session(&id_sha256, now)).await,
            Store::Postgres(p) => p.session(&id_sha256, now).await,
        }
    }

    pub async fn extend_session(
        &self,
        id_sha256: [u8; 32],
        expires: i64,
    ) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.extend_session(&id_sha256, expires)).await,
            Store::Postgres(p) => p.extend_session(&id_sha256, expires).await,
        }
    }

    pub async fn delete_session(&self, id_sha256: [u8; 32]) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.delete_session(&id_sha256)).await,
            Store::Postgres(p) => p.delete_session(&id_sha256).await,
        }
    }

    /// Deletes expired sessions; returns how many.
    pub async fn prune_sessions(&self, now: i64) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.prune_sessions(now)).await,
            Store::Postgres(p) => p.prune_sessions(now).await,
        }
    }

    /// A page of the audit log (newest first) and how many entries match in all.
    pub async fn audit_log(&self, q: AuditQuery) -> Result<(Vec<AuditEntry>, u64), StoreError> {
        match self {
            Store::Sqlite(s) => blocking(s, move |s| s.audit_log(&q)).await,
            Store::Postgres(p) => p.audit_log(&q).await,
        }
    }
}
