//! Reports as text: tables for an 80-column terminal, Markdown, CSV, JSON.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use netvaerk::core::{NetworkId, ThemeId};
use netvaerk::projections::{All, Names, PersonRef};
use netvaerk::store::EventStore;
use uuid::Uuid;

use crate::cli::{Format, ReportKind};

const WIDTH: usize = 80;

/// A progress bar on standard error, hidden when that is not a terminal.
pub fn progress(length: u64, label: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len}") {
        bar.set_style(style);
    }
    bar.set_message(label);
    bar
}

/// One table of a report.
struct Section {
    title: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Section {
    fn new(title: impl Into<String>, headers: &[&'static str]) -> Self {
        Self { title: title.into(), headers: headers.to_vec(), rows: Vec::new() }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

/// The last eight hex digits: UUID v7s made close together share their first digits.
fn short(id: Uuid) -> String {
    let text = id.simple().to_string();
    text[text.len() - 8..].to_owned()
}

fn name(person: &PersonRef) -> String {
    person.name.clone()
}

/// The serde name of a unit enum, in words: `reference_leader` reads "reference leader".
fn label<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// Renders `which` in `format`.
pub fn report(
    all: &All,
    which: &ReportKind,
    format: Format,
    names: &Names,
    log: &dyn EventStore,
) -> Result<String, String> {
    let json = |value: serde_json::Value| Ok(serde_json::to_string_pretty(&value).unwrap_or_default() + "\n");
    let sections = match which {
        ReportKind::Portfolio => {
            let report = all.portfolio.report(names);
            if format == Format::Json {
                return json(serde_json::to_value(&report).unwrap_or_default());
            }
            let mut networks = Section::new("Networks", &["network", "theme", "type", "leader", "now"]);
            for row in &report.networks {
                let network = &row.network;
                let now = match network.outcome {
                    Some(outcome) => format!("closed: {outcome}"),
                    None => or_dash(network.phase.as_ref()),
                };
                networks.row(vec![
                    short(network.network.as_uuid()),
                    row.theme_title.clone(),
                    network.network_type.to_string(),
                    name(&row.leader_name),
                    now,
                ]);
            }
            let mut themes = Section::new("Themes", &["theme", "title", "status", "round", "rank", "type"]);
            for theme in &report.themes {
                themes.row(vec![
                    short(theme.theme.as_uuid()),
                    theme.title.clone(),
                    theme.status.to_string(),
                    or_dash(theme.round),
                    or_dash(theme.rank),
                    or_dash(theme.recommended_type),
                ]);
            }
            let mut summary = Section::new("Innovation networks (NW-4)", &["running", "limit"]);
            summary.row(vec![report.innovation_running.to_string(), report.innovation_limit.to_string()]);
            vec![networks, themes, summary]
        }
        ReportKind::Halfyear => {
            let rows = all.portfolio.half_years();
            if format == Format::Json {
                return json(serde_json::to_value(&rows).unwrap_or_default());
            }
            let mut counts = Section::new(
                "Starts per half-year (NW-2: 4-5, NW-3: 1 learning, 3-4 welfare; NW-4: innovation running)",
                &["half-year", "learning", "welfare", "innov.", "total", "NW-2", "NW-3", "NW-4"],
            );
            let mut overrides =
                Section::new("Overridden warnings", &["date", "rule", "decision", "warning", "rationale"]);
            for row in &rows {
                let kept = |kept: bool| if kept { "kept" } else { "outside" }.to_owned();
                counts.row(vec![
                    row.half_year.to_string(),
                    row.learning.to_string(),
                    row.welfare.to_string(),
                    row.innovation.to_string(),
                    row.total.to_string(),
                    kept(row.nw2_kept),
                    kept(row.nw3_kept),
                    format!("{}/{}", row.innovation_running_at_end, row.innovation_limit),
                ]);
                for o in &row.overrides {
                    overrides.row(vec![
                        o.occurred_on.to_string(),
                        o.acknowledged.warning.rule().to_string(),
                        o.event_type.to_owned(),
                        warning_text(all, &o.acknowledged.warning),
                        o.acknowledged.rationale.clone(),
                    ]);
                }
            }
            vec![counts, overrides]
        }
        ReportKind::Leaders => {
            let report = all.leaders.report(names);
            if format == Format::Json {
                return json(serde_json::to_value(&report).unwrap_or_default());
            }
            let theme_of = |network: Option<NetworkId>| {
                network
                    .and_then(|n| all.portfolio.networks.get(&n))
                    .and_then(|n| all.portfolio.themes.get(&n.theme))
                    .map_or_else(|| "-".to_owned(), |t| t.title.clone())
            };
            let mut spells = Section::new("Roles held", &["person", "role", "theme", "from", "to"]);
            let mut load =
                Section::new("Load (PR-4): intensive weeks a month", &["person", "month", "weeks"]);
            for history in &report {
                for spell in &history.spells {
                    spells.row(vec![
                        name(&history.person),
                        label(&spell.role),
                        spell.note.clone().unwrap_or_else(|| theme_of(spell.network)),
                        spell.from.to_string(),
                        or_dash(spell.to),
                    ]);
                }
                for month in &history.load {
                    load.row(vec![
                        name(&history.person),
                        month.month.clone(),
                        format!("{:.1}", month.intensive_weeks),
                    ]);
                }
            }
            vec![spells, load]
        }
        ReportKind::Competence => {
            let report = all.competence.report(names);
            if format == Format::Json {
                return json(serde_json::to_value(&report).unwrap_or_default());
            }
            let mut tracks = Section::new(
                "Competence tracks",
                &["person", "stage", "days", "written", "oral", "diploma", "may lead"],
            );
            for row in &report.tracks {
                let yes = |b: bool| if b { "yes" } else { "-" }.to_owned();
                let may_lead = if row.may_lead.len() == 3 {
                    vec!["all types".to_owned()]
                } else {
                    row.may_lead.iter().map(ToString::to_string).collect()
                };
                tracks.row(vec![
                    name(&row.person),
                    label(&row.stage),
                    format!("{}/5", row.teaching_days),
                    yes(row.written),
                    yes(row.oral),
                    yes(row.diploma),
                    may_lead.join(", "),
                ]);
            }
            let mut cohorts = Section::new(
                "Cohorts (CO-2: 12-15; CO-4: 2/3 department, 1/3 secretariat)",
                &["cohort", "formed", "size", "CO-2", "diplomas", "departments"],
            );
            for cohort in &report.cohorts {
                cohorts.row(vec![
                    short(cohort.cohort.as_uuid()),
                    cohort.formed_on.to_string(),
                    cohort.size.to_string(),
                    if cohort.within_range { "kept" } else { "outside" }.to_owned(),
                    cohort.diplomas.to_string(),
                    cohort.cost_split.len().to_string(),
                ]);
            }
            let mut pool = Section::new("The pool of qualified leaders (NL-1)", &["person"]);
            for person in &report.pool {
                pool.row(vec![name(person)]);
            }
            vec![tracks, cohorts, pool]
        }
        ReportKind::Audit { id } => {
            let decisions = |title: String| Section::new(title, &["date", "who", "decision", "why"]);
            let fill = |section: &mut Section, entries: &[netvaerk::projections::AuditEntry]| {
                for entry in entries {
                    let mut summary = entry.summary.clone();
                    for warning in &entry.acknowledged {
                        summary.push_str(&format!(" [overrode {}]", warning.warning.rule()));
                    }
                    section.row(vec![
                        entry.occurred_on.to_string(),
                        name(&entry.actor_name),
                        summary,
                        entry.rationale.clone().unwrap_or_default(),
                    ]);
                }
            };
            let unreadable = |error: netvaerk::projections::ProjectionError| error.to_string();
            if let Some(audit) = all.audit.theme(ThemeId::from_uuid(*id), names, log).map_err(unreadable)? {
                if format == Format::Json {
                    return json(serde_json::to_value(&audit).unwrap_or_default());
                }
                let mut theme = decisions(format!("Audit trail of the theme \"{}\"", audit.title));
                fill(&mut theme, &audit.decisions);
                let mut sections = vec![theme];
                for context in &audit.rounds {
                    let mut round = Section::new(
                        format!("Round {}: the other themes", context.round),
                        &["theme", "what became of it"],
                    );
                    for peer in &context.others {
                        round.row(vec![peer.title.clone(), outcome(&peer.outcome)]);
                    }
                    sections.push(round);
                }
                if let Some(network) = &audit.network {
                    let mut section = decisions("The network that came of it".to_owned());
                    fill(&mut section, &network.decisions);
                    sections.push(section);
                }
                sections
            } else if let Some(audit) =
                all.audit.network(NetworkId::from_uuid(*id), names, log).map_err(unreadable)?
            {
                if format == Format::Json {
                    return json(serde_json::to_value(&audit).unwrap_or_default());
                }
                let mut network =
                    decisions(format!("Audit trail of the network {}", short(audit.network.as_uuid())));
                fill(&mut network, &audit.decisions);
                vec![network]
            } else {
                return Err(format!("there is no theme or network {id} (as of the date asked)"));
            }
        }
    };
    Ok(match format {
        Format::Table => sections.iter().map(table).collect::<Vec<_>>().join("\n"),
        Format::Md => sections.iter().map(markdown).collect::<Vec<_>>().join("\n"),
        Format::Csv => sections.first().map(csv).unwrap_or_default(),
        Format::Json => unreachable!("JSON returns above"),
    })
}

/// A warning in words, naming the theme by its title.
fn warning_text(all: &All, warning: &netvaerk::core::Warning) -> String {
    use netvaerk::core::Warning;
    match warning {
        Warning::CriterionNotMet { theme, criterion } => {
            let title =
                all.portfolio.themes.get(theme).map_or_else(|| theme.to_string(), |t| t.title.clone());
            format!("\"{title}\" does not meet \"{criterion}\"")
        }
        Warning::CohortSizeOutsideRange { size, expected, .. } => {
            format!("a cohort of {size}, where NS3 trains {}-{}", expected.min, expected.max)
        }
        other => other.to_string(),
    }
}

fn outcome(outcome: &netvaerk::projections::RoundOutcome) -> String {
    use netvaerk::projections::RoundOutcome;
    match outcome {
        RoundOutcome::Qualified => "qualified, no decision".to_owned(),
        RoundOutcome::Prioritised { rank, recommended_type } => {
            format!("prioritised #{rank} ({recommended_type})")
        }
        RoundOutcome::Deferred { to_round } => format!("deferred to {to_round}"),
        RoundOutcome::Rejected { reason } => format!("rejected: {reason}"),
    }
}

/// Word-wraps `text` into lines of at most `width` characters (breaking long words).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        let needed = if line.is_empty() {
            word.chars().count()
        } else {
            line.chars().count() + 1 + word.chars().count()
        };
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A table that fits 80 columns: the widest columns give way first, and their cells wrap.
fn table(section: &Section) -> String {
    let columns = section.headers.len();
    let mut widths: Vec<usize> = section.headers.iter().map(|h| h.chars().count()).collect();
    for row in &section.rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let budget = WIDTH.saturating_sub(2 * (columns - 1));
    while widths.iter().sum::<usize>() > budget {
        let Some(widest) = widths.iter().copied().max().filter(|w| *w > 6) else { break };
        if let Some(width) = widths.iter_mut().find(|w| **w == widest) {
            *width -= 1;
        }
    }
    let line = |cells: Vec<String>| {
        let wrapped: Vec<Vec<String>> =
            cells.iter().zip(&widths).map(|(cell, width)| wrap(cell, *width)).collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let mut text = String::new();
        for index in 0..height {
            let padded: Vec<String> = wrapped
                .iter()
                .zip(&widths)
                .map(|(lines, width)| format!("{:<width$}", lines.get(index).map_or("", String::as_str)))
                .collect();
            text.push_str(padded.join("  ").trim_end());
            text.push('\n');
        }
        text
    };
    let mut out = wrap(&section.title, WIDTH).join("\n") + "\n";
    out.push_str(&line(section.headers.iter().map(|h| (*h).to_owned()).collect()));
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)).collect()));
    if section.rows.is_empty() {
        out.push_str("(none)\n");
    }
    for row in &section.rows {
        out.push_str(&line(row.clone()));
    }
    out
}

fn markdown(section: &Section) -> String {
    let escape = |cell: &str| cell.replace('|', "\\|");
    let mut out = format!(
        "### {}\n\n| {} |\n|{}|\n",
        section.title,
        section.headers.join(" | "),
        "---|".repeat(section.headers.len())
    );
    for row in &section.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

fn csv(section: &Section) -> String {
    let field = |cell: &str| {
        if cell.contains([',', '"', '\n']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.to_owned()
        }
    };
    let mut out = section.headers.join(",") + "\n";
    for row in &section.rows {
        out.push_str(&(row.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\n"));
    }
    out
}
