//! Compression dictionaries in the browser: the sign-in remote's module comes compressed against the shell's, and
//! every other remote's first module against the sign-in remote's (its `match` pattern outranks the shell's), as
//! the `dcz` variant the build wrote. Isolated or trusted alike: the shell fetches an isolated remote's module
//! itself (a frame's opaque origin has dictionaries of its own). The delivery journey checks the third rank: a
//! remote's new release against its own previous version.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, ensure};
use e2e::Journey;
use sha2::{Digest, Sha256};

use crate::ALICE;

#[tokio::test]
async fn each_remote_module_arrives_compressed_against_the_sign_in_remotes() -> Result<()> {
    orders_module_arrives_compressed(&[]).await
}

#[tokio::test]
async fn isolated_remotes_get_their_module_compressed_too_because_the_shell_fetches_it() -> Result<()> {
    orders_module_arrives_compressed(&["dashboard", "orders"]).await
}

/// With `isolated` remotes isolated: signs in (auth, then the dashboard), opens orders, and checks that each
/// module came as the `dcz` variant against the dictionary its pattern ranks first, under its brotli size.
async fn orders_module_arrives_compressed(isolated: &[&str]) -> Result<()> {
    let journey = Journey::start_with_site(|site| crate::isolation::isolate(site, isolated)).await?;
    journey.open("/dashboard").await?;
    journey.field("Username").await?;
    // The browser offers a response as a dictionary only once it is stored; under load (two journeys at once on two
    // cores) that lags the page by a moment, less than a person takes to type.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    journey.sign_in(ALICE.0, ALICE.1).await?;
    journey.text("You have 3 orders.").await?;
    journey.link("Orders").await?.click().await?;
    journey.text("Espresso beans").await?;
    let dictionaries = wasm_by_hash(&journey.site)?;
    for (remote, expected_dictionary) in [
        ("auth", "shell-"),
        ("dashboard", "remote_auth_bg-"),
        ("orders", "remote_auth_bg-"),
    ] {
        let (encoded, brotli, dictionary) = arrival(&journey, remote, &dictionaries).await?;
        eprintln!("the {remote} module: {encoded} bytes as dcz against {dictionary}, {brotli} as brotli");
        ensure!(encoded < brotli, "{encoded} bytes is not under brotli's {brotli}");
        ensure!(
            dictionary.contains(expected_dictionary),
            "the {remote} module came compressed against {dictionary}, not {expected_dictionary}…"
        );
    }
    journey.finish().await
}

/// The served wasm files of the site by the hex SHA-256 of their content, named by their file name.
pub fn wasm_by_hash(site: &Path) -> Result<HashMap<String, String>> {
    let mut found = HashMap::new();
    let mut pending = vec![site.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "wasm") {
                let hash: String = Sha256::digest(std::fs::read(&path)?)
                    .iter()
                    .map(|byte| format!("{byte:02x}"))
                    .collect();
                found.insert(
                    hash,
                    path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                );
            }
        }
    }
    Ok(found)
}

/// How `remote`'s wasm arrived: its encoded size, its brotli size, and the file whose `dcz` variant it was.
pub async fn arrival(
    journey: &Journey,
    remote: &str,
    dictionaries: &HashMap<String, String>,
) -> Result<(u64, u64, String)> {
    let entry = journey
        .script(&format!(
            "const e = performance.getEntriesByType('resource').find((e) => /remote_{remote}_bg-.*\\.wasm/.test(e.name)); \
             return e ? [new URL(e.name).pathname, e.encodedBodySize] : null;"
        ))
        .await?;
    let path = entry[0]
        .as_str()
        .with_context(|| format!("the {remote} module was never requested"))?;
    let encoded = entry[1].as_u64().context("no encoded size")?;
    let file = journey.site.join(path.trim_start_matches('/'));
    let brotli = std::fs::metadata(format!("{}.br", file.display()))?.len();
    let prefix = format!("{}.", file.file_name().unwrap_or_default().to_string_lossy());
    for entry in std::fs::read_dir(file.parent().context("no directory")?)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(hash) = name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(".dcz"))
            && entry.metadata()?.len() == encoded
        {
            let dictionary = dictionaries
                .get(hash)
                .cloned()
                .unwrap_or_else(|| format!("unknown {hash}"));
            return Ok((encoded, brotli, dictionary));
        }
    }
    anyhow::bail!("the {remote} module came as {encoded} bytes, none of its dcz variants (brotli: {brotli})")
}
