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
use shared_types::{IdentityContext, Language, ProfileUpdate};

use crate::bearer::Caller;
use crate::config::SessionMode;
use crate::passwords::{verify_against_nothing, verify_password};
use crate::problem::{ApiError, FieldError, JsonBody, SessionPresence};
use crate::sessions::{ProvenSession, RefreshRejection};
use crate::state::AppState;
use crate::tokens::Subject;
use crate::users::{self, UserRecord};

/// Name of the refresh cookie.
pub const REFRESH_COOKIE: &str = "portico_refresh";
/// Path of the refresh cookie: only the auth endpoints ever receive it.
pub const REFRESH_COOKIE_PATH: &str = "/api/auth";
/// The access cookie of cookie mode on dev loopback (plain http).
pub const ACCESS_COOKIE: &str = "portico_access";
/// The access cookie of cookie mode wherever cookies are `Secure`.
pub const SECURE_ACCESS_COOKIE: &str = "__Host-portico_access";
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
    /// Absent in cookie mode: the token travels only in the `HttpOnly` access cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    /// Unix seconds at which the access token expires.
    expires_at: u64,
    /// The access token's lifetime in whole seconds, so the browser can schedule refreshes by its own clock.
    expires_in: u64,
    identity: IdentityContext,
}

/// Body answered by the bootstrap session check and `/api/me`.
#[derive(Serialize)]
pub struct IdentityResponse {
    identity: IdentityContext,
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
///
/// Without a cookie the answer is `session_invalid` with `"session": "none"`; a presented cookie that is refused
/// gets `"session": "ended"`. Every cookie-bearing outcome is counted in [`AppState::auth_counters`].
pub async fn refresh(State(state): State<Arc<AppState>>, jar: CookieJar) -> Response {
    let Some(presented) = presented_cookie(&jar) else {
        return session_invalid(&state, jar, SessionPresence::None);
    };
    let outcome = match state.sessions.refresh(&presented, now_ms()).await {
        Ok(outcome) => outcome,
        Err(error) => return error.into_response(),
    };
    let session = match outcome {
        Ok(session) => session,
        Err(rejection) => {
            tracing::info!(%rejection, "refresh refused");
            match rejection {
                RefreshRejection::Reused => state.auth_counters.record_reuse(),
                RefreshRejection::Unknown | RefreshRejection::Ended => state.auth_counters.record_refused(),
            }
            return session_invalid(&state, jar, SessionPresence::Ended);
        }
    };
    match users::find_by_id(&state.pool, &session.user_id).await {
        Ok(Some(user)) => {
            let rotated = session.new_token.is_some();
            if rotated {
                state.auth_counters.record_refresh();
            } else {
                state.auth_counters.record_grace_replay();
            }
            tracing::info!(user = %user.id, family = %session.family_id, rotated, "refreshed");
            respond_with_session(&state, jar, &user, &session).into_response()
        }
        Ok(None) => {
            tracing::info!(family = %session.family_id, "refresh refused: the user no longer exists");
            state.auth_counters.record_refused();
            session_invalid(&state, jar, SessionPresence::Ended)
        }
        Err(error) => error.into_response(),
    }
}

/// `GET /api/auth/session`: the identity behind the refresh cookie, without rotating it.
///
/// Refusals carry `"session": "none"` (no cookie) or `"session": "ended"` (a cookie that no longer works), like
/// [`refresh`]. Nothing is counted: this check never changes a session.
pub async fn session(State(state): State<Arc<AppState>>, jar: CookieJar) -> Response {
    let Some(presented) = presented_cookie(&jar) else {
        return session_invalid(&state, jar, SessionPresence::None);
    };
    let proven = match state.sessions.peek(&presented, now_ms()).await {
        Ok(Some(proven)) => proven,
        Ok(None) => return session_invalid(&state, jar, SessionPresence::Ended),
        Err(error) => return error.into_response(),
    };
    match users::find_by_id(&state.pool, &proven.user_id).await {
        Ok(Some(user)) => Json(IdentityResponse {
            identity: user.identity(),
        })
        .into_response(),
        Ok(None) => session_invalid(&state, jar, SessionPresence::Ended),
        Err(error) => error.into_response(),
    }
}

/// The refresh cookie's value, if the request carried a non-empty one. An empty value is what a cleared cookie
/// leaves behind, not a session, so it counts as no cookie.
fn presented_cookie(jar: &CookieJar) -> Option<String> {
    jar.get(REFRESH_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty())
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

/// `PATCH /api/me`: changes the caller's own preferences (the interface language, one of
/// [`Language::ALL`]'s tags) and answers the updated identity. Any other locale is a 422 naming the field.
pub async fn update_me(
    State(state): State<Arc<AppState>>,
    Caller(claims): Caller,
    JsonBody(update): JsonBody<ProfileUpdate>,
) -> Result<Json<IdentityResponse>, ApiError> {
    if !Language::is_supported_tag(&update.locale) {
        let supported: Vec<&str> = Language::ALL.iter().map(|language| language.tag()).collect();
        return Err(ApiError::Validation(vec![FieldError {
            field: "locale",
            message: format!("Choose a supported language: {}.", supported.join(", ")),
        }]));
    }
    if !users::set_locale(&state.pool, &claims.sub, &update.locale).await? {
        return Err(ApiError::InvalidToken);
    }
    me(State(state), Caller(claims)).await
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
    let expires_in = expires_at.saturating_sub(now);
    let cookie_mode = state.config.session_mode == SessionMode::Cookie;
    let jar = if cookie_mode {
        jar.add(access_cookie(
            state,
            access_token.clone(),
            time::Duration::seconds(i64::try_from(expires_in).unwrap_or(i64::MAX)),
        ))
    } else {
        jar
    };
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
            access_token: (!cookie_mode).then_some(access_token),
            expires_at,
            expires_in,
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

/// The access cookie of cookie mode: `__Host-` prefixed (so `Secure`, `Path=/`, no `Domain`) wherever cookies are
/// secure, and the plain name on dev loopback, where the server allows cookies without `Secure`.
pub fn access_cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies() {
        SECURE_ACCESS_COOKIE
    } else {
        ACCESS_COOKIE
    }
}

fn access_cookie(state: &AppState, value: String, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build((access_cookie_name(state), value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(state.config.secure_cookies())
        .max_age(max_age)
        .build()
}

/// Clears the refresh cookie, and in cookie mode the access cookie too.
fn clear_refresh_cookie(state: &AppState, jar: CookieJar) -> CookieJar {
    let jar = jar.add(refresh_cookie(state, String::new(), time::Duration::ZERO));
    if state.config.session_mode == SessionMode::Cookie {
        jar.add(access_cookie(state, String::new(), time::Duration::ZERO))
    } else {
        jar
    }
}

fn session_invalid(state: &AppState, jar: CookieJar, presence: SessionPresence) -> Response {
    (clear_refresh_cookie(state, jar), ApiError::SessionInvalid(presence)).into_response()
}
