//! What an integrator does with `/v1/openapi.json` (issue 28, item 1), against `netvaerk serve`
//! on the demo history: every request example in the document is accepted; a Python client
//! generated with openapi-python-client decides, reads the portfolio and follows the log
//! (`clients/python/use_client.py`); TypeScript types generated with openapi-typescript compile
//! under `tsc --strict` and read the events by their discriminator
//! (`clients/typescript/use_types.ts`).
//!
//! The generators come from PyPI and npm: `clients/setup` installs them into
//! `clients/python/.venv` and `clients/typescript/node_modules` (`.ci/run` calls it). Without
//! them the two client tests say so and pass, except under CI (`CI` set), where they fail.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

#[path = "../../tests/support/mod.rs"]
mod support;
use support::TempDir;

/// The repository's `clients/` directory.
fn clients() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../clients")
}

/// The program `tool` installed by `clients/setup`, or `None` (after saying why) outside CI.
fn installed(tool: &Path) -> Option<PathBuf> {
    if tool.is_file() {
        return Some(tool.to_owned());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI needs {} (run clients/setup; .ci/run does)",
        tool.display()
    );
    eprintln!("skipped: {} is not installed (run clients/setup)", tool.display());
    None
}

/// `netvaerk serve` on a fresh copy of the demo history, on a free port.
struct DemoServer {
    child: Child,
    base: String,
    dir: TempDir,
}

impl DemoServer {
    fn start(label: &str) -> Self {
        let dir = TempDir::new(label);
        let store = format!("redb:{}", dir.0.join("demo.redb").display());
        let demo = netvaerk(&["--store", &store, "demo"]);
        assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
        let (child, base) = support::serving(
            Command::new(env!("CARGO_BIN_EXE_netvaerk"))
                .env("NETVAERK_LANG", "en")
                .args(["--store", &store, "serve", "--listen", "127.0.0.1:0"])
                .stderr(Stdio::null()),
        );
        Self { child, base, dir }
    }

    /// The OpenAPI document, as the server serves it, written to a file of the test's
    /// directory; and as JSON.
    fn openapi(&self) -> (PathBuf, Value) {
        let text = ureq::get(&format!("{}/v1/openapi.json", self.base))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let path = self.dir.0.join("openapi.json");
        std::fs::write(&path, &text).unwrap();
        (path, serde_json::from_str(&text).unwrap())
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn netvaerk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netvaerk")).env("NETVAERK_LANG", "en").args(args).output().unwrap()
}

/// Runs `command`, failing the test with its output unless it succeeds; returns its stdout.
fn succeeds(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|error| panic!("{command:?}: {error}"));
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{command:?} failed:\n{stdout}\n{stderr}");
    format!("{stdout}{stderr}")
}

/// Every request body example in the document, posted in an order that makes sense on the
/// demo (the person registered before their data is recorded and then corrected), with the
/// path parameters' examples: each is accepted. Every operation with a body is among them.
#[test]
fn every_request_example_in_the_openapi_document_is_accepted_on_the_demo() {
    let server = DemoServer::start("openapi-examples");
    let (_, document) = server.openapi();
    let order = [
        ("post", "/v1/organisations/{org}/commands"),
        ("post", "/v1/organisations/{org}/commands:batch"),
        ("put", "/v1/organisations/{org}/persons/{person}"),
        ("patch", "/v1/organisations/{org}/persons/{person}"),
        ("post", "/v1/organisations/{org}/redactions"),
    ];
    let with_bodies: Vec<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .filter(|(_, operation)| operation.get("requestBody").is_some())
                .map(|(method, _)| (method.clone(), path.clone()))
        })
        .collect();
    for (method, path) in &with_bodies {
        assert!(order.contains(&(method.as_str(), path.as_str())), "{method} {path} has a body to post");
    }
    for (method, path) in order {
        let operation = &document["paths"][path][method];
        let mut url = format!("{}{path}", server.base);
        for parameter in operation["parameters"].as_array().unwrap().iter().filter(|p| p["in"] == "path") {
            let example = parameter["example"].as_str().unwrap_or_else(|| panic!("{path}: {parameter}"));
            url = url.replace(&format!("{{{}}}", parameter["name"].as_str().unwrap()), example);
        }
        let example = &operation["requestBody"]["content"]["application/json"]["example"];
        let request = ureq::http::Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&url)
            .header("content-type", "application/json")
            .body(example.to_string())
            .unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut answer = agent.run(request).unwrap_or_else(|error| panic!("{method} {path}: {error}"));
        let body = answer.body_mut().read_to_string().unwrap();
        assert!(answer.status().is_success(), "{method} {path}: {} {body}", answer.status());
    }
}

/// openapi-python-client generates a client without a warning, and the client, through its
/// own typed models, opens a round, proposes a theme, reads the portfolio, follows the log,
/// parses every report and decodes every event of the demo into its own class.
#[test]
fn a_generated_python_client_decides_reads_the_portfolio_and_follows_the_log() {
    let venv = clients().join("python/.venv/bin");
    let Some(generator) = installed(&venv.join("openapi-python-client")) else { return };
    let server = DemoServer::start("python-client");
    let (document, _) = server.openapi();
    let config = server.dir.0.join("generator.yml");
    // No formatter afterwards: the generated code is used, not read.
    std::fs::write(&config, "post_hooks: []\n").unwrap();
    let package = server.dir.0.join("python/netvaerk_client");
    let said = succeeds(Command::new(generator).arg("generate").arg("--path").arg(&document).args([
        "--meta",
        "none",
        "--config",
        config.to_str().unwrap(),
        "--output-path",
        package.to_str().unwrap(),
    ]));
    assert!(!said.contains("Warning") && !said.contains("Unable to"), "the generator complained:\n{said}");
    let said = succeeds(
        Command::new(venv.join("python"))
            .arg(clients().join("python/use_client.py"))
            .arg(&server.base)
            .env("PYTHONPATH", package.parent().unwrap()),
    );
    assert!(said.contains("every report parsed;") && said.contains("followed 2 events"), "{said}");
}

/// openapi-typescript generates the types; `tsc --strict` compiles `use_types.ts` with them
/// (its `@ts-expect-error` lines must be errors, so the types are exact); node runs the result
/// against the server and reads the answer's events by their `type`.
#[test]
fn the_generated_typescript_types_compile_strictly_and_read_events_by_their_discriminator() {
    let modules = clients().join("typescript/node_modules");
    let Some(generator) = installed(&modules.join(".bin/openapi-typescript")) else { return };
    let Some(tsc) = installed(&modules.join(".bin/tsc")) else { return };
    let server = DemoServer::start("typescript-types");
    let (document, _) = server.openapi();
    let work = server.dir.0.join("typescript");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::copy(clients().join("typescript/use_types.ts"), work.join("use_types.ts")).unwrap();
    succeeds(Command::new(generator).arg(&document).arg("-o").arg(work.join("netvaerk.d.ts")));
    succeeds(Command::new(tsc).current_dir(&work).args([
        "--strict",
        "--target",
        "es2022",
        "--module",
        "commonjs",
        "--lib",
        "es2022,dom",
        "--types",
        "node",
        "--typeRoots",
        modules.join("@types").to_str().unwrap(),
        "--outDir",
        "out",
        "use_types.ts",
    ]));
    let said = succeeds(Command::new("node").arg(work.join("out/use_types.js")).arg(&server.base));
    assert!(said.contains("registered as a department") && said.contains("named Sprogcentret"), "{said}");
}
