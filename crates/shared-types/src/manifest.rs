//! `remote.json`: what a remote's build says about it, and the checks the shell runs before loading it.
//!
//! Parsing never trusts the file: entry names must be plain file names next to the manifest, so a manifest cannot
//! point the shell's `import()` at another directory or another origin.

use serde::{Deserialize, Serialize};

use crate::ABI_VERSION;

/// File name of the manifest inside a remote's directory.
pub const MANIFEST_FILE: &str = "remote.json";

/// A remote's manifest, emitted by its build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteManifest {
    /// Remote name, e.g. `orders`; lowercase letters, digits and `-`.
    pub name: String,
    /// The remote's own version (its crate version).
    pub version: String,
    /// The contract version it was built against; must equal [`ABI_VERSION`].
    pub abi: u32,
    /// Content-hashed file name of the JS glue, relative to the manifest.
    pub entry_js: String,
    /// Content-hashed file name of the wasm module, relative to the manifest.
    pub entry_wasm: String,
    /// Route patterns the remote serves, e.g. `/orders/:id`.
    pub routes: Vec<String>,
    /// Permissions a user needs for the remote to be useful.
    pub permissions: Vec<String>,
}

/// Why a manifest was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The text was not JSON of the expected shape.
    #[error("the manifest is not valid JSON: {0}")]
    Malformed(String),
    /// The remote was built against another contract version.
    #[error("`{name}` was built for contract version {found}, but this shell speaks version {expected}")]
    AbiMismatch { name: String, found: u32, expected: u32 },
    /// The name is empty or has characters other than lowercase letters, digits and `-`.
    #[error("`{0}` is not a valid remote name")]
    InvalidName(String),
    /// The manifest describes a different remote than the registry asked for.
    #[error("expected the manifest of `{expected}` but it describes `{found}`")]
    WrongRemote { expected: String, found: String },
    /// An entry is not a plain file name with the expected extension.
    #[error("`{file}` is not a plain `{extension}` file name next to the manifest")]
    InvalidEntry { file: String, extension: &'static str },
    /// A route does not start with `/`.
    #[error("route `{0}` is not an absolute in-app path")]
    InvalidRoute(String),
}

impl RemoteManifest {
    /// Parses and validates a manifest that the registry listed under `expected_name`.
    pub fn parse(json: &str, expected_name: &str) -> Result<Self, ManifestError> {
        let manifest: RemoteManifest =
            serde_json::from_str(json).map_err(|error| ManifestError::Malformed(error.to_string()))?;
        manifest.validate()?;
        if manifest.name != expected_name {
            return Err(ManifestError::WrongRemote {
                expected: expected_name.to_owned(),
                found: manifest.name,
            });
        }
        Ok(manifest)
    }

    /// Checks every rule a manifest must follow.
    pub fn validate(&self) -> Result<(), ManifestError> {
        if !is_valid_remote_name(&self.name) {
            return Err(ManifestError::InvalidName(self.name.clone()));
        }
        if self.abi != ABI_VERSION {
            return Err(ManifestError::AbiMismatch {
                name: self.name.clone(),
                found: self.abi,
                expected: ABI_VERSION,
            });
        }
        check_entry(&self.entry_js, ".js")?;
        check_entry(&self.entry_wasm, ".wasm")?;
        if let Some(route) = self
            .routes
            .iter()
            .find(|route| !route.starts_with('/') || route.starts_with("//"))
        {
            return Err(ManifestError::InvalidRoute(route.clone()));
        }
        Ok(())
    }

    /// Root-relative URLs of the JS glue and the wasm module, given the manifest's own root-relative URL.
    pub fn entry_urls(&self, manifest_url: &str) -> (String, String) {
        let directory = match manifest_url.rfind('/') {
            Some(slash) => &manifest_url[..=slash],
            None => "/",
        };
        (
            format!("{directory}{}", self.entry_js),
            format!("{directory}{}", self.entry_wasm),
        )
    }
}

/// Whether `name` is a non-empty run of lowercase ASCII letters, digits and `-`.
pub fn is_valid_remote_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn check_entry(file: &str, extension: &'static str) -> Result<(), ManifestError> {
    let plain = file.len() > extension.len()
        && file.ends_with(extension)
        && !file.starts_with('.')
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        Ok(())
    } else {
        Err(ManifestError::InvalidEntry {
            file: file.to_owned(),
            extension,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> RemoteManifest {
        RemoteManifest {
            name: "orders".into(),
            version: "0.1.0".into(),
            abi: ABI_VERSION,
            entry_js: "remote_orders-0123abcd.js".into(),
            entry_wasm: "remote_orders_bg-4567ef01.wasm".into(),
            routes: vec!["/orders".into(), "/orders/:id".into()],
            permissions: vec!["orders:read".into()],
        }
    }

    fn check(change: impl FnOnce(&mut RemoteManifest), expected: Result<(), ManifestError>) {
        let mut candidate = manifest();
        change(&mut candidate);
        assert_eq!(candidate.validate(), expected);
    }

    #[test]
    fn a_built_manifest_round_trips() {
        let json = serde_json::to_string(&manifest()).unwrap();
        assert_eq!(RemoteManifest::parse(&json, "orders").unwrap(), manifest());
    }

    #[test]
    fn entries_resolve_next_to_the_manifest() {
        let (js, wasm) = manifest().entry_urls("/remotes/orders/remote.json");
        assert_eq!(js, "/remotes/orders/remote_orders-0123abcd.js");
        assert_eq!(wasm, "/remotes/orders/remote_orders_bg-4567ef01.wasm");
    }

    #[test]
    fn entries_that_leave_the_remote_directory_are_refused() {
        for bad in [
            "../shell.js",
            "/x.js",
            "https://evil.example/x.js",
            "a/b.js",
            ".js",
            "x.wasm",
            "a\\b.js",
        ] {
            check(
                |m| m.entry_js = bad.into(),
                Err(ManifestError::InvalidEntry {
                    file: bad.into(),
                    extension: ".js",
                }),
            );
        }
    }

    #[test]
    fn another_abi_version_is_refused() {
        check(
            |m| m.abi = ABI_VERSION + 1,
            Err(ManifestError::AbiMismatch {
                name: "orders".into(),
                found: ABI_VERSION + 1,
                expected: ABI_VERSION,
            }),
        );
    }

    #[test]
    fn names_and_routes_are_checked() {
        check(
            |m| m.name = "Orders".into(),
            Err(ManifestError::InvalidName("Orders".into())),
        );
        check(
            |m| m.routes = vec!["orders".into()],
            Err(ManifestError::InvalidRoute("orders".into())),
        );
        let json = serde_json::to_string(&manifest()).unwrap();
        assert!(matches!(
            RemoteManifest::parse(&json, "auth"),
            Err(ManifestError::WrongRemote { .. })
        ));
        assert!(matches!(
            RemoteManifest::parse("{", "orders"),
            Err(ManifestError::Malformed(_))
        ));
    }
}
