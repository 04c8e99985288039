//! The load ahead (PR-4): each leader's and co-driver's planned intensive weeks for the next
//! half-year from the running networks' plans, and each personnel leader's staff.

use netvaerk::{Error, Lang, ReadModels};
use netvaerk_core::NetworkId;
use netvaerk_projections::{All, ForecastReport};

use crate::{json, label, name, theme_title, Cell, Document, Format, Section};

/// The report's content: the read model's JSON, or its sections.
pub(crate) fn document(models: &ReadModels<'_>, format: Format, lang: Lang) -> Result<Document, Error> {
    let all = models.all;
    let names = models.names;
    let report = all.forecast.report(names);
    if format == Format::Json {
        return Ok(Document::Json(json(&report)));
    }
    Ok(Document::Sections(forecast(all, report.as_ref(), lang)))
}

/// The forecast's sections (PR-4); empty before any decision.
fn forecast(all: &All, report: Option<&ForecastReport>, lang: Lang) -> Vec<Section> {
    let say = |english: &'static str| lang.say(english).to_owned();
    let themes = |networks: &[NetworkId]| {
        networks.iter().map(|network| theme_title(all, *network)).collect::<Vec<_>>().join("; ")
    };
    let mut load = Section::new(
        lang,
        say("Load ahead (PR-4): planned intensive weeks a month, half a year from the last decision"),
        &["person", "month", "weeks"],
    );
    let mut periods = Section::new(
        lang,
        say("Intensive periods ahead, by each network's own plan"),
        &["person", "role", "theme", "phase", "from", "to"],
    );
    let mut overloads = Section::new(
        lang,
        say("More intensive periods at once than the policy allows (PR-4)"),
        &["person", "from", "to", "at once", "limit", "themes"],
    );
    let mut staff = Section::new(
        lang,
        say("Personnel leaders: the intensive weeks ahead of the staff they lend to networks"),
        &["personnel leader", "staff", "weeks", "themes"],
    );
    let limit = report.map_or(0, |report| report.max_intensive_at_once);
    for person in report.map(|report| report.people.as_slice()).unwrap_or_default() {
        for month in &person.load {
            load.row(vec![
                name(&person.person).into(),
                month.month.clone().into(),
                Cell::decimal(month.intensive_weeks, lang),
            ]);
        }
        for period in &person.periods {
            periods.row(vec![
                name(&person.person).into(),
                lang.word(&label(&period.role)).into(),
                theme_title(all, period.network).into(),
                lang.phase(&period.phase).into(),
                Cell::date(period.from, lang),
                Cell::date(period.to, lang),
            ]);
        }
        for overload in &person.overloads {
            overloads.row(vec![
                name(&person.person).into(),
                Cell::date(overload.from, lang),
                Cell::date(overload.to, lang),
                Cell::count(overload.at_once),
                Cell::count(limit),
                themes(&overload.networks).into(),
            ]);
        }
    }
    for personnel_leader in report.map(|report| report.personnel_leaders.as_slice()).unwrap_or_default() {
        for member in &personnel_leader.staff {
            staff.row(vec![
                name(&personnel_leader.personnel_leader).into(),
                name(&member.person).into(),
                Cell::decimal(member.intensive_weeks, lang),
                themes(&member.networks).into(),
            ]);
        }
    }
    vec![load, periods, overloads, staff]
}
