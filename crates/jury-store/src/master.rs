//! The organizer's master database: an SQLCipher file in the contest folder holding the works
//! and judges imported from the forms, probe results, the assignment, the issued ballots with
//! their keys, the scores merged from returned ballots and the audit log of every merge.
//!
//! This module owns the schema and the plain reads and writes of each table. The organizer
//! tasks (import, assign, issue, merge) build on it in `organize/`.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::cipher::{open_encrypted, set_durable, sqlite_err, OpenMode};
use super::{Result, StoreError};
use jury_core::key::BallotKey;
pub use jury_core::model::work_number_order;
use jury_core::model::Work;
pub use jury_core::records::{
    AuditEntry, BallotRecord, JudgeRecord, MergedScores, ProbeRecord, WorkRecord,
};

pub const MASTER_FORMAT: &str = "1";

/// File name of the master database inside a contest folder.
pub const MASTER_FILE: &str = "master.jury";

pub const MASTER_SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE works (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    unit TEXT NOT NULL,
    district TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    media_file TEXT,
    source TEXT NOT NULL DEFAULT '',
    source_row INTEGER NOT NULL DEFAULT 0,
    creators TEXT NOT NULL DEFAULT '',
    origin_no TEXT NOT NULL DEFAULT '',
    origin_sheet TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    credit_code TEXT NOT NULL DEFAULT ''
);
CREATE TABLE probes (
    work_id TEXT PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE,
    checked_at INTEGER NOT NULL,
    media_path TEXT,
    found INTEGER NOT NULL CHECK (found IN (0, 1)),
    compliant INTEGER NOT NULL CHECK (compliant IN (0, 1)),
    sha256 TEXT,
    size_bytes INTEGER,
    duration_ms INTEGER,
    note TEXT NOT NULL DEFAULT '',
    findings TEXT
);
CREATE TABLE judges (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    district TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    source_row INTEGER NOT NULL DEFAULT 0,
    UNIQUE (name, unit)
);
CREATE TABLE conflicts (
    judge_id TEXT NOT NULL REFERENCES judges(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('unit', 'work')),
    value TEXT NOT NULL,
    PRIMARY KEY (judge_id, kind, value)
);
CREATE TABLE assignments (
    work_id TEXT NOT NULL REFERENCES works(id),
    judge_id TEXT NOT NULL REFERENCES judges(id),
    manual INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1)),
    PRIMARY KEY (work_id, judge_id)
);
CREATE TABLE ballots (
    ballot_id TEXT PRIMARY KEY,
    judge_id TEXT NOT NULL UNIQUE REFERENCES judges(id),
    key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    assignment_version INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    merged_revision INTEGER NOT NULL DEFAULT 0,
    merged_head TEXT,
    merged_at INTEGER,
    submitted INTEGER NOT NULL DEFAULT 0 CHECK (submitted IN (0, 1))
);
CREATE TABLE scores (
    judge_id TEXT NOT NULL REFERENCES judges(id),
    work_id TEXT NOT NULL REFERENCES works(id),
    criterion_id TEXT NOT NULL,
    steps INTEGER NOT NULL CHECK (steps >= 0),
    ballot_id TEXT NOT NULL REFERENCES ballots(ballot_id),
    revision INTEGER NOT NULL,
    PRIMARY KEY (judge_id, work_id, criterion_id)
);
CREATE TABLE comments (
    judge_id TEXT NOT NULL REFERENCES judges(id),
    work_id TEXT NOT NULL REFERENCES works(id),
    text TEXT NOT NULL,
    PRIMARY KEY (judge_id, work_id)
);
CREATE TABLE recusals (
    judge_id TEXT NOT NULL REFERENCES judges(id),
    work_id TEXT NOT NULL REFERENCES works(id),
    reason TEXT NOT NULL,
    PRIMARY KEY (judge_id, work_id)
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    file TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL DEFAULT '',
    ballot_id TEXT,
    judge_id TEXT,
    revision INTEGER,
    chain_head TEXT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
";

/// Rounds and rulings, added to masters of every age on open (`CREATE … IF NOT EXISTS`): the
/// live tables above always hold the open round; closing a round copies its assignment,
/// ballots, scores, comments and recusals here under its id, and `round_works` lists the works
/// of every round after the first. A master without these tables is a single-round contest
/// of an earlier version and reads exactly as before.
pub const ROUNDS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS round_closed (
    round_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    closed_at INTEGER NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
    next_round TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS round_works (
    round_id TEXT NOT NULL,
    work_id TEXT NOT NULL,
    PRIMARY KEY (round_id, work_id)
);
CREATE TABLE IF NOT EXISTS round_assignments (
    round_id TEXT NOT NULL,
    work_id TEXT NOT NULL,
    judge_id TEXT NOT NULL,
    manual INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, work_id, judge_id)
);
CREATE TABLE IF NOT EXISTS round_ballots (
    round_id TEXT NOT NULL,
    ballot_id TEXT NOT NULL,
    judge_id TEXT NOT NULL,
    key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    assignment_version INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    merged_revision INTEGER NOT NULL,
    merged_head TEXT,
    merged_at INTEGER,
    submitted INTEGER NOT NULL,
    PRIMARY KEY (round_id, ballot_id)
);
CREATE TABLE IF NOT EXISTS round_scores (
    round_id TEXT NOT NULL,
    judge_id TEXT NOT NULL,
    work_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    steps INTEGER NOT NULL,
    ballot_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (round_id, judge_id, work_id, criterion_id)
);
CREATE TABLE IF NOT EXISTS round_comments (
    round_id TEXT NOT NULL,
    judge_id TEXT NOT NULL,
    work_id TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (round_id, judge_id, work_id)
);
CREATE TABLE IF NOT EXISTS round_recusals (
    round_id TEXT NOT NULL,
    judge_id TEXT NOT NULL,
    work_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (round_id, judge_id, work_id)
);
CREATE TABLE IF NOT EXISTS rulings (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    work_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('disqualify', 'deduct', 'revoke')),
    points INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    by TEXT NOT NULL DEFAULT ''
);
";

/// Adds `probes.findings` (the probe's findings as JSON) to a master of an earlier version;
/// its probes keep their prose note and no findings until probed again.
fn migrate_findings(conn: &Connection, path: &Path) -> Result<()> {
    let present: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('probes') WHERE name = 'findings'",
            [],
            |r| r.get(0),
        )
        .map_err(sqlite_err(path))?;
    if present == 0 {
        conn.execute_batch("ALTER TABLE probes ADD COLUMN findings TEXT")
            .map_err(sqlite_err(path))?;
    }
    Ok(())
}

/// Adds the rounds and rulings tables to a master of an earlier version (no-op when present).
fn migrate_rounds(conn: &Connection, path: &Path) -> Result<()> {
    let present: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'rulings'",
            [],
            |r| r.get(0),
        )
        .map_err(sqlite_err(path))?;
    if present == 0 {
        conn.execute_batch(ROUNDS_SCHEMA)
            .map_err(sqlite_err(path))?;
    }
    Ok(())
}

pub struct Master {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Master {
    /// Creates a new master database for a contest. Fails if `path` exists.
    pub fn create(path: &Path, key: &BallotKey, contest_id: &str) -> Result<Master> {
        let conn = open_encrypted(path, key, OpenMode::Create)?;
        set_durable(&conn, path)?;
        let mut master = Master {
            conn,
            path: path.to_path_buf(),
        };
        let err = sqlite_err(path);
        let tx = master.conn.transaction().map_err(&err)?;
        tx.execute_batch(MASTER_SCHEMA).map_err(&err)?;
        tx.execute_batch(ROUNDS_SCHEMA).map_err(&err)?;
        tx.execute_batch(crate::signoff::SIGNOFF_SCHEMA)
            .map_err(&err)?;
        for (k, v) in [
            ("format", MASTER_FORMAT.to_string()),
            ("contest_id", contest_id.to_string()),
            ("created_at", now_secs().to_string()),
            ("assignment_version", "0".to_string()),
        ] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![k, v],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(master)
    }

    /// Opens an existing master database read-write.
    pub fn open(path: &Path, key: &BallotKey) -> Result<Master> {
        let conn = open_encrypted(path, key, OpenMode::ReadWrite)?;
        let master = Master {
            conn,
            path: path.to_path_buf(),
        };
        // Read before anything is written (WAL mode changes the header): a damaged or foreign
        // file is reported and left as it was.
        let found = master
            .meta("format")
            .map_err(|e| StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: format!(
                    "{}; this is not a whole jury master database, restore master.jury from a backup",
                    match e {
                        StoreError::Sqlite { source, .. } => source.to_string(),
                        other => other.to_string(),
                    }
                ),
            })?
            .unwrap_or_else(|| "none".into());
        if found != MASTER_FORMAT {
            return Err(StoreError::Format {
                path: path.to_path_buf(),
                found,
                expected: MASTER_FORMAT.into(),
            });
        }
        set_durable(&master.conn, path)?;
        crate::intake::migrate_works(&master.conn, path)?;
        migrate_rounds(&master.conn, path)?;
        crate::signoff::migrate(&master.conn, path)?;
        migrate_findings(&master.conn, path)?;
        Ok(master)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        sqlite_err(&self.path)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        meta_in(&self.conn, &self.path, key)
    }

    pub fn contest_id(&self) -> Result<String> {
        self.meta("contest_id")?.ok_or_else(|| StoreError::Corrupt {
            path: self.path.clone(),
            detail: "meta `contest_id` is missing".into(),
        })
    }

    /// Grows by one with every change to the assignment; ballots record the version they hold.
    pub fn assignment_version(&self) -> Result<u64> {
        Ok(self
            .meta("assignment_version")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it lands, or none of it.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>, &Path) -> Result<T>) -> Result<T> {
        let path = self.path.clone();
        let err = sqlite_err(&path);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(&err)?;
        let value = f(&tx, &path)?;
        tx.commit().map_err(&err)?;
        Ok(value)
    }

    pub fn works(&self) -> Result<Vec<WorkRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, title, unit, district, address, contact, contact_person, summary,
                        media_file, source, source_row, creators, origin_no, origin_sheet,
                        email, credit_code
                 FROM works",
            )
            .map_err(self.err())?;
        let mut works: Vec<WorkRecord> = stmt
            .query_map([], |r| {
                Ok(WorkRecord {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    unit: r.get(2)?,
                    district: r.get(3)?,
                    address: r.get(4)?,
                    contact: r.get(5)?,
                    contact_person: r.get(6)?,
                    summary: r.get(7)?,
                    media_file: r.get(8)?,
                    source: r.get(9)?,
                    source_row: r.get::<_, i64>(10)? as usize,
                    creators: r.get(11)?,
                    origin_no: r.get(12)?,
                    origin_sheet: r.get(13)?,
                    email: r.get(14)?,
                    credit_code: r.get(15)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        works.sort_by(|a, b| work_number_order(&a.id, &b.id));
        Ok(works)
    }

    pub fn probes(&self) -> Result<BTreeMap<String, ProbeRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT work_id, checked_at, media_path, found, compliant, sha256, size_bytes,
                        duration_ms, note, findings FROM probes",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    ProbeRecord {
                        checked_at: r.get(1)?,
                        media_path: r.get(2)?,
                        found: r.get(3)?,
                        compliant: r.get(4)?,
                        sha256: r.get(5)?,
                        size_bytes: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
                        duration_ms: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
                        note: r.get(8)?,
                        // Unreadable findings are as none: the prose note still says it.
                        findings: r
                            .get::<_, Option<String>>(9)?
                            .and_then(|j| serde_json::from_str(&j).ok()),
                    },
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        Ok(rows)
    }

    pub fn set_probe(&mut self, work_id: &str, probe: &ProbeRecord) -> Result<()> {
        self.write(|tx, path| put_probe(tx, path, work_id, probe))
    }

    /// The works as a judge's ballot carries them (probe results folded in).
    pub fn ballot_works(&self) -> Result<Vec<Work>> {
        let probes = self.probes()?;
        Ok(self
            .works()?
            .into_iter()
            .map(|w| {
                let probe = probes.get(&w.id);
                Work {
                    media_file: w.media_file.clone().unwrap_or_default(),
                    media_sha256: probe.and_then(|p| p.sha256.clone()),
                    probe_note: probe.map(|p| p.note.clone()).filter(|n| !n.is_empty()),
                    duration_ms: probe.and_then(|p| p.duration_ms),
                    probe_findings: probe.and_then(|p| p.findings.clone()),
                    id: w.id,
                    title: w.title,
                    unit: w.unit,
                    district: w.district,
                }
            })
            .collect())
    }

    pub fn judges(&self) -> Result<Vec<JudgeRecord>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, unit, district, contact, source, source_row FROM judges")
            .map_err(self.err())?;
        let mut judges: Vec<JudgeRecord> = stmt
            .query_map([], |r| {
                Ok(JudgeRecord {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    unit: r.get(2)?,
                    district: r.get(3)?,
                    contact: r.get(4)?,
                    source: r.get(5)?,
                    source_row: r.get::<_, i64>(6)? as usize,
                    ..Default::default()
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        let mut stmt = self
            .conn
            .prepare("SELECT judge_id, kind, value FROM conflicts ORDER BY value")
            .map_err(self.err())?;
        let conflicts: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        for j in &mut judges {
            for (judge, kind, value) in &conflicts {
                if judge == &j.id {
                    match kind.as_str() {
                        "unit" => j.conflict_units.push(value.clone()),
                        _ => j.conflict_works.push(value.clone()),
                    }
                }
            }
        }
        judges.sort_by(|a, b| work_number_order(&a.id, &b.id));
        Ok(judges)
    }

    /// (work, judge) pairs, sorted.
    pub fn assignments(&self) -> Result<Vec<(String, String)>> {
        self.assignments_in(None)
    }

    /// The assignment of the open round (`None`) or of closed round `round`.
    pub fn assignments_in(&self, round: Option<&str>) -> Result<Vec<(String, String)>> {
        let (table, filter) = archive(round, "assignments");
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT work_id, judge_id FROM {table} {filter}"))
            .map_err(self.err())?;
        let mut pairs: Vec<(String, String)> = stmt
            .query_map(round_param(round), |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        pairs.sort_by(|a, b| work_number_order(&a.0, &b.0).then(a.1.cmp(&b.1)));
        Ok(pairs)
    }

    pub fn ballots(&self) -> Result<Vec<BallotRecord>> {
        self.ballots_in(None)
    }

    /// The ballots of the open round (`None`) or of closed round `round`.
    pub fn ballots_in(&self, round: Option<&str>) -> Result<Vec<BallotRecord>> {
        let (table, filter) = archive(round, "ballots");
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT ballot_id, judge_id, key, file_name, assignment_version, issued_at,
                        merged_revision, merged_head, merged_at, submitted FROM {table} {filter}"
            ))
            .map_err(self.err())?;
        let mut ballots: Vec<BallotRecord> = stmt
            .query_map(round_param(round), |r| {
                let key: String = r.get(2)?;
                Ok(BallotRecord {
                    ballot_id: r.get(0)?,
                    judge_id: r.get(1)?,
                    key: BallotKey::parse(&key).unwrap_or_else(BallotKey::generate),
                    file_name: r.get(3)?,
                    assignment_version: r.get::<_, i64>(4)? as u64,
                    issued_at: r.get(5)?,
                    merged_revision: r.get::<_, i64>(6)? as u64,
                    merged_head: r.get(7)?,
                    merged_at: r.get(8)?,
                    submitted: r.get(9)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        ballots.sort_by(|a, b| work_number_order(&a.judge_id, &b.judge_id));
        Ok(ballots)
    }

    pub fn ballot(&self, ballot_id: &str) -> Result<Option<BallotRecord>> {
        Ok(self
            .ballots()?
            .into_iter()
            .find(|b| b.ballot_id == ballot_id))
    }

    /// Everything merged so far.
    pub fn merged(&self) -> Result<MergedScores> {
        self.merged_in(None)
    }

    /// What was merged in the open round (`None`) or in closed round `round`.
    pub fn merged_in(&self, round: Option<&str>) -> Result<MergedScores> {
        let mut out = MergedScores::default();
        let (table, filter) = archive(round, "scores");
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT judge_id, work_id, criterion_id, steps FROM {table} {filter}"
            ))
            .map_err(self.err())?;
        // Ids are interned as the rows come (no string allocated per row).
        let mut scores = jury_core::records::ScoreTableBuilder::default();
        let mut rows = stmt.query(round_param(round)).map_err(self.err())?;
        while let Some(r) = rows.next().map_err(self.err())? {
            let text = |i: usize| -> rusqlite::Result<&str> {
                r.get_ref(i)?.as_str().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })
            };
            let steps: i64 = r.get(3).map_err(self.err())?;
            scores.push(
                text(0).map_err(self.err())?,
                text(1).map_err(self.err())?,
                text(2).map_err(self.err())?,
                steps as u32,
            );
        }
        drop(rows);
        out.scores = scores.finish();
        for (table, target) in [
            ("comments", &mut out.comments),
            ("recusals", &mut out.recusals),
        ] {
            let column = if table == "comments" {
                "text"
            } else {
                "reason"
            };
            let (table, filter) = archive(round, table);
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT judge_id, work_id, {column} FROM {table} {filter}"
                ))
                .map_err(self.err())?;
            let rows: Vec<(String, String, String)> = stmt
                .query_map(round_param(round), |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .and_then(|rows| rows.collect())
                .map_err(self.err())?;
            for (j, w, t) in rows {
                target.insert((j, w), t);
            }
        }
        Ok(out)
    }

    pub fn audit(&self) -> Result<Vec<AuditEntry>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, at, action, file, file_sha256, ballot_id, judge_id, revision,
                        chain_head, outcome, detail FROM audit ORDER BY seq",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    action: r.get(2)?,
                    file: r.get(3)?,
                    file_sha256: r.get(4)?,
                    ballot_id: r.get(5)?,
                    judge_id: r.get(6)?,
                    revision: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
                    chain_head: r.get(8)?,
                    outcome: r.get(9)?,
                    detail: r.get(10)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(self.err())?;
        Ok(rows)
    }

    /// `PRAGMA integrity_check` says "ok".
    /// SQLite's `PRAGMA data_version`: it changes whenever another connection (another
    /// process's merge, import or issue) commits, so a reader can reload only on change.
    pub fn data_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(self.err())
    }

    pub fn integrity_ok(&self) -> Result<bool> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(self.err())?;
        Ok(result == "ok")
    }
}

/// The live table, or its archive filtered on the round.
pub(crate) fn archive(round: Option<&str>, table: &str) -> (String, &'static str) {
    match round {
        None => (table.to_string(), ""),
        Some(_) => (format!("round_{table}"), "WHERE round_id = ?1"),
    }
}

pub(crate) fn round_param(round: Option<&str>) -> rusqlite::ParamsFromIter<Option<String>> {
    rusqlite::params_from_iter(round.map(str::to_string))
}

fn meta_in(conn: &Connection, path: &Path, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(sqlite_err(path))
}

/// Raises the assignment version inside a transaction and returns the new value.
pub fn bump_assignment_version(tx: &Transaction<'_>, path: &Path) -> Result<u64> {
    let current: u64 = meta_in(tx, path, "assignment_version")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let next = current + 1;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('assignment_version', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [next.to_string()],
    )
    .map_err(sqlite_err(path))?;
    Ok(next)
}

pub fn put_probe(tx: &Transaction<'_>, path: &Path, work_id: &str, p: &ProbeRecord) -> Result<()> {
    tx.execute(
        "INSERT INTO probes (work_id, checked_at, media_path, found, compliant, sha256, size_bytes, duration_ms, note, findings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(work_id) DO UPDATE SET checked_at = excluded.checked_at,
             media_path = excluded.media_path, found = excluded.found,
             compliant = excluded.compliant, sha256 = excluded.sha256,
             size_bytes = excluded.size_bytes, duration_ms = excluded.duration_ms,
             note = excluded.note, findings = excluded.findings",
        params![
            work_id,
            p.checked_at,
            p.media_path,
            p.found,
            p.compliant,
            p.sha256,
            p.size_bytes.map(|v| v as i64),
            p.duration_ms.map(|v| v as i64),
            p.note,
            p.findings
                .as_ref()
                .and_then(|f| serde_json::to_string(f).ok())
        ],
    )
    .map_err(sqlite_err(path))?;
    Ok(())
}

/// Appends one audit row inside the caller's transaction.
pub fn append_audit(tx: &Transaction<'_>, path: &Path, entry: &AuditEntry) -> Result<i64> {
    tx.execute(
        "INSERT INTO audit (at, action, file, file_sha256, ballot_id, judge_id, revision, chain_head, outcome, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            entry.at,
            entry.action,
            entry.file,
            entry.file_sha256,
            entry.ballot_id,
            entry.judge_id,
            entry.revision.map(|v| v as i64),
            entry.chain_head,
            entry.outcome,
            entry.detail
        ],
    )
    .map_err(sqlite_err(path))?;
    Ok(tx.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn master(dir: &Path) -> Master {
        Master::create(&dir.join(MASTER_FILE), &BallotKey::generate(), "c1").unwrap()
    }

    #[test]
    fn create_then_open_with_the_same_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MASTER_FILE);
        let key = BallotKey::parse("correct horse battery staple").unwrap();
        Master::create(&path, &key, "cq").unwrap();
        let m = Master::open(&path, &key).unwrap();
        assert_eq!(m.contest_id().unwrap(), "cq");
        assert_eq!(m.assignment_version().unwrap(), 0);
        assert!(m.integrity_ok().unwrap());
        let wrong = BallotKey::parse("wrong").unwrap();
        assert!(matches!(
            Master::open(&path, &wrong),
            Err(StoreError::WrongKey { .. })
        ));
        assert!(matches!(
            Master::create(&path, &key, "cq"),
            Err(StoreError::Exists { .. })
        ));
    }

    #[test]
    fn a_master_of_the_previous_schema_gains_the_rounds_tables_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MASTER_FILE);
        let key = BallotKey::generate();
        let m = Master::create(&path, &key, "cq").unwrap();
        for t in [
            "round_closed",
            "round_works",
            "round_assignments",
            "round_ballots",
            "round_scores",
            "round_comments",
            "round_recusals",
            "rulings",
        ] {
            m.conn.execute_batch(&format!("DROP TABLE {t}")).unwrap();
        }
        drop(m);
        let m = Master::open(&path, &key).unwrap();
        assert!(m.rulings().unwrap().is_empty());
        assert!(m.closed_rounds().unwrap().is_empty());
        assert_eq!(m.open_round().unwrap(), None);
        assert!(m.ballots_in(Some("初评")).unwrap().is_empty());
        drop(m);
        Master::open(&path, &key).expect("a second open changes nothing");
    }

    /// The audit row the assignment tests store with their assignments.
    fn assign_audit() -> AuditEntry {
        AuditEntry::contest_wide(0, "assign", "assigned", String::new())
    }

    #[test]
    fn data_version_moves_only_when_another_connection_commits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MASTER_FILE);
        let key = BallotKey::generate();
        Master::create(&path, &key, "cq").unwrap();
        let reader = Master::open(&path, &key).unwrap();
        let before = reader.data_version().unwrap();
        assert_eq!(reader.data_version().unwrap(), before, "nothing changed");
        let mut writer = Master::open(&path, &key).unwrap();
        writer.store_assignment(&[], &assign_audit()).unwrap();
        assert_ne!(
            reader.data_version().unwrap(),
            before,
            "a commit elsewhere shows"
        );
    }

    #[test]
    fn replacing_assignments_raises_the_version_and_sorts_numerically() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = master(dir.path());
        m.write(|tx, path| {
            for id in ["10", "2"] {
                tx.execute(
                    "INSERT INTO works (id, title, unit, district) VALUES (?1, 't', 'u', 'd')",
                    [id],
                )
                .map_err(sqlite_err(path))?;
            }
            tx.execute(
                "INSERT INTO judges (id, name, unit) VALUES ('J1', 'n', 'u2')",
                [],
            )
            .map_err(sqlite_err(path))?;
            Ok(())
        })
        .unwrap();
        let rows = vec![
            ("10".to_string(), "J1".to_string(), false),
            ("2".to_string(), "J1".to_string(), false),
        ];
        assert_eq!(m.store_assignment(&rows, &assign_audit()).unwrap(), 1);
        assert_eq!(m.store_assignment(&rows, &assign_audit()).unwrap(), 2);
        let got = m.assignments().unwrap();
        assert_eq!(got[0].0, "2");
        assert_eq!(got[1].0, "10");
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = master(dir.path());
        let result: Result<()> = m.write(|tx, path| {
            tx.execute(
                "INSERT INTO works (id, title, unit, district) VALUES ('1', 't', 'u', 'd')",
                [],
            )
            .map_err(sqlite_err(path))?;
            Err(StoreError::EmptyReason)
        });
        assert!(result.is_err());
        assert!(m.works().unwrap().is_empty());
    }

    #[test]
    fn probes_round_trip_and_fold_into_ballot_works() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = master(dir.path());
        m.write(|tx, path| {
            tx.execute(
                "INSERT INTO works (id, title, unit, district, media_file) VALUES ('7', 't', 'u', 'd', 'v.mp4')",
                [],
            )
            .map_err(sqlite_err(path))?;
            Ok(())
        })
        .unwrap();
        let probe = ProbeRecord {
            checked_at: 5,
            media_path: Some("/m/v.mp4".into()),
            found: true,
            compliant: false,
            sha256: Some("ab".repeat(32)),
            size_bytes: Some(100),
            duration_ms: Some(6000),
            note: "too short".into(),
            findings: Some(jury_core::model::ProbeFindings {
                found: true,
                summary: Some("mp4 · 0:06".into()),
                violations: vec![serde_json::json!("NoVideo")],
            }),
        };
        m.set_probe("7", &probe).unwrap();
        assert_eq!(m.probes().unwrap()["7"], probe);
        let works = m.ballot_works().unwrap();
        assert_eq!(works[0].media_file, "v.mp4");
        assert_eq!(works[0].duration_ms, Some(6000));
        assert_eq!(works[0].probe_note.as_deref(), Some("too short"));
        assert_eq!(works[0].probe_findings, probe.findings);
    }
}
