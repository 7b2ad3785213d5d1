//! The session as a state machine: unknown while bootstrapping, then signed out or signed in.
//!
//! The token is deliberately absent: it lives in `http` and nowhere else.

use shared_types::IdentityContext;

/// Where the session stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// Bootstrap in flight: render a skeleton.
    Unknown,
    /// Nobody is signed in.
    SignedOut { reason: Option<SignOutReason> },
    /// A user is signed in; the token lives in `http`, not here.
    SignedIn { identity: IdentityContext },
}

/// Why the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOutReason {
    /// The user pressed "Sign out".
    UserSignedOut,
    /// The refresh session ended (expired, revoked or replayed).
    SessionExpired,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_signed_in_session_exposes_an_identity() {
        let identity = IdentityContext {
            display_name: "Alice".into(),
            ..IdentityContext::anonymous()
        }
        .signed_in();
        let session = Session::SignedIn {
            identity: identity.clone(),
        };
        assert_eq!(session.identity(), identity);
        assert_eq!(session.display_name(), Some("Alice"));
        assert!(!Session::Unknown.identity().authenticated);
        assert_eq!(Session::SignedOut { reason: None }.display_name(), None);
    }
}
