//! Counters of what the auth endpoints decided, so tests can assert on an in-process server's behaviour.
//!
//! The end-to-end journeys read them through [`crate::RunningServer::auth_counters`]: "the browser refreshed six
//! times and the server never saw reuse". They count decisions only; they never hold a token, a cookie, a user
//! id or anything else about who asked.
//!
//! Every refresh that presented a cookie lands in exactly one of `refreshes`, `grace_replays`, `reuse_detected`
//! and `refused`. A refresh without any cookie (a signed-out tab bootstrapping) is not counted.

use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters, shared by the server's handlers through `AppState`.
#[derive(Debug, Default)]
pub struct AuthCounters {
    refreshes: AtomicU64,
    grace_replays: AtomicU64,
    reuse_detected: AtomicU64,
    refused: AtomicU64,
    bearer_rejected: AtomicU64,
}

/// A point-in-time copy of [`AuthCounters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthCounts {
    /// Refreshes that rotated the cookie and issued an access token.
    pub refreshes: u64,
    /// Replays of the immediately previous cookie within the grace window: an access token, no rotation.
    pub grace_replays: u64,
    /// Replays of a rotated cookie outside the grace rule; each revoked its family.
    pub reuse_detected: u64,
    /// Other refreshes whose cookie was refused: unknown, expired, idle, revoked, or the user is gone.
    pub refused: u64,
    /// Requests to a Bearer-protected endpoint answered 401 (missing, expired or invalid access token).
    pub bearer_rejected: u64,
}

impl AuthCounters {
    /// All counters at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// A refresh rotated the cookie.
    pub fn record_refresh(&self) {
        self.refreshes.fetch_add(1, Ordering::Relaxed);
    }

    /// A refresh continued the session within the grace window, without rotating.
    pub fn record_grace_replay(&self) {
        self.grace_replays.fetch_add(1, Ordering::Relaxed);
    }

    /// A refresh replayed a rotated cookie and revoked its family.
    pub fn record_reuse(&self) {
        self.reuse_detected.fetch_add(1, Ordering::Relaxed);
    }

    /// A refresh presented a cookie that was refused for any reason other than reuse.
    pub fn record_refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    /// A Bearer-protected request was answered 401.
    pub fn record_bearer_rejected(&self) {
        self.bearer_rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters now. Each value is read atomically; the set is not one transaction, which tests that read
    /// between requests never notice.
    pub fn snapshot(&self) -> AuthCounts {
        AuthCounts {
            refreshes: self.refreshes.load(Ordering::Relaxed),
            grace_replays: self.grace_replays.load(Ordering::Relaxed),
            reuse_detected: self.reuse_detected.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            bearer_rejected: self.bearer_rejected.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_record_moves_only_its_own_counter() {
        let counters = AuthCounters::new();
        assert_eq!(counters.snapshot(), AuthCounts::default());
        counters.record_refresh();
        counters.record_refresh();
        counters.record_grace_replay();
        counters.record_reuse();
        counters.record_refused();
        counters.record_bearer_rejected();
        assert_eq!(
            counters.snapshot(),
            AuthCounts {
                refreshes: 2,
                grace_replays: 1,
                reuse_detected: 1,
                refused: 1,
                bearer_rejected: 1,
            }
        );
    }

    #[test]
    fn a_snapshot_is_a_copy_that_later_records_do_not_change() {
        let counters = AuthCounters::new();
        let before = counters.snapshot();
        counters.record_refresh();
        assert_eq!(before.refreshes, 0);
        assert_eq!(counters.snapshot().refreshes - before.refreshes, 1);
    }
}
