//! Journeys through unmounting: switching between two remotes hundreds of times leaves nothing behind: no DOM
//! nodes under the mount point, no listeners, no JS heap and no wasm memory.
//!
//! The browser runs with V8's optimising tiers off. With them on, the JS heap after garbage collection still grows
//! by about a fifth over the first few hundred switches, all of it optimised machine code for the hot wasm-bindgen
//! glue (heap snapshots put the growth in the "code" group, and it levels off); with them off, what remains is
//! what the page keeps alive, which is what this journey is about. `cargo xtask bench` reports the ordinary
//! browser's figures.

use anyhow::{Context, Result, ensure};
use e2e::Journey;
use serde_json::{Value, json};

use crate::ALICE;

/// Round trips dashboard → orders → dashboard, made in the page (a WebDriver round trip per click would take
/// minutes). Each click waits until the remote's own text is on screen and the other remote's outlet is gone.
const ROUND_TRIPS: &str = r#"
const [count, done] = [arguments[0], arguments[arguments.length - 1]];
const link = (text) => [...document.querySelectorAll('header a')].find((a) => a.textContent.trim() === text);
const shows = (remote, text) => {
  const root = document.querySelector(`.remote-root[data-remote="${remote}"]`);
  return root && document.querySelectorAll('.remote-root').length === 1 && root.textContent.includes(text);
};
const until = (check) => new Promise((resolve, reject) => {
  const started = performance.now();
  const poll = () => {
    if (check()) return resolve();
    if (performance.now() - started > 10000) return reject(new Error('timed out: ' + document.body.innerText.slice(0, 300)));
    setTimeout(poll, 5);
  };
  poll();
});
(async () => {
  for (let i = 0; i < count; i++) {
    link('Orders').click();
    await until(() => shows('orders', 'Espresso beans'));
    link('Dashboard').click();
    await until(() => shows('dashboard', 'You have 3 orders.'));
  }
})().then(() => done('ok'), (error) => done(String(error)));
"#;

/// V8 flags that keep only the interpreter (see the module documentation).
const NO_OPTIMISING_TIERS: &str = "--js-flags=--no-opt --no-maglev --no-sparkplug";

/// What is alive in the page after a forced garbage collection.
#[derive(Debug, Clone, Copy)]
struct Census {
    /// Elements and text nodes under the dashboard's mount point.
    mounted_nodes: u64,
    /// Every event listener in the page (DevTools' count).
    listeners: u64,
    /// DOM nodes alive anywhere, attached or not.
    nodes: u64,
    /// Used JS heap, in bytes.
    js_heap: u64,
    /// Every wasm memory of the page together (shell and remotes), in bytes.
    wasm: u64,
}

async fn census(journey: &Journey) -> Result<Census> {
    // The browser keeps up to 250 resource-timing entries per page; they are not the product's memory.
    journey.script("performance.clearResourceTimings(); return 0;").await?;
    journey.cdp("HeapProfiler.enable", json!({})).await?;
    for _ in 0..3 {
        journey.cdp("HeapProfiler.collectGarbage", json!({})).await?;
    }
    let counters = journey.cdp("Memory.getDOMCounters", json!({})).await?;
    let heap = journey.cdp("Runtime.getHeapUsage", json!({})).await?;
    let mounted_nodes = journey
        .script(
            "const root = document.querySelector('.remote-root[data-remote=\"dashboard\"]'); \
             if (!root) return -1; \
             const walker = document.createTreeWalker(root); let n = 0; while (walker.nextNode()) n++; return n;",
        )
        .await?;
    let wasm = journey
        .script("return window.__wasm_memories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0);")
        .await?;
    let number = |value: &Value, what: &str| value.as_f64().map(|n| n as u64).with_context(|| format!("no {what}"));
    Ok(Census {
        mounted_nodes: number(&mounted_nodes, "mount point")?,
        listeners: number(&counters["jsEventListeners"], "listener count")?,
        nodes: number(&counters["nodes"], "node count")?,
        js_heap: number(&heap["usedSize"], "heap size")?,
        wasm: number(&wasm, "wasm memory")?,
    })
}

async fn round_trips(journey: &Journey, count: u32) -> Result<()> {
    let outcome = journey.browser.execute_async(ROUND_TRIPS, vec![json!(count)]).await?;
    ensure!(outcome == json!("ok"), "switching remotes failed: {outcome}");
    Ok(())
}

#[tokio::test]
async fn two_hundred_remote_switches_leave_no_nodes_listeners_heap_or_wasm_memory_behind() -> Result<()> {
    // Trusted on purpose: this is about the shell's document (an isolated remote's frame takes its memory along).
    let trusted = |site: &std::path::Path| crate::isolation::isolate(site, &[]);
    let journey = Journey::start_in_browser_with_flags(|_| {}, trusted, &[NO_OPTIMISING_TIERS]).await?;
    journey.cdp("Page.enable", json!({})).await?;
    journey
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": e2e::WATCH_WASM_MEMORIES }),
        )
        .await?;
    journey
        .browser
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(std::time::Duration::from_secs(120)),
            Some(std::time::Duration::from_secs(60)),
            Some(std::time::Duration::ZERO),
        ))
        .await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    round_trips(&journey, 1).await?;
    let first = census(&journey).await?;
    for _ in 0..8 {
        round_trips(&journey, 25).await?;
    }
    let last = census(&journey).await?;
    eprintln!("after one round trip: {first:?}; after 201: {last:?}");
    ensure!(
        last.mounted_nodes == first.mounted_nodes,
        "the dashboard's mount point holds {} nodes after 201 round trips, {} after one",
        last.mounted_nodes,
        first.mounted_nodes
    );
    ensure!(
        last.listeners <= first.listeners + 5,
        "listeners grew from {} to {}",
        first.listeners,
        last.listeners
    );
    ensure!(
        last.nodes <= first.nodes + 50,
        "live DOM nodes grew from {} to {}",
        first.nodes,
        last.nodes
    );
    ensure!(
        (last.js_heap as f64) <= first.js_heap as f64 * 1.10,
        "the JS heap after garbage collection grew from {} to {} bytes (more than 10%)",
        first.js_heap,
        last.js_heap
    );
    ensure!(
        last.wasm <= first.wasm + WASM_GROWTH_ALLOWED,
        "wasm memory grew from {} to {} bytes once every remote was loaded",
        first.wasm,
        last.wasm
    );
    journey.finish().await
}

/// Two pages of wasm memory: the growth allowed for what leptos's router and reactive graph keep per navigation
/// (about 300 bytes; 400 navigations keep about 120 KB; see ARCHITECTURE.md, "Remote lifecycle"). A leak of a
/// remote's instance, or of a kilobyte per switch, is far above it.
const WASM_GROWTH_ALLOWED: u64 = 2 * 64 * 1024;
