//! Compression Dictionary Transport on the static files: a precomputed `dcz` variant for a dictionary the request
//! names, and the ordinary answers for everything else.

use base64::Engine;
use reqwest::StatusCode;

use crate::support::TestServer;

const WASM: &str = "/remotes/orders/remote_orders_bg-0123456789abcdef.wasm";

/// A site with one hashed wasm file, its brotli sibling and one `dcz` variant for the dictionary hashed `known`.
fn site(known: &[u8; 32]) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<html></html>").unwrap();
    let file = site.path().join(WASM.trim_start_matches('/'));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"\0asm\x01\0\0\0 the module").unwrap();
    let mut brotli = file.as_os_str().to_owned();
    brotli.push(".br");
    std::fs::write(brotli, b"brotli bytes").unwrap();
    let variant = api::compression_dictionary::variant_path(&file, known);
    std::fs::write(variant, b"dcz bytes").unwrap();
    site
}

fn sf_binary(hash: &[u8]) -> String {
    format!(":{}:", base64::engine::general_purpose::STANDARD.encode(hash))
}

#[tokio::test]
async fn a_known_dictionary_gets_its_dcz_variant_and_anything_else_the_usual_encoding() {
    let known = [0x5a_u8; 32];
    let site = site(&known);
    let static_dir = site.path().to_owned();
    let server = TestServer::start_with(|config| config.static_dir = Some(static_dir)).await;
    let get = |encodings: &'static str, dictionary: Option<String>| {
        let mut request = server.client.get(server.url(WASM)).header("accept-encoding", encodings);
        if let Some(dictionary) = dictionary {
            request = request.header("available-dictionary", dictionary);
        }
        request.send()
    };

    let variant = get("gzip, br, zstd, dcb, dcz", Some(sf_binary(&known))).await.unwrap();
    assert_eq!(variant.status(), StatusCode::OK);
    assert_eq!(variant.headers()["content-encoding"], "dcz");
    assert_eq!(variant.headers()["content-type"], "application/wasm");
    assert_eq!(variant.headers()["vary"], "accept-encoding, available-dictionary");
    assert_eq!(
        variant.headers()["use-as-dictionary"],
        r#"match="/remotes/orders/*.wasm""#
    );
    assert_eq!(
        variant.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(variant.headers()["access-control-allow-origin"], "*");
    assert_eq!(variant.bytes().await.unwrap().as_ref(), b"dcz bytes");

    let plain_answers = [
        ("an unknown dictionary", "br, dcz", Some(sf_binary(&[0x11; 32]))),
        ("a malformed header", "br, dcz", Some("not-a-byte-sequence".to_owned())),
        ("a hash of the wrong length", "br, dcz", Some(sf_binary(&[0x5a; 16]))),
        ("dcz not accepted", "br", Some(sf_binary(&known))),
        ("dcz refused by quality", "br, dcz;q=0", Some(sf_binary(&known))),
        ("no dictionary", "br, dcz", None),
    ];
    for (case, encodings, dictionary) in plain_answers {
        let response = get(encodings, dictionary).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{case}");
        assert_eq!(response.headers()["content-encoding"], "br", "{case}");
        assert_eq!(
            response.headers()["vary"],
            "accept-encoding, available-dictionary",
            "{case}"
        );
        assert_eq!(response.bytes().await.unwrap().as_ref(), b"brotli bytes", "{case}");
    }
}

#[tokio::test]
async fn pages_registries_and_unhashed_files_are_never_dictionaries() {
    let site = site(&[1; 32]);
    std::fs::write(site.path().join("remotes.json"), b"{}").unwrap();
    std::fs::write(site.path().join("portico-frame.js"), b"// frame").unwrap();
    let static_dir = site.path().to_owned();
    let server = TestServer::start_with(|config| config.static_dir = Some(static_dir)).await;
    for (path, mode) in [
        ("/dashboard", "navigate"),
        ("/", "navigate"),
        ("/remotes.json", "cors"),
        ("/portico-frame.js", "cors"),
    ] {
        let response = server
            .client
            .get(server.url(path))
            .header("sec-fetch-mode", mode)
            .header("accept", "text/html")
            .header("available-dictionary", sf_binary(&[1; 32]))
            .header("accept-encoding", "br, dcz")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            !response.headers().contains_key("use-as-dictionary"),
            "{path} must not be a dictionary"
        );
        assert_ne!(
            response
                .headers()
                .get("content-encoding")
                .map(|value| value.to_str().unwrap()),
            Some("dcz"),
            "{path}"
        );
    }
}
