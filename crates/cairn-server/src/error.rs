//! `AppError`: every way a request can fail, as a status code and the JSON
//! `ErrorBody` of cairn-protocol. Internal causes are kept (as the error's
//! `source`) and logged once, by [`log_internal_errors`], never returned.
//!
//! Handlers use `?`: store, task and extractor errors convert with `From`.
//! [`ApiQuery`] is a `Query` that rejects with an `AppError` (400 with a JSON
//! body naming `query`). A handler whose role check must come before parsing
//! (a viewer learns nothing from a malformed body) takes
//! `Result<Json<T>, JsonRejection>` and applies `?` after the check.

use std::sync::Arc;

use axum::{
    Json,
    extract::{
        FromRequestParts, Query, Request,
        rejection::{JsonRejection, QueryRejection},
    },
    http::{StatusCode, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use cairn_protocol::{ErrorBody, ErrorDetail};

/// A failure's cause, shared so the response can carry it to the log layer.
pub type Cause = Arc<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    /// 400: `location` names where (`body`, `query.px`, …).
    #[error("{message}")]
    BadRequest {
        message: String,
        location: Option<String>,
    },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("{0}")]
    TooLarge(String),
    /// A state-changing request without this session's CSRF token, or from another origin.
    #[error("refused: {0}")]
    Csrf(String),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after_s: u64 },
    /// The request was understood but some of its parts are invalid; one detail each.
    #[error("{message}")]
    Rejected {
        message: String,
        details: Vec<ErrorDetail>,
    },
    /// 500: the cause is logged with the request, the client learns nothing of it.
    #[error("internal error: {0}")]
    Internal(#[source] Cause),
}

impl AppError {
    /// A 400 that says what is wrong and where (`query.px`, `body`, …).
    pub fn bad(location: &str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            message: message.into(),
            location: Some(location.to_owned()),
        }
    }

    /// A 500 from any error, keeping it as the cause.
    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        AppError::Internal(Arc::new(cause))
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Refused { location, message } => AppError::Rejected {
                message: message.clone(),
                details: vec![ErrorDetail {
                    code: "invalid_field".into(),
                    message,
                    location: Some(location),
                }],
            },
            e => AppError::internal(e),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::internal(e)
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        AppError::bad("body", rejection.body_text())
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::bad("query", rejection.body_text())
    }
}

/// `Query<T>` whose rejection is an [`AppError`] (400, JSON body, `location: "query"`).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T> FromRequestParts<S> for ApiQuery<T>
where
    Query<T>: FromRequestParts<S, Rejection = QueryRejection>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(value))
    }
}

/// The cause of a 500, put in the response's extensions for the log layer.
#[derive(Clone)]
struct InternalCause(Cause);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, ErrorBody::new("not_found", m)),
            AppError::BadRequest { message, location } => {
                let mut body = ErrorBody::new("invalid_request", message);
                body.error.location = location;
                (StatusCode::BAD_REQUEST, body)
            }
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, ErrorBody::new("forbidden", m)),
            AppError::Unauthorized(m) => {
                (StatusCode::UNAUTHORIZED, ErrorBody::new("unauthorized", m))
            }
            AppError::Csrf(m) => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "csrf",
                    format!("refused: {m}; reload the page and try again"),
                ),
            ),
            AppError::TooManyRequests {
                message,
                retry_after_s,
            } => {
                let body = ErrorBody::new("rate_limited", message);
                let retry = [(axum::http::header::RETRY_AFTER, retry_after_s.to_string())];
                return (StatusCode::TOO_MANY_REQUESTS, retry, Json(body)).into_response();
            }
            AppError::TooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody::new("too_large", m),
            ),
            AppError::Rejected { message, details } => {
                let mut body = ErrorBody::new("rejected", message);
                body.details = details;
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
            AppError::Internal(cause) => {
                let body = ErrorBody::new(
                    "internal",
                    "something went wrong on the server; it has been logged",
                );
                let mut response = (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
                response.extensions_mut().insert(InternalCause(cause));
                return response;
            }
        };
        (status, Json(body)).into_response()
    }
}

/// Middleware: logs the cause of every 500 once, with its chain of sources
/// and the request's method and path (never its query or body, which may
/// hold secrets). Installed on the whole router by [`crate::app`].
pub async fn log_internal_errors(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let response = next.run(request).await;
    if let Some(InternalCause(cause)) = response.extensions().get::<InternalCause>() {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(s) = source {
            // Many errors already print their source (`#[error("SQLite: {0}")]`).
            let text = s.to_string();
            if !chain.contains(&text) {
                chain.push_str(": ");
                chain.push_str(&text);
            }
            source = s.source();
        }
        tracing::error!(%method, %path, "internal error: {chain}");
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::{Router, body::Body, http::Request, routing::get};
    use tower::ServiceExt;

    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("disk on fire")]
    struct Fire;

    #[tokio::test]
    async fn an_internal_error_keeps_its_cause_for_the_log_but_not_for_the_client() {
        let err = AppError::internal(Fire);
        assert_eq!(
            std::error::Error::source(&err).map(ToString::to_string),
            Some("disk on fire".into())
        );
        let app = Router::new()
            .route(
                "/x",
                get(|| async { Err::<(), _>(AppError::internal(Fire)) }),
            )
            .layer(axum::middleware::from_fn(log_internal_errors));
        let response = app
            .oneshot(Request::get("/x").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("\"internal\""), "{body}");
        assert!(
            !body.contains("fire"),
            "the cause stays on the server: {body}"
        );
    }
}
