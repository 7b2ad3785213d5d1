//! `cargo xtask new-remote NAME`: scaffolds a working remote that the next build ships at `/NAME`.
//!
//! It writes `remotes/NAME/` (crate `remote-NAME` with its manifest metadata, a page, a scoped stylesheet and a
//! test) and a size budget in `bench/budgets.toml`. The workspace lists `remotes/*`, the build finds every remote
//! directory and registers it in `remotes.json`, and the shell routes any path a registered manifest claims, so no
//! other file needs an edit. Nothing is overwritten: an existing remote of that name is an error.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use shared_types::manifest::is_valid_remote_name;

use crate::budgets::BUDGETS_FILE;

/// Names whose `/NAME` route the shell or the server already uses.
const RESERVED: [&str; 5] = ["login", "api", "remotes", "shell", "assets"];
/// The starting size budget (brotli bytes) of a new remote: an empty Leptos remote is about 60 KB.
const STARTING_BUDGET: usize = 90_000;

/// Writes the new remote `name` under `root`.
pub fn scaffold(root: &Path, name: &str) -> Result<()> {
    check_name(name)?;
    let dir = root.join("remotes").join(name);
    ensure!(!dir.exists(), "remotes/{name} already exists; pick another name");
    let title = title_case(name);
    let budgets = budgets_with(root, name)?;

    fs::create_dir_all(dir.join("src")).with_context(|| format!("could not create {}", dir.display()))?;
    write(&dir.join("Cargo.toml"), &cargo_toml(name))?;
    write(&dir.join("src/lib.rs"), &lib_rs(name, &title))?;
    write(&dir.join("style.css"), &style_css(name))?;
    if let Some(updated) = budgets {
        write(&root.join(BUDGETS_FILE), &updated)?;
    }

    println!("created remotes/{name} (crate `remote-{name}`), served at /{name} once built");
    println!("  cargo xtask build-remote {name}    build it into dist/ and register it (or `cargo xtask build`)");
    println!("  cargo xtask dev --remote {name}    run it alone in a harness page");
    println!("  its size budget is {STARTING_BUDGET} bytes (brotli) in {BUDGETS_FILE}");
    Ok(())
}

/// A remote name must be a valid registry name, start with a letter (a crate name cannot start with a digit), and
/// not take a route the shell or the server uses.
fn check_name(name: &str) -> Result<()> {
    if !is_valid_remote_name(name)
        || !name.starts_with(|c: char| c.is_ascii_lowercase())
        || name.ends_with('-')
        || name.contains("--")
    {
        bail!(
            "`{name}` is not a valid remote name: use lowercase letters, digits and single `-`, starting with a letter"
        );
    }
    if RESERVED.contains(&name) {
        bail!("`{name}` is reserved: /{name} belongs to the shell or the server");
    }
    Ok(())
}

/// `billing-reports` → `Billing reports`.
fn title_case(name: &str) -> String {
    let words = name.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// The budgets file with `name = STARTING_BUDGET` appended to its `[remotes]` table (the file's last table), or
/// `None` when `name` has a budget already. Checked before anything is written, so a bad budgets file leaves no
/// half-made remote behind.
fn budgets_with(root: &Path, name: &str) -> Result<Option<String>> {
    let path = root.join(BUDGETS_FILE);
    let text = fs::read_to_string(&path).with_context(|| format!("could not read {}", path.display()))?;
    let parsed: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    let has_budget = parsed.get("remotes").and_then(|remotes| remotes.get(name)).is_some();
    if has_budget {
        return Ok(None);
    }
    ensure!(
        text.trim_end().lines().rev().find(|line| line.starts_with('[')) == Some("[remotes]"),
        "{} must end with its [remotes] table",
        path.display()
    );
    Ok(Some(format!("{}\n{name} = {STARTING_BUDGET}\n", text.trim_end())))
}

fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).with_context(|| format!("could not write {}", path.display()))
}

fn cargo_toml(name: &str) -> String {
    format!(
        r#"[package]
name = "remote-{name}"
version = "0.1.0"
description = "Portico's {name} remote: a Leptos view mounted by the shell through remote-sdk."
edition.workspace = true
rust-version.workspace = true
license.workspace = true
publish.workspace = true

# Written into this remote's remote.json by `cargo xtask build-remote {name}`. The shell serves these routes to
# signed-in users who hold every listed permission.
[package.metadata.portico]
routes = ["/{name}"]
permissions = []
# Host capabilities it needs: API calls as `METHOD /api/path` (`{{id}}` matches one segment), and event names. The
# registry grants them when the remote is first registered; the shell refuses anything else.
api = []
events = []

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
remote-sdk.workspace = true
shared-types.workspace = true
leptos.workspace = true
serde.workspace = true
wasm-bindgen.workspace = true

[lints]
workspace = true
"#
    )
}

fn lib_rs(name: &str, title: &str) -> String {
    format!(
        r#"//! The {name} remote, mounted by the shell at `/{name}`.
//!
//! It talks to the shell only through `Host` (identity, `fetch`, navigation) and never sees a token. Its styles
//! are in `style.css`, scoped to its mount point by the build.

use leptos::prelude::*;
use remote_sdk::Host;

remote_sdk::export!(App);

/// The {name} page.
#[component]
pub fn App(host: Host) -> impl IntoView {{
    let identity = host.identity();
    view! {{
        <section class="{name}" aria-labelledby="{name}-heading">
            <h1 id="{name}-heading">"{title}"</h1>
            <p class="greeting">{{move || greeting(&identity.read().display_name)}}</p>
        </section>
    }}
}}

/// The line under the heading.
fn greeting(display_name: &str) -> String {{
    format!("Hello, {{display_name}}. This is the {name} remote.")
}}

#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn the_greeting_names_the_user_and_the_remote() {{
        assert_eq!(greeting("Alice"), "Hello, Alice. This is the {name} remote.");
    }}
}}
"#
    )
}

fn style_css(name: &str) -> String {
    format!(
        r#"/* The {name} remote's styles. The build scopes them to its mount point, so they never reach the shell or
   another remote; use the shell's variables (--ink, --muted, --line, --accent, --danger) for colours. */

.{name} {{
  background: var(--surface);
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 1.5rem 2rem;
}}

.greeting {{
  color: var(--muted);
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace_with_budgets() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("remotes/orders")).unwrap();
        fs::create_dir_all(root.path().join("bench")).unwrap();
        fs::write(
            root.path().join(BUDGETS_FILE),
            "login_first_view = 1\n\n[remotes]\norders = 2\n",
        )
        .unwrap();
        root
    }

    #[test]
    fn a_new_remote_gets_a_crate_a_stylesheet_and_a_budget() {
        let root = workspace_with_budgets();
        scaffold(root.path(), "billing").unwrap();
        let dir = root.path().join("remotes/billing");
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains(r#"name = "remote-billing""#) && manifest.contains(r#"routes = ["/billing"]"#));
        let page = fs::read_to_string(dir.join("src/lib.rs")).unwrap();
        assert!(page.contains(r#"<h1 id="billing-heading">"Billing"</h1>"#));
        assert!(crate::remote_css::scope("billing", &fs::read_to_string(dir.join("style.css")).unwrap()).is_ok());
        let budgets: toml::Table = fs::read_to_string(root.path().join(BUDGETS_FILE))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(budgets["remotes"]["billing"].as_integer(), Some(STARTING_BUDGET as i64));
        assert_eq!(budgets["remotes"]["orders"].as_integer(), Some(2));
    }

    #[test]
    fn an_existing_reserved_or_malformed_name_is_refused() {
        let root = workspace_with_budgets();
        let error = scaffold(root.path(), "orders").unwrap_err();
        assert!(error.to_string().contains("already exists"), "{error}");
        assert!(
            scaffold(root.path(), "login")
                .unwrap_err()
                .to_string()
                .contains("reserved")
        );
        for bad in ["Billing", "9lives", "bill_ing", "billing-", "a--b", ""] {
            assert!(scaffold(root.path(), bad).is_err(), "{bad} was accepted");
        }
        assert!(!root.path().join("remotes/Billing").exists());
    }

    #[test]
    fn a_bad_budgets_file_leaves_nothing_behind() {
        let root = workspace_with_budgets();
        fs::write(root.path().join(BUDGETS_FILE), "[remotes]\norders = 2\n[later]\n").unwrap();
        assert!(scaffold(root.path(), "billing").is_err());
        assert!(!root.path().join("remotes/billing").exists());
    }

    #[test]
    fn titles_come_from_the_name() {
        assert_eq!(title_case("billing"), "Billing");
        assert_eq!(title_case("billing-reports"), "Billing reports");
    }
}
