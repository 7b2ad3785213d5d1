//! Journeys through how Portico looks and is reached: the dark theme remembered from the first paint, "Skip to
//! content" as the first Tab stop, and a 360 px wide phone where nothing scrolls sideways and "Menu" opens the
//! navigation.

use anyhow::{Context, Result, ensure};
use e2e::{Journey, REMOTE_FRAME};
use fantoccini::Locator;
use serde_json::{Value, json};

use crate::ALICE;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
/// `--page` in each theme, as `getComputedStyle` reports it.
const LIGHT_PAGE: &str = "rgb(243, 245, 249)";
const DARK_PAGE: &str = "rgb(16, 20, 31)";

/// Installed before any page script: at the first animation frame, i.e. just before the first paint, records the
/// root's theme and background and whether the shell had mounted yet.
const FIRST_PAINT: &str = r#"
requestAnimationFrame(() => {
  window.__first_paint = {
    theme: document.documentElement.getAttribute('data-theme'),
    background: getComputedStyle(document.documentElement).backgroundColor,
    mounted: document.querySelector('header') !== null,
  };
});
"#;

async fn page_background(journey: &Journey) -> Result<Value> {
    journey
        .script("return getComputedStyle(document.documentElement).backgroundColor;")
        .await
}

#[tokio::test]
async fn the_dark_theme_chosen_with_the_toggle_shows_from_the_first_paint_after_a_reload() -> Result<()> {
    let journey = Journey::start().await?;
    journey
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": FIRST_PAINT }),
        )
        .await?;
    journey.open("/login").await?;
    journey.field("Username").await?;
    ensure!(
        page_background(&journey).await? == json!(LIGHT_PAGE),
        "a headless browser prefers the light theme"
    );
    let toggle = journey.button("Dark theme").await?;
    ensure!(toggle.attr("aria-pressed").await?.as_deref() == Some("false"));
    toggle.click().await?;
    ensure!(
        journey
            .button("Dark theme")
            .await?
            .attr("aria-pressed")
            .await?
            .as_deref()
            == Some("true")
    );
    ensure!(
        page_background(&journey).await? == json!(DARK_PAGE),
        "the toggle switches at once"
    );

    // A busy machine may run the first animation frame only after the shell mounted, which proves nothing (the
    // shell applies the theme too): such a load is repeated, a few times at most.
    let mut first = Value::Null;
    for _ in 0..3 {
        journey.open("/login").await?;
        journey.field("Username").await?;
        first = journey.script("return window.__first_paint || null;").await?;
        if first["mounted"] == json!(false) {
            break;
        }
    }
    ensure!(
        first["mounted"] == json!(false),
        "measured before the shell mounted: {first}"
    );
    ensure!(
        first["theme"] == json!("dark") && first["background"] == json!(DARK_PAGE),
        "the first paint after a reload should already be dark: {first}"
    );
    ensure!(
        page_background(&journey).await? == json!(DARK_PAGE),
        "still dark after mount"
    );

    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    ensure!(page_background(&journey).await? == json!(DARK_PAGE));
    journey.finish().await
}

#[tokio::test]
async fn the_first_tab_stop_is_skip_to_content_which_moves_focus_past_the_header() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/login").await?;
    journey.field("Username").await?;
    journey.browser.active_element().await?.send_keys(TAB).await?;
    let focused = journey
        .script("return document.activeElement.textContent.trim();")
        .await?;
    ensure!(focused == json!("Skip to content"), "the first Tab stop was {focused}");
    journey.browser.active_element().await?.send_keys(ENTER).await?;
    let focused = journey.script("return document.activeElement.id;").await?;
    ensure!(
        focused == json!("main"),
        "Enter on the skip link should focus the content, not {focused}"
    );
    journey.finish().await
}

/// Fails when the page, or a mounted remote frame in it, is wider than the viewport.
async fn fits_the_width(journey: &Journey) -> Result<()> {
    if let Some(wide) = wider_than_the_viewport(journey).await? {
        anyhow::bail!("the page scrolls sideways: {wide}");
    }
    Ok(())
}

async fn wider_than_the_viewport(journey: &Journey) -> Result<Option<String>> {
    const WIDER: &str = "const e = document.documentElement; \
        return e.scrollWidth > window.innerWidth ? `${location.pathname}: ${e.scrollWidth} px wide in ${window.innerWidth}` : null;";
    if let Some(wide) = journey.script(WIDER).await?.as_str() {
        return Ok(Some(wide.to_owned()));
    }
    for frame in journey.browser.find_all(Locator::Css(REMOTE_FRAME)).await? {
        frame.enter_frame().await?;
        let wide = journey.frame_script(WIDER).await?;
        journey.browser.enter_parent_frame().await?;
        if let Some(wide) = wide.as_str() {
            return Ok(Some(format!("a remote frame at {wide}")));
        }
    }
    Ok(None)
}

#[tokio::test]
async fn at_360_pixels_no_page_scrolls_sideways_and_menu_opens_the_navigation() -> Result<()> {
    let journey = Journey::start().await?;
    journey
        .cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 360, "height": 780, "deviceScaleFactor": 2, "mobile": true }),
        )
        .await?;
    journey.open("/login").await?;
    journey.field("Username").await?;
    fits_the_width(&journey).await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    fits_the_width(&journey).await?;

    let orders_link = journey.link("Orders").await?;
    ensure!(!orders_link.is_displayed().await?, "the navigation is folded at 360 px");
    let menu = journey.button("Menu").await?;
    ensure!(menu.attr("aria-expanded").await?.as_deref() == Some("false"));
    menu.click().await?;
    ensure!(journey.button("Menu").await?.attr("aria-expanded").await?.as_deref() == Some("true"));
    let orders_link = journey.link("Orders").await?;
    ensure!(orders_link.is_displayed().await?, "Menu shows the navigation");
    orders_link.click().await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Espresso beans").await?;
    ensure!(
        journey.button("Menu").await?.attr("aria-expanded").await?.as_deref() == Some("false"),
        "the menu closes after a navigation"
    );
    fits_the_width(&journey).await?;

    let order = journey.order_ids_of(ALICE.0).await?[0];
    journey.open(&format!("/orders/{order}")).await?;
    journey.text("Unit price").await.context("the order's facts")?;
    fits_the_width(&journey).await?;
    journey.finish().await
}

/// Waits until the focused element, followed into a remote's frame, is an `h1` reading `heading`; returns where it
/// is (`page` or the frame's remote name).
async fn focused_heading(journey: &Journey, heading: &str) -> Result<String> {
    let deadline = std::time::Instant::now() + e2e::PATIENCE;
    loop {
        let found = crate::keyboard::focused(journey).await?;
        if found["tag"] == json!("H1") && found["text"] == json!(heading) {
            return Ok(found["frame"].as_str().unwrap_or("page").to_owned());
        }
        if std::time::Instant::now() > deadline {
            anyhow::bail!("focus should be on the heading {heading:?}, not on {found}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn after_each_navigation_the_new_pages_main_heading_has_focus() -> Result<()> {
    for isolated in [true, false] {
        let journey = Journey::start_with_site(|site| {
            if isolated {
                Ok(())
            } else {
                crate::isolation::isolate(site, &[])
            }
        })
        .await?;
        let order = journey.order_ids_of(ALICE.0).await?[0];
        journey.open("/login").await?;
        journey.sign_in(ALICE.0, ALICE.1).await?;
        let place = focused_heading(&journey, "Welcome, Alice Anderson")
            .await
            .context("after signing in")?;
        ensure!(
            (place == "dashboard") == isolated,
            "the dashboard's heading was focused in {place}"
        );
        journey.link("Orders").await?.click().await?;
        focused_heading(&journey, "Your orders").await?;
        journey.link(&format!("Order {order}")).await?.click().await?;
        focused_heading(&journey, &format!("Order {order}")).await?;
        journey.link("Dashboard").await?.click().await?;
        focused_heading(&journey, "Welcome, Alice Anderson")
            .await
            .context("back on the dashboard")?;
        journey.finish().await?;
    }
    Ok(())
}
