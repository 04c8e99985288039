//! Every role each person held, and their load (PR-4).

use netvaerk::{Error, ReadModels};

use crate::content::{Section, Value};
use crate::json;

/// The read model's JSON.
pub(crate) fn data(models: &ReadModels<'_>) -> Result<String, Error> {
    Ok(json(&models.all.leaders.report(models.names)))
}

/// The report's sections.
pub(crate) fn sections(models: &ReadModels<'_>) -> Result<Vec<Section>, Error> {
    let all = models.all;
    let mut spells = Section::new(Value::Say("Roles held"), &["person", "role", "theme", "from", "to"]);
    let mut load =
        Section::new(Value::Say("Load (PR-4): intensive weeks a month"), &["person", "month", "weeks"]);
    for history in &all.leaders.report(models.names) {
        for spell in &history.spells {
            let theme = match (&spell.note, spell.network) {
                (Some(note), _) => Value::text(note),
                (None, Some(network)) => Value::shown_or_dash(all.portfolio.theme_title(network)),
                (None, None) => Value::Dash,
            };
            spells.row([
                Value::text(&history.person.name),
                Value::label(&spell.role),
                theme,
                Value::Date(spell.from),
                Value::maybe_date(spell.to),
            ]);
        }
        for month in &history.load {
            load.row([
                Value::text(&history.person.name),
                Value::text(&month.month),
                Value::Decimal(month.intensive_weeks),
            ]);
        }
    }
    Ok(vec![spells, load])
}
