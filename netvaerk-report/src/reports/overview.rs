//! The overview for the chief forum: the portfolio, half-year and competence reports and every
//! theme's audit trail, as sections (the HTML page draws its pictures from the read models).

use netvaerk::{Error, Lang, ReadModels};

use crate::{Document, Format, Report};

/// The report's content: the read model's JSON, or its sections.
pub(crate) fn document(models: &ReadModels<'_>, format: Format, lang: Lang) -> Result<Document, Error> {
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
    let themes = all.portfolio.themes.keys().map(|theme| Report::Audit(theme.as_uuid()));
    for part in [Report::Portfolio, Report::HalfYear, Report::Competence].into_iter().chain(themes) {
        if let Document::Sections(more) = crate::document(models, &part, format, lang)? {
            sections.extend(more);
        }
    }
    Ok(Document::Sections(sections))
}
