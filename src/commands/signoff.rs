//! `jury signoff --sync-dir DIR`: publishes the final results' fingerprint (and the ranked
//! list it covers) into the sync folder for the judges' TUIs to confirm; and the glue that
//! brings merged revisions and confirmations into `jury log` and the report.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::cli::{open_contest, OrganizeError};
use super::results::ResultsSource;
use crate::cli::Globals;
use crate::i18n::Lang;
use crate::report::ResultsWords as _;
use crate::tr;
use jury_core::model::Contest;
use jury_core::results::ResultsView;
use jury_core::signoff::{confirmation_rows, short, RevisionRow};
use jury_core::text::safe_line;
use jury_store::master::Master;

/// "J03 改 012 主题与传播价值 18→22：讨论后修正": one revision in words, points as the
/// rubric counts them ("-" for a score removed).
pub fn revision_line(contest: &Contest, r: &RevisionRow, lang: Lang) -> String {
    let criterion = contest.rubric.criteria().find(|c| c.id == r.criterion);
    let points = |steps: Option<u32>| match (steps, criterion) {
        (Some(s), Some(c)) => c.points(s).to_string(),
        (Some(s), None) => s.to_string(),
        (None, _) => "-".to_string(),
    };
    let label = criterion
        .map(|c| c.label(lang).to_string())
        .unwrap_or_else(|| r.criterion.clone());
    tr!(
        lang,
        "signoff.revision",
        judge = safe_line(&r.judge),
        work = safe_line(&r.work),
        criterion = safe_line(&label),
        old = points(r.old),
        new = points(r.new),
        reason = safe_line(&r.reason)
    )
}

/// Ballot ids the master currently holds (a closed round's ballots are not the live ones).
fn live_ballots(master: &Master) -> Result<BTreeSet<String>, OrganizeError> {
    Ok(master.ballots()?.into_iter().map(|b| b.ballot_id).collect())
}

/// The merged revisions of the live ballots, oldest first.
pub fn revision_rows(master: &Master) -> Result<Vec<RevisionRow>, OrganizeError> {
    let live = live_ballots(master)?;
    Ok(master
        .revisions()?
        .into_iter()
        .filter(|r| live.contains(&r.ballot_id))
        .map(|r| RevisionRow {
            judge: r.judge_id,
            work: r.work_id,
            criterion: r.criterion_id,
            old: r.old,
            new: r.new,
            reason: r.reason,
            at: r.at,
        })
        .collect())
}

/// Puts the merged confirmations and revisions into `view` (the report lists them).
pub fn fill_view(view: &mut ResultsView, master: &Master) -> Result<(), OrganizeError> {
    let live = live_ballots(master)?;
    let merged: Vec<(String, String, i64)> = master
        .confirmations()?
        .into_iter()
        .filter(|c| live.contains(&c.ballot_id))
        .map(|c| (c.judge_id, c.fingerprint, c.at))
        .collect();
    view.confirmations = confirmation_rows(view, &merged);
    view.revisions = revision_rows(master)?;
    Ok(())
}

/// `jury log`'s section of revisions, "" when there are none.
pub fn log_section(
    master: &Master,
    contest: &Contest,
    lang: Lang,
) -> Result<String, OrganizeError> {
    let rows = revision_rows(master)?;
    if rows.is_empty() {
        return Ok(String::new());
    }
    let mut out = format!("\n{}\n", tr!(lang, "signoff.log.revisions"));
    for r in &rows {
        out.push_str(&format!(
            "  {}  {}\n",
            super::watch::local_datetime(r.at),
            revision_line(contest, r, lang)
        ));
    }
    Ok(out)
}

/// `jury signoff --sync-dir DIR`.
pub fn run_signoff(sync_dir: Option<PathBuf>, globals: &Globals) -> Result<bool, OrganizeError> {
    let (folder, master) = open_contest(globals)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    let dir = super::room::sync_folder(sync_dir, lang)?;
    let view = ResultsSource::load(&master)?.view(&folder.contest, None);
    let record = jury_store::signoff::publish(&dir, &view, jury_store::master::now_secs())
        .map_err(|e| super::room::publish_error(&e, "signoff.cannot_write", lang))?;
    println!(
        "{}",
        tr!(
            lang,
            "signoff.published",
            fingerprint = short(&record.fingerprint),
            n = record.lines.len(),
            seq = record.seq,
            dir = safe_line(&dir.display().to_string())
        )
    );
    if let Some(banner) = view.provisional_banner(lang) {
        println!("{}", tr!(lang, "signoff.provisional", banner = banner));
    }
    Ok(true)
}
