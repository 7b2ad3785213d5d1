//! Tool installation: checks each tool Portico needs and installs only what is missing, saying so first.
//!
//! Trunk cannot download its own tools on a machine without general internet access, so `wasm-bindgen` (at the
//! exact version in Cargo.lock) and `wasm-opt` (npm `binaryen@132`; Debian's binaryen 108 produces broken output)
//! are installed here and put on `PATH` for every child process. The accessibility journeys' axe-core comes from npm
//! too.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::process::{cargo, output_of, run};
use crate::workspace_root;

/// The Trunk release this project builds with (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// The npm binaryen release that ships a working `wasm-opt`.
pub const BINARYEN_VERSION: &str = "132";

/// The npm axe-core release the accessibility journeys inject into each page (WCAG 2.2 AA rules).
pub const AXE_CORE_VERSION: &str = "4.14";

/// Which groups of tools a command needs.
#[derive(Clone, Copy)]
pub struct Needs {
    pub wasm: bool,
    pub browser: bool,
}

impl Needs {
    pub fn everything() -> Self {
        Self {
            wasm: true,
            browser: true,
        }
    }
}

/// Where npm-installed tools live; kept across runs.
pub fn tools_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    home.join(".local/share/portico-tools")
}

/// Puts the tools directory first on this process's `PATH`, so children find `wasm-opt`, and tells Trunk not to
/// look for updates.
pub fn prepare_environment() {
    let bin = tools_dir().join("node_modules/.bin");
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|home| home.join("bin"));
    let mut paths: Vec<PathBuf> = vec![bin];
    paths.extend(cargo_bin);
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let joined = std::env::join_paths(paths).expect("tool paths contain no separator");
    // SAFETY-free: xtask is single-threaded when it sets its environment, before starting any thread.
    unsafe_env_set("PATH", &joined);
    unsafe_env_set("TRUNK_SKIP_VERSION_CHECK", std::ffi::OsStr::new("true"));
}

fn unsafe_env_set(key: &str, value: &std::ffi::OsStr) {
    // `set_var` is `unsafe` in edition 2024 only because of other threads; none exist yet at this point.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var(key, value)
    };
}

/// Ensures every tool in `needs` is present.
pub fn ensure_all(needs: Needs) -> Result<()> {
    prepare_environment();
    if needs.wasm {
        ensure_wasm_target()?;
        ensure_trunk()?;
        ensure_wasm_bindgen()?;
        ensure_wasm_opt()?;
    }
    if needs.browser {
        ensure_chromium()?;
        ensure_axe_core()?;
    }
    Ok(())
}

/// The minified axe-core script from npm, for the journeys (`AXE_CORE`).
pub fn axe_core() -> PathBuf {
    tools_dir().join("node_modules/axe-core/axe.min.js")
}

fn ensure_axe_core() -> Result<()> {
    let manifest = tools_dir().join("node_modules/axe-core/package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|package| package["version"].as_str().map(str::to_owned));
    if installed.is_some_and(|version| version.starts_with(&format!("{AXE_CORE_VERSION}."))) && axe_core().is_file() {
        return Ok(());
    }
    npm_install(&format!("axe-core@{AXE_CORE_VERSION}"), "axe-core")
}

/// Installs the npm `package` (name@version) into [`tools_dir`], saying so first as `what`.
fn npm_install(package: &str, what: &str) -> Result<()> {
    let dir = tools_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    eprintln!("Installing {what} from npm {package} into {}...", dir.display());
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .arg(package))
}

fn ensure_wasm_target() -> Result<()> {
    let installed = output_of(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    eprintln!("Installing the wasm32-unknown-unknown target (rustup)...");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_trunk() -> Result<()> {
    let version = output_of(Command::new("trunk").arg("--version")).unwrap_or_default();
    if version.split_whitespace().any(|word| word == TRUNK_VERSION) {
        return Ok(());
    }
    eprintln!("Installing trunk {TRUNK_VERSION} (cargo install; this takes several minutes)...");
    run(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

/// The `wasm-bindgen` version pinned in Cargo.lock; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = workspace_root().join("Cargo.lock");
    let lock: toml::Value = toml::from_str(&std::fs::read_to_string(&lock_path).context("reading Cargo.lock")?)
        .context("Cargo.lock is not valid TOML")?;
    let packages = lock
        .get("package")
        .and_then(toml::Value::as_array)
        .context("Cargo.lock has no packages")?;
    packages
        .iter()
        .find(|package| package.get("name").and_then(toml::Value::as_str) == Some("wasm-bindgen"))
        .and_then(|package| package.get("version").and_then(toml::Value::as_str))
        .map(str::to_owned)
        .context("Cargo.lock does not pin wasm-bindgen")
}

fn ensure_wasm_bindgen() -> Result<()> {
    let wanted = locked_wasm_bindgen_version()?;
    let version = output_of(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if version.split_whitespace().any(|word| word == wanted) {
        return Ok(());
    }
    eprintln!("Installing wasm-bindgen-cli {wanted} to match Cargo.lock (cargo install)...");
    // Not --locked: one of the CLI's locked dependencies is missing from the registry for this release.
    run(cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted, "--force"]))
}

/// The `wasm-opt` executable from npm binaryen.
pub fn wasm_opt() -> PathBuf {
    tools_dir().join("node_modules/.bin/wasm-opt")
}

fn ensure_wasm_opt() -> Result<()> {
    let version = output_of(Command::new(wasm_opt()).arg("--version")).unwrap_or_default();
    if version.contains(&format!("version {BINARYEN_VERSION}")) {
        return Ok(());
    }
    npm_install(&format!("binaryen@{BINARYEN_VERSION}"), "wasm-opt")
}

/// Path of the Chromium binary.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Path of ChromeDriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn ensure_chromium() -> Result<()> {
    if std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    eprintln!("Installing Debian's chromium and chromium-driver (apt-get)...");
    let as_root = output_of(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if as_root {
            Command::new("apt-get")
        } else {
            Command::new("sudo")
        };
        if !as_root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run(&mut apt(&["update"]))?;
    run(&mut apt(&["install", "-y", "chromium", "chromium-driver"]))?;
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        bail!("chromium-driver was installed but {CHROMEDRIVER} is missing");
    }
    Ok(())
}
