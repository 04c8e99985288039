//! The README's Usage section as a newcomer uses it: pasted in order, after the set-up's
//! `demo`, in one directory, with `netvaerk` installed.
//!
//! - Every command of a `sh` block runs and succeeds, in order, against the same store: a
//!   `serve` line starts the server in the background (on a free port, which replaces
//!   `127.0.0.1:8080` in the commands after it) until the next command that needs the store
//!   itself; a line the README says Ctrl-C ends runs for two seconds. Lines that cannot be
//!   pasted as they are (a token to fill in, `…`) and the client generators' lines (which run
//!   from the repository; `tests/clients.rs` runs the same) are left out.
//! - Every `$ netvaerk …` of a `text` block runs too, and prints what the README shows after
//!   it: each run of lines between `...` lines is found, in order, in what the command printed,
//!   the first at its start (a log hash and the time a report was made are compared as their
//!   shape). `$ echo $?` is
//!   the exit code of the command before it. A `text` block without a `$` command shows the
//!   set-up's `demo`, unless its lines are `netvaerk …` (a synopsis, not run).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

#[path = "../../tests/support/mod.rs"]
mod support;
use support::TempDir;

/// A fenced block of the README: its language, its lines and where it starts.
struct Block {
    fence: String,
    lines: Vec<String>,
    line: usize,
}

/// The fenced blocks between `## Usage` and the next `## ` heading.
fn usage_blocks() -> Vec<Block> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    let start = readme.lines().position(|line| line == "## Usage").expect("the README has a Usage section");
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in readme.lines().enumerate().skip(start + 1) {
        if line.starts_with("## ") {
            break;
        }
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(fence)) => {
                open = Some(Block { fence: fence.to_owned(), lines: Vec::new(), line: index + 1 })
            }
            (Some(_), Some("")) => blocks.extend(open.take()),
            (Some(block), _) => block.lines.push(line.to_owned()),
            (None, None) => {}
        }
    }
    blocks
}

/// A line with what varies from run to run made alike: a 64-digit hash, and the time a report
/// was made.
fn shape(line: &str) -> String {
    let mut shaped = String::new();
    let mut rest = line;
    while let Some((index, _)) = rest.char_indices().find(|(index, _)| {
        rest.len() >= index + 64 && rest.as_bytes()[*index..index + 64].iter().all(u8::is_ascii_hexdigit)
    }) {
        shaped.push_str(&rest[..index]);
        shaped.push_str("HASH");
        rest = &rest[index + 64..];
    }
    shaped.push_str(rest);
    for label in ["made: ", "dannet: "] {
        if let Some(at) = shaped.find(label) {
            if let Some(length) = shaped[at..].find(" UTC") {
                shaped = format!("{}{label}TIME{}", &shaped[..at], &shaped[at + length + 4..]);
            }
        }
    }
    shaped
}

/// Checks that each run of `expected` lines between `...` lines is in `printed`, in order, the
/// first at its start (unless `expected` starts with `...`).
fn shows(printed: &str, expected: &[String], what: &str) {
    let printed: Vec<String> = printed.lines().map(|line| shape(line.trim_end())).collect();
    let mut from = 0;
    for (index, run) in expected.split(|line| line.trim() == "...").enumerate() {
        let run: Vec<String> = run.iter().map(|line| shape(line.trim_end())).collect();
        if run.is_empty() {
            continue;
        }
        let last = if index == 0 { 0 } else { printed.len().saturating_sub(run.len()) };
        let found = (from..=last).find(|at| printed.get(*at..at + run.len()) == Some(&run[..]));
        let Some(at) = found else {
            panic!(
                "{what}: the README shows\n{}\nbut the program printed\n{}",
                run.join("\n"),
                printed.join("\n")
            );
        };
        from = at + run.len();
    }
}

/// The directory a newcomer works in, with `netvaerk` on the path.
struct Newcomer {
    dir: TempDir,
    path: String,
    server: Option<(Child, String)>,
}

impl Newcomer {
    fn new() -> Self {
        let dir = TempDir::new("readme");
        let bin = dir.0.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_netvaerk"), bin.join("netvaerk")).unwrap();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        let work = dir.0.join("work");
        std::fs::create_dir_all(&work).unwrap();
        Self { dir, path, server: None }
    }

    fn work(&self) -> PathBuf {
        self.dir.0.join("work")
    }

    fn shell(&self, line: &str) -> Command {
        let mut command = Command::new("bash");
        command
            .args(["-c", line])
            .current_dir(self.work())
            .env("PATH", &self.path)
            .env("NETVAERK_LANG", "en")
            .env_remove("NETVAERK_STORE")
            .env_remove("NETVAERK_ORGANISATION")
            .env_remove("NETVAERK_TOKEN")
            .env_remove("NETVAERK_TOKENS")
            .env_remove("COLUMNS");
        command
    }

    /// The line as it runs here: the server's address for the README's.
    fn resolve(&self, line: &str) -> String {
        match &self.server {
            Some((_, address)) => line.replace("127.0.0.1:8080", address),
            None => line.to_owned(),
        }
    }

    /// Runs `line`; returns what it printed (stdout, then stderr) and its exit code.
    fn run(&mut self, line: &str) -> (String, i32) {
        if !line.trim_start_matches("timeout 2 ").starts_with("curl") {
            self.stop_server();
        }
        let line = self.resolve(line);
        let output = self.shell(&line).output().unwrap();
        let printed =
            format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (printed, output.status.code().unwrap_or(-1))
    }

    fn start_server(&mut self, line: &str) {
        self.stop_server();
        let line = line.replace("127.0.0.1:8080", "127.0.0.1:0");
        let (child, base) = support::serving(self.shell(&format!("exec {line}")).stderr(Stdio::null()));
        let address = base.trim_start_matches("http://").to_owned();
        self.server = Some((child, address));
    }

    fn stop_server(&mut self) {
        if let Some((mut child, _)) = self.server.take() {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let _ = child.wait();
        }
    }
}

impl Drop for Newcomer {
    fn drop(&mut self) {
        if let Some((child, _)) = self.server.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The commands of a `sh` block, a line continued by a backslash or inside a quote joined to the next,
/// comments left to bash.
fn commands(block: &Block) -> Vec<String> {
    let mut commands: Vec<String> = Vec::new();
    let mut continued = false;
    for line in &block.lines {
        match commands.last_mut() {
            Some(last) if continued => {
                last.push('\n');
                last.push_str(line);
            }
            _ => commands.push(line.clone()),
        }
        let open_quote = commands.last().is_some_and(|command| command.matches('\'').count() % 2 == 1);
        continued = line.trim_end().ends_with('\\') || open_quote;
    }
    commands
}

#[test]
fn the_readmes_usage_runs_in_order_and_prints_what_it_shows() {
    let mut newcomer = Newcomer::new();
    // The set-up's main job, `cargo run --release -- demo`, with the program installed.
    let (mut printed, mut code) = newcomer.run("netvaerk demo");
    assert_eq!(code, 0, "{printed}");
    let demo = printed.clone();
    let (mut ran, mut compared) = (0, 0);
    for block in usage_blocks() {
        let at = format!("README.md:{}", block.line);
        match block.fence.as_str() {
            "sh" => {
                for command in commands(&block) {
                    let first = command.trim_start();
                    if first.starts_with("clients/") || first.contains('…') {
                        continue;
                    }
                    if first.contains(" serve ") {
                        newcomer.start_server(&command);
                        ran += 1;
                        continue;
                    }
                    let command = if first.contains("Ctrl-C") {
                        format!("timeout 2 {command}")
                    } else {
                        command.clone()
                    };
                    (printed, code) = newcomer.run(&command);
                    let ended = code == 0 || (command.starts_with("timeout 2 ") && code == 124);
                    assert!(ended, "{at}: `{command}` exited {code}:\n{printed}");
                    assert!(!printed.contains("\"status\":4"), "{at}: `{command}` was refused:\n{printed}");
                    ran += 1;
                }
            }
            "text" if block.lines.iter().any(|line| line.starts_with("netvaerk ")) => {}
            "text" if !block.lines.iter().any(|line| line.starts_with("$ ")) => {
                shows(&demo, &block.lines, &at);
                compared += 1;
            }
            "text" => {
                let mut lines = block.lines.iter().peekable();
                while let Some(line) = lines.next() {
                    let Some(command) = line.strip_prefix("$ ") else { continue };
                    let mut expected = Vec::new();
                    while let Some(next) = lines.next_if(|next| !next.starts_with("$ ")) {
                        expected.push(next.clone());
                    }
                    let what = format!("{at}: `{command}`");
                    if command == "echo $?" {
                        assert_eq!(expected, [code.to_string()], "{what}");
                    } else {
                        (printed, code) = newcomer.run(command);
                        shows(&printed, &expected, &what);
                        ran += 1;
                    }
                    compared += 1;
                }
            }
            _ => {}
        }
    }
    assert!(ran >= 20 && compared >= 20, "{ran} commands ran, {compared} samples compared");
}
