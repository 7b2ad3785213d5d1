//! Route guards: decide, from the session state alone, whether a route may render, and sanitize the
//! `redirect` target a sign-in returns to.
//!
//! Guards never fetch remote code and never see a token; they return a decision the router acts on. The
//! sanitizer accepts only plain same-origin paths and is deliberately stricter than any browser.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::session::state::{Session, SignOutReason};

/// Where a signed-in user goes when there is no usable redirect target.
pub const DEFAULT_AFTER_SIGN_IN: &str = "/dashboard";
/// The sign-in route.
pub const LOGIN_PATH: &str = "/login";
/// How many layers of percent-encoding the sanitizer peels before it gives up and refuses.
const MAX_DECODE_ROUNDS: usize = 4;
/// Characters left unescaped in the `redirect` query value (RFC 3986 unreserved).
const REDIRECT_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Who may see a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteAccess {
    /// Only signed-in users (others are sent to sign in) who hold `permission`, when the route names one.
    Protected { permission: Option<&'static str> },
    /// The sign-in page; signed-in users are sent on.
    SignIn,
    /// `/`: sends everyone somewhere depending on the session.
    Root,
}

/// What the router should do with a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardDecision {
    /// Render the route.
    Render,
    /// The session is not known yet: show a skeleton, never the sign-in form.
    Wait,
    /// Replace the current history entry with this in-app path.
    Redirect(String),
    /// Signed in, but without the permission the route requires: show the no-access page, load nothing.
    Denied { permission: &'static str },
    /// The server could not be reached while restoring the session: show the outage page with "Retry".
    Unreachable,
}

/// Decides what to do with a route given the session, the current path with query, and the `redirect` query
/// value if there is one.
pub fn decide(access: RouteAccess, session: &Session, path_and_query: &str, redirect: Option<&str>) -> GuardDecision {
    match (access, session) {
        (_, Session::Unknown | Session::SigningOut) => GuardDecision::Wait,
        (_, Session::Unreachable { .. }) => GuardDecision::Unreachable,
        (RouteAccess::Protected { permission: None }, Session::SignedIn { .. }) => GuardDecision::Render,
        (
            RouteAccess::Protected {
                permission: Some(permission),
            },
            Session::SignedIn { identity },
        ) => {
            if identity.can(permission) {
                GuardDecision::Render
            } else {
                GuardDecision::Denied { permission }
            }
        }
        (RouteAccess::Protected { .. }, Session::SignedOut { reason }) => match reason {
            Some(SignOutReason::UserSignedOut | SignOutReason::SignedOutElsewhere) => {
                GuardDecision::Redirect(LOGIN_PATH.to_owned())
            }
            Some(SignOutReason::SessionExpired) | None => GuardDecision::Redirect(login_url(path_and_query)),
        },
        (RouteAccess::SignIn, Session::SignedIn { .. }) => GuardDecision::Redirect(sanitize_redirect(redirect)),
        (RouteAccess::SignIn, Session::SignedOut { .. }) => GuardDecision::Render,
        (RouteAccess::Root, Session::SignedIn { .. }) => GuardDecision::Redirect(DEFAULT_AFTER_SIGN_IN.to_owned()),
        (RouteAccess::Root, Session::SignedOut { .. }) => GuardDecision::Redirect(LOGIN_PATH.to_owned()),
    }
}

/// The in-app location as the guard and the remotes see it: the path, plus `?search` when there is one.
pub fn path_and_query(path: &str, search: &str) -> String {
    if search.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{search}")
    }
}

/// `/login?redirect=<path and query>`, with the target fully percent-encoded.
pub fn login_url(path_and_query: &str) -> String {
    format!(
        "{LOGIN_PATH}?redirect={}",
        utf8_percent_encode(path_and_query, REDIRECT_VALUE)
    )
}

/// The in-app path to go to after sign-in: `redirect` if it is a plain same-origin path, else the dashboard.
pub fn sanitize_redirect(redirect: Option<&str>) -> String {
    redirect
        .filter(|candidate| is_safe_redirect(candidate))
        .unwrap_or(DEFAULT_AFTER_SIGN_IN)
        .to_owned()
}

/// Whether `candidate` is a plain same-origin path, judged on every layer of percent-decoding.
///
/// Accepted: ASCII, starting with one `/`, with no `//`, `\`, `@`, `:`, `..`, whitespace, control or markup
/// characters anywhere, before or after decoding. Anything that does not settle after a few rounds of decoding
/// is refused.
pub fn is_safe_redirect(candidate: &str) -> bool {
    let mut layer = candidate.to_owned();
    for _ in 0..MAX_DECODE_ROUNDS {
        if !is_plain_path(&layer) {
            return false;
        }
        let Ok(decoded) = percent_decode_str(&layer).decode_utf8() else {
            return false;
        };
        if decoded == layer {
            return true;
        }
        layer = decoded.into_owned();
    }
    false
}

fn is_plain_path(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !path.contains("//")
        && !path.contains("..")
        && path.chars().all(is_plain_path_char)
}

fn is_plain_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~' | '?' | '=' | '&' | '%' | '+' | ',')
}

#[cfg(test)]
mod tests {
    use shared_types::IdentityContext;

    use super::*;

    const PROTECTED: RouteAccess = RouteAccess::Protected { permission: None };

    fn check(candidate: &str, expected: &str) {
        assert_eq!(sanitize_redirect(Some(candidate)), expected, "redirect {candidate:?}");
    }

    fn signed_in() -> Session {
        Session::SignedIn {
            identity: IdentityContext::anonymous().signed_in(),
        }
    }

    #[test]
    fn location_joins_the_query_only_when_there_is_one() {
        assert_eq!(path_and_query("/orders", ""), "/orders");
        assert_eq!(path_and_query("/orders", "page=2"), "/orders?page=2");
    }

    #[test]
    fn plain_paths_are_kept() {
        check("/dashboard", "/dashboard");
        check("/orders/3?x=1", "/orders/3?x=1");
        check("/orders?page=2&sort=id", "/orders?page=2&sort=id");
        check("/orders%2F3", "/orders%2F3");
    }

    #[test]
    fn protocol_relative_redirect_falls_back_to_dashboard() {
        check("//evil.example", DEFAULT_AFTER_SIGN_IN);
        check("/%2F/evil.example", DEFAULT_AFTER_SIGN_IN);
        check("/%252F%252Fevil.example", DEFAULT_AFTER_SIGN_IN);
    }

    #[test]
    fn schemes_backslashes_and_userinfo_fall_back_to_dashboard() {
        for candidate in [
            "https://evil.example/x",
            "javascript:alert(1)",
            "/\\evil",
            "/%5Cevil",
            "\\\\evil",
            "/x@evil.example",
            "/orders/../admin",
            "/%09/evil.example",
            "/orders\n",
            " /orders",
            "",
            "orders",
            "/ünïcode",
            "/%ff",
        ] {
            check(candidate, DEFAULT_AFTER_SIGN_IN);
        }
        assert_eq!(sanitize_redirect(None), DEFAULT_AFTER_SIGN_IN);
    }

    #[test]
    fn unknown_session_waits_on_every_route() {
        for access in [PROTECTED, RouteAccess::SignIn, RouteAccess::Root] {
            assert_eq!(decide(access, &Session::Unknown, "/x", None), GuardDecision::Wait);
            assert_eq!(decide(access, &Session::SigningOut, "/x", None), GuardDecision::Wait);
            assert_eq!(
                decide(access, &Session::Unreachable { attempt: 1 }, "/x", None),
                GuardDecision::Unreachable
            );
        }
    }

    #[test]
    fn signed_out_user_on_protected_route_goes_to_login_with_redirect() {
        let session = Session::SignedOut { reason: None };
        assert_eq!(
            decide(PROTECTED, &session, "/dashboard", None),
            GuardDecision::Redirect("/login?redirect=%2Fdashboard".into())
        );
        assert_eq!(
            decide(PROTECTED, &session, "/orders/3?x=1", None),
            GuardDecision::Redirect("/login?redirect=%2Forders%2F3%3Fx%3D1".into())
        );
        let signed_out = Session::SignedOut {
            reason: Some(SignOutReason::UserSignedOut),
        };
        assert_eq!(
            decide(PROTECTED, &signed_out, "/orders", None),
            GuardDecision::Redirect(LOGIN_PATH.into())
        );
    }

    #[test]
    fn a_route_permission_the_user_lacks_is_denied_and_one_they_hold_renders() {
        let admin_only = RouteAccess::Protected {
            permission: Some("users:read"),
        };
        assert_eq!(
            decide(admin_only, &signed_in(), "/admin", None),
            GuardDecision::Denied {
                permission: "users:read"
            }
        );
        let admin = Session::SignedIn {
            identity: IdentityContext {
                permissions: vec!["users:read".into()],
                ..IdentityContext::anonymous()
            }
            .signed_in(),
        };
        assert_eq!(decide(admin_only, &admin, "/admin", None), GuardDecision::Render);
        assert_eq!(
            decide(admin_only, &Session::SignedOut { reason: None }, "/admin", None),
            GuardDecision::Redirect("/login?redirect=%2Fadmin".into())
        );
    }

    #[test]
    fn expiry_keeps_the_place_and_signing_out_elsewhere_does_not() {
        let expired = Session::SignedOut {
            reason: Some(SignOutReason::SessionExpired),
        };
        assert_eq!(
            decide(PROTECTED, &expired, "/orders/3", None),
            GuardDecision::Redirect("/login?redirect=%2Forders%2F3".into())
        );
        let elsewhere = Session::SignedOut {
            reason: Some(SignOutReason::SignedOutElsewhere),
        };
        assert_eq!(
            decide(PROTECTED, &elsewhere, "/orders/3", None),
            GuardDecision::Redirect(LOGIN_PATH.into())
        );
    }

    #[test]
    fn signed_in_user_at_login_goes_to_the_sanitized_redirect() {
        assert_eq!(
            decide(RouteAccess::SignIn, &signed_in(), "/login", None),
            GuardDecision::Redirect(DEFAULT_AFTER_SIGN_IN.into())
        );
        assert_eq!(
            decide(RouteAccess::SignIn, &signed_in(), "/login", Some("/orders/7")),
            GuardDecision::Redirect("/orders/7".into())
        );
        assert_eq!(
            decide(
                RouteAccess::SignIn,
                &signed_in(),
                "/login",
                Some("https://evil.example/x")
            ),
            GuardDecision::Redirect(DEFAULT_AFTER_SIGN_IN.into())
        );
        assert_eq!(decide(PROTECTED, &signed_in(), "/orders", None), GuardDecision::Render);
    }

    #[test]
    fn root_redirects_by_session() {
        assert_eq!(
            decide(RouteAccess::Root, &signed_in(), "/", None),
            GuardDecision::Redirect(DEFAULT_AFTER_SIGN_IN.into())
        );
        assert_eq!(
            decide(RouteAccess::Root, &Session::SignedOut { reason: None }, "/", None),
            GuardDecision::Redirect(LOGIN_PATH.into())
        );
    }
}
