//! The audit trail of a theme or a network: every decision on it, the round it competed in and
//! the themes beside it, its network's decisions.

use netvaerk::{Error, Lang, ReadModels};
use netvaerk_core::{NetworkId, ThemeId};
use netvaerk_projections::{summary_in, AuditEntry};
use uuid::Uuid;

use crate::{json, name, outcome, short, warning_text, Cell, Document, Format, Section};

/// The audit trail of the theme or network `id`.
pub(crate) fn document(
    models: &ReadModels<'_>,
    id: Uuid,
    format: Format,
    lang: Lang,
) -> Result<Document, Error> {
    let (all, names, log) = (models.all, models.names, models.store);
    let say = |english: &'static str| lang.say(english);
    let decisions = |title: String| Section::new(lang, title, &["date", "who", "decision", "why"]);
    let fill = |section: &mut Section, entries: &[AuditEntry]| {
        for entry in entries {
            let mut summary = summary_in(&entry.event, names, &lang);
            for warning in &entry.acknowledged {
                // The rule, what it found, and why the forum went on: an auditor needs all three.
                summary.push_str(&format!(
                    " [{} {}: {}; {}: {}]",
                    say("overrode"),
                    warning.warning.rule(),
                    warning_text(all, &warning.warning, lang),
                    say("why"),
                    warning.rationale
                ));
            }
            section.row(vec![
                Cell::date(entry.occurred_on, lang),
                name(&entry.actor_name).into(),
                summary.into(),
                entry.rationale.clone().unwrap_or_default().into(),
            ]);
        }
    };
    if let Some(audit) = all.audit.theme(ThemeId::from_uuid(id), names, log)? {
        if format == Format::Json {
            return Ok(Document::Json(json(&audit)));
        }
        let mut theme = decisions(format!("{} \"{}\"", say("Audit trail of the theme"), audit.title));
        fill(&mut theme, &audit.decisions);
        let mut sections = vec![theme];
        for context in &audit.rounds {
            let mut round = Section::new(
                lang,
                format!("{} {}: {}", say("Round"), context.round, say("the other themes")),
                &["theme", "what became of it"],
            );
            for peer in &context.others {
                round.row(vec![peer.title.clone(), outcome(&peer.outcome, lang)]);
            }
            sections.push(round);
        }
        if let Some(network) = &audit.network {
            let mut section = decisions(say("The network that came of it").to_owned());
            fill(&mut section, &network.decisions);
            sections.push(section);
        }
        return Ok(Document::Sections(sections));
    }
    if let Some(audit) = all.audit.network(NetworkId::from_uuid(id), names, log)? {
        if format == Format::Json {
            return Ok(Document::Json(json(&audit)));
        }
        let mut network =
            decisions(format!("{} {}", say("Audit trail of the network"), short(audit.network.as_uuid())));
        fill(&mut network, &audit.decisions);
        return Ok(Document::Sections(vec![network]));
    }
    Err(Error::input(
        "unknown_subject",
        Some("id"),
        Some(id.to_string()),
        format!("there is no theme or network {id} (as of the date asked)"),
    )
    .in_danish(format!("der er intet tema eller netværk {id} (pr. den dato, der blev spurgt om)")))
}
