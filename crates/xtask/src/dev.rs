//! `cargo xtask dev`: the local development loop.
//!
//! Installs missing tools, builds the remotes, starts the API in dev mode on 127.0.0.1:3000 (seeded SQLite under
//! `data/`), and runs `trunk serve` on 127.0.0.1:8080, which proxies `/api` to it and rebuilds the shell when the
//! shell changes. This loop rebuilds a remote when its sources change. Ctrl-C stops every process it started.
//! Everything it builds goes under `target/` ([`build::DEV_DIST`], [`build::DEV_REMOTES`]); `dist/` stays the
//! release build's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};

use crate::build;
use crate::process::{self, Server, cargo};
use crate::{tools, workspace_root};

const DEV_URL: &str = "http://127.0.0.1:8080";

struct Trunk(Child);

impl Drop for Trunk {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the loop with the API in `session_mode` (`token` or `cookie`).
pub fn run(session_mode: &str) -> Result<()> {
    tools::ensure_all(tools::Needs {
        wasm: true,
        browser: false,
    })?;
    let root = workspace_root();
    let remotes = build::remote_names(&root)?;
    for name in &remotes {
        build::build_remote_for_dev(&root, name)?;
    }
    process::run(cargo().current_dir(&root).args(["build", "--package", "api"]))?;

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).context("installing the Ctrl-C handler")?;

    let _api = Server::start_api(
        &root.join("target/debug/api"),
        &[
            "--dev",
            "--addr",
            "127.0.0.1:3000",
            "--database",
            "data/portico.db",
            "--signing-key",
            "data/signing-key.pem",
            "--session-mode",
            session_mode,
        ],
    )
    .context("the API needs 127.0.0.1:3000 free (Trunk proxies /api there)")?;
    let mut trunk = Trunk(
        Command::new("trunk")
            .current_dir(&root)
            .args([
                "serve",
                "--address",
                "127.0.0.1",
                "--port",
                "8080",
                "--dist",
                build::DEV_DIST,
            ])
            .spawn()
            .context("could not start trunk serve")?,
    );

    println!("\nPortico is starting at {DEV_URL} (the first shell build takes a while), session mode {session_mode}.");
    println!(
        "Demo users (password is <name>-password): alice, bob (customers, acme), carol (admin, acme), dave (globex)."
    );
    println!("Editing a remote rebuilds it; editing the shell rebuilds the shell. Ctrl-C stops everything.\n");

    let mut seen = remotes
        .iter()
        .map(|name| (name.as_str(), newest_change(&remote_sources(&root, name))))
        .collect::<HashMap<_, _>>();
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(500));
        if let Some(status) = trunk.0.try_wait()? {
            bail!("trunk serve stopped ({status})");
        }
        for name in &remotes {
            let name = name.as_str();
            let latest = newest_change(&remote_sources(&root, name));
            if latest > seen[name] {
                seen.insert(name, latest);
                match build::build_remote_for_dev(&root, name) {
                    Ok(()) => println!("rebuilt remote `{name}`; reload the page to use it"),
                    Err(error) => eprintln!("remote `{name}` did not build: {error:#}"),
                }
            }
        }
    }
    println!("stopping the API server and trunk");
    Ok(())
}

/// The directories whose changes rebuild remote `name`.
pub fn remote_sources(root: &Path, name: &str) -> Vec<PathBuf> {
    vec![
        root.join("remotes").join(name),
        root.join("crates/remote-sdk"),
        root.join("crates/shared-types"),
    ]
}

/// The latest modification time of any file under `paths`.
pub fn newest_change(paths: &[PathBuf]) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut pending: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = pending.pop() {
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                pending.extend(entries.filter_map(|entry| entry.ok()).map(|entry| entry.path()));
            }
        } else if let Ok(modified) = metadata.modified() {
            newest = newest.max(modified);
        }
    }
    newest
}
