//! Journeys through how remotes are loaded ahead of time: a hovered link prefetches its remote, so the click that
//! follows mounts it without requesting any of its files again.

use std::time::Duration;

use anyhow::{Result, ensure};
use e2e::Journey;

use crate::ALICE;

async fn remote_files(journey: &Journey, remote: &str) -> Result<Vec<String>> {
    let marker = format!("/remotes/{remote}/");
    Ok(journey
        .requested_resources()
        .await?
        .into_iter()
        .filter(|name| name.contains(&marker))
        .collect())
}

#[tokio::test]
async fn a_hovered_remote_is_prefetched_and_its_click_requests_none_of_its_files() -> Result<()> {
    // Trusted on purpose: only a trusted remote's code is prefetched into the page (an isolated one's runs only in
    // its frame; the hostile journeys check that it is never imported here).
    let journey = Journey::start_with_site(|site| crate::isolation::isolate(site, &[])).await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    journey
        .script("document.querySelector('a[href=\"/orders\"]').dispatchEvent(new MouseEvent('mouseenter')); return 1;")
        .await?;
    let deadline = std::time::Instant::now() + e2e::PATIENCE;
    while !remote_files(&journey, "orders")
        .await?
        .iter()
        .any(|name| name.contains(".wasm"))
    {
        ensure!(
            std::time::Instant::now() < deadline,
            "hovering Orders prefetched nothing"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = remote_files(&journey, "orders").await?;
    journey.link("Orders").await?.click().await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Your orders").await?;
    journey.text("Order").await?;
    let after = remote_files(&journey, "orders").await?;
    ensure!(
        after == before,
        "the click requested orders files again: {before:?} -> {after:?}"
    );
    journey.finish().await
}

#[tokio::test]
async fn a_release_build_ignores_remote_overrides_and_the_debug_overlay() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    journey
        .open("/orders?portico-debug&portico-override=orders@/nowhere/remote.json")
        .await?;
    journey.text("Your orders").await?;
    journey.text("Espresso beans").await?;
    for dev_only in ["Portico debug", "Development override:"] {
        ensure!(
            !journey
                .exists(&format!("//*[contains(normalize-space(.), '{dev_only}')]"))
                .await?,
            "a release build shows {dev_only:?}"
        );
    }
    let requested = journey.requested_resources().await?;
    ensure!(
        !requested.iter().any(|name| name.contains("/nowhere/")),
        "a release build followed an override: {requested:?}"
    );
    journey.finish().await
}
