//! Applying an import plan to the master: works, judges and declared conflicts, each plan in
//! one transaction with its audit row.

use std::path::Path;

use rusqlite::{params, Transaction};

use crate::cipher::sqlite_err;
use crate::master::{append_audit, AuditEntry, JudgeRecord, Master, WorkRecord};
use crate::StoreError;
use jury_core::forms::Field;
use jury_core::intake::{JudgePlan, WorkPlan};

impl Master {
    /// Writes a works plan and its audit row in one transaction.
    pub fn apply_work_plan(
        &mut self,
        plan: &WorkPlan,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.write(|tx, path| {
            for w in &plan.new {
                put_work(tx, path, w)?;
            }
            for (w, fields) in &plan.changed {
                put_work(tx, path, w)?;
                if fields.contains(&Field::MediaFile) {
                    tx.execute("DELETE FROM probes WHERE work_id = ?1", [&w.id])
                        .map_err(sqlite_err(path))?;
                }
            }
            append_audit(tx, path, audit)?;
            Ok(())
        })
    }

    /// Writes a judges plan (judges, their declared conflicts) and its audit row in one
    /// transaction.
    pub fn apply_judge_plan(
        &mut self,
        plan: &JudgePlan,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.write(|tx, path| {
            let err = sqlite_err(path);
            for j in plan.new.iter().chain(plan.changed.iter().map(|(j, _)| j)) {
                tx.execute(
                    "INSERT INTO judges (id, name, unit, district, contact, source, source_row)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT(id) DO UPDATE SET name = excluded.name, unit = excluded.unit,
                         district = excluded.district, contact = excluded.contact,
                         source = excluded.source, source_row = excluded.source_row",
                    params![
                        j.id,
                        j.name,
                        j.unit,
                        j.district,
                        j.contact,
                        j.source,
                        j.source_row as i64
                    ],
                )
                .map_err(&err)?;
                put_conflicts(tx, path, j)?;
            }
            append_audit(tx, path, audit)?;
            Ok(())
        })
    }
}

/// Writes a work row: a new number is inserted, a known one has every column replaced.
fn put_work(tx: &Transaction<'_>, path: &Path, w: &WorkRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO works (id, title, unit, district, address, contact, contact_person, summary,
                            media_file, source, source_row)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, unit = excluded.unit,
             district = excluded.district, address = excluded.address,
             contact = excluded.contact, contact_person = excluded.contact_person,
             summary = excluded.summary, media_file = excluded.media_file,
             source = excluded.source, source_row = excluded.source_row",
        params![
            w.id,
            w.title,
            w.unit,
            w.district,
            w.address,
            w.contact,
            w.contact_person,
            w.summary,
            w.media_file,
            w.source,
            w.source_row as i64
        ],
    )
    .map_err(sqlite_err(path))?;
    Ok(())
}

fn put_conflicts(tx: &Transaction<'_>, path: &Path, j: &JudgeRecord) -> Result<(), StoreError> {
    let err = sqlite_err(path);
    tx.execute("DELETE FROM conflicts WHERE judge_id = ?1", [&j.id])
        .map_err(&err)?;
    let kinds = j
        .conflict_units
        .iter()
        .map(|v| ("unit", v))
        .chain(j.conflict_works.iter().map(|v| ("work", v)));
    for (kind, value) in kinds {
        tx.execute(
            "INSERT OR IGNORE INTO conflicts (judge_id, kind, value) VALUES (?1, ?2, ?3)",
            params![j.id, kind, value],
        )
        .map_err(&err)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Judges
