//! The text formats: terminal tables (Unicode width aware, linear in their input), Markdown
//! tables (CommonMark + GFM), CSV.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{CsvDialect, Lang, Table};

/// The columns `text` takes in a terminal.
fn columns(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Word-wraps `text` into lines of at most `width` terminal columns, breaking a word longer than
/// a line. Linear in the text: each character is looked at once.
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    // The line's width, kept as it grows.
    let mut length = 0;
    for word in text.split_whitespace() {
        let word_width = columns(word);
        if word_width > width {
            // A word longer than a line: full lines of its own, the rest goes on.
            if length > 0 {
                lines.push(std::mem::take(&mut line));
                length = 0;
            }
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if length + w > width {
                    lines.push(std::mem::take(&mut line));
                    length = 0;
                }
                line.push(c);
                length += w;
            }
            continue;
        }
        let needed = if length == 0 { word_width } else { length + 1 + word_width };
        if needed > width && length > 0 {
            lines.push(std::mem::take(&mut line));
            length = 0;
        }
        if length > 0 {
            line.push(' ');
            length += 1;
        }
        line.push_str(word);
        length += word_width;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A table that fits `width` columns: the widest columns give way first, and their cells wrap.
pub(super) fn table(section: &Table, lang: Lang, width: usize) -> String {
    let count = section.headers.len();
    let mut widths: Vec<usize> = section.headers.iter().map(|h| columns(h)).collect();
    for row in &section.rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(columns(&cell.text));
        }
    }
    let budget = width.max(count * 7).saturating_sub(2 * (count.max(1) - 1));
    // No column is wider than the whole table: a huge cell costs one pass, not one per column.
    for column in &mut widths {
        *column = (*column).min(budget);
    }
    while widths.iter().sum::<usize>() > budget {
        let Some(widest) = widths.iter().copied().max().filter(|w| *w > 6) else { break };
        let over = widths.iter().sum::<usize>() - budget;
        let second = widths.iter().copied().filter(|w| *w < widest).max().unwrap_or(6).max(6);
        let tied = widths.iter().filter(|w| **w == widest).count() > 1;
        if let Some(width) = widths.iter_mut().find(|w| **w == widest) {
            // A lone widest column gives way down to the next widest at once; tied ones take
            // turns, a column at a time, so they end equal.
            *width -= if tied { 1 } else { over.min(widest - second).max(1) };
        }
    }
    let line = |cells: Vec<String>| {
        let wrapped: Vec<Vec<String>> =
            cells.iter().zip(&widths).map(|(cell, width)| wrap(cell, *width)).collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let mut text = String::new();
        for index in 0..height {
            let mut row = String::new();
            for (column, (lines, width)) in wrapped.iter().zip(&widths).enumerate() {
                let cell = lines.get(index).map_or("", String::as_str);
                if column > 0 {
                    row.push_str("  ");
                }
                row.push_str(cell);
                row.push_str(&" ".repeat(width.saturating_sub(columns(cell))));
            }
            text.push_str(row.trim_end());
            text.push('\n');
        }
        text
    };
    let mut out = wrap(&section.title, width).join("\n") + "\n";
    out.push_str(&line(section.headers.clone()));
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)).collect()));
    if section.rows.is_empty() {
        out.push_str(lang.say("(none)"));
        out.push('\n');
    }
    for row in &section.rows {
        out.push_str(&line(texts(row)));
    }
    out
}

/// The cells' texts.
fn texts(row: &[crate::content::Cell]) -> Vec<String> {
    row.iter().map(|cell| cell.text.clone()).collect()
}

/// A section as a GFM table under a heading. A cell is one line of a table row: a newline would
/// end the table, a `|` a cell.
pub(super) fn markdown(section: &Table) -> String {
    let escape = |cell: &str| cell.replace('|', "\\|").replace(['\r', '\n'], " ");
    let mut out = format!(
        "### {}\n\n| {} |\n|{}\n",
        section.title.replace(['\r', '\n'], " "),
        section.headers.join(" | "),
        "---|".repeat(section.headers.len())
    );
    for row in &section.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// A CSV cell a spreadsheet will not run: one that starts as a formula does (`=`, `+`, `-`,
/// `@`, or a tab or carriage return before one) gets a `'` first, as OWASP advises against CSV
/// injection, so the spreadsheet shows it as text. A plain number (`-3`, `+4.5`) and the lone
/// `-` of an empty cell are no formula and stay as they are.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let starts_a_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !starts_a_formula || cell == "-" || number(cell) {
        return std::borrow::Cow::Borrowed(cell);
    }
    std::borrow::Cow::Owned(format!("'{cell}"))
}

/// Whether `cell` is a decimal number with a sign: digits, at most one point among them.
fn number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction
            .is_none_or(|fraction| !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()))
}

/// One section: its header and rows. Several: each block's header starts with a `section`
/// column and its rows with the section's title, blocks apart by an empty line, so that no
/// section is dropped (`--section` gives one plain table).
pub(super) fn csv(sections: &[Table], lang: Lang, dialect: CsvDialect) -> String {
    let (separator, end) = match dialect {
        CsvDialect::Standard => (',', "\n"),
        CsvDialect::Excel => (';', "\r\n"),
    };
    let field = |cell: &str| {
        let cell = inert(cell);
        // Excel in a Danish locale reads 1,5 as a number and 1.5 as text.
        let cell = match dialect {
            CsvDialect::Excel if is_decimal(&cell) => std::borrow::Cow::Owned(cell.replace('.', ",")),
            _ => cell,
        };
        if cell.contains([separator, '"', '\n', '\r']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.into_owned()
        }
    };
    let line = |cells: Vec<String>| {
        cells.iter().map(|cell| field(cell)).collect::<Vec<_>>().join(&separator.to_string()) + end
    };
    // Excel takes a file as UTF-8 only when it starts with the byte order mark.
    let bom = if dialect == CsvDialect::Excel { "\u{feff}" } else { "" };
    if let [section] = sections {
        let mut out = bom.to_owned() + &line(section.headers.clone());
        for row in &section.rows {
            out.push_str(&line(texts(row)));
        }
        return out;
    }
    let mut blocks = Vec::new();
    for section in sections {
        let mut block = line(
            std::iter::once(lang.say("section").to_owned()).chain(section.headers.iter().cloned()).collect(),
        );
        for row in &section.rows {
            block.push_str(&line(std::iter::once(section.title.clone()).chain(texts(row)).collect()));
        }
        blocks.push(block);
    }
    bom.to_owned() + &blocks.join(end)
}

/// Whether `cell` is a number with a decimal point and nothing else (`1.5`, `-0.25`).
fn is_decimal(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    match digits.split_once('.') {
        Some((whole, fraction)) => {
            !whole.is_empty()
                && !fraction.is_empty()
                && whole.bytes().all(|byte| byte.is_ascii_digit())
                && fraction.bytes().all(|byte| byte.is_ascii_digit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_start_a_formula_are_escaped_with_a_quote_and_numbers_are_not() {
        let check = |given: &str, expect: &str| assert_eq!(inert(given), expect, "{given:?}");
        check("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")");
        check("+45 12 34 56 78", "'+45 12 34 56 78");
        check("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0");
        check("@SUM(A1:A2)", "'@SUM(A1:A2)");
        check("\t=1+1", "'\t=1+1");
        check("\r=1+1", "'\r=1+1");
        check("-", "-");
        check("-3", "-3");
        check("+4.5", "+4.5");
        check("-.5", "'-.5");
        check("-1.", "'-1.");
        check("Sundhed = trivsel", "Sundhed = trivsel");
        check("", "");
        let mut section = Table::new("Networks", vec!["title".to_owned(), "members".to_owned()]);
        section.row(["=1+2,\"a\"".to_owned(), "-4".to_owned()]);
        assert_eq!(
            csv(&[section], Lang::En, CsvDialect::Standard),
            "title,members\n\"'=1+2,\"\"a\"\"\",-4\n"
        );
    }

    /// Issue 28: CSV for Danish Excel: a byte order mark, semicolons, CRLF, and decimal commas
    /// in number cells only (a date, a version or a title keeps its points).
    #[test]
    fn the_excel_dialect_has_a_bom_semicolons_crlf_and_decimal_commas_in_numbers_only() {
        let headers = ["person", "uger", "dato"].map(str::to_owned).to_vec();
        let mut section = Table::new("Belastning", headers);
        section.row(["Lund; Karen".to_owned(), "1.5".to_owned(), "2016-06-30".to_owned()]);
        section.row(["v1.2 beta".to_owned(), "-0.25".to_owned(), "3".to_owned()]);
        assert_eq!(
            csv(&[section], Lang::Da, CsvDialect::Excel),
            "\u{feff}person;uger;dato\r\n\"Lund; Karen\";1,5;2016-06-30\r\nv1.2 beta;-0,25;3\r\n"
        );
        assert!(!is_decimal("1.") && !is_decimal(".5") && !is_decimal("1.2.3") && is_decimal("10.05"));
    }

    #[test]
    fn wide_characters_take_two_columns_and_lines_never_overflow() {
        let lines = wrap("福祉 ネットワーク æøå Albertslund", 10);
        for line in &lines {
            assert!(columns(line) <= 10, "{line:?} is {} columns", columns(line));
        }
        assert_eq!(lines.concat().replace(' ', ""), "福祉ネットワークæøåAlbertslund");
    }
}
