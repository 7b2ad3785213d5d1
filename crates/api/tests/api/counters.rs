//! The server's auth counters, as the end-to-end journeys read them: one count per refresh outcome, none for
//! a cookie-less bootstrap, and one per refused access token.

use std::time::Duration;

use api::AuthCounts;
use reqwest::{Method, StatusCode};

use crate::support::{TestServer, refresh_cookie};

async fn rotate(server: &TestServer, cookie: &str) -> String {
    let response = server.refresh(cookie).await;
    assert_eq!(response.status(), StatusCode::OK);
    refresh_cookie(response.headers())
        .expect("refresh rotates the cookie")
        .value()
        .to_owned()
}

#[tokio::test]
async fn a_rotation_counts_one_refresh_and_nothing_else() {
    let server = TestServer::start().await;
    let (_, cookie, _) = server.sign_in("alice").await;
    assert_eq!(server.counts(), AuthCounts::default(), "signing in is not a refresh");
    rotate(&server, &cookie).await;
    assert_eq!(
        server.counts(),
        AuthCounts {
            refreshes: 1,
            ..AuthCounts::default()
        }
    );
    server.stop().await;
}

#[tokio::test]
async fn replaying_a_twice_old_cookie_counts_reuse_and_the_revoked_family_then_counts_refused() {
    let server = TestServer::start_with(|config| config.refresh_grace = Duration::from_secs(5)).await;
    let (_, first, _) = server.sign_in("alice").await;
    let second = rotate(&server, &first).await;
    let third = rotate(&server, &second).await;
    assert_eq!(server.refresh(&first).await.status(), StatusCode::UNAUTHORIZED);
    let counts = server.counts();
    assert_eq!((counts.refreshes, counts.reuse_detected, counts.refused), (2, 1, 0));

    assert_eq!(server.refresh(&third).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(server.counts().refused, 1, "the newest cookie died with its family");
    assert_eq!(server.counts().reuse_detected, 1, "that was not another reuse");
    server.stop().await;
}

#[tokio::test]
async fn a_replay_within_the_grace_window_counts_as_a_grace_replay() {
    let server = TestServer::start_with(|config| config.refresh_grace = Duration::from_secs(5)).await;
    let (_, first, _) = server.sign_in("bob").await;
    rotate(&server, &first).await;
    let replay = server.refresh(&first).await;
    assert_eq!(replay.status(), StatusCode::OK);
    assert!(refresh_cookie(replay.headers()).is_none());
    assert_eq!(
        server.counts(),
        AuthCounts {
            refreshes: 1,
            grace_replays: 1,
            ..AuthCounts::default()
        }
    );
    server.stop().await;
}

#[tokio::test]
async fn a_bootstrap_without_a_cookie_and_session_checks_are_not_counted() {
    let server = TestServer::start().await;
    server.auth_call(Method::POST, "refresh", None).await;
    let (_, cookie, _) = server.sign_in("alice").await;
    server.auth_call(Method::GET, "session", Some(&cookie)).await;
    server.auth_call(Method::GET, "session", Some("bogus")).await;
    assert_eq!(server.counts(), AuthCounts::default());
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_cookie_counts_as_refused() {
    let server = TestServer::start().await;
    server.refresh("made-up-value").await;
    assert_eq!(
        server.counts(),
        AuthCounts {
            refused: 1,
            ..AuthCounts::default()
        }
    );
    server.stop().await;
}

#[tokio::test]
async fn refused_access_tokens_are_counted_and_accepted_ones_are_not() {
    let server = TestServer::start().await;
    let (token, _, _) = server.sign_in("alice").await;
    assert_eq!(
        server.get_with_token("/api/orders", &token).await.status(),
        StatusCode::OK
    );
    assert_eq!(server.counts().bearer_rejected, 0);
    let forged = format!("{token}x");
    assert_eq!(
        server.get_with_token("/api/orders", &forged).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let missing = server.client.get(server.url("/api/me")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(server.counts().bearer_rejected, 2);
    server.stop().await;
}
