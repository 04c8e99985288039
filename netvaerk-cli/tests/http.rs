//! `netvaerk serve`: every route, every class of error, idempotency, batches, reports, the
//! event feed under concurrent writers, graceful shutdown, two servers on one PostgreSQL
//! database, the OpenAPI document, and the load script's short run.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;

use chrono::NaiveDate;
use netvaerk::{Address, Service};
use netvaerk_core::{
    Action, Command, Competence, Metadata, OrganisationId, PersonId, PersonRole, RoundId, ThemeId, UnitId,
    UnitKind,
};
use netvaerk_http::{Config, Organisations, Scope, Tokens};
use netvaerk_store::{EventStore, MemoryStore, OpenCheck};
use serde_json::{json, Value};

#[path = "../../tests/support/mod.rs"]
mod support;
use support::{PgSchema, TempDir};

// ---------------------------------------------------------------------------------------------
// Fixtures

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190ab00_0000_7000_8000_000000000000 + n)
}

fn secretary() -> PersonId {
    PersonId::from_uuid(id(1))
}

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 3, 1).unwrap()
}

fn command(actor: PersonId, action: Action) -> Value {
    serde_json::to_value(Command::new(Metadata::new(actor, on()), action)).unwrap()
}

/// The chief forum's first member at the founding.
fn chief() -> PersonId {
    PersonId::from_uuid(id(3))
}

/// The two commands that found an organisation (AU-2): the founding by the secretary with
/// [`chief`] as the chief forum, and the secretariat's unit.
fn founding() -> Vec<Value> {
    let unit = UnitId::from_uuid(id(2));
    vec![
        command(
            secretary(),
            Action::FoundOrganisation {
                chief_forum: BTreeSet::from([chief()]),
                secretariat: BTreeSet::from([secretary()]),
            },
        ),
        command(secretary(), Action::RegisterUnit { unit, kind: UnitKind::Secretariat, parent: None }),
    ]
}

/// The commands that give a founded organisation a director area with a department, a
/// chief-forum member there (person 5: AU-3, the secretariat registers; AU-4, the chief forum
/// admits), and `theme` proposed by them with `title` and `challenge`.
fn proposal(theme: ThemeId, title: &str, challenge: &str) -> Vec<Value> {
    let (area, department, chief) =
        (UnitId::from_uuid(id(3)), UnitId::from_uuid(id(4)), PersonId::from_uuid(id(5)));
    let proposal = [
        (secretary(), Action::RegisterUnit { unit: area, kind: UnitKind::DirectorArea, parent: None }),
        (
            secretary(),
            Action::RegisterUnit { unit: department, kind: UnitKind::Department, parent: Some(area) },
        ),
        (secretary(), Action::RegisterPerson { person: chief, unit: Some(area), roles: BTreeSet::new() }),
        (
            self::chief(),
            Action::ChangePersonRoles { person: chief, roles: BTreeSet::from([PersonRole::ChiefForum]) },
        ),
        (
            chief,
            Action::ProposeTheme {
                theme,
                title: title.to_owned(),
                challenge: challenge.to_owned(),
                proposed_by: chief,
                departments: vec![department],
                origins: BTreeSet::from([netvaerk_core::Origin::Below]),
            },
        ),
    ];
    proposal.into_iter().map(|(by, action)| command(by, action)).collect()
}

/// A decision that can be made again and again: the secretary assesses a competence.
fn assess(score: u8) -> Value {
    let scores = [(Competence::Curiosity, score)].into_iter().collect();
    command(secretary(), Action::AssessCompetences { person: secretary(), scores })
}

// ---------------------------------------------------------------------------------------------
// A server in this process, on a free loopback port

struct Server {
    base: String,
    store: Arc<dyn EventStore>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(store: Arc<dyn EventStore>, config: Config) -> Self {
        let service = Arc::new(Service::new(Arc::clone(&store)));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (address_tx, address_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let thread = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                address_tx.send(listener.local_addr().unwrap()).unwrap();
                netvaerk_http::serve(listener, service, config, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        let address = address_rx.recv().unwrap();
        Self { base: format!("http://{address}"), store, stop: Some(stop), thread: Some(thread) }
    }

    fn memory() -> Self {
        Self::start(Arc::new(MemoryStore::new()), Config::default())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn head(&self) -> u64 {
        self.store.head().unwrap().map_or(0, |head| head.position)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A small client

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.body))
    }

    /// A JSON report's content, beside its stamp (`{"stamp", "report"}`), whose head is the
    /// `Netvaerk-Head` header's.
    fn report(&self) -> Value {
        let stamped = self.json();
        let head = stamped["stamp"]["head"].as_str().unwrap_or_default();
        assert_eq!(head, self.header("netvaerk-head"), "the stamp's head: {stamped}");
        stamped["report"].clone()
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Answer {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = match body {
        Some(body) => agent().run(request.body(body).unwrap()),
        None => agent().run(request.body(()).unwrap()),
    };
    let mut response = response.unwrap_or_else(|error| panic!("{method} {url}: {error}"));
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or_default().to_owned()))
        .collect();
    let status = response.status().as_u16();
    let body = response.body_mut().with_config().limit(1 << 30).read_to_string().unwrap();
    Answer { status, headers, body }
}

fn get(url: &str, headers: &[(&str, &str)]) -> Answer {
    send("GET", url, headers, None)
}

fn post(url: &str, headers: &[(&str, &str)], body: &Value) -> Answer {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    send("POST", url, &all, Some(serde_json::to_vec(body).unwrap()))
}

fn commands_url(server: &Server, organisation: OrganisationId) -> String {
    server.url(&format!("/v1/organisations/{organisation}/commands"))
}

/// Founds a fresh organisation through the server (an admin's first command).
fn found(server: &Server, headers: &[(&str, &str)]) -> OrganisationId {
    found_as(server, headers, OrganisationId::generate())
}

/// Founds `organisation` through the server (an admin's first command).
fn found_as(server: &Server, headers: &[(&str, &str)], organisation: OrganisationId) -> OrganisationId {
    let answer = post(
        &server.url(&format!("/v1/organisations/{organisation}/commands:batch")),
        headers,
        &json!({ "mode": "atomic", "commands": founding() }),
    );
    assert_eq!(answer.status, 201, "{}", answer.body);
    organisation
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

/// Every route the server has, as the OpenAPI document must list them.
const ROUTES: [(&str, &str); 19] = [
    ("get", "/v1/organisations"),
    ("post", "/v1/organisations/{org}/commands"),
    ("post", "/v1/organisations/{org}/commands:batch"),
    ("get", "/v1/organisations/{org}/reports/{report}"),
    ("get", "/v1/organisations/{org}/reports/audit/{id}"),
    ("get", "/v1/organisations/{org}/reports/round/{round}"),
    ("get", "/v1/organisations/{org}/policy"),
    ("post", "/v1/organisations/{org}/redactions"),
    ("put", "/v1/organisations/{org}/persons/{person}"),
    ("patch", "/v1/organisations/{org}/persons/{person}"),
    ("delete", "/v1/organisations/{org}/persons/{person}"),
    ("get", "/v1/events"),
    ("get", "/v1/events/stream"),
    ("get", "/v1/head"),
    ("get", "/v1/verify"),
    ("get", "/v1/openapi.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

fn openapi(server: &Server) -> Value {
    let answer = get(&server.url("/v1/openapi.json"), &[]);
    assert_eq!(answer.status, 200);
    answer.json()
}

/// Whether `instance` conforms to the component schema `name` of `document`.
fn conforms(document: &Value, name: &str, instance: &Value) -> Result<(), String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": document["components"],
    });
    conforms_to(&root, instance)
}

fn conforms_to(root: &Value, instance: &Value) -> Result<(), String> {
    let validator =
        jsonschema::validator_for(root).map_err(|error| format!("the schema does not compile: {error}"))?;
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => found.push(target.clone()),
                    _ => refs(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
        _ => {}
    }
}

#[test]
fn the_openapi_document_lists_exactly_the_routes_and_validates() {
    let server = Server::memory();
    let document = openapi(&server);
    assert_eq!(document["openapi"], "3.1.0");
    let listed: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().unwrap().keys().map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> =
        ROUTES.iter().map(|(method, path)| ((*method).to_owned(), (*path).to_owned())).collect();
    assert_eq!(listed, served);

    // Every reference resolves; every component schema is a valid JSON Schema 2020-12.
    let mut targets = Vec::new();
    refs(&document, &mut targets);
    assert!(targets.len() > 50, "few references: {}", targets.len());
    for target in &targets {
        let pointer = target.strip_prefix('#').unwrap_or_else(|| panic!("an outside reference: {target}"));
        assert!(document.pointer(pointer).is_some(), "{target} does not resolve");
    }
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        assert!(jsonschema::meta::is_valid(schema), "{name} is not a valid schema");
    }
    for name in
        ["Command", "Accepted", "Problem", "EventsPage", "PortfolioReport", "ThemeAudit", "ExportedRecord"]
    {
        assert!(document["components"]["schemas"].get(name).is_some(), "{name} is not described");
    }

    // Each variant of a tagged union is a titled schema of its own, the union a oneOf of
    // references with a discriminator (what client generators need to name and pick classes);
    // an event's payload is named too.
    let schemas = &document["components"]["schemas"];
    for (union, tag, count) in [("Action", "command", 42), ("Event", "type", 43), ("Warning", "kind", 9)] {
        let variants = schemas[union]["oneOf"].as_array().unwrap();
        assert_eq!(variants.len(), count, "{union}");
        let mapping = schemas[union]["discriminator"]["mapping"].as_object().unwrap();
        assert_eq!(schemas[union]["discriminator"]["propertyName"], tag);
        assert_eq!(mapping.len(), count, "{union}");
        for (value, reference) in mapping {
            let name = reference.as_str().unwrap().rsplit('/').next().unwrap();
            assert_eq!(schemas[name]["title"], name, "{union} {value}");
            assert_eq!(schemas[name]["properties"][tag]["const"], value.as_str());
            assert!(variants.iter().any(|variant| variant["$ref"] == *reference), "{union} {value}");
        }
    }
    assert_eq!(schemas["RoundOpened"]["properties"]["data"]["$ref"], "#/components/schemas/RoundOpenedData");
    assert_eq!(schemas["UnitKind"]["enum"], json!(["director_area", "department", "secretariat"]));

    // Every operation has a unique id and responses; every example conforms to its schema.
    let mut operations = BTreeSet::new();
    let mut examples = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let operation_id =
                operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no id"));
            assert!(operations.insert(operation_id.to_owned()), "{operation_id} twice");
            assert!(!operation["responses"].as_object().unwrap().is_empty());
            let bodies = operation["requestBody"]["content"].as_object().into_iter().flatten();
            let answers = operation["responses"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|response| response["content"].as_object().into_iter().flatten());
            for (_, media) in bodies.chain(answers) {
                let Some(schema) = media.get("schema") else { continue };
                let named =
                    media["examples"].as_object().into_iter().flatten().map(|(_, example)| &example["value"]);
                for example in media.get("example").into_iter().chain(named) {
                    let mut root = schema.clone();
                    root["components"] = document["components"].clone();
                    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
                    conforms_to(&root, example).unwrap_or_else(|error| panic!("{method} {path}: {error}"));
                    examples += 1;
                }
            }
        }
    }
    assert!(examples >= 8, "{examples} examples");
    // Every report has an example, and they are not empty.
    let reports = &document["paths"]["/v1/organisations/{org}/reports/{report}"]["get"]["responses"]["200"]
        ["content"]["application/json"]["examples"];
    for report in ["portfolio", "halfyear", "leaders", "forecast", "competence"] {
        assert!(reports.get(report).is_some(), "no example of the {report} report");
    }
    assert_eq!(reports["portfolio"]["value"]["report"]["themes"][0]["title"], "Urban farming in Albertslund");
    assert!(reports["portfolio"]["value"]["stamp"]["head"].is_string(), "examples are stamped");
    let audit = &document["paths"]["/v1/organisations/{org}/reports/audit/{id}"]["get"]["responses"]["200"]
        ["content"]["application/json"]["examples"]["theme"]["value"]["report"];
    assert!(audit["decisions"].as_array().unwrap().len() >= 4, "{audit}");
}

// ---------------------------------------------------------------------------------------------
// Every route

#[test]
fn every_route_answers_a_well_formed_request() {
    let server = Server::memory();
    let document = openapi(&server);
    let organisation = found(&server, &[]);
    let base = format!("/v1/organisations/{organisation}");

    let decided = post(&server.url(&format!("{base}/commands")), &[], &assess(3));
    assert_eq!(decided.status, 201, "{}", decided.body);
    conforms(&document, "Accepted", &decided.json()).unwrap();
    assert_eq!(decided.json()["events"][0]["position"], 3);
    assert_eq!(decided.json()["events"][0]["event"]["type"], "CompetencesAssessed");

    let batch = post(
        &server.url(&format!("{base}/commands:batch")),
        &[],
        &json!({ "mode": "each_on_its_own", "commands": [assess(4), assess(5)] }),
    );
    assert_eq!(batch.status, 201, "{}", batch.body);
    conforms(&document, "BatchAnswer", &batch.json()).unwrap();

    for (report, schema) in [
        ("portfolio", Some("PortfolioReport")),
        ("halfyear", None),
        ("leaders", None),
        ("forecast", Some("ForecastReport")),
        ("competence", Some("CompetenceReport")),
    ] {
        let answer = get(&server.url(&format!("{base}/reports/{report}")), &[]);
        assert_eq!(answer.status, 200, "{report}: {}", answer.body);
        assert_eq!(answer.header("content-type"), "application/json");
        assert_eq!(answer.header("netvaerk-position"), "5");
        if let Some(schema) = schema {
            conforms(&document, schema, &answer.report()).unwrap_or_else(|error| panic!("{report}: {error}"));
        }
    }
    // A theme, proposed by the chief forum for a department, and its audit trail.
    let theme = ThemeId::from_uuid(id(40));
    let commands = proposal(theme, "Urban farming in Albertslund", "Green areas lie unused");
    let proposed =
        post(&server.url(&format!("{base}/commands:batch")), &[], &json!({ "commands": commands }));
    assert_eq!(proposed.status, 201, "{}", proposed.body);
    let audit = get(&server.url(&format!("{base}/reports/audit/{}", theme.as_uuid())), &[]);
    assert_eq!(audit.status, 200, "{}", audit.body);
    conforms(&document, "ThemeAudit", &audit.report()).unwrap();
    assert_eq!(audit.report()["title"], "Urban farming in Albertslund");
    // The lists and the overview, against the report's schema; the overview's HTML, its pictures.
    let report_schema = &document["paths"]["/v1/organisations/{org}/reports/{report}"]["get"]["responses"]
        ["200"]["content"]["application/json"]["schema"];
    // The whole answer, the stamp beside the report.
    let mut root = report_schema.clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["components"] = document["components"].clone();
    for list in ["persons", "units", "themes", "networks", "rounds", "overview"] {
        let answer = get(&server.url(&format!("{base}/reports/{list}")), &[]);
        assert_eq!(answer.status, 200, "{list}: {}", answer.body);
        answer.report();
        conforms_to(&root, &answer.json()).unwrap_or_else(|error| panic!("{list}: {error}"));
    }
    let persons = get(&server.url(&format!("{base}/reports/persons")), &[]).report();
    assert!(persons.as_array().unwrap().iter().any(|person| person["id"] == id(5).to_string()), "{persons}");
    let overview = get(&server.url(&format!("{base}/reports/overview?format=html")), &[]);
    assert!(
        overview.body.contains("Overview for the chief forum") && overview.body.contains("@page{size:A4"),
        "{}",
        overview.body
    );
    let round = RoundId::containing(on());
    let answer = get(&server.url(&format!("{base}/reports/round/{round}")), &[]);
    assert_eq!(answer.status, 404, "nothing decided in the round yet: {}", answer.body);
    assert_eq!(answer.json()["code"], "unknown_round");
    let answer = get(&server.url(&format!("{base}/reports/round/2016H3")), &[]);
    assert_eq!((answer.status, answer.json()["code"].as_str()), (400, Some("malformed_id")));
    let head_now = server.head();
    assert_eq!(head_now, 10);

    let policy = get(&server.url(&format!("{base}/policy")), &[]);
    assert_eq!(policy.status, 200);
    conforms(&document, "Policy", &policy.json()).unwrap();

    // AU-3: the secretariat records personal data; the log records who and which fields.
    let body = json!({ "name": "Mette Hansen", "title": "Sekretariatschef", "by": secretary() });
    let person = send(
        "PUT",
        &server.url(&format!("{base}/persons/{}", secretary())),
        &[("content-type", "application/json")],
        Some(body.to_string().into_bytes()),
    );
    assert_eq!(person.status, 200, "{}", person.body);
    conforms(&document, "PersonRecorded", &person.json()).unwrap();
    assert_eq!(person.json()["position"], head_now + 1);
    let leaders = get(&server.url(&format!("{base}/reports/leaders?format=csv")), &[]);
    assert_eq!(leaders.header("content-type"), "text/csv; charset=utf-8");
    // CSV for Danish Excel (issue 28): a byte order mark, semicolons, CRLF.
    let excel = get(&server.url(&format!("{base}/reports/leaders?format=csv&csv_dialect=excel")), &[]);
    assert!(excel.body.starts_with("\u{feff}section;") && excel.body.contains("\r\n"), "{}", excel.body);
    let lotus = get(&server.url(&format!("{base}/reports/leaders?format=csv&csv_dialect=lotus")), &[]);
    assert_eq!((lotus.status, lotus.json()["code"].as_str()), (400, Some("unsupported_csv_dialect")));
    // An xlsx workbook (issue 28), by `format=` or by `Accept`: a file to save, named.
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    for (query, accept) in [("?format=xlsx&lang=da", "*/*"), ("", xlsx)] {
        let url = server.url(&format!("{base}/reports/leaders{query}"));
        let request = ureq::http::Request::builder().uri(&url).header("accept", accept).body(()).unwrap();
        let mut response = agent().run(request).unwrap();
        assert_eq!(response.status().as_u16(), 200, "{url}");
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("content-type").as_deref(), Some(xlsx));
        let disposition = header("content-disposition");
        assert_eq!(disposition.as_deref(), Some("attachment; filename=\"netvaerk-leaders.xlsx\""));
        let bytes = response.body_mut().read_to_vec().unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "an xlsx file");
    }
    let appendix = get(&server.url(&format!("{base}/reports/overview?format=md&appendix=audit")), &[]);
    assert_eq!(appendix.status, 200);
    let plain = get(&server.url(&format!("{base}/reports/overview?format=md")), &[]);
    assert!(
        appendix.body.contains("Audit trail of the theme")
            && !plain.body.contains("Audit trail of the theme")
    );
    let wrong = get(&server.url(&format!("{base}/reports/overview?appendix=everything")), &[]);
    assert_eq!((wrong.status, wrong.json()["code"].as_str()), (400, Some("unknown_appendix")));

    let page = get(&server.url("/v1/events?from=2&limit=2"), &[]);
    assert_eq!(page.status, 200);
    conforms(&document, "EventsPage", &page.json()).unwrap();
    let positions: Vec<u64> =
        page.json()["events"].as_array().unwrap().iter().map(|e| e["position"].as_u64().unwrap()).collect();
    assert_eq!(positions, [2, 3]);
    assert_eq!(page.json()["next"], 4);
    assert_eq!(page.json()["head"], 11);

    let mut feed = Feed::open(&server.base, None, "");
    assert_eq!(feed.next_id(), 1);
    assert_eq!(feed.next_id(), 2);
    drop(feed);

    let head = get(&server.url("/v1/head"), &[]);
    assert_eq!(head.json()["position"], 11);
    conforms(&document, "HeadAnswer", &head.json()).unwrap();
    let verify = get(&server.url("/v1/verify"), &[]);
    assert_eq!(verify.json()["ok"], true);
    assert_eq!(verify.json()["checked"], 11);
    conforms(&document, "VerifyAnswer", &verify.json()).unwrap();
    assert_eq!(get(&server.url("/healthz"), &[]).status, 200);
    assert_eq!(get(&server.url("/readyz"), &[]).json()["position"], 11);
    let metrics = get(&server.url("/metrics"), &[]);
    assert!(metrics.header("content-type").starts_with("text/plain; version=0.0.4"));
    // The head gauge follows the watcher, which may lag an append by a moment: not asserted.
    assert!(
        metrics.body.contains(
            "netvaerk_http_requests_total{route=\"/v1/organisations/{org}/commands\",status=\"201\"} 1\n"
        ),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("netvaerk_append_seconds_count 4\n"), "{}", metrics.body);
    // The decisions' events; the registry's record of the personal data is not a decision.
    assert!(metrics.body.contains("netvaerk_events_appended_total 10\n"), "{}", metrics.body);

    // The secretary redacts the theme's words (its proposal is the last decision); the chief
    // forum may not. The audit trail then shows the decision without them.
    let redactions = server.url(&format!("{base}/redactions"));
    let refused =
        post(&redactions, &[], &json!({ "position": 10, "why": "A name", "by": PersonId::from_uuid(id(5)) }));
    assert_eq!((refused.status, refused.code()), (422, "not_entitled".to_owned()), "{}", refused.body);
    let malformed = post(&redactions, &[], &json!({ "position": "nine" }));
    assert_eq!((malformed.status, malformed.code()), (400, "malformed_redaction".to_owned()));
    let redacted =
        post(&redactions, &[], &json!({ "position": 10, "why": "A citizen's name", "by": secretary() }));
    assert_eq!(redacted.status, 201, "{}", redacted.body);
    conforms(&document, "Redacted", &redacted.json()).unwrap();
    assert_eq!(redacted.json(), json!({ "position": 10, "redaction_position": 12 }));
    let audit = get(&server.url(&format!("{base}/reports/audit/{}", theme.as_uuid())), &[]);
    conforms(&document, "ThemeAudit", &audit.report()).unwrap();
    assert_eq!(audit.report()["title"], netvaerk_core::REDACTED_TEXT, "{}", audit.body);
    let missing = post(&redactions, &[], &json!({ "position": 99, "why": "A name", "by": secretary() }));
    assert_eq!((missing.status, missing.code()), (404, "no_such_position".to_owned()));
}

// ---------------------------------------------------------------------------------------------
// Errors

/// A server with tokens: an admin (the secretary), a writer (the secretary too), a reader.
struct Guarded {
    server: Server,
    _dir: TempDir,
    admin: String,
    writer: String,
    reader: String,
    stranger_writer: String,
}

fn guarded() -> Guarded {
    let dir = TempDir::new("http-tokens");
    let file = dir.0.join("tokens");
    let add = |person, scope, label: Option<&str>| {
        Tokens::add(&file, person, scope, Organisations::All, label.map(str::to_owned)).unwrap()
    };
    let admin = add(secretary(), Scope::Admin, Some("drift"));
    let writer = add(secretary(), Scope::Write, None);
    let reader = add(PersonId::from_uuid(id(9)), Scope::Read, Some("revision"));
    let stranger_writer = add(PersonId::from_uuid(id(8)), Scope::Write, None);
    let config =
        Config { tokens: Some(Tokens::load(&file).unwrap()), body_limit: 64 * 1024, ..Config::default() };
    let server = Server::start(Arc::new(MemoryStore::new()), config);
    Guarded { server, _dir: dir, admin, writer, reader, stranger_writer }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[test]
fn every_class_of_error_is_a_problem_with_its_status_and_code_and_appends_nothing() {
    let g = guarded();
    let server = &g.server;
    let admin = bearer(&g.admin);
    let organisation = found(server, &[("authorization", &admin)]);
    let document = openapi(server);
    let writer = bearer(&g.writer);
    let reader = bearer(&g.reader);
    let stranger = bearer(&g.stranger_writer);
    let commands = commands_url(server, organisation);
    let reports = server.url(&format!("/v1/organisations/{organisation}/reports"));
    let json_writer = [("content-type", "application/json"), ("authorization", writer.as_str())];
    let unknown = OrganisationId::generate();
    let mut without_actor = assess(2);
    without_actor["metadata"].as_object_mut().unwrap().remove("actor");
    let mut other_actor = assess(2);
    other_actor["metadata"]["actor"] = json!(PersonId::from_uuid(id(77)).to_string());
    let huge = json!({ "metadata": { "occurred_on": "2016-03-01" }, "action": { "command": "refine_theme", "note": "x".repeat(100_000) } });
    let director_area_under_unit = command(
        secretary(),
        Action::RegisterUnit {
            unit: UnitId::from_uuid(id(5)),
            kind: UnitKind::DirectorArea,
            parent: Some(UnitId::from_uuid(id(2))),
        },
    );
    let scores = [(Competence::Curiosity, 3)].into_iter().collect();
    let unknown_person =
        command(secretary(), Action::AssessCompetences { person: PersonId::from_uuid(id(99)), scores });

    let cases: Vec<(&str, Answer, u16, &str)> = vec![
        (
            "malformed JSON",
            send("POST", &commands, &json_writer, Some(b"{not json".to_vec())),
            400,
            "malformed_json",
        ),
        (
            "not a command",
            post(&commands, &[("authorization", &writer)], &json!({ "metadata": {} })),
            400,
            "malformed_command",
        ),
        (
            "not JSON at all",
            send(
                "POST",
                &commands,
                &[("content-type", "text/plain"), ("authorization", &writer)],
                Some(b"hello".to_vec()),
            ),
            415,
            "unsupported_media_type",
        ),
        (
            "a malformed organisation id",
            post(
                &server.url("/v1/organisations/not-a-uuid/commands"),
                &[("authorization", &writer)],
                &assess(1),
            ),
            400,
            "malformed_id",
        ),
        (
            "an unknown organisation",
            post(&commands_url(server, unknown), &[("authorization", &writer)], &assess(1)),
            404,
            "unknown_organisation",
        ),
        (
            "an unknown organisation's report",
            get(
                &server.url(&format!("/v1/organisations/{unknown}/reports/portfolio")),
                &[("authorization", &reader)],
            ),
            404,
            "unknown_organisation",
        ),
        (
            "an unknown person",
            post(&commands, &[("authorization", &writer)], &unknown_person),
            422,
            "unknown_person",
        ),
        (
            "an unknown audit subject",
            get(&format!("{reports}/audit/{}", id(98)), &[("authorization", &reader)]),
            404,
            "unknown_subject",
        ),
        (
            "an unknown report",
            get(&format!("{reports}/nope"), &[("authorization", &reader)]),
            404,
            "unknown_report",
        ),
        (
            "refused by ORG-1",
            post(&commands, &[("authorization", &writer)], &director_area_under_unit),
            422,
            "director_area_under_unit",
        ),
        (
            "the unit exists",
            post(&commands, &[("authorization", &writer)], &founding()[1]),
            422,
            "unit_exists",
        ),
        ("no token", post(&commands, &[], &assess(1)), 401, "unauthenticated"),
        (
            "a wrong token",
            post(&commands, &[("authorization", "Bearer nvk_0000")], &assess(1)),
            401,
            "unauthenticated",
        ),
        (
            "a read token writing",
            post(&commands, &[("authorization", &reader)], &assess(1)),
            403,
            "insufficient_scope",
        ),
        (
            "a read token in a batch",
            post(
                &format!("{commands}:batch"),
                &[("authorization", &reader)],
                &json!({ "commands": [assess(1)] }),
            ),
            403,
            "insufficient_scope",
        ),
        (
            "a writer verifying",
            get(&server.url("/v1/verify"), &[("authorization", &writer)]),
            403,
            "insufficient_scope",
        ),
        (
            "another person's actor",
            post(&commands, &[("authorization", &writer)], &other_actor),
            403,
            "actor_mismatch",
        ),
        (
            "a stranger deciding",
            post(&commands, &[("authorization", &stranger)], &without_actor),
            422,
            "unknown_actor",
        ),
        ("a body too large", post(&commands, &[("authorization", &writer)], &huge), 413, "body_too_large"),
        (
            "an unsupported format",
            get(&format!("{reports}/portfolio?format=pdf"), &[("authorization", &reader)]),
            406,
            "unsupported_format",
        ),
        (
            "an unacceptable Accept",
            get(&format!("{reports}/portfolio"), &[("authorization", &reader), ("accept", "image/png")]),
            406,
            "unsupported_format",
        ),
        (
            "an unknown language",
            get(&format!("{reports}/portfolio?lang=fr"), &[("authorization", &reader)]),
            400,
            "unsupported_language",
        ),
        (
            "a malformed as_of",
            get(&format!("{reports}/portfolio?as_of=yesterday"), &[("authorization", &reader)]),
            400,
            "malformed_as_of",
        ),
        (
            "a malformed query",
            get(&server.url("/v1/events?from=abc"), &[("authorization", &reader)]),
            400,
            "malformed_query",
        ),
        (
            "a malformed Last-Event-ID",
            get(&server.url("/v1/events/stream"), &[("authorization", &reader), ("last-event-id", "x")]),
            400,
            "malformed_last_event_id",
        ),
        (
            "a malformed batch",
            post(&format!("{commands}:batch"), &[("authorization", &writer)], &json!({ "commands": 7 })),
            400,
            "malformed_batch",
        ),
        (
            "a too long Idempotency-Key",
            post(&commands, &[("authorization", &writer), ("idempotency-key", &"k".repeat(300))], &assess(1)),
            400,
            "malformed_idempotency_key",
        ),
        ("an unknown route", get(&server.url("/v2/anything"), &[]), 404, "unknown_route"),
        ("a wrong method", send("DELETE", &server.url("/v1/head"), &[], None), 405, "method_not_allowed"),
    ];
    let head = server.head();
    assert_eq!(head, 2);
    for (what, answer, status, code) in &cases {
        assert_eq!(answer.status, *status, "{what}: {}", answer.body);
        assert_eq!(answer.header("content-type"), "application/problem+json", "{what}");
        assert_eq!(answer.code(), *code, "{what}: {}", answer.body);
        conforms(&document, "Problem", &answer.json()).unwrap_or_else(|error| panic!("{what}: {error}"));
    }
    let refused = &cases.iter().find(|(what, ..)| *what == "refused by ORG-1").unwrap().1;
    assert_eq!(refused.json()["rule"], "ORG-1");
    assert_eq!(refused.json()["class"], "refused");
    assert_eq!(server.head(), head, "an error appended something");

    // The tokens decide: the writer's command without an actor decides as the secretary.
    let accepted = post(&commands, &[("authorization", &writer)], &without_actor);
    assert_eq!(accepted.status, 201, "{}", accepted.body);
    let event = server.store.read_at(3).unwrap().unwrap();
    assert_eq!(event.header.metadata.actor, secretary());
    assert_eq!(get(&server.url("/v1/head"), &[("authorization", &reader)]).json()["position"], 3);
    let metrics = get(&server.url("/metrics"), &[("authorization", &reader)]).body;
    assert!(
        metrics.contains("netvaerk_refusals_total{rule=\"ORG-1\",code=\"director_area_under_unit\"} 1"),
        "{metrics}"
    );
}

// ---------------------------------------------------------------------------------------------
// Tokens a municipality can run

/// Polls `check` every 50 ms until it holds, for at most a minute (a generous bound: the server
/// looks at its tokens file once a second).
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !check() {
        assert!(std::time::Instant::now() < deadline, "{what} did not happen within a minute");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_token_acts_only_in_its_organisations_elsewhere_403_token_not_for_organisation() {
    let dir = TempDir::new("http-token-organisations");
    let file = dir.0.join("tokens");
    let (ours, theirs) = (OrganisationId::generate(), OrganisationId::generate());
    let only =
        |organisations: &[OrganisationId]| Organisations::Only(organisations.iter().copied().collect());
    let admin =
        Tokens::add(&file, secretary(), Scope::Admin, Organisations::All, Some("drift".into())).unwrap();
    let writer = Tokens::add(&file, secretary(), Scope::Write, only(&[ours]), Some("ours".into())).unwrap();
    let both = Tokens::add(&file, secretary(), Scope::Read, only(&[ours, theirs]), None).unwrap();
    let config = Config { tokens: Some(Tokens::load(&file).unwrap()), ..Config::default() };
    let server = Server::start(Arc::new(MemoryStore::new()), config);
    let (admin, writer, both) = (bearer(&admin), bearer(&writer), bearer(&both));
    found_as(&server, &[("authorization", &admin)], ours);
    found_as(&server, &[("authorization", &admin)], theirs);
    let head = server.head();
    let document = openapi(&server);
    let refused = |answer: Answer, what: &str| {
        assert_eq!(
            (answer.status, answer.code()),
            (403, "token_not_for_organisation".to_owned()),
            "{what}: {}",
            answer.body
        );
        conforms(&document, "Problem", &answer.json()).unwrap();
    };
    let writing = [("authorization", writer.as_str())];
    refused(post(&commands_url(&server, theirs), &writing, &assess(1)), "a command");
    refused(
        post(
            &format!("{}:batch", commands_url(&server, theirs)),
            &writing,
            &json!({ "commands": [assess(1)] }),
        ),
        "a batch",
    );
    let report = |organisation: OrganisationId| {
        server.url(&format!("/v1/organisations/{organisation}/reports/portfolio"))
    };
    refused(get(&report(theirs), &writing), "a report");
    refused(get(&server.url(&format!("/v1/organisations/{theirs}/policy")), &writing), "the policy");
    refused(get(&server.url("/v1/events"), &writing), "the whole feed");
    refused(get(&server.url(&format!("/v1/events?organisation={theirs}")), &writing), "their feed");
    assert_eq!(server.head(), head, "a refused token appended");
    // In its own organisation it decides and reads; a token for both reads both.
    assert_eq!(post(&commands_url(&server, ours), &writing, &assess(1)).status, 201);
    assert_eq!(get(&report(ours), &writing).status, 200);
    assert_eq!(get(&server.url(&format!("/v1/events?organisation={ours}")), &writing).status, 200);
    for organisation in [ours, theirs] {
        assert_eq!(get(&report(organisation), &[("authorization", &both)]).status, 200);
    }
    assert_eq!(get(&server.url("/v1/events"), &[("authorization", &admin)]).status, 200);
}

#[test]
fn a_token_added_or_revoked_takes_effect_on_the_running_server_and_a_loosened_file_is_refused() {
    let dir = TempDir::new("http-token-reload");
    let file = dir.0.join("tokens");
    let admin = Tokens::add(&file, secretary(), Scope::Admin, Organisations::All, None).unwrap();
    let config = Config { tokens: Some(Tokens::load(&file).unwrap()), ..Config::default() };
    let server = Server::start(Arc::new(MemoryStore::new()), config);
    let organisation = found(&server, &[("authorization", &bearer(&admin))]);
    let url = commands_url(&server, organisation);
    // Added while the server runs: accepted without a restart.
    let only = Organisations::Only([organisation].into_iter().collect());
    let writer =
        bearer(&Tokens::add(&file, secretary(), Scope::Write, only, Some("sagssystem".into())).unwrap());
    let decide = || post(&url, &[("authorization", &writer)], &assess(2));
    eventually("the new token's acceptance", || decide().status != 401);
    assert_eq!(decide().status, 201);
    // Revoked by its label: refused without a restart.
    let revoked = Tokens::revoke(&file, "sagssystem").unwrap();
    assert_eq!(revoked.label.as_deref(), Some("sagssystem"));
    eventually("the revoked token's refusal", || decide().status == 401);
    assert_eq!(decide().code(), "unauthenticated");
    // A file others may read is refused at reload: every request needing a token fails closed,
    // naming the file, its mode and the remedy, until it is owner-only again.
    #[cfg(unix)]
    {
        let head = |token: &str| get(&server.url("/v1/head"), &[("authorization", token)]);
        let admin = bearer(&admin);
        chmod(&file, 0o644);
        eventually("the loosened file's refusal", || head(&admin).status == 503);
        let answer = head(&admin);
        assert_eq!(answer.code(), "tokens_file_refused");
        let detail = answer.json()["detail"].as_str().unwrap().to_owned();
        assert!(
            detail.contains(&file.display().to_string())
                && detail.contains("0644")
                && detail.contains("chmod 600"),
            "{detail}"
        );
        chmod(&file, 0o600);
        eventually("the mended file's acceptance", || head(&admin).status == 200);
    }
}

#[test]
fn an_upper_case_actor_id_names_the_tokens_person() {
    let g = guarded();
    let organisation = found(&g.server, &[("authorization", &bearer(&g.admin))]);
    let mut upper = assess(3);
    upper["metadata"]["actor"] = json!(secretary().to_string().to_uppercase());
    let answer =
        post(&commands_url(&g.server, organisation), &[("authorization", &bearer(&g.writer))], &upper);
    assert_eq!(answer.status, 201, "{}", answer.body);
    let position = answer.json()["events"][0]["position"].as_u64().unwrap();
    assert_eq!(g.server.store.read_at(position).unwrap().unwrap().header.metadata.actor, secretary());
    let mut malformed = assess(3);
    malformed["metadata"]["actor"] = json!("not-an-id");
    let answer =
        post(&commands_url(&g.server, organisation), &[("authorization", &bearer(&g.writer))], &malformed);
    assert_eq!((answer.status, answer.code()), (403, "actor_mismatch".to_owned()), "{}", answer.body);
}

/// `netvaerk serve --tokens FILE` at start: a missing file, a file others may read, and a token
/// written before tokens had organisations are each refused with exit code 2 and a message that
/// says what to do.
#[test]
fn serve_refuses_a_missing_loose_or_unbound_tokens_file_at_start_with_exit_code_2() {
    let dir = TempDir::new("http-token-start");
    let serve = |file: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
            .env("NETVAERK_LANG", "en")
            .args([
                "--store",
                &format!("redb:{}", dir.0.join("log.redb").display()),
                "serve",
                "--listen",
                "127.0.0.1:0",
            ])
            .arg("--tokens")
            .arg(file)
            .output()
            .unwrap()
    };
    let missing = dir.0.join("no-such-tokens");
    let output = serve(&missing);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("[tokens_file_missing]") && stderr.contains(&missing.display().to_string()),
        "{stderr}"
    );
    let legacy = dir.0.join("legacy-tokens");
    let line = json!({ "sha256": "ab".repeat(32), "person": secretary(), "scope": "write", "label": "old", "created_at": "2025-01-01T00:00:00Z" });
    std::fs::write(&legacy, format!("{line}\n")).unwrap();
    #[cfg(unix)]
    chmod(&legacy, 0o600);
    let output = serve(&legacy);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("names no organisations") && stderr.contains("token add --org"), "{stderr}");
    #[cfg(unix)]
    {
        chmod(&legacy, 0o640);
        let output = serve(&legacy);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("[tokens_file_insecure]")
                && stderr.contains("0640")
                && stderr.contains("chmod 600"),
            "{stderr}"
        );
    }
}

/// `netvaerk token list` shows every token but never one; `token revoke` takes a label or the
/// start of a hash.
#[test]
fn token_list_shows_the_tokens_but_never_one_and_token_revoke_takes_a_label_or_a_hash_prefix() {
    let dir = TempDir::new("http-token-cli");
    let file = dir.0.join("tokens");
    let netvaerk = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
            .env("NETVAERK_LANG", "en")
            .args(args)
            .arg("--tokens")
            .arg(&file)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let organisation = OrganisationId::generate().to_string();
    let person = secretary().to_string();
    let (code, first, stderr) = netvaerk(&[
        "token",
        "add",
        "--person",
        &person,
        "--scope",
        "write",
        "--org",
        &organisation,
        "--label",
        "sagssystem",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, second, _) =
        netvaerk(&["token", "add", "--person", &person, "--scope", "read", "--all-organisations"]);
    assert_eq!(code, Some(0));
    let (code, _, stderr) = netvaerk(&["token", "add", "--person", &person, "--scope", "read"]);
    assert_eq!(code, Some(2), "a token without --org or --all-organisations: {stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let (code, listed, _) = netvaerk(&["token", "list"]);
    assert_eq!(code, Some(0));
    assert!(!listed.contains(first.trim()) && !listed.contains(second.trim()), "token list shows a token");
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(
        lines[0].contains("sagssystem")
            && lines[0].contains(&organisation)
            && lines[0].contains("write")
            && lines[0].contains(&person),
        "{listed}"
    );
    assert!(lines[1].contains("all") && lines[1].contains("read"), "{listed}");
    let prefix = lines[1].split_whitespace().next().unwrap().to_owned();
    assert_eq!(&prefix, &netvaerk_http::digest(second.trim())[..prefix.len()]);
    let (code, _, stderr) = netvaerk(&["token", "revoke", "nosuchlabel"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("[unknown_token]"), "{stderr}");
    assert_eq!(netvaerk(&["token", "revoke", &prefix[..8]]).0, Some(0));
    assert_eq!(netvaerk(&["token", "revoke", "sagssystem"]).0, Some(0));
    assert_eq!(netvaerk(&["token", "list"]).1, "");
}

// ---------------------------------------------------------------------------------------------
// Idempotency and batches

#[test]
fn a_retried_request_with_the_same_idempotency_key_appends_nothing_and_answers_as_the_first_time() {
    let server = Server::memory();
    let organisation = found(&server, &[]);
    let url = commands_url(&server, organisation);
    let first = post(&url, &[("idempotency-key", "sag-2016-117")], &assess(4));
    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), "");
    let again = post(&url, &[("idempotency-key", "sag-2016-117")], &assess(4));
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.json()["events"], first.json()["events"]);
    assert_eq!(again.json()["replayed"], true);
    assert_eq!(server.head(), 3);
    let other = post(&url, &[("idempotency-key", "sag-2016-118")], &assess(4));
    assert_eq!(other.json()["events"][0]["position"], 4);
    // A batch's commands each get their own id from the key.
    let batch_url = format!("{url}:batch");
    let body = json!({ "commands": [assess(1), assess(2)] });
    let first = post(&batch_url, &[("idempotency-key", "batch-1")], &body);
    let again = post(&batch_url, &[("idempotency-key", "batch-1")], &body);
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 200, "nothing appended the second time");
    assert_eq!(
        first.json()["results"][1]["accepted"]["events"],
        again.json()["results"][1]["accepted"]["events"]
    );
    assert_eq!(server.head(), 6);
}

/// The server decides an organisation's concurrent commands together (one append for those
/// queued meanwhile): a key sent by many clients at once still decides once, and a refused
/// command among them skips only itself.
#[test]
fn concurrent_requests_with_one_idempotency_key_decide_once_and_a_refusal_among_others_skips_only_itself() {
    let server = Server::memory();
    let organisation = found(&server, &[]);
    let url = commands_url(&server, organisation);
    let refused = command(
        secretary(),
        Action::AssessCompetences { person: secretary(), scores: [(Competence::Curiosity, 9)].into() },
    );
    let answers: Vec<(usize, Answer)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..24)
            .map(|n| {
                let (url, refused) = (&url, &refused);
                scope.spawn(move || {
                    let answer = match n % 3 {
                        0 => post(url, &[("idempotency-key", "sag-2016-300")], &assess(3)),
                        1 => post(url, &[], &assess(u8::try_from(n % 5).unwrap_or(0) + 1)),
                        _ => post(url, &[], refused),
                    };
                    (n, answer)
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    let keyed: Vec<&Answer> = answers.iter().filter(|(n, _)| n % 3 == 0).map(|(_, answer)| answer).collect();
    assert!(
        keyed.iter().all(|answer| answer.status == 201),
        "{:?}",
        keyed.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    let first: Vec<&&Answer> = keyed.iter().filter(|answer| answer.json()["replayed"] == false).collect();
    assert_eq!(first.len(), 1);
    for answer in &keyed {
        let replayed = !std::ptr::eq(*answer, *first[0]);
        assert_eq!(answer.header("idempotent-replayed"), if replayed { "true" } else { "" });
        assert_eq!(answer.json()["events"], first[0].json()["events"], "the same events and positions");
        assert_eq!(answer.json()["stream_version"], first[0].json()["stream_version"]);
    }
    for (n, answer) in &answers {
        match n % 3 {
            1 => assert_eq!(answer.status, 201, "{}", answer.body),
            2 => assert_eq!(
                (answer.status, answer.code()),
                (422, "invalid_score".to_owned()),
                "{}",
                answer.body
            ),
            _ => {}
        }
    }
    // The founding's two events, the keyed command's one, and one for each of the 8 others.
    assert_eq!(server.head(), 2 + 1 + 8);
}

#[test]
fn the_same_idempotency_key_with_another_body_is_422_idempotency_key_reused_and_appends_nothing() {
    let server = Server::memory();
    let organisation = found(&server, &[]);
    let url = commands_url(&server, organisation);
    let first = post(&url, &[("idempotency-key", "sag-2016-200")], &assess(4));
    assert_eq!(first.status, 201, "{}", first.body);
    let head = server.head();
    let document = openapi(&server);
    let mut with_rationale = assess(4);
    with_rationale["metadata"]["rationale"] = json!("Another reason");
    for other in [assess(5), with_rationale, founding()[1].clone()] {
        let answer = post(&url, &[("idempotency-key", "sag-2016-200")], &other);
        assert_eq!(
            (answer.status, answer.code()),
            (422, "idempotency_key_reused".to_owned()),
            "{}",
            answer.body
        );
        assert_eq!(answer.header("content-type"), "application/problem+json");
        assert_eq!(answer.json()["class"], "input");
        conforms(&document, "Problem", &answer.json()).unwrap();
        assert_eq!(server.head(), head, "a reused key appended something");
    }
    // A batch under a key used for other bodies: atomic fails whole, each on its own per command.
    let batch_url = format!("{url}:batch");
    assert_eq!(
        post(&batch_url, &[("idempotency-key", "batch-2")], &json!({ "commands": [assess(1)] })).status,
        201
    );
    let head = server.head();
    let atomic = post(&batch_url, &[("idempotency-key", "batch-2")], &json!({ "commands": [assess(2)] }));
    assert_eq!((atomic.status, atomic.code()), (422, "idempotency_key_reused".to_owned()), "{}", atomic.body);
    let each = post(
        &batch_url,
        &[("idempotency-key", "batch-2")],
        &json!({ "mode": "each_on_its_own", "commands": [assess(2)] }),
    );
    assert_eq!(each.status, 200, "{}", each.body);
    assert_eq!(each.json()["results"][0]["problem"]["code"], "idempotency_key_reused");
    assert_eq!(each.json()["results"][0]["problem"]["status"], 422);
    assert_eq!(server.head(), head);
    // The first body with its key is still answered as the first time.
    let again = post(&url, &[("idempotency-key", "sag-2016-200")], &assess(4));
    assert_eq!(again.status, 201);
    assert_eq!(again.json()["events"], first.json()["events"]);
}

#[test]
fn the_same_idempotency_key_or_command_id_in_two_organisations_decides_in_each_its_own() {
    let server = Server::memory();
    let (first, second) = (found(&server, &[]), found(&server, &[]));
    let command_id = uuid::Uuid::now_v7().to_string();
    for (key, body) in [
        (Some("sag-2016-300"), assess(4)),
        (None, {
            let mut body = assess(4);
            body["metadata"]["command_id"] = json!(command_id);
            body
        }),
    ] {
        let headers: Vec<(&str, &str)> = key.iter().map(|key| ("idempotency-key", *key)).collect();
        let in_first = post(&commands_url(&server, first), &headers, &body);
        let in_second = post(&commands_url(&server, second), &headers, &body);
        for (organisation, answer) in [(first, &in_first), (second, &in_second)] {
            assert_eq!(answer.status, 201, "{}", answer.body);
            assert_eq!(answer.json()["replayed"], false, "{}", answer.body);
            assert_eq!(answer.json()["organisation"], organisation.to_string());
            let position = answer.json()["events"][0]["position"].as_u64().unwrap();
            let stored = server.store.read_at(position).unwrap().unwrap();
            assert_eq!(stored.header.stream, netvaerk_store::StreamId::organisation(organisation));
            let again = post(&commands_url(&server, organisation), &headers, &body);
            assert_eq!(again.json()["replayed"], true);
            assert_eq!(again.json()["events"], answer.json()["events"]);
        }
    }
}

#[test]
fn a_replayed_rl3_decision_answers_its_acknowledgement_as_the_first_time_and_the_overrides_show_it() {
    let server = Server::memory();
    let organisation = OrganisationId::generate();
    let (history, change) = support::rl3_history();
    let url = commands_url(&server, organisation);
    let founded = post(&format!("{url}:batch"), &[], &json!({ "mode": "atomic", "commands": history }));
    assert_eq!(founded.status, 201, "{}", founded.body);
    let change = serde_json::to_value(change).unwrap();
    let first = post(&url, &[("idempotency-key", "rl3-change")], &change);
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.json()["acknowledged"][0]["warning"]["kind"], "reference_leader_outside_forum");
    assert_eq!(first.json()["acknowledged"][0]["rationale"], "Closest to the test site");
    let head = server.head();
    let again = post(&url, &[("idempotency-key", "rl3-change")], &change);
    assert_eq!(again.header("idempotent-replayed"), "true");
    let without_replayed = |mut value: Value| {
        value.as_object_mut().unwrap().remove("replayed");
        value
    };
    assert_eq!(without_replayed(again.json()), without_replayed(first.json()));
    assert_eq!(server.head(), head);
    // The half-year report's overrides list it.
    let report = get(&server.url(&format!("/v1/organisations/{organisation}/reports/portfolio")), &[]).body;
    assert!(report.contains("Closest to the test site"), "{report}");
}

#[test]
fn an_atomic_batch_with_a_refusal_appends_nothing_and_each_on_its_own_skips_only_the_refused() {
    let server = Server::memory();
    let organisation = found(&server, &[]);
    let url = format!("{}:batch", commands_url(&server, organisation));
    let body = |mode: &str| json!({ "mode": mode, "commands": [assess(1), founding()[1], assess(2)] });
    let atomic = post(&url, &[], &body("atomic"));
    assert_eq!((atomic.status, atomic.code()), (422, "unit_exists".to_owned()));
    assert_eq!(atomic.json()["index"], 1);
    assert_eq!(server.head(), 2);
    let each = post(&url, &[], &body("each_on_its_own"));
    assert_eq!(each.status, 201);
    let results = each.json()["results"].clone();
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["problem"]["code"], "unit_exists");
    assert_eq!(results[2]["accepted"]["events"][0]["position"], 4);
    assert_eq!(server.head(), 4);
}

// ---------------------------------------------------------------------------------------------
// Reports

#[test]
fn reports_negotiate_format_and_language_and_are_as_of_a_date_or_a_position() {
    let server = Server::memory();
    let organisation = found(&server, &[]);
    let report = |query: &str, headers: &[(&str, &str)]| {
        get(&server.url(&format!("/v1/organisations/{organisation}/reports/competence{query}")), headers)
    };
    let csv = report("", &[("accept", "text/html;q=0.5, text/csv")]);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv.body.starts_with("section,person,stage,days"), "every section: {}", csv.body);
    let tracks = report("?format=csv&section=1", &[]);
    assert!(tracks.body.starts_with("person,stage,days"), "{}", tracks.body);
    let unknown = report("?format=csv&section=9", &[]);
    assert_eq!((unknown.status, unknown.code()), (400, "unknown_section".to_owned()));
    let danish = report("?format=md", &[("accept-language", "da-DK, en;q=0.8")]);
    assert_eq!(danish.header("content-language"), "da");
    assert!(danish.body.contains("### Kompetenceforløb"), "{}", danish.body);
    assert!(danish.body.contains("| person | trin | dage |"), "{}", danish.body);
    let html = report("?format=html&lang=da", &[]);
    assert_eq!(html.header("content-type"), "text/html; charset=utf-8");
    assert!(html.body.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"));
    assert!(html.body.contains("<th>trin</th>"));
    let table = report("", &[("accept", "text/plain")]);
    assert!(table.body.starts_with("organisation: "), "stamped: {}", table.body);
    assert!(table.body.contains("\n\nCompetence tracks (NL-3"), "{}", table.body);
    let head = table.header("netvaerk-head").to_owned();
    assert!(
        table.body.contains(&head.replacen(':', " ", 1)),
        "the stamp names the head {head}: {}",
        table.body
    );

    post(&commands_url(&server, organisation), &[], &assess(5));
    let now = report("", &[]);
    let at_two = report("?as_of=2", &[]);
    let before = report("?as_of=2016-02-29", &[]);
    assert_eq!(now.header("netvaerk-position"), "3");
    assert_eq!(at_two.header("netvaerk-position"), "2");
    assert_eq!(before.header("netvaerk-position"), "0");
    let danish_date = report("?as_of=29.02.2016", &[]);
    assert_eq!(danish_date.header("netvaerk-position"), "0", "a date written the Danish way");
    // The founders, secretary and chief, each have a track.
    assert_eq!(now.report()["tracks"].as_array().unwrap().len(), 2);
    assert_eq!(before.report()["tracks"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// The event feed

/// A client following `/v1/events/stream`.
struct Feed {
    lines: Box<dyn BufRead + Send>,
}

impl Feed {
    fn open(base: &str, last_event_id: Option<u64>, query: &str) -> Self {
        Self::connect(base, last_event_id, query)
            .unwrap_or_else(|status| panic!("the feed answered {status}"))
    }

    /// The feed, or the status it answered instead of 200.
    fn try_open(base: &str, query: &str) -> Result<Self, u16> {
        Self::connect(base, None, query)
    }

    fn connect(base: &str, last_event_id: Option<u64>, query: &str) -> Result<Self, u16> {
        let mut request =
            ureq::http::Request::builder().method("GET").uri(format!("{base}/v1/events/stream{query}"));
        if let Some(last) = last_event_id {
            request = request.header("last-event-id", last.to_string());
        }
        let response = agent().run(request.body(()).unwrap()).unwrap();
        if response.status().as_u16() != 200 {
            return Err(response.status().as_u16());
        }
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Ok(Self { lines: Box::new(BufReader::new(response.into_body().into_reader())) })
    }

    /// The next event's id (its position), checking that its data is its record.
    fn next_id(&mut self) -> u64 {
        let (mut id, mut data) = (None, None);
        loop {
            let mut line = String::new();
            assert!(self.lines.read_line(&mut line).unwrap() > 0, "the feed ended");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() && id.is_some() {
                break;
            }
            if let Some(value) = line.strip_prefix("id: ").or_else(|| line.strip_prefix("id:")) {
                id = Some(value.parse::<u64>().unwrap());
            }
            if let Some(value) = line.strip_prefix("data: ").or_else(|| line.strip_prefix("data:")) {
                data = Some(serde_json::from_str::<Value>(value).unwrap());
            }
        }
        let id = id.unwrap();
        assert_eq!(data.unwrap()["position"], id);
        id
    }
}

#[test]
fn the_feed_sends_every_event_once_in_order_while_8_writers_post_1000_commands_and_resumes_from_last_event_id(
) {
    let dir = TempDir::new("http-feed");
    let address: Address = format!("redb:{}", dir.0.join("log.redb").display()).parse().unwrap();
    let store: Arc<dyn EventStore> = Arc::from(address.open(OpenCheck::Head).unwrap());
    let server = Arc::new(Server::start(store, Config::default()));
    let organisations: Vec<OrganisationId> = (0..8).map(|_| found(&server, &[])).collect();
    let founded = server.head();
    let total = founded + 1000;

    let follower = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut feed = Feed::open(&server.base, None, "");
            while (seen.len() as u64) < total {
                seen.push(feed.next_id());
                // Drop the connection twice along the way and resume from the last id.
                if seen.len() == 300 || seen.len() == 700 {
                    feed = Feed::open(&server.base, seen.last().copied(), "");
                }
            }
            seen
        })
    };
    let writers: Vec<_> = organisations
        .iter()
        .map(|organisation| {
            let (server, organisation) = (Arc::clone(&server), *organisation);
            std::thread::spawn(move || {
                for n in 0..125u8 {
                    let answer = post(&commands_url(&server, organisation), &[], &assess(n % 5 + 1));
                    assert_eq!(answer.status, 201, "{}", answer.body);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let seen = follower.join().unwrap();
    assert_eq!(server.head(), total);
    assert_eq!(seen, (1..=total).collect::<Vec<u64>>(), "not every event once, in order");

    // Filtered by organisation: that organisation's events only, in order.
    let mut one = Feed::open(
        &server.base,
        None,
        &format!("?organisation={}&type=CompetencesAssessed", organisations[3]),
    );
    let ids: Vec<u64> = (0..125).map(|_| one.next_id()).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    for position in ids {
        let envelope = server.store.read_at(position).unwrap().unwrap();
        assert_eq!(envelope.header.stream, netvaerk_store::StreamId::organisation(organisations[3]));
    }
}

#[test]
fn the_feed_takes_no_more_clients_than_its_limit_and_frees_a_place_when_one_leaves() {
    let server = Server::start(Arc::new(MemoryStore::new()), Config { feed_clients: 1, ..Config::default() });
    found(&server, &[]);
    let mut first = Feed::open(&server.base, None, "");
    assert_eq!(first.next_id(), 1);
    let refused = get(&server.url("/v1/events/stream"), &[]);
    assert_eq!((refused.status, refused.code()), (503, "too_many_feed_clients".to_owned()));
    drop(first);
    // The place frees once the server notices the closed connection, when it next writes
    // there: an event (each append below) or the keep-alive.
    let organisation = found(&server, &[]);
    let mut again = loop {
        match Feed::try_open(&server.base, "?from=3") {
            Ok(feed) => break feed,
            Err(503) => {
                post(&commands_url(&server, organisation), &[], &assess(1));
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(status) => panic!("the feed answered {status}"),
        }
    };
    assert_eq!(again.next_id(), 3);
}

#[test]
fn a_long_poll_returns_the_event_appended_while_it_waits() {
    let server = Arc::new(Server::memory());
    let organisation = found(&server, &[]);
    let poll = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || get(&server.url("/v1/events?from=3&wait=60"), &[]))
    };
    // Whether the poll is already waiting or not, it must answer with position 3.
    post(&commands_url(&server, organisation), &[], &assess(2));
    let page = poll.join().unwrap().json();
    assert_eq!(page["events"][0]["position"], 3);
    assert_eq!(page["next"], 4);
    let empty = get(&server.url("/v1/events?from=4"), &[]).json();
    assert_eq!(empty["events"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// Processes: graceful shutdown, two servers on one PostgreSQL database

/// `netvaerk serve` as a child process on a free port.
struct Process {
    child: Child,
    base: String,
}

impl Process {
    fn start(store: &str, extra: &[&str]) -> Self {
        let (child, base) = support::serving(
            std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
                .env("NETVAERK_LANG", "en")
                .args(["--store", store, "serve", "--listen", "127.0.0.1:0"])
                .args(extra)
                .stderr(Stdio::piped()),
        );
        Self { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        assert!(stderr.contains("stopped; every request in flight was answered"), "{stderr}");
        exit
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Posts `assess` commands to `base` until `stop`, or until the server stops answering;
/// returns the positions of the answers 2xx.
fn keep_posting(
    base: String,
    organisation: OrganisationId,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<(u64, String)> {
    let mut acknowledged = Vec::new();
    let url = format!("{base}/v1/organisations/{organisation}/commands");
    let body = serde_json::to_vec(&assess(3)).unwrap();
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let request = ureq::http::Request::builder()
            .method("POST")
            .uri(&url)
            .header("content-type", "application/json");
        let Ok(mut response) = agent().run(request.body(body.clone()).unwrap()) else { break };
        if response.status().as_u16() != 201 {
            continue;
        }
        let Ok(text) = response.body_mut().read_to_string() else { break };
        let answer: Value = serde_json::from_str(&text).unwrap();
        for event in answer["events"].as_array().unwrap() {
            acknowledged.push((
                event["position"].as_u64().unwrap(),
                event["event"]["type"].as_str().unwrap().to_owned(),
            ));
        }
    }
    acknowledged
}

#[test]
fn sigterm_during_load_loses_no_decision_that_was_answered_2xx() {
    let dir = TempDir::new("http-sigterm");
    let store = format!("redb:{}", dir.0.join("log.redb").display());
    let server = Process::start(&store, &[]);
    let organisation = OrganisationId::generate();
    let founded = post(
        &format!("{}/v1/organisations/{organisation}/commands:batch", server.base),
        &[],
        &json!({ "commands": founding() }),
    );
    assert_eq!(founded.status, 201);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (base, stop) = (server.base.clone(), Arc::clone(&stop));
            std::thread::spawn(move || keep_posting(base, organisation, stop))
        })
        .collect();
    // Terminate once some decisions are in, with the clients still posting.
    while get(&format!("{}/v1/head", server.base), &[]).json()["position"].as_u64().unwrap() < 100 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let exit = server.terminate();
    assert!(exit.success(), "{exit}");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let acknowledged: Vec<(u64, String)> =
        clients.into_iter().flat_map(|client| client.join().unwrap()).collect();
    assert!(acknowledged.len() >= 98, "{} acknowledged", acknowledged.len());

    let store: Box<dyn EventStore> = store.parse::<Address>().unwrap().open(OpenCheck::Records).unwrap();
    for (position, event_type) in &acknowledged {
        let envelope = store
            .read_at(*position)
            .unwrap()
            .unwrap_or_else(|| panic!("{position} was acknowledged and is lost"));
        assert_eq!(&envelope.header.event_type, event_type);
    }
    let report = store.verify().unwrap();
    assert!(report.is_ok());
    assert_eq!(
        report.checked,
        2 + acknowledged.len() as u64,
        "the log holds more or less than was acknowledged"
    );
}

#[test]
fn two_servers_on_one_postgresql_database_share_one_gapless_log_and_each_feed_sees_the_others_appends() {
    let Some(schema) = PgSchema::new("nvhttp") else {
        eprintln!("skipped: NETVAERK_TEST_POSTGRES is unset");
        return;
    };
    let first = Process::start(&schema.address(), &[]);
    let second = Process::start(&schema.address(), &[]);
    let organisation = OrganisationId::generate();
    let founded = post(
        &format!("{}/v1/organisations/{organisation}/commands:batch", first.base),
        &[],
        &json!({ "commands": founding() }),
    );
    assert_eq!(founded.status, 201, "{}", founded.body);
    // Writers on both servers to the same organisation: the services retry each other's conflicts.
    let writers: Vec<_> = [&first.base, &second.base, &first.base, &second.base]
        .into_iter()
        .map(|base| {
            let url = format!("{base}/v1/organisations/{organisation}/commands");
            std::thread::spawn(move || {
                (0..50u8)
                    .map(|n| {
                        let answer = post(&url, &[], &assess(n % 5 + 1));
                        assert_eq!(answer.status, 201, "{}", answer.body);
                        answer.json()["events"][0]["position"].as_u64().unwrap()
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut positions: Vec<u64> = writers.into_iter().flat_map(|writer| writer.join().unwrap()).collect();
    positions.sort_unstable();
    assert_eq!(positions, (3..=202).collect::<Vec<u64>>(), "positions are not gapless across the servers");

    // The first server's feed holds every event, the second's appends among them.
    let mut feed = Feed::open(&first.base, None, "");
    let seen: Vec<u64> = (0..202).map(|_| feed.next_id()).collect();
    assert_eq!(seen, (1..=202).collect::<Vec<u64>>());
    let head = get(&format!("{}/v1/head", second.base), &[]).json();
    assert_eq!(head["position"], 202);
    let verify = get(&format!("{}/v1/verify", second.base), &[]).json();
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["checked"], 202);
    // A live append through the second server reaches the first server's feed.
    let live = post(&format!("{}/v1/organisations/{organisation}/commands", second.base), &[], &assess(1));
    assert_eq!(live.status, 201);
    assert_eq!(feed.next_id(), 203);
    assert!(first.terminate().success());
    assert!(second.terminate().success());
}

// ---------------------------------------------------------------------------------------------
// The CLI against a server

#[test]
fn the_cli_decides_reports_exports_and_verifies_through_a_server_holding_an_embedded_store() {
    let dir = TempDir::new("http-cli");
    let store = format!("redb:{}", dir.0.join("log.redb").display());
    let tokens = dir.0.join("tokens");
    let organisation = OrganisationId::generate();
    // The admin's token is for every organisation (it exports the whole log); the reader's for
    // the one organisation.
    let token = |scope: &str, organisations: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
            .env("NETVAERK_LANG", "en")
            .args(["token", "add", "--person", &secretary().to_string(), "--scope", scope])
            .args(organisations)
            .arg("--tokens")
            .arg(&tokens)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let admin = token("admin", &["--all-organisations"]);
    let reader = token("read", &["--org", &organisation.to_string()]);
    let server = Process::start(&store, &["--tokens", tokens.to_str().unwrap()]);
    let cli_as = |token: &str, args: &[&str], input: Option<&str>| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
            .env("NETVAERK_LANG", "en")
            .args(["--store", &server.base, "--organisation", &organisation.to_string()])
            .env("NETVAERK_TOKEN", token)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, input.unwrap_or("").as_bytes()).unwrap();
        drop(stdin);
        child.wait_with_output().unwrap()
    };
    let cli = |args: &[&str], input: Option<&str>| cli_as(&admin, args, input);
    let lines = founding().iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    let applied = cli(&["apply", "--atomic", "-"], Some(&lines));
    assert!(applied.status.success(), "{}", String::from_utf8_lossy(&applied.stderr));
    let out = String::from_utf8_lossy(&applied.stdout);
    assert!(out.contains("\"appended\":2"), "{out}");

    let unit = UnitId::generate();
    let (unit, director) = (unit.to_string(), secretary().to_string());
    let register = ["unit", "register", "--id", &unit, "--kind", "director-area", "--by", &director];
    let decided = cli(&register, None);
    assert!(decided.status.success(), "{}", String::from_utf8_lossy(&decided.stderr));
    assert!(String::from_utf8_lossy(&decided.stdout).contains("UnitRegistered"));
    let refused = cli(&register, None);
    assert_eq!(refused.status.code(), Some(1), "a refusal exits 1");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("[unit_exists]"));

    let report = cli(&["report", "competence", "--format", "md", "--lang", "da"], None);
    assert!(String::from_utf8_lossy(&report.stdout).contains("### Kompetenceforløb"));
    // Names and short ids are looked up in the server's lists.
    let short = &unit[unit.len() - 8..];
    let named = cli(&["unit", "name", short, "Velfærd og Sundhed", "--by", "Mette"], None);
    assert!(
        named.status.code() == Some(2)
            && String::from_utf8_lossy(&named.stderr).contains("[unknown_reference]")
    );
    let named = cli(&["unit", "name", short, "Velfærd og Sundhed", "--by", &director], None);
    assert!(named.status.success(), "{}", String::from_utf8_lossy(&named.stderr));
    let units = cli(&["list", "units", "--format", "json"], None);
    let units: Value = serde_json::from_slice(&units.stdout).unwrap();
    let ours = units["report"].as_array().unwrap().iter().find(|row| row["id"] == unit.as_str()).unwrap();
    assert_eq!(ours["name"], "Velfærd og Sundhed");
    let round = cli(&["report", "round", "2016H1"], None);
    assert_eq!(round.status.code(), Some(2), "{}", String::from_utf8_lossy(&round.stderr));
    assert!(String::from_utf8_lossy(&round.stderr).contains("[unknown_round]"));
    let log = cli(&["log"], None);
    let exported: Vec<Value> = String::from_utf8_lossy(&log.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(exported.len(), 4);
    let verify = cli(&["verify"], None);
    assert!(String::from_utf8_lossy(&verify.stdout).starts_with("verified 4 records; head 4 "));
    let head = String::from_utf8_lossy(&verify.stdout).split("head ").nth(1).unwrap().trim().to_owned();
    let extends = cli(&["verify", "--expect", &head], None);
    assert!(extends.status.success(), "{}", String::from_utf8_lossy(&extends.stderr));
    let beyond = cli(&["verify", "--expect", &format!("9:{}", "a".repeat(64))], None);
    assert_eq!(beyond.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&beyond.stderr).contains("[log_not_extended]"));
    let reading = cli_as(&reader, &["unit", "register", "--kind", "director-area", "--by", &director], None);
    assert_eq!(reading.status.code(), Some(2), "a read token may not decide");
    assert!(String::from_utf8_lossy(&reading.stderr).contains("[insufficient_scope]"));
    let nobody = cli_as("", &["verify"], None);
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("[unauthenticated]"));
    let demo = cli(&["demo"], None);
    assert_eq!(demo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&demo.stderr).contains("needs the store itself"));
    assert!(server.terminate().success());
    // What the server appended is in the store, and the local log export is the same.
    let local = std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
        .env("NETVAERK_LANG", "en")
        .args(["--store", &store, "log"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&local.stdout), String::from_utf8_lossy(&log.stdout));
}

#[test]
fn without_tokens_the_server_refuses_to_listen_beyond_loopback() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
        .env("NETVAERK_LANG", "en")
        .args(["--store", "redb:/nonexistent/x.redb", "serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("[tokens_required]"));
}

// ---------------------------------------------------------------------------------------------
// The load script, short

#[test]
fn the_load_script_runs_briefly_and_the_log_then_holds_exactly_the_accepted_events() {
    let missing: Vec<&str> = ["oha", "jq", "curl"]
        .into_iter()
        .filter(|tool| {
            !std::process::Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|out| out.status.success())
        })
        .collect();
    if !missing.is_empty() {
        // Like the PostgreSQL tests without a server: CI (which installs them) must not skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs {missing:?} for the load test; .ci/run installs them"
        );
        eprintln!(
            "skipped the load script: {missing:?} not installed (cargo install oha; apt-get install jq)"
        );
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/http-load");
    let output = std::process::Command::new("bash")
        .arg(&script)
        .args(["--duration", "3", "--clients", "8", "--organisations", "4"])
        .env("NETVAERK_BIN", env!("CARGO_BIN_EXE_netvaerk"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("the log holds exactly the accepted events"), "{stdout}\n{stderr}");
    // And it decided something: the founding went through the rules (AU-2) and the decisions after.
    let accepted: u64 = stdout
        .split_whitespace()
        .skip_while(|word| *word != "201s")
        .nth(1)
        .and_then(|count| count.parse().ok())
        .unwrap_or(0);
    assert!(accepted > 0, "no decision was accepted: {stdout}");
}

// ---------------------------------------------------------------------------------------------
// One dispatcher: the same commands through the store itself and through a server

/// What a command did, as compared across the two ways: its exit code, the code of its
/// refusal, the events it printed, and the log's length after it.
#[derive(Debug, PartialEq)]
struct Done {
    exit: Option<i32>,
    code: Option<String>,
    events: Vec<String>,
    head: String,
}

/// AU-1..AU-5 and the issue's table: the same refused and accepted commands, once against a
/// redb store and once against a server holding another, give the same exit codes, refusal
/// codes and events, and append the same (nothing, for a refusal; a unit with a bad name is
/// not half-appended over HTTP).
#[test]
fn au1_a_command_is_refused_or_accepted_the_same_through_the_store_and_through_a_server() {
    let dir = TempDir::new("both-ways");
    let local = format!("redb:{}", dir.0.join("local.redb").display());
    let served = format!("redb:{}", dir.0.join("served.redb").display());
    let server = Process::start(&served, &[]);
    let policy = dir.0.join("policy.json");
    let limit_99 =
        netvaerk_core::Policy { max_running_innovation_networks: 99, ..netvaerk_core::Policy::ns3() };
    std::fs::write(&policy, serde_json::to_string(&limit_99).unwrap()).unwrap();
    let policy = policy.display().to_string();
    let run = |store: &str, args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
            .env("NETVAERK_LANG", "en")
            .env_remove("NETVAERK_TOKEN")
            .args(["--store", store])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let code = stderr.rsplit_once('[').map(|(_, code)| code.trim().trim_end_matches(']').to_owned());
        let events = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.split_whitespace().nth(1).map(str::to_owned))
            .filter(|word| word.chars().next().is_some_and(char::is_uppercase))
            .collect();
        (output.status.code(), code, events)
    };
    let head = |store: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
            .args(["--store", store, "head"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).split_whitespace().next().unwrap_or_default().to_owned()
    };
    let stranger = PersonId::generate().to_string();
    let steps: Vec<Vec<&str>> = vec![
        // Nothing before the founding (AU-2), then the founding.
        vec!["unit", "register", "--kind", "secretariat", "--by", &stranger],
        vec![
            "organisation",
            "found",
            "--secretariat",
            "Sofie Holm",
            "--chief-forum",
            "Mette Skov",
            "--on",
            "2016-01-04",
        ],
        vec!["organisation", "found", "--secretariat", "Anders Bak", "--chief-forum", "Anders Bak"],
        // The register is the secretariat's (AU-3).
        vec!["person", "register", "--name", "Anders Bak", "--by", "Mette Skov", "--on", "2016-01-05"],
        vec!["person", "register", "--name", "Anders Bak", "--by", "Sofie Holm", "--on", "2016-01-05"],
        vec!["unit", "register", "--kind", "director-area", "--name", "Bad\u{7}name", "--by", "Sofie Holm"],
        vec!["unit", "register", "--kind", "director-area", "--name", "Velfærd", "--by", "Sofie Holm"],
        // A decision dated before its subject existed (AU-8): the unit was registered today.
        vec!["unit", "name", "Velfærd", "Velfærd og Sundhed", "--by", "Sofie Holm", "--on", "2016-02-01"],
        // Nobody grants themself a role; an employee grants nobody one (AU-4).
        vec!["person", "roles", "Anders Bak", "--role", "chief-forum", "--by", "Anders Bak"],
        vec!["person", "roles", "Anders Bak", "--role", "secretariat", "--by", "Anders Bak"],
        vec!["person", "roles", "Sofie Holm", "--by", "Anders Bak"],
        vec!["person", "roles", "Anders Bak", "--role", "director", "--by", "Sofie Holm"],
        // The policy is the chief forum's (AU-5).
        vec!["policy", "set", &policy, "--by", "Anders Bak"],
        vec!["policy", "set", &policy, "--by", "Sofie Holm"],
        vec!["policy", "set", &policy, "--by", "Mette Skov"],
        // Rotations are run by the secretariat's staff, never started for oneself (AU-4, AU-7).
        vec![
            "rotation",
            "start",
            "Anders Bak",
            "--skills",
            "Design",
            "--until",
            "2030-01-01",
            "--by",
            "Anders Bak",
        ],
        // Personal data: erasure by someone nobody registered, by an employee; a person
        // corrects their own name; the secretariat erases (AU-3).
        vec!["person", "erase", "Anders Bak", "--by", &stranger],
        vec!["person", "erase", "Sofie Holm", "--by", "Anders Bak"],
        vec!["person", "correct", "Sofie Holm", "--name", "Mallory", "--by", "Anders Bak"],
        vec!["person", "correct", "Anders Bak", "--name", "Anders Bak-Holm", "--by", "Anders Bak"],
        vec!["person", "erase", "Anders Bak-Holm", "--by", "Sofie Holm"],
    ];
    let mut refusals = Vec::new();
    for step in &steps {
        let mut both = Vec::new();
        for store in [local.as_str(), server.base.as_str()] {
            let (exit, code, events) = run(store, step);
            let log = if store == local { local.as_str() } else { served.as_str() };
            // The served store is read while the server holds it: through the server.
            let head = if store == local { head(log) } else { head(&server.base) };
            both.push(Done { exit, code, events, head });
        }
        assert_eq!(both[0], both[1], "{step:?} behaved differently through the store and through the server");
        if both[0].exit != Some(0) {
            refusals.push(both[0].code.clone().unwrap_or_default());
        }
    }
    assert_eq!(
        refusals,
        [
            "not_founded",
            "already_founded",
            "not_entitled",
            "forbidden_character",
            "dated_before",
            "own_standing",
            "own_standing",
            "not_entitled",
            "not_entitled",
            "not_entitled",
            "not_entitled",
            "own_standing",
            "unknown_actor",
            "not_entitled",
            "not_entitled",
        ]
    );
}

/// AU-3 over HTTP: a write token decides as its person, and the table decides whether that
/// person may. An employee's token cannot rename the secretariat's leader, erase anyone or make
/// its person a member of the chief forum; their own name they may correct; the secretariat
/// registers and erases. Every refusal appends nothing.
#[test]
fn au3_au4_an_employees_token_corrects_their_own_name_and_nothing_else() {
    let guarded = guarded();
    let server = &guarded.server;
    let organisation = found(server, &[("authorization", &bearer(&guarded.admin))]);
    let employee = PersonId::from_uuid(id(8));
    let (secretary_token, employee_token) = (bearer(&guarded.writer), bearer(&guarded.stranger_writer));
    let register =
        command(secretary(), Action::RegisterPerson { person: employee, unit: None, roles: BTreeSet::new() });
    let registered =
        post(&commands_url(server, organisation), &[("authorization", &secretary_token)], &register);
    assert_eq!(registered.status, 201, "{}", registered.body);
    let person_url =
        |person: PersonId| server.url(&format!("/v1/organisations/{organisation}/persons/{person}"));
    let put = |token: &str, person: PersonId, body: Value| {
        send(
            "PUT",
            &person_url(person),
            &[("authorization", token), ("content-type", "application/json")],
            Some(body.to_string().into_bytes()),
        )
    };
    let data = |name: &str, title: &str| json!({ "name": name, "title": title });
    assert_eq!(put(&secretary_token, employee, data("Anders Bak", "Medarbejder")).status, 200);
    assert_eq!(put(&secretary_token, secretary(), data("Sofie Holm", "Sekretariatsleder")).status, 200);
    let head = server.head();
    // The secretariat leader's name became "Mallory" before AU-3; now refused.
    let mallory = put(&employee_token, secretary(), data("Mallory", "Sekretariatsleder"));
    assert_eq!((mallory.status, mallory.code()), (422, "not_entitled".to_owned()), "{}", mallory.body);
    assert_eq!(mallory.json()["rule"], "AU-3");
    // Their own title is the secretariat's to change; their own name is theirs.
    let title = put(&employee_token, employee, data("Anders Bak", "Direktør"));
    assert_eq!((title.status, title.code()), (422, "not_entitled".to_owned()));
    let erase = send("DELETE", &person_url(secretary()), &[("authorization", &employee_token)], None);
    assert_eq!((erase.status, erase.code()), (422, "not_entitled".to_owned()));
    let roles = command(
        employee,
        Action::ChangePersonRoles { person: employee, roles: BTreeSet::from([PersonRole::ChiefForum]) },
    );
    let own = post(&commands_url(server, organisation), &[("authorization", &employee_token)], &roles);
    assert_eq!((own.status, own.code()), (422, "own_standing".to_owned()), "{}", own.body);
    let as_other = put(&employee_token, employee, json!({ "name": "Anders", "by": secretary() }));
    assert_eq!((as_other.status, as_other.code()), (403, "actor_mismatch".to_owned()));
    assert_eq!(server.head(), head, "the refusals appended nothing");
    let renamed = put(&employee_token, employee, data("Anders Bak-Holm", "Medarbejder"));
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.json()["position"], head + 1, "the log records who changed the name");
    // A correction names only what changes; the title stays as it was.
    let corrected = send(
        "PATCH",
        &person_url(employee),
        &[("authorization", &employee_token), ("content-type", "application/json")],
        Some(json!({ "email": "anders@albertslund.dk" }).to_string().into_bytes()),
    );
    assert_eq!(corrected.status, 200, "{}", corrected.body);
    let retitled = send(
        "PATCH",
        &person_url(employee),
        &[("authorization", &employee_token), ("content-type", "application/json")],
        Some(json!({ "title": "Direktør" }).to_string().into_bytes()),
    );
    assert_eq!((retitled.status, retitled.code()), (422, "not_entitled".to_owned()));
    // Another organisation that registers the same person id cannot rename or erase them: the
    // data is the first organisation's to keep (AU-3).
    let other = found(server, &[("authorization", &bearer(&guarded.admin))]);
    let registered = post(&commands_url(server, other), &[("authorization", &secretary_token)], &register);
    assert_eq!(registered.status, 201, "{}", registered.body);
    let head = server.head();
    let elsewhere = |path: String| path.replace(&organisation.to_string(), &other.to_string());
    let renamed_there = send(
        "PUT",
        &elsewhere(person_url(employee)),
        &[("authorization", &secretary_token), ("content-type", "application/json")],
        Some(data("Pwned", "Medarbejder").to_string().into_bytes()),
    );
    assert_eq!(
        (renamed_there.status, renamed_there.code()),
        (422, "person_of_another_organisation".to_owned())
    );
    let erased_there =
        send("DELETE", &elsewhere(person_url(employee)), &[("authorization", &secretary_token)], None);
    assert_eq!(
        (erased_there.status, erased_there.code()),
        (422, "person_of_another_organisation".to_owned())
    );
    assert_eq!(server.head(), head, "nothing appended");
    let erased = send("DELETE", &person_url(employee), &[("authorization", &secretary_token)], None);
    assert_eq!(erased.status, 200, "{}", erased.body);
    assert_eq!(erased.json()["position"], head + 1);
}

/// AU-2 over `--store http://` with tokens: the founder is the token's person, named with
/// `--founder-id`; without it the new founder is not the token's person and the server refuses
/// (`actor_mismatch`), appending nothing.
#[test]
fn au2_the_program_founds_an_organisation_through_a_server_as_the_tokens_person() {
    let guarded = guarded();
    let organisation = OrganisationId::generate().to_string();
    let found = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_netvaerk"))
            .env("NETVAERK_LANG", "en")
            .env("NETVAERK_TOKEN", &guarded.admin)
            .args(["--store", &guarded.server.base, "--organisation", &organisation])
            .args(["organisation", "found", "--secretariat", "Sofie Holm", "--chief-forum", "Karen Lund"])
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = found(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("[actor_mismatch]"));
    assert_eq!(guarded.server.head(), 0);
    let founded = found(&["--founder-id", &secretary().to_string()]);
    assert!(founded.status.success(), "{}", String::from_utf8_lossy(&founded.stderr));
    assert!(String::from_utf8_lossy(&founded.stdout).contains("OrganisationFounded"));
    assert_eq!(guarded.server.head(), 3, "the founding and the two names' records");
}

// ---------------------------------------------------------------------------------------------
// Hostile clients: slow heads, too many connections, a deadline on shutdown, foreign hosts

/// Writes `request` raw on a fresh connection from this process to `base` (`http://ADDRESS`)
/// and reads the answer until the server closes it, at most 30 s: status line and body.
fn raw(base: &str, request: &str) -> (String, String) {
    let address = base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
    read_answer(&mut stream)
}

/// Reads what the server sends on `stream` until it closes it: status line and body.
fn read_answer(stream: &mut std::net::TcpStream) -> (String, String) {
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text.lines().next().unwrap_or_default().to_owned();
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

/// A connection to `base` from the loopback address `from` (127.0.0.2 and up are this machine
/// too, so a test can play several clients while connecting to 127.0.0.1 only).
fn connect_from(runtime: &tokio::runtime::Runtime, from: [u8; 4], base: &str) -> std::net::TcpStream {
    let to: SocketAddr = base.strip_prefix("http://").unwrap().parse().unwrap();
    runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from((from, 0))).unwrap();
        let stream = socket.connect(to).await.unwrap().into_std().unwrap();
        stream.set_nonblocking(false).unwrap();
        stream
    })
}

/// The value of a gauge or counter line in `/metrics`.
fn metric(base: &str, line_start: &str) -> u64 {
    let text = get(&format!("{base}/metrics"), &[]).body;
    text.lines()
        .find_map(|line| line.strip_prefix(line_start).map(|value| value.trim().parse().unwrap()))
        .unwrap_or_else(|| panic!("no {line_start} in {text}"))
}

/// Sends SIGTERM and waits for the process to end, at most 30 s: its exit, how long it took
/// and what it said on standard error.
fn sigterm(process: &mut Process) -> (std::process::ExitStatus, std::time::Duration, String) {
    let started = std::time::Instant::now();
    let status =
        std::process::Command::new("kill").args(["-TERM", &process.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = loop {
        if let Some(exit) = process.child.try_wait().unwrap() {
            break exit;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "SIGTERM did not end the server");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let took = started.elapsed();
    let mut stderr = String::new();
    if let Some(mut err) = process.child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    (exit, took, stderr)
}

#[test]
fn healthz_answers_beside_1000_idle_connections_and_10_half_sent_requests_and_sigterm_ends_the_server_by_its_deadline_with_exit_0(
) {
    let dir = TempDir::new("http-slow-clients");
    let store = format!("redb:{}", dir.0.join("log.redb").display());
    // The header timeout is longer than the test waits: only the deadline can end the
    // half-sent requests.
    let mut server = Process::start(&store, &["--shutdown-deadline", "3", "--header-timeout", "600"]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // 1,000 idle connections from four addresses (250 each, under the default 256 per address),
    // and 10 connections that sent half a request line.
    let idle: Vec<std::net::TcpStream> =
        (0..1000u32).map(|n| connect_from(&runtime, [127, 0, 0, 2 + (n % 4) as u8], &server.base)).collect();
    let mut half_sent: Vec<std::net::TcpStream> = (0..10)
        .map(|_| {
            let mut stream = connect_from(&runtime, [127, 0, 0, 6], &server.base);
            std::io::Write::write_all(&mut stream, b"GET /healthz HT").unwrap();
            stream
        })
        .collect();
    eventually("the server holds the 1,010 connections", || {
        metric(&server.base, "netvaerk_http_connections ") >= 1010
    });
    let mut slowest = std::time::Duration::ZERO;
    for _ in 0..5 {
        let started = std::time::Instant::now();
        let health = get(&server.url("/healthz"), &[]);
        slowest = slowest.max(started.elapsed());
        assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    }
    assert!(metric(&server.base, "netvaerk_http_connections ") >= 1010);
    assert_eq!(metric(&server.base, "netvaerk_http_connections_refused_total{cap=\"address\"} "), 0);
    eprintln!("slow clients: /healthz beside 1,010 held connections took at most {slowest:?}");

    let (exit, took, stderr) = sigterm(&mut server);
    eprintln!("slow clients: SIGTERM to exit took {took:?} (deadline 3 s)");
    assert_eq!(exit.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("stopped at the shutdown deadline (3 s): 0 request(s) answered 503 shutdown_deadline, 10 connection(s) dropped"),
        "{stderr}"
    );
    // The server closed every connection it held: each reads the end (or a reset).
    for stream in half_sent.iter_mut().chain(idle.into_iter().take(3).collect::<Vec<_>>().iter_mut()) {
        assert_closed(stream, "the connection is still open");
    }
}

/// Fails with `what` unless the server closed `stream`: a read gets its end (or a reset), not
/// data and not a timeout.
fn assert_closed(stream: &mut std::net::TcpStream, what: &str) {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    let mut buffer = [0u8; 64];
    match stream.read(&mut buffer) {
        Ok(0) => {}
        Ok(read) => panic!("the server sent {:?}", String::from_utf8_lossy(&buffer[..read])),
        Err(error) => assert!(
            !matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
            "{what}: {error}"
        ),
    }
}

#[test]
fn a_request_head_not_sent_within_the_header_timeout_is_closed_and_others_are_served() {
    let dir = TempDir::new("http-header-timeout");
    let store = format!("redb:{}", dir.0.join("log.redb").display());
    let server = Process::start(&store, &["--header-timeout", "1"]);
    let address = server.base.strip_prefix("http://").unwrap().to_owned();
    let mut slow = std::net::TcpStream::connect(&address).unwrap();
    std::io::Write::write_all(&mut slow, b"GET /v1/head HTTP/1.1\r\nHost: 127.0.0.1\r\n").unwrap();
    let mut silent = std::net::TcpStream::connect(&address).unwrap();
    for stream in [&mut slow, &mut silent] {
        assert_closed(stream, "the server did not close a connection that sent no whole head");
    }
    assert_eq!(get(&server.url("/healthz"), &[]).status, 200);
}

#[test]
fn connections_beyond_the_caps_are_answered_429_or_503_problems_and_closed_and_a_freed_place_is_served() {
    let dir = TempDir::new("http-caps");
    let store = format!("redb:{}", dir.0.join("log.redb").display());
    let server = Process::start(&store, &["--max-connections", "6", "--max-connections-per-address", "3"]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let first: Vec<_> = (0..3).map(|_| connect_from(&runtime, [127, 0, 0, 2], &server.base)).collect();
    let mut fourth = connect_from(&runtime, [127, 0, 0, 2], &server.base);
    fourth.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    let (status, body) = read_answer(&mut fourth);
    assert_eq!(status, "HTTP/1.1 429 Too Many Requests", "{body}");
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["code"], "too_many_connections_from_address");
    assert_eq!(problem["status"], 429);

    let second: Vec<_> = (0..3).map(|_| connect_from(&runtime, [127, 0, 0, 3], &server.base)).collect();
    let (status, body) = raw(&server.base, "");
    assert_eq!(status, "HTTP/1.1 503 Service Unavailable", "{body}");
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["code"], "too_many_connections");
    assert_eq!(problem["class"], "limit");

    drop(second);
    eventually("a place is free again", || {
        raw(&server.base, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").0
            == "HTTP/1.1 200 OK"
    });
    assert!(metric(&server.base, "netvaerk_http_connections_refused_total{cap=\"address\"} ") >= 1);
    assert!(metric(&server.base, "netvaerk_http_connections_refused_total{cap=\"total\"} ") >= 1);
    drop(first);
}

#[test]
fn a_request_still_running_at_the_shutdown_deadline_is_answered_503_shutdown_deadline_and_the_server_exits_0()
{
    let dir = TempDir::new("http-deadline");
    let store = format!("redb:{}", dir.0.join("log.redb").display());
    let mut server = Process::start(&store, &["--shutdown-deadline", "1"]);
    let organisation = OrganisationId::generate();
    let address = server.base.strip_prefix("http://").unwrap().to_owned();
    // A body promised and half sent: the request is in flight until the body is whole.
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /v1/organisations/{organisation}/commands HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"metadata\":"
    );
    std::io::Write::write_all(&mut stream, head.as_bytes()).unwrap();
    // In flight: the half-sent request, and the request for the metrics itself.
    eventually("the request is in flight", || metric(&server.base, "netvaerk_http_requests_in_flight ") >= 2);
    let (exit, took, stderr) = sigterm(&mut server);
    eprintln!("deadline: SIGTERM to exit took {took:?} (deadline 1 s)");
    let (status, body) = read_answer(&mut stream);
    assert_eq!(status, "HTTP/1.1 503 Service Unavailable", "{body}");
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["code"], "shutdown_deadline");
    assert_eq!(exit.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 request(s) answered 503 shutdown_deadline"), "{stderr}");
}

#[test]
fn without_tokens_only_host_localhost_127_0_0_1_or_ipv6_loopback_is_served_and_others_get_421_host_not_served(
) {
    let server = Server::memory();
    let request = |host: &str, path: &str| {
        raw(&server.base, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"))
    };
    let port = server.base.rsplit(':').next().unwrap().to_owned();
    for host in [
        "localhost".to_owned(),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "[::1]:8080".to_owned(),
    ] {
        assert_eq!(request(&host, "/v1/head").0, "HTTP/1.1 200 OK", "{host}");
    }
    for host in
        ["attacker.example", "attacker.example:8080", "127.0.0.1.nip.io", "localhost.attacker.example"]
    {
        let (status, body) = request(host, "/v1/head");
        assert_eq!(status, "HTTP/1.1 421 Misdirected Request", "{host}: {body}");
        let problem: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["code"], "host_not_served", "{host}");
        assert_eq!(problem["value"], host);
    }
    // A decision through a foreign name appends nothing.
    let body = serde_json::to_string(&json!({ "commands": founding() })).unwrap();
    let organisation = OrganisationId::generate();
    let (status, _) = raw(
        &server.base,
        &format!(
            "POST /v1/organisations/{organisation}/commands:batch HTTP/1.1\r\nHost: attacker.example\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(status, "HTTP/1.1 421 Misdirected Request");
    assert_eq!(server.head(), 0);

    // With tokens, the token decides, whatever the name.
    let guarded = guarded();
    let (status, _) = raw(
        &guarded.server.base,
        &format!(
            "GET /v1/head HTTP/1.1\r\nHost: netvaerk.albertslund.example\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
            bearer(&guarded.reader)
        ),
    );
    assert_eq!(status, "HTTP/1.1 200 OK");
}

#[test]
fn every_401_carries_www_authenticate_bearer() {
    let guarded = guarded();
    for token in [None, Some(bearer("not-a-token"))] {
        let headers: Vec<(&str, &str)> =
            token.iter().map(|token| ("authorization", token.as_str())).collect();
        for path in ["/v1/head", "/metrics", "/v1/events"] {
            let answer = get(&guarded.server.url(path), &headers);
            assert_eq!(answer.status, 401, "{path}: {}", answer.body);
            assert_eq!(answer.header("www-authenticate"), "Bearer realm=\"netvaerk\"", "{path}");
            assert_eq!(answer.header("content-type"), "application/problem+json");
        }
    }
}

#[test]
fn a_badly_encoded_path_is_a_problem_400_malformed_path() {
    let server = Server::memory();
    let organisation = found(&server, &[]);
    for path in [
        "/v1/organisations/%FF/reports/portfolio".to_owned(),
        "/v1/organisations/%FF%FE/policy".to_owned(),
        format!("/v1/organisations/{organisation}/reports/audit/%C3%28"),
        format!("/v1/organisations/{organisation}/persons/%80"),
    ] {
        let method = if path.contains("/persons/") { "DELETE" } else { "GET" };
        let answer = send(method, &server.url(&path), &[], None);
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert_eq!(answer.header("content-type"), "application/problem+json", "{path}");
        assert_eq!(answer.code(), "malformed_path", "{path}");
    }
}

#[test]
fn a_title_that_starts_a_formula_reaches_the_csv_report_escaped_with_a_quote() {
    let server = Server::memory();
    let organisation = found(&server, &[]);
    let base = format!("/v1/organisations/{organisation}");
    let theme = ThemeId::from_uuid(id(40));
    let formula = "=HYPERLINK(\"http://attacker.example\",\"Klik\")";
    let commands = proposal(theme, formula, "@SUM(1+1)");
    let proposed =
        post(&server.url(&format!("{base}/commands:batch")), &[], &json!({ "commands": commands }));
    assert_eq!(proposed.status, 201, "{}", proposed.body);
    let csv = get(&server.url(&format!("{base}/reports/portfolio?format=csv")), &[]);
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.contains("\"'=HYPERLINK(\"\"http://attacker.example\"\",\"\"Klik\"\")\""),
        "{}",
        csv.body
    );
    for line in csv.body.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '@']), "a cell starts a formula: {line}");
        }
    }
}

#[test]
fn a_report_being_rendered_does_not_hold_its_organisations_lock_so_a_decision_there_completes() {
    let service = Arc::new(Service::new(Arc::new(MemoryStore::new())));
    let organisation = OrganisationId::generate();
    let commands: Vec<Command> =
        founding().into_iter().map(|value| serde_json::from_value(value).unwrap()).collect();
    service.execute_batch(organisation, &commands, netvaerk::BatchMode::Atomic).unwrap();
    let (rendering, rendering_rx) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let reader = {
        let service = Arc::clone(&service);
        std::thread::spawn(move || {
            service
                .read_models(organisation, netvaerk_projections::AsOf::Now, |models| {
                    rendering.send(models.checkpoint).unwrap();
                    // The report "renders" until the decision below is done (or 30 s pass).
                    let _ = release_rx.recv_timeout(std::time::Duration::from_secs(30));
                    models.checkpoint
                })
                .unwrap()
        })
    };
    assert_eq!(rendering_rx.recv().unwrap(), 2);
    let decision: Command = serde_json::from_value(assess(4)).unwrap();
    let (decided, decided_rx) = std::sync::mpsc::channel();
    let decider = {
        let service = Arc::clone(&service);
        std::thread::spawn(move || decided.send(service.execute(organisation, &decision)).unwrap())
    };
    let outcome = decided_rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the decision waited for the report: the report holds the organisation's lock");
    assert_eq!(outcome.unwrap().positions, vec![3]);
    release.send(()).unwrap();
    assert_eq!(reader.join().unwrap(), 2, "the report rendered the snapshot it was given");
    decider.join().unwrap();
    let after =
        service.read_models(organisation, netvaerk_projections::AsOf::Now, |models| models.checkpoint);
    assert_eq!(after.unwrap(), 3);
}

// ---------------------------------------------------------------------------------------------
// JSON as clients send it

/// [`support::rl3_history`] up to its network's start, sent as one batch; and the start itself
/// as JSON without its acknowledgements (it raises NW-2 and NW-3).
fn before_the_start(server: &Server, organisation: OrganisationId) -> Value {
    let (mut history, _) = support::rl3_history();
    let mut start = serde_json::to_value(history.pop().unwrap()).unwrap();
    start.as_object_mut().unwrap().remove("acknowledgements");
    let url = format!("{}:batch", commands_url(server, organisation));
    let founded = post(&url, &[], &json!({ "mode": "atomic", "commands": history }));
    assert_eq!(founded.status, 201, "{}", founded.body);
    start
}

/// [`support::small_history`] with one theme, sent as one batch; and the chief's closing of
/// its round as JSON, which raises NW-2 (one start planned) and NW-3 (the mix of types).
fn before_the_close(server: &Server, organisation: OrganisationId) -> Value {
    let history = support::small_history(&["Urban farming".to_owned()]);
    let url = format!("{}:batch", commands_url(server, organisation));
    let founded = post(&url, &[], &json!({ "mode": "atomic", "commands": history }));
    assert_eq!(founded.status, 201, "{}", founded.body);
    command(PersonId::from_uuid(id(2)), Action::CloseRound { round: RoundId::containing(on()) })
}

#[test]
fn a_refusal_for_unacknowledged_warnings_lists_every_warning_with_its_rule() {
    let server = Server::memory();
    let document = openapi(&server);
    let organisation = OrganisationId::generate();
    let start = before_the_close(&server, organisation);
    let head = server.head();
    let refused = post(&commands_url(&server, organisation), &[], &start);
    assert_eq!(
        (refused.status, refused.code()),
        (422, "unacknowledged_warnings".to_owned()),
        "{}",
        refused.body
    );
    conforms(&document, "Problem", &refused.json()).unwrap();
    let warnings = refused.json()["warnings"].as_array().unwrap().clone();
    let rules: Vec<&str> = warnings.iter().map(|warning| warning["rule"].as_str().unwrap()).collect();
    assert!(rules.len() >= 2, "{}", refused.body);
    assert_eq!(rules[0], "NW-2", "{}", refused.body);
    assert!(rules[1..].iter().all(|rule| *rule == "NW-3"), "{}", refused.body);
    assert_eq!(refused.json()["rule"], "NW-2");
    let kinds: BTreeSet<&str> =
        warnings.iter().map(|warning| warning["warning"]["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, BTreeSet::from(["starts_outside_range", "type_mix_outside_range"]));
    assert!(warnings.iter().all(|warning| warning["detail"].as_str().is_some_and(|text| !text.is_empty())));
    // In Danish, each warning's detail is Danish too.
    let danish = post(&commands_url(&server, organisation), &[("accept-language", "da")], &start);
    assert!(danish.json()["warnings"][1]["detail"].as_str().unwrap().contains("NW-3"), "{}", danish.body);
    assert_ne!(danish.json()["warnings"][1]["detail"], warnings[1]["detail"]);
    // A batch's refusal lists them too.
    let batch =
        post(&format!("{}:batch", commands_url(&server, organisation)), &[], &json!({ "commands": [start] }));
    assert_eq!(batch.json()["warnings"].as_array().map(Vec::len), Some(warnings.len()), "{}", batch.body);
    assert_eq!(server.head(), head);
    // Acknowledged, each rule once, it is decided.
    let mut acknowledged = start.clone();
    acknowledged["acknowledgements"] = json!([
        { "rule": "NW-2", "rationale": "One theme this half-year" },
        { "rule": "NW-3", "rationale": "One theme this half-year" },
    ]);
    let closed = post(&commands_url(&server, organisation), &[], &acknowledged);
    assert_eq!(closed.status, 201, "{}", closed.body);
    assert_eq!(closed.json()["acknowledged"].as_array().map(Vec::len), Some(warnings.len()));
}

#[test]
fn nulls_for_optional_fields_and_danish_dates_are_taken() {
    let server = Server::memory();
    let organisation = OrganisationId::generate();
    let mut start = before_the_start(&server, organisation);
    // As Jackson, System.Text.Json and pydantic send it: every optional field, null.
    start["acknowledgements"] = json!([
        { "rule": "NW-2", "rationale": "The forum starts it now" },
        { "rule": "NW-3", "rationale": "The forum starts it now" },
    ]);
    start["metadata"]["occurred_on"] = json!("01.03.2016");
    for field in ["rationale", "correlation_id", "causation_id", "command_id"] {
        start["metadata"][field] = Value::Null;
    }
    start["action"]["co_driver"] = Value::Null;
    let started = post(&commands_url(&server, organisation), &[], &start);
    assert_eq!(started.status, 201, "{}", started.body);
    let on = |event: &Value| event["events"][0]["event"]["data"]["started_on"].clone();
    assert_eq!(on(&started.json()), "2016-03-01", "{}", started.body);

    // A command whose acknowledgements are null, and one dated the Danish way without a zero.
    let mut assessment = assess(2);
    assessment["acknowledgements"] = Value::Null;
    assessment["metadata"]["occurred_on"] = json!("1.3.2016");
    assessment["metadata"]["rationale"] = Value::Null;
    let assessed = post(&commands_url(&server, organisation), &[], &assessment);
    assert_eq!(assessed.status, 201, "{}", assessed.body);
    // A batch whose mode is null is atomic.
    let batch = post(
        &format!("{}:batch", commands_url(&server, organisation)),
        &[],
        &json!({ "mode": null, "commands": [assessment] }),
    );
    assert_eq!(batch.status, 201, "{}", batch.body);
    // A date that is no date is still refused, by name.
    assessment["metadata"]["occurred_on"] = json!("31.02.2016");
    let refused = post(&commands_url(&server, organisation), &[], &assessment);
    assert_eq!((refused.status, refused.code()), (400, "malformed_command".to_owned()));
    assert_eq!(refused.json()["field"], "metadata.occurred_on", "{}", refused.body);
    assert!(refused.json()["detail"].as_str().unwrap().contains("30.06.2016"), "{}", refused.body);
}

#[test]
fn a_malformed_body_is_answered_400_naming_the_json_path_of_what_was_wrong() {
    let server = Server::memory();
    let document = openapi(&server);
    let organisation = OrganisationId::generate();
    let start = before_the_start(&server, organisation);
    let head = server.head();
    let url = commands_url(&server, organisation);
    let check = |body: Value, field: &str, value: Option<&str>| {
        let answer = post(&url, &[], &body);
        assert_eq!((answer.status, answer.code()), (400, "malformed_command".to_owned()), "{}", answer.body);
        conforms(&document, "Problem", &answer.json()).unwrap();
        assert_eq!(answer.json()["field"], field, "{}", answer.body);
        assert_eq!(answer.json()["value"].as_str(), value, "{}", answer.body);
        assert!(answer.json()["detail"].as_str().unwrap().contains(field), "{}", answer.body);
    };
    let with = |pointer: &str, value: Value| {
        let mut body = start.clone();
        *body.pointer_mut(pointer).unwrap() = value;
        body
    };
    check(with("/action/network", json!("nope")), "action.network", Some("nope"));
    check(with("/action/network_type", json!("innovative")), "action.network_type", Some("innovative"));
    check(with("/action/command", json!("start_netwerk")), "action.command", Some("start_netwerk"));
    check(with("/metadata/actor", json!(7)), "metadata.actor", Some("7"));
    let mut missing = start.clone();
    missing["action"].as_object_mut().unwrap().remove("leader");
    check(missing, "action.leader", None);
    let mut unacknowledged = start.clone();
    unacknowledged["acknowledgements"] =
        json!([{ "rule": "NW-2", "rationale": "Now" }, { "rule": "NW-3", "rationale": null }]);
    check(unacknowledged, "acknowledgements[1].rationale", None);
    let mut unknown_rule = start.clone();
    unknown_rule["acknowledgements"] = json!([{ "rule": "NW-99", "rationale": "Now" }]);
    check(unknown_rule, "acknowledgements[0].rule", Some("NW-99"));
    // In a batch, the path starts at the command.
    let batch = post(
        &format!("{url}:batch"),
        &[],
        &json!({ "commands": [assess(1), with("/action/theme", json!("nope"))] }),
    );
    assert_eq!((batch.status, batch.code()), (400, "malformed_command".to_owned()), "{}", batch.body);
    assert_eq!(batch.json()["field"], "commands[1].action.theme", "{}", batch.body);
    assert_eq!(batch.json()["index"], 1);
    let not_a_batch = post(&format!("{url}:batch"), &[], &json!({ "mode": "sometimes", "commands": [] }));
    assert_eq!((not_a_batch.status, not_a_batch.code()), (400, "malformed_batch".to_owned()));
    assert_eq!(not_a_batch.json()["field"], "mode", "{}", not_a_batch.body);
    assert_eq!(server.head(), head, "a malformed body appended");
}

#[test]
fn list_rows_are_typed_data_in_the_vocabulary_commands_take() {
    let server = Server::memory();
    let document = openapi(&server);
    let organisation = OrganisationId::generate();
    let (history, change) = support::rl3_history();
    let url = format!("{}:batch", commands_url(&server, organisation));
    let founded = post(&url, &[], &json!({ "commands": history, "mode": "atomic" }));
    assert_eq!(founded.status, 201, "{}", founded.body);
    assert_eq!(
        post(&commands_url(&server, organisation), &[], &serde_json::to_value(change).unwrap()).status,
        201
    );
    let list = |name: &str| {
        let answer = get(&server.url(&format!("/v1/organisations/{organisation}/reports/{name}")), &[]);
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        conforms(&document, "Rows", &answer.report()).unwrap_or_else(|error| panic!("{name}: {error}"));
        answer.report()
    };
    let units = list("units");
    let area = units.as_array().unwrap().iter().find(|unit| unit["id"] == id(12).to_string()).unwrap();
    assert_eq!(area["kind"], "director_area", "{units}");
    assert_eq!(area["parent"], Value::Null);
    let department = units.as_array().unwrap().iter().find(|unit| unit["id"] == id(13).to_string()).unwrap();
    assert_eq!(
        (department["kind"].clone(), department["parent"].clone()),
        (json!("department"), json!(id(12).to_string()))
    );
    let themes = list("themes");
    assert_eq!(themes[0]["rank"], 1, "{themes}");
    assert_eq!(themes[0]["recommended_type"], "welfare");
    assert_eq!(themes[0]["status"], "in_network");
    assert_eq!(themes[0]["round"], "2016H1");
    let networks = list("networks");
    assert_eq!(networks[0]["network_type"], "welfare", "{networks}");
    assert_eq!(networks[0]["theme"], id(100).to_string());
    assert_eq!(networks[0]["theme_title"], "Urban farming");
    assert_eq!(networks[0]["started_on"], "2016-03-01");
    let persons = list("persons");
    let chief = persons.as_array().unwrap().iter().find(|person| person["id"] == id(2).to_string()).unwrap();
    assert_eq!(chief["roles"], json!(["chief_forum"]), "{persons}");
    assert_eq!(chief["unit"], id(12).to_string());
    let rounds = list("rounds");
    assert_eq!(
        (rounds[0]["round"].clone(), rounds[0]["themes"].clone()),
        (json!("2016H1"), json!(1)),
        "{rounds}"
    );
    // The table for people is as it was.
    let table =
        get(&server.url(&format!("/v1/organisations/{organisation}/reports/units?format=table")), &[]);
    assert!(table.body.contains("director area"), "{}", table.body);
}

#[test]
fn get_organisations_lists_the_organisations_a_token_is_for() {
    let dir = TempDir::new("http-organisations");
    let file = dir.0.join("tokens");
    let (ours, theirs, unfounded) =
        (OrganisationId::generate(), OrganisationId::generate(), OrganisationId::generate());
    let only =
        |organisations: &[OrganisationId]| Organisations::Only(organisations.iter().copied().collect());
    let admin = bearer(&Tokens::add(&file, secretary(), Scope::Admin, Organisations::All, None).unwrap());
    let reader =
        bearer(&Tokens::add(&file, secretary(), Scope::Read, only(&[ours, unfounded]), None).unwrap());
    let config = Config { tokens: Some(Tokens::load(&file).unwrap()), ..Config::default() };
    let server = Server::start(Arc::new(MemoryStore::new()), config);
    let document = openapi(&server);
    let listed = |token: &str| {
        let answer = get(&server.url("/v1/organisations"), &[("authorization", token)]);
        assert_eq!(answer.status, 200, "{}", answer.body);
        conforms(&document, "OrganisationsAnswer", &answer.json()).unwrap();
        answer.json()["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                (entry["id"].as_str().unwrap().to_owned(), entry["stream_version"].as_u64().unwrap())
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(listed(&admin), []);
    found_as(&server, &[("authorization", &admin)], ours);
    found_as(&server, &[("authorization", &admin)], theirs);
    let mut both = vec![(ours.to_string(), 2), (theirs.to_string(), 2)];
    both.sort();
    assert_eq!(listed(&admin), both);
    // A token bound to organisations sees only those of its own that hold decisions.
    assert_eq!(listed(&reader), [(ours.to_string(), 2)]);
    // Appended since: read from where the last listing stopped.
    assert_eq!(post(&commands_url(&server, ours), &[("authorization", &admin)], &assess(1)).status, 201);
    assert!(listed(&admin).contains(&(ours.to_string(), 3)));
    assert_eq!(get(&server.url("/v1/organisations"), &[]).status, 401);
}

#[test]
fn a_shutdown_handle_ends_open_feeds_and_the_server_at_once() {
    let service = Arc::new(Service::new(Arc::new(MemoryStore::new())));
    // A deadline that would show: the server returns without cutting anything short only
    // when the feed ended on the handle's shutdown.
    let config = Config { shutdown_deadline: std::time::Duration::from_secs(600), ..Config::default() };
    let api = netvaerk_http::Api::new(service, config);
    let handle = api.shutdown_handle();
    assert!(!handle.is_shutting_down());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = runtime.spawn(api.serve(listener));
    let requested = runtime.spawn(handle.requested());
    // A feed client, connected and following.
    let mut feed = std::net::TcpStream::connect(base.strip_prefix("http://").unwrap()).unwrap();
    std::io::Write::write_all(
        &mut feed,
        b"GET /v1/events/stream HTTP/1.1\r\nhost: localhost\r\naccept: text/event-stream\r\n\r\n",
    )
    .unwrap();
    let mut reader = BufReader::new(feed.try_clone().unwrap());
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    handle.shutdown();
    assert!(handle.is_shutting_down());
    // The feed ends: the connection reaches its end.
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap();
    let stopped = runtime.block_on(server).unwrap().unwrap();
    assert_eq!(stopped, netvaerk_http::Stopped::default());
    runtime.block_on(requested).unwrap();
}

/// A member the server does not know is refused, never dropped: a rationale sent as `why`, or
/// a misspelt field of an action, would otherwise be lost from the log for good. The 400 names
/// where it was; nothing is appended. The OpenAPI document says so (`additionalProperties`).
#[test]
fn an_unknown_member_of_a_command_is_400_naming_it_and_appends_nothing() {
    let server = Server::memory();
    let organisation = found(&server, &[]);
    let head = server.head();
    let mut open = command(chief(), Action::OpenRound { round: RoundId::containing(on()) });
    open["metadata"]["why"] = json!("Vi tager en ekstra runde");
    let answer = post(&commands_url(&server, organisation), &[], &open);
    assert_eq!((answer.status, answer.code()), (400, "malformed_command".to_owned()), "{}", answer.body);
    assert_eq!(answer.json()["field"], "metadata.why", "{}", answer.body);
    assert!(answer.json()["detail"].as_str().unwrap().contains("why"), "{}", answer.body);
    let mut open = command(chief(), Action::OpenRound { round: RoundId::containing(on()) });
    open["action"]["theme"] = json!("0190ab00-0000-7000-8000-000000000001");
    let answer = post(&commands_url(&server, organisation), &[], &open);
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.json()["detail"].as_str().unwrap().contains("theme"), "{}", answer.body);
    assert_eq!(server.head(), head);
    let document = openapi(&server);
    assert_eq!(document["components"]["schemas"]["Metadata"]["additionalProperties"], false);
}
