//! Sign-in, the refresh cookie's attributes, brute-force limits, and the bootstrap session check.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{TestServer, clears_cookie, problem, refresh_cookie};

#[tokio::test]
async fn login_returns_token_identity_and_refresh_cookie() {
    let server = TestServer::start().await;
    let response = server.login("alice", "alice-password").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(refresh_cookie(response.headers()).is_some());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3);
    assert!(body["expires_at"].as_u64().unwrap() > 1_700_000_000);
    assert_eq!(body["expires_in"], server.config.access_ttl.as_secs());
    let identity = &body["identity"];
    assert_eq!(identity["authenticated"], true);
    assert_eq!(identity["display_name"], "Alice Anderson");
    assert_eq!(identity["tenant"], "acme");
    assert_eq!(identity["roles"], json!(["customer"]));
    assert_eq!(identity["permissions"], json!(["orders:read", "orders:create"]));
    assert_eq!(identity["locale"], "en-US");
    let keys: Vec<&String> = identity.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "authenticated",
            "display_name",
            "locale",
            "permissions",
            "roles",
            "tenant",
            "user_id"
        ],
        "nothing secret"
    );

    let me = server
        .get_with_token("/api/me", body["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.json::<serde_json::Value>().await.unwrap()["identity"], *identity);
    server.stop().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let server = TestServer::start().await;
    let wrong_password = server.login("alice", "not-her-password").await;
    assert!(refresh_cookie(wrong_password.headers()).is_none());
    let (status_a, body_a) = problem(wrong_password).await;
    let (status_b, body_b) = problem(server.login("mallory", "whatever").await).await;
    assert_eq!(status_a, StatusCode::UNAUTHORIZED);
    assert_eq!((status_a, &body_a), (status_b, &body_b));
    assert_eq!(body_a["code"], "invalid_credentials");
    server.stop().await;
}

#[tokio::test]
async fn malformed_oversized_and_untyped_bodies_are_refused() {
    let server = TestServer::start().await;
    let post = |body: String, content_type: &'static str| {
        server
            .client
            .post(server.url("/api/auth/login"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, body) = problem(
        post("{\"username\": \"alice\",".into(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("malformed_body"))
    );
    let (status, _) = problem(
        post("{\"username\": \"alice\"}".into(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a missing field is malformed");
    let huge = json!({"username": "alice", "password": "x".repeat(64 * 1024)}).to_string();
    let (status, body) = problem(post(huge, "application/json").await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    let (status, _) = problem(
        post("username=alice".into(), "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, body) = problem(server.login("", "").await).await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("username"))
    );
    server.stop().await;
}

#[tokio::test]
async fn repeated_failures_get_429_with_retry_after() {
    let server = TestServer::start_with(|config| config.login_max_failures = 3).await;
    for _ in 0..3 {
        assert_eq!(server.login("bob", "guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    let blocked = server.login("bob", "bob-password").await;
    let retry_after: u64 = blocked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    let (status, body) = problem(blocked).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    assert_eq!(
        server.login("alice", "alice-password").await.status(),
        StatusCode::OK,
        "other users still sign in"
    );
    server.stop().await;
}

#[tokio::test]
async fn refresh_cookie_has_exactly_the_specified_attributes() {
    let server = TestServer::start().await;
    let response = server.login("alice", "alice-password").await;
    let raw = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    let cookie = refresh_cookie(response.headers()).unwrap();
    assert_eq!(cookie.http_only(), Some(true), "{raw}");
    assert_eq!(cookie.same_site(), Some(cookie::SameSite::Strict), "{raw}");
    assert_eq!(cookie.path(), Some("/api/auth"), "{raw}");
    assert_eq!(cookie.secure(), None, "dev mode on loopback drops Secure: {raw}");
    assert_eq!(cookie.domain(), None, "{raw}");
    let max_age = cookie.max_age().unwrap().whole_seconds();
    assert!(
        (12 * 3600 - 5..=12 * 3600).contains(&max_age),
        "absolute lifetime: {raw}"
    );
    assert!(cookie.value().len() >= 43, "256 random bits");

    let server = server.restart_with(|config| config.dev = false).await;
    let response = server.login("alice", "alice-password").await;
    let cookie = refresh_cookie(response.headers()).unwrap();
    assert_eq!(
        cookie.secure(),
        Some(true),
        "outside loopback dev mode the cookie is Secure"
    );
    assert_eq!(cookie.http_only(), Some(true));
    server.stop().await;
}

#[tokio::test]
async fn session_check_reports_identity_without_rotating() {
    let server = TestServer::start().await;
    let (_, cookie, _) = server.sign_in("carol").await;
    for _ in 0..2 {
        let response = server.auth_call(reqwest::Method::GET, "session", Some(&cookie)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            refresh_cookie(response.headers()).is_none(),
            "the session check never rotates"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["identity"]["roles"], json!(["admin"]));
    }
    assert_eq!(
        server.refresh(&cookie).await.status(),
        StatusCode::OK,
        "the cookie is still the current one"
    );

    let missing = server.auth_call(reqwest::Method::GET, "session", None).await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let bogus = server.auth_call(reqwest::Method::GET, "session", Some("bogus")).await;
    assert!(clears_cookie(bogus.headers()));
    assert_eq!(problem(bogus).await.0, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn cross_site_requests_to_cookie_endpoints_are_refused() {
    let server = TestServer::start().await;
    let (_, cookie, _) = server.sign_in("alice").await;
    let refresh = || {
        server
            .client
            .post(server.url("/api/auth/refresh"))
            .header("Cookie", format!("portico_refresh={cookie}"))
    };
    let (status, body) = problem(refresh().send().await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("cross_site_request")),
        "no custom header"
    );
    let foreign = refresh()
        .header("X-Requested-With", "portico")
        .header("Origin", "https://evil.example");
    assert_eq!(foreign.send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let cross_site = refresh()
        .header("X-Requested-With", "portico")
        .header("Sec-Fetch-Site", "cross-site");
    assert_eq!(cross_site.send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let logout = server
        .client
        .post(server.url("/api/auth/logout"))
        .header("Cookie", format!("portico_refresh={cookie}"));
    assert_eq!(logout.send().await.unwrap().status(), StatusCode::FORBIDDEN);

    let same_origin = refresh()
        .header("X-Requested-With", "portico")
        .header("Origin", server.url.clone())
        .header("Sec-Fetch-Site", "same-origin");
    assert_eq!(
        same_origin.send().await.unwrap().status(),
        StatusCode::OK,
        "the refused attempts did not rotate it"
    );
    server.stop().await;
}
