//! Serving a built shell and its remotes from one origin (`--static-dir`).
//!
//! Content-hashed files are cached forever and offered as compression dictionaries (see
//! [`compression_dictionary`]); `index.html` and JSON manifests are revalidated on every use, so a
//! remote redeployed under a new hash is picked up at the next navigation. Only navigations fall back to
//! `index.html`: a missing `.js`, `.wasm` or `.json` is a real 404, never an HTML page with the wrong type.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use tower::ServiceExt;
use tower::service_fn;
use tower_http::services::ServeDir;

use crate::compression_dictionary;
use crate::problem::ApiError;
use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// A service serving `dir`, with cache headers, compression dictionaries and the navigation-only SPA fallback.
pub fn service(dir: &Path) -> MethodRouter<Arc<AppState>> {
    let root = dir.to_owned();
    let index = dir.join("index.html");
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .fallback(service_fn(move |request: Request| spa_fallback(index.clone(), request)));
    axum::routing::any_service(service_fn(move |request: Request| {
        let files = files.clone();
        let root = root.clone();
        async move {
            let path = request.uri().path().to_owned();
            let variant = match requested_variant(&root, &request) {
                Some(wanted) => wanted.read().await,
                None => None,
            };
            let mut response = match variant {
                Some(variant) => variant,
                None => files.oneshot(request).await.map(IntoResponse::into_response)?,
            };
            if let Some(pattern) = compression_dictionary::use_as_dictionary(&path) {
                let headers = response.headers_mut();
                headers.insert(
                    header::VARY,
                    HeaderValue::from_static("accept-encoding, available-dictionary"),
                );
                if response.status().is_success()
                    && let Ok(pattern) = HeaderValue::from_str(&pattern)
                {
                    response.headers_mut().insert("use-as-dictionary", pattern);
                }
            }
            if is_frame_loaded(&path) {
                let headers = response.headers_mut();
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
                // Lets the frame's own Resource Timing show sizes (the bench reads them); the files are public.
                headers.insert("timing-allow-origin", HeaderValue::from_static("*"));
            }
            let cache = if response.status().is_success() && is_content_hashed(&path) {
                IMMUTABLE
            } else {
                REVALIDATE
            };
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            Ok::<_, Infallible>(response)
        }
    }))
}

/// A `dcz` variant a request asks for: the client accepts `dcz` and names a dictionary in `Available-Dictionary`.
struct WantedVariant {
    path: PathBuf,
    content_type: &'static str,
    head: bool,
}

impl WantedVariant {
    /// The variant as a response, or `None` when the build wrote none for that dictionary (the request then goes
    /// on to the plain files).
    async fn read(self) -> Option<Response> {
        let body = tokio::fs::read(&self.path).await.ok()?;
        let length = body.len();
        let mut response = Response::new(if self.head { Body::empty() } else { Body::from(body) });
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(compression_dictionary::DCZ),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        Some(response)
    }
}

/// The variant file `request` could be answered with, if it asks for one of a dictionary-eligible file.
fn requested_variant(root: &Path, request: &Request) -> Option<WantedVariant> {
    let path = request.uri().path();
    let head = *request.method() == Method::HEAD;
    if !(head || *request.method() == Method::GET)
        || compression_dictionary::use_as_dictionary(path).is_none()
        || path.contains("..")
        || path.contains('%')
        || path.contains('\\')
    {
        return None;
    }
    let hash = compression_dictionary::available_dictionary(request.headers())?;
    if !compression_dictionary::accepts(request.headers(), compression_dictionary::DCZ) {
        return None;
    }
    let file = root.join(path.trim_start_matches('/'));
    Some(WantedVariant {
        path: compression_dictionary::variant_path(&file, &hash),
        content_type: if path.ends_with(".wasm") {
            "application/wasm"
        } else {
            "text/javascript"
        },
        head,
    })
}

async fn spa_fallback(index: PathBuf, request: Request) -> Result<Response, Infallible> {
    if !is_navigation(&request) {
        return Ok(ApiError::NotFound.into_response());
    }
    Ok(match tokio::fs::read(&index).await {
        Ok(html) => {
            let mut response = Response::new(Body::from(html));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Err(error) => {
            tracing::error!("could not read {}: {error}", index.display());
            (StatusCode::NOT_FOUND, "index.html is missing from the static directory").into_response()
        }
    })
}

/// Files an isolated remote's frame loads from its opaque origin, which the browser fetches in CORS mode: the frame
/// script and every remote's files (public, content-addressed code; the registry and the app's pages are not
/// among them).
fn is_frame_loaded(path: &str) -> bool {
    path == FRAME_SCRIPT || (path.starts_with("/remotes/") && !path.contains(".."))
}

/// The isolated-remote frame's own script, next to [`shared_types::frame::FRAME_DOCUMENT`].
const FRAME_SCRIPT: &str = "/portico-frame.js";

/// A browser navigating to an app route, as opposed to a script, module, wasm or data fetch.
fn is_navigation(request: &Request) -> bool {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return false;
    }
    let last_segment = request.uri().path().rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return false;
    }
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    };
    match header("sec-fetch-mode") {
        "" => header("accept").contains("text/html"),
        mode => mode == "navigate",
    }
}

/// The fewest hex digits a name part needs to count as a content hash. Remote builds write 16; Trunk writes its
/// 64-bit hash without leading zeros, so one shell build in sixteen has 15 digits (and one in 65,536 fewer than 12).
const HASH_DIGITS: usize = 12;

/// Whether a file name carries a content hash (a part of [`HASH_DIGITS`] or more hex digits between separators),
/// like Trunk's and the remote builds' output.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split(['-', '.', '_'])
        .any(|part| part.len() >= HASH_DIGITS && part.bytes().all(|byte| byte.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_and_remote_outputs_count_as_hashed() {
        assert!(is_content_hashed("/shell-4f2a9c0b1d3e5f67_bg.wasm"));
        assert!(
            is_content_hashed("/shell-4a04b999ede4465_bg.wasm"),
            "Trunk drops leading zeros"
        );
        assert!(!is_content_hashed("/shell-4a04b999ede_bg.wasm"));
        assert!(is_content_hashed("/remotes/orders/remote_orders-0123456789abcdef.js"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/remotes.json"));
        assert!(!is_content_hashed("/remotes/orders/remote.json"));
    }

    fn request(path: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_navigations_to_extensionless_paths_fall_back() {
        assert!(is_navigation(&request("/orders/3", &[("sec-fetch-mode", "navigate")])));
        assert!(is_navigation(&request("/dashboard", &[("accept", "text/html,*/*")])));
        assert!(!is_navigation(&request(
            "/missing.js",
            &[("sec-fetch-mode", "navigate")]
        )));
        assert!(!is_navigation(&request("/remote.wasm", &[("accept", "text/html")])));
        assert!(!is_navigation(&request(
            "/dashboard",
            &[("sec-fetch-mode", "cors"), ("accept", "text/html")]
        )));
        assert!(!is_navigation(&request("/dashboard", &[])));
    }
}
