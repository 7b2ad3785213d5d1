//! Server configuration: command-line flags and environment variables, checked once at start-up.
//!
//! Flag names are a stable interface: `cargo xtask`, the end-to-end tests and deployments start the server
//! with them. Configuration never holds a secret value, only paths to where secrets live.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// The longest grace window a replayed refresh token may get; longer windows weaken reuse detection.
pub const MAX_REFRESH_GRACE: Duration = Duration::from_secs(10);

/// Command-line interface of the `api` binary. Every flag can also come from a `PORTICO_*` variable.
#[derive(Debug, Clone, Parser)]
#[command(name = "api", version, about = "Portico's reference API server")]
pub struct Cli {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PORTICO_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// SQLite database file, created with its schema on first start.
    #[arg(long, env = "PORTICO_DATABASE", default_value = "data/portico.db")]
    pub database: PathBuf,
    /// PKCS#8 PEM file holding the Ed25519 signing key. Generated on first start in dev mode.
    #[arg(long, env = "PORTICO_SIGNING_KEY", default_value = "data/signing-key.pem")]
    pub signing_key: PathBuf,
    /// Dev mode: seed demo users and orders into an empty database, generate a missing signing key, and allow
    /// cookies without `Secure` when listening on loopback.
    #[arg(long, env = "PORTICO_DEV")]
    pub dev: bool,
    /// Serve a built shell and its remotes from this directory (production-like, one origin).
    #[arg(long, env = "PORTICO_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, env = "PORTICO_ACCESS_TTL", default_value_t = 300)]
    pub access_ttl: u64,
    /// Clock-skew leeway for `exp` and `nbf`, in seconds.
    #[arg(long, env = "PORTICO_LEEWAY", default_value_t = 30)]
    pub leeway: u64,
    /// Absolute lifetime of a sign-in (a refresh-token family), in seconds.
    #[arg(long, env = "PORTICO_REFRESH_LIFETIME", default_value_t = 12 * 3600)]
    pub refresh_lifetime: u64,
    /// Idle timeout of a refresh token, in seconds.
    #[arg(long, env = "PORTICO_REFRESH_IDLE", default_value_t = 30 * 60)]
    pub refresh_idle: u64,
    /// Grace window, in milliseconds, in which the immediately previous refresh token may be replayed (at most 10000).
    #[arg(long, env = "PORTICO_REFRESH_GRACE_MS", default_value_t = 10_000)]
    pub refresh_grace_ms: u64,
    /// `iss` claim of issued tokens.
    #[arg(long, env = "PORTICO_ISSUER", default_value = "portico-api")]
    pub issuer: String,
    /// `aud` claim of issued tokens.
    #[arg(long, env = "PORTICO_AUDIENCE", default_value = "portico")]
    pub audience: String,
    /// Extra origins allowed to call the cookie endpoints (repeatable). The server's own origin is always allowed,
    /// and dev mode adds the `trunk serve` origins http://127.0.0.1:8080 and http://localhost:8080.
    #[arg(long = "allowed-origin", env = "PORTICO_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// Failed sign-ins per username (four times as many per client address) before answering 429.
    #[arg(long, env = "PORTICO_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,
    /// Window, in seconds, over which failed sign-ins are counted.
    #[arg(long, env = "PORTICO_LOGIN_FAILURE_WINDOW", default_value_t = 60)]
    pub login_failure_window: u64,
    /// How the browser proves a session to the API: `token` (an access token in the response body, sent as
    /// `Authorization: Bearer`) or `cookie` (an `HttpOnly` access cookie plus the CSRF header; the browser never
    /// holds a token).
    #[arg(long, env = "PORTICO_SESSION_MODE", value_enum, default_value_t = SessionMode::Token)]
    pub session_mode: SessionMode,
    /// Dev mode only: stream this file, which `cargo xtask dev` rewrites after each remote build, to the page at
    /// `GET /api/dev/builds` (Server-Sent Events), so a development shell swaps rebuilt remotes in place.
    #[arg(long, env = "PORTICO_DEV_BUILDS", requires = "dev")]
    pub dev_builds: Option<PathBuf>,
}

/// How the browser proves a session to the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SessionMode {
    /// Access tokens in response bodies, sent back as `Authorization: Bearer`.
    Token,
    /// Access tokens only in an `HttpOnly`, `SameSite=Strict` cookie, with the CSRF header on every call.
    Cookie,
}

/// Validated server configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database: PathBuf,
    pub signing_key: PathBuf,
    pub dev: bool,
    pub static_dir: Option<PathBuf>,
    pub access_ttl: Duration,
    pub leeway: Duration,
    pub refresh_lifetime: Duration,
    pub refresh_idle: Duration,
    pub refresh_grace: Duration,
    pub issuer: String,
    pub audience: String,
    pub allowed_origins: Vec<String>,
    pub login_max_failures: u32,
    pub login_failure_window: Duration,
    /// Largest JSON body the API accepts; bigger ones get 413.
    pub max_body_bytes: usize,
    pub session_mode: SessionMode,
    /// The dev loop's build states to stream (dev mode only).
    pub dev_builds: Option<PathBuf>,
}

/// A configuration that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The grace window is longer than reuse detection tolerates.
    #[error("the refresh grace window may be at most 10000 ms, not {0} ms")]
    GraceTooLong(u128),
    /// A duration that must be positive was zero.
    #[error("{0} must be greater than zero")]
    ZeroDuration(&'static str),
    /// `--dev-builds` was given without dev mode.
    #[error("--dev-builds streams the dev loop's builds and needs --dev")]
    DevBuildsWithoutDev,
    /// An allowed origin is not of the form `scheme://host[:port]`.
    #[error("`{0}` is not an origin like https://app.example.com")]
    BadOrigin(String),
}

impl Config {
    /// Defaults for a server on `addr` with its files under `data_dir`; used by tests and tools.
    pub fn for_data_dir(data_dir: &std::path::Path) -> Self {
        let mut cli = Cli::parse_from(["api"]);
        cli.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        cli.database = data_dir.join("portico.db");
        cli.signing_key = data_dir.join("signing-key.pem");
        cli.into_config().expect("the built-in defaults are valid")
    }

    /// Checks every invariant that the server relies on.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.refresh_grace > MAX_REFRESH_GRACE {
            return Err(ConfigError::GraceTooLong(self.refresh_grace.as_millis()));
        }
        for (name, value) in [
            ("--access-ttl", self.access_ttl),
            ("--refresh-lifetime", self.refresh_lifetime),
            ("--refresh-idle", self.refresh_idle),
            ("--login-failure-window", self.login_failure_window),
        ] {
            if value.is_zero() {
                return Err(ConfigError::ZeroDuration(name));
            }
        }
        if self.dev_builds.is_some() && !self.dev {
            return Err(ConfigError::DevBuildsWithoutDev);
        }
        for origin in &self.allowed_origins {
            if !is_origin(origin) {
                return Err(ConfigError::BadOrigin(origin.clone()));
            }
        }
        Ok(())
    }

    /// Cookies may drop `Secure` only in dev mode on a loopback address, where browsers treat http as secure.
    pub fn secure_cookies(&self) -> bool {
        !(self.dev && self.addr.ip().is_loopback())
    }
}

impl Cli {
    /// Turns parsed flags into a validated configuration.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let config = Config {
            addr: self.addr,
            database: self.database,
            signing_key: self.signing_key,
            dev: self.dev,
            static_dir: self.static_dir,
            access_ttl: Duration::from_secs(self.access_ttl),
            leeway: Duration::from_secs(self.leeway),
            refresh_lifetime: Duration::from_secs(self.refresh_lifetime),
            refresh_idle: Duration::from_secs(self.refresh_idle),
            refresh_grace: Duration::from_millis(self.refresh_grace_ms),
            issuer: self.issuer,
            audience: self.audience,
            allowed_origins: self.allowed_origins,
            login_max_failures: self.login_max_failures.max(1),
            login_failure_window: Duration::from_secs(self.login_failure_window),
            max_body_bytes: 16 * 1024,
            session_mode: self.session_mode,
            dev_builds: self.dev_builds,
        };
        config.validate()?;
        Ok(config)
    }
}

fn is_origin(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' '])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        let mut argv = vec!["api"];
        argv.extend_from_slice(args);
        Cli::parse_from(argv).into_config()
    }

    #[test]
    fn defaults_follow_the_security_model() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.access_ttl, Duration::from_secs(300));
        assert_eq!(config.leeway, Duration::from_secs(30));
        assert_eq!(config.refresh_lifetime, Duration::from_secs(12 * 3600));
        assert_eq!(config.refresh_idle, Duration::from_secs(30 * 60));
        assert_eq!(config.refresh_grace, Duration::from_secs(10));
        assert!(config.secure_cookies(), "not dev mode: cookies must be Secure");
    }

    #[test]
    fn grace_window_over_ten_seconds_is_refused() {
        let error = parse(&["--refresh-grace-ms", "10001"]).unwrap_err();
        assert!(matches!(error, ConfigError::GraceTooLong(10001)));
    }

    #[test]
    fn secure_is_dropped_only_for_dev_on_loopback() {
        assert!(!parse(&["--dev"]).unwrap().secure_cookies());
        assert!(parse(&["--dev", "--addr", "0.0.0.0:3000"]).unwrap().secure_cookies());
        assert!(parse(&["--addr", "127.0.0.1:3000"]).unwrap().secure_cookies());
    }

    #[test]
    fn the_build_stream_needs_dev_mode() {
        let mut argv = vec!["api", "--dev-builds", "target/dev-builds.json"];
        assert!(Cli::try_parse_from(&argv).is_err(), "--dev-builds without --dev");
        argv.push("--dev");
        let mut config = Cli::try_parse_from(&argv).unwrap().into_config().unwrap();
        assert!(config.dev_builds.is_some());
        // `PORTICO_DEV=false` satisfies clap's `requires`; validation still refuses it.
        config.dev = false;
        assert!(matches!(config.validate(), Err(ConfigError::DevBuildsWithoutDev)));
    }

    #[test]
    fn allowed_origins_must_be_bare_origins() {
        assert!(parse(&["--allowed-origin", "https://app.example.com"]).is_ok());
        assert!(parse(&["--allowed-origin", "https://app.example.com/path"]).is_err());
        assert!(parse(&["--allowed-origin", "app.example.com"]).is_err());
    }

    #[test]
    fn zero_access_ttl_is_refused() {
        assert!(matches!(
            parse(&["--access-ttl", "0"]),
            Err(ConfigError::ZeroDuration("--access-ttl"))
        ));
    }
}
