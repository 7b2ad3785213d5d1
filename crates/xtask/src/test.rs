//! `cargo xtask test`: the one command README gives and CI runs.
//!
//! Installs missing tools, then runs, in order, stopping at the first failure:
//! 1. format and clippy checks (native, and wasm32 for the shell, SDK and remotes);
//! 2. the native tests (API integration tests included);
//! 3. the shell's `wasm-bindgen-test` browser tests in headless Chromium;
//! 4. the release build of shell and remotes into `dist/` (built once, reused below);
//! 5. the size budgets of `bench/budgets.toml`;
//! 6. a remote team's release rehearsed with `build-remote` in a copy of the workspace (see [`rehearsal`]);
//! 7. the end-to-end journeys, against the API serving that build with `--static-dir`, once in each session mode
//!    (`PORTICO_SESSION_MODE` token, then cookie).

use anyhow::Result;

use crate::process::{cargo, run};
use crate::{budgets, build, compress, dev_check, dictionaries, rehearsal, tools, workspace_root};

/// Crates that only make sense on wasm32, besides the remotes (found under `remotes/`).
const WASM_CRATES: &[&str] = &["shell", "remote-sdk"];

pub fn run_all() -> Result<()> {
    tools::ensure_all(tools::Needs::everything())?;
    let root = workspace_root();
    let step = |name: &str| eprintln!("\n== {name}");

    step("format");
    run(cargo().current_dir(&root).args(["fmt", "--all", "--", "--check"]))?;
    step("clippy (native)");
    run(cargo()
        .current_dir(&root)
        .args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    step("clippy (wasm32)");
    let mut wasm_clippy = cargo();
    wasm_clippy
        .current_dir(&root)
        .args(["clippy", "--target", "wasm32-unknown-unknown", "--all-targets"]);
    for name in WASM_CRATES {
        wasm_clippy.args(["--package", name]);
    }
    for remote in build::remote_names(&root)? {
        wasm_clippy.args(["--package", &format!("remote-{remote}")]);
    }
    run(wasm_clippy.args(["--", "-D", "warnings"]))?;

    step("native tests");
    run(cargo()
        .current_dir(&root)
        .args(["test", "--workspace", "--exclude", "e2e"]))?;
    run(cargo().current_dir(&root).args(["test", "--package", "e2e", "--lib"]))?;

    step("browser tests (wasm-bindgen-test in headless Chromium)");
    run(cargo()
        .current_dir(&root)
        .args(["test", "--target", "wasm32-unknown-unknown", "--package", "shell"])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))?;

    step("release build");
    let dist = root.join("dist");
    build::build_all(&root)?;
    compress::precompress(&dist)?;
    dictionaries::report(&dist, &dist)?;

    step("size budgets");
    budgets::check(&dist, &budgets::load(&root.join(budgets::BUDGETS_FILE))?)?;
    dev_check::release_has_no_dev_loop(&dist)?;

    step("a remote team's release, rehearsed with build-remote (the shell must stay byte-identical)");
    let next_release = rehearsal::prepare(&root, &dist)?;

    for mode in ["token", "cookie"] {
        step(&format!(
            "end-to-end journeys, session mode {mode} (headless Chromium, WebDriver)"
        ));
        let mut journeys = cargo();
        journeys.current_dir(&root).args([
            "test",
            "--package",
            "e2e",
            "--test",
            "journeys",
            "--",
            "--test-threads=2",
        ]);
        if mode == "cookie" {
            // Journeys that pin their own session mode already ran in the first pass.
            journeys.args([
                "--skip",
                "token_mode",
                "--skip",
                "cookie_mode",
                "--skip",
                "cookie_session_mode",
                // Presentation does not depend on the session mode.
                "--skip",
                "accessibility::",
            ]);
        }
        run(journeys
            .env("PORTICO_SESSION_MODE", mode)
            .env("PORTICO_DIST", &dist)
            .env("PORTICO_NEXT_RELEASE", &next_release)
            .env("CHROMEDRIVER", tools::CHROMEDRIVER)
            .env("CHROMIUM", tools::CHROMIUM)
            .env("AXE_CORE", tools::axe_core()))?;
    }

    step(
        "the dev loop: `cargo xtask dev` in a copy of the workspace, a remote swapped in place, a build error, a shell reload",
    );
    dev_check::run(&root)?;

    eprintln!("\nAll checks passed.");
    Ok(())
}
