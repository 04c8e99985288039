//! The chief forum's half-year round at a glance (TH-2, TH-3): its themes, each criterion's
//! assessment, the ranking, deferrals and rejections, the starts that followed, the overrides.

use netvaerk::{Error, ReadModels};
use netvaerk_core::{AcknowledgedWarning, RoundId};
use netvaerk_projections::{AuditEntry, RoundAudit};

use crate::content::{Section, Value};
use crate::{json, short};

/// The round's audit, or `unknown_round` where the chief forum decided nothing in it.
fn report(models: &ReadModels<'_>, round: RoundId) -> Result<RoundAudit, Error> {
    models.all.audit.round(round, models.names, models.store)?.ok_or_else(|| {
        Error::input(
            "unknown_round",
            Some("round"),
            Some(round.to_string()),
            format!("the chief forum decided nothing in round {round} (as of the date asked)"),
        )
    })
}

/// The read model's JSON.
pub(crate) fn data(models: &ReadModels<'_>, round: RoundId) -> Result<String, Error> {
    Ok(json(&report(models, round)?))
}

/// The round report: the themes on the agenda, the assessments, the ranking and the other
/// fates, the starts that followed, the overrides.
pub(crate) fn sections(models: &ReadModels<'_>, round: RoundId) -> Result<Vec<Section>, Error> {
    let (all, names) = (models.all, models.names);
    let report = report(models, round)?;
    let title = |english: &'static str| {
        Value::concat([Value::Say("Round"), Value::Text(format!(" {round}: ")), Value::Say(english)])
    };
    let mut agenda = Section::new(title("On the agenda"), &["theme", "title", "origin", "what became of it"]);
    let mut assessments = Section::new(title("Assessments (TH-2)"), &["title", "criterion", "met", "note"]);
    let mut starts = Section::new(title("Starts that followed"), &["title", "date", "type", "leader"]);
    let mut overrides =
        Section::new(title("Overridden warnings"), &["date", "rule", "decision", "warning", "rationale"]);
    let mut decisions =
        Section::new(title("Decisions of the round (TH-3)"), &["date", "who", "decision", "why"]);
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
        agenda.row([
            Value::Text(short(theme.theme.as_uuid())),
            Value::text(&theme.title),
            Value::Say(if theme.carried_over { "carried over" } else { "new" }),
            Value::Outcome(theme.outcome.clone()),
        ]);
        for assessment in theme.assessment.iter().flatten() {
            assessments.row([
                Value::text(&theme.title),
                Value::word(assessment.criterion),
                Value::Say(if assessment.met { "met" } else { "not met" }),
                Value::text(&assessment.note),
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
            starts.row([
                Value::text(&theme.title),
                Value::Date(start.occurred_on),
                Value::or_dash(network, |n| Value::word(n.network_type)),
                Value::or_dash(network, |n| Value::Text(names.person(n.leader).name)),
            ]);
        }
    }
    taken.sort_by_key(|entry| (entry.occurred_on, entry.position));
    for entry in taken {
        decisions.row([
            Value::Date(entry.occurred_on),
            Value::text(&entry.actor_name.name),
            Value::Summary(Box::new(entry.event.clone())),
            Value::text(entry.rationale.clone().unwrap_or_default()),
        ]);
    }
    // The round's own overrides (its close's NW-2, NW-3) beside its themes'.
    overridden.sort_by_key(|(entry, _)| (entry.occurred_on, entry.position));
    for (entry, warning) in overridden {
        overrides.row([
            Value::Date(entry.occurred_on),
            Value::Text(warning.warning.rule().to_string()),
            Value::Decision(entry.event_type),
            Value::Warning(warning.warning.clone()),
            Value::text(&warning.rationale),
        ]);
    }
    let goals = super::portfolio::goals(title("Goals of the networks started (NW-6)"), started);
    Ok(vec![agenda, assessments, decisions, starts, goals, overrides])
}
