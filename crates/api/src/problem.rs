//! API errors and their `application/problem+json` (RFC 9457) form.
//!
//! Every error a client can see is an [`ApiError`] variant with a stable machine-readable `code`. The `detail`
//! is a sentence for people; it never says which half of a credential was wrong and never echoes a secret.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Everything the API can answer with instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Username or password did not match; deliberately says nothing about which.
    #[error("The username or password is incorrect.")]
    InvalidCredentials,
    /// Too many failed sign-ins for this username or client.
    #[error("Too many failed sign-in attempts. Try again in {retry_after_secs} s.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// The request body was not the JSON this endpoint expects.
    #[error("The request body is not valid: {0}")]
    MalformedBody(String),
    /// The request body was larger than the server accepts.
    #[error("The request body is too large.")]
    PayloadTooLarge,
    /// The request body was not declared as JSON.
    #[error("The request body must be JSON (Content-Type: application/json).")]
    UnsupportedMediaType,
    /// The Bearer token was missing, malformed, expired, or not ours.
    #[error("The access token is missing, invalid or expired.")]
    InvalidToken,
    /// The refresh cookie was missing, or expired, revoked, idle, replayed or unknown; see [`SessionPresence`].
    #[error("{}", .0.detail())]
    SessionInvalid(SessionPresence),
    /// A cookie-authenticated request failed the cross-site request checks.
    #[error("This request was refused because it did not come from the Portico app.")]
    CrossSiteRequest,
    /// The caller is known but may not do this.
    #[error("You do not have permission to do this.")]
    Forbidden,
    /// Nothing here, or nothing the caller may know exists.
    #[error("The requested resource was not found.")]
    NotFound,
    /// The input was well-formed but breaks a rule; each entry names the field.
    #[error("The input is not valid.")]
    Validation(Vec<FieldError>),
    /// Something failed inside the server; details go to the log, not the client.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

/// Whether a refused cookie request had a session to lose: the `session` extension member of a
/// `session_invalid` problem, so the shell says "Your session has expired" only to people who had one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionPresence {
    /// No refresh cookie was presented: `"session": "none"`.
    None,
    /// A refresh cookie was presented and refused (expired, idle, revoked, replayed or unknown):
    /// `"session": "ended"`.
    Ended,
}

impl SessionPresence {
    /// The sentence people see.
    fn detail(self) -> &'static str {
        match self {
            SessionPresence::None => "You are not signed in. Please sign in.",
            SessionPresence::Ended => "Your session has ended. Please sign in again.",
        }
    }
}

/// One rule an input field broke.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    problem_type: String,
    title: &'a str,
    status: u16,
    detail: String,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldError]>,
    /// RFC 9457 extension member of `session_invalid` problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<SessionPresence>,
}

impl ApiError {
    /// The HTTP status this error maps to.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidCredentials | ApiError::InvalidToken | ApiError::SessionInvalid(_) => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::CrossSiteRequest | ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::MalformedBody(_) => "malformed_body",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::InvalidToken => "invalid_token",
            ApiError::SessionInvalid(_) => "session_invalid",
            ApiError::CrossSiteRequest => "cross_site_request",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::Validation(_) => "validation_failed",
            ApiError::Internal => "internal_error",
        }
    }

    /// Logs an internal failure and hides it from the client.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!("{context}: {error}");
        ApiError::Internal
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::internal("database", error)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            _ => ApiError::MalformedBody(rejection.body_text()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let errors = match &self {
            ApiError::Validation(errors) => Some(errors.as_slice()),
            _ => None,
        };
        let session = match &self {
            ApiError::SessionInvalid(presence) => Some(*presence),
            _ => None,
        };
        let body = ProblemBody {
            problem_type: format!("urn:portico:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: self.to_string(),
            code: self.code(),
            errors,
            session,
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match &self {
            ApiError::InvalidToken => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer error="invalid_token""#),
                );
            }
            ApiError::TooManyAttempts { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            _ => {}
        }
        response
    }
}

/// A JSON body extractor whose rejections are problem documents instead of axum's plain text.
#[derive(Debug, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);
