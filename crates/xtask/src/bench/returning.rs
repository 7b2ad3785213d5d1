//! The returning visitor after a deploy: one remote released again, priced in bytes on the wire.
//!
//! Both products get the same release: the dashboard remote's sentence changes ("You have" becomes "Now you have").
//! Portico builds it with `build-remote dashboard` in a copy of the workspace, into a copy of `dist/` (dictionary
//! variants included), as a team's deploy would. The peer applies the change to a copy of its sources, rebuilds
//! with rspack, and deploys only its dashboard remote's directory. Each run serves a fresh copy of the current
//! release, signs in and shows the dashboard (the browser caches what it fetched), deploys the new dashboard under
//! the open browser, then signs in again in the same profile and counts what that page load transferred.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use super::probe::{self, Product};
use super::report::{Row, Unit};
use crate::bench_api::start_release_api;
use crate::rehearsal::{self, SourceChange};
use crate::{compress, process};

/// The dashboard's sentence before and after the release, in both products.
const DASHBOARD_TEXT: (&str, &str) = ("You have", "Now you have");
/// What the released dashboard shows for alice.
const RELEASED_DASHBOARD: &str = "Now you have 3 orders";
/// Bytes do not vary between runs beyond a few header bytes; three runs show that they do not.
const RUNS: usize = 3;

/// The row "returning visit after a dashboard release", Portico against the peer.
pub fn rows(root: &Path, dist: &Path, peer_dir: &Path, runtime: &tokio::runtime::Runtime) -> Result<Vec<Row>> {
    let scratch = root.join("target/bench");
    let portico_release = rehearsal::release(
        root,
        dist,
        &scratch.join("portico-release"),
        &SourceChange {
            remote: "dashboard",
            file: "remotes/dashboard/src/text.rs",
            replace: DASHBOARD_TEXT,
        },
        None,
    )?;
    let peer_release = peer_release(peer_dir, &scratch.join("peer-release"))?;
    let peer_dist = peer_dir.join("dist");

    let (mut portico_bytes, mut peer_bytes) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        eprintln!("bench: returning visit after a release, {} of {RUNS}", run + 1);
        portico_bytes.push(visit_and_release(runtime, "Portico", dist, &portico_release, true)?);
        peer_bytes.push(visit_and_release(runtime, "peer", &peer_dist, &peer_release, false)?);
    }
    Ok(vec![
        Row::new(
            "returning visit after a dashboard release: bytes transferred",
            Unit::Bytes,
            &portico_bytes,
            &peer_bytes,
        )
        .charted(),
    ])
}

/// One returning visit on a fresh copy of `current`, with `release`'s dashboard deployed in between.
fn visit_and_release(
    runtime: &tokio::runtime::Runtime,
    name: &'static str,
    current: &Path,
    release: &Path,
    has_registry: bool,
) -> Result<f64> {
    let site = tempfile::tempdir()?;
    e2e::copy_tree(current, site.path())?;
    let (server, _data) = start_release_api(Some(site.path()))?;
    let product = Product {
        name,
        url: server.url.clone(),
        dashboard_ready: "You have 3 orders",
        has_orders: false,
    };
    let deploy = || deploy_dashboard(release, site.path(), has_registry);
    runtime
        .block_on(probe::returning_visit(&product, deploy, RELEASED_DASHBOARD))
        .with_context(|| format!("returning visit to {name}"))
}

/// Copies the release's dashboard directory (and Portico's registry, which names the new manifest) over the site.
fn deploy_dashboard(release: &Path, site: &Path, has_registry: bool) -> Result<()> {
    let dashboard = Path::new("remotes").join("dashboard");
    e2e::copy_tree(&release.join(&dashboard), &site.join(&dashboard))?;
    if has_registry {
        for file in ["remotes.json", "remotes.json.br", "remotes.json.gz"] {
            std::fs::copy(release.join(file), site.join(file))?;
        }
    }
    Ok(())
}

/// The peer rebuilt from a copy of its sources with the dashboard's text changed; returns its `dist/`, compressed
/// as the server expects.
fn peer_release(peer_dir: &Path, scratch: &Path) -> Result<PathBuf> {
    if scratch.exists() {
        std::fs::remove_dir_all(scratch)?;
    }
    std::fs::create_dir_all(scratch)?;
    e2e::copy_tree(&peer_dir.join("src"), &scratch.join("src"))?;
    for file in ["package.json", "package-lock.json", "rspack.config.mjs"] {
        std::fs::copy(peer_dir.join(file), scratch.join(file))?;
    }
    std::os::unix::fs::symlink(peer_dir.join("node_modules"), scratch.join("node_modules"))?;
    let dashboard = scratch.join("src/dashboard/Dashboard.jsx");
    let source = std::fs::read_to_string(&dashboard)?;
    let (from, to) = DASHBOARD_TEXT;
    anyhow::ensure!(source.contains(from), "the peer's dashboard no longer says {from:?}");
    std::fs::write(&dashboard, source.replace(from, to))?;
    process::run(Command::new("npm").current_dir(scratch).args(["run", "build"]))?;
    let dist = scratch.join("dist");
    compress::precompress(&dist)?;
    Ok(dist)
}
