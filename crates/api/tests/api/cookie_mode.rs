//! Cookie-session mode (`--session-mode cookie`): the browser never holds an access token. Sign-in and refresh
//! answer without one and set an `HttpOnly`, `SameSite=Strict` access cookie instead, which the API accepts only
//! together with the CSRF header; sign-out clears it.

use api::auth::ACCESS_COOKIE;
use api::config::SessionMode;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, SET_COOKIE};

use crate::support::{TestServer, refresh_cookie};

/// The access cookie a response sets, if any.
fn access_cookie(headers: &HeaderMap) -> Option<cookie::Cookie<'static>> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| cookie::Cookie::parse(value.to_str().ok()?.to_owned()).ok())
        .find(|cookie| cookie.name() == ACCESS_COOKIE)
}

async fn orders_with(server: &TestServer, access: &str, csrf: bool) -> StatusCode {
    let mut request = server
        .client
        .get(server.url("/api/orders"))
        .header("Cookie", format!("{ACCESS_COOKIE}={access}"));
    if csrf {
        request = request.header("X-Requested-With", "portico");
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn sign_in_and_refresh_set_an_http_only_access_cookie_and_hand_out_no_token() {
    let server = TestServer::start_with(|config| config.session_mode = SessionMode::Cookie).await;
    let response = server.login("alice", "alice-password").await;
    assert_eq!(response.status(), StatusCode::OK);
    let access = access_cookie(response.headers()).expect("sign-in sets the access cookie");
    assert_eq!(access.http_only(), Some(true));
    assert_eq!(access.same_site(), Some(cookie::SameSite::Strict));
    assert_eq!(access.path(), Some("/"));
    let refresh = refresh_cookie(response.headers()).expect("sign-in sets the refresh cookie");
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body.get("access_token").is_none(),
        "cookie mode handed out a token: {body}"
    );
    assert!(body["expires_in"].as_u64().is_some_and(|seconds| seconds > 0));
    assert_eq!(body["identity"]["display_name"], "Alice Anderson");

    assert_eq!(orders_with(&server, access.value(), true).await, StatusCode::OK);
    assert_eq!(
        orders_with(&server, access.value(), false).await,
        StatusCode::UNAUTHORIZED,
        "the access cookie must not work without the CSRF header"
    );

    let refreshed = server.refresh(refresh.value()).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let renewed = access_cookie(refreshed.headers()).expect("a refresh sets a new access cookie");
    let body: serde_json::Value = refreshed.json().await.unwrap();
    assert!(
        body.get("access_token").is_none(),
        "the refresh handed out a token: {body}"
    );
    assert_eq!(orders_with(&server, renewed.value(), true).await, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn sign_out_clears_the_access_cookie() {
    let server = TestServer::start_with(|config| config.session_mode = SessionMode::Cookie).await;
    let response = server.login("alice", "alice-password").await;
    let refresh = refresh_cookie(response.headers()).unwrap();
    let signed_out = server
        .auth_call(reqwest::Method::POST, "logout", Some(refresh.value()))
        .await;
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    let cleared = access_cookie(signed_out.headers()).expect("sign-out clears the access cookie");
    assert_eq!(cleared.value(), "");
    assert_eq!(cleared.max_age(), Some(cookie::time::Duration::ZERO));
    server.stop().await;
}

#[tokio::test]
async fn token_mode_sets_no_access_cookie_and_ignores_one() {
    let server = TestServer::start().await;
    let response = server.login("alice", "alice-password").await;
    assert!(access_cookie(response.headers()).is_none());
    let body: serde_json::Value = response.json().await.unwrap();
    let token = body["access_token"].as_str().expect("token mode hands out the token");
    assert_eq!(
        orders_with(&server, token, true).await,
        StatusCode::UNAUTHORIZED,
        "token mode must not accept the token from a cookie"
    );
    server.stop().await;
}
