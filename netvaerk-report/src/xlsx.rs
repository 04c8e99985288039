//! The Excel workbook (`--format xlsx`): the stamp on the first sheet, then a sheet a section,
//! named after its title (cut to Excel's 31 characters, without the characters Excel forbids,
//! unique). Each section's sheet has its whole title on the first row, its column headers on the
//! second, bold and frozen with a filter, then its rows: dates as dates (shown `dd.mm.yyyy` in
//! Danish, `yyyy-mm-dd` in English), numbers as numbers, words as text (never as a formula), a
//! dash for nothing as an empty cell; every column as wide as its content, up to a limit past
//! which its cells wrap.

use rust_xlsxwriter::{
    ExcelDateTime, Format as CellFormat, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use netvaerk::Error;

use super::{Lang, Table};
use crate::content::{Cell, Kind};

/// Excel's longest sheet name, in UTF-16 units.
const SHEET_NAME: usize = 31;

/// The widest a column is made, in characters; longer cells wrap.
const WIDEST: usize = 60;

/// Excel's longest text in a cell, in characters.
const LONGEST_TEXT: usize = 32_767;

/// The workbook of `sections`, with `stamp` (labelled fields, in `lang`) on its first sheet.
pub(super) fn workbook(sections: &[Table], stamp: &[(&str, String)], lang: Lang) -> Result<Vec<u8>, Error> {
    write(sections, stamp, lang).map_err(|error| {
        Error::input(
            "xlsx_failed",
            Some("format"),
            Some("xlsx".to_owned()),
            format!("the workbook could not be written: {error}"),
        )
    })
}

fn write(sections: &[Table], stamp: &[(&str, String)], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new(lang);
    let mut workbook = Workbook::new();
    let mut names = Names::default();
    if !stamp.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(names.unique(lang.say("Stamp")))?;
        sheet.write_string_with_format(0, 0, lang.say("field"), &formats.header)?;
        sheet.write_string_with_format(0, 1, lang.say("value"), &formats.header)?;
        for (row, (label, value)) in (1u32..).zip(stamp) {
            sheet.write_string_with_format(row, 0, *label, &formats.bold)?;
            sheet.write_string(row, 1, text(value))?;
        }
        let labels = stamp.iter().map(|(label, _)| width(label)).max().unwrap_or(0);
        let values = stamp.iter().map(|(_, value)| width(value)).max().unwrap_or(0);
        sheet.set_column_width(0, column_width(labels.max(width(lang.say("field")))))?;
        sheet.set_column_width(1, column_width(values.max(width(lang.say("value")))))?;
    }
    for section in sections {
        let sheet = workbook.add_worksheet();
        sheet.set_name(names.unique(&section.title))?;
        table(sheet, section, &formats, lang)?;
    }
    if sections.is_empty() && stamp.is_empty() {
        // A workbook holds at least one sheet.
        workbook.add_worksheet();
    }
    workbook.save_to_buffer()
}

/// The cell formats a workbook uses.
struct Formats {
    title: CellFormat,
    header: CellFormat,
    bold: CellFormat,
    date: CellFormat,
    wrap: CellFormat,
}

impl Formats {
    fn new(lang: Lang) -> Self {
        let date = match lang {
            Lang::Da => "dd.mm.yyyy",
            Lang::En => "yyyy-mm-dd",
        };
        Self {
            title: CellFormat::new().set_bold().set_font_size(13),
            header: CellFormat::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin)
                .set_background_color(0x00F2_F2F2)
                .set_align(FormatAlign::Top),
            bold: CellFormat::new().set_bold(),
            date: CellFormat::new().set_num_format(date).set_align(FormatAlign::Left),
            wrap: CellFormat::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// A section's sheet: its title, its headers (bold, frozen, with a filter), its rows.
fn table(sheet: &mut Worksheet, section: &Table, formats: &Formats, lang: Lang) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, text(&section.title), &formats.title)?;
    let mut widths: Vec<usize> = section.headers.iter().map(|header| width(header)).collect();
    for (column, header) in (0u16..).zip(&section.headers) {
        sheet.write_string_with_format(1, column, text(header), &formats.header)?;
    }
    for row in &section.rows {
        for (column, cell) in row.iter().enumerate() {
            let wide = match cell.kind {
                Kind::Date(_) => 10,
                Kind::Number(_) | Kind::Text => width(&cell.text),
            };
            match widths.get_mut(column) {
                Some(width) => *width = (*width).max(wide),
                None => widths.push(wide),
            }
        }
    }
    for (row, cells) in (2u32..).zip(&section.rows) {
        for (column, cell) in (0u16..).zip(cells) {
            let wraps = widths.get(usize::from(column)).is_some_and(|width| *width > WIDEST);
            write_cell(sheet, row, column, cell, formats, wraps)?;
        }
    }
    if section.rows.is_empty() {
        sheet.write_string(2, 0, lang.say("(none)"))?;
    }
    for (column, width) in (0u16..).zip(&widths) {
        sheet.set_column_width(column, column_width(*width))?;
    }
    sheet.set_freeze_panes(2, 0)?;
    if let (Some(last_row), Some(last_column)) = (
        u32::try_from(section.rows.len()).ok().map(|rows| rows + 1),
        u16::try_from(widths.len()).ok().and_then(|columns| columns.checked_sub(1)),
    ) {
        sheet.autofilter(1, 0, last_row, last_column)?;
    }
    Ok(())
}

/// One cell, as what it is.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &Cell,
    formats: &Formats,
    wraps: bool,
) -> Result<(), XlsxError> {
    match cell.kind {
        Kind::Date(date) => {
            use chrono::Datelike;
            let excel = u16::try_from(date.year())
                .ok()
                .and_then(|year| {
                    // Months and days of a date are in range; Excel's dates start in 1900.
                    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
                })
                .filter(|_| date.year() >= 1900);
            match excel {
                Some(excel) => sheet.write_date_with_format(row, column, &excel, &formats.date)?,
                None => sheet.write_string(row, column, text(&cell.text))?,
            };
        }
        Kind::Number(number) if number.is_finite() => {
            sheet.write_number(row, column, number)?;
        }
        Kind::Number(_) | Kind::Text if cell.text == "-" || cell.text.is_empty() => {}
        Kind::Number(_) | Kind::Text if wraps => {
            sheet.write_string_with_format(row, column, text(&cell.text), &formats.wrap)?;
        }
        Kind::Number(_) | Kind::Text => {
            sheet.write_string(row, column, text(&cell.text))?;
        }
    }
    Ok(())
}

/// `text` as a cell holds it: at most Excel's longest text.
fn text(text: &str) -> String {
    if text.chars().count() <= LONGEST_TEXT {
        return text.to_owned();
    }
    text.chars().take(LONGEST_TEXT).collect()
}

/// The characters of `text`'s longest line.
fn width(text: &str) -> usize {
    text.lines().map(|line| line.chars().count()).max().unwrap_or(0)
}

/// A column's width for content `characters` wide: a little room, within limits.
fn column_width(characters: usize) -> f64 {
    // At most WIDEST, so the cast is exact.
    (characters.clamp(4, WIDEST) + 2) as f64
}

/// The sheet names given so far.
#[derive(Default)]
struct Names {
    taken: Vec<String>,
}

impl Names {
    /// A sheet name for `title`, unique in the workbook (as Excel compares names, in any case).
    fn unique(&mut self, title: &str) -> String {
        let base = sheet_name(title);
        let mut name = base.clone();
        let mut number = 2;
        while self.is_taken(&name) {
            let suffix = format!(" ({number})");
            name = cut(&base, SHEET_NAME - suffix.encode_utf16().count()) + &suffix;
            number += 1;
        }
        self.taken.push(name.to_lowercase());
        name
    }

    fn is_taken(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        // "History" is Excel's own.
        lower == "history" || self.taken.contains(&lower)
    }
}

/// A sheet name from a section's title: the part in quotes (an audit trail's theme), else the
/// part before an explanation in brackets or after a colon, without the characters Excel forbids (`[ ] : * ? / \`), at most 31 characters, cut
/// at a word where one is near.
fn sheet_name(title: &str) -> String {
    // An audit trail's title names its theme in quotes: the theme is the name.
    let quoted =
        title.split('"').nth(1).filter(|quoted| !quoted.trim().is_empty() && title.matches('"').count() >= 2);
    let short = quoted.or_else(|| {
        title.split(['(', ':', ',', ';']).next().map(str::trim).filter(|short| !short.is_empty())
    });
    let clean: String = short
        .unwrap_or(title)
        .chars()
        .map(
            |c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { ' ' } else { c },
        )
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = cut(&clean, SHEET_NAME);
    if name.is_empty() {
        "-".to_owned()
    } else {
        name
    }
}

/// `text` in at most `units` UTF-16 units, cut at a space where one is in its second half,
/// without an apostrophe or a space at either end.
fn cut(text: &str, units: usize) -> String {
    let trim = |text: &str| text.trim_matches(|c: char| c == '\'' || c.is_whitespace()).to_owned();
    let text = trim(text);
    if text.encode_utf16().count() <= units {
        return text;
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        used += c.len_utf16();
        if used > units {
            break;
        }
        kept.push(c);
    }
    let kept = match kept.rfind(' ') {
        Some(space) if space >= kept.len() / 2 && text[kept.len()..].starts_with(|c: char| c != ' ') => {
            kept[..space].to_owned()
        }
        _ => kept,
    };
    trim(&kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_cut_cleaned_and_unique() {
        let check = |given: &str, expect: &str| assert_eq!(sheet_name(given), expect, "{given:?}");
        check("Networks", "Networks");
        check("Cohorts (CO-2: the size in force when formed)", "Cohorts");
        check("Round 2016H1: the other themes", "Round 2016H1");
        check("Kompetenceforløb [NL-3]/*?\\", "Kompetenceforløb NL-3");
        check("'quoted'", "quoted");
        check("Audit trail of the theme \"Sundhed og trivsel på tværs\"", "Sundhed og trivsel på tværs");
        check("Waiting for the committee to decide what comes next", "Waiting for the committee to");
        check("Abcdefghijklmnopqrstuvwxyzabcdefghij", "Abcdefghijklmnopqrstuvwxyzabcde");
        check("(:)", "( )");
        check("?:*", "-");
        check("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀");
        let mut names = Names::default();
        assert_eq!(names.unique("Networks"), "Networks");
        assert_eq!(names.unique("networks"), "networks (2)");
        assert_eq!(names.unique("NETWORKS"), "NETWORKS (3)");
        assert_eq!(names.unique("History"), "History (2)");
        let long = "Abcdefghijklmnopqrstuvwxyzabcdefghij";
        assert_eq!(names.unique(long), "Abcdefghijklmnopqrstuvwxyzabcde");
        assert_eq!(names.unique(long), "Abcdefghijklmnopqrstuvwxyza (2)");
        for name in &names.taken {
            assert!(name.encode_utf16().count() <= SHEET_NAME, "{name}");
        }
    }
}
