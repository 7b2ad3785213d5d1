//! One measured visit: a fresh Chromium profile (cold cache) opens `/login`, signs in, and switches remotes.
//!
//! Timings come from the page's own clock (`performance.now()`): a script installed before any page script
//! (DevTools `Page.addScriptToEvaluateOnNewDocument`) watches the DOM for the Username field and records WASM
//! memories as modules are instantiated. Neither product needs to cooperate, so Portico and the peer are measured
//! the same way.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use e2e::browser::Browser;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Installed before page scripts (after [`e2e::WATCH_WASM_MEMORIES`]), in the page and in every frame: readiness of
/// the login form in the page. An isolated remote's frame (opaque origin) cannot be read from the page, so there the
/// script posts to the page, as the frame changes, what it shows, the WASM memory it holds and the bytes it fetched.
const INSTRUMENT: &str = r#"
(() => {
  if (window.parent !== window) {
    const report = () => {
      const wanted = (name) => /\.(js|wasm|css)(\?|$)/.test(new URL(name).pathname);
      const bytes = performance.getEntriesByType('resource').filter((e) => wanted(e.name)).reduce((sum, e) => sum + e.transferSize, 0);
      const wasm = (window.__wasm_memories || []).reduce((sum, m) => sum + m.buffer.byteLength, 0);
      parent.postMessage({ portico_bench: { text: document.body ? document.body.innerText : '', wasm, bytes } }, '*');
    };
    new MutationObserver(report).observe(document, { childList: true, subtree: true, characterData: true });
    return;
  }
  const bench = { loginReady: null, frames: new Map() };
  Object.defineProperty(window, '__portico_bench', { value: bench, enumerable: false });
  // What each frame still in the page last reported.
  bench.live = () => {
    const windows = [...document.querySelectorAll('iframe')].map((frame) => frame.contentWindow);
    return [...bench.frames].filter(([source]) => windows.includes(source)).map(([, report]) => report);
  };
  window.addEventListener('message', (event) => {
    if (event.data && event.data.portico_bench) {
      bench.frames.set(event.source, event.data.portico_bench);
      window.dispatchEvent(new Event('portico-bench-frame'));
    }
  });
  const usernameField = () => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === 'Username');
    if (!label) return null;
    return (label.htmlFor && document.getElementById(label.htmlFor)) || label.querySelector('input');
  };
  const observer = new MutationObserver(() => {
    const field = usernameField();
    if (field && !field.disabled) {
      bench.loginReady = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();
"#;

/// Clicks the element with `text` (a button or link) and resolves with the milliseconds until `expected` shows.
const CLICK_UNTIL: &str = r#"
const [role, text, expected, done] = arguments;
const target = [...document.querySelectorAll(role)].find((e) => e.textContent.trim() === text);
if (!target) { done(-1); return; }
const visible = () => document.body.innerText.includes(expected)
  || window.__portico_bench.live().some((frame) => frame.text.includes(expected));
const started = performance.now();
target.click();
if (visible()) { done(performance.now() - started); return; }
const check = () => {
  if (visible()) { observer.disconnect(); window.removeEventListener('portico-bench-frame', check); done(performance.now() - started); }
};
const observer = new MutationObserver(check);
observer.observe(document.body, { childList: true, subtree: true, characterData: true });
window.addEventListener('portico-bench-frame', check);
"#;

/// Transferred and decoded bytes of the JS, WASM and CSS a page fetched, by the Resource Timing API.
const BYTES: &str = r#"
const wanted = (name) => /\.(js|wasm|css)(\?|$)/.test(new URL(name).pathname);
const entries = performance.getEntriesByType('resource').filter((e) => wanted(e.name));
return entries.map((e) => ({ name: new URL(e.name).pathname, transferred: e.transferSize, decoded: e.decodedBodySize }));
"#;

/// The page's JS heap, and the WASM memory of the page and of every frame still in it.
const MEMORY: &str = r#"
const memories = window.__wasm_memories || [];
const framed = window.__portico_bench.live().reduce((sum, frame) => sum + frame.wasm, 0);
const wasm = memories.reduce((sum, m) => sum + m.buffer.byteLength, 0) + framed;
return { js_heap: performance.memory ? performance.memory.usedJSHeapSize : 0, wasm };
"#;

/// The bytes of JS, WASM and CSS the frames still in the page fetched.
const FRAME_BYTES: &str = "return window.__portico_bench.live().reduce((sum, frame) => sum + frame.bytes, 0);";

/// What a product looks like to the probe.
#[derive(Debug, Clone)]
pub struct Product {
    pub name: &'static str,
    pub url: String,
    /// Text that proves the dashboard remote rendered its data.
    pub dashboard_ready: &'static str,
    /// Whether the product has an orders remote to switch to.
    pub has_orders: bool,
}

/// One fetched file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fetched {
    pub name: String,
    pub transferred: u64,
    pub decoded: u64,
}

/// Memory in bytes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Default)]
pub struct Memory {
    pub js_heap: u64,
    pub wasm: u64,
}

/// Everything one visit measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Visit {
    pub cold_load_ms: f64,
    pub login_files: Vec<Fetched>,
    pub dashboard_files: Vec<Fetched>,
    /// Bytes fetched by the isolated remotes' frames on the dashboard (their requests are theirs, not the page's).
    pub dashboard_frame_bytes: f64,
    pub sign_in_to_dashboard_ms: f64,
    pub orders_first_ms: Option<f64>,
    /// Dashboard → orders in a fresh page whose idle prefetch (1.5 s after the session is restored) loaded orders.
    pub orders_after_prefetch_ms: Option<f64>,
    pub dashboard_repeat_ms: Option<f64>,
    pub orders_repeat_ms: Option<f64>,
    pub memory_after_sign_in: Memory,
    /// After the first dashboard → orders → dashboard round trip, when every remote has been loaded once.
    pub memory_after_first_round_trip: Option<Memory>,
    pub memory_after_switches: Option<Memory>,
}

/// Runs one visit in a fresh browser; `switches` dashboard↔orders round trips are made at the end (0 to skip).
pub async fn visit(product: &Product, switches: usize) -> Result<Visit> {
    let browser = Browser::launch().await?;
    let result = measure(&browser, product, switches).await;
    browser.close().await;
    result
}

async fn measure(browser: &Browser, product: &Product, switches: usize) -> Result<Visit> {
    browser.cdp("Page.enable", json!({})).await?;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": e2e::WATCH_WASM_MEMORIES }),
        )
        .await?;
    browser
        .cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": INSTRUMENT }))
        .await?;
    let client = &browser.client;
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(180)),
            Some(Duration::from_secs(60)),
            Some(Duration::ZERO),
        ))
        .await?;
    client.goto(&format!("{}/login", product.url)).await?;
    let cold_load_ms = wait_for_number(client, "return window.__portico_bench.loginReady;").await?;
    let login_files = fetched(client).await?;

    client
        .execute(
            r#"const set = (label, value) => {
                 const l = [...document.querySelectorAll('label')].find((e) => e.textContent.trim() === label);
                 const input = document.getElementById(l.htmlFor) || l.querySelector('input');
                 const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
                 setter.call(input, value);
                 input.dispatchEvent(new Event('input', { bubbles: true }));
               };
               set('Username', 'alice'); set('Password', 'alice-password');"#,
            vec![],
        )
        .await?;
    let sign_in_to_dashboard_ms = click_until(client, "button", "Sign in", product.dashboard_ready).await?;
    let dashboard_files: Vec<Fetched> = fetched(client)
        .await?
        .into_iter()
        .filter(|file| !login_files.contains(file))
        .collect();
    let dashboard_frame_bytes = client.execute(FRAME_BYTES, vec![]).await?.as_f64().unwrap_or_default();
    let memory_after_sign_in = memory(browser).await?;

    let mut visit = Visit {
        cold_load_ms,
        login_files,
        dashboard_files,
        dashboard_frame_bytes,
        sign_in_to_dashboard_ms,
        memory_after_sign_in,
        ..Visit::default()
    };
    if product.has_orders {
        visit.orders_first_ms = Some(click_until(client, "a", "Orders", "Order ").await?);
        visit.dashboard_repeat_ms = Some(click_until(client, "a", "Dashboard", product.dashboard_ready).await?);
        visit.orders_repeat_ms = Some(click_until(client, "a", "Orders", "Order ").await?);
        if switches > 0 {
            visit.memory_after_first_round_trip = Some(memory(browser).await?);
            for _ in 0..switches {
                click_until(client, "a", "Dashboard", product.dashboard_ready).await?;
                click_until(client, "a", "Orders", "Order ").await?;
            }
            visit.memory_after_switches = Some(memory(browser).await?);
        }
        client.goto(&format!("{}/dashboard", product.url)).await?;
        click_until(client, "a", "Dashboard", product.dashboard_ready).await?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        visit.orders_after_prefetch_ms = Some(click_until(client, "a", "Orders", "Order ").await?);
    }
    Ok(visit)
}

async fn click_until(client: &fantoccini::Client, role: &str, text: &str, expected: &str) -> Result<f64> {
    let value = client
        .execute_async(CLICK_UNTIL, vec![json!(role), json!(text), json!(expected)])
        .await?;
    let elapsed = value.as_f64().context("the click probe returned no number")?;
    if elapsed < 0.0 {
        bail!("found no {role} reading {text:?}");
    }
    Ok(elapsed)
}

async fn wait_for_number(client: &fantoccini::Client, script: &str) -> Result<f64> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(number) = client.execute(script, vec![]).await?.as_f64() {
            return Ok(number);
        }
        if std::time::Instant::now() > deadline {
            bail!("the login form never became usable");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn fetched(client: &fantoccini::Client) -> Result<Vec<Fetched>> {
    let value: Value = client.execute(BYTES, vec![]).await?;
    Ok(serde_json::from_value(value)?)
}

/// JS heap and WASM memory after a forced garbage collection.
async fn memory(browser: &Browser) -> Result<Memory> {
    browser.cdp("HeapProfiler.enable", json!({})).await?;
    for _ in 0..3 {
        browser.cdp("HeapProfiler.collectGarbage", json!({})).await?;
    }
    Ok(serde_json::from_value(browser.client.execute(MEMORY, vec![]).await?)?)
}
