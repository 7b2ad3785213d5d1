//! axe-core (from npm, `AXE_CORE`), injected into each page and into each isolated remote's frame, finds no
//! violation of the WCAG 2.2 A and AA rules on any page: sign-in, dashboard, orders, an order, no access, not found
//! and a remote's error state, in the light and the dark theme, in English and in Arabic. Presentation does not
//! depend on the session mode, so `cargo xtask test` runs these in its first pass only.

use anyhow::{Context, Result, ensure};
use e2e::{Journey, REMOTE_FRAME};
use fantoccini::Locator;
use serde_json::{Value, json};

use crate::ALICE;

/// The rule sets audited.
const TAGS: [&str; 6] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const CAROL: (&str, &str) = ("carol", "carol-password");

/// Runs axe in the document WebDriver is in; resolves with one line per violation (rule, impact, elements).
const RUN_AXE: &str = r#"
const [tags, done] = arguments;
axe.run(document, { runOnly: { type: 'tag', values: tags }, iframes: false, resultTypes: ['violations'] })
  .then((result) => done(result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)))
  .catch((error) => done([`axe failed: ${error}`]));
"#;

fn axe_source() -> Result<String> {
    let path = std::env::var_os("AXE_CORE")
        .context("AXE_CORE is not set: `cargo xtask test` installs axe-core from npm and sets it")?;
    std::fs::read_to_string(&path).with_context(|| format!("reading axe-core from {path:?}"))
}

/// The violations in the current document (WebDriver's current frame).
async fn violations_here(journey: &Journey, axe: &str) -> Result<Vec<String>> {
    journey.frame_script(&format!("{axe}\nreturn 1;")).await?;
    let found = journey.browser.execute_async(RUN_AXE, vec![json!(TAGS)]).await?;
    Ok(serde_json::from_value(found)?)
}

/// Audits the page and every mounted remote frame in it; fails naming each violation and where.
async fn audit(journey: &Journey, axe: &str, page: &str) -> Result<()> {
    journey.browser.enter_parent_frame().await?;
    let mut all: Vec<String> = violations_here(journey, axe)
        .await?
        .into_iter()
        .map(|violation| format!("{page}: {violation}"))
        .collect();
    for frame in journey.browser.find_all(Locator::Css(REMOTE_FRAME)).await? {
        frame.enter_frame().await?;
        let inside = violations_here(journey, axe).await?;
        journey.browser.enter_parent_frame().await?;
        all.extend(
            inside
                .into_iter()
                .map(|violation| format!("{page}, in a remote frame: {violation}")),
        );
    }
    ensure!(all.is_empty(), "axe found violations:\n{}", all.join("\n"));
    Ok(())
}

/// Saves `locale` as `username`'s language through the API.
async fn set_locale(journey: &Journey, username: &str, locale: &str) -> Result<()> {
    let token = journey.access_token_of(username).await?;
    let status = reqwest::Client::new()
        .patch(format!("{}/api/me", journey.base_url))
        .bearer_auth(token)
        .header("X-Requested-With", "portico")
        .json(&json!({ "locale": locale }))
        .send()
        .await?
        .status();
    ensure!(status.is_success(), "PATCH /api/me answered {status}");
    Ok(())
}

/// Waits until the document has the theme and language asked for.
async fn check_appearance(journey: &Journey, dark: bool, arabic: bool) -> Result<()> {
    let expected = json!([if dark { "dark" } else { "light" }, if arabic { "ar" } else { "en" }]);
    let deadline = std::time::Instant::now() + e2e::PATIENCE;
    loop {
        let found: Value = journey
            .script("const e = document.documentElement; return [e.dataset.theme || 'light', e.lang];")
            .await?;
        if found == expected {
            return Ok(());
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "expected {expected}, the page is {found}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Signs in through the form as it reads in the page's language.
async fn sign_in(journey: &Journey, (username, password): (&str, &str), arabic: bool) -> Result<()> {
    let [username_label, password_label, button] = if arabic {
        ["اسم المستخدم", "كلمة المرور", "تسجيل الدخول"]
    } else {
        ["Username", "Password", "Sign in"]
    };
    journey.field(username_label).await?.send_keys(username).await?;
    journey.field(password_label).await?.send_keys(password).await?;
    journey.button(button).await?.click().await?;
    Ok(())
}

async fn every_page_passes(dark: bool, arabic: bool) -> Result<()> {
    let axe = axe_source()?;
    let mut journey = Journey::start_with_site(|site| {
        // The admin remote is broken in this copy: carol's /admin shows a remote's error state.
        let wasm = e2e::remote_entry(site, "admin", "entry_wasm")?;
        e2e::replace_every_variant(&wasm, b"\0asm broken")
    })
    .await?;
    if arabic {
        journey
            .switch_to_a_fresh_browser(&["--lang=ar", "--accept-lang=ar"])
            .await?;
        set_locale(&journey, ALICE.0, "ar").await?;
        set_locale(&journey, CAROL.0, "ar").await?;
    }
    journey.open("/login").await?;
    journey
        .script(&format!(
            "localStorage.setItem('portico-theme', '{}'); return 1;",
            if dark { "dark" } else { "light" }
        ))
        .await?;
    journey.open("/login").await?;
    journey.field(if arabic { "اسم المستخدم" } else { "Username" }).await?;
    check_appearance(&journey, dark, arabic).await?;
    audit(&journey, &axe, "/login").await?;

    sign_in(&journey, ALICE, arabic).await?;
    journey.text(if arabic { "لديك" } else { "You have 3 orders." }).await?;
    check_appearance(&journey, dark, arabic).await?;
    audit(&journey, &axe, "/dashboard").await?;

    let order = journey.order_ids_of(ALICE.0).await?[0];
    journey.open("/orders").await?;
    journey.text("Espresso beans").await?;
    audit(&journey, &axe, "/orders").await?;
    journey.open(&format!("/orders/{order}")).await?;
    journey.text("Espresso beans").await?;
    audit(&journey, &axe, "/orders/{id}").await?;
    journey.open("/admin").await?;
    journey
        .text(if arabic {
            "ليس لديك إذن بالوصول إلى هذه الصفحة"
        } else {
            "You do not have access to this page"
        })
        .await?;
    audit(&journey, &axe, "/admin (no access)").await?;
    journey.open("/no-such-page").await?;
    journey
        .text(if arabic {
            "الصفحة غير موجودة"
        } else {
            "Page not found"
        })
        .await?;
    audit(&journey, &axe, "not found").await?;

    journey
        .button(if arabic { "تسجيل الخروج" } else { "Sign out" })
        .await?
        .click()
        .await?;
    journey.wait_for_location("/login").await?;
    sign_in(&journey, CAROL, arabic).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.open("/admin").await?;
    journey
        .text(if arabic {
            "تعذّر تحميل هذا الجزء من Portico."
        } else {
            "This part of Portico could not be loaded."
        })
        .await?;
    audit(&journey, &axe, "/admin (a remote's error state)").await?;
    journey.finish().await
}

/// The audit can fail: an image without a text alternative, added to the sign-in page, is reported.
#[tokio::test]
async fn the_audit_reports_a_violation_it_is_shown() -> Result<()> {
    let axe = axe_source()?;
    let journey = Journey::start().await?;
    journey.open("/login").await?;
    journey.field("Username").await?;
    journey
        .script("const image = document.createElement('img'); image.src = 'data:,'; document.querySelector('main').append(image); return 1;")
        .await?;
    let error = audit(&journey, &axe, "/login with a bad image")
        .await
        .expect_err("an image without alt text is a violation");
    ensure!(error.to_string().contains("image-alt"), "{error}");
    journey.finish().await
}

#[tokio::test]
async fn every_page_passes_axe_in_the_light_theme_in_english() -> Result<()> {
    every_page_passes(false, false).await
}

#[tokio::test]
async fn every_page_passes_axe_in_the_dark_theme_in_english() -> Result<()> {
    every_page_passes(true, false).await
}

#[tokio::test]
async fn every_page_passes_axe_in_the_light_theme_in_arabic() -> Result<()> {
    every_page_passes(false, true).await
}

#[tokio::test]
async fn every_page_passes_axe_in_the_dark_theme_in_arabic() -> Result<()> {
    every_page_passes(true, true).await
}
