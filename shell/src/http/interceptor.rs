//! The interceptor: the one place that holds and attaches the access token, and the only caller of the cookie
//! endpoints.
//!
//! The token lives only in this struct's memory. It is never written to storage, the URL, `window`, events or
//! logs, and never returned to a caller. Refreshes are single-flight: however many requests find the token
//! stale or get a 401 at once, one refresh runs (inside the cross-tab lock, because the API rotates refresh tokens
//! and treats a replayed one as theft) and each request is retried once with the new token. A 403 is never
//! retried.

use std::cell::{Cell, RefCell};

use futures::lock::Mutex;
use serde::{Deserialize, Serialize};
use shared_types::{FetchReply, FetchRequest, FetchResponse, IdentityContext};

use super::wire::{Transport, WireError, WireRequest, WireResponse};

/// Default time a remote's API call may take before it is aborted.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// The longest timeout a remote may ask for.
pub const MAX_TIMEOUT_MS: u32 = 60_000;
/// Time the cookie endpoints (sign-in, refresh) may take.
pub const AUTH_TIMEOUT_MS: u32 = 10_000;
/// Send a request without refreshing first only while the token has at least this much life left (or a tenth of
/// its lifetime, when that is less).
const STALE_MARGIN_MS: u64 = 5_000;

/// Why a session call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The request never got an answer (offline, server down, blocked).
    #[error("the server could not be reached: {0}")]
    Network(String),
    /// The server did not answer in time.
    #[error("the server did not answer in time")]
    Timeout,
    /// The answer was not the JSON this call expects.
    #[error("the server answered with unexpected data: {0}")]
    Malformed(String),
    /// The refresh session is gone; `had_session` tells an ended session from never having had one.
    #[error("the session has ended")]
    SessionEnded { had_session: bool },
    /// The API answered with another error status.
    #[error("the server answered {status}")]
    Status { status: u16, retry_after_secs: Option<u64> },
}

impl HttpError {
    /// Whether the failure may pass by itself (network, timeout, 5xx), as opposed to a definite answer.
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Network(_) | HttpError::Timeout => true,
            HttpError::Status { status, .. } => *status >= 500,
            HttpError::Malformed(_) | HttpError::SessionEnded { .. } => false,
        }
    }
}

impl From<WireError> for HttpError {
    fn from(error: WireError) -> Self {
        match error {
            WireError::Network(reason) => HttpError::Network(reason),
            WireError::Timeout => HttpError::Timeout,
        }
    }
}

/// A signed-in session as the store sees it: who, and how long the new token lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionGrant {
    /// The signed-in identity.
    pub identity: IdentityContext,
    /// The access token's lifetime, by the server's `expires_in`.
    pub lifetime_ms: u64,
}

/// What happened to a refresh, as the session store hears it (whoever started the refresh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshNotice {
    /// A new token arrived.
    Refreshed(SessionGrant),
    /// The refresh failed but may succeed later.
    Failed,
    /// The server said the session is over.
    Ended,
}

/// Body of `POST /api/auth/login`, written with `shared_types::json` like every other body the shell sends.
#[derive(Serialize)]
struct Credentials<'a> {
    username: &'a str,
    password: &'a str,
}

#[derive(Deserialize)]
struct SessionBody {
    /// Absent in cookie-session mode.
    #[serde(default)]
    access_token: Option<String>,
    expires_at: u64,
    #[serde(default)]
    expires_in: Option<u64>,
    identity: IdentityContext,
}

#[derive(Deserialize)]
struct SessionProblem {
    #[serde(default)]
    session: Option<String>,
}

/// The access token and when it expires by this machine's clock; never leaves this module. In cookie-session
/// mode there is no value (the token lives in an `HttpOnly` cookie), only the expiry that drives refreshes.
struct AccessToken {
    value: Option<String>,
    received_ms: u64,
    expires_ms: u64,
}

/// Holds the token, attaches it, and keeps it fresh. See the module documentation.
pub struct Interceptor<T: Transport> {
    transport: T,
    token: RefCell<Option<AccessToken>>,
    /// Bumped whenever the token changes, so a waiting request can tell that someone else refreshed already.
    generation: Cell<u64>,
    /// Refreshes within this tab, one at a time.
    refresh_gate: Mutex<()>,
    /// The server refused the last refresh: requests that waited for it fail without asking again.
    ended: Cell<bool>,
    observer: RefCell<Option<RefreshObserver>>,
}

/// Who hears about refresh outcomes (the session store).
type RefreshObserver = Box<dyn Fn(RefreshNotice)>;

impl<T: Transport> Interceptor<T> {
    /// An interceptor with no token.
    pub fn new(transport: T) -> Self {
        Self {
            transport,
            token: RefCell::new(None),
            generation: Cell::new(0),
            refresh_gate: Mutex::new(()),
            ended: Cell::new(false),
            observer: RefCell::new(None),
        }
    }

    /// Who hears about every refresh outcome.
    pub fn set_observer(&self, observer: impl Fn(RefreshNotice) + 'static) {
        *self.observer.borrow_mut() = Some(Box::new(observer));
    }

    /// Whether a token is held (its value never leaves).
    pub fn has_token(&self) -> bool {
        self.token.borrow().is_some()
    }

    /// Drops the token without telling the server.
    pub fn forget(&self) {
        if self.token.borrow_mut().take().is_some() {
            self.generation.set(self.generation.get() + 1);
        }
    }

    /// Signs in with a password.
    pub async fn login(&self, username: &str, password: &str) -> Result<SessionGrant, HttpError> {
        let body = shared_types::json::to_string(&Credentials { username, password })
            .map_err(|error| HttpError::Malformed(error.to_string()))?;
        let response = self
            .transport
            .send(WireRequest {
                method: "POST",
                path: "/api/auth/login",
                body: Some(&body),
                bearer: None,
                csrf: false,
                keepalive: false,
                timeout_ms: AUTH_TIMEOUT_MS,
            })
            .await?;
        self.accept_session(response)
    }

    /// Bootstrap: trades the refresh cookie, if any, for a token. `Ok(None)` when no session exists.
    pub async fn restore(&self) -> Result<Option<SessionGrant>, HttpError> {
        let _one_at_a_time = self.refresh_gate.lock().await;
        let _no_other_tab = self.transport.lock_refreshes().await;
        match self.request_token().await {
            Ok(grant) => Ok(Some(grant)),
            Err(HttpError::SessionEnded { had_session: false }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Refreshes now, unless another task replaced the token while this one waited for its turn.
    pub async fn refresh(&self) -> Result<(), HttpError> {
        self.refresh_unless_replaced(self.generation.get()).await
    }

    /// Asks whether the refresh cookie still names a live session, without rotating it: `Ok(false)` once it was
    /// revoked or expired on the server.
    pub async fn check_session(&self) -> Result<bool, HttpError> {
        let response = self
            .transport
            .send(WireRequest::cookie_endpoint(
                "GET",
                "/api/auth/session",
                AUTH_TIMEOUT_MS,
            ))
            .await?;
        match response.status {
            200 => Ok(true),
            401 => Ok(false),
            status => Err(HttpError::Status {
                status,
                retry_after_secs: response.retry_after_secs,
            }),
        }
    }

    /// Ends the session on the server, waiting at most `timeout_ms`; the token is dropped first, whatever the
    /// server does.
    pub async fn logout(&self, timeout_ms: u32) -> Result<(), HttpError> {
        self.forget();
        let response = self
            .transport
            .send(WireRequest::cookie_endpoint("POST", "/api/auth/logout", timeout_ms))
            .await?;
        match response.status {
            200..=299 | 401 => Ok(()),
            status => Err(HttpError::Status {
                status,
                retry_after_secs: response.retry_after_secs,
            }),
        }
    }

    /// Sends a remote's request with the token, refreshing first when the token is stale and once on a 401.
    pub async fn fetch(&self, request: &FetchRequest) -> FetchReply {
        if !request.is_allowed() {
            return FetchReply::Refused("remotes may only call /api/ paths with a known method".into());
        }
        if self.token_is_stale()
            && let Err(error) = self.refresh().await
            && !error.is_transient()
        {
            return failure_reply(error);
        }
        let sent_with = self.generation.get();
        let carried_token = self.has_token();
        let answer = match self.send_with_token(request).await {
            Ok(answer) => answer,
            Err(error) => return failure_reply(error.into()),
        };
        if answer.status != 401 || !carried_token {
            return response_reply(answer);
        }
        if let Err(error) = self.refresh_unless_replaced(sent_with).await {
            return failure_reply(error);
        }
        match self.send_with_token(request).await {
            Ok(answer) => response_reply(answer),
            Err(error) => failure_reply(error.into()),
        }
    }

    async fn send_with_token(&self, request: &FetchRequest) -> Result<WireResponse, WireError> {
        // In cookie-session mode the browser holds no token: the access cookie and the CSRF header authenticate.
        let (token, cookie_mode) = match self.token.borrow().as_ref() {
            Some(held) => (held.value.clone(), held.value.is_none()),
            None => (None, false),
        };
        let timeout_ms = request
            .timeout_ms
            .unwrap_or(DEFAULT_TIMEOUT_MS)
            .clamp(1, MAX_TIMEOUT_MS);
        self.transport
            .send(WireRequest {
                method: &request.method,
                path: &request.path,
                body: request.body.as_deref(),
                bearer: token.as_deref(),
                csrf: cookie_mode,
                keepalive: false,
                timeout_ms,
            })
            .await
    }

    async fn refresh_unless_replaced(&self, seen: u64) -> Result<(), HttpError> {
        let _one_at_a_time = self.refresh_gate.lock().await;
        if self.generation.get() != seen {
            if self.has_token() && !self.token_is_stale() {
                return Ok(());
            }
            if self.ended.get() {
                return Err(HttpError::SessionEnded { had_session: true });
            }
        }
        let _no_other_tab = self.transport.lock_refreshes().await;
        let outcome = self.request_token().await;
        let notice = match &outcome {
            Ok(grant) => RefreshNotice::Refreshed(grant.clone()),
            Err(HttpError::SessionEnded { .. }) => RefreshNotice::Ended,
            Err(_) => RefreshNotice::Failed,
        };
        if let Some(observer) = self.observer.borrow().as_ref() {
            observer(notice);
        }
        outcome.map(drop)
    }

    /// `POST /api/auth/refresh`; the caller holds both locks.
    async fn request_token(&self) -> Result<SessionGrant, HttpError> {
        let response = self
            .transport
            .send(WireRequest::cookie_endpoint(
                "POST",
                "/api/auth/refresh",
                AUTH_TIMEOUT_MS,
            ))
            .await?;
        if response.status == 401 {
            self.forget();
            self.ended.set(true);
            let had_session = shared_types::json::from_str::<SessionProblem>(&response.body)
                .ok()
                .and_then(|problem| problem.session)
                .is_some_and(|session| session == "ended");
            return Err(HttpError::SessionEnded { had_session });
        }
        self.accept_session(response)
    }

    fn accept_session(&self, response: WireResponse) -> Result<SessionGrant, HttpError> {
        if response.status != 200 {
            return Err(HttpError::Status {
                status: response.status,
                retry_after_secs: response.retry_after_secs,
            });
        }
        let body: SessionBody =
            shared_types::json::from_str(&response.body).map_err(|error| HttpError::Malformed(error.to_string()))?;
        self.ended.set(false);
        let now = self.transport.now_ms();
        let lifetime_ms = match body.expires_in {
            Some(seconds) => seconds.saturating_mul(1000),
            None => body.expires_at.saturating_mul(1000).saturating_sub(now),
        };
        *self.token.borrow_mut() = Some(AccessToken {
            value: body.access_token,
            received_ms: now,
            expires_ms: now + lifetime_ms,
        });
        self.generation.set(self.generation.get() + 1);
        Ok(SessionGrant {
            identity: body.identity.signed_in(),
            lifetime_ms,
        })
    }

    /// Whether the token is missing its last few seconds of life, so a request should refresh first. After a
    /// laptop wakes this is true, and no expired token goes out.
    fn token_is_stale(&self) -> bool {
        let now = self.transport.now_ms();
        self.token.borrow().as_ref().is_some_and(|token| {
            let margin = STALE_MARGIN_MS.min((token.expires_ms - token.received_ms) / 10);
            now + margin >= token.expires_ms
        })
    }
}

fn response_reply(answer: WireResponse) -> FetchReply {
    FetchReply::Response(FetchResponse {
        status: answer.status,
        body: answer.body,
    })
}

fn failure_reply(error: HttpError) -> FetchReply {
    match error {
        HttpError::SessionEnded { .. } => FetchReply::SessionExpired,
        HttpError::Timeout => FetchReply::Timeout,
        _ => FetchReply::Network,
    }
}
