//! The HTML page: one self-contained file (inline CSS and SVG, nothing fetched), with the
//! report's tables and, for the overview, its pictures.

use chrono::{Datelike, NaiveDate};
use netvaerk_core::PhaseKind;
use netvaerk_projections::{All, NetworkEntry, Stage};

use super::{Lang, Report, Section};
use netvaerk::ReadModels;

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole HTML page: one `<table>` a section, styled for reading and printing.
pub(super) fn html(report: &Report, sections: &[Section], lang: Lang, stamp: &str) -> String {
    let mut out = String::new();
    head(&mut out, lang, report.name(), stamp);
    tables(&mut out, sections, lang);
    out.push_str("</body>\n</html>\n");
    out
}

/// One `<table>` a section.
fn tables(out: &mut String, sections: &[Section], lang: Lang) {
    for section in sections {
        out.push_str(&format!("<h2>{}</h2>\n<table>\n<thead><tr>", escape_html(&section.title)));
        for header in &section.headers {
            out.push_str(&format!("<th>{}</th>", escape_html(header)));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        if section.rows.is_empty() {
            out.push_str(&format!(
                "<tr><td colspan=\"{}\">{}</td></tr>\n",
                section.headers.len(),
                escape_html(lang.say("(none)"))
            ));
        }
        for row in &section.rows {
            out.push_str("<tr>");
            for cell in row {
                out.push_str(&format!("<td>{}</td>", escape_html(cell)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

/// The overview's stylesheet: screen, and A4 for the chief forum's printouts and PDFs.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}\
table{border-collapse:collapse;margin-bottom:2rem}\
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}.stamp{color:#555;font-size:.85rem}\
figure{margin:0 0 2rem}svg{max-width:100%;height:auto;font-size:11px}\
.learning{fill:#4e79a7}.welfare{fill:#59a14f}.innovation{fill:#f28e2b}\
.band{fill:#bbb;fill-opacity:.35}.test{fill:#fff;fill-opacity:.45;stroke:#222;stroke-dasharray:2 2}\
.grid{stroke:#ddd}.legend rect{stroke:none}\
@page{size:A4;margin:14mm}\
@media print{body{margin:0;font-size:9pt;max-width:none}h2{break-after:avoid}figure,tr{break-inside:avoid}\
table{font-size:8pt}th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}\
svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

fn head(out: &mut String, lang: Lang, title: &str, stamp: &str) {
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>netvaerk: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.code(),
        escape_html(title)
    ));
    if !stamp.is_empty() {
        out.push_str(&format!("<p class=\"stamp\">{}</p>\n", escape_html(stamp)));
    }
}

/// A picture with nothing to show.
fn none(out: &mut String, lang: Lang) {
    out.push_str(&format!("<p>{}</p>\n", escape_html(lang.say("(none)"))));
}

/// Days from `from` to `date`, as a float for scaling.
fn days(from: NaiveDate, date: NaiveDate) -> f64 {
    (date - from).num_days() as f64
}

/// The first day of `date`'s half-year.
fn half_year_start(date: NaiveDate) -> NaiveDate {
    let month = if date.month() <= 6 { 1 } else { 7 };
    NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
}

fn next_half_year(date: NaiveDate) -> NaiveDate {
    if date.month() == 1 {
        NaiveDate::from_ymd_opt(date.year(), 7, 1).unwrap_or(date)
    } else {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1).unwrap_or(date)
    }
}

fn legend(out: &mut String, x: f64, y: f64, entries: &[(&str, String)]) {
    out.push_str("<g class=\"legend\">");
    let mut at = x;
    for (class, label) in entries {
        out.push_str(&format!(
            "<rect class=\"{class}\" x=\"{at:.0}\" y=\"{:.0}\" width=\"12\" height=\"12\"/><text x=\"{:.0}\" y=\"{:.0}\">{}</text>",
            y - 10.0,
            at + 16.0,
            y,
            escape_html(label)
        ));
        at += 30.0 + 7.0 * label.chars().count() as f64;
    }
    out.push_str("</g>\n");
}

/// The timeline: one bar a network from its start to its close (or the as-of date), by
/// half-year, coloured by type, its test phase marked, its close labelled with the outcome.
fn timeline(out: &mut String, all: &All, lang: Lang, until: NaiveDate) {
    let networks: Vec<_> = all.portfolio.networks.values().collect();
    let Some(first) = networks.iter().map(|n| n.started_on).min() else {
        return none(out, lang);
    };
    let end_of = |n: &NetworkEntry| n.ended_on.unwrap_or(until.max(n.started_on));
    let last = networks.iter().map(|n| end_of(n)).max().unwrap_or(first);
    let (from, to) = (half_year_start(first), next_half_year(half_year_start(last)));
    let (label_width, width, row) = (300.0, 1000.0, 16.0);
    // Room on the right for the last closing's outcome.
    let scale = (width - label_width - 130.0) / days(from, to).max(1.0);
    let x = |date: NaiveDate| label_width + days(from, date) * scale;
    let height = 40.0 + row * networks.len() as f64 + 30.0;
    out.push_str(&format!(
        "<figure><svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height:.0}\" width=\"{width}\" height=\"{height:.0}\" role=\"img\">\n"
    ));
    let mut tick = from;
    while tick <= to {
        let tx = x(tick);
        out.push_str(&format!(
            "<line class=\"grid\" x1=\"{tx:.1}\" y1=\"20\" x2=\"{tx:.1}\" y2=\"{:.0}\"/><text x=\"{:.1}\" y=\"14\">{}</text>\n",
            height - 30.0,
            tx + 2.0,
            netvaerk_core::RoundId::containing(tick)
        ));
        tick = next_half_year(tick);
    }
    for (index, network) in networks.iter().enumerate() {
        let y = 24.0 + row * index as f64;
        let title = all.portfolio.themes.get(&network.theme).map_or("", |theme| theme.title.as_str());
        let (start, end) = (x(network.started_on), x(end_of(network)));
        let kind = network.network_type.to_string();
        let outcome = network.outcome.map(|o| lang.word(&o.to_string()));
        let tooltip = format!(
            "{title}: {} {} – {}{}",
            lang.word(&kind),
            lang.date(network.started_on),
            network.ended_on.map_or_else(|| "…".to_owned(), |on| lang.date(on)),
            outcome.as_ref().map_or_else(String::new, |o| format!(" ({o})"))
        );
        let label: String = title.chars().take(44).collect();
        out.push_str(&format!(
            "<text x=\"0\" y=\"{:.0}\">{}</text><rect class=\"bar {kind}\" data-network=\"{}\" x=\"{start:.1}\" y=\"{y:.0}\" width=\"{:.1}\" height=\"{:.0}\"><title>{}</title></rect>",
            y + 11.0,
            escape_html(&label),
            network.network.as_uuid(),
            (end - start).max(2.0),
            row - 4.0,
            escape_html(&tooltip)
        ));
        // The test phase, from its start to the next phase or the end.
        let visits = &network.phases;
        for (at, visit) in visits.iter().enumerate().filter(|(_, visit)| visit.kind == PhaseKind::Test) {
            let test_end = visits.get(at + 1).map_or(end_of(network), |next| next.entered_on);
            let (t0, t1) = (x(visit.entered_on), x(test_end));
            out.push_str(&format!(
                "<rect class=\"test\" x=\"{t0:.1}\" y=\"{y:.0}\" width=\"{:.1}\" height=\"{:.0}\"><title>{}</title></rect>",
                (t1 - t0).max(2.0),
                row - 4.0,
                escape_html(lang.say("test phase"))
            ));
        }
        if let Some(outcome) = outcome {
            out.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.0}\" font-size=\"9\">{}</text>",
                end + 3.0,
                y + 10.0,
                escape_html(&outcome)
            ));
        }
        out.push('\n');
    }
    let entries: Vec<(&str, String)> = ["learning", "welfare", "innovation"]
        .into_iter()
        .map(|kind| (kind, lang.word(kind)))
        .chain([("test", lang.say("test phase").to_owned())])
        .collect();
    legend(out, label_width, height - 8.0, &entries);
    out.push_str("</svg></figure>\n");
}

/// Starts per half-year: for each, the starts of all types against NW-2's band and the
/// learning and welfare starts against NW-3's, each band the policy's in force then.
fn starts(out: &mut String, all: &All, lang: Lang) {
    let rows = all.portfolio.half_years();
    if rows.is_empty() {
        return none(out, lang);
    }
    let top = rows.iter().map(|r| r.total.max(r.expected_total.max)).max().unwrap_or(1).max(1) as f64;
    let (width, height, base, left) = (1000.0, 260.0, 220.0, 30.0);
    let group = (width - left) / rows.len() as f64;
    let bar = (group - 10.0) / 3.0;
    let y = |count: f64| base - count / top * (base - 20.0);
    out.push_str(&format!(
        "<figure><svg id=\"starts\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\">\n"
    ));
    for count in 0..=top as u32 {
        let ly = y(f64::from(count));
        out.push_str(&format!(
            "<line class=\"grid\" x1=\"{left}\" y1=\"{ly:.1}\" x2=\"{width}\" y2=\"{ly:.1}\"/><text x=\"0\" y=\"{:.1}\">{count}</text>",
            ly + 4.0
        ));
    }
    for (index, row) in rows.iter().enumerate() {
        let gx = left + group * index as f64 + 5.0;
        let bars = [
            ("total", row.total, row.expected_total, "NW-2"),
            ("learning", row.learning, row.expected_learning, "NW-3"),
            ("welfare", row.welfare, row.expected_welfare, "NW-3"),
        ];
        for (at, (class, count, band, rule)) in bars.into_iter().enumerate() {
            let bx = gx + bar * at as f64;
            let (band_top, band_bottom) = (y(f64::from(band.max)), y(f64::from(band.min)));
            out.push_str(&format!(
                "<rect class=\"band\" x=\"{:.1}\" y=\"{band_top:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{rule}: {}-{}</title></rect>",
                bx - 1.0,
                bar,
                (band_bottom - band_top).max(1.5),
                band.min,
                band.max
            ));
            let fill = if class == "total" { "innovation" } else { class };
            let by = y(f64::from(count));
            out.push_str(&format!(
                "<rect class=\"count {fill}\" x=\"{:.1}\" y=\"{by:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{} {}: {count}</title></rect>",
                bx + bar * 0.2,
                bar * 0.6,
                base - by,
                row.half_year,
                escape_html(&lang.word(if class == "total" { "total" } else { class }))
            ));
        }
        out.push_str(&format!("<text x=\"{gx:.1}\" y=\"{:.0}\">{}</text>\n", base + 14.0, row.half_year));
    }
    let entries = [
        ("innovation", lang.say("total").to_owned()),
        ("learning", lang.word("learning")),
        ("welfare", lang.word("welfare")),
        ("band", "NW-2 / NW-3".to_owned()),
    ];
    legend(out, left, height - 6.0, &entries);
    out.push_str("</svg></figure>\n");
}

/// The load of intensive weeks per person and month as a heat map (PR-4).
fn heat_map(out: &mut String, all: &All, names: &netvaerk_projections::Names, lang: Lang) {
    let histories: Vec<_> = all
        .leaders
        .report(names)
        .into_iter()
        .filter(|h| h.load.iter().any(|m| m.intensive_weeks > 0.0))
        .collect();
    let months: std::collections::BTreeSet<&str> =
        histories.iter().flat_map(|h| h.load.iter().map(|m| m.month.as_str())).collect();
    if months.is_empty() {
        return none(out, lang);
    }
    let months: Vec<&str> = months.into_iter().collect();
    let most = histories.iter().flat_map(|h| h.load.iter().map(|m| m.intensive_weeks)).fold(1.0, f64::max);
    let (left, cell, row) = (150.0, ((1000.0 - 150.0) / months.len() as f64).min(14.0), 12.0);
    let width = left + cell * months.len() as f64 + 10.0;
    let height = 30.0 + row * histories.len() as f64 + 24.0;
    out.push_str(&format!(
        "<figure><svg id=\"load\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\">\n"
    ));
    for (index, month) in months.iter().enumerate().filter(|(_, m)| m.ends_with("-01")) {
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"14\">{}</text>",
            left + cell * index as f64,
            &month[..4]
        ));
    }
    for (at, history) in histories.iter().enumerate() {
        let y = 20.0 + row * at as f64;
        out.push_str(&format!(
            "<text x=\"0\" y=\"{:.0}\">{}</text>",
            y + 10.0,
            escape_html(&history.person.name)
        ));
        for month in &history.load {
            let Ok(index) = months.binary_search(&month.month.as_str()) else { continue };
            let strength = (month.intensive_weeks / most).clamp(0.0, 1.0);
            out.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{y:.0}\" width=\"{:.1}\" height=\"{:.0}\" fill=\"#c0392b\" fill-opacity=\"{:.2}\"><title>{} {}: {} {}</title></rect>",
                left + cell * index as f64,
                cell - 1.0,
                row - 1.0,
                0.08 + 0.92 * strength,
                escape_html(&history.person.name),
                month.month,
                lang.decimal(month.intensive_weeks),
                lang.say("weeks")
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "<text x=\"{left}\" y=\"{:.0}\">{}: {} {}</text>",
        height - 6.0,
        escape_html(lang.say("legend")),
        lang.decimal(most),
        lang.say("weeks")
    ));
    out.push_str("</svg></figure>\n");
}

/// The competence pipeline: how many stand at each stage, and the pool (CO-1, NL-1).
fn pipeline(out: &mut String, all: &All, names: &netvaerk_projections::Names, lang: Lang) {
    let report = all.competence.report(names);
    let count = |stage: Stage| report.tracks.iter().filter(|t| t.stage == stage).count();
    let stages = [
        (lang.say("candidates").to_owned(), count(Stage::Candidate)),
        (lang.say("co-drivers").to_owned(), count(Stage::CoDriver)),
        (lang.say("in a cohort").to_owned(), count(Stage::InDiploma)),
        (
            lang.say("qualified leaders").to_owned(),
            count(Stage::QualifiedLeader) + count(Stage::ExperiencedLeader),
        ),
        (lang.say("in the pool").to_owned(), report.pool.len()),
    ];
    let most = stages.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    let (left, width, row) = (200.0, 1000.0, 26.0);
    let height = row * stages.len() as f64 + 10.0;
    out.push_str(&format!(
        "<figure><svg id=\"pipeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height:.0}\" width=\"{width}\" height=\"{height:.0}\" role=\"img\">\n"
    ));
    for (at, (label, n)) in stages.iter().enumerate() {
        let y = 4.0 + row * at as f64;
        let w = (width - left - 60.0) * (*n as f64) / most;
        out.push_str(&format!(
            "<text x=\"0\" y=\"{:.0}\">{}</text><rect class=\"welfare\" x=\"{left}\" y=\"{y:.0}\" width=\"{w:.1}\" height=\"{:.0}\"/><text x=\"{:.1}\" y=\"{:.0}\">{n}</text>\n",
            y + 15.0,
            escape_html(label),
            row - 8.0,
            left + w + 6.0,
            y + 15.0
        ));
    }
    out.push_str("</svg></figure>\n");
}

/// The overview page: the pictures, then the tables of every section.
pub(super) fn overview(
    models: &ReadModels<'_>,
    sections: &[Section],
    lang: Lang,
    stamp: &str,
    until: NaiveDate,
) -> String {
    let all = models.all;
    let mut out = String::new();
    head(&mut out, lang, lang.say("Overview"), stamp);
    out.push_str(&format!("<h1>{}</h1>\n", escape_html(lang.say("Overview"))));
    out.push_str(&format!("<h2>{}</h2>\n", escape_html(lang.say("Timeline of the networks by half-year"))));
    timeline(&mut out, all, lang, until);
    out.push_str(&format!(
        "<h2>{}</h2>\n",
        escape_html(lang.say("Starts per half-year against the NW-2 band"))
    ));
    starts(&mut out, all, lang);
    out.push_str(&format!(
        "<h2>{}</h2>\n",
        escape_html(lang.say("Load of intensive weeks per person and month (PR-4)"))
    ));
    heat_map(&mut out, all, models.names, lang);
    out.push_str(&format!("<h2>{}</h2>\n", escape_html(lang.say("The competence pipeline"))));
    pipeline(&mut out, all, models.names, lang);
    tables(&mut out, sections, lang);
    out.push_str("</body>\n</html>\n");
    out
}
