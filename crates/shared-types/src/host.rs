//! Messages a remote exchanges with its host through the host API, always as JSON strings.
//!
//! A remote never receives a token: a [`FetchRequest`] names only a root-relative `/api/...` path, and the
//! shell's interceptor decides what to attach.

use serde::{Deserialize, Serialize};

use crate::IdentityContext;

/// What the shell pushes into a mounted remote through `handle.update(context)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostContext {
    /// The current identity.
    pub identity: IdentityContext,
    /// The current in-app path, with its query string.
    pub path: String,
}

/// An HTTP request a remote asks the shell to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchRequest {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: String,
    /// Root-relative path under `/api/`.
    pub path: String,
    /// JSON request body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// How long the shell waits for an answer before aborting, in milliseconds; the shell's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u32>,
}

impl FetchRequest {
    /// A `GET` of `path`.
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: "GET".into(),
            path: path.into(),
            body: None,
            timeout_ms: None,
        }
    }

    /// A `POST` of a JSON body to `path`.
    pub fn post_json(path: impl Into<String>, body: String) -> Self {
        Self {
            method: "POST".into(),
            path: path.into(),
            body: Some(body),
            timeout_ms: None,
        }
    }

    /// Whether the request may go through the host at all: a known method and a plain `/api/` path.
    pub fn is_allowed(&self) -> bool {
        let known_method = matches!(self.method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE");
        let plain_path = self.path.starts_with("/api/")
            && !self.path.starts_with("/api/auth/")
            && !self.path.contains("..")
            && !self.path.contains('\\')
            && !self.path.contains("//")
            && !self.path.chars().any(char::is_control);
        known_method && plain_path
    }
}

/// The answer to a [`FetchRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response body as text (usually JSON).
    pub body: String,
}

impl FetchResponse {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Credentials the auth remote hands to the shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    /// The username as typed.
    pub username: String,
    /// The password as typed; the shell forwards it to the API and forgets it.
    pub password: String,
}

/// How a sign-in attempt ended, as the auth remote shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case", try_from = "SignInWire")]
pub enum SignInResult {
    /// Signed in; the shell navigates away from the form.
    SignedIn,
    /// The username or password was wrong.
    InvalidCredentials,
    /// Too many failed attempts; the form should say when to try again.
    TooManyAttempts {
        /// Seconds until the next attempt may succeed.
        retry_after_secs: u64,
    },
    /// A field was empty or too long.
    Invalid,
    /// Anything else: the API was unreachable or failed.
    Failed,
}

/// The JSON of a [`SignInResult`] read as a plain struct. Same wire format as the internally tagged enum, but
/// deriving `Deserialize` for that enum links serde's buffering of untyped content into the auth remote; this
/// struct does not (about 2.5 KB of brotli-compressed wasm).
#[derive(Deserialize)]
struct SignInWire {
    outcome: SignInOutcome,
    #[serde(default)]
    retry_after_secs: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum SignInOutcome {
    SignedIn,
    InvalidCredentials,
    TooManyAttempts,
    Invalid,
    Failed,
}

impl TryFrom<SignInWire> for SignInResult {
    type Error = &'static str;

    fn try_from(wire: SignInWire) -> Result<Self, Self::Error> {
        Ok(match wire.outcome {
            SignInOutcome::SignedIn => SignInResult::SignedIn,
            SignInOutcome::InvalidCredentials => SignInResult::InvalidCredentials,
            SignInOutcome::TooManyAttempts => SignInResult::TooManyAttempts {
                retry_after_secs: wire.retry_after_secs.ok_or("missing field `retry_after_secs`")?,
            },
            SignInOutcome::Invalid => SignInResult::Invalid,
            SignInOutcome::Failed => SignInResult::Failed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(method: &str, path: &str, allowed: bool) {
        let request = FetchRequest {
            method: method.into(),
            path: path.into(),
            body: None,
            timeout_ms: None,
        };
        assert_eq!(request.is_allowed(), allowed, "{method} {path}");
    }

    #[test]
    fn only_plain_api_paths_go_through_the_host() {
        check("GET", "/api/orders", true);
        check("POST", "/api/orders", true);
        check("GET", "/api/orders/3?x=1", true);
        check("GET", "https://evil.example/api/orders", false);
        check("GET", "//evil.example/api/orders", false);
        check("GET", "/api/../secret", false);
        check("GET", "/api\\orders", false);
        check("POST", "/api/auth/refresh", false);
        check("TRACE", "/api/orders", false);
    }

    #[test]
    fn sign_in_result_round_trips_with_an_outcome_tag() {
        let result = SignInResult::TooManyAttempts { retry_after_secs: 30 };
        let json = serde_json::to_string(&result).unwrap();
        assert_eq!(json, r#"{"outcome":"too_many_attempts","retry_after_secs":30}"#);
        assert_eq!(serde_json::from_str::<SignInResult>(&json).unwrap(), result);
    }

    #[test]
    fn every_sign_in_outcome_keeps_its_wire_format() {
        let all = [
            (SignInResult::SignedIn, r#"{"outcome":"signed_in"}"#),
            (SignInResult::InvalidCredentials, r#"{"outcome":"invalid_credentials"}"#),
            (SignInResult::Invalid, r#"{"outcome":"invalid"}"#),
            (SignInResult::Failed, r#"{"outcome":"failed"}"#),
        ];
        for (result, json) in all {
            assert_eq!(serde_json::to_string(&result).unwrap(), json);
            assert_eq!(serde_json::from_str::<SignInResult>(json).unwrap(), result);
        }
        assert!(serde_json::from_str::<SignInResult>(r#"{"outcome":"too_many_attempts"}"#).is_err());
        assert!(serde_json::from_str::<SignInResult>(r#"{"outcome":"unheard_of"}"#).is_err());
        assert!(serde_json::from_str::<SignInResult>(r#"{"retry_after_secs":3}"#).is_err());
    }
}
