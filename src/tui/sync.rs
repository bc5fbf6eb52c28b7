//! The judge TUI's sync folder: a background thread writes a snapshot of the ballot into the
//! folder a few seconds after the last change (so a burst of keystrokes makes one copy), at
//! once on submit, and on quit if anything is still unsynced. It has its own read-only
//! connection, so a slow USB stick or a vanished share never blocks the screen; results come
//! back to the event loop as messages and show on the status line.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use jury_store::cipher::{open_encrypted, OpenMode};
use jury_store::snapshot::write_snapshot;
use jury_store::{Ballot, BallotKey};

/// Quiet time after a change before the snapshot is written.
pub const DEBOUNCE: Duration = Duration::from_secs(3);
/// Longest a change waits while the judge keeps typing.
pub const MAX_DELAY: Duration = Duration::from_secs(15);

/// One finished sync attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Unix seconds when the attempt finished.
    pub at: i64,
    /// The revision written, or why nothing was written (one line).
    pub result: Result<u64, String>,
}

enum Msg {
    Changed,
    Now,
    Quit,
}

/// Handle to the sync thread.
pub struct SyncWorker {
    tx: Sender<Msg>,
    handle: Option<JoinHandle<()>>,
}

/// The sync folder recorded in the ballot at issue time (meta `sync_dir`), if any.
/// Kept as its own function so the ballot's metadata can change without touching the TUI.
pub fn ballot_sync_dir(ballot: &Ballot) -> Option<PathBuf> {
    ballot
        .connection()
        .query_row("SELECT value FROM meta WHERE key = 'sync_dir'", [], |r| {
            r.get::<_, String>(0)
        })
        .ok()
        .filter(|d| !d.trim().is_empty())
        .map(PathBuf::from)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl SyncWorker {
    /// Starts the thread; it writes a first snapshot at once, then waits for changes.
    pub fn start(
        ballot: PathBuf,
        key: BallotKey,
        dir: PathBuf,
        report: impl Fn(SyncReport) + Send + 'static,
    ) -> SyncWorker {
        let (tx, rx) = mpsc::channel::<Msg>();
        let handle = std::thread::spawn(move || {
            let mut conn = None;
            let sync = |conn: &mut Option<rusqlite::Connection>| {
                let result = sync_once(conn, &ballot, &key, &dir);
                report(SyncReport {
                    at: now_secs(),
                    result,
                });
            };
            sync(&mut conn);
            // (first change, last change) of what is not yet synced.
            let mut pending: Option<(Instant, Instant)> = None;
            loop {
                let wait = match pending {
                    Some((first, last)) => (last + DEBOUNCE)
                        .min(first + MAX_DELAY)
                        .saturating_duration_since(Instant::now()),
                    None => Duration::from_secs(3600),
                };
                match rx.recv_timeout(wait) {
                    Ok(Msg::Changed) => {
                        let now = Instant::now();
                        pending = Some((pending.map(|p| p.0).unwrap_or(now), now));
                    }
                    Ok(Msg::Now) => {
                        pending = None;
                        sync(&mut conn);
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        if pending.take().is_some() {
                            sync(&mut conn);
                        }
                    }
                    Ok(Msg::Quit) | Err(RecvTimeoutError::Disconnected) => {
                        if pending.is_some() {
                            sync(&mut conn);
                        }
                        break;
                    }
                }
            }
        });
        SyncWorker {
            tx,
            handle: Some(handle),
        }
    }

    /// The ballot changed: write a snapshot once it has been quiet for [`DEBOUNCE`].
    pub fn changed(&self) {
        let _ = self.tx.send(Msg::Changed);
    }

    /// Write a snapshot now (submit).
    pub fn now(&self) {
        let _ = self.tx.send(Msg::Now);
    }

    /// Writes what is pending and stops, waiting at most `limit` (a dead share must not keep
    /// the judge from quitting).
    pub fn finish(mut self, limit: Duration) {
        let _ = self.tx.send(Msg::Quit);
        if let Some(handle) = self.handle.take() {
            let start = Instant::now();
            while !handle.is_finished() && start.elapsed() < limit {
                std::thread::sleep(Duration::from_millis(20));
            }
            if handle.is_finished() {
                let _ = handle.join();
            }
        }
    }
}

/// One snapshot; (re)opens the worker's connection when needed.
fn sync_once(
    conn: &mut Option<rusqlite::Connection>,
    ballot: &Path,
    key: &BallotKey,
    dir: &Path,
) -> Result<u64, String> {
    if conn.is_none() {
        *conn = Some(open_encrypted(ballot, key, OpenMode::ReadOnly).map_err(|e| e.to_string())?);
    }
    let c = conn.as_ref().ok_or("no connection")?;
    write_snapshot(c, key, ballot, dir)
        .map(|s| s.revision)
        .map_err(|e| e.to_string())
}
