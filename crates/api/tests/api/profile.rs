//! `PATCH /api/me`: a user changes their own interface language, validated against the supported list, and the
//! choice follows them into their next session.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestServer, problem};

async fn patch_me(server: &TestServer, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = server.client.patch(server.url("/api/me")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_supported_locale_is_saved_and_follows_the_user_into_a_new_session() {
    let server = TestServer::start().await;
    let (token, _, body) = server.sign_in("alice").await;
    assert_eq!(body["identity"]["locale"], "en-US");

    let response = patch_me(&server, Some(&token), json!({ "locale": "ar" })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["identity"]["locale"], "ar");
    assert_eq!(updated["identity"]["user_id"], body["identity"]["user_id"]);

    let me: Value = server.get_with_token("/api/me", &token).await.json().await.unwrap();
    assert_eq!(me["identity"]["locale"], "ar");
    let (_, _, again) = server.sign_in("alice").await;
    assert_eq!(
        again["identity"]["locale"], "ar",
        "a new sign-in (another browser) gets the saved locale"
    );
    let (_, _, bob) = server.sign_in("bob").await;
    assert_ne!(bob["identity"]["locale"], "ar", "only the caller's own locale changed");
    server.stop().await;
}

#[tokio::test]
async fn an_unsupported_locale_is_a_422_naming_the_field_and_changes_nothing() {
    let server = TestServer::start().await;
    let (token, _, _) = server.sign_in("alice").await;
    for locale in ["fr", "ar-EG", "", "AR", "en-US<script>"] {
        let response = patch_me(&server, Some(&token), json!({ "locale": locale })).await;
        let (status, body) = problem(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{locale:?}");
        assert_eq!(body["errors"][0]["field"], "locale", "{body}");
        assert!(
            body["errors"][0]["message"].as_str().unwrap().contains("en, ar"),
            "{body}"
        );
    }
    let (status, _) = problem(patch_me(&server, Some(&token), json!({ "language": "ar" })).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a body without `locale` is malformed");
    let me: Value = server.get_with_token("/api/me", &token).await.json().await.unwrap();
    assert_eq!(me["identity"]["locale"], "en-US");
    server.stop().await;
}

#[tokio::test]
async fn without_a_valid_token_it_is_a_401() {
    let server = TestServer::start().await;
    let (status, _) = problem(patch_me(&server, None, json!({ "locale": "ar" })).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = problem(patch_me(&server, Some("not-a-token"), json!({ "locale": "ar" })).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}
