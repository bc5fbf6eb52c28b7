//! Sign-off and revisions on the store's side.
//!
//! * The sign-off record in the sync folder (`signoff.json`): published with the store's one
//!   durable atomic writer ([`crate::snapshot::write_atomic`]), as now-showing is
//!   ([`crate::showing`]), and read back bounded and typed (a forged or damaged file is
//!   reported, never trusted; its fingerprint must be its lines').
//! * What the merge keeps of a ballot's history: the revisions of submitted scores with their
//!   reasons and the judge's confirmations, in two master tables replaced per ballot on every
//!   merge (as its scores are), read by `jury log` and the report.

use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};

use crate::cipher::{query_all, sqlite_err};
use crate::master::Master;
use crate::room_record::PublishError;
use crate::verify::VerifiedBallot;
pub use jury_core::signoff::{BadSignoff, Signoff, SignoffRecord, FILE_NAME, MAX_BYTES};

/// The master tables, added to masters of every age on open (`IF NOT EXISTS`).
pub const SIGNOFF_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS revisions (
    ballot_id TEXT NOT NULL,
    judge_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    work_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    old_steps INTEGER,
    new_steps INTEGER,
    reason TEXT NOT NULL,
    PRIMARY KEY (ballot_id, seq)
);
CREATE TABLE IF NOT EXISTS confirmations (
    ballot_id TEXT NOT NULL,
    judge_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (ballot_id, seq)
);
";

/// Adds the tables when missing.
pub(crate) fn migrate(conn: &Connection, path: &Path) -> crate::Result<()> {
    // Looked up first: a master already migrated is opened without a write.
    let present: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('revisions', 'confirmations')",
            [],
            |r| r.get(0),
        )
        .map_err(sqlite_err(path))?;
    if present < 2 {
        conn.execute_batch(SIGNOFF_SCHEMA)
            .map_err(sqlite_err(path))?;
    }
    Ok(())
}

/// One merged revision of a submitted score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRecord {
    pub ballot_id: String,
    pub judge_id: String,
    pub seq: i64,
    pub at: i64,
    pub work_id: String,
    pub criterion_id: String,
    pub old: Option<u32>,
    pub new: Option<u32>,
    pub reason: String,
}

/// One merged confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationRecord {
    pub ballot_id: String,
    pub judge_id: String,
    pub seq: i64,
    pub at: i64,
    pub fingerprint: String,
}

/// Runs the insert `sql` once for each row of parameters.
fn insert_all<P: rusqlite::Params>(
    tx: &Transaction<'_>,
    sql: &str,
    rows: impl Iterator<Item = P>,
) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(sql)?;
    for row in rows {
        insert.execute(row)?;
    }
    Ok(())
}

/// Inside the merge's transaction: replaces the ballot's revisions and confirmations with
/// the ones its chain holds.
pub(crate) fn store_merged(
    tx: &Transaction<'_>,
    path: &Path,
    ballot: &VerifiedBallot,
) -> crate::Result<()> {
    let err = sqlite_err(path);
    for table in ["revisions", "confirmations"] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE ballot_id = ?1"))
            .and_then(|mut d| d.execute([&ballot.ballot_id]))
            .map_err(&err)?;
    }
    insert_all(
        tx,
        "INSERT INTO revisions (ballot_id, judge_id, seq, at, work_id, criterion_id, old_steps, new_steps, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        ballot.history.revisions.iter().map(|(seq, at, r)| {
            (
                &ballot.ballot_id,
                &ballot.judge_id,
                seq,
                at,
                &r.work,
                &r.criterion,
                r.old,
                r.new,
                r.reason.as_deref().unwrap_or_default(),
            )
        }),
    )
    .map_err(&err)?;
    insert_all(
        tx,
        "INSERT INTO confirmations (ballot_id, judge_id, seq, at, fingerprint)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        ballot
            .history
            .confirmations
            .iter()
            .map(|(seq, at, fingerprint)| {
                (&ballot.ballot_id, &ballot.judge_id, seq, at, fingerprint)
            }),
    )
    .map_err(&err)?;
    Ok(())
}

impl Master {
    /// Every merged revision, oldest first.
    pub fn revisions(&self) -> crate::Result<Vec<RevisionRecord>> {
        query_all(
            &self.conn,
            &self.path,
            "SELECT ballot_id, judge_id, seq, at, work_id, criterion_id, old_steps, new_steps, reason
             FROM revisions ORDER BY at, judge_id, seq",
            |r| {
                Ok(RevisionRecord {
                    ballot_id: r.get(0)?,
                    judge_id: r.get(1)?,
                    seq: r.get(2)?,
                    at: r.get(3)?,
                    work_id: r.get(4)?,
                    criterion_id: r.get(5)?,
                    old: r.get(6)?,
                    new: r.get(7)?,
                    reason: r.get(8)?,
                })
            },
        )
    }

    /// Every merged confirmation, oldest first.
    pub fn confirmations(&self) -> crate::Result<Vec<ConfirmationRecord>> {
        query_all(
            &self.conn,
            &self.path,
            "SELECT ballot_id, judge_id, seq, at, fingerprint FROM confirmations
             ORDER BY at, judge_id, seq",
            |r| {
                Ok(ConfirmationRecord {
                    ballot_id: r.get(0)?,
                    judge_id: r.get(1)?,
                    seq: r.get(2)?,
                    at: r.get(3)?,
                    fingerprint: r.get(4)?,
                })
            },
        )
    }
}

/// Where the record lives in `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    crate::room_record::path_in::<SignoffRecord>(dir)
}

/// Reads the record in `dir`: bounded and typed (see [`crate::room_record`]), its
/// fingerprint checked.
pub fn read(dir: &Path) -> Signoff {
    crate::room_record::read(dir)
}

/// Publishes the sign-off record for `view` into `dir`, its sequence one more than the
/// record there (a bad or missing one counts as 0).
pub fn publish(
    dir: &Path,
    view: &jury_core::results::ResultsView,
    at: i64,
) -> Result<SignoffRecord, PublishError> {
    crate::room_record::publish(dir, |previous| SignoffRecord::for_view(view, previous, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_files_are_typed() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), Signoff::Absent);
        let path = path_in(dir.path());
        std::fs::write(&path, b"{}").unwrap();
        assert!(matches!(
            read(dir.path()),
            Signoff::Bad(BadSignoff::NotJson { .. })
        ));
        std::fs::write(&path, vec![b' '; MAX_BYTES as usize + 10]).unwrap();
        assert!(matches!(
            read(dir.path()),
            Signoff::Bad(BadSignoff::TooLarge { .. })
        ));
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        assert_eq!(read(dir.path()), Signoff::Bad(BadSignoff::NotAFile));
    }
}
