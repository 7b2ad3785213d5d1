//! A remote team's release, rehearsed by `cargo xtask test` against the build in `dist/`.
//!
//! In a copy of the workspace, the orders remote's heading changes and `new-remote billing` adds a remote; both are
//! built with `build-remote` into a copy of `dist/`, exactly as a team would publish them. The step then checks
//! that the shell's files are byte-identical, and hands the result to the journeys that open it in a browser
//! (`PORTICO_NEXT_RELEASE`): a page opened before the release keeps the old orders, a new page shows the new one,
//! and `/billing` mounts with no other step.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, ensure};
use sha2::{Digest, Sha256};

use crate::{build, compress, dictionaries, new_remote};

/// The orders heading before and after the rehearsed release (the journeys look for both).
pub const ORDERS_HEADING: (&str, &str) = ("\"Your orders\"", "\"Your orders, next release\"");
/// Directories, at any depth, not copied into the rehearsal workspace (build output, data, packages).
const NOT_SOURCES: [&str; 5] = ["target", "dist", "data", ".git", "node_modules"];

/// A change to one remote's sources: the next release a team publishes.
pub struct SourceChange {
    /// The remote that is released again.
    pub remote: &'static str,
    /// The changed file, relative to the workspace.
    pub file: &'static str,
    /// Text replaced (every occurrence), and its replacement.
    pub replace: (&'static str, &'static str),
}

/// The orders release that `cargo xtask test` rehearses.
const ORDERS_RELEASE: SourceChange = SourceChange {
    remote: "orders",
    file: "remotes/orders/src/text.rs",
    replace: ORDERS_HEADING,
};

/// Builds the next release into `target/rehearsal/dist` and returns that directory.
pub fn prepare(root: &Path, dist: &Path) -> Result<PathBuf> {
    let next = release(
        root,
        dist,
        &root.join("target/rehearsal"),
        &ORDERS_RELEASE,
        Some("billing"),
    )?;
    println!("rehearsed a release of `orders` and a new `billing` remote; the shell's files are byte-identical");
    Ok(next)
}

/// In a copy of the workspace under `scratch`, applies `change` (and scaffolds `new_remote`), then builds those
/// remotes with `build-remote` into `scratch/dist`, a copy of `dist`, and checks that the shell's files stayed
/// byte-identical. Returns `scratch/dist`.
pub fn release(
    root: &Path,
    dist: &Path,
    scratch: &Path,
    change: &SourceChange,
    new_remote: Option<&str>,
) -> Result<PathBuf> {
    if scratch.exists() {
        fs::remove_dir_all(scratch).with_context(|| format!("could not clear {}", scratch.display()))?;
    }
    let workspace = scratch.join("workspace");
    copy_sources(root, &workspace)?;
    let changed_file = workspace.join(change.file);
    let source = fs::read_to_string(&changed_file)?;
    let (from, to) = change.replace;
    ensure!(source.contains(from), "{} no longer has the text {from}", change.file);
    fs::write(&changed_file, source.replace(from, to))?;
    if let Some(name) = new_remote {
        new_remote::scaffold(&workspace, name)?;
    }

    let next = scratch.join("dist");
    e2e::copy_tree(dist, &next)?;
    let shell_before = shell_files(&next)?;
    let target = scratch.join("target");
    seed_target(&build::target_dir(root), &target)?;
    for name in std::iter::once(change.remote).chain(new_remote) {
        build::build_remote_with_target(&workspace, &target, name, &next, build::Speed::Release)?;
        compress::precompress(&next.join("remotes").join(name))?;
        dictionaries::write_variants(&next, &next.join("remotes").join(name))?;
    }
    compress::precompress_file(&next.join("remotes.json"))?;
    let shell_after = shell_files(&next)?;
    ensure!(
        shell_before == shell_after,
        "build-remote changed the shell's files: {:?}",
        changed(&shell_before, &shell_after)
    );
    Ok(next)
}

/// Copies the compiled dependencies of the wasm profile (host tools and wasm32) into the rehearsal's own target
/// directory, timestamps kept, so only the rehearsal's own crates compile. It must be a separate directory: a
/// `cdylib`'s output has no hash in its name, so a shared one would leave the rehearsal's orders where the real
/// build looks for its own.
fn seed_target(main: &Path, target: &Path) -> Result<()> {
    for profile in [
        PathBuf::from(build::WASM_PROFILE),
        Path::new("wasm32-unknown-unknown").join(build::WASM_PROFILE),
    ] {
        let from = main.join(&profile);
        if !from.is_dir() {
            continue;
        }
        let to = target.join(&profile);
        fs::create_dir_all(to.parent().context("a profile directory has a parent")?)?;
        let status = Command::new("cp")
            .arg("-a")
            .arg(&from)
            .arg(&to)
            .status()
            .context("could not run `cp -a`")?;
        ensure!(status.success(), "copying {} failed ({status})", from.display());
    }
    Ok(())
}

/// Every file of the workspace except build output, installed packages and version control.
pub fn copy_sources(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if NOT_SOURCES.iter().any(|skip| name == *skip) {
            continue;
        }
        let destination = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_sources(&entry.path(), &destination)?;
        } else {
            fs::copy(entry.path(), &destination)?;
        }
    }
    Ok(())
}

/// SHA-256 of every file that is not a remote's (everything but `remotes/` and `remotes.json`).
fn shell_files(dist: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    file_digests(dist, |relative| {
        !(relative.starts_with("remotes") || relative.to_str().is_some_and(|name| name.starts_with("remotes.json")))
    })
}

/// SHA-256 of every file under `dir` whose path relative to it `keep` accepts (nothing when `dir` does not exist).
pub fn file_digests(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    for path in compress::files_under(dir)? {
        let relative = path.strip_prefix(dir)?.to_owned();
        if keep(&relative) {
            files.insert(relative, Sha256::digest(fs::read(&path)?).to_vec());
        }
    }
    Ok(files)
}

/// The files that differ between two [`file_digests`]: changed, added or removed.
pub fn changed(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .cloned()
        .collect()
}
