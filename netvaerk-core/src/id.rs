//! Identifiers: newtypes over UUID v7, and the half-year round (`2016H2`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// Text that is not a valid id, round, rule id or date.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IdError {
    /// The text does not parse; a round looks like `2016H2`, a rule like `NW-4`, other ids are
    /// UUIDs.
    #[error("{input:?} is not a valid {kind} id (expected {})", expected_form(kind))]
    Malformed {
        /// What kind of id was expected.
        kind: &'static str,
        /// The text given.
        input: String,
    },
    /// The text is not a date.
    #[error("{input:?} is not a date: write 2016-06-30 or 30.06.2016")]
    MalformedDate {
        /// The text given.
        input: String,
    },
}

fn expected_form(kind: &str) -> &'static str {
    match kind {
        "round" => "a half-year like 2016H2",
        "rule" => "a rule id like NW-4",
        _ => "a UUID",
    }
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh id: a UUID v7, so ids sort by creation time.
            ///
            /// This reads the clock, so call it where the command is built, never inside
            /// `decide`: a command carries the ids it creates, which keeps `decide` pure and a
            /// retried command idempotent.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            /// The id wrapping an existing UUID (for tests, imports and fixed example data).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(input: &str) -> Result<Self, IdError> {
                Uuid::parse_str(input.trim()).map(Self).map_err(|_| IdError::Malformed {
                    kind: $kind,
                    input: input.to_owned(),
                })
            }
        }
    };
}

uuid_id!(
    /// An organisation (a municipality, da. *kommune*): the tenant, one event stream each.
    OrganisationId,
    "organisation"
);
uuid_id!(
    /// A unit of the base organisation (da. *direktørområde*, *afdeling*) or the secretariat.
    UnitId,
    "unit"
);
uuid_id!(
    /// A person. Events carry only this id; names live in the person registry beside the log.
    PersonId,
    "person"
);
uuid_id!(
    /// A theme (da. *tema*) proposed to the chief forum.
    ThemeId,
    "theme"
);
uuid_id!(
    /// A network (da. *netværk*).
    NetworkId,
    "network"
);
uuid_id!(
    /// A cohort (da. *hold*) of co-drivers taking the diploma together (CO-2).
    CohortId,
    "cohort"
);

/// A half of a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Half {
    /// January to June.
    H1,
    /// July to December.
    H2,
}

/// A half-year round of the chief forum (TH-3), written `2016H2`. Rounds order by time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoundId {
    year: u16,
    half: Half,
}

impl RoundId {
    /// The round of `year` and `half`.
    pub const fn new(year: u16, half: Half) -> Self {
        Self { year, half }
    }

    /// The half-year that contains `date`.
    pub fn containing(date: NaiveDate) -> Self {
        let half = if date.month() <= 6 { Half::H1 } else { Half::H2 };
        // Years outside u16 cannot occur in a municipality's history; clamp rather than panic.
        let year = u16::try_from(date.year().max(0)).unwrap_or(u16::MAX);
        Self { year, half }
    }

    /// The year.
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// The half.
    pub const fn half(&self) -> Half {
        self.half
    }

    /// The following half-year.
    pub const fn next(&self) -> Self {
        match self.half {
            Half::H1 => Self { year: self.year, half: Half::H2 },
            Half::H2 => Self { year: self.year.saturating_add(1), half: Half::H1 },
        }
    }

    /// The first day of the half-year.
    pub fn first_day(&self) -> NaiveDate {
        let month = match self.half {
            Half::H1 => 1,
            Half::H2 => 7,
        };
        NaiveDate::from_ymd_opt(i32::from(self.year), month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the half-year.
    pub fn last_day(&self) -> NaiveDate {
        let (month, day) = match self.half {
            Half::H1 => (6, 30),
            Half::H2 => (12, 31),
        };
        NaiveDate::from_ymd_opt(i32::from(self.year), month, day).unwrap_or(NaiveDate::MAX)
    }
}

impl fmt::Display for RoundId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let half = match self.half {
            Half::H1 => "H1",
            Half::H2 => "H2",
        };
        write!(f, "{}{half}", self.year)
    }
}

impl FromStr for RoundId {
    type Err = IdError;

    fn from_str(input: &str) -> Result<Self, IdError> {
        let malformed = || IdError::Malformed { kind: "round", input: input.to_owned() };
        let trimmed = input.trim();
        let (year, half) = trimmed.split_at_checked(4).ok_or_else(malformed)?;
        let year: u16 = year.parse().map_err(|_| malformed())?;
        let half = match half {
            "H1" | "h1" => Half::H1,
            "H2" | "h2" => Half::H2,
            _ => return Err(malformed()),
        };
        if year < 1000 {
            return Err(malformed());
        }
        Ok(Self { year, half })
    }
}

impl Serialize for RoundId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for RoundId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RoundId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}H[12]$",
            "description": "A half-year round of the chief forum (TH-3): the year and H1 or H2.",
            "examples": ["2016H2"]
        })
    }
}

impl<'de> Deserialize<'de> for RoundId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A business date as people type it: ISO `2016-06-30`, or the Danish `30.06.2016` (also
/// `30.6.2016` and `30-06-2016`).
pub fn parse_date(input: &str) -> Result<NaiveDate, IdError> {
    let text = input.trim();
    let malformed = || IdError::MalformedDate { input: input.to_owned() };
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date);
    }
    let parts: Vec<&str> = text.split(['.', '-']).collect();
    match parts.as_slice() {
        [day, month, year] if year.len() == 4 && day.len() <= 2 && month.len() <= 2 => {
            let number = |part: &str| part.parse::<u32>().map_err(|_| malformed());
            let year = year.parse::<i32>().map_err(|_| malformed())?;
            NaiveDate::from_ymd_opt(year, number(month)?, number(day)?).ok_or_else(malformed)
        }
        _ => Err(malformed()),
    }
}

/// Serde's reading of a business date in a command: [`parse_date`], the one parser the
/// program and the HTTP service share, so a JSON body may say `2019-01-08` or `08.01.2019`.
/// Written back, a date is always ISO.
pub(crate) fn deserialize_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_date(&text).map_err(serde::de::Error::custom)
}

/// The JSON Schema of a date [`deserialize_date`] reads.
#[cfg(feature = "schema")]
pub(crate) fn date_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}[.-][0-9]{1,2}[.-][0-9]{4})$",
        "description": "A business date: ISO 2019-01-08, or Danish 08.01.2019 (dd.mm.yyyy).",
        "examples": ["2019-01-08", "08.01.2019"]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_business_date_is_read_in_iso_or_the_danish_way() {
        let date = NaiveDate::from_ymd_opt(2016, 6, 30).unwrap();
        for text in ["2016-06-30", "30.06.2016", "30.6.2016", "30-06-2016", " 30.06.2016 "] {
            assert_eq!(parse_date(text).unwrap(), date, "{text}");
        }
        for bad in ["31.06.2016", "2016/06/30", "30.06.16", "", "30.06", "xx.06.2016"] {
            assert!(parse_date(bad).is_err(), "{bad} should not parse");
        }
        assert_eq!(
            parse_date("31.06.2016").unwrap_err().to_string(),
            "\"31.06.2016\" is not a date: write 2016-06-30 or 30.06.2016"
        );
    }

    #[test]
    fn a_date_in_json_is_read_by_the_same_parser() {
        #[derive(Deserialize)]
        struct Dated {
            #[serde(deserialize_with = "deserialize_date")]
            on: NaiveDate,
        }
        let date = NaiveDate::from_ymd_opt(2019, 1, 8).unwrap();
        for text in [r#"{"on":"2019-01-08"}"#, r#"{"on":"08.01.2019"}"#, r#"{"on":"8.1.2019"}"#] {
            assert_eq!(serde_json::from_str::<Dated>(text).unwrap().on, date, "{text}");
        }
        let error = serde_json::from_str::<Dated>(r#"{"on":"31.02.2019"}"#).err().unwrap();
        assert!(error.to_string().contains("write 2016-06-30 or 30.06.2016"), "{error}");
    }

    #[test]
    fn round_parses_displays_and_orders() {
        let round: RoundId = "2016H2".parse().unwrap();
        assert_eq!(round, RoundId::new(2016, Half::H2));
        assert_eq!(round.to_string(), "2016H2");
        assert_eq!(round.next().to_string(), "2017H1");
        assert!(RoundId::new(2016, Half::H1) < round);
        assert!(round < RoundId::new(2017, Half::H1));
        for bad in ["2016", "2016H3", "16H1", "abcdH1", "", "2016H1x"] {
            assert!(bad.parse::<RoundId>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn round_containing_a_date() {
        let date = NaiveDate::from_ymd_opt(2016, 6, 30).unwrap();
        assert_eq!(RoundId::containing(date).to_string(), "2016H1");
        let date = NaiveDate::from_ymd_opt(2016, 7, 1).unwrap();
        assert_eq!(RoundId::containing(date).to_string(), "2016H2");
        assert_eq!(RoundId::containing(date).first_day(), date);
    }

    #[test]
    fn uuid_ids_round_trip_through_text_and_json() {
        let theme = ThemeId::generate();
        assert_eq!(theme.to_string().parse::<ThemeId>().unwrap(), theme);
        let json = serde_json::to_string(&theme).unwrap();
        assert_eq!(serde_json::from_str::<ThemeId>(&json).unwrap(), theme);
        let error = "not-a-uuid".parse::<ThemeId>().unwrap_err();
        assert_eq!(error.to_string(), "\"not-a-uuid\" is not a valid theme id (expected a UUID)");
    }
}
