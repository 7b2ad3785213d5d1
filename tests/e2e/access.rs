//! Journeys through permissions: the admin remote only for administrators (and not one of its files for anyone
//! else), and the "New order" form only for those who may place orders, with the server refusing the others.

use anyhow::{Result, ensure};
use e2e::Journey;
use serde_json::json;

use crate::ALICE;

const CAROL: (&str, &str) = ("carol", "carol-password");
const ADMIN_LINK: &str = "//a[normalize-space(.) = 'Admin']";

#[tokio::test]
async fn a_customer_at_admin_sees_no_access_and_no_admin_file_is_requested() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/admin").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/admin").await?;
    journey.text("You do not have access to this page").await?;
    // Past the idle prefetch after sign-in, which must skip routes the user may not open.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let admin_files: Vec<String> = journey
        .requested_resources()
        .await?
        .into_iter()
        .filter(|name| name.contains("/remotes/admin/"))
        .collect();
    ensure!(admin_files.is_empty(), "admin files were requested: {admin_files:?}");
    ensure!(!journey.exists(ADMIN_LINK).await?, "alice sees the Admin link");
    journey.link("Dashboard").await?;
    journey.finish().await
}

#[tokio::test]
async fn an_admin_sees_the_tenants_users() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/admin").await?;
    journey.sign_in(CAROL.0, CAROL.1).await?;
    journey.wait_for_location("/admin").await?;
    journey.text("Alice Anderson").await?;
    journey.text("alice").await?;
    ensure!(journey.exists(ADMIN_LINK).await?, "carol has no Admin link");
    ensure!(
        !journey
            .exists("//*[normalize-space(.) = 'You do not have access to this page']")
            .await?,
        "carol was refused"
    );
    journey.finish().await
}

#[tokio::test]
async fn a_customer_places_an_order_and_sees_it_in_the_list() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/orders").await?;
    place_green_tea_as_alice(&journey).await?;
    journey.finish().await
}

/// On the orders page (in whatever frame it runs), alice orders two green teas; the list shows the new order and
/// the server has one more.
pub async fn place_green_tea_as_alice(journey: &Journey) -> Result<()> {
    let before = journey.order_ids_of(ALICE.0).await?.len();
    journey.text("New order").await?;
    journey.field("Item").await?.send_keys("Green tea").await?;
    let quantity = journey.field("Quantity").await?;
    quantity.clear().await?;
    quantity.send_keys("2").await?;
    journey.button("Place order").await?.click().await?;
    journey.text("placed.").await?;
    journey.text("Green tea").await?;
    let after = journey.order_ids_of(ALICE.0).await?.len();
    ensure!(after == before + 1, "orders before {before}, after {after}");
    Ok(())
}

#[tokio::test]
async fn an_admin_sees_no_order_form_and_the_server_refuses_her_order() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/orders").await?;
    journey.sign_in(CAROL.0, CAROL.1).await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Your orders").await?;
    journey.text("Order").await?;
    ensure!(
        !journey.exists("//*[normalize-space(.) = 'New order']").await?,
        "carol sees the form"
    );
    ensure!(
        !journey.exists("//label[normalize-space(.) = 'Item']").await?,
        "carol sees the Item field"
    );
    let token = journey.access_token_of(CAROL.0).await?;
    let refused = reqwest::Client::new()
        .post(format!("{}/api/orders", journey.base_url))
        .bearer_auth(token)
        .json(&json!({"item": "Green tea", "quantity": 1, "unit_price_cents": 1000}))
        .send()
        .await?;
    ensure!(refused.status() == 403, "the server answered {}", refused.status());
    journey.finish().await
}
