//! `jury merge`, `jury watch` and `jury log`: returned ballots into the master database.
//!
//! Each file is verified as hostile input first (`store::verify`); only a ballot that passes
//! every check is merged, in one master transaction that replaces that judge's scores,
//! comments and recusals with the ballot's, records the merged revision and chain head, and
//! appends an audit row with the file's SHA-256 and what changed. A refused file writes
//! nothing. The revision rule makes merging order-independent: the highest revision of each
//! ballot wins, an older one is refused as stale, the same one again changes nothing.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::i18n::Lang;
use crate::model::Contest;
use crate::store::cipher::sqlite_err;
use crate::store::master::{append_audit, now_secs, AuditEntry, BallotRecord, Master};
use crate::store::snapshot::is_temp_name;
use crate::store::verify::{
    check_against, read_verified, Expectation, Origin, PrivateCopy, VerifiedBallot, VerifyError,
};

/// File extension of ballots.
pub const BALLOT_EXT: &str = "ballot";

/// One score that differs between the master and a merged ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreChange {
    pub work: String,
    pub criterion: String,
    pub old: Option<u32>,
    pub new: Option<u32>,
}

/// What a merge changed for one judge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeDiff {
    pub new: Vec<ScoreChange>,
    pub changed: Vec<ScoreChange>,
    pub removed: Vec<ScoreChange>,
    pub comments_changed: usize,
    pub recusals_changed: usize,
    pub submitted: bool,
}

impl MergeDiff {
    /// "+3 new, 1 changed, 0 removed scores" (stored in the audit log in English).
    pub fn summary(&self) -> String {
        self.summary_in(Lang::En)
    }

    pub fn summary_in(&self, lang: Lang) -> String {
        summary_of(
            [self.new.len(), self.changed.len(), self.removed.len()],
            self.comments_changed,
            self.recusals_changed,
            lang,
        )
    }
}

/// A merge's counts as words: new, changed and removed scores, changed comments and
/// recusals.
fn summary_of(scores: [usize; 3], comments: usize, recusals: usize, lang: Lang) -> String {
    let [new, changed, removed] = scores;
    let mut s = match lang {
        Lang::Zh => format!("新增 {new}、修改 {changed}、删除 {removed} 个分数"),
        Lang::En => format!("+{new} new, {changed} changed, {removed} removed scores"),
    };
    if comments > 0 {
        s.push_str(&match lang {
            Lang::Zh => format!("，评语 {comments} 条"),
            Lang::En => format!(", {comments} comments"),
        });
    }
    if recusals > 0 {
        s.push_str(&match lang {
            Lang::Zh => format!("，回避 {recusals} 项"),
            Lang::En => format!(", {recusals} recusals"),
        });
    }
    s
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    Merged(MergeDiff),
    /// This revision (and chain head) was merged before; nothing was written.
    Unchanged,
}

/// The result of merging one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeReport {
    pub file: PathBuf,
    pub file_sha256: String,
    pub ballot_id: String,
    pub judge_id: String,
    pub revision: u64,
    pub receipt: String,
    pub submitted: bool,
    pub outcome: MergeOutcome,
}

/// The word that starts each line of `jury merge` / `jury watch`, padded to one width.
pub fn outcome_word(outcome: &str, lang: Lang) -> &'static str {
    match (outcome, lang) {
        ("merged", Lang::Zh) => "已合并 ",
        ("unchanged", Lang::Zh) => "无变化 ",
        ("stale", Lang::Zh) => "已过期 ",
        (_, Lang::Zh) => "已拒绝 ",
        ("merged", Lang::En) => "merged     ",
        ("unchanged", Lang::En) => "unchanged  ",
        ("stale", Lang::En) => "stale      ",
        (_, Lang::En) => "refused    ",
    }
}

impl MergeReport {
    /// One line for the terminal, in English.
    pub fn line(&self) -> String {
        self.line_in(Lang::En)
    }

    pub fn line_in(&self, lang: Lang) -> String {
        let file = self.file.display();
        let (judge, revision, receipt) = (&self.judge_id, self.revision, &self.receipt);
        match (&self.outcome, lang) {
            (MergeOutcome::Merged(diff), Lang::En) => format!(
                "{}{file}: judge {judge}, revision {revision}, receipt {receipt}, {}; {}",
                outcome_word("merged", lang),
                if self.submitted {
                    "submitted"
                } else {
                    "not submitted"
                },
                diff.summary_in(lang)
            ),
            (MergeOutcome::Merged(diff), Lang::Zh) => format!(
                "{}{file}：评委 {judge}，版本 {revision}，回执 {receipt}，{}；{}",
                outcome_word("merged", lang),
                if self.submitted {
                    "已提交"
                } else {
                    "未提交"
                },
                diff.summary_in(lang)
            ),
            (MergeOutcome::Unchanged, Lang::En) => format!(
                "{}{file}: judge {judge}, revision {revision} was merged before; nothing to do",
                outcome_word("unchanged", lang)
            ),
            (MergeOutcome::Unchanged, Lang::Zh) => format!(
                "{}{file}：评委 {judge} 的版本 {revision} 已合并过；无需处理",
                outcome_word("unchanged", lang)
            ),
        }
    }
}

/// What the transaction decided after re-reading the ballot's row.
enum Decision {
    Merged(MergeDiff),
    Unchanged,
    Stale(u64),
    Forked(u64, String),
}

/// Ballots whose file name matches `file` come first: each wrong key tried costs an open
/// and a failed page check, so the right one should usually be the first.
fn candidates(ballots: &[BallotRecord], file: &Path) -> Vec<BallotRecord> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut ordered: Vec<BallotRecord> = ballots.to_vec();
    ordered.sort_by_key(|b| {
        if b.file_name == name {
            0
        } else if name.contains(&b.judge_id) {
            1
        } else {
            2
        }
    });
    ordered
}

/// The issued ballots and what the master expects of each, read once so that many files can
/// be verified in parallel (a database connection cannot be shared between threads).
pub struct MergeContext {
    ballots: Vec<BallotRecord>,
    /// By ballot id.
    expectations: BTreeMap<String, Expectation>,
}

impl MergeContext {
    /// Identifies `file` by the issued keys (the one whose file name matches first) and
    /// verifies it against its expectation. Reads only the file.
    pub fn verify(
        &self,
        file: &Path,
    ) -> Result<(PrivateCopy, BallotRecord, VerifiedBallot), VerifyError> {
        let copy = PrivateCopy::new(file)?;
        let mut opened = None;
        for record in candidates(&self.ballots, file) {
            match copy.open(&record.key) {
                Ok(conn) => {
                    opened = Some((conn, record));
                    break;
                }
                Err(VerifyError::NoKey { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        let Some((conn, record)) = opened else {
            return Err(VerifyError::NoKey { at: copy.origin });
        };
        let verified = read_verified(&conn, &copy.origin)?;
        drop(conn);
        let expect =
            self.expectations
                .get(&record.ballot_id)
                .ok_or_else(|| VerifyError::Master {
                    at: copy.origin.clone(),
                    detail: format!("no expectation for ballot {}", record.ballot_id),
                })?;
        check_against(&verified, expect, file)?;
        Ok((copy, record, verified))
    }

    /// [`MergeContext::verify`] for every file on up to one thread per core. `each` runs on
    /// the calling thread, in input order, as soon as a file's turn is ready, so the caller
    /// can merge one file while the next ones are still being verified.
    pub fn verify_each(&self, files: &[PathBuf], mut each: impl FnMut(&Path, Verified)) {
        crate::parallel::for_each_in_order(
            files,
            crate::parallel::default_jobs(),
            |file| self.verify(file),
            |i, result| each(&files[i], result),
        );
    }
}

/// What [`MergeContext::verify`] gives for one file.
pub type Verified = Result<(PrivateCopy, BallotRecord, VerifiedBallot), VerifyError>;

impl Master {
    /// What the master expects of `record`'s ballot.
    pub fn expectation(
        &self,
        contest: &Contest,
        record: &BallotRecord,
    ) -> crate::store::Result<Expectation> {
        let mut stmt = self
            .conn
            .prepare("SELECT work_id FROM assignments WHERE judge_id = ?1")
            .map_err(self.err())?;
        let assigned: BTreeSet<String> = stmt
            .query_map([&record.judge_id], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM works")
            .map_err(self.err())?;
        let known_works: BTreeSet<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        Ok(Expectation {
            contest_id: self.contest_id()?,
            ballot_id: record.ballot_id.clone(),
            judge_id: record.judge_id.clone(),
            criteria: contest
                .rubric
                .criteria()
                .map(|c| (c.id.clone(), c.max_steps()))
                .collect(),
            assigned,
            known_works,
            assignment_version: record.assignment_version,
        })
    }

    /// What verifying files needs from the master, read once (see [`MergeContext`]).
    pub fn merge_context(&self, contest: &Contest) -> crate::store::Result<MergeContext> {
        let ballots = self.ballots()?;
        let expectations = ballots
            .iter()
            .map(|b| Ok((b.ballot_id.clone(), self.expectation(contest, b)?)))
            .collect::<crate::store::Result<_>>()?;
        Ok(MergeContext {
            ballots,
            expectations,
        })
    }

    /// Identifies and verifies `file` without writing anything: which issued ballot it is,
    /// and its checked content.
    pub fn verify_file(
        &self,
        contest: &Contest,
        file: &Path,
    ) -> Result<(PrivateCopy, BallotRecord, VerifiedBallot), VerifyError> {
        let context = self
            .merge_context(contest)
            .map_err(|e| VerifyError::Master {
                at: Origin {
                    file: file.to_path_buf(),
                    judge: None,
                },
                detail: e.to_string(),
            })?;
        context.verify(file)
    }

    /// Verifies `file` and merges it in one transaction (see the module comment).
    pub fn merge_file(
        &mut self,
        contest: &Contest,
        file: &Path,
    ) -> Result<MergeReport, VerifyError> {
        let verified = self.verify_file(contest, file)?;
        self.merge_checked(verified, file)
    }

    /// The master side for a file already verified: one transaction, and the report.
    fn merge_checked(
        &mut self,
        (copy, _record, ballot): (PrivateCopy, BallotRecord, VerifiedBallot),
        file: &Path,
    ) -> Result<MergeReport, VerifyError> {
        let outcome = self.merge_verified(&ballot, file, &copy.sha256)?;
        Ok(MergeReport {
            file: file.to_path_buf(),
            file_sha256: copy.sha256,
            ballot_id: ballot.ballot_id.clone(),
            judge_id: ballot.judge_id.clone(),
            revision: ballot.revision,
            receipt: ballot.receipt(),
            submitted: ballot.submitted,
            outcome,
        })
    }

    /// The master side of a merge, for a ballot `verify_file` accepted: one transaction.
    pub fn merge_verified(
        &mut self,
        ballot: &VerifiedBallot,
        file: &Path,
        sha: &str,
    ) -> Result<MergeOutcome, VerifyError> {
        let at = Origin {
            file: file.to_path_buf(),
            judge: Some(ballot.judge_id.clone()),
        };
        let file_label = file.display().to_string();
        let decision = self
            .write(|tx, path| apply_merge(tx, path, ballot, &file_label, sha))
            .map_err(|e| VerifyError::Master {
                at: at.clone(),
                detail: format!("{e}; the master is unchanged"),
            })?;
        let outcome = match decision {
            Decision::Merged(diff) => MergeOutcome::Merged(diff),
            Decision::Unchanged => MergeOutcome::Unchanged,
            Decision::Stale(merged) => {
                return Err(VerifyError::Stale {
                    at,
                    revision: ballot.revision,
                    merged,
                })
            }
            Decision::Forked(merged, detail) => {
                return Err(VerifyError::Forked {
                    at,
                    revision: ballot.revision,
                    merged,
                    detail,
                })
            }
        };
        Ok(outcome)
    }
}

/// The master side of one merge, inside the caller's transaction. The ballot's row is read
/// again here so a concurrent merge (`jury watch` plus `jury merge`) cannot interleave.
fn apply_merge(
    tx: &Transaction<'_>,
    path: &Path,
    ballot: &VerifiedBallot,
    file: &str,
    sha: &str,
) -> crate::store::Result<Decision> {
    let err = sqlite_err(path);
    let (merged, head): (i64, Option<String>) = tx
        .query_row(
            "SELECT merged_revision, merged_head FROM ballots WHERE ballot_id = ?1",
            [&ballot.ballot_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(&err)?;
    let merged = merged.max(0) as u64;
    if ballot.revision < merged {
        return Ok(Decision::Stale(merged));
    }
    if merged > 0 {
        let ours = ballot.event_hashes.get(merged as usize - 1);
        if ours != head.as_ref() {
            let detail = if ballot.revision == merged {
                "same revision, different content".to_string()
            } else {
                "its history does not contain the merged one".to_string()
            };
            return Ok(Decision::Forked(merged, detail));
        }
        if ballot.revision == merged {
            return Ok(Decision::Unchanged);
        }
    }
    let judge = &ballot.judge_id;
    // Current master rows of this judge.
    let mut stmt = tx
        .prepare_cached("SELECT work_id, criterion_id, steps FROM scores WHERE judge_id = ?1")
        .map_err(&err)?;
    let old_scores: BTreeMap<(String, String), u32> = stmt
        .query_map([judge], |r| {
            Ok(((r.get(0)?, r.get(1)?), r.get::<_, i64>(2)?.max(0) as u32))
        })
        .and_then(|rows| rows.collect())
        .map_err(&err)?;
    let old_text = |table: &str, column: &str| -> crate::store::Result<BTreeMap<String, String>> {
        let mut stmt = tx
            .prepare_cached(&format!(
                "SELECT work_id, {column} FROM {table} WHERE judge_id = ?1"
            ))
            .map_err(&err)?;
        let rows = stmt
            .query_map([judge], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(&err)?;
        Ok(rows)
    };
    let old_comments = old_text("comments", "text")?;
    let old_recusals = old_text("recusals", "reason")?;
    let mut diff = MergeDiff {
        submitted: ballot.submitted,
        ..Default::default()
    };
    for ((work, criterion), new) in &ballot.scores {
        let change = |old: Option<u32>| ScoreChange {
            work: work.clone(),
            criterion: criterion.clone(),
            old,
            new: Some(*new),
        };
        match old_scores.get(&(work.clone(), criterion.clone())) {
            None => diff.new.push(change(None)),
            Some(old) if old != new => diff.changed.push(change(Some(*old))),
            Some(_) => {}
        }
    }
    for ((work, criterion), old) in &old_scores {
        if !ballot
            .scores
            .contains_key(&(work.clone(), criterion.clone()))
        {
            diff.removed.push(ScoreChange {
                work: work.clone(),
                criterion: criterion.clone(),
                old: Some(*old),
                new: None,
            });
        }
    }
    let changed_keys = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| {
        a.keys()
            .chain(b.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|k| a.get(*k) != b.get(*k))
            .count()
    };
    diff.comments_changed = changed_keys(&old_comments, &ballot.comments);
    diff.recusals_changed = changed_keys(&old_recusals, &ballot.recusals);

    for table in ["scores", "comments", "recusals"] {
        tx.execute(&format!("DELETE FROM {table} WHERE judge_id = ?1"), [judge])
            .map_err(&err)?;
    }
    let revision = ballot.revision as i64;
    {
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO scores (judge_id, work_id, criterion_id, steps, ballot_id, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(&err)?;
        for ((work, criterion), steps) in &ballot.scores {
            insert
                .execute(params![
                    judge,
                    work,
                    criterion,
                    steps,
                    ballot.ballot_id,
                    revision
                ])
                .map_err(&err)?;
        }
    }
    for (table, column, rows) in [
        ("comments", "text", &ballot.comments),
        ("recusals", "reason", &ballot.recusals),
    ] {
        let mut insert = tx
            .prepare_cached(&format!(
                "INSERT INTO {table} (judge_id, work_id, {column}) VALUES (?1, ?2, ?3)"
            ))
            .map_err(&err)?;
        for (work, text) in rows {
            insert.execute(params![judge, work, text]).map_err(&err)?;
        }
    }
    let now = now_secs();
    tx.execute(
        "UPDATE ballots SET merged_revision = ?1, merged_head = ?2, merged_at = ?3, submitted = ?4
         WHERE ballot_id = ?5",
        params![
            revision,
            ballot.chain_head,
            now,
            ballot.submitted,
            ballot.ballot_id
        ],
    )
    .map_err(&err)?;
    let detail = serde_json::json!({
        "receipt": ballot.receipt(),
        "summary": diff.summary(),
        "submitted": diff.submitted,
        "new": diff.new,
        "changed": diff.changed,
        "removed": diff.removed,
        "comments_changed": diff.comments_changed,
        "recusals_changed": diff.recusals_changed,
    });
    append_audit(
        tx,
        path,
        &AuditEntry {
            seq: 0,
            at: now,
            action: "merge".into(),
            file: file.to_string(),
            file_sha256: sha.to_string(),
            ballot_id: Some(ballot.ballot_id.clone()),
            judge_id: Some(judge.clone()),
            revision: Some(ballot.revision),
            chain_head: Some(ballot.chain_head.clone()),
            outcome: "merged".into(),
            detail: detail.to_string(),
        },
    )?;
    Ok(Decision::Merged(diff))
}

/// The counts of a merge's audit detail (see `apply_merge`), if it has them.
fn merge_counts(detail: &serde_json::Value) -> Option<([usize; 3], usize, usize)> {
    let len = |key: &str| detail.get(key)?.as_array().map(Vec::len);
    let count = |key: &str| detail.get(key)?.as_u64().map(|n| n as usize);
    Some((
        [len("new")?, len("changed")?, len("removed")?],
        count("comments_changed")?,
        count("recusals_changed")?,
    ))
}

/// Files named by `paths`: files as given, folders' `*.ballot` files (not temporary ones),
/// sorted so a run is reproducible.
pub fn ballot_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, VerifyError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|source| VerifyError::Io {
                at: Origin {
                    file: p.clone(),
                    judge: None,
                },
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|f| is_ballot_name(f) && f.is_file())
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// `*.ballot`, and not a snapshot writer's temporary name.
pub fn is_ballot_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    !is_temp_name(&name) && path.extension().is_some_and(|e| e == BALLOT_EXT)
}

/// Counts of one `jury merge` run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeTally {
    pub merged: usize,
    pub unchanged: usize,
    pub stale: usize,
    pub refused: usize,
}

/// Merges `files` one by one, printing one line each through `out`. Stale copies are
/// reported but are not failures (a newer copy is already in).
pub fn merge_all(
    master: &mut Master,
    contest: &Contest,
    files: &[PathBuf],
    lang: Lang,
    mut out: impl FnMut(&str),
) -> MergeTally {
    let mut tally = MergeTally::default();
    let mut record = |file: &Path, checked: Verified, master: &mut Master| match checked
        .and_then(|v| master.merge_checked(v, file))
    {
        Ok(report) => {
            match report.outcome {
                MergeOutcome::Merged(_) => tally.merged += 1,
                MergeOutcome::Unchanged => tally.unchanged += 1,
            }
            out(&report.line_in(lang));
        }
        Err(e @ VerifyError::Stale { .. }) => {
            tally.stale += 1;
            out(&format!(
                "{}{}",
                outcome_word("stale", lang),
                e.message(lang)
            ));
        }
        Err(e) => {
            tally.refused += 1;
            out(&format!(
                "{}{}",
                outcome_word("refused", lang),
                e.message(lang)
            ));
        }
    };
    // Files are verified in parallel (reading only them) while the calling thread merges
    // them one transaction at a time in the order given, so a later copy of the same ballot
    // still meets the earlier one.
    match master.merge_context(contest) {
        Ok(context) => context.verify_each(files, |file, checked| record(file, checked, master)),
        Err(e) => {
            for file in files {
                let refused = Err(VerifyError::Master {
                    at: Origin {
                        file: file.clone(),
                        judge: None,
                    },
                    detail: e.to_string(),
                });
                record(file, refused, master);
            }
        }
    }
    tally
}

/// `jury watch DIR`: merges what is in `dir` now, then every `*.ballot` that appears or
/// changes, until the process is stopped (Ctrl-C; a merge is one transaction, so stopping
/// mid-way leaves each ballot merged or not). Files whose bytes did not change since the last
/// attempt are skipped, so a refused file is reported once per version.
pub fn watch(
    master: &mut Master,
    contest: &Contest,
    dir: &Path,
    lang: Lang,
    mut out: impl FnMut(&str),
    stop: impl Fn() -> bool,
) -> Result<(), String> {
    use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};
    if !dir.is_dir() {
        return Err(format!(
            "{}: no such folder; create it or point jury watch at the sync folder",
            dir.display()
        ));
    }
    // One spelling of every path: the first listing and the watcher's events must meet in
    // `seen`, or a file is merged (and printed) twice.
    let dir = &std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = new_debouncer(Duration::from_millis(700), tx)
        .map_err(|e| format!("{}: cannot watch: {e}", dir.display()))?;
    debouncer
        .watcher()
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| format!("{}: cannot watch: {e}", dir.display()))?;
    let mut seen: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut consider = |files: Vec<PathBuf>, out: &mut dyn FnMut(&str)| {
        for file in files {
            // Only whole regular files: a pipe named *.ballot would block the read.
            if !std::fs::metadata(&file).is_ok_and(|m| m.is_file()) {
                continue;
            }
            // Watchers may report a folder's real path (macOS: /private/tmp for /tmp).
            let file = std::fs::canonicalize(&file).unwrap_or(file);
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let sha = crate::store::chain::sha256_hex(&bytes);
            if seen.get(&file) == Some(&sha) {
                continue;
            }
            seen.insert(file.clone(), sha);
            merge_all(
                master,
                contest,
                std::slice::from_ref(&file),
                lang,
                &mut *out,
            );
        }
    };
    out(&match lang {
        Lang::Zh => format!("正在监视 {} 中的选票（Ctrl-C 停止）", dir.display()),
        Lang::En => format!("watching {} for ballots (Ctrl-C stops)", dir.display()),
    });
    let initial = ballot_files(&[dir.to_path_buf()]).map_err(|e| e.to_string())?;
    consider(initial, &mut out);
    while !stop() {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok(events)) => {
                let files: BTreeSet<PathBuf> = events
                    .into_iter()
                    .map(|e| e.path)
                    .filter(|p| is_ballot_name(p) && p.is_file())
                    .collect();
                consider(files.into_iter().collect(), &mut out);
            }
            Ok(Err(e)) => out(&format!("watch error: {e}")),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

/// Local date and time of a Unix timestamp, "2024-05-01 14:03:12".
pub fn local_datetime(secs: i64) -> String {
    crate::store::snapshot::local_time(secs, true)
}

/// `jury log`: the audit log as a table aligned for CJK terminals.
pub fn render_log(entries: &[AuditEntry], lang: Lang) -> String {
    let header = match lang {
        Lang::Zh => [
            "#", "时间", "操作", "结果", "评委", "选票", "版本", "回执", "sha256", "文件", "详情",
        ],
        Lang::En => [
            "#", "time", "action", "outcome", "judge", "ballot", "rev", "receipt", "sha256",
            "file", "detail",
        ],
    };
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let detail: Option<serde_json::Value> = serde_json::from_str(&e.detail).ok();
            let receipt = detail
                .as_ref()
                .and_then(|d| d.get("receipt"))
                .and_then(|r| r.as_str())
                .map(str::to_string)
                .or_else(|| e.chain_head.as_deref().map(crate::store::chain::receipt))
                .unwrap_or_default();
            let summary = detail
                .as_ref()
                .and_then(|d| merge_counts(d).map(|(s, c, r)| summary_of(s, c, r, lang)))
                .or_else(|| {
                    detail
                        .as_ref()
                        .and_then(|d| d.get("summary"))
                        .and_then(|r| r.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_else(|| e.detail.clone());
            vec![
                e.seq.to_string(),
                local_datetime(e.at),
                e.action.clone(),
                e.outcome.clone(),
                e.judge_id.clone().unwrap_or_default(),
                e.ballot_id.clone().unwrap_or_default(),
                e.revision.map(|r| r.to_string()).unwrap_or_default(),
                receipt,
                e.file_sha256.chars().take(12).collect(),
                e.file.clone(),
                summary.replace('\n', " "),
            ]
        })
        .collect();
    aligned_table(&header, &rows)
}

/// Columns padded by display width (CJK characters are two cells wide).
pub fn aligned_table(header: &[&str], rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.width());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut s = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            s.push_str(cell);
            if i < last {
                s.push_str(&" ".repeat(widths[i].saturating_sub(cell.width()) + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// True if `a` and `b` hold the same merged state (scores, comments, recusals, and each
/// ballot's merged revision, head and submitted flag). For tests and the crash checks.
pub fn same_merged_state(a: &Master, b: &Master) -> crate::store::Result<bool> {
    Ok(a.merged()? == b.merged()? && ballot_state(a)? == ballot_state(b)?)
}

/// One ballot's merged state: (id, merged revision, chain head, submitted).
pub type BallotState = (String, u64, Option<String>, bool);

/// Each ballot's merged state, without the merge time.
pub fn ballot_state(m: &Master) -> crate::store::Result<Vec<BallotState>> {
    Ok(m.ballots()?
        .into_iter()
        .map(|b| (b.ballot_id, b.merged_revision, b.merged_head, b.submitted))
        .collect())
}

/// The merged revision of `ballot_id` as the master holds it (0 if never merged).
pub fn merged_revision(m: &Master, ballot_id: &str) -> crate::store::Result<u64> {
    let r: Option<i64> = m
        .conn
        .query_row(
            "SELECT merged_revision FROM ballots WHERE ballot_id = ?1",
            [ballot_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(m.err())?;
    Ok(r.unwrap_or(0).max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_chinese_by_display_width() {
        let t = aligned_table(
            &["a", "b"],
            &[
                vec!["评委甲".into(), "x".into()],
                vec!["J1".into(), "y".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[1], "评委甲  x");
        assert_eq!(lines[2], "J1      y");
    }

    #[test]
    fn temp_names_are_not_ballots() {
        assert!(is_ballot_name(Path::new("/s/c-J1.ballot")));
        assert!(!is_ballot_name(Path::new("/s/.jury-tmp-abc.tmp")));
        assert!(!is_ballot_name(Path::new("/s/.c-J1.ballot")));
        assert!(!is_ballot_name(Path::new("/s/c-J1.ballot-wal")));
    }
}
