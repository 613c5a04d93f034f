//! Accounts in the store: users, sessions and the audit log, on both engines.
//! Every configuration change is written with its audit entry in one
//! transaction: there is never a change without its record, or the reverse.

use async_trait::async_trait;
use cairn_protocol::{AuditEntry, User};

use super::{Result, Sha256, access::Value, rows::to_json};

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
    fn patterns(&self) -> (String, String) {
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

    /// The parameters of `sql::AUDIT_PAGE`; `sql::AUDIT_COUNT` takes the first five.
    pub(crate) fn params(&self) -> Vec<Value> {
        let (action, target) = self.patterns();
        vec![
            self.actor.as_deref().into(),
            action.into(),
            target.into(),
            self.from.into(),
            self.to.into(),
            i64::from(self.limit).into(),
            i64::try_from(self.offset).unwrap_or(i64::MAX).into(),
        ]
    }
}

/// A live session and its user.
/// A change of a user: the user as it is now, a new password hash if the
/// password changed, whether to end all their sessions (in the same
/// transaction), and the audit entry.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub user: User,
    pub password_hash: Option<String>,
    pub sign_out: bool,
    pub audit: AuditRecord,
}

/// A session to start: its id (SHA-256 of the cookie's secret), its user,
/// its CSRF token, when it starts and when it expires (UTC ms).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: Sha256,
    pub user: i64,
    pub csrf: String,
    pub now: i64,
    pub expires: i64,
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user: User,
    pub csrf: String,
    pub created: i64,
    pub expires: i64,
}

impl AuditRecord {
    /// The parameters of `sql::APPEND_AUDIT`.
    pub(crate) fn params(&self) -> Vec<Value> {
        vec![
            self.at.into(),
            self.actor_id.into(),
            self.actor.as_str().into(),
            self.action.as_str().into(),
            self.target.as_str().into(),
            self.before.as_deref().into(),
            self.after.as_deref().into(),
        ]
    }

    /// This record for a user just created (its target and state).
    pub(super) fn created(&self, user: &User) -> AuditRecord {
        AuditRecord {
            target: format!("user:{}", user.id),
            after: Some(to_json(user)),
            ..self.clone()
        }
    }
}

/// What a user's row says beside its name, id and times: the parameters
/// `sql::INSERT_USER` and `sql::UPDATE_USER` share, in their order.
fn user_fields(u: &User, password_hash: Option<&str>) -> Vec<Value> {
    let (role, sites) = (u.role.name().into(), to_json(&u.sites).into());
    let (all_sites, disabled) = (u.all_sites.into(), u.disabled.into());
    let display_name = u.display_name.as_str().into();
    vec![
        display_name,
        role,
        all_sites,
        sites,
        disabled,
        password_hash.into(),
    ]
}

/// The parameters of `sql::INSERT_USER`.
pub(super) fn new_user(u: &User, password_hash: &str) -> Vec<Value> {
    let mut row = vec![u.username.as_str().into()];
    row.extend(user_fields(u, Some(password_hash)));
    row.push(u.created_at.into());
    row
}

/// The parameters of `sql::UPDATE_USER` (a `None` hash keeps the old one).
/// The parameters of `sql::UPDATE_USER` for a change.
pub(super) fn changed_user(change: &UserUpdate) -> Vec<Value> {
    let u = &change.user;
    let mut row = user_fields(u, change.password_hash.as_deref());
    row.extend([u.updated_at.into(), u.id.into()]);
    row
}

/// Users, sessions and the audit log of one engine. Session ids are
/// [`Sha256`] hashes of the secret the browser holds; times are ms since the
/// epoch (UTC).
#[async_trait]
pub trait Accounts: Send + Sync {
    async fn count_users(&self) -> Result<u64>;

    /// Creates a user (its `id` is ignored) with password `hash` and its
    /// audit entry (target `user:<id>`, after = the user as JSON). `None`,
    /// writing nothing, when the username is taken.
    async fn insert_user(
        &self,
        user: User,
        hash: String,
        audit: AuditRecord,
    ) -> Result<Option<User>>;

    /// Every user (`None`) or the one with this id, by username.
    async fn find_users(&self, id: Option<i64>) -> Result<Vec<User>>;

    /// Every user, by username.
    async fn users(&self) -> Result<Vec<User>> {
        self.find_users(None).await
    }

    async fn user(&self, id: i64) -> Result<Option<User>> {
        Ok(self.find_users(Some(id)).await?.into_iter().next())
    }

    /// A user and their password hash, by username (for signing in).
    async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>>;

    /// Saves a changed user with its audit entry, in one transaction.
    /// `Invalid` if there is no such user.
    async fn update_user(&self, change: UserUpdate) -> Result<()>;

    /// Starts a session and records its start as the user's last sign-in.
    async fn insert_session(&self, session: NewSession) -> Result<()>;

    /// Session `id`, if it has not expired at `now` and its user is enabled.
    async fn session(&self, id: Sha256, now: i64) -> Result<Option<SessionRow>>;

    /// Moves a session's expiry to `expires`, never earlier than it was.
    async fn extend_session(&self, id: Sha256, expires: i64) -> Result<()>;

    async fn delete_session(&self, id: Sha256) -> Result<()>;

    /// Deletes sessions expired at `now`; returns how many.
    async fn prune_sessions(&self, now: i64) -> Result<u64>;

    /// A page of the audit log (newest first) and how many entries match in all.
    async fn audit_log(&self, q: AuditQuery) -> Result<(Vec<AuditEntry>, u64)>;
}
