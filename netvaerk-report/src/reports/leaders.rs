//! Every role each person held, and their load (PR-4).

use netvaerk::{Error, Lang, ReadModels};

use crate::{json, label, name, theme_title, Cell, Document, Format, Section};

/// The report's content: the read model's JSON, or its sections.
pub(crate) fn document(models: &ReadModels<'_>, format: Format, lang: Lang) -> Result<Document, Error> {
    let all = models.all;
    let names = models.names;
    let say = |english: &'static str| lang.say(english).to_owned();
    let report = all.leaders.report(names);
    if format == Format::Json {
        return Ok(Document::Json(json(&report)));
    }
    let mut spells = Section::new(lang, say("Roles held"), &["person", "role", "theme", "from", "to"]);
    let mut load =
        Section::new(lang, say("Load (PR-4): intensive weeks a month"), &["person", "month", "weeks"]);
    for history in &report {
        for spell in &history.spells {
            spells.row(vec![
                name(&history.person).into(),
                lang.word(&label(&spell.role)).into(),
                spell
                    .note
                    .clone()
                    .unwrap_or_else(|| {
                        spell.network.map_or_else(|| "-".to_owned(), |network| theme_title(all, network))
                    })
                    .into(),
                Cell::date(spell.from, lang),
                Cell::maybe_date(spell.to, lang),
            ]);
        }
        for month in &history.load {
            load.row(vec![
                name(&history.person).into(),
                month.month.clone().into(),
                Cell::decimal(month.intensive_weeks, lang),
            ]);
        }
    }
    Ok(Document::Sections(vec![spells, load]))
}
