//! Serde compatibility of the contract: every message type against a golden JSON file in `tests/golden/`.
//!
//! A change that alters the wire format fails here, so it is a deliberate decision (a new golden file and, when a
//! remote built against the old format would break, a major bump of `CONTRACT_VERSION`) and never an accident.
//! Each file is also read and written with `shared_types::json`, the codec the shell and remotes use, which must
//! agree with `serde_json` byte for byte.
//! `UPDATE_GOLDEN=1 cargo test -p shared-types --test golden` rewrites the files after such a decision.

use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared_types::frame::{Appearance, FromFrame, LoadRemote, ToFrame};
use shared_types::{
    AuthEvent, CONTRACT_VERSION, FetchReply, FetchRequest, FetchResponse, HostContext, IdentityContext, LoadStage,
    Registry, RemoteManifest, SignInRequest, SignInResult, SignOutReason,
};

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"))
}

/// `value` serializes to exactly the golden file, and the golden file reads back as `value`.
fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, value: &T) {
    let path = golden_path(name);
    let json = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("no golden file {}", path.display()));
    assert_eq!(json, golden, "{name} no longer serializes as its golden file");
    assert_eq!(
        &serde_json::from_str::<T>(&golden).unwrap(),
        value,
        "{name} no longer reads its golden file"
    );
    assert_eq!(
        shared_types::json::to_string(value).unwrap(),
        serde_json::to_string(value).unwrap(),
        "{name}: the wasm codec writes other JSON than serde_json"
    );
    assert_eq!(
        &shared_types::json::from_str::<T>(&golden).unwrap(),
        value,
        "{name}: the wasm codec reads the golden file otherwise"
    );
}

fn identity() -> IdentityContext {
    IdentityContext {
        authenticated: true,
        user_id: "u-alice".into(),
        display_name: "Alice Anderson".into(),
        roles: vec!["customer".into()],
        permissions: vec!["orders:read".into(), "orders:create".into()],
        tenant: "acme".into(),
        locale: "en-US".into(),
    }
}

#[test]
fn identity_context_keeps_its_wire_format() {
    check("identity_context", &identity());
}

#[test]
fn host_context_keeps_its_wire_format() {
    check(
        "host_context",
        &HostContext {
            identity: identity(),
            path: "/orders/3?x=1".into(),
        },
    );
}

#[test]
fn fetch_messages_keep_their_wire_format() {
    check(
        "fetch_request",
        &FetchRequest {
            timeout_ms: Some(5_000),
            ..FetchRequest::post_json("/api/orders", r#"{"item":"Tea"}"#.into())
        },
    );
    check(
        "fetch_replies",
        &vec![
            FetchReply::Response(FetchResponse {
                status: 201,
                body: "{}".into(),
            }),
            FetchReply::Network,
            FetchReply::Timeout,
            FetchReply::SessionExpired,
            FetchReply::Refused("not an /api/ path".into()),
            FetchReply::Denied("GET /api/admin/users".into()),
        ],
    );
}

#[test]
fn sign_in_messages_keep_their_wire_format() {
    check(
        "sign_in_request",
        &SignInRequest {
            username: "alice".into(),
            password: "alice-password".into(),
        },
    );
    check(
        "sign_in_results",
        &vec![
            SignInResult::SignedIn,
            SignInResult::InvalidCredentials,
            SignInResult::TooManyAttempts { retry_after_secs: 30 },
            SignInResult::Invalid,
            SignInResult::Failed,
        ],
    );
}

#[test]
fn auth_events_keep_their_wire_format() {
    check(
        "auth_events",
        &vec![
            AuthEvent::SignedIn,
            AuthEvent::SignedOut {
                reason: SignOutReason::UserSignedOut,
            },
            AuthEvent::SessionExpired,
            AuthEvent::TokenRefreshed,
            AuthEvent::RefreshFailed { attempt: 2 },
            AuthEvent::RemoteLoadFailed {
                remote: "orders".into(),
                stage: LoadStage::Code,
            },
            AuthEvent::AccessDenied {
                route: "/admin".into(),
                permission: "users:read".into(),
            },
        ],
    );
}

#[test]
fn manifest_and_registry_keep_their_wire_format() {
    check(
        "remote_manifest",
        &RemoteManifest {
            name: "orders".into(),
            version: "0.1.0".into(),
            contract: CONTRACT_VERSION,
            entry_js: "remote_orders-0123456789abcdef.js".into(),
            entry_js_integrity: format!("sha384-{}", "J".repeat(64)),
            entry_wasm: "remote_orders_bg-0123456789abcdef.wasm".into(),
            entry_wasm_integrity: format!("sha384-{}", "W".repeat(64)),
            entry_css: Some("style-0123456789abcdef.css".into()),
            entry_css_integrity: Some(format!("sha384-{}", "C".repeat(64))),
            routes: vec!["/orders".into(), "/orders/:id".into()],
            permissions: vec!["orders:read".into()],
            capabilities: Some(shared_types::Capabilities {
                api: vec!["GET /api/orders".into(), "POST /api/orders".into()],
                events: vec!["signed_out".into()],
            }),
        },
    );
    check(
        "registry",
        &Registry::parse(
            r#"{"remotes":{"auth":"/remotes/auth/remote.json","orders":"/remotes/orders/remote.json"},
                "isolated":["orders"],
                "grants":{"orders":{"api":["GET /api/orders","GET /api/orders/{id}"],"events":["signed_out"]}}}"#,
        )
        .unwrap(),
    );
}

#[test]
fn frame_messages_keep_their_wire_format() {
    check(
        "to_frame",
        &vec![
            ToFrame::Load(Box::new(LoadRemote {
                remote: "orders".into(),
                js: "/remotes/orders/remote_orders-0123456789abcdef.js".into(),
                js_integrity: format!("sha384-{}", "J".repeat(64)),
                wasm: "/remotes/orders/remote_orders_bg-0123456789abcdef.wasm".into(),
                wasm_integrity: format!("sha384-{}", "W".repeat(64)),
                css: None,
                css_integrity: None,
                shell_css: "/style-0123456789abcdef.css".into(),
                appearance: Appearance {
                    lang: "en".into(),
                    dir: "ltr".into(),
                    theme: String::new(),
                },
                context: r#"{"identity":{},"path":"/orders"}"#.into(),
            })),
            ToFrame::Mount,
            ToFrame::Unmount,
            ToFrame::Context {
                context: r#"{"identity":{},"path":"/orders/1"}"#.into(),
            },
            ToFrame::Event {
                event: r#"{"event":"signed_in"}"#.into(),
            },
            ToFrame::Reply {
                id: 7,
                reply: r#""network""#.into(),
            },
            ToFrame::Appearance(Appearance {
                lang: "ar".into(),
                dir: "rtl".into(),
                theme: "dark".into(),
            }),
            ToFrame::FocusHeading,
        ],
    );
    check(
        "from_frame",
        &vec![
            FromFrame::Loaded {
                contract: CONTRACT_VERSION.to_string(),
            },
            FromFrame::Mounted,
            FromFrame::Failed {
                stage: "integrity".into(),
                error: "does not match its digest".into(),
            },
            FromFrame::Fetch {
                id: 7,
                request: r#"{"method":"GET","path":"/api/orders"}"#.into(),
            },
            FromFrame::Navigate {
                path: "/orders/1".into(),
            },
            FromFrame::Size { height: 420 },
        ],
    );
}

#[test]
fn dev_build_states_keep_their_wire_format() {
    use shared_types::dev_builds::{DevBuildFailure, DevBuildOutcome, DevBuilds, DevRemoteBuild, SourceLocation};
    let manifest: RemoteManifest =
        serde_json::from_str(&std::fs::read_to_string(golden_path("remote_manifest")).unwrap()).unwrap();
    check(
        "dev_builds",
        &DevBuilds {
            remotes: vec![
                DevRemoteBuild {
                    remote: "orders".into(),
                    building: true,
                    outcome: DevBuildOutcome::Built(Box::new(manifest)),
                },
                DevRemoteBuild {
                    remote: "admin".into(),
                    building: false,
                    outcome: DevBuildOutcome::Failed(DevBuildFailure {
                        location: Some(SourceLocation {
                            file: "remotes/admin/src/lib.rs".into(),
                            line: 12,
                            column: 5,
                        }),
                        message: "mismatched types".into(),
                        detail: "error[E0308]: mismatched types".into(),
                    }),
                },
            ],
        },
    );
}
