//! The load ahead (PR-4): each leader's and co-driver's planned intensive weeks for the next
//! half-year from the running networks' plans, and each personnel leader's staff.

use netvaerk::{Error, ReadModels};
use netvaerk_core::NetworkId;

use crate::content::{Section, Value};
use crate::json;

/// The read model's JSON.
pub(crate) fn data(models: &ReadModels<'_>) -> Result<String, Error> {
    Ok(json(&models.all.forecast.report(models.names)))
}

/// The report's sections (PR-4); empty before any decision.
pub(crate) fn sections(models: &ReadModels<'_>) -> Result<Vec<Section>, Error> {
    let all = models.all;
    let report = all.forecast.report(models.names);
    let report = report.as_ref();
    let themes = |networks: &[NetworkId]| {
        let titles = networks.iter().map(|network| Value::shown_or_dash(all.portfolio.theme_title(*network)));
        Value::joined(titles, "; ")
    };
    let mut load = Section::new(
        Value::Say("Load ahead (PR-4): planned intensive weeks a month, half a year from the last decision"),
        &["person", "month", "weeks"],
    );
    let mut periods = Section::new(
        Value::Say("Intensive periods ahead, by each network's own plan"),
        &["person", "role", "theme", "phase", "from", "to"],
    );
    let mut overloads = Section::new(
        Value::Say("More intensive periods at once than the policy allows (PR-4)"),
        &["person", "from", "to", "at once", "limit", "themes"],
    );
    let mut staff = Section::new(
        Value::Say("Personnel leaders: the intensive weeks ahead of the staff they lend to networks"),
        &["personnel leader", "staff", "weeks", "themes"],
    );
    let limit = report.map_or(0, |report| report.max_intensive_at_once);
    for person in report.map(|report| report.people.as_slice()).unwrap_or_default() {
        for month in &person.load {
            load.row([
                Value::text(&person.person.name),
                Value::text(&month.month),
                Value::Decimal(month.intensive_weeks),
            ]);
        }
        for period in &person.periods {
            periods.row([
                Value::text(&person.person.name),
                Value::label(&period.role),
                Value::shown_or_dash(all.portfolio.theme_title(period.network)),
                Value::Phase(period.phase.clone()),
                Value::Date(period.from),
                Value::Date(period.to),
            ]);
        }
        for overload in &person.overloads {
            overloads.row([
                Value::text(&person.person.name),
                Value::Date(overload.from),
                Value::Date(overload.to),
                Value::count(overload.at_once),
                Value::count(limit),
                themes(&overload.networks),
            ]);
        }
    }
    for personnel_leader in report.map(|report| report.personnel_leaders.as_slice()).unwrap_or_default() {
        for member in &personnel_leader.staff {
            staff.row([
                Value::text(&personnel_leader.personnel_leader.name),
                Value::text(&member.person.name),
                Value::Decimal(member.intensive_weeks),
                themes(&member.networks),
            ]);
        }
    }
    Ok(vec![load, periods, overloads, staff])
}
