//! Admin: users (`/api/users`) and their passwords. Every change is written
//! with its audit entry in one transaction (the log: `routes/audit.rs`).

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
};
use cairn_protocol::{ErrorBody, ErrorDetail, NewUser, Role, User, UserPatch, UserWithPassword};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::{Caller, password},
    error::AppError,
    state::AppState,
    store::{accounts::UserUpdate, rows::to_json},
    time::now_ms,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
        .routes(routes!(reset_password))
}

fn field(location: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        code: "invalid_field".into(),
        message: message.into(),
        location: Some(location.into()),
    }
}

fn refuse(details: Vec<ErrorDetail>) -> Result<(), AppError> {
    if details.is_empty() {
        Ok(())
    } else {
        Err(AppError::Rejected {
            message: "the user was not saved; see the fields".into(),
            details,
        })
    }
}

fn check_display_name(name: &str, out: &mut Vec<ErrorDetail>) {
    let n = name.trim().chars().count();
    if n == 0 || n > 100 {
        out.push(field("display_name", "1 to 100 characters"));
    } else if name.chars().any(char::is_control) {
        out.push(field("display_name", "no control characters"));
    }
}

/// Site grants must name known sites; admins always have every site.
fn check_sites(
    state: &AppState,
    role: Role,
    all: bool,
    sites: &[String],
    out: &mut Vec<ErrorDetail>,
) {
    for (i, s) in sites.iter().enumerate() {
        if !state.catalog().model.sites.iter().any(|k| &k.id == s) {
            out.push(field(
                &format!("sites[{i}]"),
                format!("there is no site {s:?}"),
            ));
        }
    }
    if role != Role::Admin && !all && sites.is_empty() {
        out.push(field("sites", "grant at least one site, or all sites"));
    }
}

async fn hash(password: String) -> Result<String, AppError> {
    password::hash_blocking(password)
        .await
        .map_err(AppError::internal)
}

async fn find(state: &AppState, id: i64) -> Result<User, AppError> {
    (state.store.user(id).await?).ok_or_else(|| AppError::NotFound(format!("no user {id}")))
}

#[utoipa::path(get, path = "/api/users", tag = "admin",
    responses((status = 200, body = Vec<User>), (status = 401, body = ErrorBody), (status = 403, description = "Not an admin", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<User>>, AppError> {
    caller.require(Role::Admin)?;
    Ok(Json(state.store.users().await?))
}

#[utoipa::path(post, path = "/api/users", tag = "admin", request_body = NewUser,
    description = "Creates a user. Without `password`, one is generated; either way it is returned this once.",
    responses((status = 200, body = UserWithPassword),
        (status = 400, description = "The body is not JSON of this shape, or has no JSON content type", body = ErrorBody),
        super::AdminChange,
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    json: Result<Json<NewUser>, JsonRejection>,
) -> Result<Json<UserWithPassword>, AppError> {
    caller.require(Role::Admin)?;
    let Json(new) = json?;
    let mut problems = Vec::new();
    let username = new.username.trim().to_owned();
    let valid_name = (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !valid_name {
        problems.push(field(
            "username",
            "3 to 64 characters: lowercase letters, digits, '.', '_' or '-'",
        ));
    }
    check_display_name(&new.display_name, &mut problems);
    let admin = new.role == Role::Admin;
    check_sites(&state, new.role, new.all_sites, &new.sites, &mut problems);
    if let Some(problem) = (new.password.as_deref()).and_then(|p| password::problem(p, &username)) {
        problems.push(field("password", problem));
    }
    refuse(problems)?;
    let password = new.password.unwrap_or_else(password::generate);
    let now = now_ms();
    let user = User {
        id: 0,
        username: username.clone(),
        display_name: new.display_name.trim().to_owned(),
        role: new.role,
        all_sites: admin || new.all_sites,
        sites: if admin || new.all_sites {
            Vec::new()
        } else {
            new.sites
        },
        disabled: false,
        created_at: now,
        updated_at: now,
        last_login: None,
    };
    let audit = caller.audit("user.create", String::new());
    let created = state
        .store
        .insert_user(user, hash(password.clone()).await?, audit)
        .await?;
    match created {
        Some(user) => Ok(Json(UserWithPassword { user, password })),
        None => Err(AppError::Rejected {
            message: "the user was not saved; see the fields".into(),
            details: vec![field("username", format!("{username:?} is taken"))],
        }),
    }
}

#[utoipa::path(patch, path = "/api/users/{id}", tag = "admin", request_body = UserPatch,
    params(("id" = i64, Path, description = "User id")),
    description = "Changes a user's name, role, site grants or disabled state. Disabling, and any change of role or sites, signs them out everywhere.",
    responses((status = 200, body = User),
        (status = 400, description = "The body is not JSON of this shape, or has no JSON content type", body = ErrorBody),
        super::AdminChange,
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "Invalid fields, one detail each", body = ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    json: Result<Json<UserPatch>, JsonRejection>,
) -> Result<Json<User>, AppError> {
    caller.require(Role::Admin)?;
    let Json(patch) = json?;
    let old = find(&state, id).await?;
    let mut user = old.clone();
    if let Some(name) = patch.display_name {
        user.display_name = name.trim().to_owned();
    }
    user.role = patch.role.unwrap_or(user.role);
    user.all_sites = patch.all_sites.unwrap_or(user.all_sites);
    user.sites = patch.sites.unwrap_or(user.sites);
    user.disabled = patch.disabled.unwrap_or(user.disabled);
    if user.role == Role::Admin || user.all_sites {
        user.all_sites = true;
        user.sites.clear();
    }
    let mut problems = Vec::new();
    check_display_name(&user.display_name, &mut problems);
    check_sites(
        &state,
        user.role,
        user.all_sites,
        &user.sites,
        &mut problems,
    );
    if id == caller.user.id && (user.role != Role::Admin || user.disabled) {
        problems.push(field(
            "role",
            "you cannot remove your own admin role or disable yourself; ask another admin",
        ));
    }
    refuse(problems)?;
    user.updated_at = now_ms();
    // Fewer rights, or none: open sessions (and live sockets) must not keep the old ones.
    let sign_out = user.disabled
        || user.role != old.role
        || user.all_sites != old.all_sites
        || user.sites != old.sites;
    let audit = crate::store::accounts::AuditRecord {
        before: Some(to_json(&old)),
        after: Some(to_json(&user)),
        ..caller.audit("user.update", format!("user:{id}"))
    };
    state
        .store
        .update_user(UserUpdate {
            user: user.clone(),
            password_hash: None,
            sign_out,
            audit,
        })
        .await?;
    Ok(Json(user))
}

#[utoipa::path(post, path = "/api/users/{id}/password", tag = "admin",
    params(("id" = i64, Path, description = "User id")),
    description = "Gives the user a new generated password, returned this once, and signs them out everywhere.",
    responses((status = 200, body = UserWithPassword), super::AdminChange,
        (status = 404, description = "No such user", body = ErrorBody)))]
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<UserWithPassword>, AppError> {
    caller.require(Role::Admin)?;
    let mut user = find(&state, id).await?;
    let password = password::generate();
    user.updated_at = now_ms();
    // The audit says that it changed, never what to.
    let audit = caller.audit("user.password_reset", format!("user:{id}"));
    state
        .store
        .update_user(UserUpdate {
            user: user.clone(),
            password_hash: Some(hash(password.clone()).await?),
            sign_out: true,
            audit,
        })
        .await?;
    Ok(Json(UserWithPassword { user, password }))
}
