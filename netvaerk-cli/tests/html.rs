//! The overview page in a real browser: headless Chromium (Debian's `chromium`) renders the
//! demo's `report html`, saves a screenshot, and the page makes no network request and draws
//! one timeline bar per network. Without Chromium the test says so and passes, except under CI
//! (`CI` set), where `.ci/run` installs it and its absence fails.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

#[path = "../../tests/support/mod.rs"]
mod support;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let found = Command::new("sh").args(["-c", &format!("command -v {name}")]).output().ok()?;
        found.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()))
    })
}

/// A proxy that answers nothing and keeps the first line of every request sent to it.
fn recording_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            record.lock().unwrap().push(line.trim().to_owned());
        }
    });
    (port, seen)
}

/// Chromium's own background calls (clock, updates, accounts) go to Google's hosts whatever
/// the page holds, and a connection it opens ahead and closes unused sends nothing; every
/// other request came from the page.
fn from_the_page(requests: &[String]) -> Vec<String> {
    let own = ["google.com", "googleapis.com", "gvt1.com", "gstatic.com"];
    requests
        .iter()
        .filter(|line| !line.is_empty())
        .filter(|line| {
            let target = line.split_whitespace().nth(1).unwrap_or_default();
            let host = target.trim_start_matches("http://").trim_start_matches("https://");
            let host = host.split(['/', ':']).next().unwrap_or_default();
            !own.iter().any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
        })
        .cloned()
        .collect()
}

fn browse(browser: &Path, profile: &Path, port: u16, extra: &[String]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--proxy-server=http://127.0.0.1:{port}"),
            "--proxy-bypass-list=<-loopback>",
        ])
        .args(extra)
        .output()
        .expect("chromium runs")
}

#[test]
fn the_overview_renders_in_chromium_with_one_bar_per_network_and_no_network_request() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI needs chromium (.ci/run installs it)");
        eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let dir = support::TempDir::new("html");
    let store = format!("redb:{}", dir.0.join("demo.redb").display());
    let page = dir.0.join("overview.html");
    let netvaerk = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_netvaerk"))
            .args(["--store", &store])
            .args(args)
            .env_remove("NETVAERK_ORGANISATION")
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        output.stdout
    };
    netvaerk(&["demo"]);
    netvaerk(&["report", "html", "--out", page.to_str().unwrap(), "--lang", "da"]);
    let networks: serde_json::Value =
        serde_json::from_slice(&netvaerk(&["list", "networks", "--format", "json"])).unwrap();
    let networks = networks["report"].as_array().unwrap().len();
    assert!(networks > 30);

    let html = std::fs::read_to_string(&page).unwrap();
    for outside in ["<script", "<link", "<img", "@import", "url(", "src="] {
        assert!(!html.contains(outside), "the page holds {outside:?}: it must be self-contained");
    }
    assert!(html.contains("@page{size:A4"), "an A4 print stylesheet");

    let (port, requests) = recording_proxy();
    let url = format!("file://{}", page.display());
    let dom = browse(&browser, &dir.0.join("profile"), port, &["--dump-dom".to_owned(), url.clone()]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(
        dom.matches("class=\"bar ").count(),
        networks,
        "one timeline bar per network, as the browser parsed it"
    );
    for picture in ["id=\"timeline\"", "id=\"starts\"", "id=\"load\"", "id=\"pipeline\""] {
        assert!(dom.contains(picture), "no {picture}");
    }
    let shot = dir.0.join("overview.png");
    let screenshot = format!("--screenshot={}", shot.display());
    browse(&browser, &dir.0.join("profile"), port, &[screenshot, "--window-size=1200,2200".to_owned(), url]);
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "a PNG of the page ({} bytes)", png.len());
    assert_eq!(from_the_page(&requests.lock().unwrap()), Vec::<String>::new(), "the page fetched something");

    // The detector itself: a page that fetches an image is caught.
    let control = dir.0.join("control.html");
    std::fs::write(&control, "<html><body><img src=\"http://example.org/x.png\"></body></html>").unwrap();
    browse(
        &browser,
        &dir.0.join("profile"),
        port,
        &["--dump-dom".to_owned(), format!("file://{}", control.display())],
    );
    // The proxy's thread records what it was sent; give it a moment on a loaded machine.
    let caught = (0..200)
        .map(|_| {
            let caught = from_the_page(&requests.lock().unwrap());
            if caught.is_empty() {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            caught
        })
        .find(|caught| !caught.is_empty())
        .unwrap_or_default();
    assert!(caught.iter().any(|line| line.contains("example.org")), "the proxy saw {caught:?}");
}
