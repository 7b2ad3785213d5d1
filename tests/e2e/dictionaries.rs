//! Compression dictionaries in the browser: after the dashboard, Chromium asks for the orders module with the
//! dashboard's module as its dictionary, and gets the `dcz` variant the build wrote. Isolated or trusted alike: the
//! shell fetches an isolated remote's module itself (a frame's opaque origin has dictionaries of its own).

use anyhow::{Context, Result, ensure};
use e2e::Journey;

use crate::ALICE;

#[tokio::test]
async fn after_the_dashboard_the_orders_module_arrives_compressed_against_it() -> Result<()> {
    orders_module_arrives_compressed(&[]).await
}

#[tokio::test]
async fn isolated_remotes_get_their_module_compressed_too_because_the_shell_fetches_it() -> Result<()> {
    orders_module_arrives_compressed(&["dashboard", "orders"]).await
}

/// With `isolated` remotes isolated, visits the dashboard, then orders, and checks how the orders module came.
async fn orders_module_arrives_compressed(isolated: &[&str]) -> Result<()> {
    let journey = Journey::start_with_site(|site| crate::isolation::isolate(site, isolated)).await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    journey.link("Orders").await?.click().await?;
    journey.text("Espresso beans").await?;
    let entry = journey
        .script(
            "const e = performance.getEntriesByType('resource').find((e) => /remote_orders_bg-.*\\.wasm/.test(e.name)); \
             return e ? [new URL(e.name).pathname, e.encodedBodySize, e.transferSize] : null;",
        )
        .await?;
    let path = entry[0].as_str().context("the orders module was never requested")?;
    let encoded = entry[1].as_u64().context("no encoded size")?;
    let file = journey.site.join(path.trim_start_matches('/'));
    let brotli = std::fs::metadata(format!("{}.br", file.display()))?.len();
    let variants: Vec<u64> = std::fs::read_dir(file.parent().context("no directory")?)?
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with(&*file.file_name().unwrap_or_default().to_string_lossy()) && name.ends_with(".dcz")
        })
        .filter_map(|entry| entry.metadata().ok().map(|metadata| metadata.len()))
        .collect();
    ensure!(
        variants.contains(&encoded),
        "the orders module came as {encoded} bytes, none of its dcz variants {variants:?} (brotli: {brotli})"
    );
    ensure!(encoded < brotli, "{encoded} bytes is not under brotli's {brotli}");
    eprintln!("the orders module: {encoded} bytes as dcz, {brotli} as brotli");
    journey.finish().await
}
