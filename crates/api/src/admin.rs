//! `/api/admin/*`: tenant administration, for the `admin` role only.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use shared_types::IdentityContext;

use crate::bearer::Caller;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::users::{ADMIN_ROLE, UserRecord};

/// Body of `GET /api/admin/users`.
#[derive(Serialize)]
pub struct UserList {
    users: Vec<AdminUserView>,
}

/// A user as an administrator sees it: identity plus username, never the password hash.
#[derive(Serialize)]
pub struct AdminUserView {
    username: String,
    #[serde(flatten)]
    identity: IdentityContext,
}

/// `GET /api/admin/users`: the users of the caller's tenant.
pub async fn users(State(state): State<Arc<AppState>>, caller: Caller) -> Result<Json<UserList>, ApiError> {
    caller.require_role(ADMIN_ROLE)?;
    let records: Vec<UserRecord> = sqlx::query_as("SELECT * FROM users WHERE tenant = ?1 ORDER BY username")
        .bind(&caller.0.tenant)
        .fetch_all(&state.pool)
        .await?;
    let users = records
        .into_iter()
        .map(|user| AdminUserView {
            identity: user.identity(),
            username: user.username,
        })
        .collect();
    Ok(Json(UserList { users }))
}
