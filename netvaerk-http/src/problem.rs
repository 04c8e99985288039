//! Errors as RFC 9457 problem details (`application/problem+json`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use netvaerk_store::StoreError;
use serde::Serialize;

use netvaerk::{Error, ErrorClass};

/// The media type of a problem.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The challenge every 401 carries in `WWW-Authenticate`.
const CHALLENGE: &str = "Bearer realm=\"netvaerk\"";

/// A problem: RFC 9457's members, and netvaerk's stable `code`, the NS3 `rule`, the `field`
/// and `value` that were wrong, and the `position` of a damaged record.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[schemars(example = example())]
pub struct Problem {
    /// `urn:netvaerk:problem:` and the code.
    #[serde(rename = "type")]
    pub kind: String,
    /// The code in words.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for people.
    pub detail: String,
    /// The stable machine code (a contract: never reused).
    pub code: String,
    /// What the caller can do about it: refused, input, store, contention, access, limit.
    pub class: String,
    /// The NS3 rule that refused, where one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The field (or kind of thing) that was wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The position of the record the problem is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// The command of a batch that was refused, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Every warning of a refusal for unacknowledged warnings (`unacknowledged_warnings`),
    /// each with its rule: acknowledge each rule with a rationale to decide anyway.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ProblemWarning>,
}

/// A warning an advisory rule raised and the command did not acknowledge.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ProblemWarning {
    /// The advisory rule that raised it (`NW-2`): the `rule` of the acknowledgement it needs.
    pub rule: String,
    /// The warning for people, in the problem's language.
    pub detail: String,
    /// The warning as data (`kind` and its facts).
    pub warning: netvaerk_core::Warning,
}

impl ProblemWarning {
    /// The warning, its detail in `lang`.
    pub(super) fn new(warning: &netvaerk_core::Warning, lang: netvaerk_report::Lang) -> Self {
        let detail = match lang {
            netvaerk_report::Lang::Da => warning.danish(),
            netvaerk_report::Lang::En => warning.to_string(),
        };
        Self { rule: warning.rule().to_string(), detail, warning: warning.clone() }
    }
}

fn example() -> Problem {
    Problem {
        kind: "urn:netvaerk:problem:innovation_limit_reached".to_owned(),
        title: "innovation limit reached".to_owned(),
        status: 422,
        detail: "refused: NW-4: 2 innovation networks are running, the most at once".to_owned(),
        code: "innovation_limit_reached".to_owned(),
        class: "refused".to_owned(),
        rule: Some("NW-4".to_owned()),
        field: None,
        value: None,
        position: None,
        index: None,
        warnings: Vec::new(),
    }
}

impl Problem {
    /// A problem of the HTTP layer itself (a token, a limit, a route).
    pub fn new(status: StatusCode, code: &str, class: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:netvaerk:problem:{code}"),
            title: code.replace('_', " "),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            class: class.to_owned(),
            rule: None,
            field: None,
            value: None,
            position: None,
            index: None,
            warnings: Vec::new(),
        }
    }

    /// The same problem naming the field and value that were wrong.
    pub fn with_subject(mut self, field: &str, value: impl Into<String>) -> Self {
        self.field = Some(field.to_owned());
        self.value = Some(value.into());
        self
    }

    /// 401: no token, or not one of the server's.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "access", detail)
    }

    /// 403: the token's scope does not allow it.
    pub fn forbidden(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, "access", detail)
    }

    /// 400: the request is malformed.
    pub fn bad_request(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "input", detail)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The status an error of the service answers with.
pub fn status_of(error: &Error) -> StatusCode {
    match error.class() {
        ErrorClass::Refused => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorClass::Contention => StatusCode::CONFLICT,
        ErrorClass::Input => match error.code() {
            "unknown_subject"
            | "unknown_round"
            | "unknown_organisation"
            | "unknown_report"
            | "not_in_registry"
            | "no_such_position" => StatusCode::NOT_FOUND,
            "unsupported_format" => StatusCode::NOT_ACCEPTABLE,
            // Well-formed, but the key belongs to another body (the IETF Idempotency-Key draft's
            // status for a reused key).
            "idempotency_key_reused" => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::BAD_REQUEST,
        },
        ErrorClass::Store => match error {
            Error::Store(StoreError::Engine { .. } | StoreError::Io { .. }) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        },
    }
}

impl From<&Error> for Problem {
    fn from(error: &Error) -> Self {
        let class = serde_json::to_value(error.class())
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut problem = Self::new(status_of(error), error.code(), &class, error.to_string());
        problem.rule = error.rule().map(|rule| rule.to_string());
        if let Some((field, value)) = error.subject() {
            problem.field = Some(field);
            problem.value = Some(value);
        }
        problem.position = error.position();
        if let Error::BatchRefused { index, .. } = error {
            problem.index = Some(*index);
        }
        problem.warnings = error
            .warnings()
            .iter()
            .map(|warning| ProblemWarning::new(warning, netvaerk_report::Lang::En))
            .collect();
        problem
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        Self::from(&error)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            // RFC 9110 section 11.6.1: a 401 names its scheme (RFC 6750 for bearer tokens).
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE));
        }
        response
    }
}
