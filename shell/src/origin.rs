//! The interceptor's origin check: may a request to this URL carry the access token?
//!
//! Only when the request's parsed origin equals the API origin exactly. Prefix or substring matches would leak
//! the token to `https://api.example.com.evil.com`; anything this parser does not fully understand is refused.

/// The origin (`scheme://host[:port]`, lowercase, default port dropped) `url` would be sent to, resolved against
/// `page_origin` for root-relative paths. `None` for anything not plainly `http(s)` or root-relative.
pub fn request_origin(url: &str, page_origin: &str) -> Option<String> {
    if url.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\') {
        return None;
    }
    if url.starts_with('/') {
        return if url.starts_with("//") {
            None
        } else {
            normalize_origin(page_origin)
        };
    }
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    origin_from_parts(scheme, authority)
}

/// `origin` in canonical form, or `None` if it is not a plain `http(s)://host[:port]`.
pub fn normalize_origin(origin: &str) -> Option<String> {
    let (scheme, authority) = origin.split_once("://")?;
    origin_from_parts(scheme, authority.strip_suffix('/').unwrap_or(authority))
}

/// Whether a request to `url` may carry the token for `api_origin`.
pub fn may_carry_token(url: &str, page_origin: &str, api_origin: &str) -> bool {
    match (request_origin(url, page_origin), normalize_origin(api_origin)) {
        (Some(request), Some(api)) => request == api,
        _ => false,
    }
}

fn origin_from_parts(scheme: &str, authority: &str) -> Option<String> {
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    if authority.is_empty() || authority.contains(['@', '/', '?', '#', '%']) {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
            let port: u16 = port.parse().ok()?;
            (host, Some(port))
        }
        _ => (authority, None),
    };
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    if !valid_host {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(match port {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: &str = "https://api.example.com";
    const PAGE: &str = "https://app.example.com";

    fn check(url: &str, carries: bool) {
        assert_eq!(may_carry_token(url, PAGE, API), carries, "{url}");
    }

    #[test]
    fn exact_api_origin_carries_the_token() {
        check("https://api.example.com/api/orders", true);
        check("https://api.example.com", true);
        check("HTTPS://API.EXAMPLE.COM/api/orders", true);
        check("https://api.example.com:443/api/orders", true);
        check("https://api.example.com?x=1", true);
    }

    #[test]
    fn lookalike_origins_never_carry_the_token() {
        check("https://api.example.com.evil.com/api/orders", false);
        check("https://api.example.com@evil.com/api/orders", false);
        check("https://evil.com/https://api.example.com", false);
        check("https://evilapi.example.com/api", false);
        check("http://api.example.com/api/orders", false);
        check("https://api.example.com:8443/api/orders", false);
        check("//api.example.com/api/orders", false);
        check("https:\\\\api.example.com/api/orders", false);
        check("javascript:alert(1)", false);
        check("api/orders", false);
    }

    #[test]
    fn root_relative_paths_use_the_page_origin() {
        assert!(may_carry_token("/api/orders", API, API));
        assert!(!may_carry_token("/api/orders", PAGE, API));
        assert!(!may_carry_token("//evil.com/api", API, API));
        assert_eq!(
            request_origin("/api/orders", "http://127.0.0.1:3000").unwrap(),
            "http://127.0.0.1:3000"
        );
        assert_eq!(normalize_origin("http://127.0.0.1:80/").unwrap(), "http://127.0.0.1");
    }
}
