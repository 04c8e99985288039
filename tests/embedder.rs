//! What an embedder compiles (issue 27): the facade with only the `redb` engine pulls in no
//! other engine, no server and no program. `.ci/run` also lints the facade and its examples in
//! that build (`cargo clippy -p netvaerk --no-default-features --features redb --lib --examples`).

use std::process::Command;

/// The packages of the facade's normal dependency tree with `features`, default ones off.
fn packages(features: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "-p", "netvaerk", "--no-default-features", "--features", features])
        .args(["-e", "normal", "--prefix", "none", "--format", "{p}", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo tree: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn an_embedder_with_only_redb_compiles_no_other_engine_no_server_and_no_program() {
    let packages = packages("redb");
    assert!(packages.iter().any(|name| name == "redb"), "{packages:?}");
    for absent in
        ["sled", "postgres", "tokio-postgres", "tokio", "axum", "hyper", "clap", "indicatif", "ureq"]
    {
        assert!(
            !packages.iter().any(|name| name == absent),
            "{absent} is in the redb-only tree: {packages:?}"
        );
    }
}

#[test]
fn each_engine_is_compiled_only_when_its_feature_is_named() {
    let sled = packages("sled");
    assert!(sled.iter().any(|name| name == "sled") && !sled.iter().any(|name| name == "redb"), "{sled:?}");
    let postgres = packages("postgres");
    assert!(postgres.iter().any(|name| name == "postgres"), "{postgres:?}");
    assert!(!postgres.iter().any(|name| name == "sled" || name == "redb"), "{postgres:?}");
}
