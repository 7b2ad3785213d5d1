//! `cargo xtask test`: the one command README gives and CI runs.
//!
//! Installs missing tools, then runs, in order: format and clippy checks, the native tests, and (as the product
//! grows) the browser tests, the release build and the end-to-end suite. Stops at the first failure.

use anyhow::Result;

use crate::process::{cargo, run};
use crate::tools;
use crate::workspace_root;

pub fn run_all() -> Result<()> {
    tools::ensure_all(tools::Needs {
        wasm: false,
        browser: false,
    })?;
    let root = workspace_root();
    eprintln!("== format");
    run(cargo().current_dir(&root).args(["fmt", "--all", "--", "--check"]))?;
    eprintln!("== clippy");
    run(cargo()
        .current_dir(&root)
        .args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    eprintln!("== native tests");
    run(cargo().current_dir(&root).args(["test", "--workspace"]))?;
    eprintln!("All checks passed.");
    Ok(())
}
