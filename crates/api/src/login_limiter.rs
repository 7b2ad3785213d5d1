//! Brute-force protection for sign-in: failed attempts are counted per username and per client address.
//!
//! Once either count reaches its limit within the window, sign-in answers 429 with `Retry-After` until the
//! window that started with the first failure ends. A successful sign-in clears the username's count. Counting
//! failures rather than requests keeps honest users, and the login benchmark, unthrottled.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before expired ones are swept, so a flood of usernames cannot grow memory without bound.
const SWEEP_THRESHOLD: usize = 10_000;

struct Window {
    started: Instant,
    failures: u32,
}

struct Counter<K> {
    limit: u32,
    entries: HashMap<K, Window>,
}

impl<K: Eq + Hash> Counter<K> {
    fn retry_after(&self, key: &K, now: Instant, window: Duration) -> Option<Duration> {
        let entry = self.entries.get(key)?;
        let ends = entry.started + window;
        (entry.failures >= self.limit && ends > now).then(|| ends - now)
    }

    fn record(&mut self, key: K, now: Instant, window: Duration) {
        if self.entries.len() >= SWEEP_THRESHOLD {
            self.entries.retain(|_, entry| entry.started + window > now);
        }
        let entry = self.entries.entry(key).or_insert(Window {
            started: now,
            failures: 0,
        });
        if entry.started + window <= now {
            *entry = Window {
                started: now,
                failures: 0,
            };
        }
        entry.failures += 1;
    }
}

/// Counts failed sign-ins; shared by every request.
pub struct LoginLimiter {
    window: Duration,
    state: Mutex<(Counter<String>, Counter<IpAddr>)>,
}

impl LoginLimiter {
    /// `max_failures` per username, four times that per client address, within `window`.
    pub fn new(max_failures: u32, window: Duration) -> Self {
        let per_user = Counter {
            limit: max_failures,
            entries: HashMap::new(),
        };
        let per_client = Counter {
            limit: max_failures.saturating_mul(4),
            entries: HashMap::new(),
        };
        Self {
            window,
            state: Mutex::new((per_user, per_client)),
        }
    }

    /// `Some(wait)` when this username or client must wait before trying again.
    pub fn check(&self, username: &str, client: IpAddr, now: Instant) -> Option<Duration> {
        let state = self.state.lock().expect("limiter lock is never poisoned");
        let user_wait = state.0.retry_after(&normalize(username), now, self.window);
        let client_wait = state.1.retry_after(&client, now, self.window);
        user_wait.max(client_wait)
    }

    /// Counts one failed attempt.
    pub fn record_failure(&self, username: &str, client: IpAddr, now: Instant) {
        let mut state = self.state.lock().expect("limiter lock is never poisoned");
        state.0.record(normalize(username), now, self.window);
        state.1.record(client, now, self.window);
    }

    /// Forgets the username's failures after it signed in.
    pub fn record_success(&self, username: &str) {
        let mut state = self.state.lock().expect("limiter lock is never poisoned");
        state.0.entries.remove(&normalize(username));
    }
}

fn normalize(username: &str) -> String {
    username.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER_CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn username_is_blocked_after_the_limit_until_the_window_ends() {
        let limiter = LoginLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("alice", CLIENT, t0), None);
            limiter.record_failure("Alice", CLIENT, t0);
        }
        assert_eq!(
            limiter.check("alice", OTHER_CLIENT, t0 + Duration::from_secs(20)),
            Some(Duration::from_secs(40))
        );
        assert_eq!(
            limiter.check("bob", OTHER_CLIENT, t0),
            None,
            "other users are not affected"
        );
        assert_eq!(limiter.check("alice", CLIENT, t0 + Duration::from_secs(60)), None);
    }

    #[test]
    fn one_client_trying_many_usernames_is_blocked() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        for attempt in 0..8 {
            limiter.record_failure(&format!("user{attempt}"), CLIENT, t0);
        }
        assert!(limiter.check("fresh-name", CLIENT, t0).is_some());
        assert!(limiter.check("fresh-name", OTHER_CLIENT, t0).is_none());
    }

    #[test]
    fn success_clears_the_username_count() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        limiter.record_failure("alice", CLIENT, t0);
        limiter.record_success("alice");
        limiter.record_failure("alice", CLIENT, t0);
        assert_eq!(limiter.check("alice", CLIENT, t0), None);
    }
}
