//! Refresh rotation, the grace window for concurrent tabs, reuse detection, and sign-out.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::support::{TestServer, clears_cookie, refresh_cookie};

const GRACE: Duration = Duration::from_millis(400);

async fn rotate(server: &TestServer, cookie: &str) -> String {
    let response = server.refresh(cookie).await;
    assert_eq!(response.status(), StatusCode::OK);
    let next = refresh_cookie(response.headers())
        .expect("refresh rotates the cookie")
        .value()
        .to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["access_token"].is_string() && body["identity"]["user_id"].is_string());
    assert_ne!(next, cookie);
    next
}

#[tokio::test]
async fn login_and_refresh_answer_the_configured_access_lifetime_as_expires_in() {
    let server = TestServer::start_with(|config| config.access_ttl = Duration::from_secs(4)).await;
    let (_, cookie, login) = server.sign_in("alice").await;
    assert_eq!(login["expires_in"], 4);
    let response = server.refresh(&cookie).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 4);
    let expires_at = body["expires_at"].as_u64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        (now + 3..=now + 5).contains(&expires_at),
        "expires_at {expires_at} agrees with expires_in at {now}"
    );
    server.stop().await;
}

#[tokio::test]
async fn refresh_twice_in_sequence_rotates_each_time() {
    let server = TestServer::start_with(|config| config.refresh_grace = GRACE).await;
    let (_, first, _) = server.sign_in("alice").await;
    let second = rotate(&server, &first).await;
    let third = rotate(&server, &second).await;
    assert_ne!(first, third);
    server.stop().await;
}

#[tokio::test]
async fn replaying_a_rotated_cookie_after_the_grace_window_revokes_the_family() {
    let server = TestServer::start_with(|config| config.refresh_grace = GRACE).await;
    let (_, first, _) = server.sign_in("alice").await;
    let second = rotate(&server, &first).await;
    let newest = rotate(&server, &second).await;
    tokio::time::sleep(GRACE + Duration::from_millis(100)).await;

    let replay = server.refresh(&first).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert!(clears_cookie(replay.headers()));
    let after = server.refresh(&newest).await;
    assert_eq!(
        after.status(),
        StatusCode::UNAUTHORIZED,
        "reuse revoked the whole family"
    );
    assert!(clears_cookie(after.headers()));
    server.stop().await;
}

#[tokio::test]
async fn previous_cookie_after_grace_is_reuse_too() {
    let server = TestServer::start_with(|config| config.refresh_grace = GRACE).await;
    let (_, first, _) = server.sign_in("bob").await;
    let newest = rotate(&server, &first).await;
    tokio::time::sleep(GRACE + Duration::from_millis(100)).await;
    assert_eq!(server.refresh(&first).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(server.refresh(&newest).await.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn two_tabs_refreshing_at_once_both_succeed() {
    let server = TestServer::start_with(|config| config.refresh_grace = Duration::from_secs(5)).await;
    let (_, cookie, _) = server.sign_in("alice").await;
    let (a, b) = tokio::join!(server.refresh(&cookie), server.refresh(&cookie));
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let rotated: Vec<String> = [&a, &b]
        .iter()
        .filter_map(|response| refresh_cookie(response.headers()))
        .map(|c| c.value().to_owned())
        .collect();
    assert_eq!(
        rotated.len(),
        1,
        "exactly one of them rotates; the other continues with the same successor"
    );
    assert_eq!(
        server.refresh(&rotated[0]).await.status(),
        StatusCode::OK,
        "the successor keeps working"
    );
    server.stop().await;
}

#[tokio::test]
async fn older_token_within_grace_is_still_reuse() {
    let server = TestServer::start_with(|config| config.refresh_grace = Duration::from_secs(5)).await;
    let (_, first, _) = server.sign_in("alice").await;
    let second = rotate(&server, &first).await;
    let third = rotate(&server, &second).await;
    assert_eq!(
        server.refresh(&first).await.status(),
        StatusCode::UNAUTHORIZED,
        "two steps back is reuse"
    );
    assert_eq!(server.refresh(&third).await.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn idle_refresh_token_expires() {
    let server = TestServer::start_with(|config| config.refresh_idle = Duration::from_secs(1)).await;
    let (_, cookie, _) = server.sign_in("alice").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(server.refresh(&cookie).await.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn missing_or_unknown_cookie_gets_401_and_a_cleared_cookie() {
    let server = TestServer::start().await;
    let missing = server.auth_call(Method::POST, "refresh", None).await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert!(clears_cookie(missing.headers()));
    let unknown = server.refresh("made-up-value").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert!(clears_cookie(unknown.headers()));
    server.stop().await;
}

#[tokio::test]
async fn logout_revokes_the_family_and_is_idempotent() {
    let server = TestServer::start().await;
    let (_, cookie, _) = server.sign_in("alice").await;
    let first = server.auth_call(Method::POST, "logout", Some(&cookie)).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    assert!(clears_cookie(first.headers()));
    let again = server.auth_call(Method::POST, "logout", Some(&cookie)).await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server.auth_call(Method::POST, "logout", None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.refresh(&cookie).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old cookie cannot refresh"
    );
    let session = server.auth_call(Method::GET, "session", Some(&cookie)).await;
    assert_eq!(session.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}
