//! The reactive session store the shell's components share through context, and the runtime that drives the
//! session's lifecycle: bootstrap (with outage retries), sign-in, proactive refresh, expiry, sign-out, and the
//! messages of other tabs.
//!
//! The store holds only the identity. Every token operation is delegated to `http`, which keeps the token; the
//! store hears about refreshes through the interceptor's observer, whoever started them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use serde::Deserialize;
use shared_types::{
    AuthEvent, DataError, FetchRequest, IdentityContext, Language, ProfileUpdate, SignInRequest, SignInResult, json,
};

use super::refresh_schedule::{RefreshSchedule, RefreshState, RefreshTiming, Step};
use super::state::{Session, SignOutReason};
use super::tabs::BrowserSignals;
use crate::events::emit;
use crate::http::{self, HttpError, RefreshNotice, SessionGrant};

/// How long "Sign out" waits for the server before ending the local session anyway.
const SIGN_OUT_TIMEOUT_MS: u32 = 3_000;

/// Shared handle on the session. `Copy`, so views and closures can hold it freely.
#[derive(Clone, Copy)]
pub struct SessionStore {
    state: RwSignal<Session>,
    runtime: StoredValue<Rc<Runtime>, LocalStorage>,
}

/// What drives the lifecycle besides the state: the refresh schedule, its timers and the browser signals.
struct Runtime {
    schedule: RefCell<RefreshSchedule>,
    refresh_timer: Cell<Option<TimeoutHandle>>,
    bootstrap_timer: Cell<Option<TimeoutHandle>>,
    bootstrapping: Cell<bool>,
    bootstrap_again: Cell<bool>,
    checking_session: Cell<bool>,
    signals: RefCell<Option<BrowserSignals>>,
    /// Copies of the state owned by pages (see [`SessionStore::page_state`]); disposed ones are dropped.
    page_copies: RefCell<Vec<RwSignal<Session>>>,
}

/// The store provided by the app root.
pub fn use_session() -> SessionStore {
    expect_context::<SessionStore>()
}

impl SessionStore {
    /// Creates the store in the unknown state, provides it as context, listens to the browser and bootstraps.
    pub fn provide_and_bootstrap() -> Self {
        let store = SessionStore {
            state: RwSignal::new(Session::Unknown),
            runtime: StoredValue::new_local(Rc::new(Runtime {
                schedule: RefCell::new(RefreshSchedule::new(RefreshTiming::default())),
                refresh_timer: Cell::new(None),
                bootstrap_timer: Cell::new(None),
                bootstrapping: Cell::new(false),
                bootstrap_again: Cell::new(false),
                checking_session: Cell::new(false),
                signals: RefCell::new(None),
                page_copies: RefCell::new(Vec::new()),
            })),
        };
        provide_context(store);
        Effect::new(move || {
            let state = store.state.get();
            store
                .runtime()
                .page_copies
                .borrow_mut()
                .retain(|copy| copy.try_set(state.clone()).is_none());
        });
        http::interceptor().set_observer(move |notice| store.on_refresh(notice));
        let signals = BrowserSignals::listen(move |event| store.on_other_tab(event), move || store.on_wake());
        store.runtime().signals.replace(Some(signals));
        store.bootstrap();
        store
    }

    /// The current state; reading it subscribes.
    pub fn state(&self) -> Signal<Session> {
        self.state.into()
    }

    /// A copy of the state owned by the calling page, kept current by the store, for the page's guard to track.
    /// reactive_graph keeps a departed page's memo listed in every long-lived signal it read until that signal
    /// next changes; reading this copy instead, which is disposed with the page, leaves nothing behind when the
    /// user navigates on.
    pub fn page_state(&self) -> Signal<Session> {
        let copy = RwSignal::new(self.state.get_untracked());
        let runtime = self.runtime();
        let mut copies = runtime.page_copies.borrow_mut();
        copies.retain(|known| !known.is_disposed());
        copies.push(copy);
        copy.into()
    }

    /// The identity remotes see; reading it subscribes. Nobody signed in: anonymous, with the browser's locale, so
    /// the sign-in page speaks the visitor's language.
    pub fn identity(&self) -> IdentityContext {
        with_browser_locale(self.state.with(Session::identity))
    }

    /// The identity remotes see, without subscribing.
    pub fn identity_untracked(&self) -> IdentityContext {
        with_browser_locale(self.state.with_untracked(Session::identity))
    }

    /// Saves `language` as the signed-in user's (`PATCH /api/me`, so it follows them to another browser) and, once
    /// the server agrees, switches to it: the identity remotes see changes, so every remote follows.
    pub async fn choose_language(self, language: Language) -> Result<(), DataError> {
        let update = ProfileUpdate {
            locale: language.tag().to_owned(),
        };
        let request = FetchRequest {
            method: "PATCH".into(),
            path: "/api/me".into(),
            body: Some(json::to_string(&update).map_err(|error| DataError::Unreadable(error.to_string()))?),
            timeout_ms: None,
        };
        let response = http::interceptor().fetch(&request).await.into_result()?;
        let answer: IdentityAnswer =
            json::from_str(&response.body).map_err(|error| DataError::Unreadable(error.to_string()))?;
        self.state.update(|state| {
            if let Session::SignedIn { identity } = state
                && identity.user_id == answer.identity.user_id
            {
                *identity = answer.identity.signed_in();
            }
        });
        Ok(())
    }

    /// Asks the server whether the session survives; runs at start-up, on "Retry", and on a backoff timer while
    /// the server is unreachable. Only a 401 means signed out.
    pub fn bootstrap(self) {
        let runtime = self.runtime();
        if let Some(timer) = runtime.bootstrap_timer.take() {
            timer.clear();
        }
        if runtime.bootstrapping.replace(true) {
            // One attempt at a time; "Retry" during one asks for another at once if this one fails.
            runtime.bootstrap_again.set(true);
            return;
        }
        // While the server is unreachable the outage page stays up during retries, so it does not flicker.
        let attempt = match self.state.get_untracked() {
            Session::Unreachable { attempt } => attempt,
            _ => {
                self.state.set(Session::Unknown);
                0
            }
        };
        leptos::task::spawn_local(async move {
            let restored = http::interceptor().restore().await;
            let runtime = self.runtime();
            runtime.bootstrapping.set(false);
            if !matches!(restored, Err(ref error) if error.is_transient()) {
                runtime.bootstrap_again.set(false);
            }
            match restored {
                Ok(Some(grant)) => self.signed_in(grant),
                Ok(None) => self.state.set(Session::SignedOut { reason: None }),
                Err(HttpError::SessionEnded { .. }) => {
                    emit(AuthEvent::SessionExpired);
                    self.state.set(Session::SignedOut {
                        reason: Some(SignOutReason::SessionExpired),
                    });
                }
                Err(error) if error.is_transient() => self.unreachable(attempt + 1),
                Err(error) => {
                    leptos::logging::warn!("could not restore the session: {error}");
                    self.state.set(Session::SignedOut { reason: None });
                }
            }
        });
    }

    /// Signs in with the credentials the auth remote handed over. Navigation afterwards is the sign-in guard's job.
    pub async fn sign_in(self, request: SignInRequest) -> SignInResult {
        match http::interceptor()
            .login(request.username.trim(), &request.password)
            .await
        {
            Ok(grant) => {
                self.signed_in(grant);
                self.tell_other_tabs(&AuthEvent::SignedIn);
                SignInResult::SignedIn
            }
            Err(HttpError::Status { status: 401, .. }) => SignInResult::InvalidCredentials,
            Err(HttpError::Status {
                status: 429,
                retry_after_secs,
            }) => SignInResult::TooManyAttempts {
                retry_after_secs: retry_after_secs.unwrap_or(60),
            },
            Err(HttpError::Status { status: 422, .. }) => SignInResult::Invalid,
            Err(_) => SignInResult::Failed,
        }
    }

    /// Ends the session: protected content goes at once (the state is `SigningOut`), the server is told but not
    /// waited for longer than a few seconds, and every other tab follows.
    pub async fn sign_out(self) {
        if !matches!(self.state.get_untracked(), Session::SignedIn { .. }) {
            return;
        }
        self.stop_refreshing();
        self.state.set(Session::SigningOut);
        if let Err(error) = http::interceptor().logout(SIGN_OUT_TIMEOUT_MS).await {
            leptos::logging::warn!("the server did not confirm the sign-out ({error}); signed out here anyway");
        }
        self.end(SignOutReason::UserSignedOut);
        self.tell_other_tabs(&AuthEvent::SignedOut {
            reason: SignOutReason::UserSignedOut,
        });
    }

    /// The refresh session is gone (refused refresh, revoked, or the circuit breaker opened): sign out with the
    /// expiry message and tell the other tabs.
    pub fn expire(self) {
        if self.end(SignOutReason::SessionExpired) {
            self.tell_other_tabs(&AuthEvent::SessionExpired);
        }
    }

    /// After an in-app navigation: checks, without rotating anything, that the session was not revoked elsewhere.
    pub fn check_still_signed_in(self) {
        let runtime = self.runtime();
        if !matches!(self.state.get_untracked(), Session::SignedIn { .. }) || runtime.checking_session.replace(true) {
            return;
        }
        leptos::task::spawn_local(async move {
            let alive = http::interceptor().check_session().await;
            self.runtime().checking_session.set(false);
            if alive == Ok(false) {
                self.expire();
            }
        });
    }

    fn signed_in(self, grant: SessionGrant) {
        let step = self
            .runtime()
            .schedule
            .borrow_mut()
            .token_received(now_ms(), grant.lifetime_ms);
        self.state.set(Session::SignedIn {
            identity: grant.identity,
        });
        emit(AuthEvent::SignedIn);
        self.drive(step);
    }

    fn unreachable(self, attempt: u32) {
        self.state.set(Session::Unreachable { attempt });
        if self.runtime().bootstrap_again.take() {
            self.bootstrap();
            return;
        }
        let delay = RefreshSchedule::new(RefreshTiming::default()).backoff_ms(attempt, js_sys::Math::random());
        let timer = set_timeout_with_handle(move || self.bootstrap(), Duration::from_millis(delay)).ok();
        self.runtime().bootstrap_timer.set(timer);
    }

    /// Moves to signed out for `reason` unless already signed out; returns whether it did.
    fn end(self, reason: SignOutReason) -> bool {
        if matches!(self.state.get_untracked(), Session::SignedOut { .. }) {
            return false;
        }
        self.stop_refreshing();
        http::interceptor().forget();
        crate::loader::drop_parked_frames();
        self.state.set(Session::SignedOut { reason: Some(reason) });
        emit(match reason {
            SignOutReason::SessionExpired => AuthEvent::SessionExpired,
            reason => AuthEvent::SignedOut { reason },
        });
        true
    }

    fn on_refresh(self, notice: RefreshNotice) {
        let now = now_ms();
        match notice {
            RefreshNotice::Refreshed(_) if !matches!(self.state.get_untracked(), Session::SignedIn { .. }) => {
                // A refresh that finished after the user signed out: its token must not survive.
                http::interceptor().forget();
            }
            RefreshNotice::Refreshed(grant) => {
                let step = self
                    .runtime()
                    .schedule
                    .borrow_mut()
                    .token_received(now, grant.lifetime_ms);
                if matches!(self.state.get_untracked(), Session::SignedIn { ref identity } if *identity != grant.identity)
                {
                    self.state.set(Session::SignedIn {
                        identity: grant.identity,
                    });
                }
                emit(AuthEvent::TokenRefreshed);
                self.drive(step);
            }
            RefreshNotice::Failed => {
                let runtime = self.runtime();
                let (step, attempt) = {
                    let mut schedule = runtime.schedule.borrow_mut();
                    let step = schedule.refresh_failed(now, js_sys::Math::random());
                    let attempt = match schedule.state() {
                        RefreshState::Broken => RefreshTiming::default().max_failures,
                        _ => schedule.failures().max(1),
                    };
                    (step, attempt)
                };
                emit(AuthEvent::RefreshFailed { attempt });
                self.drive(step);
            }
            RefreshNotice::Ended => self.expire(),
        }
    }

    fn on_other_tab(self, event: AuthEvent) {
        match event {
            AuthEvent::SignedOut { .. } => {
                self.end(SignOutReason::SignedOutElsewhere);
            }
            AuthEvent::SessionExpired => {
                self.end(SignOutReason::SessionExpired);
            }
            AuthEvent::SignedIn
                if matches!(
                    self.state.get_untracked(),
                    Session::SignedOut { .. } | Session::Unreachable { .. }
                ) =>
            {
                self.bootstrap();
            }
            _ => {}
        }
    }

    /// The page became visible or the network came back: re-check the schedule, or retry an outage at once.
    fn on_wake(self) {
        match self.state.get_untracked() {
            Session::Unreachable { .. } => self.bootstrap(),
            Session::SignedIn { .. } => {
                let step = self.runtime().schedule.borrow_mut().poll(now_ms());
                self.drive(step);
            }
            _ => {}
        }
    }

    /// Carries out what the schedule asks for.
    fn drive(self, step: Step) {
        let runtime = self.runtime();
        if let Some(timer) = runtime.refresh_timer.take() {
            timer.clear();
        }
        match step {
            Step::Refresh => leptos::task::spawn_local(async move {
                // The outcome reaches `on_refresh` through the interceptor's observer.
                let _ = http::interceptor().refresh().await;
            }),
            Step::WakeAt(due) => {
                let delay = Duration::from_millis(due.saturating_sub(now_ms()));
                let timer = set_timeout_with_handle(move || self.on_wake(), delay).ok();
                runtime.refresh_timer.set(timer);
            }
            Step::Expire => self.expire(),
            Step::Nothing => {}
        }
    }

    fn stop_refreshing(self) {
        let runtime = self.runtime();
        runtime.schedule.borrow_mut().stop();
        if let Some(timer) = runtime.refresh_timer.take() {
            timer.clear();
        }
    }

    fn tell_other_tabs(self, event: &AuthEvent) {
        if let Some(signals) = self.runtime().signals.borrow().as_ref() {
            signals.tell_other_tabs(event);
        }
    }

    fn runtime(self) -> Rc<Runtime> {
        self.runtime.get_value()
    }
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// `GET`/`PATCH /api/me`'s answer.
#[derive(Deserialize)]
struct IdentityAnswer {
    identity: IdentityContext,
}

/// `identity`, and for nobody signed in, the browser's locale in it.
fn with_browser_locale(mut identity: IdentityContext) -> IdentityContext {
    if !identity.authenticated {
        identity.locale = crate::language::browser_locale();
    }
    identity
}
