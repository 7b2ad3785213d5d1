//! A real `cargo xtask dev` running in a scratch copy of the workspace, for the dev-loop check in `cargo xtask test`
//! and for `cargo xtask bench dev`: they edit the copy's sources as a developer would, and never the real ones.
//!
//! The loop is this very xtask program, started on the copy ([`crate::WORKSPACE_VARIABLE`]). The copy compiles into
//! its own target directory, [`DEV_LOOP_TARGET`], kept between runs: sharing the main one would leave the copy's
//! binaries and remote modules where the main workspace's builds look for their own (cargo does not copy a fresh
//! artifact out again). It also gets the main `dist/`, as the last release build, so a check can see that the dev
//! loop never writes there. Development uses fixed ports (8080 and 3000): another `cargo xtask dev` must not be
//! running. Dropping the session stops the whole process group it started.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use shared_types::dev_builds::{DevBuildOutcome, DevBuilds};

use crate::{build, dev, rehearsal};

pub use crate::dev::DEV_URL;

/// The copy's target directory, under the main one.
pub const DEV_LOOP_TARGET: &str = "dev-loop-target";
/// How long the first start may take: on a fresh machine it compiles the copy's crates and the development shell.
const START_PATIENCE: Duration = Duration::from_secs(20 * 60);

/// A running `cargo xtask dev` (or its one-remote harness) in a copy of the workspace.
pub struct DevSession {
    /// The copy's root, whose sources a check edits.
    pub workspace: PathBuf,
    log: PathBuf,
    child: Child,
    /// Where this loop publishes its build states.
    builds_file: PathBuf,
}

/// The process group of the loop running now, for the Ctrl-C handler (0: none).
static RUNNING_GROUP: AtomicU32 = AtomicU32::new(0);

impl DevSession {
    /// Copies `root`'s sources (and `dist/`, when built) into `scratch/workspace` and starts `cargo xtask dev` there;
    /// returns once the shell is served and every remote has a first build.
    pub fn start(root: &Path, scratch: &Path) -> Result<Self> {
        for port in [8080, 3000] {
            ensure!(
                std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
                "127.0.0.1:{port} is in use: stop any running `cargo xtask dev` first"
            );
        }
        if scratch.exists() {
            fs::remove_dir_all(scratch).with_context(|| format!("could not clear {}", scratch.display()))?;
        }
        let workspace = scratch.join("workspace");
        rehearsal::copy_sources(root, &workspace)?;
        if root.join("dist").is_dir() {
            e2e::copy_tree(&root.join("dist"), &workspace.join("dist"))?;
        }
        let names = build::remote_names(&workspace)?;
        let builds_file = workspace.join(dev::DEV_BUILDS_FILE);
        let mut session = Self::spawn(root, workspace, scratch.join("dev.log"), &["dev"], builds_file)?;
        session.wait_until_ready(&names, 8080, "shell")?;
        Ok(session)
    }

    /// Starts `cargo xtask dev --remote <remote> --as <user>` (the one-remote harness, on 127.0.0.1:8090) in the
    /// workspace copy of a session that has stopped; returns once the harness serves its first build.
    pub fn start_harness(root: &Path, workspace: &Path, remote: &str, user: &str) -> Result<Self> {
        let log = workspace.with_file_name("harness.log");
        let builds_file = workspace.join("target/dev-remote/dev-builds.json");
        let _ = fs::remove_file(&builds_file);
        let args = ["dev", "--remote", remote, "--as", user];
        let mut session = Self::spawn(root, workspace.to_owned(), log, &args, builds_file)?;
        session.wait_until_ready(&[remote.to_owned()], 8090, "harness")?;
        Ok(session)
    }

    /// Runs this very program with `args` on `workspace`, in its own process group, output to `log`.
    fn spawn(root: &Path, workspace: PathBuf, log: PathBuf, args: &[&str], builds_file: PathBuf) -> Result<Self> {
        let output = fs::File::create(&log)?;
        eprintln!(
            "starting `cargo xtask {}` in {} (log: {})",
            args.join(" "),
            workspace.display(),
            log.display()
        );
        let child = Command::new(std::env::current_exe().context("this program's path")?)
            .current_dir(&workspace)
            .args(args)
            .env(crate::WORKSPACE_VARIABLE, &workspace)
            .env("CARGO_TARGET_DIR", build::target_dir(root).join(DEV_LOOP_TARGET))
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output)
            .process_group(0)
            .spawn()
            .context("could not start `cargo xtask dev`")?;
        // The loop runs in its own process group, which a Ctrl-C at the terminal does not reach: pass it on.
        RUNNING_GROUP.store(child.id(), Ordering::SeqCst);
        let _ = ctrlc::set_handler(|| {
            let group = RUNNING_GROUP.load(Ordering::SeqCst);
            if group != 0 {
                stop_group(group);
            }
            std::process::exit(130);
        });
        Ok(Self {
            workspace,
            log,
            child,
            builds_file,
        })
    }

    /// Waits until every one of `remotes` has a first build and `port` serves a page that mentions `page_mark`.
    fn wait_until_ready(&mut self, remotes: &[String], port: u16, page_mark: &str) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("the dev loop stopped ({status})\n{}", self.log_tail());
            }
            let builds = self.builds();
            if let Some((remote, failure)) = builds.failures().next() {
                bail!(
                    "remote `{remote}` did not build in the copy: {}\n{}",
                    failure.message,
                    self.log_tail()
                );
            }
            let all_built = remotes.iter().all(|name| {
                builds
                    .remote(name)
                    .is_some_and(|build| matches!(build.outcome, DevBuildOutcome::Built(_)))
            });
            if all_built && page_served(port, page_mark) {
                eprintln!("the dev loop is ready after {:.0} s", started.elapsed().as_secs_f64());
                return Ok(());
            }
            if started.elapsed() > START_PATIENCE {
                bail!(
                    "the dev loop was not ready after {} s\n{}",
                    START_PATIENCE.as_secs(),
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// The build states the loop published last.
    pub fn builds(&self) -> DevBuilds {
        fs::read_to_string(&self.builds_file)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Replaces `from` with `to` in the copy's `file`, as saving it in an editor does.
    pub fn edit(&self, file: &str, from: &str, to: &str) -> Result<()> {
        let path = self.workspace.join(file);
        let text = fs::read_to_string(&path).with_context(|| format!("could not read {}", path.display()))?;
        ensure!(text.contains(from), "{file} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).with_context(|| format!("could not write {}", path.display()))
    }

    /// The end of the loop's output, for an error message.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        format!(
            "last lines of {}:\n{}",
            self.log.display(),
            lines[lines.len().saturating_sub(30)..].join("\n")
        )
    }

    /// Stops the loop (Ctrl-C to its process group, as a developer would), and waits until it ended.
    pub fn stop(mut self) -> Result<()> {
        self.interrupt();
        Ok(())
    }

    fn interrupt(&mut self) {
        let _ = RUNNING_GROUP.compare_exchange(self.child.id(), 0, Ordering::SeqCst, Ordering::SeqCst);
        signal_group(self.child.id(), "-INT");
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Whatever of the group is left (a build the loop started, a server that did not stop).
        signal_group(self.child.id(), "-KILL");
        let _ = self.child.wait();
    }
}

impl Drop for DevSession {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.interrupt();
        }
    }
}

/// Sends `signal` to every process of the group `group`; a group already gone is fine.
fn signal_group(group: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, "--", &format!("-{group}")])
        .stderr(Stdio::null())
        .status();
}

/// Stops the group `group` as [`DevSession::stop`] does, without waiting on its leader (for a Ctrl-C handler).
fn stop_group(group: u32) {
    signal_group(group, "-INT");
    std::thread::sleep(Duration::from_secs(2));
    signal_group(group, "-KILL");
}

/// Whether 127.0.0.1:`port` answers `/` with a page that mentions `mark`.
fn page_served(port: u16, mark: &str) -> bool {
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    use std::io::{Read, Write};
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200") && answer.contains(mark)
}
