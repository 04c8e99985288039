//! The HTML page: one self-contained file (inline CSS and SVG, nothing fetched), with the
//! report's tables and, for the overview, its pictures.

use chrono::{Datelike, NaiveDate};
use netvaerk_core::{PhaseKind, PolicyValue};
use netvaerk_projections::{All, NetworkEntry, Stage};

use super::{Lang, Report, Table};
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
pub(super) fn html(report: &Report, sections: &[Table], lang: Lang, stamp: &str) -> String {
    let mut out = String::new();
    // The page's title in the report's language: its first section's, else its name.
    let title = sections.first().map_or(report.name(), |section| section.title.as_str());
    head(&mut out, lang, title, stamp);
    tables(&mut out, sections, lang);
    out.push_str("</body>\n</html>\n");
    out
}

/// One `<table>` a section.
fn tables<'a>(out: &mut String, sections: impl IntoIterator<Item = &'a Table>, lang: Lang) {
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

/// The pages' stylesheet: screen, and A4 for the chief forum's printouts and PDFs. The
/// overview's pictures share one key of colours, each series its own, and welfare and
/// innovation carry a pattern too, so a greyscale print still tells them apart.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}\
table{border-collapse:collapse;margin-bottom:1.5rem}\
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}thead{display:table-header-group}.stamp{color:#555;font-size:.8rem}\
.cover h1{font-size:2rem;margin:0 0 .2rem}.cover .subtitle{font-size:1.2rem;margin:0 0 1rem}\
.summary{font-size:1rem;margin:0 0 1rem;padding-left:1.2rem}.summary li{margin:.15rem 0}\
figure{margin:0 0 1.2rem}svg{max-width:100%;height:auto;font-size:10px}svg.defs{position:absolute}\
.learning{fill:#4e79a7}.welfare{fill:#59a14f;fill:url(#pattern-welfare)}\
.innovation{fill:#f28e2b;fill:url(#pattern-innovation)}.total{fill:#3d3d3d}.stage{fill:#76b7b2}\
.band{fill:#bbb;fill-opacity:.35}.test{fill:#fff;fill-opacity:.45;stroke:#222;stroke-dasharray:2 2}\
.grid{stroke:#ddd}.legend rect{stroke:#666;stroke-width:.5}.count-label{font-size:8px}.flag{font-size:8px;fill:#b00020;font-weight:bold}\
@page{size:A4;margin:12mm 12mm 14mm}\
@media print{body{margin:0;font-size:8.5pt;max-width:none}h1,h2{break-after:avoid}\
h2{font-size:11pt;margin:.6rem 0 .3rem}.major{break-before:page}.appendix{break-before:page}\
figure,tr,.cover{break-inside:avoid}table{font-size:7.5pt;width:100%}th,td{padding:.1rem .3rem}\
th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}\
svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/// The patterns of the pictures' key (welfare striped, innovation dotted), defined once a page.
const PATTERNS: &str = "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>\
<pattern id=\"pattern-welfare\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
<rect width=\"6\" height=\"6\" fill=\"#59a14f\"/><rect width=\"2\" height=\"6\" fill=\"#fff\" fill-opacity=\".7\"/></pattern>\
<pattern id=\"pattern-innovation\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">\
<rect width=\"5\" height=\"5\" fill=\"#f28e2b\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"1.2\" fill=\"#fff\" fill-opacity=\".8\"/></pattern>\
</defs></svg>\n";

/// The width of the overview's pictures, in their own units: about an A4 page's text width, so
/// that their words print at about the size of the tables'.
const PICTURE: f64 = 720.0;

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

/// A picture's key: a swatch and a label an entry, in a row from `x`, on the line `y`.
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
        at += 28.0 + 5.6 * label.chars().count() as f64;
    }
    out.push_str("</g>\n");
}

/// A label of one or more lines (`<tspan>`s), the first on the line `y`.
fn label_lines(out: &mut String, x: f64, y: f64, lines: &[String]) {
    out.push_str(&format!("<text x=\"{x:.0}\" y=\"{y:.0}\">"));
    for (index, line) in lines.iter().enumerate() {
        let dy = if index == 0 { 0.0 } else { LINE };
        out.push_str(&format!("<tspan x=\"{x:.0}\" dy=\"{dy:.0}\">{}</tspan>", escape_html(line)));
    }
    out.push_str("</text>");
}

/// The height of a line of the pictures' labels.
const LINE: f64 = 11.0;

/// About how many characters of the pictures' words fit in `width` units.
fn characters_in(width: f64) -> usize {
    (width / 5.4) as usize
}

/// The timeline: one bar a network from its start to its close (or the as-of date), by
/// half-year, coloured by type, its test phase marked, its close labelled with the outcome; its
/// theme's whole title beside it, wrapped.
fn timeline(out: &mut String, all: &All, lang: Lang, until: NaiveDate) {
    let networks: Vec<_> = all.portfolio.networks.values().collect();
    let Some(first) = networks.iter().map(|n| n.started_on).min() else {
        return none(out, lang);
    };
    let end_of = |n: &NetworkEntry| n.ended_on.unwrap_or(until.max(n.started_on));
    let last = networks.iter().map(|n| end_of(n)).max().unwrap_or(first);
    let (from, to) = (half_year_start(first), next_half_year(half_year_start(last)));
    let (label_width, width) = (230.0, PICTURE);
    let titles: Vec<Vec<String>> = networks
        .iter()
        .map(|network| {
            let title = all.portfolio.themes.get(&network.theme).map_or("", |theme| theme.title.as_str());
            crate::text::wrap(title, characters_in(label_width - 8.0))
        })
        .collect();
    let heights: Vec<f64> = titles.iter().map(|lines| (LINE * lines.len() as f64 + 5.0).max(16.0)).collect();
    // Room on the right for the last closing's outcome.
    let scale = (width - label_width - 105.0) / days(from, to).max(1.0);
    let x = |date: NaiveDate| label_width + days(from, date) * scale;
    let body: f64 = heights.iter().sum();
    let height = 24.0 + body + 30.0;
    out.push_str(&format!(
        "<figure><svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height:.0}\" width=\"{width}\" height=\"{height:.0}\" role=\"img\">\n"
    ));
    let mut tick = from;
    while tick <= to {
        let tx = x(tick);
        out.push_str(&format!(
            "<line class=\"grid\" x1=\"{tx:.1}\" y1=\"18\" x2=\"{tx:.1}\" y2=\"{:.0}\"/>",
            24.0 + body
        ));
        // A year's label at its first half; the half-years are its grid lines.
        if tick.month() == 1 && tick < to {
            out.push_str(&format!("<text x=\"{:.1}\" y=\"14\">{}</text>", tx + 2.0, tick.year()));
        }
        out.push('\n');
        tick = next_half_year(tick);
    }
    let mut y = 24.0;
    for ((network, lines), row) in networks.iter().zip(&titles).zip(&heights) {
        let (start, end) = (x(network.started_on), x(end_of(network)));
        let kind = network.network_type.to_string();
        let outcome = network.outcome.map(|o| lang.word(&o.to_string()));
        let tooltip = format!(
            "{}: {} {} – {}{}",
            lines.join(" "),
            lang.word(&kind),
            lang.date(network.started_on),
            network.ended_on.map_or_else(|| "…".to_owned(), |on| lang.date(on)),
            outcome.as_ref().map_or_else(String::new, |o| format!(" ({o})"))
        );
        label_lines(out, 0.0, y + 9.0, lines);
        out.push_str(&format!(
            "<rect class=\"bar {kind}\" data-network=\"{}\" x=\"{start:.1}\" y=\"{:.0}\" width=\"{:.1}\" height=\"10\"><title>{}</title></rect>",
            network.network.as_uuid(),
            y + 1.0,
            (end - start).max(2.0),
            escape_html(&tooltip)
        ));
        // The test phase, from its start to the next phase or the end.
        let visits = &network.phases;
        for (at, visit) in visits.iter().enumerate().filter(|(_, visit)| visit.kind == PhaseKind::Test) {
            let test_end = visits.get(at + 1).map_or(end_of(network), |next| next.entered_on);
            let (t0, t1) = (x(visit.entered_on), x(test_end));
            out.push_str(&format!(
                "<rect class=\"test\" x=\"{t0:.1}\" y=\"{:.0}\" width=\"{:.1}\" height=\"10\"><title>{}</title></rect>",
                y + 1.0,
                (t1 - t0).max(2.0),
                escape_html(lang.say("test phase"))
            ));
        }
        if let Some(outcome) = outcome {
            out.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.0}\" font-size=\"9\">{}</text>",
                end + 3.0,
                y + 9.0,
                escape_html(&outcome)
            ));
        }
        out.push('\n');
        y += row;
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
/// learning and welfare starts against NW-3's, each band the policy's in force then, each bar
/// labelled with its count.
fn starts(out: &mut String, all: &All, lang: Lang) {
    let rows = all.portfolio.half_years();
    if rows.is_empty() {
        return none(out, lang);
    }
    let top = rows.iter().map(|r| r.total.max(r.expected_total.max)).max().unwrap_or(1).max(1) as f64;
    let (width, height, base, left) = (PICTURE, 232.0, 180.0, 24.0);
    let group = (width - left) / rows.len() as f64;
    let bar = (group - 8.0) / 4.0;
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
        let gx = left + group * index as f64 + 4.0;
        // Innovation starts have no band: NW-4 limits the innovation networks running, not
        // started (the half-year report shows it).
        // No band where the policy then did not give the numbers (NS2's).
        let nw2 = !row.unknown.contains(&PolicyValue::StartsPerHalfYear);
        let nw3 = !row.unknown.contains(&PolicyValue::TypeMix);
        let bars = [
            ("total", row.total, nw2.then_some((row.expected_total, "NW-2"))),
            ("learning", row.learning, nw3.then_some((row.expected_learning, "NW-3"))),
            ("welfare", row.welfare, nw3.then_some((row.expected_welfare, "NW-3"))),
            ("innovation", row.innovation, None),
        ];
        for (at, (class, count, band)) in bars.into_iter().enumerate() {
            let bx = gx + bar * at as f64;
            if let Some((band, rule)) = band {
                let (band_top, band_bottom) = (y(f64::from(band.max)), y(f64::from(band.min)));
                out.push_str(&format!(
                    "<rect class=\"band\" x=\"{:.1}\" y=\"{band_top:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{rule}: {}-{}</title></rect>",
                    bx - 1.0,
                    bar,
                    (band_bottom - band_top).max(1.5),
                    band.min,
                    band.max
                ));
            }
            let by = y(f64::from(count));
            out.push_str(&format!(
                "<rect class=\"count {class}\" x=\"{:.1}\" y=\"{by:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{} {}: {count}</title></rect><text class=\"count-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{count}</text>",
                bx + bar * 0.2,
                bar * 0.6,
                base - by,
                row.half_year,
                escape_html(&lang.word(class)),
                bx + bar * 0.5,
                by - 2.0
            ));
        }
        out.push_str(&format!("<text x=\"{gx:.1}\" y=\"{:.0}\">{}</text>\n", base + 13.0, row.half_year));
        // TH-3: the chief forum discusses themes every half-year; one without a round is flagged.
        if row.round_opened_on.is_none() {
            out.push_str(&format!(
                "<text class=\"flag\" x=\"{gx:.1}\" y=\"{:.0}\">{}</text>\n",
                base + 25.0,
                escape_html(lang.say("no round (TH-3)"))
            ));
        }
    }
    let entries = [
        ("total", lang.say("total").to_owned()),
        ("learning", lang.word("learning")),
        ("welfare", lang.word("welfare")),
        ("innovation", lang.word("innovation")),
        ("band", "NW-2 / NW-3".to_owned()),
    ];
    legend(out, left, height - 6.0, &entries);
    out.push_str("</svg></figure>\n");
}

/// The heat map's colour for a share of the most weeks.
fn heat(strength: f64) -> f64 {
    0.08 + 0.92 * strength.clamp(0.0, 1.0)
}

/// The load of intensive weeks per person and month as a heat map (PR-4), with its key.
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
    // The whole of the longest name.
    let longest = histories.iter().map(|h| h.person.name.chars().count()).max().unwrap_or(0);
    let left = (longest as f64 * 5.6 + 10.0).clamp(60.0, PICTURE / 2.0);
    let (cell, row) = (((PICTURE - left - 10.0) / months.len() as f64).min(14.0), 12.0);
    let width = PICTURE;
    let height = 30.0 + row * histories.len() as f64 + 34.0;
    out.push_str(&format!(
        "<figure><svg id=\"load\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\">\n"
    ));
    for (index, month) in months.iter().enumerate().filter(|(_, m)| m.ends_with("-01")) {
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"14\">{}</text>",
            left + cell * index as f64,
            month.get(..4).unwrap_or(month)
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
            out.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{y:.0}\" width=\"{:.1}\" height=\"{:.0}\" fill=\"#c0392b\" fill-opacity=\"{:.2}\"><title>{} {}: {} {}</title></rect>",
                left + cell * index as f64,
                cell - 1.0,
                row - 1.0,
                heat(month.intensive_weeks / most),
                escape_html(&history.person.name),
                month.month,
                lang.decimal(month.intensive_weeks),
                lang.say("weeks")
            ));
        }
        out.push('\n');
    }
    // The key: five steps from a little to the most, each with its weeks.
    let key_y = height - 18.0;
    let key_label = lang.say("intensive weeks a month");
    out.push_str(&format!(
        "<g class=\"legend\" id=\"load-key\"><text x=\"0\" y=\"{:.0}\">{}</text>",
        key_y + 10.0,
        escape_html(key_label)
    ));
    let mut at = left.max(key_label.chars().count() as f64 * 5.6 + 12.0);
    for step in 1..=5 {
        let weeks = most * f64::from(step) / 5.0;
        out.push_str(&format!(
            "<rect x=\"{at:.0}\" y=\"{key_y:.0}\" width=\"14\" height=\"12\" fill=\"#c0392b\" fill-opacity=\"{:.2}\"/><text x=\"{:.0}\" y=\"{:.0}\">{}</text>",
            heat(weeks / most),
            at + 18.0,
            key_y + 10.0,
            lang.decimal(weeks)
        ));
        at += 56.0;
    }
    out.push_str("</g>\n</svg></figure>\n");
}

/// The competence pipeline: how many stand at each stage, and the pool (CO-1, NL-1).
fn pipeline(out: &mut String, all: &All, names: &netvaerk_projections::Names, lang: Lang) {
    let report = all.competence.report(names);
    let count = |stage: Stage| report.tracks.iter().filter(|t| t.stage == stage).count();
    let stages = [
        (lang.say("candidates").to_owned(), count(Stage::Candidate)),
        (lang.say("co-drivers").to_owned(), count(Stage::CoDriver)),
        (lang.say("in a cohort").to_owned(), count(Stage::InDiploma)),
        (lang.say("with the diploma").to_owned(), count(Stage::DiplomaHolder)),
        (
            lang.say("qualified leaders").to_owned(),
            count(Stage::QualifiedLeader) + count(Stage::ExperiencedLeader),
        ),
        (lang.say("in the pool").to_owned(), report.pool.len()),
    ];
    let most = stages.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    let longest = stages.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0);
    let (left, width, row) = ((longest as f64 * 5.6 + 12.0).max(120.0), PICTURE, 22.0);
    let height = row * stages.len() as f64 + 30.0;
    out.push_str(&format!(
        "<figure><svg id=\"pipeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height:.0}\" width=\"{width}\" height=\"{height:.0}\" role=\"img\">\n"
    ));
    for (at, (label, n)) in stages.iter().enumerate() {
        let y = 4.0 + row * at as f64;
        let w = (width - left - 60.0) * (*n as f64) / most;
        out.push_str(&format!(
            "<text x=\"0\" y=\"{:.0}\">{}</text><rect class=\"stage\" x=\"{left:.0}\" y=\"{y:.0}\" width=\"{w:.1}\" height=\"{:.0}\"/><text x=\"{:.1}\" y=\"{:.0}\">{n}</text>\n",
            y + 13.0,
            escape_html(label),
            row - 7.0,
            left + w + 6.0,
            y + 13.0
        ));
    }
    legend(out, left, height - 6.0, &[("stage", lang.say("persons at the stage").to_owned())]);
    out.push_str("</svg></figure>\n");
}

/// What the overview opens with: the organisation, the date, a summary of themes, networks and
/// qualified leaders, and the stamp in small print (the log head's hash shortened).
fn cover(out: &mut String, all: &All, names: &netvaerk_projections::Names, opening: &Opening<'_>) {
    let lang = opening.lang;
    let say = |english: &'static str| lang.say(english);
    out.push_str(&format!(
        "<header class=\"cover\">\n<h1>{}</h1>\n<p class=\"subtitle\">{} · {} {}</p>\n",
        escape_html(opening.organisation),
        escape_html(say("Overview for the chief forum")),
        escape_html(say("as of")),
        escape_html(&lang.date(opening.date))
    ));
    let by_type = |running: bool| {
        let networks: Vec<_> =
            all.portfolio.networks.values().filter(|n| n.outcome.is_none() == running).collect();
        let kinds: Vec<String> = ["learning", "welfare", "innovation"]
            .into_iter()
            .map(|kind| {
                let count = networks.iter().filter(|n| n.network_type.to_string() == kind).count();
                format!("{count} {}", lang.word(kind))
            })
            .collect();
        format!("{} ({})", networks.len(), kinds.join(", "))
    };
    let tracks = all.competence.report(names).tracks;
    let qualified = tracks
        .iter()
        .filter(|t| matches!(t.stage, Stage::QualifiedLeader | Stage::ExperiencedLeader))
        .count();
    out.push_str(&format!(
        "<ul class=\"summary\">\n<li>{}: {}</li>\n<li>{}: {}</li>\n<li>{}: {}</li>\n<li>{}: {}</li>\n</ul>\n",
        escape_html(say("Themes")),
        all.portfolio.themes.len(),
        escape_html(say("Running networks")),
        escape_html(&by_type(true)),
        escape_html(say("Closed networks")),
        escape_html(&by_type(false)),
        escape_html(say("Qualified leaders")),
        qualified
    ));
    if !opening.stamp.is_empty() {
        let fields: Vec<String> = opening
            .stamp
            .iter()
            .map(|(label, value)| {
                // The log head: its position and the hash's first 12 digits, enough to compare.
                let value = match value.split_once(' ') {
                    Some((position, hash))
                        if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
                    {
                        format!("{position} {}…", &hash[..12])
                    }
                    _ => value.clone(),
                };
                format!("{label}: {value}")
            })
            .collect();
        out.push_str(&format!("<p class=\"stamp\">{}</p>\n", escape_html(&fields.join(" | "))));
    }
    out.push_str("</header>\n");
}

/// What the overview opens with, besides the read models.
pub(super) struct Opening<'a> {
    /// The organisation's name, or what stands for it.
    pub(super) organisation: &'a str,
    /// The date the overview shows.
    pub(super) date: NaiveDate,
    /// The stamp's labelled fields.
    pub(super) stamp: &'a [(&'static str, String)],
    /// The language.
    pub(super) lang: Lang,
}

/// The overview page: the organisation, the date and the summary, the pictures, the tables of
/// every section, and the appendix's sections (audit trails) after a page break.
pub(super) fn overview(models: &ReadModels<'_>, sections: &[Table], opening: &Opening<'_>) -> String {
    let (all, lang) = (models.all, opening.lang);
    let mut out = String::new();
    head(&mut out, lang, &format!("{} – {}", opening.organisation, lang.say("Overview")), "");
    out.push_str(PATTERNS);
    cover(&mut out, all, models.names, opening);
    out.push_str(&format!("<h2>{}</h2>\n", escape_html(lang.say("Timeline of the networks by half-year"))));
    timeline(&mut out, all, lang, opening.date);
    out.push_str(&format!(
        "<h2 class=\"major\">{}</h2>\n",
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
    let (main, appendix): (Vec<&Table>, Vec<&Table>) = sections.iter().partition(|s| !s.appendix);
    out.push_str("<div class=\"major\">\n");
    tables(&mut out, main, lang);
    out.push_str("</div>\n");
    if !appendix.is_empty() {
        out.push_str(&format!(
            "<section class=\"appendix\">\n<h1>{}</h1>\n",
            escape_html(lang.say("Appendix: the networks' goals and the audit trails"))
        ));
        tables(&mut out, appendix, lang);
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
