//! The HTML page: one self-contained file (inline CSS and SVG, nothing fetched), with the
//! report's tables and, for the overview, its pictures.

use super::{Lang, Report, Section};

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
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>netvaerk: {}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}\
         table{{border-collapse:collapse;margin-bottom:2rem}}\
         th,td{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}}\
         th{{background:#f2f2f2}}</style>\n</head>\n<body>\n",
        lang.code(),
        report.name()
    );
    if !stamp.is_empty() {
        out.push_str(&format!("<p class=\"stamp\">{}</p>\n", escape_html(stamp)));
    }
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
    out.push_str("</body>\n</html>\n");
    out
}
