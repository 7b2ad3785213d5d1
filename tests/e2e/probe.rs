//! A stand-in remote for journeys that need the host API driven harder than a real remote drives it, or a remote
//! that lies about its contract: plain JS that the loader imports like any remote (its `default` export ignores the
//! wasm), registered in a copy of the build in place of a real remote, with correct integrity digests and a grant
//! of `GET /api/orders` only. Its "Run probe" button sends 20 `GET /api/orders` through the host at once and
//! reports how many answered 200; "Call outside the grant" asks for `GET /api/admin/users` and shows the reply.

use std::path::Path;

use anyhow::{Context, Result};
use base64::Engine;
use sha2::{Digest, Sha384};

const PROBE_JS: &str = r#"
export default async function init() {}
export function contract() { return "CONTRACT"; }
export function mount(element, host) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Run probe";
  const result = document.createElement("p");
  const outside = document.createElement("button");
  outside.type = "button";
  outside.textContent = "Call outside the grant";
  element.append(button, outside, result);
  outside.addEventListener("click", async () => {
    const reply = await host.fetch(JSON.stringify({ method: "GET", path: "/api/admin/users" }));
    result.textContent = `outside the grant: ${reply}`;
  });
  button.addEventListener("click", async () => {
    result.textContent = "";
    const request = JSON.stringify({ method: "GET", path: "/api/orders" });
    const replies = await Promise.all(Array.from({ length: 20 }, () => host.fetch(request)));
    const ok = replies.filter((reply) => JSON.parse(reply).response?.status === 200).length;
    result.textContent = `probe: ${ok} of 20 answered 200`;
  });
  return { unmount() { element.replaceChildren(); }, update() {}, free() {} };
}
"#;

/// Registers the probe as the `dashboard` remote of the site in `site`.
pub fn install_as_dashboard(site: &Path) -> Result<()> {
    install(site, "dashboard", None)
}

/// Registers, as remote `remote`, a probe whose `mount` throws, like a remote that panics while mounting.
pub fn install_failing_mount(site: &Path, remote: &str) -> Result<()> {
    let js = PROBE_JS.replace(
        "export function mount(element, host) {",
        "export function mount(element, host) {\n  element.textContent = 'half-mounted';\n  throw new Error('the probe panicked while mounting');",
    );
    install_script(site, remote, &js)
}

/// Registers the probe as remote `remote` of the site in `site`; its manifest claims the build's contract version,
/// and its `contract()` answers `contract` (the build's when `None`).
pub fn install(site: &Path, remote: &str, contract: Option<&str>) -> Result<()> {
    let real_contract = build_contract(site)?;
    install_script(
        site,
        remote,
        &PROBE_JS.replace("CONTRACT", contract.unwrap_or(&real_contract)),
    )
}

/// Registers the plain-JS remote `js` (its `CONTRACT` replaced by the build's version) as remote `remote`, granted
/// `GET /api/orders` only.
pub fn install_script(site: &Path, remote: &str, js: &str) -> Result<()> {
    let real_contract = build_contract(site)?;
    let js = js.replace("CONTRACT", &real_contract);
    let wasm = b"\0asm\x01\0\0\0";
    let dir = site.join("remotes/probe");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("probe.js"), &js)?;
    std::fs::write(dir.join("probe.wasm"), wasm)?;
    let manifest = serde_json::json!({
        "name": remote,
        "version": "0.0.0",
        "contract": real_contract,
        "entry_js": "probe.js",
        "entry_js_integrity": sri(js.as_bytes()),
        "entry_wasm": "probe.wasm",
        "entry_wasm_integrity": sri(wasm),
        "routes": [format!("/{remote}")],
        "permissions": [],
        "capabilities": { "api": ["GET /api/orders", "GET /api/admin/users"] }
    });
    std::fs::write(dir.join("remote.json"), manifest.to_string())?;
    let registry_path = site.join("remotes.json");
    let mut registry: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&registry_path)?)?;
    registry["remotes"][remote] = "/remotes/probe/remote.json".into();
    // It declares the admin call too, but the registry grants only the orders list.
    registry["grants"][remote] = serde_json::json!({ "api": ["GET /api/orders"] });
    std::fs::write(&registry_path, registry.to_string())?;
    // The server would serve these precompressed siblings in place of the edited registry.
    for sibling in ["remotes.json.br", "remotes.json.gz"] {
        let _ = std::fs::remove_file(site.join(sibling));
    }
    Ok(())
}

/// The SRI value `sha384-<base64>` of `bytes`.
pub fn sri(bytes: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes))
    )
}

/// The contract version the build speaks, read from a real remote's manifest.
fn build_contract(site: &Path) -> Result<String> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("remotes/orders/remote.json"))?)?;
    Ok(manifest["contract"]
        .as_str()
        .context("the orders manifest has no contract")?
        .to_owned())
}
