//! The two languages of the reports and messages, and the glossary that gives the Danish of every fixed English
//! text (`docs/glossary.tsv`, read at compile time). The core's own refusals and warnings have
//! their Danish in `dansk.rs`; this is the vocabulary every crate above it words things in.

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use chrono::NaiveDate;

use thiserror::Error;

use crate::rule::Rule;

/// The glossary: English, a tab, Danish, one entry a line; `#` starts a comment line.
pub const GLOSSARY: &str = include_str!("../../docs/glossary.tsv");

/// A language code that names neither language.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{0:?} is not a report language; use en or da")]
pub struct UnsupportedLanguage(pub String);

/// The language of a report's titles, column headers, vocabulary words and dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Danish: the secretariat's and the chief forum's language.
    Da,
}

impl Lang {
    /// `en` or `da`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Da => "da",
        }
    }

    /// The text of `english`, one of the program's fixed texts, in this language.
    pub fn say(self, english: &'static str) -> &'static str {
        match self {
            Self::En => english,
            Self::Da => translate(english).unwrap_or(english),
        }
    }

    /// A vocabulary word (a status, a type, a role, an outcome) in this language.
    pub fn word(self, english: &str) -> String {
        match self {
            Self::En => english.to_owned(),
            Self::Da => translate(english).map_or_else(|| english.to_owned(), str::to_owned),
        }
    }

    /// A phase's name from a policy's phase plan: the NS3 names (`intensive 2`, `test`) in
    /// this language; a name of the organisation's own stays as written, and is not counted
    /// as untranslated.
    pub fn phase(self, name: &str) -> String {
        if self == Self::En {
            return name.to_owned();
        }
        let (stem, number) = match name.rsplit_once(' ') {
            Some((stem, number)) if number.parse::<u32>().is_ok() => (stem, Some(number)),
            _ => (name, None),
        };
        match glossary().get(stem) {
            Some(danish) => number.map_or_else(|| (*danish).to_owned(), |n| format!("{danish} {n}")),
            None => name.to_owned(),
        }
    }

    /// A business date the language's way: `2016-06-30`, or `30.06.2016` in Danish.
    pub fn date(self, date: NaiveDate) -> String {
        match self {
            Self::En => date.format("%Y-%m-%d").to_string(),
            Self::Da => date.format("%d.%m.%Y").to_string(),
        }
    }

    /// A number with one decimal: `1.5`, or `1,5` in Danish.
    pub fn decimal(self, value: f64) -> String {
        let text = format!("{value:.1}");
        match self {
            Self::En => text,
            Self::Da => text.replace('.', ","),
        }
    }
}

impl FromStr for Lang {
    type Err = UnsupportedLanguage;

    /// `en` or `da` (a language tag such as `da-DK` or a locale such as `da_DK.UTF-8` reads as
    /// its language).
    fn from_str(text: &str) -> Result<Self, UnsupportedLanguage> {
        let language = text.split(['-', '_', '.']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "en" | "c" | "posix" => Ok(Self::En),
            "da" => Ok(Self::Da),
            _ => Err(UnsupportedLanguage(text.to_owned())),
        }
    }
}

/// The glossary's entries, English to Danish.
fn glossary() -> &'static HashMap<&'static str, &'static str> {
    static ENTRIES: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        GLOSSARY
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| line.split_once('\t'))
            .collect()
    })
}

/// The English texts a Danish rendering asked for that the glossary lacks.
static MISSED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn translate(english: &str) -> Option<&'static str> {
    let found = glossary().get(english).copied();
    // A number, an id, a rule id (NW-2) or an empty cell needs no Danish.
    let rule_id = english.parse::<Rule>().is_ok();
    if found.is_none() && !rule_id && english.chars().any(char::is_alphabetic) {
        MISSED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(english.to_owned());
    }
    found
}

/// Every English text a Danish rendering met without a glossary entry since the process
/// started (shown in English meanwhile). The glossary test renders every report in Danish and
/// expects none.
pub fn untranslated() -> Vec<String> {
    MISSED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glossary_line_has_english_and_danish_and_no_english_twice() {
        let mut seen = BTreeSet::new();
        for line in GLOSSARY.lines().filter(|line| !line.starts_with('#') && !line.trim().is_empty()) {
            let (english, danish) = line.split_once('\t').unwrap_or_else(|| panic!("no tab in {line:?}"));
            assert!(!english.trim().is_empty() && !danish.trim().is_empty(), "{line:?}");
            assert!(!danish.contains('\t'), "one tab a line: {line:?}");
            assert!(seen.insert(english), "{english:?} twice");
        }
    }

    #[test]
    fn phases_keep_their_number_and_the_organisations_own_names() {
        assert_eq!(Lang::Da.phase("intensive 3"), "intensiv periode 3");
        assert_eq!(Lang::Da.phase("test"), "testfase");
        assert_eq!(Lang::Da.phase("Kick-off with the mayor"), "Kick-off with the mayor");
        assert_eq!(Lang::En.phase("break 2"), "break 2");
    }

    #[test]
    fn dates_and_decimals_are_written_the_languages_way() {
        let date = NaiveDate::from_ymd_opt(2016, 6, 30).unwrap();
        assert_eq!(Lang::Da.date(date), "30.06.2016");
        assert_eq!(Lang::En.date(date), "2016-06-30");
        assert_eq!(Lang::Da.decimal(1.5), "1,5");
        assert_eq!("da_DK.UTF-8".parse::<Lang>().unwrap(), Lang::Da);
        assert_eq!("C.UTF-8".parse::<Lang>().unwrap(), Lang::En);
    }
}
