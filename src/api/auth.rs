//! Accounts: signing in and out, users, the audit log.

use cairn_protocol::{
    AuditEntry, LoginRequest, Me, NewUser, Page, User, UserPatch, UserWithPassword,
};

use super::{
    ApiError,
    http::{get, send, send_empty, set_csrf},
};

pub async fn me() -> Result<Me, ApiError> {
    let me: Me = get("/api/auth/me").await?;
    set_csrf(Some(me.csrf_token.clone()));
    Ok(me)
}

pub async fn login(username: String, password: String) -> Result<Me, ApiError> {
    let me: Me = send(
        "POST",
        "/api/auth/login",
        Some(&LoginRequest { username, password }),
    )
    .await?;
    set_csrf(Some(me.csrf_token.clone()));
    super::signed_out::signed_in();
    Ok(me)
}

pub async fn logout() -> Result<(), ApiError> {
    let done = send_empty::<()>("POST", "/api/auth/logout", None).await;
    set_csrf(None);
    done
}

pub async fn users() -> Result<Vec<User>, ApiError> {
    get("/api/users").await
}

pub async fn create_user(new: &NewUser) -> Result<UserWithPassword, ApiError> {
    send("POST", "/api/users", Some(new)).await
}

pub async fn update_user(id: i64, patch: &UserPatch) -> Result<User, ApiError> {
    send("PATCH", &format!("/api/users/{id}"), Some(patch)).await
}

pub async fn reset_password(id: i64) -> Result<UserWithPassword, ApiError> {
    send::<(), _>("POST", &format!("/api/users/{id}/password"), None).await
}

/// The audit log, newest first; empty filters are left out.
pub async fn audit(actor: &str, action: &str, target: &str) -> Result<Page<AuditEntry>, ApiError> {
    let mut query = vec!["limit=200".to_owned()];
    for (k, v) in [("actor", actor), ("action", action), ("target", target)] {
        if !v.trim().is_empty() {
            query.push(format!("{k}={}", js_sys::encode_uri_component(v.trim())));
        }
    }
    get(&format!("/api/audit?{}", query.join("&"))).await
}
