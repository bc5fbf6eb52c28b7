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
    };
    println!("{}", publish(&folder.contest.id, &works, work, &dir, lang)?);
    Ok(true)
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
}
