//! Portico's automation. This minimal entry point covers `build` and `build-remote <name>`; the full xtask
//! (dev, test, bench) is maintained alongside the API server.

mod build;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Portico build automation")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build the release shell, every remote and the registry into dist/.
    Build,
    /// Build one remote into dist/remotes/<name>/ and register it in dist/remotes.json.
    BuildRemote {
        /// Remote name: auth, dashboard or orders.
        name: String,
        /// Build into dist-remotes/ for `trunk serve` (and mirror into dist/).
        #[arg(long)]
        dev: bool,
    },
}

fn main() -> Result<()> {
    let root = workspace_root()?;
    match Cli::parse().command {
        Task::Build => build::build_all(&root),
        Task::BuildRemote { name, dev: false } => build::build_remote(&root, &name, &root.join("dist")),
        Task::BuildRemote { name, dev: true } => build::build_remote_for_dev(&root, &name),
    }
}

fn workspace_root() -> Result<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .context("xtask is not inside the workspace")
}
