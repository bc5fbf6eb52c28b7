//! Reading the tables of a Word document (.docx) as forms.
//!
//! Units and districts send the call's annexes as editable Word files: annex 2 (推荐表) is a
//! list table with a header row (序号, 作品名称, 创作单位, …), annex 3 (单位报送表) a vertical
//! key–value table describing one work. [`read_docx`] streams `word/document.xml` once and
//! gives one [`Table`] per top-level table, in document order:
//! - the paragraphs since the previous table are the table's title rows (one cell each), so
//!   `推荐单位（盖章）：渝中区科技局` or `创作单位：…` above a table work as they do in a sheet;
//! - a cell's text is the text of all its runs (`w:t`), its paragraphs joined by line breaks
//!   (`w:br` and `w:tab` kept as a break and a space); field codes and deleted text are not
//!   text; a table nested in a cell adds its text to that cell;
//! - a cell spanning grid columns (`w:gridSpan`) and a cell merged down (`w:vMerge`) read as if
//!   the value were typed into every cell of the span, as merged cells of a workbook do;
//! - a table without a list header that reads as a key–value form
//!   ([`jury_core::forms::key_value_rows`]) becomes a header and one row, marked
//!   [`Table::key_value`].
//!
//! Bounds: the file first goes through [`crate::zipcheck::check`] (unpacked size of every part,
//! cell length); the document part is then read again through the same counting reader, and
//! the cells kept and the cell length are capped while streaming (constants below), so no
//! document makes jury allocate more than those caps.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::table::clean_cell;
use crate::zipcheck::{self, Counted, MAX_CELL_CHARS, MAX_MEMBER_BYTES, MIB};
use jury_core::table::{ImportError, ImportErrorKind, Table};

/// Cells kept from one document, over all its tables: the workbook readers' bound per sheet
/// (a form of 5,000 works has ~50,000 cells).
pub const MAX_DOCX_CELLS: usize = crate::table::MAX_CELLS;
/// Top-level tables read from one document: the call's annexes are one table each; a
/// document with more is no form (and each table costs a parse).
pub const MAX_DOCX_TABLES: usize = 200;
/// Grid columns one merged cell may span: Word's own limit is 63 columns.
pub const MAX_GRID_SPAN: usize = 64;

/// The part of a .docx holding its text.
const DOCUMENT_PART: &str = "word/document.xml";

fn docx_error(path: &Path, kind: ImportErrorKind, what: String) -> ImportError {
    ImportError::new(kind, path, format!("{}: {what}", path.display()))
}

/// One cell as read: its text, the grid columns it spans and whether it continues the
/// merged cell above it.
#[derive(Default)]
struct Cell {
    text: String,
    span: usize,
    continues: bool,
}

/// A table as read: its rows of cells and the paragraphs above it.
struct RawTable {
    titles: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

/// Reads every top-level table of a .docx (see the module). Never returns an empty list:
/// a document without any table is refused with one line saying what jury reads.
pub fn read_docx(path: &Path) -> Result<Vec<Table>, ImportError> {
    zipcheck::check(path, "DOCX")?;
    let file = File::open(path).map_err(|e| {
        docx_error(
            path,
            ImportErrorKind::Io,
            format!("cannot read the file: {e}"),
        )
    })?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        docx_error(
            path,
            ImportErrorKind::Workbook,
            format!("cannot open as a Word document ({e}); open it in Word or WPS and save it again as .docx"),
        )
    })?;
    let entry = zip.by_name(DOCUMENT_PART).map_err(|_| {
        docx_error(
            path,
            ImportErrorKind::Unsupported,
            format!("is not a Word document (it has no {DOCUMENT_PART}); open it in Word or WPS and save it again as .docx"),
        )
    })?;
    let mut counted = Counted {
        inner: entry,
        read: 0,
        limit: MAX_MEMBER_BYTES,
    };
    let raw = scan_document(path, &mut counted)?;
    if raw.is_empty() {
        return Err(docx_error(
            path,
            ImportErrorKind::NoHeader,
            "is a Word document without a table; jury reads the recommendation table (annex 2: 序号, 作品名称, 创作单位, …) or the unit form (annex 3: 作品名称, 联系人姓名, …) from a .docx — put the form in a table, or save it as .xlsx".into(),
        ));
    }
    let many = raw.len() > 1;
    Ok(raw
        .into_iter()
        .enumerate()
        .map(|(i, t)| to_table(path, t, many.then(|| format!("表{}", i + 1))))
        .collect())
}

/// The attribute `w:val` (or `val`) of an element.
fn val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.local_name().as_ref() == "val").then(|| a.value.to_string()))
}

/// Streams the document part, collecting the top-level tables with their title paragraphs.
fn scan_document(path: &Path, input: &mut impl Read) -> Result<Vec<RawTable>, ImportError> {
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, input));
    let mut buf = Vec::new();
    let mut tables: Vec<RawTable> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    let mut paragraph = String::new();
    // Nesting of w:tbl; only depth 1 makes rows and cells, deeper text joins the cell.
    let mut depth = 0usize;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut cell = Cell::default();
    let mut in_text = false;
    let mut cells = 0usize;
    let over = |what: String| zipcheck::too_large(path, what);
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(quick_xml::Error::Io(io)) if zipcheck::is_over_limit(&io) => {
                return Err(over(format!(
                    "its part {DOCUMENT_PART} unpacks to more than {} MB (limit {} MB per part)",
                    MAX_MEMBER_BYTES / MIB,
                    MAX_MEMBER_BYTES / MIB
                )))
            }
            Err(e) => {
                return Err(docx_error(
                    path,
                    ImportErrorKind::Workbook,
                    format!("its text ({DOCUMENT_PART}) is damaged ({e}); open it in Word or WPS and save it again"),
                ))
            }
        };
        match event {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().as_ref() {
                "tbl" => {
                    depth += 1;
                    if depth == 1 {
                        if tables.len() >= MAX_DOCX_TABLES {
                            return Err(over(format!(
                                "it holds more than {MAX_DOCX_TABLES} tables (limit)"
                            )));
                        }
                        rows.clear();
                    }
                }
                "tr" if depth == 1 => row.clear(),
                "tc" if depth == 1 => cell = Cell::default(),
                "t" => in_text = true,
                "vMerge" if depth == 1 => cell.continues = val(&e).is_none_or(|v| v != "restart"),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "gridSpan" if depth == 1 => {
                    cell.span = val(&e)
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_GRID_SPAN);
                }
                "vMerge" if depth == 1 => cell.continues = val(&e).is_none_or(|v| v != "restart"),
                "br" | "cr" => push_text(path, current(depth, &mut cell, &mut paragraph), "\n")?,
                "tab" => push_text(path, current(depth, &mut cell, &mut paragraph), " ")?,
                _ => {}
            },
            Event::Text(t) if in_text => {
                let text: &str = &t;
                push_text(path, current(depth, &mut cell, &mut paragraph), text)?;
            }
            Event::GeneralRef(r) if in_text => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        _ => String::new(),
                    },
                };
                push_text(path, current(depth, &mut cell, &mut paragraph), &text)?;
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    if depth == 0 {
                        let line = clean_cell(&paragraph);
                        if !line.is_empty() {
                            titles.push(line);
                        }
                        paragraph.clear();
                    } else {
                        push_text(path, &mut cell.text, "\n")?;
                    }
                }
                "tc" if depth == 1 => {
                    cells += cell.span.max(1);
                    if cells > MAX_DOCX_CELLS {
                        return Err(over(format!(
                            "its tables hold more than {MAX_DOCX_CELLS} cells (limit)"
                        )));
                    }
                    row.push(std::mem::take(&mut cell));
                }
                "tr" if depth == 1 => rows.push(std::mem::take(&mut row)),
                "tbl" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        tables.push(RawTable {
                            titles: std::mem::take(&mut titles),
                            rows: std::mem::take(&mut rows),
                        });
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok(tables)
}

/// Where text goes: the open cell inside a table, else the body paragraph.
fn current<'a>(depth: usize, cell: &'a mut Cell, paragraph: &'a mut String) -> &'a mut String {
    if depth > 0 {
        &mut cell.text
    } else {
        paragraph
    }
}

/// Appends text, refusing a cell or paragraph longer than a workbook cell may be.
fn push_text(path: &Path, to: &mut String, text: &str) -> Result<(), ImportError> {
    // Bytes bound the characters from above; count exactly only near the limit.
    if to.len() + text.len() > MAX_CELL_CHARS
        && to.chars().count() + text.chars().count() > MAX_CELL_CHARS
    {
        return Err(zipcheck::too_large(
            path,
            format!(
                "a cell of its tables holds more than {MAX_CELL_CHARS} characters (limit, as in Excel)"
            ),
        ));
    }
    to.push_str(text);
    Ok(())
}

/// Lays a table's cells on its grid (spans and vertical merges filled in) and makes it a
/// [`Table`]; a key–value form becomes its header and one row.
fn to_table(path: &Path, raw: RawTable, sheet: Option<String>) -> Table {
    let mut grid: Vec<Vec<String>> = Vec::with_capacity(raw.rows.len());
    for cells in raw.rows {
        let mut out: Vec<String> = Vec::new();
        for c in cells {
            let col = out.len();
            let text = if c.continues {
                grid.last()
                    .and_then(|above| above.get(col))
                    .cloned()
                    .unwrap_or_default()
            } else {
                clean_cell(&c.text)
            };
            for _ in 0..c.span.max(1) {
                out.push(text.clone());
            }
        }
        grid.push(out);
    }
    let titles: Vec<Vec<String>> = raw.titles.into_iter().map(|t| vec![t]).collect();
    let (rows, key_value) = match jury_core::forms::key_value_rows(&titles, &grid) {
        Some(rows) => (rows, true),
        None => {
            let rows: Vec<Vec<String>> = titles.into_iter().chain(grid.iter().cloned()).collect();
            if jury_core::forms::has_form_header(&rows) {
                (rows, false)
            } else {
                // No form: the table's own first row says best what it is.
                (grid, false)
            }
        }
    };
    // Drop empty rows, keeping each kept row's place in the document (title lines, then the
    // table's rows) as its number.
    let mut kept = Vec::new();
    let mut row_numbers = Vec::new();
    for (i, mut r) in rows.into_iter().enumerate() {
        while r.last().is_some_and(|c| c.is_empty()) {
            r.pop();
        }
        if !r.is_empty() {
            kept.push(r);
            row_numbers.push(i + 1);
        }
    }
    Table {
        path: path.to_path_buf(),
        rows: kept,
        row_numbers,
        encoding: "DOCX".into(),
        sheet,
        key_value,
    }
}
