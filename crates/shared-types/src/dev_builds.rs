//! What `cargo xtask dev` tells a running development shell about its remote builds.
//!
//! The dev loop writes one [`DevBuilds`] document (as JSON) after every change of a remote build's state; the API,
//! started by the loop with `--dev-builds <file>`, streams it to the page as Server-Sent Events at
//! [`DEV_BUILDS_URL`]. A shell built with dev tools swaps a remote in place when the manifest of its latest build is
//! not the one the page runs, and shows a build failure over the page until the next successful build. Release
//! builds of the shell (without the `dev-tools` feature) never open this channel, and an API without `--dev` and
//! `--dev-builds` does not serve it.

use serde::{Deserialize, Serialize};

use crate::manifest::RemoteManifest;

/// Where the API streams the dev loop's build states (only when started with `--dev-builds`).
pub const DEV_BUILDS_URL: &str = "/api/dev/builds";

/// The state of every remote the dev loop builds, in the order it lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevBuilds {
    pub remotes: Vec<DevRemoteBuild>,
}

/// One remote's latest development build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevRemoteBuild {
    /// The remote's registry name.
    pub remote: String,
    /// A build of the remote is under way.
    pub building: bool,
    /// What the latest finished build gave.
    pub outcome: DevBuildOutcome,
}

/// How a remote's latest finished development build ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DevBuildOutcome {
    /// Built; this manifest is served now.
    Built(Box<RemoteManifest>),
    /// Did not build; the previous build (if any) is still served.
    Failed(DevBuildFailure),
}

/// Why a remote did not build: the compiler's first error, or another step's failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevBuildFailure {
    /// Where the first error is, when the compiler named a place.
    pub location: Option<SourceLocation>,
    /// The error in one line, as the compiler or the failing step worded it.
    pub message: String,
    /// The full text the compiler printed for it (code excerpt and notes), without terminal colours.
    pub detail: String,
}

/// A place in the workspace's sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    /// As the compiler names it: relative to the workspace root for the workspace's own files (absolute for files
    /// elsewhere, such as a dependency's), with `/` separators.
    pub file: String,
    /// 1-based.
    pub line: u32,
    /// 1-based.
    pub column: u32,
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

impl DevBuilds {
    /// The entry of `remote`, if the loop built it at least once.
    pub fn remote(&self, remote: &str) -> Option<&DevRemoteBuild> {
        self.remotes.iter().find(|build| build.remote == remote)
    }

    /// Records `build`, replacing the entry of the same remote.
    pub fn record(&mut self, build: DevRemoteBuild) {
        match self.remotes.iter_mut().find(|known| known.remote == build.remote) {
            Some(known) => *known = build,
            None => self.remotes.push(build),
        }
    }

    /// The remotes whose latest build failed, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &DevBuildFailure)> {
        self.remotes.iter().filter_map(|build| match &build.outcome {
            DevBuildOutcome::Failed(failure) => Some((build.remote.as_str(), failure)),
            DevBuildOutcome::Built(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(remote: &str) -> DevRemoteBuild {
        DevRemoteBuild {
            remote: remote.into(),
            building: false,
            outcome: DevBuildOutcome::Failed(DevBuildFailure {
                location: Some(SourceLocation {
                    file: "remotes/orders/src/lib.rs".into(),
                    line: 12,
                    column: 5,
                }),
                message: "mismatched types".into(),
                detail: String::new(),
            }),
        }
    }

    #[test]
    fn recording_replaces_the_same_remote_and_keeps_the_order() {
        let mut builds = DevBuilds::default();
        builds.record(failed("orders"));
        builds.record(failed("admin"));
        builds.record(DevRemoteBuild {
            building: true,
            ..failed("orders")
        });
        assert_eq!(builds.remotes.len(), 2);
        assert_eq!(builds.remotes[0].remote, "orders");
        assert!(builds.remote("orders").is_some_and(|build| build.building));
        assert_eq!(builds.failures().count(), 2);
    }

    #[test]
    fn a_location_reads_like_the_compiler_writes_it() {
        let DevBuildOutcome::Failed(failure) = failed("orders").outcome else {
            unreachable!()
        };
        assert_eq!(failure.location.unwrap().to_string(), "remotes/orders/src/lib.rs:12:5");
    }
}
