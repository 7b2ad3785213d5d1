//! `remote.json`: what a remote's build says about it, and the checks the shell runs before loading it.
//!
//! Parsing never trusts the file: it must be small, entry names must be plain file names next to the manifest (so a
//! manifest cannot point the shell's `import()` at another directory or another origin), every entry carries a
//! SHA-384 Subresource Integrity digest, and the contract's major version must be the shell's.

use serde::{Deserialize, Serialize};

use crate::capability::{Capabilities, CapabilityError};
use crate::contract::{CONTRACT_VERSION, ContractVersion};

/// File name of the manifest inside a remote's directory.
pub const MANIFEST_FILE: &str = "remote.json";
/// The largest manifest the shell reads; real ones are a few hundred bytes.
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;
/// Length of the base64 part of a SHA-384 digest.
const SHA384_BASE64_CHARS: usize = 64;

/// A remote's manifest, emitted by its build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteManifest {
    /// Remote name, e.g. `orders`; lowercase letters, digits and `-`.
    pub name: String,
    /// The remote's own version (its crate version).
    pub version: String,
    /// The contract version it was built against; its major version must be the shell's.
    pub contract: ContractVersion,
    /// Content-hashed file name of the JS glue, relative to the manifest.
    pub entry_js: String,
    /// SRI digest of the JS glue, `sha384-<base64>`.
    pub entry_js_integrity: String,
    /// Content-hashed file name of the wasm module, relative to the manifest.
    pub entry_wasm: String,
    /// SRI digest of the wasm module, `sha384-<base64>`.
    pub entry_wasm_integrity: String,
    /// Content-hashed file name of the remote's stylesheet, relative to the manifest, when it ships one. The build
    /// scopes every rule in it to the remote's mount point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_css: Option<String>,
    /// SRI digest of the stylesheet, `sha384-<base64>`; present exactly when `entry_css` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_css_integrity: Option<String>,
    /// Route patterns the remote serves, e.g. `/orders/:id`.
    pub routes: Vec<String>,
    /// Permissions a user needs for the remote to be useful.
    pub permissions: Vec<String>,
    /// The host capabilities the remote needs (API calls, events); it gets those the registry also grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
}

/// Why a manifest was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The text was not JSON of the expected shape.
    #[error("the manifest is not valid JSON: {0}")]
    Malformed(String),
    /// The file is larger than any real manifest.
    #[error("the manifest is {0} bytes, more than a manifest may be")]
    TooLarge(usize),
    /// The remote was built against another major contract version.
    #[error("`{name}` was built for contract version {found}, but this shell speaks version {expected}")]
    ContractMismatch {
        name: String,
        found: ContractVersion,
        expected: ContractVersion,
    },
    /// An entry has no SHA-384 integrity digest, or a malformed one.
    #[error("`{file}` has no valid sha384 integrity digest")]
    InvalidIntegrity { file: String },
    /// The name is empty or has characters other than lowercase letters, digits and `-`.
    #[error("`{0}` is not a valid remote name")]
    InvalidName(String),
    /// The manifest describes a different remote than the registry asked for.
    #[error("expected the manifest of `{expected}` but it describes `{found}`")]
    WrongRemote { expected: String, found: String },
    /// An entry is not a plain file name with the expected extension.
    #[error("`{file}` is not a plain `{extension}` file name next to the manifest")]
    InvalidEntry { file: String, extension: &'static str },
    /// A stylesheet digest is given but no stylesheet.
    #[error("`entry_css_integrity` is given without `entry_css`")]
    StrayIntegrity,
    /// A declared capability is malformed.
    #[error("{0}")]
    InvalidCapability(CapabilityError),
    /// A route does not start with `/`.
    #[error("route `{0}` is not an absolute in-app path")]
    InvalidRoute(String),
}

impl RemoteManifest {
    /// Parses and validates a manifest that the registry listed under `expected_name`.
    pub fn parse(json: &str, expected_name: &str) -> Result<Self, ManifestError> {
        if json.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::TooLarge(json.len()));
        }
        let manifest: RemoteManifest =
            crate::json::from_str(json).map_err(|error| ManifestError::Malformed(error.to_string()))?;
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
        if !CONTRACT_VERSION.accepts(&self.contract) {
            return Err(ManifestError::ContractMismatch {
                name: self.name.clone(),
                found: self.contract,
                expected: CONTRACT_VERSION,
            });
        }
        check_entry(&self.entry_js, ".js")?;
        check_entry(&self.entry_wasm, ".wasm")?;
        check_integrity(&self.entry_js, &self.entry_js_integrity)?;
        check_integrity(&self.entry_wasm, &self.entry_wasm_integrity)?;
        match (&self.entry_css, &self.entry_css_integrity) {
            (None, None) => {}
            (Some(css), Some(digest)) => {
                check_entry(css, ".css")?;
                check_integrity(css, digest)?;
            }
            (Some(css), None) => return Err(ManifestError::InvalidIntegrity { file: css.clone() }),
            (None, Some(_)) => return Err(ManifestError::StrayIntegrity),
        }
        if let Some(capabilities) = &self.capabilities {
            capabilities.validate().map_err(ManifestError::InvalidCapability)?;
        }
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
        (
            next_to(manifest_url, &self.entry_js),
            next_to(manifest_url, &self.entry_wasm),
        )
    }

    /// Root-relative URL and digest of the stylesheet, when the remote ships one.
    pub fn stylesheet(&self, manifest_url: &str) -> Option<(String, &str)> {
        let file = self.entry_css.as_deref()?;
        let digest = self.entry_css_integrity.as_deref()?;
        Some((next_to(manifest_url, file), digest))
    }

    /// Whether one of the remote's route patterns matches `path` (a path without query).
    pub fn serves(&self, path: &str) -> bool {
        self.routes.iter().any(|pattern| route_matches(pattern, path))
    }
}

/// `file` in the directory of `manifest_url`.
fn next_to(manifest_url: &str, file: &str) -> String {
    let directory = match manifest_url.rfind('/') {
        Some(slash) => &manifest_url[..=slash],
        None => "/",
    };
    format!("{directory}{file}")
}

/// Whether a route pattern such as `/orders/:id` matches `path`: the same number of segments, literal segments
/// equal, and each `:param` segment non-empty. A trailing slash on the path is ignored.
pub fn route_matches(pattern: &str, path: &str) -> bool {
    let segments = |text: &str| -> Vec<String> {
        text.trim_end_matches('/')
            .split('/')
            .skip(1)
            .map(str::to_owned)
            .collect()
    };
    let (pattern, path) = (segments(pattern), segments(path));
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(expected, found)| {
            if expected.starts_with(':') {
                !found.is_empty()
            } else {
                expected == found
            }
        })
}

/// Whether `name` is a non-empty run of lowercase ASCII letters, digits and `-`.
pub fn is_valid_remote_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Whether `digest` is a well-formed `sha384-<base64>` SRI value (the browser checks that it matches).
pub fn is_sha384_integrity(digest: &str) -> bool {
    digest.strip_prefix("sha384-").is_some_and(|base64| {
        base64.len() == SHA384_BASE64_CHARS
            && base64
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
    })
}

fn check_integrity(file: &str, digest: &str) -> Result<(), ManifestError> {
    if is_sha384_integrity(digest) {
        Ok(())
    } else {
        Err(ManifestError::InvalidIntegrity { file: file.to_owned() })
    }
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

    fn digest(fill: char) -> String {
        format!("sha384-{}", fill.to_string().repeat(64))
    }

    fn manifest() -> RemoteManifest {
        RemoteManifest {
            name: "orders".into(),
            version: "0.1.0".into(),
            contract: CONTRACT_VERSION,
            entry_js: "remote_orders-0123abcd.js".into(),
            entry_js_integrity: digest('j'),
            entry_wasm: "remote_orders_bg-4567ef01.wasm".into(),
            entry_wasm_integrity: digest('w'),
            entry_css: None,
            entry_css_integrity: None,
            routes: vec!["/orders".into(), "/orders/:id".into()],
            permissions: vec!["orders:read".into()],
            capabilities: None,
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
    fn another_major_contract_version_is_refused_naming_both_versions() {
        let bumped = ContractVersion {
            major: CONTRACT_VERSION.major + 1,
            minor: 0,
        };
        check(
            |m| m.contract = bumped,
            Err(ManifestError::ContractMismatch {
                name: "orders".into(),
                found: bumped,
                expected: CONTRACT_VERSION,
            }),
        );
        let message = ManifestError::ContractMismatch {
            name: "orders".into(),
            found: bumped,
            expected: CONTRACT_VERSION,
        }
        .to_string();
        assert!(message.contains(&bumped.to_string()) && message.contains(&CONTRACT_VERSION.to_string()));
        let newer_minor = ContractVersion {
            minor: CONTRACT_VERSION.minor + 3,
            ..CONTRACT_VERSION
        };
        check(|m| m.contract = newer_minor, Ok(()));
    }

    #[test]
    fn entries_without_a_sha384_digest_are_refused() {
        for bad in [
            "",
            "sha256-abc",
            "sha384-",
            "sha384-short",
            &format!("sha384-{}", "*".repeat(64)),
        ] {
            check(
                |m| m.entry_wasm_integrity = bad.into(),
                Err(ManifestError::InvalidIntegrity {
                    file: "remote_orders_bg-4567ef01.wasm".into(),
                }),
            );
        }
    }

    #[test]
    fn bad_input_gives_a_clear_error() {
        let json = serde_json::to_string(&manifest()).unwrap();
        let missing = json.replace(r#""entry_js_integrity""#, r#""unrelated""#);
        let error = RemoteManifest::parse(&missing, "orders").unwrap_err();
        assert!(error.to_string().contains("entry_js_integrity"), "{error}");
        let wrong_type = json.replace(r#""routes":["/orders","/orders/:id"]"#, r#""routes":"/orders""#);
        assert!(matches!(
            RemoteManifest::parse(&wrong_type, "orders"),
            Err(ManifestError::Malformed(_))
        ));
        let unknown_version = json.replace(&format!(r#""contract":"{CONTRACT_VERSION}""#), r#""contract":"two""#);
        let error = RemoteManifest::parse(&unknown_version, "orders").unwrap_err();
        assert!(error.to_string().contains("two"), "{error}");
        let huge = format!("{json}{}", " ".repeat(MAX_MANIFEST_BYTES));
        assert_eq!(
            RemoteManifest::parse(&huge, "orders"),
            Err(ManifestError::TooLarge(huge.len()))
        );
    }

    #[test]
    fn a_stylesheet_needs_a_plain_css_name_and_its_own_digest() {
        fn with_css(css: Option<&str>, digest: Option<String>) -> impl FnOnce(&mut RemoteManifest) {
            let css = css.map(str::to_owned);
            move |m: &mut RemoteManifest| {
                m.entry_css = css;
                m.entry_css_integrity = digest;
            }
        }
        check(with_css(Some("style-0123abcd.css"), Some(digest('c'))), Ok(()));
        check(
            with_css(Some("style-0123abcd.css"), None),
            Err(ManifestError::InvalidIntegrity {
                file: "style-0123abcd.css".into(),
            }),
        );
        check(with_css(None, Some(digest('c'))), Err(ManifestError::StrayIntegrity));
        check(
            with_css(Some("../shell.css"), Some(digest('c'))),
            Err(ManifestError::InvalidEntry {
                file: "../shell.css".into(),
                extension: ".css",
            }),
        );
        let mut styled = manifest();
        with_css(Some("style-0123abcd.css"), Some(digest('c')))(&mut styled);
        let (url, integrity) = styled.stylesheet("/remotes/orders/remote.json").unwrap();
        assert_eq!(url, "/remotes/orders/style-0123abcd.css");
        assert_eq!(integrity, digest('c'));
        assert_eq!(manifest().stylesheet("/remotes/orders/remote.json"), None);
    }

    #[test]
    fn route_patterns_match_whole_segments() {
        let orders = manifest();
        assert!(orders.serves("/orders"));
        assert!(orders.serves("/orders/"));
        assert!(orders.serves("/orders/42"));
        assert!(!orders.serves("/orders/42/edit"));
        assert!(!orders.serves("/ordersx"));
        assert!(!orders.serves("/"));
        assert!(route_matches("/billing", "/billing"));
        assert!(!route_matches("/billing/:id", "/billing//"));
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
