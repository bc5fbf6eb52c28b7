//! Applying an import plan to the master: works, judges and declared conflicts, each plan in
//! one transaction with its audit row.

use std::path::Path;

use rusqlite::{params, Connection, Transaction};

use crate::cipher::sqlite_err;
use crate::master::{append_audit, AuditEntry, JudgeRecord, Master, WorkRecord};
use crate::StoreError;
use jury_core::forms::Field;
use jury_core::intake::{JudgePlan, WorkPlan};

/// Columns added to `works` after the first masters were written (name, definition). A
/// master without them is brought up to date when opened; old rows read as empty.
const WORK_COLUMNS_ADDED: &[(&str, &str)] = &[
    ("creators", "TEXT NOT NULL DEFAULT ''"),
    ("origin_no", "TEXT NOT NULL DEFAULT ''"),
    ("origin_sheet", "TEXT NOT NULL DEFAULT ''"),
    ("email", "TEXT NOT NULL DEFAULT ''"),
    ("credit_code", "TEXT NOT NULL DEFAULT ''"),
];

/// Adds the `works` columns an older master lacks, in one transaction (nothing is written to
/// a master that has them all).
pub(crate) fn migrate_works(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let err = sqlite_err(path);
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info('works')")
        .map_err(&err)?;
    let have: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(&err)?;
    let missing: Vec<&(&str, &str)> = WORK_COLUMNS_ADDED
        .iter()
        .filter(|(name, _)| !have.iter().any(|h| h == name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut sql = String::from("BEGIN IMMEDIATE;");
    for (name, def) in missing {
        sql.push_str(&format!("ALTER TABLE works ADD COLUMN {name} {def};"));
    }
    sql.push_str("COMMIT;");
    conn.execute_batch(&sql).map_err(&err)
}

impl Master {
    /// Writes a works plan and its audit rows (one per form read) in one transaction.
    pub fn apply_work_plan(
        &mut self,
        plan: &WorkPlan,
        audits: &[AuditEntry],
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
            for audit in audits {
                append_audit(tx, path, audit)?;
            }
            Ok(())
        })
    }

    /// Writes a judges plan (judges, their declared conflicts) and its audit rows in one
    /// transaction.
    pub fn apply_judge_plan(
        &mut self,
        plan: &JudgePlan,
        audits: &[AuditEntry],
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
            for audit in audits {
                append_audit(tx, path, audit)?;
            }
            Ok(())
        })
    }
}

/// Writes a work row: a new number is inserted, a known one has every column replaced.
fn put_work(tx: &Transaction<'_>, path: &Path, w: &WorkRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO works (id, title, unit, district, address, contact, contact_person, summary,
                            media_file, source, source_row, creators, origin_no, origin_sheet,
                            email, credit_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, unit = excluded.unit,
             district = excluded.district, address = excluded.address,
             contact = excluded.contact, contact_person = excluded.contact_person,
             summary = excluded.summary, media_file = excluded.media_file,
             source = excluded.source, source_row = excluded.source_row,
             creators = excluded.creators, origin_no = excluded.origin_no,
             origin_sheet = excluded.origin_sheet, email = excluded.email,
             credit_code = excluded.credit_code",
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
            w.source_row as i64,
            w.creators,
            w.origin_no,
            w.origin_sheet,
            w.email,
            w.credit_code
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

impl Master {
    /// Records accepted video matches (`jury media match --accept`): each work's video file
    /// is set, its stored probe dropped (it was of another file, or of none), and one audit
    /// row written, all in one transaction.
    pub fn set_media_files(
        &mut self,
        files: &[(String, String)],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.write(|tx, path| {
            let err = sqlite_err(path);
            for (work_id, file) in files {
                tx.execute(
                    "UPDATE works SET media_file = ?2 WHERE id = ?1",
                    params![work_id, file],
                )
                .map_err(&err)?;
                tx.execute("DELETE FROM probes WHERE work_id = ?1", [work_id])
                    .map_err(&err)?;
            }
            append_audit(tx, path, audit)?;
            Ok(())
        })
    }
}

// ---------------------------------------------------------------------------------------
// Judges

#[cfg(test)]
mod tests {
    use super::*;
    use jury_core::key::BallotKey;

    #[test]
    fn a_master_from_before_creators_and_origins_opens_and_reads_its_works() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.jury");
        let key = BallotKey::parse("k").unwrap();
        let m = Master::create(&path, &key, "cq").unwrap();
        // The works table as the first masters had it.
        m.connection()
            .execute_batch(
                "ALTER TABLE works DROP COLUMN creators;
                 ALTER TABLE works DROP COLUMN origin_no;
                 ALTER TABLE works DROP COLUMN origin_sheet;
                 ALTER TABLE works DROP COLUMN email;
                 ALTER TABLE works DROP COLUMN credit_code;
                 INSERT INTO works (id, title, unit, district, source, source_row)
                     VALUES ('3', '追光者', '重庆大学', '渝中区', '/f/a.csv', 5);",
            )
            .unwrap();
        drop(m);
        let mut m = Master::open(&path, &key).unwrap();
        let works = m.works().unwrap();
        assert_eq!(works.len(), 1);
        assert_eq!(
            (works[0].id.as_str(), works[0].creators.as_str()),
            ("3", "")
        );
        // The old work is found again by title and unit, and keeps its number.
        let incoming = WorkRecord {
            id: String::new(),
            title: "追光者".into(),
            unit: "重庆大学".into(),
            district: "渝中区".into(),
            creators: "张三".into(),
            source: "/f/a.csv".into(),
            source_row: 5,
            origin_no: "3".into(),
            ..Default::default()
        };
        let plan = jury_core::intake::plan_works(&works, vec![incoming]);
        assert_eq!(plan.changed.len(), 1);
        m.apply_work_plan(&plan, &[]).unwrap();
        drop(m);
        let m = Master::open(&path, &key).unwrap();
        let w = &m.works().unwrap()[0];
        assert_eq!(
            (w.id.as_str(), w.creators.as_str(), w.origin_no.as_str()),
            ("3", "张三", "3")
        );
    }
}
