//! Journeys through independent delivery, against the release `cargo xtask test` rehearses with `build-remote`
//! (`PORTICO_NEXT_RELEASE`: the orders remote with a new heading, plus a `billing` remote made by `new-remote`).
//!
//! Publishing that release into a running site replaces only `remotes.json` and the orders manifest and adds new
//! content-addressed files: pages already open keep the version they pinned, new pages get the new one, and the new
//! remote is served at its route without any change to the shell.

use std::path::PathBuf;

use anyhow::{Context, Result, ensure};
use e2e::Journey;

use crate::ALICE;

/// The orders heading before and after the release (see `crates/xtask/src/rehearsal.rs`).
const OLD_HEADING: &str = "Your orders";
const NEW_HEADING: &str = "Your orders, next release";

/// The rehearsed release's `dist/`.
fn next_release() -> Result<PathBuf> {
    let dir = std::env::var_os("PORTICO_NEXT_RELEASE")
        .map(PathBuf::from)
        .context("PORTICO_NEXT_RELEASE is not set: `cargo xtask test` builds the rehearsed release and sets it")?;
    ensure!(dir.join("remotes.json").is_file(), "{} holds no release", dir.display());
    Ok(dir)
}

/// Replaces the served orders directory and registry with the release's, as a deploy of that remote would. The
/// old version's files are still there only because `build-remote` kept them.
fn publish_orders(next: &std::path::Path, site: &std::path::Path) -> Result<()> {
    std::fs::remove_dir_all(site.join("remotes/orders"))?;
    e2e::copy_tree(&next.join("remotes/orders"), &site.join("remotes/orders"))?;
    for file in ["remotes.json", "remotes.json.br", "remotes.json.gz"] {
        std::fs::copy(next.join(file), site.join(file))?;
    }
    Ok(())
}

#[tokio::test]
async fn a_new_release_of_one_remote_reaches_new_pages_while_open_pages_keep_theirs() -> Result<()> {
    let next = next_release()?;
    let journey = Journey::start().await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text(OLD_HEADING).await?;
    journey.link("Dashboard").await?.click().await?;
    journey.text("You have 3 orders.").await?;

    publish_orders(&next, &journey.site)?;

    journey.link("Orders").await?.click().await?;
    journey.text("Espresso beans").await?;
    ensure!(
        journey
            .exists(&format!("//h1[normalize-space(.) = '{OLD_HEADING}']"))
            .await?
            && !journey
                .exists(&format!("//h1[normalize-space(.) = '{NEW_HEADING}']"))
                .await?,
        "the page opened before the release switched to the new orders version"
    );
    journey.open_in_new_tab("/orders").await?;
    journey.text(NEW_HEADING).await?;
    // The new version's module comes compressed against the previous one, which this browser holds.
    let dictionaries = crate::dictionaries::wasm_by_hash(&journey.site)?;
    let (encoded, brotli, dictionary) = crate::dictionaries::arrival(&journey, "orders", &dictionaries).await?;
    eprintln!("after the release, the orders module: {encoded} bytes as dcz against {dictionary}, {brotli} as brotli");
    ensure!(
        dictionary.starts_with("remote_orders_bg-"),
        "the new orders module came against {dictionary}, not the previous orders module"
    );
    ensure!(
        encoded * 4 < brotli,
        "{encoded} bytes is not under a quarter of brotli's {brotli}"
    );
    journey.finish().await
}

#[tokio::test]
async fn a_scaffolded_remote_is_served_at_its_route_after_sign_in() -> Result<()> {
    let next = next_release()?;
    let journey = Journey::start_with_site(|site| e2e::copy_tree(&next, site)).await?;
    journey.open("/billing").await?;
    journey.wait_for_location("/login?redirect=%2Fbilling").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/billing").await?;
    journey.text("Billing").await?;
    journey
        .text("Hello, Alice Anderson. This is the billing remote.")
        .await?;
    journey.open("/billing/nothing-here").await?;
    journey.text("Page not found").await?;
    journey.finish().await
}
