//! The OpenAPI 3.1 description of the HTTP API, its schemas generated from the Rust types
//! (schemars, JSON Schema 2020-12: OpenAPI 3.1's own dialect).

use chrono::NaiveDate;
use netvaerk_core::{
    Action, Command, Event, Metadata, OrganisationId, PersonId, Policy, RoundId, UnitId, UnitKind,
};
use netvaerk_report::Report;
use netvaerk_store::PersonalData;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Value};
use uuid::Uuid;

use super::feed::{EventsPage, VerifyAnswer};
use super::routes::{
    Accepted, Appended, BatchAnswer, BatchRequest, CorrectRequest, HeadAnswer, OrganisationsAnswer,
    PersonRecorded, PersonRequest, RedactRequest, Redacted,
};
use super::Problem;

fn reference<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

/// An id of the demo history (`netvaerk demo`), which numbers its people kind 1 and its units
/// kind 2, so that every example in the document is accepted on the demo: a test posts each.
fn demo_id(kind: u16, n: u32) -> Uuid {
    Uuid::from_u128(0x0190_ab00_0000_7000_8000_0000_0000_0000 | (u128::from(kind) << 32) | u128::from(n))
}

/// The demo's organisation.
pub const EXAMPLE_ORGANISATION: Uuid = Uuid::from_u128(0x0190_ab00_0000_7000_8000_0000_0000_a1b5);

/// The demo secretariat's leader, Sofie Holm, who makes every example decision.
fn example_secretary() -> PersonId {
    PersonId::from_uuid(demo_id(1, 1))
}

/// The person the example command registers (not in the demo before it).
pub fn example_person() -> PersonId {
    PersonId::from_uuid(demo_id(1, 0xe001))
}

/// The example command: the secretariat registers a new employee of the demo's Jobcenter.
pub fn example_command() -> Command {
    let on = NaiveDate::from_ymd_opt(2018, 9, 3).unwrap_or_default();
    let mut metadata = Metadata::new(example_secretary(), on);
    metadata.rationale = Some("Ny medarbejder i Jobcentret".to_owned());
    let (person, unit, roles) =
        (example_person(), Some(UnitId::from_uuid(demo_id(2, 0x0c))), Default::default());
    Command::new(metadata, Action::RegisterPerson { person, unit, roles })
}

/// The example batch: the secretariat registers a new department under the demo's director
/// area Velfærd og Sundhed and names it, all or nothing.
fn example_batch() -> Value {
    let on = NaiveDate::from_ymd_opt(2018, 9, 3).unwrap_or_default();
    let unit = UnitId::from_uuid(demo_id(2, 0xe001));
    let by = |action: Action| Command::new(Metadata::new(example_secretary(), on), action);
    let parent = Some(UnitId::from_uuid(demo_id(2, 1)));
    json!({
        "mode": "atomic",
        "commands": [
            by(Action::RegisterUnit { unit, kind: UnitKind::Department, parent }),
            by(Action::NameUnit { unit, name: "Sundhedshuset".to_owned() }),
        ]
    })
}

/// The answer to [`example_command`].
fn example_accepted() -> Accepted {
    let Action::RegisterPerson { person, unit, roles } = example_command().action else {
        unreachable!("the example command registers a person")
    };
    Accepted {
        organisation: OrganisationId::from_uuid(EXAMPLE_ORGANISATION),
        stream_version: 1288,
        events: vec![Appended { position: 1362, event: Event::PersonRegistered { person, unit, roles } }],
        acknowledged: Vec::new(),
        replayed: false,
    }
}

/// Each report's JSON on a small history (a chief forum that opened a round, and a theme
/// proposed, qualified, prioritised and taken on by a reference leader), by report name.
fn example_reports() -> serde_json::Map<String, Value> {
    use std::collections::BTreeSet;

    use netvaerk_core::{Criterion, CriterionAssessment, NetworkType, Origin, RoundId, ThemeId};

    use netvaerk::Service;
    use netvaerk_report::{render_with, Format, Lang, Options, Stamp};

    let id = |n: u128| Uuid::from_u128(0x0190ab00_0000_7000_8000_000000000000 + n);
    let (secretary, chief) = (PersonId::from_uuid(id(1)), PersonId::from_uuid(id(2)));
    let (secretariat, area, department) =
        (UnitId::from_uuid(id(11)), UnitId::from_uuid(id(12)), UnitId::from_uuid(id(13)));
    let theme = ThemeId::from_uuid(id(21));
    let on = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap_or_default();
    let round = RoundId::containing(on);
    let by = |actor: PersonId, action: Action| Command::new(Metadata::new(actor, on), action);
    let history = vec![
        by(
            secretary,
            Action::FoundOrganisation {
                chief_forum: BTreeSet::from([chief]),
                secretariat: BTreeSet::from([secretary]),
            },
        ),
        by(secretary, Action::RegisterUnit { unit: secretariat, kind: UnitKind::Secretariat, parent: None }),
        by(secretary, Action::MovePerson { person: secretary, unit: secretariat }),
        by(secretary, Action::RegisterUnit { unit: area, kind: UnitKind::DirectorArea, parent: None }),
        by(
            secretary,
            Action::RegisterUnit { unit: department, kind: UnitKind::Department, parent: Some(area) },
        ),
        by(secretary, Action::MovePerson { person: chief, unit: area }),
        by(chief, Action::OpenRound { round }),
        by(
            chief,
            Action::ProposeTheme {
                theme,
                title: "Urban farming in Albertslund".to_owned(),
                challenge: "Green areas lie unused while citizens ask for gardens".to_owned(),
                proposed_by: chief,
                departments: vec![department],
                origins: BTreeSet::from([Origin::Outside]),
            },
        ),
        by(
            chief,
            Action::QualifyTheme {
                theme,
                assessments: Criterion::ALL
                    .iter()
                    .map(|criterion| CriterionAssessment {
                        criterion: *criterion,
                        met: true,
                        note: "Chief forum meeting".to_owned(),
                    })
                    .collect(),
            },
        ),
        by(chief, Action::PrioritiseTheme { theme, rank: 1, recommended_type: NetworkType::Learning }),
        by(chief, Action::AcceptReferenceRole { theme, person: chief }),
    ];
    let service = Service::new(std::sync::Arc::new(netvaerk_store::MemoryStore::new()));
    let organisation = OrganisationId::from_uuid(id(0xa1b5));
    let mut examples = serde_json::Map::new();
    if service.execute_batch(organisation, &history, netvaerk::BatchMode::Atomic).is_err() {
        return examples;
    }
    for (person, name) in [(secretary, "Mette Hansen"), (chief, "Karen Lund")] {
        let data = PersonalData { name: name.to_owned(), email: None, title: None };
        let _ = service.record_person(organisation, person, data, secretary);
    }
    let reports = Report::NAMED.into_iter().chain([Report::Audit(theme.as_uuid())]);
    for report in reports {
        let text = service.read_models(organisation, netvaerk_projections::AsOf::Now, |models| {
            // Stamped as the server stamps it, made at a fixed moment so the document is the same
            // every time.
            let stamp = Stamp {
                made_at: chrono::DateTime::from_timestamp(1_467_280_800, 0).unwrap_or_default(),
                ..Stamp::now(organisation, netvaerk_projections::AsOf::Now, models.store)?
            };
            let options = Options { stamp: Some(stamp), ..Options::new(Format::Json, Lang::En) };
            render_with(&models, &report, &options)
        });
        if let Some(value) =
            text.ok().and_then(Result::ok).and_then(|text| serde_json::from_str::<Value>(&text).ok())
        {
            examples.insert(
                report.name().to_owned(),
                json!({ "summary": format!("the {} of a small history", report.name()), "value": value }),
            );
        }
    }
    examples
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
    })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn path_parameter(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": schema })
}

fn query_parameter(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn uuid_schema() -> Value {
    json!({ "type": "string", "format": "uuid" })
}

fn generator(serialize: bool) -> SchemaGenerator {
    let settings = SchemaSettings::draft2020_12()
        .with(|settings| settings.definitions_path = "/components/schemas".into());
    if serialize { settings.for_serialize() } else { settings.for_deserialize() }.into_generator()
}

/// Points every reference to the schema `from` at `to` instead.
fn rename_references(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "$ref" && value.as_str() == Some(from) {
                    *value = Value::String(to.to_owned());
                } else {
                    rename_references(value, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_references(item, from, to)),
        _ => {}
    }
}

/// `register_unit` → `RegisterUnit`; a name already in that form stays as it is.
fn pascal_case(tag: &str) -> String {
    tag.split('_')
        .map(|word| {
            let mut letters = word.chars();
            letters
                .next()
                .map(|first| first.to_uppercase().chain(letters).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Makes each variant of the tagged enum `name` a schema of its own, named and titled after
/// the variant (`RegisterUnit`, `UnitRegistered`), its payload under `content` (an adjacently
/// tagged enum's `data`) a schema named `{Variant}Data`; the enum becomes a `oneOf` of
/// references with a discriminator on `tag`. Client generators then make one named class a
/// variant instead of `Action7`, and pick the class by the tag. A variant whose name is taken
/// by another schema is named `{Variant}{name}`.
fn name_variants(schemas: &mut serde_json::Map<String, Value>, name: &str, tag: &str, content: Option<&str>) {
    let Some(variants) = schemas.get_mut(name).and_then(|schema| schema.get_mut("oneOf")).map(Value::take)
    else {
        return;
    };
    let mut references = Vec::new();
    let mut mapping = serde_json::Map::new();
    for mut variant in variants.as_array().cloned().unwrap_or_default() {
        let Some(value) = variant["properties"][tag]["const"].as_str().map(str::to_owned) else {
            references.push(variant);
            continue;
        };
        let mut title = pascal_case(&value);
        if schemas.contains_key(&title) {
            title.push_str(name);
        }
        variant["title"] = Value::String(title.clone());
        if let Some(payload) = content.and_then(|content| variant["properties"].get_mut(content)) {
            if payload.get("properties").is_some() {
                let data = format!("{title}Data");
                let mut schema = payload.take();
                schema["title"] = Value::String(data.clone());
                *payload = json!({ "$ref": format!("#/components/schemas/{data}") });
                schemas.insert(data, schema);
            }
        }
        let reference = format!("#/components/schemas/{title}");
        mapping.insert(value, Value::String(reference.clone()));
        references.push(json!({ "$ref": reference }));
        schemas.insert(title, variant);
    }
    if let Some(schema) = schemas.get_mut(name) {
        schema["oneOf"] = Value::Array(references);
        schema["discriminator"] = json!({ "propertyName": tag, "mapping": mapping });
    }
}

/// Makes every schema that is a `oneOf` of documented string constants (what schemars makes of
/// a unit-only enum with doc comments) a plain string `enum`, each value's documentation a line
/// of the description: client generators make an enum class of it, where the `oneOf` of
/// constants gives them one class a value that only its first value parses.
fn flatten_string_enums(schemas: &mut serde_json::Map<String, Value>) {
    for schema in schemas.values_mut() {
        let Some(variants) = schema.get("oneOf").and_then(Value::as_array) else { continue };
        let constants: Option<Vec<(String, Option<String>)>> = variants
            .iter()
            .map(|variant| {
                let value = variant.get("const")?.as_str()?;
                (variant.get("type")? == "string").then(|| {
                    (value.to_owned(), variant.get("description").and_then(Value::as_str).map(str::to_owned))
                })
            })
            .collect();
        let Some(constants) = constants else { continue };
        let mut description =
            schema.get("description").and_then(Value::as_str).unwrap_or_default().to_owned();
        for (value, documentation) in &constants {
            let documentation = documentation.as_deref().unwrap_or_default().replace('\n', " ");
            description.push_str(&format!("\n- `{value}`: {documentation}"));
        }
        let values: Vec<&str> = constants.iter().map(|(value, _)| value.as_str()).collect();
        *schema = json!({ "type": "string", "enum": values, "description": description.trim_start() });
    }
}

/// Lets every optional member of every object schema be `null`: the server takes a member sent
/// as `null` as one not sent (what Jackson, System.Text.Json and pydantic write), so a typed
/// client may send it, and `tsc --strict` takes `acknowledgements: null`.
fn nullable_optionals(schemas: &mut serde_json::Map<String, Value>) {
    for schema in schemas.values_mut() {
        let required: Vec<String> = schema["required"]
            .as_array()
            .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for (name, property) in properties.iter_mut() {
            let allows_null = |schema: &Value| {
                schema["type"] == "null"
                    || schema["type"].as_array().is_some_and(|types| types.iter().any(|t| t == "null"))
            };
            let nullable = allows_null(property)
                || ["anyOf", "oneOf"].iter().any(|key| {
                    property[*key].as_array().is_some_and(|options| options.iter().any(allows_null))
                });
            if required.contains(name) || nullable {
                continue;
            }
            let mut inner = property.take();
            let description = inner.as_object_mut().and_then(|members| members.remove("description"));
            *property = json!({ "anyOf": [inner, { "type": "null" }] });
            if let Some(description) = description {
                property["description"] = description;
            }
        }
    }
}

/// The OpenAPI 3.1 document served at `/v1/openapi.json`, made once.
pub fn document() -> &'static Value {
    static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(generate)
}

/// Generates the OpenAPI 3.1 document.
///
/// Request bodies are described as the server reads them (fields with defaults optional),
/// answers as it writes them (fields it leaves out when empty optional). A type whose two
/// descriptions differ is described twice, its answer form named `…Output`.
fn generate() -> Value {
    let mut input = generator(false);
    let command = reference::<Command>(&mut input);
    let batch_request = reference::<BatchRequest>(&mut input);
    let redact_request = reference::<RedactRequest>(&mut input);
    let person_request = reference::<PersonRequest>(&mut input);
    let correct_request = reference::<CorrectRequest>(&mut input);
    let mut output = generator(true);
    let mut answers = vec![
        reference::<Accepted>(&mut output),
        reference::<BatchAnswer>(&mut output),
        reference::<EventsPage>(&mut output),
        reference::<VerifyAnswer>(&mut output),
        reference::<HeadAnswer>(&mut output),
        reference::<Policy>(&mut output),
        reference::<netvaerk_store::ExportedRecord>(&mut output),
        reference::<Problem>(&mut output),
        reference::<Redacted>(&mut output),
        reference::<PersonRecorded>(&mut output),
        reference::<OrganisationsAnswer>(&mut output),
        reference::<netvaerk_report::StampData>(&mut output),
    ];
    // The reports' answers, from the one list of reports: each as its file renders it, a
    // report answer any of the named ones (the lists share one), the audit trail and the round
    // report their own routes.
    let mut named: Vec<Value> = Vec::new();
    for report in Report::NAMED {
        let schema = report.json_schema(&mut output);
        if !named.contains(&schema) {
            named.push(schema);
        }
    }
    let example_round = RoundId::containing(NaiveDate::from_ymd_opt(2016, 3, 1).unwrap_or_default());
    let mut reports = vec![
        json!({ "anyOf": named }),
        Report::Audit(Uuid::nil()).json_schema(&mut output),
        Report::Round(example_round).json_schema(&mut output),
    ];
    let mut schemas = input.take_definitions(true);
    let mut written = Value::Object(output.take_definitions(true));
    let differing: Vec<String> = written
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, schema)| schemas.get(*name).is_some_and(|read| read != *schema))
        .map(|(name, _)| name.clone())
        .collect();
    for name in &differing {
        let (from, to) =
            (format!("#/components/schemas/{name}"), format!("#/components/schemas/{name}Output"));
        rename_references(&mut written, &from, &to);
        answers.iter_mut().chain(&mut reports).for_each(|answer| rename_references(answer, &from, &to));
        if let Some(map) = written.as_object_mut() {
            if let Some(schema) = map.remove(name) {
                map.insert(format!("{name}Output"), schema);
            }
        }
    }
    if let Value::Object(written) = written {
        schemas.extend(written);
    }
    flatten_string_enums(&mut schemas);
    name_variants(&mut schemas, "Action", "command", None);
    name_variants(&mut schemas, "Event", "type", Some("data"));
    name_variants(&mut schemas, "Warning", "kind", None);
    // A record's payload is the data of the event its event_type names: an integrator reads
    // it with that event's schema.
    if let Some(payload) =
        schemas.get_mut("ExportedRecord").and_then(|record| record.pointer_mut("/properties/payload"))
    {
        payload["description"] = json!("The event's data, exactly as stored: for a record of an organisation's stream, the `data` of the Event whose `type` is the record's event_type (its schema is components/schemas/<event_type>Data, e.g. ThemeProposedData); as scrubbed when redacted, absent when redacted without a scrubbed event.");
    }
    name_variants(&mut schemas, "RoundOutcome", "outcome", None);
    nullable_optionals(&mut schemas);
    let [accepted, batch_answer, page, verify, head, policy, record, _problem, redacted, person_recorded, organisations, stamp] =
        <[Value; 12]>::try_from(answers).unwrap_or_else(|_| unreachable!("twelve answers"));
    let [any_report, audit_report, round_report] =
        <[Value; 3]>::try_from(reports).unwrap_or_else(|_| unreachable!("three report answers"));

    let mut organisation = path_parameter("org", "The organisation (a UUID).", uuid_schema());
    organisation["example"] = json!(EXAMPLE_ORGANISATION);
    let mut person =
        path_parameter("person", "The person (a UUID), registered in the organisation.", uuid_schema());
    person["example"] = json!(example_person());
    let idempotency = json!({
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Names the request: sent again with the same key (and the same caller), it appends nothing and answers as the first time, with Idempotent-Replayed: true.",
        "schema": { "type": "string", "minLength": 1, "maxLength": 255 }
    });
    let report_parameters = json!([
        query_parameter(
            "as_of",
            "A business date (2016-06-30 or 30.06.2016) or a log position; default everything.",
            json!({ "type": "string", "examples": ["2016-12-31", "1200"] })
        ),
        query_parameter(
            "lang",
            "Titles and headers in en or da; default from Accept-Language, else en.",
            json!({ "type": "string", "enum": ["en", "da"] })
        ),
        query_parameter(
            "format",
            "json, csv, md, html, table or xlsx; default from Accept, else json.",
            json!({ "type": "string", "enum": ["json", "csv", "md", "html", "table", "xlsx"] })
        ),
        query_parameter(
            "section",
            "Only this section (every format but json): its number from 1, or the start of its title.",
            json!({ "type": "string" })
        ),
        query_parameter(
            "width",
            "The width of table tables (default 80).",
            json!({ "type": "integer", "minimum": 20, "maximum": 1000 })
        ),
        query_parameter(
            "csv_dialect",
            "How csv is written: standard (RFC 4180, the default) or excel (a byte order mark, semicolons, CRLF and decimal commas, for Excel in a Danish locale).",
            json!({ "type": "string", "enum": ["standard", "excel"] })
        ),
        query_parameter("appendix", "The overview's appendix after a page break: audit (the networks' goals and every theme's audit trail) or none (the default).", json!({ "type": "string", "enum": ["none", "audit"] })),
    ]);
    let text = json!({ "type": "string" });
    let mut report_examples = example_reports();
    let audit_example = report_examples
        .remove("audit")
        .map(|example| json!({ "theme": example }))
        .unwrap_or_else(|| json!({}));
    let report_content = |json_schema: Value, examples: Value| {
        // JSON carries the stamp beside the report, as data.
        let stamped = json!({
            "type": "object",
            "properties": { "stamp": stamp, "report": json_schema },
            "required": ["stamp", "report"]
        });
        json!({
            "description": "The report with its stamp (organisation, as of, log head, policy in force, when made): above its tables in the text formats, in JSON as data beside it ({\"stamp\", \"report\"}). Headers: Netvaerk-Position, the log position it was folded up to; Netvaerk-Head, the log's head POSITION:HASH it was made from (for netvaerk verify --expect), as the stamp's head.",
            "content": {
                "application/json": { "schema": stamped, "examples": examples },
                "text/csv": { "schema": text },
                "text/markdown": { "schema": text },
                "text/html": { "schema": text },
                "text/plain": { "schema": text },
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": { "type": "string", "contentMediaType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } },
            }
        })
    };
    let report_errors = json!({
        "400": problem("A malformed organisation id, as_of or query (malformed_id, malformed_as_of, malformed_query)."),
        "401": problem("No token, or not one of the server's (unauthenticated)."),
        "404": problem("No such organisation, report, theme or network (unknown_organisation, unknown_report, unknown_subject)."),
        "406": problem("A format or Accept the server cannot give (unsupported_format), or an unknown lang (unsupported_language is 400)."),
    });
    let mut report_responses = report_errors.clone();
    report_responses["200"] = report_content(any_report, Value::Object(report_examples));
    let mut round_responses = report_errors.clone();
    round_responses["200"] = report_content(round_report, json!({}));
    let mut audit_responses = report_errors;
    audit_responses["200"] = report_content(audit_report, audit_example);
    let decision_errors = |success: Value| {
        json!({
            "201": success,
            "400": problem("Malformed JSON, command, id or key (malformed_json, malformed_command, malformed_batch, malformed_id, malformed_idempotency_key); field names the JSON path of what was wrong (action.network, acknowledgements[1].rule; in a batch commands[2].action.theme) and value what was sent there."),
            "401": problem("No token, or not one of the server's (unauthenticated)."),
            "403": problem("A read token (insufficient_scope), a token not for this organisation (token_not_for_organisation), or a command naming an actor other than the token's person (actor_mismatch; ids compare as UUIDs, so case does not matter)."),
            "404": problem("The organisation has no events; only an admin may send its first command (unknown_organisation)."),
            "409": problem("Other writers kept changing the organisation (contention): nothing was appended, try again."),
            "413": problem("The body is larger than the server takes (body_too_large)."),
            "415": problem("The body is not application/json (unsupported_media_type)."),
            "422": problem("An NS3 rule refused the command: code, rule and field say which (e.g. innovation_limit_reached, NW-4); a refusal for unacknowledged warnings (unacknowledged_warnings) lists every warning in warnings, each with its rule, to acknowledge with a rationale; or the Idempotency-Key (or command_id) was used for another body in this organisation (idempotency_key_reused): nothing was appended."),
            "500": problem("The server failed while deciding (not_decided): a decision may still have been appended; send it again with the same Idempotency-Key to learn its outcome."),
            "503": problem("The request took too long (request_timeout), the store does not answer, or the server's tokens file was refused when it was last read again (tokens_file_refused)."),
        })
    };
    let command_responses = decision_errors(json!({
        "description": "Accepted: the events appended, with their positions.",
        "headers": { "Idempotent-Replayed": { "description": "true when this is the first answer given again", "schema": { "type": "string", "enum": ["true"] } } },
        "content": { "application/json": { "schema": accepted, "example": example_accepted() } }
    }));
    let mut batch_responses = decision_errors(json_response(
        "Some commands appended: a result a command (each_on_its_own may hold refusals).",
        batch_answer.clone(),
    ));
    batch_responses["200"] = json_response(
        "Nothing appended: every command was refused or replayed (each_on_its_own).",
        batch_answer,
    );
    batch_responses["422"] = problem(
        "An atomic batch was refused (index names the command), or one of its commands' keys was used for another body (idempotency_key_reused): none was appended.",
    );
    let events_parameters = json!([
        query_parameter(
            "from",
            "The first position (default 1).",
            json!({ "type": "integer", "minimum": 1 })
        ),
        query_parameter("organisation", "Only this organisation's events.", uuid_schema()),
        query_parameter(
            "type",
            "Only these event types (comma-separated stored type names).",
            json!({ "type": "string" })
        ),
    ]);
    let mut page_parameters = events_parameters.clone();
    if let Some(list) = page_parameters.as_array_mut() {
        list.push(query_parameter(
            "limit",
            "The most events (default and most 1000).",
            json!({ "type": "integer", "minimum": 1, "maximum": 1000 }),
        ));
        list.push(query_parameter(
            "wait",
            "Seconds to wait for an event at from or later (long poll; at most the server's max wait).",
            json!({ "type": "integer", "minimum": 0 }),
        ));
    }
    let mut stream_parameters = events_parameters;
    if let Some(list) = stream_parameters.as_array_mut() {
        list.push(json!({
            "name": "Last-Event-ID", "in": "header", "required": false,
            "description": "The id (position) of the last event received: the feed resumes after it.",
            "schema": { "type": "string", "pattern": "^[0-9]+$" }
        }));
    }
    let access = json!({
        "401": problem("No token, or not one of the server's."),
        "421": problem("A server without tokens answers only Host: localhost, 127.0.0.1 or [::1] (host_not_served)."),
        "403": problem("The token's scope is too small (insufficient_scope), or the token is not for this organisation (token_not_for_organisation; a token for some organisations only reads the feed with organisation= one of them)."),
        "503": problem("The server's tokens file was refused when it was last read again (tokens_file_refused): missing, readable by others, or unreadable; every request needing a token fails until the operator mends it."),
    });
    let with_access = |mut responses: Value| {
        if let (Some(responses), Some(access)) = (responses.as_object_mut(), access.as_object()) {
            for (status, response) in access {
                responses.entry(status.clone()).or_insert_with(|| response.clone());
            }
        }
        responses
    };

    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "netvaerk",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Albertslund's network organisation (NS3) as an event-sourced log.",
            "description": "Decide commands under the NS3 rules (docs/NS3.md), read the reports rebuilt from the log as of any date, and follow the log. Errors are RFC 9457 problem details with a stable code and the NS3 rule; every 4xx is one (a badly encoded path is 400 malformed_path), and every 401 carries WWW-Authenticate: Bearer. Scopes: read (reports, feed, head, metrics), write (decisions, as the token's person), admin (verify, a new organisation's first command). On every route: a server without tokens answers only Host: localhost, 127.0.0.1 or [::1] (any port), others 421 host_not_served; a connection beyond the server's caps is answered 503 too_many_connections or 429 too_many_connections_from_address and closed; a request head must arrive within the header timeout, or the connection is closed; a request still running at the shutdown deadline is answered 503 shutdown_deadline (send a decision again with the same Idempotency-Key to learn its outcome). Request bodies: a member sent as null is taken as not sent (its default), and every optional member says so (nullable); a member the server does not know is refused (400 naming it), never dropped; a date may be ISO (2019-01-08) or Danish (08.01.2019); a body that does not deserialise is 400 with the JSON path of what was wrong in field.",
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" }
        },
        "security": [{ "bearer": [] }],
        "paths": {
            "/v1/organisations": {
                "get": {
                    "operationId": "organisations",
                    "summary": "The organisations the server holds decisions for; a token bound to organisations sees only its own (read).",
                    "responses": with_access(json!({ "200": json_response("The organisations, in id order.", organisations) }))
                }
            },
            "/v1/organisations/{org}/commands": {
                "post": {
                    "operationId": "decide",
                    "summary": "Decide one command (write).",
                    "description": "The actor is the token's person; a body may leave metadata.actor out, and a body naming another actor is refused. Without tokens (loopback), the body names its actor.",
                    "parameters": [organisation, idempotency],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": command, "example": example_command() } } },
                    "responses": command_responses
                }
            },
            "/v1/organisations/{org}/commands:batch": {
                "post": {
                    "operationId": "decideBatch",
                    "summary": "Decide several commands in order, atomic or each on its own (write).",
                    "parameters": [organisation, idempotency],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": batch_request, "example": example_batch() } } },
                    "responses": batch_responses
                }
            },
            "/v1/organisations/{org}/reports/{report}": {
                "get": {
                    "operationId": "report",
                    "summary": "A report rebuilt from the log (read).",
                    "parameters": [organisation, path_parameter("report", "Which report: the four read models, the overview (HTML with pictures), or a list.", json!({ "type": "string", "enum": netvaerk_report::Report::NAMED.iter().map(netvaerk_report::Report::name).collect::<Vec<_>>() })), report_parameters[0], report_parameters[1], report_parameters[2], report_parameters[3], report_parameters[4], report_parameters[5]],
                    "responses": with_access(report_responses)
                }
            },
            "/v1/organisations/{org}/reports/audit/{id}": {
                "get": {
                    "operationId": "audit",
                    "summary": "The audit trail of a theme or a network: how it was prioritised and what came of it (read).",
                    "parameters": [organisation, path_parameter("id", "A theme's or a network's id.", uuid_schema()), report_parameters[0], report_parameters[1], report_parameters[2], report_parameters[3], report_parameters[4], report_parameters[5]],
                    "responses": with_access(audit_responses)
                }
            },
            "/v1/organisations/{org}/reports/round/{round}": {
                "get": {
                    "operationId": "round",
                    "summary": "The chief forum's half-year round at a glance: agenda, assessments, fates, decisions, starts, overrides (read).",
                    "parameters": [organisation, path_parameter("round", "The half-year, e.g. 2016H1.", json!({ "type": "string", "pattern": "^[0-9]{4}H[12]$" })), report_parameters[0], report_parameters[1], report_parameters[2], report_parameters[3], report_parameters[4], report_parameters[5]],
                    "responses": with_access(round_responses)
                }
            },
            "/v1/organisations/{org}/policy": {
                "get": {
                    "operationId": "policy",
                    "summary": "The policy in force now (read).",
                    "parameters": [organisation],
                    "responses": with_access(json!({
                        "200": json_response("The policy.", policy),
                        "400": problem("A malformed organisation id."),
                        "404": problem("The organisation has no events (unknown_organisation)."),
                    }))
                }
            },
            "/v1/organisations/{org}/redactions": {
                "post": {
                    "operationId": "redact",
                    "summary": "Redact the words of a decision, as the secretariat (write): its texts and rationale become \"(redacted)\", its facts stay.",
                    "description": "The log records who redacted, when and why in its $redactions stream; reports and the event feed then show the decision without its words, and the organisation decides on as before.",
                    "parameters": [organisation],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": redact_request, "example": { "position": 1200, "why": "A citizen's name in the rationale", "by": example_secretary() } } } },
                    "responses": with_access(json!({
                        "201": json_response("Redacted.", redacted),
                        "400": problem("Malformed JSON (malformed_redaction), no actor without tokens (missing_actor), a position not in the organisation (not_in_organisation), already redacted (already_redacted), a reason too long."),
                        "404": problem("No such position (no_such_position), or the organisation has no events (unknown_organisation)."),
                        "413": problem("The body is too large."),
                        "415": problem("The body is not application/json."),
                        "422": problem("Refused: the person may not redact (not_entitled, AU-3: the secretariat does), or gave no reason (no_redaction_reason)."),
                    }))
                }
            },
            "/v1/organisations/{org}/persons/{person}": {
                "put": {
                    "operationId": "recordPersonalData",
                    "summary": "Register or correct a person's personal data in the registry beside the log (write): by the secretariat, or by the person for their own name and e-mail (AU-3).",
                    "description": "The log records who changed which fields and when (a PersonalDataRecorded record in the $registry stream), never the data.",
                    "parameters": [organisation.clone(), person.clone()],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": person_request, "example": { "name": "Mette Hansen", "email": "mette.hansen@albertslund.dk", "title": "Jobkonsulent", "by": example_secretary() } } } },
                    "responses": with_access(json!({
                        "200": json_response("Recorded: where the record of who changed what went (none if nothing changed).", person_recorded.clone()),
                        "400": problem("Malformed JSON or id, invalid personal data, or no actor without tokens (missing_actor)."),
                        "403": problem("The token decides as another person than the body names (actor_mismatch)."),
                        "404": problem("No such organisation."),
                        "413": problem("The body is too large."),
                        "415": problem("The body is not application/json."),
                        "422": problem("Refused: not entitled (not_entitled, AU-3), the person is not registered in the organisation (unknown_person), or erased."),
                    }))
                },
                "patch": {
                    "operationId": "correctPersonalData",
                    "summary": "Correct the fields given of a person's personal data; the others stay (write): by the secretariat, or by the person for their own name and e-mail (AU-3).",
                    "parameters": [organisation.clone(), person.clone()],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": correct_request, "example": { "name": "Mette Hansen-Berg", "by": example_secretary() } } } },
                    "responses": with_access(json!({
                        "200": json_response("Corrected: where the record of who changed what went (none if nothing changed).", person_recorded.clone()),
                        "400": problem("Malformed JSON or id, invalid personal data, no actor without tokens (missing_actor), or no data registered yet (not_in_registry)."),
                        "403": problem("The token decides as another person than the body names (actor_mismatch)."),
                        "404": problem("No such organisation."),
                        "413": problem("The body is too large."),
                        "415": problem("The body is not application/json."),
                        "422": problem("Refused: not entitled (not_entitled, AU-3), another organisation's person (person_of_another_organisation), unknown_person, or erased."),
                    }))
                },
                "delete": {
                    "operationId": "erasePerson",
                    "summary": "Erase a person's personal data (GDPR), as the secretariat (write, AU-3). The log keeps their id and records who erased them and when.",
                    "parameters": [organisation.clone(), person.clone(), { "name": "by", "in": "query", "required": false, "description": "Who erases (without tokens; with tokens, the token's person).", "schema": uuid_schema() }],
                    "responses": with_access(json!({
                        "200": json_response("Erased: where the erasure record went.", person_recorded),
                        "400": problem("Malformed id, or no actor without tokens (missing_actor)."),
                        "403": problem("The token decides as another person than the query names (actor_mismatch)."),
                        "404": problem("No such organisation."),
                        "422": problem("Refused: not entitled (not_entitled, AU-3), the person is not registered in the organisation (unknown_person), or erased already."),
                    }))
                }
            },
            "/v1/events": {
                "get": {
                    "operationId": "events",
                    "summary": "A page of the log, in position order (read); with wait, a long poll.",
                    "parameters": page_parameters,
                    "responses": with_access(json!({
                        "200": json_response("The page; ask for next to go on.", page),
                        "400": problem("A malformed query (malformed_query, malformed_id)."),
                    }))
                }
            },
            "/v1/events/stream": {
                "get": {
                    "operationId": "followEvents",
                    "summary": "The log as Server-Sent Events: what is there, then each event as it is appended (read).",
                    "description": "Each event once, in position order, gapless. id is the position, event the stored type name, data the record as JSON (the ExportedRecord schema). A read failure ends the stream with an event named problem.",
                    "parameters": stream_parameters,
                    "responses": with_access(json!({
                        "200": { "description": "The stream.", "content": { "text/event-stream": { "schema": { "type": "string" }, "x-netvaerk-data": record } } },
                        "400": problem("A malformed query or Last-Event-ID."),
                        "503": problem("Too many clients follow the feed (too_many_feed_clients)."),
                    }))
                }
            },
            "/v1/head": {
                "get": {
                    "operationId": "head",
                    "summary": "The log's last position and hash (read).",
                    "responses": with_access(json!({ "200": json_response("The head.", head.clone()) }))
                }
            },
            "/v1/verify": {
                "get": {
                    "operationId": "verify",
                    "summary": "Walk the whole hash chain (admin).",
                    "responses": with_access(json!({ "200": json_response("What was found: ok, or the first bad record.", verify) }))
                }
            },
            "/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "security": [],
                    "responses": { "200": json_response("The OpenAPI 3.1 document.", json!({ "type": "object" })) }
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "healthz",
                    "summary": "The process answers.",
                    "security": [],
                    "responses": { "200": { "description": "ok", "content": { "text/plain": { "schema": { "type": "string" } } } } }
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "readyz",
                    "summary": "The store answers and the server is not shutting down.",
                    "security": [],
                    "responses": {
                        "200": json_response("Ready; the head.", head),
                        "503": problem("Shutting down (shutting_down) or the store does not answer (not_ready).")
                    }
                }
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "Prometheus text: requests, refusals by rule, append latency, head position, feed clients (read).",
                    "responses": with_access(json!({ "200": { "description": "The metrics.", "content": { "text/plain": { "schema": { "type": "string" } } } } }))
                }
            }
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "A token from `netvaerk token add`." } }
        }
    })
}
