//! The session as a state machine, as the shell's views and guards see it.
//!
//! ```text
//!                 bootstrap                      sign-in
//!   Unknown ───────────────────────▶ SignedOut ─────────────▶ SignedIn ──┐
//!      │  ▲ network error / 5xx       ▲  ▲  ▲                 │  │      │ refresh fails for good,
//!      ▼  │ Retry (or backoff timer)  │  │  └─ 401 on bootstrap │  │      │ revoked, or signed out
//!   Unreachable                       │  └──── other tab signs out ┘  │      │ in another tab
//!                                     └──── SigningOut ◀──── "Sign out" ┘◀─────┘
//! ```
//!
//! The token is deliberately absent: it lives in `http` and nowhere else.

use shared_types::IdentityContext;
pub use shared_types::SignOutReason;

/// Where the session stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// Bootstrap in flight: render a skeleton.
    Unknown,
    /// Bootstrap could not reach the server (network error or 5xx); it retries with backoff and on "Retry".
    Unreachable {
        /// Consecutive failed bootstrap attempts.
        attempt: u32,
    },
    /// Nobody is signed in.
    SignedOut { reason: Option<SignOutReason> },
    /// A user is signed in; the token lives in `http`, not here.
    SignedIn { identity: IdentityContext },
    /// "Sign out" was pressed and the server is being told; nothing protected renders any more.
    SigningOut,
}

impl Session {
    /// The identity remotes see: the signed-in user's, or the anonymous context.
    pub fn identity(&self) -> IdentityContext {
        match self {
            Session::SignedIn { identity } => identity.clone(),
            _ => IdentityContext::anonymous(),
        }
    }

    /// The display name for the header, when signed in.
    pub fn display_name(&self) -> Option<&str> {
        match self {
            Session::SignedIn { identity } => Some(&identity.display_name),
            _ => None,
        }
    }

    /// Whether the signed-in user holds `permission` (never, when nobody is signed in).
    pub fn can(&self, permission: &str) -> bool {
        matches!(self, Session::SignedIn { identity } if identity.can(permission))
    }

    /// What the sign-in page should explain about how the last session ended, if anything.
    pub fn sign_out_notice(&self) -> Option<SignOutNotice> {
        match self {
            Session::SignedOut {
                reason: Some(SignOutReason::SessionExpired),
            } => Some(SignOutNotice::SessionExpired),
            Session::SignedOut {
                reason: Some(SignOutReason::SignedOutElsewhere),
            } => Some(SignOutNotice::SignedOutElsewhere),
            _ => None,
        }
    }
}

/// What the sign-in page explains about how the last session ended (worded in the user's language by the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOutNotice {
    /// The session expired: an alert.
    SessionExpired,
    /// The user signed out in another tab: a status.
    SignedOutElsewhere,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_signed_in_session_exposes_an_identity() {
        let identity = IdentityContext {
            display_name: "Alice".into(),
            permissions: vec!["orders:read".into()],
            ..IdentityContext::anonymous()
        }
        .signed_in();
        let session = Session::SignedIn {
            identity: identity.clone(),
        };
        assert_eq!(session.identity(), identity);
        assert_eq!(session.display_name(), Some("Alice"));
        assert!(session.can("orders:read"));
        assert!(!session.can("users:read"));
        assert!(!Session::Unknown.identity().authenticated);
        assert!(!Session::SigningOut.can("orders:read"));
        assert_eq!(Session::SignedOut { reason: None }.display_name(), None);
    }

    #[test]
    fn only_expiry_and_signing_out_elsewhere_are_explained_on_the_sign_in_page() {
        let expired = Session::SignedOut {
            reason: Some(SignOutReason::SessionExpired),
        };
        assert_eq!(expired.sign_out_notice(), Some(SignOutNotice::SessionExpired));
        let by_user = Session::SignedOut {
            reason: Some(SignOutReason::UserSignedOut),
        };
        assert_eq!(by_user.sign_out_notice(), None);
        assert_eq!(Session::SignedOut { reason: None }.sign_out_notice(), None);
    }
}
