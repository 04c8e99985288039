//! The Albertslund demo: 2014-2018, written by sending commands through the service.
//!
//! The history is planned as dated commands, sorted by business date and decided one by one
//! (one atomic batch), so every rule is judged as it would have been then. Ids are fixed, so the reports are the
//! same on every machine. Names are invented.
//!
//! The story is data first: the people (`CHIEFS`, `VETERANS`, the cohorts' names, `EMPLOYEES`,
//! `PARTICIPANTS`), the diploma cohorts and their dates (`COHORTS`), and what each of the eight
//! half-years brings (`HALF_YEARS`: its themes' Danish titles, the theme deferred or rejected,
//! what is particular to it), and each theme's story (`story`: one entry per title, with its
//! challenge, departments, the chief forum's notes and reasons, goals and success criteria,
//! what it tested and produced, and how it ended). The functions tell one block in
//! order: `found` the organisation and its people, `assess_candidates`, `diploma`, `rotations`,
//! then per half-year `theme_round` and each `network`'s life (`learning_network`, or
//! `working_network` and its `test_and_end`). Steps of one day keep the order they are
//! planned in.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use netvaerk::{BatchMode, Error, Service};
use netvaerk_core::{
    Acknowledgement, Action, CohortId, Command, Competence, Criterion, CriterionAssessment, DiplomaCost,
    Hotspot, Metadata, NetworkId, NetworkType, Origin, Outcome, OutputKind, PersonId, PersonRole, Policy,
    PoliticalLink, RoundId, Rule, TeachingDay, ThemeId, UnitId, UnitKind,
};
use netvaerk_projections::AsOf;
use netvaerk_store::{EventStore, PersonalData};
use uuid::Uuid;

use story::{story, End, Story};

use netvaerk_report::{render, Format, Report};

use crate::cli::Cli;
use crate::{open_service, progress, usage, Failure};

mod story;

/// The demo's eight departments, four in each director area.
const DEPARTMENTS: [&str; 8] = [
    "Ældre og Sundhed",
    "Social og Handicap",
    "Jobcenter",
    "Børn og Familie",
    "Byudvikling",
    "Miljø og Klima",
    "Kultur og Fritid",
    "Skole og Dagtilbud",
];

/// The last day of the demo history.
pub fn end() -> NaiveDate {
    date(2018, 6, 30)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// A fixed, v7-shaped id: the same on every run. `scope` tells organisations and four-year
/// blocks of a generated history apart (the demo is scope 0).
fn id(scope: u16, kind: u16, n: u32) -> Uuid {
    let scope = u128::from(scope) << 80;
    Uuid::from_u128(
        0x0190_ab00_0000_7000_8000_0000_0000_0000 | scope | (u128::from(kind) << 32) | u128::from(n),
    )
}

/// The urban-farming theme, whose audit trail the demo prints.
pub fn urban_farming() -> ThemeId {
    ThemeId::from_uuid(id(0, 3, 101))
}

#[derive(Clone)]
struct Step {
    on: NaiveDate,
    actor: PersonId,
    action: Action,
    rationale: Option<String>,
    acknowledge: Option<&'static str>,
    /// Acknowledgements of rules whose warnings need their own rationale.
    also: Vec<Acknowledgement>,
}

/// The demo's cast and its plan of dated commands.
struct Plan {
    scope: u16,
    /// The block's first year.
    first_year: i32,
    steps: Vec<Step>,
    names: Vec<(PersonId, &'static str, &'static str)>,
    chiefs: Vec<PersonId>,
    directors: Vec<PersonId>,
    departments: Vec<UnitId>,
    qualified: Vec<(PersonId, NaiveDate)>,
    next_leader: usize,
    /// The networks each leader leads, so that a leader has one reference leader at a time
    /// across them (RL-1).
    leading: Vec<Leading>,
}

/// A network of the plan, as its leader's other networks must see it (RL-1).
struct Leading {
    leader: PersonId,
    network: NetworkId,
    theme: ThemeId,
    /// The last day it runs.
    until: NaiveDate,
    reference_leader: PersonId,
    /// The planned change of reference leader (TP-1): from when, to whom.
    change: Option<(NaiveDate, PersonId)>,
}

impl Leading {
    fn runs_on(&self, on: NaiveDate) -> bool {
        on <= self.until
    }

    fn reference_leader_on(&self, on: NaiveDate) -> PersonId {
        match self.change {
            Some((from, to)) if from <= on => to,
            _ => self.reference_leader,
        }
    }
}

const CHIEFS: [&str; 8] = [
    "Mette Skov",
    "Lars Dahl",
    "Anne Kjær",
    "Peter Juul",
    "Hanne Bech",
    "Ole Friis",
    "Rikke Mose",
    "Jens Holt",
];
const VETERANS: [(&str, u8, u32, u32); 5] = [
    ("Birgitte Sand", 1, 3, 0),
    ("Morten Krog", 2, 2, 1),
    ("Lone Vestergaard", 2, 1, 2),
    ("Poul Riis", 1, 2, 0),
    ("Tove Lind", 2, 1, 1),
];
const COHORT_ONE: [&str; 12] = [
    "Ida Bruun",
    "Kasper Lund",
    "Sara Winther",
    "Mads Kirk",
    "Julie Nørgaard",
    "Anders Bak",
    "Emma Storm",
    "Rasmus Vind",
    "Freja Holm",
    "Nikolaj Due",
    "Camilla Ravn",
    "Simon Hald",
];
const COHORT_TWO: [&str; 11] = [
    "Laura Hjort",
    "Mikkel Brink",
    "Signe Lykke",
    "Jonas Kragh",
    "Maria Find",
    "Christian Ask",
    "Nanna Skou",
    "Thomas Bang",
    "Sofie Munk",
    "Oliver Gram",
    "Amalie Toft",
];
/// The third cohort's candidates, who join in the summer of 2017 (CO-2: every 1.5 years).
const COHORT_THREE: [&str; 12] = [
    "Astrid Mørk",
    "Peter Falk",
    "Louise Kjær",
    "Henrik Bo",
    "Katrine Damm",
    "Mathias Sejer",
    "Cecilie Borg",
    "Frederik Alm",
    "Johanne Vest",
    "Rune Hedegaard",
    "Marie Thing",
    "Søren Hvid",
];

const EMPLOYEES: [&str; 4] = ["Karin Boe", "Erik Stenz", "Lise Ahl", "Jakob Fog"];

/// Employees who take part in networks (TP-3), two to each department.
const PARTICIPANTS: [&str; 16] = [
    "Signe Krog",
    "Mikkel Skov",
    "Tina Rask",
    "Bo Lykke",
    "Helle Dahl",
    "Kasper Aagaard",
    "Rikke Bang",
    "Morten Friis",
    "Pia Hauge",
    "Anders Vest",
    "Lene Moos",
    "Torben Kjeld",
    "Mette Buch",
    "Niels Hviid",
    "Dorthe Riis",
    "Ulrik Steen",
];

/// What a half-year brings besides its routine (NW-1, NW-2: a learning network and welfare
/// networks every half-year, an innovation network in some), as the chief forum's portfolio
/// tells it. The themes are proposed in this order: the learning theme, the welfare themes,
/// the innovation theme, the theme to defer, the theme to reject.
struct HalfYear {
    /// The learning network's theme.
    learning: &'static str,
    /// The welfare themes.
    welfare: &'static [&'static str],
    /// The innovation theme, if any, and how its network ends.
    innovation: Option<Innovation>,
    /// A theme qualified and deferred to the next half-year, which takes it up first.
    deferred: Option<&'static str>,
    /// A theme the forum rejects, and why.
    rejected: Option<(&'static str, &'static str)>,
    /// NW-2: why the forum starts fewer networks than the rule asks, acknowledged at the close.
    fewer_networks: Option<&'static str>,
    /// The network (by its place in the half-year) whose co-driver goes on parental leave.
    co_driver_on_leave: Option<usize>,
}

/// An innovation theme, and after how many days its network ends (TP-2; how, its story tells).
struct Innovation {
    title: &'static str,
    days: u64,
}

/// The eight half-years of a four-year block; for the demo, 2014H2 to 2018H1.
/// A half-year with nothing particular: the fields a half-year of `HALF_YEARS` leaves out.
const ROUTINE: HalfYear = HalfYear {
    learning: "",
    welfare: &[],
    innovation: None,
    deferred: None,
    rejected: None,
    fewer_networks: None,
    co_driver_on_leave: None,
};

const HALF_YEARS: [HalfYear; 8] = [
    // 2014H2
    HalfYear {
        learning: "Deleøkonomi i Albertslund",
        welfare: &[
            "Fælles plan for borgeren på tværs af afdelinger",
            "Ren luft omkring skolerne",
            "Hurtigere hjælp efter et fald",
        ],
        rejected: Some(("Parkeringsskilte i den gamle bydel", "Løses i én afdeling; ikke tværgående (TH-2)")),
        ..ROUTINE
    },
    // 2015H1
    HalfYear {
        learning: "Frivillighed: nye former for medborgerskab",
        welfare: &[
            "Færre udeblivelser i Jobcentret",
            "Velkommen til nye borgere",
            "En værdig død i eget hjem",
        ],
        innovation: Some(Innovation { title: "Urban farming i Albertslund?", days: 260 }),
        deferred: Some("Færre overdragelser for svækkede ældre"),
        ..ROUTINE
    },
    // 2015H2
    HalfYear {
        learning: "Datainformeret ledelse",
        welfare: &[
            "Tidlig hjælp til udsatte børn",
            "Borgernær rehabilitering",
            "Én plan for familier med mange sager",
        ],
        rejected: Some(("Et nyt intranet", "Et it-projekt, ikke en velfærdsudfordring")),
        ..ROUTINE
    },
    // 2016H1
    HalfYear {
        learning: "Samskabelse med borgerne",
        welfare: &["Ensomhed blandt ældre", "Fra skole til uddannelse for alle"],
        fewer_networks: Some("Besparelser i foråret 2016: færre netværk med flere ressourcer"),
        co_driver_on_leave: Some(1),
        ..ROUTINE
    },
    // 2016H2
    HalfYear {
        learning: "Digital borgerservice",
        welfare: &["Job til unge på ydelse", "Hurtigere boligindretning", "Hverdagsrehabilitering i hjemmet"],
        innovation: Some(Innovation { title: "Den cirkulære kommune", days: 240 }),
        deferred: Some("Sammenhængende demensindsats"),
        ..ROUTINE
    },
    // 2017H1
    HalfYear {
        learning: "Grøn omstilling i hverdagen",
        welfare: &["Skoledage uden mobning", "Trygge overgange fra hospital", "Inkluderende dagtilbud"],
        rejected: Some(("Længere åbningstid på biblioteket", "Allerede besluttet af kulturudvalget")),
        ..ROUTINE
    },
    // 2017H2
    HalfYear {
        learning: "Sundhedskompetence",
        welfare: &[
            "Mental sundhed for unge voksne",
            "Koordineret indsats for kronisk syge",
            "Lokal jobformidling",
        ],
        innovation: Some(Innovation { title: "Energifællesskaber i den almene boligsektor", days: 280 }),
        deferred: Some("Sunde måltider i institutionerne"),
        ..ROUTINE
    },
    // 2018H1
    HalfYear {
        learning: "Unges deltagelse",
        welfare: &["Velfærdsteknologi i hjemmet", "Bedre kørsel for ældre", "Borgerens første kontakt"],
        rejected: Some(("Ens mailsignaturer", "Ingen borgervelfærd i det")),
        ..ROUTINE
    },
];

impl Plan {
    fn push(&mut self, on: NaiveDate, actor: PersonId, action: Action) {
        self.steps.push(Step { on, actor, action, rationale: None, acknowledge: None, also: Vec::new() });
    }

    fn push_why(
        &mut self,
        on: NaiveDate,
        actor: PersonId,
        action: Action,
        why: String,
        ack: Option<&'static str>,
    ) {
        self.steps.push(Step { on, actor, action, rationale: Some(why), acknowledge: ack, also: Vec::new() });
    }

    /// The last step also acknowledges `rule`'s warnings, with `rationale`.
    fn acknowledge_last(&mut self, rule: Rule, rationale: &str) {
        if let Some(step) = self.steps.last_mut() {
            step.also.push(Acknowledgement::new(rule, rationale));
        }
    }

    fn id(&self, kind: u16, n: u32) -> Uuid {
        id(self.scope, kind, n)
    }

    fn person(&mut self, n: u32, name: &'static str, title: &'static str) -> PersonId {
        let person = PersonId::from_uuid(self.id(1, n));
        self.names.push((person, name, title));
        person
    }

    /// The next qualified leader in turn for a network starting `on`, among those who lead
    /// nothing then if there are any (else they share a reference leader, RL-1).
    fn leader(&mut self, on: NaiveDate) -> PersonId {
        let qualified: Vec<PersonId> =
            self.qualified.iter().filter(|(_, from)| *from <= on).map(|(person, _)| *person).collect();
        let free: Vec<PersonId> =
            qualified.iter().copied().filter(|p| self.led_by(*p, on).is_none()).collect();
        let available = if free.is_empty() { qualified } else { free };
        let leader = available[self.next_leader % available.len()];
        self.next_leader += 1;
        leader
    }

    /// RL-4: the head of `person`'s department, their personnel leader (a chief-forum member
    /// heads each department here).
    fn personnel_leader(&self, person: PersonId) -> PersonId {
        let department =
            self.unit_of(person).and_then(|unit| self.departments.iter().position(|d| *d == unit));
        self.chiefs[department.unwrap_or(0)]
    }

    /// The unit `person` was registered in.
    fn unit_of(&self, person: PersonId) -> Option<UnitId> {
        self.steps.iter().find_map(|step| match step.action {
            Action::RegisterPerson { person: registered, unit, .. } if registered == person => unit,
            _ => None,
        })
    }

    /// TP-3: the `count` participants of the `number`th network, from the pool's employees of
    /// the theme's `departments`, a department at a time (who goes first varies by `number`),
    /// and their units.
    fn participants(
        &self,
        pool: &[PersonId],
        departments: &[UnitId],
        number: u32,
        count: usize,
    ) -> (BTreeSet<PersonId>, Vec<UnitId>) {
        let of_each: Vec<Vec<PersonId>> = departments
            .iter()
            .map(|department| {
                pool.iter().copied().filter(|person| self.unit_of(*person) == Some(*department)).collect()
            })
            .collect();
        let most = of_each.iter().map(Vec::len).max().unwrap_or(0);
        let mut chosen = BTreeSet::new();
        let mut units: Vec<UnitId> = Vec::new();
        for turn in 0..most {
            for (department, members) in departments.iter().zip(&of_each) {
                if chosen.len() == count || members.is_empty() {
                    continue;
                }
                if chosen.insert(members[(turn + number as usize) % members.len()])
                    && !units.contains(department)
                {
                    units.push(*department);
                }
            }
        }
        (chosen, units)
    }

    /// A network `person` leads on `on`.
    fn led_by(&self, person: PersonId, on: NaiveDate) -> Option<&Leading> {
        self.leading.iter().find(|other| other.leader == person && other.runs_on(on))
    }

    /// RL-1: the reference leader of a new network of `network_type` that `leader` starts on
    /// `on`: that of the networks they lead then, whose later changes are dropped (all keep the
    /// one they share); else `fresh`. An innovation network's must be a director (RL-3): if the
    /// shared one is not, `fresh` (a director) takes over the others that day, recorded by the
    /// chief forum's chair.
    fn shared_reference_leader(
        &mut self,
        leader: PersonId,
        on: NaiveDate,
        network_type: NetworkType,
        fresh: PersonId,
    ) -> PersonId {
        let others: Vec<usize> = (0..self.leading.len())
            .filter(|&index| self.leading[index].leader == leader && self.leading[index].runs_on(on))
            .collect();
        let Some(&first) = others.first() else {
            return fresh;
        };
        let current = self.leading[first].reference_leader_on(on);
        let shared = if network_type == NetworkType::Innovation && !self.directors.contains(&current) {
            fresh
        } else {
            current
        };
        let mut changing = None;
        for index in others {
            let (network, theme) = (self.leading[index].network, self.leading[index].theme);
            if self.leading[index].change.is_some_and(|(from, _)| from > on) {
                self.steps.retain(|step| {
                    !matches!(step.action, Action::ChangeReferenceLeader { network: changed, .. } if changed == network)
                });
                self.leading[index].change = None;
            }
            if self.leading[index].reference_leader_on(on) != shared {
                self.push(on, shared, Action::AcceptReferenceRole { theme, person: shared });
                self.leading[index].change = Some((on, shared));
                changing.get_or_insert(network);
            }
        }
        // RL-1: one change, which carries over to every network the leader leads now.
        if let Some(network) = changing {
            let reason = match network_type {
                NetworkType::Innovation => {
                    "Netværkslederen leder nu også et innovationsnetværk, hvis referenceleder er direktør; \
                     en leder har én referenceleder ad gangen, så direktøren tager begge"
                }
                _ => {
                    "Netværkslederen leder nu også et andet netværk; en leder har én referenceleder ad gangen"
                }
            }
            .to_owned();
            // ORG-3: the chief forum supplies reference leaders; its chair records the change.
            let chair = self.chair();
            self.push(on, chair, Action::ChangeReferenceLeader { network, to: shared, reason });
        }
        shared
    }

    /// A decision of the chief forum, made by its chair at its meeting (ORG-3; the secretariat
    /// records but does not decide, ORG-4), with what the minutes say.
    fn decided(&mut self, on: NaiveDate, action: Action, why: String) {
        self.push_why(on, self.chair(), action, why, None);
    }

    /// The chief forum's chair: the first director.
    fn chair(&self) -> PersonId {
        self.directors[0]
    }

    /// TH-1: a chief proposes a theme `on`, with its story's challenge and departments; the
    /// proposer heads its first department. Urban farming has a fixed id: the demo prints its
    /// audit trail.
    fn propose_theme(&mut self, on: NaiveDate, story: &Story, number: u32, origins: &[Origin]) -> ThemeId {
        let theme = if story.title.starts_with("Urban farming") {
            ThemeId::from_uuid(self.id(3, 101))
        } else {
            ThemeId::from_uuid(self.id(3, number))
        };
        let departments = self.departments_of(story);
        let proposer = self.head_of(departments[0]);
        let action = Action::ProposeTheme {
            theme,
            title: story.title.to_owned(),
            challenge: story.challenge.to_owned(),
            proposed_by: proposer,
            departments,
            origins: origins.iter().copied().collect(),
        };
        self.push(on, proposer, action);
        theme
    }

    /// TH-1: the departments a story names, as units; the first department where it names
    /// none (or one the demo does not know).
    fn departments_of(&self, story: &Story) -> Vec<UnitId> {
        let named: Vec<UnitId> = story
            .departments
            .iter()
            .filter_map(|name| DEPARTMENTS.iter().position(|department| department == name))
            .map(|index| self.departments[index])
            .collect();
        if named.is_empty() {
            return vec![self.departments[0]];
        }
        named
    }

    /// The chief who heads `department` (a chief-forum member heads each department here).
    fn head_of(&self, department: UnitId) -> PersonId {
        let index = self.departments.iter().position(|unit| *unit == department).unwrap_or(0);
        self.chiefs[index]
    }

    /// The name of `person`'s department, where they have one.
    fn department_name(&self, person: PersonId) -> &'static str {
        let index = self.unit_of(person).and_then(|unit| self.departments.iter().position(|d| *d == unit));
        index.map_or("", |index| DEPARTMENTS[index])
    }

    /// ORG-3: the chief forum ends the network as it started it, at its meeting `closed_on`;
    /// the leader's other networks see it until then (RL-1).
    fn close_network(
        &mut self,
        started: &Started,
        closed_on: NaiveDate,
        outcome: Outcome,
        reason: Option<String>,
        change: Option<(NaiveDate, PersonId)>,
    ) {
        // NW-6: the close states which success criteria were met.
        let story = started.story;
        let criteria_met = Some(story.met.iter().copied().collect());
        let close = Action::CloseNetwork { network: started.network, outcome, reason, criteria_met };
        let why = format!("{}. Chefforummødet {}", story.close, closed_on.format("%d.%m.%Y"));
        self.push_why(closed_on, self.chair(), close, why, None);
        self.leading.push(Leading {
            leader: started.leader,
            network: started.network,
            theme: started.theme,
            until: closed_on,
            reference_leader: started.reference_leader,
            change,
        });
    }
}

/// ORG-5: the secretariat keeps the chief forum's calendar, its monthly meetings on the first
/// Tuesday: the block's first year from July at its start, then each following year's in June.
/// A block's calendar runs from July of its first year to June four years on, where the next
/// block's begins.
fn calendar(plan: &mut Plan, cast: &Cast, first_year: i32) {
    for year in 0..4 {
        let from = first_year + year;
        // The first Tuesday of July, and of each month after it (`round meetings --monthly-from`).
        let meetings = crate::cli::monthly_like(forum_meeting(date(from, 7, 1)), 12).into_iter().collect();
        let on = if year == 0 { start_of(first_year) } else { date(from, 6, 15) };
        plan.push(on, cast.secretary, Action::ScheduleForumMeetings { meetings, cancelled: BTreeSet::new() });
    }
}

/// The chief forum's monthly meeting ("chefforums løbende møder én gang månedligt"), on the
/// first Tuesday of a month: the first on or after `on`.
fn forum_meeting(on: NaiveDate) -> NaiveDate {
    let first_tuesday = |year: i32, month: u32| {
        let first = date(year, month, 1);
        let offset = (8 - first.weekday().num_days_from_monday()) % 7;
        first + Days::new(u64::from(offset))
    };
    let this = first_tuesday(on.year(), on.month());
    if this >= on {
        return this;
    }
    let next = on.checked_add_months(Months::new(1)).unwrap_or(on);
    first_tuesday(next.year(), next.month())
}

/// What the chief forum's minutes say of opening or closing its round at its meeting `on`.
fn minutes(action: &Action, on: NaiveDate) -> String {
    let what = match action {
        Action::OpenRound { .. } => "Halvårsrunden åbnet",
        Action::CloseRound { .. } => "Runden lukket efter prioriteringerne",
        _ => "Besluttet",
    };
    format!("{what} på chefforummødet {}", on.format("%d.%m.%Y"))
}

/// TH-2: the chief forum's note on each criterion of the theme, from its story; the story's
/// unmet criteria are not met.
fn assessments(story: &Story) -> Vec<CriterionAssessment> {
    Criterion::ALL
        .into_iter()
        .zip(story.notes)
        .map(|(criterion, note)| CriterionAssessment {
            criterion,
            met: !story.unmet.contains(&criterion),
            note: note.to_owned(),
        })
        .collect()
}

/// The first day of a four-year block: the organisation is founded and its people registered.
fn start_of(first_year: i32) -> NaiveDate {
    date(first_year, 1, 6)
}

/// A date of a four-year block: `years` after its first year, on `month` and `day`.
fn in_block(first_year: i32, (years, month, day): (i32, u32, u32)) -> NaiveDate {
    date(first_year + years, month, day)
}

/// A cohort of co-driver candidates (CO-2: one every 1.5 years), its dates given as years into
/// the block, month and day.
struct CohortPlan {
    names: &'static [&'static str],
    /// The number of its first person's id.
    first_id: u32,
    title: &'static str,
    /// When they join the organisation (`None`: at its start).
    joined: Option<(i32, u32, u32)>,
    /// CO-3: when the cohort is formed, its first teaching day (the others four weeks apart)
    /// and the day of the diploma.
    formed: (i32, u32, u32),
    first_day: (i32, u32, u32),
    diploma: (i32, u32, u32),
}

impl CohortPlan {
    /// The day its members join the organisation, in the block starting `first_year`.
    fn joined_on(&self, first_year: i32) -> NaiveDate {
        self.joined.map_or(start_of(first_year), |on| in_block(first_year, on))
    }
}

/// The three cohorts through the diploma.
const COHORTS: [CohortPlan; 3] = [
    CohortPlan {
        names: &COHORT_ONE,
        first_id: 40,
        title: "Co-driver",
        joined: None,
        formed: (0, 9, 22),
        first_day: (0, 11, 3),
        diploma: (1, 5, 20),
    },
    CohortPlan {
        names: &COHORT_TWO,
        first_id: 60,
        title: "Co-driver",
        joined: Some((2, 1, 11)),
        formed: (2, 2, 15),
        first_day: (2, 4, 4),
        diploma: (3, 1, 16),
    },
    CohortPlan {
        names: &COHORT_THREE,
        first_id: 120,
        title: "Co-driver-kandidat",
        joined: Some((3, 8, 7)),
        formed: (3, 8, 21),
        first_day: (3, 9, 25),
        diploma: (4, 5, 29),
    },
];

/// The people the half-years draw on.
struct Cast {
    secretary: PersonId,
    /// The secretariat's two network consultants, who share the networks.
    consultants: [PersonId; 2],
    /// The members of each cohort, as `COHORTS`.
    cohorts: [Vec<PersonId>; 3],
    /// Employees who lead learning networks and rotate through the secretariat.
    employees: Vec<PersonId>,
    /// TP-3: employees who take part in networks.
    participants: Vec<PersonId>,
}

/// Builds the plan of a four-year block starting in `first_year`: for block 0, the demo; a
/// generated history chains blocks. `scope` keeps ids apart between blocks and organisations.
/// The plan of one four-year block from `first_year`; `continues` when a block came before it
/// (`generate`), whose last cohort the first cohort follows (CO-5).
fn plan(scope: u16, first_year: i32, seed: u64, continues: bool) -> Plan {
    let mut plan = Plan {
        scope,
        first_year,
        steps: Vec::new(),
        names: Vec::new(),
        chiefs: Vec::new(),
        directors: Vec::new(),
        departments: Vec::new(),
        qualified: Vec::new(),
        next_leader: usize::try_from(seed % 7).unwrap_or(0),
        leading: Vec::new(),
    };
    let cast = found(&mut plan, first_year);
    calendar(&mut plan, &cast, first_year);
    assess_candidates(&mut plan, &cast, first_year);
    diploma(&mut plan, &cast, first_year, continues);
    rotations(&mut plan, &cast, first_year);
    let mut turns = Turns::new(&cast, first_year);
    let mut round = RoundId::containing(date(first_year, 7, 1));
    for (k, half_year) in HALF_YEARS.iter().enumerate() {
        half_year_of(&mut plan, &cast, &mut turns, round, k, half_year);
        round = round.next();
    }
    plan
}

/// The organisation's start: its founding, units and people (ORG, AU-2 to AU-4, NL-1).
fn found(plan: &mut Plan, first_year: i32) -> Cast {
    let y = first_year;
    let start = start_of(y);

    // AU-2: the secretariat's leader founds the organisation with the first director as the
    // chief forum's first member; AU-3: then keeps its register.
    let areas = [UnitId::from_uuid(plan.id(2, 1)), UnitId::from_uuid(plan.id(2, 2))];
    let secretariat = UnitId::from_uuid(plan.id(2, 9));
    let secretary = plan.person(1, "Sofie Holm", "Leder af Sekretariat for Netværksstrukturen");
    let roles = |roles: &[PersonRole]| roles.iter().copied().collect::<BTreeSet<_>>();
    let directors = [plan.person(3, "Karen Lund", "Direktør"), plan.person(4, "Henrik Vang", "Direktør")];
    plan.directors.extend(directors);
    let chair = plan.chair();
    let found = Action::FoundOrganisation {
        chief_forum: BTreeSet::from([chair]),
        secretariat: BTreeSet::from([secretary]),
    };
    plan.push(start, secretary, found);
    // AU-3: the secretariat records the municipality's name, which the reports open with.
    plan.push(start, secretary, Action::NameOrganisation { name: "Albertslund Kommune".to_owned() });
    // ORG-1: two director areas with four departments each, and the secretariat.
    for (unit, kind) in [
        (areas[0], UnitKind::DirectorArea),
        (areas[1], UnitKind::DirectorArea),
        (secretariat, UnitKind::Secretariat),
    ] {
        plan.push(start, secretary, Action::RegisterUnit { unit, kind, parent: None });
    }
    plan.push(start, secretary, Action::MovePerson { person: secretary, unit: secretariat });
    plan.push(start, secretary, Action::MovePerson { person: chair, unit: areas[0] });
    for (unit, name) in [
        (areas[0], "Velfærd og Sundhed"),
        (areas[1], "By, Kultur og Miljø"),
        (secretariat, "Sekretariat for Netværksstrukturen"),
    ] {
        plan.push(start, secretary, Action::NameUnit { unit, name: name.to_owned() });
    }
    for n in 0..8u32 {
        let department = UnitId::from_uuid(plan.id(2, 10 + n));
        plan.departments.push(department);
        let parent = Some(areas[(n / 4) as usize]);
        plan.push(
            start,
            secretary,
            Action::RegisterUnit { unit: department, kind: UnitKind::Department, parent },
        );
        plan.push(
            start,
            secretary,
            Action::NameUnit { unit: department, name: DEPARTMENTS[n as usize].to_owned() },
        );
    }
    // ORG-4: the secretariat's fixed team: its leader, two network consultants and a student;
    // AU-4: its staff give the secretariat's role.
    let consultant = plan.person(2, "Jonas Berg", "Netværkskonsulent");
    let consultant2 = plan.person(5, "Maja Lindberg", "Netværkskonsulent");
    let student = plan.person(6, "Emil Dam", "Studentermedhjælper");
    for person in [consultant, consultant2, student] {
        let roles = roles(&[PersonRole::Secretariat]);
        plan.push(start, secretary, Action::RegisterPerson { person, unit: Some(secretariat), roles });
    }
    // AU-4: the secretariat registers the second director and the chiefs, and the chief forum
    // admits them; the second director then names the chair a director too.
    let admit = |plan: &mut Plan, by: PersonId, person: PersonId, role: PersonRole| {
        plan.push(start, by, Action::ChangePersonRoles { person, roles: roles(&[role]) });
    };
    plan.push(
        start,
        secretary,
        Action::RegisterPerson { person: directors[1], unit: Some(areas[1]), roles: BTreeSet::new() },
    );
    admit(plan, chair, directors[1], PersonRole::Director);
    admit(plan, directors[1], chair, PersonRole::Director);
    for (n, name) in CHIEFS.iter().enumerate() {
        let chief = plan.person(10 + n as u32, name, "Afdelingschef");
        plan.chiefs.push(chief);
        let unit = Some(plan.departments[n]);
        plan.push(start, secretary, Action::RegisterPerson { person: chief, unit, roles: BTreeSet::new() });
        admit(plan, chair, chief, PersonRole::ChiefForum);
    }
    // NL-1: the experienced leaders of generations 1 and 2 join the pool with their history.
    for (n, (name, generation, led, co_driven)) in VETERANS.iter().enumerate() {
        let veteran = plan.person(30 + n as u32, name, "Netværksleder (NS1/NS2)");
        let unit = Some(plan.departments[n % 8]);
        plan.push(start, secretary, Action::RegisterPerson { person: veteran, unit, roles: BTreeSet::new() });
        let prior = Action::RegisterPriorExperience {
            person: veteran,
            generation: *generation,
            networks_led: *led,
            networks_co_driven: *co_driven,
        };
        plan.push(start, secretary, prior);
        plan.qualified.push((veteran, start));
    }
    let register =
        |plan: &mut Plan, base: u32, names: &[&'static str], title: &'static str, on: NaiveDate| {
            names
                .iter()
                .enumerate()
                .map(|(n, name)| {
                    let person = plan.person(base + n as u32, name, title);
                    let unit = Some(plan.departments[n % 8]);
                    plan.push(on, secretary, Action::RegisterPerson { person, unit, roles: BTreeSet::new() });
                    person
                })
                .collect::<Vec<_>>()
        };
    let cohorts = COHORTS
        .each_ref()
        .map(|cohort| register(plan, cohort.first_id, cohort.names, cohort.title, cohort.joined_on(y)));
    let employees = register(plan, 80, &EMPLOYEES, "Medarbejder", start);
    let participants = register(plan, 100, &PARTICIPANTS, "Medarbejder", start);

    Cast { secretary, consultants: [consultant, consultant2], cohorts, employees, participants }
}

/// NL-3, CD-3: the co-driver candidates' competences, assessed as they join.
fn assess_candidates(plan: &mut Plan, cast: &Cast, first_year: i32) {
    // NL-3, CD-3: the secretariat scores each co-driver candidate on the ten competences a week
    // after they join, before they are chosen (scores 2-5, varied by person and competence).
    for (members, cohort) in cast.cohorts.iter().zip(&COHORTS) {
        for (n, person) in members.iter().enumerate() {
            let scores = Competence::ALL
                .iter()
                .enumerate()
                .map(|(c, competence)| (*competence, 2 + u8::try_from((n * 7 + c * 3) % 4).unwrap_or(0)))
                .collect();
            let assess = Action::AssessCompetences { person: *person, scores };
            plan.push(cohort.joined_on(first_year) + Days::new(7), cast.consultants[0], assess);
        }
    }
}

/// CO-4, CO-2, CO-3: the diploma's price, and the three cohorts through the diploma, one
/// every 1.5 years.
fn diploma(plan: &mut Plan, cast: &Cast, first_year: i32, continues: bool) {
    let y = first_year;
    let consultant = cast.consultants[0];
    // NS2 before NS3: the history begins under NS2, whose numbers the seed does not give
    // (`Policy::ns2`: every one unknown, so no NS3 rule judges 2014-15 by numbers of its own);
    // NS3 takes over in spring 2016, at the chief forum's meeting that opens its first round.
    // CO-4: with it the forum records what a diploma place costs, an example price (the seed
    // gives the 2/3-1/3 split, not the price), which the reports mark as one.
    let ns3 = Policy {
        structure: Some("NS3".to_owned()),
        diploma_cost: DiplomaCost {
            price_per_place_kr: Some(15_000),
            price_is_example: true,
            ..DiplomaCost::ns3()
        },
        ..Policy::ns3()
    };
    let why = "NS3 træder i kraft: netværksstrukturen version 3, foråret 2016, med prisen pr. plads på diplommodulet (et eksempel)";
    if !continues {
        let ns2 = "NS2 gælder, til NS3 træder i kraft; kilden giver ikke NS2's tal".to_owned();
        plan.push_why(start_of(y), plan.chair(), Action::ChangePolicy { policy: Policy::ns2() }, ns2, None);
        let ns3_from = date(y + 2, 3, 1);
        plan.push_why(ns3_from, plan.chair(), Action::ChangePolicy { policy: ns3 }, why.to_owned(), None);
    }

    // CO-2, CO-3: three cohorts through the diploma, one every 1.5 years.
    for (number, (members, dates)) in cast.cohorts.iter().zip(&COHORTS).enumerate() {
        let cohort = CohortId::from_uuid(plan.id(5, number as u32 + 1));
        let (formed, first_day, diploma_on) =
            (in_block(y, dates.formed), in_block(y, dates.first_day), in_block(y, dates.diploma));
        let ack = (members.len() < 12).then_some("Elleve er, hvad afdelingerne kunne frigive i foråret");
        let why = format!("Hold dannet {}", formed.format("%d.%m.%Y"));
        let form = Action::FormCohort { cohort, members: members.iter().copied().collect() };
        plan.push_why(formed, consultant, form, why, ack);
        // CO-5: a cohort sooner than 1.5 years after the one before (the block before's last,
        // for a block's first) is acknowledged with the secretariat's reason.
        let previous = match number.checked_sub(1) {
            Some(before) => Some(in_block(y, COHORTS[before].formed)),
            None => continues.then(|| in_block(y - 4, COHORTS[COHORTS.len() - 1].formed)),
        };
        let interval = Months::new(Policy::ns3().cohort_interval_months);
        if previous.and_then(|previous| previous.checked_add_months(interval)).is_some_and(|due| formed < due)
        {
            plan.acknowledge_last(
                Rule::Co5,
                "Netværkene mangler co-drivere; holdet dannes, før halvandet år er gået",
            );
        }
        for (member_index, member) in members.iter().enumerate() {
            for (day_index, day) in TeachingDay::ALL.into_iter().enumerate() {
                let on = first_day + Days::new(28 * day_index as u64);
                plan.push(on, consultant, Action::RecordTeachingDay { cohort, person: *member, day });
            }
            // One member of the first cohort leaves before the exams.
            if number == 0 && member_index == 11 {
                continue;
            }
            plan.push(
                diploma_on - Days::new(35),
                consultant,
                Action::PassWrittenAssignment { cohort, person: *member },
            );
            plan.push(
                diploma_on - Days::new(14),
                consultant,
                Action::PassOralExam { cohort, person: *member },
            );
            plan.push(diploma_on, consultant, Action::AwardDiploma { cohort, person: *member });
        }
    }
}

/// SN-1: rotations in the secretariat.
fn rotations(plan: &mut Plan, cast: &Cast, first_year: i32) {
    let y = first_year;
    for (person, from, until) in [
        (cast.employees[0], date(y + 1, 8, 3), date(y + 2, 1, 29)),
        (cast.employees[1], date(y + 3, 2, 1), date(y + 3, 7, 31)),
    ] {
        let start = Action::StartRotation { person, skills: "Facilitering og procesdesign".into(), until };
        plan.push(from, cast.secretary, start);
        plan.push(until, cast.secretary, Action::EndRotation { person });
    }
}

/// What carries over from one half-year to the next: the numbers of the themes and networks
/// so far, whose turn it is among the co-drivers, and the theme deferred to the next round.
struct Turns {
    /// The co-drivers of all three cohorts (CO-1: a cohort's members co-drive), each from the
    /// day their cohort formed, with how many networks each has co-driven.
    co_drivers: Vec<(PersonId, NaiveDate, u32)>,
    theme_number: u32,
    network_number: u32,
    deferred: Option<RoundTheme>,
}

impl Turns {
    fn new(cast: &Cast, first_year: i32) -> Self {
        let mut co_drivers: Vec<(PersonId, NaiveDate, u32)> = Vec::new();
        for (members, cohort) in cast.cohorts.iter().zip(&COHORTS) {
            co_drivers.extend(members.iter().map(|p| (*p, in_block(first_year, cohort.formed), 0)));
        }
        Self { co_drivers, theme_number: 0, network_number: 0, deferred: None }
    }

    /// The co-driver whose turn it is on `on`, other than `leader` and `not`: of those whose
    /// cohort has formed, the one who has co-driven the fewest networks, the earliest cohort
    /// first; taking the turn.
    fn take_co_driver(&mut self, on: NaiveDate, leader: PersonId, not: Option<PersonId>) -> Option<PersonId> {
        let (_, turn) = self
            .co_drivers
            .iter()
            .enumerate()
            .filter(|(_, (person, since, _))| *since <= on && *person != leader && Some(*person) != not)
            .map(|(index, (_, _, driven))| (*driven, index))
            .min()?;
        self.co_drivers[turn].2 += 1;
        Some(self.co_drivers[turn].0)
    }
}

/// The chief forum's meetings of one half-year (ORG-3: it decides at its monthly meetings):
/// it opens the round in the second month of the half-year, qualifies, prioritises and closes
/// it at the next meeting, and starts the networks at the meeting after (some at the one after
/// that).
struct Meetings {
    open: NaiveDate,
    propose_on: NaiveDate,
    decide_on: NaiveDate,
    start_on: NaiveDate,
}

impl Meetings {
    fn of(round: RoundId) -> Self {
        let open = forum_meeting(round.first_day() + Days::new(33));
        let decide_on = forum_meeting(open + Days::new(21));
        Self {
            open,
            propose_on: open + Days::new(7),
            decide_on,
            start_on: forum_meeting(decide_on + Days::new(21)),
        }
    }
}

/// A theme of the round and the network it becomes: (theme, type, its story).
type RoundTheme = (ThemeId, NetworkType, &'static Story);

/// TH, NW: the `k`th half-year of the block: its round, and the networks it starts, each told
/// to its end.
fn half_year_of(
    plan: &mut Plan,
    cast: &Cast,
    turns: &mut Turns,
    round: RoundId,
    k: usize,
    half_year: &HalfYear,
) {
    let meetings = Meetings::of(round);
    let themes = theme_round(plan, turns, round, half_year, &meetings);
    for (index, theme) in themes.iter().enumerate() {
        network(plan, cast, turns, k, half_year, &meetings, index, theme);
    }
}

/// TH-1 to TH-4: the half-year's round: themes proposed, qualified, prioritised, one deferred
/// and one rejected in some; the round closed. The themes to start networks on, in rank.
fn theme_round(
    plan: &mut Plan,
    turns: &mut Turns,
    round: RoundId,
    half_year: &HalfYear,
    meetings: &Meetings,
) -> Vec<RoundTheme> {
    let Meetings { open, propose_on, decide_on, .. } = *meetings;
    let close_on = decide_on;
    plan.decided(open, Action::OpenRound { round }, minutes(&Action::OpenRound { round }, open));

    let mut themes: Vec<RoundTheme> = Vec::new();
    let propose = |plan: &mut Plan, story: &Story, number: u32, origins: &[Origin]| {
        plan.propose_theme(propose_on, story, number, origins)
    };
    turns.theme_number += 1;
    let learning = story(half_year.learning);
    themes.push((
        propose(plan, learning, turns.theme_number, &[Origin::Below]),
        NetworkType::Learning,
        learning,
    ));
    for title in half_year.welfare {
        turns.theme_number += 1;
        let welfare = story(title);
        let theme = propose(plan, welfare, turns.theme_number, &[Origin::Below, Origin::Outside]);
        themes.push((theme, NetworkType::Welfare, welfare));
    }
    if let Some(innovation) = &half_year.innovation {
        turns.theme_number += 1;
        let innovation = story(innovation.title);
        let theme = propose(plan, innovation, 100 + turns.theme_number, &[Origin::Above, Origin::Outside]);
        themes.push((theme, NetworkType::Innovation, innovation));
    }
    if let Some(deferred) = turns.deferred.take() {
        themes.push(deferred);
    }
    // One theme deferred to the next round, one rejected, in some rounds.
    let to_defer = half_year.deferred.map(|title| {
        turns.theme_number += 1;
        let deferred = story(title);
        (propose(plan, deferred, turns.theme_number, &[Origin::Outside]), deferred)
    });
    let reject = half_year.rejected.map(|(title, reason)| {
        turns.theme_number += 1;
        let rejected = story(title);
        (propose(plan, rejected, turns.theme_number, &[Origin::Below]), rejected, reason)
    });

    // The minutes of the meeting: each theme's criteria, and why the forum decides as it does.
    let meeting = decide_on.format("%d.%m.%Y");
    // The minutes name no title: a redaction of the proposal's words leaves none behind.
    let reviewed = |story: &Story| {
        let met = Criterion::ALL.len() - story.unmet.len();
        format!(
            "Kriterierne gennemgået på chefforummødet {meeting}: {met} af {} opfyldt",
            Criterion::ALL.len()
        )
    };
    for (theme, _, story) in &themes {
        plan.decided(
            decide_on,
            Action::QualifyTheme { theme: *theme, assessments: assessments(story) },
            reviewed(story),
        );
    }
    for (rank, (theme, network_type, story)) in themes.iter().enumerate() {
        let action =
            Action::PrioritiseTheme { theme: *theme, rank: rank as u32 + 1, recommended_type: *network_type };
        // TH-2: a criterion unmet is acknowledged with the story's reason for taking it anyway.
        let ack = (!story.unmet.is_empty()).then_some(story.exception);
        plan.push_why(decide_on, plan.chair(), action, story.why.to_owned(), ack);
    }
    if let Some((theme, story)) = to_defer {
        plan.decided(
            decide_on,
            Action::QualifyTheme { theme, assessments: assessments(story) },
            reviewed(story),
        );
        plan.decided(
            decide_on,
            Action::DeferTheme { theme, to_round: round.next() },
            story.exception.to_owned(),
        );
        turns.deferred = Some((theme, NetworkType::Welfare, story));
    }
    if let Some((theme, story, reason)) = reject {
        plan.decided(
            decide_on,
            Action::QualifyTheme { theme, assessments: assessments(story) },
            reviewed(story),
        );
        plan.decided(decide_on, Action::RejectTheme { theme, reason: reason.into() }, story.why.to_owned());
    }
    plan.push_why(
        close_on,
        plan.chair(),
        Action::CloseRound { round },
        minutes(&Action::CloseRound { round }, close_on),
        half_year.fewer_networks,
    );
    themes
}

/// A network as the chief forum started it.
struct Started {
    network: NetworkId,
    /// Its number in the block, which varies what happens to it.
    number: u32,
    theme: ThemeId,
    /// Its theme's story: what belongs to it and no other network.
    story: &'static Story,
    network_type: NetworkType,
    on: NaiveDate,
    leader: PersonId,
    co_driver: Option<PersonId>,
    reference_leader: PersonId,
    /// Who takes over as reference leader in the test phase, where one does (TP-1).
    successor: PersonId,
    /// TH-1: the departments the theme concerns.
    departments: Vec<UnitId>,
    /// TP-3: the units of its participants.
    their_units: Vec<UnitId>,
}

impl Started {
    /// The day `days` after the start.
    fn later(&self, days: u64) -> NaiveDate {
        self.on + Days::new(days)
    }
}

/// NW, RL, CD, TP: the network started on the `index`th theme of the half-year, told to its
/// end: its leader, co-driver and reference leader, its goals, its participants, and then its
/// life.
#[allow(clippy::too_many_arguments)] // the half-year's parts, each named; a struct would only rename them
fn network(
    plan: &mut Plan,
    cast: &Cast,
    turns: &mut Turns,
    k: usize,
    half_year: &HalfYear,
    meetings: &Meetings,
    index: usize,
    &(theme, network_type, story): &RoundTheme,
) {
    turns.network_number += 1;
    let number = turns.network_number;
    let network = NetworkId::from_uuid(plan.id(4, number));
    let on = if index < 3 { meetings.start_on } else { forum_meeting(meetings.start_on + Days::new(1)) };
    let leader = match network_type {
        NetworkType::Learning => cast.employees[k % cast.employees.len()],
        _ => plan.leader(on),
    };
    let co_driver = turns.take_co_driver(on, leader, None);
    // NL-1: a co-driver with the diploma, who has driven a network, may lead from then on; the
    // one who left before the exams never does.
    if let Some(co_driver) = co_driver {
        if !plan.qualified.iter().any(|(p, _)| *p == co_driver) {
            let cohort = cast.cohorts.iter().position(|members| members.contains(&co_driver)).unwrap_or(0);
            let diploma = COHORTS[cohort].diploma;
            let dropped_out = Some(&co_driver) == cast.cohorts[0].last();
            if !dropped_out {
                plan.qualified.push((co_driver, in_block(plan.first_year, diploma).max(on)));
            }
        }
    }
    // RL-3: a welfare or learning network's reference leader heads the theme's first
    // department; the one who takes over in the test phase heads the department its story names
    // (TP-1). An innovation network's are the two directors.
    let departments = plan.departments_of(story);
    let (fresh, successor) = match network_type {
        NetworkType::Innovation => (plan.directors[k % 2], plan.directors[(k + 1) % 2]),
        _ => {
            let fresh = plan.head_of(departments[0]);
            let named = story.takes_over.map(|(department, _)| department);
            let successor = named
                .and_then(|name| DEPARTMENTS.iter().position(|department| *department == name))
                .map_or(plan.head_of(departments[departments.len() - 1]), |index| plan.chiefs[index]);
            (fresh, successor)
        }
    };
    let reference_leader = plan.shared_reference_leader(leader, on, network_type, fresh);
    // RL-2: the reference leader and their successor opt in on the theme.
    for person in [reference_leader, successor] {
        plan.push(meetings.decide_on + Days::new(7), person, Action::AcceptReferenceRole { theme, person });
    }
    let action = Action::StartNetwork {
        network,
        theme,
        network_type,
        leader,
        co_driver,
        reference_leader: Some(reference_leader),
    };
    plan.push_why(on, plan.chair(), action, story.start.to_owned(), None);
    // NW-6: the goals and success criteria, set at the start: by the director for an
    // innovation network, whose goals come from the innovation committee's vision; else by
    // the leader.
    let goals = Action::SetGoals {
        network,
        goals: story.goals.iter().map(|goal| (*goal).to_owned()).collect(),
        success_criteria: story.criteria.iter().map(|criterion| (*criterion).to_owned()).collect(),
        reason: None,
    };
    let sets = if network_type == NetworkType::Innovation { reference_leader } else { leader };
    plan.push(on, sets, goals);
    // TP-3: employees of the theme's departments join in the first week, who carry the work
    // back to their units.
    let count = if network_type == NetworkType::Learning { 5 } else { 3 };
    let (joined, their_units) = plan.participants(&cast.participants, &departments, number, count);
    plan.push(on + Days::new(7), leader, Action::AddParticipants { network, participants: joined });
    let started = Started {
        network,
        number,
        theme,
        story,
        network_type,
        on,
        leader,
        co_driver,
        reference_leader,
        successor,
        departments,
        their_units,
    };
    match network_type {
        NetworkType::Learning => learning_network(plan, &started),
        NetworkType::Welfare | NetworkType::Innovation => {
            let on_leave = half_year.co_driver_on_leave == Some(index);
            working_network(plan, cast, turns, half_year, on_leave, &started);
        }
    }
}

/// NW-1, TP-4: a learning network's half-year: start, working sessions, close, and the
/// knowledge it shares back to its participants' units (or why it stopped).
fn learning_network(plan: &mut Plan, started: &Started) {
    let Started { network, leader, story, .. } = *started;
    let later = |days| started.later(days);
    plan.push(started.on, leader, Action::EnterPhase { network, phase: "start".into() });
    plan.push(later(14), leader, Action::EnterPhase { network, phase: "working sessions".into() });
    plan.push(later(126), leader, Action::EnterPhase { network, phase: "close".into() });
    let (outcome, reason) = match story.end {
        End::Stopped(reason) => (Outcome::Stopped, Some(reason.to_owned())),
        End::KnowledgeShared | End::Implemented | End::HandedOn => {
            // TP-4: "forpligtigede til at sætte den genererede viden i spil i egen
            // basis": the knowledge goes back to every participant's unit.
            let shared = Action::RecordOutput {
                network,
                kind: OutputKind::Knowledge,
                description: story.knowledge.to_owned(),
                units: started.their_units.clone(),
            };
            plan.push(later(126), leader, shared);
            (Outcome::KnowledgeShared, None)
        }
    };
    plan.close_network(started, forum_meeting(later(133)), outcome, reason, None);
}

/// How a welfare or innovation network ends (TP-2), as its story tells, after how many days,
/// and why if it stops.
fn ending(half_year: &HalfYear, started: &Started) -> (Outcome, Option<String>, u64) {
    let (outcome, reason) = match started.story.end {
        End::Stopped(reason) => (Outcome::Stopped, Some(reason.to_owned())),
        End::HandedOn => (Outcome::HandedOnForScaling, None),
        End::Implemented | End::KnowledgeShared => (Outcome::Implemented, None),
    };
    let days = match (started.network_type, &half_year.innovation, outcome) {
        (NetworkType::Innovation, Some(innovation), _) => innovation.days,
        (_, _, Outcome::Stopped) => 190,
        _ => 217,
    };
    (outcome, reason, days)
}

/// RL-4, PR-4: who covers a network leader's base work in the intensive periods, by the
/// leader's department.
fn cover(department: &str) -> &'static str {
    match department {
        "Ældre og Sundhed" => "en sygeplejerske fra samme distrikt tager lederens faste borgere",
        "Social og Handicap" => "en kollega i bostøtten overtager lederens borgere",
        "Jobcenter" => "lederens samtaler fordeles i teamet, og nye sager går til kollegerne",
        "Børn og Familie" => "en kollega i familieafsnittet dækker lederens sager og rådgivningsvagter",
        "Byudvikling" => "byggesagerne fordeles i teamet, og fristerne rykkes efter aftale med chefen",
        "Miljø og Klima" => "tilsynene lægges i pauserne, og en kollega tager de akutte henvendelser",
        "Kultur og Fritid" => "en vikar dækker lederens vagter i biblioteket og kulturhuset",
        "Skole og Dagtilbud" => "en vikar tager lederens timer på skolen eller i institutionen",
        _ => "kollegerne i afdelingen dækker basisopgaverne",
    }
}

/// The `weeks` calendar weeks from `from`, as a Danish calendar numbers them ("42-43").
fn weeks(from: NaiveDate, weeks: u64) -> String {
    let last = from + Days::new(7 * weeks.saturating_sub(1));
    format!("{}-{}", from.iso_week().week(), last.iso_week().week())
}

/// NW, TP: a welfare or innovation network's life: the mandate contract, four intensive
/// periods, help from the secretariat and a narrowed challenge in some; then its
/// `test_and_end`.
fn working_network(
    plan: &mut Plan,
    cast: &Cast,
    turns: &mut Turns,
    half_year: &HalfYear,
    co_driver_on_leave: bool,
    started: &Started,
) {
    let Started { network, number, theme, leader, story, .. } = *started;
    let later = |days| started.later(days);
    // RL-4: the personnel leader signs the contract (AU-1: theirs to record), on the hours of
    // the theme, the leader's own intensive weeks and who covers their base work.
    let personnel_leader = plan.personnel_leader(leader);
    let department = plan.department_name(leader);
    let terms = format!(
        "{} timer om ugen fra basisopgaverne i de fire intensive perioder fra {} (uge {}, {}, {} og \
         {}); {}. Personalelederen{} prioriterer basisopgaverne efter den plan; sekretariatet \
         planlægger møderne.",
        story.hours,
        later(7).year(),
        weeks(later(7), 2),
        weeks(later(42), 2),
        weeks(later(77), 3),
        weeks(later(119), 2),
        cover(department),
        if department.is_empty() { String::new() } else { format!(", chef for {department},") },
    );
    let mandate = Action::AgreeMandateContract {
        network,
        personnel_leader,
        // The two consultants share the networks.
        secretariat: cast.consultants[number as usize % 2],
        terms,
    };
    plan.push(later(3), personnel_leader, mandate);
    // ORG-2: the reference leader judges where the network plays up to the political level: an
    // innovation network to the innovation committee; a welfare network to the subject
    // committee of its theme's first department where it touches politics (every other one),
    // else not at all.
    let (link, committee) = match started.network_type {
        NetworkType::Innovation => (PoliticalLink::InnovationCommittee, None),
        _ if number % 2 == 0 => {
            let first = plan.departments.iter().position(|unit| *unit == started.departments[0]);
            let committee = if first.unwrap_or(0) < 4 {
                "Social- og Sundhedsudvalget"
            } else {
                "Miljø- og Teknikudvalget"
            };
            (PoliticalLink::SubjectCommittee, Some(committee.to_owned()))
        }
        _ => (PoliticalLink::Unlinked, None),
    };
    let judged = Action::LinkPolitically { network, link, committee };
    plan.push(later(5), started.reference_leader, judged);
    let phases = [
        (7, "intensive 1"),
        (21, "break 1"),
        (42, "intensive 2"),
        (56, "break 2"),
        (77, "intensive 3"),
        (98, "break 3"),
        (119, "intensive 4"),
    ];
    for (days, phase) in phases {
        plan.push(later(days), leader, Action::EnterPhase { network, phase: phase.into() });
    }
    // SN-2: a call on a help hotspot, where the story has one.
    if let Some((hotspot, note)) = story.help {
        if let Ok(hotspot) = Hotspot::try_from(hotspot.to_owned()) {
            plan.push(later(50), leader, Action::RequestHelp { network, hotspot, note: note.to_owned() });
        }
    }
    if co_driver_on_leave {
        if let Some(to) =
            started.co_driver.and_then(|from| turns.take_co_driver(later(30), leader, Some(from)))
        {
            let reason = "Co-driveren går på barselsorlov; den nye følger netværket til enden".into();
            plan.push(later(30), leader, Action::ChangeCoDriver { network, from: None, to, reason });
        }
    }
    // TH-4: some networks narrow their challenge after the first intensive period, and one or
    // two then revise their success criteria to match (NW-6).
    if let Some(narrowed) = story.narrowed {
        let refine = Action::RefineTheme {
            theme,
            title: None,
            challenge: Some(narrowed.to_owned()),
            note: "Netværket og referencelederen indsnævrede udfordringen efter den første intensive periode"
                .into(),
        };
        // TH-4: the secretariat records the refinement for them (AU-1).
        plan.push(later(24), cast.secretary, refine);
        if let Some(revision) = &story.revision {
            let revised = Action::SetGoals {
                network,
                goals: story.goals.iter().map(|goal| (*goal).to_owned()).collect(),
                success_criteria: revision.criteria.iter().map(|criterion| (*criterion).to_owned()).collect(),
                reason: Some(revision.reason.to_owned()),
            };
            plan.push(later(24), leader, revised);
        }
    }
    test_and_end(plan, half_year, started);
}

/// TP-1 to TP-4: a welfare or innovation network's test phase (with a new reference leader in
/// some), what it showed and made, and its end.
fn test_and_end(plan: &mut Plan, half_year: &HalfYear, started: &Started) {
    let Started { network, number, network_type, leader, reference_leader, successor, story, .. } = *started;
    let later = |days| started.later(days);
    let funding = if network_type == NetworkType::Innovation {
        "Innovationsudvalgets pulje"
    } else {
        "Afdelingernes udviklingsbudgetter"
    };
    // TP-1: the theme's first two departments take ownership.
    let owners: Vec<UnitId> = started.departments.iter().copied().take(2).collect();
    plan.push(
        later(133),
        leader,
        Action::BeginTestPhase {
            network,
            funding: Some(funding.into()),
            // RL-5: what the reference leader found, from 100,000 to 400,000 kr.
            funding_kr: Some(100_000 + 75_000 * u64::from(number % 5)),
            tested: Some(story.tested.to_owned()),
            owners: owners.clone(),
        },
    );
    // TP-1: a new reference leader takes over in the test phase where the story says so; not
    // where the leader then leads another network too (RL-1).
    let mut change = None;
    if let Some((_, reason)) = story.takes_over {
        // ORG-3, ORG-5: the chief forum hands it over at its next meeting.
        let at = forum_meeting(later(147));
        if successor != reference_leader && plan.led_by(leader, at).is_none() {
            let action = Action::ChangeReferenceLeader { network, to: successor, reason: reason.to_owned() };
            plan.push(at, plan.chair(), action);
            change = Some((at, successor));
        }
    }
    let (outcome, reason, days) = ending(half_year, started);
    // TP-4: what the test showed; and, where it went on, what it made and its effect, or to
    // whom it was handed on.
    let output = |kind: OutputKind, description: &str, units: &[UnitId]| Action::RecordOutput {
        network,
        kind,
        description: description.to_owned(),
        units: units.to_vec(),
    };
    plan.push(later(days.min(161) - 5), leader, output(OutputKind::TestResult, story.result, &[]));
    match outcome {
        Outcome::Implemented => {
            plan.push(later(days), leader, output(OutputKind::Product, story.product, &owners));
            plan.push(later(days), leader, output(OutputKind::Effect, story.effect, &[]));
        }
        Outcome::HandedOnForScaling => {
            // The handover names the units its story names.
            let units = started.departments.clone();
            plan.push(later(days), leader, output(OutputKind::Handover, story.handover, &units));
        }
        Outcome::KnowledgeShared | Outcome::Stopped => {}
    }
    // TP-2: one that is stopped never reached implementation.
    if days > 160 && outcome != Outcome::Stopped {
        plan.push(later(days - 28), leader, Action::EnterPhase { network, phase: "implementation".into() });
    }
    plan.close_network(started, forum_meeting(later(days)), outcome, reason, change);
}

/// The organisation of a generated history.
pub fn generated_organisation(index: u32) -> netvaerk_core::OrganisationId {
    netvaerk_core::OrganisationId::from_uuid(id(1 + u16::try_from(index).unwrap_or(u16::MAX - 1), 9, 0))
}

/// `netvaerk generate`: a synthetic history of `organisations` organisations over `years`
/// years from 2014H2, one stream each, every event decided by `decide`. Each organisation
/// chains four-year blocks of the demo's plan (the seed varies who leads what); one person per
/// organisation is registered and then erased. The commands go through the service in
/// atomic batches of 400 (about 1,000 events each), decided as of the history's end.
pub fn generate(
    store: Arc<dyn EventStore>,
    organisations: u32,
    years: u32,
    seed: u64,
) -> Result<u64, Failure> {
    let years = years.max(1);
    // Business dates run to 2100 (the core's input limits).
    if years > 84 {
        return Err(usage(format!("--years {years}: a history runs from 2014 to 2100 at most, so 84 years")));
    }
    let blocks = years.div_ceil(4);
    let end = date(2014 + i32::try_from(years).unwrap_or(0), 6, 30);
    let now = end.and_hms_opt(23, 59, 59).map_or_else(Utc::now, |t| t.and_utc()).max(Utc::now());
    let service = Service::new(Arc::clone(&store)).with_clock(move || now);
    let progress = progress::bar(u64::from(organisations), "generating");
    let mut written = 0;
    for index in 0..organisations {
        let organisation = generated_organisation(index);
        let stream = netvaerk_store::StreamId::organisation(organisation);
        if store.stream_version(&stream)? > 0 {
            return Err(usage(format!(
                "the store already holds organisation {index}; generate into an empty store"
            )));
        }
        let mut steps = Vec::new();
        // The first block's secretary and chair, who found the organisation (AU-2).
        let mut founders: Option<(PersonId, PersonId)> = None;
        for block in 0..blocks {
            let scope =
                u16::try_from((index + 1) * 16 + block).map_err(|_| usage("too many organisations"))?;
            let first_year = 2014 + 4 * i32::try_from(block).unwrap_or(0);
            let plan = plan(scope, first_year, seed.wrapping_add(u64::from(index * 31 + block)), block > 0);
            for step in plan.steps {
                let Action::FoundOrganisation { chief_forum, secretariat } = &step.action else {
                    steps.push(step);
                    continue;
                };
                // An organisation is founded once: a later block's founders are registered by
                // the first's secretary and admitted by its chair instead.
                let Some((registrar, chair)) = founders else {
                    let chair = chief_forum.first().copied().unwrap_or(step.actor);
                    founders = Some((step.actor, chair));
                    steps.push(step);
                    continue;
                };
                let register = |person, roles| Action::RegisterPerson { person, unit: None, roles };
                for person in secretariat {
                    let roles = BTreeSet::from([PersonRole::Secretariat]);
                    steps.push(Step { actor: registrar, action: register(*person, roles), ..step.clone() });
                }
                for person in chief_forum {
                    steps.push(Step {
                        actor: registrar,
                        action: register(*person, BTreeSet::new()),
                        ..step.clone()
                    });
                    let roles = BTreeSet::from([PersonRole::ChiefForum]);
                    let admit = Action::ChangePersonRoles { person: *person, roles };
                    steps.push(Step { actor: chair, action: admit, ..step.clone() });
                }
            }
        }
        steps.retain(|step| step.on <= end);
        steps.sort_by_key(|step| step.on);
        for chunk in steps.chunks(400) {
            let commands: Vec<Command> = chunk.iter().map(command).collect();
            service
                .execute_batch(organisation, &commands, BatchMode::Atomic)
                .map_err(|error| refused_step("generator", chunk, error))?;
        }
        written += store.stream_version(&stream)?;
        if let Some((registrar, _)) = founders {
            let person = netvaerk_core::PersonId::from_uuid(id((index + 1) as u16 * 16, 1, 40));
            let data =
                PersonalData { name: "Ida Bruun".into(), email: None, title: Some("Co-driver".into()) };
            service.record_person(organisation, person, data, registrar)?;
            service.erase_person(organisation, person, registrar)?;
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(written)
}

/// A planned step's refusal, naming the step.
fn refused_step(what: &str, steps: &[Step], error: Error) -> Failure {
    match error {
        Error::BatchRefused { index, error } => {
            let step = &steps[index];
            usage(format!("the {what}'s step on {} ({:?}) was refused: {error}", step.on, step.action))
        }
        other => other.into(),
    }
}

/// The command of a planned step.
fn command(step: &Step) -> Command {
    let mut metadata = Metadata::new(step.actor, step.on);
    metadata.rationale.clone_from(&step.rationale);
    let mut command = Command::new(metadata, step.action.clone());
    if let Some(rationale) = step.acknowledge {
        for rule in [Rule::Th2, Rule::Nw2, Rule::Nw3, Rule::Co2] {
            command = command.acknowledging(Acknowledgement::new(rule, rationale));
        }
    }
    for acknowledgement in &step.also {
        command = command.acknowledging(acknowledgement.clone());
    }
    command
}

/// `netvaerk demo`: writes the history (unless the organisation has one) and prints the
/// portfolio and the audit trail of the urban-farming theme.
pub fn run(cli: &Cli) -> Result<(), Failure> {
    let service = open_service(cli)?;
    let organisation = cli.organisation;
    let existing = service.state(organisation)?.version();
    if existing == 0 {
        let plan = plan(0, 2014, 0, false);
        let mut steps: Vec<Step> = plan.steps.iter().filter(|step| step.on <= end()).cloned().collect();
        steps.sort_by_key(|step| step.on);
        let commands: Vec<Command> = steps.iter().map(command).collect();
        service
            .execute_batch(organisation, &commands, BatchMode::Atomic)
            .map_err(|error| refused_step("demo", &steps, error))?;
        // AU-3: the secretariat's leader records everyone's name in the registry.
        let secretary = plan.names.first().map(|(person, _, _)| *person);
        for (person, name, title) in &plan.names {
            let data =
                PersonalData { name: (*name).to_owned(), email: None, title: Some((*title).to_owned()) };
            service.record_person(organisation, *person, data, secretary.unwrap_or(*person))?;
        }
        let head = service.store().head()?.map_or(0, |head| head.position);
        let decisions = steps.len();
        say!(
            "{}",
            crate::in_language(
                format!(
                    "Wrote the Albertslund demo history: {decisions} decisions, {head} events, 2014-2018."
                ),
                format!(
                    "Skrev Albertslunds demohistorik: {decisions} beslutninger, {head} hændelser, 2014-2018."
                )
            )
        );
        say!("{}\n", crate::in_language(format!("Store: {}", cli.store), format!("Lager: {}", cli.store)));
    } else {
        let events = service.store().head()?.map_or(0, |head| head.position);
        say!(
            "{}\n",
            crate::in_language(
                format!(
                    "The store already holds this organisation's history ({events} events); its reports:"
                ),
                format!(
                    "Lageret rummer allerede organisationens historik ({events} hændelser); dens rapporter:"
                )
            )
        );
    }
    let audit = Report::Audit(urban_farming().as_uuid());
    let (portfolio, trail) = service.read_models(organisation, AsOf::Now, |models| {
        let table = |report| render(&models, report, Format::Table, crate::language());
        (table(&Report::Portfolio), table(&audit))
    })?;
    say!("{}", portfolio?);
    say!("{}", trail?);
    let (more, with) = match crate::language() {
        netvaerk_report::Lang::En => ("More:", "with"),
        netvaerk_report::Lang::Da => ("Mere:", "med"),
    };
    say!("{more} netvaerk report halfyear | leaders | forecast | competence | round 2016H1");
    say!("      | html | audit NAME, {with} --as-of DATE, --lang da|en, --out FILE,");
    say!("      --format table|md|json|csv|html|xlsx; netvaerk list persons | units");
    say!("      | themes | networks | rounds");
    Ok(())
}
