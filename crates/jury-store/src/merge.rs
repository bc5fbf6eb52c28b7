//! Merging returned ballots into the master database (the engine behind `jury merge`, `jury
//! watch` and the organizer TUI).
//!
//! Each file is verified as hostile input first (`store::verify`); only a ballot that passes
//! every check is merged, in one master transaction that replaces that judge's scores,
//! comments and recusals with the ballot's, records the merged revision and chain head, and
//! appends an audit row with the file's SHA-256 and what changed. A refused file changes no
//! score, comment, recusal or ballot row; [`merge_files`] (the CLI's engine) appends one
//! audit row for it (name, SHA-256 when read, size, reason code), [`Master::merge_file`]
//! alone writes nothing. The revision rule makes merging order-independent: the highest
//! revision of each ballot wins, an older one is refused as stale, the same one again changes
//! nothing.

use rusqlite::{params, Transaction};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::cipher::sqlite_err;
use crate::master::{append_audit, now_secs, AuditEntry, BallotRecord, Master};
use crate::snapshot::is_temp_name;
use crate::verify::{
    check_against, read_verified, Expectation, Origin, PrivateCopy, VerifiedBallot, VerifyError,
};
use jury_core::model::Contest;

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
    /// Scores the master did not have: counted, not listed — their values are the master's
    /// rows (with ballot id and revision), and a later change or removal lists the old value.
    pub new: usize,
    pub changed: Vec<ScoreChange>,
    pub removed: Vec<ScoreChange>,
    pub comments_changed: usize,
    pub recusals_changed: usize,
    pub submitted: bool,
}

impl MergeDiff {
    /// New, changed and removed scores.
    pub fn score_counts(&self) -> [usize; 3] {
        [self.new, self.changed.len(), self.removed.len()]
    }
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
    /// The judge whose issued file name this file carries, when that is not the ballot's own
    /// judge (a renamed copy): it was merged as `judge_id` all the same.
    pub named_as: Option<String>,
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
    /// Ballots of closed rounds with their round, tried when no open-round key fits.
    closed: Vec<(String, BallotRecord)>,
    /// The open round (None without rounds).
    round: Option<String>,
    /// By ballot id.
    expectations: BTreeMap<String, Expectation>,
}

impl MergeContext {
    /// Identifies `file` by the issued keys (the one whose file name matches first) and
    /// verifies it against its expectation. Reads only the file.
    pub fn verify(&self, file: &Path) -> Verified {
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
            // A ballot of a closed round says so, instead of "no key".
            for (round, record) in &self.closed {
                if copy.open(&record.key).is_ok() {
                    return Err(VerifyError::Round {
                        at: Origin {
                            judge: Some(record.judge_id.clone()),
                            ..copy.origin.clone()
                        },
                        found: round.clone(),
                        open: self.round.clone().unwrap_or_default(),
                    });
                }
            }
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
        check_against(&verified, expect, &copy.origin)?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let named_as = self
            .ballots
            .iter()
            .find(|b| b.ballot_id != record.ballot_id && b.file_name == name)
            .map(|b| b.judge_id.clone());
        // The private copy (a temporary folder) is removed here, on the verifying thread:
        // what the merge needs of it is its origin and SHA-256.
        let PrivateCopy { origin, sha256, .. } = copy;
        Ok(Checked {
            origin,
            sha256,
            record,
            ballot: verified,
            named_as,
        })
    }

    /// [`MergeContext::verify`] for every file on up to one thread per core. `each` runs on
    /// the calling thread, in input order, as soon as a file's turn is ready, so the caller
    /// can merge one file while the next ones are still being verified.
    pub fn verify_each(&self, files: &[PathBuf], mut each: impl FnMut(&Path, Verified)) {
        jury_core::parallel::for_each_in_order(
            files,
            jury_core::parallel::default_jobs(),
            |file| self.verify(file),
            |i, result| each(&files[i], result),
        );
    }
}

/// The part of every ballot's [`Expectation`] that is the same for all of them, read once.
struct ExpectationBase {
    contest_id: String,
    criteria: BTreeMap<String, u32>,
    known_works: std::sync::Arc<BTreeSet<String>>,
    round: Option<String>,
}

impl ExpectationBase {
    fn read(master: &Master, contest: &Contest) -> crate::Result<ExpectationBase> {
        let mut stmt = master
            .conn
            .prepare("SELECT id FROM works")
            .map_err(master.err())?;
        let known_works: BTreeSet<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(master.err())?;
        Ok(ExpectationBase {
            contest_id: master.contest_id()?,
            criteria: contest
                .for_round(&master.current_round(contest)?)
                .rubric
                .criteria()
                .map(|c| (c.id.clone(), c.max_steps()))
                .collect(),
            known_works: std::sync::Arc::new(known_works),
            round: contest
                .has_rounds()
                .then(|| master.current_round(contest))
                .transpose()?,
        })
    }

    fn of(&self, record: &BallotRecord, assigned: BTreeSet<String>) -> Expectation {
        Expectation {
            contest_id: self.contest_id.clone(),
            ballot_id: record.ballot_id.clone(),
            judge_id: record.judge_id.clone(),
            criteria: self.criteria.clone(),
            assigned,
            known_works: self.known_works.clone(),
            assignment_version: record.assignment_version,
            round: self.round.clone(),
        }
    }
}

/// A file that passed every check, ready to merge.
pub struct Checked {
    /// The verified file as it was read (its name and SHA-256 go into the audit row).
    pub origin: Origin,
    pub sha256: String,
    /// The issued ballot whose key opened it.
    pub record: BallotRecord,
    pub ballot: VerifiedBallot,
    /// Another judge whose issued file name the file carries (see [`MergeReport::named_as`]).
    pub named_as: Option<String>,
}

/// What [`MergeContext::verify`] gives for one file.
pub type Verified = Result<Checked, VerifyError>;

impl Master {
    /// What the master expects of `record`'s ballot.
    pub fn expectation(
        &self,
        contest: &Contest,
        record: &BallotRecord,
    ) -> crate::Result<Expectation> {
        let mut stmt = self
            .conn
            .prepare("SELECT work_id FROM assignments WHERE judge_id = ?1")
            .map_err(self.err())?;
        let assigned: BTreeSet<String> = stmt
            .query_map([&record.judge_id], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        Ok(ExpectationBase::read(self, contest)?.of(record, assigned))
    }

    /// The open round's id: recorded by `jury advance`, else the contest's first round ("" without
    /// `[[rounds]]`).
    pub fn current_round(&self, contest: &Contest) -> crate::Result<String> {
        Ok(self.open_round()?.unwrap_or_else(|| contest.first_round()))
    }

    /// What verifying files needs from the master, read once (see [`MergeContext`]): the
    /// contest-wide part of the expectations once, and every judge's assigned works in one
    /// pass over the assignments (a query per judge scans them all: the assignments table is
    /// keyed by work).
    pub fn merge_context(&self, contest: &Contest) -> crate::Result<MergeContext> {
        let ballots = self.ballots()?;
        let base = ExpectationBase::read(self, contest)?;
        let mut assigned: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT judge_id, work_id FROM assignments")
            .map_err(self.err())?;
        let mut rows = stmt.query([]).map_err(self.err())?;
        while let Some(r) = rows.next().map_err(self.err())? {
            let judge: String = r.get(0).map_err(self.err())?;
            let work: String = r.get(1).map_err(self.err())?;
            assigned.entry(judge).or_default().insert(work);
        }
        drop(rows);
        drop(stmt);
        let expectations = ballots
            .iter()
            .map(|b| {
                let mine = assigned.get(&b.judge_id).cloned().unwrap_or_default();
                (b.ballot_id.clone(), base.of(b, mine))
            })
            .collect();
        Ok(MergeContext {
            closed: self.archived_ballots()?,
            round: contest
                .has_rounds()
                .then(|| self.current_round(contest))
                .transpose()?,
            ballots,
            expectations,
        })
    }

    /// Identifies and verifies `file` without writing anything: which issued ballot it is,
    /// and its checked content.
    pub fn verify_file(&self, contest: &Contest, file: &Path) -> Verified {
        let context = self
            .merge_context(contest)
            .map_err(|e| VerifyError::Master {
                at: Origin::file(file),
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
    fn merge_checked(&mut self, checked: Checked, file: &Path) -> Result<MergeReport, VerifyError> {
        let Checked {
            origin,
            sha256,
            ballot,
            named_as,
            ..
        } = checked;
        let outcome = self.merge_verified(&ballot, &origin, named_as.as_deref())?;
        Ok(MergeReport {
            file: file.to_path_buf(),
            file_sha256: sha256,
            ballot_id: ballot.ballot_id.clone(),
            judge_id: ballot.judge_id.clone(),
            revision: ballot.revision,
            receipt: ballot.receipt(),
            submitted: ballot.submitted,
            outcome,
            named_as,
        })
    }

    /// The master side of a merge, for a ballot `verify_file` accepted: one transaction.
    /// `at` is the verified file (its name and SHA-256 go into the audit row); `named_as` the
    /// other judge its name points at, if any.
    pub fn merge_verified(
        &mut self,
        ballot: &VerifiedBallot,
        at: &Origin,
        named_as: Option<&str>,
    ) -> Result<MergeOutcome, VerifyError> {
        let at = Origin {
            judge: Some(ballot.judge_id.clone()),
            ..at.clone()
        };
        let file_label = at.file.display().to_string();
        let sha = at.sha256().unwrap_or_default().to_string();
        let decision = self
            .write(|tx, path| apply_merge(tx, path, ballot, &file_label, &sha, named_as))
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
    named_as: Option<&str>,
) -> crate::Result<Decision> {
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
    let old_text = |table: &str, column: &str| -> crate::Result<BTreeMap<String, String>> {
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
    // Both maps are sorted by (work, criterion): one walk through both, no lookups.
    let mut old_iter = old_scores.iter().peekable();
    let mut new_iter = ballot.scores.iter().peekable();
    let change = |key: &(String, String), old: Option<u32>, new: Option<u32>| ScoreChange {
        work: key.0.clone(),
        criterion: key.1.clone(),
        old,
        new,
    };
    loop {
        match (old_iter.peek(), new_iter.peek()) {
            (None, None) => break,
            (Some((k, &old)), None) => {
                diff.removed.push(change(k, Some(old), None));
                old_iter.next();
            }
            (None, Some(_)) => {
                diff.new += 1;
                new_iter.next();
            }
            (Some((ko, &old)), Some((kn, &new))) => match ko.cmp(kn) {
                std::cmp::Ordering::Less => {
                    diff.removed.push(change(ko, Some(old), None));
                    old_iter.next();
                }
                std::cmp::Ordering::Greater => {
                    diff.new += 1;
                    new_iter.next();
                }
                std::cmp::Ordering::Equal => {
                    if old != new {
                        diff.changed.push(change(ko, Some(old), Some(new)));
                    }
                    old_iter.next();
                    new_iter.next();
                }
            },
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
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE judge_id = ?1"))
            .and_then(|mut delete| delete.execute([judge]))
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
    crate::signoff::store_merged(tx, path, ballot)?;
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
    let mut detail = serde_json::json!({
        "receipt": ballot.receipt(),
        "submitted": diff.submitted,
        "new": diff.new,
        "changed": diff.changed,
        "removed": diff.removed,
        "comments_changed": diff.comments_changed,
        "recusals_changed": diff.recusals_changed,
    });
    if let Some(other) = named_as {
        detail["named_as"] = other.into();
    }
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
pub fn merge_counts(detail: &serde_json::Value) -> Option<([usize; 3], usize, usize)> {
    // Older masters list new scores; newer ones count them.
    let len = |key: &str| {
        let v = detail.get(key)?;
        v.as_array()
            .map(Vec::len)
            .or(v.as_u64().map(|n| n as usize))
    };
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
                at: Origin::file(p),
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
    /// Refusals whose audit row could not be written (the master was busy or damaged).
    pub unrecorded: usize,
}

impl Master {
    /// Appends one audit row for a file that was not merged: its name as given, SHA-256 when
    /// it was read, size when known, the judge once known and the reason code
    /// ([`VerifyError::kind`]). Nothing else in the master changes.
    pub fn record_refusal(&mut self, e: &VerifyError) -> crate::Result<i64> {
        let at = e.origin();
        let mut detail = serde_json::json!({ "reason": e.kind() });
        if let Some(bytes) = at.bytes() {
            detail["bytes"] = bytes.into();
        }
        let (revision, outcome) = match e {
            VerifyError::Stale {
                revision, merged, ..
            } => {
                detail["merged"] = (*merged).into();
                (Some(*revision), AuditEntry::STALE)
            }
            VerifyError::Forked {
                revision, merged, ..
            } => {
                detail["merged"] = (*merged).into();
                (Some(*revision), AuditEntry::REFUSED)
            }
            _ => (None, AuditEntry::REFUSED),
        };
        let entry = AuditEntry {
            seq: 0,
            at: now_secs(),
            action: "merge".into(),
            file: at.file.display().to_string(),
            file_sha256: at.sha256().unwrap_or_default().to_string(),
            ballot_id: None,
            judge_id: at.judge.clone(),
            revision,
            chain_head: None,
            outcome: outcome.into(),
            detail: detail.to_string(),
        };
        self.write(|tx, path| append_audit(tx, path, &entry))
    }
}

/// Merges `files` one by one; `each` is told the result of every file in order. Every file
/// not merged (refused or stale) is recorded in the audit log. Stale copies are counted
/// apart: they are not failures (a newer copy is already in).
pub fn merge_files(
    master: &mut Master,
    contest: &Contest,
    files: &[PathBuf],
    mut each: impl FnMut(&Path, &Result<MergeReport, VerifyError>),
) -> MergeTally {
    let mut tally = MergeTally::default();
    let mut record = |file: &Path, checked: Verified, master: &mut Master| {
        let result = checked.and_then(|v| master.merge_checked(v, file));
        match &result {
            Ok(report) => match report.outcome {
                MergeOutcome::Merged(_) => tally.merged += 1,
                MergeOutcome::Unchanged => tally.unchanged += 1,
            },
            Err(e) => {
                if matches!(e, VerifyError::Stale { .. }) {
                    tally.stale += 1;
                } else {
                    tally.refused += 1;
                }
                if master.record_refusal(e).is_err() {
                    tally.unrecorded += 1;
                }
            }
        }
        each(file, &result);
    };
    // Files are verified in parallel (reading only them) while the calling thread merges
    // them one transaction at a time in the order given, so a later copy of the same ballot
    // still meets the earlier one.
    let batch = DurabilityBatch::begin(master);
    match master.merge_context(contest) {
        Ok(context) => context.verify_each(files, |file, checked| record(file, checked, master)),
        Err(e) => {
            for file in files {
                let refused = Err(VerifyError::Master {
                    at: Origin::file(file),
                    detail: e.to_string(),
                });
                record(file, refused, master);
            }
        }
    }
    batch.end(master);
    tally
}

/// One durability barrier for a whole run of merges instead of one per ballot.
///
/// Each ballot stays one transaction (all of it or none of it, whatever happens), but inside
/// the batch the master runs with `synchronous = NORMAL`: a commit is written to the WAL
/// without its own fsync, and [`DurabilityBatch::end`] fsyncs the WAL once for all of them
/// and puts `synchronous = FULL` back. What a crash can do:
/// - A killed process loses nothing: the commits are in the operating system's cache.
/// - A power cut before the barrier can lose the last merges, whole (never part of one):
///   WAL frames count only up to the last complete commit, whose checksums chain, and a
///   checkpoint fsyncs the WAL before it copies anything into the master, so NORMAL never
///   corrupts (SQLite's own guarantee for WAL mode). What was lost is merged again by the
///   next `jury merge`/`watch` of the same files: the ballot rows are lost with their scores,
///   so the revision rule sees them as new, and a ballot already in is "unchanged".
///
/// The judge's side is not affected: a ballot's score commit keeps its fsync.
struct DurabilityBatch {
    was_full: bool,
}

impl DurabilityBatch {
    fn begin(master: &Master) -> DurabilityBatch {
        let was_full = master
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get::<_, i64>(0))
            .is_ok_and(|level| level >= 2);
        if was_full {
            let _ = master.conn.pragma_update(None, "synchronous", "NORMAL");
        }
        DurabilityBatch { was_full }
    }

    /// The barrier: the WAL (every commit of the batch) reaches the disk, and each later
    /// commit is synchronous again.
    fn end(self, master: &Master) {
        if !self.was_full {
            return;
        }
        // `synchronous = FULL` first: if the fsync below fails, the next commit (or
        // checkpoint) syncs the WAL and these frames with it.
        let _ = master.conn.pragma_update(None, "synchronous", "FULL");
        let mut wal = master.path().as_os_str().to_owned();
        wal.push("-wal");
        if let Ok(file) = std::fs::File::open(&wal) {
            let _ = file.sync_data();
        }
    }
}
