//! The closed vocabularies of NS3: network types, origins, criteria, outcomes, roles.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The three network types (NW-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NetworkType {
    /// da. *læringsnetværk*: generates knowledge the organisation lacks.
    Learning,
    /// da. *velfærdsnetværk*: everyday innovation of citizen-near welfare.
    Welfare,
    /// da. *innovationsnetværk*: radical innovation from political visions.
    Innovation,
}

impl NetworkType {
    /// All three, in order.
    pub const ALL: [NetworkType; 3] = [Self::Learning, Self::Welfare, Self::Innovation];
}

impl fmt::Display for NetworkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Learning => "learning",
            Self::Welfare => "welfare",
            Self::Innovation => "innovation",
        })
    }
}

/// Where the demand for a theme comes from (TH-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// From below: employees.
    Below,
    /// From outside: citizens, businesses, partners.
    Outside,
    /// From above: politicians, management.
    Above,
}

/// The seven suitability criteria a theme is assessed on (TH-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// 1. Better welfare for citizens, or better quality where municipality meets citizen.
    CitizenWelfare,
    /// 2. A real, present need wanted solved at top and bottom.
    CurrentChallenge,
    /// 3. Cannot be solved in one department; spans professions.
    CrossCutting,
    /// 4. Hard to define; the good solution is not known in advance.
    Complexity,
    /// 5. New learning.
    NewLearning,
    /// 6. Potential for new, better solutions, with some economic potential.
    Innovation,
    /// 7. Needs citizens, knowledge institutions, businesses, interest groups.
    NewPerspectives,
}

impl Criterion {
    /// All seven, in the order of the theme template.
    pub const ALL: [Criterion; 7] = [
        Self::CitizenWelfare,
        Self::CurrentChallenge,
        Self::CrossCutting,
        Self::Complexity,
        Self::NewLearning,
        Self::Innovation,
        Self::NewPerspectives,
    ];
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CitizenWelfare => "citizen welfare",
            Self::CurrentChallenge => "current challenge",
            Self::CrossCutting => "cross-cutting",
            Self::Complexity => "complexity",
            Self::NewLearning => "new learning",
            Self::Innovation => "innovation",
            Self::NewPerspectives => "new perspectives",
        })
    }
}

/// One criterion's verdict and note, as the chief forum recorded it (TH-2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CriterionAssessment {
    /// Which criterion.
    pub criterion: Criterion,
    /// Whether the theme meets it.
    pub met: bool,
    /// Why, in the forum's words.
    pub note: String,
}

/// How a network ended (TP-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Implemented in the base organisation (welfare, innovation).
    Implemented,
    /// Handed on for scaling (welfare, innovation).
    HandedOnForScaling,
    /// Knowledge shared back into the units (learning).
    KnowledgeShared,
    /// Stopped; needs a reason.
    Stopped,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Implemented => "implemented",
            Self::HandedOnForScaling => "handed on for scaling",
            Self::KnowledgeShared => "knowledge shared",
            Self::Stopped => "stopped",
        })
    }
}

/// Where a network plays up to the political level (ORG-2): "I det omfang velfærdsnetværk
/// spiller op til det politiske niveau, kobles det til fagudvalg", an innovation network "til
/// innovationsudvalg", and the municipal council above both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PoliticalLink {
    /// No political link: the network does not play up to the political level.
    #[serde(rename = "none")]
    Unlinked,
    /// da. *fagudvalg*: a subject committee (a welfare network's).
    SubjectCommittee,
    /// da. *innovationsudvalg*: the innovation committee (an innovation network's).
    InnovationCommittee,
    /// da. *Kommunalbestyrelsen*: the municipal council.
    MunicipalCouncil,
}

impl fmt::Display for PoliticalLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unlinked => "no political link",
            Self::SubjectCommittee => "subject committee",
            Self::InnovationCommittee => "innovation committee",
            Self::MunicipalCouncil => "municipal council",
        })
    }
}

/// What a network produced (TP-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// A product: a solution, a concept, a new way of working.
    Product,
    /// Knowledge shared back to base units ("sætte den genererede viden i spil i egen basis").
    Knowledge,
    /// An effect or value shown to the organisation, the politicians or the city.
    Effect,
    /// A handover to the base, which takes ownership, or on for scaling.
    Handover,
    /// What the test phase showed (TP-1).
    TestResult,
}

impl OutputKind {
    /// Every kind, in order.
    pub const ALL: [Self; 5] =
        [Self::Product, Self::Knowledge, Self::Effect, Self::Handover, Self::TestResult];

    /// Whether an output of this kind names the base units it went to (knowledge shared back,
    /// a handover).
    pub const fn needs_units(self) -> bool {
        matches!(self, Self::Knowledge | Self::Handover)
    }
}

impl fmt::Display for OutputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Product => "product",
            Self::Knowledge => "knowledge shared",
            Self::Effect => "effect",
            Self::Handover => "handover",
            Self::TestResult => "test result",
        })
    }
}

/// What kind of unit (ORG-1, ORG-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// da. *direktørområde*.
    DirectorArea,
    /// da. *afdeling*, under a director area.
    Department,
    /// da. *Sekretariat for Netværksstrukturen* (SNS).
    Secretariat,
}

/// A standing role of a person in the organisation. Network roles (leader, co-driver, reference
/// leader) are not here: they come from the events of each network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    /// A member of the chief forum (da. *chefforum*, CF).
    ChiefForum,
    /// A director (da. *direktør*); directors sit in the chief forum.
    Director,
    /// Staff of the secretariat (SNS).
    Secretariat,
}

/// A role a person holds in one network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkRole {
    /// The network leader.
    Leader,
    /// The co-driver.
    CoDriver,
    /// The reference leader.
    ReferenceLeader,
}

impl std::fmt::Display for NetworkRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Leader => "network leader",
            Self::CoDriver => "co-driver",
            Self::ReferenceLeader => "reference leader",
        })
    }
}

/// The five teaching days of the diploma module (CO-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TeachingDay {
    /// da. *velfærd på ny*.
    WelfareAnew,
    /// da. *værdiskabelse*.
    ValueCreation,
    /// da. *innovation*.
    Innovation,
    /// Facilitation and leadership in networks.
    FacilitationAndLeadership,
    /// The network and the base organisation.
    NetworkAndBase,
}

impl TeachingDay {
    /// All five, in teaching order.
    pub const ALL: [TeachingDay; 5] = [
        Self::WelfareAnew,
        Self::ValueCreation,
        Self::Innovation,
        Self::FacilitationAndLeadership,
        Self::NetworkAndBase,
    ];
}

/// The ten competences of a network leader (NL-3, CD-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Competence {
    /// 1. Thinks others into the task.
    ThinksOthersIn,
    /// 2. Engages and motivates.
    EngagesAndMotivates,
    /// 3. Creates a safe space.
    CreatesSafeSpace,
    /// 4. Curiosity and wonder.
    Curiosity,
    /// 5. Courage to experiment.
    CourageToExperiment,
    /// 6. Sees the strategic agenda.
    SeesStrategicAgenda,
    /// 7. Renegotiates decisions yet ensures progress.
    RenegotiatesYetProgresses,
    /// 8. Communicates and builds support (digital platforms too).
    CommunicatesAndBuildsSupport,
    /// 9. Exploratory.
    Exploratory,
    /// 10. Develops own competences as facilitator and leader.
    DevelopsOwnCompetences,
}

impl Competence {
    /// The ten, in the order NS3 numbers them.
    pub const ALL: [Competence; 10] = [
        Self::ThinksOthersIn,
        Self::EngagesAndMotivates,
        Self::CreatesSafeSpace,
        Self::Curiosity,
        Self::CourageToExperiment,
        Self::SeesStrategicAgenda,
        Self::RenegotiatesYetProgresses,
        Self::CommunicatesAndBuildsSupport,
        Self::Exploratory,
        Self::DevelopsOwnCompetences,
    ];
}

/// A staff function a network may call on (SN-2, da. *hotspots for hjælp*). The seed names
/// five, "kommunikation, design, jura, økonomi, analyse osv.": the list is open, so a hotspot
/// is any staff function, the five ([`Hotspot::NAMED`]) its examples, which the reports put in
/// the reader's language. In JSON it is the function's name, a string (`"design"`, `"hr"`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hotspot(String);

impl Hotspot {
    /// The five the seed names, as their JSON names.
    pub const NAMED: [&'static str; 5] = ["communication", "design", "legal", "finance", "analysis"];
    /// The longest name a hotspot takes, in characters.
    pub const MAX_CHARS: usize = 60;

    /// Communication (da. *kommunikation*).
    pub fn communication() -> Self {
        Self("communication".to_owned())
    }

    /// Design.
    pub fn design() -> Self {
        Self("design".to_owned())
    }

    /// Legal (da. *jura*).
    pub fn legal() -> Self {
        Self("legal".to_owned())
    }

    /// Finance (da. *økonomi*).
    pub fn finance() -> Self {
        Self("finance".to_owned())
    }

    /// Analysis (da. *analyse*).
    pub fn analysis() -> Self {
        Self("analysis".to_owned())
    }

    /// The function's name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it is one of the five the seed names.
    pub fn is_named(&self) -> bool {
        Self::NAMED.contains(&self.0.as_str())
    }
}

impl TryFrom<String> for Hotspot {
    type Error = String;

    /// A staff function's name: trimmed, not empty, one line, at most [`Hotspot::MAX_CHARS`].
    fn try_from(text: String) -> Result<Self, String> {
        let name = text.trim();
        if name.is_empty() {
            return Err("a hotspot names a staff function (communication, design, legal, finance, analysis, or another)".to_owned());
        }
        if name.chars().any(char::is_control) || name.chars().count() > Self::MAX_CHARS {
            return Err(format!("a hotspot is one line of at most {} characters", Self::MAX_CHARS));
        }
        Ok(Self(name.to_owned()))
    }
}

impl From<Hotspot> for String {
    fn from(hotspot: Hotspot) -> Self {
        hotspot.0
    }
}

impl std::str::FromStr for Hotspot {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::try_from(text.to_owned())
    }
}

impl fmt::Display for Hotspot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Hotspot {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Hotspot".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": Self::MAX_CHARS,
            "examples": Self::NAMED,
            "description": "A staff function a network calls on (SN-2): the seed names communication, design, legal, finance and analysis, \"osv.\" (any other, e.g. hr)."
        })
    }
}

/// What a phase of a network is (PR-5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// The start, with the chief forum (learning networks).
    Start,
    /// An intensive period (welfare and innovation; counts towards the leader's load, PR-4).
    Intensive,
    /// A break between intensive periods.
    Break,
    /// Working sessions (learning networks).
    Working,
    /// The test phase (TP-1); entered with `BeginTestPhase`.
    Test,
    /// Implementation in the base organisation.
    Implementation,
    /// The close, with the chief forum (learning networks).
    Close,
}
