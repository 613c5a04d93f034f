//! Admin: the audit log (`/api/audit`), every configuration change with who,
//! when, what, before and after, newest first.

use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
};
use cairn_protocol::{AuditEntry, ErrorBody, Page, Role};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::Caller, error::AppError, state::AppState, store::accounts::AuditQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Username of who made the change.
    actor: Option<String>,
    /// `user.update`, or a prefix ending in `.` such as `user.`.
    action: Option<String>,
    /// Text in the target, e.g. `user:7` or `device:`.
    target: Option<String>,
    /// Changes at or after this time, UTC ms.
    from: Option<i64>,
    /// Changes before this time, UTC ms.
    to: Option<i64>,
    /// Entries to skip (default 0).
    offset: Option<u64>,
    /// Entries in one page: 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/audit", tag = "admin", params(AuditParams),
    description = "Every configuration change, newest first: who, when, what, before and after.",
    responses((status = 200, body = Page<AuditEntry>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, description = "Not an admin", body = ErrorBody)))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Json<Page<AuditEntry>>, AppError> {
    caller.require(Role::Admin)?;
    // After the role check: a viewer learns nothing from a malformed query.
    let Query(q) = q?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(AppError::bad(
            "query.limit",
            format!("`limit` {limit} is not between 1 and 1000"),
        ));
    }
    let blank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let query = AuditQuery {
        actor: blank(q.actor),
        action: blank(q.action),
        target: blank(q.target),
        from: q.from,
        to: q.to,
        offset: q.offset.unwrap_or(0),
        limit,
    };
    let offset = query.offset;
    let (items, total) = state.store.audit_log(query).await?;
    Ok(Json(Page {
        items,
        total,
        offset,
        limit,
    }))
}
