//! The version of the shell–remote contract, `MAJOR.MINOR`: a remote built for another major version is refused;
//! a newer minor version is accepted, so the contract can grow by additions without a lock-step release.
//!
//! It travels as a string (`"2.0"`) in `remote.json` and from a remote's exported `contract()` function.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The contract this build of shared-types describes. Bump the major version for any change a remote built
/// against the old one could not handle; bump the minor version for additions it can ignore. 2.1 added
/// capabilities (`FetchReply::Denied`, manifest `capabilities`, registry `grants`) and isolated frames.
pub const CONTRACT_VERSION: ContractVersion = ContractVersion { major: 2, minor: 1 };

/// A contract version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContractVersion {
    /// Incompatible changes.
    pub major: u32,
    /// Backwards-compatible additions.
    pub minor: u32,
}

/// A contract version string that is not `MAJOR.MINOR`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a contract version like 2.0")]
pub struct BadContractVersion(pub String);

impl ContractVersion {
    /// Reads `MAJOR.MINOR`, both plain decimal numbers.
    pub fn parse(text: &str) -> Result<Self, BadContractVersion> {
        let number = |part: &str| {
            (!part.is_empty() && part.len() <= 9 && part.chars().all(|c| c.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        };
        text.split_once('.')
            .and_then(|(major, minor)| {
                Some(Self {
                    major: number(major)?,
                    minor: number(minor)?,
                })
            })
            .ok_or_else(|| BadContractVersion(text.chars().take(32).collect()))
    }

    /// Whether a shell speaking `self` can run a remote built for `remote`: same major version, any minor.
    pub fn accepts(&self, remote: &ContractVersion) -> bool {
        self.major == remote.major
    }
}

impl fmt::Display for ContractVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl TryFrom<String> for ContractVersion {
    type Error = BadContractVersion;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<ContractVersion> for String {
    fn from(version: ContractVersion) -> Self {
        version.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_and_print_as_major_dot_minor() {
        assert_eq!(
            ContractVersion::parse("2.0"),
            Ok(ContractVersion { major: 2, minor: 0 })
        );
        assert_eq!(ContractVersion::parse("12.34").unwrap().to_string(), "12.34");
        for bad in ["", "2", "2.", ".1", "2.0.1", "v2.0", "-1.0", "2.x", "99999999999.0"] {
            assert!(ContractVersion::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_same_major_with_any_minor_is_accepted_and_another_major_is_not() {
        let shell = ContractVersion { major: 2, minor: 1 };
        assert!(shell.accepts(&ContractVersion { major: 2, minor: 0 }));
        assert!(
            shell.accepts(&ContractVersion { major: 2, minor: 7 }),
            "newer minor: additive"
        );
        assert!(!shell.accepts(&ContractVersion { major: 3, minor: 0 }));
        assert!(!shell.accepts(&ContractVersion { major: 1, minor: 9 }));
    }

    #[test]
    fn versions_travel_as_strings() {
        assert_eq!(
            serde_json::to_string(&CONTRACT_VERSION).unwrap(),
            format!("\"{CONTRACT_VERSION}\"")
        );
        assert!(serde_json::from_str::<ContractVersion>("2").is_err());
    }
}
