//! The hostile-ballot verifier: everything the organizer's merge checks before a returned
//! ballot may touch the master database.
//!
//! A ballot arrives over a USB stick, e-mail or a shared folder, so its bytes are attacker
//! input even when they decrypt. The file is copied to a private temporary folder first (the
//! sender cannot change it while we read, and SQLite never writes next to the original), then
//! opened read-only with SQLite's defensive settings: DBCONFIG_DEFENSIVE, trusted_schema off,
//! cell_size_check on, no mmap, no ATTACH and tight limits. `PRAGMA quick_check` runs
//! before anything else (see [`read_verified`] for why not the full `integrity_check`), the schema must equal [`SCHEMA`] exactly (no extra tables, indexes,
//! triggers or views), and all data is read through fixed SELECTs into typed values. Then the
//! event chain is recomputed and replayed; the tables must equal what the events say.
//! [`check_against`] finally compares the ballot with what the master expects.

use rusqlite::limits::Limit;
use rusqlite::{config::DbConfig, Connection, ErrorCode, OpenFlags, OptionalExtension};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::ballot::{FORMAT_VERSION, SCHEMA};
use jury_core::chain::{self, sha256_hex, Event, Replay};
use jury_core::key::BallotKey;
use jury_core::text::safe_line;

/// Larger files are refused unread: a ballot of 1,000 works with a long history is a few MB.
pub const MAX_BALLOT_BYTES: u64 = 64 * 1024 * 1024;
/// Longest text or blob value read from a ballot (comments, the contest snapshot).
const MAX_VALUE_BYTES: i32 = 4 * 1024 * 1024;
/// Rows read from one table at most; more means a crafted file.
const MAX_ROWS: usize = 1_000_000;

/// Text from a hostile file made safe for one terminal line: control characters (newlines,
/// escape sequences) become spaces and the length is capped.
pub use jury_core::text::one_line;

/// Which file (and, once known, which judge) a message is about, with what is known of the
/// file itself: its size from the metadata, its SHA-256 once it was read. The name is kept as
/// it is (data for the audit log); `Display` shows it through [`safe_line`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub judge: Option<String>,
    /// Boxed: every refusal carries an `Origin`, and errors should stay small.
    pub facts: Option<Box<FileFacts>>,
}

/// What is known of a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// From the metadata, or the bytes read.
    pub bytes: u64,
    /// Once the file was read.
    pub sha256: Option<String>,
}

impl Origin {
    /// A file nothing is known of yet.
    pub fn file(file: &Path) -> Origin {
        Origin {
            file: file.to_path_buf(),
            ..Origin::default()
        }
    }

    pub fn bytes(&self) -> Option<u64> {
        self.facts.as_ref().map(|f| f.bytes)
    }

    pub fn sha256(&self) -> Option<&str> {
        self.facts.as_ref()?.sha256.as_deref()
    }

    fn with_size(mut self, bytes: u64) -> Origin {
        self.facts = Some(Box::new(FileFacts {
            bytes,
            sha256: None,
        }));
        self
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", safe_line(&self.file.display().to_string()))?;
        if let Some(j) = &self.judge {
            write!(f, " (judge {})", safe_line(j))?;
        }
        Ok(())
    }
}

/// Why a returned ballot is refused. Each message is one line: file, judge if known, what is
/// wrong and what to do; nothing was merged from it.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{at}: cannot read the file: {source}; check the path and that the copy finished")]
    Io { at: Origin, source: std::io::Error },
    #[error("{at}: {bytes} bytes is far larger than any ballot; not merged, check where the file came from")]
    TooLarge { at: Origin, bytes: u64 },
    #[error("{at}: no issued ballot key opens this file (another contest's ballot, not a ballot, or damaged in transit); not merged, ask the judge to export the ballot again")]
    NoKey { at: Origin },
    #[error("{at}: the file is damaged ({detail}); not merged, ask the judge to export the ballot again")]
    Damaged { at: Origin, detail: String },
    #[error("{at}: not the ballot layout ({detail}); not merged, the file was altered outside jury, ask the judge to export again")]
    Schema { at: Origin, detail: String },
    #[error("{at}: unreadable value ({detail}); not merged, the file was altered outside jury, ask the judge to export again")]
    Unreadable { at: Origin, detail: String },
    #[error("{at}: this is ballot format {found}, this jury reads format {expected}; update jury")]
    Format {
        at: Origin,
        found: String,
        expected: String,
    },
    #[error("{at}: event log broken at event {seq}: {why}; not merged, the file was altered outside jury, ask the judge to export again")]
    Chain {
        at: Origin,
        seq: i64,
        why: ChainProblem,
    },
    #[error("{at}: this ballot belongs to contest `{found}`, not `{expected}`; merge it into its own contest")]
    OtherContest {
        at: Origin,
        found: String,
        expected: String,
    },
    #[error("{at}: {problem}; not merged, check where the file came from")]
    Identity { at: Origin, problem: Mismatch },
    #[error("{at}: {problem}; not merged, the file was altered outside jury, ask the judge to export again")]
    Content { at: Origin, problem: ContentProblem },
    #[error("{at}: revision {revision} is older than the merged revision {merged}; not merged (a newer copy is already in), nothing to do")]
    Stale {
        at: Origin,
        revision: u64,
        merged: u64,
    },
    #[error("{at}: revision {revision} does not continue the merged revision {merged} ({detail}); not merged, ask the judge which copy is current")]
    Forked {
        at: Origin,
        revision: u64,
        merged: u64,
        detail: String,
    },
    /// A ballot of another round: one of a closed round, or not of the open one.
    #[error("{at}: this ballot is for round `{found}`, but the open round is `{open}`; not merged, the master is unchanged (a closed round takes no more ballots)")]
    Round {
        at: Origin,
        found: String,
        open: String,
    },
    #[error("{at}: {detail}")]
    Master { at: Origin, detail: String },
}

/// How a ballot differs from the issued ballot whose key opened it. Ids from the file are
/// already made one safe line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("the file says ballot `{found}` but opens with the key of ballot `{expected}`")]
    BallotId { found: String, expected: String },
    #[error("ballot `{ballot}` was issued to judge {judge}, the file names another judge")]
    Judge { ballot: String, judge: String },
    /// The copy was issued for an assignment version before the master's current issue.
    #[error("this copy was issued for assignment version {found}, but ballot `{ballot}` was re-issued for version {expected} (an old copy)")]
    OlderIssue {
        ballot: String,
        found: u64,
        expected: u64,
    },
    /// The copy was issued for a later assignment version than this master knows (a master
    /// restored from a backup, or another copy of the contest folder).
    #[error("this copy was issued for assignment version {found}, newer than version {expected} this master issued ballot `{ballot}` for (a newer copy: merge it into the master that issued it)")]
    NewerIssue {
        ballot: String,
        found: u64,
        expected: u64,
    },
}

/// Where a ballot's event log breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainProblem {
    #[error("expected event {0}")]
    Sequence(i64),
    #[error("previous-hash link does not match")]
    Link,
    #[error("hash does not match its content")]
    Hash,
    /// The JSON parser's words, made one safe line.
    #[error("unreadable event: {0}")]
    Unreadable(String),
    #[error("kind does not match the payload")]
    Kind,
    #[error("creation event names another ballot, contest or judge")]
    CreationIdentity,
    #[error("the works differ from those the ballot was created with")]
    CreationWorks,
    #[error("first event is not a creation")]
    FirstNotCreation,
    #[error("a second creation event")]
    SecondCreation,
    #[error("chain head in state does not match the last event")]
    Head,
    #[error("revision {revision} but {events} events")]
    Revision { revision: i64, events: i64 },
    #[error("current scores differ from what the events say")]
    Replay,
}

/// What is wrong with a ballot's content. Ids from the file are already made one safe line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentProblem {
    #[error("meta `{0}` is missing")]
    MissingMeta(&'static str),
    #[error("meta `assignment_version` is not a number")]
    VersionNotANumber,
    #[error("{0} state rows instead of one")]
    StateRows(usize),
    #[error("submitted flag is {0}")]
    SubmittedFlag(i64),
    #[error("score for work {work} carries a maximum the ballot's rubric does not have")]
    ScoreMaximum { work: String },
    #[error("the ballot's criteria or maxima differ from the contest's rubric")]
    Rubric,
    #[error("score for unknown criterion `{criterion}`")]
    UnknownCriterion { criterion: String },
    #[error("work {work}, criterion `{criterion}`: {steps} steps is above the maximum {max}")]
    AboveMaximum {
        work: String,
        criterion: String,
        steps: u32,
        max: u32,
    },
    #[error("score for work {work}, which is not assigned to this judge")]
    NotAssigned { work: String },
    #[error("score for work {work}, which this judge recused")]
    Recused { work: String },
    #[error("comment or recusal for work {work}, which is not on the ballot")]
    NotOnBallot { work: String },
    /// A score the judge had submitted was changed by an event without a reason (jury asks
    /// for one after reopening; only an edit outside jury leaves it out).
    #[error("event {seq} changes the submitted score of work {work}, criterion `{criterion}`, without a reason")]
    RevisionWithoutReason {
        seq: i64,
        work: String,
        criterion: String,
    },
    #[error("event {seq} confirms results with a malformed fingerprint")]
    BadFingerprint { seq: i64 },
}

/// What a ballot's chain says beyond its current state: the revisions of submitted scores
/// (with reasons) and the judge's sign-off confirmations, each with its event's sequence
/// number and time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BallotHistory {
    /// (seq, unix seconds, the revision; its reason is always there).
    pub revisions: Vec<(i64, i64, chain::Revision)>,
    /// (seq, unix seconds, fingerprint).
    pub confirmations: Vec<(i64, i64, String)>,
}

/// An id from a ballot, fit for a message: one line, at most 60 characters.
fn id(text: &str) -> String {
    one_line(text, 60)
}

impl VerifyError {
    /// The file and judge this error is about.
    pub fn origin(&self) -> &Origin {
        match self {
            VerifyError::Io { at, .. }
            | VerifyError::TooLarge { at, .. }
            | VerifyError::NoKey { at }
            | VerifyError::Damaged { at, .. }
            | VerifyError::Schema { at, .. }
            | VerifyError::Unreadable { at, .. }
            | VerifyError::Format { at, .. }
            | VerifyError::Chain { at, .. }
            | VerifyError::OtherContest { at, .. }
            | VerifyError::Identity { at, .. }
            | VerifyError::Content { at, .. }
            | VerifyError::Stale { at, .. }
            | VerifyError::Forked { at, .. }
            | VerifyError::Round { at, .. }
            | VerifyError::Master { at, .. } => at,
        }
    }

    /// A short word for the audit log and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            VerifyError::Io { .. } => "io",
            VerifyError::TooLarge { .. } => "too-large",
            VerifyError::NoKey { .. } => "no-key",
            VerifyError::Damaged { .. } => "damaged",
            VerifyError::Schema { .. } => "schema",
            VerifyError::Unreadable { .. } => "unreadable",
            VerifyError::Format { .. } => "format",
            VerifyError::Chain { .. } => "chain",
            VerifyError::OtherContest { .. } => "other-contest",
            VerifyError::Identity { .. } => "identity",
            VerifyError::Content { .. } => "content",
            VerifyError::Stale { .. } => "stale",
            VerifyError::Forked { .. } => "forked",
            VerifyError::Round { .. } => "round",
            VerifyError::Master { .. } => "master",
        }
    }
}

/// A ballot read and replayed: every value typed, the chain verified, tables equal to the
/// replay. Not yet compared with the master (see [`check_against`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBallot {
    pub ballot_id: String,
    pub contest_id: String,
    pub judge_id: String,
    pub works: Vec<String>,
    /// Criterion id → max steps, as the ballot carries the rubric.
    pub criteria: BTreeMap<String, u32>,
    pub scores: BTreeMap<(String, String), u32>,
    pub comments: BTreeMap<String, String>,
    pub recusals: BTreeMap<String, String>,
    pub revision: u64,
    pub submitted: bool,
    pub chain_head: String,
    /// The assignment version the ballot was issued for (0: issued before versions existed).
    pub assignment_version: u64,
    /// Hash of event `seq` at index `seq - 1`: lets a merge check that a newer revision
    /// continues the history it already merged.
    pub event_hashes: Vec<String>,
    /// The round the ballot was issued for (meta `round`; None without rounds).
    pub round: Option<String>,
    /// Revisions and confirmations in the chain.
    pub history: BallotHistory,
}

impl VerifiedBallot {
    pub fn receipt(&self) -> String {
        chain::receipt(&self.chain_head)
    }
}

/// What the master expects of one issued ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub contest_id: String,
    pub ballot_id: String,
    pub judge_id: String,
    /// Criterion id → max steps, from the contest's rubric.
    pub criteria: BTreeMap<String, u32>,
    /// Works assigned to this judge.
    pub assigned: BTreeSet<String>,
    /// Every work of the contest (comments and recusals may only name these); shared by
    /// every ballot's expectation.
    pub known_works: std::sync::Arc<BTreeSet<String>>,
    /// The assignment version of the ballot the master issued last to this judge.
    pub assignment_version: u64,
    /// The open round (None without rounds).
    pub round: Option<String>,
}

/// A private, read-only copy of an incoming file, with its SHA-256. The temporary folder
/// (mode 0700) and the copy are removed on drop.
pub struct PrivateCopy {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub sha256: String,
    pub bytes: u64,
    pub origin: Origin,
}

impl PrivateCopy {
    /// Copies `file` (at most [`MAX_BALLOT_BYTES`]) into a fresh private folder.
    pub fn new(file: &Path) -> Result<PrivateCopy, VerifyError> {
        let mut at = Origin::file(file);
        let io = |at: &Origin, source| VerifyError::Io {
            at: at.clone(),
            source,
        };
        // Looked at before opening: opening a pipe would wait for a writer, and the size
        // decides whether the file is read at all.
        let meta = std::fs::metadata(file).map_err(|e| io(&at, e))?;
        if !meta.is_file() {
            return Err(io(&at, std::io::Error::other("not a regular file")));
        }
        at = at.with_size(meta.len());
        if meta.len() == 0 {
            return Err(io(
                &at,
                std::io::Error::other("the file is empty (0 bytes)"),
            ));
        }
        if meta.len() > MAX_BALLOT_BYTES {
            return Err(VerifyError::TooLarge {
                at,
                bytes: meta.len(),
            });
        }
        let source = std::fs::File::open(file).map_err(|e| io(&at, e))?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // Read one byte past the limit: the file may grow between stat and read.
        source
            .take(MAX_BALLOT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| io(&at, e))?;
        if bytes.len() as u64 > MAX_BALLOT_BYTES {
            let at = at.with_size(bytes.len() as u64);
            return Err(VerifyError::TooLarge {
                at,
                bytes: bytes.len() as u64,
            });
        }
        Self::from_bytes(file, &bytes)
    }

    /// The same from bytes already in memory (`name` is only for messages).
    pub fn from_bytes(name: &Path, bytes: &[u8]) -> Result<PrivateCopy, VerifyError> {
        let at = Origin {
            file: name.to_path_buf(),
            judge: None,
            facts: Some(Box::new(FileFacts {
                bytes: bytes.len() as u64,
                sha256: Some(sha256_hex(bytes)),
            })),
        };
        let io = |source| VerifyError::Io {
            at: at.clone(),
            source,
        };
        let dir = tempfile::Builder::new()
            .prefix("jury-verify-")
            .tempdir()
            .map_err(io)?;
        let path = dir.path().join("incoming.ballot");
        std::fs::write(&path, bytes).map_err(io)?;
        Ok(PrivateCopy {
            _dir: dir,
            path,
            sha256: at.sha256().unwrap_or_default().to_string(),
            bytes: bytes.len() as u64,
            origin: at,
        })
    }

    /// Opens the copy with `key` and the defensive settings; `NoKey` if the key is wrong.
    pub fn open(&self, key: &BallotKey) -> Result<Connection, VerifyError> {
        let conn = open_defensive(&self.path, Some(&key.sqlcipher_key()), &self.origin)?;
        check_length(&conn, self.bytes, &self.origin)?;
        Ok(conn)
    }
}

/// Opens `path` read-only with every defensive setting applied before the first byte of the
/// schema is parsed. `secret: None` opens a plaintext file (fuzzing only).
fn open_defensive(
    path: &Path,
    secret: Option<&str>,
    at: &Origin,
) -> Result<Connection, VerifyError> {
    let damaged = |e: rusqlite::Error| VerifyError::Damaged {
        at: at.clone(),
        detail: one_line(&e.to_string(), 200),
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(damaged)?;
    let _ = conn
        .query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .optional();
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .map_err(damaged)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
        .map_err(damaged)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)
        .map_err(damaged)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false)
        .map_err(damaged)?;
    for (limit, value) in [
        (Limit::SQLITE_LIMIT_ATTACHED, 0),
        (Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES),
        (Limit::SQLITE_LIMIT_SQL_LENGTH, 64 * 1024),
        (Limit::SQLITE_LIMIT_COLUMN, 64),
        (Limit::SQLITE_LIMIT_EXPR_DEPTH, 64),
        (Limit::SQLITE_LIMIT_COMPOUND_SELECT, 4),
        (Limit::SQLITE_LIMIT_VDBE_OP, 250_000),
        (Limit::SQLITE_LIMIT_FUNCTION_ARG, 8),
        (Limit::SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 64),
        (Limit::SQLITE_LIMIT_VARIABLE_NUMBER, 16),
        (Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 1),
    ] {
        conn.set_limit(limit, value).map_err(damaged)?;
    }
    let _keying = super::cipher::keying_lock();
    if let Some(secret) = secret {
        conn.pragma_update(None, "key", secret).map_err(damaged)?;
    }
    for (pragma, value) in [
        ("trusted_schema", "OFF"),
        ("cell_size_check", "ON"),
        ("mmap_size", "0"),
        ("query_only", "ON"),
    ] {
        let _ = conn
            .query_row(&format!("PRAGMA {pragma} = {value}"), [], |_| Ok(()))
            .optional();
    }
    // The first read proves the key (SQLCipher checks page 1's HMAC).
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(conn),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            Err(VerifyError::NoKey { at: at.clone() })
        }
        Err(e) => Err(damaged(e)),
    }
}

/// The file must be exactly its pages: SQLite ignores bytes past the size recorded in the
/// header, so appended data would otherwise pass unnoticed.
fn check_length(conn: &Connection, bytes: u64, at: &Origin) -> Result<(), VerifyError> {
    // SQLCipher answers `PRAGMA page_size` as text (its cipher_page_size), SQLite as a number.
    let pragma = |name: &str| -> Result<i64, VerifyError> {
        let value: rusqlite::types::Value = conn
            .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .map_err(|e| VerifyError::Damaged {
                at: at.clone(),
                detail: e.to_string(),
            })?;
        match value {
            rusqlite::types::Value::Integer(i) => Ok(i),
            rusqlite::types::Value::Text(t) => t.trim().parse().map_err(|_| VerifyError::Damaged {
                at: at.clone(),
                detail: format!("{name} is `{t}`"),
            }),
            other => Err(VerifyError::Damaged {
                at: at.clone(),
                detail: format!("{name} is {other:?}"),
            }),
        }
    };
    let expected = pragma("page_count")?.max(0) as u64 * pragma("page_size")?.max(0) as u64;
    if expected != bytes {
        return Err(VerifyError::Damaged {
            at: at.clone(),
            detail: format!("{bytes} bytes, but its pages make {expected}"),
        });
    }
    Ok(())
}

/// The ballot schema as SQLite records it: (type, name, table, sql) sorted.
type SchemaRows = Vec<(String, String, String, Option<String>)>;

fn schema_rows(conn: &Connection) -> rusqlite::Result<SchemaRows> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name, tbl_name",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row?);
        if out.len() > 1_000 {
            break;
        }
    }
    Ok(out)
}

fn expected_schema() -> &'static SchemaRows {
    static EXPECTED: OnceLock<SchemaRows> = OnceLock::new();
    EXPECTED.get_or_init(|| {
        let conn = Connection::open_in_memory().expect("an in-memory database opens");
        conn.execute_batch(SCHEMA)
            .expect("the ballot schema is valid");
        schema_rows(&conn).expect("the ballot schema reads back")
    })
}

/// Reads, checks and replays an opened ballot (see the module comment for the order).
pub fn read_verified(conn: &Connection, at: &Origin) -> Result<VerifiedBallot, VerifyError> {
    let mut at = at.clone();
    let damaged = |at: &Origin, e: rusqlite::Error| VerifyError::Damaged {
        at: at.clone(),
        detail: one_line(&e.to_string(), 200),
    };
    // 1. Integrity first: every later read assumes a sound b-tree.
    //
    // `quick_check`, not `integrity_check`: it walks every b-tree page (cell bounds, overlaps,
    // page ownership, the freelist) and checks NOT NULL and CHECK constraints, which is what
    // keeps a malformed file from misleading SQLite itself; what it leaves out is whether each
    // index holds exactly its table's rows (and UNIQUE), which cost about half the check. That
    // part defends nothing here:
    // - Without the key no page can be changed at all: SQLCipher checks every page's HMAC as
    //   it is read, so a flipped or foreign page is "damaged" before any check of ours, and
    //   `check_length` catches appended or missing pages.
    // - With the key (the judge, or whoever has the card) any content can be written
    //   consistently, so an index that disagrees with its table adds no power: every value
    //   read below still goes through the same checks — the event log is read by rowid and
    //   its hash chain recomputed, the score, comment and recusal tables must equal the
    //   replay (duplicate rows collapse into the maps and must still equal it), the identity
    //   meta rows must equal the creation event's, and the whole ballot is then compared
    //   with what the master expects (`check_against`).
    // `cipher_integrity_check` is not needed either: quick_check reads (so HMAC-checks) every
    // page of every b-tree, and a page in no b-tree is never read.
    let mut problems = Vec::new();
    {
        let mut stmt = conn
            .prepare("PRAGMA quick_check(20)")
            .map_err(|e| damaged(&at, e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| damaged(&at, e))?;
        for row in rows {
            problems.push(row.map_err(|e| damaged(&at, e))?);
        }
    }
    if problems != ["ok"] {
        return Err(VerifyError::Damaged {
            at,
            detail: one_line(&format!("integrity check: {}", problems.join("; ")), 200),
        });
    }
    // 2. Exactly the expected schema: no extra table, index, trigger or view.
    let found = schema_rows(conn).map_err(|e| VerifyError::Schema {
        at: at.clone(),
        detail: one_line(&e.to_string(), 200),
    })?;
    let expected = expected_schema();
    if &found != expected {
        let extra: Vec<String> = found
            .iter()
            .filter(|r| !expected.contains(r))
            .map(|r| format!("{} `{}`", r.0, r.1))
            .collect();
        let missing: Vec<String> = expected
            .iter()
            .filter(|r| !found.contains(r))
            .map(|r| format!("{} `{}`", r.0, r.1))
            .collect();
        let mut detail = Vec::new();
        if !extra.is_empty() {
            detail.push(format!("unexpected or changed: {}", extra.join(", ")));
        }
        if !missing.is_empty() {
            detail.push(format!("missing: {}", missing.join(", ")));
        }
        return Err(VerifyError::Schema {
            at,
            detail: one_line(&detail.join("; "), 200),
        });
    }
    // 3. Fixed SELECTs into typed values.
    let unreadable = |at: &Origin, what: &str, e: rusqlite::Error| match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => damaged(at, e),
        _ => VerifyError::Unreadable {
            at: at.clone(),
            detail: one_line(&format!("{what}: {e}"), 200),
        },
    };
    let meta: BTreeMap<String, String> = rows(conn, "SELECT key, value FROM meta", |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .map_err(|e| unreadable(&at, "meta", e))?
    .into_iter()
    .collect();
    let get_meta = |at: &Origin, key: &'static str| {
        meta.get(key).cloned().ok_or_else(|| VerifyError::Content {
            at: at.clone(),
            problem: ContentProblem::MissingMeta(key),
        })
    };
    let format = get_meta(&at, "format")?;
    if format != FORMAT_VERSION {
        return Err(VerifyError::Format {
            at,
            found: one_line(&format, 20),
            expected: FORMAT_VERSION.into(),
        });
    }
    let judge_id = get_meta(&at, "judge_id")?;
    at.judge = Some(one_line(&judge_id, 40));
    let ballot_id = get_meta(&at, "ballot_id")?;
    let contest_id = get_meta(&at, "contest_id")?;
    let assignment_version = match meta.get("assignment_version") {
        None => 0,
        Some(v) => v.parse::<u64>().map_err(|_| VerifyError::Content {
            at: at.clone(),
            problem: ContentProblem::VersionNotANumber,
        })?,
    };
    let states: Vec<(i64, i64, String)> = rows(
        conn,
        "SELECT revision, submitted, chain_head FROM state",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .map_err(|e| unreadable(&at, "state", e))?;
    let [(revision, submitted, state_head)] = states.as_slice() else {
        return Err(VerifyError::Content {
            at,
            problem: ContentProblem::StateRows(states.len()),
        });
    };
    let works: Vec<String> = rows(conn, "SELECT id FROM works ORDER BY position", |r| r.get(0))
        .map_err(|e| unreadable(&at, "works", e))?;
    let criteria: BTreeMap<String, u32> = rows(conn, "SELECT id, max_steps FROM criteria", |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .map_err(|e| unreadable(&at, "criteria", e))?
    .into_iter()
    .collect();
    let score_rows: Vec<(String, String, u32, u32)> = rows(
        conn,
        "SELECT work_id, criterion_id, max_steps, steps FROM scores",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .map_err(|e| unreadable(&at, "scores", e))?;
    let comments: BTreeMap<String, String> =
        rows(conn, "SELECT work_id, text FROM comments", |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(|e| unreadable(&at, "comments", e))?
        .into_iter()
        .collect();
    let recusals: BTreeMap<String, String> =
        rows(conn, "SELECT work_id, reason FROM recusals", |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(|e| unreadable(&at, "recusals", e))?
        .into_iter()
        .collect();
    type EventRow = (i64, i64, String, String, String, String);
    let events: Vec<EventRow> = rows(
        conn,
        "SELECT seq, at, kind, payload, prev_hash, hash FROM events ORDER BY seq",
        |r| r.try_into(),
    )
    .map_err(|e| unreadable(&at, "events", e))?;

    // 4. The chain: links, hashes, creation event, then replay.
    let broken = |at: &Origin, seq: i64, why: ChainProblem| VerifyError::Chain {
        at: at.clone(),
        seq,
        why,
    };
    let mut prev = chain::genesis(&ballot_id);
    let mut replay = Replay::default();
    let mut history = BallotHistory::default();
    let mut event_hashes = Vec::with_capacity(events.len());
    for (index, (seq, when, kind, payload, prev_hash, hash)) in events.iter().enumerate() {
        let seq = *seq;
        if seq != index as i64 + 1 {
            return Err(broken(&at, seq, ChainProblem::Sequence(index as i64 + 1)));
        }
        if *prev_hash != prev {
            return Err(broken(&at, seq, ChainProblem::Link));
        }
        if *hash != chain::event_hash(prev_hash, seq, *when, payload) {
            return Err(broken(&at, seq, ChainProblem::Hash));
        }
        let event: Event = serde_json::from_str(payload).map_err(|e| {
            broken(
                &at,
                seq,
                ChainProblem::Unreadable(one_line(&e.to_string(), 160)),
            )
        })?;
        if event.kind() != kind {
            return Err(broken(&at, seq, ChainProblem::Kind));
        }
        match (&event, seq) {
            (
                Event::Created {
                    ballot_id: b,
                    contest_id: c,
                    judge_id: j,
                    works: w,
                },
                1,
            ) => {
                if *b != ballot_id || *c != contest_id || *j != judge_id {
                    return Err(broken(&at, 1, ChainProblem::CreationIdentity));
                }
                if *w != works {
                    return Err(broken(&at, 1, ChainProblem::CreationWorks));
                }
            }
            (_, 1) => return Err(broken(&at, 1, ChainProblem::FirstNotCreation)),
            (Event::Created { .. }, _) => {
                return Err(broken(&at, seq, ChainProblem::SecondCreation))
            }
            _ => {}
        }
        if let Some(revision) = replay.revision(&event) {
            if revision.reason.is_none() {
                return Err(VerifyError::Content {
                    at,
                    problem: ContentProblem::RevisionWithoutReason {
                        seq,
                        work: id(&revision.work),
                        criterion: id(&revision.criterion),
                    },
                });
            }
            history.revisions.push((seq, *when, revision));
        }
        if let Event::Confirm { fingerprint } = &event {
            let hex = fingerprint.len() == 64
                && fingerprint
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex {
                return Err(VerifyError::Content {
                    at,
                    problem: ContentProblem::BadFingerprint { seq },
                });
            }
            history
                .confirmations
                .push((seq, *when, fingerprint.clone()));
        }
        replay.apply(&event);
        event_hashes.push(hash.clone());
        prev = hash.clone();
    }
    let last = events.len() as i64;
    if *state_head != prev {
        return Err(broken(&at, last, ChainProblem::Head));
    }
    if *revision != last || *revision < 1 {
        return Err(broken(
            &at,
            last,
            ChainProblem::Revision {
                revision: *revision,
                events: last,
            },
        ));
    }
    let submitted = match submitted {
        0 => false,
        1 => true,
        other => {
            return Err(VerifyError::Content {
                at,
                problem: ContentProblem::SubmittedFlag(*other),
            })
        }
    };
    let mut scores = BTreeMap::new();
    for (work, criterion, max_steps, steps) in score_rows {
        if criteria.get(&criterion) != Some(&max_steps) {
            return Err(VerifyError::Content {
                at,
                problem: ContentProblem::ScoreMaximum { work: id(&work) },
            });
        }
        scores.insert((work, criterion), steps);
    }
    if replay.scores != scores
        || replay.comments != comments
        || replay.recusals != recusals
        || replay.submitted != submitted
    {
        return Err(broken(&at, last, ChainProblem::Replay));
    }
    Ok(VerifiedBallot {
        ballot_id,
        contest_id,
        judge_id,
        works,
        criteria,
        scores,
        comments,
        recusals,
        revision: *revision as u64,
        submitted,
        chain_head: prev,
        assignment_version,
        event_hashes,
        round: meta.get("round").map(|r| one_line(r, 60)),
        history,
    })
}

/// Runs a fixed query, at most [`MAX_ROWS`] rows.
fn rows<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let mut out = Vec::new();
    for row in stmt.query_map([], f)? {
        out.push(row?);
        if out.len() > MAX_ROWS {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_TOOBIG),
                Some(format!("more than {MAX_ROWS} rows")),
            ));
        }
    }
    Ok(out)
}

/// Compares a verified ballot with what the master expects of the ballot whose key opened
/// it: same contest, ballot and judge, the contest's rubric, and every score for an assigned
/// work the judge has not recused, within range.
pub fn check_against(
    ballot: &VerifiedBallot,
    expect: &Expectation,
    at: &Origin,
) -> Result<(), VerifyError> {
    let at = Origin {
        judge: Some(one_line(&ballot.judge_id, 40)),
        ..at.clone()
    };
    if ballot.contest_id != expect.contest_id {
        return Err(VerifyError::OtherContest {
            at,
            found: one_line(&ballot.contest_id, 60),
            expected: expect.contest_id.clone(),
        });
    }
    if ballot.round != expect.round {
        return Err(VerifyError::Round {
            at,
            found: ballot.round.clone().unwrap_or_default(),
            open: expect.round.clone().unwrap_or_default(),
        });
    }
    if ballot.ballot_id != expect.ballot_id {
        return Err(VerifyError::Identity {
            at,
            problem: Mismatch::BallotId {
                found: one_line(&ballot.ballot_id, 60),
                expected: expect.ballot_id.clone(),
            },
        });
    }
    if ballot.judge_id != expect.judge_id {
        return Err(VerifyError::Identity {
            at,
            problem: Mismatch::Judge {
                ballot: expect.ballot_id.clone(),
                judge: expect.judge_id.clone(),
            },
        });
    }
    // A re-issued ballot keeps its id and key but restarts its revisions, so an old copy
    // could otherwise pass as newer: only the copy of the current issue is merged.
    let (found, expected) = (ballot.assignment_version, expect.assignment_version);
    if found != expected {
        let ballot = expect.ballot_id.clone();
        let problem = if found < expected {
            Mismatch::OlderIssue {
                ballot,
                found,
                expected,
            }
        } else {
            Mismatch::NewerIssue {
                ballot,
                found,
                expected,
            }
        };
        return Err(VerifyError::Identity { at, problem });
    }
    if ballot.criteria != expect.criteria {
        return Err(VerifyError::Content {
            at,
            problem: ContentProblem::Rubric,
        });
    }
    for ((work, criterion), steps) in &ballot.scores {
        let Some(max) = expect.criteria.get(criterion) else {
            return Err(VerifyError::Content {
                at,
                problem: ContentProblem::UnknownCriterion {
                    criterion: id(criterion),
                },
            });
        };
        if steps > max {
            return Err(VerifyError::Content {
                at,
                problem: ContentProblem::AboveMaximum {
                    work: id(work),
                    criterion: id(criterion),
                    steps: *steps,
                    max: *max,
                },
            });
        }
        if !expect.assigned.contains(work) {
            return Err(VerifyError::Content {
                at,
                problem: ContentProblem::NotAssigned { work: id(work) },
            });
        }
        if ballot.recusals.contains_key(work) {
            return Err(VerifyError::Content {
                at,
                problem: ContentProblem::Recused { work: id(work) },
            });
        }
    }
    let on_ballot: BTreeSet<&String> = ballot.works.iter().collect();
    for work in ballot.comments.keys().chain(ballot.recusals.keys()) {
        if !on_ballot.contains(work) || !expect.known_works.contains(work) {
            return Err(VerifyError::Content {
                at,
                problem: ContentProblem::NotOnBallot { work: id(work) },
            });
        }
    }
    Ok(())
}

/// Support for the fuzz targets and randomised tests: verification of plaintext ballot
/// bytes, so mutations reach the integrity check, schema and chain logic instead of stopping
/// at SQLCipher's page HMAC.
#[doc(hidden)]
pub mod fuzzing {
    use super::*;

    /// A valid ballot with a few scores, as a plaintext SQLite file.
    pub fn plain_seed() -> Vec<u8> {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = BallotKey::generate();
        let path = dir.path().join("seed.ballot");
        let mut b = crate::Ballot::create(&path, &key, &jury_core::sample::sample_init(3, "seed"))
            .expect("seed ballot");
        b.set_score("001", "theme", Some(20)).expect("score");
        b.set_comment("001", "好").expect("comment");
        b.recuse("002", "同单位").expect("recuse");
        let plain = dir.path().join("plain.db");
        b.connection()
            .execute_batch(&format!(
                "ATTACH DATABASE '{}' AS plaintext KEY ''; SELECT sqlcipher_export('plaintext'); DETACH DATABASE plaintext;",
                plain.display()
            ))
            .expect("export to plaintext");
        drop(b);
        std::fs::read(&plain).expect("read plaintext seed")
    }

    /// Verifies plaintext ballot bytes; must return (never panic) for any input.
    pub fn verify_plain_bytes(bytes: &[u8]) -> Result<VerifiedBallot, VerifyError> {
        let name = Path::new("fuzz.ballot");
        let copy = PrivateCopy::from_bytes(name, bytes)?;
        let conn = open_defensive(&copy.path, None, &copy.origin)?;
        check_length(&conn, copy.bytes, &copy.origin)?;
        read_verified(&conn, &copy.origin)
    }

    /// Applies `mutations` ((offset, xor) pairs from the fuzzer's bytes) to `seed`.
    pub fn mutate(seed: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = seed.to_vec();
        for chunk in data.chunks_exact(4) {
            let offset = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], 0]) as usize;
            if !out.is_empty() {
                let i = offset % out.len();
                out[i] ^= chunk[3];
            }
        }
        // The remainder (if any) decides a truncation.
        if data.len() % 4 == 1 {
            let cut = (data[data.len() - 1] as usize * out.len()) / 256;
            out.truncate(cut);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_seed_verifies_and_a_flip_of_any_page_does_not_panic() {
        let seed = fuzzing::plain_seed();
        let v = fuzzing::verify_plain_bytes(&seed).unwrap();
        assert_eq!(v.ballot_id, "seed");
        assert_eq!(v.revision, 4);
        assert!(v.recusals.contains_key("002"));
        for page in 0..seed.len() / 4096 {
            let mut bytes = seed.clone();
            bytes[page * 4096 + 100] ^= 0x55;
            let _ = fuzzing::verify_plain_bytes(&bytes);
        }
    }

    #[test]
    fn expected_schema_has_no_triggers_or_views() {
        assert!(expected_schema()
            .iter()
            .all(|r| r.0 == "table" || r.0 == "index"));
    }
}
