//! One measured visit: a fresh Chromium profile (cold cache) opens `/login`, signs in, and switches remotes.
//!
//! Timings come from the page's own clock (`performance.now()`): a script installed before any page script
//! (DevTools `Page.addScriptToEvaluateOnNewDocument`) watches the DOM for the Username field and records WASM
//! memories as modules are instantiated. Neither product needs to cooperate, so Portico and the peer are measured
//! the same way.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use e2e::REMOTE_FRAME;
use e2e::browser::Browser;
use fantoccini::Locator;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Installed before page scripts (after [`e2e::WATCH_WASM_MEMORIES`]): readiness of the login form. (An isolated
/// remote's frame runs in its own process, where these scripts are not installed; the probe reads it through
/// WebDriver instead.)
const INSTRUMENT: &str = r#"
(() => {
  const bench = { loginReady: null };
  Object.defineProperty(window, '__portico_bench', { value: bench, enumerable: false });
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

/// Clicks the element with `text` (a button or link) and resolves, in epoch milliseconds, with the click and the
/// moment `expected` showed in the page, or with the click alone once a new remote frame appeared (its content is
/// then read inside the frame, by [`SHOWN_IN_FRAME`]).
const CLICK_UNTIL: &str = r#"
const [role, text, expected, done] = arguments;
const now = () => performance.timeOrigin + performance.now();
const find = () => [...document.querySelectorAll(role)].find((e) => e.textContent.trim() === text);
const clickAndWatch = (target) => {
  const mounted = () => [...document.querySelectorAll('.isolated-remotes > iframe.remote-frame:not([hidden])')];
  const earlier = new Set(mounted());
  const clicked = now();
  target.click();
  const check = () => {
    if (document.body.innerText.includes(expected)) { observer.disconnect(); done({ clicked, shown: now() }); return; }
    if (mounted().some((frame) => !earlier.has(frame))) {
      observer.disconnect();
      done({ clicked, shown: null });
    }
  };
  const observer = new MutationObserver(check);
  // `attributes`: a parked frame comes back by losing its `hidden` attribute.
  observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
  check();
};
// A page that just loaded may not have rendered its navigation yet: wait for the target (up to 30 s).
const present = find();
if (present) {
  clickAndWatch(present);
} else {
  const waiting = new MutationObserver(() => {
    const target = find();
    if (target) { waiting.disconnect(); clearTimeout(giveUp); clickAndWatch(target); }
  });
  const giveUp = setTimeout(() => { waiting.disconnect(); done(null); }, 30000);
  waiting.observe(document, { childList: true, subtree: true, characterData: true });
}
"#;

/// Inside a parked frame, before the click that may mount it again: records when `expected` first shows.
const ARM_PARKED_FRAME: &str = r#"
const expected = arguments[0];
window.__bench_shown = null;
const observer = new MutationObserver(() => {
  if (document.body.innerText.includes(expected)) {
    window.__bench_shown = performance.timeOrigin + performance.now();
    observer.disconnect();
  }
});
observer.observe(document, { childList: true, subtree: true, characterData: true });
"#;

/// Inside a remote's frame: resolves with the epoch milliseconds at which `expected` showed (recorded by
/// [`ARM_PARKED_FRAME`] for a frame mounted again; `late` if it had already shown when the probe arrived), or
/// `wait` while the frame still holds its initial empty document.
const SHOWN_IN_FRAME: &str = r#"
const [expected, done] = arguments;
const now = () => performance.timeOrigin + performance.now();
if (location.pathname !== '/frame.html') { done({ wait: true }); return; }
if (window.__bench_shown) { done({ shown: window.__bench_shown }); return; }
const visible = () => document.body && document.body.innerText.includes(expected);
if (visible()) { done({ shown: now(), late: true }); return; }
const observer = new MutationObserver(() => { if (visible()) { observer.disconnect(); done({ shown: now() }); } });
observer.observe(document, { childList: true, subtree: true, characterData: true });
"#;

/// Transferred and decoded bytes of the JS, WASM and CSS a page fetched, by the Resource Timing API.
const BYTES: &str = r#"
const wanted = (name) => /\.(js|wasm|css)(\?|$)/.test(new URL(name).pathname);
const entries = performance.getEntriesByType('resource').filter((e) => wanted(e.name));
return entries.map((e) => ({ name: new URL(e.name).pathname, transferred: e.transferSize, decoded: e.decodedBodySize }));
"#;

/// The page's JS heap and the WASM memory of the page's own modules (an isolated remote's frame has its own
/// process: see [`Memory::renderers`]).
const MEMORY: &str = r#"
const memories = window.__wasm_memories || [];
const wasm = memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
return { js_heap: performance.memory ? performance.memory.usedJSHeapSize : 0, wasm };
"#;

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
    /// The page's JS heap.
    pub js_heap: u64,
    /// The page's own WASM memories (the shell's and its trusted remotes').
    pub wasm: u64,
    /// The resident memory of every renderer process of the browser: the page's and the isolated frames'.
    #[serde(default)]
    pub renderers: u64,
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

/// `gc()` in every realm: DevTools collects garbage only in the page's process, not in a frame's own renderer.
const EXPOSE_GC: &str = "--js-flags=--expose-gc";

/// A network profile for DevTools `Network.emulateNetworkConditions`.
#[derive(Debug, Clone, Copy)]
pub struct Network {
    pub name: &'static str,
    /// Added round-trip latency, milliseconds.
    pub latency_ms: u32,
    /// Bits per second.
    pub down_bits: u32,
    pub up_bits: u32,
}

/// About a "slow 4G" phone connection.
pub const SLOW_4G: Network = Network {
    name: "slow 4G",
    latency_ms: 150,
    down_bits: 1_600_000,
    up_bits: 750_000,
};

/// About a "fast 4G" phone connection.
pub const FAST_4G: Network = Network {
    name: "fast 4G",
    latency_ms: 40,
    down_bits: 9_000_000,
    up_bits: 1_500_000,
};

/// A cold visit over an emulated `network`: until the Username field accepts input, and sign-in → dashboard content.
pub async fn throttled_visit(product: &Product, network: Network) -> Result<(f64, f64)> {
    let browser = Browser::launch_with_flags(&[EXPOSE_GC]).await?;
    let result = async {
        browser.cdp("Network.enable", json!({})).await?;
        browser
            .cdp(
                "Network.emulateNetworkConditions",
                json!({
                    "offline": false,
                    "latency": network.latency_ms,
                    "downloadThroughput": network.down_bits / 8,
                    "uploadThroughput": network.up_bits / 8,
                }),
            )
            .await?;
        let visit = measure_sign_in(&browser, product).await?;
        Ok((visit.cold_load_ms, visit.sign_in_to_dashboard_ms))
    }
    .await;
    browser.close().await;
    result
}

/// Runs one visit in a fresh browser; `switches` dashboard↔orders round trips are made at the end (0 to skip).
pub async fn visit(product: &Product, switches: usize) -> Result<Visit> {
    let browser = Browser::launch_with_flags(&[EXPOSE_GC]).await?;
    let result = measure(&browser, product, switches).await;
    browser.close().await;
    result
}

async fn measure(browser: &Browser, product: &Product, switches: usize) -> Result<Visit> {
    let mut visit = measure_sign_in(browser, product).await?;
    visit.memory_after_sign_in = memory(browser).await?;
    let client = &browser.client;
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
        wait_until_shown(client, product.dashboard_ready).await?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        visit.orders_after_prefetch_ms = Some(click_until(client, "a", "Orders", "Order ").await?);
    }
    Ok(visit)
}

/// A returning visitor after a new release of the dashboard remote: a first visit signs in and shows the dashboard
/// (the browser caches what it fetched), then `publish` deploys the release, and the same profile, signed out,
/// opens `/login` again and signs in until `new_text` shows. Returns the JS, WASM and CSS bytes that second page
/// load transferred (page and remote frames).
pub async fn returning_visit(product: &Product, publish: impl FnOnce() -> Result<()>, new_text: &str) -> Result<f64> {
    let browser = Browser::launch_with_flags(&[EXPOSE_GC]).await?;
    let result = async {
        measure_sign_in(&browser, product).await?;
        publish()?;
        // Every cookie, the refresh cookie (path `/api/auth`) included: WebDriver's own call deletes only those
        // visible at the current path.
        browser.cdp("Network.clearBrowserCookies", json!({})).await?;
        sign_in(&browser.client, product, new_text).await?;
        let files = fetched(&browser.client).await?;
        let page: f64 = files.iter().map(|file| file.transferred as f64).sum();
        let frames = frame_bytes(&browser.client).await?;
        let listed: Vec<String> = files
            .iter()
            .filter(|file| file.transferred > 0)
            .map(|file| format!("{} {} B", file.name, file.transferred))
            .collect();
        eprintln!(
            "bench: {} after the release fetched {} (frames: {frames} B)",
            product.name,
            listed.join(", ")
        );
        Ok(page + frames)
    }
    .await;
    browser.close().await;
    result
}

/// A cold `/login`, then sign-in until the dashboard's content shows: the part of a visit every product has.
async fn measure_sign_in(browser: &Browser, product: &Product) -> Result<Visit> {
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
    sign_in(client, product, product.dashboard_ready).await
}

/// Opens `/login`, waits until the form accepts input, signs in as alice and waits until `expected` shows. The
/// probes of [`measure_sign_in`] must be installed.
async fn sign_in(client: &fantoccini::Client, product: &Product, expected: &str) -> Result<Visit> {
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
    let sign_in_to_dashboard_ms = click_until(client, "button", "Sign in", expected).await?;
    let dashboard_files: Vec<Fetched> = fetched(client)
        .await?
        .into_iter()
        .filter(|file| !login_files.contains(file))
        .collect();
    let dashboard_frame_bytes = frame_bytes(client).await?;

    Ok(Visit {
        cold_load_ms,
        login_files,
        dashboard_files,
        dashboard_frame_bytes,
        sign_in_to_dashboard_ms,
        ..Visit::default()
    })
}

/// Clicks `text` and returns the milliseconds until `expected` shows, in the page or in the remote frame the click
/// brought.
async fn click_until(client: &fantoccini::Client, role: &str, text: &str, expected: &str) -> Result<f64> {
    for parked in client.find_all(Locator::Css(PARKED_FRAME)).await? {
        parked.enter_frame().await?;
        client.execute(ARM_PARKED_FRAME, vec![json!(expected)]).await?;
        client.enter_parent_frame().await?;
    }
    let outcome = client
        .execute_async(CLICK_UNTIL, vec![json!(role), json!(text), json!(expected)])
        .await?;
    if outcome.is_null() {
        let url = client
            .current_url()
            .await
            .map(|url| url.to_string())
            .unwrap_or_default();
        let page = client
            .execute("return document.body.innerText.slice(0, 300);", vec![])
            .await
            .unwrap_or_default();
        bail!("found no {role} reading {text:?} at {url}; the page reads {page}");
    }
    let clicked = outcome["clicked"]
        .as_f64()
        .context("the click probe returned no time")?;
    if let Some(shown) = outcome["shown"].as_f64() {
        return Ok(shown - clicked);
    }
    let shown = shown_in_new_frame(client, expected).await;
    client.enter_parent_frame().await?;
    Ok(shown? - clicked)
}

/// Enters the newest remote frame and returns when `expected` showed there (epoch milliseconds).
async fn shown_in_new_frame(client: &fantoccini::Client, expected: &str) -> Result<f64> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let frame = client.find_all(Locator::Css(REMOTE_FRAME)).await?.pop();
        if let Some(frame) = frame
            && frame.enter_frame().await.is_ok()
        {
            let answer = client.execute_async(SHOWN_IN_FRAME, vec![json!(expected)]).await;
            if let Ok(answer) = answer
                && let Some(shown) = answer["shown"].as_f64()
            {
                if answer["late"] == json!(true) {
                    eprintln!("bench: {expected:?} had already shown when the probe entered the frame");
                }
                return Ok(shown);
            }
            client.enter_parent_frame().await?;
        }
        if std::time::Instant::now() > deadline {
            bail!("{expected:?} never showed in a remote frame");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Waits until `expected` shows in the page or in its mounted remote frame.
pub async fn wait_until_shown(client: &fantoccini::Client, expected: &str) -> Result<()> {
    const IN_PAGE: &str = "return document.body.innerText.includes(arguments[0]);";
    const IN_FRAME: &str =
        "return location.pathname === '/frame.html' && document.body.innerText.includes(arguments[0]);";
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if client.execute(IN_PAGE, vec![json!(expected)]).await? == json!(true) {
            return Ok(());
        }
        if let Some(frame) = client.find_all(Locator::Css(REMOTE_FRAME)).await?.pop()
            && frame.enter_frame().await.is_ok()
        {
            let shown = client.execute(IN_FRAME, vec![json!(expected)]).await;
            client.enter_parent_frame().await?;
            if matches!(shown, Ok(value) if value == json!(true)) {
                return Ok(());
            }
        }
        if std::time::Instant::now() > deadline {
            bail!("{expected:?} never showed");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every isolated remote's frame, mounted or parked.
const ANY_REMOTE_FRAME: &str = ".isolated-remotes > iframe.remote-frame";

/// Frames of unmounted isolated remotes, waiting hidden for their next mount.
const PARKED_FRAME: &str = ".isolated-remotes > iframe.remote-frame[hidden]";

/// The JS, WASM and CSS bytes the remote frames on the page fetched (each frame keeps its own resource timings).
async fn frame_bytes(client: &fantoccini::Client) -> Result<f64> {
    let mut total = 0.0;
    for frame in client.find_all(Locator::Css(REMOTE_FRAME)).await? {
        frame.enter_frame().await?;
        let files: Vec<Fetched> = serde_json::from_value(client.execute(BYTES, vec![]).await?)?;
        total += files.iter().map(|file| file.transferred as f64).sum::<f64>();
        client.enter_parent_frame().await?;
    }
    Ok(total)
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

/// JS heap and WASM memory after a forced garbage collection, and what the renderer processes hold.
async fn memory(browser: &Browser) -> Result<Memory> {
    browser.cdp("HeapProfiler.enable", json!({})).await?;
    for _ in 0..3 {
        browser.cdp("HeapProfiler.collectGarbage", json!({})).await?;
    }
    let client = &browser.client;
    for frame in client.find_all(Locator::Css(ANY_REMOTE_FRAME)).await? {
        frame.enter_frame().await?;
        client
            .execute("for (let i = 0; i < 3; i++) gc(); return 1;", vec![])
            .await?;
        client.enter_parent_frame().await?;
    }
    let mut memory: Memory = serde_json::from_value(client.execute(MEMORY, vec![]).await?)?;
    memory.renderers = renderer_memory(browser.driver_pid());
    Ok(memory)
}

/// The summed resident memory (`VmRSS`, Linux) of every Chromium renderer process started under ChromeDriver
/// `driver`: isolated frames run in renderers of their own, so this is where their memory shows and comes back.
fn renderer_memory(driver: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let processes: Vec<(u32, u32, String, u64)> = entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
            };
            let parent = field("PPid:")? as u32;
            let rss_kb = field("VmRSS:").unwrap_or_default();
            let command = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            Some((pid, parent, command, rss_kb * 1024))
        })
        .collect();
    let mut descendants = vec![driver];
    let mut index = 0;
    while index < descendants.len() {
        let parent = descendants[index];
        descendants.extend(
            processes
                .iter()
                .filter(|process| process.1 == parent)
                .map(|process| process.0),
        );
        index += 1;
    }
    processes
        .iter()
        .filter(|process| descendants.contains(&process.0) && process.2.contains("--type=renderer"))
        .map(|process| process.3)
        .sum()
}
