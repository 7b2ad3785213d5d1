//! The dev-loop check in `cargo xtask test`: a real `cargo xtask dev` in a copy of the workspace
//! ([`DevSession`]), driven through headless Chromium as a remote team uses it.
//!
//! 0. On the sign-in page (a trusted remote, in the shell's document), save a new heading: it shows in place.
//! 1. Sign in, open Orders (an isolated remote), set a marker on `window` and collect uncaught page errors; save a
//!    new heading in the copy's orders remote: the new heading shows in place, with the marker still there (no
//!    reload), the user still signed in, at the same address, with no page error.
//! 2. Save a compile error: the overlay names the file and line, and the previous build keeps running underneath;
//!    save the fix: the overlay goes and the fixed remote shows.
//! 3. Save a change to the shell: the page reloads with the new shell, still signed in.
//! 4. After the loop stopped, the copy's `dist/` (the last release build) is byte-identical to before.
//! 5. The one-remote harness (`cargo xtask dev --remote orders`) on the same copy swaps a saved change in place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use e2e::Journey;
use serde_json::Value;

use crate::dev_session::{DEV_URL, DevSession};
use crate::{compress, rehearsal};

/// Where `cargo xtask dev --remote` serves its harness.
const HARNESS_URL: &str = "http://127.0.0.1:8090";
/// The orders remote's string table, and its English heading.
pub const ORDERS_TEXT: &str = "remotes/orders/src/text.rs";
pub const ORDERS_HEADING: &str = "heading: \"Your orders\"";
/// The sign-in remote's string table, and its English heading.
pub const AUTH_TEXT: &str = "remotes/auth/src/text.rs";
pub const AUTH_HEADING: &str = "heading: \"Sign in to Portico\"";
/// The shell's string table, and its English label of the Orders link.
pub const SHELL_TEXT: &str = "shell/src/text.rs";
pub const SHELL_ORDERS_LINK: &str = "orders: \"Orders\"";

/// Collects uncaught errors and unhandled rejections of the page into `window.__pageErrors`.
const COLLECT_PAGE_ERRORS: &str = r#"
window.__pageErrors = [];
addEventListener("error", (event) => window.__pageErrors.push(String(event.message)));
addEventListener("unhandledrejection", (event) => window.__pageErrors.push(String(event.reason)));
window.__devLoopMarker = "still the same page";
"#;

/// Runs the whole check.
pub fn run(root: &Path) -> Result<()> {
    let dist = root.join("dist");
    let dist_before = hashes(&dist)?;
    // The copy's dist/ is a copy of this one: compared with it afterwards, so the loop's start counts too.
    let session = DevSession::start(root, &root.join("target/dev-loop-check"))?;
    let copy_dist = session.workspace.join("dist");
    let runtime = tokio::runtime::Runtime::new()?;
    let checked = runtime.block_on(check(&session));
    let log = session.log_tail();
    let workspace = session.workspace.clone();
    session.stop()?;
    checked.with_context(|| log)?;

    let harness = DevSession::start_harness(root, &workspace, "orders", "alice")?;
    let checked = runtime.block_on(check_harness(&harness));
    let log = harness.log_tail();
    harness.stop()?;
    checked.with_context(|| log)?;

    let copy_after = hashes(&copy_dist)?;
    ensure!(
        copy_after == dist_before,
        "`cargo xtask dev` changed dist/ (the release build): {:?}",
        rehearsal::changed(&dist_before, &copy_after)
    );
    ensure!(
        hashes(&dist)? == dist_before,
        "the dev-loop check changed the real dist/"
    );
    eprintln!(
        "dist/ is byte-identical after the dev loop ({} files)",
        dist_before.len()
    );
    Ok(())
}

/// SHA-256 of every file under `dir`.
fn hashes(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    rehearsal::file_digests(dir, |_| true)
}

async fn check(session: &DevSession) -> Result<()> {
    let journey = Journey::attach(DEV_URL).await?;
    let checked = steps(session, &journey).await;
    journey.finish().await?;
    checked
}

async fn steps(session: &DevSession, journey: &Journey) -> Result<()> {
    // 0. A trusted remote (sign-in, in the shell's document) swaps in place too.
    journey.open("/login").await?;
    journey.text("Sign in to Portico").await?;
    journey.script(COLLECT_PAGE_ERRORS).await?;
    session.edit(AUTH_TEXT, AUTH_HEADING, "heading: \"Sign in to Portico, swapped\"")?;
    journey.text("Sign in to Portico, swapped").await?;
    let marker = journey.script("return window.__devLoopMarker || null;").await?;
    ensure!(marker == "still the same page", "the sign-in page was reloaded");
    journey.sign_in("alice", "alice-password").await?;
    journey.text("Alice Anderson").await?;
    journey.link("Orders").await?.click().await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Your orders").await?;
    journey.script(COLLECT_PAGE_ERRORS).await?;

    // 1. A remote's change swaps in place.
    let saved = Instant::now();
    session.edit(ORDERS_TEXT, ORDERS_HEADING, "heading: \"Your orders, swapped\"")?;
    journey.text("Your orders, swapped").await?;
    report_since(saved, "the orders remote's new heading");
    same_page_signed_in(journey, "/orders").await?;

    // 2. A compile error shows over the page; the fix swaps in.
    let broken = "heading: \"Your orders, swapped\",\n    broken: 1 +,";
    session.edit(ORDERS_TEXT, "heading: \"Your orders, swapped\",", broken)?;
    let line = line_of(&session.workspace.join(ORDERS_TEXT), "broken: 1 +,")?;
    let overlay_text = wait_for_text(journey, "Build failed: orders").await?;
    let place = format!("{ORDERS_TEXT}:{line}:");
    ensure!(
        overlay_text.contains(&place),
        "the build-error overlay does not name {place}: {overlay_text:?}"
    );
    journey.text("Your orders, swapped").await?;
    session.edit(ORDERS_TEXT, broken, "heading: \"Your orders, fixed\",")?;
    journey.text("Your orders, fixed").await?;
    let deadline = Instant::now() + e2e::PATIENCE;
    while journey
        .exists("//*[@role='alert'][contains(., 'Build failed')]")
        .await?
    {
        ensure!(
            Instant::now() < deadline,
            "the build-error overlay stayed after the fix"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    same_page_signed_in(journey, "/orders").await?;

    // 3. A shell change reloads the page, and the session comes back.
    let saved = Instant::now();
    session.edit(SHELL_TEXT, SHELL_ORDERS_LINK, "orders: \"Orders, reloaded\"")?;
    journey.link("Orders, reloaded").await?;
    report_since(saved, "the shell's new link");
    journey.text("Alice Anderson").await?;
    journey.text("Your orders, fixed").await?;
    ensure!(
        journey.location().await? == "/orders",
        "the reload did not keep the address"
    );
    Ok(())
}

/// 5. The one-remote harness (`cargo xtask dev --remote orders --as alice`) swaps a saved change in place too.
async fn check_harness(harness: &DevSession) -> Result<()> {
    let journey = Journey::attach(HARNESS_URL).await?;
    let checked = async {
        journey.open("/orders").await?;
        journey.text("Your orders, fixed").await?;
        journey.text("as Alice Anderson").await?;
        journey.script(COLLECT_PAGE_ERRORS).await?;
        harness.edit(
            ORDERS_TEXT,
            "heading: \"Your orders, fixed\"",
            "heading: \"Your orders, in the harness\"",
        )?;
        journey.text("Your orders, in the harness").await?;
        same_page_signed_in(&journey, "/orders").await
    }
    .await;
    journey.finish().await?;
    checked
}

/// Says how long after the save `saved` the change `what` showed (for the log; the bench measures).
fn report_since(saved: Instant, what: &str) {
    eprintln!("{what} showed {} ms after saving", saved.elapsed().as_millis());
}

/// The page was neither reloaded nor left, nobody signed out, and nothing threw.
async fn same_page_signed_in(journey: &Journey, path: &str) -> Result<()> {
    let marker = journey.script("return window.__devLoopMarker || null;").await?;
    ensure!(
        marker == "still the same page",
        "the page was reloaded (its marker is gone)"
    );
    ensure!(journey.location().await? == path, "the page left {path}");
    journey.text("Alice Anderson").await.context("no longer signed in")?;
    let errors = journey.script("return window.__pageErrors;").await?;
    ensure!(
        errors.as_array().is_some_and(Vec::is_empty),
        "uncaught page errors: {errors}"
    );
    Ok(())
}

/// Waits until the shell's document has an alert containing `text`, and returns that alert's text.
async fn wait_for_text(journey: &Journey, text: &str) -> Result<String> {
    let deadline = Instant::now() + e2e::PATIENCE;
    loop {
        let found = journey
            .script(&format!(
                "return [...document.querySelectorAll('[role=alert]')].map(e => e.innerText).find(t => t.includes({})) || null;",
                serde_json::to_string(text)?
            ))
            .await?;
        if let Value::String(found) = found {
            return Ok(found);
        }
        if Instant::now() > deadline {
            bail!("no alert reading {text:?} appeared");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The 1-based line of `file` that contains `text`.
fn line_of(file: &Path, text: &str) -> Result<usize> {
    let source = std::fs::read_to_string(file)?;
    source
        .lines()
        .position(|line| line.contains(text))
        .map(|index| index + 1)
        .with_context(|| format!("{} has no {text:?}", file.display()))
}

/// Texts only the dev-loop code of a shell holds: its build-state stream's path and its overlay's heading.
const DEV_LOOP_MARKS: [&str; 2] = [shared_types::dev_builds::DEV_BUILDS_URL, "Build failed: "];

/// Checks that the release build in `dist` carries nothing of the dev loop: no file outside `remotes/` (the shell's
/// wasm, its JavaScript and its page) contains [`DEV_LOOP_MARKS`].
pub fn release_has_no_dev_loop(dist: &Path) -> Result<()> {
    for path in compress::files_under(dist)? {
        let relative = path.strip_prefix(dist)?;
        if relative.starts_with("remotes") {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        for mark in DEV_LOOP_MARKS {
            ensure!(
                !bytes.windows(mark.len()).any(|window| window == mark.as_bytes()),
                "the release file {} contains the dev loop's {mark:?}",
                relative.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_with_dev_loop_code_in_the_shell_is_refused() {
        let dist = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dist.path().join("remotes/orders")).unwrap();
        std::fs::write(dist.path().join("shell-0123.wasm"), b"\0asm ... /api/orders ...").unwrap();
        std::fs::write(dist.path().join("remotes/orders/x.js"), b"/api/dev/builds").unwrap();
        assert!(release_has_no_dev_loop(dist.path()).is_ok());
        std::fs::write(dist.path().join("shell-0123.wasm"), b"\0asm ... /api/dev/builds ...").unwrap();
        let error = release_has_no_dev_loop(dist.path()).unwrap_err().to_string();
        assert!(error.contains("shell-0123.wasm"), "{error}");
    }
}
