//! Rules, code and tests as one checked chain: every rule id of `docs/NS3.md` is enforced (a
//! [`Rule`]) or left to people with a reason ([`LEFT_TO_PEOPLE`]), never both, and neither
//! list names a rule the document does not have; every enforced rule has a test named after
//! it (`nw4_...`, or among the ids a name starts with, as in `tp1_rl5_...`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use netvaerk_core::{Rule, LEFT_TO_PEOPLE};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The rule ids the document states: lines `- NW-4 ...`.
fn document_ids() -> BTreeSet<String> {
    let text = std::fs::read_to_string(workspace().join("docs/NS3.md")).unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("- "))
        .filter_map(|rest| rest.split_whitespace().next())
        .filter(|id| {
            id.split_once('-').is_some_and(|(area, number)| {
                !area.is_empty()
                    && area.chars().all(|c| c.is_ascii_uppercase())
                    && number.parse::<u32>().is_ok()
            })
        })
        .map(str::to_owned)
        .collect()
}

/// The names of every `fn` in the workspace's Rust sources outside `target`.
fn function_names() -> Vec<String> {
    let mut names = Vec::new();
    let mut pending = vec![workspace()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "target" || name == ".git") {
                continue;
            }
            pending.extend(std::fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for rest in text.split("fn ").skip(1) {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                names.push(name);
            }
        }
    }
    names
}

/// `NW-4` as a test name spells it: `nw4`.
fn token(id: &str) -> String {
    id.replace('-', "").to_lowercase()
}

#[test]
fn every_rule_of_the_document_is_enforced_or_left_to_people_with_a_reason_and_none_is_invented() {
    let document = document_ids();
    assert!(document.len() >= 30, "the document's rules were not found: {document:?}");
    let enforced: BTreeSet<String> = Rule::ALL.iter().map(|rule| rule.id().to_owned()).collect();
    let left: BTreeSet<String> = LEFT_TO_PEOPLE.iter().map(|(id, _)| (*id).to_owned()).collect();
    assert_eq!(left.len(), LEFT_TO_PEOPLE.len(), "a rule is left to people twice");
    let both: Vec<_> = enforced.intersection(&left).collect();
    assert!(both.is_empty(), "enforced and left to people at once: {both:?}");
    let neither: Vec<_> =
        document.iter().filter(|id| !enforced.contains(*id) && !left.contains(*id)).collect();
    assert!(neither.is_empty(), "in docs/NS3.md, but neither enforced nor left to people: {neither:?}");
    let invented: Vec<_> = enforced.union(&left).filter(|id| !document.contains(*id)).collect();
    assert!(invented.is_empty(), "not a rule of docs/NS3.md: {invented:?}");
    for (id, reason) in LEFT_TO_PEOPLE {
        assert!(reason.len() > 20, "{id} is left to people without a reason");
    }
}

#[test]
fn every_enforced_rule_has_a_test_named_after_it() {
    let names = function_names();
    // A name's leading rule ids: `tp1_rl5_the_test_phase` gives tp1 and rl5.
    let named: BTreeSet<String> = names
        .iter()
        .flat_map(|name| {
            name.split('_')
                .take_while(|part| {
                    part.len() >= 3
                        && part.chars().take_while(char::is_ascii_lowercase).count() >= 2
                        && part.chars().skip_while(char::is_ascii_lowercase).all(|c| c.is_ascii_digit())
                        && part.chars().any(|c| c.is_ascii_digit())
                })
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let untested: Vec<&str> =
        Rule::ALL.iter().map(|rule| rule.id()).filter(|id| !named.contains(&token(id))).collect();
    assert!(untested.is_empty(), "enforced rules without a test named after them: {untested:?}");
    let left_untested: Vec<&str> =
        LEFT_TO_PEOPLE.iter().map(|(id, _)| *id).filter(|id| !named.contains(&token(id))).collect();
    // The rules left to people that still have behaviour to show are tested too (CO-4's
    // cost split is the policy's `DiplomaCost`, tested where it is defined).
    assert_eq!(left_untested, Vec::<&str>::new(), "a rule left to people has no test named after it");
}
