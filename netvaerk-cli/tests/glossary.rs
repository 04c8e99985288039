//! The glossary (`docs/glossary.tsv`) is complete: every report of the demo history, in every
//! format, rendered in Danish meets no English text the glossary lacks, and every fixed text the
//! report code asks for (`say("...")`) has its line.

use std::process::Command;

use netvaerk::Service;
use netvaerk_core::OrganisationId;
use netvaerk_projections::AsOf;
use netvaerk_report::{render_with, untranslated, Format, Lang, Options, Report, GLOSSARY};

#[path = "../../tests/support/mod.rs"]
mod support;

/// The organisation the demo writes (the program's default).
const DEMO: &str = "0190ab00-0000-7000-8000-00000000a1b5";

#[test]
fn every_report_of_the_demo_in_danish_meets_no_text_the_glossary_lacks() {
    let dir = support::TempDir::new("glossary");
    let address = format!("redb:{}", dir.0.join("demo.redb").display());
    let output = Command::new(env!("CARGO_BIN_EXE_netvaerk"))
        .args(["--store", &address, "demo"])
        .env_remove("NETVAERK_ORGANISATION")
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "demo: {}", String::from_utf8_lossy(&output.stderr));

    let service = Service::open(&address).unwrap();
    let organisation: OrganisationId = DEMO.parse().unwrap();
    let (themes, networks, rounds) = service
        .read_models(organisation, AsOf::Now, |models| {
            let themes: Vec<_> = models.all.portfolio.themes.keys().map(|id| id.as_uuid()).collect();
            let networks: Vec<_> = models.all.portfolio.networks.keys().map(|id| id.as_uuid()).collect();
            let rounds: Vec<_> = models.all.directory.rounds.keys().copied().collect();
            (themes, networks, rounds)
        })
        .unwrap();
    assert!(themes.len() > 10 && networks.len() > 10, "the demo has themes and networks");
    let mut reports = Report::NAMED.to_vec();
    reports.extend(themes.iter().chain(&networks).map(|id| Report::Audit(*id)));
    reports.extend(rounds.iter().map(|round| Report::Round(*round)));
    let mut rendered = 0;
    service
        .read_models(organisation, AsOf::Now, |models| {
            for report in &reports {
                for format in [Format::Table, Format::Markdown, Format::Csv, Format::Html] {
                    let options = Options::new(format, Lang::Da);
                    let text = render_with(&models, report, &options).unwrap();
                    assert!(!text.is_empty());
                    rendered += 1;
                }
            }
        })
        .unwrap();
    assert_eq!(rendered, reports.len() * 4);
    assert_eq!(untranslated(), Vec::<String>::new(), "add these to docs/glossary.tsv");
}

#[test]
fn every_fixed_text_the_report_code_asks_for_has_a_glossary_line() {
    let entries: std::collections::HashSet<&str> = GLOSSARY
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t').map(|(english, _)| english))
        .collect();
    let mut missing = Vec::new();
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut files: Vec<_> = ["netvaerk-report/src", "netvaerk-report/src/reports"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap().map(|file| file.unwrap().path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .collect();
    files.push(root.join("netvaerk-projections/src/audit.rs"));
    for file in files {
        let source = std::fs::read_to_string(file).unwrap();
        // Fixed texts reach the glossary as say("..."), and as the headers of a section.
        for piece in source.split("say(\"").skip(1) {
            let text = &piece[..piece.find('"').unwrap()];
            if !text.is_empty()
                && !text.contains('{')
                && !entries.contains(text)
                && text.chars().any(char::is_alphabetic)
            {
                missing.push(text.to_owned());
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new(), "add these to docs/glossary.tsv");
}

#[test]
fn the_cores_danish_words_are_the_glossarys() {
    use netvaerk_core::{Criterion, Dansk, NetworkType, Outcome, ThemeStatus};
    let glossary: std::collections::HashMap<&str, &str> = GLOSSARY
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .collect();
    let mut words: Vec<(String, &str)> = Vec::new();
    words.extend(
        [NetworkType::Learning, NetworkType::Welfare, NetworkType::Innovation]
            .map(|t| (t.to_string(), t.dansk())),
    );
    words.extend(Criterion::ALL.map(|c| (c.to_string(), c.dansk())));
    words.extend(
        [Outcome::Implemented, Outcome::HandedOnForScaling, Outcome::KnowledgeShared, Outcome::Stopped]
            .map(|o| (o.to_string(), o.dansk())),
    );
    words.extend(
        [
            ThemeStatus::Proposed,
            ThemeStatus::Qualified,
            ThemeStatus::Prioritised,
            ThemeStatus::Deferred,
            ThemeStatus::Rejected,
            ThemeStatus::Withdrawn,
            ThemeStatus::InNetwork,
            ThemeStatus::Closed,
        ]
        .map(|s| (s.to_string(), s.dansk())),
    );
    for (english, danish) in words {
        assert_eq!(glossary.get(english.as_str()), Some(&danish), "{english}");
    }
}
