//! Persons, units, themes, networks and cohorts by what people type: the full id, the short id
//! that report tables print (the id's last eight hex digits), or a name (a person's name, a
//! unit's name, a theme's title; a network goes by its theme's title, a cohort by the date it
//! was formed). A name may be the whole name or, where only one matches, a part of it; case is
//! ignored. An ambiguous text is refused with the candidates listed.
//!
//! ```
//! use netvaerk_report::lookup::{Kind, Lookup};
//! use netvaerk::{AsOf, Service};
//! use std::sync::Arc;
//!
//! let service = Service::new(Arc::new(netvaerk_store::MemoryStore::new()));
//! let organisation = netvaerk_core::OrganisationId::generate();
//! let lookup = service.read_models(organisation, AsOf::Now, |models| Lookup::new(&models))?;
//! let error = lookup.find(Kind::Person, "Karen").unwrap_err();
//! assert_eq!(error.code(), "unknown_reference");
//! # Ok::<(), netvaerk::Error>(())
//! ```

use std::fmt;

use uuid::Uuid;

use netvaerk::Error;
use netvaerk::ReadModels;

/// What kind of thing a text names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A person, by name.
    Person,
    /// A unit, by name.
    Unit,
    /// A theme, by title.
    Theme,
    /// A network, by its theme's title.
    Network,
    /// A cohort, by the date it was formed (2016-09-01).
    Cohort,
    /// A theme or, where no theme matches, a network: what an audit trail is of.
    Subject,
}

impl Kind {
    /// The kind's name in errors: `person`, `unit`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Unit => "unit",
            Self::Theme => "theme",
            Self::Network => "network",
            Self::Cohort => "cohort",
            Self::Subject => "theme or network",
        }
    }

    /// The kind's name in Danish, one and several: `tema`, `temaer`.
    pub fn danish(self) -> (&'static str, &'static str) {
        match self {
            Self::Person => ("person", "personer"),
            Self::Unit => ("enhed", "enheder"),
            Self::Theme => ("tema", "temaer"),
            Self::Network => ("netværk", "netværk"),
            Self::Cohort => ("hold", "hold"),
            Self::Subject => ("tema eller netværk", "temaer eller netværk"),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One thing that can be named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its kind.
    pub kind: Kind,
    /// Its id.
    pub id: Uuid,
    /// Its name, as lists print it.
    pub name: String,
}

/// Everything of an organisation that can be named, as of the read models' date.
#[derive(Clone, Debug, Default)]
pub struct Lookup {
    candidates: Vec<Candidate>,
}

/// The id's last eight hex digits, as tables print it.
pub fn short_id(id: Uuid) -> String {
    let text = id.simple().to_string();
    text[text.len() - 8..].to_owned()
}

impl Lookup {
    /// The persons, units, themes, networks and cohorts of `models`.
    pub fn new(models: &ReadModels<'_>) -> Self {
        let all = models.all;
        let mut candidates = Vec::new();
        let mut add = |kind, id: Uuid, name: String| candidates.push(Candidate { kind, id, name });
        for person in all.directory.persons.keys() {
            add(Kind::Person, person.as_uuid(), models.names.person(*person).name);
        }
        for unit in all.directory.units.keys() {
            add(Kind::Unit, unit.as_uuid(), all.directory.unit_name(*unit));
        }
        for (id, theme) in &all.portfolio.themes {
            add(Kind::Theme, id.as_uuid(), theme.title.clone());
        }
        for (id, network) in &all.portfolio.networks {
            let title = all.portfolio.themes.get(&network.theme).map(|theme| theme.title.clone());
            add(Kind::Network, id.as_uuid(), title.unwrap_or_else(|| short_id(id.as_uuid())));
        }
        for (id, cohort) in &all.competence.cohorts {
            add(Kind::Cohort, id.as_uuid(), cohort.formed_on.to_string());
        }
        Self { candidates }
    }

    /// A lookup among `candidates` (as a remote caller makes one from the server's lists).
    pub fn from_candidates(candidates: Vec<Candidate>) -> Self {
        Self { candidates }
    }

    /// What has the id `id`, of any kind.
    pub fn named(&self, id: Uuid) -> Option<&Candidate> {
        self.candidates.iter().find(|candidate| candidate.id == id)
    }

    /// Every candidate of `kind`, in the order of their ids.
    pub fn all(&self, kind: Kind) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().filter(move |candidate| matches(kind, candidate.kind))
    }

    /// The id `text` names among the things of `kind`: a full id (returned as it is, known or
    /// not: the decision says if it is unknown), a short id, or a name. Refused as
    /// `unknown_reference` when nothing matches and `ambiguous_reference`, with the
    /// candidates, when several do.
    pub fn find(&self, kind: Kind, text: &str) -> Result<Uuid, Error> {
        let wanted = text.trim();
        if let Ok(id) = Uuid::parse_str(wanted) {
            return Ok(id);
        }
        let lower = wanted.to_lowercase();
        let hex = lower.len() >= 4 && lower.chars().all(|c| c.is_ascii_hexdigit());
        let by_id = |c: &Candidate| hex && c.id.simple().to_string().ends_with(&lower);
        if kind == Kind::Subject && !self.all(Kind::Subject).any(by_id) {
            // A theme's title also names its network: the theme (whose trail holds the
            // network's) comes first. A short id is an id: where it ends a theme's and a
            // network's, it is ambiguous like any other (the tiers below).
            return self.find(Kind::Theme, wanted).or_else(|error| match error.code() {
                "unknown_reference" => self.find(Kind::Network, wanted),
                _ => Err(error),
            });
        }
        let tiers: [&dyn Fn(&Candidate) -> bool; 3] = [&by_id, &|c| c.name.to_lowercase() == lower, &|c| {
            !lower.is_empty() && c.name.to_lowercase().contains(&lower)
        }];
        for tier in tiers {
            let found: Vec<&Candidate> = self.all(kind).filter(|c| tier(c)).collect();
            match found.as_slice() {
                [] => continue,
                [one] => return Ok(one.id),
                several => {
                    let names: Vec<String> =
                        several.iter().take(10).map(|c| format!("{} ({})", c.name, short_id(c.id))).collect();
                    let more = several.len().saturating_sub(10);
                    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                    let danish_more = if several.len() > 10 {
                        format!(" og {} flere", several.len() - 10)
                    } else {
                        String::new()
                    };
                    return Err(Error::input(
                        "ambiguous_reference",
                        Some(kind.name()),
                        Some(wanted.to_owned()),
                        format!(
                            "{wanted:?} names {} {}: {}{more}; give more of the name or the id",
                            several.len(),
                            if kind == Kind::Subject {
                                "themes or networks".to_owned()
                            } else {
                                format!("{kind}s")
                            },
                            names.join(", ")
                        ),
                    )
                    .in_danish(format!(
                        "{wanted:?} passer på {} {}: {}{danish_more}; skriv mere af navnet eller id'et",
                        several.len(),
                        kind.danish().1,
                        names.join(", ")
                    )));
                }
            }
        }
        Err(Error::input(
            "unknown_reference",
            Some(kind.name()),
            Some(wanted.to_owned()),
            format!("no {kind} has the id, short id or name {wanted:?} (netvaerk list shows them)"),
        )
        .in_danish(format!(
            "ingen {} har id'et, det korte id eller navnet {wanted:?} (netvaerk list viser dem)",
            kind.danish().0
        )))
    }
}

fn matches(wanted: Kind, kind: Kind) -> bool {
    wanted == kind || (wanted == Kind::Subject && matches!(kind, Kind::Theme | Kind::Network))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(kind: Kind, id: &str, name: &str) -> Candidate {
        Candidate { kind, id: Uuid::parse_str(id).expect("an id"), name: name.to_owned() }
    }

    /// An audit trail's subject: a title names the theme before its network, but a short id
    /// that ends both a theme's and a network's id is refused with both, not taken as the
    /// theme's without a word.
    #[test]
    fn a_short_id_of_a_theme_and_a_network_alike_is_ambiguous_and_a_title_is_the_themes() {
        let lookup = Lookup::from_candidates(vec![
            candidate(Kind::Theme, "0190ab00-0000-7000-8000-000000000021", "Sundhed"),
            candidate(Kind::Network, "0190ab00-0000-7000-8001-000000000021", "Sundhed"),
            candidate(Kind::Network, "0190ab00-0000-7000-8001-000000000042", "Trivsel"),
        ]);
        let error = lookup.find(Kind::Subject, "00000021").expect_err("two subjects end so");
        assert_eq!(error.code(), "ambiguous_reference");
        assert!(error.to_string().contains("Sundhed (00000021)"), "{error}");
        let theme = Uuid::parse_str("0190ab00-0000-7000-8000-000000000021").expect("an id");
        assert_eq!(lookup.find(Kind::Subject, "sundhed").expect("the theme"), theme);
        let network = Uuid::parse_str("0190ab00-0000-7000-8001-000000000042").expect("an id");
        assert_eq!(lookup.find(Kind::Subject, "00000042").expect("the network"), network);
        assert_eq!(lookup.find(Kind::Subject, "Trivsel").expect("the network"), network);
    }
}
