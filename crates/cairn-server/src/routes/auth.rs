//! Signing in and out: `POST /api/auth/login`, `POST /api/auth/logout`,
//! `GET /api/auth/me`.

use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use cairn_protocol::{ErrorBody, LoginRequest, Me};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::time::now_ms;
use crate::{
    auth::{self, Caller, password},
    error::AppError,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

fn me_of(caller: Caller) -> Me {
    Me {
        user: caller.user,
        csrf_token: caller.csrf,
        expires_at: caller.expires,
    }
}

const WRONG: &str = "wrong username or password";

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    description = "Signs in: sets the HttpOnly session cookie and returns the user with the CSRF token.",
    responses(
        (status = 200, description = "Signed in", body = Me),
        (status = 400, description = "Not a login request", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 403, description = "Account disabled, or another origin", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = ErrorBody)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, AppError> {
    let (mut parts, body) = request.into_parts();
    let addr = auth::client_addr(&parts);
    let headers = std::mem::take(&mut parts.headers);
    // Login CSRF: a cross-site form must not sign the victim in as the attacker.
    if !auth::same_origin(&headers) {
        return Err(AppError::Csrf("a sign-in from another origin".into()));
    }
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map_err(|_| AppError::TooLarge("the sign-in request is too large".into()))?;
    let req: LoginRequest = serde_json::from_slice(&bytes).map_err(|e| AppError::BadRequest {
        message: format!("the body must be {{\"username\": …, \"password\": …}}: {e}"),
        location: Some("body".into()),
    })?;
    let username = req.username.trim().to_lowercase();
    let now = now_ms();
    if let Err(wait) = state.limiter.check(now, &username, addr) {
        return Err(AppError::TooManyRequests {
            message: format!(
                "too many failed sign-ins; try again in {} min",
                wait.div_ceil(60)
            ),
            retry_after_s: wait,
        });
    }
    let found = state.store.user_for_login(&username).await?;
    // Unknown users cost the same Argon2 work as known ones: timing tells nothing.
    let stored = found
        .as_ref()
        .map_or(password::dummy_hash().to_owned(), |(_, h)| h.clone());
    let presented = req.password;
    let ok = tokio::task::spawn_blocking(move || password::verify(&presented, &stored)).await?;
    let user = match found {
        Some((user, _)) if ok => user,
        _ => {
            state.limiter.failed(now, &username, addr);
            return Err(AppError::Unauthorized(WRONG.into()));
        }
    };
    if user.disabled {
        return Err(AppError::Forbidden(
            "this account is disabled; ask an admin".into(),
        ));
    }
    state.limiter.succeeded(&username);
    let (cookie, caller) = auth::start_session(&state, &headers, user).await?;
    tracing::info!(user = %caller.user.username, "signed in");
    Ok(([(header::SET_COOKIE, cookie)], Json(me_of(caller))).into_response())
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    description = "Ends this session (needs the CSRF token) and clears the cookie.",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing CSRF token", body = ErrorBody)))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
) -> Result<Response, AppError> {
    state.store.delete_session(caller.session).await?;
    let clear = auth::clear_cookie(&state, &headers);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses(
        (status = 200, description = "The signed-in user and the CSRF token", body = Me),
        (status = 401, description = "Not signed in, or the session ended", body = ErrorBody)))]
pub(crate) async fn me(caller: Caller) -> Json<Me> {
    Json(me_of(caller))
}
