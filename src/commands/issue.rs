//! `jury issue`: one encrypted ballot per judge holding that judge's works only, and a key card
//! per judge (text + printable HTML).
//!
//! # Re-issuing safely
//!
//! After the assignment changes, `jury issue` runs again over the same `--out` folder. For each
//! judge with works:
//!
//! * no ballot yet → a new ballot id and a fresh random key, both kept in the master;
//! * the ballot in `--out` opens with the judge's key and already holds exactly the judge's
//!   current works (same contest snapshot, same sync folder) → left untouched, so a judge who
//!   is not affected by the change keeps their file, key and history;
//! * otherwise the ballot is **re-issued**: same ballot id, same key (the judge's card stays
//!   valid), the current assignment version, and the judge's entries so far (scores, comments,
//!   recusals, playback progress) carried into the new file for every work still theirs. Entries
//!   come from the ballot in `--out` or from the master's merged data, whichever is newer.
//!
//! jury refuses the whole command, writing nothing, when re-issuing would lose something:
//!
//! * the judge entered scores, comments or recusals for works the new assignment takes away
//!   (restore the pairs with `jury assign --add`, or pass `--force` to drop those entries);
//! * a file already at the ballot's path cannot be read with the judge's key, belongs to
//!   another ballot id, or was not issued by this master (move it away, or `--force`).
//!
//! A replaced file is first copied to `FILE.vN.bak` (N = the assignment version it held), the
//! new ballot is written under a temporary name and renamed into place, so a crash leaves the
//! old or the new ballot, never half of one. The master records the new ballot (merged revision
//! reset, since the new file's revisions start again) and one audit row per written ballot in
//! one transaction, before the files are renamed into place: a failure after that point is
//! repaired by running `jury issue` again with the same keys.
//!
//! What jury cannot see is a copy the judge still holds: entries made on an old copy after a
//! re-issue belong to an older assignment version. The summary reminds the organizer to
//! collect (and merge) old copies before handing out new ones.

use rusqlite::params;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::cli::{io_err, OrganizeError};
use crate::i18n::Lang;
use crate::report::keycard::KeyCard;
use jury_core::model::{Contest, Judge, Work};
use jury_store::cipher::sqlite_err;
use jury_store::folder::ContestFolder;
use jury_store::master::{append_audit, now_secs, AuditEntry, BallotRecord, JudgeRecord, Master};
use jury_store::{Ballot, BallotData, BallotInit, BallotKey, BallotNotes, Progress};

/// What the organizer asked for.
#[derive(Debug, Clone, Default)]
pub struct IssueOptions {
    /// Folder for the ballot files.
    pub out: PathBuf,
    /// Sync folder recorded in every ballot (the judge's TUI exports snapshots there).
    pub sync_dir: Option<String>,
    /// Folder for the key cards (default: `keycards/` in the contest folder). Cards are kept
    /// apart from the ballots so that handing out the ballot folder never hands out the keys.
    pub cards: Option<PathBuf>,
    /// Re-issue even when entries would be dropped or an unreadable file replaced.
    pub force: bool,
    /// Issue although assigned works have no video or break the media rules (recorded in the
    /// audit log).
    pub allow_noncompliant: bool,
}

/// Assigned works `jury issue` will not hand out without `--allow-noncompliant`: no video
/// file named, a probe that found no video, or a probe that found the rules broken. Works
/// not probed yet are let through with a note (their SHA-256 is missing).
fn unfit_works(
    master: &Master,
    assigned: &BTreeSet<&str>,
    lang: Lang,
) -> Result<Vec<String>, OrganizeError> {
    let probes = master.probes()?;
    let mut out = Vec::new();
    for w in master.works()? {
        if !assigned.contains(w.id.as_str()) {
            continue;
        }
        let why = match (w.media_file.as_deref(), probes.get(&w.id)) {
            (None, _) => Some(crate::tr!(lang, "intake.probe.no_video_named").to_string()),
            (_, Some(p)) if !p.found || !p.compliant => Some(p.note.clone()),
            _ => None,
        };
        if let Some(why) = why {
            out.push(crate::tr!(
                lang,
                "intake.issue.unfit_work",
                id = w.id,
                title = jury_core::text::safe_line(jury_core::text::bare_title(&w.title)),
                why = jury_core::text::safe_line(&why)
            ));
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueAction {
    New,
    /// Re-issued with this many entries carried over.
    Reissued {
        carried: usize,
        dropped: usize,
    },
    Unchanged,
}

/// One judge's ballot after the command.
#[derive(Debug, Clone)]
pub struct IssuedBallot {
    pub judge_id: String,
    pub judge_name: String,
    pub ballot_id: String,
    pub path: PathBuf,
    pub card_text: PathBuf,
    pub card_html: PathBuf,
    pub works: usize,
    pub action: IssueAction,
}

#[derive(Debug, Clone)]
pub struct IssueOutcome {
    pub version: u64,
    pub ballots: Vec<IssuedBallot>,
    pub cards_dir: PathBuf,
    pub text: String,
}

/// `<contest>-<judge>.ballot`, with characters that some file systems (USB sticks formatted
/// FAT, Windows shares) refuse replaced by `_`.
pub fn ballot_file_name(contest_id: &str, judge_id: &str) -> String {
    format!("{}-{}.ballot", clean_name(contest_id), clean_name(judge_id))
}

/// `s` with characters that some file systems refuse replaced by `_`.
fn clean_name(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// `<contest>-<round>-<judge>.ballot` for a contest with `[[rounds]]` (one ballot per judge
/// per round), else [`ballot_file_name`].
pub fn round_ballot_file_name(contest: &Contest, round: &str, judge_id: &str) -> String {
    if contest.has_rounds() {
        ballot_file_name(&format!("{}-{round}", contest.id), judge_id)
    } else {
        ballot_file_name(&contest.id, judge_id)
    }
}

/// What a blind ballot keeps of a work: number, title, video and probe note; nothing of its
/// origin (unit, district: the form's other columns never enter a ballot). The video is
/// named by the work's number ([`blind_media_name`]): the organizer's file names often carry
/// the district or unit (`渝中区-长江鲟.mp4`). A probe note that quotes the file's name or
/// path (a missing file, an unreadable one) is left out for the same reason; a summary or a
/// rule broken ("时长 5:12 超出 3:00–4:00") stays.
fn blind_work(mut w: Work, media_path: Option<&str>) -> Work {
    w.unit.clear();
    w.district.clear();
    let quoted = |note: &str| {
        let names = [Some(w.media_file.as_str()), media_path];
        names.into_iter().flatten().any(|p| {
            let file = Path::new(p)
                .file_name()
                .and_then(|f| f.to_str())
                .unwrap_or(p);
            !p.is_empty() && (note.contains(p) || note.contains(file))
        })
    };
    if w.probe_note.as_deref().is_some_and(quoted) {
        w.probe_note = None;
    }
    if let Some(f) = &mut w.probe_findings {
        f.violations.retain(|v| !quoted(&v.to_string()));
    }
    if !w.media_file.is_empty() {
        w.media_file = blind_media_name(&w.id, &w.media_file);
    }
    w
}

/// A blind ballot's name for a work's video: `<number>.<ext>`, the extension of the
/// organizer's file kept (lower case) when it is a plain one.
pub fn blind_media_name(work_id: &str, media_file: &str) -> String {
    let ext = Path::new(media_file)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_ascii_lowercase);
    match ext {
        Some(ext) => format!("{}.{ext}", clean_name(work_id)),
        None => clean_name(work_id),
    }
}

/// Where the organizer's copy of `work`'s video is: where the probe found it, else the
/// first candidate that is a file.
fn organizer_video(
    work: &jury_store::master::WorkRecord,
    probe: Option<&jury_store::master::ProbeRecord>,
    media_dir: &Path,
) -> Option<PathBuf> {
    probe
        .and_then(|p| p.media_path.as_deref())
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| super::import::resolve_media(work, media_dir))
}

/// Puts `src` at `dest` (a hard link where the file system allows, else a copy), through a
/// temporary name so that a crash never leaves half a video under the ballot's name. A file
/// already at `dest` of the same size is kept (the judge's TUI checks the SHA-256 anyway).
fn place_video(src: &Path, dest: &Path) -> Result<(), OrganizeError> {
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
    if dest.is_file() && len(dest) == len(src) {
        return Ok(());
    }
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dest.with_file_name(format!(".{name}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    if std::fs::hard_link(src, &tmp).is_err() {
        std::fs::copy(src, &tmp).map_err(io_err(&tmp))?;
    }
    std::fs::rename(&tmp, dest).map_err(io_err(dest))
}

/// Blind rounds: every assigned work's video into `out` under its ballot name
/// (`<number>.<ext>`), next to the ballots, where the judge's TUI looks first. Returns how
/// many were placed and the works whose video was not found.
fn place_blind_videos(
    folder: &ContestFolder,
    master: &Master,
    works: &BTreeSet<&str>,
    out: &Path,
) -> Result<(usize, Vec<String>), OrganizeError> {
    let probes = master.probes()?;
    let media_dir = folder.media_dir();
    let (mut placed, mut missing) = (0, Vec::new());
    for w in master.works()? {
        if !works.contains(w.id.as_str()) {
            continue;
        }
        let Some(named) = w.media_file.as_deref().filter(|m| !m.is_empty()) else {
            missing.push(w.id.clone());
            continue;
        };
        match organizer_video(&w, probes.get(&w.id), &media_dir) {
            Some(src) => {
                place_video(&src, &out.join(blind_media_name(&w.id, named)))?;
                placed += 1;
            }
            None => missing.push(w.id.clone()),
        }
    }
    Ok((placed, missing))
}

/// The contest as a ballot of `round` carries it: the round's rubric and settings; blind,
/// without the district quotas (they name districts).
fn ballot_contest(contest: &Contest, round: &str) -> Contest {
    let mut c = contest.for_round(round);
    if contest.is_blind(round) {
        c.quotas = Default::default();
    }
    c
}

/// A judge's entries so far, wherever they come from.
#[derive(Debug, Clone, Default)]
struct Entries {
    scores: BTreeMap<(String, String), u32>,
    comments: BTreeMap<String, String>,
    recusals: BTreeMap<String, String>,
    progress: BTreeMap<String, Progress>,
}

impl Entries {
    fn from_ballot(d: &BallotData) -> Entries {
        Entries {
            scores: d.scores.clone(),
            comments: d.comments.clone(),
            recusals: d.recusals.clone(),
            progress: d.progress.clone(),
        }
    }

    fn from_master(m: &jury_store::master::MergedScores, judge: &str) -> Entries {
        let mut e = Entries::default();
        for (w, c, s) in m.scores.of_judge(judge) {
            e.scores.insert((w.to_string(), c.to_string()), s);
        }
        for ((j, w), t) in &m.comments {
            if j == judge {
                e.comments.insert(w.clone(), t.clone());
            }
        }
        for ((j, w), t) in &m.recusals {
            if j == judge {
                e.recusals.insert(w.clone(), t.clone());
            }
        }
        e
    }

    /// Works with scores, comments or recusals (progress alone is not an entry).
    fn works(&self) -> BTreeSet<String> {
        self.scores
            .keys()
            .map(|(w, _)| w.clone())
            .chain(self.comments.keys().cloned())
            .chain(self.recusals.keys().cloned())
            .collect()
    }

    fn count(&self) -> usize {
        self.scores.len() + self.comments.len() + self.recusals.len()
    }

    /// Keeps the entries of `works`; returns how many were dropped.
    fn keep(&mut self, works: &BTreeSet<&str>) -> usize {
        let before = self.count();
        self.scores.retain(|(w, _), _| works.contains(w.as_str()));
        self.comments.retain(|w, _| works.contains(w.as_str()));
        self.recusals.retain(|w, _| works.contains(w.as_str()));
        self.progress.retain(|w, _| works.contains(w.as_str()));
        before - self.count()
    }
}

struct Plan {
    judge: JudgeRecord,
    works: Vec<Work>,
    ballot_id: String,
    key: BallotKey,
    file_name: String,
    path: PathBuf,
    /// The file at `path` is replaced (and backed up first).
    replaces: bool,
    old_version: Option<u64>,
    action: IssueAction,
    carry: Entries,
    notes: BallotNotes,
}

/// The judge as a ballot carries them; blind, without unit and district (a judge's unit may
/// be a work's unit too).
fn ballot_judge(judge: &JudgeRecord, blind: bool) -> Judge {
    let mut j = judge.judge();
    if blind {
        j.unit.clear();
        j.district.clear();
    }
    j
}

fn tmp_path(out: &Path, file_name: &str) -> PathBuf {
    out.join(format!(".{file_name}.tmp"))
}

fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn new_ballot_id() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

/// Runs `jury issue`.
pub fn run_issue(
    folder: &ContestFolder,
    master: &mut Master,
    opts: &IssueOptions,
    lang: Lang,
) -> Result<IssueOutcome, OrganizeError> {
    let round = master.current_round(&folder.contest)?;
    let blind = folder.contest.is_blind(&round);
    let snapshot = ballot_contest(&folder.contest, &round);
    let contest = &snapshot;
    let disqualified: BTreeMap<String, String> =
        jury_core::rounds::current_rulings(&master.rulings()?)
            .into_iter()
            .filter_map(|(w, r)| r.disqualified.map(|d| (w, d.reason)))
            .collect();
    let version = master.assignment_version()?;
    let assignments = master.assignments()?;
    if assignments.is_empty() {
        return Err(OrganizeError::Other(
            crate::tr!(lang, "intake.issue.no_assignment").into(),
        ));
    }
    let assigned_works: BTreeSet<&str> = assignments.iter().map(|(w, _)| w.as_str()).collect();
    let unfit = unfit_works(master, &assigned_works, lang)?;
    if !unfit.is_empty() && !opts.allow_noncompliant {
        let mut msg = crate::tr!(lang, "intake.issue.unfit", n = unfit.len());
        for u in &unfit {
            msg.push_str("\n  ");
            msg.push_str(u);
        }
        return Err(OrganizeError::Other(msg));
    }
    super::cli::create_folder(&opts.out)?;
    let cards_dir = opts
        .cards
        .clone()
        .unwrap_or_else(|| folder.dir.join("keycards"));
    let judges = master.judges()?;
    let records: BTreeMap<String, BallotRecord> = master
        .ballots()?
        .into_iter()
        .map(|b| (b.judge_id.clone(), b))
        .collect();
    let merged = master.merged()?;
    let all_works = master.ballot_works()?;
    let probes = master.probes()?;
    let mut works_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (w, j) in &assignments {
        works_of.entry(j.as_str()).or_default().insert(w.as_str());
    }

    let mut plans = Vec::new();
    let mut refusals = Vec::new();
    let mut notes = Vec::new();
    if !unfit.is_empty() {
        notes.push(crate::tr!(
            lang,
            "intake.issue.unfit_allowed",
            n = unfit.len()
        ));
    }
    for judge in &judges {
        let record = records.get(&judge.id);
        let assigned = works_of.get(judge.id.as_str()).cloned().unwrap_or_default();
        let file_name = record
            .map(|r| r.file_name.clone())
            .unwrap_or_else(|| round_ballot_file_name(contest, &round, &judge.id));
        let path = opts.out.join(&file_name);
        let who = format!("{} ({})", judge.name, judge.id);

        // What is already in --out for this judge.
        let mut file_data = None;
        let mut replaces = false;
        if path.exists() {
            replaces = true;
            let problem = match record {
                None => Some(crate::tr!(
                    lang,
                    "intake.issue.foreign_file",
                    path = path.display(),
                    who = who
                )),
                Some(r) => match Ballot::open(&path, &r.key).and_then(|b| b.load()) {
                    Ok(d) if d.ballot_id == r.ballot_id => {
                        file_data = Some(d);
                        None
                    }
                    Ok(d) => Some(crate::tr!(
                        lang,
                        "intake.issue.other_ballot",
                        path = path.display(),
                        found = d.ballot_id,
                        expected = r.ballot_id,
                        who = who
                    )),
                    Err(e) => Some(crate::tr!(
                        lang,
                        "intake.issue.unreadable",
                        who = who,
                        error = e
                    )),
                },
            };
            if let Some(p) = problem {
                if !opts.force {
                    refusals.push(p);
                    continue;
                }
                notes.push(p);
            }
        }
        // The newest entries: the file, unless the master merged a later revision of it.
        let from_master = Entries::from_master(&merged, &judge.id);
        let mut carry = match (&file_data, record) {
            (Some(d), Some(r)) if d.revision >= r.merged_revision => Entries::from_ballot(d),
            (Some(d), None) => Entries::from_ballot(d),
            _ => from_master,
        };

        if assigned.is_empty() {
            if record.is_some() {
                let lost = carry.works();
                if !lost.is_empty() && !opts.force {
                    refusals.push(lost_message(&who, &lost, lang));
                } else {
                    notes.push(crate::tr!(
                        lang,
                        "intake.issue.void",
                        who = who,
                        file = file_name
                    ));
                }
            }
            continue;
        }

        let works: Vec<Work> = all_works
            .iter()
            .filter(|w| assigned.contains(w.id.as_str()))
            .cloned()
            .map(|w| {
                if blind {
                    let path = probes.get(&w.id).and_then(|p| p.media_path.clone());
                    blind_work(w, path.as_deref())
                } else {
                    w
                }
            })
            .collect();
        let notes_of = BallotNotes {
            round: contest.has_rounds().then(|| round.clone()),
            disqualified: disqualified
                .iter()
                .filter(|(w, _)| assigned.contains(w.as_str()))
                .map(|(w, r)| (w.clone(), r.clone()))
                .collect(),
        };
        if let (Some(d), Some(r)) = (&file_data, record) {
            if d.works == works
                && d.contest == *contest
                && d.judge == ballot_judge(judge, blind)
                && d.sync_dir == opts.sync_dir
                && d.round == notes_of.round
                && d.disqualified == notes_of.disqualified
            {
                plans.push(Plan {
                    judge: judge.clone(),
                    works,
                    ballot_id: r.ballot_id.clone(),
                    key: r.key.clone(),
                    file_name,
                    path,
                    replaces: false,
                    old_version: Some(d.assignment_version),
                    action: IssueAction::Unchanged,
                    carry: Entries::default(),
                    notes: notes_of,
                });
                continue;
            }
        }
        let lost: BTreeSet<String> = carry
            .works()
            .into_iter()
            .filter(|w| !assigned.contains(w.as_str()))
            .collect();
        if !lost.is_empty() && !opts.force {
            refusals.push(lost_message(&who, &lost, lang));
            continue;
        }
        let dropped = carry.keep(&assigned);
        let action = match record {
            None => IssueAction::New,
            Some(_) => IssueAction::Reissued {
                carried: carry.count(),
                dropped,
            },
        };
        if record.is_some() {
            notes.push(crate::tr!(lang, "intake.issue.collect_old", who = who));
        }
        plans.push(Plan {
            judge: judge.clone(),
            works,
            ballot_id: record
                .map(|r| r.ballot_id.clone())
                .unwrap_or_else(new_ballot_id),
            key: record
                .map(|r| r.key.clone())
                .unwrap_or_else(BallotKey::generate),
            file_name,
            path,
            replaces,
            old_version: file_data
                .as_ref()
                .map(|d| d.assignment_version)
                .or(record.map(|r| r.assignment_version)),
            action,
            carry,
            notes: notes_of,
        });
    }
    if !refusals.is_empty() {
        let mut msg = String::from(crate::tr!(lang, "intake.issue.refused"));
        for r in &refusals {
            msg.push_str("\n  ");
            msg.push_str(r);
        }
        return Err(OrganizeError::Other(msg));
    }

    // 1. New ballots under temporary names, several at once: each is its own file, and
    //    creating one waits mostly on its fsyncs.
    let media_dir = folder.media_dir().display().to_string();
    let to_write: Vec<usize> = (0..plans.len())
        .filter(|&i| plans[i].action != IssueAction::Unchanged)
        .collect();
    let mut results: Vec<Result<Written, OrganizeError>> = Vec::with_capacity(to_write.len());
    jury_core::parallel::for_each_in_order(
        &to_write,
        write_jobs(),
        |&i| {
            let plan = &plans[i];
            let tmp = tmp_path(&opts.out, &plan.file_name);
            remove_with_sidecars(&tmp);
            let init = BallotInit {
                ballot_id: plan.ballot_id.clone(),
                contest: contest.clone(),
                judge: ballot_judge(&plan.judge, blind),
                works: plan.works.clone(),
                media_dir: Some(media_dir.clone()),
                assignment_version: version,
                sync_dir: opts.sync_dir.clone(),
            };
            let written = write_ballot(&tmp, plan, &init)
                .and_then(|(revision, head)| Ok((revision, head, file_sha256(&tmp)?)));
            match written {
                Ok((revision, head, sha)) => Ok((i, tmp, revision, head, sha)),
                Err(e) => {
                    remove_with_sidecars(&tmp);
                    Err(e)
                }
            }
        },
        |_, result| results.push(result),
    );
    let mut written = Vec::with_capacity(results.len());
    let mut failed = None;
    for result in results {
        match result {
            Ok(w) => written.push(w),
            Err(e) => failed = failed.or(Some(e)),
        }
    }
    if let Some(e) = failed {
        for (_, t, ..) in &written {
            remove_with_sidecars(t);
        }
        return Err(e);
    }

    // 2. The master learns the ballots and keys before any file is in place.
    let issued_at = now_secs();
    let stored = master.write(|tx, path| {
        let err = sqlite_err(path);
        if !unfit.is_empty() {
            append_audit(
                tx,
                path,
                &AuditEntry::contest_wide(
                    issued_at,
                    "issue",
                    "noncompliant-allowed",
                    format!(
                        "--allow-noncompliant: assignment version {version}; {}",
                        unfit.join("; ")
                    ),
                ),
            )?;
        }
        for (i, _, revision, head, sha) in &written {
            let plan = &plans[*i];
            tx.execute(
                "INSERT INTO ballots (ballot_id, judge_id, key, file_name, assignment_version, issued_at,
                                      merged_revision, merged_head, merged_at, submitted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, NULL, NULL, 0)
                 ON CONFLICT(judge_id) DO UPDATE SET ballot_id = excluded.ballot_id,
                     key = excluded.key, file_name = excluded.file_name,
                     assignment_version = excluded.assignment_version,
                     issued_at = excluded.issued_at, merged_revision = 0,
                     merged_head = NULL, merged_at = NULL, submitted = 0",
                params![
                    plan.ballot_id,
                    plan.judge.id,
                    plan.key.secret(),
                    plan.file_name,
                    version as i64,
                    issued_at
                ],
            )
            .map_err(&err)?;
            let (outcome, detail) = match plan.action {
                IssueAction::Reissued { carried, dropped } => (
                    "reissued",
                    format!(
                        "assignment version {version}; {} works; {carried} entries carried, {dropped} dropped",
                        plan.works.len()
                    ),
                ),
                _ => (
                    "issued",
                    format!("assignment version {version}; {} works", plan.works.len()),
                ),
            };
            append_audit(
                tx,
                path,
                &AuditEntry {
                    seq: 0,
                    at: issued_at,
                    action: "issue".into(),
                    file: plan.file_name.clone(),
                    file_sha256: sha.clone(),
                    ballot_id: Some(plan.ballot_id.clone()),
                    judge_id: Some(plan.judge.id.clone()),
                    revision: Some(*revision),
                    chain_head: Some(head.clone()),
                    outcome: outcome.into(),
                    detail,
                },
            )?;
        }
        Ok(())
    });
    if let Err(e) = stored {
        for (_, t, ..) in &written {
            remove_with_sidecars(t);
        }
        return Err(e.into());
    }

    // 3. Files into place, each old one backed up first.
    for (i, tmp, ..) in &written {
        let plan = &plans[*i];
        if plan.replaces && plan.path.exists() {
            let backup = opts.out.join(format!(
                "{}.v{}.bak",
                plan.file_name,
                plan.old_version.unwrap_or(0)
            ));
            std::fs::copy(&plan.path, &backup).map_err(io_err(&backup))?;
            remove_with_sidecars_only(&plan.path);
        }
        std::fs::rename(tmp, &plan.path).map_err(io_err(&plan.path))?;
    }
    if blind {
        let (placed, missing) = place_blind_videos(folder, master, &assigned_works, &opts.out)?;
        notes.push(crate::tr!(
            lang,
            "rounds.issue.blind_videos",
            n = placed,
            dir = opts.out.display()
        ));
        if !missing.is_empty() {
            let list = missing.join(crate::tr!(lang, "intake.list_sep"));
            notes.push(crate::tr!(lang, "rounds.issue.blind_missing", list = list));
        }
    }
    sync_dir(&opts.out);

    // 4. Key cards for every judge with works (also the unchanged ones: cards are derived),
    //    written several at once like the ballots.
    super::cli::create_folder(&cards_dir)?;
    let mut ballots = Vec::with_capacity(plans.len());
    let mut failed = None;
    jury_core::parallel::for_each_in_order(
        &plans,
        write_jobs(),
        |plan| write_card(plan, contest, version, opts, &cards_dir),
        |_, result| match result {
            Ok(b) => ballots.push(b),
            Err(e) => failed = failed.take().or(Some(e)),
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }

    let unprobed = all_works
        .iter()
        .filter(|w| w.media_sha256.is_none())
        .count();
    if unprobed > 0 {
        notes.push(crate::tr!(lang, "intake.issue.unprobed", n = unprobed));
    }
    let text = summary(&ballots, version, &opts.out, &cards_dir, &notes, lang);
    Ok(IssueOutcome {
        version,
        ballots,
        cards_dir,
        text,
    })
}

fn lost_message(who: &str, works: &BTreeSet<String>, lang: Lang) -> String {
    let list: Vec<&str> = works.iter().map(String::as_str).collect();
    let works = list.join(crate::tr!(lang, "intake.list_sep"));
    crate::tr!(lang, "intake.issue.lost", who = who, works = works)
}

/// A ballot written under its temporary name: (plan index, temporary path, revision, chain
/// head, SHA-256).
type Written = (usize, PathBuf, u64, String, String);

/// Threads for writing ballots and cards: more than the cores, since each write mostly waits
/// on its disk flush.
fn write_jobs() -> usize {
    (jury_core::parallel::default_jobs() * 2).clamp(2, 8)
}

/// Writes `plan`'s key card (text and HTML) and says what was issued.
fn write_card(
    plan: &Plan,
    contest: &jury_core::model::Contest,
    version: u64,
    opts: &IssueOptions,
    cards_dir: &Path,
) -> Result<IssuedBallot, OrganizeError> {
    let stem = plan
        .file_name
        .strip_suffix(".ballot")
        .unwrap_or(&plan.file_name)
        .to_string();
    let card = KeyCard {
        judge_id: plan.judge.id.clone(),
        judge_name: plan.judge.name.clone(),
        contest_id: contest.id.clone(),
        contest_title_zh: contest.title_zh.clone(),
        contest_title_en: contest.title_en.clone(),
        ballot_file: plan.file_name.clone(),
        key: plan.key.clone(),
        works: plan.works.len(),
        assignment_version: if plan.action == IssueAction::Unchanged {
            plan.old_version.unwrap_or(version)
        } else {
            version
        },
        sync_dir: opts.sync_dir.clone(),
    };
    let card_text = cards_dir.join(format!("{stem}.card.txt"));
    let card_html = cards_dir.join(format!("{stem}.card.html"));
    write_atomic(&card_text, card.text().as_bytes())?;
    write_atomic(&card_html, card.html().as_bytes())?;
    Ok(IssuedBallot {
        judge_id: plan.judge.id.clone(),
        judge_name: plan.judge.name.clone(),
        ballot_id: plan.ballot_id.clone(),
        path: plan.path.clone(),
        card_text,
        card_html,
        works: plan.works.len(),
        action: plan.action,
    })
}

/// Creates the ballot and replays the carried entries into it; returns (revision, chain head).
fn write_ballot(
    tmp: &Path,
    plan: &Plan,
    init: &BallotInit,
) -> Result<(u64, String), OrganizeError> {
    let mut ballot = Ballot::create(tmp, &plan.key, init)?;
    ballot.set_notes(&plan.notes)?;
    let c = &plan.carry;
    for ((work, criterion), steps) in &c.scores {
        if !c.recusals.contains_key(work) {
            ballot.set_score(work, criterion, Some(*steps))?;
        }
    }
    for (work, text) in &c.comments {
        ballot.set_comment(work, text)?;
    }
    for (work, p) in &c.progress {
        ballot.record_progress(work, *p)?;
    }
    for (work, reason) in &c.recusals {
        ballot.recuse(work, reason)?;
    }
    let data = ballot.load()?;
    Ok((data.revision, data.chain_head))
}

fn file_sha256(path: &Path) -> Result<String, OrganizeError> {
    let bytes = std::fs::read(path).map_err(io_err(path))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

fn remove_with_sidecars_only(path: &Path) {
    // The main file is replaced by rename; stale WAL/SHM of the old one must not pair with it.
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Makes renames in `dir` durable where the platform allows (best effort).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The store's one durable writer (temp file, fsync, rename, fsync folder).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OrganizeError> {
    jury_store::snapshot::write_atomic(path, bytes).map_err(io_err(path))
}

fn summary(
    ballots: &[IssuedBallot],
    version: u64,
    out: &Path,
    cards: &Path,
    notes: &[String],
    lang: Lang,
) -> String {
    let count = |f: fn(&IssueAction) -> bool| ballots.iter().filter(|b| f(&b.action)).count();
    let new = count(|a| *a == IssueAction::New);
    let re = count(|a| matches!(a, IssueAction::Reissued { .. }));
    let same = count(|a| *a == IssueAction::Unchanged);
    let mut s = crate::tr!(
        lang,
        "intake.issue.summary",
        version = version,
        new = new,
        re = re,
        same = same,
        out = out.display(),
        cards = cards.display()
    );
    s.push('\n');
    for b in ballots {
        let what = match b.action {
            IssueAction::New => crate::tr!(lang, "intake.issue.action_new").to_string(),
            IssueAction::Unchanged => crate::tr!(lang, "intake.issue.action_unchanged").to_string(),
            IssueAction::Reissued { carried, dropped } => crate::tr!(
                lang,
                "intake.issue.action_reissued",
                carried = carried,
                dropped = dropped
            ),
        };
        let file = b
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        s.push_str(&format!(
            "  {:<8} {:>4} {}  {file}  {what}  {}\n",
            b.judge_id,
            b.works,
            crate::tr!(lang, "intake.issue.works_unit"),
            b.judge_name
        ));
    }
    for n in notes {
        s.push_str(crate::tr!(lang, "intake.issue.note"));
        s.push_str(n);
        s.push('\n');
    }
    s.push_str(crate::tr!(lang, "intake.issue.separately"));
    s.push('\n');
    s
}

/// `jury issue --package DIR`: one folder per judge holding their ballot, exactly their
/// videos (copied, each copy's SHA-256 checked against the original's and the probe's) and
/// a short zh/en README. Never a key card: cards go to the judge by another way.
pub fn write_packages(
    folder: &ContestFolder,
    master: &Master,
    outcome: &IssueOutcome,
    dir: &Path,
    lang: Lang,
) -> Result<String, OrganizeError> {
    super::cli::create_folder(dir)?;
    let works: BTreeMap<String, jury_store::master::WorkRecord> = master
        .works()?
        .into_iter()
        .map(|w| (w.id.clone(), w))
        .collect();
    let probes = master.probes()?;
    let mut works_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (w, j) in master.assignments()? {
        works_of.entry(j).or_default().push(w);
    }
    let media_dir = folder.media_dir();
    let blind = folder
        .contest
        .is_blind(&master.current_round(&folder.contest)?);
    let mut report = String::new();
    for b in &outcome.ballots {
        let file_name = b.path.file_name().map(PathBuf::from).unwrap_or_default();
        let judge_dir = dir.join(file_name.file_stem().unwrap_or(file_name.as_os_str()));
        super::cli::create_folder(&judge_dir)?;
        let ballot_copy = judge_dir.join(&file_name);
        std::fs::copy(&b.path, &ballot_copy).map_err(io_err(&ballot_copy))?;
        let mut copied = 0usize;
        let mut missing = Vec::new();
        for id in works_of.get(&b.judge_id).into_iter().flatten() {
            let Some(work) = works.get(id) else { continue };
            let Some(src) = super::import::resolve_media(work, &media_dir) else {
                missing.push(id.clone());
                continue;
            };
            let Some(name) = src.file_name() else {
                continue;
            };
            // Blind: the name the ballot knows the video by, never the organizer's.
            let dest = if blind {
                let named = work.media_file.as_deref().unwrap_or_default();
                judge_dir.join(blind_media_name(id, named))
            } else {
                judge_dir.join(name)
            };
            std::fs::copy(&src, &dest).map_err(io_err(&dest))?;
            let original = file_sha256(&src)?;
            let copy = file_sha256(&dest)?;
            let registered = probes.get(id).and_then(|p| p.sha256.clone());
            if copy != original || registered.as_ref().is_some_and(|r| *r != copy) {
                return Err(OrganizeError::Other(crate::tr!(
                    lang,
                    "intake.package.hash_mismatch",
                    file = dest.display(),
                    id = id
                )));
            }
            copied += 1;
        }
        let both = format!(
            "{}\n\n{}\n",
            readme_text(Lang::Zh, b, &file_name, copied),
            readme_text(Lang::En, b, &file_name, copied)
        );
        write_atomic(&judge_dir.join("README.txt"), both.as_bytes())?;
        report.push_str(&crate::tr!(
            lang,
            "intake.package.line",
            id = b.judge_id,
            dir = judge_dir.display(),
            n = copied
        ));
        report.push('\n');
        if !missing.is_empty() {
            let list = missing.join(crate::tr!(lang, "intake.list_sep"));
            report.push_str(&crate::tr!(lang, "intake.package.missing", list = list));
            report.push('\n');
        }
    }
    Ok(report)
}

fn readme_text(lang: Lang, b: &IssuedBallot, file_name: &Path, videos: usize) -> String {
    crate::tr!(
        lang,
        "intake.package.readme",
        name = b.judge_name,
        id = b.judge_id,
        ballot = file_name.display(),
        n = videos
    )
}
