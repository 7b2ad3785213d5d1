//! The interceptor: the one place that holds and attaches the access token.
//!
//! The token lives only in this module's memory (a thread-local in the shell's wasm instance). It is never
//! written to storage, the URL, `window`, events or logs, never returned to a caller, and attached only to
//! requests whose parsed origin equals the API origin exactly. Refreshes are single-flight, because the API
//! rotates refresh tokens and treats a replayed one as theft.

use std::cell::RefCell;
use std::rc::Rc;

use futures::lock::Mutex;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::Deserialize;
use shared_types::{FetchRequest, FetchResponse, IdentityContext};

use crate::origin::may_carry_token;

/// Header and value the cookie endpoints under `/api/auth` require.
const CSRF_HEADER: (&str, &str) = ("X-Requested-With", "portico");
/// Refresh this many seconds before the token expires.
const REFRESH_MARGIN_SECS: f64 = 30.0;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The request never got an answer (offline, server down, blocked).
    #[error("the server could not be reached: {0}")]
    Network(String),
    /// The answer was not the JSON this call expects.
    #[error("the server answered with unexpected data: {0}")]
    Malformed(String),
    /// The refresh session is gone; the user must sign in again.
    #[error("the session has ended")]
    SessionEnded,
    /// The API answered with an error status.
    #[error("the server answered {status}")]
    Status { status: u16, retry_after_secs: Option<u64> },
}

#[derive(Deserialize)]
struct SessionBody {
    access_token: String,
    expires_at: u64,
    identity: IdentityContext,
}

#[derive(Deserialize)]
struct IdentityBody {
    identity: IdentityContext,
}

/// The access token and its expiry; never leaves this module.
struct AccessToken {
    value: String,
    expires_at: u64,
}

impl AccessToken {
    fn expires_soon(&self) -> bool {
        (self.expires_at as f64) - now_secs() < REFRESH_MARGIN_SECS
    }
}

thread_local! {
    static TOKEN: RefCell<Option<AccessToken>> = const { RefCell::new(None) };
    static REFRESH_GATE: Rc<Mutex<()>> = Rc::new(Mutex::new(()));
}

/// Signs in with a password; on success the token is kept here and the identity returned.
pub async fn login(username: &str, password: &str) -> Result<IdentityContext, HttpError> {
    let body = serde_json::json!({ "username": username, "password": password });
    let request = RequestBuilder::new("/api/auth/login")
        .method(Method::POST)
        .json(&body)
        .map_err(|error| HttpError::Malformed(error.to_string()))?;
    let response = request.send().await.map_err(network)?;
    accept_session(response).await
}

/// Bootstrap: asks whether the refresh cookie names a session, and if so gets an access token for it.
pub async fn restore_session() -> Result<Option<IdentityContext>, HttpError> {
    let response = auth_request(Method::GET, "/api/auth/session")
        .send()
        .await
        .map_err(network)?;
    match response.status() {
        200 => {
            let body: IdentityBody = read_json(&response).await?;
            refresh(None).await?;
            Ok(Some(body.identity.signed_in()))
        }
        401 => Ok(None),
        status => Err(HttpError::Status {
            status,
            retry_after_secs: None,
        }),
    }
}

/// Ends the session on the server (best effort) and forgets the token.
pub async fn logout() {
    forget_token();
    let _ = auth_request(Method::POST, "/api/auth/logout").send().await;
}

/// Drops the token without telling the server.
pub fn forget_token() {
    TOKEN.with(|token| token.borrow_mut().take());
}

/// Whether a token is held (for deciding that a session ended; the value itself never leaves).
pub fn has_token() -> bool {
    TOKEN.with(|token| token.borrow().is_some())
}

/// Sends a remote's request to the API, attaching the token, refreshing it before expiry and once on a 401.
pub async fn api_fetch(request: &FetchRequest) -> Result<FetchResponse, HttpError> {
    if token_expires_soon() {
        let _ = refresh(current_token()).await;
    }
    let sent_with = current_token();
    let response = send_with_token(request, sent_with.as_deref()).await?;
    if response.status() != 401 || sent_with.is_none() {
        return into_fetch_response(response).await;
    }
    refresh(sent_with).await?;
    let retried = send_with_token(request, current_token().as_deref()).await?;
    into_fetch_response(retried).await
}

async fn send_with_token(request: &FetchRequest, token: Option<&str>) -> Result<Response, HttpError> {
    let method =
        Method::from_bytes(request.method.as_bytes()).map_err(|error| HttpError::Malformed(error.to_string()))?;
    let mut builder = RequestBuilder::new(&request.path).method(method);
    if let Some(token) = token.filter(|_| may_carry_token(&request.path, &page_origin(), &api_origin())) {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let sent = match &request.body {
        Some(body) => {
            builder
                .header("Content-Type", "application/json")
                .body(body.clone())
                .map_err(|error| HttpError::Malformed(error.to_string()))?
                .send()
                .await
        }
        None => builder.send().await,
    };
    sent.map_err(network)
}

/// Gets a fresh token unless another task already replaced `stale` while this one waited.
async fn refresh(stale: Option<String>) -> Result<(), HttpError> {
    let gate = REFRESH_GATE.with(Rc::clone);
    let _only_one_refresh = gate.lock().await;
    let replaced = current_token().is_some_and(|current| Some(&current) != stale.as_ref());
    if replaced && !token_expires_soon() {
        return Ok(());
    }
    let response = auth_request(Method::POST, "/api/auth/refresh")
        .send()
        .await
        .map_err(network)?;
    if response.status() == 401 {
        forget_token();
        return Err(HttpError::SessionEnded);
    }
    accept_session(response).await.map(drop)
}

async fn accept_session(response: Response) -> Result<IdentityContext, HttpError> {
    if response.status() != 200 {
        let retry_after_secs = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.trim().parse().ok());
        return Err(HttpError::Status {
            status: response.status(),
            retry_after_secs,
        });
    }
    let body: SessionBody = read_json(&response).await?;
    TOKEN.with(|token| {
        *token.borrow_mut() = Some(AccessToken {
            value: body.access_token,
            expires_at: body.expires_at,
        })
    });
    Ok(body.identity.signed_in())
}

fn auth_request(method: Method, path: &str) -> RequestBuilder {
    RequestBuilder::new(path)
        .method(method)
        .header(CSRF_HEADER.0, CSRF_HEADER.1)
}

async fn into_fetch_response(response: Response) -> Result<FetchResponse, HttpError> {
    let status = response.status();
    let body = response.text().await.map_err(network)?;
    Ok(FetchResponse { status, body })
}

async fn read_json<T: serde::de::DeserializeOwned>(response: &Response) -> Result<T, HttpError> {
    let text = response.text().await.map_err(network)?;
    serde_json::from_str(&text).map_err(|error| HttpError::Malformed(error.to_string()))
}

fn current_token() -> Option<String> {
    TOKEN.with(|token| token.borrow().as_ref().map(|token| token.value.clone()))
}

fn token_expires_soon() -> bool {
    TOKEN.with(|token| token.borrow().as_ref().is_some_and(AccessToken::expires_soon))
}

fn network(error: gloo_net::Error) -> HttpError {
    HttpError::Network(error.to_string())
}

fn now_secs() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// The origin the shell was loaded from.
fn page_origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}

/// The API's origin. The API is served from the shell's own origin (directly or through `trunk serve`'s proxy).
fn api_origin() -> String {
    page_origin()
}
