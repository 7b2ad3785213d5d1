//! Capabilities: what a remote may ask of its host. A remote's manifest declares what it needs (API calls as
//! method plus path pattern, and the events it subscribes to); the registry grants each remote its own list. The
//! shell lets a remote do only what it both declared and was granted, trusted and isolated remotes alike, and
//! answers anything else with [`FetchReply::Denied`](crate::FetchReply::Denied).

use serde::{Deserialize, Serialize};

/// A list of capabilities, as a manifest declares them and as the registry grants them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// API calls, each `METHOD /api/path` where a `{name}` segment matches any one non-empty segment, e.g.
    /// `GET /api/orders/{id}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api: Vec<String>,
    /// Host events the remote receives, by their `event` name (e.g. `signed_out`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
}

/// Why a capability list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapabilityError {
    /// An API capability is not `METHOD /api/...` with a known method.
    #[error("`{0}` is not an API capability such as `GET /api/orders/{{id}}`")]
    InvalidApi(String),
    /// An event name is empty or has characters other than lowercase letters and `_`.
    #[error("`{0}` is not an event name")]
    InvalidEvent(String),
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

impl Capabilities {
    /// Checks every entry's shape.
    pub fn validate(&self) -> Result<(), CapabilityError> {
        for entry in &self.api {
            if parse_api(entry).is_none() {
                return Err(CapabilityError::InvalidApi(entry.clone()));
            }
        }
        for event in &self.events {
            if event.is_empty() || !event.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(CapabilityError::InvalidEvent(event.clone()));
            }
        }
        Ok(())
    }

    /// What both lists allow: the shell's effective grant for a remote that `self` declared and `granted` allows.
    pub fn intersect(&self, granted: &Capabilities) -> Capabilities {
        Capabilities {
            api: self
                .api
                .iter()
                .filter(|entry| granted.api.contains(entry))
                .cloned()
                .collect(),
            events: self
                .events
                .iter()
                .filter(|event| granted.events.contains(event))
                .cloned()
                .collect(),
        }
    }

    /// Whether an API call of `method` to `path` (query ignored) is allowed.
    pub fn allows_call(&self, method: &str, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        self.api
            .iter()
            .filter_map(|entry| parse_api(entry))
            .any(|(allowed, pattern)| allowed.eq_ignore_ascii_case(method) && pattern_matches(pattern, path))
    }

    /// Whether the remote receives events named `event`.
    pub fn allows_event(&self, event: &str) -> bool {
        self.events.iter().any(|allowed| allowed == event)
    }
}

/// `METHOD /api/...` split in two, if well-formed.
fn parse_api(entry: &str) -> Option<(&str, &str)> {
    let (method, pattern) = entry.split_once(' ')?;
    let well_formed = METHODS.contains(&method)
        && pattern.starts_with("/api/")
        && !pattern.contains("..")
        && !pattern.contains(['?', '#', ' ']);
    well_formed.then_some((method, pattern))
}

fn pattern_matches(pattern: &str, path: &str) -> bool {
    let (pattern, path): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(expected, found)| {
            if expected.starts_with('{') && expected.ends_with('}') {
                !found.is_empty()
            } else {
                expected == found
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders() -> Capabilities {
        Capabilities {
            api: vec![
                "GET /api/orders".into(),
                "GET /api/orders/{id}".into(),
                "POST /api/orders".into(),
            ],
            events: vec!["signed_out".into()],
        }
    }

    #[test]
    fn calls_match_method_and_whole_segments() {
        let grant = orders();
        assert!(grant.allows_call("GET", "/api/orders"));
        assert!(grant.allows_call("GET", "/api/orders?page=2"));
        assert!(grant.allows_call("get", "/api/orders/42"));
        assert!(grant.allows_call("POST", "/api/orders"));
        assert!(!grant.allows_call("DELETE", "/api/orders/42"));
        assert!(!grant.allows_call("GET", "/api/orders/42/items"));
        assert!(!grant.allows_call("GET", "/api/orders/"));
        assert!(!grant.allows_call("GET", "/api/admin/users"));
        assert!(!grant.allows_call("POST", "/api/auth/refresh"));
    }

    #[test]
    fn the_effective_grant_is_what_was_both_declared_and_granted() {
        let granted = Capabilities {
            api: vec!["GET /api/orders".into(), "GET /api/admin/users".into()],
            events: vec![],
        };
        let effective = orders().intersect(&granted);
        assert_eq!(effective.api, vec!["GET /api/orders".to_owned()]);
        assert!(effective.events.is_empty());
        assert!(!effective.allows_event("signed_out"));
    }

    #[test]
    fn malformed_entries_are_refused_by_name() {
        for bad in [
            "GET api/orders",
            "FETCH /api/orders",
            "GET /api/../auth/refresh",
            "GET /other",
        ] {
            let list = Capabilities {
                api: vec![bad.into()],
                events: vec![],
            };
            assert_eq!(list.validate(), Err(CapabilityError::InvalidApi(bad.into())));
        }
        let list = Capabilities {
            api: vec![],
            events: vec!["Signed-Out".into()],
        };
        assert!(matches!(list.validate(), Err(CapabilityError::InvalidEvent(_))));
        assert_eq!(orders().validate(), Ok(()));
    }
}
