//! The audit trail: for a theme, every decision in order (who, on which business date,
//! recorded when, why, the criteria assessment, the warnings overridden, the policy in force),
//! the rounds it was decided in with the other themes of each round and what became of them,
//! then the network that came of it. For a network, the same from start to close.
//!
//! The trail is an index into the log: folding keeps each decision's position (and the policy
//! in force), and a report reads the decisions it shows back from the store. So rebuilding the
//! trails of a million-event log costs little memory, and what a report shows is the log's own
//! record.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use netvaerk_core::{
    AcknowledgedWarning, CriterionAssessment, Event, NetworkId, NetworkType, Origin, PersonId, RoundId,
    ThemeId,
};
use netvaerk_store::{Body, EventStore, StoreError};
use serde::{Deserialize, Serialize};

use crate::names::{Names, PersonRef};
use crate::projection::{Fold, ProjectionError, Recorded};

/// One decision as the audit trail keeps it (a reference into the log, not `netvaerk_core`'s
/// `Decision`): where it is in the log, and the policy in force when it was made. The event
/// itself stays in the log, so a trail of a million decisions takes 16 bytes each; a report
/// reads the few it shows back (see [`AuditTrail::theme`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DecisionRef {
    /// Its position in the log.
    pub position: u64,
    /// The position of the policy change in force (`None`: the NS3 defaults).
    pub policy_in_force: Option<u64>,
}

impl DecisionRef {
    /// The decision in full, read back from `log`, with names: who decided, what in words,
    /// the criteria assessment (TH-2) and the warnings overridden. A decision redacted since
    /// shows its facts with `(redacted)` where its words were, and the redaction; `None` when
    /// it was redacted without its event (a redaction from before the store kept it): a
    /// rebuild would not show it either.
    pub fn entry(&self, names: &Names, log: &dyn EventStore) -> Result<Option<AuditEntry>, ProjectionError> {
        let position = self.position;
        let envelope = log.read_at(position)?.ok_or(StoreError::NoSuchPosition(position))?;
        let event = envelope.event().map_err(|source| ProjectionError::Decode { position, source })?;
        let Some(event) = event else { return Ok(None) };
        let assessment = match &event {
            Event::ThemeQualified { assessments, .. } => Some(assessments.clone()),
            _ => None,
        };
        // The core's one declaration of the events that carry acknowledged warnings.
        let acknowledged = event.acknowledged().to_vec();
        Ok(Some(AuditEntry {
            position,
            occurred_on: envelope.header.metadata.occurred_on,
            recorded_at: envelope.header.metadata.recorded_at,
            actor: envelope.header.metadata.actor,
            actor_name: names.person(envelope.header.metadata.actor),
            event_type: event.type_name(),
            summary: summary(&event, names),
            rationale: envelope.rationale().map(str::to_owned),
            redaction: match &envelope.body {
                Body::Redacted { reason, redacted_at, .. } => {
                    Some(RedactionNote { reason: reason.clone(), redacted_at: *redacted_at })
                }
                Body::Present { .. } => None,
            },
            event,
            assessment,
            acknowledged,
            policy_in_force: self.policy_in_force,
        }))
    }
}

/// One decision in an audit trail, as a report shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    /// Its position in the log.
    pub position: u64,
    /// The business date.
    pub occurred_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who decided.
    pub actor: PersonId,
    /// Who decided, named.
    pub actor_name: PersonRef,
    /// The event's type.
    pub event_type: &'static str,
    /// The event itself.
    pub event: Event,
    /// What was decided, in words, with names.
    pub summary: String,
    /// Why, in the decider's words.
    pub rationale: Option<String>,
    /// The criteria assessment, for a qualification (TH-2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Vec<CriterionAssessment>>,
    /// The warnings the decision overrode.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acknowledged: Vec<AcknowledgedWarning>,
    /// The position of the policy change in force (`None`: the NS3 defaults).
    pub policy_in_force: Option<u64>,
    /// Set when the decision's words were redacted since (its facts stay).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redaction: Option<RedactionNote>,
}

/// When and why a decision's words were redacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RedactionNote {
    /// Why, as the secretariat wrote it.
    pub reason: String,
    /// When.
    pub redacted_at: DateTime<Utc>,
}

/// What became of a theme in a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RoundOutcome {
    /// Qualified, no decision yet.
    Qualified,
    /// Prioritised at a rank.
    Prioritised {
        /// The rank.
        rank: u32,
        /// The recommended type.
        recommended_type: NetworkType,
    },
    /// Deferred to a later round.
    Deferred {
        /// The round.
        to_round: RoundId,
    },
    /// Rejected.
    Rejected {
        /// Why.
        reason: String,
    },
    /// Withdrawn by its proposers after it was qualified, before the forum decided on it.
    Withdrawn {
        /// Why.
        reason: String,
    },
}

/// Another theme of the same round.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundPeer {
    /// The theme.
    pub theme: ThemeId,
    /// Its title.
    pub title: String,
    /// What became of it in the round.
    pub outcome: RoundOutcome,
}

/// A round a theme was decided in.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundContext {
    /// The round.
    pub round: RoundId,
    /// What became of this theme.
    pub outcome: RoundOutcome,
    /// The round's other themes and what became of them, by rank, then title.
    pub others: Vec<RoundPeer>,
    /// The round's own decisions (opened, closed with any NW-2/NW-3 overrides).
    pub round_decisions: Vec<AuditEntry>,
}

/// The audit trail of a network.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NetworkAudit {
    /// The network.
    pub network: NetworkId,
    /// Its theme.
    pub theme: ThemeId,
    /// Every decision, in order.
    pub decisions: Vec<AuditEntry>,
}

/// The audit trail of a theme.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ThemeAudit {
    /// The theme.
    pub theme: ThemeId,
    /// Its title.
    pub title: String,
    /// Every decision on the theme, in order.
    pub decisions: Vec<AuditEntry>,
    /// The rounds it was decided in.
    pub rounds: Vec<RoundContext>,
    /// The network that came of it.
    pub network: Option<NetworkAudit>,
}

/// The audit read model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditTrail {
    /// Decisions by theme.
    pub themes: BTreeMap<ThemeId, Vec<DecisionRef>>,
    /// Titles by theme (latest refinement).
    pub titles: BTreeMap<ThemeId, String>,
    /// Decisions by network.
    pub networks: BTreeMap<NetworkId, Vec<DecisionRef>>,
    /// Each network's theme.
    pub network_theme: BTreeMap<NetworkId, ThemeId>,
    /// Each round's decided themes.
    pub rounds: BTreeMap<RoundId, BTreeMap<ThemeId, RoundOutcome>>,
    /// Each round's own decisions.
    pub round_decisions: BTreeMap<RoundId, Vec<DecisionRef>>,
    /// The position of the policy change in force.
    pub policy_in_force: Option<u64>,
}

/// What an event decided, in words, naming persons through `names`.
pub fn summary(event: &Event, names: &Names) -> String {
    summary_in(event, names, &English)
}

/// How a summary is worded: the fixed phrases, the vocabulary words and the dates, in a
/// language. [`English`] is the log's own; the netvaerk crate's reports word it in Danish too.
pub trait Wording {
    /// A fixed phrase.
    fn say(&self, english: &'static str) -> String;
    /// A vocabulary word (a type, an outcome, a criterion).
    fn word(&self, english: &str) -> String;
    /// A phase's name.
    fn phase(&self, name: &str) -> String;
    /// A business date.
    fn date(&self, date: NaiveDate) -> String;
    /// An amount in Danish kroner, its thousands grouped: `250,000 kr.` (Danish: `250.000 kr.`).
    fn kroner(&self, amount: u64) -> String {
        format!("{} kr.", group_thousands(amount, ','))
    }
}

/// The reports' languages word the audit trail through the glossary.
impl Wording for netvaerk_core::Lang {
    fn say(&self, english: &'static str) -> String {
        netvaerk_core::Lang::say(*self, english).to_owned()
    }
    fn word(&self, english: &str) -> String {
        netvaerk_core::Lang::word(*self, english)
    }
    fn phase(&self, name: &str) -> String {
        netvaerk_core::Lang::phase(*self, name)
    }
    fn date(&self, date: NaiveDate) -> String {
        netvaerk_core::Lang::date(*self, date)
    }
    fn kroner(&self, amount: u64) -> String {
        let separator = match self {
            netvaerk_core::Lang::En => ',',
            netvaerk_core::Lang::Da => '.',
        };
        format!("{} kr.", crate::group_thousands(amount, separator))
    }
}

/// `amount` with `separator` between each group of three digits: `1,250,000`.
pub fn group_thousands(amount: u64, separator: char) -> String {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

/// The English of [`summary`].
#[derive(Clone, Copy, Debug, Default)]
pub struct English;

impl Wording for English {
    fn say(&self, english: &'static str) -> String {
        english.to_owned()
    }
    fn word(&self, english: &str) -> String {
        english.to_owned()
    }
    fn phase(&self, name: &str) -> String {
        name.to_owned()
    }
    fn date(&self, date: NaiveDate) -> String {
        date.to_string()
    }
}

/// What `event` decided, in words, with names, worded by `wording`.
pub fn summary_in(event: &Event, names: &Names, wording: &dyn Wording) -> String {
    let name = |person: &PersonId| names.person(*person).name;
    let say = |english: &'static str| wording.say(english);
    let word = |value: &dyn std::fmt::Display| wording.word(&value.to_string());
    match event {
        Event::ThemeProposed { title, origins, .. } => {
            let origins: Vec<String> = origins
                .iter()
                .map(|origin| {
                    say(match origin {
                        Origin::Below => "from below",
                        Origin::Outside => "from outside",
                        Origin::Above => "from above",
                    })
                })
                .collect();
            format!("{} \"{title}\" ({} {})", say("proposed the theme"), say("demand"), origins.join(", "))
        }
        Event::ThemeQualified { round, assessments, .. } => {
            let met = assessments.iter().filter(|a| a.met).count();
            format!(
                "{} {round}: {met} {} {} {}",
                say("qualified in"),
                say("of"),
                assessments.len(),
                say("criteria met")
            )
        }
        Event::ThemePrioritised { round, rank, recommended_type, .. } => format!(
            "{} {round} {} {rank}, {}: {}",
            say("prioritised in"),
            say("at rank"),
            say("recommended type"),
            word(recommended_type)
        ),
        Event::ThemeDeferred { round, to_round, .. } => {
            format!("{} {round} {} {to_round}", say("deferred in"), say("to"))
        }
        Event::ThemeRejected { round, reason, .. } => format!("{} {round}: {reason}", say("rejected in")),
        Event::ThemeWithdrawn { reason, .. } => format!("{} {reason}", say("withdrawn:")),
        Event::ThemeRefined { note, .. } => format!("{}: {note}", say("refined")),
        Event::ReferenceLeaderAccepted { person, on_behalf_by: None, .. } => {
            format!("{} {}", name(person), say("opted in as reference leader"))
        }
        // RL-2: recorded by the secretariat on their documented request (the rationale).
        Event::ReferenceLeaderAccepted { person, on_behalf_by: Some(recorder), .. } => format!(
            "{} {} ({} {})",
            name(person),
            say("opted in as reference leader"),
            say("recorded for them by"),
            name(recorder)
        ),
        Event::NetworkStarted { network_type, leader, expected_end, .. } => format!(
            "{} {}, {} {}, {} {}",
            say("network started:"),
            word(network_type),
            say("led by"),
            name(leader),
            say("expected to end"),
            wording.date(*expected_end)
        ),
        Event::ReferenceLeaderAssigned { person, .. } => {
            format!("{}: {}", say("reference leader"), name(person))
        }
        Event::ReferenceLeaderChanged { from, to, reason, .. } => format!(
            "{} {} {} {}: {reason}",
            say("reference leader changed from"),
            name(from),
            say("to"),
            name(to)
        ),
        Event::CoDriverAttached { person, .. } => format!("{}: {}", say("co-driver"), name(person)),
        Event::CoDriverChanged { from, to, reason, .. } => {
            format!("{} {} {} {}: {reason}", say("co-driver changed from"), name(from), say("to"), name(to))
        }
        Event::MandateContractAgreed { personnel_leader, terms, .. } => {
            format!("{} {}: {terms}", say("mandate contract with personnel leader"), name(personnel_leader))
        }
        Event::PhaseEntered { phase, .. } => {
            format!("{} \"{}\"", say("entered the phase"), wording.phase(phase))
        }
        Event::TestPhaseBegun { funding, funding_kr, tested, owners, .. } => {
            let begun = match (funding, funding_kr) {
                (Some(funding), Some(amount)) => {
                    format!("{} {funding}: {}", say("test phase begun, funded by"), wording.kroner(*amount))
                }
                (Some(funding), None) => format!("{} {funding}", say("test phase begun, funded by")),
                (None, _) => say("test phase begun"),
            };
            let owners = match owners.len() {
                0 => String::new(),
                count => format!(" ({} {count})", say("base units taking ownership:")),
            };
            match tested {
                Some(tested) => format!("{begun}; {}: {tested}{owners}", say("testing")),
                None => format!("{begun}{owners}"),
            }
        }
        Event::ParticipantsJoined { participants, .. } => format!(
            "{} {}",
            say("participants joined:"),
            participants.iter().map(name).collect::<Vec<_>>().join(", ")
        ),
        Event::OutputRecorded { kind, description, units, .. } => match units.len() {
            0 => format!("{}: {description}", word(kind)),
            count => format!("{}: {description} ({} {count})", word(kind), say("base units:")),
        },
        Event::NetworkClosed { outcome, reason, criteria_met, .. } => {
            let closed = match reason {
                Some(reason) => format!("{}: {} ({reason})", say("closed"), word(outcome)),
                None => format!("{}: {}", say("closed"), word(outcome)),
            };
            match criteria_met {
                Some(met) if met.is_empty() => format!("{closed}; {}", say("no success criterion met")),
                Some(met) => {
                    let numbers: Vec<String> = met.iter().map(u32::to_string).collect();
                    format!("{closed}; {} {}", say("success criteria met:"), numbers.join(", "))
                }
                None => closed,
            }
        }
        Event::GoalsSet { goals, success_criteria, reason, .. } => {
            let set = format!(
                "{} {}; {} {}",
                say("goals:"),
                goals.join("; "),
                say("success criteria:"),
                success_criteria
                    .iter()
                    .enumerate()
                    .map(|(n, c)| format!("{}. {c}", n + 1))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            match reason {
                Some(reason) => format!("{} {set} ({reason})", say("goals revised:")),
                None => set,
            }
        }
        Event::NetworkReplanned { phase_plan, expected_end, reason, .. } => format!(
            "{} {} ({} {}): {reason}",
            say("re-planned:"),
            phase_plan.phases.iter().map(|phase| wording.phase(&phase.name)).collect::<Vec<_>>().join(", "),
            say("expected to end"),
            wording.date(*expected_end)
        ),
        Event::HelpRequested { hotspot, note, .. } => {
            format!("{} {}: {note}", say("asked for help:"), wording.word(hotspot.as_str()))
        }
        Event::PoliticallyLinked { link, committee, .. } => {
            let committee = committee.as_ref().map_or_else(String::new, |name| format!(" ({name})"));
            format!("{} {}{committee}", say("political link:"), wording.word(&link.to_string()))
        }
        Event::ForumMeetingsScheduled { meetings, cancelled } => {
            let days = |days: &BTreeSet<NaiveDate>| {
                days.iter().map(|day| wording.date(*day)).collect::<Vec<_>>().join(", ")
            };
            match (meetings.is_empty(), cancelled.is_empty()) {
                (false, true) => format!("{} {}", say("chief forum meetings scheduled:"), days(meetings)),
                (true, _) => format!("{} {}", say("chief forum meetings cancelled:"), days(cancelled)),
                (false, false) => format!(
                    "{} {}; {} {}",
                    say("chief forum meetings scheduled:"),
                    days(meetings),
                    say("cancelled:"),
                    days(cancelled)
                ),
            }
        }
        Event::RoundOpened { round, .. } => {
            format!("{} {round} {}", say("round"), say("opened"))
        }
        Event::RoundClosed { round, .. } => format!("{} {round} {}", say("round"), say("closed")),
        other => other.type_name().to_owned(),
    }
}

impl AuditTrail {
    fn entries(
        decisions: &[DecisionRef],
        names: &Names,
        log: &dyn EventStore,
    ) -> Result<Vec<AuditEntry>, ProjectionError> {
        let mut entries = Vec::with_capacity(decisions.len());
        for decision in decisions {
            entries.extend(decision.entry(names, log)?);
        }
        Ok(entries)
    }

    /// The audit trail of `network`, with names, its decisions read back from `log` (the
    /// store this trail was folded from).
    pub fn network(
        &self,
        network: NetworkId,
        names: &Names,
        log: &dyn EventStore,
    ) -> Result<Option<NetworkAudit>, ProjectionError> {
        let (Some(decisions), Some(theme)) = (self.networks.get(&network), self.network_theme.get(&network))
        else {
            return Ok(None);
        };
        Ok(Some(NetworkAudit { network, theme: *theme, decisions: Self::entries(decisions, names, log)? }))
    }

    /// The audit trail of `theme`, with names, its decisions read back from `log` (the store
    /// this trail was folded from).
    pub fn theme(
        &self,
        theme: ThemeId,
        names: &Names,
        log: &dyn EventStore,
    ) -> Result<Option<ThemeAudit>, ProjectionError> {
        let Some(decisions) = self.themes.get(&theme) else { return Ok(None) };
        let decisions = Self::entries(decisions, names, log)?;
        let mut rounds = Vec::new();
        for (round, outcomes) in &self.rounds {
            let Some(outcome) = outcomes.get(&theme) else { continue };
            let mut others: Vec<RoundPeer> = outcomes
                .iter()
                .filter(|(other, _)| **other != theme)
                .map(|(other, outcome)| RoundPeer {
                    theme: *other,
                    title: self.titles.get(other).cloned().unwrap_or_default(),
                    outcome: outcome.clone(),
                })
                .collect();
            others.sort_by(|a, b| (rank_of(&a.outcome), &a.title).cmp(&(rank_of(&b.outcome), &b.title)));
            let round_decisions = match self.round_decisions.get(round) {
                Some(decisions) => Self::entries(decisions, names, log)?,
                None => Vec::new(),
            };
            rounds.push(RoundContext { round: *round, outcome: outcome.clone(), others, round_decisions });
        }
        let network = match self.network_theme.iter().find(|(_, of)| **of == theme) {
            Some((network, _)) => self.network(*network, names, log)?,
            None => None,
        };
        Ok(Some(ThemeAudit {
            theme,
            title: self.titles.get(&theme).cloned().unwrap_or_default(),
            decisions,
            rounds,
            network,
        }))
    }
}

/// One theme of a round, as the round report shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundTheme {
    /// The theme.
    pub theme: ThemeId,
    /// Its title.
    pub title: String,
    /// Whether it came from an earlier round (deferred to this one).
    pub carried_over: bool,
    /// What became of it in this round.
    pub outcome: RoundOutcome,
    /// The criteria assessment it was qualified with in this round (TH-2).
    pub assessment: Option<Vec<CriterionAssessment>>,
    /// Its decisions in this round (qualified, prioritised, deferred, rejected, withdrawn),
    /// with the warnings each overrode.
    pub decisions: Vec<AuditEntry>,
    /// The start of the network that came of it, if one did.
    pub start: Option<AuditEntry>,
}

/// A half-year round of the chief forum at a glance (TH-2, TH-3).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundAudit {
    /// The round.
    pub round: RoundId,
    /// Its opening and closing.
    pub round_decisions: Vec<AuditEntry>,
    /// Its themes: prioritised by rank first, then the rest by title.
    pub themes: Vec<RoundTheme>,
}

impl AuditTrail {
    /// The round `round` with its themes, each theme's assessment, outcome, decisions in the
    /// round and the start that followed; `None` for a round with no decisions.
    pub fn round(
        &self,
        round: RoundId,
        names: &Names,
        log: &dyn EventStore,
    ) -> Result<Option<RoundAudit>, ProjectionError> {
        let outcomes = self.rounds.get(&round);
        let round_decisions = match self.round_decisions.get(&round) {
            Some(decisions) => Self::entries(decisions, names, log)?,
            None if outcomes.is_none() => return Ok(None),
            None => Vec::new(),
        };
        let mut themes = Vec::new();
        for (theme, outcome) in outcomes.into_iter().flatten() {
            let decisions = match self.themes.get(theme) {
                Some(decisions) => Self::entries(decisions, names, log)?,
                None => Vec::new(),
            };
            let carried_over = self
                .rounds
                .range(..round)
                .any(|(_, earlier)| matches!(earlier.get(theme), Some(RoundOutcome::Deferred { to_round }) if *to_round == round));
            let in_round = |entry: &AuditEntry| match &entry.event {
                Event::ThemeQualified { round: of, .. }
                | Event::ThemePrioritised { round: of, .. }
                | Event::ThemeDeferred { round: of, .. }
                | Event::ThemeRejected { round: of, .. } => *of == round,
                // A withdrawal names no round: it is the round's when made in its half-year.
                Event::ThemeWithdrawn { .. } => RoundId::containing(entry.occurred_on) == round,
                _ => false,
            };
            let assessment =
                decisions.iter().filter(|entry| in_round(entry)).find_map(|entry| entry.assessment.clone());
            let start = match self.network_theme.iter().find(|(_, of)| *of == theme) {
                Some((network, _)) => self.network(*network, names, log)?.and_then(|audit| {
                    audit.decisions.into_iter().find(|entry| entry.event_type == "NetworkStarted")
                }),
                None => None,
            };
            themes.push(RoundTheme {
                theme: *theme,
                title: self.titles.get(theme).cloned().unwrap_or_default(),
                carried_over,
                outcome: outcome.clone(),
                assessment,
                decisions: decisions.into_iter().filter(in_round).collect(),
                start,
            });
        }
        themes.sort_by(|a, b| (rank_of(&a.outcome), &a.title).cmp(&(rank_of(&b.outcome), &b.title)));
        Ok(Some(RoundAudit { round, round_decisions, themes }))
    }
}

/// Prioritised themes first, by rank; then the rest.
fn rank_of(outcome: &RoundOutcome) -> u32 {
    match outcome {
        RoundOutcome::Prioritised { rank, .. } => *rank,
        _ => u32::MAX,
    }
}

/// The trail an event belongs to.
enum Trail {
    Round(RoundId),
    Theme(ThemeId),
    Network(NetworkId),
}

impl Fold for AuditTrail {
    fn fold(&mut self, recorded: &Recorded<'_>) {
        let trail = match recorded.event {
            // The calendar is the half-year report's (ORG-5), not a subject's trail.
            Event::ForumMeetingsScheduled { .. } => None,
            Event::PolicyChanged { .. } => {
                self.policy_in_force = Some(recorded.position);
                None
            }
            Event::RoundOpened { round, .. } | Event::RoundClosed { round, .. } => Some(Trail::Round(*round)),
            Event::ThemeProposed { theme, title, .. } => {
                self.titles.insert(*theme, title.clone());
                Some(Trail::Theme(*theme))
            }
            Event::ThemeRefined { theme, title, .. } => {
                if let Some(title) = title {
                    self.titles.insert(*theme, title.clone());
                }
                Some(Trail::Theme(*theme))
            }
            Event::ThemeQualified { theme, round, .. } => {
                self.rounds.entry(*round).or_default().insert(*theme, RoundOutcome::Qualified);
                Some(Trail::Theme(*theme))
            }
            Event::ThemePrioritised { theme, round, rank, recommended_type, .. } => {
                let outcome = RoundOutcome::Prioritised { rank: *rank, recommended_type: *recommended_type };
                self.rounds.entry(*round).or_default().insert(*theme, outcome);
                Some(Trail::Theme(*theme))
            }
            Event::ThemeDeferred { theme, round, to_round, .. } => {
                let outcome = RoundOutcome::Deferred { to_round: *to_round };
                self.rounds.entry(*round).or_default().insert(*theme, outcome);
                Some(Trail::Theme(*theme))
            }
            Event::ThemeRejected { theme, round, reason, .. } => {
                let outcome = RoundOutcome::Rejected { reason: reason.clone() };
                self.rounds.entry(*round).or_default().insert(*theme, outcome);
                Some(Trail::Theme(*theme))
            }
            Event::ThemeWithdrawn { theme, reason } => {
                // Its fate in the last round that qualified it and decided nothing on it since.
                let pending = self.rounds.values_mut().rev().find_map(|outcomes| outcomes.get_mut(theme));
                if let Some(outcome @ RoundOutcome::Qualified) = pending {
                    *outcome = RoundOutcome::Withdrawn { reason: reason.clone() };
                }
                Some(Trail::Theme(*theme))
            }
            Event::ReferenceLeaderAccepted { theme, .. } => Some(Trail::Theme(*theme)),
            Event::NetworkStarted { network, theme, .. } => {
                self.network_theme.insert(*network, *theme);
                Some(Trail::Network(*network))
            }
            Event::ReferenceLeaderAssigned { network, .. }
            | Event::ReferenceLeaderChanged { network, .. }
            | Event::CoDriverAttached { network, .. }
            | Event::CoDriverChanged { network, .. }
            | Event::MandateContractAgreed { network, .. }
            | Event::PhaseEntered { network, .. }
            | Event::TestPhaseBegun { network, .. }
            | Event::NetworkClosed { network, .. }
            | Event::HelpRequested { network, .. }
            | Event::PoliticallyLinked { network, .. }
            | Event::GoalsSet { network, .. }
            | Event::NetworkReplanned { network, .. }
            | Event::ParticipantsJoined { network, .. }
            | Event::OutputRecorded { network, .. } => Some(Trail::Network(*network)),
            Event::UnitRegistered { .. }
            | Event::UnitNamed { .. }
            | Event::OrganisationNamed { .. }
            | Event::PersonRegistered { .. }
            | Event::OrganisationFounded { .. }
            | Event::PersonMoved { .. }
            | Event::PersonRolesChanged { .. }
            | Event::PriorExperienceRegistered { .. }
            | Event::CompetencesAssessed { .. }
            | Event::CohortFormed { .. }
            | Event::TeachingDayAttended { .. }
            | Event::WrittenAssignmentPassed { .. }
            | Event::OralExamPassed { .. }
            | Event::DiplomaAwarded { .. }
            | Event::RotationStarted { .. }
            | Event::RotationEnded { .. } => None,
        };
        let Some(trail) = trail else { return };
        let entry = DecisionRef { position: recorded.position, policy_in_force: self.policy_in_force };
        match trail {
            Trail::Round(round) => self.round_decisions.entry(round).or_default().push(entry),
            Trail::Theme(theme) => self.themes.entry(theme).or_default().push(entry),
            Trail::Network(network) => self.networks.entry(network).or_default().push(entry),
        }
    }
}
