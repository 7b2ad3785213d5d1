//! The `api` binary: parses flags, starts the server, prints its URL, and stops gracefully on Ctrl-C or SIGTERM.

use std::io::Write;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let config = api::Cli::parse().into_config().context("invalid configuration")?;
    let dev = config.dev;
    let dev_builds = config.dev_builds.clone();
    let (addr, serve) = api::server::prepare(config, shutdown_signal())
        .await
        .context("the API server could not start")?;
    // Tools read this line to learn the port when they asked for port 0.
    println!("api listening on http://{addr}");
    std::io::stdout().flush()?;
    if dev {
        tracing::info!("dev mode: demo users alice, bob, carol and dave (password: <name>-password)");
    }
    if let Some(path) = dev_builds {
        tracing::info!(
            "streaming the remote build states in {} at /api/dev/builds",
            path.display()
        );
    }
    serve.await.context("the API server stopped with an error")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
