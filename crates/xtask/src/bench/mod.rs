//! `cargo xtask bench`: Portico against a React + Module Federation peer, side by side, in one run.
//!
//! Builds the release product and the peer, serves each with `api --static-dir --dev` on loopback, and visits
//! each N times in fresh headless Chromium profiles (alternating, so drift hits both). Reports medians with min
//! and max, and ratios Portico over peer, as a table, `target/bench/report.{json,md}` and a chart. Nothing here
//! asserts a time; sizes are asserted separately by the budgets in `cargo xtask test`.

pub mod probe;
pub mod report;
mod returning;

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::bench_api::{self, start_release_api};
use crate::process::{self, cargo, output_of};
use crate::{budgets, build, compress, dictionaries, tools, workspace_root};
use probe::{Product, Visit};
use report::{Machine, Report, Row, Unit};

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Cold visits per product.
    #[arg(long, default_value_t = 15)]
    pub runs: usize,
    /// Dashboard↔orders round trips before the second memory reading.
    #[arg(long, default_value_t = 200)]
    pub switches: usize,
    /// Seconds per API load scenario.
    #[arg(long, default_value_t = 5)]
    pub api_seconds: u64,
    /// Reuse the existing dist/ and peer build instead of rebuilding.
    #[arg(long)]
    pub skip_build: bool,
}

const PEER_DIR: &str = "bench/peer-react-mf";

pub fn run(options: &Options) -> Result<()> {
    tools::ensure_all(tools::Needs::everything())?;
    let root = workspace_root();
    let dist = root.join("dist");
    let peer_dist = root.join(PEER_DIR).join("dist");
    if !options.skip_build {
        build::build_all(&root)?;
        compress::precompress(&dist)?;
        dictionaries::report(&dist, &dist)?;
        build_peer(&root.join(PEER_DIR))?;
    }
    compress::precompress(&peer_dist)?;
    process::run(
        cargo()
            .current_dir(&root)
            .args(["build", "--release", "--package", "api"]),
    )?;

    // The same build with every remote trusted, to price isolation.
    let trusted_dist = tempfile::tempdir()?;
    e2e::copy_tree(&dist, trusted_dist.path())?;
    e2e::set_isolated(trusted_dist.path(), &[])?;
    let (portico_server, _portico_data) = start_release_api(Some(&dist))?;
    let (trusted_server, _trusted_data) = start_release_api(Some(trusted_dist.path()))?;
    let (peer_server, _peer_data) = start_release_api(Some(&peer_dist))?;
    let portico = Product {
        name: "Portico",
        url: portico_server.url.clone(),
        dashboard_ready: "You have 3 orders",
        has_orders: true,
    };
    let portico_trusted = Product {
        name: "Portico, every remote trusted",
        url: trusted_server.url.clone(),
        ..portico.clone()
    };
    let peer = Product {
        name: "peer",
        url: peer_server.url.clone(),
        dashboard_ready: "You have 3 orders",
        has_orders: false,
    };

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // First, as it is the quickest to fail: a returning visit after each product releases its dashboard again.
    let returning_rows = returning::rows(&root, &dist, &root.join(PEER_DIR), &runtime)?;
    let mut portico_visits = Vec::new();
    let mut trusted_visits = Vec::new();
    let mut peer_visits = Vec::new();
    for run in 0..options.runs {
        eprintln!("bench: cold visit {} of {}", run + 1, options.runs);
        let mut order: [(&Product, &mut Vec<Visit>); 3] = [
            (&portico, &mut portico_visits),
            (&portico_trusted, &mut trusted_visits),
            (&peer, &mut peer_visits),
        ];
        order.rotate_left(run % 3);
        for (product, visits) in order {
            let switches = if run == 0 { options.switches } else { 0 };
            let visit = runtime
                .block_on(probe::visit(product, switches))
                .with_context(|| format!("visiting {}", product.name))?;
            visits.push(visit);
        }
    }
    let mut throttled_rows = Vec::new();
    for network in [probe::SLOW_4G, probe::FAST_4G] {
        let (mut portico_times, mut peer_times) = (Vec::new(), Vec::new());
        for run in 0..options.runs {
            eprintln!("bench: {} visit {} of {}", network.name, run + 1, options.runs);
            let mut order: [(&Product, &mut Vec<(f64, f64)>); 2] =
                [(&portico, &mut portico_times), (&peer, &mut peer_times)];
            order.rotate_left(run % 2);
            for (product, times) in order {
                let measured = runtime
                    .block_on(probe::throttled_visit(product, network))
                    .with_context(|| format!("visiting {} over {}", product.name, network.name))?;
                times.push(measured);
            }
        }
        let column = |times: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| times.iter().map(pick).collect::<Vec<_>>();
        throttled_rows.push(
            Row::new(
                format!("{}: cold load until Username accepts input", network.name),
                Unit::Milliseconds,
                &column(&portico_times, |times| times.0),
                &column(&peer_times, |times| times.0),
            )
            .charted(),
        );
        throttled_rows.push(
            Row::new(
                format!("{}: Sign in → dashboard content", network.name),
                Unit::Milliseconds,
                &column(&portico_times, |times| times.1),
                &column(&peer_times, |times| times.1),
            )
            .charted(),
        );
    }
    let api_options = bench_api::Options {
        seconds: options.api_seconds,
        concurrency: 16,
    };
    let api = bench_api::measure(&portico_server.url, &api_options)?;
    drop((portico_server, trusted_server, peer_server));

    let budgets = budgets::load(&root.join(budgets::BUDGETS_FILE))?;
    let static_sizes = budgets::measure(&dist, &budgets)?;
    let peer_login_brotli = brotli_of_fetched(&peer_dist, peer_visits.first().map(|visit| &visit.login_files))?;
    let mut rows = browser_rows(&portico_visits, &peer_visits, options.switches);
    rows.extend(throttled_rows);
    rows.extend(returning_rows);
    for item in &static_sizes {
        let peer_side = if item.item == "/login first view" {
            vec![peer_login_brotli as f64]
        } else {
            vec![]
        };
        rows.push(Row::new(
            format!("brotli size: {}", item.item),
            Unit::Bytes,
            &[item.brotli as f64],
            &peer_side,
        ));
    }
    for load in &api {
        rows.push(Row::new(
            format!("API {}: requests/s", load.name),
            Unit::PerSecond,
            &[load.requests_per_second],
            &[],
        ));
        rows.push(Row::new(
            format!("API {}: p50", load.name),
            Unit::Milliseconds,
            &[ms(load.p50)],
            &[],
        ));
        rows.push(Row::new(
            format!("API {}: p99", load.name),
            Unit::Milliseconds,
            &[ms(load.p99)],
            &[],
        ));
    }
    let report = Report {
        machine: machine(options.runs),
        rows,
        isolation: isolation_rows(&portico_visits, &trusted_visits, options.switches),
    };
    println!("{}", report::markdown_table(&report));
    println!(
        "Isolated remotes against the same remotes trusted:\n{}",
        report::isolation_table(&report)
    );
    let out = root.join("target/bench");
    report::write(&report, &out, NOTES)?;
    println!("wrote {}", out.join("report.md").display());
    Ok(())
}

const NOTES: &str = "Portico runs its demo registry (dashboard and orders isolated in sandboxed frames); the second \
table compares it with the same build whose registry trusts every remote. An isolated frame runs in a renderer \
process of its own: its bytes and the moment its content shows are read inside the frame through WebDriver, the \
JS heap and WASM rows count the page only, and the renderer-processes rows (resident memory of every renderer, \
Linux) count the frames too. The slow and fast 4G rows are cold visits under DevTools network emulation (slow 4G: \
1.6 Mbps down, 150 ms latency; fast 4G: 9 Mbps, 40 ms); requests an isolated frame makes itself are not \
throttled, but the remote's wasm is fetched by the page. Bytes are what the Resource Timing API saw for JS, WASM and CSS on a cold profile, as served \
(precompressed brotli or gzip, whichever Chromium asked for). Times are the page's own clock. The peer has no \
orders remote, so orders switches and the memory after dashboard↔orders switches are Portico-only. Memory is read \
after three forced garbage collections (DevTools `HeapProfiler.collectGarbage`); the JS heap still grows over the \
first few hundred switches as V8 compiles the hot wasm-bindgen glue, which levels off (see ARCHITECTURE.md).";

fn ms(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn sum(files: &[probe::Fetched], field: fn(&probe::Fetched) -> u64) -> f64 {
    files.iter().map(field).sum::<u64>() as f64
}

/// Isolated (the demo registry) against trusted (the same build, every remote trusted).
fn isolation_rows(isolated: &[Visit], trusted: &[Visit], switches: usize) -> Vec<Row> {
    let names = [
        "/dashboard bytes transferred (after /login)".to_owned(),
        "switch: Sign in → dashboard content".to_owned(),
        "switch: dashboard → orders, first visit".to_owned(),
        "switch: orders → dashboard, repeat visit".to_owned(),
        "switch: dashboard → orders, repeat visit".to_owned(),
        "memory after one round trip: JS heap".to_owned(),
        "memory after one round trip: WASM".to_owned(),
        format!("memory after {switches} switches: JS heap"),
        format!("memory after {switches} switches: WASM"),
        "memory after one round trip: renderer processes".to_owned(),
        format!("memory after {switches} switches: renderer processes"),
    ];
    browser_rows(isolated, trusted, switches)
        .into_iter()
        .filter(|row| names.contains(&row.metric))
        .collect()
}

fn browser_rows(portico: &[Visit], peer: &[Visit], switches: usize) -> Vec<Row> {
    let collect = |visits: &[Visit], metric: &dyn Fn(&Visit) -> Option<f64>| -> Vec<f64> {
        visits.iter().filter_map(metric).collect()
    };
    let row = |name: &str, unit: Unit, metric: &dyn Fn(&Visit) -> Option<f64>| {
        Row::new(name, unit, &collect(portico, metric), &collect(peer, metric))
    };
    let transferred = |files: &[probe::Fetched]| sum(files, |file| file.transferred);
    let decoded = |files: &[probe::Fetched]| sum(files, |file| file.decoded);
    vec![
        row("/login bytes transferred", Unit::Bytes, &|v| {
            Some(transferred(&v.login_files))
        })
        .charted(),
        row("/login bytes decoded", Unit::Bytes, &|v| Some(decoded(&v.login_files))),
        row("/dashboard bytes transferred (after /login)", Unit::Bytes, &|v| {
            Some(transferred(&v.dashboard_files) + v.dashboard_frame_bytes)
        })
        .charted(),
        row("cold load: until Username accepts input", Unit::Milliseconds, &|v| {
            Some(v.cold_load_ms)
        })
        .charted(),
        row("switch: Sign in → dashboard content", Unit::Milliseconds, &|v| {
            Some(v.sign_in_to_dashboard_ms)
        })
        .charted(),
        row("switch: dashboard → orders, first visit", Unit::Milliseconds, &|v| {
            v.orders_first_ms
        }),
        row(
            "switch: dashboard → orders, after prefetch",
            Unit::Milliseconds,
            &|v| v.orders_after_prefetch_ms,
        ),
        row("switch: orders → dashboard, repeat visit", Unit::Milliseconds, &|v| {
            v.dashboard_repeat_ms
        }),
        row("switch: dashboard → orders, repeat visit", Unit::Milliseconds, &|v| {
            v.orders_repeat_ms
        }),
        row("memory after sign-in: JS heap", Unit::Bytes, &|v| {
            Some(v.memory_after_sign_in.js_heap as f64)
        }),
        row("memory after sign-in: WASM", Unit::Bytes, &|v| {
            Some(v.memory_after_sign_in.wasm as f64)
        }),
        row("memory after one round trip: JS heap", Unit::Bytes, &|v| {
            v.memory_after_first_round_trip.map(|m| m.js_heap as f64)
        }),
        row("memory after one round trip: WASM", Unit::Bytes, &|v| {
            v.memory_after_first_round_trip.map(|m| m.wasm as f64)
        }),
        row(
            &format!("memory after {switches} switches: JS heap"),
            Unit::Bytes,
            &|v| v.memory_after_switches.map(|m| m.js_heap as f64),
        ),
        row(&format!("memory after {switches} switches: WASM"), Unit::Bytes, &|v| {
            v.memory_after_switches.map(|m| m.wasm as f64)
        }),
        row("memory after one round trip: renderer processes", Unit::Bytes, &|v| {
            v.memory_after_first_round_trip.map(|m| m.renderers as f64)
        }),
        row(
            &format!("memory after {switches} switches: renderer processes"),
            Unit::Bytes,
            &|v| v.memory_after_switches.map(|m| m.renderers as f64),
        ),
    ]
}

/// The brotli size of the files a visit fetched, read from the served tree.
fn brotli_of_fetched(dist: &Path, files: Option<&Vec<probe::Fetched>>) -> Result<usize> {
    let mut total = compress::brotli_size(&std::fs::read(dist.join("index.html"))?);
    for file in files.into_iter().flatten() {
        let path = dist.join(file.name.trim_start_matches('/'));
        total += compress::brotli_size(&std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
    }
    Ok(total)
}

fn build_peer(dir: &Path) -> Result<()> {
    if !dir.join("node_modules").exists() {
        eprintln!("Installing the peer's npm packages (npm ci)...");
        process::run(
            Command::new("npm")
                .current_dir(dir)
                .args(["ci", "--no-audit", "--no-fund"]),
        )?;
    }
    process::run(Command::new("npm").current_dir(dir).args(["run", "build"]))
}

fn machine(runs: usize) -> Machine {
    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    let chromium = output_of(Command::new(tools::CHROMIUM).arg("--version"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let date = output_of(Command::new("date").args(["-u", "+%Y-%m-%d"]))
        .unwrap_or_default()
        .trim()
        .to_owned();
    Machine {
        cores,
        chromium,
        date,
        runs,
    }
}
