//! When to refresh the access token: a typed state machine driven by an injected clock.
//!
//! Every method takes `now` (milliseconds on any monotonic-enough clock) instead of reading one, so tests drive
//! hours of lifetimes in microseconds. The machine never sleeps or sends anything itself: it answers with a
//! [`Step`] that the session store carries out (set a timer, run a refresh, expire the session).
//!
//! ```text
//!   Idle ──token──▶ Waiting ──due──▶ Refreshing ──ok──▶ Waiting
//!                      ▲                 │ transient failure n < 3
//!                      │                 ▼
//!                      └──due─── BackingOff     transient failure n = 3, or the session ended ──▶ Broken
//! ```

/// Tuning of the schedule. [`RefreshTiming::default`] is what the shell uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshTiming {
    /// Refresh after this fraction of the token's lifetime has passed.
    pub at_fraction: f64,
    /// Always refresh at least this long before the token expires (clock-skew and latency leeway), as long as
    /// that leaves some of the lifetime; never more than [`RefreshTiming::at_fraction`] of it.
    pub leeway_ms: u64,
    /// First backoff after a transient failure; doubles with every further failure.
    pub first_backoff_ms: u64,
    /// The longest backoff.
    pub max_backoff_ms: u64,
    /// Consecutive transient failures after which the circuit opens and the session counts as expired.
    pub max_failures: u32,
}

impl Default for RefreshTiming {
    fn default() -> Self {
        Self {
            at_fraction: 0.8,
            leeway_ms: 30_000,
            first_backoff_ms: 1_000,
            max_backoff_ms: 30_000,
            max_failures: 3,
        }
    }
}

/// Where the schedule stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RefreshState {
    /// No token: nothing to refresh (signed out, or not yet signed in).
    Idle,
    /// A token is held; refresh when `due` comes.
    Waiting { due: u64, expires: u64 },
    /// A refresh is under way; `failures` transient failures came before it.
    Refreshing { failures: u32, expires: u64 },
    /// The last `failures` refreshes failed transiently; try again at `due`.
    BackingOff { due: u64, failures: u32, expires: u64 },
    /// The circuit is open: refreshing stopped and the session counts as expired.
    Broken,
}

/// What the store should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Start a refresh now.
    Refresh,
    /// Check again at this time (set a timer).
    WakeAt(u64),
    /// The session is over: sign the user out with the expiry message.
    Expire,
    /// Nothing to do until something else happens.
    Nothing,
}

/// The refresh schedule of one tab.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshSchedule {
    timing: RefreshTiming,
    state: RefreshState,
}

impl RefreshSchedule {
    /// A schedule with no token yet.
    pub fn new(timing: RefreshTiming) -> Self {
        Self {
            timing,
            state: RefreshState::Idle,
        }
    }

    /// The current state.
    pub fn state(&self) -> RefreshState {
        self.state
    }

    /// A token valid for `lifetime_ms` arrived at `now` (sign-in, bootstrap, or any refresh): plan the next refresh.
    pub fn token_received(&mut self, now: u64, lifetime_ms: u64) -> Step {
        let lead = lifetime_ms.saturating_sub(self.timing.leeway_ms);
        let by_fraction = (lifetime_ms as f64 * self.timing.at_fraction) as u64;
        let after = if lead > 0 { lead.min(by_fraction) } else { by_fraction };
        self.state = RefreshState::Waiting {
            due: now + after,
            expires: now + lifetime_ms,
        };
        self.poll(now)
    }

    /// Re-checks at `now`: on a timer, when the page becomes visible again, or when the browser comes back online.
    /// After a sleep the due time has long passed, so this asks for a refresh before any request goes out.
    pub fn poll(&mut self, now: u64) -> Step {
        match self.state {
            RefreshState::Idle => Step::Nothing,
            RefreshState::Refreshing { .. } => Step::Nothing,
            RefreshState::Broken => Step::Expire,
            RefreshState::Waiting { due, expires } => self.refresh_if_due(now, due, 0, expires),
            RefreshState::BackingOff { due, failures, expires } => self.refresh_if_due(now, due, failures, expires),
        }
    }

    /// The refresh failed for a reason that may pass (network error, 5xx). `jitter` in `0.0..1.0` spreads the
    /// retries of many clients; the store passes `Math.random()`, tests a fixed value.
    pub fn refresh_failed(&mut self, now: u64, jitter: f64) -> Step {
        let (failures, expires) = match self.state {
            RefreshState::Refreshing { failures, expires } => (failures + 1, expires),
            _ => return self.poll(now),
        };
        if failures >= self.timing.max_failures {
            self.state = RefreshState::Broken;
            return Step::Expire;
        }
        let due = now + self.backoff_ms(failures, jitter);
        self.state = RefreshState::BackingOff { due, failures, expires };
        Step::WakeAt(due)
    }

    /// Consecutive transient failures so far (0 unless backing off or retrying).
    pub fn failures(&self) -> u32 {
        match self.state {
            RefreshState::Refreshing { failures, .. } | RefreshState::BackingOff { failures, .. } => failures,
            _ => 0,
        }
    }

    /// The server said the session is over: stop for good.
    pub fn session_ended(&mut self) -> Step {
        self.state = RefreshState::Broken;
        Step::Expire
    }

    /// Signed out: forget everything.
    pub fn stop(&mut self) {
        self.state = RefreshState::Idle;
    }

    /// The delay before retry number `failures` (1-based): doubling from the first backoff, capped, with "equal
    /// jitter" (between half and all of the delay), so it never drops to zero and never exceeds the cap.
    pub fn backoff_ms(&self, failures: u32, jitter: f64) -> u64 {
        let doubling = 1_u64 << failures.saturating_sub(1).min(20);
        let delay = self
            .timing
            .first_backoff_ms
            .saturating_mul(doubling)
            .min(self.timing.max_backoff_ms);
        let jitter = jitter.clamp(0.0, 1.0);
        delay / 2 + ((delay / 2) as f64 * jitter) as u64
    }

    fn refresh_if_due(&mut self, now: u64, due: u64, failures: u32, expires: u64) -> Step {
        if now >= due {
            self.state = RefreshState::Refreshing { failures, expires };
            Step::Refresh
        } else {
            Step::WakeAt(due)
        }
    }
}
