//! `remotes.json`: the registry the shell reads at run time, mapping each remote name to its manifest URL.
//!
//! The registry is data, never compiled in, so a remote can be redeployed without rebuilding the shell. Manifest
//! URLs must be root-relative paths on the shell's own origin. It also chooses each remote's trust level: a remote
//! listed in `isolated` runs in a sandboxed frame, every other one in the shell's document; flipping one is an
//! edit of this file, with no rebuild of the shell or the remote.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::capability::{Capabilities, CapabilityError};
use crate::manifest::{MANIFEST_FILE, is_valid_remote_name};

/// The remote that renders `/login`: the one remote every visitor loads first. It alone may ask the host to sign
/// in, and its files serve as the compression dictionary for every other remote's first load.
pub const SIGN_IN_REMOTE: &str = "auth";

/// The parsed registry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    /// Remote name to root-relative manifest URL.
    pub remotes: BTreeMap<String, String>,
    /// Remotes that run isolated, in a sandboxed frame; the others are trusted and run in the shell's document.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub isolated: BTreeSet<String>,
    /// What each remote may ask of its host; a remote without an entry is granted nothing.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grants: BTreeMap<String, Capabilities>,
}

/// How much a remote is trusted, as the registry says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Same document as the shell (the platform team's own remotes): the fast path.
    Trusted,
    /// A sandboxed frame with an opaque origin, talking to the shell only through messages.
    Isolated,
}

/// Why a registry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The text was not JSON of the expected shape.
    #[error("the registry is not valid JSON: {0}")]
    Malformed(String),
    /// A remote name has characters other than lowercase letters, digits and `-`.
    #[error("`{0}` is not a valid remote name")]
    InvalidName(String),
    /// A manifest URL is not a plain root-relative path.
    #[error("the manifest URL of `{name}` (`{url}`) is not a root-relative path on this origin")]
    InvalidUrl { name: String, url: String },
    /// The registry lists no remote of that name.
    #[error("no remote named `{0}` is registered")]
    Unknown(String),
    /// A grant is malformed.
    #[error("the grant of `{name}` is invalid: {error}")]
    InvalidGrant { name: String, error: CapabilityError },
    /// `isolated` names a remote the registry does not list.
    #[error("`{0}` is listed as isolated but not registered")]
    UnknownIsolated(String),
}

impl Registry {
    /// Parses and validates `remotes.json`.
    pub fn parse(json: &str) -> Result<Self, RegistryError> {
        let registry: Registry =
            crate::json::from_str(json).map_err(|error| RegistryError::Malformed(error.to_string()))?;
        if let Some(stray) = registry
            .isolated
            .iter()
            .find(|name| !registry.remotes.contains_key(*name))
        {
            return Err(RegistryError::UnknownIsolated(stray.clone()));
        }
        for (name, grant) in &registry.grants {
            grant.validate().map_err(|error| RegistryError::InvalidGrant {
                name: name.clone(),
                error,
            })?;
        }
        for (name, url) in &registry.remotes {
            if !is_valid_remote_name(name) {
                return Err(RegistryError::InvalidName(name.clone()));
            }
            if !is_root_relative(url) {
                return Err(RegistryError::InvalidUrl {
                    name: name.clone(),
                    url: url.clone(),
                });
            }
        }
        Ok(registry)
    }

    /// The manifest URL of `name`.
    pub fn manifest_url(&self, name: &str) -> Result<&str, RegistryError> {
        self.remotes
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| RegistryError::Unknown(name.to_owned()))
    }

    /// What the registry grants `name` (nothing when it has no entry).
    pub fn grant(&self, name: &str) -> Capabilities {
        self.grants.get(name).cloned().unwrap_or_default()
    }

    /// The trust level of `name`.
    pub fn trust(&self, name: &str) -> Trust {
        if self.isolated.contains(name) {
            Trust::Isolated
        } else {
            Trust::Trusted
        }
    }

    /// The conventional manifest URL of a remote built into `dist/remotes/<name>/`.
    pub fn default_manifest_url(name: &str) -> String {
        format!("/remotes/{name}/{MANIFEST_FILE}")
    }
}

fn is_root_relative(url: &str) -> bool {
    url.starts_with('/')
        && !url.starts_with("//")
        && !url.contains("..")
        && url
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_maps_names_to_manifests() {
        let registry = Registry::parse(r#"{"remotes":{"orders":"/remotes/orders/remote.json"}}"#).unwrap();
        assert_eq!(registry.manifest_url("orders").unwrap(), "/remotes/orders/remote.json");
        assert_eq!(
            registry.manifest_url("billing"),
            Err(RegistryError::Unknown("billing".into()))
        );
        assert_eq!(Registry::default_manifest_url("auth"), "/remotes/auth/remote.json");
    }

    #[test]
    fn a_remote_is_trusted_unless_listed_as_isolated() {
        let registry = Registry::parse(
            r#"{"remotes":{"orders":"/remotes/orders/remote.json","auth":"/remotes/auth/remote.json"},
                "isolated":["orders"]}"#,
        )
        .unwrap();
        assert_eq!(registry.trust("orders"), Trust::Isolated);
        assert_eq!(registry.trust("auth"), Trust::Trusted);
        assert_eq!(
            Registry::parse(r#"{"remotes":{},"isolated":["orders"]}"#),
            Err(RegistryError::UnknownIsolated("orders".into()))
        );
    }

    #[test]
    fn foreign_or_relative_manifest_urls_are_refused() {
        for url in [
            "https://cdn.example/remote.json",
            "//cdn.example/r.json",
            "remotes/x.json",
            "/a/../b.json",
        ] {
            let json = format!(r#"{{"remotes":{{"orders":"{url}"}}}}"#);
            assert!(
                matches!(Registry::parse(&json), Err(RegistryError::InvalidUrl { .. })),
                "{url}"
            );
        }
        assert!(matches!(
            Registry::parse(r#"{"remotes":{"../x":"/x.json"}}"#),
            Err(RegistryError::InvalidName(_))
        ));
    }
}
