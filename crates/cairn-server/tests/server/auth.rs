//! Signing in and out: Argon2id passwords, the session cookie, CSRF, rate
//! limiting, expiry and revocation, the first admin, user administration
//! and its audit log.

use crate::support;

use std::time::Duration;

use axum::http::StatusCode;
use cairn_protocol::{AuditEntry, ErrorBody, Me, Page, Role, User, UserWithPassword};
use cairn_server::{auth::bootstrap, limiter};
use tower::ServiceExt;

/// A request with full control of headers; returns status, headers and body.
async fn raw(
    s: &cairn_server::AppState,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    use http_body_util::BodyExt;
    let mut req = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "cairn.test")
        .header("content-type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = (cairn_server::app(s.clone()))
        .oneshot(req.body(axum::body::Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

/// The `Set-Cookie` header of an answer (there must be one).
fn set_cookie(headers: &axum::http::HeaderMap) -> &str {
    headers.get("set-cookie").unwrap().to_str().unwrap()
}

fn login_body(user: &str, password: &str) -> String {
    serde_json::json!({ "username": user, "password": password }).to_string()
}

/// An admin creates `username` with a chosen password.
async fn create_user(
    s: &cairn_server::AppState,
    username: &str,
    role: &str,
    password: &str,
) -> User {
    let admin = support::admin(s).await;
    let body = serde_json::json!({
        "username": username, "display_name": username, "role": role,
        "sites": ["bru"], "password": password,
    });
    let (status, text) = support::send(
        s,
        "POST",
        "/api/users",
        Some(&admin),
        Some(&body.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str::<UserWithPassword>(&text)
        .unwrap()
        .user
}

#[tokio::test]
async fn sign_in_sets_a_strict_httponly_cookie_and_csrf_guards_changes() {
    let dir = tempfile::tempdir().unwrap();
    let s = support::open_state(dir.path(), Some(42)).await;
    create_user(&s, "olga", "operator", "a long enough password").await;

    let (status, headers, text) = raw(
        &s,
        "POST",
        "/api/auth/login",
        &[],
        &login_body("Olga ", "a long enough password"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let me: Me = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (me.user.username.as_str(), me.user.role),
        ("olga", Role::Operator)
    );
    assert!(!text.contains("argon2"), "no password hash in the answer");
    let given = set_cookie(&headers);
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(given.contains(attr), "{given} lacks {attr}");
    }
    assert!(!given.contains("Secure"), "plain HTTP here");
    let cookie = given.split(';').next().unwrap().to_owned();

    // Behind a TLS proxy the cookie is Secure.
    let (_, headers, _) = raw(
        &s,
        "POST",
        "/api/auth/login",
        &[("x-forwarded-proto", "https")],
        &login_body("olga", "a long enough password"),
    )
    .await;
    assert!(set_cookie(&headers).contains("; Secure"));

    let (status, _, _) = raw(&s, "GET", "/api/auth/me", &[("cookie", &cookie)], "").await;
    assert_eq!(status, StatusCode::OK);
    // State changes need the CSRF token, and the right origin.
    let refused: [&[(&str, &str)]; 3] = [
        &[("cookie", &cookie)],
        &[("cookie", &cookie), ("x-csrf-token", "0000")],
        &[
            ("cookie", &cookie),
            ("x-csrf-token", &me.csrf_token),
            ("origin", "https://evil.example"),
        ],
    ];
    for headers in refused {
        let (status, _, text) = raw(&s, "POST", "/api/auth/logout", headers, "").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}");
        let code = serde_json::from_str::<ErrorBody>(&text).unwrap().error.code;
        assert_eq!(code, "csrf", "{headers:?}");
    }
    let (status, headers, _) = raw(
        &s,
        "POST",
        "/api/auth/logout",
        &[
            ("cookie", &cookie),
            ("x-csrf-token", &me.csrf_token),
            ("origin", "http://cairn.test"),
        ],
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(set_cookie(&headers).contains("Max-Age=0"));
    // The session is gone on the server, not only in the browser.
    let (status, _, text) = raw(&s, "GET", "/api/auth/me", &[("cookie", &cookie)], "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("session has ended"), "{text}");

    // A sign-in form posted from another site is refused (login CSRF).
    let (status, _, _) = raw(
        &s,
        "POST",
        "/api/auth/login",
        &[("origin", "https://evil.example")],
        &login_body("olga", "a long enough password"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn wrong_passwords_are_rate_limited_per_account() {
    let dir = tempfile::tempdir().unwrap();
    let s = support::open_state(dir.path(), Some(42)).await;
    create_user(&s, "vera", "viewer", "the right password").await;
    for _ in 0..limiter::PER_ACCOUNT {
        let (status, _, text) = raw(
            &s,
            "POST",
            "/api/auth/login",
            &[],
            &login_body("vera", "wrong password!"),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(text.contains("wrong username or password"));
    }
    // Now even the right password waits, and says how long.
    let (status, headers, text) = raw(
        &s,
        "POST",
        "/api/auth/login",
        &[],
        &login_body("vera", "the right password"),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{text}");
    let retry: u64 = headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 800 && retry <= 900, "{retry}");
    assert_eq!(
        serde_json::from_str::<ErrorBody>(&text).unwrap().error.code,
        "rate_limited"
    );
    // Unknown accounts answer exactly like wrong passwords.
    let (status, _, text) = raw(
        &s,
        "POST",
        "/api/auth/login",
        &[],
        &login_body("nobody", "whatever it is"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("wrong username or password"));
}

#[tokio::test]
async fn sessions_expire_and_disabling_a_user_ends_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = cairn_server::Config::for_tests(dir.path().to_path_buf());
    config.session_idle_secs = 1;
    let s = support::open_state_with(config, Some(42)).await;
    let session = support::session(&s, "ida", Role::Viewer, &["bru"]).await;
    let (status, _) = support::send(&s, "GET", "/api/auth/me", Some(&session), None).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let (status, body) = support::send(&s, "GET", "/api/sites", Some(&session), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    let dir = tempfile::tempdir().unwrap();
    let s = support::open_state(dir.path(), Some(42)).await;
    let session = support::session(&s, "dan", Role::Operator, &["bru"]).await;
    let dan = s.store.user_for_login("dan").await.unwrap().unwrap().0;
    let admin = support::admin(&s).await;
    let (status, text) = support::send(
        &s,
        "PATCH",
        &format!("/api/users/{}", dan.id),
        Some(&admin),
        Some(r#"{"disabled":true}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, _) = support::send(&s, "GET", "/api/auth/me", Some(&session), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_first_admin_needs_no_default_password() {
    let dir = tempfile::tempdir().unwrap();
    let s = support::open_state(dir.path(), None).await;
    let weak = bootstrap::first_admin(&s, Some("admin".into())).await;
    assert!(matches!(
        weak,
        Err(bootstrap::BootstrapError::WeakPassword(_))
    ));
    assert_eq!(s.store.count_users().await.unwrap(), 0, "nothing half-made");
    let password = bootstrap::first_admin(&s, None)
        .await
        .unwrap()
        .expect("generated");
    assert!(password.len() >= 20);
    assert_eq!(
        bootstrap::first_admin(&s, None).await.unwrap(),
        None,
        "only on a first start"
    );
    let (status, _, text) = raw(
        &s,
        "POST",
        "/api/auth/login",
        &[],
        &login_body("admin", &password),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let me: Me = serde_json::from_str(&text).unwrap();
    assert!(me.user.role == Role::Admin && me.user.sees_every_site());
}

#[tokio::test]
async fn admins_manage_users_with_field_errors_and_an_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let s = support::open_state(dir.path(), Some(42)).await;
    let admin = support::admin(&s).await;
    let bad = r#"{"username":"No Spaces","display_name":"","role":"manager","sites":["bru","atlantis"],"password":"short"}"#;
    let (status, text) = support::send(&s, "POST", "/api/users", Some(&admin), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let err: ErrorBody = serde_json::from_str(&text).unwrap();
    let mut at: Vec<&str> = err
        .details
        .iter()
        .filter_map(|d| d.location.as_deref())
        .collect();
    at.sort_unstable();
    assert_eq!(at, vec!["display_name", "password", "sites[1]", "username"]);
    let (status, text) = support::send(&s, "POST", "/api/users", Some(&admin),
        Some(r#"{"username":"mia","display_name":"Mia <img src=x onerror=alert(1)>","role":"manager","sites":["bru"]}"#)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let made: UserWithPassword = serde_json::from_str(&text).unwrap();
    assert_eq!(made.password.len(), 23, "generated, shown once");
    let (status, text) = support::send(
        &s,
        "POST",
        "/api/users",
        Some(&admin),
        Some(r#"{"username":"mia","display_name":"Other","role":"viewer","all_sites":true}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("taken"));

    let uri = format!("/api/users/{}", made.user.id);
    let (status, _) = support::send(
        &s,
        "PATCH",
        &uri,
        Some(&admin),
        Some(r#"{"sites":["bru","ant"]}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, text) =
        support::send(&s, "POST", &format!("{uri}/password"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(
        serde_json::from_str::<UserWithPassword>(&text)
            .unwrap()
            .password,
        made.password
    );
    // Admins cannot lock themselves out.
    let me = s
        .store
        .user_for_login("test-admin")
        .await
        .unwrap()
        .unwrap()
        .0;
    let (status, text) = support::send(
        &s,
        "PATCH",
        &format!("/api/users/{}", me.id),
        Some(&admin),
        Some(r#"{"role":"viewer"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");

    let (status, text) = support::send(
        &s,
        "GET",
        &format!("/api/audit?target=user:{}", made.user.id),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let log: Page<AuditEntry> = serde_json::from_str(&text).unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["user.password_reset", "user.update", "user.create"]
    );
    assert!(log.items.iter().all(|e| e.actor == "test-admin"));
    let update = &log.items[1];
    assert!(update.before.as_deref().unwrap().contains(r#"["bru"]"#));
    assert!(
        update
            .after
            .as_deref()
            .unwrap()
            .contains(r#"["bru","ant"]"#)
    );
    assert!(
        !text.contains(&made.password),
        "passwords never reach the audit log"
    );
    let (_, text) = support::send(&s, "GET", "/api/audit?action=device.", Some(&admin), None).await;
    assert_eq!(
        serde_json::from_str::<Page<AuditEntry>>(&text)
            .unwrap()
            .total,
        0
    );
}
