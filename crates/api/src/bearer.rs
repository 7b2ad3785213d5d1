//! The Bearer-token extractor every protected endpoint takes, and the permission checks built on it.
//!
//! A missing, malformed, expired, foreign or badly signed token is one answer: 401 with
//! `WWW-Authenticate: Bearer error="invalid_token"`. A valid token without the needed permission is 403.
//!
//! In cookie mode the token may instead come from the `HttpOnly` access cookie, and then only together with the
//! CSRF header (`X-Requested-With: portico`), which a cross-site page cannot add.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use axum_extra::extract::CookieJar;

use crate::auth::access_cookie_name;
use crate::config::SessionMode;
use crate::csrf::has_csrf_header;
use crate::problem::ApiError;
use crate::state::AppState;
use crate::tokens::AccessClaims;

/// The verified claims of the request's access token.
#[derive(Debug, Clone)]
pub struct Caller(pub AccessClaims);

impl Caller {
    /// Succeeds only when the token grants `permission`.
    pub fn require_permission(&self, permission: &str) -> Result<(), ApiError> {
        if self.0.has_permission(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Succeeds only when the token carries `role`.
    pub fn require_role(&self, role: &str) -> Result<(), ApiError> {
        if self.0.has_role(role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok());
        let from_cookie = || {
            if state.config.session_mode != SessionMode::Cookie || !has_csrf_header(&parts.headers) {
                return None;
            }
            CookieJar::from_headers(&parts.headers)
                .get(access_cookie_name(state))
                .map(|cookie| cookie.value().to_owned())
                .filter(|value| !value.is_empty())
        };
        let Some(token) = header.and_then(bearer_token).map(str::to_owned).or_else(from_cookie) else {
            state.auth_counters.record_bearer_rejected();
            return Err(ApiError::InvalidToken);
        };
        match state.tokens.verify(&token) {
            Ok(claims) => Ok(Caller(claims)),
            Err(reason) => {
                tracing::debug!(%reason, "access token refused");
                state.auth_counters.record_bearer_rejected();
                Err(ApiError::InvalidToken)
            }
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn only_the_bearer_scheme_yields_a_token() {
        assert_eq!(bearer_token("Bearer abc.def.ghi"), Some("abc.def.ghi"));
        assert_eq!(bearer_token("bearer  abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearer"), None);
    }
}
