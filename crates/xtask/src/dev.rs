//! `cargo xtask dev`: the local development loop.
//!
//! Installs missing tools, builds the remotes, starts the API in dev mode on 127.0.0.1:3000 (seeded SQLite under
//! `data/`), and runs `trunk serve` on 127.0.0.1:8080, which proxies `/api` to it, rebuilds the shell when the shell
//! changes and reloads the page (the session comes back through the refresh cookie). This loop rebuilds a remote
//! when its sources change, with the dev-speed pipeline, and publishes each remote's build state in
//! [`DEV_BUILDS_FILE`]; the API streams that file to the page (`--dev-builds`), whose shell swaps the rebuilt remote
//! in place or shows the compiler's first error over the page. Ctrl-C stops every process it started.
//! Everything it builds goes under `target/` ([`build::DEV_DIST`], [`build::DEV_REMOTES`]); `dist/` stays the
//! release build's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};
use shared_types::RemoteManifest;
use shared_types::dev_builds::{DevBuildFailure, DevBuildOutcome, DevBuilds, DevRemoteBuild};

use crate::build;
use crate::diagnostics::BuildFailed;
use crate::process::{self, Server, cargo};
use crate::{tools, workspace_root};

/// Where the development server answers.
pub const DEV_URL: &str = "http://127.0.0.1:8080";
/// Where the loop publishes the remotes' build states for the API to stream.
pub const DEV_BUILDS_FILE: &str = "target/dev-builds.json";
/// How often the loop looks for changed sources.
pub const WATCH_EVERY: Duration = Duration::from_millis(100);

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
    let mut builds = PublishedBuilds::new(root.join(DEV_BUILDS_FILE));
    for name in &remotes {
        builds.rebuild(name, || build::build_remote_for_dev(&root, name));
    }
    process::run(cargo().current_dir(&root).args(["build", "--package", "api"]))?;
    let builds_file = builds.path.to_string_lossy().into_owned();

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).context("installing the Ctrl-C handler")?;

    let _api = Server::start_api(
        &build::target_dir(&root).join("debug/api"),
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
            "--dev-builds",
            &builds_file,
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
    println!(
        "Saving a remote's file swaps the rebuilt remote into the open page; saving the shell's reloads the page. \
         Ctrl-C stops everything.\n"
    );

    let mut seen = remotes
        .iter()
        .map(|name| (name.as_str(), newest_change(&remote_sources(&root, name))))
        .collect::<HashMap<_, _>>();
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(WATCH_EVERY);
        if let Some(status) = trunk.0.try_wait()? {
            bail!("trunk serve stopped ({status})");
        }
        for name in &remotes {
            let name = name.as_str();
            let latest = newest_change(&remote_sources(&root, name));
            if latest > seen[name] {
                seen.insert(name, latest);
                builds.rebuild(name, || build::build_remote_for_dev(&root, name));
            }
        }
    }
    println!("stopping the API server and trunk");
    Ok(())
}

/// Each remote's latest build state, kept in a file the API streams to the page (`cargo xtask dev` and its
/// one-remote harness).
pub struct PublishedBuilds {
    path: PathBuf,
    builds: DevBuilds,
}

impl PublishedBuilds {
    /// Starts with no builds (a previous session's file is replaced at the first build).
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            builds: DevBuilds::default(),
        }
    }

    /// The file the states are written to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Builds remote `name` for development with `build` and publishes that it is building, then how the build
    /// ended. A failed build leaves the previous one served; its error (the compiler's first, when it is one) is
    /// published for the page's overlay and printed.
    pub fn rebuild(&mut self, name: &str, build: impl FnOnce() -> Result<RemoteManifest>) {
        if let Some(known) = self.builds.remote(name) {
            let building = DevRemoteBuild {
                building: true,
                ..known.clone()
            };
            self.publish(building);
        }
        let started = Instant::now();
        let outcome = match build() {
            Ok(manifest) => {
                println!(
                    "built remote `{name}` in {:.1} s; open pages swap it in place",
                    started.elapsed().as_secs_f64()
                );
                DevBuildOutcome::Built(Box::new(manifest))
            }
            Err(error) => {
                eprintln!("remote `{name}` did not build: {error:#}\nopen pages keep its previous build");
                DevBuildOutcome::Failed(match error.downcast_ref::<BuildFailed>() {
                    Some(BuildFailed(failure)) => failure.clone(),
                    None => DevBuildFailure {
                        location: None,
                        message: format!("{error:#}"),
                        detail: String::new(),
                    },
                })
            }
        };
        self.publish(DevRemoteBuild {
            remote: name.to_owned(),
            building: false,
            outcome,
        });
    }

    /// Records `build` and rewrites the file whole (written aside, then renamed), so a reader never sees half.
    fn publish(&mut self, build: DevRemoteBuild) {
        self.builds.record(build);
        let written = serde_json::to_string(&self.builds)
            .context("serializing the build states")
            .and_then(|json| {
                if let Some(dir) = self.path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let aside = self.path.with_extension("json.part");
                std::fs::write(&aside, json)?;
                std::fs::rename(&aside, &self.path)?;
                Ok(())
            });
        if let Err(error) = written {
            eprintln!(
                "could not publish the build states in {}: {error:#}",
                self.path.display()
            );
        }
    }
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
