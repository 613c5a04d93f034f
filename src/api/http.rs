//! REST calls to `/api/…` (gloo-net fetch, same origin, so the session cookie
//! goes along). State-changing calls carry the session's CSRF token. Every
//! request goes through `run`: a 401 from any of them ends the session
//! (`super::signed_out`), so callers never handle it themselves.

use std::cell::RefCell;

use cairn_protocol::{CSRF_HEADER, ErrorBody};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};

use super::ApiError;

thread_local! {
    static CSRF: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Remembers the session's CSRF token (from sign-in or `/api/auth/me`).
pub fn set_csrf(token: Option<String>) {
    CSRF.with(|c| *c.borrow_mut() = token);
}

fn with_csrf(builder: RequestBuilder) -> RequestBuilder {
    match CSRF.with(|c| c.borrow().clone()) {
        Some(token) => builder.header(CSRF_HEADER, &token),
        None => builder,
    }
}

async fn error_of(res: Response) -> ApiError {
    let status = res.status();
    let body = res.json::<ErrorBody>().await.ok();
    let message = body.as_ref().map_or_else(
        || format!("the server answered {status}"),
        |b| b.error.message.clone(),
    );
    match status {
        401 => ApiError::Unauthorized(message),
        403 => ApiError::Forbidden(message),
        404 => ApiError::NotFound(message),
        429 => ApiError::RateLimited(message),
        400 | 409 | 413 | 422 => ApiError::Invalid {
            message,
            fields: body
                .map(|b| {
                    (b.details.into_iter())
                        .filter_map(|d| Some((d.location?, d.message)))
                        .collect()
                })
                .unwrap_or_default(),
        },
        _ => ApiError::Server(message),
    }
}

async fn run(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|e| ApiError::Network(e.to_string()))?;
    let sent = super::signed_out::session();
    let res = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if res.ok() {
        return Ok(res);
    }
    let err = error_of(res).await;
    if matches!(err, ApiError::Unauthorized(_)) {
        super::signed_out::unauthorized(sent);
    }
    Err(err)
}

async fn decode<T: DeserializeOwned>(res: Response) -> Result<T, ApiError> {
    res.json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

/// `POST` of a text body (`content_type`, e.g. `text/csv`), answered in JSON.
pub async fn post_text<T: DeserializeOwned>(
    path: &str,
    content_type: &str,
    body: String,
) -> Result<T, ApiError> {
    let request = with_csrf(Request::post(path).header("Content-Type", content_type)).body(body);
    decode(run(request).await?).await
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(run(Request::get(path).build()).await?).await
}

/// `POST`/`PATCH` with a JSON body (or none) and a JSON answer.
pub async fn send<B: Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    decode(run_send(method, path, body).await?).await
}

/// The same, for answers without a body (204).
pub async fn send_empty<B: Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<(), ApiError> {
    run_send(method, path, body).await.map(|_| ())
}

async fn run_send<B: Serialize>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> Result<Response, ApiError> {
    let builder = match method {
        "PATCH" => Request::patch(path),
        "PUT" => Request::put(path),
        "DELETE" => Request::delete(path),
        _ => Request::post(path),
    };
    let builder = with_csrf(builder);
    let request = match body {
        Some(b) => builder.json(b),
        None => builder.build(),
    };
    run(request).await
}
