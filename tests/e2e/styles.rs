//! Journeys through remote stylesheets: each remote's CSS is verified like its code, applies only inside its
//! mount point, and leaves the document when the remote unmounts.

use anyhow::{Result, ensure};
use e2e::Journey;
use serde_json::json;

use crate::ALICE;

/// The computed `padding-left` of the first `.order-list` inside the orders mount point, and of an
/// `.order-list` the script adds to the shell's header (outside every remote), with the number of adopted sheets.
const PADDINGS: &str = r#"
const inside = document.querySelector('.remote-root[data-remote="orders"] .order-list');
let outside = document.getElementById('shell-order-list');
if (!outside) {
  outside = document.createElement('ul');
  outside.id = 'shell-order-list';
  outside.className = 'order-list';
  document.querySelector('header').appendChild(outside);
}
return {
  inside: inside ? getComputedStyle(inside).paddingLeft : null,
  outside: getComputedStyle(outside).paddingLeft,
  sheets: document.adoptedStyleSheets.length,
};
"#;

#[tokio::test]
async fn a_remote_stylesheet_styles_only_its_own_mount_point_and_leaves_with_it() -> Result<()> {
    // Trusted on purpose: the stylesheet shares the shell's document (isolated, it is alone in its frame).
    let journey = Journey::start_with_site(|site| crate::isolation::isolate(site, &[])).await?;
    journey.open("/orders").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("Your orders").await?;
    journey.text("Espresso beans").await?;
    let mounted = journey.script(PADDINGS).await?;
    // orders/style.css sets `.order-list { padding-left: 1.2rem }`; the browser's default for a list is 40px.
    ensure!(
        mounted["inside"] == json!("19.2px") && mounted["outside"] == json!("40px"),
        "the orders stylesheet should style its own list only: {mounted}"
    );
    journey.link("Dashboard").await?.click().await?;
    journey.text("You have 3 orders.").await?;
    let after = journey.script(PADDINGS).await?;
    ensure!(
        after["sheets"] == json!(0) && after["outside"] == json!("40px"),
        "after leaving orders its stylesheet should be gone (the dashboard ships none): {after}"
    );
    journey.finish().await
}
