//! Cross-site request defences for the cookie-authenticated endpoints under `/api/auth`.
//!
//! The refresh cookie is `SameSite=Strict`, so browsers do not attach it to cross-site requests. On top of that,
//! every auth request is refused when `Sec-Fetch-Site` says `cross-site` or when an `Origin` header names an
//! origin outside the allow-list, and the cookie endpoints also need `X-Requested-With: portico`, a header a
//! cross-origin page cannot add without a CORS preflight, which this server never approves.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::problem::ApiError;
use crate::state::AppState;

/// The header and value the shell sends with every cookie-authenticated request.
pub const CSRF_HEADER: &str = "x-requested-with";
/// See [`CSRF_HEADER`].
pub const CSRF_HEADER_VALUE: &str = "portico";

/// Refuses requests that a browser marks as cross-site or that come from an origin not on the allow-list.
pub async fn reject_cross_site(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    match check_origin(request.headers(), &state.allowed_origins) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Refuses requests without the custom header (cookie endpoints only).
pub async fn require_custom_header(request: Request, next: Next) -> Response {
    match check_custom_header(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

fn check_origin(headers: &HeaderMap, allowed_origins: &[String]) -> Result<(), ApiError> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|value| value.to_str().ok());
    if fetch_site.is_some_and(|site| site.eq_ignore_ascii_case("cross-site")) {
        return Err(ApiError::CrossSiteRequest);
    }
    if let Some(origin) = headers.get("origin") {
        let origin = origin.to_str().map_err(|_| ApiError::CrossSiteRequest)?;
        if !allowed_origins
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
        {
            return Err(ApiError::CrossSiteRequest);
        }
    }
    Ok(())
}

/// Whether the request carries `X-Requested-With: portico`.
pub fn has_csrf_header(headers: &HeaderMap) -> bool {
    headers
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case(CSRF_HEADER_VALUE))
}

fn check_custom_header(headers: &HeaderMap) -> Result<(), ApiError> {
    if has_csrf_header(headers) {
        Ok(())
    } else {
        Err(ApiError::CrossSiteRequest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect()
    }

    fn allowed() -> Vec<String> {
        vec!["http://127.0.0.1:8080".to_owned()]
    }

    #[test]
    fn same_origin_and_originless_requests_pass() {
        assert!(check_origin(&headers(&[]), &allowed()).is_ok());
        assert!(
            check_origin(
                &headers(&[("origin", "http://127.0.0.1:8080"), ("sec-fetch-site", "same-origin")]),
                &allowed()
            )
            .is_ok()
        );
    }

    #[test]
    fn foreign_null_and_cross_site_requests_are_refused() {
        assert!(check_origin(&headers(&[("origin", "https://evil.example")]), &allowed()).is_err());
        assert!(check_origin(&headers(&[("origin", "null")]), &allowed()).is_err());
        assert!(
            check_origin(
                &headers(&[("origin", "http://127.0.0.1:8080.evil.example")]),
                &allowed()
            )
            .is_err()
        );
        assert!(check_origin(&headers(&[("sec-fetch-site", "cross-site")]), &allowed()).is_err());
    }

    #[test]
    fn custom_header_must_name_portico() {
        assert!(check_custom_header(&headers(&[("x-requested-with", "portico")])).is_ok());
        assert!(check_custom_header(&headers(&[("x-requested-with", "XMLHttpRequest")])).is_err());
        assert!(check_custom_header(&headers(&[])).is_err());
    }
}
