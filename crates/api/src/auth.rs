//! `/api/auth/*` and `/api/me`: sign-in, refresh, sign-out and the bootstrap session check.
//!
//! The refresh token only ever travels in the `HttpOnly; SameSite=Strict; Path=/api/auth` cookie; the access
//! token only in JSON bodies and `Authorization` headers. Neither is logged.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};

use crate::bearer::Caller;
use crate::passwords::{verify_against_nothing, verify_password};
use crate::problem::{ApiError, FieldError, JsonBody};
use crate::server::AppState;
use crate::sessions::ProvenSession;
use crate::tokens::Subject;
use crate::users::{self, Identity, UserRecord};

/// Name of the refresh cookie.
pub const REFRESH_COOKIE: &str = "portico_refresh";
/// Path of the refresh cookie: only the auth endpoints ever receive it.
pub const REFRESH_COOKIE_PATH: &str = "/api/auth";
const MAX_USERNAME_CHARS: usize = 64;
const MAX_PASSWORD_CHARS: usize = 1024;

/// Body of `POST /api/auth/login`.
#[derive(Deserialize)]
pub struct LoginRequest {
    username: String,
    password: String,
}

/// Body answered by login and refresh.
#[derive(Serialize)]
pub struct SessionResponse {
    access_token: String,
    /// Unix seconds at which the access token expires.
    expires_at: u64,
    identity: Identity,
}

/// Body answered by the bootstrap session check and `/api/me`.
#[derive(Serialize)]
pub struct IdentityResponse {
    identity: Identity,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
}

/// `POST /api/auth/login`.
pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<(CookieJar, Json<SessionResponse>), ApiError> {
    validate_login(&request)?;
    let client = client.ip();
    if let Some(wait) = state.limiter.check(&request.username, client, Instant::now()) {
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: wait.as_secs_f64().ceil() as u64,
        });
    }
    let user = users::find_by_username(&state.pool, request.username.trim()).await?;
    let password = request.password;
    let matched = tokio::task::spawn_blocking(move || match user {
        Some(user) if verify_password(&password, &user.password_hash) => Some(user),
        Some(_) => None,
        None => {
            verify_against_nothing(&password);
            None
        }
    })
    .await
    .map_err(|error| ApiError::internal("password verification task", error))?;

    let Some(user) = matched else {
        state.limiter.record_failure(&request.username, client, Instant::now());
        tracing::info!("sign-in refused");
        return Err(ApiError::InvalidCredentials);
    };
    state.limiter.record_success(&request.username);
    let session = state.sessions.start(&user.id, now_ms()).await?;
    tracing::info!(user = %user.id, "signed in");
    Ok(respond_with_session(&state, jar, &user, &session))
}

fn validate_login(request: &LoginRequest) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let username = request.username.trim();
    if username.is_empty() {
        errors.push(FieldError {
            field: "username",
            message: "Enter your username.".into(),
        });
    } else if username.chars().count() > MAX_USERNAME_CHARS {
        errors.push(FieldError {
            field: "username",
            message: format!("Use at most {MAX_USERNAME_CHARS} characters."),
        });
    }
    if request.password.is_empty() {
        errors.push(FieldError {
            field: "password",
            message: "Enter your password.".into(),
        });
    } else if request.password.chars().count() > MAX_PASSWORD_CHARS {
        errors.push(FieldError {
            field: "password",
            message: format!("Use at most {MAX_PASSWORD_CHARS} characters."),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// `POST /api/auth/refresh`: rotates the refresh cookie and issues a new access token.
pub async fn refresh(State(state): State<Arc<AppState>>, jar: CookieJar) -> Response {
    let Some(presented) = jar.get(REFRESH_COOKIE).map(|cookie| cookie.value().to_owned()) else {
        return session_ended(&state, jar);
    };
    let outcome = match state.sessions.refresh(&presented, now_ms()).await {
        Ok(outcome) => outcome,
        Err(error) => return error.into_response(),
    };
    let session = match outcome {
        Ok(session) => session,
        Err(rejection) => {
            tracing::info!(%rejection, "refresh refused");
            return session_ended(&state, jar);
        }
    };
    match users::find_by_id(&state.pool, &session.user_id).await {
        Ok(Some(user)) => respond_with_session(&state, jar, &user, &session).into_response(),
        Ok(None) => session_ended(&state, jar),
        Err(error) => error.into_response(),
    }
}

/// `GET /api/auth/session`: the identity behind the refresh cookie, without rotating it.
pub async fn session(State(state): State<Arc<AppState>>, jar: CookieJar) -> Response {
    let Some(presented) = jar.get(REFRESH_COOKIE).map(|cookie| cookie.value().to_owned()) else {
        return session_ended(&state, jar);
    };
    let proven = match state.sessions.peek(&presented, now_ms()).await {
        Ok(Some(proven)) => proven,
        Ok(None) => return session_ended(&state, jar),
        Err(error) => return error.into_response(),
    };
    match users::find_by_id(&state.pool, &proven.user_id).await {
        Ok(Some(user)) => Json(IdentityResponse {
            identity: user.identity(),
        })
        .into_response(),
        Ok(None) => session_ended(&state, jar),
        Err(error) => error.into_response(),
    }
}

/// `POST /api/auth/logout`: revokes the family and clears the cookie; succeeds when already signed out.
pub async fn logout(State(state): State<Arc<AppState>>, jar: CookieJar) -> Result<Response, ApiError> {
    if let Some(cookie) = jar.get(REFRESH_COOKIE) {
        state.sessions.revoke(cookie.value(), now_ms()).await?;
    }
    Ok((clear_refresh_cookie(&state, jar), StatusCode::NO_CONTENT).into_response())
}

/// `GET /api/me`: the caller's identity.
pub async fn me(
    State(state): State<Arc<AppState>>,
    Caller(claims): Caller,
) -> Result<Json<IdentityResponse>, ApiError> {
    let user = users::find_by_id(&state.pool, &claims.sub)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    Ok(Json(IdentityResponse {
        identity: user.identity(),
    }))
}

fn respond_with_session(
    state: &AppState,
    jar: CookieJar,
    user: &UserRecord,
    session: &ProvenSession,
) -> (CookieJar, Json<SessionResponse>) {
    let identity = user.identity();
    let subject = Subject {
        user_id: &identity.user_id,
        tenant: &identity.tenant,
        roles: &identity.roles,
        permissions: &identity.permissions,
    };
    let now = u64::try_from(now_ms() / 1000).unwrap_or_default();
    let (access_token, expires_at) = state.tokens.issue(&subject, now);
    let jar = match &session.new_token {
        Some(token) => {
            let remaining_secs = (session.family_expires_at_ms - now_ms()).max(0) / 1000;
            jar.add(refresh_cookie(
                state,
                token.clone(),
                time::Duration::seconds(remaining_secs),
            ))
        }
        None => jar,
    };
    (
        jar,
        Json(SessionResponse {
            access_token,
            expires_at,
            identity,
        }),
    )
}

fn refresh_cookie(state: &AppState, value: String, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build((REFRESH_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path(REFRESH_COOKIE_PATH)
        .secure(state.config.secure_cookies())
        .max_age(max_age)
        .build()
}

fn clear_refresh_cookie(state: &AppState, jar: CookieJar) -> CookieJar {
    jar.add(refresh_cookie(state, String::new(), time::Duration::ZERO))
}

fn session_ended(state: &AppState, jar: CookieJar) -> Response {
    (clear_refresh_cookie(state, jar), ApiError::SessionInvalid).into_response()
}
