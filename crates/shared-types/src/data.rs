//! What a remote gets back from an API call through its host: data, or a [`DataError`] that says which kind of
//! failure it was, so every remote can show a specific message and offer "Retry" only where retrying can help.

use serde::{Deserialize, Serialize};

use crate::host::FetchResponse;
use crate::locale::Language;

/// How the host answered a remote's `fetch`. Failures that happened before any HTTP status existed are variants of
/// their own, so a remote can tell a slow server from an unreachable one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchReply {
    /// The API answered (any status; the shell already recovered from a 401 if it could).
    Response(FetchResponse),
    /// The request never got an answer (offline, server down, connection reset).
    Network,
    /// No answer within the request's timeout; the request was aborted.
    Timeout,
    /// The session ended while the request was under way; the shell is sending the user to sign in.
    SessionExpired,
    /// The shell refused to send the request (not an `/api/` path, unknown method); the text says why.
    Refused(String),
    /// The call is outside what the registry granted this remote; the text names the call. Shown like a 403.
    Denied(String),
}

impl FetchReply {
    /// The response when it is a success (2xx), else the kind of failure.
    pub fn into_result(self) -> Result<FetchResponse, DataError> {
        match self {
            FetchReply::Response(response) => DataError::check(response),
            FetchReply::Network => Err(DataError::Network),
            FetchReply::Timeout => Err(DataError::Timeout),
            FetchReply::SessionExpired => Err(DataError::Unauthorized),
            FetchReply::Refused(reason) => Err(DataError::Refused(reason)),
            FetchReply::Denied(call) => Err(DataError::Denied(call)),
        }
    }
}

/// Why a remote's API call produced no data. Its `Display` is the English [`DataError::sentence`], for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// 401: the session has ended. The shell handles it (sign-in again); a remote only stops showing data.
    #[error("{}", self.sentence(Language::English))]
    Unauthorized,
    /// 403: the user may not see or do this.
    #[error("{}", self.sentence(Language::English))]
    Forbidden,
    /// 404: nothing here, or nothing the user may know exists.
    #[error("{}", self.sentence(Language::English))]
    NotFound,
    /// Another 4xx answer (for example 422 with field errors); the body is kept for [`DataError::field_errors`].
    #[error("{}", self.sentence(Language::English))]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The response body, usually `application/problem+json`.
        body: String,
    },
    /// 5xx: the server failed.
    #[error("{}", self.sentence(Language::English))]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// The request never got an answer.
    #[error("{}", self.sentence(Language::English))]
    Network,
    /// The server did not answer in time.
    #[error("{}", self.sentence(Language::English))]
    Timeout,
    /// The host refused to send the request.
    #[error("{}", self.sentence(Language::English))]
    Refused(String),
    /// The call is outside this remote's granted capabilities; treated like a 403.
    #[error("{}", self.sentence(Language::English))]
    Denied(String),
    /// The answer (or the host's reply) was not the data expected.
    #[error("{}", self.sentence(Language::English))]
    Unreadable(String),
}

/// One rule an input broke, as the API's problem document lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FieldProblem {
    /// The field's name in the request body.
    pub field: String,
    /// A sentence for people.
    pub message: String,
}

#[derive(Deserialize)]
struct ProblemFields {
    #[serde(default)]
    errors: Vec<FieldProblem>,
}

impl DataError {
    /// Keeps a 2xx response and turns any other status into its kind of failure.
    pub fn check(response: FetchResponse) -> Result<FetchResponse, DataError> {
        match response.status {
            200..=299 => Ok(response),
            401 => Err(DataError::Unauthorized),
            403 => Err(DataError::Forbidden),
            404 => Err(DataError::NotFound),
            status @ 500..=599 => Err(DataError::Server { status }),
            status => Err(DataError::Rejected {
                status,
                body: response.body,
            }),
        }
    }

    /// Whether trying the same request again may succeed: server errors, network errors, timeouts, and the
    /// "not now" answers 408 and 429.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            DataError::Server { .. }
                | DataError::Network
                | DataError::Timeout
                | DataError::Rejected { status: 408 | 429, .. }
        )
    }

    /// The sentence a person reads for this failure, in `language`. `Refused` keeps the shell's technical reason in
    /// English after the translated sentence.
    pub fn sentence(&self, language: Language) -> String {
        let pick = |en: &str, ar: &str| {
            match language {
                Language::English => en,
                Language::Arabic => ar,
            }
            .to_owned()
        };
        match self {
            DataError::Unauthorized => pick(
                "Your session has expired. Sign in again to continue.",
                "انتهت جلستك. سجّل الدخول مرة أخرى للمتابعة.",
            ),
            DataError::Forbidden | DataError::Denied(_) => {
                pick("You do not have access to this.", "ليس لديك إذن بالوصول إلى هذا.")
            }
            DataError::NotFound => pick("This was not found.", "لم يُعثر على هذا."),
            DataError::Rejected { .. } => pick(
                "The server did not accept this request. Check what you entered and try again.",
                "لم يقبل الخادم هذا الطلب. تحقّق مما أدخلته وحاول مرة أخرى.",
            ),
            DataError::Server { .. } => pick(
                "The server had a problem. Try again in a moment.",
                "واجه الخادم مشكلة. حاول مرة أخرى بعد قليل.",
            ),
            DataError::Network => pick(
                "Portico could not reach the server. Check your connection and try again.",
                "تعذّر على Portico الوصول إلى الخادم. تحقّق من اتصالك وحاول مرة أخرى.",
            ),
            DataError::Timeout => pick(
                "The server took too long to answer. Try again.",
                "استغرق الخادم وقتًا طويلًا للرد. حاول مرة أخرى.",
            ),
            DataError::Refused(reason) => format!(
                "{} {reason}",
                pick("This request is not allowed:", "هذا الطلب غير مسموح به:")
            ),
            DataError::Unreadable(_) => pick(
                "The server answered with data this page cannot read.",
                "أجاب الخادم ببيانات لا تستطيع هذه الصفحة قراءتها.",
            ),
        }
    }

    /// The field errors of a rejected request, when its body is a problem document that lists them.
    pub fn field_errors(&self) -> Vec<FieldProblem> {
        match self {
            DataError::Rejected { body, .. } => crate::json::from_str::<ProblemFields>(body)
                .map(|problem| problem.errors)
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> FetchReply {
        FetchReply::Response(FetchResponse {
            status,
            body: body.into(),
        })
    }

    fn check(reply: FetchReply, expected: Result<u16, DataError>) {
        let result = reply.into_result().map(|response| response.status);
        assert_eq!(result, expected);
    }

    #[test]
    fn each_status_class_becomes_its_own_kind_of_failure() {
        check(reply(200, "{}"), Ok(200));
        check(reply(201, "{}"), Ok(201));
        check(reply(401, ""), Err(DataError::Unauthorized));
        check(reply(403, ""), Err(DataError::Forbidden));
        check(reply(404, ""), Err(DataError::NotFound));
        check(reply(503, ""), Err(DataError::Server { status: 503 }));
        check(
            reply(422, "x"),
            Err(DataError::Rejected {
                status: 422,
                body: "x".into(),
            }),
        );
        check(FetchReply::Network, Err(DataError::Network));
        check(FetchReply::Timeout, Err(DataError::Timeout));
        check(FetchReply::SessionExpired, Err(DataError::Unauthorized));
    }

    #[test]
    fn only_failures_that_may_pass_are_retryable() {
        assert!(DataError::Network.is_retryable());
        assert!(DataError::Timeout.is_retryable());
        assert!(DataError::Server { status: 502 }.is_retryable());
        let rate_limited = DataError::Rejected {
            status: 429,
            body: String::new(),
        };
        assert!(rate_limited.is_retryable());
        for final_failure in [
            DataError::Unauthorized,
            DataError::Forbidden,
            DataError::NotFound,
            DataError::Refused("x".into()),
            DataError::Unreadable("x".into()),
        ] {
            assert!(!final_failure.is_retryable(), "{final_failure:?}");
        }
    }

    #[test]
    fn field_errors_come_from_a_problem_document() {
        let body =
            r#"{"code":"validation_failed","errors":[{"field":"quantity","message":"Order between 1 and 999."}]}"#;
        let error = DataError::Rejected {
            status: 422,
            body: body.into(),
        };
        assert_eq!(
            error.field_errors(),
            vec![FieldProblem {
                field: "quantity".into(),
                message: "Order between 1 and 999.".into()
            }]
        );
        assert!(DataError::Network.field_errors().is_empty());
    }

    #[test]
    fn replies_round_trip_as_json() {
        for reply in [reply(200, "[]"), FetchReply::Timeout, FetchReply::Refused("no".into())] {
            let json = serde_json::to_string(&reply).unwrap();
            assert_eq!(serde_json::from_str::<FetchReply>(&json).unwrap(), reply);
        }
    }
}
