//! The minimal identity a remote may know about the signed-in user.
//!
//! An [`IdentityContext`] never carries a token or any other secret: it is copied into every remote.

use serde::{Deserialize, Serialize};

/// Who is signed in, as far as a remote needs to know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityContext {
    /// Whether a user is signed in; when `false` every other field is empty.
    #[serde(default)]
    pub authenticated: bool,
    /// Stable user id.
    pub user_id: String,
    /// Name to greet the user with.
    pub display_name: String,
    /// Role names, for display.
    pub roles: Vec<String>,
    /// Permission names, for deciding what to offer.
    pub permissions: Vec<String>,
    /// The tenant the user belongs to.
    pub tenant: String,
    /// BCP 47 language tag.
    pub locale: String,
}

impl IdentityContext {
    /// The context handed to remotes while nobody is signed in.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// Marks an identity received from the API as signed in.
    pub fn signed_in(mut self) -> Self {
        self.authenticated = true;
        self
    }

    /// Whether the user holds `permission`, e.g. `identity.can("orders:create")`.
    pub fn can(&self, permission: &str) -> bool {
        self.authenticated && self.permissions.iter().any(|held| held == permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_identity_without_flag_parses_as_not_yet_authenticated() {
        let json = r#"{"user_id":"u1","display_name":"Alice","roles":["customer"],
            "permissions":["orders:read"],"tenant":"acme","locale":"en"}"#;
        let identity: IdentityContext = serde_json::from_str(json).unwrap();
        assert!(!identity.authenticated);
        let identity = identity.signed_in();
        assert!(identity.authenticated);
        assert!(identity.can("orders:read"));
        assert!(!identity.can("users:read"));
    }

    #[test]
    fn anonymous_context_holds_no_permissions() {
        let anonymous = IdentityContext::anonymous();
        assert!(!anonymous.authenticated);
        assert!(!anonymous.can("orders:read"));
    }

    #[test]
    fn serialized_identity_has_no_token_field() {
        let json = serde_json::to_string(&IdentityContext::anonymous()).unwrap();
        assert!(!json.contains("token"));
    }
}
