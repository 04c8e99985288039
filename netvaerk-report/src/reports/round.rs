//! The chief forum's half-year round at a glance (TH-2, TH-3): its themes, each criterion's
//! assessment, the ranking, deferrals and rejections, the starts that followed, the overrides.

use netvaerk::{Error, Lang, ReadModels};
use netvaerk_core::RoundId;
use netvaerk_projections::summary_in;

use crate::{
    decision_name, json, name, outcome, short, warning_text, Cell, Document, Format, Section, Value,
};

/// The round report: the themes on the agenda, the assessments, the ranking and the other
/// fates, the starts that followed, the overrides.
pub(crate) fn document(
    models: &ReadModels<'_>,
    round: RoundId,
    format: Format,
    lang: Lang,
) -> Result<Document, Error> {
    let (all, names) = (models.all, models.names);
    let say = |english: &'static str| lang.say(english);
    let Some(report) = all.audit.round(round, names, models.store)? else {
        return Err(Error::input(
            "unknown_round",
            Some("round"),
            Some(round.to_string()),
            format!("the chief forum decided nothing in round {round} (as of the date asked)"),
        ));
    };
    if format == Format::Json {
        return Ok(Document::Json(json(&report)));
    }
    let title = |english: &'static str| format!("{} {round}: {}", say("Round"), say(english));
    let mut agenda =
        Section::new(lang, title("On the agenda"), &["theme", "title", "origin", "what became of it"]);
    let mut assessments =
        Section::new(lang, title("Assessments (TH-2)"), &["title", "criterion", "met", "note"]);
    let mut starts = Section::new(lang, title("Starts that followed"), &["title", "date", "type", "leader"]);
    let mut overrides = Section::new(
        lang,
        title("Overridden warnings"),
        &["date", "rule", "decision", "warning", "rationale"],
    );
    let mut decisions =
        Section::new(lang, title("Decisions of the round (TH-3)"), &["date", "who", "decision", "why"]);
    for entry in &report.round_decisions {
        decisions.row(vec![
            Cell::date(entry.occurred_on, lang),
            name(&entry.actor_name).into(),
            summary_in(&entry.event, names, &lang).into(),
            entry.rationale.clone().unwrap_or_default().into(),
        ]);
    }
    for theme in &report.themes {
        agenda.row(vec![
            short(theme.theme.as_uuid()),
            theme.title.clone(),
            say(if theme.carried_over { "carried over" } else { "new" }).to_owned(),
            outcome(&theme.outcome, lang),
        ]);
        for assessment in theme.assessment.iter().flatten() {
            assessments.row(vec![
                theme.title.clone(),
                lang.word(&assessment.criterion.to_string()),
                say(if assessment.met { "met" } else { "not met" }).to_owned(),
                assessment.note.clone(),
            ]);
        }
        for entry in theme.decisions.iter().chain(&theme.start) {
            if entry.event_type != "ThemeQualified" && entry.event_type != "NetworkStarted" {
                decisions.row(vec![
                    Cell::date(entry.occurred_on, lang),
                    name(&entry.actor_name).into(),
                    summary_in(&entry.event, names, &lang).into(),
                    entry.rationale.clone().unwrap_or_default().into(),
                ]);
            }
            for warning in &entry.acknowledged {
                overrides.row(vec![
                    Cell::date(entry.occurred_on, lang),
                    warning.warning.rule().to_string().into(),
                    decision_name(entry.event_type, lang).into(),
                    warning_text(all, &warning.warning, lang).into(),
                    warning.rationale.clone().into(),
                ]);
            }
        }
        if let Some(start) = &theme.start {
            let network = all.portfolio.networks.values().find(|network| network.theme == theme.theme);
            starts.row(vec![
                theme.title.clone().into(),
                Cell::date(start.occurred_on, lang),
                network.map_or_else(|| "-".to_owned(), |n| lang.word(&n.network_type.to_string())).into(),
                network.map_or_else(|| "-".to_owned(), |n| name(&names.person(n.leader))).into(),
            ]);
        }
    }
    // By date, not by its text: a Danish date (30.06.2016) does not sort as text.
    decisions.rows.sort_by(|a, b| match (a.first().map(|c| c.value), b.first().map(|c| c.value)) {
        (Some(Value::Date(a)), Some(Value::Date(b))) => a.cmp(&b),
        _ => std::cmp::Ordering::Equal,
    });
    Ok(Document::Sections(vec![agenda, assessments, decisions, starts, overrides]))
}
