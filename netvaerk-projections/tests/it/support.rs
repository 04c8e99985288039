//! A history built by deciding commands and appending them to a store, as an embedder would.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use netvaerk_core::*;
use netvaerk_store::{EventStore, ExpectedVersion, MemoryStore, NewEvent, StreamId};
use uuid::Uuid;

pub fn person(n: u128) -> PersonId {
    PersonId::from_uuid(Uuid::from_u128(0x1000 + n))
}
pub fn unit(n: u128) -> UnitId {
    UnitId::from_uuid(Uuid::from_u128(0x2000 + n))
}
pub fn theme(n: u128) -> ThemeId {
    ThemeId::from_uuid(Uuid::from_u128(0x3000 + n))
}
pub fn network(n: u128) -> NetworkId {
    NetworkId::from_uuid(Uuid::from_u128(0x4000 + n))
}
pub fn cohort(n: u128) -> CohortId {
    CohortId::from_uuid(Uuid::from_u128(0x5000 + n))
}
pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

pub const SECRETARY: u128 = 1;
pub const CHIEF: u128 = 2;
pub const CHIEF2: u128 = 3;
pub const DIRECTOR: u128 = 4;
pub const VETERAN: u128 = 10;
pub const VETERAN2: u128 = 11;
pub const NOVICE: u128 = 20;
pub const NOVICE2: u128 = 21;

/// Who may decide `action` (AU-1): the chief for what the chief forum decides, else the
/// secretary, who keeps the register, runs the training and records the networks' work.
pub fn entitled(action: &Action) -> PersonId {
    let needed = requirements(&State::new(), &Act::Decide(action), &Policy::ns3());
    if needed.iter().all(|cell| cell.may.contains(&Standing::ChiefForum)) {
        person(CHIEF)
    } else {
        person(SECRETARY)
    }
}

/// An organisation's store and state, fed through `decide`.
pub struct History {
    pub store: MemoryStore,
    pub stream: StreamId,
    pub state: State,
}

impl History {
    /// The base organisation: a director area with two departments, the secretariat, and the
    /// persons above (veterans are experienced leaders of generation 1).
    pub fn new() -> Self {
        let mut history = Self {
            store: MemoryStore::new(),
            stream: StreamId::organisation(OrganisationId::from_uuid(Uuid::from_u128(99))),
            state: State::new(),
        };
        let on = date(2014, 1, 6);
        let (secretary, chief) = (person(SECRETARY), person(CHIEF));
        // AU-2: the secretary founds the organisation with the chief as its chief forum.
        let found = Action::FoundOrganisation {
            chief_forum: BTreeSet::from([chief]),
            secretariat: BTreeSet::from([secretary]),
        };
        history.run_as(secretary, on, found);
        history.run_as(
            secretary,
            on,
            Action::RegisterUnit { unit: unit(1), kind: UnitKind::DirectorArea, parent: None },
        );
        for (n, kind, parent) in
            [(2, UnitKind::Department, Some(unit(1))), (3, UnitKind::Department, Some(unit(1)))]
        {
            history.run_as(secretary, on, Action::RegisterUnit { unit: unit(n), kind, parent });
        }
        history.run_as(secretary, on, Action::MovePerson { person: chief, unit: unit(2) });
        // AU-3, AU-4: the secretariat registers, the chief forum admits its members.
        let people = [
            (CHIEF2, unit(3), vec![PersonRole::ChiefForum]),
            (DIRECTOR, unit(1), vec![PersonRole::Director]),
            (VETERAN, unit(2), vec![]),
            (VETERAN2, unit(3), vec![]),
            (NOVICE, unit(2), vec![]),
            (NOVICE2, unit(3), vec![]),
        ];
        for (n, unit, roles) in people {
            let register =
                Action::RegisterPerson { person: person(n), unit: Some(unit), roles: BTreeSet::new() };
            history.run_as(secretary, on, register);
            if !roles.is_empty() {
                let admit =
                    Action::ChangePersonRoles { person: person(n), roles: roles.into_iter().collect() };
                history.run_as(chief, on, admit);
            }
        }
        for n in [VETERAN, VETERAN2] {
            let action = Action::RegisterPriorExperience {
                person: person(n),
                generation: 1,
                networks_led: 2,
                networks_co_driven: 1,
            };
            history.run_as(secretary, on, action);
        }
        history
    }

    /// Decides `action` on `on` by whom the authority table entitles (AU-1: a chief-forum
    /// member for the chief forum's decisions, else the secretary), acknowledging the warnings
    /// of every rule, and appends it. Panics if refused: a test history must be valid.
    pub fn run(&mut self, on: NaiveDate, action: Action) -> Decision {
        let actor = entitled(&action);
        self.run_as(actor, on, action)
    }

    pub fn run_as(&mut self, actor: PersonId, on: NaiveDate, action: Action) -> Decision {
        let debug = format!("{action:?}");
        self.try_run_as(actor, on, action).unwrap_or_else(|error| panic!("{debug} refused: {error}"))
    }

    /// Decides and appends if `decide` accepts; a refusal appends nothing.
    pub fn try_run(&mut self, on: NaiveDate, action: Action) -> Result<Decision, DomainError> {
        let actor = entitled(&action);
        self.try_run_as(actor, on, action)
    }

    pub fn try_run_as(
        &mut self,
        actor: PersonId,
        on: NaiveDate,
        action: Action,
    ) -> Result<Decision, DomainError> {
        let mut command =
            Command::new(Metadata::new(actor, on).with_rationale(format!("decided on {on}")), action);
        for rule in Rule::ALL {
            command = command.acknowledging(Acknowledgement::new(*rule, "accepted for the test"));
        }
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let decision = decide(&self.state, &command, &Policy::ns3(), now)?;
        let events = NewEvent::from_decision(&decision);
        self.store.append(&self.stream, ExpectedVersion::Exact(self.state.version()), &events).unwrap();
        self.state = decision.fold(std::mem::take(&mut self.state));
        Ok(decision)
    }

    pub fn propose(&mut self, on: NaiveDate, n: u128, title: &str) {
        self.run(
            on,
            Action::ProposeTheme {
                theme: theme(n),
                title: title.into(),
                challenge: format!("The challenge of {title}"),
                proposed_by: person(CHIEF),
                departments: vec![unit(2), unit(3)],
                origins: BTreeSet::from([Origin::Below, Origin::Outside]),
            },
        );
    }

    pub fn qualify(&mut self, on: NaiveDate, n: u128) {
        let assessments = Criterion::ALL
            .into_iter()
            .map(|criterion| CriterionAssessment {
                criterion,
                met: criterion != Criterion::Innovation,
                note: "seen".into(),
            })
            .collect();
        self.run(on, Action::QualifyTheme { theme: theme(n), assessments });
    }

    /// Proposes, qualifies and prioritises theme `n` at rank `rank`; the chief-forum members
    /// and the director accept it as reference leaders.
    pub fn prioritised(&mut self, on: NaiveDate, n: u128, rank: u32, recommended_type: NetworkType) {
        self.propose(on, n, &format!("Theme {n}"));
        self.qualify(on, n);
        self.run(on, Action::PrioritiseTheme { theme: theme(n), rank, recommended_type });
        for accepter in [CHIEF, CHIEF2, DIRECTOR] {
            // RL-2: each records their own opt-in.
            let action = Action::AcceptReferenceRole { theme: theme(n), person: person(accepter) };
            self.run_as(person(accepter), on, action);
        }
    }

    pub fn start(
        &mut self,
        on: NaiveDate,
        n: u128,
        network_type: NetworkType,
        leader: u128,
        co_driver: Option<u128>,
    ) {
        let reference_leader = if network_type == NetworkType::Innovation { DIRECTOR } else { CHIEF };
        self.run(
            on,
            Action::StartNetwork {
                network: network(n),
                theme: theme(n),
                network_type,
                leader: person(leader),
                co_driver: co_driver.map(person),
                reference_leader: Some(person(reference_leader)),
            },
        );
    }
}
