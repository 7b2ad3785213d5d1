//! Test doubles for the session lifecycle: a scripted fake API behind the interceptor's transport trait, and a
//! tiny executor that runs a future to completion the same way natively and in the browser.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll};

use shell::http::wire::{Transport, WireError, WireRequest, WireResponse};
use shell::http::{Interceptor, RefreshNotice};

/// Runs `future` to completion by polling it; every pending point of the fake is ready on the next poll, so this
/// never waits. Panics instead of spinning forever on a real deadlock.
pub fn run<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let waker = futures::task::noop_waker();
    let mut context = Context::from_waker(&waker);
    for _ in 0..1_000_000 {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
    panic!("the future never finished: a deadlock");
}

/// A future that is pending once, so concurrent requests interleave like real ones.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum RefreshSession {
    None,
    Live,
    Ended,
}

#[derive(Default)]
struct Counters {
    refreshes: Cell<u32>,
    api_calls: Cell<u32>,
    unauthorized: Cell<u32>,
    locks_held: Cell<u32>,
    max_locks_held: Cell<u32>,
}

/// The API as the interceptor sees it: sign-in, rotating refresh, and `/api/...` resources that accept only the
/// newest access token.
#[derive(Clone)]
pub struct FakeApi(Rc<FakeState>);

struct FakeState {
    clock_ms: Cell<u64>,
    session: Cell<RefreshSession>,
    issued: Cell<u32>,
    valid_token: RefCell<Option<String>>,
    next_failure: RefCell<Option<WireError>>,
    refresh_status: Cell<Option<u16>>,
    counters: Counters,
}

impl FakeApi {
    fn with_session(session: RefreshSession) -> Self {
        Self(Rc::new(FakeState {
            clock_ms: Cell::new(1_800_000_000_000),
            session: Cell::new(session),
            issued: Cell::new(0),
            valid_token: RefCell::new(None),
            next_failure: RefCell::new(None),
            refresh_status: Cell::new(None),
            counters: Counters::default(),
        }))
    }

    /// A server where the password sign-in works.
    pub fn signed_in() -> Self {
        Self::with_session(RefreshSession::None)
    }

    /// A server with no refresh session for this browser.
    pub fn signed_out() -> Self {
        Self::with_session(RefreshSession::None)
    }

    /// Every access token issued so far stops working (expired on the server).
    pub fn revoke_access_tokens(&self) {
        self.0.valid_token.replace(None);
    }

    /// The refresh session is revoked: refreshes answer 401 with `"session": "ended"`.
    pub fn end_refresh_session(&self) {
        self.0.session.set(RefreshSession::Ended);
    }

    /// The next request fails this way instead of reaching the server.
    pub fn fail_next_with(&self, error: WireError) {
        self.0.next_failure.replace(Some(error));
    }

    /// Refreshes answer this status from now on.
    pub fn answer_refresh_with(&self, status: u16) {
        self.0.refresh_status.set(Some(status));
    }

    /// Moves the clock forward.
    pub fn advance_clock(&self, ms: u64) {
        self.0.clock_ms.set(self.0.clock_ms.get() + ms);
    }

    pub fn refreshes(&self) -> u32 {
        self.0.counters.refreshes.get()
    }

    pub fn api_calls(&self) -> u32 {
        self.0.counters.api_calls.get()
    }

    pub fn unauthorized_answers(&self) -> u32 {
        self.0.counters.unauthorized.get()
    }

    pub fn max_locks_held(&self) -> u32 {
        self.0.counters.max_locks_held.get()
    }

    fn issue_token(&self) -> WireResponse {
        let state = &self.0;
        state.issued.set(state.issued.get() + 1);
        let token = format!("token-{}", state.issued.get());
        state.valid_token.replace(Some(token.clone()));
        let expires_at = state.clock_ms.get() / 1000 + 300;
        let body = format!(
            r#"{{"access_token":"{token}","expires_at":{expires_at},"expires_in":300,"identity":{{"user_id":"u1","display_name":"Alice","roles":["customer"],"permissions":["orders:read"],"tenant":"acme","locale":"en"}}}}"#
        );
        answer(200, &body)
    }

    fn refresh(&self) -> WireResponse {
        if let Some(status) = self.0.refresh_status.get() {
            return answer(status, "{}");
        }
        match self.0.session.get() {
            RefreshSession::Live => self.issue_token(),
            RefreshSession::Ended => answer(401, r#"{"code":"session_invalid","session":"ended"}"#),
            RefreshSession::None => answer(401, r#"{"code":"session_invalid","session":"none"}"#),
        }
    }

    fn resource(&self, request: &WireRequest<'_>) -> WireResponse {
        let counters = &self.0.counters;
        counters.api_calls.set(counters.api_calls.get() + 1);
        let valid = self.0.valid_token.borrow().clone();
        if valid.is_none() || request.bearer.map(str::to_owned) != valid {
            counters.unauthorized.set(counters.unauthorized.get() + 1);
            return answer(401, r#"{"code":"invalid_token"}"#);
        }
        if request.path.starts_with("/api/admin/") {
            return answer(403, r#"{"code":"forbidden"}"#);
        }
        answer(200, r#"{"orders":[]}"#)
    }
}

fn answer(status: u16, body: &str) -> WireResponse {
    WireResponse {
        status,
        body: body.to_owned(),
        retry_after_secs: None,
    }
}

/// Releases the fake cross-tab lock when dropped.
pub struct FakeLock(FakeApi);

impl Drop for FakeLock {
    fn drop(&mut self) {
        let held = &self.0.0.counters.locks_held;
        held.set(held.get() - 1);
    }
}

impl Transport for FakeApi {
    type RefreshLock = FakeLock;

    async fn send(&self, request: WireRequest<'_>) -> Result<WireResponse, WireError> {
        YieldOnce(false).await;
        if let Some(error) = self.0.next_failure.borrow_mut().take() {
            return Err(error);
        }
        Ok(match request.path {
            "/api/auth/login" => {
                self.0.session.set(RefreshSession::Live);
                self.issue_token()
            }
            "/api/auth/refresh" => {
                assert!(request.csrf, "refresh without the CSRF header");
                let counters = &self.0.counters;
                counters.refreshes.set(counters.refreshes.get() + 1);
                YieldOnce(false).await;
                self.refresh()
            }
            "/api/auth/logout" => answer(204, ""),
            _ => self.resource(&request),
        })
    }

    async fn lock_refreshes(&self) -> FakeLock {
        let counters = &self.0.counters;
        counters.locks_held.set(counters.locks_held.get() + 1);
        counters
            .max_locks_held
            .set(counters.max_locks_held.get().max(counters.locks_held.get()));
        FakeLock(self.clone())
    }

    fn now_ms(&self) -> u64 {
        self.0.clock_ms.get()
    }
}

/// Collects every refresh notice the interceptor sends.
pub fn record_notices(interceptor: &Interceptor<FakeApi>) -> Rc<RefCell<Vec<RefreshNotice>>> {
    let notices = Rc::new(RefCell::new(Vec::new()));
    let sink = notices.clone();
    interceptor.set_observer(move |notice| sink.borrow_mut().push(notice));
    notices
}
