//! `--help` in Danish: the program's help texts (clap's, from the doc comments) looked up in
//! the glossary (`docs/glossary.tsv`), with Danish headings, when the language is Danish
//! (`NETVAERK_LANG=da`, a Danish locale, or `--lang da` on the command line).

use clap::{Arg, Command, CommandFactory};
use netvaerk_report::Lang;

use super::Cli;

/// The language of the program's own texts: `--lang` where the command line gives it, else
/// the environment's ([`Lang::from_env`]).
pub fn language(args: &[String]) -> Lang {
    let given = args.iter().enumerate().find_map(|(index, arg)| match arg.strip_prefix("--lang") {
        Some("") => args.get(index + 1).cloned(),
        Some(rest) => rest.strip_prefix('=').map(str::to_owned),
        None => None,
    });
    given.and_then(|code| code.parse().ok()).unwrap_or_else(Lang::from_env)
}

/// The program's command in `lang`: in Danish, every help text from the glossary.
pub fn command(lang: Lang) -> Command {
    let command = Cli::command();
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

    #[test]
    fn the_language_comes_from_the_command_line_before_the_environment() {
        let args = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(language(&args("netvaerk report portfolio --lang da")), Lang::Da);
        assert_eq!(language(&args("netvaerk report portfolio --lang=da")), Lang::Da);
        assert_eq!(language(&args("netvaerk --lang en report portfolio")), Lang::En);
    }
}
