//! `--help` in Danish: the program's help texts (clap's, from the doc comments) looked up in
//! the glossary (`docs/glossary.tsv`), with Danish headings, when the language is Danish
//! (`NETVAERK_LANG=da`, a Danish locale, or `--lang da` on the command line).

use clap::{Arg, Command, CommandFactory};
use netvaerk_core::IdError;
use netvaerk_report::Lang;

use super::Cli;

/// The language of the program's own texts: `--lang` where the command line gives it, else
/// the environment's ([`netvaerk::lang_from_env`]).
pub fn language(args: &[String]) -> Lang {
    let given = args.iter().enumerate().find_map(|(index, arg)| match arg.strip_prefix("--lang") {
        Some("") => args.get(index + 1).cloned(),
        Some(rest) => rest.strip_prefix('=').map(str::to_owned),
        None => None,
    });
    given.and_then(|code| code.parse().ok()).unwrap_or_else(netvaerk::lang_from_env)
}

/// Examples shown after a command's help: the command's path (`""` the program), then each
/// example's command line and what it does (in English; the glossary has the Danish). A test
/// parses every line, so none goes stale as the arguments change.
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "",
        &[
            ("netvaerk demo", "Write the Albertslund demo history and print its reports"),
            (
                "netvaerk report portfolio --as-of 2016-06-30 --lang da",
                "The portfolio as it stood on 30 June 2016, in Danish",
            ),
            (
                "netvaerk round open 2018H2 --by \"Karen Lund\" --on 2018-06-30",
                "Decide: the chief forum's chair opens a half-year round",
            ),
            ("netvaerk serve --listen 127.0.0.1:8080", "Serve the store over HTTP (see /v1/openapi.json)"),
        ],
    ),
    (
        "report",
        &[
            ("netvaerk report halfyear --lang da", "Starts per half-year against NS3's ranges, in Danish"),
            ("netvaerk report audit \"urban farming\"", "How a theme was decided, by a part of its title"),
            ("netvaerk report round 2016H1 --section 1", "The first section of a half-year round"),
            (
                "netvaerk report portfolio --format csv --csv-dialect excel",
                "The portfolio as CSV for Excel in a Danish locale",
            ),
            ("netvaerk report html --out overview.html", "The overview page for the chief forum"),
        ],
    ),
    (
        "list",
        &[
            ("netvaerk list persons", "Everyone, with the short ids and names decisions take"),
            ("netvaerk list themes --format json", "Every theme as typed JSON rows"),
        ],
    ),
    (
        "apply",
        &[
            ("netvaerk apply decisions.jsonl", "Decide each line of a file on its own"),
            ("netvaerk apply decisions.jsonl --atomic", "All lines or none"),
        ],
    ),
    (
        "theme propose",
        &[(
            "netvaerk theme propose --title \"Færre forflytninger i hjemmeplejen\" --challenge \"Ældre møder for mange forskellige medarbejdere\" \
             --proposer \"Karen Lund\" --department \"Ældre og Sundhed\" --origin below,outside \
             --by \"Sofie Holm\" --on 2018-09-04",
            "A chief-forum member's proposal, recorded by the secretariat",
        )],
    ),
    (
        "verify",
        &[
            ("netvaerk verify", "Walk the hash chain of every record"),
            (
                "netvaerk verify --expect 1324:c1f49c394a51be368194fc0acd58c053060978383bbeabaaed516a03eb2cb445",
                "Also prove that the log still extends a head printed earlier (here one of the README's)",
            ),
        ],
    ),
    (
        "migrate",
        &[(
            "netvaerk migrate --from ./netvaerk.redb --to postgres://postgres@127.0.0.1/netvaerk",
            "Copy the log into PostgreSQL, then verify both",
        )],
    ),
    (
        "token add",
        &[(
            "netvaerk token add --person 0190ab00-0000-7000-8000-000100000001 --scope write \
             --org 0190ab00-0000-7000-8000-00000000a1b5 --label sagssystem",
            "A token for a system that decides as the secretariat's leader",
        )],
    ),
];

/// The examples of the command at `path` as clap shows them after the help, in `lang`.
fn examples(examples: &[(&str, &str)], lang: Lang) -> String {
    let heading = match lang {
        Lang::En => "Examples:",
        Lang::Da => "Eksempler:",
    };
    let lines: Vec<String> =
        examples.iter().map(|(line, what)| format!("  # {}\n  {line}", lang.word(what))).collect();
    format!("{heading}\n{}", lines.join("\n"))
}

/// `command` with each command's examples after its help.
fn with_examples(mut command: Command, lang: Lang) -> Command {
    fn at(command: Command, path: &[&str], text: String) -> Command {
        match path.split_first() {
            None => command.after_help(text),
            Some((name, rest)) => command.mut_subcommand(*name, |sub| at(sub, rest, text)),
        }
    }
    for (path, list) in EXAMPLES {
        let path: Vec<&str> = path.split_whitespace().collect();
        command = at(command, &path, examples(list, lang));
    }
    command
}

/// The program's command in `lang`: in Danish, every help text from the glossary.
pub fn command(lang: Lang) -> Command {
    let command = with_examples(Cli::command(), lang);
    match lang {
        Lang::En => command,
        Lang::Da => danish(command.disable_help_flag(true).disable_version_flag(true), true),
    }
}

/// Every help text of `command` and its subcommands, as clap shows them: the texts the
/// glossary must hold.
#[cfg(test)]
fn texts(command: &Command) -> Vec<String> {
    let mut texts = Vec::new();
    collect(command, &mut texts);
    texts.extend(EXAMPLES.iter().flat_map(|(_, list)| list.iter().map(|(_, what)| (*what).to_owned())));
    texts
}

#[cfg(test)]
fn collect(command: &Command, texts: &mut Vec<String>) {
    texts.extend(command.get_about().map(ToString::to_string));
    texts.extend(command.get_long_about().map(ToString::to_string));
    for arg in command.get_arguments() {
        texts.extend(arg.get_help().map(ToString::to_string));
        texts.extend(arg.get_long_help().map(ToString::to_string));
    }
    for sub in command.get_subcommands() {
        collect(sub, texts);
    }
}

fn say(text: &str) -> String {
    Lang::Da.word(text)
}

fn danish(mut command: Command, top: bool) -> Command {
    if let Some(about) = command.get_about().map(ToString::to_string) {
        command = command.about(say(&about));
    }
    if let Some(about) = command.get_long_about().map(ToString::to_string) {
        command = command.long_about(say(&about));
    }
    let ids: Vec<_> = command.get_arguments().map(|arg| arg.get_id().clone()).collect();
    for id in ids {
        command = command.mut_arg(id, |arg| {
            let heading = if arg.is_positional() { "Argumenter" } else { "Tilvalg" };
            let arg = match arg.get_help().map(ToString::to_string) {
                Some(help) => arg.help(say(&help)),
                None => arg,
            };
            let arg = match arg.get_long_help().map(ToString::to_string) {
                Some(help) => arg.long_help(say(&help)),
                None => arg,
            };
            arg.help_heading(heading)
        });
    }
    // clap's own flags and headings, in Danish.
    command = command
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help("Vis hjælp")
                .help_heading("Tilvalg")
                .global(true),
        )
        .subcommand_help_heading("Kommandoer")
        // clap's `help` subcommand has an English text of its own: in Danish, `--help` it is.
        .disable_help_subcommand(true)
        .help_template("{before-help}{about-with-newline}\nBrug: {usage}\n\n{all-args}{after-help}");
    if top {
        command = command.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help("Vis versionen")
                .help_heading("Tilvalg"),
        );
    }
    let names: Vec<String> = command.get_subcommands().map(|sub| sub.get_name().to_owned()).collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| danish(sub, false));
    }
    command
}

/// clap's refusal of a command line in Danish: what was wrong, clap's tip, the usage, and where
/// to read more (clap words its own errors in English only). A refusal clap has no words for
/// keeps its English text after the Danish prefix.
pub fn danish_error(error: &clap::Error) -> String {
    use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
    let text = |kind| match error.get(kind) {
        Some(V::String(text)) => text.clone(),
        Some(V::Strings(texts)) => texts.join(", "),
        Some(V::StyledStr(text)) => text.to_string(),
        Some(V::StyledStrs(texts)) => texts.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        Some(V::Number(number)) => number.to_string(),
        _ => String::new(),
    };
    let what = match error.kind() {
        K::UnknownArgument => format!("ukendt argument '{}'", text(C::InvalidArg)),
        K::InvalidSubcommand => format!("ukendt kommando '{}'", text(C::InvalidSubcommand)),
        K::InvalidValue if error.get(C::InvalidValue).is_some() => {
            let valid = text(C::ValidValue);
            let valid = if valid.is_empty() { String::new() } else { format!("; mulige værdier: {valid}") };
            format!("ugyldig værdi '{}' for '{}'{valid}", text(C::InvalidValue), text(C::InvalidArg))
        }
        K::ValueValidation => {
            // The program's own parsers word their refusals in the program's language; the
            // core's id and date errors have their Danish.
            let why = std::error::Error::source(error).map(|source| match source.downcast_ref::<IdError>() {
                Some(id) => id.danish(),
                None => source.to_string(),
            });
            let why = why.map_or_else(String::new, |why| format!(": {why}"));
            format!("ugyldig værdi '{}' for '{}'{why}", text(C::InvalidValue), text(C::InvalidArg))
        }
        K::MissingRequiredArgument => {
            let missing = match error.get(C::InvalidArg) {
                Some(V::Strings(args)) => args.iter().map(|arg| format!("\n  {arg}")).collect(),
                _ => String::new(),
            };
            format!("disse argumenter mangler:{missing}")
        }
        K::MissingSubcommand | K::DisplayHelpOnMissingArgumentOrSubcommand => {
            "kommandoen mangler en underkommando".to_owned()
        }
        K::ArgumentConflict => {
            format!("'{}' kan ikke bruges sammen med '{}'", text(C::InvalidArg), text(C::PriorArg))
        }
        K::NoEquals => format!("'{}' skal have sin værdi efter et lighedstegn", text(C::InvalidArg)),
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => {
            format!("forkert antal værdier for '{}'", text(C::InvalidArg))
        }
        K::InvalidUtf8 => "et argument er ikke gyldig UTF-8".to_owned(),
        // A refusal worded already (the value parsers' own, in the program's language), or
        // one clap has no context for: its text after the prefix.
        _ => error
            .render()
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_owned(),
    };
    let mut out = format!("fejl: {what}\n");
    let suggested = [C::SuggestedSubcommand, C::SuggestedArg, C::SuggestedValue]
        .into_iter()
        .map(text)
        .find(|suggested| !suggested.is_empty());
    if let Some(suggested) = suggested {
        out.push_str(&format!("\n  tip: mente du '{suggested}'?\n"));
    }
    if let Some(usage) = error.get(C::Usage) {
        let usage = usage.to_string();
        out.push_str(&format!("\n{}\n", usage.replacen("Usage:", "Brug:", 1).trim_end()));
    }
    out.push_str("\nMere med '--help'.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_help_text_has_its_danish_in_the_glossary() {
        let glossary: std::collections::HashSet<&str> = netvaerk_report::GLOSSARY
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t').map(|(english, _)| english))
            .collect();
        let mut missing: Vec<String> =
            texts(&Cli::command()).into_iter().filter(|text| !glossary.contains(text.as_str())).collect();
        missing.sort();
        missing.dedup();
        if let Ok(path) = std::env::var("NETVAERK_WRITE_MISSING_HELP") {
            std::fs::write(path, serde_json::to_string_pretty(&missing).unwrap()).unwrap();
        }
        assert_eq!(missing, Vec::<String>::new(), "add their Danish to docs/glossary.tsv");
    }

    /// A command line as a shell splits it: words and "quoted" words.
    fn words(line: &str) -> Vec<String> {
        let (mut words, mut word, mut quoted, mut started) = (Vec::new(), String::new(), false, false);
        for c in line.chars() {
            match c {
                '"' => (quoted, started) = (!quoted, true),
                c if c.is_whitespace() && !quoted => {
                    if started {
                        words.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                c => (word, started) = (word + &c.to_string(), true),
            }
        }
        if started {
            words.push(word);
        }
        words
    }

    #[test]
    fn every_example_in_the_help_parses_and_is_shown_under_its_command_in_both_languages() {
        for (path, list) in EXAMPLES {
            for (line, _) in *list {
                let words = words(line);
                assert!(line.starts_with(&format!("netvaerk {path}").trim_end().to_owned()), "{line}");
                if let Err(error) = Cli::command().try_get_matches_from(&words) {
                    panic!("{line}: {error}");
                }
            }
            for lang in [Lang::En, Lang::Da] {
                let mut command = command(lang);
                for name in path.split_whitespace() {
                    command = command.find_subcommand(name).unwrap().clone();
                }
                let help = command.render_long_help().to_string();
                let heading = if lang == Lang::En { "Examples:" } else { "Eksempler:" };
                assert!(help.contains(heading), "{path}: {help}");
                for (line, what) in *list {
                    assert!(help.contains(&lang.word(what)), "{path}: {what}");
                    assert!(help.contains(line.lines().next().unwrap_or_default()), "{path}: {line}");
                }
            }
        }
    }

    #[test]
    fn the_language_comes_from_the_command_line_before_the_environment() {
        let args = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(language(&args("netvaerk report portfolio --lang da")), Lang::Da);
        assert_eq!(language(&args("netvaerk report portfolio --lang=da")), Lang::Da);
        assert_eq!(language(&args("netvaerk --lang en report portfolio")), Lang::En);
    }
}
