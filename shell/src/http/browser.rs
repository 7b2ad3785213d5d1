//! The real session transport: the browser's `fetch` with an `AbortController` timeout, the Web Locks API for
//! one refresh at a time across tabs, and the wall clock.
//!
//! The token reaches this module only as the `bearer` of a request, and is attached only when the request's parsed
//! origin is exactly the API origin.

use std::rc::Rc;
use std::time::Duration;

use js_error::describe;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::interceptor::Interceptor;
use super::wire::{CSRF_HEADER, Transport, WireError, WireRequest, WireResponse};
use crate::origin::may_carry_token;

/// The Web Lock every tab of this origin takes around a refresh.
const REFRESH_LOCK: &str = "portico-refresh";

/// The longest a tab waits for another tab's refresh before refreshing anyway. A tab that holds the lock releases it
/// as soon as its refresh ends, but a frozen or heavily throttled background tab may not run the code that does;
/// the server's grace window covers the rare overlap this allows.
const LOCK_PATIENCE_MS: u32 = 5_000;

#[wasm_bindgen(inline_js = r#"
export function acquireLock(name, patienceMs) {
    const locks = globalThis.navigator && navigator.locks;
    if (!locks) return Promise.resolve(null);
    return new Promise((granted) => {
        let settled = false;
        const controller = new AbortController();
        const timer = setTimeout(() => {
            if (settled) return;
            settled = true;
            controller.abort();
            granted(null);
        }, patienceMs);
        locks.request(name, { signal: controller.signal }, () => {
            if (settled) return undefined;
            settled = true;
            clearTimeout(timer);
            return new Promise((release) => granted(release));
        }).catch(() => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            granted(null);
        });
    });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = acquireLock)]
    async fn acquire_lock(name: &str, patience_ms: u32) -> JsValue;
}

// Token-mode hardening: this module is evaluated with the shell's glue, before any remote's code runs, so it keeps
// the page's own `fetch` and builds the request's headers as a plain object literal. A trusted remote that later
// replaces `window.fetch` or `Headers.prototype.set` sees none of the shell's requests. It narrows the window and no
// more: strings still cross from wasm through `TextDecoder` (see ARCHITECTURE.md, the trust-model table).
#[wasm_bindgen(inline_js = r#"
const pageFetch = globalThis.fetch;
const apply = Reflect.apply;
export function shellFetch(path, method, bearer, csrf, contentType, body, signal, keepalive) {
    const headers = {};
    if (csrf) headers["X-Requested-With"] = csrf;
    if (bearer) headers["Authorization"] = bearer;
    if (contentType) headers["Content-Type"] = contentType;
    const init = { method, headers, signal, keepalive };
    if (body !== undefined) init.body = body;
    return apply(pageFetch, globalThis, [path, init]);
}
"#)]
extern "C" {
    /// `fetch` as the page had it when the shell started, with headers given as values, not through `Headers`.
    #[wasm_bindgen(js_name = shellFetch)]
    #[allow(clippy::too_many_arguments)]
    fn shell_fetch(
        path: &str,
        method: &str,
        bearer: Option<String>,
        csrf: Option<&str>,
        content_type: Option<&str>,
        body: Option<&str>,
        signal: &web_sys::AbortSignal,
        keepalive: bool,
    ) -> js_sys::Promise;
}

thread_local! {
    static INTERCEPTOR: Rc<Interceptor<BrowserTransport>> = Rc::new(Interceptor::new(BrowserTransport));
}

/// The shell's one interceptor.
pub fn interceptor() -> Rc<Interceptor<BrowserTransport>> {
    INTERCEPTOR.with(Rc::clone)
}

/// `fetch`, Web Locks and `Date.now()`.
pub struct BrowserTransport;

/// A held Web Lock; dropping it releases the lock (a no-op where the browser has no Web Locks).
pub struct WebLock(Option<js_sys::Function>);

impl Drop for WebLock {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

impl Transport for BrowserTransport {
    type RefreshLock = WebLock;

    async fn send(&self, request: WireRequest<'_>) -> Result<WireResponse, WireError> {
        let controller =
            web_sys::AbortController::new().map_err(|_| WireError::Network("no AbortController".into()))?;
        let signal = controller.signal();
        let timer = leptos::prelude::set_timeout_with_handle(
            move || controller.abort(),
            Duration::from_millis(u64::from(request.timeout_ms)),
        )
        .ok();
        let outcome = send_and_read(request, &signal).await;
        if let Some(timer) = timer {
            timer.clear();
        }
        outcome.map_err(|reason| {
            if signal.aborted() {
                WireError::Timeout
            } else {
                WireError::Network(reason)
            }
        })
    }

    async fn lock_refreshes(&self) -> WebLock {
        let release = acquire_lock(REFRESH_LOCK, LOCK_PATIENCE_MS).await;
        WebLock(release.dyn_into::<js_sys::Function>().ok())
    }

    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

async fn send_and_read(request: WireRequest<'_>, signal: &web_sys::AbortSignal) -> Result<WireResponse, String> {
    let origin = page_origin();
    let bearer = request
        .bearer
        .filter(|_| may_carry_token(request.path, &origin, &origin))
        .map(|token| format!("Bearer {token}"));
    // `keepalive`: the cookie endpoints rotate the refresh cookie; a page that unloads mid-refresh must not lose the
    // answer, or the browser would keep a rotated cookie, so the browser finishes the request after the page is gone.
    let fetched = shell_fetch(
        request.path,
        request.method,
        bearer,
        request.csrf.then_some(CSRF_HEADER.1),
        request.body.map(|_| "application/json"),
        request.body,
        signal,
        request.keepalive,
    );
    let response: web_sys::Response = JsFuture::from(fetched)
        .await
        .and_then(|response| response.dyn_into())
        .map_err(|error| describe(&error))?;
    let retry_after_secs = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|value| value.trim().parse().ok());
    let text = response.text().map_err(|error| describe(&error))?;
    let body = JsFuture::from(text)
        .await
        .map_err(|error| describe(&error))?
        .as_string()
        .unwrap_or_default();
    Ok(WireResponse {
        status: response.status(),
        body,
        retry_after_secs,
    })
}

/// The origin the shell was loaded from; the API is served from it (directly or through `trunk serve`'s proxy).
fn page_origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}
