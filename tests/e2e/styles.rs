//! Journeys through remote stylesheets: each remote's CSS is verified like its code, applies only inside its
//! mount point, and leaves the document when the remote unmounts.

use anyhow::{Result, ensure};
use e2e::Journey;
use serde_json::json;

use crate::ALICE;

/// The computed `font-variant-numeric` of the first `.order-table` inside the orders mount point, and of an
/// `.order-table` the script adds to the shell's header (outside every remote), with the number of adopted sheets.
const COLLAPSES: &str = r#"
const inside = document.querySelector('.remote-root[data-remote="orders"] .order-table');
let outside = document.getElementById('shell-order-table');
if (!outside) {
  outside = document.createElement('table');
  outside.id = 'shell-order-table';
  outside.className = 'order-table';
  document.querySelector('header').appendChild(outside);
}
return {
  inside: inside ? getComputedStyle(inside).fontVariantNumeric : null,
  outside: getComputedStyle(outside).fontVariantNumeric,
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
    let mounted = journey.script(COLLAPSES).await?;
    // orders/style.css sets `.order-table { font-variant-numeric: tabular-nums }`; the default is `normal`.
    ensure!(
        mounted["inside"] == json!("tabular-nums") && mounted["outside"] == json!("normal"),
        "the orders stylesheet should style its own list only: {mounted}"
    );
    journey.link("Dashboard").await?.click().await?;
    journey.text("You have 3 orders.").await?;
    let after = journey.script(COLLAPSES).await?;
    ensure!(
        after["sheets"] == json!(0) && after["outside"] == json!("normal"),
        "after leaving orders its stylesheet should be gone (the dashboard ships none): {after}"
    );
    journey.finish().await
}
