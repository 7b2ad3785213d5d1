//! Child processes: running commands with clear failures, and servers that are always stopped.
//!
//! A [`Server`] owns the child it started and kills exactly that PID when dropped, so an early return or a panic
//! never leaves a server behind, and nothing this tool did not start is ever touched.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// `cargo`, as the one that runs xtask.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `command` to completion; fails with the command line when it does not succeed.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    eprintln!("$ {shown}");
    let status = command.status().with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// Runs `command` and returns its standard output, or `None` when it cannot run or fails.
pub fn output_of(command: &mut Command) -> Option<String> {
    let output = command.stderr(Stdio::null()).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A started API server; killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// Starts the `api` binary at `binary` with `args` (which must include `--addr 127.0.0.1:0`) and waits for the
    /// line that tells its URL.
    pub fn start_api(binary: &Path, args: &[&str]) -> Result<Self> {
        let mut child = Command::new(binary)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", binary.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("api listening on ") {
                    let _ = sender.send(url.trim().to_owned());
                }
            }
        });
        let mut server = Server {
            child,
            url: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(url) = receiver.recv_timeout(Duration::from_millis(200)) {
                server.url = url;
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!("the API server exited before listening ({status})");
            }
        }
        bail!("the API server did not start listening within 60 s")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
