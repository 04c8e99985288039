//! Themes by status and networks by type and phase, the innovation networks against NW-4, and what
//! the networks produced (TP-3, TP-4).

use std::collections::BTreeSet;

use netvaerk::{Error, ReadModels};
use netvaerk_core::{NetworkType, OutputKind, UnitId};
use netvaerk_projections::{All, NetworkEntry, PortfolioReport};

use crate::content::{Section, Value};
use crate::{json, short};

/// The read model's JSON.
pub(crate) fn data(models: &ReadModels<'_>) -> Result<String, Error> {
    Ok(json(&models.all.portfolio.report(models.names)))
}

/// The report's sections.
pub(crate) fn sections(models: &ReadModels<'_>) -> Result<Vec<Section>, Error> {
    let all = models.all;
    let names = models.names;
    let report = all.portfolio.report(names);
    let mut networks = Section::new(Value::Say("Networks"), &["network", "theme", "type", "leader", "now"]);
    // The networks' roles and dates beside them, in a table of their own so that both fit
    // 80 columns (item 9 of the NS3 third pass).
    let mut roles = Section::new(
        Value::Say("Networks: co-drivers, reference leaders and dates"),
        &["network", "co-driver", "reference leader", "from", "to"],
    );
    for row in &report.networks {
        let network = &row.network;
        networks.row([
            Value::Text(short(network.network.as_uuid())),
            Value::text(&row.theme_title),
            Value::word(network.network_type),
            Value::text(&row.leader_name.name),
            now(network.outcome, network.phase.as_ref()),
        ]);
        roles.row([
            Value::Text(short(network.network.as_uuid())),
            Value::joined_or_dash(row.co_driver_names.iter().map(|person| Value::text(&person.name)), ", "),
            Value::or_dash(row.reference_leader_name.as_ref(), |person| Value::text(&person.name)),
            Value::Date(network.started_on),
            Value::maybe_date(network.ended_on),
        ]);
    }
    let mut themes =
        Section::new(Value::Say("Themes"), &["theme", "title", "status", "round", "rank", "type"]);
    for theme in &report.themes {
        themes.row([
            Value::Text(short(theme.theme.as_uuid())),
            Value::text(&theme.title),
            Value::word(theme.status),
            Value::shown_or_dash(theme.round),
            Value::or_dash(theme.rank, Value::count),
            Value::or_dash(theme.recommended_type, Value::word),
        ]);
    }
    let mut summary = Section::new(Value::Say("Innovation networks (NW-4)"), &["running", "limit"]);
    summary.row([Value::count(report.innovation_running), Value::count(report.innovation_limit)]);
    let (produced, participants) = products(all, &report);
    // ORG-2: where the networks play up to the political level, as their reference leaders judged.
    let mut political = Section::new(
        Value::Say("Political links (ORG-2)"),
        &["network", "political link", "committee", "judged by", "date"],
    );
    for row in &report.networks {
        if let Some(judged) = &row.network.political_link {
            political.row([
                Value::Text(short(row.network.network.as_uuid())),
                Value::word(judged.link),
                Value::shown_or_dash(judged.committee.as_ref()),
                Value::Text(names.person(judged.judged_by).name),
                Value::Date(judged.judged_on),
            ]);
        }
    }
    let goals =
        goals(Value::Say(GOALS), report.networks.iter().map(|row| (row.theme_title.as_str(), &row.network)));
    Ok(vec![networks, roles, themes, summary, goals, produced, participants, political])
}

/// The title of the portfolio's section of goals, which the overview moves to its appendix.
pub(crate) const GOALS: &str = "Goals and success criteria (NW-6)";

/// Where a network is now: closed with its outcome, or its phase.
pub(crate) fn now(outcome: Option<netvaerk_core::Outcome>, phase: Option<&String>) -> Value {
    match outcome {
        Some(outcome) => Value::concat([Value::Say("closed"), Value::text(": "), Value::word(outcome)]),
        None => Value::or_dash(phase, |phase| Value::Phase(phase.clone())),
    }
}

/// NW-6: each network's goals and success criteria, a row each, numbered as set; once its
/// close judged them, whether each criterion was met. A network without goals shows a row
/// saying so, so the gap is seen.
pub(crate) fn goals<'a>(
    title: Value,
    networks: impl IntoIterator<Item = (&'a str, &'a NetworkEntry)>,
) -> Section {
    let mut section = Section::new(title, &["theme", "kind", "no.", "text", "met"]);
    for (theme, network) in networks {
        let Some(goals) = &network.goals else {
            section.row([
                Value::text(theme),
                Value::Dash,
                Value::Dash,
                Value::Say("(no goals recorded)"),
                Value::Dash,
            ]);
            continue;
        };
        for (number, goal) in (1..).zip(&goals.goals) {
            section.row([
                Value::text(theme),
                Value::Say("goal"),
                Value::count(number),
                Value::text(goal),
                Value::Dash,
            ]);
        }
        for (number, criterion) in (1u32..).zip(&goals.success_criteria) {
            let met = match &network.criteria_met {
                Some(met) if met.contains(&number) => Value::Say("met"),
                Some(_) => Value::Say("not met"),
                None => Value::Dash,
            };
            section.row([
                Value::text(theme),
                Value::Say("success criterion"),
                Value::count(number),
                Value::text(criterion),
                met,
            ]);
        }
    }
    section
}

/// The units' names, joined, or a dash.
fn unit_names(all: &All, units: impl IntoIterator<Item = UnitId>) -> Value {
    Value::joined_or_dash(units.into_iter().map(|unit| Value::Text(all.directory.unit_name(unit))), ", ")
}

/// What the networks produced (TP-4), and who took part from which units (TP-3): a learning
/// network's participants put its knowledge into play in their own units, so the table shows
/// how many of their units a recorded sharing of knowledge reached.
fn products(all: &All, report: &PortfolioReport) -> (Section, Section) {
    let mut produced = Section::new(
        Value::Say("What the networks produced (TP-4)"),
        &["theme", "recorded", "kind", "what", "units"],
    );
    let mut participants = Section::new(
        Value::Say("Participants and their units (TP-3); a learning network's knowledge shared back to them"),
        &["theme", "participants", "their units", "shared back"],
    );
    for row in &report.networks {
        let network = &row.network;
        for output in &network.outputs {
            produced.row([
                Value::text(&row.theme_title),
                Value::Date(output.recorded_on),
                Value::word(output.kind),
                Value::text(&output.description),
                unit_names(all, output.units.iter().copied()),
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
        participants.row([
            Value::text(&row.theme_title),
            Value::count(network.participants.len()),
            unit_names(all, units.iter().copied()),
            match network.network_type {
                NetworkType::Learning => Value::Text(format!("{} / {}", shared.len(), units.len())),
                NetworkType::Welfare | NetworkType::Innovation => Value::Dash,
            },
        ]);
    }
    (produced, participants)
}
