//! Journeys through isolated remotes: a remote the registry lists as `isolated` runs in a sandboxed frame with an
//! opaque origin, works as it does in the shell's document, and cannot reach the application's cookies, storage
//! or page.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use e2e::Journey;
use fantoccini::Locator;
use serde_json::json;

use crate::ALICE;

pub use e2e::set_isolated as isolate;

/// Switches WebDriver into the frame of `remote` once it is on the page.
pub async fn enter_remote_frame(journey: &Journey, remote: &str) -> Result<()> {
    let selector = format!("{}[title='{remote}']", e2e::REMOTE_FRAME);
    let deadline = Instant::now() + e2e::PATIENCE;
    journey.browser.enter_parent_frame().await?;
    loop {
        if let Ok(frame) = journey.browser.find(Locator::Css(&selector)).await {
            frame.enter_frame().await?;
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("no frame for `{remote}` appeared");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the frame's own script can reach of the application.
const PROBE_FROM_INSIDE: &str = r#"
const attempt = (what) => { try { const value = what(); return value === undefined ? 'undefined' : String(value); } catch (error) { return 'blocked: ' + error.name; } };
return {
  origin: self.origin,
  cookie: attempt(() => document.cookie),
  storage: attempt(() => localStorage.length),
  parent: attempt(() => window.parent.document.title),
  parent_fetch: attempt(() => { window.parent.fetch = () => null; return 'replaced'; }),
};
"#;

#[tokio::test]
async fn an_isolated_orders_remote_works_in_its_sandboxed_frame_and_reaches_nothing_of_the_app() -> Result<()> {
    let journey = Journey::start_with_site(|site| isolate(site, &["orders"])).await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/orders").await?;
    enter_remote_frame(&journey, "orders").await?;
    journey.text("Your orders").await?;
    journey.text("Espresso beans").await?;

    let language = journey
        .frame_script("return [document.documentElement.lang, document.documentElement.dir];")
        .await?;
    ensure!(
        language == json!(["en", "ltr"]),
        "the frame should follow the shell's language and direction (lang=\"en\", ltr): {language}"
    );
    follows_the_shells_appearance(&journey).await?;
    enter_remote_frame(&journey, "orders").await?;
    let reach = journey.frame_script(PROBE_FROM_INSIDE).await?;
    ensure!(
        reach["origin"] == json!("null"),
        "the frame's origin is not opaque: {reach}"
    );
    for key in ["cookie", "storage", "parent", "parent_fetch"] {
        let outcome = reach[key].as_str().context("no outcome")?;
        ensure!(
            outcome.starts_with("blocked"),
            "the isolated frame reached `{key}`: {reach}"
        );
    }

    let content_height = journey
        .frame_script("return Math.ceil(document.documentElement.getBoundingClientRect().height);")
        .await?;
    journey.browser.enter_parent_frame().await?;
    let frame_height = journey
        .script("return document.querySelector('iframe.remote-frame:not([hidden])').getBoundingClientRect().height;")
        .await?;
    ensure!(
        content_height.as_f64().is_some_and(|content| content > 100.0)
            && content_height.as_f64() == frame_height.as_f64(),
        "the frame should be as tall as its content ({content_height} px) but is {frame_height} px"
    );
    enter_remote_frame(&journey, "orders").await?;

    let first = journey.order_ids_of(ALICE.0).await?[0];
    journey.link(&format!("Order {first}")).await?.click().await?;
    journey.browser.enter_parent_frame().await?;
    journey.wait_for_location(&format!("/orders/{first}")).await?;
    enter_remote_frame(&journey, "orders").await?;
    journey.text("Espresso beans").await?;
    journey.browser.enter_parent_frame().await?;
    journey.link("Dashboard").await?.click().await?;
    journey.text("You have 3 orders.").await?;
    ensure!(
        !journey.exists("//iframe[not(@hidden)]").await?,
        "the orders frame stayed in the page's content after leaving orders"
    );
    ensure!(
        journey.exists("//iframe[@hidden and @title = 'orders']").await?,
        "the orders frame should wait, hidden, for the next visit"
    );
    journey.finish().await
}

/// Changes the shell document's language, direction and theme, waits for the orders frame to follow, and puts
/// them back.
async fn follows_the_shells_appearance(journey: &Journey) -> Result<()> {
    const SET: &str = "const root = document.documentElement; const [lang, dir, theme] = arguments; \
        root.lang = lang; root.dir = dir; if (theme) root.dataset.theme = theme; else delete root.dataset.theme; \
        return 1;";
    const READ: &str = "const root = document.documentElement; return [root.lang, root.dir, root.dataset.theme || ''];";
    journey.browser.enter_parent_frame().await?;
    journey
        .browser
        .execute(SET, vec![json!("ar"), json!("rtl"), json!("dark")])
        .await?;
    enter_remote_frame(journey, "orders").await?;
    let deadline = Instant::now() + e2e::PATIENCE;
    loop {
        let seen = journey.frame_script(READ).await?;
        if seen == json!(["ar", "rtl", "dark"]) {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "the frame did not follow the shell to lang=ar, dir=rtl, theme dark: {seen}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    journey.browser.enter_parent_frame().await?;
    journey
        .browser
        .execute(SET, vec![json!("en"), json!("ltr"), json!("")])
        .await?;
    Ok(())
}

#[tokio::test]
async fn keyboard_focus_moves_from_the_shell_into_an_isolated_remote_and_back() -> Result<()> {
    const TAB: &str = "\u{E004}";
    const SHIFT_TAB: &str = "\u{E008}\u{E004}";
    let journey = Journey::start_with_site(|site| isolate(site, &["orders"])).await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("Espresso beans").await?;
    let sign_out = journey.button("Sign out").await?;
    journey
        .browser
        .execute(
            "arguments[0].focus(); return 1;",
            vec![serde_json::to_value(&sign_out)?],
        )
        .await?;
    sign_out.send_keys(TAB).await?;
    let outside = journey
        .script("const e = document.activeElement; return e.tagName + ':' + (e.title || '');")
        .await?;
    ensure!(
        outside == json!("IFRAME:orders"),
        "Tab after the header's last control should enter the orders frame, not {outside}"
    );
    enter_remote_frame(&journey, "orders").await?;
    let inside = journey
        .frame_script("return document.activeElement && document.activeElement.id;")
        .await?;
    ensure!(
        inside == json!("order-item"),
        "focus should land on the remote's first control (the Item field), not {inside}"
    );
    let item = journey.browser.active_element().await?;
    item.send_keys(SHIFT_TAB).await?;
    let back = journey
        .script("return document.activeElement && document.activeElement.textContent.trim();")
        .await?;
    ensure!(
        back == json!("Sign out"),
        "Shift+Tab from the remote's first control should return to Sign out, not {back}"
    );
    journey.finish().await
}

#[tokio::test]
async fn an_isolated_remote_mounts_again_in_its_parked_frame_only_for_the_same_user() -> Result<()> {
    let journey = Journey::start_with_site(|site| isolate(site, &["orders"])).await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("Espresso beans").await?;
    enter_remote_frame(&journey, "orders").await?;
    journey
        .frame_script("window.portico_marker = 'first mount'; return 1;")
        .await?;
    journey.link("Dashboard").await?.click().await?;
    journey.text("You have 3 orders.").await?;
    journey.link("Orders").await?.click().await?;
    journey.text("Espresso beans").await?;
    enter_remote_frame(&journey, "orders").await?;
    let marker = journey.frame_script("return window.portico_marker || null;").await?;
    ensure!(
        marker == json!("first mount"),
        "the second visit should mount in the same frame document, kept alive while parked: {marker}"
    );
    journey.browser.enter_parent_frame().await?;
    journey.button("Sign out").await?.click().await?;
    journey.wait_for_location("/login").await?;
    ensure!(
        !journey.exists("//iframe").await?,
        "signing out should drop every parked frame"
    );
    journey.sign_in(crate::BOB.0, crate::BOB.1).await?;
    journey.link("Orders").await?.click().await?;
    journey.text("Your orders").await?;
    enter_remote_frame(&journey, "orders").await?;
    let marker = journey.frame_script("return window.portico_marker || null;").await?;
    ensure!(
        marker.is_null(),
        "another user must get a fresh frame, not the previous user's: {marker}"
    );
    journey.finish().await
}

/// The probe (as the dashboard) asks for a call it declared but was not granted; the shell answers `denied`
/// without sending it, whether the probe runs in the shell's document or in its own frame.
async fn a_call_outside_the_grant_is_denied(isolated: bool) -> Result<()> {
    let journey = Journey::start_with_site(|site| {
        crate::probe::install_as_dashboard(site)?;
        isolate(site, if isolated { &["dashboard"] } else { &[] })
    })
    .await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    if isolated {
        enter_remote_frame(&journey, "dashboard").await?;
    }
    journey.button("Call outside the grant").await?.click().await?;
    journey
        .text(r#"outside the grant: {"denied":"GET /api/admin/users"}"#)
        .await?;
    journey.button("Run probe").await?.click().await?;
    journey.text("probe: 20 of 20 answered 200").await?;
    journey.finish().await
}

#[tokio::test]
async fn a_trusted_remote_calling_outside_its_grant_is_denied() -> Result<()> {
    a_call_outside_the_grant_is_denied(false).await
}

#[tokio::test]
async fn an_isolated_remote_calling_outside_its_grant_is_denied() -> Result<()> {
    a_call_outside_the_grant_is_denied(true).await
}

#[tokio::test]
async fn an_isolated_orders_remote_places_an_order_through_the_host() -> Result<()> {
    let journey = Journey::start_with_site(|site| isolate(site, &["orders"])).await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/orders").await?;
    enter_remote_frame(&journey, "orders").await?;
    crate::access::place_green_tea_as_alice(&journey).await?;
    journey.finish().await
}

#[tokio::test]
async fn an_isolated_orders_remote_words_no_access_and_not_found_itself() -> Result<()> {
    let journey = Journey::start_with_site(|site| isolate(site, &["orders"])).await?;
    let alices_order = journey.order_ids_of(ALICE.0).await?[0];
    journey.open(&format!("/orders/{alices_order}")).await?;
    journey.sign_in(crate::BOB.0, crate::BOB.1).await?;
    journey.wait_for_location(&format!("/orders/{alices_order}")).await?;
    enter_remote_frame(&journey, "orders").await?;
    journey.text("You do not have access to this order").await?;
    journey.browser.enter_parent_frame().await?;
    journey.open("/orders/987654").await?;
    enter_remote_frame(&journey, "orders").await?;
    journey.text("Order not found").await?;
    journey.finish().await
}
