//! `cargo xtask screenshots`: every page of the release build as the demo users see it, at a phone's and a
//! desktop's width, in the light and the dark theme, in English and in Arabic, saved into `target/screenshots/`.
//!
//! Pages: sign-in, dashboard, orders, an order, no access (alice at `/admin`), not found, and a remote's error
//! state (carol at `/admin`, with the admin remote's module broken in this copy of the build). Files are named
//! `<page>-<width>-<theme>-<language>.png`; each is the whole page, captured through DevTools.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use base64::Engine;
use e2e::browser::Browser;
use serde_json::json;

use crate::bench::probe::wait_until_shown;
use crate::bench_api::start_release_api;
use crate::process::{self, cargo};
use crate::{build, compress, dictionaries, tools, workspace_root};

/// Options of `cargo xtask screenshots`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Photograph the build already in dist/ instead of building first.
    #[arg(long)]
    pub skip_build: bool,
}

/// A phone's and a desktop's viewport width, in CSS pixels.
const WIDTHS: [u32; 2] = [360, 1280];

/// The words each page is recognised by once rendered, in English and in Arabic.
struct Page {
    name: &'static str,
    path: &'static str,
    shows: (&'static str, &'static str),
}

pub fn run(options: &Options) -> Result<()> {
    tools::ensure_all(tools::Needs::everything())?;
    let root = workspace_root();
    let dist = root.join("dist");
    if !options.skip_build {
        build::build_all(&root)?;
        compress::precompress(&dist)?;
        dictionaries::report(&dist, &dist)?;
    }
    process::run(
        cargo()
            .current_dir(&root)
            .args(["build", "--release", "--package", "api"]),
    )?;
    let site = tempfile::tempdir()?;
    e2e::copy_tree(&dist, site.path())?;
    let admin = e2e::remote_entry(site.path(), "admin", "entry_wasm")?;
    e2e::replace_every_variant(&admin, b"\0asm broken on purpose")?;
    let (server, _data) = start_release_api(Some(site.path()))?;

    let out = root.join("target/screenshots");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let mut written = 0;
    for language in ["en", "ar"] {
        for theme in ["light", "dark"] {
            eprintln!("screenshots: {theme} theme, {language}");
            written += runtime
                .block_on(photograph(&server.url, &out, language, theme))
                .with_context(|| format!("photographing the {theme} theme in {language}"))?;
        }
    }
    println!("wrote {written} screenshots into {}", out.display());
    Ok(())
}

/// Every page for one theme and language, in a fresh browser whose language is `language`.
async fn photograph(url: &str, out: &Path, language: &str, theme: &str) -> Result<usize> {
    for user in ["alice", "carol"] {
        save_locale(url, user, language).await?;
    }
    let arabic = language == "ar";
    let flags: &[&str] = if arabic {
        &["--lang=ar", "--accept-lang=ar"]
    } else {
        &[]
    };
    let browser = Browser::launch_with_flags(flags).await?;
    let result = async {
        let client = &browser.client;
        client.goto(&format!("{url}/login")).await?;
        client
            .execute(
                &format!("localStorage.setItem('portico-theme', '{theme}'); return 1;"),
                vec![],
            )
            .await?;
        let mut written = 0;
        let mut shoot = async |page: &Page| -> Result<()> {
            if !page.path.is_empty() {
                client.goto(&format!("{url}{}", page.path)).await?;
            }
            wait_until_shown(client, if arabic { page.shows.1 } else { page.shows.0 }).await?;
            for width in WIDTHS {
                let file = out.join(format!("{}-{width}-{theme}-{language}.png", page.name));
                capture(&browser, width, &file).await?;
                written += 1;
            }
            Ok(())
        };
        shoot(&Page {
            name: "login",
            path: "/login",
            shows: ("Sign in to Portico", "تسجيل الدخول إلى Portico"),
        })
        .await?;
        sign_in(client, "alice").await?;
        for page in [
            Page {
                name: "dashboard",
                path: "",
                shows: ("You have 3 orders", "لديك"),
            },
            Page {
                name: "orders",
                path: "/orders",
                shows: ("Espresso beans", "Espresso beans"),
            },
            Page {
                name: "order",
                path: "/orders/1",
                shows: ("Espresso beans", "Espresso beans"),
            },
            Page {
                name: "no-access",
                path: "/admin",
                shows: (
                    "You do not have access to this page",
                    "ليس لديك إذن بالوصول إلى هذه الصفحة",
                ),
            },
            Page {
                name: "not-found",
                path: "/no-such-page",
                shows: ("Page not found", "الصفحة غير موجودة"),
            },
        ] {
            shoot(&page).await?;
        }
        browser.cdp("Network.clearBrowserCookies", json!({})).await?;
        client.goto(&format!("{url}/login")).await?;
        sign_in(client, "carol").await?;
        shoot(&Page {
            name: "remote-error",
            path: "/admin",
            shows: (
                "This part of Portico could not be loaded.",
                "تعذّر تحميل هذا الجزء من Portico.",
            ),
        })
        .await?;
        Ok(written)
    }
    .await;
    browser.close().await;
    result
}

/// Signs in as the demo `user` through the form (found by its fields' ids, the same in every language).
async fn sign_in(client: &fantoccini::Client, user: &str) -> Result<()> {
    wait_until_shown(client, "Portico").await?;
    let script = format!(
        r#"const done = arguments[0];
           const fill = (id, value) => {{
             const input = document.getElementById(id);
             if (!input) return false;
             Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, value);
             input.dispatchEvent(new Event('input', {{ bubbles: true }}));
             return true;
           }};
           const attempt = () => {{
             if (fill('auth-username', '{user}') && fill('auth-password', '{user}-password')) {{
               document.querySelector('.auth-form button[type=submit]').click();
               done(true);
             }} else {{
               setTimeout(attempt, 50);
             }}
           }};
           attempt();"#
    );
    client.execute_async(&script, vec![]).await?;
    Ok(())
}

/// The whole page at `width` CSS pixels, as a PNG. The viewport is made as tall as the page first: DevTools'
/// capture beyond the viewport leaves out-of-process frames (isolated remotes) partly unpainted.
async fn capture(browser: &Browser, width: u32, file: &Path) -> Result<()> {
    let viewport = async |height: u64| {
        browser
            .cdp(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
            )
            .await
            .map(drop)
    };
    viewport(800).await?;
    // Frames report their new height and the layout settles.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let height = browser
        .client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await?
        .as_u64()
        .unwrap_or(800)
        .max(800);
    viewport(height).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shot = browser
        .cdp("Page.captureScreenshot", json!({ "format": "png" }))
        .await?;
    let data = shot["data"].as_str().context("DevTools returned no image")?;
    let png = base64::engine::general_purpose::STANDARD.decode(data)?;
    std::fs::write(file, png).with_context(|| format!("writing {}", file.display()))
}

/// Saves `locale` as `user`'s interface language through the API (it lasts across runs of this server).
async fn save_locale(url: &str, user: &str, locale: &str) -> Result<()> {
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{url}/api/auth/login"))
        .json(&json!({ "username": user, "password": format!("{user}-password") }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["access_token"].as_str().context("sign-in gave no token")?;
    client
        .patch(format!("{url}/api/me"))
        .bearer_auth(token)
        .json(&json!({ "locale": locale }))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}
