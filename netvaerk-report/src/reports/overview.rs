//! The overview for the chief forum: the portfolio, half-year and competence reports as
//! sections (the HTML page draws its pictures from the read models), and, when asked for, the
//! networks' goals and every theme's audit trail as an appendix.

use netvaerk::{Error, ReadModels};

use crate::content::{Section, Value};
use crate::Appendix;

/// The read model's JSON: the four read models the overview draws.
pub(crate) fn data(models: &ReadModels<'_>) -> Result<String, Error> {
    let (all, names) = (models.all, models.names);
    Ok(crate::json(&serde_json::json!({
        "portfolio": all.portfolio.report(names),
        "half_years": all.portfolio.half_years(),
        "leaders": all.leaders.report(names),
        "competence": all.competence.report(names),
    })))
}

/// The report's sections, the appendix's last.
pub(crate) fn sections(models: &ReadModels<'_>, appendix: Appendix) -> Result<Vec<Section>, Error> {
    let mut sections = super::portfolio::sections(models)?;
    sections.extend(super::halfyear::sections(models)?);
    sections.extend(super::competence::sections(models)?);
    // NW-6: every network's goals and criteria, a row each, would double the printed overview;
    // they go to the appendix with the audit trails (the portfolio report has them too).
    let goals = Value::Say(super::portfolio::GOALS);
    let goals = sections.iter().position(|section| section.title == goals).map(|at| sections.remove(at));
    if appendix == Appendix::Audit {
        let main = sections.len();
        sections.extend(goals);
        for theme in models.all.portfolio.themes.keys() {
            sections.extend(super::audit::sections(models, theme.as_uuid())?);
        }
        for section in &mut sections[main..] {
            section.appendix = true;
        }
    }
    Ok(sections)
}
