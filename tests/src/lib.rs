//! Harness for the browser end-to-end journeys (and the browser side of `cargo xtask bench`): one API server serving a private copy of the built `dist/`, one
//! ChromeDriver, and one headless Chromium session per journey, all on 127.0.0.1 with ephemeral ports.
//!
//! Elements are found by accessible label, role or visible text, never by CSS position. Everything the harness
//! starts is stopped by the harness, by its own handle, when the journey ends or panics.

pub mod browser;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

use crate::browser::Browser;
use serde_json::{Value, json};
use tempfile::TempDir;

/// A script to install before the page's own (DevTools `Page.addScriptToEvaluateOnNewDocument`): keeps every
/// wasm memory the page instantiates, the shell's and each remote's, in `window.__wasm_memories`.
pub const WATCH_WASM_MEMORIES: &str = r#"
(() => {
  const memories = [];
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = async function (...args) {
      const result = await original.apply(this, args);
      const instance = result.instance || result;
      try {
        for (const value of Object.values(instance.exports)) {
          if (value instanceof WebAssembly.Memory) memories.push(value);
        }
      } catch (e) {}
      return result;
    };
  }
  Object.defineProperty(window, '__wasm_memories', { value: memories, enumerable: false });
})();
"#;

/// The frames isolated remotes run in, while mounted (parked frames wait hidden elsewhere).
pub const REMOTE_FRAME: &str = ".isolated-remotes > iframe.remote-frame:not([hidden])";

/// Whether `arguments[0]`, in a remote's frame, lies within the frame's viewport.
const SHOWN_IN_FRAME: &str =
    "const box = arguments[0].getBoundingClientRect(); return innerHeight > 0 && box.bottom <= innerHeight + 1;";

/// How long a journey waits for something to appear.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The built product to serve: `PORTICO_DIST`, or `dist/` at the workspace root.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("PORTICO_DIST").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("tests/ sits in the workspace")
            .join("dist")
    })
}

/// A running product and a browser pointed at it.
pub struct Journey {
    pub browser: Client,
    pub base_url: String,
    pub site: PathBuf,
    server: Option<api::RunningServer>,
    session: Option<Browser>,
    _dirs: (TempDir, TempDir),
}

impl Journey {
    /// Serves an unmodified copy of the build.
    pub async fn start() -> Result<Self> {
        Self::start_with_site(|_| Ok(())).await
    }

    /// Serves a copy of the build after `edit` changed it (for example, removed a remote's wasm).
    pub async fn start_with_site(edit: impl FnOnce(&Path) -> Result<()>) -> Result<Self> {
        Self::start_with(|_| {}, edit).await
    }

    /// Serves an unmodified copy of the build from a server whose access tokens live `seconds`, with no clock-skew
    /// leeway, so an expired token really is refused.
    pub async fn start_with_access_ttl(seconds: u64) -> Result<Self> {
        Self::start_with(short_tokens(seconds), |_| Ok(())).await
    }

    /// Serves a copy of the build changed by `edit`, from a server configured by `configure`.
    pub async fn start_with(
        configure: impl FnOnce(&mut api::Config),
        edit: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<Self> {
        Self::start_in_browser_with_flags(configure, edit, &[]).await
    }

    /// [`Journey::start_with`] in a Chromium started with extra command-line `flags`.
    pub async fn start_in_browser_with_flags(
        configure: impl FnOnce(&mut api::Config),
        edit: impl FnOnce(&Path) -> Result<()>,
        flags: &[&str],
    ) -> Result<Self> {
        let dist = dist_dir();
        if !dist.join("index.html").exists() {
            bail!(
                "{} has no index.html: build the product first (cargo xtask build)",
                dist.display()
            );
        }
        let site_dir = tempfile::tempdir()?;
        copy_tree(&dist, site_dir.path())?;
        edit(site_dir.path())?;
        let data_dir = tempfile::tempdir()?;
        let mut config = api::Config::for_data_dir(data_dir.path());
        config.dev = true;
        config.static_dir = Some(site_dir.path().to_owned());
        config.session_mode = session_mode_from_env()?;
        configure(&mut config);
        let server = api::start(config).await.context("starting the API server")?;
        let base_url = server.url();
        let session = Browser::launch_with_flags(flags).await?;
        let browser = session.client.clone();
        let site = site_dir.path().to_owned();
        Ok(Self {
            browser,
            base_url,
            site,
            server: Some(server),
            session: Some(session),
            _dirs: (site_dir, data_dir),
        })
    }

    /// A fresh browser against a product someone else serves at `base_url` (a running `cargo xtask dev`); nothing
    /// else is started, and [`Journey::auth_counts`] is not available.
    pub async fn attach(base_url: &str) -> Result<Self> {
        let session = Browser::launch().await?;
        Ok(Self {
            browser: session.client.clone(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            site: PathBuf::new(),
            server: None,
            session: Some(session),
            _dirs: (tempfile::tempdir()?, tempfile::tempdir()?),
        })
    }

    /// Closes the browser and stops the server and the driver.
    pub async fn finish(mut self) -> Result<()> {
        if let Some(session) = self.session.take() {
            session.close().await;
        }
        if let Some(server) = self.server.take() {
            server.stop().await?;
        }
        Ok(())
    }

    /// Replaces the browser with a new one on a fresh profile (no cookies, storage or cache) against the same
    /// server: the user opening Portico in another browser.
    pub async fn switch_to_a_fresh_browser(&mut self, flags: &[&str]) -> Result<()> {
        if let Some(session) = self.session.take() {
            session.close().await;
        }
        let session = Browser::launch_with_flags(flags).await?;
        self.browser = session.client.clone();
        self.session = Some(session);
        Ok(())
    }

    /// What the in-process server counted about refreshes so far.
    pub fn auth_counts(&self) -> api::auth_counters::AuthCounts {
        self.server
            .as_ref()
            .expect("the server runs until finish")
            .auth_counters()
            .snapshot()
    }

    /// Runs a Chrome DevTools Protocol command in the current tab.
    pub async fn cdp(&self, command: &str, params: Value) -> Result<Value> {
        self.session
            .as_ref()
            .expect("the browser runs until finish")
            .cdp(command, params)
            .await
    }

    /// Opens `path` in a new tab of the same browser and switches to it; returns the new tab's handle.
    pub async fn open_in_new_tab(&self, path: &str) -> Result<fantoccini::wd::WindowHandle> {
        let created = self.browser.new_window(true).await?;
        self.browser.switch_to_window(created.handle.clone()).await?;
        self.open(path).await?;
        Ok(created.handle)
    }

    /// The value of the HttpOnly refresh cookie the browser holds. Page scripts cannot read it, and WebDriver only
    /// lists cookies for the page's own path, so this asks DevTools for the cookies of `/api/auth/refresh`.
    pub async fn refresh_cookie(&self) -> Result<Option<String>> {
        let url = format!("{}/api/auth/refresh", self.base_url);
        let answer = self.cdp("Network.getCookies", json!({ "urls": [url] })).await?;
        Ok(answer["cookies"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|cookie| cookie["name"] == "portico_refresh")
            .and_then(|cookie| cookie["value"].as_str())
            .map(str::to_owned))
    }

    /// Revokes the browser's session from another client, as "sign out everywhere" would: a logout with the
    /// browser's refresh cookie, sent by this test, not by the page.
    pub async fn revoke_session_elsewhere(&self) -> Result<()> {
        let cookie = self
            .refresh_cookie()
            .await?
            .context("the browser holds no refresh cookie")?;
        let response = reqwest::Client::new()
            .post(format!("{}/api/auth/logout", self.base_url))
            .header("Cookie", format!("portico_refresh={cookie}"))
            .header("X-Requested-With", "portico")
            .header("Origin", &self.base_url)
            .send()
            .await?;
        anyhow::ensure!(response.status().is_success(), "logout answered {}", response.status());
        Ok(())
    }

    /// Whether any element matches `xpath` right now (no waiting), in the shell's document or in any remote's
    /// frame: for asserting that something is absent. Leaves WebDriver in the shell's document when nothing matches.
    pub async fn exists(&self, xpath: &str) -> Result<bool> {
        let found = self.find_anywhere(xpath).await?.is_some();
        if found {
            self.browser.enter_parent_frame().await?;
        }
        Ok(found)
    }

    /// The names of every resource the page requested so far (Resource Timing).
    pub async fn requested_resources(&self) -> Result<Vec<String>> {
        let names = self
            .script("return performance.getEntriesByType('resource').map(entry => entry.name);")
            .await?;
        Ok(names
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|name| name.as_str().map(str::to_owned))
            .collect())
    }

    pub async fn open(&self, path: &str) -> Result<()> {
        self.browser.goto(&format!("{}{path}", self.base_url)).await?;
        Ok(())
    }

    /// The current path and query, e.g. `/login?redirect=%2Fdashboard`.
    pub async fn location(&self) -> Result<String> {
        let url = self.browser.current_url().await?;
        Ok(match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Waits until the location (path and query) equals `expected`.
    pub async fn wait_for_location(&self, expected: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let location = self.location().await?;
            if location == expected {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("expected to be at {expected}, but the browser is at {location}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the first element matching `xpath`, in the shell's document or in an isolated remote's frame, the
    /// way a person sees one page. When the element is in a frame, WebDriver stays switched into that frame (so the
    /// element can be used); the next lookup starts again from the shell's document.
    async fn wait_for(&self, xpath: &str, what: &str) -> Result<Element> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(element) = self.find_anywhere(xpath).await? {
                return Ok(element);
            }
            if Instant::now() > deadline {
                self.browser.enter_parent_frame().await?;
                let location = self.location().await.unwrap_or_default();
                let page = self.script("return document.body.innerText;").await.unwrap_or_default();
                let page: String = page.as_str().unwrap_or_default().chars().take(600).collect();
                bail!(
                    "{what} did not appear within {} s at {location}; the page reads: {page:?}",
                    PATIENCE.as_secs()
                )
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The first element matching `xpath` now, in the shell's document or else in a remote's frame (then switched
    /// into that frame).
    async fn find_anywhere(&self, xpath: &str) -> Result<Option<Element>> {
        // Remote frames sit directly in the shell's document, so one step up is the top from anywhere.
        self.browser.enter_parent_frame().await?;
        if let Some(element) = self.browser.find_all(Locator::XPath(xpath)).await?.into_iter().next() {
            return Ok(Some(element));
        }
        for frame in self.browser.find_all(Locator::Css(REMOTE_FRAME)).await? {
            if frame.enter_frame().await.is_err() {
                continue; // the frame went away meanwhile
            }
            // A frame replaced meanwhile (a remote remounting) answers with an error: look again next time.
            let found = self
                .browser
                .find_all(Locator::XPath(xpath))
                .await
                .ok()
                .and_then(|found| found.into_iter().next());
            if let Some(element) = found {
                // A person sees it once the frame has grown to show it (the frame sizes itself to its content).
                let shown = self
                    .browser
                    .execute(SHOWN_IN_FRAME, vec![serde_json::to_value(&element)?])
                    .await
                    .ok();
                if shown == Some(Value::Bool(true)) {
                    return Ok(Some(element));
                }
            }
            self.browser.enter_parent_frame().await?;
        }
        Ok(None)
    }

    /// Waits until the first element with role `role` has text, and returns that text.
    pub async fn role_text(&self, role: &str) -> Result<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.role(role).await?.text().await?;
            if !text.trim().is_empty() {
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("the element with role {role:?} stayed empty");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The form control whose `<label>` reads `label`.
    pub async fn field(&self, label: &str) -> Result<Element> {
        let xpath = format!(
            "//*[@id = //label[normalize-space(.) = {0}]/@for] | //label[normalize-space(.) = {0}]//input",
            literal(label)
        );
        self.wait_for(&xpath, &format!("the field labelled {label:?}")).await
    }

    /// The button whose accessible text is `name`.
    pub async fn button(&self, name: &str) -> Result<Element> {
        let xpath = format!("//button[normalize-space(.) = {0} or @aria-label = {0}]", literal(name));
        self.wait_for(&xpath, &format!("the button {name:?}")).await
    }

    /// The link whose text is `text`.
    pub async fn link(&self, text: &str) -> Result<Element> {
        let xpath = format!("//a[normalize-space(.) = {0}]", literal(text));
        self.wait_for(&xpath, &format!("the link {text:?}")).await
    }

    /// The first element with role `role`.
    pub async fn role(&self, role: &str) -> Result<Element> {
        self.wait_for(
            &format!("//*[@role = {}]", literal(role)),
            &format!("an element with role {role:?}"),
        )
        .await
    }

    /// Waits until some element's own text contains `text`.
    pub async fn text(&self, text: &str) -> Result<Element> {
        let xpath = format!(
            "//body//*[not(self::script)][text()[contains(normalize-space(.), {})]]",
            literal(text)
        );
        self.wait_for(&xpath, &format!("the text {text:?}")).await
    }

    /// Fills the sign-in form and submits it.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<()> {
        let username_field = self.field("Username").await?;
        username_field.clear().await?;
        username_field.send_keys(username).await?;
        let password_field = self.field("Password").await?;
        password_field.clear().await?;
        password_field.send_keys(password).await?;
        self.button("Sign in").await?.click().await?;
        Ok(())
    }

    /// Runs `script` in the shell's document and returns its value.
    pub async fn script(&self, script: &str) -> Result<Value> {
        self.browser.enter_parent_frame().await?;
        Ok(self.browser.execute(script, vec![]).await?)
    }

    /// Runs `script` in the frame WebDriver is switched into (see `isolation::enter_remote_frame`) and returns its
    /// value.
    pub async fn frame_script(&self, script: &str) -> Result<Value> {
        Ok(self.browser.execute(script, vec![]).await?)
    }

    /// Signs in through the API (not the browser) as a demo user and returns the access token: from the answer's
    /// body in token mode, from the `HttpOnly` access cookie in cookie-session mode (the API accepts it as a bearer
    /// token in both modes).
    pub async fn access_token_of(&self, username: &str) -> Result<String> {
        let login = json!({"username": username, "password": format!("{username}-password")});
        let response = reqwest::Client::new()
            .post(format!("{}/api/auth/login", self.base_url))
            .json(&login)
            .send()
            .await?;
        let from_cookie = response
            .cookies()
            .find(|cookie| cookie.name().ends_with(api::auth::ACCESS_COOKIE) && !cookie.value().is_empty())
            .map(|cookie| cookie.value().to_owned());
        let from_body = response.json::<Value>().await?["access_token"]
            .as_str()
            .map(str::to_owned);
        from_body
            .or(from_cookie)
            .context("sign-in gave neither an access token nor an access cookie")
    }

    /// Signs in through the API (not the browser) and returns the ids of the user's orders.
    pub async fn order_ids_of(&self, username: &str) -> Result<Vec<i64>> {
        let client = reqwest::Client::new();
        let token = self.access_token_of(username).await?;
        let orders: Value = client
            .get(format!("{}/api/orders", self.base_url))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        Ok(orders["orders"]
            .as_array()
            .context("no orders")?
            .iter()
            .filter_map(|order| order["id"].as_i64())
            .collect())
    }
}

/// Lists `remotes` as isolated in the registry served from `site` (every variant of the file), as an operator
/// would; every other remote runs trusted.
pub fn set_isolated(site: &Path, remotes: &[&str]) -> Result<()> {
    let path = site.join("remotes.json");
    let mut registry: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    registry["isolated"] = json!(remotes);
    std::fs::write(&path, serde_json::to_string_pretty(&registry)?)?;
    for sibling in ["remotes.json.br", "remotes.json.gz"] {
        let _ = std::fs::remove_file(site.join(sibling));
    }
    Ok(())
}

/// The session mode journeys run the API in: `PORTICO_SESSION_MODE` (`token` or `cookie`), token when unset. A
/// journey's own configuration may still choose a mode.
pub fn session_mode_from_env() -> Result<api::config::SessionMode> {
    match std::env::var("PORTICO_SESSION_MODE").as_deref() {
        Err(_) | Ok("" | "token") => Ok(api::config::SessionMode::Token),
        Ok("cookie") => Ok(api::config::SessionMode::Cookie),
        Ok(other) => bail!("PORTICO_SESSION_MODE must be token or cookie, not {other:?}"),
    }
}

/// A configuration for [`Journey::start_with`]: access tokens that live `seconds`, and no clock-skew leeway.
pub fn short_tokens(seconds: u64) -> impl FnOnce(&mut api::Config) {
    move |config| {
        config.access_ttl = Duration::from_secs(seconds);
        config.leeway = Duration::ZERO;
    }
}

/// An XPath string literal for `text` (handles both quote kinds).
pub fn literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// The served path of `remote`'s entry named by `field` (`entry_js` or `entry_wasm`) in `site`.
pub fn remote_entry(site: &Path, remote: &str, field: &str) -> Result<PathBuf> {
    let dir = site.join("remotes").join(remote);
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("remote.json"))?)?;
    Ok(dir.join(manifest[field].as_str().context("the manifest names no such entry")?))
}

/// Writes `bytes` as the file and drops its precompressed siblings and compression-dictionary variants, so every
/// answer the server could send for it is the replaced one.
pub fn replace_every_variant(file: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(file, bytes)?;
    let name = file.file_name().context("no file name")?.to_string_lossy().into_owned();
    for entry in std::fs::read_dir(file.parent().context("no directory")?)? {
        let path = entry?.path();
        let sibling = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let compressed = [".br", ".gz", ".dcz"].iter().any(|suffix| sibling.ends_with(suffix));
        if compressed && sibling.starts_with(&format!("{name}.")) {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn xpath_literals_survive_quotes() {
        assert_eq!(literal("Sign in"), "'Sign in'");
        assert_eq!(literal("Don't"), "\"Don't\"");
        assert_eq!(literal(r#"a'b"c"#), r#"concat('a', "'", 'b"c')"#);
    }
}
