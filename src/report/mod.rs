//! Results outputs (the terminal table, CSV, XLSX and a self-contained HTML report) and
//! the judges' key cards.
//!
//! Every output renders one [`ResultsView`], built once from a tally and the master
//! database's records ([`ResultsView::build`]), and takes its sentences from [`words`]
//! (the view itself carries typed data only; the words are in `locales/report.yml`). The
//! view already applies the disclosure rule below, so no renderer (and no future one, such
//! as the organizer TUI's results tab) can publish more than the rule allows by accident. The full [`jury_core::tally::Tally`] stays
//! available as [`ResultsView::tally`] for organizer-only screens.
//!
//! # Disclosure rule: what a reader can infer
//!
//! Results files travel: they are printed, signed, mailed to units and posted. A reader may
//! know a lot besides the file (their own scores, which works they or a colleague judged,
//! which unit a judge comes from), so the rule is about what can be *worked out*, not just
//! what is printed:
//!
//! 1. **A recused pair contributes nothing, anywhere.** The tally never counts a sheet for a
//!    recused (judge, work) pair and reports such a sheet without values; recusals are listed
//!    by judge and work only, never with the judge's reason (reasons name the conflict, often
//!    a person).
//! 2. **Per-judge figures are sums in disguise.** A judge's mean total over one work *is* that
//!    work's score, and over two works anyone who knows one of the two scores gets the other.
//!    So a judge's mean total, severity and score distribution are published only when they
//!    cover at least [`MIN_JUDGE_WORKS`] counted works; below that they are withheld ("-")
//!    and the report says why. Per-judge figures never say *which* works they cover.
//! 3. **A spread with a mean is two scores.** For a work with two counted totals, mean ±
//!    spread/2 are exactly the two judges' totals, so spread and standard deviation are
//!    published only for works with at least [`MIN_SPREAD_TOTALS`] counted totals; the
//!    high-spread *flag* is still shown (it asks the panel to look, without the values).
//! 4. **Outliers are named, not valued.** An outlier names the work, the judge and whether the
//!    total was above or below the work's trimmed mean, never the total or the deviation
//!    (either, with the published reference, is the judge's score for that work).
//! 5. What remains, and cannot be avoided while ranking on means: a work scored by one judge
//!    shows that judge's total as its aggregate, and co-judges of a two-judge work can each
//!    compute the other's total from the mean. Such works are listed as having too few scores.

pub mod audience;
pub mod certificate;
pub mod csv;
pub mod html;
pub mod keycard;
pub mod pdf;
pub mod rounds;
pub mod sheets;
pub mod signoff;
pub mod table;
pub use jury_core::results as view;
pub mod words;
pub mod xlsx;

use std::path::{Path, PathBuf};

pub use view::{
    JudgeRow, MethodCell, OutlierNote, ReceiptRow, ResultsView, RuleNote, ShortWork, WorkRow,
    MIN_JUDGE_WORKS, MIN_SPREAD_TOTALS,
};
pub use words::ResultsWords;

/// Errors while writing a results file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: cannot write: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot write the spreadsheet: {message}")]
    Xlsx { path: PathBuf, message: String },
    #[error("cannot write CSV: {0}")]
    Csv(String),
}

/// A file name part from a number or id: letters, digits, `-` and `_` kept, anything else
/// (a `/` in a certificate number, a space in a judge id) replaced by `_`.
pub fn safe_file_stem(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes `bytes` to `path` with the store's durable writer
/// ([`jury_store::snapshot::write_atomic`]: temporary file in the same folder, fsync, rename,
/// fsync of the folder), so an interrupted run or a power cut never leaves a half-written
/// report where the old one was. This only names the file in the error.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    // A bare file name ("results.csv") has an empty parent: the writer's temporary file
    // must then go into the current folder.
    let target = match path.parent() {
        Some(p) if p.as_os_str().is_empty() => Path::new(".").join(path),
        _ => path.to_path_buf(),
    };
    jury_store::snapshot::write_atomic(&target, bytes).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })
}
