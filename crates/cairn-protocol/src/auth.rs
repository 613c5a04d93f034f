//! Accounts: roles, site access, sessions, users and the audit log.

use serde::{Deserialize, Serialize};

/// What a user may do. Each role can do everything the roles before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads dashboards and reports (executives).
    Viewer,
    /// + acknowledges, comments and shelves alarms (field operators).
    Operator,
    /// + edits alert rules and devices on their sites (building managers).
    Manager,
    /// + users, roles, device tokens; every site.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Operator, Role::Manager, Role::Admin];

    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }

    /// At least as strong as `other`.
    pub fn includes(self, other: Role) -> bool {
        self >= other
    }
}

/// An account as the API shows it (never its password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    /// Sign-in name: 3–64 of `a-z 0-9 . _ -`.
    pub username: String,
    /// Shown in the app and the audit log; any text.
    pub display_name: String,
    pub role: Role,
    /// Every site, now and later (always true for admins).
    pub all_sites: bool,
    /// Sites granted when `all_sites` is false.
    pub sites: Vec<String>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login: Option<i64>,
}

impl User {
    pub fn sees_site(&self, site_id: &str) -> bool {
        self.sees_every_site() || self.sites.iter().any(|s| s == site_id)
    }

    pub fn sees_every_site(&self) -> bool {
        self.all_sites || self.role == Role::Admin
    }
}

/// `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The signed-in user and this session's CSRF token, which every
/// state-changing request must send back in the `X-CSRF-Token` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: User,
    pub csrf_token: String,
    /// When this session ends unless it is used before then (UTC ms).
    pub expires_at: i64,
}

/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// `POST /api/auth/password`: a user changes their own password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// `POST /api/users`. Without `password` the server generates one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub all_sites: bool,
    #[serde(default)]
    pub sites: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// `PATCH /api/users/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_sites: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites: Option<Vec<String>>,
    /// Disabling signs the user out everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// A user with a password shown this once (creation, reset).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserWithPassword {
    pub user: User,
    pub password: String,
}

/// A device's new ingest token, shown this once (`POST /api/devices/{id}/token`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceToken {
    pub device_id: String,
    pub token: String,
}

/// One configuration change: who, when, what, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// The user who made the change (`None`: the server itself, e.g. first start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<i64>,
    /// The actor's username at the time.
    pub actor: String,
    /// e.g. `user.create`, `user.update`, `user.password_reset`, `device.token`.
    pub action: String,
    /// What changed, e.g. `user:7` or `device:bru-a-f0-z02-ms`.
    pub target: String,
    /// JSON of the state before (absent for creations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// JSON of the state after (absent for deletions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_named() {
        assert!(Role::Admin.includes(Role::Manager));
        assert!(Role::Operator.includes(Role::Viewer));
        assert!(!Role::Viewer.includes(Role::Operator));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.name()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn admins_see_every_site_others_their_grants() {
        let mut u = User {
            id: 1,
            username: "op".into(),
            display_name: "Op".into(),
            role: Role::Operator,
            all_sites: false,
            sites: vec!["bru".into()],
            disabled: false,
            created_at: 0,
            updated_at: 0,
            last_login: None,
        };
        assert!(u.sees_site("bru") && !u.sees_site("ams"));
        u.role = Role::Admin;
        assert!(u.sees_site("ams"));
    }
}
