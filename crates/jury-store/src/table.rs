//! Reading the organizer's forms into a plain grid of text cells.
//!
//! The recommendation forms organizers receive are CSV files in whatever encoding the
//! sender's Excel or WPS wrote (UTF-8 with or without BOM, GBK/GB18030, sometimes UTF-16
//! "Unicode text"), or workbooks (XLSX/XLS). [`read_table`] turns any of them into a
//! [`Table`]: rows of trimmed, NFC-normalised cells with the row numbers the user sees in
//! Excel, so that every later message can point at a row the organizer can find.
//!
//! Decisions (see also the constants below):
//! - The kind of file is decided by its first bytes (zip → XLSX, OLE2 → XLS) before its
//!   extension; a text file named `.xls` (a common "export to Excel" from web systems) is read
//!   as delimited text, an HTML/XML page named `.xls` is refused with advice.
//! - Text encodings, in order: UTF-8 BOM, UTF-16 BOM, valid UTF-8, GB18030 (a superset of
//!   GBK and GB2312). Anything else is refused; nothing is ever decoded with replacement
//!   characters, so a GBK file never turns into mojibake.
//! - Binary junk is detected from the first 64 KiB (NUL or control bytes) before the rest of
//!   the file is read, so a 50 MB junk file is refused at once.
//! - Size: text files above 32 MiB and workbooks above 256 MiB are refused. A recommendation
//!   form of 5,000 works is well under 2 MB as CSV; anything that large is almost certainly
//!   the wrong file (a video, an archive). Workbooks get more room because pasted photos
//!   inflate them without adding cells.
//! - Workbooks: every sheet that holds a recognisable header row (see `forms`) is read,
//!   visible sheets first, each as its own table named by its sheet; the other sheets are
//!   named in [`Tables::skipped_sheets`] (never dropped silently). A workbook without any
//!   header gives its first non-empty sheet (whose parse then says what is missing). Merged cells take the value of their
//!   top-left cell across the whole span, so a merged header or a district merged down a
//!   column reads as if typed into every cell. Whole numbers are rendered without ".0",
//!   dates as `YYYY-MM-DD`.
//! - Rows that are entirely empty are not kept; `row_numbers` still name the real rows.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{
    open_workbook, Data, DataRef, Dimensions, ExcelDateTime, Reader, SheetType, SheetVisible, Xls,
    Xlsx,
};
use unicode_normalization::UnicodeNormalization;

/// Text (CSV/TSV) files larger than this are refused.
pub const MAX_TEXT_BYTES: u64 = 32 * 1024 * 1024;
/// Workbooks larger than this are refused.
pub const MAX_WORKBOOK_BYTES: u64 = 256 * 1024 * 1024;
/// Non-empty cells read from one sheet or file at most.
pub const MAX_CELLS: usize = 2_000_000;
/// Columns beyond this one are not read (no form has that many).
pub const MAX_COLUMNS: usize = 512;

const SNIFF_BYTES: usize = 64 * 1024;

use jury_core::forms::{ImportReport, JudgeRow, WorkRow};
pub use jury_core::table::{ImportError, ImportErrorKind, Table};

/// A form file read: one table per sheet with a form header (one for CSV), and the names of
/// the sheets that were not read because they have none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    pub tables: Vec<Table>,
    pub skipped_sheets: Vec<String>,
}

impl Tables {
    fn one(table: Table) -> Tables {
        Tables {
            tables: vec![table],
            skipped_sheets: Vec::new(),
        }
    }
}

/// Reads a file's first form table (see [`read_tables`]).
pub fn read_table(path: &Path) -> Result<Table, ImportError> {
    let mut t = read_tables(path)?;
    Ok(t.tables.swap_remove(0))
}

/// Reads a CSV/TSV (UTF-8, UTF-8-BOM, UTF-16 with BOM, GBK/GB18030) or XLSX/XLS file: every
/// sheet with a form header. Never returns an empty `tables`.
pub fn read_tables(path: &Path) -> Result<Tables, ImportError> {
    let file_name = path.display().to_string();
    let io_err = |e: std::io::Error| {
        ImportError::new(ImportErrorKind::Io, path, format!("cannot read {file_name}: {e}; check the path and that the file is not open elsewhere"))
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        return Err(ImportError::new(
            ImportErrorKind::Io,
            path,
            format!("{file_name} is a folder; name the form file (CSV or XLSX) inside it"),
        ));
    }
    if !meta.is_file() {
        // A pipe or device would block the read or never end.
        return Err(ImportError::new(
            ImportErrorKind::Io,
            path,
            format!("{file_name} is not a regular file; copy the form to a file first"),
        ));
    }
    let len = meta.len();
    if len == 0 {
        return Err(ImportError::new(
            ImportErrorKind::Empty,
            path,
            format!(
                "{file_name} is empty (0 bytes); export the form again from Excel as CSV or XLSX"
            ),
        ));
    }
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    File::open(path)
        .map_err(io_err)?
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();

    let too_large = |limit: u64| {
        ImportError::new(
            ImportErrorKind::TooLarge,
            path,
            format!(
                "{file_name} is {} MB, far larger than a recommendation form (limit {} MB); check that it is the right file",
                len / (1024 * 1024),
                limit / (1024 * 1024)
            ),
        )
    };
    let unsupported = |what: &str| {
        ImportError::new(ImportErrorKind::Unsupported, path, format!("{file_name} is {what}, not a table jury reads; copy the table into Excel or WPS and save it as .xlsx or CSV"))
    };

    if head.starts_with(b"%PDF") {
        return Err(unsupported("a PDF document"));
    }
    let zipped = head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06");
    if zipped && matches!(ext.as_str(), "docx" | "docm" | "dotx") {
        if len > MAX_WORKBOOK_BYTES {
            return Err(too_large(MAX_WORKBOOK_BYTES));
        }
        let tables = contained(path, "DOCX", || crate::docx::read_docx(path))?;
        let many = tables.len() > 1;
        let named = tables
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let name = t.sheet.clone().unwrap_or_else(|| format!("表{}", i + 1));
                (name, (!t.rows.is_empty()).then_some(t))
            })
            .collect();
        let mut found = form_sheets(path, named)?;
        if !many {
            found.skipped_sheets.clear();
        }
        return Ok(found);
    }
    if matches!(ext.as_str(), "doc" | "wps" | "rtf" | "pdf" | "odt") {
        return Err(unsupported("a document"));
    }
    if matches!(ext.as_str(), "ods" | "xlsb" | "et" | "numbers") {
        return Err(ImportError::new(
            ImportErrorKind::Unsupported,
            path,
            format!("{file_name}: .{ext} workbooks are not read; open it in Excel or WPS and save it as .xlsx"),
        ));
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        if len > MAX_WORKBOOK_BYTES {
            return Err(too_large(MAX_WORKBOOK_BYTES));
        }
        crate::zipcheck::check(path, "XLSX")?;
        return contained(path, "XLSX", || read_xlsx(path));
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if len > MAX_WORKBOOK_BYTES {
            return Err(too_large(MAX_WORKBOOK_BYTES));
        }
        return contained(path, "XLS", || read_xls(path));
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm") && !looks_like_text(&head) {
        return Err(ImportError::new(
            ImportErrorKind::Workbook,
            path,
            format!("{file_name} is named .{ext} but is not an Excel workbook (damaged or not a spreadsheet); open it in Excel and save it again as .xlsx"),
        ));
    }
    if !looks_like_text(&head) {
        return Err(ImportError::new(
            ImportErrorKind::Binary,
            path,
            format!("{file_name} is not a table (it holds binary data, not text); export the form from Excel as CSV or XLSX"),
        ));
    }
    if looks_like_markup(&head) {
        return Err(unsupported(
            "a web page (HTML/XML) named like a spreadsheet",
        ));
    }
    if len > MAX_TEXT_BYTES {
        return Err(too_large(MAX_TEXT_BYTES));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    File::open(path)
        .map_err(io_err)?
        .take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    let (text, encoding) = decode(path, &bytes)?;
    drop(bytes);
    let encoding = if matches!(ext.as_str(), "xls" | "xlsx" | "xlsm") {
        format!("{encoding} (text file named .{ext})")
    } else {
        encoding.to_string()
    };
    read_delimited(path, &text, encoding).map(Tables::one)
}

/// True when the first bytes look like text: no NUL and almost no control bytes (a UTF-16
/// BOM makes NULs fine).
fn looks_like_text(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    if head.contains(&0) {
        return false;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
        .count();
    control * 100 <= head.len()
}

fn looks_like_markup(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start: Vec<u8> = head
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(16)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    [&b"<html"[..], b"<!doctype", b"<?xml", b"<table", b"<meta"]
        .iter()
        .any(|tag| start.starts_with(tag))
}

/// Decodes a text file, naming the encoding it was in.
fn decode(path: &Path, bytes: &[u8]) -> Result<(String, &'static str), ImportError> {
    let file_name = path.display();
    let bad = |what: String| ImportError::new(ImportErrorKind::Encoding, path, what);
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_string(), "UTF-8 (BOM)")),
            Err(e) => Err(bad(format!(
                "{file_name} starts with a UTF-8 mark but is not valid UTF-8 (line {}); save it again from Excel as \"CSV UTF-8\"",
                line_of(rest, e.valid_up_to())
            ))),
        };
    }
    for (bom, enc, name) in [
        (&[0xFF, 0xFE], encoding_rs::UTF_16LE, "UTF-16LE"),
        (&[0xFE, 0xFF], encoding_rs::UTF_16BE, "UTF-16BE"),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match enc.decode_without_bom_handling_and_without_replacement(rest) {
                Some(s) => Ok((s.into_owned(), name)),
                None => Err(bad(format!("{file_name} starts with a {name} mark but is not valid {name}; save it again from Excel as \"CSV UTF-8\""))),
            };
        }
    }
    if bytes.contains(&0) {
        return Err(ImportError::new(
            ImportErrorKind::Binary,
            path,
            format!("{file_name} is not a table (it holds binary data, not text); export the form from Excel as CSV or XLSX"),
        ));
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_string(), "UTF-8")),
        Err(e) => e,
    };
    if let Some(s) = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return Ok((s.into_owned(), "GB18030"));
    }
    Err(bad(format!(
        "{file_name} is neither UTF-8 nor GBK/GB18030 text (first bad byte on line {}); save it from Excel as \"CSV UTF-8\" or as .xlsx",
        line_of(bytes, utf8_error.valid_up_to())
    )))
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Picks the delimiter used on most of the first lines: comma, tab or semicolon.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';'] {
        let n = lines.iter().filter(|l| l.as_bytes().contains(&d)).count();
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

fn read_delimited(path: &Path, text: &str, encoding: String) -> Result<Table, ImportError> {
    let file_name = path.display().to_string();
    // Excel writes and honours a first line "sep=;" naming the delimiter; it is not a row.
    let (text, delimiter) = match text.split_once('\n') {
        Some((first, rest))
            if first.trim_end().len() == 5 && first.to_ascii_lowercase().starts_with("sep=") =>
        {
            (rest, first.as_bytes()[4])
        }
        _ => (text, sniff_delimiter(text)),
    };
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut row_numbers = Vec::new();
    let mut cells = 0usize;
    // Excel's row of a record is 1 + the line breaks before it, less the breaks inside
    // quoted cells of earlier records (Excel shows such a record as one row). The csv
    // reader's own line numbers lag behind, so breaks are counted here from byte offsets.
    let mut counted = 0usize;
    let mut breaks = 0usize;
    let mut embedded = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        let before = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(ImportError::new(ImportErrorKind::Encoding, path, format!("{file_name}: cannot read as CSV ({e}); save it again from Excel as CSV or XLSX")));
            }
        }
        let mut start = before.min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        breaks += count_breaks(bytes, counted, start);
        counted = counted.max(start);
        // A quote that is never closed swallows the rest of the file into one cell: the
        // record runs to the end, spans lines, and its text ends inside a quoted field.
        let end = (reader.position().byte() as usize).min(bytes.len());
        if end == bytes.len()
            && record.iter().any(|f| f.contains('\n'))
            && bytes
                .get(start..end)
                .is_some_and(|raw| ends_inside_quotes(raw, delimiter))
        {
            return Err(ImportError::new(
                ImportErrorKind::Encoding,
                path,
                format!(
                    "{file_name}: a quote mark (\") opened in row {} is never closed, so the rest of the file reads as one cell; fix that cell or save the file again from Excel",
                    breaks.saturating_sub(embedded) + 1
                ),
            ));
        }
        let row: Vec<String> = record.iter().take(MAX_COLUMNS).map(clean_cell).collect();
        if row.iter().any(|c| !c.is_empty()) {
            cells += row.len();
            if cells > MAX_CELLS {
                return Err(too_many_cells(path));
            }
            rows.push(trim_row(row));
            row_numbers.push(breaks.saturating_sub(embedded) + 1);
        }
        embedded += record
            .iter()
            .map(|f| count_breaks(f.as_bytes(), 0, f.len()))
            .sum::<usize>();
    }
    if rows.is_empty() {
        return Err(ImportError::new(
            ImportErrorKind::Empty,
            path,
            format!(
                "{file_name} has no cells with text in them; export the form again with its rows"
            ),
        ));
    }
    Ok(Table {
        path: path.to_path_buf(),
        rows,
        row_numbers,
        encoding,
        sheet: None,
        key_value: false,
    })
}

/// Line breaks (`\n`, `\r\n` or a lone `\r`) in `bytes[from..to]`.
/// Whether CSV text ends inside a quoted field. Only a quote that opens a field starts
/// quoting (`12" screen` is plain text); inside, `""` is an escaped quote.
fn ends_inside_quotes(raw: &[u8], delimiter: u8) -> bool {
    let mut quoted = false;
    let mut field_start = true;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if quoted {
            if b == b'"' {
                if raw.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if field_start && b == b'"' {
            quoted = true;
        }
        field_start = !quoted && (b == delimiter || b == b'\n' || b == b'\r');
        i += 1;
    }
    quoted
}

fn count_breaks(bytes: &[u8], from: usize, to: usize) -> usize {
    let to = to.min(bytes.len());
    (from..to)
        .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

fn too_many_cells(path: &Path) -> ImportError {
    ImportError::new(
        ImportErrorKind::TooLarge,
        path,
        format!("{} has more than {MAX_CELLS} filled cells, far more than a recommendation form; check that it is the right file", path.display()),
    )
}

/// Trims whitespace (including U+3000 full-width space and zero-width marks) and
/// NFC-normalises.
pub fn clean_cell(text: &str) -> String {
    let is_blank = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
            )
    };
    let trimmed = text.trim_matches(is_blank);
    if trimmed.is_ascii() {
        trimmed.to_string()
    } else {
        trimmed
            .nfc()
            .collect::<String>()
            .trim_matches(is_blank)
            .to_string()
    }
}

/// Drops trailing empty cells.
fn trim_row(mut row: Vec<String>) -> Vec<String> {
    while row.last().is_some_and(|c| c.is_empty()) {
        row.pop();
    }
    row
}

/// Renders a number as Excel shows it in a General cell: whole numbers without ".0".
pub fn render_number(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

fn render_datetime(dt: &ExcelDateTime) -> String {
    if !dt.is_datetime() {
        return render_number(dt.as_f64());
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else if dt.as_f64() < 1.0 {
        format!("{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

fn render_data(cell: &Data) -> String {
    match cell {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => render_number(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean_cell(s),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => render_datetime(dt),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

fn render_data_ref(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => render_number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => clean_cell(s),
        DataRef::SharedString(s) => clean_cell(s),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) => render_datetime(dt),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// Sheets in the order they are tried: visible worksheets first, then hidden ones.
fn sheet_order(sheets: &[calamine::Sheet]) -> Vec<String> {
    let worksheets = sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let (visible, hidden): (Vec<_>, Vec<_>) =
        worksheets.partition(|s| s.visible == SheetVisible::Visible);
    visible
        .into_iter()
        .chain(hidden)
        .map(|s| s.name.clone())
        .collect()
}

fn workbook_error(path: &Path, kind: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::new(
        ImportErrorKind::Workbook,
        path,
        format!(
            "{}: cannot open as {kind} ({e}); if it has a password remove it, otherwise open it in Excel or WPS and save it again as .xlsx",
            path.display()
        ),
    )
}

/// A workbook reader that panics on a malformed file gives the usual workbook error.
fn contained<T>(
    path: &Path,
    kind: &str,
    read: impl FnOnce() -> Result<T, ImportError>,
) -> Result<T, ImportError> {
    crate::guard::contain(read).unwrap_or_else(|panic| {
        Err(workbook_error(
            path,
            kind,
            format!(
                "malformed workbook: {}",
                crate::verify::one_line(&panic, 120)
            ),
        ))
    })
}

/// Why a workbook did not open: a Word document under a workbook's name (by its extension,
/// one of `word_extensions`) is told so; anything else is the workbook's own error.
fn open_error(
    path: &Path,
    format: &str,
    word_extensions: &[&str],
    e: impl std::fmt::Display,
) -> ImportError {
    let is_word = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| word_extensions.iter().any(|w| e.eq_ignore_ascii_case(w)));
    if is_word {
        ImportError::new(
            ImportErrorKind::Unsupported,
            path,
            format!(
                "{} is a Word document; copy its table into Excel and save it as .xlsx",
                path.display()
            ),
        )
    } else {
        workbook_error(path, format, e)
    }
}

fn read_xlsx(path: &Path) -> Result<Tables, ImportError> {
    let mut book: Xlsx<BufReader<File>> =
        open_workbook(path).map_err(|e| open_error(path, "XLSX", &["docx"], e))?;
    let order = sheet_order(book.sheets_metadata());
    let mut sheets = Vec::new();
    for name in order {
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| workbook_error(path, "XLSX", e))?;
        let mut cells = Vec::new();
        loop {
            match reader.next_cell() {
                Ok(Some(cell)) => {
                    let (r, c) = cell.get_position();
                    if c as usize >= MAX_COLUMNS {
                        continue;
                    }
                    let text = render_data_ref(cell.get_value());
                    if !text.is_empty() {
                        cells.push((r, c, text));
                        if cells.len() > MAX_CELLS {
                            return Err(too_many_cells(path));
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(workbook_error(path, "XLSX", e)),
            }
        }
        drop(reader);
        sheets.push((
            name.clone(),
            grid_table(path, "XLSX", &name, cells, &merges),
        ));
    }
    form_sheets(path, sheets)
}

fn read_xls(path: &Path) -> Result<Tables, ImportError> {
    let mut book: Xls<BufReader<File>> =
        open_workbook(path).map_err(|e| open_error(path, "XLS", &["doc", "wps"], e))?;
    let order = sheet_order(book.sheets_metadata());
    let mut sheets = Vec::new();
    for name in order {
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let range = book
            .worksheet_range(&name)
            .map_err(|e| workbook_error(path, "XLS", e))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        for (r, c, value) in range.used_cells() {
            if c0 as usize + c >= MAX_COLUMNS {
                continue;
            }
            let text = render_data(value);
            if !text.is_empty() {
                cells.push((r0 + r as u32, c0 + c as u32, text));
                if cells.len() > MAX_CELLS {
                    return Err(too_many_cells(path));
                }
            }
        }
        sheets.push((name.clone(), grid_table(path, "XLS", &name, cells, &merges)));
    }
    form_sheets(path, sheets)
}

/// The sheets with a form header, and the names of the others; without any header, the first
/// non-empty sheet (its parse says what is missing).
fn form_sheets(path: &Path, sheets: Vec<(String, Option<Table>)>) -> Result<Tables, ImportError> {
    let mut tables = Vec::new();
    let mut skipped_sheets = Vec::new();
    let mut first_filled = None;
    for (name, table) in sheets {
        match table {
            Some(t) if jury_core::forms::has_form_header(&t.rows) => tables.push(t),
            Some(t) => {
                skipped_sheets.push(name);
                first_filled.get_or_insert(t);
            }
            None => skipped_sheets.push(name),
        }
    }
    if tables.is_empty() {
        let Some(t) = first_filled else {
            return Err(ImportError::new(
                ImportErrorKind::Empty,
                path,
                format!(
                    "{} has no filled cells in any worksheet; check that it is the right file",
                    path.display()
                ),
            ));
        };
        let name = t.sheet.clone().unwrap_or_default();
        skipped_sheets.retain(|s| *s != name);
        tables.push(t);
    }
    Ok(Tables {
        tables,
        skipped_sheets,
    })
}

/// Builds a table from a sheet's non-empty cells (absolute 0-based positions), copying each
/// merged region's top-left value over the region. `None` if the sheet is empty.
fn grid_table(
    path: &Path,
    format: &str,
    sheet: &str,
    cells: Vec<(u32, u32, String)>,
    merges: &[Dimensions],
) -> Option<Table> {
    use std::collections::BTreeMap;
    if cells.is_empty() {
        return None;
    }
    let max_row = cells.iter().map(|c| c.0).max().unwrap_or(0);
    let max_col = cells.iter().map(|c| c.1).max().unwrap_or(0);
    let mut grid: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    for (r, c, text) in cells {
        grid.entry(r).or_default().insert(c, text);
    }
    let mut budget = MAX_CELLS;
    for m in merges {
        let Some(value) = grid
            .get(&m.start.0)
            .and_then(|row| row.get(&m.start.1))
            .cloned()
        else {
            continue;
        };
        let (r_end, c_end) = (m.end.0.min(max_row), m.end.1.min(max_col));
        for r in m.start.0..=r_end {
            for c in m.start.1..=c_end {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                grid.entry(r)
                    .or_default()
                    .entry(c)
                    .or_insert_with(|| value.clone());
            }
        }
    }
    let mut rows = Vec::with_capacity(grid.len());
    let mut row_numbers = Vec::with_capacity(grid.len());
    for (r, cols) in grid {
        let width = cols
            .keys()
            .next_back()
            .map(|c| *c as usize + 1)
            .unwrap_or(0);
        let mut row = vec![String::new(); width];
        for (c, text) in cols {
            row[c as usize] = text;
        }
        rows.push(row);
        row_numbers.push(r as usize + 1);
    }
    Some(Table {
        path: path.to_path_buf(),
        rows,
        row_numbers,
        encoding: format.to_string(),
        sheet: Some(sheet.to_string()),
        key_value: false,
    })
}

/// A form file parsed: one report per sheet read, and the sheets not read with why.
#[derive(Debug, Clone)]
pub struct Forms<T> {
    pub reports: Vec<ImportReport<T>>,
    pub skipped_sheets: Vec<SkippedSheet>,
}

/// A worksheet that was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedSheet {
    pub name: String,
    /// `None`: no form header in it; else why its header could not be used.
    pub error: Option<ImportError>,
}

/// Parses every table of a file; a sheet whose header is unusable is skipped (named with its
/// error) when another sheet of the file parses, else the file fails with that error.
fn parse_all<T>(
    tables: Tables,
    parse: impl Fn(&Table) -> Result<ImportReport<T>, ImportError>,
) -> Result<Forms<T>, ImportError> {
    let mut reports = Vec::new();
    let mut failed = Vec::new();
    for t in &tables.tables {
        match parse(t) {
            Ok(r) => reports.push(r),
            Err(e) => failed.push((t.sheet.clone().unwrap_or_default(), e)),
        }
    }
    if reports.is_empty() && !failed.is_empty() {
        return Err(failed.swap_remove(0).1);
    }
    let mut skipped_sheets: Vec<SkippedSheet> = failed
        .into_iter()
        .map(|(name, e)| SkippedSheet {
            name,
            error: Some(e),
        })
        .collect();
    skipped_sheets.extend(
        tables
            .skipped_sheets
            .into_iter()
            .map(|name| SkippedSheet { name, error: None }),
    );
    Ok(Forms {
        reports,
        skipped_sheets,
    })
}

/// Reads a works form (CSV or workbook, every sheet with a form header) and parses it.
pub fn import_works(path: &Path) -> Result<Forms<WorkRow>, ImportError> {
    parse_all(read_tables(path)?, jury_core::forms::parse_works)
}

/// Reads a judges list (CSV or workbook, every sheet with a list header) and parses it.
pub fn import_judges(path: &Path) -> Result<Forms<JudgeRow>, ImportError> {
    parse_all(read_tables(path)?, jury_core::forms::parse_judges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_quote_that_opens_a_field_starts_quoting() {
        assert!(ends_inside_quotes(b"1,\"open\n2,x\n", b','));
        assert!(!ends_inside_quotes(b"1,\"two\nlines\",12\" screen\n", b','));
        assert!(!ends_inside_quotes(b"1,\"a \"\"b\"\"\"\n", b','));
        assert!(ends_inside_quotes(b"1;\"x\"\"\n", b';'));
    }

    #[test]
    fn numbers_render_like_excel_general_cells() {
        assert_eq!(render_number(1.0), "1");
        assert_eq!(render_number(13800138000.0), "13800138000");
        assert_eq!(render_number(-3.0), "-3");
        assert_eq!(render_number(2.5), "2.5");
    }

    #[test]
    fn cells_lose_full_width_and_zero_width_space_and_are_nfc() {
        assert_eq!(clean_cell("\u{3000} 作品\u{3000}"), "作品");
        assert_eq!(clean_cell("\u{feff}序号"), "序号");
        assert_eq!(clean_cell("Cafe\u{301}"), "Café");
    }

    #[test]
    fn delimiter_is_sniffed() {
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("a,b\n1,2\n"), b',');
        assert_eq!(sniff_delimiter("a;b\n1;2\n"), b';');
        assert_eq!(sniff_delimiter("only\n"), b',');
    }

    #[test]
    fn text_sniffing_refuses_control_bytes() {
        assert!(looks_like_text("序号,作品名称\r\n".as_bytes()));
        assert!(!looks_like_text(b"a\0b"));
        assert!(!looks_like_text(&[1, 2, 3, 4, 5, 6, b'a']));
        assert!(looks_like_text(&[0xFF, 0xFE, b'a', 0]));
    }
}
