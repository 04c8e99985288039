//! Competence tracks, cohorts and what they cost (CO-2, CO-4), and the pool of qualified leaders
//! (NL-1).

use netvaerk::{Error, Lang, ReadModels};
use netvaerk_core::PolicyValue;
use netvaerk_projections::Wording;

use crate::{json, label, name, range, short, Cell, Document, Format, Section};

/// The report's content: the read model's JSON, or its sections.
pub(crate) fn document(models: &ReadModels<'_>, format: Format, lang: Lang) -> Result<Document, Error> {
    let all = models.all;
    let names = models.names;
    let say = |english: &'static str| lang.say(english).to_owned();
    let kept = |kept: bool| say(if kept { "kept" } else { "outside" });
    let report = all.competence.report(names);
    if format == Format::Json {
        return Ok(Document::Json(json(&report)));
    }
    let mut tracks = Section::new(
        lang,
        say("Competence tracks (NL-3: the mean of the latest scores, 1-5, and how many were scored)"),
        &["person", "stage", "days", "written", "oral", "diploma", "may lead", "NL-3"],
    );
    for row in &report.tracks {
        let yes = |b: bool| if b { say("yes") } else { "-".to_owned() };
        let may_lead = if row.may_lead.len() == 3 {
            vec![say("all types")]
        } else {
            row.may_lead.iter().map(|t| lang.word(&t.to_string())).collect()
        };
        tracks.row(vec![
            name(&row.person),
            lang.word(&label(&row.stage)),
            format!("{}/5", row.teaching_days),
            yes(row.written),
            yes(row.oral),
            yes(row.diploma),
            may_lead.join(", "),
            // NL-3: the mean of the latest competence scores, and how many were scored.
            row.competence_mean.map_or_else(
                || "-".to_owned(),
                |mean| format!("{} ({})", lang.decimal(mean), row.competences.len()),
            ),
        ]);
    }
    let mut cohorts = Section::new(
        lang,
        say("Cohorts (CO-2: the size in force when formed; CO-4: 2/3 department, 1/3 secretariat)"),
        &["cohort", "formed", "size", "CO-2", "diplomas", "departments"],
    );
    let unknown = || say("unknown (not in the source)");
    for cohort in &report.cohorts {
        let co2 = if cohort.unknown.contains(&PolicyValue::CohortSize) {
            unknown()
        } else {
            format!("{} {}", kept(cohort.within_range), range(cohort.expected))
        };
        cohorts.row(vec![
            short(cohort.cohort.as_uuid()).into(),
            Cell::date(cohort.formed_on, lang),
            Cell::count(cohort.size),
            co2.into(),
            Cell::count(cohort.diplomas),
            Cell::count(cohort.cost_split.len()),
        ]);
    }
    // CO-4: who pays for the places, in places and, where the policy prices a place, kroner.
    let mut costs = Section::new(
        lang,
        say("Diploma costs per cohort and department (CO-4: the split and price in force when formed)"),
        &["cohort", "department", "members", "department pays", "secretariat pays"],
    );
    // A price recorded as an example (the demo's) says so beside every amount.
    let pays = |places: f64, kroner: Option<u64>, example: bool| match kroner {
        Some(kroner) if example => {
            format!("{} ({}, {})", lang.decimal(places), Wording::kroner(&lang, kroner), say("an example"))
        }
        Some(kroner) => format!("{} ({})", lang.decimal(places), Wording::kroner(&lang, kroner)),
        None => lang.decimal(places),
    };
    for cohort in &report.cohorts {
        if cohort.unknown.contains(&PolicyValue::DiplomaCost) {
            costs.row(vec![
                short(cohort.cohort.as_uuid()).into(),
                "-".to_owned().into(),
                Cell::count(cohort.size),
                unknown().into(),
                unknown().into(),
            ]);
            continue;
        }
        for share in &cohort.cost_split {
            let example = share.split.price_is_example;
            costs.row(vec![
                short(cohort.cohort.as_uuid()).into(),
                share.unit.map_or_else(|| "-".to_owned(), |unit| all.directory.unit_name(unit)).into(),
                Cell::count(share.members),
                pays(share.split.department_share, share.split.department_kr, example).into(),
                pays(share.split.secretariat_share, share.split.secretariat_kr, example).into(),
            ]);
        }
    }
    let mut pool = Section::new(lang, say("The pool of qualified leaders (NL-1)"), &["person"]);
    for person in &report.pool {
        pool.row(vec![name(person)]);
    }
    Ok(Document::Sections(vec![tracks, cohorts, costs, pool]))
}
