//! Golden fixtures: one stored JSON file per event type and schema version, added and never
//! edited, so that logs written today still load in ten years.
//!
//! A fixture is `tests/fixtures/events/<Type>.v<N>.json`: `{"type", "schema_version",
//! "payload"}`. To add the fixture of a new type or version, add its sample below and run
//! `NETVAERK_WRITE_FIXTURES=1 cargo test -p netvaerk-core --test it fixtures`; files that exist
//! are never overwritten.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use netvaerk_core::codec::{decode, encode};
use netvaerk_core::*;
use serde_json::{json, Value};

use crate::support::*;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events")
}

fn fixture_path(type_name: &str, version: u32) -> PathBuf {
    fixture_dir().join(format!("{type_name}.v{version}.json"))
}

fn acknowledged(warning: Warning) -> Vec<AcknowledgedWarning> {
    vec![AcknowledgedWarning { warning, rationale: "The council asked for it".into() }]
}

/// ORG-5: a chief-forum decision by written procedure, between two meetings.
fn off_meeting_day() -> Vec<AcknowledgedWarning> {
    acknowledged(Warning::OffMeetingDay { on: date(2016, 9, 14), next: Some(date(2016, 10, 4)) })
}

/// One event of every type, with every optional field filled.
pub fn samples() -> Vec<Event> {
    let hy = round("2016H2");
    vec![
        Event::UnitRegistered { unit: department(), kind: UnitKind::Department, parent: Some(area()) },
        Event::UnitNamed { unit: department(), name: "Børn og Unge".into() },
        Event::OrganisationNamed { name: "Albertslund Kommune".into() },
        Event::PersonRegistered {
            person: chief(),
            unit: Some(department()),
            roles: BTreeSet::from([PersonRole::ChiefForum]),
        },
        Event::PersonRolesChanged { person: chief(), roles: BTreeSet::from([PersonRole::Director]) },
        Event::PriorExperienceRegistered {
            person: veteran(0),
            generation: 2,
            networks_led: 3,
            networks_co_driven: 1,
        },
        Event::PolicyChanged { policy: Policy::ns3(), in_force_from: Some(date(2016, 6, 30)) },
        Event::RoundOpened { round: hy, acknowledged: off_meeting_day() },
        Event::RoundClosed {
            round: hy,
            acknowledged: acknowledged(Warning::StartsOutsideRange {
                half_year: hy,
                count: 3,
                expected: CountRange::new(4, 5),
            }),
        },
        Event::ThemeProposed {
            theme: theme(1),
            title: "Urban farming in Albertslund?".into(),
            challenge: "Vacant land and a green plan without hands".into(),
            proposed_by: chief(),
            departments: vec![department(), department2()],
            origins: BTreeSet::from([Origin::Above, Origin::Outside]),
        },
        Event::ThemeQualified {
            theme: theme(1),
            round: hy,
            assessments: all_met(),
            acknowledged: off_meeting_day(),
        },
        Event::ThemePrioritised {
            theme: theme(1),
            round: hy,
            rank: 1,
            recommended_type: NetworkType::Innovation,
            acknowledged: acknowledged(Warning::CriterionNotMet {
                theme: theme(1),
                criterion: Criterion::NewLearning,
            }),
        },
        Event::ThemeDeferred {
            theme: theme(2),
            round: hy,
            to_round: hy.next(),
            acknowledged: off_meeting_day(),
        },
        Event::ThemeRejected {
            theme: theme(3),
            round: hy,
            reason: "Solved in one department".into(),
            acknowledged: off_meeting_day(),
        },
        Event::ThemeWithdrawn { theme: theme(4), reason: "The proposer left".into() },
        Event::ThemeRefined {
            theme: theme(1),
            title: Some("Urban farming".into()),
            challenge: Some("Green spaces without hands".into()),
            note: "After the first intensive period".into(),
        },
        Event::ReferenceLeaderAccepted {
            theme: theme(1),
            person: director(),
            on_behalf_by: Some(secretary()),
        },
        Event::ReferenceLeaderAssigned { network: network(1), person: director() },
        Event::ReferenceLeaderChanged {
            network: network(1),
            from: director(),
            to: director2(),
            reason: "Owns the scaling budget".into(),
            acknowledged: acknowledged(Warning::ReferenceLeaderOutsideForum {
                network: network(1),
                person: director2(),
            }),
        },
        Event::CoDriverAttached { network: network(1), person: novice(0) },
        Event::CoDriverChanged {
            network: network(1),
            from: novice(0),
            to: novice(1),
            reason: "Parental leave".into(),
        },
        Event::MandateContractAgreed {
            network: network(1),
            leader: veteran(0),
            reference_leader: director(),
            personnel_leader: chief2(),
            secretariat: secretary(),
            terms: "Four hours a week from base work".into(),
        },
        Event::CompetencesAssessed {
            person: novice(0),
            scores: BTreeMap::from([(Competence::Curiosity, 5), (Competence::CreatesSafeSpace, 3)]),
        },
        Event::NetworkStarted {
            network: network(1),
            theme: theme(1),
            network_type: NetworkType::Innovation,
            leader: veteran(0),
            started_on: date(2016, 9, 1),
            expected_end: date(2017, 3, 2),
            phase_plan: PhasePlan::ns3_welfare(),
            acknowledged: acknowledged(Warning::TypeMixOutsideRange {
                half_year: hy,
                network_type: NetworkType::Learning,
                count: 2,
                expected: CountRange::new(1, 1),
            }),
        },
        Event::PhaseEntered {
            network: network(1),
            phase: "intensive 1".into(),
            kind: PhaseKind::Intensive,
            acknowledged: vec![AcknowledgedWarning {
                warning: Warning::NoMandateContract { network: network(1), phase: "intensive 1".into() },
                rationale: "The personnel leader signs next week".into(),
            }],
        },
        Event::TestPhaseBegun {
            network: network(1),
            phase: "test".into(),
            funding: Some("Innovation fund".into()),
            funding_kr: Some(250_000),
            tested: Some("A shared care plan with twelve citizens".into()),
            owners: vec![department(), department2()],
        },
        Event::NetworkClosed {
            network: network(1),
            outcome: Outcome::Stopped,
            reason: Some("No test capital".into()),
            criteria_met: None,
            acknowledged: off_meeting_day(),
        },
        Event::CohortFormed {
            cohort: cohort(1),
            members: BTreeSet::from([novice(0), novice(1)]),
            acknowledged: acknowledged(Warning::CohortSizeOutsideRange {
                cohort: cohort(1),
                size: 2,
                expected: CountRange::new(12, 15),
            }),
        },
        Event::TeachingDayAttended { cohort: cohort(1), person: novice(0), day: TeachingDay::ValueCreation },
        Event::WrittenAssignmentPassed { cohort: cohort(1), person: novice(0) },
        Event::OralExamPassed { cohort: cohort(1), person: novice(0) },
        Event::DiplomaAwarded { cohort: cohort(1), person: novice(0) },
        Event::RotationStarted { person: novice(2), skills: "Facilitation".into(), until: date(2017, 6, 30) },
        Event::RotationEnded { person: novice(2) },
        Event::HelpRequested {
            network: network(1),
            hotspot: Hotspot::legal(),
            note: "Land lease for the farm".into(),
        },
        Event::PoliticallyLinked {
            network: network(1),
            link: PoliticalLink::SubjectCommittee,
            committee: Some("Social- og Sundhedsudvalget".into()),
        },
        Event::GoalsSet {
            network: network(1),
            goals: vec!["Borgere med flere sager får én plan".into()],
            success_criteria: vec![
                "Halvdelen af borgerne i testen har én plan efter tre måneder".into(),
                "Sagsbehandlerne bruger planen uden netværkets hjælp".into(),
            ],
            reason: Some("Indsnævret efter første intensive periode".into()),
        },
        Event::ForumMeetingsScheduled {
            meetings: [date(2016, 10, 4), date(2016, 11, 1)].into_iter().collect(),
            cancelled: [date(2016, 9, 6)].into_iter().collect(),
        },
        Event::NetworkReplanned {
            network: network(1),
            phase_plan: PhasePlan {
                phases: vec![
                    PhaseSpec::new("intensive 1", PhaseKind::Intensive, 2),
                    PhaseSpec::new("test", PhaseKind::Test, 6),
                    PhaseSpec::new("implementation", PhaseKind::Implementation, 4),
                ],
            },
            expected_end: date(2016, 11, 24),
            reason: "The test site opens in October".into(),
        },
        Event::ParticipantsJoined {
            network: network(1),
            participants: BTreeSet::from([novice(0), novice(1)]),
        },
        Event::OutputRecorded {
            network: network(1),
            kind: OutputKind::Knowledge,
            description: "A guide for the base units".into(),
            units: vec![department(), department2()],
        },
        Event::OrganisationFounded {
            chief_forum: BTreeSet::from([chief(), director()]),
            secretariat: BTreeSet::from([secretary()]),
        },
        Event::PersonMoved { person: chief(), unit: department2() },
    ]
}

#[test]
fn samples_cover_the_catalogue_exactly() {
    let sampled: Vec<&str> = samples().iter().map(Event::type_name).collect();
    let catalogued: Vec<&str> = CATALOGUE.iter().map(|(name, _)| *name).collect();
    assert_eq!(sampled, catalogued);
}

#[test]
fn every_type_and_version_has_a_golden_fixture_that_decodes() {
    if std::env::var_os("NETVAERK_WRITE_FIXTURES").is_some() {
        write_missing_fixtures();
    }
    for (type_name, current) in CATALOGUE {
        for version in 1..=*current {
            let path = fixture_path(type_name, version);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("no golden fixture {} (see this module's doc)", path.display()));
            let stored: Value = serde_json::from_str(&text).expect("a fixture is JSON");
            assert_eq!(stored["type"], *type_name, "{}", path.display());
            assert_eq!(stored["schema_version"], version, "{}", path.display());
            let event = decode(type_name, version, stored["payload"].clone())
                .unwrap_or_else(|error| panic!("{} does not decode: {error}", path.display()));
            assert_eq!(event.type_name(), *type_name);
            if version == *current {
                // The current version's encoding is pinned byte for byte (as a JSON value).
                assert_eq!(
                    encode(&event).payload,
                    stored["payload"],
                    "{} re-encodes differently",
                    path.display()
                );
            }
        }
    }
}

/// The one declaration of the events that carry acknowledged warnings
/// (`Event::acknowledged`, `Event::acknowledged_mut`) against the events' own shapes: every
/// event whose stored payload has an `acknowledged` field is declared, with what the field
/// holds, and no other is. A carrier left out of the declaration (or one declared that has no
/// such field) fails here, so the replay, the audit trail and the overrides cannot miss one.
#[test]
fn the_warning_carriers_are_exactly_the_events_with_an_acknowledged_field() {
    let mut carriers = Vec::new();
    for mut event in samples() {
        let payload = encode(&event).payload;
        let stored: Option<Vec<AcknowledgedWarning>> =
            payload.get("acknowledged").map(|field| serde_json::from_value(field.clone()).unwrap());
        let type_name = event.type_name();
        match stored {
            Some(stored) => {
                assert!(!stored.is_empty(), "the {type_name} sample acknowledges no warning");
                assert_eq!(event.acknowledged(), stored.as_slice(), "{type_name}");
                assert_eq!(event.acknowledged_mut().map(|warnings| warnings.clone()), Some(stored));
                carriers.push(type_name);
            }
            None => {
                assert!(event.acknowledged().is_empty(), "{type_name} is no carrier");
                assert!(event.acknowledged_mut().is_none(), "{type_name} is no carrier");
            }
        }
    }
    // Today's carriers, for the reader (the loop above is the check).
    assert_eq!(
        carriers,
        [
            "RoundOpened",
            "RoundClosed",
            "ThemeQualified",
            "ThemePrioritised",
            "ThemeDeferred",
            "ThemeRejected",
            "ReferenceLeaderChanged",
            "NetworkStarted",
            "PhaseEntered",
            "NetworkClosed",
            "CohortFormed"
        ]
    );
}

#[test]
fn theme_proposed_v1_fixture_upcasts_to_the_v2_sample() {
    let text = std::fs::read_to_string(fixture_path("ThemeProposed", 1)).unwrap();
    let stored: Value = serde_json::from_str(&text).unwrap();
    let event = decode("ThemeProposed", 1, stored["payload"].clone()).unwrap();
    let Event::ThemeProposed { challenge, origins, .. } = event else { panic!("another variant") };
    assert_eq!(challenge, "Vacant land and a green plan without hands");
    assert_eq!(origins, BTreeSet::from([Origin::Above]));
}

#[test]
fn samples_encode_then_decode_to_themselves() {
    for event in samples() {
        let encoded = encode(&event);
        assert!(encoded.payload.is_object());
        assert_eq!(decode(encoded.type_name, encoded.schema_version, encoded.payload).unwrap(), event);
    }
}

/// Writes the fixture of each sample at its current version where none exists yet.
fn write_missing_fixtures() {
    std::fs::create_dir_all(fixture_dir()).unwrap();
    for event in samples() {
        let encoded = encode(&event);
        let path = fixture_path(encoded.type_name, encoded.schema_version);
        if path.exists() {
            continue;
        }
        let stored = json!({
            "type": encoded.type_name,
            "schema_version": encoded.schema_version,
            "payload": encoded.payload,
        });
        std::fs::write(&path, serde_json::to_string_pretty(&stored).unwrap() + "\n").unwrap();
    }
}

/// Every string in a JSON value.
fn strings(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(text) => into.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings(item, into)),
        Value::Object(fields) => fields.values().for_each(|item| strings(item, into)),
        _ => {}
    }
}

#[test]
fn scrubbing_an_event_leaves_no_word_of_its_texts_and_every_fact() {
    // The samples' free texts are words that begin with a capital letter; ids, rounds, dates,
    // vocabulary words and phase names are not. So after scrubbing, every such text is the
    // marker, and every other string is either the fact the event had or (a short text such
    // as a criterion note "met") the marker.
    for event in samples() {
        let scrubbed = event.scrubbed();
        assert_eq!(scrubbed.type_name(), event.type_name());
        assert_eq!(scrubbed.scrubbed(), scrubbed, "scrubbing twice changes nothing: {event:?}");
        let (mut before, mut after) = (Vec::new(), Vec::new());
        strings(&serde_json::to_value(&event).unwrap()["data"], &mut before);
        strings(&serde_json::to_value(&scrubbed).unwrap()["data"], &mut after);
        assert_eq!(before.len(), after.len(), "an optional text stays present: {event:?}");
        for (old, new) in before.iter().zip(&after) {
            if old.contains(' ') && old.chars().any(char::is_uppercase) {
                assert_eq!(new, REDACTED_TEXT, "a text of {} kept: {old}", event.type_name());
            } else {
                assert!(new == old || new == REDACTED_TEXT, "a fact of {} changed: {old}", event.type_name());
            }
        }
    }
    // An absent optional text stays absent.
    let closed = Event::NetworkClosed {
        network: network(1),
        outcome: Outcome::Implemented,
        reason: None,
        criteria_met: None,
        acknowledged: Vec::new(),
    };
    assert_eq!(closed.scrubbed(), closed);
}
