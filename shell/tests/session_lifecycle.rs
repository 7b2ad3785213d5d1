//! The session lifecycle's rules, run natively by `cargo test` and in Chromium by `wasm-bindgen-test`: the refresh
//! schedule (timing, backoff, circuit breaker) on an injected clock, and the interceptor's single-flight refresh
//! and 401 recovery against a scripted fake transport.
//!
//! Nothing here waits for real time or touches the network.

mod support;

use shared_types::{FetchReply, FetchRequest};
use shell::http::{HttpError, Interceptor, RefreshNotice};
use shell::session::refresh_schedule::{RefreshSchedule, RefreshState, RefreshTiming, Step};
use support::{FakeApi, run};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const MINUTE: u64 = 60_000;

fn schedule() -> RefreshSchedule {
    RefreshSchedule::new(RefreshTiming::default())
}

#[test]
fn refresh_is_due_at_80_percent_of_a_long_lifetime() {
    let mut schedule = schedule();
    assert_eq!(
        schedule.token_received(1_000, 5 * MINUTE),
        Step::WakeAt(1_000 + 4 * MINUTE)
    );
    assert_eq!(schedule.poll(1_000 + 4 * MINUTE - 1), Step::WakeAt(1_000 + 4 * MINUTE));
    assert_eq!(schedule.poll(1_000 + 4 * MINUTE), Step::Refresh);
    assert_eq!(
        schedule.poll(1_000 + 4 * MINUTE + 10),
        Step::Nothing,
        "one refresh at a time"
    );
}

#[test]
fn the_leeway_moves_refresh_earlier_for_lifetimes_just_above_it() {
    let mut schedule = schedule();
    // 40 s token: 80% would leave 8 s, the 30 s leeway leaves 30 s, so refresh after 10 s.
    assert_eq!(schedule.token_received(0, 40_000), Step::WakeAt(10_000));
}

#[test]
fn a_four_second_token_refreshes_after_3_2_seconds() {
    let mut schedule = schedule();
    assert_eq!(schedule.token_received(0, 4_000), Step::WakeAt(3_200));
    assert_eq!(schedule.poll(3_200), Step::Refresh);
    assert_eq!(schedule.token_received(3_250, 4_000), Step::WakeAt(6_450));
}

#[test]
fn a_wake_from_sleep_refreshes_at_once() {
    let mut schedule = schedule();
    schedule.token_received(0, 5 * MINUTE);
    assert_eq!(schedule.poll(10 * 60 * MINUTE), Step::Refresh);
}

#[test]
fn transient_failures_back_off_exponentially_with_jitter_then_the_circuit_opens() {
    let mut schedule = schedule();
    schedule.token_received(0, 5 * MINUTE);
    let start = 4 * MINUTE;
    assert_eq!(schedule.poll(start), Step::Refresh);
    // First failure: 1 s, jitter 0 gives half of it.
    assert_eq!(schedule.refresh_failed(start, 0.0), Step::WakeAt(start + 500));
    assert_eq!(schedule.failures(), 1);
    assert_eq!(schedule.poll(start + 499), Step::WakeAt(start + 500));
    assert_eq!(schedule.poll(start + 500), Step::Refresh);
    // Second failure: 2 s, full jitter gives all of it.
    assert_eq!(schedule.refresh_failed(start + 600, 1.0), Step::WakeAt(start + 2_600));
    assert_eq!(schedule.poll(start + 2_600), Step::Refresh);
    // Third failure: the circuit opens and stays open; no more requests.
    assert_eq!(schedule.refresh_failed(start + 2_700, 0.5), Step::Expire);
    assert_eq!(schedule.state(), RefreshState::Broken);
    assert_eq!(schedule.poll(start + 60 * MINUTE), Step::Expire);
}

#[test]
fn a_success_after_failures_resets_the_breaker() {
    let mut schedule = schedule();
    schedule.token_received(0, 5 * MINUTE);
    schedule.poll(4 * MINUTE);
    schedule.refresh_failed(4 * MINUTE, 0.0);
    schedule.poll(5 * MINUTE);
    schedule.refresh_failed(5 * MINUTE, 0.0);
    assert_eq!(schedule.failures(), 2);
    schedule.token_received(5 * MINUTE + 100, 5 * MINUTE);
    assert_eq!(schedule.failures(), 0);
    schedule.poll(9 * MINUTE + 100);
    assert_ne!(schedule.refresh_failed(9 * MINUTE + 100, 0.0), Step::Expire);
}

#[test]
fn backoff_is_capped_and_never_zero() {
    let schedule = schedule();
    for failures in 1..40 {
        let low = schedule.backoff_ms(failures, 0.0);
        let high = schedule.backoff_ms(failures, 1.0);
        assert!(low >= 500 && low <= high && high <= 30_000, "{failures}: {low}..{high}");
    }
    assert_eq!(schedule.backoff_ms(30, 1.0), 30_000);
}

#[test]
fn signed_out_and_ended_sessions_schedule_nothing_more() {
    let mut schedule = schedule();
    assert_eq!(schedule.poll(0), Step::Nothing);
    schedule.token_received(0, 5 * MINUTE);
    schedule.stop();
    assert_eq!(schedule.poll(10 * MINUTE), Step::Nothing);
    schedule.token_received(0, 5 * MINUTE);
    assert_eq!(schedule.session_ended(), Step::Expire);
    assert_eq!(schedule.poll(1), Step::Expire);
}

fn orders() -> FetchRequest {
    FetchRequest::get("/api/orders")
}

#[test]
fn twenty_concurrent_401s_give_one_refresh_and_twenty_retries() {
    run(async {
        let api = FakeApi::signed_in();
        let interceptor = Interceptor::new(api.clone());
        interceptor.login("alice", "pw").await.expect("signed in");
        api.revoke_access_tokens();
        let request = orders();
        let replies = futures::future::join_all((0..20).map(|_| interceptor.fetch(&request))).await;
        assert!(
            replies
                .iter()
                .all(|reply| matches!(reply, FetchReply::Response(r) if r.status == 200))
        );
        assert_eq!(api.refreshes(), 1, "exactly one refresh");
        assert_eq!(api.unauthorized_answers(), 20, "every request first got its 401");
        assert_eq!(api.api_calls(), 40, "20 first tries and 20 retries");
        assert_eq!(
            api.max_locks_held(),
            1,
            "the cross-tab lock was taken around the refresh"
        );
    });
}

#[test]
fn a_403_is_never_retried_and_triggers_no_refresh() {
    run(async {
        let api = FakeApi::signed_in();
        let interceptor = Interceptor::new(api.clone());
        interceptor.login("alice", "pw").await.expect("signed in");
        let reply = interceptor.fetch(&FetchRequest::get("/api/admin/users")).await;
        assert!(matches!(reply, FetchReply::Response(r) if r.status == 403));
        assert_eq!((api.api_calls(), api.refreshes()), (1, 0));
    });
}

#[test]
fn a_refused_refresh_expires_the_session_for_every_waiting_request() {
    run(async {
        let api = FakeApi::signed_in();
        let interceptor = Interceptor::new(api.clone());
        let notices = support::record_notices(&interceptor);
        interceptor.login("alice", "pw").await.expect("signed in");
        api.revoke_access_tokens();
        api.end_refresh_session();
        let request = orders();
        let replies = futures::future::join_all((0..5).map(|_| interceptor.fetch(&request))).await;
        assert!(
            replies.iter().all(|reply| *reply == FetchReply::SessionExpired),
            "{replies:?}"
        );
        assert!(!interceptor.has_token());
        assert_eq!(notices.borrow().as_slice(), &[RefreshNotice::Ended]);
        assert_eq!(api.refreshes(), 1, "no refresh storm");
    });
}

#[test]
fn a_stale_token_is_refreshed_before_the_request_goes_out() {
    run(async {
        let api = FakeApi::signed_in();
        let interceptor = Interceptor::new(api.clone());
        interceptor.login("alice", "pw").await.expect("signed in");
        // The laptop slept past the token's expiry; the server would refuse it.
        api.advance_clock(10 * MINUTE);
        api.revoke_access_tokens();
        let reply = interceptor.fetch(&orders()).await;
        assert!(matches!(reply, FetchReply::Response(r) if r.status == 200));
        assert_eq!(api.unauthorized_answers(), 0, "no expired token was sent");
        assert_eq!(api.refreshes(), 1);
    });
}

#[test]
fn timeouts_and_network_errors_are_told_apart() {
    run(async {
        let api = FakeApi::signed_in();
        let interceptor = Interceptor::new(api.clone());
        interceptor.login("alice", "pw").await.expect("signed in");
        api.fail_next_with(shell::http::wire::WireError::Timeout);
        assert_eq!(interceptor.fetch(&orders()).await, FetchReply::Timeout);
        api.fail_next_with(shell::http::wire::WireError::Network("reset".into()));
        assert_eq!(interceptor.fetch(&orders()).await, FetchReply::Network);
        let outside = FetchRequest::get("/api/auth/refresh");
        assert!(matches!(interceptor.fetch(&outside).await, FetchReply::Refused(_)));
    });
}

#[test]
fn bootstrap_tells_no_session_from_an_ended_one_and_from_an_outage() {
    run(async {
        let api = FakeApi::signed_out();
        let interceptor = Interceptor::new(api.clone());
        assert_eq!(interceptor.restore().await, Ok(None));
        api.end_refresh_session();
        assert_eq!(
            interceptor.restore().await,
            Err(HttpError::SessionEnded { had_session: true })
        );
        api.fail_next_with(shell::http::wire::WireError::Network("refused".into()));
        let outage = interceptor.restore().await.unwrap_err();
        assert!(outage.is_transient(), "{outage:?}");
        api.answer_refresh_with(503);
        assert!(interceptor.restore().await.unwrap_err().is_transient());
    });
}
