//! Writes of the organizer's tasks besides import and merge: the assignment and probe results,
//! each in one transaction with its audit row.

use rusqlite::params;

use crate::cipher::sqlite_err;
use crate::master::{
    append_audit, bump_assignment_version, now_secs, put_probe, AuditEntry, Master,
};
use crate::{Result, StoreError};
use jury_core::assign::{AssignJudge, AssignWork};
use jury_core::model::work_number_order;
use jury_core::records::WorkProbe;

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
        let audit = AuditEntry {
            seq: 0,
            at: now_secs(),
            action: "probe".into(),
            file: String::new(),
            file_sha256: String::new(),
            ballot_id: None,
            judge_id: None,
            revision: None,
            chain_head: None,
            outcome: if missing + failing == 0 {
                "compliant"
            } else {
                "issues"
            }
            .into(),
            detail: format!(
                "{} works: {} compliant, {failing} break a rule, {missing} missing",
                results.len(),
                results.len() - failing - missing
            ),
        };
        self.write(|tx, path| {
            for r in results {
                put_probe(tx, path, &r.work_id, &r.record)?;
            }
            append_audit(tx, path, &audit)?;
            Ok(())
        })
    }
}
