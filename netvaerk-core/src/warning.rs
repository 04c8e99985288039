//! Warnings from advisory rules, and how a decision acknowledges them.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::id::{CohortId, NetworkId, PersonId, RoundId, ThemeId};
use crate::policy::CountRange;
use crate::rule::Rule;
use crate::vocabulary::{Criterion, NetworkType};

/// What an advisory rule found. A decision that raises warnings is refused unless each warning's
/// rule is acknowledged with a rationale; acknowledged warnings are written into the event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// TH-2: the theme does not meet a required criterion.
    CriterionNotMet {
        /// The theme.
        theme: ThemeId,
        /// The criterion assessed as not met.
        criterion: Criterion,
    },
    /// NW-2: the number of networks started (or planned) in a half-year is outside the range.
    StartsOutsideRange {
        /// The half-year.
        half_year: RoundId,
        /// How many there would be.
        count: u32,
        /// The range the policy expects.
        expected: CountRange,
    },
    /// NW-3: the number of networks of one type in a half-year is outside the usual mix.
    TypeMixOutsideRange {
        /// The half-year.
        half_year: RoundId,
        /// The type.
        network_type: NetworkType,
        /// How many there would be.
        count: u32,
        /// The range the policy expects.
        expected: CountRange,
    },
    /// NW-5: the network starts as another type than the chief forum recommended for its theme.
    TypeNotRecommended {
        /// The theme.
        theme: ThemeId,
        /// The type recommended when it was prioritised (TH-3).
        recommended: NetworkType,
        /// The type it starts as.
        network_type: NetworkType,
    },
    /// RL-3: a later reference leader from outside the chief forum ("som udgangspunkt placeret
    /// i chefforum, men det kan evt. ændres efter behov senere i forløbet").
    ReferenceLeaderOutsideForum {
        /// The network.
        network: NetworkId,
        /// The new reference leader.
        person: PersonId,
    },
    /// RL-4: a welfare or innovation network enters an intensive period without a mandate
    /// contract, so its personnel leader has not agreed the load.
    NoMandateContract {
        /// The network.
        network: NetworkId,
        /// The intensive period it enters.
        phase: String,
    },
    /// CO-2: a cohort's size is outside the range.
    CohortSizeOutsideRange {
        /// The cohort.
        cohort: CohortId,
        /// Its size.
        size: u32,
        /// The range the policy expects.
        expected: CountRange,
    },
    /// CO-5: a cohort formed sooner after the one before than the policy's interval
    /// ("afholdes uddannelse hvert 1½ år").
    CohortSoonerThanInterval {
        /// The cohort.
        cohort: CohortId,
        /// The cohort formed before it.
        previous: CohortId,
        /// When that one was formed.
        previous_formed_on: NaiveDate,
        /// Whole months between the two.
        months: u32,
        /// The interval the policy expects, in months.
        expected_months: u32,
    },
    /// ORG-5: a chief-forum decision dated on a day the organisation's calendar holds no
    /// meeting of the chief forum ("chefforums løbende møder"), such as a written procedure.
    OffMeetingDay {
        /// The decision's date.
        on: NaiveDate,
        /// The calendar's next meeting after it, if any.
        next: Option<NaiveDate>,
    },
}

impl Warning {
    /// The advisory rule that raised the warning.
    pub const fn rule(&self) -> Rule {
        match self {
            Self::CriterionNotMet { .. } => Rule::Th2,
            Self::StartsOutsideRange { .. } => Rule::Nw2,
            Self::TypeMixOutsideRange { .. } => Rule::Nw3,
            Self::NoMandateContract { .. } => Rule::Rl4,
            Self::CohortSizeOutsideRange { .. } => Rule::Co2,
            Self::CohortSoonerThanInterval { .. } => Rule::Co5,
            Self::TypeNotRecommended { .. } => Rule::Nw5,
            Self::ReferenceLeaderOutsideForum { .. } => Rule::Rl3,
            Self::OffMeetingDay { .. } => Rule::Org5,
        }
    }
}

/// The finding, then its rule in brackets, from [`Warning::rule`] (the one place it is named).
impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f)?;
        write!(f, " ({})", self.rule())
    }
}

impl Warning {
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CriterionNotMet { theme, criterion } => {
                write!(f, "theme {theme} does not meet the criterion \"{criterion}\"")
            }
            Self::StartsOutsideRange { half_year, count, expected } => write!(
                f,
                "{count} networks in {half_year}, where NS3 starts {}-{} a half-year",
                expected.min, expected.max
            ),
            Self::TypeMixOutsideRange { half_year, network_type, count, expected } => write!(
                f,
                "{count} {network_type} networks in {half_year}, where NS3 usually has {}-{}",
                expected.min, expected.max
            ),
            Self::TypeNotRecommended { theme, recommended, network_type } => write!(
                f,
                "theme {theme} starts as a {network_type} network, where the chief forum recommended {recommended}"
            ),
            Self::ReferenceLeaderOutsideForum { network, person } => write!(
                f,
                "{person}, the new reference leader of network {network}, does not sit in the chief forum"
            ),
            Self::NoMandateContract { network, phase } => write!(
                f,
                "network {network} enters {phase} without a mandate contract between its leader, reference leader, personnel leader and the secretariat"
            ),
            Self::CohortSizeOutsideRange { cohort, size, expected } => write!(
                f,
                "cohort {cohort} has {size} co-drivers, where NS3 trains {}-{}",
                expected.min, expected.max
            ),
            Self::CohortSoonerThanInterval { cohort, previous_formed_on, months, expected_months, .. } => write!(
                f,
                "cohort {cohort} is formed {months} months after the cohort of {previous_formed_on}, where NS3 trains a cohort every {expected_months} months"
            ),
            Self::OffMeetingDay { on, next } => {
                write!(f, "the chief forum decides on {on}, when its calendar holds no meeting")?;
                match next {
                    Some(next) => write!(f, " (the next is on {next})"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// A command's acknowledgement of the warnings of one advisory rule, with the rationale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// The advisory rule acknowledged (every warning it raises in this decision).
    pub rule: Rule,
    /// Why the decision goes ahead anyway. Must not be blank.
    pub rationale: String,
}

impl Acknowledgement {
    /// Acknowledges the warnings of `rule` with `rationale`.
    pub fn new(rule: Rule, rationale: impl Into<String>) -> Self {
        Self { rule, rationale: rationale.into() }
    }
}

/// A warning that a decision overrode, as recorded in the event: the audit trail shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AcknowledgedWarning {
    /// What the advisory rule found.
    pub warning: Warning,
    /// Why the decision went ahead.
    pub rationale: String,
}
