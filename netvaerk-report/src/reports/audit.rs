//! The audit trail of a theme or a network: every decision on it, the round it competed in and
//! the themes beside it, its network's decisions.

use netvaerk::{Error, ReadModels};
use netvaerk_core::{NetworkId, ThemeId};
use netvaerk_projections::{AuditEntry, NetworkAudit, ThemeAudit};
use uuid::Uuid;

use crate::content::{Section, Value};
use crate::{json, short};

/// What an id names: a theme or a network.
enum Subject {
    Theme(ThemeAudit),
    Network(NetworkAudit),
}

/// The audit trail of the theme or network `id`, or `unknown_subject`.
fn subject(models: &ReadModels<'_>, id: Uuid) -> Result<Subject, Error> {
    let (all, names, log) = (models.all, models.names, models.store);
    if let Some(audit) = all.audit.theme(ThemeId::from_uuid(id), names, log)? {
        return Ok(Subject::Theme(audit));
    }
    if let Some(audit) = all.audit.network(NetworkId::from_uuid(id), names, log)? {
        return Ok(Subject::Network(audit));
    }
    Err(Error::input(
        "unknown_subject",
        Some("id"),
        Some(id.to_string()),
        format!("there is no theme or network {id} (as of the date asked)"),
    )
    .in_danish(format!("der er intet tema eller netværk {id} (pr. den dato, der blev spurgt om)")))
}

/// The read model's JSON.
pub(crate) fn data(models: &ReadModels<'_>, id: Uuid) -> Result<String, Error> {
    Ok(match subject(models, id)? {
        Subject::Theme(audit) => json(&audit),
        Subject::Network(audit) => json(&audit),
    })
}

/// A section of decisions, a row each: when, who, what (with the warnings it overrode: the
/// rule, what it found, and why the forum went on; an auditor needs all three), why.
fn decisions(title: Value, entries: &[AuditEntry]) -> Section {
    let mut section = Section::new(title, &["date", "who", "decision", "why"]);
    for entry in entries {
        let overrode = entry.acknowledged.iter().map(|warning| {
            Value::concat([
                Value::text(" ["),
                Value::Say("overrode"),
                Value::Text(format!(" {}: ", warning.warning.rule())),
                Value::Warning(warning.warning.clone()),
                Value::text("; "),
                Value::Say("why"),
                Value::Text(format!(": {}]", warning.rationale)),
            ])
        });
        section.row([
            Value::Date(entry.occurred_on),
            Value::text(&entry.actor_name.name),
            Value::concat(std::iter::once(Value::Summary(Box::new(entry.event.clone()))).chain(overrode)),
            Value::text(entry.rationale.clone().unwrap_or_default()),
        ]);
    }
    section
}

/// The audit trail of the theme or network `id`.
pub(crate) fn sections(models: &ReadModels<'_>, id: Uuid) -> Result<Vec<Section>, Error> {
    match subject(models, id)? {
        Subject::Theme(audit) => {
            let title = Value::concat([
                Value::Say("Audit trail of the theme"),
                Value::Text(format!(" \"{}\"", audit.title)),
            ]);
            let mut sections = vec![decisions(title, &audit.decisions)];
            for context in &audit.rounds {
                let mut round = Section::new(
                    Value::concat([
                        Value::Say("Round"),
                        Value::Text(format!(" {}: ", context.round)),
                        Value::Say("the other themes"),
                    ]),
                    &["theme", "what became of it"],
                );
                for peer in &context.others {
                    round.row([Value::text(&peer.title), Value::Outcome(peer.outcome.clone())]);
                }
                sections.push(round);
            }
            if let Some(network) = &audit.network {
                sections.push(decisions(Value::Say("The network that came of it"), &network.decisions));
            }
            Ok(sections)
        }
        Subject::Network(audit) => {
            let title = Value::concat([
                Value::Say("Audit trail of the network"),
                Value::Text(format!(" {}", short(audit.network.as_uuid()))),
            ]);
            Ok(vec![decisions(title, &audit.decisions)])
        }
    }
}
