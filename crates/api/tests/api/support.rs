//! Test harness: starts the real server in-process on an ephemeral loopback port with a temporary database,
//! and talks to it over HTTP with reqwest. Cookies are handled explicitly so tests can replay old ones.

#![allow(dead_code)]

use std::time::Duration;

use api::Config;
use api::tokens::{AccessClaims, SigningKeys, TokenIssuer};
use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct TestServer {
    pub server: Option<api::RunningServer>,
    pub dir: TempDir,
    pub config: Config,
    pub url: String,
    pub client: Client,
}

pub fn test_config(dir: &TempDir) -> Config {
    let mut config = Config::for_data_dir(dir.path());
    config.dev = true;
    config
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(edit: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(&dir);
        edit(&mut config);
        Self::start_in(dir, config).await
    }

    pub async fn start_in(dir: TempDir, config: Config) -> Self {
        let server = api::start(config.clone()).await.expect("server starts");
        let url = server.url();
        Self {
            server: Some(server),
            dir,
            config,
            url,
            client: Client::new(),
        }
    }

    /// Stops the server and starts it again on the same files, with `edit` applied to the configuration.
    pub async fn restart_with(mut self, edit: impl FnOnce(&mut Config)) -> Self {
        self.server.take().unwrap().stop().await.unwrap();
        let mut config = self.config.clone();
        edit(&mut config);
        Self::start_in(self.dir, config).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Signs in and returns (access token, refresh cookie value, body).
    pub async fn sign_in(&self, username: &str) -> (String, String, Value) {
        let response = self.login(username, &format!("{username}-password")).await;
        assert_eq!(response.status(), StatusCode::OK, "sign-in of {username}");
        let cookie = refresh_cookie(response.headers()).expect("login sets the refresh cookie");
        let body: Value = response.json().await.unwrap();
        (
            body["access_token"].as_str().unwrap().to_owned(),
            cookie.value().to_owned(),
            body,
        )
    }

    /// A cookie-authenticated POST/GET to /api/auth/{endpoint} the way the shell makes it.
    pub async fn auth_call(&self, method: reqwest::Method, endpoint: &str, cookie: Option<&str>) -> Response {
        let mut request = self
            .client
            .request(method, self.url(&format!("/api/auth/{endpoint}")))
            .header("X-Requested-With", "portico");
        if let Some(cookie) = cookie {
            request = request.header("Cookie", format!("portico_refresh={cookie}"));
        }
        request.send().await.unwrap()
    }

    pub async fn refresh(&self, cookie: &str) -> Response {
        self.auth_call(reqwest::Method::POST, "refresh", Some(cookie)).await
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    /// The published JWK Set.
    pub async fn jwks(&self) -> Value {
        let response = self
            .client
            .get(self.url("/.well-known/jwks.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// A token issuer with the server's own key, to forge tokens with chosen claims.
    pub fn forger(&self) -> TokenIssuer {
        let keys = SigningKeys::load_or_generate(&self.config.signing_key, false).unwrap();
        TokenIssuer::new(
            keys,
            &self.config.issuer,
            &self.config.audience,
            self.config.access_ttl,
            Duration::from_secs(30),
        )
    }

    /// What the server counted about refreshes and bearer checks so far.
    pub fn counts(&self) -> api::AuthCounts {
        self.server
            .as_ref()
            .expect("the server runs until stop")
            .auth_counters()
            .snapshot()
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.unwrap();
        }
    }
}

pub fn refresh_cookie(headers: &HeaderMap) -> Option<cookie::Cookie<'static>> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| cookie::Cookie::parse(value.to_str().ok()?.to_owned()).ok())
        .find(|cookie| cookie.name() == "portico_refresh")
}

/// Whether the response clears the refresh cookie.
pub fn clears_cookie(headers: &HeaderMap) -> bool {
    refresh_cookie(headers)
        .is_some_and(|cookie| cookie.value().is_empty() && cookie.max_age() == Some(cookie::time::Duration::ZERO))
}

pub async fn problem(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json", "errors are problem documents");
    (status, response.json().await.unwrap())
}

pub fn claims_now(server: &TestServer, sub: &str) -> AccessClaims {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    AccessClaims {
        iss: server.config.issuer.clone(),
        aud: server.config.audience.clone(),
        sub: sub.to_owned(),
        exp: now + 300,
        nbf: now,
        iat: now,
        jti: "test".into(),
        tenant: "acme".into(),
        roles: vec!["customer".into()],
        permissions: vec!["orders:read".into()],
    }
}
