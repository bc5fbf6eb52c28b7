//! `jury room show WORK` / `jury room clear`: the meeting room's *now showing*, published
//! without the console (for scripts, tests and a room run from a shell). The record and its
//! file are the store's (`jury_store::showing`); this only picks the folder, checks the work
//! is the contest's, and says what was published.

use clap::Subcommand;
use std::path::{Path, PathBuf};

use super::cli::{open_contest, OrganizeError};
use crate::cli::Globals;
use crate::i18n::Lang;
use crate::tr;
use jury_core::text::safe_line;
use jury_store::showing::{self, PublishError};

/// `jury room …`.
#[derive(Debug, Subcommand)]
pub enum RoomCmd {
    /// Publish that WORK is now showing: every judge TUI following the sync folder selects it.
    Show {
        /// The work's number (e.g. 012).
        work: String,
    },
    /// Publish that nothing is showing (judges' banners go away).
    Clear,
    /// Per judge of the work now showing: scored (with the total), partly, not yet, or
    /// recused, from the merged ballots (keep `jury watch` running); the spread of the
    /// totals once every judge has scored it.
    Status,
}

/// The sync folder of a room command: `--sync-dir`, or one clear line asking for it. (The
/// master records no sync folder: `jury issue --sync-dir` writes it only into the ballots
/// and key cards.)
pub fn sync_folder(given: Option<PathBuf>, lang: Lang) -> Result<PathBuf, OrganizeError> {
    given.ok_or_else(|| OrganizeError::Other(tr!(lang, "room.no_sync_dir").to_string()))
}

/// The contest's work that `typed` names: its id exactly, else the one whose number is the
/// same ("12" for "012").
pub fn find_work<'a>(ids: &'a [String], typed: &str) -> Option<&'a String> {
    let typed = typed.trim();
    ids.iter().find(|id| *id == typed).or_else(|| {
        let n: u64 = typed.parse().ok()?;
        let mut same = ids.iter().filter(|id| id.parse::<u64>().ok() == Some(n));
        let first = same.next()?;
        same.next().is_none().then_some(first)
    })
}

fn publish_error(e: &PublishError, lang: Lang) -> OrganizeError {
    OrganizeError::Other(match e {
        PublishError::NoFolder { dir } => tr!(
            lang,
            "room.no_folder",
            dir = safe_line(&dir.display().to_string())
        ),
        PublishError::Io { path, source } => tr!(
            lang,
            "room.cannot_write",
            path = safe_line(&path.display().to_string()),
            why = source
        ),
    })
}

/// Publishes `work` (or nothing, with `None`) for the contest into `dir`; returns the line
/// to print.
pub fn publish(
    contest_id: &str,
    works: &[(String, String)],
    work: Option<&str>,
    dir: &Path,
    lang: Lang,
) -> Result<String, OrganizeError> {
    let chosen = match work {
        Some(typed) => {
            let ids: Vec<String> = works.iter().map(|(id, _)| id.clone()).collect();
            let Some(id) = find_work(&ids, typed) else {
                return Err(OrganizeError::Other(tr!(
                    lang,
                    "room.no_such_work",
                    work = safe_line(typed),
                    n = works.len()
                )));
            };
            Some(id.clone())
        }
        None => None,
    };
    let record = showing::publish(
        dir,
        contest_id,
        chosen.as_deref(),
        jury_store::master::now_secs(),
    )
    .map_err(|e| publish_error(&e, lang))?;
    let shown_dir = safe_line(&dir.display().to_string()).into_owned();
    Ok(match &chosen {
        Some(id) => {
            let title = works
                .iter()
                .find(|(w, _)| w == id)
                .map(|(_, t)| safe_line(t).into_owned())
                .unwrap_or_default();
            tr!(
                lang,
                "room.shown",
                work = id,
                title = title,
                seq = record.seq,
                dir = shown_dir
            )
        }
        None => tr!(lang, "room.cleared", seq = record.seq, dir = shown_dir),
    })
}

/// `jury room show|clear [--sync-dir DIR]`.
pub fn run_room(
    cmd: RoomCmd,
    sync_dir: Option<PathBuf>,
    globals: &Globals,
) -> Result<bool, OrganizeError> {
    let (folder, master) = open_contest(globals)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    let dir = sync_folder(sync_dir, lang)?;
    let works: Vec<(String, String)> = master
        .works()?
        .into_iter()
        .map(|w| (w.id, w.title))
        .collect();
    let work = match &cmd {
        RoomCmd::Show { work } => Some(work.as_str()),
        RoomCmd::Clear => None,
        RoomCmd::Status => {
            print!("{}", status(&folder.contest, &master, &dir, lang)?);
            return Ok(true);
        }
    };
    println!("{}", publish(&folder.contest.id, &works, work, &dir, lang)?);
    Ok(true)
}

/// One judge's standing on the work now showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Scored(jury_core::model::Points),
    Partly { scored: usize, of: usize },
    NotYet,
    Recused,
}

/// Each assigned judge's standing on `work` (judges in id order), from merged scores.
pub fn standings(
    contest: &jury_core::model::Contest,
    work: &str,
    judges: &[String],
    merged: &jury_core::records::MergedScores,
) -> Vec<(String, Standing)> {
    let criteria: Vec<_> = contest.rubric.criteria().collect();
    judges
        .iter()
        .map(|judge| {
            let key = (judge.clone(), work.to_string());
            if merged.recusals.contains_key(&key) {
                return (judge.clone(), Standing::Recused);
            }
            let steps: Vec<_> = criteria
                .iter()
                .filter_map(|c| {
                    merged
                        .scores
                        .get(judge, work, &c.id)
                        .map(|s| c.points(s))
                })
                .collect();
            let standing = match steps.len() {
                0 => Standing::NotYet,
                n if n == criteria.len() => Standing::Scored(steps.into_iter().sum()),
                n => Standing::Partly {
                    scored: n,
                    of: criteria.len(),
                },
            };
            (judge.clone(), standing)
        })
        .collect()
}

/// `jury room status`: the table of [`standings`] for the work now showing.
fn status(
    contest: &jury_core::model::Contest,
    master: &jury_store::master::Master,
    dir: &Path,
    lang: Lang,
) -> Result<String, OrganizeError> {
    let work = match showing::read(dir) {
        showing::Showing::Published(p) if p.contest == contest.id => p.work,
        _ => None,
    };
    let Some(work) = work else {
        return Ok(format!("{}\n", tr!(lang, "room.follow.nothing")));
    };
    let judges: Vec<String> = master
        .assignments()?
        .into_iter()
        .filter(|(w, _)| *w == work)
        .map(|(_, j)| j)
        .collect();
    let names: std::collections::BTreeMap<String, String> = master
        .judges()?
        .into_iter()
        .map(|j| (j.id, j.name))
        .collect();
    let rows = standings(contest, &work, &judges, &master.merged()?);
    let mut out = format!(
        "{}\n",
        tr!(lang, "room.status.work", work = safe_line(&work))
    );
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|(judge, standing)| {
            let name = names.get(judge).map(|n| safe_line(n).into_owned());
            let state = match standing {
                Standing::Scored(total) => tr!(lang, "room.status.scored", total = total),
                Standing::Partly { scored, of } => {
                    tr!(lang, "room.status.partly", scored = scored, of = of)
                }
                Standing::NotYet => tr!(lang, "room.status.not_yet").to_string(),
                Standing::Recused => tr!(lang, "room.follow.recused").to_string(),
            };
            vec![
                safe_line(judge).into_owned(),
                name.unwrap_or_default(),
                state,
            ]
        })
        .collect();
    out.push_str(&super::watch::aligned_table(
        &[
            tr!(lang, "room.status.judge"),
            tr!(lang, "room.status.name"),
            tr!(lang, "room.status.state"),
        ],
        &table,
    ));
    let totals: Vec<_> = rows
        .iter()
        .filter_map(|(_, s)| match s {
            Standing::Scored(t) => Some(*t),
            _ => None,
        })
        .collect();
    let waiting = rows
        .iter()
        .filter(|(_, s)| matches!(s, Standing::Partly { .. } | Standing::NotYet))
        .count();
    if waiting == 0 && !totals.is_empty() {
        let (lo, hi) = (totals.iter().min(), totals.iter().max());
        if let (Some(lo), Some(hi)) = (lo, hi) {
            let spread = jury_core::model::Points(hi.0 - lo.0);
            out.push_str(&format!(
                "{}\n",
                tr!(
                    lang,
                    "room.status.spread",
                    lo = lo,
                    hi = hi,
                    spread = spread
                )
            ));
        }
    } else {
        out.push_str(&format!(
            "{}\n",
            tr!(lang, "room.status.waiting", n = waiting, of = rows.len())
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn works() -> Vec<(String, String)> {
        vec![
            ("001".into(), "山城".into()),
            ("012".into(), "江\u{1b}[2J桥".into()),
        ]
    }

    #[test]
    fn works_are_found_by_id_or_by_number() {
        let ids: Vec<String> = works().into_iter().map(|w| w.0).collect();
        assert_eq!(find_work(&ids, "012").map(String::as_str), Some("012"));
        assert_eq!(find_work(&ids, " 12 ").map(String::as_str), Some("012"));
        assert_eq!(find_work(&ids, "2"), None);
        assert_eq!(find_work(&ids, "abc"), None);
    }

    #[test]
    fn show_then_clear_publish_growing_sequences_and_refuse_unknown_works() {
        let dir = tempfile::tempdir().unwrap();
        let line = publish("c", &works(), Some("12"), dir.path(), Lang::Zh).unwrap();
        assert!(line.starts_with("正在放映：012 江"), "{line}");
        assert!(!line.contains('\u{1b}'), "titles are made safe: {line:?}");
        let Showing::Published(first) = showing::read(dir.path()) else {
            panic!("published")
        };
        assert_eq!((first.work.as_deref(), first.seq), (Some("012"), 1));
        let line = publish("c", &works(), None, dir.path(), Lang::En).unwrap();
        assert!(line.contains("seq 2"), "{line}");
        let err = publish("c", &works(), Some("099"), dir.path(), Lang::En)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("099") && !err.contains('\n'),
            "one line naming the work: {err}"
        );
        // Refused: the record on disk is still the clear.
        assert!(matches!(
            showing::read(dir.path()),
            Showing::Published(NowShowing {
                seq: 2,
                work: None,
                ..
            })
        ));
        let gone = publish("c", &works(), Some("001"), &dir.path().join("no"), Lang::Zh)
            .unwrap_err()
            .to_string();
        assert!(gone.contains("同步文件夹"), "{gone}");
    }

    use jury_store::showing::{NowShowing, Showing};

    #[test]
    fn standings_tell_scored_partly_not_yet_and_recused_apart() {
        let contest = jury_core::sample::sample_data(1).contest;
        let mut merged = jury_core::records::MergedScores::default();
        let ids: Vec<String> = contest.rubric.criteria().map(|c| c.id.clone()).collect();
        for c in &ids {
            merged.scores.insert("J1", "001", c, 1);
        }
        merged.scores.insert("J2", "001", &ids[0], 1);
        merged
            .recusals
            .insert(("J4".into(), "001".into()), "亲属".into());
        let judges: Vec<String> = ["J1", "J2", "J3", "J4"].map(String::from).to_vec();
        let got: Vec<Standing> = standings(&contest, "001", &judges, &merged)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        let total: jury_core::model::Points = contest.rubric.criteria().map(|c| c.points(1)).sum();
        assert_eq!(
            got,
            [
                Standing::Scored(total),
                Standing::Partly {
                    scored: 1,
                    of: ids.len()
                },
                Standing::NotYet,
                Standing::Recused,
            ]
        );
    }
}
