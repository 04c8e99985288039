//! Competence tracks, cohorts and what they cost (CO-2, CO-4), and the pool of qualified leaders
//! (NL-1).

use netvaerk::{Error, ReadModels};
use netvaerk_core::PolicyValue;

use super::halfyear::{kept, UNKNOWN};
use crate::content::{range, Section, Value};
use crate::{json, short};

/// The read model's JSON.
pub(crate) fn data(models: &ReadModels<'_>) -> Result<String, Error> {
    Ok(json(&models.all.competence.report(models.names)))
}

/// The report's sections.
pub(crate) fn sections(models: &ReadModels<'_>) -> Result<Vec<Section>, Error> {
    let all = models.all;
    let report = all.competence.report(models.names);
    let mut tracks = Section::new(
        Value::Say("Competence tracks (NL-3: the mean of the latest scores, 1-5, and how many were scored)"),
        &["person", "stage", "days", "written", "oral", "diploma", "may lead", "NL-3"],
    );
    for row in &report.tracks {
        let yes = |b: bool| if b { Value::Say("yes") } else { Value::Dash };
        let may_lead = if row.may_lead.len() == 3 {
            Value::Say("all types")
        } else {
            Value::joined(row.may_lead.iter().map(Value::word), ", ")
        };
        tracks.row([
            Value::text(&row.person.name),
            Value::label(&row.stage),
            Value::Text(format!("{}/5", row.teaching_days)),
            yes(row.written),
            yes(row.oral),
            yes(row.diploma),
            may_lead,
            // NL-3: the mean of the latest competence scores, and how many were scored.
            Value::or_dash(row.competence_mean, |mean| {
                Value::concat([Value::Decimal(mean), Value::Text(format!(" ({})", row.competences.len()))])
            }),
        ]);
    }
    let mut cohorts = Section::new(
        Value::Say("Cohorts (CO-2: the size in force when formed; CO-4: 2/3 department, 1/3 secretariat)"),
        &["cohort", "formed", "size", "CO-2", "diplomas", "departments"],
    );
    for cohort in &report.cohorts {
        cohorts.row([
            Value::Text(short(cohort.cohort.as_uuid())),
            Value::Date(cohort.formed_on),
            Value::count(cohort.size),
            if cohort.unknown.contains(&PolicyValue::CohortSize) {
                UNKNOWN
            } else {
                kept(cohort.within_range, range(cohort.expected))
            },
            Value::count(cohort.diplomas),
            Value::count(cohort.cost_split.len()),
        ]);
    }
    // CO-4: who pays for the places, in places and, where the policy prices a place, kroner.
    let mut costs = Section::new(
        Value::Say(
            "Diploma costs per cohort and department (CO-4: the split and price in force when formed)",
        ),
        &["cohort", "department", "members", "department pays", "secretariat pays"],
    );
    // A price recorded as an example (the demo's) says so beside every amount.
    let pays = |places: f64, kroner: Option<u64>, example: bool| match kroner {
        Some(kroner) => Value::concat(
            [Value::Decimal(places), Value::text(" ("), Value::Kroner(kroner)]
                .into_iter()
                .chain(example.then(|| [Value::text(", "), Value::Say("an example")]).into_iter().flatten())
                .chain([Value::text(")")]),
        ),
        None => Value::Decimal(places),
    };
    for cohort in &report.cohorts {
        if cohort.unknown.contains(&PolicyValue::DiplomaCost) {
            costs.row([
                Value::Text(short(cohort.cohort.as_uuid())),
                Value::Dash,
                Value::count(cohort.size),
                UNKNOWN,
                UNKNOWN,
            ]);
            continue;
        }
        for share in &cohort.cost_split {
            let example = share.split.price_is_example;
            costs.row([
                Value::Text(short(cohort.cohort.as_uuid())),
                Value::or_dash(share.unit, |unit| Value::Text(all.directory.unit_name(unit))),
                Value::count(share.members),
                pays(share.split.department_share, share.split.department_kr, example),
                pays(share.split.secretariat_share, share.split.secretariat_kr, example),
            ]);
        }
    }
    let mut pool = Section::new(Value::Say("The pool of qualified leaders (NL-1)"), &["person"]);
    for person in &report.pool {
        pool.row([Value::text(&person.name)]);
    }
    Ok(vec![tracks, cohorts, costs, pool])
}
