//! `AppError`: every way a request can fail, as a status code and the JSON
//! `ErrorBody` of cairn-protocol. Internal causes are logged, never returned.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use cairn_protocol::{ErrorBody, ErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
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
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }
}

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
                tracing::error!("internal error: {cause}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new(
                        "internal",
                        "something went wrong on the server; it has been logged",
                    ),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
