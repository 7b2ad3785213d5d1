//! `cargo xtask build` and `cargo xtask build-remote <name>`: the production tree in `dist/`.
//!
//! The shell is built by Trunk (release, size profile, wasm-opt). Each remote is built on its own: cargo for
//! wasm32 with the `wasm-release` profile, `wasm-bindgen --target web`, `wasm-opt`, then content-hashed file
//! names, its `remote.json` and an entry in `remotes.json`. Building a remote touches only
//! `remotes/<name>/` and its registry entry, never the shell's files. Tools are never downloaded here.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256, Sha384};

use crate::{diagnostics, remote_css};
use shared_types::manifest::{MANIFEST_FILE, is_valid_remote_name};
use shared_types::{CONTRACT_VERSION, Capabilities, REGISTRY_URL, Registry, RemoteManifest};

/// The cargo profile shell and remotes are built with.
pub const WASM_PROFILE: &str = "wasm-release";
/// wasm-bindgen-cli must match the `wasm-bindgen` crate in Cargo.lock exactly.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The binaryen release whose `wasm-opt` understands what rustc emits for wasm32.
pub const WASM_OPT_VERSION: &str = "version 132";
/// Features rustc's wasm32 output uses; older wasm-opt defaults reject them.
const WASM_OPT_FEATURES: [&str; 6] = [
    "--enable-reference-types",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];
/// Size passes beyond `-Oz`, kept in step with `data-wasm-opt-params` in `index.html`. Rust's memory is its own
/// (never imported), so it starts zero-filled, and no valid Rust pointer plus a small offset wraps around into the
/// first kilobyte; with both facts binaryen folds more constants (0.3-0.7% of brotli-compressed wasm per bundle).
/// Browsers ignore the `producers` and `target_features` custom sections, so they are dropped (265 bytes each).
const WASM_OPT_SIZE_FLAGS: [&str; 4] = [
    "--low-memory-unused",
    "--zero-filled-memory",
    "--strip-producers",
    "--strip-target-features",
];
/// Hex digits of the SHA-256 kept in hashed file names.
const HASH_CHARS: usize = 16;

/// Every remote in the workspace, by name, sorted: each directory `remotes/<name>/` with a `Cargo.toml` (crate
/// `remote-<name>`). A new remote needs no list updated anywhere.
pub fn remote_names(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("remotes");
    let mut names = Vec::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("could not list {}", dir.display()))? {
        let entry = entry?;
        if !entry.path().join("Cargo.toml").is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        ensure!(
            is_valid_remote_name(&name),
            "remotes/{name} is not a valid remote name (lowercase letters, digits and `-`)"
        );
        names.push(name);
    }
    names.sort();
    Ok(names)
}

/// Builds the release shell with Trunk into `dist/`, then every remote and the registry.
pub fn build_all(root: &Path) -> Result<()> {
    let dist = root.join("dist");
    build_shell(root, &dist)?;
    let remotes = remote_names(root)?;
    for name in &remotes {
        build_remote(root, name, &dist)?;
    }
    println!("built the shell and {} remotes into {}", remotes.len(), dist.display());
    Ok(())
}

/// `trunk build --release` into `dist`; Trunk runs wasm-bindgen and wasm-opt from PATH, offline.
pub fn build_shell(root: &Path, dist: &Path) -> Result<()> {
    println!("building the shell with trunk (release)");
    let status = Command::new("trunk")
        .current_dir(root)
        .args(["build", "--release", "--dist"])
        .arg(dist)
        .env("PATH", tool_path()?)
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .status()
        .context("could not run `trunk`; is trunk 0.21.14 installed?")?;
    ensure!(status.success(), "trunk build failed ({status})");
    Ok(())
}

/// Builds remote `name` and writes its hashed files and `remote.json` to `out/remotes/<name>/`, then records it
/// in `out/remotes.json`. Nothing else under `out` is touched.
pub fn build_remote(root: &Path, name: &str, out: &Path) -> Result<()> {
    build_remote_with_target(root, &target_dir(root), name, out, Speed::Release).map(drop)
}

/// How a remote is built: for release (the size profile, `wasm-opt`), or for `cargo xtask dev` (cargo's incremental
/// `dev` profile and no `wasm-opt`: seconds instead of a quarter of a minute, several times the bytes). Either way
/// the files are content-hashed and the manifest carries their digests, so the shell checks a dev build too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    Release,
    Dev,
}

/// [`build_remote`] compiling into `target` (a workspace copy can share the main target directory's dependencies).
///
/// Files of earlier versions stay: they are content-addressed and immutable, so a page that pinned the previous
/// manifest can still fetch them. Only `remote.json` and the registry entry are replaced. Returns the manifest
/// written. A development build that does not compile fails with a [`diagnostics::BuildFailed`].
pub fn build_remote_with_target(
    root: &Path,
    target: &Path,
    name: &str,
    out: &Path,
    speed: Speed,
) -> Result<RemoteManifest> {
    let known = remote_names(root)?;
    ensure!(
        known.iter().any(|known| known == name),
        "unknown remote `{name}`; known remotes: {}",
        known.join(", ")
    );
    let package = format!("remote-{name}");
    let artifact = format!("remote_{}", name.replace('-', "_"));
    println!("building remote `{name}`");

    let (profile, profile_dir) = match speed {
        Speed::Release => (WASM_PROFILE, WASM_PROFILE),
        Speed::Dev => ("dev", "debug"),
    };
    let mut cargo_build = Command::new(cargo());
    cargo_build
        .current_dir(root)
        .args([
            "build",
            "--package",
            &package,
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            profile,
        ])
        .env("CARGO_TARGET_DIR", target);
    if speed == Speed::Dev {
        diagnostics::run_cargo(cargo_build)?;
    } else {
        let status = cargo_build.status().context("could not run cargo")?;
        ensure!(status.success(), "cargo build of `{package}` failed ({status})");
    }
    let wasm = target
        .join("wasm32-unknown-unknown")
        .join(profile_dir)
        .join(format!("{artifact}.wasm"));

    let staging = target.join("remote-staging").join(name);
    recreate_dir(&staging)?;
    let status = Command::new(find_wasm_bindgen()?)
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            &artifact,
            "--out-dir",
        ])
        .arg(&staging)
        .arg(&wasm)
        .status()
        .context("could not run wasm-bindgen")?;
    ensure!(status.success(), "wasm-bindgen failed for `{name}` ({status})");

    let bindgen_wasm = staging.join(format!("{artifact}_bg.wasm"));
    if speed == Speed::Release {
        let status = Command::new(find_wasm_opt()?)
            .arg("-Oz")
            .args(WASM_OPT_SIZE_FLAGS)
            .args(WASM_OPT_FEATURES)
            .arg(&bindgen_wasm)
            .arg("-o")
            .arg(&bindgen_wasm)
            .status()
            .context("could not run wasm-opt")?;
        ensure!(status.success(), "wasm-opt failed for `{name}` ({status})");
    }
    ensure!(
        !staging.join("snippets").exists(),
        "`{name}` uses JS snippets, which remote builds do not ship yet"
    );

    let js_source = staging.join(format!("{artifact}.js"));
    let entry_js = format!("{artifact}-{}.js", short_hash(&js_source)?);
    let entry_wasm = format!("{artifact}_bg-{}.wasm", short_hash(&bindgen_wasm)?);
    let stylesheet = scoped_stylesheet(root, name, &staging)?;
    let entry_css = match &stylesheet {
        Some(path) => Some(format!("{artifact}-{}.css", short_hash(path)?)),
        None => None,
    };
    let PackageMetadata {
        version,
        routes,
        permissions,
        capabilities,
        isolated,
    } = package_metadata(root, &package)?;
    let manifest = RemoteManifest {
        name: name.to_owned(),
        version,
        contract: CONTRACT_VERSION,
        entry_js: entry_js.clone(),
        entry_js_integrity: sri_sha384(&js_source)?,
        entry_wasm: entry_wasm.clone(),
        entry_wasm_integrity: sri_sha384(&bindgen_wasm)?,
        entry_css: entry_css.clone(),
        entry_css_integrity: stylesheet.as_deref().map(sri_sha384).transpose()?,
        routes,
        permissions,
        capabilities: Some(capabilities.clone()),
    };
    manifest
        .validate()
        .with_context(|| format!("the manifest built for `{name}` is invalid"))?;

    let remote_dir = out.join("remotes").join(name);
    fs::create_dir_all(&remote_dir).with_context(|| format!("could not create {}", remote_dir.display()))?;
    copy(&js_source, &remote_dir.join(&entry_js))?;
    copy(&bindgen_wasm, &remote_dir.join(&entry_wasm))?;
    if let (Some(path), Some(file)) = (&stylesheet, &entry_css) {
        copy(path, &remote_dir.join(file))?;
    }
    let manifest_json = serde_json::to_string_pretty(&manifest)?;
    write(&remote_dir.join(MANIFEST_FILE), &manifest_json)?;
    register(out, name, isolated, &capabilities)?;
    println!("  {} and {}", remote_dir.join(&entry_js).display(), entry_wasm);
    Ok(manifest)
}

/// `remotes/<name>/style.css` scoped to the remote's mount point, written into `staging`; `None` when the remote
/// has no stylesheet.
fn scoped_stylesheet(root: &Path, name: &str, staging: &Path) -> Result<Option<PathBuf>> {
    let source = root.join("remotes").join(name).join(remote_css::STYLESHEET);
    if !source.is_file() {
        return Ok(None);
    }
    let css = fs::read_to_string(&source).with_context(|| format!("could not read {}", source.display()))?;
    let scoped = remote_css::scope(name, &css).with_context(|| format!("remotes/{name}/{}", remote_css::STYLESHEET))?;
    let path = staging.join(remote_css::STYLESHEET);
    fs::write(&path, scoped).with_context(|| format!("could not write {}", path.display()))?;
    Ok(Some(path))
}

/// Where `cargo xtask dev` builds remotes (Trunk's post-build hook copies them into every development shell build).
pub const DEV_REMOTES: &str = "target/dev-remotes";
/// What `cargo xtask dev` serves (`trunk serve --dist`); `dist/` is only ever written by the release commands.
pub const DEV_DIST: &str = "target/dev-dist";

/// For `trunk serve`: builds remote `name` into [`DEV_REMOTES`] and mirrors it into the served [`DEV_DIST`], so the
/// running dev server picks it up at once.
pub fn build_remote_for_dev(root: &Path, name: &str) -> Result<RemoteManifest> {
    let dev_remotes = root.join(DEV_REMOTES);
    let manifest = build_remote_with_target(root, &target_dir(root), name, &dev_remotes, Speed::Dev)?;
    let served = root.join(DEV_DIST);
    let served_remote = served.join("remotes").join(name);
    recreate_dir(&served_remote)?;
    for entry in fs::read_dir(dev_remotes.join("remotes").join(name))? {
        let entry = entry?;
        copy(&entry.path(), &served_remote.join(entry.file_name()))?;
    }
    let metadata = package_metadata(root, &format!("remote-{name}"))?;
    register(&served, name, metadata.isolated, &metadata.capabilities)?;
    Ok(manifest)
}

/// Adds `name` to `out/remotes.json`, keeping every other entry and the registry's trust and grant choices; a remote
/// registered for the first time is granted what it declares, and isolated when its metadata says so.
fn register(out: &Path, name: &str, isolated_by_default: bool, declared: &Capabilities) -> Result<()> {
    let path = out.join(REGISTRY_URL.trim_start_matches('/'));
    let mut registry = match fs::read_to_string(&path) {
        Ok(text) => Registry::parse(&text).with_context(|| format!("{} is not a valid registry", path.display()))?,
        Err(_) => Registry::default(),
    };
    let first_registration = registry
        .remotes
        .insert(name.to_owned(), Registry::default_manifest_url(name))
        .is_none();
    if first_registration && isolated_by_default {
        registry.isolated.insert(name.to_owned());
    }
    registry
        .grants
        .entry(name.to_owned())
        .or_insert_with(|| declared.clone());
    write(&path, &serde_json::to_string_pretty(&registry)?)
}

/// What `[package.metadata.portico]` of a remote's Cargo.toml says, with the package version.
struct PackageMetadata {
    version: String,
    routes: Vec<String>,
    permissions: Vec<String>,
    /// `api` and `events`: the host capabilities the remote needs.
    capabilities: Capabilities,
    /// `trust = "isolated"`: the remote is listed as isolated when it is first registered (afterwards the
    /// registry's own choice stands).
    isolated: bool,
}

/// The package version and `[package.metadata.portico]` of `package`'s Cargo.toml.
fn package_metadata(root: &Path, package: &str) -> Result<PackageMetadata> {
    let output = Command::new(cargo())
        .current_dir(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .context("could not run cargo metadata")?;
    ensure!(output.status.success(), "cargo metadata failed");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let packages = metadata["packages"]
        .as_array()
        .context("cargo metadata lists no packages")?;
    let Some(found) = packages.iter().find(|candidate| candidate["name"] == package) else {
        bail!("package `{package}` is not in the workspace");
    };
    let portico = &found["metadata"]["portico"];
    let strings = |key: &str| -> Vec<String> {
        portico[key]
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(|value| value.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let trust = portico["trust"].as_str().unwrap_or("trusted");
    ensure!(
        matches!(trust, "trusted" | "isolated"),
        "`{package}`: trust must be \"trusted\" or \"isolated\", not {trust:?}"
    );
    Ok(PackageMetadata {
        version: found["version"].as_str().unwrap_or_default().to_owned(),
        routes: strings("routes"),
        permissions: strings("permissions"),
        capabilities: Capabilities {
            api: strings("api"),
            events: strings("events"),
        },
        isolated: trust == "isolated",
    })
}

/// The cargo that runs xtask, so toolchain overrides carry through.
fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| if dir.is_absolute() { dir } else { root.join(dir) })
        .unwrap_or_else(|| root.join("target"))
}

/// Where `cargo xtask dev`/`test` install binaryen's `wasm-opt` from npm (Debian's is too old).
fn npm_tool_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share/portico-tools/node_modules/.bin"))
}

/// PATH with the npm tool directory first, so Trunk picks that `wasm-opt` rather than any other.
fn tool_path() -> Result<OsString> {
    let mut dirs: Vec<PathBuf> = npm_tool_dir().into_iter().collect();
    dirs.extend(
        std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    Ok(std::env::join_paths(dirs)?)
}

/// `wasm-opt` at [`WASM_OPT_VERSION`]: `$WASM_OPT`, else the npm install, else PATH.
fn find_wasm_opt() -> Result<PathBuf> {
    let candidates = std::env::var_os("WASM_OPT")
        .map(PathBuf::from)
        .into_iter()
        .chain(npm_tool_dir().map(|dir| dir.join("wasm-opt")))
        .chain(std::iter::once(PathBuf::from("wasm-opt")));
    find_tool(candidates, WASM_OPT_VERSION, "wasm-opt")
}

/// `wasm-bindgen` at [`WASM_BINDGEN_VERSION`] from PATH.
fn find_wasm_bindgen() -> Result<PathBuf> {
    find_tool(
        std::iter::once(PathBuf::from("wasm-bindgen")),
        WASM_BINDGEN_VERSION,
        "wasm-bindgen",
    )
}

fn find_tool(candidates: impl Iterator<Item = PathBuf>, version: &str, tool: &str) -> Result<PathBuf> {
    let mut seen = Vec::new();
    for candidate in candidates {
        let Ok(output) = Command::new(&candidate).arg("--version").output() else {
            continue;
        };
        let reported = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if reported.contains(version) {
            return Ok(candidate);
        }
        seen.push(format!("{} reports `{reported}`", candidate.display()));
    }
    bail!(
        "no {tool} at {version} found ({}); `cargo xtask dev` installs it",
        seen.join("; ")
    )
}

/// The Subresource Integrity value `sha384-<base64>` of a file, which the shell checks before running it.
fn sri_sha384(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    Ok(format!("sha384-{}", STANDARD.encode(Sha384::digest(&bytes))))
}

fn short_hash(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    let digest = Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(hex[..HASH_CHARS].to_owned())
}

fn recreate_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("could not clear {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).with_context(|| format!("could not copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, format!("{text}\n")).with_context(|| format!("could not write {}", path.display()))
}
