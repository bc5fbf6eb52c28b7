//! The judge's ballot file: an SQLCipher database holding a snapshot of the contest and the
//! judge's works, their scores, comments, recusals and playback progress, and a hash-chained
//! event log. Every change is one IMMEDIATE transaction that also appends its event and
//! raises the revision; callers show "saved" only once a method here has returned Ok.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::cipher::{open_encrypted, set_durable, sqlite_err, OpenMode};
use super::{Result, StoreError};
use jury_core::chain::{self, Event, Replay};
use jury_core::key::BallotKey;
use jury_core::model::{Contest, Judge, Work};

pub const FORMAT_VERSION: &str = "1";

/// The exact ballot schema; the merger refuses any file whose schema differs.
pub const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    submitted INTEGER NOT NULL CHECK (submitted IN (0, 1)),
    chain_head TEXT NOT NULL
);
CREATE TABLE works (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    unit TEXT NOT NULL,
    district TEXT NOT NULL,
    media_file TEXT NOT NULL,
    media_sha256 TEXT,
    probe_note TEXT,
    duration_ms INTEGER
);
CREATE TABLE criteria (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    max_steps INTEGER NOT NULL CHECK (max_steps > 0),
    UNIQUE (id, max_steps)
);
CREATE TABLE scores (
    work_id TEXT NOT NULL REFERENCES works(id),
    criterion_id TEXT NOT NULL,
    max_steps INTEGER NOT NULL,
    steps INTEGER NOT NULL CHECK (steps >= 0 AND steps <= max_steps),
    PRIMARY KEY (work_id, criterion_id),
    FOREIGN KEY (criterion_id, max_steps) REFERENCES criteria(id, max_steps)
);
CREATE TABLE comments (
    work_id TEXT PRIMARY KEY REFERENCES works(id),
    text TEXT NOT NULL CHECK (length(text) > 0)
);
CREATE TABLE recusals (
    work_id TEXT PRIMARY KEY REFERENCES works(id),
    reason TEXT NOT NULL CHECK (length(reason) > 0)
);
CREATE TABLE progress (
    work_id TEXT PRIMARY KEY REFERENCES works(id),
    furthest_ms INTEGER NOT NULL CHECK (furthest_ms >= 0),
    watched_ms INTEGER NOT NULL CHECK (watched_ms >= 0),
    last_ms INTEGER NOT NULL CHECK (last_ms >= 0)
);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
";

pub use jury_core::ballot::{BallotData, BallotInit, BallotNotes, Commit, Progress};

pub struct Ballot {
    conn: Connection,
    path: PathBuf,
    /// The events replayed as of one revision, for the revision rule of the next score (see
    /// [`ReplayCache`]): a commit then costs its own statements, not a pass over the chain.
    replay: std::cell::RefCell<Option<ReplayCache>>,
}

/// What [`Ballot::replay_events`] found at `revision` with chain head `head`. Valid only
/// while the ballot's state still says that revision and head: another connection's commit
/// (a second jury on the same file) moves them, and the cache is rebuilt from the chain.
struct ReplayCache {
    revision: u64,
    head: String,
    /// None: no score was submitted up to this revision, so none is a revision until the
    /// next submission (the replay is not kept: only a submission makes it matter).
    replay: Option<Replay>,
}

use crate::master::now_secs;

impl Ballot {
    /// Writes a new ballot file. Fails if `path` exists.
    pub fn create(path: &Path, key: &BallotKey, init: &BallotInit) -> Result<Ballot> {
        let conn = open_encrypted(path, key, OpenMode::Create)?;
        set_durable(&conn, path)?;
        let mut ballot = Ballot {
            conn,
            path: path.to_path_buf(),
            replay: Default::default(),
        };
        ballot.write_initial(init)?;
        Ok(ballot)
    }

    fn write_initial(&mut self, init: &BallotInit) -> Result<()> {
        let path = self.path.clone();
        let err = sqlite_err(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute_batch(SCHEMA).map_err(&err)?;
        let contest_json = serde_json::to_string(&init.contest).map_err(|e| corrupt(&path, e))?;
        let judge_json = serde_json::to_string(&init.judge).map_err(|e| corrupt(&path, e))?;
        let mut meta = vec![
            ("format", FORMAT_VERSION.to_string()),
            ("ballot_id", init.ballot_id.clone()),
            ("contest_id", init.contest.id.clone()),
            ("judge_id", init.judge.id.clone()),
            ("contest", contest_json),
            ("judge", judge_json),
            ("assignment_version", init.assignment_version.to_string()),
        ];
        if let Some(dir) = &init.media_dir {
            meta.push(("media_dir", dir.clone()));
        }
        if let Some(dir) = &init.sync_dir {
            meta.push(("sync_dir", dir.clone()));
        }
        // The probe's findings, per work, as data (a meta row: the works table of earlier
        // ballots stays as it was, and a ballot without the row shows the prose notes).
        let findings: BTreeMap<&str, &jury_core::model::ProbeFindings> = init
            .works
            .iter()
            .filter_map(|w| Some((w.id.as_str(), w.probe_findings.as_ref()?)))
            .collect();
        if !findings.is_empty() {
            let json = serde_json::to_string(&findings).map_err(|e| corrupt(&path, e))?;
            meta.push(("probe_findings", json));
        }
        for (k, v) in meta {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![k, v],
            )
            .map_err(&err)?;
        }
        for (i, w) in init.works.iter().enumerate() {
            tx.execute(
                "INSERT INTO works (id, position, title, unit, district, media_file, media_sha256, probe_note, duration_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![w.id, i as i64, w.title, w.unit, w.district, w.media_file, w.media_sha256, w.probe_note, w.duration_ms.map(|d| d as i64)],
            )
            .map_err(&err)?;
        }
        for (i, c) in init.contest.rubric.criteria().enumerate() {
            tx.execute(
                "INSERT INTO criteria (id, position, max_steps) VALUES (?1, ?2, ?3)",
                params![c.id, i as i64, c.max_steps()],
            )
            .map_err(&err)?;
        }
        let created = Event::Created {
            ballot_id: init.ballot_id.clone(),
            contest_id: init.contest.id.clone(),
            judge_id: init.judge.id.clone(),
            works: init.works.iter().map(|w| w.id.clone()).collect(),
        };
        let head = append_event(&tx, &path, 1, &chain::genesis(&init.ballot_id), &created)?;
        tx.execute(
            "INSERT INTO state (id, revision, submitted, chain_head) VALUES (1, 1, 0, ?1)",
            params![head],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(())
    }

    /// Opens an existing ballot for reading and writing (the judge's TUI).
    pub fn open(path: &Path, key: &BallotKey) -> Result<Ballot> {
        let conn = open_encrypted(path, key, OpenMode::ReadWrite)?;
        set_durable(&conn, path)?;
        let ballot = Ballot {
            conn,
            path: path.to_path_buf(),
            replay: Default::default(),
        };
        ballot.check_format()?;
        Ok(ballot)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn check_format(&self) -> Result<()> {
        let found = self.meta("format")?.unwrap_or_else(|| "none".into());
        if found != FORMAT_VERSION {
            return Err(StoreError::Format {
                path: self.path.clone(),
                found,
                expected: FORMAT_VERSION.into(),
            });
        }
        Ok(())
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")
            .and_then(|mut stmt| stmt.query_row([key], |r| r.get(0)).optional())
            .map_err(sqlite_err(&self.path))
    }

    fn required_meta(&self, key: &str) -> Result<String> {
        self.meta(key)?.ok_or_else(|| StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!("meta `{key}` is missing"),
        })
    }

    /// Reads the whole ballot.
    pub fn load(&self) -> Result<BallotData> {
        let path = &self.path;
        let err = sqlite_err(path);
        let contest: Contest =
            serde_json::from_str(&self.required_meta("contest")?).map_err(|e| corrupt(path, e))?;
        let judge: Judge =
            serde_json::from_str(&self.required_meta("judge")?).map_err(|e| corrupt(path, e))?;
        let mut stmt = self
            .conn
            .prepare("SELECT id, title, unit, district, media_file, media_sha256, probe_note, duration_ms FROM works ORDER BY position")
            .map_err(&err)?;
        let works = stmt
            .query_map([], |r| {
                Ok(Work {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    unit: r.get(2)?,
                    district: r.get(3)?,
                    media_file: r.get(4)?,
                    media_sha256: r.get(5)?,
                    probe_note: r.get(6)?,
                    duration_ms: r.get::<_, Option<i64>>(7)?.map(|d| d.max(0) as u64),
                    probe_findings: None,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(&err)?;
        let mut works = works;
        if let Some(json) = self.meta("probe_findings")? {
            let mut findings: BTreeMap<String, jury_core::model::ProbeFindings> =
                serde_json::from_str(&json).map_err(|e| corrupt(path, e))?;
            for w in &mut works {
                w.probe_findings = findings.remove(&w.id);
            }
        }
        let scores = self.pairs("SELECT work_id, criterion_id, steps FROM scores", |r| {
            Ok(((r.get(0)?, r.get(1)?), r.get::<_, u32>(2)?))
        })?;
        let comments = self.pairs("SELECT work_id, text FROM comments", |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        let recusals = self.pairs("SELECT work_id, reason FROM recusals", |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        let progress = self.pairs(
            "SELECT work_id, furthest_ms, watched_ms, last_ms FROM progress",
            |r| {
                Ok((
                    r.get(0)?,
                    Progress {
                        furthest_ms: r.get::<_, i64>(1)?.max(0) as u64,
                        watched_ms: r.get::<_, i64>(2)?.max(0) as u64,
                        last_ms: r.get::<_, i64>(3)?.max(0) as u64,
                    },
                ))
            },
        )?;
        let (revision, submitted, chain_head) = self.state()?;
        Ok(BallotData {
            ballot_id: self.required_meta("ballot_id")?,
            contest,
            judge,
            works,
            media_dir: self.meta("media_dir")?,
            assignment_version: match self.meta("assignment_version")? {
                None => 0,
                Some(v) => v.parse().map_err(|e| corrupt(path, e))?,
            },
            sync_dir: self.meta("sync_dir")?,
            scores,
            comments,
            recusals,
            progress,
            revision,
            submitted,
            chain_head,
            round: self.meta("round")?,
            disqualified: match self.meta("disqualified")? {
                None => BTreeMap::new(),
                Some(json) => serde_json::from_str(&json).map_err(|e| corrupt(path, e))?,
            },
        })
    }

    /// Writes the organizer's notes (round, disqualified works) into a ballot being issued.
    /// They are meta rows, not events: the judge's entries and the chain are unaffected.
    pub fn set_notes(&mut self, notes: &BallotNotes) -> Result<()> {
        let err = sqlite_err(&self.path);
        let json =
            serde_json::to_string(&notes.disqualified).map_err(|e| corrupt(&self.path, e))?;
        let tx = self.conn.transaction().map_err(&err)?;
        for (key, value) in [("round", notes.round.clone()), ("disqualified", Some(json))] {
            tx.execute("DELETE FROM meta WHERE key = ?1", [key])
                .map_err(&err)?;
            if let Some(v) = value.filter(|v| v != "{}") {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    params![key, v],
                )
                .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    fn pairs<K: Ord, V>(
        &self,
        sql: &str,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<(K, V)>,
    ) -> Result<BTreeMap<K, V>> {
        let err = sqlite_err(&self.path);
        let mut stmt = self.conn.prepare(sql).map_err(&err)?;
        let rows = stmt.query_map([], row).map_err(&err)?;
        rows.collect::<rusqlite::Result<BTreeMap<K, V>>>()
            .map_err(&err)
    }

    fn state(&self) -> Result<(u64, bool, String)> {
        state_of(&self.conn).map_err(sqlite_err(&self.path))
    }

    fn work_exists(tx: &rusqlite::Transaction<'_>, path: &Path, work: &str) -> Result<()> {
        let found: Option<i64> = tx
            .prepare_cached("SELECT 1 FROM works WHERE id = ?1")
            .and_then(|mut stmt| stmt.query_row([work], |r| r.get(0)).optional())
            .map_err(sqlite_err(path))?;
        found
            .map(|_| ())
            .ok_or_else(|| StoreError::UnknownWork(work.to_string()))
    }

    fn is_recused(tx: &rusqlite::Transaction<'_>, path: &Path, work: &str) -> Result<bool> {
        tx.prepare_cached("SELECT 1 FROM recusals WHERE work_id = ?1")
            .and_then(|mut stmt| stmt.query_row([work], |_| Ok(())).optional())
            .map(|o| o.is_some())
            .map_err(sqlite_err(path))
    }

    /// Runs `apply` and appends `event` in one transaction; refuses changes to a submitted
    /// ballot except reopening it.
    fn change(
        &mut self,
        event: &Event,
        apply: impl FnOnce(&rusqlite::Transaction<'_>, &Path) -> Result<()>,
    ) -> Result<Commit> {
        let path = self.path.clone();
        let err = sqlite_err(&path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let (revision, submitted, head) = state_of(&tx).map_err(&err)?;
        let revision = revision as i64;
        match (event, submitted) {
            (Event::Reopen, false) => return Err(StoreError::NotSubmitted),
            (Event::Reopen, true) => {}
            // Confirming the final results changes nothing the judge submitted.
            (Event::Confirm { .. }, _) => {}
            (_, true) => return Err(StoreError::Submitted),
            _ => {}
        }
        apply(&tx, &path)?;
        let revision = revision + 1;
        let hash = append_event(&tx, &path, revision, &head, event)?;
        tx.prepare_cached(
            "UPDATE state SET revision = ?1, chain_head = ?2, submitted = ?3 WHERE id = 1",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                revision,
                hash,
                i64::from(match event {
                    Event::Submit => true,
                    Event::Reopen => false,
                    _ => submitted,
                })
            ])
        })
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        // The cached replay follows the commit if it was the state this commit built on.
        let mut cache = self.replay.borrow_mut();
        *cache = cache.take().and_then(|mut c| {
            if c.revision + 1 != revision as u64 || c.head != head {
                return None;
            }
            c.replay = match c.replay {
                // The first submission needs the scores as they stand: read from the chain
                // when next needed.
                None if *event == Event::Submit => return None,
                None => None,
                Some(mut replay) => {
                    replay.apply(event);
                    Some(replay)
                }
            };
            c.revision = revision as u64;
            c.head = hash.clone();
            Some(c)
        });
        Ok(Commit {
            revision: revision as u64,
            chain_head: hash,
        })
    }

    /// Commits one change to the ballot: checks it, updates the tables and appends the event
    /// to the chain, all in one transaction. A submitted ballot takes only `Reopen`; a
    /// recusal's reason is stored trimmed and must not be empty; `Created` is refused (a
    /// ballot is created once, by [`Ballot::create`]).
    pub fn commit(&mut self, event: &Event) -> Result<Commit> {
        match event {
            Event::Created { .. } => Err(StoreError::Exists {
                path: self.path.clone(),
            }),
            Event::Score {
                work,
                criterion,
                steps,
                reason,
            } => {
                // A submitted ballot takes no score at all (said before the reason rule).
                let (current, submitted, head) = self.state()?;
                if submitted {
                    return Err(StoreError::Submitted);
                }
                let revision = self.cached_revision(current, &head, event)?;
                if let Some(r) = &revision {
                    if r.reason.is_none() {
                        return Err(StoreError::RevisionNeedsReason {
                            work: work.clone(),
                            criterion: criterion.clone(),
                        });
                    }
                }
                // A reason is stored trimmed, and only on a revision.
                let kept = revision.and_then(|r| r.reason);
                if kept != *reason {
                    return self.commit(&Event::Score {
                        work: work.clone(),
                        criterion: criterion.clone(),
                        steps: *steps,
                        reason: kept,
                    });
                }
                self.change(event, |tx, path| {
                let err = sqlite_err(path);
                Self::work_exists(tx, path, work)?;
                let max_steps: u32 = tx
                    .prepare_cached("SELECT max_steps FROM criteria WHERE id = ?1")
                    .and_then(|mut stmt| stmt.query_row([criterion], |r| r.get(0)).optional())
                    .map_err(&err)?
                    .ok_or_else(|| StoreError::UnknownCriterion(criterion.to_string()))?;
                if Self::is_recused(tx, path, work)? {
                    return Err(StoreError::Recused(work.to_string()));
                }
                match *steps {
                    Some(s) if s > max_steps => Err(StoreError::OutOfRange {
                        criterion: criterion.clone(),
                        steps: s,
                        max_steps,
                    }),
                    Some(s) => tx
                        .prepare_cached(
                            "INSERT INTO scores (work_id, criterion_id, max_steps, steps) VALUES (?1, ?2, ?3, ?4)
                             ON CONFLICT (work_id, criterion_id) DO UPDATE SET steps = excluded.steps",
                        )
                        .and_then(|mut stmt| stmt.execute(params![work, criterion, max_steps, s]))
                        .map(|_| ())
                        .map_err(&err),
                    None => tx
                        .prepare_cached("DELETE FROM scores WHERE work_id = ?1 AND criterion_id = ?2")
                        .and_then(|mut stmt| stmt.execute(params![work, criterion]))
                        .map(|_| ())
                        .map_err(&err),
                }
            })
            }
            Event::Comment { work, text } => self.change(event, |tx, path| {
                Self::work_exists(tx, path, work)?;
                put_note(tx, path, Note::Comment, work, Some(text).filter(|t| !t.is_empty()))
            }),
            Event::Recuse { work, reason } => {
                let trimmed = reason.trim();
                if trimmed.is_empty() {
                    return Err(StoreError::EmptyReason);
                }
                if trimmed.len() != reason.len() {
                    return self.commit(&Event::Recuse {
                        work: work.clone(),
                        reason: trimmed.to_string(),
                    });
                }
                // A recused work is not scored: its scores go.
                self.change(event, |tx, path| {
                    Self::work_exists(tx, path, work)?;
                    tx.execute("DELETE FROM scores WHERE work_id = ?1", [work])
                        .map_err(sqlite_err(path))?;
                    put_note(tx, path, Note::Recusal, work, Some(reason))
                })
            }
            Event::Unrecuse { work } => self.change(event, |tx, path| {
                Self::work_exists(tx, path, work)?;
                put_note(tx, path, Note::Recusal, work, None)
            }),
            Event::Progress {
                work,
                furthest_ms,
                watched_ms,
                last_ms,
            } => self.change(event, |tx, path| {
                Self::work_exists(tx, path, work)?;
                tx.execute(
                    "INSERT INTO progress (work_id, furthest_ms, watched_ms, last_ms) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (work_id) DO UPDATE SET furthest_ms = excluded.furthest_ms,
                         watched_ms = excluded.watched_ms, last_ms = excluded.last_ms",
                    params![work, *furthest_ms as i64, *watched_ms as i64, *last_ms as i64],
                )
                .map(|_| ())
                .map_err(sqlite_err(path))
            }),
            Event::Submit | Event::Reopen => self.change(event, |_, _| Ok(())),
            Event::Confirm { fingerprint } => {
                let hex = fingerprint.len() == 64
                    && fingerprint.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
                if !hex {
                    return Err(StoreError::BadFingerprint(
                        jury_core::text::one_line(fingerprint, 80),
                    ));
                }
                self.change(event, |_, _| Ok(()))
            }
        }
    }

    /// The scores as they stood at the last submission (empty if never submitted): changing
    /// one of them needs a reason.
    pub fn submitted_scores(&self) -> Result<std::collections::BTreeMap<(String, String), u32>> {
        Ok(self.replay_events()?.at_submit)
    }

    /// What `event` revises (see [`Replay::revision`]) on the ballot at `revision` with chain
    /// head `head`, from the cached replay when it is of that state, else from the chain
    /// (then cached).
    fn cached_revision(
        &self,
        revision: u64,
        head: &str,
        event: &Event,
    ) -> Result<Option<jury_core::chain::Revision>> {
        let fresh =
            matches!(&*self.replay.borrow(), Some(c) if c.revision == revision && c.head == head);
        if !fresh {
            let replay = self.replay_events()?;
            let submitted_any = !replay.at_submit.is_empty();
            *self.replay.borrow_mut() = Some(ReplayCache {
                revision,
                head: head.to_string(),
                replay: submitted_any.then_some(replay),
            });
        }
        let cache = self.replay.borrow();
        Ok(cache
            .as_ref()
            .and_then(|c| c.replay.as_ref())
            .and_then(|r| r.revision(event)))
    }

    /// The ballot's events replayed (no hash checks: this is the ballot's own file, verified
    /// on open), for the revision rule. Skipped while the ballot was never submitted.
    fn replay_events(&self) -> Result<Replay> {
        let err = sqlite_err(&self.path);
        let mut replay = Replay::default();
        let ever_submitted = self
            .conn
            .query_row(
                "SELECT 1 FROM events WHERE kind = 'submit' LIMIT 1",
                [],
                |_| Ok(()),
            )
            .optional()
            .map_err(&err)?
            .is_some();
        if !ever_submitted {
            return Ok(replay);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT payload FROM events ORDER BY seq")
            .map_err(&err)?;
        let payloads = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(&err)?;
        for payload in payloads {
            let event: Event =
                serde_json::from_str(&payload).map_err(|e| corrupt(&self.path, e))?;
            replay.apply(&event);
        }
        Ok(replay)
    }

    /// Sets (Some) or clears (None) one criterion's score, in step units.
    pub fn set_score(&mut self, work: &str, criterion: &str, steps: Option<u32>) -> Result<Commit> {
        self.commit(&Event::Score {
            work: work.into(),
            criterion: criterion.into(),
            steps,
            reason: None,
        })
    }

    /// Changes a score after reopening a submitted ballot, with the reason the judge gave
    /// (required when the score was submitted; see [`Replay::revision`]).
    pub fn revise_score(
        &mut self,
        work: &str,
        criterion: &str,
        steps: Option<u32>,
        reason: &str,
    ) -> Result<Commit> {
        self.commit(&Event::Score {
            work: work.into(),
            criterion: criterion.into(),
            steps,
            reason: Some(reason.into()),
        })
    }

    /// Appends "results confirmed <fingerprint>" (the sign-off).
    pub fn confirm_results(&mut self, fingerprint: &str) -> Result<Commit> {
        self.commit(&Event::Confirm {
            fingerprint: fingerprint.into(),
        })
    }

    /// Sets a work's comment; an empty text removes it.
    pub fn set_comment(&mut self, work: &str, text: &str) -> Result<Commit> {
        self.commit(&Event::Comment {
            work: work.into(),
            text: text.into(),
        })
    }

    /// Recuses the judge from a work; its scores are removed (a recused work is not scored).
    pub fn recuse(&mut self, work: &str, reason: &str) -> Result<Commit> {
        self.commit(&Event::Recuse {
            work: work.into(),
            reason: reason.into(),
        })
    }

    pub fn unrecuse(&mut self, work: &str) -> Result<Commit> {
        self.commit(&Event::Unrecuse { work: work.into() })
    }

    pub fn record_progress(&mut self, work: &str, p: Progress) -> Result<Commit> {
        self.commit(&progress_event(work, p))
    }

    pub fn submit(&mut self) -> Result<Commit> {
        self.commit(&Event::Submit)
    }

    pub fn reopen(&mut self) -> Result<Commit> {
        self.commit(&Event::Reopen)
    }

    /// For every work recused now: the scores its last recusal removed, read back from the
    /// event chain (criterion, steps), in the order they were first given. What withdrawing
    /// the recusal can offer to restore, in this session or any later one.
    pub fn recusal_removals(&self) -> Result<BTreeMap<String, Vec<(String, u32)>>> {
        let err = sqlite_err(&self.path);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, payload FROM events WHERE kind IN ('score', 'recuse', 'unrecuse')
                 ORDER BY seq",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(&err)?;
        let mut scores: BTreeMap<String, Vec<(String, u32)>> = BTreeMap::new();
        let mut removed: BTreeMap<String, Vec<(String, u32)>> = BTreeMap::new();
        for (seq, payload) in rows {
            let event: Event = serde_json::from_str(&payload).map_err(|e| StoreError::Chain {
                path: self.path.clone(),
                seq,
                why: format!("unreadable event: {e}"),
            })?;
            match event {
                Event::Score {
                    work,
                    criterion,
                    steps,
                    ..
                } => {
                    let sheet = scores.entry(work).or_default();
                    match (sheet.iter().position(|(c, _)| *c == criterion), steps) {
                        (Some(i), Some(s)) => sheet[i].1 = s,
                        (Some(i), None) => _ = sheet.remove(i),
                        (None, Some(s)) => sheet.push((criterion, s)),
                        (None, None) => {}
                    }
                }
                Event::Recuse { work, .. } => {
                    let sheet = scores.remove(&work).unwrap_or_default();
                    if !sheet.is_empty() {
                        removed.insert(work, sheet);
                    }
                }
                _ => {}
            }
        }
        let recused: BTreeSet<String> = self.load()?.recusals.into_keys().collect();
        removed.retain(|w, _| recused.contains(w));
        Ok(removed)
    }

    /// Recomputes the event chain and replays it; the tables must equal what the events say.
    pub fn verify(&self) -> Result<Replay> {
        let path = &self.path;
        let err = sqlite_err(path);
        let broken = |seq: i64, why: String| StoreError::Chain {
            path: path.clone(),
            seq,
            why,
        };
        let ballot_id = self.required_meta("ballot_id")?;
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, kind, payload, prev_hash, hash FROM events ORDER BY seq")
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(&err)?;
        let mut prev = chain::genesis(&ballot_id);
        let mut replay = Replay::default();
        for (index, (seq, at, kind, payload, prev_hash, hash)) in rows.iter().enumerate() {
            if *seq != index as i64 + 1 {
                return Err(broken(*seq, format!("expected event {}", index + 1)));
            }
            if *prev_hash != prev {
                return Err(broken(*seq, "previous-hash link does not match".into()));
            }
            if *hash != chain::event_hash(prev_hash, *seq, *at, payload) {
                return Err(broken(*seq, "hash does not match its content".into()));
            }
            let event: Event = serde_json::from_str(payload)
                .map_err(|e| broken(*seq, format!("unreadable event: {e}")))?;
            if event.kind() != kind {
                return Err(broken(
                    *seq,
                    format!("kind `{kind}` does not match payload"),
                ));
            }
            match (&event, *seq) {
                (Event::Created { ballot_id: id, .. }, 1) if *id == ballot_id => {}
                (_, 1) => {
                    return Err(broken(
                        1,
                        "first event is not this ballot's creation".into(),
                    ))
                }
                (Event::Created { .. }, _) => {
                    return Err(broken(*seq, "a second creation event".into()))
                }
                _ => {}
            }
            if replay.revision(&event).is_some_and(|r| r.reason.is_none()) {
                return Err(broken(
                    *seq,
                    "a submitted score changed without a reason".into(),
                ));
            }
            replay.apply(&event);
            prev = hash.clone();
        }
        let (revision, submitted, head) = self.state()?;
        if head != prev {
            return Err(broken(
                rows.len() as i64,
                "chain head in state does not match the last event".into(),
            ));
        }
        if revision != rows.len() as u64 {
            return Err(broken(
                rows.len() as i64,
                format!("revision {revision} but {} events", rows.len()),
            ));
        }
        let data = self.load()?;
        if replay.scores != data.scores
            || replay.comments != data.comments
            || replay.recusals != data.recusals
            || replay.submitted != submitted
        {
            return Err(broken(
                rows.len() as i64,
                "current scores differ from what the events say".into(),
            ));
        }
        Ok(replay)
    }
}

fn corrupt(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// A text a judge keeps on one work: a comment, or the reason for a recusal.
#[derive(Clone, Copy)]
enum Note {
    Comment,
    Recusal,
}

/// Sets a work's note of `kind` to `text`, or removes it when `text` is None: the one writer
/// of the comments and recusals tables (one row per work, one text column each).
fn put_note(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    kind: Note,
    work: &str,
    text: Option<&String>,
) -> Result<()> {
    let (delete, upsert) = match kind {
        Note::Comment => (
            "DELETE FROM comments WHERE work_id = ?1",
            "INSERT INTO comments (work_id, text) VALUES (?1, ?2)
             ON CONFLICT (work_id) DO UPDATE SET text = excluded.text",
        ),
        Note::Recusal => (
            "DELETE FROM recusals WHERE work_id = ?1",
            "INSERT INTO recusals (work_id, reason) VALUES (?1, ?2)
             ON CONFLICT (work_id) DO UPDATE SET reason = excluded.reason",
        ),
    };
    match text {
        None => tx
            .prepare_cached(delete)
            .and_then(|mut stmt| stmt.execute([work])),
        Some(text) => tx
            .prepare_cached(upsert)
            .and_then(|mut stmt| stmt.execute(params![work, text])),
    }
    .map(|_| ())
    .map_err(sqlite_err(path))
}

/// The chain event that records playback progress on a work.
fn progress_event(work: &str, p: Progress) -> Event {
    Event::Progress {
        work: work.into(),
        furthest_ms: p.furthest_ms,
        watched_ms: p.watched_ms,
        last_ms: p.last_ms,
    }
}

/// Inserts the event with sequence number `seq` after `prev`, returning its hash.
fn append_event(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    seq: i64,
    prev: &str,
    event: &Event,
) -> Result<String> {
    let payload = serde_json::to_string(event).map_err(|e| corrupt(path, e))?;
    let at = now_secs();
    let hash = chain::event_hash(prev, seq, at, &payload);
    tx.prepare_cached(
        "INSERT INTO events (seq, at, kind, payload, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut stmt| stmt.execute(params![seq, at, event.kind(), payload, prev, hash]))
    .map_err(sqlite_err(path))?;
    Ok(hash)
}

/// The state row: (revision, submitted, chain head).
fn state_of(conn: &Connection) -> rusqlite::Result<(u64, bool, String)> {
    conn.prepare_cached("SELECT revision, submitted, chain_head FROM state WHERE id = 1")?
        .query_row([], |r| {
            Ok((
                r.get::<_, i64>(0)?.max(0) as u64,
                r.get::<_, i64>(1)? == 1,
                r.get(2)?,
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_ballot(dir: &Path) -> Ballot {
        let init = jury_core::sample::sample_init(2, "b-1");
        Ballot::create(&dir.join("c-j.ballot"), &BallotKey::generate(), &init).unwrap()
    }

    /// A new ballot of two works in `dir`, with its key and path (for a second session).
    fn keyed_ballot(dir: &Path) -> (Ballot, BallotKey, PathBuf) {
        let key = BallotKey::generate();
        let init = jury_core::sample::sample_init(2, "b-1");
        let path = dir.join("c-j.ballot");
        let ballot = Ballot::create(&path, &key, &init).unwrap();
        (ballot, key, path)
    }

    #[test]
    fn a_recusals_removed_scores_are_read_back_from_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let (mut b, key, path) = keyed_ballot(dir.path());
        b.set_score("001", "theme", Some(20)).unwrap();
        b.set_score("001", "story", Some(3)).unwrap();
        b.set_score("001", "theme", Some(18)).unwrap();
        b.set_score("002", "theme", Some(9)).unwrap();
        b.recuse("001", "同单位").unwrap();
        b.recuse("002", "亲属").unwrap();
        b.unrecuse("002").unwrap();
        drop(b);
        // Another session: the tables no longer hold the scores, the chain does.
        let b = Ballot::open(&path, &key).unwrap();
        assert!(b.load().unwrap().scores.is_empty());
        let removed = b.recusal_removals().unwrap();
        assert_eq!(
            removed.into_iter().collect::<Vec<_>>(),
            vec![(
                "001".to_string(),
                vec![("theme".to_string(), 18), ("story".to_string(), 3)]
            )],
            "002 is no longer recused"
        );
    }

    #[test]
    fn the_revision_rule_sees_a_submission_made_through_another_connection() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, key, path) = keyed_ballot(dir.path());
        a.set_score("001", "theme", Some(18)).unwrap();
        a.submit().unwrap();
        a.reopen().unwrap();
        // `a` now holds the replay of its own state: story was not submitted.
        a.set_score("001", "story", Some(5)).unwrap();
        let mut b = Ballot::open(&path, &key).unwrap();
        b.set_score("001", "story", Some(6)).unwrap();
        b.submit().unwrap();
        b.reopen().unwrap();
        drop(b);
        assert!(
            matches!(
                a.set_score("001", "story", Some(7)),
                Err(StoreError::RevisionNeedsReason { .. })
            ),
            "story was submitted through the other connection"
        );
        a.revise_score("001", "story", Some(7), "复核").unwrap();
        // The cache follows `a`'s own commits: a second revision needs a reason too.
        assert!(matches!(
            a.set_score("001", "theme", Some(3)),
            Err(StoreError::RevisionNeedsReason { .. })
        ));
        a.verify().unwrap();
    }

    #[test]
    fn every_change_goes_through_commit_and_replays_to_the_tables() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = new_ballot(dir.path());
        let events = [
            Event::Score {
                work: "001".into(),
                criterion: "theme".into(),
                steps: Some(20),
                reason: None,
            },
            Event::Comment {
                work: "001".into(),
                text: "画面清晰".into(),
            },
            Event::Recuse {
                work: "002".into(),
                reason: "  同单位 ".into(),
            },
            Event::Progress {
                work: "001".into(),
                furthest_ms: 5_000,
                watched_ms: 4_000,
                last_ms: 3_000,
            },
            Event::Unrecuse { work: "002".into() },
            Event::Submit,
            Event::Reopen,
        ];
        for (i, e) in events.iter().enumerate() {
            assert_eq!(b.commit(e).unwrap().revision, i as u64 + 2, "{e:?}");
        }
        let d = b.load().unwrap();
        assert_eq!(d.score("001", "theme"), Some(20));
        assert_eq!(d.comments["001"], "画面清晰");
        assert!(d.recusals.is_empty() && !d.submitted);
        assert_eq!(d.progress["001"].watched_ms, 4_000);
        b.verify().unwrap();
    }

    #[test]
    fn commit_refuses_what_the_methods_refuse_and_stores_reasons_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = new_ballot(dir.path());
        let recuse = |reason: &str| Event::Recuse {
            work: "001".into(),
            reason: reason.into(),
        };
        assert!(matches!(
            b.commit(&recuse("   ")),
            Err(StoreError::EmptyReason)
        ));
        b.commit(&recuse(" 亲属作品 ")).unwrap();
        assert_eq!(b.load().unwrap().recusals["001"], "亲属作品");
        let created = Event::Created {
            ballot_id: "b-1".into(),
            contest_id: "c".into(),
            judge_id: "j".into(),
            works: vec![],
        };
        assert!(matches!(b.commit(&created), Err(StoreError::Exists { .. })));
        assert!(matches!(
            b.commit(&Event::Reopen),
            Err(StoreError::NotSubmitted)
        ));
        b.verify()
            .expect("the trimmed reason is what the chain holds");
    }

    #[test]
    fn a_submitted_score_changes_only_with_a_reason_and_confirmations_need_a_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = new_ballot(dir.path());
        b.set_score("001", "theme", Some(18)).unwrap();
        b.submit().unwrap();
        let fp = "ab".repeat(32);
        b.confirm_results(&fp).unwrap();
        assert!(matches!(
            b.confirm_results("AB"),
            Err(StoreError::BadFingerprint(_))
        ));
        b.reopen().unwrap();
        // A criterion left open before submitting is scored freely.
        b.set_score("001", "story", Some(10)).unwrap();
        assert!(matches!(
            b.set_score("001", "theme", Some(22)),
            Err(StoreError::RevisionNeedsReason { .. })
        ));
        assert!(matches!(
            b.revise_score("001", "theme", Some(22), "   "),
            Err(StoreError::RevisionNeedsReason { .. })
        ));
        b.revise_score("001", "theme", Some(22), " 讨论后修正 ")
            .unwrap();
        // Back to the submitted value: no revision, and no reason kept.
        b.revise_score("001", "story", Some(12), "不需要").unwrap();
        let payloads: Vec<String> = {
            let mut stmt = b
                .connection()
                .prepare("SELECT payload FROM events ORDER BY seq")
                .unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.map(|r| r.unwrap()).collect()
        };
        assert!(payloads
            .iter()
            .any(|p| p.contains(r#""reason":"讨论后修正""#)));
        assert!(!payloads.iter().any(|p| p.contains("不需要")));
        assert!(payloads.iter().any(|p| p.contains(r#""kind":"confirm""#)));
        b.verify().unwrap();
        assert_eq!(b.load().unwrap().score("001", "theme"), Some(22));
    }
}
