//! An export read into rows of cells, whatever it came in: CSV text (any
//! of `,` `;` tab, with or without a byte-order mark, LF or CRLF) or a sheet
//! of an Excel/OpenDocument workbook.
//!
//! Reading is bounded before it is clever: a file over [`MAX_FILE_BYTES`]
//! or a line over [`MAX_LINE_BYTES`] is refused while it is being read, so
//! `ritme import csv /dev/zero` stops at once instead of filling memory.

use std::io::Read;
use std::path::Path;

use chrono::NaiveDateTime;

use crate::diagnostics::Diagnostic;

/// Largest export accepted: a few years of a large sales team's activities
/// are tens of megabytes.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Longest line accepted in a CSV file; CRM rows with long descriptions
/// are a few kilobytes.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// One cell as the export holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A real Excel date or date-time.
    DateTime(NaiveDateTime),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, for matching and messages.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => crate::import::numbers::show(*n),
            Cell::DateTime(d) => d.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

/// A row of the export with the line (CSV) or row number (sheet) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }

    fn filled(&self) -> usize {
        self.cells.iter().filter(|c| !c.is_empty()).count()
    }
}

/// Everything read from the file, header row included.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// How the file is named in messages.
    pub file: String,
    /// "line" for text files, "row" for sheets: what the numbers count.
    pub unit: &'static str,
    pub rows: Vec<Row>,
}

fn refuse(file: &str, message: impl Into<String>, hint: &str) -> Diagnostic {
    Diagnostic::error(file, message).with_hint(hint)
}

/// Reads a file as it arrives, refusing it as soon as it is too large, has
/// an over-long line or holds bytes no text file has.
pub fn read_bounded(path: &Path, file: &str) -> Result<Vec<u8>, Diagnostic> {
    let mut f = std::fs::File::open(path).map_err(|e| {
        refuse(
            file,
            format!("cannot open the file: {}", crate::import::io_words(&e)),
            "check the path",
        )
    })?;
    if let Ok(meta) = f.metadata() {
        if meta.is_dir() {
            return Err(refuse(file, "is a folder, not an export", "name the exported file"));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(too_large(file));
        }
    }
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let (mut line, mut line_len) = (1usize, 0usize);
    loop {
        let n = match f.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(refuse(
                    file,
                    format!("cannot read the file: {}", crate::import::io_words(&e)),
                    "check the file",
                ));
            }
        };
        let bytes = &chunk[..n];
        if out.is_empty() && bytes.starts_with(b"PK\x03\x04") {
            return Err(refuse(
                file,
                "this is a workbook (Excel or OpenDocument), not CSV text",
                "import it with `ritme import xlsx`",
            ));
        }
        if bytes.contains(&0) {
            return Err(refuse(
                file,
                "the file holds NUL bytes: it is not CSV text",
                "export the report as CSV (UTF-8); for an Excel file use `ritme import xlsx`",
            ));
        }
        for &b in bytes {
            if b == b'\n' {
                line += 1;
                line_len = 0;
            } else {
                line_len += 1;
                if line_len > MAX_LINE_BYTES {
                    return Err(Diagnostic::error(file, format!("line {line} is longer than 1 MB"))
                        .at_line(line)
                        .with_hint("this is not a report export; check that the right file is named"));
                }
            }
        }
        if (out.len() + n) as u64 > MAX_FILE_BYTES {
            return Err(too_large(file));
        }
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

fn too_large(file: &str) -> Diagnostic {
    refuse(
        file,
        "the file is larger than 200 MB",
        "export a shorter period (a month or a quarter) and import each file",
    )
}

/// Decodes CSV bytes: UTF-8, with or without a byte-order mark.
pub fn decode(mut bytes: Vec<u8>, file: &str) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(refuse(
            file,
            "the file is UTF-16 text",
            "export it as \"CSV UTF-8\" (Excel: Save As → CSV UTF-8)",
        ));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // Decoded in place: a large export is not held twice.
    match String::from_utf8(bytes) {
        Ok(t) => Ok(t),
        Err(e) => {
            let (e, bytes) = (e.utf8_error(), e.into_bytes());
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
            Err(Diagnostic::error(file, "the file is not UTF-8 text")
                .at_line(line)
                .with_hint("export it as \"CSV UTF-8\" (Excel: Save As → CSV UTF-8)"))
        }
    }
}

/// The separator of a CSV text: the one of `,` `;` tab that occurs most
/// often outside quotes on the first line with any (a comma on a tie).
pub fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == b {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(d, n)| (*n, *d == b','))
        .map_or(b',', |(d, _)| *d)
}

/// Parses CSV text into rows, each with the file line it starts on.
pub fn parse_csv(text: &str, file: &str) -> Result<Table, Diagnostic> {
    // Line starts, to turn the parser's byte offsets into line numbers
    // (counting `\n` alone: right for LF and CRLF files alike).
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |byte: usize| starts.partition_point(|s| *s <= byte);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let at = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The parser may place a record at the `\n` that ends the
                // previous line's `\r\n` (one line too early): start at
                // the record's first byte.
                let mut start = record.position().map_or(at, |p| p.byte() as usize);
                while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
                    start += 1;
                }
                rows.push(Row {
                    line: line_of(start),
                    cells: record
                        .iter()
                        .map(|c| {
                            let c = c.trim();
                            if c.is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text(c.to_string())
                            }
                        })
                        .collect(),
                });
            }
            Err(e) => {
                let line = e.position().map_or_else(|| line_of(at), |p| line_of(p.byte() as usize));
                return Err(Diagnostic::error(file, "this line cannot be read as CSV")
                    .at_line(line)
                    .with_hint("a quote is probably opened and never closed; check the line in a text editor"));
            }
        }
    }
    Ok(Table {
        file: file.to_string(),
        unit: "line",
        rows,
    })
}

/// Reads one sheet of a workbook (.xlsx, .xlsm, .xls, .ods): the named one
/// or the first.
pub fn read_sheet(path: &Path, file: &str, sheet: Option<&str>) -> Result<Table, Diagnostic> {
    use calamine::{Data, DataType, Reader, open_workbook_auto};
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return Err(refuse(file, "is not a workbook file", "name the exported .xlsx file"));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(too_large(file));
        }
    }
    let mut book = open_workbook_auto(path).map_err(|e| {
        let why = match &e {
            calamine::Error::Io(io) => crate::import::io_words(io),
            _ => "it is not an Excel or OpenDocument workbook, or it is damaged".to_string(),
        };
        refuse(
            file,
            format!("cannot open the workbook: {why}"),
            "save it from Excel as .xlsx; for CSV text use `ritme import csv`",
        )
    })?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(s)))
            .cloned()
            .ok_or_else(|| {
                refuse(
                    file,
                    format!("the workbook has no sheet `{s}`"),
                    &format!("its sheets are: {}", names.join(", ")),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| refuse(file, "the workbook has no sheets", "export the report again"))?,
    };
    let range = book.worksheet_range(&name).map_err(|_| {
        refuse(
            file,
            format!("cannot read sheet `{name}`"),
            "save it from Excel as .xlsx and try again",
        )
    })?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            line: first_row + i + 1,
            cells: std::iter::repeat_n(Cell::Empty, first_col)
                .chain(cells.iter().map(|c| match c {
                    Data::Empty | Data::Error(_) => Cell::Empty,
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        if s.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(s.trim().to_string())
                        }
                    }
                    Data::Int(n) => Cell::Number(*n as f64),
                    Data::Float(x) => Cell::Number(*x),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(_) => c.as_datetime().map_or(Cell::Empty, Cell::DateTime),
                }))
                .collect(),
        })
        .collect();
    Ok(Table {
        file: file.to_string(),
        unit: "row",
        rows,
    })
}

/// Lines that reports put below their data: totals, copyright, "generated
/// by", a company name. Recognised only in the trailing block of a table,
/// so a data row can never be mistaken for one.
pub fn is_report_line(row: &Row, columns: usize) -> bool {
    if row.filled() == 0 {
        return true;
    }
    let first = row
        .cells
        .iter()
        .find(|c| !c.is_empty())
        .map(Cell::text)
        .unwrap_or_default();
    let lower = first.to_lowercase();
    const STARTS: &[&str] = &[
        "grand total",
        "total",
        "totaal",
        "subtotal",
        "copyright",
        "©",
        "(c)",
        "generated by",
        "gegenereerd",
        "confidential",
        "vertrouwelijk",
        "report generated",
        "records:",
    ];
    STARTS.iter().any(|s| lower.starts_with(s)) || (columns >= 3 && row.filled() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_detected_outside_quotes() {
        assert_eq!(delimiter("a,b,c\n"), b',');
        assert_eq!(delimiter("a;b;c\n"), b';');
        assert_eq!(delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(delimiter("\"x,y,z\";b;c\n"), b';');
        assert_eq!(delimiter("one\n"), b',');
    }

    #[test]
    fn crlf_lines_and_quoted_newlines_keep_their_numbers() {
        let t = parse_csv("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n", "f.csv").unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 3, 5]);
        assert_eq!(t.rows[2].cells[0], Cell::Text("x\r\ny".into()));
    }

    #[test]
    fn bom_is_dropped_and_utf16_refused() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b\n".to_vec(), "f").unwrap(), "a,b\n");
        assert!(decode(vec![0xFF, 0xFE, b'a', 0], "f").is_err());
        let e = decode(b"ok\n\xFF\n".to_vec(), "f").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn report_lines_are_recognised() {
        let row = |cells: &[&str]| Row {
            line: 1,
            cells: cells.iter().map(|c| Cell::Text(c.to_string())).collect(),
        };
        assert!(is_report_line(&row(&["Grand Totals (1695 records)"]), 4));
        assert!(is_report_line(&row(&["Generated By:  Jane Doe  9/14/2026"]), 4));
        assert!(is_report_line(&row(&["Acme Corp"]), 4));
        assert!(is_report_line(&row(&["Total", "", "", "12"]), 4));
        assert!(!is_report_line(&row(&["Bram Jansen", "9/14/2026", "Call"]), 4));
    }
}
