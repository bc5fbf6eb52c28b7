//! A form read into rows of text cells, and what can go wrong with a whole file. The readers
//! (CSV/XLSX/DOCX → `Table`) are jury-store's; parsing rows is [`crate::forms`].

use std::path::{Path, PathBuf};

/// A form read into rows of text cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file the table came from, as the caller named it.
    pub path: PathBuf,
    /// Cells, trimmed (including full-width spaces) and NFC-normalised. Rows may differ in
    /// length; entirely empty rows are left out.
    pub rows: Vec<Vec<String>>,
    /// For each row, its 1-based number as Excel (or WPS) shows it.
    pub row_numbers: Vec<usize>,
    /// How the file was read: "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE", "GB18030"
    /// (covers GBK), or "XLSX" / "XLS" for workbooks.
    pub encoding: String,
    /// The worksheet read, for workbooks (for Word documents with several tables, the
    /// table: `表1`, `表2`, …).
    pub sheet: Option<String>,
    /// A vertical key–value form (annex 3, one work: labels beside their values) turned into
    /// a header and one row by [`crate::forms::key_value_rows`]: its fields supplement the work
    /// it describes rather than list works.
    pub key_value: bool,
}

impl Table {
    /// The file's name for messages.
    pub fn file(&self) -> String {
        self.path.display().to_string()
    }

    /// 1-based Excel row number of `rows[index]`.
    pub fn row_number(&self, index: usize) -> usize {
        self.row_numbers.get(index).copied().unwrap_or(index + 1)
    }
}

/// What went wrong with a whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportErrorKind {
    /// The file could not be opened or read.
    Io,
    /// Nothing in it.
    Empty,
    /// Far larger than any form.
    TooLarge,
    /// Binary data that is no spreadsheet.
    Binary,
    /// Text in an encoding jury does not read.
    Encoding,
    /// A workbook calamine could not open.
    Workbook,
    /// A format jury does not read (Word, PDF, HTML saved as .xls, ...).
    Unsupported,
    /// No row looks like the form's header.
    NoHeader,
    /// The header lacks columns jury needs.
    MissingColumns,
}

/// A file-level import error. `message` is one line: what, where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ImportError {
    pub kind: ImportErrorKind,
    pub file: PathBuf,
    pub message: String,
}

impl ImportError {
    pub fn new(kind: ImportErrorKind, file: &Path, message: impl Into<String>) -> ImportError {
        ImportError {
            kind,
            file: file.to_path_buf(),
            message: message.into(),
        }
    }
}
