//! Size budgets: the brotli size of each remote and of the `/login` first view, and the size of a remote for a
//! browser that holds the previous one's modules as compression dictionaries, checked against
//! `bench/budgets.toml` by `cargo xtask test`. Sizes are deterministic, so they are asserted; times never are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shared_types::RemoteManifest;

use crate::compress::{brotli_size, files_under};

/// Where the budgets live, relative to the workspace root.
pub const BUDGETS_FILE: &str = "bench/budgets.toml";

/// Budgets in brotli bytes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budgets {
    /// Everything `/login` needs before the form is usable: index.html, the shell, the registry and the auth remote.
    pub login_first_view: usize,
    /// Each remote's JS glue plus wasm, by name.
    pub remotes: BTreeMap<String, usize>,
    /// `"<remote> after <predecessor>"`: the remote as a browser that already holds the predecessor's modules
    /// receives it (see [`remote_size_after`]); the predecessor is `shell` or a remote.
    #[serde(default)]
    pub after: BTreeMap<String, usize>,
}

/// One measured item and its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    pub item: String,
    pub raw: usize,
    pub brotli: usize,
    pub budget: usize,
}

impl Measured {
    pub fn over_budget(&self) -> bool {
        self.brotli > self.budget
    }
}

/// Reads the budgets file.
pub fn load(path: &Path) -> Result<Budgets> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not a valid budgets file", path.display()))
}

/// Raw and brotli sizes of the files a remote's manifest names (its stylesheet included).
pub fn remote_size(dist: &Path, name: &str) -> Result<(usize, usize)> {
    let (js, wasm, css) = remote_entries(dist, name)?;
    let mut files = vec![js, wasm];
    files.extend(css);
    sizes(&files)
}

/// Raw size of `remote`, and its size on the wire for a browser that already holds `predecessor`'s modules (`shell`
/// or a remote's name): each of its JS and wasm as the `dcz` variant against the predecessor's file of that kind
/// when the build wrote one, else brotli; its stylesheet in brotli.
pub fn remote_size_after(dist: &Path, remote: &str, predecessor: &str) -> Result<(usize, usize)> {
    let (js, wasm, css) = remote_entries(dist, remote)?;
    let (dictionary_js, dictionary_wasm) = if predecessor == "shell" {
        shell_entries(dist)?
    } else {
        let (js, wasm, _) = remote_entries(dist, predecessor)?;
        (js, wasm)
    };
    let mut raw = 0;
    let mut wire = 0;
    for (file, dictionary) in [(js, dictionary_js), (wasm, dictionary_wasm)] {
        let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        let hash: [u8; 32] = Sha256::digest(std::fs::read(&dictionary)?).into();
        let variant = api::compression_dictionary::variant_path(&file, &hash);
        raw += bytes.len();
        wire += match std::fs::metadata(&variant) {
            Ok(metadata) => usize::try_from(metadata.len())?,
            Err(_) => brotli_size(&bytes),
        };
    }
    if let Some(css) = css {
        let (css_raw, css_brotli) = sizes(&[css])?;
        raw += css_raw;
        wire += css_brotli;
    }
    Ok((raw, wire))
}

/// A remote's JS entry, wasm module and stylesheet, from its manifest.
fn remote_entries(dist: &Path, name: &str) -> Result<(PathBuf, PathBuf, Option<PathBuf>)> {
    let dir = dist.join("remotes").join(name);
    let manifest_text = std::fs::read_to_string(dir.join("remote.json"))
        .with_context(|| format!("remote `{name}` has no remote.json in {}", dir.display()))?;
    let manifest = RemoteManifest::parse(&manifest_text, name)?;
    Ok((
        dir.join(&manifest.entry_js),
        dir.join(&manifest.entry_wasm),
        manifest.entry_css.as_ref().map(|css| dir.join(css)),
    ))
}

/// The shell's JS glue and wasm module (Trunk's `<name>-<hash>.js` and `<name>-<hash>_bg.wasm` at the top level).
fn shell_entries(dist: &Path) -> Result<(PathBuf, PathBuf)> {
    for path in files_under(dist)? {
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        if path.parent() == Some(dist)
            && let Some(stem) = name.strip_suffix("_bg.wasm")
        {
            return Ok((dist.join(format!("{stem}.js")), path));
        }
    }
    anyhow::bail!("{} holds no shell wasm", dist.display())
}

/// Raw and brotli sizes of the `/login` first view.
pub fn login_first_view_size(dist: &Path) -> Result<(usize, usize)> {
    let mut files = vec![
        dist.join("index.html"),
        dist.join("remotes.json"),
        dist.join("remotes/auth/remote.json"),
    ];
    for path in files_under(dist)? {
        let top_level = path.parent() == Some(dist);
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        // The isolated-remote frame's script is loaded only inside such a frame, never by /login.
        let frame_only = path.file_name().is_some_and(|name| name == "portico-frame.js");
        if top_level && !frame_only && matches!(extension, "js" | "wasm" | "css") {
            files.push(path);
        }
    }
    let (auth_raw, auth_brotli) = remote_size(dist, "auth")?;
    let (raw, brotli) = sizes(&files)?;
    Ok((raw + auth_raw, brotli + auth_brotli))
}

fn sizes(files: &[std::path::PathBuf]) -> Result<(usize, usize)> {
    let mut raw = 0;
    let mut brotli = 0;
    for file in files {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        raw += bytes.len();
        brotli += brotli_size(&bytes);
    }
    Ok((raw, brotli))
}

/// Measures every budgeted item of the build in `dist`.
pub fn measure(dist: &Path, budgets: &Budgets) -> Result<Vec<Measured>> {
    let (raw, brotli) = login_first_view_size(dist)?;
    let mut measured = vec![Measured {
        item: "/login first view".into(),
        raw,
        brotli,
        budget: budgets.login_first_view,
    }];
    for (name, budget) in &budgets.remotes {
        let (raw, brotli) = remote_size(dist, name)?;
        measured.push(Measured {
            item: format!("remote `{name}`"),
            raw,
            brotli,
            budget: *budget,
        });
    }
    for (pair, budget) in &budgets.after {
        let (remote, predecessor) = pair
            .split_once(" after ")
            .with_context(|| format!("budget `{pair}` is not \"<remote> after <predecessor>\""))?;
        let (raw, wire) = remote_size_after(dist, remote, predecessor)?;
        measured.push(Measured {
            item: format!("remote `{remote}` after `{predecessor}` (dictionaries)"),
            raw,
            brotli: wire,
            budget: *budget,
        });
    }
    Ok(measured)
}

/// Measures `dist`, prints the table, and fails naming every item over its budget.
pub fn check(dist: &Path, budgets: &Budgets) -> Result<Vec<Measured>> {
    let measured = measure(dist, budgets)?;
    println!("| Item | Raw (bytes) | Brotli (bytes) | Budget (bytes) |");
    println!("|---|---:|---:|---:|");
    for item in &measured {
        let flag = if item.over_budget() { "  OVER BUDGET" } else { "" };
        println!(
            "| {} | {} | {} | {} |{flag}",
            item.item, item.raw, item.brotli, item.budget
        );
    }
    let over: Vec<String> = measured
        .iter()
        .filter(|item| item.over_budget())
        .map(|item| {
            format!(
                "{} is {} bytes brotli, over its budget of {}",
                item.item, item.brotli, item.budget
            )
        })
        .collect();
    anyhow::ensure!(over.is_empty(), "size budget exceeded: {}", over.join("; "));
    Ok(measured)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_dist(orders_wasm: &[u8]) -> tempfile::TempDir {
        let dist = tempfile::tempdir().unwrap();
        let root = dist.path();
        std::fs::write(root.join("index.html"), "<html></html>").unwrap();
        std::fs::write(root.join("remotes.json"), "{}").unwrap();
        std::fs::write(root.join("shell-0123456789abcdef.js"), "export default 1;").unwrap();
        std::fs::write(root.join("shell-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
        for (name, wasm) in [("auth", &b"\0asm small"[..]), ("orders", orders_wasm)] {
            let dir = root.join("remotes").join(name);
            std::fs::create_dir_all(&dir).unwrap();
            let manifest = serde_json::json!({
                "name": name, "version": "0.1.0", "contract": shared_types::CONTRACT_VERSION,
                "entry_js": format!("remote_{name}-0123456789abcdef.js"),
                "entry_js_integrity": format!("sha384-{}", "A".repeat(64)),
                "entry_wasm": format!("remote_{name}-0123456789abcdef_bg.wasm"),
                "entry_wasm_integrity": format!("sha384-{}", "A".repeat(64)),
                "routes": [format!("/{name}")], "permissions": []
            });
            std::fs::write(dir.join("remote.json"), manifest.to_string()).unwrap();
            std::fs::write(
                dir.join(format!("remote_{name}-0123456789abcdef.js")),
                "export default 1;",
            )
            .unwrap();
            std::fs::write(dir.join(format!("remote_{name}-0123456789abcdef_bg.wasm")), wasm).unwrap();
        }
        dist
    }

    fn budgets(orders: usize) -> Budgets {
        Budgets {
            login_first_view: 10_000,
            remotes: BTreeMap::from([("auth".into(), 1_000), ("orders".into(), orders)]),
            after: BTreeMap::new(),
        }
    }

    /// Bytes brotli cannot shrink: a simple xorshift stream.
    fn incompressible(len: usize) -> Vec<u8> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn a_build_within_budget_passes() {
        let dist = fake_dist(b"\0asm small");
        let measured = check(dist.path(), &budgets(1_000)).unwrap();
        assert_eq!(measured.len(), 3);
        assert!(measured.iter().all(|item| item.brotli > 0 && !item.over_budget()));
    }

    #[test]
    fn an_oversized_remote_fails_the_check_by_name() {
        let dist = fake_dist(&incompressible(50_000));
        let error = check(dist.path(), &budgets(20_000)).unwrap_err().to_string();
        assert!(error.contains("remote `orders`"), "{error}");
        assert!(!error.contains("remote `auth`"), "{error}");
    }

    #[test]
    fn the_login_view_counts_the_shell_and_the_auth_remote() {
        let dist = fake_dist(b"\0asm small");
        let (raw, _) = login_first_view_size(dist.path()).unwrap();
        let expected = "<html></html>".len() + 2 + "export default 1;".len() * 2 + 4 + b"\0asm small".len();
        let auth_manifest = std::fs::read(dist.path().join("remotes/auth/remote.json"))
            .unwrap()
            .len();
        assert_eq!(raw, expected + auth_manifest);
    }

    #[test]
    fn a_remote_after_another_counts_its_dcz_variants_where_the_build_wrote_them() {
        let module = incompressible(20_000);
        let dist = fake_dist(&module);
        let auth_wasm = dist.path().join("remotes/auth/remote_auth-0123456789abcdef_bg.wasm");
        std::fs::write(&auth_wasm, &module).unwrap();
        crate::dictionaries::write_variants(dist.path(), dist.path()).unwrap();
        let (raw, wire) = remote_size_after(dist.path(), "orders", "auth").unwrap();
        assert_eq!(raw, module.len() + "export default 1;".len());
        let orders_wasm = dist
            .path()
            .join("remotes/orders/remote_orders-0123456789abcdef_bg.wasm");
        let hash: [u8; 32] = Sha256::digest(&module).into();
        let variant = std::fs::metadata(api::compression_dictionary::variant_path(&orders_wasm, &hash)).unwrap();
        // The wasm travels as its variant (tiny: the same bytes as the dictionary); the identical JS glue too.
        assert!(wire < 200 && wire as u64 >= variant.len(), "{wire} bytes");
        let mut budgets = budgets(1_000_000);
        budgets.login_first_view = 1_000_000;
        budgets.remotes.insert("auth".into(), 1_000_000);
        budgets.after.insert("orders after auth".into(), 50);
        let error = check(dist.path(), &budgets).unwrap_err().to_string();
        assert!(error.contains("remote `orders` after `auth`"), "{error}");
        budgets.after.insert("orders after auth".into(), 200);
        check(dist.path(), &budgets).unwrap();
        let (_, from_shell) = remote_size_after(dist.path(), "orders", "shell").unwrap();
        assert!(
            from_shell > 15_000,
            "no variant against the shell's tiny module: {from_shell}"
        );
    }

    #[test]
    fn the_budgets_file_in_the_repository_parses() {
        let budgets = load(&crate::workspace_root().join(BUDGETS_FILE)).unwrap();
        assert!(budgets.remotes.contains_key("auth") && budgets.remotes.contains_key("orders"));
    }
}
