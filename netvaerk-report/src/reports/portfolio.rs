//! Themes by status and networks by type and phase, the innovation networks against NW-4, and what
//! the networks produced (TP-3, TP-4).

use std::collections::BTreeSet;

use netvaerk::{Error, Lang, ReadModels};
use netvaerk_core::{NetworkType, OutputKind, UnitId};
use netvaerk_projections::{All, NetworkEntry, PortfolioReport};

use crate::{json, name, or_dash, short, Cell, Document, Format, Section};

/// The report's content: the read model's JSON, or its sections.
pub(crate) fn document(models: &ReadModels<'_>, format: Format, lang: Lang) -> Result<Document, Error> {
    let all = models.all;
    let names = models.names;
    let say = |english: &'static str| lang.say(english).to_owned();
    let report = all.portfolio.report(names);
    if format == Format::Json {
        return Ok(Document::Json(json(&report)));
    }
    let mut networks = Section::new(lang, say("Networks"), &["network", "theme", "type", "leader", "now"]);
    // The networks' roles and dates beside them, in a table of their own so that both fit
    // 80 columns (item 9 of the NS3 third pass).
    let mut roles = Section::new(
        lang,
        say("Networks: co-drivers, reference leaders and dates"),
        &["network", "co-driver", "reference leader", "from", "to"],
    );
    for row in &report.networks {
        let network = &row.network;
        let now = match network.outcome {
            Some(outcome) => format!("{}: {}", say("closed"), lang.word(&outcome.to_string())),
            None => network.phase.as_ref().map_or_else(|| "-".to_owned(), |phase| lang.phase(phase)),
        };
        networks.row(vec![
            short(network.network.as_uuid()),
            row.theme_title.clone(),
            lang.word(&network.network_type.to_string()),
            name(&row.leader_name),
            now,
        ]);
        let co_drivers: Vec<String> = row.co_driver_names.iter().map(name).collect();
        roles.row(vec![
            short(network.network.as_uuid()).into(),
            or_dash(Some(co_drivers.join(", ")).filter(|names| !names.is_empty())).into(),
            row.reference_leader_name.as_ref().map_or_else(|| "-".to_owned(), name).into(),
            Cell::date(network.started_on, lang),
            Cell::maybe_date(network.ended_on, lang),
        ]);
    }
    let mut themes =
        Section::new(lang, say("Themes"), &["theme", "title", "status", "round", "rank", "type"]);
    for theme in &report.themes {
        themes.row(vec![
            short(theme.theme.as_uuid()).into(),
            theme.title.clone().into(),
            lang.word(&theme.status.to_string()).into(),
            or_dash(theme.round).into(),
            theme.rank.map_or_else(|| Cell::from("-".to_owned()), Cell::count),
            theme.recommended_type.map_or_else(|| "-".to_owned(), |t| lang.word(&t.to_string())).into(),
        ]);
    }
    let mut summary = Section::new(lang, say("Innovation networks (NW-4)"), &["running", "limit"]);
    summary.row(vec![Cell::count(report.innovation_running), Cell::count(report.innovation_limit)]);
    let (produced, participants) = products(all, &report, lang);
    // ORG-2: where the networks play up to the political level, as their reference leaders judged.
    let mut political = Section::new(
        lang,
        say("Political links (ORG-2)"),
        &["network", "political link", "committee", "judged by", "date"],
    );
    for row in &report.networks {
        if let Some(judged) = &row.network.political_link {
            political.row(vec![
                short(row.network.network.as_uuid()).into(),
                lang.word(&judged.link.to_string()).into(),
                or_dash(judged.committee.as_ref()).into(),
                name(&names.person(judged.judged_by)).into(),
                Cell::date(judged.judged_on, lang),
            ]);
        }
    }
    let goals = goals(
        lang,
        say("Goals and success criteria (NW-6)"),
        report.networks.iter().map(|row| (row.theme_title.as_str(), &row.network)),
    );
    Ok(Document::Sections(vec![networks, roles, themes, summary, goals, produced, participants, political]))
}

/// NW-6: each network's goals and success criteria, a row each, numbered as set; once its
/// close judged them, whether each criterion was met. A network without goals shows a row
/// saying so, so the gap is seen.
pub(crate) fn goals<'a>(
    lang: Lang,
    title: String,
    networks: impl IntoIterator<Item = (&'a str, &'a NetworkEntry)>,
) -> Section {
    let say = |english: &'static str| lang.say(english).to_owned();
    let mut section = Section::new(lang, title, &["theme", "kind", "no.", "text", "met"]);
    for (theme, network) in networks {
        let Some(goals) = &network.goals else {
            let dash = || "-".to_owned();
            section.row(vec![theme.to_owned(), dash(), dash(), say("(no goals recorded)"), dash()]);
            continue;
        };
        for (number, goal) in (1..).zip(&goals.goals) {
            section.row(vec![
                theme.to_owned().into(),
                say("goal").into(),
                Cell::count(number),
                goal.clone().into(),
                "-".to_owned().into(),
            ]);
        }
        for (number, criterion) in (1u32..).zip(&goals.success_criteria) {
            let met = match &network.criteria_met {
                Some(met) if met.contains(&number) => say("met"),
                Some(_) => say("not met"),
                None => "-".to_owned(),
            };
            section.row(vec![
                theme.to_owned().into(),
                say("success criterion").into(),
                Cell::count(number),
                criterion.clone().into(),
                met.into(),
            ]);
        }
    }
    section
}

/// The units' names, joined.
fn unit_names(all: &All, units: impl IntoIterator<Item = UnitId>) -> String {
    let names: Vec<String> = units.into_iter().map(|unit| all.directory.unit_name(unit)).collect();
    if names.is_empty() {
        "-".to_owned()
    } else {
        names.join(", ")
    }
}

/// What the networks produced (TP-4), and who took part from which units (TP-3): a learning
/// network's participants put its knowledge into play in their own units, so the table shows
/// how many of their units a recorded sharing of knowledge reached.
fn products(all: &All, report: &PortfolioReport, lang: Lang) -> (Section, Section) {
    let say = |english: &'static str| lang.say(english).to_owned();
    let mut produced = Section::new(
        lang,
        say("What the networks produced (TP-4)"),
        &["theme", "recorded", "kind", "what", "units"],
    );
    let mut participants = Section::new(
        lang,
        say("Participants and their units (TP-3); a learning network's knowledge shared back to them"),
        &["theme", "participants", "their units", "shared back"],
    );
    for row in &report.networks {
        let network = &row.network;
        for output in &network.outputs {
            produced.row(vec![
                row.theme_title.clone().into(),
                Cell::date(output.recorded_on, lang),
                lang.word(&output.kind.to_string()).into(),
                output.description.clone().into(),
                unit_names(all, output.units.iter().copied()).into(),
            ]);
        }
        if network.participants.is_empty() {
            continue;
        }
        let units: BTreeSet<UnitId> = network
            .participants
            .iter()
            .filter_map(|person| all.directory.persons.get(person).and_then(|entry| entry.unit))
            .collect();
        let shared: BTreeSet<UnitId> = network
            .outputs
            .iter()
            .filter(|output| output.kind == OutputKind::Knowledge)
            .flat_map(|output| output.units.iter().copied())
            .filter(|unit| units.contains(unit))
            .collect();
        participants.row(vec![
            row.theme_title.clone().into(),
            Cell::count(network.participants.len()),
            unit_names(all, units.iter().copied()).into(),
            match network.network_type {
                NetworkType::Learning => format!("{} / {}", shared.len(), units.len()),
                NetworkType::Welfare | NetworkType::Innovation => "-".to_owned(),
            }
            .into(),
        ]);
    }
    (produced, participants)
}
