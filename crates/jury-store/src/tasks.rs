//! Writes of the organizer's tasks besides import and merge: the assignment and probe results,
//! each in one transaction with its audit row.

use rusqlite::params;

use crate::cipher::sqlite_err;
use crate::master::{
    append_audit, bump_assignment_version, now_secs, put_probe, AuditEntry, BallotRecord, Master,
};
use crate::{Result, StoreError};
use jury_core::assign::{AssignJudge, AssignWork};
use jury_core::model::work_number_order;
use jury_core::model::Points;
use jury_core::records::WorkProbe;
use jury_core::rounds::{Ruling, RulingKind};
use std::collections::BTreeSet;

impl Master {
    /// (work, judge, manual) rows of the stored assignment, sorted like `assignments()`.
    pub fn assignment_rows(&self) -> Result<Vec<(String, String, bool)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT work_id, judge_id, manual FROM assignments")
            .map_err(self.err())?;
        let mut rows: Vec<(String, String, bool)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        rows.sort_by(|a, b| work_number_order(&a.0, &b.0).then(a.1.cmp(&b.1)));
        Ok(rows)
    }

    /// Replaces the assignment keeping each pair's manual flag, raises the version and appends
    /// `audit` (with the new version as its revision), all in one transaction.
    pub fn store_assignment(
        &mut self,
        rows: &[(String, String, bool)],
        audit: &AuditEntry,
    ) -> Result<u64> {
        self.write(|tx, path| {
            let err = sqlite_err(path);
            tx.execute("DELETE FROM assignments", []).map_err(&err)?;
            for (work, judge, manual) in rows {
                tx.execute(
                    "INSERT OR IGNORE INTO assignments (work_id, judge_id, manual) VALUES (?1, ?2, ?3)",
                    params![work, judge, manual],
                )
                .map_err(&err)?;
            }
            let version = bump_assignment_version(tx, path)?;
            append_audit(
                tx,
                path,
                &AuditEntry {
                    revision: Some(version),
                    ..audit.clone()
                },
            )?;
            Ok(version)
        })
    }

    /// Works and judges as the assignment engine sees them.
    pub fn assign_inputs(&self) -> Result<(Vec<AssignWork>, Vec<AssignJudge>)> {
        let works = self.works()?.iter().map(AssignWork::from).collect();
        let judges = self.judges()?.iter().map(AssignJudge::from).collect();
        Ok((works, judges))
    }
}

impl Master {
    /// Stores one probe per work and an audit row, in one transaction.
    pub fn store_probes(&mut self, results: &[WorkProbe]) -> Result<(), StoreError> {
        let missing = results.iter().filter(|r| !r.record.found).count();
        let failing = results
            .iter()
            .filter(|r| r.record.found && !r.record.compliant)
            .count();
        let audit = AuditEntry::contest_wide(
            now_secs(),
            "probe",
            if missing + failing == 0 {
                "compliant"
            } else {
                "issues"
            },
            format!(
                "{} works: {} compliant, {failing} break a rule, {missing} missing",
                results.len(),
                results.len() - failing - missing
            ),
        );
        self.write(|tx, path| {
            for r in results {
                put_probe(tx, path, &r.work_id, &r.record)?;
            }
            append_audit(tx, path, &audit)?;
            Ok(())
        })
    }
}

/// A closed round as the master records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedRound {
    pub round_id: String,
    pub seq: i64,
    pub closed_at: i64,
    /// Closed with `jury advance --force` (provisional results or a flagged tie at the cut).
    pub forced: bool,
    pub next_round: String,
}

/// Live tables and their columns, in the order a round is archived and cleared (rows that
/// reference a ballot go before the ballots).
const ROUND_TABLES: [(&str, &str); 5] = [
    (
        "scores",
        "judge_id, work_id, criterion_id, steps, ballot_id, revision",
    ),
    ("comments", "judge_id, work_id, text"),
    ("recusals", "judge_id, work_id, reason"),
    ("assignments", "work_id, judge_id, manual"),
    (
        "ballots",
        "ballot_id, judge_id, key, file_name, assignment_version, issued_at, merged_revision, merged_head, merged_at, submitted",
    ),
];

impl Master {
    /// The open round's id as recorded; `None` until the first `jury advance` (the first
    /// round, or the only one, is open).
    pub fn open_round(&self) -> Result<Option<String>> {
        self.meta("open_round")
    }

    /// Closed rounds in the order they were closed.
    pub fn closed_rounds(&self) -> Result<Vec<ClosedRound>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT round_id, seq, closed_at, forced, next_round FROM round_closed ORDER BY seq",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ClosedRound {
                    round_id: r.get(0)?,
                    seq: r.get(1)?,
                    closed_at: r.get(2)?,
                    forced: r.get(3)?,
                    next_round: r.get(4)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        Ok(rows)
    }

    /// The works that advanced into `round` (empty for the first round: it has every work).
    pub fn round_works(&self, round: &str) -> Result<BTreeSet<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT work_id FROM round_works WHERE round_id = ?1")
            .map_err(self.err())?;
        let rows = stmt
            .query_map([round], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        Ok(rows)
    }

    /// Ballots of closed rounds, with their round: a copy of one that comes back is named as
    /// such instead of as an unknown file.
    pub fn archived_ballots(&self) -> Result<Vec<(String, BallotRecord)>> {
        let mut out = Vec::new();
        for r in self.closed_rounds()? {
            for b in self.ballots_in(Some(&r.round_id))? {
                out.push((r.round_id.clone(), b));
            }
        }
        Ok(out)
    }

    /// Closes round `closing` and opens `next` with the `advancing` works, in one
    /// transaction: the live assignment, ballots, scores, comments and recusals move to the
    /// round archive, the assignment version grows (every later ballot is a new issue), and
    /// `audit` is appended.
    pub fn close_round(
        &mut self,
        closing: &str,
        next: &str,
        advancing: &[String],
        forced: bool,
        audit: &AuditEntry,
    ) -> Result<()> {
        self.write(|tx, path| {
            let err = sqlite_err(path);
            for (table, columns) in ROUND_TABLES {
                tx.execute(
                    &format!(
                        "INSERT INTO round_{table} (round_id, {columns}) SELECT ?1, {columns} FROM {table}"
                    ),
                    [closing],
                )
                .map_err(&err)?;
                tx.execute(&format!("DELETE FROM {table}"), [])
                    .map_err(&err)?;
            }
            for w in advancing {
                tx.execute(
                    "INSERT OR IGNORE INTO round_works (round_id, work_id) VALUES (?1, ?2)",
                    params![next, w],
                )
                .map_err(&err)?;
            }
            let seq: i64 = tx
                .query_row("SELECT count(*) FROM round_closed", [], |r| r.get(0))
                .map_err(&err)?;
            tx.execute(
                "INSERT INTO round_closed (round_id, seq, closed_at, forced, next_round)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![closing, seq + 1, now_secs(), forced, next],
            )
            .map_err(&err)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('open_round', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [next],
            )
            .map_err(&err)?;
            bump_assignment_version(tx, path)?;
            append_audit(tx, path, audit)?;
            Ok(())
        })
    }

    /// Every ruling ever recorded, in order (see [`jury_core::rounds::current_rulings`]).
    pub fn rulings(&self) -> Result<Vec<Ruling>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, work_id, kind, points, reason, by FROM rulings ORDER BY seq")
            .map_err(self.err())?;
        let rows: Vec<(i64, i64, String, String, i64, String, String)> = stmt
            .query_map([], |r| r.try_into())
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        Ok(rows
            .into_iter()
            .map(|(seq, at, work, kind, points, reason, by)| Ruling {
                seq,
                at,
                work,
                kind: match kind.as_str() {
                    "disqualify" => RulingKind::Disqualify,
                    "deduct" => RulingKind::Deduct(Points(points)),
                    _ => RulingKind::Revoke,
                },
                reason,
                by,
            })
            .collect())
    }

    /// Records a ruling and its audit row in one transaction; returns it with its number.
    pub fn add_ruling(
        &mut self,
        work: &str,
        kind: RulingKind,
        reason: &str,
        by: &str,
    ) -> Result<Ruling> {
        let at = now_secs();
        let points = match kind {
            RulingKind::Deduct(p) => p.0,
            _ => 0,
        };
        self.write(|tx, path| {
            let err = sqlite_err(path);
            tx.execute(
                "INSERT INTO rulings (at, work_id, kind, points, reason, by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![at, work, kind.code(), points, reason, by],
            )
            .map_err(&err)?;
            let seq = tx.last_insert_rowid();
            append_audit(
                tx,
                path,
                &AuditEntry::contest_wide(
                    at,
                    "rule",
                    kind.code(),
                    format!(
                        "work {work}; by {by}; {}{reason}",
                        if points != 0 {
                            format!("{} points; ", Points(points))
                        } else {
                            String::new()
                        }
                    ),
                ),
            )?;
            Ok(Ruling {
                seq,
                at,
                work: work.to_string(),
                kind,
                reason: reason.to_string(),
                by: by.to_string(),
            })
        })
    }
}
