//! `"session": "none"` versus `"session": "ended"` on the cookie endpoints: both are 401 `session_invalid`, but
//! only someone who presented a refresh cookie is told their session ended.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{TestServer, clears_cookie, problem};

/// Asks `endpoint` with `cookie` and checks the answer is a cookie-clearing `session_invalid` problem whose
/// `session` member is `expected`.
async fn check(server: &TestServer, method: Method, endpoint: &str, cookie: Option<&str>, expected: &str) -> Value {
    let response = server.auth_call(method, endpoint, cookie).await;
    assert!(
        clears_cookie(response.headers()),
        "{endpoint} with {cookie:?} clears the cookie"
    );
    let (status, body) = problem(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint} with {cookie:?}: {body}");
    assert_eq!(body["code"], "session_invalid", "{endpoint} with {cookie:?}");
    assert_eq!(body["session"], expected, "{endpoint} with {cookie:?}: {body}");
    body
}

#[tokio::test]
async fn refresh_without_a_cookie_says_there_was_no_session() {
    let server = TestServer::start().await;
    let body = check(&server, Method::POST, "refresh", None, "none").await;
    assert!(
        !body["detail"].as_str().unwrap().contains("ended"),
        "nobody is told a session ended that they never had: {body}"
    );
    server.stop().await;
}

#[tokio::test]
async fn session_check_without_a_cookie_says_there_was_no_session() {
    let server = TestServer::start().await;
    check(&server, Method::GET, "session", None, "none").await;
    server.stop().await;
}

#[tokio::test]
async fn an_empty_cookie_counts_as_no_session() {
    let server = TestServer::start().await;
    check(&server, Method::POST, "refresh", Some(""), "none").await;
    check(&server, Method::GET, "session", Some(""), "none").await;
    server.stop().await;
}

#[tokio::test]
async fn refresh_with_an_unknown_or_idle_cookie_says_the_session_ended() {
    let server = TestServer::start_with(|config| config.refresh_idle = Duration::from_secs(1)).await;
    check(&server, Method::POST, "refresh", Some("made-up-value"), "ended").await;
    let (_, cookie, _) = server.sign_in("alice").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    check(&server, Method::POST, "refresh", Some(&cookie), "ended").await;
    server.stop().await;
}

#[tokio::test]
async fn refresh_with_a_replayed_cookie_says_the_session_ended() {
    let server = TestServer::start_with(|config| config.refresh_grace = Duration::ZERO).await;
    let (_, first, _) = server.sign_in("alice").await;
    let response = server.refresh(&first).await;
    assert_eq!(response.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let body = check(&server, Method::POST, "refresh", Some(&first), "ended").await;
    assert!(body["detail"].as_str().unwrap().contains("ended"), "{body}");
    server.stop().await;
}

#[tokio::test]
async fn session_check_with_an_unknown_or_idle_cookie_says_the_session_ended() {
    let server = TestServer::start_with(|config| config.refresh_idle = Duration::from_secs(1)).await;
    check(&server, Method::GET, "session", Some("made-up-value"), "ended").await;
    let (_, cookie, _) = server.sign_in("bob").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    check(&server, Method::GET, "session", Some(&cookie), "ended").await;
    server.stop().await;
}

#[tokio::test]
async fn a_logout_from_another_client_ends_the_session_this_one_checks() {
    let server = TestServer::start().await;
    let (_, cookie, _) = server.sign_in("alice").await;
    let before = server.auth_call(Method::GET, "session", Some(&cookie)).await;
    assert_eq!(before.status(), StatusCode::OK);

    let elsewhere = reqwest::Client::new()
        .post(server.url("/api/auth/logout"))
        .header("X-Requested-With", "portico")
        .header("Cookie", format!("portico_refresh={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::NO_CONTENT);

    check(&server, Method::GET, "session", Some(&cookie), "ended").await;
    check(&server, Method::POST, "refresh", Some(&cookie), "ended").await;
    server.stop().await;
}
