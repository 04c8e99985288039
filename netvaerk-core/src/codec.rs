//! Stored JSON to events and back, with the upcasters that bring old schema versions up to
//! date before decoding (the stored bytes are never rewritten).
//!
//! The stored form of an event is its type name, its schema version and its payload: the
//! variant's fields as a JSON object.

use serde_json::{Map, Value};
use thiserror::Error;

use crate::event::{current_version, Event};

/// Stored JSON that could not be turned into an [`Event`](crate::Event).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The type name is not in the catalogue.
    #[error("unknown event type {type_name:?}")]
    UnknownType {
        /// The stored type name.
        type_name: String,
    },
    /// The schema version is newer than this library, or was never written.
    #[error("event type {type_name} has no schema version {version} (this library reads 1 to {current})")]
    UnknownVersion {
        /// The stored type name.
        type_name: String,
        /// The stored version.
        version: u32,
        /// The newest version this library knows.
        current: u32,
    },
    /// The payload is not a JSON object.
    #[error("the payload of a {type_name} event is not a JSON object")]
    NotAnObject {
        /// The stored type name.
        type_name: String,
    },
    /// The payload does not match the schema.
    #[error("the payload of a {type_name} v{version} event does not match its schema: {source}")]
    Malformed {
        /// The stored type name.
        type_name: String,
        /// The stored version.
        version: u32,
        /// What serde found.
        source: serde_json::Error,
    },
}

/// An event as stored: type name, schema version and payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Encoded {
    /// The stored type name.
    pub type_name: &'static str,
    /// The schema version written.
    pub schema_version: u32,
    /// The payload, always a JSON object.
    pub payload: Value,
}

/// Encodes `event` into its stored form at the current schema version.
pub fn encode(event: &Event) -> Encoded {
    // An `Event` is a tagged enum of plain data (no maps with non-string keys, no floats), so
    // serialising to a `Value` cannot fail; the fallback keeps this total rather than panicking.
    let payload = match serde_json::to_value(event) {
        Ok(Value::Object(mut tagged)) => tagged.remove("data").unwrap_or(Value::Object(Map::new())),
        _ => Value::Object(Map::new()),
    };
    Encoded { type_name: event.type_name(), schema_version: event.schema_version(), payload }
}

/// Decodes a stored event, upcasting it from `schema_version` to the current version first.
pub fn decode(type_name: &str, schema_version: u32, payload: Value) -> Result<Event, DecodeError> {
    let current = current_version(type_name)
        .ok_or_else(|| DecodeError::UnknownType { type_name: type_name.to_owned() })?;
    if schema_version == 0 || schema_version > current {
        return Err(DecodeError::UnknownVersion {
            type_name: type_name.to_owned(),
            version: schema_version,
            current,
        });
    }
    let Value::Object(mut fields) = payload else {
        return Err(DecodeError::NotAnObject { type_name: type_name.to_owned() });
    };
    for version in schema_version..current {
        upcast(type_name, version, &mut fields);
    }
    let mut tagged = Map::new();
    tagged.insert("type".to_owned(), Value::String(type_name.to_owned()));
    tagged.insert("data".to_owned(), Value::Object(fields));
    serde_json::from_value(Value::Object(tagged)).map_err(|source| DecodeError::Malformed {
        type_name: type_name.to_owned(),
        version: schema_version,
        source,
    })
}

/// Decodes a stored event from its payload's JSON text. At the current schema version this
/// parses straight into the typed event (no intermediate JSON tree); older versions go through
/// [`decode`] and its upcasters.
pub fn decode_json(type_name: &str, schema_version: u32, payload_json: &str) -> Result<Event, DecodeError> {
    let current = current_version(type_name)
        .ok_or_else(|| DecodeError::UnknownType { type_name: type_name.to_owned() })?;
    if schema_version != current {
        let payload = serde_json::from_str(payload_json).map_err(|source| DecodeError::Malformed {
            type_name: type_name.to_owned(),
            version: schema_version,
            source,
        })?;
        return decode(type_name, schema_version, payload);
    }
    if !payload_json.trim_start().starts_with('{') {
        return Err(DecodeError::NotAnObject { type_name: type_name.to_owned() });
    }
    // Type names are identifiers from the catalogue: no quoting is needed.
    let tagged = format!("{{\"type\":\"{type_name}\",\"data\":{payload_json}}}");
    serde_json::from_str(&tagged).map_err(|source| DecodeError::Malformed {
        type_name: type_name.to_owned(),
        version: schema_version,
        source,
    })
}

/// One upcasting step: `fields` of `type_name` at `version` become `version + 1`.
///
/// Every step is pure JSON surgery and never fails: what the step cannot make sense of is left
/// for the decoder to report as malformed.
#[allow(clippy::single_match)] // one arm per upcasting step; the match grows with the catalogue
fn upcast(type_name: &str, version: u32, fields: &mut Map<String, Value>) {
    match (type_name, version) {
        // ThemeProposed v1 -> v2: `problem` was renamed `challenge` (the burning platform), and
        // the single `origin` became the set `origins` (TH-1 allows several).
        ("ThemeProposed", 1) => {
            if let Some(problem) = fields.remove("problem") {
                fields.insert("challenge".to_owned(), problem);
            }
            if let Some(origin) = fields.remove("origin") {
                let origins = match origin {
                    Value::Null => Vec::new(),
                    single => vec![single],
                };
                fields.insert("origins".to_owned(), Value::Array(origins));
            }
        }
        // PolicyChanged v1 -> v2: v2 names the business date the policy is in force from. A v1
        // policy has no such date (it was in force for every later decision, as recorded), so
        // it reads as in force from the beginning: nothing to add.
        ("PolicyChanged", 1) => {}
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn theme_proposed_v1_is_upcast_to_v2() {
        let v1 = json!({
            "theme": "0190a3c4-0000-7000-8000-000000000001",
            "title": "Urban farming in Albertslund?",
            "problem": "Vacant land and lonely citizens",
            "proposed_by": "0190a3c4-0000-7000-8000-000000000002",
            "departments": [],
            "origin": "above"
        });
        let event = decode("ThemeProposed", 1, v1).unwrap();
        let Event::ThemeProposed { challenge, origins, .. } = event else {
            panic!("decoded to another variant");
        };
        assert_eq!(challenge, "Vacant land and lonely citizens");
        assert_eq!(origins.len(), 1);
    }

    #[test]
    fn decoding_from_text_matches_decoding_from_a_tree() {
        let payload = json!({"round": "2016H2"});
        assert_eq!(
            decode_json("RoundOpened", 1, &payload.to_string()).unwrap(),
            decode("RoundOpened", 1, payload).unwrap()
        );
        assert!(matches!(decode_json("RoundOpened", 1, "[1]"), Err(DecodeError::NotAnObject { .. })));
        assert!(matches!(
            decode_json("RoundOpened", 1, "{\"round\": 5}"),
            Err(DecodeError::Malformed { .. })
        ));
        assert!(matches!(decode_json("RoundOpened", 1, "{\"round\""), Err(DecodeError::Malformed { .. })));
        assert!(matches!(decode_json("Nope", 1, "{}"), Err(DecodeError::UnknownType { .. })));
        let v1 = json!({"theme": "0190a3c4-0000-7000-8000-000000000001", "title": "t", "problem": "p",
            "proposed_by": "0190a3c4-0000-7000-8000-000000000002", "departments": [], "origin": "below"});
        assert!(decode_json("ThemeProposed", 1, &v1.to_string()).is_ok());
    }

    #[test]
    fn unknown_types_versions_and_shapes_are_typed_errors() {
        assert!(matches!(decode("ThemeForgotten", 1, json!({})), Err(DecodeError::UnknownType { .. })));
        assert!(matches!(
            decode("RoundOpened", 2, json!({"round": "2016H2"})),
            Err(DecodeError::UnknownVersion { version: 2, current: 1, .. })
        ));
        assert!(matches!(
            decode("RoundOpened", 0, json!({"round": "2016H2"})),
            Err(DecodeError::UnknownVersion { version: 0, .. })
        ));
        assert!(matches!(decode("RoundOpened", 1, json!(["2016H2"])), Err(DecodeError::NotAnObject { .. })));
        assert!(matches!(
            decode("RoundOpened", 1, json!({"round": "2016H3"})),
            Err(DecodeError::Malformed { .. })
        ));
    }
}
