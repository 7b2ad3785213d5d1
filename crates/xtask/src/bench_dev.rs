//! `cargo xtask bench dev`: how long a save takes to show in the running page with `cargo xtask dev`.
//!
//! Runs the real loop in a scratch copy of the workspace ([`DevSession`]), signs in as alice in headless Chromium
//! and opens Orders. Then, `--runs` times each: saves a new heading in the orders remote and times save → the new
//! heading on screen (swapped in place); saves a new label of the shell's Orders link and times save → the reloaded
//! page shows it with alice still signed in. Reports the median and the maximum of each against the goals (a remote
//! within 3 s, the shell within 10 s). Figures are measurements of this machine, not assertions.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use e2e::{Journey, literal};

use crate::dev_check::{ORDERS_HEADING, ORDERS_TEXT, SHELL_ORDERS_LINK, SHELL_TEXT};
use crate::dev_session::{DEV_URL, DevSession};
use crate::workspace_root;

/// Options of `cargo xtask bench dev`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Saves measured for the remote, and again for the shell.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    pub runs: u16,
}

/// The goals on this project's 2-core machine.
const REMOTE_GOAL: Duration = Duration::from_secs(3);
const SHELL_GOAL: Duration = Duration::from_secs(10);
/// How long one save may take to show before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(90);

pub fn run(options: &Options) -> Result<()> {
    let root = workspace_root();
    let session = DevSession::start(&root, &root.join("target/dev-loop-bench"))?;
    let runtime = tokio::runtime::Runtime::new()?;
    let measured = runtime.block_on(async {
        let journey = Journey::attach(DEV_URL).await?;
        let measured = measure(&session, &journey, options.runs).await;
        journey.finish().await?;
        measured
    });
    let log = session.log_tail();
    session.stop()?;
    let (remote, shell) = measured.map_err(|error| error.context(log))?;
    println!(
        "\nSave → visible with `cargo xtask dev` ({} saves each, this machine):",
        options.runs
    );
    println!("{:<44} {:>10} {:>10} {:>8}", "", "median", "max", "goal");
    report("remote (orders heading, swapped in place)", &remote, REMOTE_GOAL);
    report("shell (Orders link, page reloaded signed in)", &shell, SHELL_GOAL);
    Ok(())
}

async fn measure(session: &DevSession, journey: &Journey, runs: u16) -> Result<(Vec<Duration>, Vec<Duration>)> {
    journey.open("/login").await?;
    journey.sign_in("alice", "alice-password").await?;
    journey.text("Alice Anderson").await?;
    journey.link("Orders").await?.click().await?;
    journey.text("Your orders").await?;

    let remote = repeat(session, journey, runs, &REMOTE_SAVES).await?;
    let shell = repeat(session, journey, runs, &SHELL_SAVES).await?;
    Ok((remote, shell))
}

/// One kind of save the bench repeats: a string of a string table, and what shows it on screen.
struct Saves {
    what: &'static str,
    file: &'static str,
    /// The string's line as the workspace has it.
    original: &'static str,
    /// The string's line and its visible text for save number `n`.
    saved: fn(u16) -> (String, String),
    /// The element (XPath) that shows `text` on screen.
    shown_by: fn(&str) -> String,
}

const REMOTE_SAVES: Saves = Saves {
    what: "remote",
    file: ORDERS_TEXT,
    original: ORDERS_HEADING,
    saved: |n| {
        let text = format!("Your orders, save {n}");
        (format!("heading: \"{text}\""), text)
    },
    shown_by: |text| format!("//h1[normalize-space(.) = {}]", literal(text)),
};

const SHELL_SAVES: Saves = Saves {
    what: "shell",
    file: SHELL_TEXT,
    original: SHELL_ORDERS_LINK,
    saved: |n| {
        let text = format!("Orders {n}");
        (format!("orders: \"{text}\""), text)
    },
    // The new label is the new shell; the user's name in the header is the session restored.
    shown_by: |text| {
        format!(
            "//a[normalize-space(.) = {}][//*[contains(normalize-space(.), 'Alice Anderson')]]",
            literal(text)
        )
    },
};

/// Saves `saves` `runs` times, each time timing save → shown.
async fn repeat(session: &DevSession, journey: &Journey, runs: u16, saves: &Saves) -> Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(runs.into());
    let mut line = saves.original.to_owned();
    for run in 1..=runs {
        let (next, text) = (saves.saved)(run);
        let saved = Instant::now();
        session.edit(saves.file, &line, &next)?;
        line = next;
        let time = shown(journey, &(saves.shown_by)(&text), saved).await?;
        eprintln!("{} save {run}: {} ms", saves.what, time.as_millis());
        times.push(time);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(times)
}

/// The time from `saved` until an element matching `xpath` is on screen (looked for every 20 ms; a page that is
/// reloading meanwhile counts as not yet).
async fn shown(journey: &Journey, xpath: &str, saved: Instant) -> Result<Duration> {
    loop {
        if journey.exists(xpath).await.unwrap_or(false) {
            return Ok(saved.elapsed());
        }
        if saved.elapsed() > PATIENCE {
            bail!("{xpath} did not show within {} s of the save", PATIENCE.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn report(name: &str, times: &[Duration], goal: Duration) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let middle = sorted.len() / 2;
    let median = match sorted.len() {
        0 => Duration::ZERO,
        len if len % 2 == 0 => (sorted[middle - 1] + sorted[middle]) / 2,
        _ => sorted[middle],
    };
    let max = sorted.last().copied().unwrap_or_default();
    let verdict = if max <= goal {
        "met"
    } else if median <= goal {
        "median met"
    } else {
        "missed"
    };
    println!(
        "{name:<44} {:>8.2} s {:>8.2} s {:>6} s  {verdict}",
        median.as_secs_f64(),
        max.as_secs_f64(),
        goal.as_secs()
    );
}
