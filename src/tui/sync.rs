//! The judge TUI's sync folder: a background thread writes a snapshot of the ballot into the
//! folder a few seconds after the last change (so a burst of keystrokes makes one copy), at
//! once on submit, when a work becomes fully scored, and for every score while the room shows
//! a work (the console is waiting for it; see [`request`]), and on quit if anything is still
//! unsynced. It has its own read-only
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

/// How soon a change should reach the sync folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Write the snapshot at once.
    Now,
    /// Write it once the judge has been quiet for [`DEBOUNCE`] (typing a comment, watching).
    Later,
}

/// What [`request`] compares against: the ballot as it stood before one turn of the event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Before {
    revision: u64,
    submitted: bool,
    done: usize,
}

impl Before {
    pub fn of(app: &crate::tui::app::App) -> Before {
        Before {
            revision: app.data.revision,
            submitted: app.data.submitted,
            done: app.done_count(),
        }
    }
}

/// Whether (and how soon) the turn that led from `before` to `app` needs a sync: at once for a
/// submission, a work that became done (its last criterion scored, or a recusal), and a score
/// committed while the room shows a work (the console is waiting to see it); after the
/// debounce for anything else that changed the ballot; not at all when nothing was committed.
/// `scored`: the turn committed a score event.
pub fn request(before: Before, app: &crate::tui::app::App, scored: bool) -> Option<Request> {
    if app.data.submitted && !before.submitted {
        return Some(Request::Now);
    }
    if app.data.revision == before.revision {
        return None;
    }
    if app.done_count() > before.done || (scored && app.showing.is_some()) {
        Some(Request::Now)
    } else {
        Some(Request::Later)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::tui::action::{Action, Command};
    use crate::tui::app::{App, Effect};
    use crate::tui::keymap::Keymap;
    use jury_store::Commit;

    fn app() -> App {
        App::new(
            jury_core::sample::sample_data(4),
            Keymap::default_keymap(),
            Lang::En,
        )
    }

    /// One turn of the event loop as `tui::run` does it: the action, its commits, the request.
    fn turn(a: &mut App, action: Action) -> Option<Request> {
        let effects = a.update(action);
        let before = Before::of(a);
        let scored = effects
            .iter()
            .any(|e| matches!(e, Effect::Commit(jury_core::chain::Event::Score { .. })));
        for e in effects {
            if let Effect::Commit(event) = &e {
                let revision = a.data.revision + 1;
                a.on_saved(
                    event,
                    Ok(Commit {
                        revision,
                        chain_head: format!("{revision:064x}"),
                    }),
                );
            }
        }
        request(before, a, scored)
    }

    fn turns(a: &mut App, actions: impl IntoIterator<Item = Action>) -> Vec<Option<Request>> {
        actions.into_iter().map(|x| turn(a, x)).collect()
    }

    /// The sample's seven criteria, one turn each ("25" "26" "12" "8" "4" "4" "4").
    fn score_keys() -> Vec<Action> {
        let mut keys = vec![Action::Command(Command::Score)];
        keys.extend("2526128444".chars().map(Action::Type));
        keys
    }

    #[test]
    fn the_last_criterion_syncs_at_once_the_others_wait_for_quiet() {
        let mut a = app();
        let requests = turns(&mut a, score_keys());
        let made: Vec<_> = requests.iter().flatten().copied().collect();
        assert_eq!(made.len(), 7, "one per criterion: {requests:?}");
        assert_eq!(made[..6], [Request::Later; 6], "{requests:?}");
        assert_eq!(made[6], Request::Now, "the work is now fully scored");
        assert_eq!(a.done_count(), 1);
        // Leaving the summary commits nothing: no sync.
        assert_eq!(turn(&mut a, Action::Command(Command::ScoreExit)), None);
    }

    /// The room publishes work 001 of the app's own contest.
    fn room_shows_001(a: &mut App) {
        let contest = a.data.contest.id.clone();
        a.on_now_showing(jury_store::showing::Showing::Published(
            jury_store::showing::NowShowing {
                contest,
                work: Some("001".into()),
                seq: 1,
                at: 0,
            },
        ));
    }

    #[test]
    fn while_the_room_shows_a_work_every_score_syncs_at_once() {
        let mut a = app();
        room_shows_001(&mut a);
        let made: Vec<_> = turns(&mut a, score_keys()).into_iter().flatten().collect();
        assert_eq!(made, [Request::Now; 7]);
    }

    #[test]
    fn a_comment_waits_for_quiet_even_while_the_room_shows_a_work() {
        let mut a = app();
        room_shows_001(&mut a);
        let mut keys = vec![Action::Command(Command::Comment)];
        keys.extend("ok".chars().map(Action::Type));
        keys.push(Action::Command(Command::InputSubmit));
        let requests = turns(&mut a, keys);
        assert_eq!(a.data.comments.get("001").map(String::as_str), Some("ok"));
        let made: Vec<_> = requests.into_iter().flatten().collect();
        assert_eq!(made, [Request::Later]);
    }
}
