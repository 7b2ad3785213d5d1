//! Assembles the application: builds the [`AppState`], the routes and middleware, and runs it with graceful
//! shutdown.
//!
//! [`start`] is what both the `api` binary and the integration tests call, so tests exercise the real server on a
//! real socket.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth_counters::AuthCounters;
use crate::config::Config;
use crate::db::{self, DatabaseError};
use crate::login_limiter::LoginLimiter;
use crate::problem::ApiError;
use crate::security_headers::{add_security_headers, content_security_policy, inline_scripts};
use crate::sessions::{RefreshPolicy, SessionStore};
use crate::state::AppState;
use crate::tokens::{KeyError, SigningKeys, TokenIssuer};
use crate::{admin, auth, csrf, dev_builds, orders, static_files};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened, checked, migrated or seeded.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// The signing key could not be loaded or created.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The listening socket could not be bound.
    #[error("could not listen on {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    /// The static directory does not exist or has no index.html.
    #[error("the static directory {0} has no index.html; build the product first (cargo xtask build)")]
    StaticDir(String),
}

/// A server running in the background; dropping it does not stop it, [`RunningServer::stop`] does.
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    auth_counters: Arc<AuthCounters>,
}

impl RunningServer {
    /// The address actually bound (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The live counters of what the auth endpoints decided; call [`AuthCounters::snapshot`] to read them.
    pub fn auth_counters(&self) -> Arc<AuthCounters> {
        Arc::clone(&self.auth_counters)
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits for the server to end.
    pub async fn stop(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(());
        self.task
            .await
            .unwrap_or_else(|error| Err(std::io::Error::other(error)))
    }
}

/// Opens storage, loads keys, binds the socket and starts serving in the background.
pub async fn start(config: Config) -> Result<RunningServer, StartError> {
    let (shutdown, shutdown_signal) = oneshot::channel();
    let auth_counters = Arc::new(AuthCounters::new());
    let (addr, serve) = prepare_with_counters(config, Arc::clone(&auth_counters), async {
        let _ = shutdown_signal.await;
    })
    .await?;
    let task = tokio::spawn(serve);
    Ok(RunningServer {
        addr,
        shutdown,
        task,
        auth_counters,
    })
}

/// Like [`start`], but returns the serving future so the caller decides where it runs; `shutdown` ends it.
pub async fn prepare(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(SocketAddr, impl Future<Output = std::io::Result<()>>), StartError> {
    prepare_with_counters(config, Arc::new(AuthCounters::new()), shutdown).await
}

/// [`prepare`] with counters the caller keeps a handle to.
async fn prepare_with_counters(
    config: Config,
    auth_counters: Arc<AuthCounters>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(SocketAddr, impl Future<Output = std::io::Result<()>>), StartError> {
    let csp_scripts = match &config.static_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            let html = std::fs::read_to_string(&index).map_err(|_| StartError::StaticDir(dir.display().to_string()))?;
            inline_scripts(&html)
        }
        None => Vec::new(),
    };
    let keys = SigningKeys::load_or_generate(&config.signing_key, config.dev)?;
    let pool = db::open(&config.database).await?;
    if config.dev && db::seed_demo_data(&pool, &config.database, auth::now_ms()).await? {
        tracing::info!("seeded the demo users into {}", config.database.display());
    }
    let listener = TcpListener::bind(config.addr).await.map_err(|error| StartError::Bind {
        addr: config.addr,
        reason: error.to_string(),
    })?;
    let addr = listener.local_addr().map_err(|error| StartError::Bind {
        addr: config.addr,
        reason: error.to_string(),
    })?;

    // Open event streams end when the server shuts down, or graceful shutdown would wait for the browser to close.
    let (end_streams, streams_end) = tokio::sync::watch::channel(false);
    let shutdown = async move {
        shutdown.await;
        let _ = end_streams.send(true);
    };
    let state = Arc::new(AppState {
        tokens: TokenIssuer::new(keys, &config.issuer, &config.audience, config.access_ttl, config.leeway),
        sessions: SessionStore::new(
            pool.clone(),
            RefreshPolicy {
                lifetime: config.refresh_lifetime,
                idle: config.refresh_idle,
                grace: config.refresh_grace,
            },
        ),
        limiter: LoginLimiter::new(config.login_max_failures, config.login_failure_window),
        allowed_origins: allowed_origins(&config, addr),
        content_security_policy: content_security_policy(&csp_scripts),
        auth_counters,
        streams_end,
        pool,
        config,
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let serve = async move { axum::serve(listener, app).with_graceful_shutdown(shutdown).await };
    Ok((addr, serve))
}

fn allowed_origins(config: &Config, addr: SocketAddr) -> Vec<String> {
    let mut origins = config.allowed_origins.clone();
    origins.push(format!("http://{addr}"));
    if addr.ip().is_loopback() {
        origins.push(format!("http://localhost:{}", addr.port()));
    }
    if config.dev {
        origins.extend(["http://127.0.0.1:8080".to_owned(), "http://localhost:8080".to_owned()]);
    }
    origins
}

/// All routes and middleware.
pub fn router(state: Arc<AppState>) -> Router {
    let cookie_routes = Router::new()
        .route("/refresh", post(auth::refresh))
        .route("/logout", post(auth::logout))
        .route("/session", get(auth::session))
        .route_layer(middleware::from_fn(csrf::require_custom_header));
    let auth_routes = Router::new()
        .route("/login", post(auth::login))
        .merge(cookie_routes)
        .route_layer(middleware::from_fn_with_state(state.clone(), csrf::reject_cross_site));
    let api = Router::new()
        .nest("/auth", auth_routes)
        .route("/me", get(auth::me).patch(auth::update_me))
        .route("/orders", get(orders::list).post(orders::create))
        .route("/orders/{id}", get(orders::get))
        .route("/admin/users", get(admin::users))
        .route("/dev/builds", get(dev_builds::stream))
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes));

    let mut app = Router::new()
        .nest("/api", api)
        .route("/.well-known/jwks.json", get(jwks))
        .route("/healthz", get(|| async { "ok" }));
    app = match &state.config.static_dir {
        Some(dir) => app.fallback_service(static_files::service(dir).with_state(state.clone())),
        None => app.fallback(|| async { ApiError::NotFound }),
    };
    app.layer(middleware::from_fn_with_state(state.clone(), add_security_headers))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

async fn jwks(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    axum::Json(state.tokens.keys().jwks())
}

/// One log line per request: method, path (never the query), status and latency. No headers, no bodies.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(
        target: "api::request",
        "{method} {path} {} {:.1}ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}
