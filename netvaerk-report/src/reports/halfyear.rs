//! Starts per half-year against NW-2/NW-3, innovation networks against NW-4, and the overrides.

use netvaerk::{Error, Lang, ReadModels};

use crate::{decision_name, json, range, warning_text, Cell, Document, Format, Section};

/// The report's content: the read model's JSON, or its sections.
pub(crate) fn document(models: &ReadModels<'_>, format: Format, lang: Lang) -> Result<Document, Error> {
    let all = models.all;
    let say = |english: &'static str| lang.say(english).to_owned();
    let kept = |kept: bool| say(if kept { "kept" } else { "outside" });
    let rows = all.portfolio.half_years();
    if format == Format::Json {
        return Ok(Document::Json(json(&rows)));
    }
    let mut counts = Section::new(
        lang,
        say("Starts per half-year, each judged by the policy in force on its first day (NW-2: all starts; NW-3: learning, welfare; NW-4: innovation running at its end / limit)"),
        &["half-year", "learning", "welfare", "innov.", "total", "NW-2", "NW-3", "NW-4"],
    );
    let mut overrides =
        Section::new(lang, say("Overridden warnings"), &["date", "rule", "decision", "warning", "rationale"]);
    for row in &rows {
        counts.row(vec![
            row.half_year.to_string().into(),
            Cell::count(row.learning),
            Cell::count(row.welfare),
            Cell::count(row.innovation),
            Cell::count(row.total),
            format!("{} {}", kept(row.nw2_kept), range(row.expected_total)).into(),
            format!(
                "{} {}, {}",
                kept(row.nw3_kept),
                range(row.expected_learning),
                range(row.expected_welfare)
            )
            .into(),
            format!("{}/{}", row.innovation_running_at_end, row.innovation_limit).into(),
        ]);
        for o in &row.overrides {
            overrides.row(vec![
                Cell::date(o.occurred_on, lang),
                o.acknowledged.warning.rule().to_string().into(),
                decision_name(o.event_type, lang).into(),
                warning_text(all, &o.acknowledged.warning, lang).into(),
                o.acknowledged.rationale.clone().into(),
            ]);
        }
    }
    Ok(Document::Sections(vec![counts, overrides]))
}
