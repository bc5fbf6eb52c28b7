//! Bounded pre-reading of zip-based forms (XLSX, DOCX) before any reader allocates for them.
//!
//! A zip of a few kilobytes can unpack to gigabytes (a "zip bomb"), and a workbook's shared
//! strings are loaded whole by calamine when it opens the file. So every part is first
//! streamed here through a counting reader with small buffers: its unpacked size, the number
//! and bytes of shared strings, the cells of each sheet and the length of each cell are
//! checked while streaming, and the file is refused at the first limit crossed, with one line
//! naming the file, the part and the limit.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use jury_core::table::{ImportError, ImportErrorKind};

/// Unpacked bytes of one part of a workbook or document. A worksheet of 5,000 works with
/// every column filled is about 5 MB of XML; 64 MiB leaves room for pasted photos (which are
/// parts too) while refusing bombs before they fill memory.
pub const MAX_MEMBER_BYTES: u64 = 64 * 1024 * 1024;
/// Shared strings in a workbook: each distinct cell text is one; a form has thousands.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// Bytes of shared-string text: calamine holds them all in memory at once.
pub const MAX_SHARED_STRING_BYTES: u64 = 32 * 1024 * 1024;
/// Cells of one sheet (the same bound the readers apply to filled cells).
pub const MAX_SHEET_CELLS: u64 = crate::table::MAX_CELLS as u64;
/// Characters of one cell: Excel's own limit is 32,767; a longer text is no typed form.
pub const MAX_CELL_CHARS: usize = 32_767;

pub(crate) const MIB: u64 = 1024 * 1024;

/// Counts bytes read and fails once more than `limit` have come through.
pub(crate) struct Counted<R> {
    pub(crate) inner: R,
    pub(crate) read: u64,
    pub(crate) limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other(OverLimit));
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct OverLimit;
impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("over the limit")
    }
}
impl std::error::Error for OverLimit {}

pub(crate) fn is_over_limit(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<OverLimit>())
}

pub(crate) fn too_large(path: &Path, what: String) -> ImportError {
    ImportError::new(
        ImportErrorKind::TooLarge,
        path,
        format!(
            "{}: {what}; this is no recommendation form (a damaged or hostile file?), export the form again from Excel or WPS",
            path.display()
        ),
    )
}

/// Streams every part of the zip at `path` and checks the limits above. `kind` ("XLSX" or
/// "DOCX") names the format in messages.
pub fn check(path: &Path, kind: &str) -> Result<(), ImportError> {
    let file = File::open(path).map_err(|e| {
        ImportError::new(
            ImportErrorKind::Io,
            path,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        ImportError::new(
            ImportErrorKind::Workbook,
            path,
            format!(
                "{}: cannot open as {kind} ({e}); open it in {} and save it again",
                path.display(),
                if kind == "DOCX" {
                    "Word or WPS"
                } else {
                    "Excel or WPS"
                }
            ),
        )
    })?;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| {
            ImportError::new(
                ImportErrorKind::Workbook,
                path,
                format!(
                    "{}: damaged {kind} part ({e}); save the file again",
                    path.display()
                ),
            )
        })?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let over = || {
            too_large(
                path,
                format!(
                    "its part {name} unpacks to more than {} MB (limit {} MB per part)",
                    MAX_MEMBER_BYTES / MIB,
                    MAX_MEMBER_BYTES / MIB
                ),
            )
        };
        // The declared size may lie; it only refuses early. The count below is the check.
        if entry.size() > MAX_MEMBER_BYTES {
            return Err(over());
        }
        let mut counted = Counted {
            inner: entry,
            read: 0,
            limit: MAX_MEMBER_BYTES,
        };
        let lower = name.to_ascii_lowercase();
        let result = if lower.ends_with("sharedstrings.xml") {
            scan_xml(path, &name, &mut counted, XmlPart::SharedStrings)
        } else if lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") {
            scan_xml(path, &name, &mut counted, XmlPart::Sheet)
        } else if lower == "word/document.xml" {
            scan_xml(path, &name, &mut counted, XmlPart::Document)
        } else {
            std::io::copy(&mut counted, &mut std::io::sink())
                .map(|_| ())
                .map_err(Scan::Io)
        };
        match result {
            Ok(()) => {}
            Err(Scan::Io(e)) if is_over_limit(&e) => return Err(over()),
            Err(Scan::Io(e)) => {
                return Err(ImportError::new(
                    ImportErrorKind::Workbook,
                    path,
                    format!(
                        "{}: its part {name} cannot be unpacked ({e}); save the file again",
                        path.display()
                    ),
                ))
            }
            Err(Scan::Refused(e)) => return Err(e),
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum XmlPart {
    SharedStrings,
    Sheet,
    Document,
}

enum Scan {
    Io(std::io::Error),
    Refused(ImportError),
}

/// Streams one XML part, counting shared strings, cells and each text's length.
fn scan_xml(path: &Path, name: &str, input: &mut impl Read, part: XmlPart) -> Result<(), Scan> {
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, input));
    let mut buf = Vec::new();
    let (mut strings, mut string_bytes, mut cells) = (0u64, 0u64, 0u64);
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| match e {
            quick_xml::Error::Io(io) => Scan::Io(
                std::sync::Arc::try_unwrap(io)
                    .unwrap_or_else(|a| std::io::Error::new(a.kind(), a.to_string())),
            ),
            // Malformed XML is the workbook reader's to report; the limits held so far.
            _ => Scan::Io(std::io::Error::other(format!("{e}"))),
        });
        let event = match event {
            Ok(ev) => ev,
            Err(Scan::Io(e)) if !is_over_limit(&e) => return Ok(()),
            Err(e) => return Err(e),
        };
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) | Event::Empty(e) => {
                match (part, e.local_name().into_inner()) {
                    (XmlPart::SharedStrings, "si") => {
                        strings += 1;
                        if strings > MAX_SHARED_STRINGS {
                            return Err(Scan::Refused(too_large(
                            path,
                            format!("{name} holds more than {MAX_SHARED_STRINGS} shared strings (limit)"),
                        )));
                        }
                    }
                    (XmlPart::Sheet, "c") => {
                        cells += 1;
                        if cells > MAX_SHEET_CELLS {
                            return Err(Scan::Refused(too_large(
                            path,
                            format!("{name} holds more than {MAX_SHEET_CELLS} cells (limit per sheet)"),
                        )));
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                let bytes = t.len();
                // Escaped text: at most 4 bytes a character before entities; count exactly
                // only when it could be over.
                if bytes > MAX_CELL_CHARS {
                    let chars = t[..].chars().count();
                    if chars > MAX_CELL_CHARS {
                        return Err(Scan::Refused(too_large(
                            path,
                            format!(
                                "a cell in {name} holds {chars} characters (limit {MAX_CELL_CHARS}, as in Excel)"
                            ),
                        )));
                    }
                }
                if part == XmlPart::SharedStrings {
                    string_bytes += bytes as u64;
                    if string_bytes > MAX_SHARED_STRING_BYTES {
                        return Err(Scan::Refused(too_large(
                            path,
                            format!(
                                "the shared strings in {name} exceed {} MB (limit)",
                                MAX_SHARED_STRING_BYTES / MIB
                            ),
                        )));
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
}
