//! The ranked list as CSV, one row per work.
//!
//! The file is UTF-8 **with a byte-order mark**. Excel — what most organizers open a CSV
//! with — reads a CSV without a BOM in the system's ANSI code page (GBK on Chinese Windows,
//! cp1252 elsewhere), which turns every Chinese title into mojibake; with the BOM it reads
//! UTF-8. LibreOffice, Python's `utf-8-sig`, R and the csv crate all accept the BOM.
//!
//! Text cells that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`,
//! tab or carriage return) get a leading `'`: titles and units come from recommendation
//! forms, and a title like `=HYPERLINK(…)` must stay text when the CSV is opened in Excel
//! (CSV injection). The XLSX writer stores strings as strings, so it needs no such guard.
//!
//! Every row carries the status (provisional or final) in its first column, so the mark
//! survives sorting, filtering and copying rows elsewhere; the columns are otherwise those of
//! the results sheet of the XLSX file.

use super::view::{score_text, ResultsView};
use super::words::ResultsWords;
use super::ReportError;
use crate::i18n::Lang;
use crate::tr;

pub const BOM: &str = "\u{feff}";

/// Column headers: the status, then the results columns every table shares.
pub fn header(view: &ResultsView, lang: Lang) -> Vec<String> {
    let mut h = vec![tr!(lang, "report.col.status").to_string()];
    h.extend(view.result_headers(lang));
    h
}

/// The CSV text, BOM first.
pub fn render(view: &ResultsView, lang: Lang) -> Result<String, ReportError> {
    let rows = view.rows.iter().map(|r| {
        let mut rec = vec![
            super::rounds::row_status(view, r, view.status_word(lang), lang),
            r.place.map(|p| p.to_string()).unwrap_or_default(),
            defuse(&view.award_label(r, lang)),
            defuse(&r.work),
            defuse(&r.title),
            defuse(&r.unit),
            defuse(&r.district),
            r.aggregate.map(score_text).unwrap_or_default(),
        ];
        for i in 0..view.contest.rubric.groups.len() {
            rec.push(
                r.group_scores
                    .get(i)
                    .map(|s| score_text(*s))
                    .unwrap_or_default(),
            );
        }
        rec.push(r.scored.to_string());
        rec.push(view.row_note(r, lang));
        rec
    });
    table(header(view, lang), rows)
}

/// A CSV of a header and rows, BOM first: every CSV jury writes goes through here. Cells
/// arrive as they are to be written (text already `defuse`d, numbers as numbers).
pub fn table<H, R>(header: H, rows: impl IntoIterator<Item = R>) -> Result<String, ReportError>
where
    H: IntoIterator,
    H::Item: AsRef<[u8]>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let err = |e: ::csv::Error| ReportError::Csv(e.to_string());
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.write_record(row).map_err(err)?;
    }
    finish(w)
}

/// The written CSV as text, BOM first.
fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<String, ReportError> {
    let bytes = w
        .into_inner()
        .map_err(|e| ReportError::Csv(e.to_string()))?;
    let body = String::from_utf8(bytes).map_err(|e| ReportError::Csv(e.to_string()))?;
    Ok(format!("{BOM}{body}"))
}

/// Prefixes `'` to text a spreadsheet would read as a formula.
pub fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_stays_text() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("科学家精神"), "科学家精神");
        assert_eq!(defuse(""), "");
    }
}
