//! A headless Chromium session through ChromeDriver, both on 127.0.0.1 with an ephemeral port.
//!
//! [`Browser`] owns the ChromeDriver child it started and kills exactly that process when dropped.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder};
use serde_json::json;

/// Chromium flags for running headless, as root, on a machine without general internet access.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--enable-precise-memory-info",
    "--window-size=1280,900",
];

/// A ChromeDriver process and one browser session on it.
pub struct Browser {
    pub client: Client,
    driver: DriverProcess,
}

struct DriverProcess(Child);

impl Drop for DriverProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Browser {
    /// Starts ChromeDriver (`CHROMEDRIVER`, default /usr/bin/chromedriver) and opens a fresh Chromium session
    /// (`CHROMIUM`, default /usr/bin/chromium) with an empty profile, so every session starts with a cold cache.
    pub async fn launch() -> Result<Self> {
        Self::launch_with_flags(&[]).await
    }

    /// [`Browser::launch`] with extra Chromium command-line flags.
    pub async fn launch_with_flags(flags: &[&str]) -> Result<Self> {
        let (driver, url) = start_driver()?;
        let client = connect(&url, flags).await?;
        Ok(Self { client, driver })
    }

    /// The process id of ChromeDriver (Chromium runs as its descendant).
    pub fn driver_pid(&self) -> u32 {
        self.driver.0.id()
    }

    /// Runs a Chrome DevTools Protocol command through ChromeDriver (`goog/cdp/execute`).
    pub async fn cdp(&self, command: &str, params: serde_json::Value) -> Result<serde_json::Value> {
        let command = CdpCommand {
            command: command.to_owned(),
            params,
        };
        self.client
            .issue_cmd(command)
            .await
            .context("the DevTools command failed")
    }

    /// Ends the session; the driver stops when `self` drops.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start_driver() -> Result<(DriverProcess, String)> {
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned());
    for _attempt in 0..5 {
        let port = free_port()?;
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start {chromedriver}; run cargo xtask setup"))?;
        let mut driver = DriverProcess(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok((driver, format!("http://127.0.0.1:{port}")));
            }
            if driver.0.try_wait()?.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        drop(driver);
    }
    bail!("ChromeDriver did not start")
}

async fn connect(driver_url: &str, flags: &[&str]) -> Result<Client> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": chromium,
            "args": CHROMIUM_ARGS.iter().chain(flags).collect::<Vec<_>>()
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(driver_url)
        .await
        .context("could not open a Chromium session through ChromeDriver")
}

/// A DevTools Protocol command, sent through ChromeDriver's vendor endpoint.
#[derive(Debug)]
struct CdpCommand {
    command: String,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
