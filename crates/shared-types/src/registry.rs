//! `remotes.json`: the registry the shell reads at run time, mapping each remote name to its manifest URL.
//!
//! The registry is data, never compiled in, so a remote can be redeployed without rebuilding the shell. Manifest
//! URLs must be root-relative paths on the shell's own origin.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::manifest::{MANIFEST_FILE, is_valid_remote_name};

/// The parsed registry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    /// Remote name to root-relative manifest URL.
    pub remotes: BTreeMap<String, String>,
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
}

impl Registry {
    /// Parses and validates `remotes.json`.
    pub fn parse(json: &str) -> Result<Self, RegistryError> {
        let registry: Registry =
            serde_json::from_str(json).map_err(|error| RegistryError::Malformed(error.to_string()))?;
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
