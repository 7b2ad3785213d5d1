//! Operating the server: restarts, damaged or unusable databases, static serving, and health.

use reqwest::StatusCode;

use crate::support::{TestServer, test_config};

#[tokio::test]
async fn a_session_survives_a_restart() {
    let server = TestServer::start().await;
    let (_, cookie, _) = server.sign_in("alice").await;
    let server = server.restart_with(|_| {}).await;
    let response = server.refresh(&cookie).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "same database and signing key after restart"
    );
    let token = response.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(server.get_with_token("/api/me", &token).await.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn corrupt_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(&dir);
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&config.database, &garbage).unwrap();
    let error = match api::start(config.clone()).await {
        Ok(_) => panic!("started on a corrupt database"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains(&config.database.display().to_string()),
        "names the file: {error}"
    );
    assert!(error.contains("damaged or not a SQLite database"), "{error}");
    assert_eq!(std::fs::read(&config.database).unwrap(), garbage, "no data loss");
}

#[tokio::test]
async fn unusable_database_path_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir);
    config.database = dir.path().join("a-directory");
    std::fs::create_dir(&config.database).unwrap();
    let error = api::start(config.clone()).await.err().expect("refused").to_string();
    assert!(error.starts_with("could not open the database at"), "{error}");

    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"keep me").unwrap();
    config.database = blocker.join("portico.db");
    let error = api::start(config).await.err().expect("refused").to_string();
    assert!(error.contains("could not open the database"), "{error}");
    assert_eq!(std::fs::read(&blocker).unwrap(), b"keep me");
}

#[tokio::test]
async fn production_mode_needs_an_existing_signing_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir);
    config.dev = false;
    let error = api::start(config).await.err().expect("refused").to_string();
    assert!(error.contains("signing key file") && error.contains("--dev"), "{error}");
}

#[tokio::test]
async fn static_files_get_types_cache_headers_and_a_strict_policy() {
    let site = tempfile::tempdir().unwrap();
    let loader = "import init from '/shell-0123456789abcdef.js'; init();";
    std::fs::write(
        site.path().join("index.html"),
        format!("<html><head><script type=\"module\">{loader}</script></head></html>"),
    )
    .unwrap();
    std::fs::write(site.path().join("shell-0123456789abcdef_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(site.path().join("remotes.json"), b"{}").unwrap();
    let static_dir = site.path().to_owned();
    let server = TestServer::start_with(|config| config.static_dir = Some(static_dir)).await;
    let get = |path: &str, accept: &'static str| server.client.get(server.url(path)).header("accept", accept).send();

    let wasm = get("/shell-0123456789abcdef_bg.wasm", "*/*").await.unwrap();
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    let csp = wasm.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    use base64::Engine;
    use sha2::Digest;
    let loader_hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader));
    assert!(
        csp.contains(&format!("'sha256-{loader_hash}'")),
        "the inline loader is allowed by hash: {csp}"
    );
    assert_eq!(wasm.headers()["x-content-type-options"], "nosniff");
    assert!(wasm.headers().contains_key("referrer-policy"));

    let missing_js = get("/missing-0123456789abcdef.js", "text/html").await.unwrap();
    assert_eq!(missing_js.status(), StatusCode::NOT_FOUND);
    assert_ne!(
        missing_js.headers()["content-type"],
        "text/html; charset=utf-8",
        "never index.html for a script"
    );
    assert_eq!(
        get("/missing.wasm", "*/*").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get("/remotes/nope/remote.json", "application/json")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    let registry = get("/remotes.json", "*/*").await.unwrap();
    assert_eq!(registry.headers()["cache-control"], "no-cache");
    let navigation = get("/orders/42", "text/html,application/xhtml+xml").await.unwrap();
    assert_eq!(navigation.status(), StatusCode::OK);
    assert_eq!(navigation.headers()["cache-control"], "no-cache");
    assert!(
        navigation.text().await.unwrap().contains(loader),
        "deep links get the shell"
    );
    assert_eq!(
        get("/api/nope", "text/html").await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "API paths never fall back"
    );

    let index = get("/", "text/html").await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    server.stop().await;
}

#[tokio::test]
async fn precompressed_files_are_served_to_clients_that_accept_them() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<html></html>").unwrap();
    std::fs::write(site.path().join("app-0123456789abcdef.js"), "console.log(1)").unwrap();
    std::fs::write(site.path().join("app-0123456789abcdef.js.br"), b"brotli bytes").unwrap();
    let static_dir = site.path().to_owned();
    let server = TestServer::start_with(|config| config.static_dir = Some(static_dir)).await;
    let response = server
        .client
        .get(server.url("/app-0123456789abcdef.js"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"brotli bytes");
    server.stop().await;
}

#[tokio::test]
async fn health_and_jwks_answer() {
    let server = TestServer::start().await;
    let health = server.client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let jwks = server.jwks().await;
    assert_eq!(jwks["keys"][0]["kty"], "OKP");
    assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    assert_eq!(jwks["keys"][0]["alg"], "EdDSA");
    server.stop().await;
}
