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

/// A failed publication in words: no sync folder, or the record (worded by the
/// `cannot_write` key: now showing, calibration, sign-off) could not be written.
pub(crate) fn publish_error(
    e: &PublishError,
    cannot_write: &'static str,
    lang: Lang,
) -> OrganizeError {
    OrganizeError::Other(match e {
        PublishError::NoFolder { dir } => tr!(
            lang,
            "room.no_folder",
            dir = safe_line(&dir.display().to_string())
        ),
        PublishError::Io { path, source } => crate::i18n::fill(
            crate::i18n::text(lang, cannot_write),
            &[
                ("path", &safe_line(&path.display().to_string())),
                ("why", source),
            ],
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
    .map_err(|e| publish_error(&e, "room.cannot_write", lang))?;
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

/// contest.toml's `[room] order` names only works of the contest: else one line naming the
/// first that is not.
pub fn check_order(
    contest: &jury_core::model::Contest,
    works: &[(String, String)],
    lang: Lang,
) -> Result<(), OrganizeError> {
    let ids: Vec<&str> = works.iter().map(|(id, _)| id.as_str()).collect();
    match contest.room.unknown(&ids) {
        None => Ok(()),
        Some(work) => Err(OrganizeError::Other(tr!(
            lang,
            "room.order_unknown",
            work = safe_line(work),
            file = jury_store::folder::CONTEST_FILE
        ))),
    }
}

/// The room console's own options (`jury room` without a subcommand).
#[derive(Debug, Clone, clap::Args)]
pub struct ConsoleArgs {
    /// Screen for the projector's video window, from 0.
    #[arg(long)]
    pub screen: Option<u32>,
    /// Where videos play: mpv's window (fullscreen on --screen), or none (headless).
    #[arg(long, value_enum, default_value = "auto")]
    pub video_output: crate::cli::VideoOutputArg,
    /// Keymap preset: default or vim (your config-dir keymap.toml applies on top).
    #[arg(long, default_value = "default")]
    pub keymap: String,
}

/// `jury room [show|clear|status] [--sync-dir DIR]`; no subcommand: the room console.
pub fn run_room(
    cmd: Option<RoomCmd>,
    sync_dir: Option<PathBuf>,
    console: &ConsoleArgs,
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
    if matches!(cmd, None | Some(RoomCmd::Show { .. })) {
        check_order(&folder.contest, &works, lang)?;
    }
    let Some(cmd) = cmd else {
        return run_console_with(folder, master, dir, console, globals, lang);
    };
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

/// Opens the room console on the open round's sync folder `dir`.
fn run_console_with(
    folder: jury_store::folder::ContestFolder,
    master: jury_store::master::Master,
    dir: PathBuf,
    console: &ConsoleArgs,
    globals: &Globals,
    lang: Lang,
) -> Result<bool, OrganizeError> {
    super::rounds::require_open(&folder.contest, &master, None, lang)?;
    if !dir.is_dir() {
        return Err(publish_error(
            &PublishError::NoFolder { dir },
            "room.cannot_write",
            lang,
        ));
    }
    let keymap = crate::tui::keymap::Keymap::load(&console.keymap, globals.lang)
        .map_err(|e| OrganizeError::Other(e.to_string()))?;
    let options = crate::tui::room::ConsoleOptions {
        media_dir: folder.media_dir(),
        contest: folder.contest,
        sync_dir: dir,
        player: jury_media::PlayerConfig {
            output: console.video_output.into(),
            fullscreen: true,
            screen: console.screen,
            ..Default::default()
        },
        lang,
        keymap,
    };
    crate::tui::room::run_console(master, options)
        .map_err(|e| OrganizeError::Other(e.to_string()))?;
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
                .filter_map(|c| merged.scores.get(judge, work, &c.id).map(|s| c.points(s)))
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

/// The spread of the judges' totals on one work, once every judge has scored it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub lo: jury_core::model::Points,
    pub hi: jury_core::model::Points,
    /// `hi − lo`.
    pub range: jury_core::model::Points,
    /// Sample standard deviation of the totals in points (with at least two totals).
    pub sd: Option<f64>,
}

/// Where the panel stands on one work: what `jury room status` prints and the room console
/// shows.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkStanding {
    pub work: String,
    /// Each assigned judge's standing (judges in id order).
    pub rows: Vec<(String, Standing)>,
    /// Judges who have not scored it fully (neither scored nor recused).
    pub waiting: usize,
    /// Once nobody is waiting and someone scored it.
    pub spread: Option<Spread>,
}

impl WorkStanding {
    /// Judges who scored it fully.
    pub fn scored(&self) -> usize {
        self.rows
            .iter()
            .filter(|(_, s)| matches!(s, Standing::Scored(_)))
            .count()
    }
}

/// The standing of `work` from its assigned judges (in id order) and the merged scores.
pub fn work_standing(
    contest: &jury_core::model::Contest,
    work: &str,
    judges: &[String],
    merged: &jury_core::records::MergedScores,
) -> WorkStanding {
    let rows = standings(contest, work, judges, merged);
    let totals: Vec<i64> = rows
        .iter()
        .filter_map(|(_, s)| match s {
            Standing::Scored(t) => Some(t.0),
            _ => None,
        })
        .collect();
    let waiting = rows
        .iter()
        .filter(|(_, s)| matches!(s, Standing::Partly { .. } | Standing::NotYet))
        .count();
    let spread = match (waiting, totals.iter().min(), totals.iter().max()) {
        (0, Some(&lo), Some(&hi)) => Some(Spread {
            lo: jury_core::model::Points(lo),
            hi: jury_core::model::Points(hi),
            range: jury_core::model::Points(hi - lo),
            sd: sample_sd(&totals),
        }),
        _ => None,
    };
    WorkStanding {
        work: work.to_string(),
        rows,
        waiting,
        spread,
    }
}

/// Sample standard deviation, in points, of totals in hundredths (as the tally's spread
/// statistics: exact integer sums, then one float step).
fn sample_sd(totals: &[i64]) -> Option<f64> {
    let m = totals.len() as i128;
    if m < 2 {
        return None;
    }
    let sum: i128 = totals.iter().map(|&t| i128::from(t)).sum();
    let sq: i128 = totals.iter().map(|&t| i128::from(t) * i128::from(t)).sum();
    let var = (m * sq - sum * sum) as f64 / (m * (m - 1)) as f64;
    Some(var.max(0.0).sqrt() / jury_core::model::Points::SCALE as f64)
}

/// A judge's standing in words ("scored, 62", "not yet", …).
pub fn standing_words(standing: &Standing, lang: Lang) -> String {
    match standing {
        Standing::Scored(total) => tr!(lang, "room.status.scored", total = total),
        Standing::Partly { scored, of } => {
            tr!(lang, "room.status.partly", scored = scored, of = of)
        }
        Standing::NotYet => tr!(lang, "room.status.not_yet").to_string(),
        Standing::Recused => tr!(lang, "room.follow.recused").to_string(),
    }
}

/// `jury room status`: the table of [`work_standing`] for the work now showing.
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
    let names: std::collections::BTreeMap<String, String> = master
        .judges()?
        .into_iter()
        .map(|j| (j.id, j.name))
        .collect();
    let judges: Vec<String> = master
        .assignments()?
        .into_iter()
        .filter(|(w, _)| *w == work)
        .map(|(_, j)| j)
        .collect();
    let standing = work_standing(contest, &work, &judges, &master.merged()?);
    let mut out = format!(
        "{}\n",
        tr!(lang, "room.status.work", work = safe_line(&work))
    );
    let table: Vec<Vec<String>> = standing
        .rows
        .iter()
        .map(|(judge, s)| {
            let name = names.get(judge).map(|n| safe_line(n).into_owned());
            vec![
                safe_line(judge).into_owned(),
                name.unwrap_or_default(),
                standing_words(s, lang),
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
    match &standing.spread {
        Some(spread) => out.push_str(&format!(
            "{}\n",
            tr!(
                lang,
                "room.status.spread",
                lo = spread.lo,
                hi = spread.hi,
                spread = spread.range
            )
        )),
        None => out.push_str(&format!(
            "{}\n",
            tr!(
                lang,
                "room.status.waiting",
                n = standing.waiting,
                of = standing.rows.len()
            )
        )),
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
    fn an_unknown_work_in_the_room_order_is_one_line_naming_it() {
        let mut contest = jury_core::sample::sample_data(1).contest;
        assert!(check_order(&contest, &works(), Lang::En).is_ok());
        contest.room.order = vec!["012".into(), "099".into()];
        let en = check_order(&contest, &works(), Lang::En)
            .unwrap_err()
            .to_string();
        assert!(en.contains("099") && en.contains("contest.toml"), "{en}");
        assert!(!en.contains('\n'), "{en}");
        let zh = check_order(&contest, &works(), Lang::Zh)
            .unwrap_err()
            .to_string();
        assert!(zh.contains("099") && zh.contains("不在本比赛中"), "{zh}");
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
