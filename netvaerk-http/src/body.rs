//! Request bodies: JSON as clients send it, and a 400 that says where it was wrong.
//!
//! - **`null` is absent.** Jackson, System.Text.Json and pydantic write every optional field,
//!   as `null` when it has no value (`"acknowledgements": null`, `"rationale": null`). Every
//!   `null` member of an object is taken as the member not sent, so it gets the field's
//!   default; a required field sent as `null` is missing.
//! - **Dates the Danish way.** A date in a command may be ISO (`2019-01-08`) or Danish
//!   (`08.01.2019`): the core reads them with `parse_date`, the parser of the program's
//!   arguments and of `as_of`.
//! - **The path of what was wrong.** A body that does not deserialise is answered 400 with
//!   the JSON path of the member that was wrong in `field` (`action.network`,
//!   `acknowledgements[1].rule`), and the value sent there in `value`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Problem;

/// How deep [`locate`] follows a member into the value, how many members of one object or
/// array it tries, and how many times in all it reads the body again: enough for every
/// command, bounded for any body (it runs on a runtime worker).
const PROBE_DEPTH: usize = 8;
const PROBE_WIDTH: usize = 64;
const PROBE_READS: usize = 128;

/// The body as JSON with its `null` members taken out, or 413 / 415 / 400.
pub(super) fn json_body(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Value, Problem> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "limit", rejection.body_text())
        } else {
            Problem::bad_request("unreadable_body", rejection.body_text())
        }
    })?;
    let media_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "input",
            format!("the body must be application/json, not {media_type:?}"),
        ));
    }
    let mut value: Value = serde_json::from_slice(&body)
        .map_err(|error| Problem::bad_request("malformed_json", format!("the body is not JSON: {error}")))?;
    without_nulls(&mut value);
    Ok(value)
}

/// A command from one line of JSON text, read as the server reads a request body: `null`
/// members taken as not sent, Danish dates accepted, and a 400 problem naming the JSON path of
/// what was wrong (`malformed_json`, or `malformed_command` with `field` and `value`). `netvaerk
/// apply` reads its lines with it, so a line and a POSTed body are read alike.
pub fn read_command(text: &str) -> Result<netvaerk_core::Command, Problem> {
    let mut value: Value = serde_json::from_str(text)
        .map_err(|error| Problem::bad_request("malformed_json", format!("not JSON: {error}")))?;
    without_nulls(&mut value);
    read(value, "malformed_command", "not a command", "")
}

/// Takes every `null` member out of every object in `value` (not `null` elements of arrays:
/// their place counts).
pub(super) fn without_nulls(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.retain(|_, member| !member.is_null());
            members.values_mut().for_each(without_nulls);
        }
        Value::Array(elements) => elements.iter_mut().for_each(without_nulls),
        _ => {}
    }
}

/// `value` as a `T`, or 400 `code` whose detail begins `what` and whose `field` is the JSON
/// path of the member that was wrong (`prefix` goes before it, e.g. `commands[2]`).
pub(super) fn read<T: DeserializeOwned>(
    value: Value,
    code: &str,
    what: &str,
    prefix: &str,
) -> Result<T, Problem> {
    let error = match serde_path_to_error::deserialize::<_, T>(&value) {
        Ok(read) => return Ok(read),
        Err(error) => error,
    };
    let mut path: Vec<Step> = error.path().iter().filter_map(Step::from_segment).collect();
    let message = error.inner().to_string();
    locate::<T>(&value, &mut path, &message);
    let mut field = prefix.to_owned();
    for step in &path {
        match step {
            Step::Member(name) if field.is_empty() => field.push_str(name),
            Step::Member(name) => {
                field.push('.');
                field.push_str(name);
            }
            Step::Element(index) => field.push_str(&format!("[{index}]")),
        }
    }
    let at = if field.is_empty() { String::new() } else { format!(" at {field}") };
    let mut problem = Problem::bad_request(code, format!("{what}{at}: {message}"));
    if !field.is_empty() {
        problem.field = Some(field);
        problem.value = at_path(&value, &path).map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        });
    }
    Err(problem)
}

/// One step of a JSON path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// An object's member.
    Member(String),
    /// An array's element, from 0.
    Element(usize),
}

impl Step {
    fn from_segment(segment: &serde_path_to_error::Segment) -> Option<Self> {
        match segment {
            serde_path_to_error::Segment::Map { key } => Some(Self::Member(key.clone())),
            serde_path_to_error::Segment::Seq { index } => Some(Self::Element(*index)),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
        }
    }
}

/// The value at `path` in `value`.
fn at_path<'v>(value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Member(name) => value.get(name.as_str()),
        Step::Element(index) => value.get(*index),
    })
}

fn at_path_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Member(name) => value.get_mut(name.as_str()),
        Step::Element(index) => value.get_mut(*index),
    })
}

/// Follows the error further in than serde's path reaches. Serde reads an internally tagged
/// enum (a command's `action`) or a flattened struct whole, so the path of an error inside it
/// ends at the object. A missing or unknown field names itself in the message; otherwise the
/// member whose removal changes the error is the one that was wrong, and the search goes on
/// inside it. (Removing an enum's tag changes the error too, to the tag missing, as emptying
/// the object does: it is the one that was wrong only when no other member is.)
fn locate<T: DeserializeOwned>(value: &Value, path: &mut Vec<Step>, message: &str) {
    if let Some(name) = named_field(message) {
        if at_path(value, path).is_some_and(Value::is_object) {
            path.push(Step::Member(name));
        }
        return;
    }
    let reads = std::cell::Cell::new(0);
    let error_without = |path: &[Step], step: Option<&Step>| -> Option<String> {
        reads.set(reads.get() + 1);
        if reads.get() > PROBE_READS {
            return Some(message.to_owned());
        }
        let mut without = value.clone();
        match (at_path_mut(&mut without, path), step) {
            (Some(Value::Object(members)), Some(Step::Member(name))) => {
                members.remove(name);
            }
            (Some(Value::Array(elements)), Some(Step::Element(index))) => {
                elements.remove(*index);
            }
            (Some(Value::Object(members)), None) => members.clear(),
            _ => return Some(message.to_owned()),
        }
        serde_path_to_error::deserialize::<_, T>(&without).err().map(|error| error.inner().to_string())
    };
    for _ in 0..PROBE_DEPTH {
        let steps: Vec<Step> = match at_path(value, path) {
            Some(Value::Object(members)) => {
                members.keys().take(PROBE_WIDTH).cloned().map(Step::Member).collect()
            }
            Some(Value::Array(elements)) => (0..elements.len().min(PROBE_WIDTH)).map(Step::Element).collect(),
            _ => return,
        };
        let changing: Vec<(Step, Option<String>)> = steps
            .into_iter()
            .map(|step| {
                let error = error_without(path, Some(&step));
                (step, error)
            })
            .filter(|(_, error)| error.as_deref() != Some(message))
            .collect();
        let emptied = error_without(path, None);
        let culprit = changing
            .iter()
            .find(|(_, error)| *error != emptied)
            .or_else(|| changing.first())
            .map(|(step, _)| step.clone());
        match culprit {
            Some(step) => path.push(step),
            None => return,
        }
    }
}

/// The field a "missing field `x`" or "unknown field `x`" error names.
fn named_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `").or_else(|| message.strip_prefix("unknown field `"))?;
    rest.split_once('`').map(|(name, _)| name.to_owned())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::{read, without_nulls};

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // read only to see whether they deserialise
    struct Outer {
        action: Inner,
        #[serde(default)]
        acknowledgements: Vec<Acknowledgement>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(tag = "command", rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Inner {
        Start { network: uuid::Uuid, people: Vec<u32> },
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Acknowledgement {
        rule: String,
        rationale: String,
    }

    fn check(body: serde_json::Value, field: Option<&str>, value: Option<&str>) {
        let mut body = body;
        without_nulls(&mut body);
        let problem = read::<Outer>(body.clone(), "malformed_command", "not a command", "").unwrap_err();
        assert_eq!(problem.field.as_deref(), field, "{body}: {}", problem.detail);
        assert_eq!(problem.value.as_deref(), value, "{body}: {}", problem.detail);
        assert_eq!(problem.status, 400);
    }

    #[test]
    fn a_bad_body_is_answered_with_the_path_of_what_was_wrong() {
        let network = "0190c2b4-0000-7000-8000-000000000001";
        let start = |network: serde_json::Value, people: serde_json::Value| json!({"action": {"command": "start", "network": network, "people": people}});
        check(start(json!("not-an-id"), json!([1])), Some("action.network"), Some("not-an-id"));
        check(start(json!(network), json!([1, "two"])), Some("action.people[1]"), Some("two"));
        check(json!({"action": {"command": "start", "people": []}}), Some("action.network"), None);
        check(json!({"action": {"command": "stop"}}), Some("action.command"), Some("stop"));
        check(
            json!({"action": {"command": "start", "network": network, "people": []},
                   "acknowledgements": [{"rule": "NW-2", "rationale": "x"}, {"rule": "NW-3"}]}),
            Some("acknowledgements[1].rationale"),
            None,
        );
        check(json!({"acknowledgements": []}), Some("action"), None);
    }

    #[test]
    fn null_members_are_absent_but_null_elements_stay() {
        let mut value = json!({"a": null, "b": [null, {"c": null, "d": 1}], "e": {"f": null}});
        without_nulls(&mut value);
        assert_eq!(value, json!({"b": [null, {"d": 1}], "e": {}}));
        let network = "0190c2b4-0000-7000-8000-000000000001";
        let mut body = json!({"action": {"command": "start", "network": network, "people": []},
                              "acknowledgements": null});
        without_nulls(&mut body);
        assert!(read::<Outer>(body, "malformed_command", "not a command", "").is_ok());
    }
}
