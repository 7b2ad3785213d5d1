//! A stand-in remote for journeys that need the host API driven harder than a real remote drives it: plain JS that
//! the loader imports like any remote (its `default` export ignores the wasm), registered in a copy of the build
//! in place of the dashboard. Its "Run probe" button sends 20 `GET /api/orders` through the host at once and
//! reports how many answered 200.

use std::path::Path;

use anyhow::{Context, Result};

const PROBE_JS: &str = r#"
export default async function init() {}
export function mount(element, host) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Run probe";
  const result = document.createElement("p");
  element.append(button, result);
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
    let dir = site.join("remotes/probe");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("probe.js"), PROBE_JS)?;
    std::fs::write(dir.join("probe.wasm"), b"\0asm\x01\0\0\0")?;
    let manifest = serde_json::json!({
        "name": "dashboard",
        "version": "0.0.0",
        "abi": shared_types_abi(site)?,
        "entry_js": "probe.js",
        "entry_wasm": "probe.wasm",
        "routes": ["/dashboard"],
        "permissions": []
    });
    std::fs::write(dir.join("remote.json"), manifest.to_string())?;
    let registry_path = site.join("remotes.json");
    let mut registry: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&registry_path)?)?;
    registry["remotes"]["dashboard"] = "/remotes/probe/remote.json".into();
    std::fs::write(&registry_path, registry.to_string())?;
    // The server would serve these precompressed siblings in place of the edited registry.
    for sibling in ["remotes.json.br", "remotes.json.gz"] {
        let _ = std::fs::remove_file(site.join(sibling));
    }
    Ok(())
}

/// The contract version the build speaks, read from a real remote's manifest.
fn shared_types_abi(site: &Path) -> Result<u64> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("remotes/orders/remote.json"))?)?;
    manifest["abi"].as_u64().context("the orders manifest has no abi")
}
