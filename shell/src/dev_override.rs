//! Development overrides: one developer points one remote at another manifest (say, a build served from their
//! machine) in their own browser only.
//!
//! The request arrives as the query parameter `portico-override=<remote>@<manifest URL>` (`<remote>@` or `off`
//! removes overrides). Only shells built with dev tools (debug builds, or the `dev-tools` feature, which must never
//! be deployed) read it; release builds ignore it entirely. An overridden remote is still integrity-checked, against
//! its own manifest, and an absolute URL must be on this machine (loopback), so a crafted link cannot point a
//! developer's browser at someone else's code.

use shared_types::manifest::is_valid_remote_name;

/// The query parameter that sets or clears an override.
pub const OVERRIDE_PARAMETER: &str = "portico-override";
/// The query parameter that opens the debug overlay.
pub const DEBUG_PARAMETER: &str = "portico-debug";

/// One remote loaded from another manifest than the registry's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Override {
    /// The remote's name, as in the registry.
    pub remote: String,
    /// An absolute `http(s)` URL or a root-relative path of a `remote.json`.
    pub manifest_url: String,
}

/// What a `portico-override` value asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideRequest {
    /// Load `remote` from this manifest from now on.
    Set(Override),
    /// Stop overriding `remote`.
    Clear(String),
    /// Stop overriding every remote.
    ClearAll,
}

/// Why a `portico-override` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    /// The value is not `<remote>@<manifest URL>`.
    #[error("`{0}` is not `<remote>@<manifest URL>`")]
    Malformed(String),
    /// The remote name is not a valid registry name.
    #[error("`{0}` is not a valid remote name")]
    InvalidRemote(String),
    /// The URL is neither a loopback `http(s)://…` URL nor a root-relative path, or does not name a `.json` file.
    #[error("`{0}` is not a root-relative or loopback (127.0.0.1, localhost, [::1]) URL of a remote.json")]
    InvalidUrl(String),
}

/// Parses the value of the `portico-override` query parameter.
pub fn parse_override(value: &str) -> Result<OverrideRequest, OverrideError> {
    let value = value.trim();
    if value == "off" {
        return Ok(OverrideRequest::ClearAll);
    }
    let (remote, url) = value
        .split_once('@')
        .ok_or_else(|| OverrideError::Malformed(value.to_owned()))?;
    if !is_valid_remote_name(remote) {
        return Err(OverrideError::InvalidRemote(remote.to_owned()));
    }
    if url.is_empty() {
        return Ok(OverrideRequest::Clear(remote.to_owned()));
    }
    let scheme_ok = is_loopback_url(url) || (url.starts_with('/') && !url.starts_with("//"));
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if !scheme_ok || !path.ends_with(".json") || url.chars().any(|c| c.is_whitespace() || c == '"' || c == '<') {
        return Err(OverrideError::InvalidUrl(url.to_owned()));
    }
    Ok(OverrideRequest::Set(Override {
        remote: remote.to_owned(),
        manifest_url: url.to_owned(),
    }))
}

/// Whether `url` is `http(s)://` on 127.0.0.1, localhost or [::1], with any port.
fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if let Some(port) = authority.strip_prefix("[::1]") {
        return port.is_empty() || is_port(port);
    }
    let host = authority.split(':').next().unwrap_or_default();
    let port = &authority[host.len()..];
    matches!(host, "127.0.0.1" | "localhost") && (port.is_empty() || is_port(port))
}

fn is_port(text: &str) -> bool {
    text.strip_prefix(':')
        .is_some_and(|digits| !digits.is_empty() && digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// `overrides` after applying `request`: at most one override per remote, the newest winning.
pub fn apply(mut overrides: Vec<Override>, request: OverrideRequest) -> Vec<Override> {
    match request {
        OverrideRequest::Set(new) => {
            overrides.retain(|known| known.remote != new.remote);
            overrides.push(new);
        }
        OverrideRequest::Clear(remote) => overrides.retain(|known| known.remote != remote),
        OverrideRequest::ClearAll => overrides.clear(),
    }
    overrides
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(remote: &str, url: &str) -> OverrideRequest {
        OverrideRequest::Set(Override {
            remote: remote.into(),
            manifest_url: url.into(),
        })
    }

    #[test]
    fn a_remote_and_a_manifest_url_set_an_override() {
        assert_eq!(
            parse_override("orders@http://127.0.0.1:9000/remotes/orders/remote.json"),
            Ok(set("orders", "http://127.0.0.1:9000/remotes/orders/remote.json"))
        );
        assert_eq!(
            parse_override("orders@/next/orders/remote.json"),
            Ok(set("orders", "/next/orders/remote.json"))
        );
        assert_eq!(
            parse_override("orders@https://localhost/o/remote.json"),
            Ok(set("orders", "https://localhost/o/remote.json"))
        );
        assert_eq!(
            parse_override("orders@http://[::1]:9000/remote.json"),
            Ok(set("orders", "http://[::1]:9000/remote.json"))
        );
        assert_eq!(parse_override("orders@"), Ok(OverrideRequest::Clear("orders".into())));
        assert_eq!(parse_override("off"), Ok(OverrideRequest::ClearAll));
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        assert!(matches!(parse_override("orders"), Err(OverrideError::Malformed(_))));
        assert!(matches!(
            parse_override("Orders@/x.json"),
            Err(OverrideError::InvalidRemote(_))
        ));
        for url in [
            "javascript:alert(1)//.json",
            "//evil.example/remote.json",
            "/remotes/orders/",
            "ftp://x/remote.json",
            "https://attacker.example/remote.json",
            "http://127.0.0.1.attacker.example/remote.json",
            "http://localhost@attacker.example/remote.json",
            "http://127.0.0.1:80x/remote.json",
        ] {
            assert!(
                matches!(
                    parse_override(&format!("orders@{url}")),
                    Err(OverrideError::InvalidUrl(_))
                ),
                "{url} was accepted"
            );
        }
    }

    #[test]
    fn one_override_per_remote_and_clearing_works() {
        let first = Override {
            remote: "orders".into(),
            manifest_url: "/a/remote.json".into(),
        };
        let overrides = apply(vec![first], set("orders", "/b/remote.json"));
        assert_eq!(overrides.len(), 1);
        assert_eq!(overrides[0].manifest_url, "/b/remote.json");
        let overrides = apply(overrides, set("dashboard", "/d/remote.json"));
        assert_eq!(
            apply(overrides.clone(), OverrideRequest::Clear("orders".into())).len(),
            1
        );
        assert!(apply(overrides, OverrideRequest::ClearAll).is_empty());
    }
}
