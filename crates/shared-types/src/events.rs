//! Auth and loading events: what happened to the session or to a remote, as plain data.
//!
//! The shell emits them to its event sink and to remotes that subscribe through the host. An event never carries
//! a token, a cookie or an identity: only names, reasons, counters and in-app paths.

use serde::{Deserialize, Serialize};

/// Something that happened to the session or to a remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AuthEvent {
    /// A user signed in, in this tab or (restored at start-up) earlier.
    SignedIn,
    /// The session ended on purpose, here or in another tab.
    SignedOut {
        /// Why it ended.
        reason: SignOutReason,
    },
    /// The refresh session ended on the server (idle, revoked or past its lifetime); the user must sign in again.
    SessionExpired,
    /// The shell got a new access token.
    TokenRefreshed,
    /// A refresh failed for a reason that may pass (network, server error); `attempt` counts consecutive failures.
    RefreshFailed {
        /// 1 for the first failure in a row.
        attempt: u32,
    },
    /// A remote could not be loaded or mounted.
    RemoteLoadFailed {
        /// The remote's name.
        remote: String,
        /// Where loading stopped.
        stage: LoadStage,
    },
    /// A signed-in user opened a route they lack a permission for.
    AccessDenied {
        /// The in-app path that was refused.
        route: String,
        /// The permission the route requires.
        permission: String,
    },
}

impl AuthEvent {
    /// The event's name, as written in its `event` field.
    pub fn name(&self) -> &'static str {
        match self {
            AuthEvent::SignedIn => "signed_in",
            AuthEvent::SignedOut { .. } => "signed_out",
            AuthEvent::SessionExpired => "session_expired",
            AuthEvent::TokenRefreshed => "token_refreshed",
            AuthEvent::RefreshFailed { .. } => "refresh_failed",
            AuthEvent::RemoteLoadFailed { .. } => "remote_load_failed",
            AuthEvent::AccessDenied { .. } => "access_denied",
        }
    }
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOutReason {
    /// The user pressed "Sign out" in this tab.
    UserSignedOut,
    /// The user signed out in another tab of this browser.
    SignedOutElsewhere,
    /// The refresh session ended on the server.
    SessionExpired,
}

/// The step at which loading a remote stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadStage {
    /// Reading `remotes.json`.
    Registry,
    /// Reading or checking the remote's `remote.json`.
    Manifest,
    /// The manifest asks for a permission the user lacks; no code was fetched.
    Permission,
    /// A file did not match the SHA-384 digest its manifest promised (or could not be fetched to check); none of
    /// its bytes ran.
    Integrity,
    /// The remote was built for another major contract version than the shell's.
    Contract,
    /// Fetching or initialising the JS glue and the wasm module.
    Code,
    /// The remote's `mount` threw.
    Mount,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_with_their_name_and_plain_fields() {
        let all = [
            (AuthEvent::SignedIn, r#"{"event":"signed_in"}"#),
            (
                AuthEvent::SignedOut {
                    reason: SignOutReason::SignedOutElsewhere,
                },
                r#"{"event":"signed_out","reason":"signed_out_elsewhere"}"#,
            ),
            (AuthEvent::SessionExpired, r#"{"event":"session_expired"}"#),
            (AuthEvent::TokenRefreshed, r#"{"event":"token_refreshed"}"#),
            (
                AuthEvent::RefreshFailed { attempt: 2 },
                r#"{"event":"refresh_failed","attempt":2}"#,
            ),
            (
                AuthEvent::RemoteLoadFailed {
                    remote: "orders".into(),
                    stage: LoadStage::Code,
                },
                r#"{"event":"remote_load_failed","remote":"orders","stage":"code"}"#,
            ),
            (
                AuthEvent::AccessDenied {
                    route: "/admin".into(),
                    permission: "users:read".into(),
                },
                r#"{"event":"access_denied","route":"/admin","permission":"users:read"}"#,
            ),
        ];
        for (event, json) in all {
            assert_eq!(serde_json::to_string(&event).unwrap(), json);
            assert_eq!(serde_json::from_str::<AuthEvent>(json).unwrap(), event);
            assert!(json.contains(&format!(r#""event":"{}""#, event.name())));
        }
    }

    #[test]
    fn unknown_events_are_refused() {
        assert!(serde_json::from_str::<AuthEvent>(r#"{"event":"token_leaked","token":"x"}"#).is_err());
    }
}
