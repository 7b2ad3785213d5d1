//! `cargo xtask dev --remote NAME`: one remote on its own, in a small harness page, for a team that does not run
//! the whole product.
//!
//! It builds the remote with the dev-speed pipeline into `target/dev-remote/site/`, writes the harness page next to
//! it, and serves that directory with the API in dev mode (seeded demo data) on 127.0.0.1:8090. The harness signs in
//! as the chosen demo user and gives the remote the same host messages the shell gives it (identity context, `fetch`
//! through the API, navigation), checking its files against their digests. Saving the remote's files rebuilds it and
//! the page swaps the new build in (the build states go to `target/dev-remote/dev-builds.json`, streamed by the API
//! as in `cargo xtask dev`); a failed build shows its first error over the page. Ctrl-C stops the server.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, ensure};

use crate::build;
use crate::dev::{PublishedBuilds, WATCH_EVERY, newest_change, remote_sources};
use crate::process::{self, Server, cargo};

/// Where the harness listens.
const HARNESS_ADDR: &str = "127.0.0.1:8090";
/// The demo users the API seeds (password `<name>-password`).
pub const DEMO_USERS: [&str; 4] = ["alice", "bob", "carol", "dave"];
/// The harness page's script.
const HARNESS_JS: &str = include_str!("harness/harness.js");
/// The harness's own rules, after the shell's stylesheet (the API's CSP allows no inline style).
const HARNESS_CSS: &str = "
.harness-build-failure { position: fixed; inset-inline: 1rem; inset-block-start: 1rem; z-index: 1000;
  padding: 1rem 1.25rem; border: 2px solid var(--danger); border-radius: var(--radius); background: var(--surface);
  color: var(--ink); box-shadow: var(--shadow); }
.harness-build-failure[hidden] { display: none; }
.harness-build-failure pre { max-height: 40vh; overflow: auto; white-space: pre-wrap; }
";

/// Runs remote `name` alone, signed in as `user`.
pub fn run(root: &Path, name: &str, user: &str) -> Result<()> {
    ensure!(
        DEMO_USERS.contains(&user),
        "`{user}` is not a demo user; choose one of {}",
        DEMO_USERS.join(", ")
    );
    let known = build::remote_names(root)?;
    ensure!(
        known.iter().any(|known| known == name),
        "unknown remote `{name}`; known remotes: {}",
        known.join(", ")
    );
    let dir = root.join("target/dev-remote");
    let site = dir.join("site");
    write_harness(root, &site, name, user)?;
    let build_into_site =
        || build::build_remote_with_target(root, &build::target_dir(root), name, &site, build::Speed::Dev);
    let mut builds = PublishedBuilds::new(dir.join("dev-builds.json"));
    builds.rebuild(name, build_into_site);
    process::run(cargo().current_dir(root).args(["build", "--package", "api"]))?;
    let builds_arg = builds.path().to_string_lossy().into_owned();

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).context("installing the Ctrl-C handler")?;
    let database = dir.join("portico.db");
    let signing_key = dir.join("signing-key.pem");
    let site_arg = site.to_string_lossy().into_owned();
    let database_arg = database.to_string_lossy().into_owned();
    let key_arg = signing_key.to_string_lossy().into_owned();
    let _api = Server::start_api(
        &build::target_dir(root).join("debug/api"),
        &[
            "--dev",
            "--addr",
            HARNESS_ADDR,
            "--database",
            &database_arg,
            "--signing-key",
            &key_arg,
            "--static-dir",
            &site_arg,
            "--dev-builds",
            &builds_arg,
        ],
    )
    .with_context(|| format!("the harness needs {HARNESS_ADDR} free"))?;
    println!(
        "\nThe `{name}` remote runs alone at http://{HARNESS_ADDR}{} as {user}.",
        first_route(root, name)?
    );
    println!(
        "Saving one of its files swaps the rebuilt remote into the open page (a failed build shows its first error \
         there). Ctrl-C stops the server.\n"
    );

    let sources = remote_sources(root, name);
    let mut seen = newest_change(&sources);
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(WATCH_EVERY);
        let latest = newest_change(&sources);
        if latest > seen {
            seen = latest;
            builds.rebuild(name, build_into_site);
        }
    }
    println!("stopping the harness");
    Ok(())
}

/// The harness page (served for every navigation, so the remote's own routes work), its script and the shell's
/// stylesheet for the platform look.
fn write_harness(root: &Path, site: &Path, name: &str, user: &str) -> Result<()> {
    fs::create_dir_all(site).with_context(|| format!("could not create {}", site.display()))?;
    let config = serde_json::json!({ "remote": name, "user": user });
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>{name} · Portico harness</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/harness.css" />
    <script type="application/json" id="harness-config">{config}</script>
    <script type="module" src="/harness.js"></script>
  </head>
  <body>
    <header class="shell-header">
      <span class="brand">Portico harness</span>
      <span id="harness-path" class="user-name"></span>
      <span id="harness-status" role="status"></span>
    </header>
    <section id="harness-build-failure" class="harness-build-failure" role="alert" hidden>
      <h2></h2>
      <p><code></code></p>
      <p><strong></strong></p>
      <pre></pre>
      <p>The page keeps the previous build until this one builds; saving a fix swaps it in.</p>
    </section>
    <main class="shell-main"><div class="remote-root" data-remote="{name}"></div></main>
  </body>
</html>
"#
    );
    fs::write(site.join("index.html"), page)?;
    fs::write(site.join("harness.js"), HARNESS_JS)?;
    let shell_css = fs::read_to_string(root.join("shell/style.css")).context("could not read shell/style.css")?;
    fs::write(site.join("harness.css"), shell_css + HARNESS_CSS)?;
    Ok(())
}

/// The remote's first route without parameters, for the URL to print.
fn first_route(root: &Path, name: &str) -> Result<String> {
    let cargo_toml = fs::read_to_string(root.join("remotes").join(name).join("Cargo.toml"))?;
    let parsed: toml::Table = cargo_toml.parse()?;
    let routes = parsed
        .get("package")
        .and_then(|package| package.get("metadata"))
        .and_then(|metadata| metadata.get("portico"))
        .and_then(|portico| portico.get("routes"))
        .and_then(|routes| routes.as_array())
        .cloned()
        .unwrap_or_default();
    Ok(routes
        .iter()
        .filter_map(|route| route.as_str())
        .find(|route| !route.contains(':'))
        .unwrap_or("/")
        .to_owned())
}
