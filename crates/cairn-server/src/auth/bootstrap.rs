//! Accounts the server creates itself: the first admin on a first start (no
//! default password, ever), and the demo users of `cargo xtask run`.

use cairn_protocol::{Role, User};

use super::password;
use crate::{
    state::AppState,
    store::{
        StoreError,
        accounts::{AuditRecord, UserUpdate},
        rows::to_json,
    },
    time::now_ms,
};

/// The environment variable that sets the first admin's password.
pub const ADMIN_PASSWORD_ENV: &str = "CAIRN_ADMIN_PASSWORD";
pub const FIRST_ADMIN: &str = "admin";

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("{ADMIN_PASSWORD_ENV} is too weak: {0}")]
    WeakPassword(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An audit entry of the server itself (first start, demo accounts, the CLI).
pub fn by_server(action: &str) -> AuditRecord {
    AuditRecord {
        at: now_ms(),
        actor_id: None,
        actor: "cairn-server".into(),
        action: action.into(),
        target: String::new(),
        before: None,
        after: None,
    }
}

fn new_user(username: &str, display_name: &str, role: Role, sites: &[&str]) -> User {
    let now = now_ms();
    User {
        id: 0,
        username: username.into(),
        display_name: display_name.into(),
        role,
        all_sites: sites.is_empty(),
        sites: sites.iter().map(|s| (*s).to_owned()).collect(),
        disabled: false,
        created_at: now,
        updated_at: now,
        last_login: None,
    }
}

/// On a store without users, creates `admin` with the password from
/// `CAIRN_ADMIN_PASSWORD`, or a generated one, which is returned to be shown
/// once. `Ok(None)` when there were users already or the password was given.
pub async fn first_admin(
    state: &AppState,
    given: Option<String>,
) -> Result<Option<String>, BootstrapError> {
    if state.store.count_users().await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match given {
        Some(p) => {
            if let Some(problem) = password::problem(&p, FIRST_ADMIN) {
                return Err(BootstrapError::WeakPassword(problem));
            }
            (p, false)
        }
        None => (password::generate(), true),
    };
    let hash = password::hash_blocking(password.clone())
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?;
    let user = new_user(FIRST_ADMIN, "Administrator", Role::Admin, &[]);
    state
        .store
        .insert_user(user, hash, by_server("user.create"))
        .await?;
    Ok(generated.then_some(password))
}

/// The demo accounts, one per role: (role, username, display name, sites; none = all).
pub const DEMO: &[(Role, &str, &str, &[&str])] = &[
    (Role::Viewer, "demo-viewer", "Eva Executive", &[]),
    (Role::Operator, "demo-operator", "Omar Operator", &["bru"]),
    (
        Role::Manager,
        "demo-manager",
        "Mia Manager",
        &["bru", "ant"],
    ),
    (Role::Admin, "demo-admin", "Ada Admin", &[]),
];

/// Creates the demo users, or gives them fresh passwords and their demo
/// grants back; returns `(role, username, password)` for each.
pub async fn demo_users(state: &AppState) -> Result<Vec<(Role, String, String)>, StoreError> {
    let mut out = Vec::new();
    for &(role, username, display_name, sites) in DEMO {
        let password = password::generate();
        let hash = password::hash_blocking(password.clone())
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?;
        let fresh = new_user(username, display_name, role, sites);
        match state.store.user_for_login(username).await? {
            None => {
                state
                    .store
                    .insert_user(fresh, hash, by_server("user.create"))
                    .await?;
            }
            Some((old, _)) => {
                let user = User {
                    id: old.id,
                    created_at: old.created_at,
                    last_login: old.last_login,
                    ..fresh
                };
                let audit = AuditRecord {
                    target: format!("user:{}", old.id),
                    before: Some(to_json(&old)),
                    after: Some(to_json(&user)),
                    ..by_server("user.demo_reset")
                };
                state
                    .store
                    .update_user(UserUpdate {
                        user,
                        password_hash: Some(hash),
                        sign_out: true,
                        audit,
                    })
                    .await?;
            }
        }
        out.push((role, username.to_owned(), password));
    }
    Ok(out)
}
