//! `jury certificates`: one 获奖证书 per awarded work, from the final results.
//!
//! Writes into the folder (default `certificates/` in the contest folder): one HTML file per
//! certificate named by its number, `certificates.html` with all of them (one per A4 page,
//! to print at once), and `certificates.csv` for a mail merge. Numbers follow the award
//! list (tiers in order, then rank), so `--tier first` prints the same numbers as a full run.
//! With a CJK font on the machine, `certificates.pdf` too (one A4 landscape page each, the
//! font embedded; see [`crate::report::pdf`]).
//! Provisional results get no certificates: a certificate handed out cannot be taken back.

use std::path::PathBuf;

use super::cli::{io_err, OrganizeError};
use super::results::{refuse_jury_files, ResultsSource};
use crate::i18n::Lang;
use crate::report::{self, ResultsWords};
use crate::tr;
use jury_core::tally::Award;

/// Runs the command; returns what to print.
pub fn run(
    globals: &crate::cli::Globals,
    out: Option<PathBuf>,
    tiers: &[String],
) -> Result<String, OrganizeError> {
    let (folder, master) = super::cli::open_contest(globals)?;
    let source = ResultsSource::load(&master)?;
    let contest = &folder.contest;
    let lang = Lang::choose(globals.lang, contest.language);
    let view = source.view(contest, None);
    if let Some(banner) = view.provisional_banner(lang) {
        return Err(OrganizeError::Other(tr!(
            lang,
            "report.cert.provisional",
            banner = banner
        )));
    }
    let rules = &contest.awards;
    for t in tiers {
        if t != "rest" && !rules.tiers.iter().any(|x| &x.id == t) {
            let ids: Vec<&str> = rules.tiers.iter().map(|x| x.id.as_str()).collect();
            return Err(OrganizeError::Other(tr!(
                lang,
                "report.cert.unknown_tier",
                tier = jury_core::text::safe_line(t),
                tiers = format!("{}, rest", ids.join(", "))
            )));
        }
    }
    let all = jury_core::results::certificates(&view, lang)
        .map_err(|e| OrganizeError::Other(e.to_string()))?;
    let certs: Vec<_> = all
        .into_iter()
        .filter(|c| tiers.is_empty() || tiers.iter().any(|t| t == c.award.id(rules)))
        .collect();
    let dir = out.unwrap_or_else(|| folder.dir.join("certificates"));
    refuse_jury_files(&dir, lang)?;
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let title = contest.title(lang);
    for c in &certs {
        let path = dir.join(report::certificate::file_name(c));
        report::write_atomic(
            &path,
            report::certificate::render(std::slice::from_ref(c), title, lang).as_bytes(),
        )?;
    }
    let combined = dir.join("certificates.html");
    report::write_atomic(
        &combined,
        report::certificate::render(&certs, title, lang).as_bytes(),
    )?;
    let csv = dir.join("certificates.csv");
    report::write_atomic(&csv, report::certificate::csv(&certs, lang)?.as_bytes())?;
    let pdf_line = match report::pdf::find_cjk_font() {
        Some(font) => {
            let number = format!(
                "{}{}",
                tr!(lang, "report.cert.number"),
                tr!(lang, "report.colon")
            );
            let details = |c: &jury_core::results::Certificate| {
                tr!(
                    lang,
                    "report.cert.details",
                    work = c.work,
                    district = c.district,
                    creators = c.creators
                )
            };
            let pdf = dir.join("certificates.pdf");
            let bytes = report::pdf::render(&certs, &font, &number, details)
                .map_err(|e| OrganizeError::Other(e.to_string()))?;
            report::write_atomic(&pdf, &bytes)?;
            tr!(
                lang,
                "report.cert.pdf",
                path = pdf.display(),
                font = font.path.display()
            )
        }
        None => tr!(lang, "report.cert.no_font").to_string(),
    };
    let mut s = tr!(
        lang,
        "report.cert.wrote",
        n = certs.len(),
        dir = dir.display()
    );
    s.push('\n');
    for (award, n) in (0..rules.tiers.len())
        .map(Award::Tier)
        .chain([Award::Rest])
        .map(|a| (a, certs.iter().filter(|c| c.award == a).count()))
        .filter(|(_, n)| *n > 0)
    {
        s.push_str(&tr!(
            lang,
            "report.cert.count",
            award = award.label(rules, lang),
            n = n
        ));
        s.push('\n');
    }
    s.push_str(&pdf_line);
    s.push('\n');
    let undecided = view.tally.flagged().count();
    if undecided > 0 {
        s.push_str(&tr!(lang, "report.cert.undecided", n = undecided));
        s.push('\n');
    }
    Ok(s)
}
