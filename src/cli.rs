//! The command line: every domain command as a subcommand a person can type.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use netvaerk::core::{
    Action, CohortId, Competence, Criterion, CriterionAssessment, Hotspot, NetworkId, NetworkType,
    OrganisationId, Origin, Outcome, PersonId, PersonRole, RoundId, TeachingDay, ThemeId, UnitId, UnitKind,
};
use netvaerk::Address;

/// The default organisation: a store that holds one municipality needs no --organisation.
pub const DEFAULT_ORGANISATION: &str = "0190ab00-0000-7000-8000-00000000a1b5";

/// netvaerk: Albertslund's network organisation (NS3) as an event-sourced log.
#[derive(Debug, Parser)]
#[command(name = "netvaerk", version, about, long_about = None)]
pub struct Cli {
    /// The store: a directory (sled), redb:FILE, or postgres://user@host/database[?schema=NAME].
    /// For `bench`, a comma-separated list of the kinds to measure side by side (sled, redb, a
    /// postgres:// URL), each in a temporary store.
    #[arg(long, global = true, env = "NETVAERK_STORE", default_value = "./netvaerk-data")]
    pub store: String,
    /// The organisation (a UUID); one store can hold several.
    #[arg(long, global = true, env = "NETVAERK_ORGANISATION", default_value = DEFAULT_ORGANISATION)]
    pub organisation: OrganisationId,
    /// What to do.
    #[command(subcommand)]
    pub command: Top,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Top {
    /// Write the Albertslund demo history (2014-2018) into the store and print two reports.
    Demo,
    /// Write a synthetic history for benchmarks: organisations x years, every event decided.
    Generate {
        /// How many organisations (one stream each).
        #[arg(long, default_value_t = 1)]
        organisations: u32,
        /// How many years from 2014H2.
        #[arg(long, default_value_t = 4)]
        years: u32,
        /// Varies who leads what.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Measure replay, import, durable decisions, cold start and memory against baselines, for
    /// each kind of store `--store` names (default: sled): `--store sled,redb,postgres://...`.
    Bench {
        /// The size of the history to build.
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        /// One JSON object with every figure.
        #[arg(long)]
        json: bool,
    },
    /// Units of the base organisation (ORG-1).
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Persons: register, roles, prior experience, competences, erasure.
    #[command(subcommand, alias = "persons")]
    Person(PersonCommand),
    /// Half-year rounds of the chief forum (TH-3).
    #[command(subcommand)]
    Round(RoundCommand),
    /// Themes: propose, qualify, prioritise, defer, reject, withdraw, refine (TH).
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Networks: start, phases, test, roles, close (NW, RL, CD, PR, TP).
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Diploma cohorts (CO).
    #[command(subcommand)]
    Cohort(CohortCommand),
    /// Rotations in the secretariat (SN-1).
    #[command(subcommand)]
    Rotation(RotationCommand),
    /// Put a policy in force from a JSON file (see `policy show`).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Decide and append commands from JSON lines (a file, or - for standard input).
    Apply {
        /// The file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// All lines or none: any refusal appends nothing.
        #[arg(long)]
        atomic: bool,
    },
    /// Reports, rebuilt from the log.
    Report(ReportArgs),
    /// Export the log as JSON lines.
    Log {
        /// The first position to export.
        #[arg(long, default_value_t = 1)]
        from: u64,
    },
    /// Import an exported log (JSON lines); refuses a broken chain and appends nothing then.
    Import {
        /// The file; `-` reads standard input.
        file: PathBuf,
    },
    /// Walk the hash chain and report the first bad position, if any.
    Verify,
    /// Copy a log with its positions, hashes and registry into an empty store of any kind,
    /// then verify both: they report the same head hash.
    Migrate {
        /// The store to copy: a directory (sled), redb:FILE or postgres://...
        #[arg(long)]
        from: Address,
        /// The empty store to copy into.
        #[arg(long)]
        to: Address,
    },
}

/// Who decides, when, why.
#[derive(Debug, Args)]
pub struct Decided {
    /// The person deciding (or recording the forum's decision).
    #[arg(long)]
    pub by: PersonId,
    /// The business date (default: today).
    #[arg(long)]
    pub on: Option<NaiveDate>,
    /// Why.
    #[arg(long)]
    pub why: Option<String>,
    /// Acknowledge every advisory warning the decision raises, with this rationale.
    #[arg(long)]
    pub acknowledge: Option<String>,
}

/// `unit ...`
#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Register a unit.
    Register {
        /// Its kind.
        #[arg(long, value_enum)]
        kind: UnitKindArg,
        /// The unit above it (a department's director area).
        #[arg(long)]
        parent: Option<UnitId>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<UnitId>,
        #[command(flatten)]
        decided: Decided,
    },
}

/// `person ...`
#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Register a person: the id and roles in the log, the name in the registry.
    Register {
        /// Full name (kept in the registry, never in the log).
        #[arg(long)]
        name: String,
        /// E-mail.
        #[arg(long)]
        email: Option<String>,
        /// Job title.
        #[arg(long)]
        title: Option<String>,
        /// Their unit.
        #[arg(long)]
        unit: Option<UnitId>,
        /// Standing roles.
        #[arg(long = "role", value_enum)]
        roles: Vec<RoleArg>,
        /// Their id (default: a new one).
        #[arg(long)]
        id: Option<PersonId>,
        /// The person deciding (default: the person registered, for the first one).
        #[arg(long)]
        by: Option<PersonId>,
        /// The business date (default: today).
        #[arg(long)]
        on: Option<NaiveDate>,
    },
    /// Change a person's standing roles.
    Roles {
        /// The person.
        person: PersonId,
        /// The new roles.
        #[arg(long = "role", value_enum)]
        roles: Vec<RoleArg>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Register an experienced leader of generation 1 or 2 (NL-1).
    Prior {
        /// The person.
        person: PersonId,
        /// 1 or 2.
        #[arg(long)]
        generation: u8,
        /// Networks led before NS3.
        #[arg(long, default_value_t = 0)]
        led: u32,
        /// Networks co-driven before NS3.
        #[arg(long, default_value_t = 0)]
        co_driven: u32,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record an assessment on the ten competences (NL-3): `--score curiosity=4`.
    Assess {
        /// The person.
        person: PersonId,
        /// COMPETENCE=SCORE (1-5).
        #[arg(long = "score", value_parser = parse_score)]
        scores: Vec<(Competence, u8)>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Erase a person's personal data (GDPR); the log keeps only their id.
    Erase {
        /// The person.
        person: PersonId,
        /// Who erases.
        #[arg(long)]
        by: PersonId,
    },
}

/// `round ...`
#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Open a round, e.g. 2016H2.
    Open {
        /// The round.
        round: RoundId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Close the open round.
    Close {
        /// The round.
        round: RoundId,
        #[command(flatten)]
        decided: Decided,
    },
}

/// `theme ...`
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Propose a theme on the theme template (TH-1).
    Propose {
        /// The title.
        #[arg(long)]
        title: String,
        /// The challenge: the burning platform.
        #[arg(long)]
        challenge: String,
        /// The proposing chief-forum member.
        #[arg(long)]
        proposer: PersonId,
        /// A department involved (repeat for more).
        #[arg(long = "department", required = true)]
        departments: Vec<UnitId>,
        /// Where the demand comes from: below, outside, above (comma-separated).
        #[arg(long, value_enum, value_delimiter = ',', required = true)]
        origin: Vec<OriginArg>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<ThemeId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record the qualification on the seven criteria (TH-2).
    Qualify {
        /// The theme.
        theme: ThemeId,
        /// Criteria met (comma-separated).
        #[arg(long, value_enum, value_delimiter = ',')]
        met: Vec<CriterionArg>,
        /// Criteria not met (comma-separated).
        #[arg(long, value_enum, value_delimiter = ',')]
        unmet: Vec<CriterionArg>,
        /// A note for the assessment.
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Prioritise the theme in the open round.
    Prioritise {
        /// The theme.
        theme: ThemeId,
        /// Its rank in the round.
        #[arg(long)]
        rank: u32,
        /// The recommended network type.
        #[arg(long = "type", value_enum)]
        network_type: NetworkTypeArg,
        #[command(flatten)]
        decided: Decided,
    },
    /// Defer the theme to a later round.
    Defer {
        /// The theme.
        theme: ThemeId,
        /// The round.
        #[arg(long)]
        to: RoundId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Reject the theme.
    Reject {
        /// The theme.
        theme: ThemeId,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Withdraw the theme.
    Withdraw {
        /// The theme.
        theme: ThemeId,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Refine the theme (TH-4).
    Refine {
        /// The theme.
        theme: ThemeId,
        /// A new title.
        #[arg(long)]
        title: Option<String>,
        /// A new challenge.
        #[arg(long)]
        challenge: Option<String>,
        /// What changed.
        #[arg(long)]
        note: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record that a person opts in as reference leader on the theme (RL-2).
    Accept {
        /// The theme.
        theme: ThemeId,
        /// The person.
        #[arg(long)]
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
}

/// `network ...`
#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Start a network from a prioritised theme (NW-5).
    Start {
        /// The theme.
        #[arg(long)]
        theme: ThemeId,
        /// The type.
        #[arg(long = "type", value_enum)]
        network_type: NetworkTypeArg,
        /// The network leader.
        #[arg(long)]
        leader: PersonId,
        /// The co-driver.
        #[arg(long)]
        co_driver: Option<PersonId>,
        /// The reference leader.
        #[arg(long)]
        reference_leader: PersonId,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<NetworkId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Enter the next phase of the plan (PR-5).
    Phase {
        /// The network.
        network: NetworkId,
        /// The phase's name, e.g. "intensive 2".
        phase: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Begin the test phase (TP-1).
    Test {
        /// The network.
        network: NetworkId,
        /// The funding found (RL-5).
        #[arg(long)]
        funding: Option<String>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Close with an outcome (TP-2).
    Close {
        /// The network.
        network: NetworkId,
        /// The outcome.
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// Why (required when stopped).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Hand the network to a new reference leader (TP-1).
    ReferenceLeader {
        /// The network.
        network: NetworkId,
        /// The new reference leader.
        #[arg(long)]
        to: PersonId,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Attach a co-driver (CD-1).
    AttachCoDriver {
        /// The network.
        network: NetworkId,
        /// The co-driver.
        #[arg(long)]
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Change the co-driver, with a reason (CD-2).
    ChangeCoDriver {
        /// The network.
        network: NetworkId,
        /// The new co-driver.
        #[arg(long)]
        to: PersonId,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record the mandate contract (RL-4).
    Mandate {
        /// The network.
        network: NetworkId,
        /// The leader's personnel leader.
        #[arg(long)]
        personnel_leader: PersonId,
        /// The secretariat's party.
        #[arg(long)]
        secretariat: PersonId,
        /// The terms.
        #[arg(long)]
        terms: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Call on a help hotspot (SN-2).
    Help {
        /// The network.
        network: NetworkId,
        /// The hotspot.
        #[arg(long, value_enum)]
        hotspot: HotspotArg,
        /// What help.
        #[arg(long)]
        note: String,
        #[command(flatten)]
        decided: Decided,
    },
}

/// `cohort ...`
#[derive(Debug, Subcommand)]
pub enum CohortCommand {
    /// Form a cohort (CO-2).
    Form {
        /// A member (repeat).
        #[arg(long = "member", required = true)]
        members: Vec<PersonId>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<CohortId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record a teaching day attended (CO-3).
    Day {
        /// The cohort.
        cohort: CohortId,
        /// The member.
        person: PersonId,
        /// The day.
        #[arg(value_enum)]
        day: TeachingDayArg,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record the written assignment passed.
    Written {
        /// The cohort.
        cohort: CohortId,
        /// The member.
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record the oral exam passed.
    Oral {
        /// The cohort.
        cohort: CohortId,
        /// The member.
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Award the diploma.
    Diploma {
        /// The cohort.
        cohort: CohortId,
        /// The member.
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
}

/// `rotation ...`
#[derive(Debug, Subcommand)]
pub enum RotationCommand {
    /// Start a bounded rotation (SN-1).
    Start {
        /// The person.
        person: PersonId,
        /// The skills the chief forum points to.
        #[arg(long)]
        skills: String,
        /// The planned end.
        #[arg(long)]
        until: NaiveDate,
        #[command(flatten)]
        decided: Decided,
    },
    /// End the rotation.
    End {
        /// The person.
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
}

/// `policy ...`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the policy in force as JSON.
    Show,
    /// Put the policy in a JSON file in force.
    Set {
        /// The file.
        file: PathBuf,
        #[command(flatten)]
        decided: Decided,
    },
}

/// `report ...`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[command(subcommand)]
    pub which: ReportKind,
    /// As of a business date (default: everything).
    #[arg(long, global = true)]
    pub as_of: Option<NaiveDate>,
    /// The output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The reports.
#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// Themes by status and networks by type and phase.
    Portfolio,
    /// Starts per half-year against NW-2/NW-3, innovation networks against NW-4, overrides.
    Halfyear,
    /// Every role each person held, and their load.
    Leaders,
    /// Competence tracks, the pool of qualified leaders, cohorts.
    Competence,
    /// The audit trail of a theme or a network.
    Audit {
        /// A theme's or a network's id.
        id: uuid::Uuid,
    },
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for an 80-column terminal.
    Table,
    /// Markdown.
    Md,
    /// JSON.
    Json,
    /// CSV.
    Csv,
}

macro_rules! value_enum {
    ($arg:ident => $target:ty { $($variant:ident => $value:expr),* $(,)? }) => {
        #[doc = concat!("A `", stringify!($target), "` on the command line.")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
        pub enum $arg {
            $(#[allow(missing_docs)] $variant,)*
        }

        impl From<$arg> for $target {
            fn from(arg: $arg) -> $target {
                match arg {
                    $($arg::$variant => $value,)*
                }
            }
        }
    };
}

value_enum!(UnitKindArg => UnitKind {
    DirectorArea => UnitKind::DirectorArea,
    Department => UnitKind::Department,
    Secretariat => UnitKind::Secretariat,
});
value_enum!(RoleArg => PersonRole {
    ChiefForum => PersonRole::ChiefForum,
    Director => PersonRole::Director,
    Secretariat => PersonRole::Secretariat,
});
value_enum!(OriginArg => Origin { Below => Origin::Below, Outside => Origin::Outside, Above => Origin::Above });
value_enum!(NetworkTypeArg => NetworkType {
    Learning => NetworkType::Learning,
    Welfare => NetworkType::Welfare,
    Innovation => NetworkType::Innovation,
});
value_enum!(OutcomeArg => Outcome {
    Implemented => Outcome::Implemented,
    HandedOnForScaling => Outcome::HandedOnForScaling,
    KnowledgeShared => Outcome::KnowledgeShared,
    Stopped => Outcome::Stopped,
});
value_enum!(CriterionArg => Criterion {
    CitizenWelfare => Criterion::CitizenWelfare,
    CurrentChallenge => Criterion::CurrentChallenge,
    CrossCutting => Criterion::CrossCutting,
    Complexity => Criterion::Complexity,
    NewLearning => Criterion::NewLearning,
    Innovation => Criterion::Innovation,
    NewPerspectives => Criterion::NewPerspectives,
});
value_enum!(TeachingDayArg => TeachingDay {
    WelfareAnew => TeachingDay::WelfareAnew,
    ValueCreation => TeachingDay::ValueCreation,
    Innovation => TeachingDay::Innovation,
    FacilitationAndLeadership => TeachingDay::FacilitationAndLeadership,
    NetworkAndBase => TeachingDay::NetworkAndBase,
});
value_enum!(HotspotArg => Hotspot {
    Communication => Hotspot::Communication,
    Design => Hotspot::Design,
    Legal => Hotspot::Legal,
    Finance => Hotspot::Finance,
    Analysis => Hotspot::Analysis,
});

fn parse_score(text: &str) -> Result<(Competence, u8), String> {
    let (name, score) = text.split_once('=').ok_or("expected COMPETENCE=SCORE, e.g. curiosity=4")?;
    let competence: Competence =
        serde_json::from_value(serde_json::Value::String(name.trim().replace('-', "_")))
            .map_err(|_| format!("{name:?} is not one of the ten competences"))?;
    let score = score.trim().parse().map_err(|_| format!("{score:?} is not a score from 1 to 5"))?;
    Ok((competence, score))
}

/// A domain command from the command line: the action and who decided it.
pub struct Domain<'a> {
    /// The action.
    pub action: Action,
    /// Who, when, why.
    pub decided: &'a Decided,
}

fn set<T: Ord, A: Into<T> + Copy>(args: &[A]) -> BTreeSet<T> {
    args.iter().map(|arg| (*arg).into()).collect()
}

/// The action of a domain subcommand, or `None` for the others.
pub fn domain(top: &Top) -> Option<Domain<'_>> {
    let (action, decided) = match top {
        Top::Unit(UnitCommand::Register { kind, parent, id, decided }) => (
            Action::RegisterUnit {
                unit: id.unwrap_or_else(UnitId::generate),
                kind: (*kind).into(),
                parent: *parent,
            },
            decided,
        ),
        Top::Person(PersonCommand::Roles { person, roles, decided }) => {
            (Action::ChangePersonRoles { person: *person, roles: set(roles) }, decided)
        }
        Top::Person(PersonCommand::Prior { person, generation, led, co_driven, decided }) => (
            Action::RegisterPriorExperience {
                person: *person,
                generation: *generation,
                networks_led: *led,
                networks_co_driven: *co_driven,
            },
            decided,
        ),
        Top::Person(PersonCommand::Assess { person, scores, decided }) => (
            Action::AssessCompetences {
                person: *person,
                scores: scores.iter().copied().collect::<BTreeMap<_, _>>(),
            },
            decided,
        ),
        Top::Round(RoundCommand::Open { round, decided }) => (Action::OpenRound { round: *round }, decided),
        Top::Round(RoundCommand::Close { round, decided }) => (Action::CloseRound { round: *round }, decided),
        Top::Theme(ThemeCommand::Propose {
            title,
            challenge,
            proposer,
            departments,
            origin,
            id,
            decided,
        }) => (
            Action::ProposeTheme {
                theme: id.unwrap_or_else(ThemeId::generate),
                title: title.clone(),
                challenge: challenge.clone(),
                proposed_by: *proposer,
                departments: departments.clone(),
                origins: set(origin),
            },
            decided,
        ),
        Top::Theme(ThemeCommand::Qualify { theme, met, unmet, note, decided }) => {
            let verdicts = met
                .iter()
                .map(|criterion| (criterion, true))
                .chain(unmet.iter().map(|criterion| (criterion, false)));
            let assessments = verdicts
                .map(|(criterion, met)| CriterionAssessment {
                    criterion: (*criterion).into(),
                    met,
                    note: note.clone(),
                })
                .collect();
            (Action::QualifyTheme { theme: *theme, assessments }, decided)
        }
        Top::Theme(ThemeCommand::Prioritise { theme, rank, network_type, decided }) => (
            Action::PrioritiseTheme { theme: *theme, rank: *rank, recommended_type: (*network_type).into() },
            decided,
        ),
        Top::Theme(ThemeCommand::Defer { theme, to, decided }) => {
            (Action::DeferTheme { theme: *theme, to_round: *to }, decided)
        }
        Top::Theme(ThemeCommand::Reject { theme, reason, decided }) => {
            (Action::RejectTheme { theme: *theme, reason: reason.clone() }, decided)
        }
        Top::Theme(ThemeCommand::Withdraw { theme, reason, decided }) => {
            (Action::WithdrawTheme { theme: *theme, reason: reason.clone() }, decided)
        }
        Top::Theme(ThemeCommand::Refine { theme, title, challenge, note, decided }) => (
            Action::RefineTheme {
                theme: *theme,
                title: title.clone(),
                challenge: challenge.clone(),
                note: note.clone(),
            },
            decided,
        ),
        Top::Theme(ThemeCommand::Accept { theme, person, decided }) => {
            (Action::AcceptReferenceRole { theme: *theme, person: *person }, decided)
        }
        Top::Network(NetworkCommand::Start {
            theme,
            network_type,
            leader,
            co_driver,
            reference_leader,
            id,
            decided,
        }) => (
            Action::StartNetwork {
                network: id.unwrap_or_else(NetworkId::generate),
                theme: *theme,
                network_type: (*network_type).into(),
                leader: *leader,
                co_driver: *co_driver,
                reference_leader: *reference_leader,
            },
            decided,
        ),
        Top::Network(NetworkCommand::Phase { network, phase, decided }) => {
            (Action::EnterPhase { network: *network, phase: phase.clone() }, decided)
        }
        Top::Network(NetworkCommand::Test { network, funding, decided }) => {
            (Action::BeginTestPhase { network: *network, funding: funding.clone() }, decided)
        }
        Top::Network(NetworkCommand::Close { network, outcome, reason, decided }) => (
            Action::CloseNetwork { network: *network, outcome: (*outcome).into(), reason: reason.clone() },
            decided,
        ),
        Top::Network(NetworkCommand::ReferenceLeader { network, to, reason, decided }) => {
            (Action::ChangeReferenceLeader { network: *network, to: *to, reason: reason.clone() }, decided)
        }
        Top::Network(NetworkCommand::AttachCoDriver { network, person, decided }) => {
            (Action::AttachCoDriver { network: *network, person: *person }, decided)
        }
        Top::Network(NetworkCommand::ChangeCoDriver { network, to, reason, decided }) => {
            (Action::ChangeCoDriver { network: *network, to: *to, reason: reason.clone() }, decided)
        }
        Top::Network(NetworkCommand::Mandate { network, personnel_leader, secretariat, terms, decided }) => (
            Action::AgreeMandateContract {
                network: *network,
                personnel_leader: *personnel_leader,
                secretariat: *secretariat,
                terms: terms.clone(),
            },
            decided,
        ),
        Top::Network(NetworkCommand::Help { network, hotspot, note, decided }) => (
            Action::RequestHelp { network: *network, hotspot: (*hotspot).into(), note: note.clone() },
            decided,
        ),
        Top::Cohort(CohortCommand::Form { members, id, decided }) => (
            Action::FormCohort {
                cohort: id.unwrap_or_else(CohortId::generate),
                members: members.iter().copied().collect(),
            },
            decided,
        ),
        Top::Cohort(CohortCommand::Day { cohort, person, day, decided }) => {
            (Action::RecordTeachingDay { cohort: *cohort, person: *person, day: (*day).into() }, decided)
        }
        Top::Cohort(CohortCommand::Written { cohort, person, decided }) => {
            (Action::PassWrittenAssignment { cohort: *cohort, person: *person }, decided)
        }
        Top::Cohort(CohortCommand::Oral { cohort, person, decided }) => {
            (Action::PassOralExam { cohort: *cohort, person: *person }, decided)
        }
        Top::Cohort(CohortCommand::Diploma { cohort, person, decided }) => {
            (Action::AwardDiploma { cohort: *cohort, person: *person }, decided)
        }
        Top::Rotation(RotationCommand::Start { person, skills, until, decided }) => {
            (Action::StartRotation { person: *person, skills: skills.clone(), until: *until }, decided)
        }
        Top::Rotation(RotationCommand::End { person, decided }) => {
            (Action::EndRotation { person: *person }, decided)
        }
        Top::Person(PersonCommand::Register { .. } | PersonCommand::Erase { .. })
        | Top::Policy(_)
        | Top::Demo
        | Top::Generate { .. }
        | Top::Bench { .. }
        | Top::Apply { .. }
        | Top::Report(_)
        | Top::Log { .. }
        | Top::Import { .. }
        | Top::Migrate { .. }
        | Top::Verify => return None,
    };
    Some(Domain { action, decided })
}
