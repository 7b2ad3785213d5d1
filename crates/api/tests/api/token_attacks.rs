//! Forged and stale access tokens against a Bearer endpoint: every one is a 401 with `invalid_token`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;

use crate::support::{TestServer, claims_now, problem};

async fn assert_refused(server: &TestServer, token: &str, what: &str) {
    let response = server.get_with_token("/api/me", token).await;
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .map(|value| value.to_str().unwrap()),
        Some(r#"Bearer error="invalid_token""#),
        "{what}"
    );
    let (status, body) = problem(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token")),
        "{what}"
    );
}

fn encode(header_json: &str, claims: &impl serde::Serialize, signature: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(header_json);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    format!("{header}.{payload}.{signature}")
}

#[tokio::test]
async fn forged_and_stale_tokens_are_refused() {
    let server = TestServer::start().await;
    let (valid, _, body) = server.sign_in("alice").await;
    let alice = body["identity"]["user_id"].as_str().unwrap().to_owned();
    let forger = server.forger();
    let claims = claims_now(&server, &alice);
    assert_eq!(
        server.get_with_token("/api/me", &forger.sign(&claims)).await.status(),
        StatusCode::OK,
        "control"
    );

    assert_refused(
        &server,
        &encode(r#"{"alg":"none","typ":"at+jwt"}"#, &claims, ""),
        "alg none",
    )
    .await;

    let mut hs256 = Header::new(Algorithm::HS256);
    hs256.typ = Some("at+jwt".into());
    let public_key_secret = EncodingKey::from_secret(forger.keys().public_key());
    let token = jsonwebtoken::encode(&hs256, &claims, &public_key_secret).unwrap();
    assert_refused(&server, &token, "HS256 with the public key as secret").await;
    let jwks = server.jwks().await;
    let x = jwks["keys"][0]["x"].as_str().unwrap();
    assert_eq!(
        URL_SAFE_NO_PAD.decode(x).unwrap(),
        forger.keys().public_key(),
        "the JWKS publishes the key"
    );
    let token = jsonwebtoken::encode(&hs256, &claims, &EncodingKey::from_secret(x.as_bytes())).unwrap();
    assert_refused(&server, &token, "HS256 with the JWK x as secret").await;

    let mut parts: Vec<&str> = valid.split('.').collect();
    let mut escalated = claims.clone();
    escalated.roles = vec!["admin".into()];
    let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&escalated).unwrap());
    parts[1] = &forged_payload;
    assert_refused(&server, &parts.join("."), "tampered payload").await;

    let mut expired = claims.clone();
    (expired.exp, expired.iat, expired.nbf) = (claims.iat - 120, claims.iat - 600, claims.iat - 600);
    assert_refused(&server, &forger.sign(&expired), "expired").await;
    let mut future = claims.clone();
    future.nbf = claims.iat + 600;
    assert_refused(&server, &forger.sign(&future), "not yet valid").await;
    let mut wrong_issuer = claims.clone();
    wrong_issuer.iss = "https://issuer.evil.example".into();
    assert_refused(&server, &forger.sign(&wrong_issuer), "wrong iss").await;
    let mut wrong_audience = claims.clone();
    wrong_audience.aud = "another-api".into();
    assert_refused(&server, &forger.sign(&wrong_audience), "wrong aud").await;

    let stranger = api::tokens::TokenIssuer::new(
        api::tokens::SigningKeys::from_signing_key(&ed25519_dalek::SigningKey::from_bytes(&[42; 32])),
        &server.config.issuer,
        &server.config.audience,
        server.config.access_ttl,
        server.config.leeway,
    );
    assert_refused(&server, &stranger.sign(&claims), "another Ed25519 key").await;

    assert_refused(&server, "not-a-jwt", "garbage").await;
    let missing = server.client.get(server.url("/api/orders")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED, "no token at all");
    assert!(missing.headers().contains_key("www-authenticate"));
    server.stop().await;
}

#[tokio::test]
async fn expired_token_from_the_server_itself_is_refused() {
    let server = TestServer::start_with(|config| {
        config.access_ttl = std::time::Duration::from_secs(1);
        config.leeway = std::time::Duration::ZERO;
    })
    .await;
    let (token, _, _) = server.sign_in("alice").await;
    assert_eq!(server.get_with_token("/api/me", &token).await.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_refused(&server, &token, "expired after its 1 s lifetime").await;
    server.stop().await;
}
