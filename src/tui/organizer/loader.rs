//! The organizer's loader: reads the master on its own thread, and only when it changed —
//! SQLite's `PRAGMA data_version` moves when any other connection (`jury watch`, `jury merge`
//! in another terminal) commits; asking costs one pragma a few times a second — or when the
//! user asks. Each read comes in two stages inside one read transaction (both see the same
//! snapshot): the overview, which the works tab needs and which takes a fraction of the
//! whole at national scale, and then the scores with the results computed from them.
//!
//! Quitting stops it: a flag, SQLite's interrupt for the statement running, and then the
//! master is taken from the loader (waiting only while it is inside a read, which the
//! interrupt ends) and closed on the quitting thread, so the process never exits with a
//! thread inside SQLCipher. Computing the results touches no database: a loader busy with
//! them is not waited for, and finds the master gone when it is done.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::state::{OrgData, OrgMessage, ScoresRead};
use crate::tui::runtime::Incoming;
use jury_core::model::Contest;
use jury_store::master::Master;

/// How often the loader asks whether the master changed (one cheap pragma).
const CHANGE_CHECK: Duration = Duration::from_millis(250);

/// What the loader thread and its owner share: the master (None once stopped), held by the
/// loader only while it reads, and the stop flag.
struct Shared {
    master: Mutex<Option<Master>>,
    stop: AtomicBool,
}

impl Shared {
    fn master(&self) -> MutexGuard<'_, Option<Master>> {
        self.master.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// The running loader; `stop` (or dropping it) takes the master back from it.
pub struct Loader {
    shared: Arc<Shared>,
    interrupt: rusqlite::InterruptHandle,
    refresh: Option<Sender<()>>,
}

impl Loader {
    /// Starts reading `master` (round `round`, None: the open one) and sending what it read
    /// to `tx`: at once, then whenever the master changed.
    pub fn spawn(
        master: Master,
        contest: Contest,
        round: Option<String>,
        tx: Sender<Incoming<OrgMessage>>,
    ) -> Loader {
        let interrupt = master.connection().get_interrupt_handle();
        let shared = Arc::new(Shared {
            master: Mutex::new(Some(master)),
            stop: AtomicBool::new(false),
        });
        let (refresh, refresh_rx) = mpsc::channel();
        let theirs = shared.clone();
        std::thread::spawn(move || {
            run(&theirs, &contest, round.as_deref(), &tx, &refresh_rx);
        });
        Loader {
            shared,
            interrupt,
            refresh: Some(refresh),
        }
    }

    /// Read again now, changed or not.
    pub fn refresh(&self) {
        if let Some(r) = &self.refresh {
            let _ = r.send(());
        }
    }

    /// Ends the loader: a read under way is interrupted, and once the loader is out of the
    /// master it is closed here. Returns with no thread inside the database.
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.refresh = None;
        self.interrupt.interrupt();
        let master = self.shared.master().take();
        drop(master);
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(
    shared: &Shared,
    contest: &Contest,
    round: Option<&str>,
    tx: &Sender<Incoming<OrgMessage>>,
    refresh: &Receiver<()>,
) {
    let send = |m: OrgMessage| !shared.stopped() && tx.send(Incoming::App(m)).is_ok();
    let mut seen: Option<i64> = None;
    let mut forced = false;
    loop {
        // Inside the master: the guard is held while reading, never while computing.
        let guard = shared.master();
        let Some(master) = guard.as_ref().filter(|_| !shared.stopped()) else {
            return;
        };
        let version = master.data_version().ok();
        if forced || version.is_none() || version != seen {
            seen = version;
            forced = false;
            let conn = master.connection();
            let in_transaction = conn.execute_batch("BEGIN").is_ok();
            let overview = OrgData::load_overview(master, contest, round)
                .map(Box::new)
                .map_err(|e| e.to_string());
            let read = overview.is_ok();
            let going = send(OrgMessage::Overview(overview));
            let source = (going && read).then(|| OrgData::load_scores(master, contest, round));
            if in_transaction {
                let _ = conn.execute_batch("COMMIT");
            }
            drop(guard);
            if !going {
                return;
            }
            if let Some(source) = source {
                let scores = source
                    .map(|source| Box::new(ScoresRead::of(source, contest)))
                    .map_err(|e| e.to_string());
                if !send(OrgMessage::Scores(scores)) {
                    return;
                }
            }
        } else {
            drop(guard);
        }
        match refresh.recv_timeout(CHANGE_CHECK) {
            Ok(()) => forced = true,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
