//! Browser journeys through the built product: headless Chromium, driven over WebDriver, against the API server
//! serving `dist/`. Each journey is a person doing one thing; elements are found by label, role or text.

mod access;
mod accessibility;
mod appearance;
mod delivery;
mod dictionaries;
mod hostile;
mod integrity;
mod isolation;
mod keyboard;
mod language;
mod loading;
mod probe;
mod session;
mod styles;
mod unmount;

use anyhow::Result;
use e2e::Journey;

const ALICE: (&str, &str) = ("alice", "alice-password");
const BOB: (&str, &str) = ("bob", "bob-password");

#[tokio::test]
async fn fresh_visit_to_dashboard_signs_in_and_returns_there() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/dashboard").await?;
    journey.wait_for_location("/login?redirect=%2Fdashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.text("Welcome, Alice Anderson").await?;
    journey.finish().await
}

#[tokio::test]
async fn deep_link_to_an_order_survives_sign_in() -> Result<()> {
    let journey = Journey::start().await?;
    let order = journey.order_ids_of(ALICE.0).await?[0];
    journey.open(&format!("/orders/{order}")).await?;
    journey
        .wait_for_location(&format!("/login?redirect=%2Forders%2F{order}"))
        .await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location(&format!("/orders/{order}")).await?;
    journey.text("Espresso beans").await?;
    journey.finish().await
}

#[tokio::test]
async fn another_users_order_shows_no_access_and_a_missing_one_not_found() -> Result<()> {
    let journey = Journey::start().await?;
    let alices_order = journey.order_ids_of(ALICE.0).await?[0];
    journey.open(&format!("/orders/{alices_order}")).await?;
    journey.sign_in(BOB.0, BOB.1).await?;
    journey.wait_for_location(&format!("/orders/{alices_order}")).await?;
    journey.text("You do not have access to this order").await?;
    journey.open("/orders/987654").await?;
    journey.text("Order not found").await?;
    journey.finish().await
}

#[tokio::test]
async fn wrong_password_shows_an_alert_and_the_form_still_works() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/login").await?;
    journey.sign_in(ALICE.0, "not-her-password").await?;
    let message = journey.role_text("alert").await?;
    assert!(
        message.to_lowercase().contains("incorrect"),
        "the alert explains: {message:?}"
    );
    assert!(journey.location().await?.starts_with("/login"));
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.finish().await
}

#[tokio::test]
async fn after_sign_out_back_and_direct_visits_land_on_login() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Your orders").await?;
    journey.button("Sign out").await?.click().await?;
    journey.wait_for_location("/login").await?;
    journey.browser.back().await?;
    wait_until_on_login(&journey).await?;
    journey.open("/orders").await?;
    journey.wait_for_location("/login?redirect=%2Forders").await?;
    journey.field("Username").await?;
    journey.finish().await
}

async fn wait_until_on_login(journey: &Journey) -> Result<()> {
    let deadline = std::time::Instant::now() + e2e::PATIENCE;
    while !journey.location().await?.starts_with("/login") {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "Back after sign-out did not land on /login"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    journey.field("Username").await?;
    Ok(())
}

#[tokio::test]
async fn open_redirect_to_another_site_lands_on_dashboard() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/login?redirect=https://evil.example/x").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.finish().await
}

const LEAK_PROBE: &str = r#"
const jwt = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/;
const found = [];
const check = (where, value) => {
  try {
    if (typeof value === 'string' && jwt.test(value)) found.push(where);
    else if (value && typeof value === 'object' && jwt.test(JSON.stringify(value))) found.push(where);
  } catch (e) {}
};
for (const store of ['localStorage', 'sessionStorage']) {
  for (let i = 0; i < window[store].length; i++) {
    const key = window[store].key(i);
    check(store + '.' + key, window[store].getItem(key));
  }
}
check('document.cookie', document.cookie);
check('location', location.href);
let walked = 0;
for (const name of Object.getOwnPropertyNames(window)) {
  let value;
  try { value = window[name]; } catch (e) { continue; }
  walked++;
  check('window.' + name, typeof value === 'string' ? value : undefined);
  if (value && (typeof value === 'object' || typeof value === 'function') && value !== window) {
    let inner = [];
    try { inner = Object.getOwnPropertyNames(value); } catch (e) {}
    for (const key of inner) {
      let innerValue;
      try { innerValue = value[key]; } catch (e) { continue; }
      if (typeof innerValue === 'string') check('window.' + name + '.' + key, innerValue);
    }
  }
}
return { found, walked, cookie: document.cookie };
"#;

#[tokio::test]
async fn no_token_is_reachable_from_page_scripts() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.text("Alice Anderson").await?;
    let probe = journey.script(LEAK_PROBE).await?;
    assert!(
        probe["walked"].as_u64().unwrap_or(0) > 100,
        "the probe walked the window: {probe}"
    );
    assert_eq!(probe["found"], serde_json::json!([]), "tokens found in: {probe}");
    assert!(
        !probe["cookie"].as_str().unwrap_or_default().contains("portico_refresh"),
        "refresh cookie is HttpOnly"
    );
    let leaked_in_url = journey.location().await?;
    assert!(!leaked_in_url.contains("eyJ"), "{leaked_in_url}");
    journey.finish().await
}

#[tokio::test]
async fn a_broken_remote_shows_retry_and_the_rest_keeps_working() -> Result<()> {
    let journey = Journey::start_with_site(|site| {
        let orders = site.join("remotes/orders");
        let mut removed = 0;
        for entry in std::fs::read_dir(&orders)? {
            let path = entry?.path();
            // The module and its precompressed siblings (.wasm.br, .wasm.gz), which the server would serve instead.
            if path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.contains(".wasm"))
            {
                std::fs::remove_file(path)?;
                removed += 1;
            }
        }
        anyhow::ensure!(removed > 0, "the build has no orders wasm to remove");
        Ok(())
    })
    .await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/orders").await?;
    journey.button("Retry").await?;
    journey.link("Dashboard").await?.click().await?;
    journey.wait_for_location("/dashboard").await?;
    journey.text("Welcome, Alice Anderson").await?;
    journey.text("You have 3 orders").await?;
    journey.finish().await
}

#[tokio::test]
async fn the_login_page_loads_no_other_remote() -> Result<()> {
    let journey = Journey::start().await?;
    journey.open("/login").await?;
    journey.field("Username").await?;
    let names = journey.requested_resources().await?;
    assert!(
        names.iter().any(|name| name.contains("/remotes/auth/")),
        "the auth remote was loaded: {names:?}"
    );
    let eager: Vec<&String> = names
        .iter()
        .filter(|name| name.contains("/remotes/dashboard/") || name.contains("/remotes/orders/"))
        .collect();
    assert!(eager.is_empty(), "loaded before needed: {eager:?}");
    journey.finish().await
}
