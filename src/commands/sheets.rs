//! `jury sheets`: the 专家评分表 of every judge, for the archive.
//!
//! Writes into the folder (default `sheets/` in the contest folder): `sheet-<judge>.html`
//! per judge (one printable A4 page, or more for long lists), `sheets.html` with every
//! judge (one judge per page, to print at once) and `sheets.xlsx` with one sheet per judge.
//! The numbers are the judge's merged scores exactly as their ballot holds them, with the
//! ballot's receipt, so a signed sheet can be checked against the results years later.

use std::path::PathBuf;

use super::cli::{io_err, OrganizeError};
use super::results::{refuse_jury_files, ResultsSource};
use crate::i18n::Lang;
use crate::report;
use crate::tr;

/// Runs the command; returns what to print.
pub fn run(globals: &crate::cli::Globals, out: Option<PathBuf>) -> Result<String, OrganizeError> {
    let (folder, master) = super::cli::open_contest(globals)?;
    let source = ResultsSource::load(&master)?;
    let contest = &folder.contest;
    let lang = Lang::choose(globals.lang, contest.language);
    let sheets = jury_core::results::judge_sheets(
        contest,
        &source.works,
        &source.judges,
        &source.assignments,
        &source.merged,
        &source.ballots,
    );
    let dir = out.unwrap_or_else(|| folder.dir.join("sheets"));
    refuse_jury_files(&dir, lang)?;
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    for s in &sheets {
        let safe = report::safe_file_stem(&s.judge);
        let path = dir.join(format!("sheet-{safe}.html"));
        report::write_atomic(
            &path,
            report::sheets::html(contest, std::slice::from_ref(s), lang).as_bytes(),
        )?;
    }
    report::write_atomic(
        &dir.join("sheets.html"),
        report::sheets::html(contest, &sheets, lang).as_bytes(),
    )?;
    let xlsx = dir.join("sheets.xlsx");
    let bytes = report::sheets::xlsx_bytes(contest, &sheets, lang, &xlsx)?;
    report::write_atomic(&xlsx, &bytes)?;
    Ok(format!(
        "{}\n",
        tr!(
            lang,
            "report.sheets.wrote",
            n = sheets.len(),
            dir = dir.display()
        )
    ))
}
