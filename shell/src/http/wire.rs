//! The session transport's contract: what the interceptor hands to the network and gets back, as plain data.
//!
//! The interceptor is generic over [`Transport`], so it runs against the browser's `fetch` in the shell and
//! against a scripted fake in tests, natively and in the browser.

/// Header and value the cookie endpoints under `/api/auth` require, and every API call in cookie-session mode.
pub const CSRF_HEADER: (&str, &str) = ("X-Requested-With", "portico");

/// One HTTP request, as the interceptor asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireRequest<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// Root-relative path with query, e.g. `/api/orders`.
    pub path: &'a str,
    /// JSON body, if any (sent as `application/json`).
    pub body: Option<&'a str>,
    /// The access token to attach as `Authorization: Bearer`, if the request may carry it.
    pub bearer: Option<&'a str>,
    /// Whether to add the [`CSRF_HEADER`] the cookie endpoints (and, in cookie-session mode, every call) require.
    pub csrf: bool,
    /// Whether the browser must finish the request even if the page unloads (the cookie endpoints, which rotate
    /// the refresh cookie).
    pub keepalive: bool,
    /// Abort the request when no complete answer arrived within this many milliseconds.
    pub timeout_ms: u32,
}

impl<'a> WireRequest<'a> {
    /// A call to one of the cookie endpoints under `/api/auth`: no body, no token, the CSRF header.
    pub fn cookie_endpoint(method: &'a str, path: &'a str, timeout_ms: u32) -> Self {
        Self {
            method,
            path,
            body: None,
            bearer: None,
            csrf: true,
            keepalive: true,
            timeout_ms,
        }
    }
}

/// An HTTP answer with its body read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireResponse {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// `Retry-After` in seconds, when present.
    pub retry_after_secs: Option<u64>,
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// Offline, server down, connection reset, or blocked.
    #[error("the server could not be reached: {0}")]
    Network(String),
    /// No complete answer within the timeout; the request was aborted.
    #[error("the server did not answer in time")]
    Timeout,
}

/// The network, a clock and a cross-tab lock, as the interceptor needs them.
///
/// The shell's wasm runs on one thread, so these futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Held while this tab refreshes; dropping it lets the next tab (or task) in.
    type RefreshLock;

    /// Sends one request and reads its body.
    async fn send(&self, request: WireRequest<'_>) -> Result<WireResponse, WireError>;

    /// Waits until no other tab of this browser is refreshing, and keeps them out until the lock drops.
    async fn lock_refreshes(&self) -> Self::RefreshLock;

    /// Milliseconds since the Unix epoch, by this machine's clock.
    fn now_ms(&self) -> u64;
}
