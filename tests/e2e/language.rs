//! Journeys through the interface language: alice switches to Arabic from the user menu, the document turns
//! right-to-left, the orders read in Arabic with prices as the browser's `Intl` formats them, and the choice, saved
//! on the server, follows her into a fresh browser; signed out, the page speaks the browser's language.

use anyhow::{Context, Result, ensure};
use e2e::Journey;
use serde_json::{Value, json};

use crate::ALICE;

/// The document's language and direction.
async fn document_language(journey: &Journey) -> Result<Value> {
    journey
        .script("return [document.documentElement.lang, document.documentElement.dir];")
        .await
}

async fn wait_for_document_language(journey: &Journey, lang: &str, dir: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + e2e::PATIENCE;
    loop {
        let found = document_language(journey).await?;
        if found == json!([lang, dir]) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            anyhow::bail!("the document should be lang={lang} dir={dir}, not {found}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The unit price of alice's first order, in cents, as the API has it.
async fn first_unit_price_cents(journey: &Journey) -> Result<i64> {
    let token = journey.access_token_of(ALICE.0).await?;
    let list: Value = reqwest::Client::new()
        .get(format!("{}/api/orders", journey.base_url))
        .bearer_auth(token)
        .header("X-Requested-With", "portico")
        .send()
        .await?
        .json()
        .await?;
    list["orders"][0]["unit_price_cents"]
        .as_i64()
        .context("an order with a unit price")
}

#[tokio::test]
async fn alice_switches_to_arabic_and_it_follows_her_into_a_fresh_browser() -> Result<()> {
    let mut journey = Journey::start().await?;
    let cents = first_unit_price_cents(&journey).await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("Espresso beans").await?;
    wait_for_document_language(&journey, "en", "ltr").await?;

    let expanded =
        async || -> Result<Option<String>> { Ok(journey.button("Alice Anderson").await?.attr("aria-expanded").await?) };
    journey.button("Alice Anderson").await?.click().await?;
    ensure!(expanded().await?.as_deref() == Some("true"), "the user menu opens");
    journey
        .script("document.querySelector('header').click(); return 1;")
        .await?;
    ensure!(
        expanded().await?.as_deref() == Some("false"),
        "a click outside closes the user menu"
    );
    journey.button("Alice Anderson").await?.click().await?;
    journey.button("العربية").await?.click().await?;
    wait_for_document_language(&journey, "ar", "rtl").await?;
    journey.text("طلباتك").await.context("the orders heading in Arabic")?;
    journey
        .text("سعر الوحدة")
        .await
        .context("the list's column headings in Arabic")?;
    let price = journey
        .script(&format!(
            "return new Intl.NumberFormat('ar', {{ style: 'currency', currency: 'USD' }}).format({cents} / 100);"
        ))
        .await?;
    let price = price.as_str().context("Intl formatted the price")?.to_owned();
    journey
        .text(&price)
        .await
        .with_context(|| format!("the price as Arabic formats it: {price}"))?;
    ensure!(
        journey.button("English").await?.attr("lang").await?.as_deref() == Some("en"),
        "each language is named in itself, marked with its own lang"
    );

    journey.switch_to_a_fresh_browser(&[]).await?;
    journey.open("/login").await?;
    wait_for_document_language(&journey, "en", "ltr").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    wait_for_document_language(&journey, "ar", "rtl").await?;
    journey
        .text("مرحبًا، Alice Anderson")
        .await
        .context("the dashboard in Arabic")?;
    journey.finish().await
}

#[tokio::test]
async fn signed_out_the_sign_in_page_speaks_the_browsers_language() -> Result<()> {
    let mut journey = Journey::start().await?;
    journey
        .switch_to_a_fresh_browser(&["--lang=ar", "--accept-lang=ar"])
        .await?;
    journey.open("/login").await?;
    wait_for_document_language(&journey, "ar", "rtl").await?;
    journey.text("تسجيل الدخول إلى Portico").await?;
    journey.field("اسم المستخدم").await?;
    journey.finish().await
}
