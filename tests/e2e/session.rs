//! Journeys through the session lifecycle: short-lived tokens, expiry, outages, sign-out across tabs and the
//! auth event sink. Several run against a server whose access tokens live 4 s with no clock-skew leeway.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use e2e::{Journey, short_tokens};
use serde_json::json;

use crate::{ALICE, probe};

const EXPIRED: &str = "Your session has expired. Sign in again to continue.";

#[tokio::test]
async fn short_tokens_keep_a_moving_user_signed_in_and_rotate_the_cookie() -> Result<()> {
    let journey = Journey::start_with_access_ttl(4).await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Your orders").await?;
    let mut cookies = BTreeSet::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        journey.link("Dashboard").await?.click().await?;
        journey.wait_for_location("/dashboard").await?;
        journey.text("You have 3 orders.").await?;
        journey.link("Orders").await?.click().await?;
        journey.wait_for_location("/orders").await?;
        journey.text("Order").await?;
        cookies.extend(journey.refresh_cookie().await?);
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    let counts = journey.auth_counts();
    ensure!(
        counts.refreshes >= 6,
        "refreshed only {} times in 30 s of 4 s tokens",
        counts.refreshes
    );
    ensure!(
        cookies.len() >= 5,
        "the refresh cookie rotated only {} times",
        cookies.len()
    );
    ensure!(counts.reuse_detected == 0 && counts.refused == 0, "{counts:?}");
    ensure!(
        counts.bearer_rejected == 0,
        "{} API calls answered 401",
        counts.bearer_rejected
    );
    journey.finish().await
}

#[tokio::test]
async fn a_page_frozen_past_expiry_refreshes_once_before_calling_the_api() -> Result<()> {
    let journey = Journey::start_with_access_ttl(4).await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    // A laptop lid closing: no timer runs while the page is frozen, and the token expires meanwhile.
    journey
        .cdp("Page.setWebLifecycleState", json!({"state": "frozen"}))
        .await?;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let before = journey.auth_counts();
    journey
        .cdp("Page.setWebLifecycleState", json!({"state": "active"}))
        .await?;
    journey.link("Orders").await?.click().await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Your orders").await?;
    journey.text("Order").await?;
    let after = journey.auth_counts();
    ensure!(after.refreshes - before.refreshes == 1, "{before:?} -> {after:?}");
    ensure!(after.bearer_rejected == 0, "an expired token was sent: {after:?}");
    journey.finish().await
}

/// Makes the page's clock run `lag_ms` behind the real one, as on a machine whose clock is off: the shell then
/// believes its token is fresher than the server does.
async fn lag_page_clock(journey: &Journey, lag_ms: u64) -> Result<()> {
    journey
        .script(&format!(
            "if (!window.portico_real_now) {{ window.portico_real_now = Date.now.bind(Date); \
               Date.now = () => window.portico_real_now() - (window.portico_lag || 0); }} \
             window.portico_lag = {lag_ms}; return 1;"
        ))
        .await?;
    Ok(())
}

#[tokio::test]
async fn twenty_parallel_calls_with_an_expired_token_share_one_refresh() -> Result<()> {
    let journey = Journey::start_with(short_tokens(4), probe::install_as_dashboard).await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.button("Run probe").await?.click().await?;
    journey.text("probe: 20 of 20 answered 200").await?;
    // The server's clock runs 10 s ahead of the page's: the token expires on the server while the shell still
    // thinks it is fresh, so every call meets a 401.
    lag_page_clock(&journey, 10_000).await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = journey.auth_counts();
    journey.button("Run probe").await?.click().await?;
    journey.text("probe: 20 of 20 answered 200").await?;
    let after = journey.auth_counts();
    ensure!(
        after.bearer_rejected - before.bearer_rejected == 20,
        "{before:?} -> {after:?}"
    );
    ensure!(after.refreshes - before.refreshes == 1, "{before:?} -> {after:?}");
    ensure!(after.reuse_detected == 0, "{after:?}");
    journey.finish().await
}

#[tokio::test]
async fn a_session_revoked_elsewhere_ends_at_the_next_navigation_and_sign_in_returns_there() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("Welcome, Alice Anderson").await?;
    journey.revoke_session_elsewhere().await?;
    journey.link("Orders").await?.click().await?;
    journey.wait_for_location("/login?redirect=%2Forders").await?;
    journey.text(EXPIRED).await?;
    ensure!(
        !journey
            .exists("//*[contains(@class, 'remote-root') and @data-remote='orders']")
            .await?,
        "the orders remote is still on the page"
    );
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Your orders").await?;
    journey.finish().await
}

#[tokio::test]
async fn signing_out_in_one_tab_takes_the_other_to_login() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("Welcome, Alice Anderson").await?;
    let first = journey.browser.window().await?;
    journey.open_in_new_tab("/orders").await?;
    journey.text("Your orders").await?;
    let second = journey.browser.window().await?;
    journey.browser.switch_to_window(first).await?;
    journey.button("Sign out").await?.click().await?;
    let clicked = Instant::now();
    journey.wait_for_location("/login").await?;
    journey.browser.switch_to_window(second).await?;
    while !journey.location().await?.starts_with("/login") {
        ensure!(
            clicked.elapsed() < Duration::from_secs(2),
            "the other tab stayed signed in for 2 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    journey.field("Username").await?;
    ensure!(
        !journey.exists("//*[normalize-space(.) = 'Your orders']").await?,
        "protected content stayed"
    );
    journey.finish().await
}

#[tokio::test]
async fn two_tabs_reloading_together_near_expiry_stay_signed_in_without_reuse() -> Result<()> {
    let journey = Journey::start_with_access_ttl(4).await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    let first = journey.browser.window().await?;
    journey.open_in_new_tab("/orders").await?;
    journey.text("Your orders").await?;
    let second = journey.browser.window().await?;
    for round in 0..3 {
        tokio::time::sleep(Duration::from_millis(2_800)).await;
        // Both reloads start within a few milliseconds of each other.
        journey
            .script("setTimeout(() => location.reload(), 0); return 1;")
            .await?;
        journey.browser.switch_to_window(first.clone()).await?;
        journey
            .script("setTimeout(() => location.reload(), 0); return 1;")
            .await?;
        let signed_in = journey.text("You have 3 orders.").await;
        ensure!(
            signed_in.is_ok(),
            "round {round}: {signed_in:?}; the server counted {:?}",
            journey.auth_counts()
        );
        journey.browser.switch_to_window(second.clone()).await?;
        journey.text("Your orders").await?;
        ensure!(
            journey.location().await? == "/orders",
            "round {round}: the second tab left /orders"
        );
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    journey.browser.switch_to_window(first).await?;
    ensure!(
        journey.location().await? == "/dashboard",
        "the first tab was signed out"
    );
    let counts = journey.auth_counts();
    ensure!(counts.reuse_detected == 0 && counts.refused == 0, "{counts:?}");
    journey.finish().await
}

#[tokio::test]
async fn an_outage_at_start_up_offers_retry_and_retry_restores_the_session_in_place() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("Welcome, Alice Anderson").await?;
    journey.cdp("Network.enable", json!({})).await?;
    journey
        .cdp("Network.setBlockedURLs", json!({"urls": ["*/api/*"]}))
        .await?;
    journey.open("/dashboard").await?;
    journey.text("Portico could not reach the server").await?;
    journey.button("Retry").await?;
    ensure!(journey.location().await? == "/dashboard", "an outage is not a sign-out");
    ensure!(
        !journey.exists("//label[normalize-space(.) = 'Username']").await?,
        "the sign-in form was shown"
    );
    journey
        .script("window.portico_test_marker = 'same page'; return 1;")
        .await?;
    journey.cdp("Network.setBlockedURLs", json!({"urls": []})).await?;
    if let Ok(retry) = journey.button("Retry").await {
        // The automatic retry may have won the race; the button is then gone, which is fine.
        let _ = retry.click().await;
    }
    journey.text("Welcome, Alice Anderson").await?;
    let marker = journey.script("return window.portico_test_marker || null;").await?;
    ensure!(marker == json!("same page"), "the page was reloaded: {marker}");
    journey.finish().await
}

#[tokio::test]
async fn the_event_sink_records_sign_in_refreshes_and_sign_out_without_tokens() -> Result<()> {
    let journey = Journey::start_with(short_tokens(4), |site| {
        let index = site.join("index.html");
        let html = std::fs::read_to_string(&index)?;
        let with_sink = html.replacen("<head>", r#"<head><meta name="portico-event-sink" content="dom">"#, 1);
        ensure!(with_sink != html, "index.html has no <head>");
        std::fs::write(&index, with_sink)?;
        Ok(())
    })
    .await?;
    journey.open("/login").await?;
    journey.field("Username").await?;
    journey
        .script(
            "window.portico_events = []; \
             addEventListener('portico:auth-event', (event) => window.portico_events.push(event.detail)); return 1;",
        )
        .await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.text("You have 3 orders.").await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    journey.button("Sign out").await?.click().await?;
    journey.wait_for_location("/login").await?;
    let recorded = journey.script("return window.portico_events;").await?;
    let events: Vec<serde_json::Value> = recorded
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|detail| detail.as_str().and_then(|json| serde_json::from_str(json).ok()))
        .collect();
    let names: Vec<&str> = events.iter().filter_map(|event| event["event"].as_str()).collect();
    ensure!(names.len() >= 3, "too few events: {names:?}");
    ensure!(names.first() == Some(&"signed_in"), "{names:?}");
    ensure!(names.last() == Some(&"signed_out"), "{names:?}");
    ensure!(
        names[1..names.len() - 1].iter().all(|name| *name == "token_refreshed"),
        "{names:?}"
    );
    ensure!(events.last().map(|event| event["reason"].clone()) == Some(json!("user_signed_out")));
    let text = recorded.to_string();
    ensure!(!text.contains("eyJ"), "an event carries a token: {text}");
    journey.finish().await
}

#[tokio::test]
async fn in_cookie_session_mode_the_shell_signs_in_loads_data_and_signs_out_without_a_token() -> Result<()> {
    let journey = Journey::start_with(
        |config| config.session_mode = api::config::SessionMode::Cookie,
        |_| Ok(()),
    )
    .await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.text("You have 3 orders.").await?;
    journey.link("Orders").await?.click().await?;
    journey.text("Espresso beans").await?;
    journey.button("Sign out").await?.click().await?;
    journey.wait_for_location("/login").await?;
    journey.open("/orders").await?;
    journey.wait_for_location("/login?redirect=%2Forders").await?;
    journey.finish().await
}
