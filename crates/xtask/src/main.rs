//! `cargo xtask`: Portico's automation (matklad's cargo-xtask convention).
//!
//! One binary with subcommands. It finds the workspace root from `CARGO_MANIFEST_DIR`, runs cargo through the
//! `CARGO` variable, says what it installs before installing it, and stops only the processes it started.

mod bench_api;
mod process;
mod test;
mod tools;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Portico automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install missing tools, then run every check: format, clippy, native tests, browser tests, end-to-end.
    Test,
    /// Install whatever tools are missing on this machine, and nothing else.
    Setup,
    /// Measure; `cargo xtask bench api` load-tests the API server.
    Bench {
        #[command(subcommand)]
        target: BenchTarget,
    },
}

#[derive(Subcommand)]
enum BenchTarget {
    /// Requests per second and p50/p99 latency of `GET /api/orders` and of sign-in, on loopback.
    Api(bench_api::Options),
}

/// The workspace root: two levels above this crate's manifest.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .expect("crates/xtask sits two levels below the root")
        .to_path_buf()
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Test => test::run_all(),
        Command::Setup => tools::ensure_all(tools::Needs::everything()),
        Command::Bench {
            target: BenchTarget::Api(options),
        } => bench_api::run(&options),
    }
}
