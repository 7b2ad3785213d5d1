//! `cargo xtask bench api`: load-tests the release API server on loopback and reports throughput and latency.
//!
//! Starts `api --dev` on an ephemeral port with a throwaway database, signs in once, then keeps a fixed number
//! of concurrent clients busy for a fixed time per scenario. Reports requests per second and the p50 and p99
//! latency. Figures are measurements of this machine, not assertions.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::process::{self, Server, cargo};
use crate::workspace_root;

/// Options of `cargo xtask bench api`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Seconds each scenario runs.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
}

/// Throughput and latency of one scenario.
#[derive(Debug, Clone)]
pub struct LoadReport {
    pub name: &'static str,
    pub requests: usize,
    pub errors: usize,
    pub requests_per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
}

pub fn run(options: &Options) -> Result<()> {
    let root = workspace_root();
    process::run(
        cargo()
            .current_dir(&root)
            .args(["build", "--release", "--package", "api"]),
    )?;
    let reports = with_api_server(|url| measure(url, options))?;
    print_table(&reports);
    Ok(())
}

/// Starts a seeded release API server in a temporary directory, runs `body` against its URL, and stops it.
pub fn with_api_server<T>(body: impl FnOnce(&str) -> Result<T>) -> Result<T> {
    let (server, _data) = start_release_api(None)?;
    body(&server.url)
}

/// Starts `target/release/api --dev` on an ephemeral port with a throwaway database (and `--static-dir` when
/// given). The server stops when the returned [`Server`] drops; the directory goes with the [`tempfile::TempDir`].
pub fn start_release_api(static_dir: Option<&std::path::Path>) -> Result<(Server, tempfile::TempDir)> {
    let root = workspace_root();
    let data = tempfile::tempdir().context("creating a temporary data directory")?;
    let database = data.path().join("bench.db");
    let key = data.path().join("key.pem");
    let mut args = vec![
        "--dev".to_owned(),
        "--addr".to_owned(),
        "127.0.0.1:0".to_owned(),
        "--database".to_owned(),
        database.to_str().context("temporary path is not UTF-8")?.to_owned(),
        "--signing-key".to_owned(),
        key.to_str().context("temporary path is not UTF-8")?.to_owned(),
        "--login-max-failures".to_owned(),
        "1000000".to_owned(),
    ];
    if let Some(dir) = static_dir {
        args.push("--static-dir".to_owned());
        args.push(dir.to_str().context("static directory path is not UTF-8")?.to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start_api(&root.join("target/release/api"), &args)?;
    Ok((server, data))
}

pub fn measure(url: &str, options: &Options) -> Result<Vec<LoadReport>> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let login = json!({"username": "alice", "password": "alice-password"});
        let response = client.post(format!("{url}/api/auth/login")).json(&login).send().await?;
        if !response.status().is_success() {
            bail!("could not sign in to the benchmark server: {}", response.status());
        }
        let token = response.json::<Value>().await?["access_token"]
            .as_str()
            .context("no access token")?
            .to_owned();
        let duration = Duration::from_secs(options.seconds);
        let orders_url = format!("{url}/api/orders");
        let orders = load("GET /api/orders", options.concurrency, duration, {
            let client = client.clone();
            move || client.get(&orders_url).bearer_auth(&token).send()
        })
        .await;
        let login_url = format!("{url}/api/auth/login");
        let logins = load("POST /api/auth/login", options.concurrency, duration, {
            let client = client.clone();
            move || client.post(&login_url).json(&login).send()
        })
        .await;
        Ok(vec![orders, logins])
    })
}

/// Keeps `concurrency` clients sending `request` for `duration`; counts non-2xx answers as errors.
async fn load<F, Fut>(name: &'static str, concurrency: usize, duration: Duration, request: F) -> LoadReport
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send,
{
    let request = Arc::new(request);
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    match request().await {
                        Ok(response) if response.status().is_success() => {
                            let _ = response.bytes().await;
                            latencies.push(sent.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        if let Ok((worker_latencies, worker_errors)) = worker.await {
            latencies.extend(worker_latencies);
            errors += worker_errors;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    LoadReport {
        name,
        requests: latencies.len(),
        errors,
        requests_per_second: latencies.len() as f64 / elapsed,
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
    }
}

/// The nearest-rank percentile of sorted samples.
pub fn percentile(sorted: &[Duration], percent: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((percent / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn print_table(reports: &[LoadReport]) {
    println!("| Scenario | Requests | Errors | Requests/s | p50 (ms) | p99 (ms) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for report in reports {
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} |",
            report.name,
            report.requests,
            report.errors,
            report.requests_per_second,
            report.p50.as_secs_f64() * 1000.0,
            report.p99.as_secs_f64() * 1000.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;
    use std::time::Duration;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&samples[..1], 99.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}
