//! Who is calling, and what they may do. Users sign in with a password
//! (Argon2id) and get a server-side session: a random 256-bit secret in an
//! HttpOnly, SameSite=Strict cookie, of which the store keeps only a SHA-256.
//! Every state-changing request must also carry the session's CSRF token in
//! `X-CSRF-Token` and, when a browser sends `Origin`, come from this origin.
//! Device ingest never accepts a session (see `ingest::token`).

pub mod bootstrap;
pub mod password;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
};
use cairn_protocol::{CSRF_HEADER, Role, User};
use subtle::ConstantTimeEq;

use crate::{
    error::AppError,
    secret::{random_hex, sha256},
    state::AppState,
    store::accounts::{AuditRecord, NewSession},
    time::now_ms,
};

pub const COOKIE: &str = "cairn_session";
/// A session ends this long after it began, however active (re-sign-in weekly).
pub const MAX_SESSION_MS: i64 = 7 * 24 * 3_600_000;

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    /// SHA-256 of the session secret (the store's key).
    pub session: [u8; 32],
    pub csrf: String,
    pub expires: i64,
}

impl Caller {
    /// Refuses with 403 unless the caller's role includes `role`.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.user.role.includes(role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this needs the {} role; you are signed in as {} ({})",
                role.name(),
                self.user.username,
                self.user.role.name()
            )))
        }
    }

    pub fn sees_site(&self, site_id: &str) -> bool {
        self.user.sees_site(site_id)
    }

    /// An audit entry by this caller.
    pub fn audit(&self, action: &str, target: String) -> AuditRecord {
        AuditRecord {
            at: now_ms(),
            actor_id: Some(self.user.id),
            actor: self.user.username.clone(),
            action: action.to_owned(),
            target,
            before: None,
            after: None,
        }
    }
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Browsers send `Origin` on cross-site and state-changing requests; when
/// present it must name the host this request was sent to.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true; // not a browser: no ambient cookies to abuse
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

/// The client's address (unspecified when the server was called without a socket, as in tests).
pub fn client_addr(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// A new session for `user`: the `Set-Cookie` value and the caller it makes.
pub async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: User,
) -> Result<(HeaderValue, Caller), AppError> {
    let secret = random_hex();
    let id = sha256(&secret);
    let csrf = random_hex();
    let now = now_ms();
    let expires = now + state.config.session_idle_ms();
    state
        .store
        .insert_session(NewSession {
            id,
            user: user.id,
            csrf: csrf.clone(),
            now,
            expires,
        })
        .await?;
    let cookie = format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        MAX_SESSION_MS / 1000,
        if secure(state, headers) {
            "; Secure"
        } else {
            ""
        }
    );
    let cookie = HeaderValue::from_str(&cookie).expect("hex and ASCII make a valid header");
    let user = User {
        last_login: Some(now),
        ..user
    };
    Ok((
        cookie,
        Caller {
            user,
            session: id,
            csrf,
            expires,
        },
    ))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(state: &AppState, headers: &HeaderMap) -> HeaderValue {
    let cookie = format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure(state, headers) {
            "; Secure"
        } else {
            ""
        }
    );
    HeaderValue::from_str(&cookie).expect("ASCII makes a valid header")
}

/// Cookies are `Secure` when configured so, or when a TLS-terminating proxy says the request was HTTPS.
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let signed_out = || AppError::Unauthorized("sign in to continue".into());
        let secret = cookie(&parts.headers, COOKIE)
            .filter(|s| s.len() == 64)
            .ok_or_else(signed_out)?;
        let id = sha256(secret);
        let now = now_ms();
        let row = state.store.session(id, now).await?.ok_or_else(|| {
            AppError::Unauthorized("your session has ended; sign in again".into())
        })?;
        if now - row.created >= MAX_SESSION_MS {
            state.store.delete_session(id).await?;
            return Err(AppError::Unauthorized(
                "your session has ended; sign in again".into(),
            ));
        }
        if !is_safe(&parts.method) {
            if !same_origin(&parts.headers) {
                return Err(AppError::Csrf("a request from another origin".into()));
            }
            let presented = parts
                .headers
                .get(CSRF_HEADER)
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            if !bool::from(presented.ct_eq(row.csrf.as_bytes())) {
                return Err(AppError::Csrf(format!(
                    "missing or wrong {CSRF_HEADER} header"
                )));
            }
        }
        // Sliding expiry, written at most about twice per idle period.
        let idle = state.config.session_idle_ms();
        let mut expires = row.expires;
        if expires - now < idle / 2 {
            expires = (now + idle).min(row.created + MAX_SESSION_MS);
            state.store.extend_session(id, expires).await?;
        }
        Ok(Caller {
            user: row.user,
            session: id,
            csrf: row.csrf,
            expires,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; cairn_session=abc".parse().unwrap());
        h.append(header::COOKIE, "b=2".parse().unwrap());
        assert_eq!(cookie(&h, COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "cairn"), None);
    }

    #[test]
    fn origin_must_match_the_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "cairn.example:8080".parse().unwrap());
        assert!(same_origin(&h), "no Origin: not a browser");
        h.insert(
            header::ORIGIN,
            "https://cairn.example:8080".parse().unwrap(),
        );
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
    }
}
