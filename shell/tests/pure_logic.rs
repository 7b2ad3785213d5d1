//! The shell's pure logic, run natively by `cargo test` and in Chromium by `wasm-bindgen-test`: the redirect
//! sanitizer against the open-redirect corpus and our own cases, the guard decisions, the interceptor's origin
//! check and manifest parsing.
//!
//! These tests never touch the network, the DOM or a token.

use shared_types::{CONTRACT_VERSION, ManifestError, RemoteManifest};
use shell::guard::{DEFAULT_AFTER_SIGN_IN, GuardDecision, RouteAccess, decide, login_url, sanitize_redirect};
use shell::origin::may_carry_token;
use shell::session::state::{Session, SignOutReason};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The oauth2-proxy open-redirect corpus; its first line names the source and licence.
const CORPUS: &str = include_str!("fixtures/openredirects.txt");

fn corpus_payloads() -> impl Iterator<Item = &'static str> {
    CORPUS.lines().skip(1)
}

fn check_redirect(candidate: &str, expected: &str) {
    assert_eq!(sanitize_redirect(Some(candidate)), expected, "redirect {candidate:?}");
}

#[test]
fn every_corpus_payload_falls_back_to_dashboard() {
    let mut checked = 0;
    for payload in corpus_payloads() {
        check_redirect(payload, DEFAULT_AFTER_SIGN_IN);
        checked += 1;
    }
    assert!(checked > 500, "the corpus looks truncated: {checked} payloads");
}

#[test]
fn same_origin_paths_survive_sanitizing() {
    check_redirect("/dashboard", "/dashboard");
    check_redirect("/orders/3?x=1", "/orders/3?x=1");
    check_redirect("/orders", "/orders");
}

#[test]
fn classic_open_redirects_fall_back_to_dashboard() {
    for candidate in [
        "//evil.example",
        "///evil.example",
        "https://evil.example/x",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "/\\evil",
        "\\/evil",
        "/%5cevil",
        "/%2f%2fevil.example",
        "/%252f%252fevil.example",
        "/\tevil",
        "data:text/html,x",
    ] {
        check_redirect(candidate, DEFAULT_AFTER_SIGN_IN);
    }
}

#[test]
fn guard_sends_signed_out_users_to_login_with_their_path() {
    let signed_out = Session::SignedOut { reason: None };
    assert_eq!(
        decide(
            RouteAccess::Protected { permission: None },
            &signed_out,
            "/dashboard",
            None
        ),
        GuardDecision::Redirect("/login?redirect=%2Fdashboard".into())
    );
    assert_eq!(login_url("/orders/3"), "/login?redirect=%2Forders%2F3");
    let after_sign_out = Session::SignedOut {
        reason: Some(SignOutReason::UserSignedOut),
    };
    assert_eq!(
        decide(
            RouteAccess::Protected { permission: None },
            &after_sign_out,
            "/orders",
            None
        ),
        GuardDecision::Redirect("/login".into())
    );
    assert_eq!(
        decide(RouteAccess::SignIn, &signed_out, "/login", None),
        GuardDecision::Render
    );
}

#[test]
fn guard_waits_while_the_session_is_unknown() {
    assert_eq!(
        decide(
            RouteAccess::Protected { permission: None },
            &Session::Unknown,
            "/orders",
            None
        ),
        GuardDecision::Wait
    );
    assert_eq!(
        decide(RouteAccess::SignIn, &Session::Unknown, "/login", None),
        GuardDecision::Wait
    );
}

#[test]
fn guard_moves_signed_in_users_off_the_login_page_safely() {
    let signed_in = Session::SignedIn {
        identity: shared_types::IdentityContext::anonymous().signed_in(),
    };
    assert_eq!(
        decide(RouteAccess::SignIn, &signed_in, "/login", Some("//evil.example")),
        GuardDecision::Redirect(DEFAULT_AFTER_SIGN_IN.into())
    );
    assert_eq!(
        decide(RouteAccess::SignIn, &signed_in, "/login", Some("/orders/3?x=1")),
        GuardDecision::Redirect("/orders/3?x=1".into())
    );
}

#[test]
fn token_goes_only_to_the_exact_api_origin() {
    let api = "https://api.example.com";
    let page = "https://app.example.com";
    assert!(may_carry_token("https://api.example.com/api/orders", page, api));
    assert!(!may_carry_token(
        "https://api.example.com.evil.com/api/orders",
        page,
        api
    ));
    assert!(!may_carry_token("https://api.example.com@evil.com/", page, api));
    assert!(!may_carry_token("http://api.example.com/api/orders", page, api));
    assert!(!may_carry_token("https://api.example.com:444/", page, api));
    assert!(!may_carry_token("/api/orders", page, api));
    assert!(may_carry_token("/api/orders", api, api));
    assert!(!may_carry_token("//api.example.com.evil.com/api", api, api));
}

#[test]
fn manifests_are_parsed_and_checked() {
    let digest = "A".repeat(64);
    let json = format!(
        r#"{{"name":"orders","version":"0.1.0","contract":"{CONTRACT_VERSION}","entry_js":"remote_orders-1a2b.js",
            "entry_js_integrity":"sha384-{digest}","entry_wasm":"remote_orders_bg-3c4d.wasm",
            "entry_wasm_integrity":"sha384-{digest}","routes":["/orders","/orders/:id"],"permissions":["orders:read"]}}"#
    );
    let manifest = RemoteManifest::parse(&json, "orders").unwrap();
    assert_eq!(
        manifest.entry_urls("/remotes/orders/remote.json").0,
        "/remotes/orders/remote_orders-1a2b.js"
    );
    let escaping = json.replace("remote_orders-1a2b.js", "../../shell.js");
    assert!(matches!(
        RemoteManifest::parse(&escaping, "orders"),
        Err(ManifestError::InvalidEntry { .. })
    ));
    let future = json.replace(&format!(r#""contract":"{CONTRACT_VERSION}""#), r#""contract":"999.0""#);
    assert!(matches!(
        RemoteManifest::parse(&future, "orders"),
        Err(ManifestError::ContractMismatch { .. })
    ));
}
