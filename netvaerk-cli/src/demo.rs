//! The Albertslund demo: 2014-2018, written by sending commands through the service.
//!
//! The history is planned as dated commands, sorted by business date and decided one by one
//! (one atomic batch), so every rule is judged as it would have been then. Ids are fixed, so the reports are the
//! same on every machine. Names are invented.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use netvaerk::core::{
    Acknowledgement, Action, CohortId, Command, Competence, Criterion, CriterionAssessment, DiplomaCost,
    Hotspot, Metadata, NetworkId, NetworkType, Origin, Outcome, OutputKind, PersonId, PersonRole, Policy,
    RoundId, Rule, TeachingDay, ThemeId, UnitId, UnitKind,
};
use netvaerk::projections::AsOf;
use netvaerk::store::{EventStore, PersonalData};
use netvaerk::{BatchMode, Error, Service};
use uuid::Uuid;

use netvaerk_report::{render, Format, Report};

use crate::cli::Cli;
use crate::{open_service, progress, usage, Failure};

/// The last day of the demo history.
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
}

/// The demo's cast and its plan of dated commands.
struct Plan {
    scope: u16,
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

/// TH-1: the burning platforms of the themes, in turn.
const CHALLENGES: [&str; 10] = [
    "Borgerne møder en kommune, der arbejder i siloer",
    "Borgere med flere sager fortæller deres historie igen og igen",
    "Ventetiden er lang, fordi sagen går frem og tilbage mellem afdelingerne",
    "Ressourcerne findes, men ingen ser dem samlet",
    "De unge falder mellem tilbuddene, når de fylder 18",
    "Genindlæggelser koster borgerne tryghed og kommunen penge",
    "Viden fra ét område når ikke de andre",
    "Borgerne vil bidrage, men vi ved ikke hvordan vi tager imod dem",
    "Klimamålene kræver, at alle afdelinger ændrer vaner",
    "Medarbejderne bruger tid på koordinering, som borgerne ikke mærker",
];

/// PR-5, TH-1: how a network narrowed its challenge after its first intensive period, in turn.
const NARROWED: [&str; 4] = [
    "Indsnævret til borgere med tre eller flere sager",
    "Indsnævret til overgangen fra hospital til hjem",
    "Indsnævret til ét distrikt, hvor testen kan gennemføres",
    "Indsnævret til den første henvendelse",
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

/// TP-1: what a test phase tests, in turn.
const TESTED: [&str; 6] = [
    "En ny arbejdsgang mellem to afdelinger, i fire uger med rigtige borgere",
    "En prototype af borgerens digitale indgang, med tyve borgere",
    "En fælles visitation på tværs af afdelingerne, i ét distrikt",
    "Et nyt mødeformat med borgeren, i to teams",
    "En fælles kalender for de involverede medarbejdere, i seks uger",
    "En opfølgning i hjemmet efter udskrivning, hos tolv borgere",
];

/// TP-4: what the test showed, a product, its effect, in turn.
const RESULTS: [(&str, &str, &str); 4] = [
    (
        "Testen halverede ventetiden; medarbejderne vil beholde arbejdsgangen",
        "En beskrevet arbejdsgang med roller og tjekliste",
        "Kortere ventetid for borgerne, vist for udvalget",
    ),
    (
        "Borgerne fandt vej selv; tre af fire fik svar første gang",
        "En digital indgang og en vejledning til medarbejderne",
        "Færre henvendelser i borgerservice, fremlagt for chefforum",
    ),
    (
        "Testen viste færre overdragelser og færre fejl",
        "En fælles visitationsmodel for afdelingerne",
        "Mere sammenhængende forløb, fortalt for byens borgere på borgermødet",
    ),
    (
        "Medarbejderne brugte formatet, også uden for testen",
        "Et mødeformat med drejebog",
        "Borgerne oplevede at blive hørt, målt i en opfølgende undersøgelse",
    ),
];

/// TP-4: the knowledge a learning network shared back to its participants' units, in turn.
const KNOWLEDGE: [&str; 5] = [
    "En vidensopsamling og et oplæg på hver deltagers personalemøde",
    "En guide til afdelingerne med eksempler fra netværket",
    "Et kort forløb for kollegerne, holdt af deltagerne selv",
    "Erfaringer delt på afdelingernes temadag",
    "Et inspirationskatalog til basis",
];

const LEARNING: [&str; 8] = [
    "Deleøkonomi i Albertslund",
    "Frivillighed: nye former for medborgerskab",
    "Datainformeret ledelse",
    "Samskabelse med borgerne",
    "Digital borgerservice",
    "Grøn omstilling i hverdagen",
    "Sundhedskompetence",
    "Unges deltagelse",
];
const WELFARE: [&str; 30] = [
    "Fælles plan for borgeren på tværs af afdelinger",
    "Ren luft omkring skolerne",
    "Hurtigere hjælp efter et fald",
    "Færre udeblivelser i Jobcentret",
    "Velkommen til nye borgere",
    "En værdig død i eget hjem",
    "Færre overdragelser for svækkede ældre",
    "Tidlig hjælp til udsatte børn",
    "Borgernær rehabilitering",
    "Én plan for familier med mange sager",
    "Ensomhed blandt ældre",
    "Fra skole til uddannelse for alle",
    "Job til unge på ydelse",
    "Hurtigere boligindretning",
    "Hverdagsrehabilitering i hjemmet",
    "Sammenhængende demensindsats",
    "Skoledage uden mobning",
    "Trygge overgange fra hospital",
    "Inkluderende dagtilbud",
    "Mental sundhed for unge voksne",
    "Koordineret indsats for kronisk syge",
    "Lokal jobformidling",
    "Sunde måltider i institutionerne",
    "Velfærdsteknologi i hjemmet",
    "Bedre kørsel for ældre",
    "Borgerens første kontakt",
    "Forebyggende hjemmebesøg",
    "Børns sprog ved treårsalderen",
    "Familier i krise",
    "Trygge nætter i bymidten",
];
const REJECTED: [(&str, &str); 4] = [
    ("Parkeringsskilte i den gamle bydel", "Løses i én afdeling; ikke tværgående (TH-2)"),
    ("Et nyt intranet", "Et it-projekt, ikke en velfærdsudfordring"),
    ("Længere åbningstid på biblioteket", "Allerede besluttet af kulturudvalget"),
    ("Ens mailsignaturer", "Ingen borgervelfærd i det"),
];

impl Plan {
    fn push(&mut self, on: NaiveDate, actor: PersonId, action: Action) {
        self.steps.push(Step { on, actor, action, rationale: None, acknowledge: None });
    }

    fn push_why(
        &mut self,
        on: NaiveDate,
        actor: PersonId,
        action: Action,
        why: String,
        ack: Option<&'static str>,
    ) {
        self.steps.push(Step { on, actor, action, rationale: Some(why), acknowledge: ack });
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

    /// TP-3: the `count` participants of the `number`th network, from the pool in turn, and
    /// their units.
    fn participants(
        &self,
        pool: &[PersonId],
        number: u32,
        count: usize,
    ) -> (BTreeSet<PersonId>, Vec<UnitId>) {
        let chosen: BTreeSet<PersonId> =
            (0..count).map(|i| pool[(number as usize * 5 + i * 3) % pool.len()]).collect();
        let mut units: Vec<UnitId> = Vec::new();
        for unit in chosen.iter().filter_map(|person| self.unit_of(*person)) {
            if !units.contains(&unit) {
                units.push(unit);
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
            let reason = "Netværkslederen har én referenceleder for alle sine netværk".to_owned();
            // ORG-3: the chief forum supplies reference leaders; its chair records the change.
            let chair = self.chair();
            self.push(on, chair, Action::ChangeReferenceLeader { network, to: shared, reason });
        }
        shared
    }

    /// A decision of the chief forum, made by its chair at its meeting (ORG-3; the secretariat
    /// records but does not decide, ORG-4), with what the minutes say.
    fn decided(&mut self, on: NaiveDate, action: Action) {
        let why = minutes(&action, on);
        self.push_why(on, self.chair(), action, why, None);
    }

    /// The chief forum's chair: the first director.
    fn chair(&self) -> PersonId {
        self.directors[0]
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

/// What the chief forum's minutes say of a decision made at its meeting `on`.
fn minutes(action: &Action, on: NaiveDate) -> String {
    let what = match action {
        Action::OpenRound { .. } => "Halvårsrunden åbnet",
        Action::QualifyTheme { .. } => "Kriterierne gennemgået",
        Action::PrioritiseTheme { .. } => "Prioriteret efter drøftelse af porteføljen",
        Action::DeferTheme { .. } => "Udskudt til næste runde",
        Action::RejectTheme { .. } => "Afvist",
        Action::CloseRound { .. } => "Runden lukket",
        Action::StartNetwork { .. } => "Igangsat med netværksleder og referenceleder",
        Action::CloseNetwork { .. } => "Afsluttet efter netværkslederens afrapportering",
        _ => "Besluttet",
    };
    format!("{what} på chefforummødet {}", on.format("%d.%m.%Y"))
}

/// TH-2: the chief forum's note on each criterion of a theme, varied by `turn`; `unmet` is
/// the criterion the theme does not meet, if any.
fn assessments(unmet: Option<Criterion>, turn: usize) -> Vec<CriterionAssessment> {
    Criterion::ALL
        .into_iter()
        .map(|criterion| {
            let met = Some(criterion) != unmet;
            let notes: [&str; 2] = match (criterion, met) {
                (Criterion::CitizenWelfare, true) => {
                    ["Borgerne mærker det direkte", "Gør en forskel i borgernes hverdag"]
                }
                (Criterion::CurrentChallenge, true) => {
                    ["Står højt på dagsordenen nu", "Udfordringen vokser i år"]
                }
                (Criterion::CrossCutting, true) => {
                    ["Går på tværs af mindst to afdelinger", "Kræver flere afdelinger for at lykkes"]
                }
                (Criterion::Complexity, true) => {
                    ["Ingen afdeling kan løse det alene", "Mange aktører og uklare årsager"]
                }
                (Criterion::NewLearning, true) => {
                    ["Vi mangler viden på området", "Giver ny læring til organisationen"]
                }
                (Criterion::Innovation, true) => {
                    ["Kræver nye løsninger, ikke mere af det samme", "Åbner for nye måder at arbejde på"]
                }
                (Criterion::NewPerspectives, true) => {
                    ["Borgere og partnere bringer nye perspektiver", "Inddrager borgerne fra start"]
                }
                (Criterion::NewPerspectives, false) => [
                    "Ikke denne gang: et internt tema uden borgerne",
                    "Ikke denne gang: et internt tema uden borgerne",
                ],
                (Criterion::CrossCutting, false) => ["Løses i én afdeling", "Løses i én afdeling"],
                (_, false) => ["Ikke opfyldt", "Ikke opfyldt"],
            };
            CriterionAssessment { criterion, met, note: notes[turn % 2].to_owned() }
        })
        .collect()
}

/// Builds the plan of a four-year block starting in `first_year`: for block 0, the demo; a
/// generated history chains blocks. `scope` keeps ids apart between blocks and organisations.
fn plan(scope: u16, first_year: i32, seed: u64) -> Plan {
    let y = first_year;
    let mut plan = Plan {
        scope,
        steps: Vec::new(),
        names: Vec::new(),
        chiefs: Vec::new(),
        directors: Vec::new(),
        departments: Vec::new(),
        qualified: Vec::new(),
        next_leader: usize::try_from(seed % 7).unwrap_or(0),
        leading: Vec::new(),
    };
    let start = date(y, 1, 6);

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
    admit(&mut plan, chair, directors[1], PersonRole::Director);
    admit(&mut plan, directors[1], chair, PersonRole::Director);
    for (n, name) in CHIEFS.iter().enumerate() {
        let chief = plan.person(10 + n as u32, name, "Afdelingschef");
        plan.chiefs.push(chief);
        let unit = Some(plan.departments[n]);
        plan.push(start, secretary, Action::RegisterPerson { person: chief, unit, roles: BTreeSet::new() });
        admit(&mut plan, chair, chief, PersonRole::ChiefForum);
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
    let cohort_one = register(&mut plan, 40, &COHORT_ONE, "Co-driver", start);
    let cohort_two = register(&mut plan, 60, &COHORT_TWO, "Co-driver", date(y + 2, 1, 11));
    let cohort_three = register(&mut plan, 120, &COHORT_THREE, "Co-driver-kandidat", date(y + 3, 8, 7));
    let employees = register(&mut plan, 80, &EMPLOYEES, "Medarbejder", start);
    let participants = register(&mut plan, 100, &PARTICIPANTS, "Medarbejder", start);

    // NL-3, CD-3: the secretariat scores each co-driver candidate on the ten competences a week
    // after they join, before they are chosen (scores 2-5, varied by person and competence).
    let cohorts_joined =
        [(&cohort_one, start), (&cohort_two, date(y + 2, 1, 11)), (&cohort_three, date(y + 3, 8, 7))];
    for (members, joined) in cohorts_joined {
        for (n, person) in members.iter().enumerate() {
            let scores = Competence::ALL
                .iter()
                .enumerate()
                .map(|(c, competence)| (*competence, 2 + u8::try_from((n * 7 + c * 3) % 4).unwrap_or(0)))
                .collect();
            let assess = Action::AssessCompetences { person: *person, scores };
            plan.push(joined + Days::new(7), consultant, assess);
        }
    }

    // CO-4: the chief forum records what a diploma place costs (an example price; the seed gives
    // the 2/3-1/3 split, not the price), as a policy in force from the start.
    let priced = Policy {
        diploma_cost: DiplomaCost { price_per_place_kr: Some(15_000), ..DiplomaCost::ns3() },
        ..Policy::ns3()
    };
    let why = "Prisen pr. plads på diplommodulet i netværksledelse".to_owned();
    plan.push_why(start, plan.chair(), Action::ChangePolicy { policy: priced }, why, None);

    // CO-2, CO-3: three cohorts through the diploma, one every 1.5 years.
    let cohorts = [
        (CohortId::from_uuid(plan.id(5, 1)), &cohort_one, date(y, 9, 22), date(y, 11, 3), date(y + 1, 5, 20)),
        (
            CohortId::from_uuid(plan.id(5, 2)),
            &cohort_two,
            date(y + 2, 2, 15),
            date(y + 2, 4, 4),
            date(y + 3, 1, 16),
        ),
        (
            CohortId::from_uuid(plan.id(5, 3)),
            &cohort_three,
            date(y + 3, 8, 21),
            date(y + 3, 9, 25),
            date(y + 4, 5, 29),
        ),
    ];
    for (cohort, members, formed, first_day, diploma_on) in cohorts {
        let ack = (members.len() < 12).then_some("Elleve er, hvad afdelingerne kunne frigive i foråret");
        let why = format!("Hold dannet {}", formed.format("%d.%m.%Y"));
        let form = Action::FormCohort { cohort, members: members.iter().copied().collect() };
        plan.push_why(formed, consultant, form, why, ack);
        for (member_index, member) in members.iter().enumerate() {
            for (day_index, day) in TeachingDay::ALL.into_iter().enumerate() {
                let on = first_day + Days::new(28 * day_index as u64);
                plan.push(on, consultant, Action::RecordTeachingDay { cohort, person: *member, day });
            }
            // One member of the first cohort leaves before the exams.
            if cohort == cohorts[0].0 && member_index == 11 {
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

    // SN-1: rotations in the secretariat.
    for (person, from, until) in [
        (employees[0], date(y + 1, 8, 3), date(y + 2, 1, 29)),
        (employees[1], date(y + 3, 2, 1), date(y + 3, 7, 31)),
    ] {
        let start = Action::StartRotation { person, skills: "Facilitering og procesdesign".into(), until };
        plan.push(from, secretary, start);
        plan.push(until, secretary, Action::EndRotation { person });
    }

    // TH, NW: eight half-year rounds.
    let mut co_drivers: Vec<(PersonId, NaiveDate)> = Vec::new();
    co_drivers.extend(cohort_one.iter().map(|p| (*p, date(y, 9, 22))));
    co_drivers.extend(cohort_two.iter().map(|p| (*p, date(y + 2, 2, 15))));
    let mut next_co_driver = 0;
    let mut welfare_titles = WELFARE.iter();
    let mut deferred: Option<ThemeId> = None;
    let mut theme_number = 0u32;
    let mut network_number = 0u32;
    let innovation = [
        (1usize, "Urban farming i Albertslund?"),
        (4, "Den cirkulære kommune"),
        (6, "Energifællesskaber i den almene boligsektor"),
    ];
    let mut round = RoundId::containing(date(y, 7, 1));
    for k in 0..8usize {
        // ORG-3: the chief forum decides at its monthly meetings: it opens the round in the
        // second month of the half-year, qualifies, prioritises and closes it at the next
        // meeting, and starts the networks at the meeting after (some at the one after that).
        let open = forum_meeting(round.first_day() + Days::new(33));
        let propose_on = open + Days::new(7);
        let decide_on = forum_meeting(open + Days::new(21));
        let close_on = decide_on;
        let start_on = forum_meeting(decide_on + Days::new(21));
        plan.decided(open, Action::OpenRound { round });

        // The round's themes: (theme, type, unmet criterion).
        let mut themes: Vec<(ThemeId, NetworkType, Option<Criterion>)> = Vec::new();
        let propose = |plan: &mut Plan, title: String, number: u32, origins: &[Origin]| {
            let theme = if title.starts_with("Urban farming") {
                ThemeId::from_uuid(plan.id(3, 101))
            } else {
                ThemeId::from_uuid(plan.id(3, number))
            };
            let proposer = plan.chiefs[number as usize % 8];
            let departments =
                vec![plan.departments[number as usize % 8], plan.departments[(number as usize + 3) % 8]];
            let action = Action::ProposeTheme {
                theme,
                title,
                challenge: CHALLENGES[number as usize % CHALLENGES.len()].into(),
                proposed_by: proposer,
                departments,
                origins: origins.iter().copied().collect(),
            };
            plan.push(propose_on, proposer, action);
            theme
        };
        theme_number += 1;
        let learning = propose(&mut plan, LEARNING[k].to_owned(), theme_number, &[Origin::Below]);
        themes.push((learning, NetworkType::Learning, None));
        let welfare_count = if k == 3 { 2 } else { 3 };
        for w in 0..welfare_count {
            theme_number += 1;
            let title = welfare_titles.next().copied().unwrap_or("Velfærdstema").to_owned();
            let theme = propose(&mut plan, title, theme_number, &[Origin::Below, Origin::Outside]);
            let unmet = (w == 0 && [0, 3, 5].contains(&k)).then_some(Criterion::NewPerspectives);
            themes.push((theme, NetworkType::Welfare, unmet));
        }
        if let Some((_, title)) = innovation.iter().find(|(at, _)| *at == k) {
            theme_number += 1;
            let theme = propose(
                &mut plan,
                (*title).to_owned(),
                100 + theme_number,
                &[Origin::Above, Origin::Outside],
            );
            themes.push((theme, NetworkType::Innovation, None));
        }
        if let Some(theme) = deferred.take() {
            themes.push((theme, NetworkType::Welfare, None));
        }
        // One theme deferred to the next round, one rejected, in some rounds.
        let defer_now = [1, 4, 6].contains(&k);
        let to_defer = defer_now.then(|| {
            theme_number += 1;
            let title = welfare_titles.next().copied().unwrap_or("Velfærdstema").to_owned();
            propose(&mut plan, title, theme_number, &[Origin::Outside])
        });
        let reject = [0, 2, 5, 7].iter().position(|at| *at == k).map(|index| {
            theme_number += 1;
            let (title, reason) = REJECTED[index];
            (propose(&mut plan, title.to_owned(), theme_number, &[Origin::Below]), reason)
        });

        for (turn, (theme, _, unmet)) in themes.iter().enumerate() {
            let assessments = assessments(*unmet, turn + k);
            plan.decided(decide_on, Action::QualifyTheme { theme: *theme, assessments });
        }
        for (rank, (theme, network_type, unmet)) in themes.iter().enumerate() {
            let action = Action::PrioritiseTheme {
                theme: *theme,
                rank: rank as u32 + 1,
                recommended_type: *network_type,
            };
            let why = minutes(&action, decide_on);
            let ack =
                unmet.map(|_| "Forummet tager et internt tema denne gang; borgerne kommer med i testfasen");
            plan.push_why(decide_on, plan.chair(), action, why, ack);
        }
        if let Some(theme) = to_defer {
            plan.decided(decide_on, Action::QualifyTheme { theme, assessments: assessments(None, k) });
            plan.decided(decide_on, Action::DeferTheme { theme, to_round: round.next() });
            deferred = Some(theme);
        }
        if let Some((theme, reason)) = reject {
            plan.decided(
                decide_on,
                Action::QualifyTheme { theme, assessments: assessments(Some(Criterion::CrossCutting), k) },
            );
            plan.decided(decide_on, Action::RejectTheme { theme, reason: reason.into() });
        }
        let ack = (k == 3).then_some("Besparelser i foråret 2016: færre netværk med flere ressourcer");
        plan.push_why(
            close_on,
            plan.chair(),
            Action::CloseRound { round },
            minutes(&Action::CloseRound { round }, close_on),
            ack,
        );

        // The networks of the half-year.
        for (index, (theme, network_type, _)) in themes.iter().enumerate() {
            network_number += 1;
            let network = NetworkId::from_uuid(plan.id(4, network_number));
            let on = if index < 3 { start_on } else { forum_meeting(start_on + Days::new(1)) };
            let leader = match network_type {
                NetworkType::Learning => employees[k % employees.len()],
                _ => plan.leader(on),
            };
            let (co_driver, since) = co_drivers[next_co_driver % co_drivers.len()];
            let co_driver = (since <= on && co_driver != leader).then(|| {
                next_co_driver += 1;
                co_driver
            });
            if let Some(co_driver) = co_driver {
                if !plan.qualified.iter().any(|(p, _)| *p == co_driver) {
                    let diploma =
                        if cohort_one.contains(&co_driver) { date(y + 1, 5, 20) } else { date(y + 3, 1, 16) };
                    let dropped_out = Some(&co_driver) == cohort_one.last();
                    if !dropped_out {
                        plan.qualified.push((co_driver, diploma.max(on)));
                    }
                }
            }
            let (fresh, successor) = match network_type {
                NetworkType::Innovation => (plan.directors[k % 2], plan.directors[(k + 1) % 2]),
                _ => (
                    plan.chiefs[(network_number as usize) % 8],
                    plan.chiefs[(network_number as usize + 1) % 8],
                ),
            };
            let reference_leader = plan.shared_reference_leader(leader, on, *network_type, fresh);
            let mut change = None;
            // RL-2: the reference leader and their successor opt in on the theme.
            for person in [reference_leader, successor] {
                plan.push(
                    decide_on + Days::new(7),
                    person,
                    Action::AcceptReferenceRole { theme: *theme, person },
                );
            }
            let action = Action::StartNetwork {
                network,
                theme: *theme,
                network_type: *network_type,
                leader,
                co_driver,
                reference_leader: Some(reference_leader),
            };
            let why = minutes(&action, on);
            plan.push_why(on, plan.chair(), action, why, None);
            let later = |days: u64| on + Days::new(days);
            // TP-3: employees join in the first week, who carry the work back to their units.
            let count = if *network_type == NetworkType::Learning { 5 } else { 3 };
            let (joined, their_units) = plan.participants(&participants, network_number, count);
            plan.push(later(7), leader, Action::AddParticipants { network, participants: joined });
            let turn = network_number as usize;
            match network_type {
                NetworkType::Learning => {
                    plan.push(on, leader, Action::EnterPhase { network, phase: "start".into() });
                    plan.push(
                        later(14),
                        leader,
                        Action::EnterPhase { network, phase: "working sessions".into() },
                    );
                    plan.push(later(126), leader, Action::EnterPhase { network, phase: "close".into() });
                    let (outcome, reason) = if k == 5 {
                        (
                            Outcome::Stopped,
                            Some("Deltagerne kunne ikke frigøres fra opgaverne i basis".to_owned()),
                        )
                    } else {
                        // TP-4: "forpligtigede til at sætte den genererede viden i spil i egen
                        // basis": the knowledge goes back to every participant's unit.
                        let shared = Action::RecordOutput {
                            network,
                            kind: OutputKind::Knowledge,
                            description: KNOWLEDGE[turn % KNOWLEDGE.len()].to_owned(),
                            units: their_units.clone(),
                        };
                        plan.push(later(126), leader, shared);
                        (Outcome::KnowledgeShared, None)
                    };
                    // ORG-3: the chief forum ends the network as it started it, at its meeting.
                    let closed_on = forum_meeting(later(133));
                    let close = Action::CloseNetwork { network, outcome, reason };
                    plan.push_why(closed_on, plan.chair(), close.clone(), minutes(&close, closed_on), None);
                    plan.leading.push(Leading {
                        leader,
                        network,
                        theme: *theme,
                        until: closed_on,
                        reference_leader,
                        change,
                    });
                }
                NetworkType::Welfare | NetworkType::Innovation => {
                    // RL-4: the personnel leader signs the contract (AU-1: theirs to record).
                    let personnel_leader = plan.personnel_leader(leader);
                    let mandate = Action::AgreeMandateContract {
                        network,
                        personnel_leader,
                        // The two consultants share the networks.
                        secretariat: if network_number.is_multiple_of(2) { consultant } else { consultant2 },
                        terms: "Fire timer om ugen fra basisopgaverne i de intensive perioder".into(),
                    };
                    plan.push(later(3), personnel_leader, mandate);
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
                    if network_number.is_multiple_of(3) {
                        let help = Action::RequestHelp {
                            network,
                            hotspot: Hotspot::Design,
                            note: "En prototype til borgertesten".into(),
                        };
                        plan.push(later(50), leader, help);
                    }
                    if k == 3 && index == 1 {
                        if let Some(from) = co_driver {
                            let to = co_drivers[next_co_driver % co_drivers.len()].0;
                            next_co_driver += 1;
                            let change = Action::ChangeCoDriver {
                                network,
                                from: None,
                                to,
                                reason: "Barselsorlov".into(),
                            };
                            if to != from && to != leader {
                                plan.push(later(30), leader, change);
                            }
                        }
                    }
                    // TH-1: some networks narrow their challenge after the first intensive period.
                    if network_number.is_multiple_of(3) {
                        let refine = Action::RefineTheme {
                            theme: *theme,
                            title: None,
                            challenge: Some(NARROWED[turn / 3 % NARROWED.len()].into()),
                            note: "Netværket og referencelederen indsnævrede udfordringen efter den første intensive periode".into(),
                        };
                        // TH-4: the secretariat records the refinement for them (AU-1).
                        plan.push(later(24), secretary, refine);
                    }
                    let funding = if *network_type == NetworkType::Innovation {
                        "Innovationsudvalgets pulje"
                    } else {
                        "Afdelingens udviklingsbudget"
                    };
                    // TP-1: the leader's department and a participant's take ownership.
                    let owners: Vec<UnitId> =
                        plan.unit_of(leader).into_iter().chain(their_units.first().copied()).collect();
                    plan.push(
                        later(133),
                        leader,
                        Action::BeginTestPhase {
                            network,
                            funding: Some(funding.into()),
                            // RL-5: what the reference leader found, from 100,000 to 400,000 kr.
                            funding_kr: Some(100_000 + 75_000 * u64::from(network_number % 5)),
                            tested: Some(TESTED[turn % TESTED.len()].to_owned()),
                            owners: owners.clone(),
                        },
                    );
                    // TP-1: a new reference leader takes over in the test phase, in some networks;
                    // not where the leader then leads another network too (RL-1).
                    let changes =
                        *network_type == NetworkType::Innovation || network_number.is_multiple_of(2);
                    if changes && successor != reference_leader && plan.led_by(leader, later(147)).is_none() {
                        let action = Action::ChangeReferenceLeader {
                            network,
                            to: successor,
                            reason: "Den nye referenceleder har budgettet til implementeringen".into(),
                        };
                        plan.push(later(147), plan.chair(), action);
                        change = Some((later(147), successor));
                    }
                    let (outcome, reason, days) = match (network_type, k, network_number % 4) {
                        (NetworkType::Innovation, 1, _) => (Outcome::HandedOnForScaling, None, 260),
                        (NetworkType::Innovation, 4, _) => (
                            Outcome::Stopped,
                            Some(
                                "Testen viste, at løsningen kræver et fagsystem, kommunen ikke har"
                                    .to_owned(),
                            ),
                            240,
                        ),
                        (NetworkType::Innovation, _, _) => (Outcome::Implemented, None, 280),
                        (_, _, 1) => (Outcome::HandedOnForScaling, None, 217),
                        (_, 2, 2) => (
                            Outcome::Stopped,
                            Some("Testen viste ingen gevinst for borgerne".to_owned()),
                            190,
                        ),
                        _ => (Outcome::Implemented, None, 217),
                    };
                    // TP-4: what the test showed; and, where it went on, what it made and its
                    // effect, or to whom it was handed on.
                    let (result, product, effect) = RESULTS[turn % RESULTS.len()];
                    let result = match &reason {
                        Some(reason) => reason.clone(),
                        None => result.to_owned(),
                    };
                    let output =
                        |kind: OutputKind, description: &str, units: &[UnitId]| Action::RecordOutput {
                            network,
                            kind,
                            description: description.to_owned(),
                            units: units.to_vec(),
                        };
                    plan.push(later(days.min(161) - 5), leader, output(OutputKind::TestResult, &result, &[]));
                    match outcome {
                        Outcome::Implemented => {
                            plan.push(later(days), leader, output(OutputKind::Product, product, &owners));
                            plan.push(later(days), leader, output(OutputKind::Effect, effect, &[]));
                        }
                        Outcome::HandedOnForScaling => {
                            let handover = "Overdraget til opskalering i alle afdelinger med en drejebog";
                            plan.push(later(days), leader, output(OutputKind::Handover, handover, &owners));
                        }
                        Outcome::KnowledgeShared | Outcome::Stopped => {}
                    }
                    // TP-2: one that is stopped never reached implementation.
                    if days > 160 && outcome != Outcome::Stopped {
                        plan.push(
                            later(days - 28),
                            leader,
                            Action::EnterPhase { network, phase: "implementation".into() },
                        );
                    }
                    // ORG-3: the chief forum ends the network as it started it, at its meeting.
                    let closed_on = forum_meeting(later(days));
                    let close = Action::CloseNetwork { network, outcome, reason };
                    plan.push_why(closed_on, plan.chair(), close.clone(), minutes(&close, closed_on), None);
                    plan.leading.push(Leading {
                        leader,
                        network,
                        theme: *theme,
                        until: closed_on,
                        reference_leader,
                        change,
                    });
                }
            }
        }
        round = round.next();
    }
    plan
}

/// The organisation of a generated history.
pub fn generated_organisation(index: u32) -> netvaerk::core::OrganisationId {
    netvaerk::core::OrganisationId::from_uuid(id(1 + u16::try_from(index).unwrap_or(u16::MAX - 1), 9, 0))
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
        let stream = netvaerk::store::StreamId::organisation(organisation);
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
            let plan = plan(scope, first_year, seed.wrapping_add(u64::from(index * 31 + block)));
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
            let person = netvaerk::core::PersonId::from_uuid(id((index + 1) as u16 * 16, 1, 40));
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
    command
}

/// `netvaerk demo`: writes the history (unless the organisation has one) and prints the
/// portfolio and the audit trail of the urban-farming theme.
pub fn run(cli: &Cli) -> Result<(), Failure> {
    let service = open_service(cli)?;
    let organisation = cli.organisation;
    let existing = service.state(organisation)?.version();
    if existing == 0 {
        let plan = plan(0, 2014, 0);
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
        say!("Wrote the Albertslund demo history: {} decisions, {head} events, 2014-2018.", steps.len());
        say!("Store: {}\n", cli.store);
    } else {
        say!("The store already holds this organisation's history ({existing} events); its reports:\n");
    }
    let audit = Report::Audit(urban_farming().as_uuid());
    let (portfolio, trail) = service.read_models(organisation, AsOf::Now, |models| {
        let table = |report| render(&models, report, Format::Table, crate::language());
        (table(&Report::Portfolio), table(&audit))
    })?;
    say!("{}", portfolio?);
    say!("{}", trail?);
    say!("More: netvaerk report halfyear | leaders | forecast | competence | round 2016H1");
    say!("      | html | audit NAME, with --as-of DATE, --format table|md|json|csv|html");
    say!("      and --lang da; netvaerk list persons | units | themes | networks | rounds");
    Ok(())
}
