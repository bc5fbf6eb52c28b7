//! The organizer's loader: reads the master on its own thread, and only when it changed —
//! SQLite's `PRAGMA data_version` moves when any other connection (`jury watch`, `jury merge`
//! in another terminal) commits; asking costs one pragma a few times a second — or when the
//! user asks. Each read comes in two stages inside one read transaction (both see the same
//! snapshot): the overview, which the works tab needs and which takes a fraction of the
//! whole at national scale, and then the scores with the results computed from them.
//!
//! Quitting stops it: a flag checked between stages, SQLite's interrupt for the statement
//! running, and a join, so the process never exits with this thread inside SQLCipher.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::state::{OrgData, OrgMessage, ScoresRead};
use crate::tui::runtime::Incoming;
use jury_core::model::Contest;
use jury_store::master::Master;

/// How often the loader asks whether the master changed (one cheap pragma).
const CHANGE_CHECK: Duration = Duration::from_millis(250);

/// The running loader; `stop` (or dropping it) ends and joins its thread.
pub struct Loader {
    stop: Arc<AtomicBool>,
    interrupt: rusqlite::InterruptHandle,
    refresh: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
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
        let stop = Arc::new(AtomicBool::new(false));
        let interrupt = master.connection().get_interrupt_handle();
        let (refresh, refresh_rx) = mpsc::channel();
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            run(&master, &contest, round.as_deref(), &tx, &refresh_rx, &flag);
        });
        Loader {
            stop,
            interrupt,
            refresh: Some(refresh),
            thread: Some(thread),
        }
    }

    /// Read again now, changed or not.
    pub fn refresh(&self) {
        if let Some(r) = &self.refresh {
            let _ = r.send(());
        }
    }

    /// Ends the loader: between stages it returns at once, inside a statement SQLite is
    /// interrupted; returns once the thread (and its connection) is gone.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.refresh = None;
        self.interrupt.interrupt();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(
    master: &Master,
    contest: &Contest,
    round: Option<&str>,
    tx: &Sender<Incoming<OrgMessage>>,
    refresh: &Receiver<()>,
    stop: &AtomicBool,
) {
    let stopped = || stop.load(Ordering::SeqCst);
    let send = |m: OrgMessage| !stopped() && tx.send(Incoming::App(m)).is_ok();
    let mut seen: Option<i64> = None;
    let mut forced = false;
    loop {
        if stopped() {
            return;
        }
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
            let mut going = send(OrgMessage::Overview(overview));
            if going && read {
                let scores = OrgData::load_scores(master, contest, round)
                    .map(|source| Box::new(ScoresRead::of(source, contest)))
                    .map_err(|e| e.to_string());
                going = send(OrgMessage::Scores(scores));
            }
            if in_transaction {
                let _ = conn.execute_batch("COMMIT");
            }
            if !going {
                return;
            }
        }
        match refresh.recv_timeout(CHANGE_CHECK) {
            Ok(()) => forced = true,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
