//! A hostile remote: plain JS registered like any remote (in place of the dashboard, with correct digests), which
//! tries what RFC 10017 §5.1 lists against a browser-based client and reports what it got as JSON in the page.
//! Run isolated, every attempt fails; run trusted in token mode, the journey records which succeed and compares
//! them with the trust-model table in ARCHITECTURE.md.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail, ensure};
use e2e::Journey;
use fantoccini::Locator;
use serde_json::Value;

use crate::{ALICE, probe};

/// The fixture: mounts a "Attack" button; each attempt reports `"got: …"` or `"blocked: …"`.
const HOSTILE_JS: &str = r#"
// Runs on import, wherever the module is imported: it must never be the shell's document when isolated.
try { if (window === window.top) window.__hostile_ran_in_shell_document = true; } catch (error) {}
export default async function init() {}
export function contract() { return "CONTRACT"; }
const attempt = async (what) => {
  try { const value = await what(); return value ? 'got: ' + String(value).slice(0, 80) : 'blocked: nothing'; }
  catch (error) { return 'blocked: ' + (error && error.name ? error.name : String(error)); }
};
const tokenIn = (text) => /eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(String(text)) ? 'token' : '';
export function mount(element, host) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Attack";
  const report = document.createElement("pre");
  report.id = "hostile-report";
  element.append(button, report);
  button.addEventListener("click", async () => {
    const seen = { fetch: [], headers_set: [], decode: [], json: [] };
    const results = {};
    const replace = (key, ownerOf, name, wrap) => attempt(() => {
      const owner = ownerOf();
      const original = owner[name];
      owner[name] = wrap(original, (value) => { if (tokenIn(value)) seen[key].push(value); });
      return owner[name] !== original ? 'replaced' : '';
    });
    results.cookie = await attempt(() => document.cookie);
    results.storage = await attempt(() => localStorage.length >= 0 ? 'localStorage' : '');
    results.indexeddb = await attempt(() => new Promise((ok, no) => { const r = indexedDB.open('hostile'); r.onsuccess = () => ok('opened'); r.onerror = () => no(r.error); }));
    const replaced = {};
    replaced.fetch = await replace('fetch', () => window.top, 'fetch', (original, note) => function (input, init) {
      try { note(input && input.headers && input.headers.get && input.headers.get('authorization')); note(init && init.headers && JSON.stringify(init.headers instanceof Headers ? [...init.headers] : init.headers)); } catch (e) {}
      return original.apply(this, arguments);
    });
    replaced.headers_set = await replace('headers_set', () => window.top.Headers.prototype, 'set', (original, note) => function (name, value) { note(value); return original.apply(this, arguments); });
    replaced.decode = await replace('decode', () => window.top.TextDecoder.prototype, 'decode', (original, note) => function () { const text = original.apply(this, arguments); note(text); return text; });
    replaced.json = await replace('json', () => window.top.Response.prototype, 'json', (original, note) => async function () { const value = await original.apply(this, arguments); note(JSON.stringify(value)); return value; });
    results.refresh_token = await attempt(async () => { const r = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'X-Requested-With': 'portico' }, credentials: 'include' }); return tokenIn(await r.text()); });
    results.direct_api = await attempt(async () => { const r = await fetch('/api/orders', { headers: { 'X-Requested-With': 'portico' }, credentials: 'include' }); return r.ok ? 'orders' : ''; });
    results.shell_dom = await attempt(() => window.top.document.querySelector('header') ? 'header' : '');
    results.navigate_top = await attempt(() => { window.top.location.href = '#hostile'; return window.top.location.hash === '#hostile' ? 'navigated' : ''; });
    results.forged_ready = await attempt(() => { window.parent.postMessage('portico-frame-ready', '*'); return ''; });
    results.forged_message = await attempt(() => new Promise((done) => {
      const forged = JSON.stringify({ fetch: { id: 99, remote: 'orders', request: JSON.stringify({ method: 'GET', path: '/api/orders' }) } });
      // Only an answer counts, not the fixture's own posts (trusted, it posts to its own window).
      const listen = (event) => { if (event.data !== forged && event.data !== 'portico-frame-ready') done('answer: ' + String(event.data)); };
      window.addEventListener('message', listen);
      window.parent.postMessage(forged, '*');
      setTimeout(() => { window.removeEventListener('message', listen); done(''); }, 300);
    }));
    results.outside_grant = await attempt(async () => { const reply = await host.fetch(JSON.stringify({ method: 'GET', path: '/api/admin/users' })); return reply.includes('denied') ? '' : reply; });
    // Give the shell a reason to call the API, then look at what each replaced function saw.
    await host.fetch(JSON.stringify({ method: 'GET', path: '/api/orders' }));
    await new Promise((done) => setTimeout(done, 300));
    for (const key of Object.keys(seen)) {
      results[key + '_sees_token'] = !replaced[key].startsWith('got') ? replaced[key] : seen[key].length ? 'got: token' : 'blocked: replaced, saw nothing';
    }
    report.textContent = JSON.stringify(results);
  });
  return { unmount() { element.replaceChildren(); }, update() {}, free() {} };
}
"#;

/// Installs the fixture as the dashboard, isolated or not, signs in, runs the attack and returns the report.
async fn attack(isolated: bool) -> Result<BTreeMap<String, String>> {
    attack_on(isolated, |_| {}).await
}

/// [`attack`] against a server configured by `configure`.
async fn attack_on(isolated: bool, configure: impl FnOnce(&mut api::Config)) -> Result<BTreeMap<String, String>> {
    let journey = Journey::start_with(configure, |site| {
        probe::install_script(site, "dashboard", HOSTILE_JS)?;
        crate::isolation::isolate(site, if isolated { &["dashboard"] } else { &[] })
    })
    .await?;
    journey.open("/dashboard").await?;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.wait_for_location("/dashboard").await?;
    if isolated {
        crate::isolation::enter_remote_frame(&journey, "dashboard").await?;
    }
    journey.button("Attack").await?.click().await?;
    let deadline = std::time::Instant::now() + e2e::PATIENCE;
    let report = loop {
        let text = journey
            .browser
            .find(Locator::Id("hostile-report"))
            .await?
            .text()
            .await?;
        if !text.is_empty() {
            break text;
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "the hostile remote never reported"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    if isolated {
        journey.browser.enter_parent_frame().await?;
        // Past the shell's idle prefetch (1.5 s after sign-in) and the prefetch a focused header link starts: an isolated remote's
        // code must never have been imported into the shell's document.
        journey
            .script("for (const link of document.querySelectorAll('header a')) link.focus(); return 1;")
            .await?;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let ran = journey
            .script("return window.__hostile_ran_in_shell_document === true;")
            .await?;
        ensure!(
            ran == Value::Bool(false),
            "the isolated remote's module ran in the shell's document (a prefetch imported it)"
        );
    }
    // Whatever it tried, the shell still works.
    journey.link("Orders").await?.click().await?;
    journey.wait_for_location("/orders").await?;
    journey.finish().await?;
    eprintln!(
        "hostile remote, {}: {report}",
        if isolated { "isolated" } else { "trusted" }
    );
    let parsed: BTreeMap<String, Value> = serde_json::from_str(&report).context("the report is not JSON")?;
    Ok(parsed
        .into_iter()
        .map(|(key, value)| (key, value.as_str().unwrap_or_default().to_owned()))
        .collect())
}

/// "succeeds" or "fails" for each attempt of the fixture.
fn outcomes(report: &BTreeMap<String, String>) -> BTreeMap<String, &'static str> {
    report
        .iter()
        .map(|(key, value)| (key.clone(), if value.starts_with("got") { "succeeds" } else { "fails" }))
        .collect()
}

/// The trust-model table of ARCHITECTURE.md: for each fixture key, the first word ("succeeds" or "fails") of the
/// isolated, the trusted token-mode and the trusted cookie-mode column.
fn documented() -> Result<BTreeMap<String, [String; 3]>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path)?;
    let mut rows = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let Some(key) = cells.first().and_then(|cell| cell.split('`').nth(1)) else {
            continue;
        };
        if cells.len() == 4 {
            let first_word = |cell: &str| cell.split_whitespace().next().unwrap_or_default().to_owned();
            rows.insert(
                key.to_owned(),
                [first_word(cells[1]), first_word(cells[2]), first_word(cells[3])],
            );
        }
    }
    if rows.is_empty() {
        bail!("ARCHITECTURE.md has no hostile-remote table");
    }
    Ok(rows)
}

/// Fails unless the fixture attempted exactly the table's rows and column `column` of the table (0 isolated, 1
/// trusted token mode, 2 trusted cookie mode) says what the fixture saw for each.
fn matches_table(report: &BTreeMap<String, String>, column: usize, mode: &str) -> Result<()> {
    let table = documented()?;
    let record = outcomes(report);
    ensure!(
        record.keys().collect::<Vec<_>>() == table.keys().collect::<Vec<_>>(),
        "the table's rows {:?} differ from the fixture's attempts {:?}",
        table.keys().collect::<Vec<_>>(),
        record.keys().collect::<Vec<_>>()
    );
    for (key, outcome) in record {
        ensure!(
            table[&key][column] == outcome,
            "ARCHITECTURE.md says `{key}` {} for a remote {mode}; the fixture saw it {outcome} ({})",
            table[&key][column],
            report[&key]
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_isolated_hostile_remote_gets_nothing_and_the_table_says_so() -> Result<()> {
    let report = attack(true).await?;
    for (key, outcome) in outcomes(&report) {
        ensure!(outcome == "fails", "isolated, `{key}` succeeded: {}", report[&key]);
    }
    matches_table(&report, 0, "isolated")
}

#[tokio::test]
async fn a_trusted_hostile_remote_in_token_mode_gets_what_the_table_says() -> Result<()> {
    let report = attack_on(false, |config| config.session_mode = api::config::SessionMode::Token).await?;
    matches_table(&report, 1, "trusted in token mode")
}

#[tokio::test]
async fn a_trusted_hostile_remote_in_cookie_mode_finds_no_access_token() -> Result<()> {
    let report = attack_on(false, |config| config.session_mode = api::config::SessionMode::Cookie).await?;
    let found: Vec<_> = report.iter().filter(|(_, value)| value.contains("token")).collect();
    ensure!(
        found.is_empty(),
        "in cookie mode the hostile remote found a token: {found:?}"
    );
    matches_table(&report, 2, "trusted in cookie mode")
}
