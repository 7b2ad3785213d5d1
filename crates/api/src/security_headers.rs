//! Security headers on every response, and the Content-Security-Policy they carry.
//!
//! The policy allows scripts from our own origin plus the exact inline scripts found in the served `index.html`
//! (Trunk's loader), by SHA-256 hash: never `unsafe-inline` or `unsafe-eval`. `'wasm-unsafe-eval'` lets the
//! browser compile our WebAssembly.
//!
//! The one exception is the isolated-remote frame document ([`FRAME_DOCUMENT`]): it gets its own, stricter policy
//! (nothing but our own scripts and wasm, no network beyond this origin's files, no nested frames, no forms), and
//! may be framed by this origin's pages only.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use shared_types::frame::FRAME_DOCUMENT;

use crate::state::AppState;

/// The policy of the isolated-remote frame document. In its sandbox the document's origin is opaque; `'self'`
/// still names the server it came from, so the remote's verified files (served with `Access-Control-Allow-Origin:
/// *`) load, while cookies, storage, other origins and the shell's DOM stay out of reach.
pub const FRAME_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; child-src 'none'; \
     object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/// Builds the policy, allowing each of `inline_scripts` by hash.
pub fn content_security_policy(inline_scripts: &[String]) -> String {
    let hashes: String = inline_scripts
        .iter()
        .map(|script| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(script.as_bytes()))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The bodies of the inline `<script>` elements (those without `src`) of an HTML page.
pub fn inline_scripts(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut cursor = 0;
    while let Some(start) = lower[cursor..].find("<script").map(|offset| cursor + offset) {
        let Some(tag_end) = lower[start..].find('>').map(|offset| start + offset) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|offset| tag_end + offset) else {
            break;
        };
        let tag = &lower[start..tag_end];
        if !tag.contains(" src=") && !tag.contains("\tsrc=") && !tag.contains("\nsrc=") {
            scripts.push(html[tag_end + 1..close].to_owned());
        }
        cursor = close;
    }
    scripts
}

/// Adds the security headers to a response.
pub async fn add_security_headers(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let frame_document = request.uri().path() == FRAME_DOCUMENT;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if frame_document {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FRAME_CONTENT_SECURITY_POLICY),
        );
    } else if let Ok(policy) = HeaderValue::from_str(&state.content_security_policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    let framing = if frame_document { "SAMEORIGIN" } else { "DENY" };
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static(framing));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_collected() {
        let html = r#"<html><head><script src="/a.js"></script><SCRIPT type="module">import init from '/x.js';</SCRIPT>
            </head><body><script>one()</script></body></html>"#;
        assert_eq!(
            inline_scripts(html),
            vec!["import init from '/x.js';".to_owned(), "one()".to_owned()]
        );
    }

    #[test]
    fn policy_is_strict_and_pins_inline_scripts_by_hash() {
        let policy = content_security_policy(&["alert(1)".to_owned()]);
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
        assert!(policy.contains("'wasm-unsafe-eval'") && policy.contains("frame-ancestors 'none'"));
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert!(
            policy.contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"),
            "{policy}"
        );
    }
}
