//! Starts per half-year against NW-2/NW-3, innovation networks against NW-4, the chief forum's
//! rounds and meetings (TH-3, ORG-5), and the overrides.

use netvaerk::{Error, Lang, ReadModels};
use netvaerk_core::PolicyValue;

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
        say("Starts per half-year, each judged by the policy in force when its round closed, else on its first day (NW-2: all starts; NW-3: learning, welfare; NW-4: innovation running at its end / limit)"),
        &["half-year", "learning", "welfare", "innov.", "total", "NW-2", "NW-3", "NW-4"],
    );
    let mut overrides =
        Section::new(lang, say("Overridden warnings"), &["date", "rule", "decision", "warning", "rationale"]);
    let mut forum = Section::new(
        lang,
        say("The chief forum's half-years: its round (TH-3) and its meetings against the policy's rhythm (ORG-5)"),
        &["half-year", "round opened", "meetings", "policy"],
    );
    let unknown = || say("unknown (not in the source)");
    for row in &rows {
        let knows = |value| !row.unknown.contains(&value);
        forum.row(vec![
            row.half_year.to_string().into(),
            row.round_opened_on.map_or_else(|| say("no round (TH-3)").into(), |on| Cell::date(on, lang)),
            match row.expected_meetings {
                Some(expected) => format!("{} / {expected}", row.meetings),
                None if row.meetings > 0 => row.meetings.to_string(),
                None => "-".to_owned(),
            }
            .into(),
            row.structure
                .clone()
                .map_or_else(
                    || "-".to_owned(),
                    |name| if row.unknown.is_empty() { name } else { format!("{name}: {}", unknown()) },
                )
                .into(),
        ]);
        let nw2 = if knows(PolicyValue::StartsPerHalfYear) {
            format!("{} {}", kept(row.nw2_kept), range(row.expected_total))
        } else {
            unknown()
        };
        let nw3 = if knows(PolicyValue::TypeMix) {
            format!(
                "{} {}, {}",
                kept(row.nw3_kept),
                range(row.expected_learning),
                range(row.expected_welfare)
            )
        } else {
            unknown()
        };
        let nw4 = if knows(PolicyValue::InnovationLimit) {
            format!("{}/{}", row.innovation_running_at_end, row.innovation_limit)
        } else {
            format!("{}/?", row.innovation_running_at_end)
        };
        counts.row(vec![
            row.half_year.to_string().into(),
            Cell::count(row.learning),
            Cell::count(row.welfare),
            Cell::count(row.innovation),
            Cell::count(row.total),
            nw2.into(),
            nw3.into(),
            nw4.into(),
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
    Ok(Document::Sections(vec![counts, forum, overrides]))
}
