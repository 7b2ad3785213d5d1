//! Journeys through fail-closed, resilient remote loading: a tampered file, a remote built for another major
//! contract version, a server that hangs or a remote that throws while mounting each give a clear error state with
//! "Retry", none of the refused code runs, and the rest of Portico keeps working.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use e2e::Journey;
use serde_json::json;

use crate::{ALICE, probe};

/// The served path of the orders remote's entry named by `field` (`entry_js` or `entry_wasm`) in `site`.
fn orders_entry(site: &Path, field: &str) -> Result<PathBuf> {
    e2e::remote_entry(site, "orders", field)
}

async fn orders_is_refused_while_the_dashboard_works(journey: &Journey, reasons: &[&str]) -> Result<()> {
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/orders").await?;
    for reason in reasons {
        journey.text(reason).await?;
    }
    journey.button("Retry").await?;
    ensure!(
        !journey.exists("//*[normalize-space(.) = 'Your orders']").await?,
        "the refused orders remote rendered anyway"
    );
    journey.link("Dashboard").await?.click().await?;
    journey.wait_for_location("/dashboard").await?;
    journey.text("You have 3 orders.").await?;
    Ok(())
}

#[tokio::test]
async fn a_tampered_orders_wasm_is_refused_and_the_dashboard_still_works() -> Result<()> {
    let journey = Journey::start_with_site(|site| {
        let wasm = orders_entry(site, "entry_wasm")?;
        let mut bytes = std::fs::read(&wasm)?;
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        e2e::replace_every_variant(&wasm, &bytes)
    })
    .await?;
    orders_is_refused_while_the_dashboard_works(&journey, &["failed its integrity check"]).await?;
    journey.finish().await
}

#[tokio::test]
async fn a_tampered_orders_stylesheet_is_refused_like_its_code() -> Result<()> {
    let journey = Journey::start_with_site(|site| {
        let css = orders_entry(site, "entry_css")?;
        let original = std::fs::read_to_string(&css)?;
        let tampered = format!("{original}\n@scope (header) {{ * {{ display: none }} }}\n");
        e2e::replace_every_variant(&css, tampered.as_bytes())
    })
    .await?;
    orders_is_refused_while_the_dashboard_works(&journey, &["failed its integrity check"]).await?;
    let sheets = journey.script("return document.adoptedStyleSheets.length;").await?;
    ensure!(
        sheets == json!(0),
        "no remote stylesheet should be adopted on the dashboard, found {sheets}"
    );
    journey.finish().await
}

#[tokio::test]
async fn a_tampered_orders_script_is_refused_before_any_of_it_runs() -> Result<()> {
    let journey = Journey::start_with_site(|site| {
        let js = orders_entry(site, "entry_js")?;
        let original = std::fs::read_to_string(&js)?;
        let tampered = format!("window.portico_tampered_code_ran = true;\n{original}");
        e2e::replace_every_variant(&js, tampered.as_bytes())
    })
    .await?;
    orders_is_refused_while_the_dashboard_works(&journey, &["failed its integrity check"]).await?;
    let ran = journey
        .script("return window.portico_tampered_code_ran === true;")
        .await?;
    ensure!(ran == serde_json::json!(false), "code from the tampered script ran");
    journey.finish().await
}

#[tokio::test]
async fn a_remote_built_for_another_major_contract_is_refused_naming_both_versions() -> Result<()> {
    let journey = Journey::start_with_site(|site| probe::install(site, "orders", Some("99.0"))).await?;
    let reasons = [
        "was built for contract version 99.0",
        "but this shell speaks version 2.",
    ];
    orders_is_refused_while_the_dashboard_works(&journey, &reasons).await?;
    journey.finish().await
}

#[tokio::test]
async fn a_hanging_server_turns_loading_into_an_error_and_retry_mounts_once_it_answers() -> Result<()> {
    let journey = Journey::start().await?;
    // Every request for the orders remote's files is held and never answered, like a hung server (from the start,
    // so the prefetch after sign-in hangs too).
    let hold = json!({"patterns": [{"urlPattern": "*/remotes/orders/*"}]});
    journey.cdp("Fetch.enable", hold).await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    journey.link("Orders").await?.click().await?;
    journey.wait_for_location("/orders").await?;
    journey.text("took too long to load").await?;
    journey.cdp("Fetch.disable", json!({})).await?;
    journey.button("Retry").await?.click().await?;
    journey.text("Your orders").await?;
    journey.finish().await
}

#[tokio::test]
async fn a_remote_that_throws_while_mounting_fails_alone() -> Result<()> {
    let journey = Journey::start_with_site(|site| probe::install_failing_mount(site, "orders")).await?;
    orders_is_refused_while_the_dashboard_works(&journey, &["failed to start"]).await?;
    journey.link("Orders").await?.click().await?;
    journey.text("failed to start").await?;
    ensure!(
        !journey.exists("//*[normalize-space(.) = 'half-mounted']").await?,
        "the failed mount left its DOM behind"
    );
    journey.finish().await
}

/// The entry's digest covers a remote's whole JS only if the entry imports nothing else, so remote builds must not
/// ship wasm-bindgen snippets (the build refuses them); this checks the built product says the same.
#[test]
fn remote_entries_import_no_other_script() -> Result<()> {
    let remotes = e2e::dist_dir().join("remotes");
    let mut checked = 0;
    for remote in std::fs::read_dir(&remotes)? {
        let dir = remote?.path();
        ensure!(!dir.join("snippets").exists(), "{} ships snippets", dir.display());
        let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("remote.json"))?)?;
        let entry = dir.join(manifest["entry_js"].as_str().context("no entry_js")?);
        let script = std::fs::read_to_string(&entry)?;
        let imports: Vec<&str> = script
            .lines()
            .filter(|line| line.trim_start().starts_with("import ") || line.contains("import("))
            .collect();
        ensure!(
            imports.is_empty(),
            "{} imports other scripts: {imports:?}",
            entry.display()
        );
        checked += 1;
    }
    ensure!(checked >= 4, "only {checked} remotes in {}", remotes.display());
    Ok(())
}
