//! Starts per half-year against NW-2/NW-3, innovation networks against NW-4, the chief forum's
//! rounds and meetings (TH-3, ORG-5), and the overrides.

use netvaerk::{Error, ReadModels};
use netvaerk_core::PolicyValue;

use crate::content::{range, Section, Value};
use crate::json;

/// The read model's JSON.
pub(crate) fn data(models: &ReadModels<'_>) -> Result<String, Error> {
    Ok(json(&models.all.portfolio.half_years()))
}

/// A policy's number that the source does not give (an NS2 policy's).
pub(crate) const UNKNOWN: Value = Value::Say("unknown (not in the source)");

/// Whether a count kept its range: "kept 4-5", "outside 2".
pub(crate) fn kept(kept: bool, range: String) -> Value {
    Value::concat([Value::Say(if kept { "kept" } else { "outside" }), Value::Text(format!(" {range}"))])
}

/// The report's sections.
pub(crate) fn sections(models: &ReadModels<'_>) -> Result<Vec<Section>, Error> {
    let mut counts = Section::new(
        Value::Say("Starts per half-year, each judged by the policy in force when its round closed, else on its first day (NW-2: all starts; NW-3: learning, welfare; NW-4: innovation running at its end / limit)"),
        &["half-year", "learning", "welfare", "innov.", "total", "NW-2", "NW-3", "NW-4"],
    );
    let mut overrides = Section::new(
        Value::Say("Overridden warnings"),
        &["date", "rule", "decision", "warning", "rationale"],
    );
    let mut forum = Section::new(
        Value::Say("The chief forum's half-years: its round (TH-3) and its meetings against the policy's rhythm (ORG-5)"),
        &["half-year", "round opened", "meetings", "policy"],
    );
    for row in &models.all.portfolio.half_years() {
        let knows = |value| !row.unknown.contains(&value);
        forum.row([
            Value::Text(row.half_year.to_string()),
            row.round_opened_on.map_or(Value::Say("no round (TH-3)"), Value::Date),
            match row.expected_meetings {
                Some(expected) => Value::Text(format!("{} / {expected}", row.meetings)),
                None if row.meetings > 0 => Value::count(row.meetings),
                None => Value::Dash,
            },
            match &row.structure {
                None => Value::Dash,
                Some(name) if row.unknown.is_empty() => Value::text(name),
                Some(name) => Value::concat([Value::Text(format!("{name}: ")), UNKNOWN]),
            },
        ]);
        let nw2 = if knows(PolicyValue::StartsPerHalfYear) {
            kept(row.nw2_kept, range(row.expected_total))
        } else {
            UNKNOWN
        };
        let nw3 = if knows(PolicyValue::TypeMix) {
            kept(row.nw3_kept, format!("{}, {}", range(row.expected_learning), range(row.expected_welfare)))
        } else {
            UNKNOWN
        };
        let nw4 = if knows(PolicyValue::InnovationLimit) {
            format!("{}/{}", row.innovation_running_at_end, row.innovation_limit)
        } else {
            format!("{}/?", row.innovation_running_at_end)
        };
        counts.row([
            Value::Text(row.half_year.to_string()),
            Value::count(row.learning),
            Value::count(row.welfare),
            Value::count(row.innovation),
            Value::count(row.total),
            nw2,
            nw3,
            Value::Text(nw4),
        ]);
        for o in &row.overrides {
            overrides.row([
                Value::Date(o.occurred_on),
                Value::Text(o.acknowledged.warning.rule().to_string()),
                Value::Decision(o.event_type),
                Value::Warning(o.acknowledged.warning.clone()),
                Value::text(&o.acknowledged.rationale),
            ]);
        }
    }
    Ok(vec![counts, forum, overrides])
}
