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
    const seen = [];
    const results = {};
    results.cookie = await attempt(() => document.cookie);
    results.storage = await attempt(() => localStorage.length >= 0 ? 'localStorage' : '');
    results.indexeddb = await attempt(() => new Promise((ok, no) => { const r = indexedDB.open('hostile'); r.onsuccess = () => ok('opened'); r.onerror = () => no(r.error); }));
    results.replace_fetch = await attempt(() => { const original = window.top.fetch; window.top.fetch = function (input, init) { try { const auth = (input && input.headers && input.headers.get && input.headers.get('authorization')) || (init && init.headers && JSON.stringify(init.headers)); if (auth) seen.push(auth); } catch (e) {} return original.apply(this, arguments); }; return 'replaced'; });
    results.replace_headers_set = await attempt(() => { const original = Headers.prototype.set; window.top.Headers.prototype.set = function (name, value) { if (String(name).toLowerCase() === 'authorization') seen.push(value); return original.apply(this, arguments); }; return 'replaced'; });
    results.refresh_token = await attempt(async () => { const r = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'X-Requested-With': 'portico' }, credentials: 'include' }); return tokenIn(await r.text()); });
    results.direct_api = await attempt(async () => { const r = await fetch('/api/orders', { credentials: 'include' }); return r.ok ? 'orders' : ''; });
    results.shell_dom = await attempt(() => window.top.document.querySelector('header') ? 'header' : '');
    results.forged_ready = await attempt(() => { window.parent.postMessage('portico-frame-ready', '*'); return ''; });
    results.outside_grant = await attempt(async () => { const reply = await host.fetch(JSON.stringify({ method: 'GET', path: '/api/admin/users' })); return reply.includes('denied') ? '' : reply; });
    // Give the shell a reason to call the API, then look at what the replaced functions saw.
    await host.fetch(JSON.stringify({ method: 'GET', path: '/api/orders' }));
    await new Promise((done) => setTimeout(done, 300));
    results.token_seen = seen.some((value) => tokenIn(value)) ? 'got: token' : 'blocked: nothing';
    report.textContent = JSON.stringify(results);
  });
  return { unmount() { element.replaceChildren(); }, update() {}, free() {} };
}
"#;

/// Installs the fixture as the dashboard, isolated or not, signs in, runs the attack and returns the report.
async fn attack(isolated: bool) -> Result<BTreeMap<String, String>> {
    let journey = Journey::start_with_site(|site| {
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

/// The trust-model table of ARCHITECTURE.md: for each fixture key, the first word of the isolated and of the
/// trusted token-mode column.
fn documented() -> Result<BTreeMap<String, (String, String)>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path)?;
    let mut rows = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let Some(key) = cells.first().and_then(|cell| cell.split('`').nth(1)) else {
            continue;
        };
        if cells.len() == 3 {
            let first_word = |cell: &str| cell.split_whitespace().next().unwrap_or_default().to_owned();
            rows.insert(key.to_owned(), (first_word(cells[1]), first_word(cells[2])));
        }
    }
    if rows.is_empty() {
        bail!("ARCHITECTURE.md has no hostile-remote table");
    }
    Ok(rows)
}

#[tokio::test]
async fn an_isolated_hostile_remote_gets_nothing_and_the_table_says_so() -> Result<()> {
    let report = attack(true).await?;
    let table = documented()?;
    for (key, outcome) in outcomes(&report) {
        ensure!(outcome == "fails", "isolated, `{key}` succeeded: {}", report[&key]);
        let row = table
            .get(&key)
            .with_context(|| format!("ARCHITECTURE.md's table has no row `{key}`"))?;
        ensure!(
            row.0 == outcome,
            "ARCHITECTURE.md says `{key}` {} when isolated; the fixture saw it {outcome}",
            row.0
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_trusted_hostile_remote_in_token_mode_gets_what_the_table_says() -> Result<()> {
    let report = attack(false).await?;
    let table = documented()?;
    let record = outcomes(&report);
    ensure!(
        record.keys().collect::<Vec<_>>() == table.keys().collect::<Vec<_>>(),
        "the table's rows {:?} differ from the fixture's attempts {:?}",
        table.keys().collect::<Vec<_>>(),
        record.keys().collect::<Vec<_>>()
    );
    for (key, outcome) in record {
        ensure!(
            table[&key].1 == outcome,
            "ARCHITECTURE.md says `{key}` {} for a trusted remote in token mode; the fixture saw it {outcome} ({})",
            table[&key].1,
            report[&key]
        );
    }
    Ok(())
}
