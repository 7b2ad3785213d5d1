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
/// Where the orders heading is written.
const ORDERS_LIST: &str = "remotes/orders/src/list.rs";
/// Directories, at any depth, not copied into the rehearsal workspace (build output, data, packages).
const NOT_SOURCES: [&str; 6] = ["target", "dist", "dist-remotes", "data", ".git", "node_modules"];

/// Builds the next release into `target/rehearsal/dist` and returns that directory.
pub fn prepare(root: &Path, dist: &Path) -> Result<PathBuf> {
    let rehearsal = root.join("target/rehearsal");
    if rehearsal.exists() {
        fs::remove_dir_all(&rehearsal).with_context(|| format!("could not clear {}", rehearsal.display()))?;
    }
    let workspace = rehearsal.join("workspace");
    copy_sources(root, &workspace)?;
    let list = workspace.join(ORDERS_LIST);
    let source = fs::read_to_string(&list)?;
    ensure!(
        source.contains(ORDERS_HEADING.0),
        "{ORDERS_LIST} no longer has the heading {}",
        ORDERS_HEADING.0
    );
    fs::write(&list, source.replace(ORDERS_HEADING.0, ORDERS_HEADING.1))?;
    new_remote::scaffold(&workspace, "billing")?;

    let next = rehearsal.join("dist");
    e2e::copy_tree(dist, &next)?;
    let shell_before = shell_files(&next)?;
    let target = rehearsal.join("target");
    seed_target(&build::target_dir(root), &target)?;
    for name in ["orders", "billing"] {
        build::build_remote_with_target(&workspace, &target, name, &next)?;
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
    println!("rehearsed a release of `orders` and a new `billing` remote; the shell's files are byte-identical");
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
fn copy_sources(from: &Path, to: &Path) -> Result<()> {
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
    let mut files = BTreeMap::new();
    for path in compress::files_under(dist)? {
        let relative = path.strip_prefix(dist)?.to_owned();
        let remote_owned =
            relative.starts_with("remotes") || relative.to_str().is_some_and(|name| name.starts_with("remotes.json"));
        if !remote_owned {
            files.insert(relative, Sha256::digest(fs::read(&path)?).to_vec());
        }
    }
    Ok(files)
}

fn changed(before: &BTreeMap<PathBuf, Vec<u8>>, after: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .cloned()
        .collect()
}
