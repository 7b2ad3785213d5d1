//! The state every request handler and middleware shares: configuration, storage, token issuer, refresh
//! sessions, the sign-in limiter and the test-visible auth counters.
//!
//! Built once by `server::prepare`; handlers receive it as `State<Arc<AppState>>`. It holds no secret value
//! beyond the signing key inside [`TokenIssuer`], and nothing here is ever serialized or logged.

use std::sync::Arc;

use sqlx::SqlitePool;

use crate::auth_counters::AuthCounters;
use crate::config::Config;
use crate::login_limiter::LoginLimiter;
use crate::sessions::SessionStore;
use crate::tokens::TokenIssuer;

/// Everything a request handler may use.
pub struct AppState {
    pub config: Config,
    pub pool: SqlitePool,
    pub tokens: TokenIssuer,
    pub sessions: SessionStore,
    pub limiter: LoginLimiter,
    /// Origins allowed on `/api/auth`: the configured ones plus the server's own.
    pub allowed_origins: Vec<String>,
    pub content_security_policy: String,
    /// What refreshes and bearer checks decided so far; shared with [`crate::RunningServer::auth_counters`].
    pub auth_counters: Arc<AuthCounters>,
    /// Turns `true` when the server shuts down: long-lived responses (the dev build stream) end then.
    pub streams_end: tokio::sync::watch::Receiver<bool>,
}
