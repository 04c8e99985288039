//! The chief forum's half-year round at a glance (TH-2, TH-3): its themes, each criterion's
//! assessment, the ranking, deferrals and rejections, the starts that followed, the overrides.

use netvaerk::{Error, Lang, ReadModels};
use netvaerk_core::{AcknowledgedWarning, RoundId};
use netvaerk_projections::{summary_in, AuditEntry};

use crate::{decision_name, json, name, outcome, short, warning_text, Cell, Document, Format, Section};

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
    // Each meeting's decisions as they were taken: by date, then by their place in the log (a
    // round closes after the prioritisations of its meeting).
    // The networks the round's themes started, for their goals (NW-6).
    let mut started = Vec::new();
    let mut taken: Vec<&AuditEntry> = report.round_decisions.iter().collect();
    let mut overridden: Vec<(&AuditEntry, &AcknowledgedWarning)> = report
        .round_decisions
        .iter()
        .flat_map(|entry| entry.acknowledged.iter().map(move |warning| (entry, warning)))
        .collect();
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
                taken.push(entry);
            }
            overridden.extend(entry.acknowledged.iter().map(|warning| (entry, warning)));
        }
        if let Some(start) = &theme.start {
            let network = all.portfolio.networks.values().find(|network| network.theme == theme.theme);
            started.extend(network.map(|network| (theme.title.as_str(), network)));
            starts.row(vec![
                theme.title.clone().into(),
                Cell::date(start.occurred_on, lang),
                network.map_or_else(|| "-".to_owned(), |n| lang.word(&n.network_type.to_string())).into(),
                network.map_or_else(|| "-".to_owned(), |n| name(&names.person(n.leader))).into(),
            ]);
        }
    }
    taken.sort_by_key(|entry| (entry.occurred_on, entry.position));
    for entry in taken {
        decisions.row(vec![
            Cell::date(entry.occurred_on, lang),
            name(&entry.actor_name).into(),
            summary_in(&entry.event, names, &lang).into(),
            entry.rationale.clone().unwrap_or_default().into(),
        ]);
    }
    // The round's own overrides (its close's NW-2, NW-3) beside its themes'.
    overridden.sort_by_key(|(entry, _)| (entry.occurred_on, entry.position));
    for (entry, warning) in overridden {
        overrides.row(vec![
            Cell::date(entry.occurred_on, lang),
            warning.warning.rule().to_string().into(),
            decision_name(entry.event_type, lang).into(),
            warning_text(all, &warning.warning, lang).into(),
            warning.rationale.clone().into(),
        ]);
    }
    let goals = super::portfolio::goals(lang, title("Goals of the networks started (NW-6)"), started);
    Ok(Document::Sections(vec![agenda, assessments, decisions, starts, goals, overrides]))
}
