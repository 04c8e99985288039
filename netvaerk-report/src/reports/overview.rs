//! The overview for the chief forum: the portfolio, half-year and competence reports as
//! sections (the HTML page draws its pictures from the read models), and, when asked for, the
//! networks' goals and every theme's audit trail as an appendix.

use netvaerk::{Error, Lang, ReadModels};

use crate::{Appendix, Document, Format, Report};

/// The report's content: the read model's JSON, or its sections, the appendix's last.
pub(crate) fn document(
    models: &ReadModels<'_>,
    format: Format,
    lang: Lang,
    appendix: Appendix,
) -> Result<Document, Error> {
    let all = models.all;
    let names = models.names;
    if format == Format::Json {
        let json = serde_json::json!({
            "portfolio": all.portfolio.report(names),
            "half_years": all.portfolio.half_years(),
            "leaders": all.leaders.report(names),
            "competence": all.competence.report(names),
        });
        return Ok(Document::Json(crate::json(&json)));
    }
    let mut sections = Vec::new();
    for part in [Report::Portfolio, Report::HalfYear, Report::Competence] {
        if let Document::Sections(more) = crate::document(models, &part, format, lang)? {
            sections.extend(more);
        }
    }
    // NW-6: every network's goals and criteria, a row each, would double the printed overview;
    // they go to the appendix with the audit trails (the portfolio report has them too).
    let goals_title = lang.say("Goals and success criteria (NW-6)");
    let goals =
        sections.iter().position(|section| section.title == goals_title).map(|at| sections.remove(at));
    if appendix == Appendix::Audit {
        sections.extend(goals.map(|section| crate::Section { appendix: true, ..section }));
        for theme in all.portfolio.themes.keys() {
            if let Document::Sections(more) =
                crate::document(models, &Report::Audit(theme.as_uuid()), format, lang)?
            {
                sections.extend(more.into_iter().map(|section| crate::Section { appendix: true, ..section }));
            }
        }
    }
    Ok(Document::Sections(sections))
}
