//! A report's content before its language and format: sections of typed rows. A report (a file
//! of `reports/`, or `list.rs`) says what each cell is: data as recorded, a word of the
//! vocabulary, a date, a count, a warning, a decision; [`Section::say`] puts a whole section in
//! a language once, and the renderers (`text.rs`, `html.rs`, `xlsx.rs`) only lay out what it
//! said.

use chrono::NaiveDate;
use netvaerk_core::{Event, Lang, Warning};
use netvaerk_projections::{summary_in, All, Names, RoundOutcome, Wording};

/// One table of a report, before its language.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Section {
    /// Its title.
    pub(crate) title: Value,
    /// Its columns' headers, in English: said with [`Lang::say`].
    pub(crate) headers: &'static [&'static str],
    /// Its rows, as many cells as headers.
    pub(crate) rows: Vec<Vec<Value>>,
    /// Whether it belongs to the overview's appendix (its audit trails), printed at the end.
    pub(crate) appendix: bool,
}

/// What a cell (or a title) holds, before any language.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// Nothing: a dash.
    Dash,
    /// Data as recorded: a title, a name, a rationale, an id.
    Text(String),
    /// A phrase of the reports, in English: said with [`Lang::say`].
    Say(&'static str),
    /// A word of the vocabulary (a status, a role, a type, a criterion): [`Lang::word`].
    Word(String),
    /// A network's phase by its name: [`Lang::phase`].
    Phase(String),
    /// A business date, written the language's way.
    Date(NaiveDate),
    /// A count.
    Count(u64),
    /// A measure with decimals (a decimal comma in Danish).
    Decimal(f64),
    /// An amount in Danish kroner, its thousands grouped the language's way.
    Kroner(u64),
    /// A warning in words, naming the theme by its title.
    Warning(Warning),
    /// A decision by its event's type (`ThemePrioritised`: "theme prioritised").
    Decision(&'static str),
    /// What became of a theme in a round.
    Outcome(RoundOutcome),
    /// A decision in a line, its people by name.
    Summary(Box<Event>),
    /// Values one after the other, as one text.
    Concat(Vec<Value>),
}

impl Value {
    /// Data as recorded.
    pub(crate) fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// A word of the vocabulary, from its English text (`learning`, `completed`).
    pub(crate) fn word(word: impl ToString) -> Self {
        Self::Word(word.to_string())
    }

    /// A vocabulary word from a serde unit enum's name: `reference_leader` is "reference leader".
    pub(crate) fn label<T: serde::Serialize>(value: &T) -> Self {
        Self::Word(
            serde_json::to_value(value)
                .ok()
                .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                .unwrap_or_default(),
        )
    }

    /// A count, from any integer (a report's counts are far below 2^53, where f64 is exact).
    pub(crate) fn count(count: impl TryInto<u64>) -> Self {
        Self::Count(count.try_into().unwrap_or(u64::MAX))
    }

    /// `value`, or a dash where there is none.
    pub(crate) fn or_dash<T>(value: Option<T>, cell: impl FnOnce(T) -> Value) -> Self {
        value.map_or(Self::Dash, cell)
    }

    /// Data as recorded, from anything displayed, or a dash.
    pub(crate) fn shown_or_dash<T: ToString>(value: Option<T>) -> Self {
        Self::or_dash(value, |value| Self::Text(value.to_string()))
    }

    /// A date, or a dash.
    pub(crate) fn maybe_date(date: Option<NaiveDate>) -> Self {
        Self::or_dash(date, Self::Date)
    }

    /// `parts` one after the other.
    pub(crate) fn concat(parts: impl IntoIterator<Item = Value>) -> Self {
        Self::Concat(parts.into_iter().collect())
    }

    /// `values` with `separator` between them (nothing where there are none).
    pub(crate) fn joined(values: impl IntoIterator<Item = Value>, separator: &str) -> Self {
        let mut parts = Vec::new();
        for value in values {
            if !parts.is_empty() {
                parts.push(Self::Text(separator.to_owned()));
            }
            parts.push(value);
        }
        Self::Concat(parts)
    }

    /// [`Value::joined`], or a dash where there are none.
    pub(crate) fn joined_or_dash(values: impl IntoIterator<Item = Value>, separator: &str) -> Self {
        match Self::joined(values, separator) {
            Self::Concat(parts) if parts.is_empty() => Self::Dash,
            joined => joined,
        }
    }

    /// The value in `lang`: its text, and what it is for a spreadsheet.
    fn say(&self, context: &Context<'_>) -> Cell {
        let lang = context.lang;
        let text = |text: String| Cell { text, kind: Kind::Text };
        match self {
            Self::Date(date) => Cell { text: lang.date(*date), kind: Kind::Date(*date) },
            // Exact: a report's counts are far below 2^53.
            Self::Count(count) => Cell { text: count.to_string(), kind: Kind::Number(*count as f64) },
            Self::Decimal(value) => Cell { text: lang.decimal(*value), kind: Kind::Number(*value) },
            Self::Dash => text("-".to_owned()),
            Self::Text(data) => text(data.clone()),
            Self::Say(english) => text(lang.say(english).to_owned()),
            Self::Word(word) => text(lang.word(word)),
            Self::Phase(phase) => text(lang.phase(phase)),
            Self::Kroner(amount) => text(Wording::kroner(&lang, *amount)),
            Self::Warning(warning) => text(warning_text(context.all, warning, lang)),
            Self::Decision(event_type) => text(decision_name(event_type, lang)),
            Self::Outcome(outcome) => text(outcome_text(outcome, lang)),
            Self::Summary(event) => text(summary_in(event, context.names, &lang)),
            Self::Concat(parts) => text(parts.iter().map(|part| part.say(context).text).collect()),
        }
    }
}

impl Section {
    /// An empty section titled `title`, its columns `headers` (in English).
    pub(crate) fn new(title: Value, headers: &'static [&'static str]) -> Self {
        Self { title, headers, rows: Vec::new(), appendix: false }
    }

    /// Adds a row.
    pub(crate) fn row(&mut self, cells: impl IntoIterator<Item = Value>) {
        self.rows.push(cells.into_iter().collect());
    }

    /// The section in `context`'s language: the one place a report's language is applied.
    pub(crate) fn say(&self, context: &Context<'_>) -> Table {
        let lang = context.lang;
        Table {
            title: self.title.say(context).text,
            headers: self.headers.iter().map(|header| lang.say(header).to_owned()).collect(),
            rows: self
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|value| {
                            let mut cell = value.say(context);
                            if cell.kind == Kind::Text {
                                cell.text = context.markers(cell.text);
                            }
                            cell
                        })
                        .collect()
                })
                .collect(),
            appendix: self.appendix,
        }
    }
}

/// What saying a report needs beside its language: the read models, for the titles and names a
/// warning or a decision names.
pub(crate) struct Context<'a> {
    pub(crate) all: &'a All,
    pub(crate) names: &'a Names,
    pub(crate) lang: Lang,
}

/// The words the read models put where data is gone: a redacted text
/// ([`netvaerk_core::REDACTED_TEXT`]) and a person's name erased or missing. A report shows
/// them in its language.
const MARKERS: [&str; 4] =
    [netvaerk_core::REDACTED_TEXT, "(erased)", "(not in the registry)", "(registry unreadable)"];

impl Context<'_> {
    /// `text` with the markers of missing data in it (a redacted text, an erased name) in the
    /// report's language: in every cell of text, data and words alike.
    fn markers(&self, mut text: String) -> String {
        if self.lang != Lang::En {
            for marker in MARKERS {
                if text.contains(marker) {
                    text = text.replace(marker, self.lang.say(marker));
                }
            }
        }
        text
    }
}

/// A section in a language: what the renderers lay out.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Table {
    pub(crate) title: String,
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
    pub(crate) appendix: bool,
}

impl Table {
    /// A table already in its language (the stamp's block in CSV, tests).
    pub(crate) fn new(title: impl Into<String>, headers: Vec<String>) -> Self {
        Self { title: title.into(), headers, rows: Vec::new(), appendix: false }
    }

    /// Adds a row of text cells.
    pub(crate) fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        self.rows.push(cells.into_iter().map(|text| Cell { text, kind: Kind::Text }).collect());
    }
}

/// A cell in a language: its text, as the text formats print it, and what it is, so that a
/// spreadsheet gets a date as a date and a number as a number instead of guessing from the
/// text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) kind: Kind,
}

/// What a [`Cell`] holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    /// Words (or a dash where there is nothing).
    Text,
    /// A business date.
    Date(NaiveDate),
    /// A count or a measure.
    Number(f64),
}

impl std::ops::Deref for Cell {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

/// A policy's range as the rules state it: `4-5`, or `1` where it is one number.
pub(crate) fn range(range: netvaerk_core::CountRange) -> String {
    if range.min == range.max {
        range.min.to_string()
    } else {
        format!("{}-{}", range.min, range.max)
    }
}

/// A warning in words, naming the theme by its title.
fn warning_text(all: &All, warning: &Warning, lang: Lang) -> String {
    match warning {
        Warning::CriterionNotMet { theme, criterion } => {
            let title =
                all.portfolio.themes.get(theme).map_or_else(|| theme.to_string(), |t| t.title.clone());
            format!("\"{title}\" {} \"{}\"", lang.say("does not meet"), lang.word(&criterion.to_string()))
        }
        Warning::CohortSizeOutsideRange { size, expected, .. } => {
            format!(
                "{} {size}, {} {}",
                lang.say("a cohort of"),
                lang.say("where NS3 trains"),
                range(*expected)
            )
        }
        Warning::CohortSoonerThanInterval { previous_formed_on, months, expected_months, .. } => {
            let every = match lang {
                Lang::En => format!("{expected_months} months"),
                Lang::Da => format!("{expected_months}. måned"),
            };
            format!(
                "{} {months} {} {}, {} {every}",
                lang.say("a cohort"),
                lang.say("months after the cohort of"),
                lang.date(*previous_formed_on),
                lang.say("where NS3 trains one every"),
            )
        }
        other => match lang {
            Lang::En => other.to_string(),
            Lang::Da => other.danish(),
        },
    }
}

/// A decision by its event's type, in words of `lang`: `ThemePrioritised` reads "theme
/// prioritised", in Danish "tema prioriteret" (the glossary holds every event's).
fn decision_name(event_type: &str, lang: Lang) -> String {
    let mut words = String::new();
    for (index, letter) in event_type.char_indices() {
        if letter.is_uppercase() && index > 0 {
            words.push(' ');
        }
        words.extend(letter.to_lowercase());
    }
    lang.word(&words)
}

/// What became of a competing theme in a round.
fn outcome_text(outcome: &RoundOutcome, lang: Lang) -> String {
    match outcome {
        RoundOutcome::Qualified => lang.say("qualified, no decision").to_owned(),
        RoundOutcome::Prioritised { rank, recommended_type } => {
            format!("{} #{rank} ({})", lang.say("prioritised"), lang.word(&recommended_type.to_string()))
        }
        RoundOutcome::Deferred { to_round } => format!("{} {to_round}", lang.say("deferred to")),
        RoundOutcome::Rejected { reason } => format!("{} {reason}", lang.say("rejected:")),
        RoundOutcome::Withdrawn { reason } => format!("{} {reason}", lang.say("withdrawn:")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 27: a report's rows hold what each cell is, in no language; one section says
    /// itself in each language, words, dates and decimals alike, its kinds unchanged, and the
    /// markers of erased data in every cell of text.
    #[test]
    fn one_section_of_typed_rows_is_said_in_each_language_once() {
        let date = NaiveDate::from_ymd_opt(2016, 3, 1).expect("a date");
        let mut section = Section::new(Value::Say("Roles held"), &["person", "role", "from", "weeks"]);
        section.row([
            Value::text("(erased)"),
            Value::concat([Value::Say("closed"), Value::text(": "), Value::word("learning")]),
            Value::Date(date),
            Value::Decimal(1.5),
        ]);
        section.row([Value::text("Karen Lund"), Value::Dash, Value::maybe_date(None), Value::count(3u8)]);
        let (all, names) = (All::default(), Names::default());
        let say = |lang| section.say(&Context { all: &all, names: &names, lang });
        let texts = |table: &Table| -> Vec<Vec<String>> {
            table.rows.iter().map(|row| row.iter().map(|cell| cell.text.clone()).collect()).collect()
        };
        let (english, danish) = (say(Lang::En), say(Lang::Da));
        assert_eq!((english.title.as_str(), english.headers[0].as_str()), ("Roles held", "person"));
        assert_eq!(
            texts(&english),
            [["(erased)", "closed: learning", "2016-03-01", "1.5"], ["Karen Lund", "-", "-", "3"]]
        );
        assert_eq!(danish.title, Lang::Da.say("Roles held"));
        assert_eq!(danish.headers[0], Lang::Da.say("person"));
        assert_eq!(
            texts(&danish)[0],
            [
                Lang::Da.say("(erased)").to_owned(),
                format!("{}: {}", Lang::Da.say("closed"), Lang::Da.word("learning")),
                "01.03.2016".to_owned(),
                "1,5".to_owned()
            ]
        );
        let kinds = |table: &Table| table.rows[0].iter().map(|cell| cell.kind).collect::<Vec<_>>();
        assert_eq!(kinds(&english), [Kind::Text, Kind::Text, Kind::Date(date), Kind::Number(1.5)]);
        assert_eq!(kinds(&english), kinds(&danish));
    }
}
