//! The rule ids of `docs/NS3.md` that the core enforces, so errors and warnings can name the
//! rule they apply; a rule id in [`Rule`] means `decide` refuses or warns under it. The rules
//! it leaves to people, to the policy's defaults or to a report are [`LEFT_TO_PEOPLE`], each
//! with the reason. A test (`tests/it/rules_document.rs`) reads the document and fails when one
//! of its rule ids is in neither list, or has no test named after it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::id::IdError;

macro_rules! rules {
    ($($variant:ident = $text:literal, $advisory:literal;)*) => {
        /// A rule of NS3 by its id (`NW-4` is [`Rule::Nw4`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(missing_docs)] // each variant is the rule id it spells; NS3.md is the doc
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// Every rule id the library knows.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The id as NS3.md writes it, e.g. `"NW-4"`.
            pub const fn id(&self) -> &'static str {
                match self {
                    $(Rule::$variant => $text,)*
                }
            }

            /// Whether the rule is advisory: breaking it raises a warning that the decision
            /// must acknowledge, rather than refusing the decision. A hard rule may have an
            /// advisory part as well, whose warnings are acknowledged the same way: NW-5's
            /// start as another type than recommended, RL-3's later reference leader from
            /// outside the chief forum.
            pub const fn is_advisory(&self) -> bool {
                match self {
                    $(Rule::$variant => $advisory,)*
                }
            }
        }
    };
}

rules! {
    Org1 = "ORG-1", false;
    Org2 = "ORG-2", false;
    Org3 = "ORG-3", false;
    Org5 = "ORG-5", true;
    Th1 = "TH-1", false;
    Th2 = "TH-2", true;
    Th3 = "TH-3", false;
    Th4 = "TH-4", false;
    Nw2 = "NW-2", true;
    Nw3 = "NW-3", true;
    Nw4 = "NW-4", false;
    Nw5 = "NW-5", false;
    Nw6 = "NW-6", false;
    Nl1 = "NL-1", false;
    Nl2 = "NL-2", false;
    Nl3 = "NL-3", false;
    Cd1 = "CD-1", false;
    Cd2 = "CD-2", false;
    Rl1 = "RL-1", false;
    Rl2 = "RL-2", false;
    Rl3 = "RL-3", false;
    Rl4 = "RL-4", false;
    Rl5 = "RL-5", false;
    Pr5 = "PR-5", false;
    Tp1 = "TP-1", false;
    Tp2 = "TP-2", false;
    Tp3 = "TP-3", false;
    Tp4 = "TP-4", false;
    Co2 = "CO-2", true;
    Co3 = "CO-3", false;
    Co5 = "CO-5", true;
    Sn1 = "SN-1", false;
    Sn2 = "SN-2", false;
    Au1 = "AU-1", false;
    Au2 = "AU-2", false;
    Au3 = "AU-3", false;
    Au4 = "AU-4", false;
    Au5 = "AU-5", false;
    Au6 = "AU-6", false;
    Au7 = "AU-7", false;
    Au8 = "AU-8", false;
}

/// The rules of `docs/NS3.md` that `decide` does not refuse or warn under, with why: what is
/// a judgement of people, a default of the [`Policy`](crate::Policy), or a report's to show.
pub const LEFT_TO_PEOPLE: &[(&str, &str)] = &[
    ("ORG-4", "the secretariat's make-up is the organisation's; that it does not decide in the chief forum is ORG-3's refusal"),
    ("NW-1", "the three types are the vocabulary (`NetworkType`); what differs by type is refused under the rule it touches (PR-5's plans, RL-1's and RL-3's reference leaders, TP-2's outcomes)"),
    ("CD-3", "choosing a co-driver on the theme and the ten competences is a judgement; the competences are recorded (NL-3)"),
    ("PR-1", "the welfare plan's length is a default of the policy (`Policy::ns3`), which PR-5 enforces"),
    ("PR-2", "the innovation plan is a default of the policy, the welfare plan's unless changed"),
    ("PR-3", "the learning plan's length is a default of the policy"),
    ("PR-4", "a person's load is a projection, not a decision to refuse: the leaders report shows it behind, the forecast report ahead from each running network's own plan, flagging where the plans put a person in more intensive periods at once than the policy's max_intensive_at_once"),
    ("CO-1", "co-driving then the diploma is a reading of NL-1 the policy can switch on (`LeaderQualification::DiplomaAndCoDriven`); NL-2 refuses under it"),
    ("CO-4", "the diploma's cost split and price are the policy's (`DiplomaCost`), which the competence report shows in places and kroner; no decision depends on them"),
];

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Rule {
    type Err = IdError;

    fn from_str(input: &str) -> Result<Self, IdError> {
        let wanted = input.trim();
        Rule::ALL
            .iter()
            .copied()
            .find(|rule| rule.id().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| IdError::Malformed { kind: "rule", input: input.to_owned() })
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Rule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rule".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = Rule::ALL.iter().map(|rule| rule.id()).collect();
        schemars::json_schema!({
            "type": "string",
            "enum": ids,
            "description": "An NS3 rule id (docs/NS3.md).",
        })
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_id_round_trips() {
        for rule in Rule::ALL {
            assert_eq!(rule.id().parse::<Rule>().unwrap(), *rule);
            let json = serde_json::to_string(rule).unwrap();
            assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), *rule);
        }
        assert_eq!("nw-4".parse::<Rule>().unwrap(), Rule::Nw4);
        assert!("NW-9".parse::<Rule>().is_err());
    }

    #[test]
    fn advisory_rules_are_the_ones_ns3_calls_advisory() {
        let advisory: Vec<_> = Rule::ALL.iter().filter(|r| r.is_advisory()).map(|r| r.id()).collect();
        // ORG-5's calendar is the library's reading of "løbende møder én gang månedligt": a
        // decision off a meeting day is not void, so it warns.
        assert_eq!(advisory, ["ORG-5", "TH-2", "NW-2", "NW-3", "CO-2", "CO-5"]);
    }
}
