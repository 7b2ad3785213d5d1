//! `cargo xtask`: Portico's automation (matklad's cargo-xtask convention).
//!
//! One binary with subcommands. It finds the workspace root from `CARGO_MANIFEST_DIR`, runs cargo through the
//! `CARGO` variable, says what it installs before installing it, and stops only the processes it started.

mod bench;
mod bench_api;
mod bench_dev;
mod budgets;
mod build;
mod compress;
mod dev;
mod dev_check;
mod dev_remote;
mod dev_session;
mod diagnostics;
mod dictionaries;
mod new_remote;
mod process;
mod rehearsal;
mod remote_css;
mod screenshots;
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
    /// Install missing tools, build the remotes, run the API and `trunk serve` on http://127.0.0.1:8080.
    Dev {
        /// Run only this remote, in a harness page with a demo identity, on http://127.0.0.1:8090.
        #[arg(long, value_name = "NAME")]
        remote: Option<String>,
        /// The demo user the harness signs in as (alice, bob, carol or dave).
        #[arg(long = "as", value_name = "USER", default_value = "alice", requires = "remote")]
        user: String,
        /// How the browser holds its session: `token` (access token in the shell's memory) or `cookie` (only
        /// HttpOnly cookies; see README, Security).
        #[arg(long, value_name = "MODE", default_value = "token", value_parser = ["token", "cookie"], conflicts_with = "remote")]
        session_mode: String,
    },
    /// Install missing tools, then run every check: format, clippy, native and browser tests, budgets, end-to-end,
    /// and the dev loop.
    Test {
        /// Run only the dev-loop check (`cargo xtask dev` in a copy of the workspace, driven in Chromium).
        #[arg(long)]
        dev_loop: bool,
    },
    /// Write the release product to dist/: the shell, every remote and the registry.
    Build,
    /// Build one remote into dist/remotes/<name>/ and register it, without touching the shell.
    BuildRemote {
        /// Remote name: auth, dashboard, orders or admin.
        name: String,
        /// Build for `cargo xtask dev` instead: into target/dev-remotes/, mirrored into the target/dev-dist/ it
        /// serves (dist/ is left alone).
        #[arg(long)]
        dev: bool,
    },
    /// Scaffold a new remote in remotes/<name>/; the next build serves it at /<name>.
    NewRemote {
        /// Lowercase letters, digits and single `-`, starting with a letter (e.g. `billing`).
        name: String,
    },
    /// Install whatever tools are missing on this machine, and nothing else.
    Setup,
    /// Measure dist/ against the size budgets in bench/budgets.toml, as `test` does (after `build`).
    Budgets,
    /// Photograph every page of the release build (phone and desktop width, light and dark, English and Arabic)
    /// into target/screenshots/.
    Screenshots(screenshots::Options),
    /// Measure Portico against the React + Module Federation peer; `bench api` load-tests the API alone.
    Bench {
        #[command(subcommand)]
        target: Option<BenchTarget>,
        #[command(flatten)]
        options: bench::Options,
    },
}

#[derive(Subcommand)]
enum BenchTarget {
    /// Requests per second and p50/p99 latency of `GET /api/orders` and of sign-in, on loopback.
    Api(bench_api::Options),
    /// Save → visible in the running page with `cargo xtask dev`, for a remote (swapped in place) and for the shell
    /// (page reloaded, still signed in): median and maximum of 10 saves each.
    Dev(bench_dev::Options),
}

/// Names another copy of the workspace to work on (the dev-loop check runs `xtask dev` in a scratch copy this way).
pub const WORKSPACE_VARIABLE: &str = "PORTICO_WORKSPACE";

/// The workspace root: [`WORKSPACE_VARIABLE`] when set, else two levels above this crate's manifest.
pub fn workspace_root() -> PathBuf {
    if let Some(root) = std::env::var_os(WORKSPACE_VARIABLE) {
        return PathBuf::from(root);
    }
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .expect("crates/xtask sits two levels below the root")
        .to_path_buf()
}

fn main() -> Result<()> {
    let root = workspace_root();
    match Cli::parse().command {
        Command::Dev {
            remote: None,
            session_mode,
            ..
        } => dev::run(&session_mode),
        Command::Dev {
            remote: Some(name),
            user,
            ..
        } => {
            tools::ensure_all(tools::Needs {
                wasm: true,
                browser: false,
            })?;
            dev_remote::run(&root, &name, &user)
        }
        Command::Test { dev_loop: false } => test::run_all(),
        Command::Test { dev_loop: true } => {
            tools::ensure_all(tools::Needs::everything())?;
            dev_check::run(&root)
        }
        Command::Build => {
            tools::ensure_all(tools::Needs {
                wasm: true,
                browser: false,
            })?;
            build::build_all(&root)?;
            compress::precompress(&root.join("dist"))?;
            dictionaries::report(&root.join("dist"), &root.join("dist"))
        }
        Command::BuildRemote { name, dev: true } => {
            tools::ensure_all(tools::Needs {
                wasm: true,
                browser: false,
            })?;
            build::build_remote_for_dev(&root, &name).map(drop)
        }
        Command::BuildRemote { name, dev: false } => {
            tools::ensure_all(tools::Needs {
                wasm: true,
                browser: false,
            })?;
            let dist = root.join("dist");
            build::build_remote(&root, &name, &dist)?;
            compress::precompress(&dist.join("remotes").join(&name))?;
            compress::precompress_file(&dist.join("remotes.json"))?;
            dictionaries::report(&dist, &dist.join("remotes").join(&name))
        }
        Command::NewRemote { name } => new_remote::scaffold(&root, &name),
        Command::Setup => tools::ensure_all(tools::Needs::everything()),
        Command::Screenshots(options) => screenshots::run(&options),
        Command::Budgets => {
            budgets::check(&root.join("dist"), &budgets::load(&root.join(budgets::BUDGETS_FILE))?).map(drop)
        }
        Command::Bench {
            target: Some(BenchTarget::Api(options)),
            ..
        } => bench_api::run(&options),
        Command::Bench {
            target: Some(BenchTarget::Dev(options)),
            ..
        } => {
            tools::ensure_all(tools::Needs::everything())?;
            bench_dev::run(&options)
        }
        Command::Bench { target: None, options } => bench::run(&options),
    }
}
