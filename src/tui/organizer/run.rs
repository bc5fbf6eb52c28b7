//! The organizer TUI's loop on the shared runtime. The master is read on a worker thread, and
//! only when it changed: the worker asks SQLite's `PRAGMA data_version` (which moves when any
//! other connection — `jury watch`, `jury merge` in another terminal — commits) a few times a
//! second, and reloads on a change or when the user asks. The UI thread never touches the
//! database and redraws only when something arrived (or once per tick for the clock).

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::state::{OrgApp, OrgData, OrgEffect};
use super::view;
use crate::i18n::Lang;
use crate::tui::keymap::Keymap;
use crate::tui::runtime::{run_loop, Incoming, LoopApp, Runtime};
use jury_core::model::Contest;
use jury_store::master::Master;

/// How often the worker asks whether the master changed (one cheap pragma).
const CHANGE_CHECK: Duration = Duration::from_millis(250);
/// How often the screen is redrawn while nothing happens ("merged 3 min ago").
const CLOCK_TICK: Duration = Duration::from_secs(2);

/// What the worker sends the UI thread.
pub enum OrgMessage {
    Loaded(Box<Result<OrgData, String>>),
}

/// Reloads the master on its own thread whenever it changed since `seen` or `refresh` asks.
fn spawn_loader(
    master: Master,
    contest: Contest,
    round: Option<String>,
    tx: Sender<Incoming<OrgMessage>>,
    refresh: Receiver<()>,
    mut seen: Option<i64>,
) {
    std::thread::spawn(move || {
        let mut forced = false;
        loop {
            let version = master.data_version().ok();
            if forced || version.is_none() || version != seen {
                let loaded = OrgData::load_round(&master, &contest, round.as_deref())
                    .map_err(|e| e.to_string());
                if tx
                    .send(Incoming::App(OrgMessage::Loaded(Box::new(loaded))))
                    .is_err()
                {
                    return;
                }
                seen = version;
                forced = false;
            }
            match refresh.recv_timeout(CHANGE_CHECK) {
                Ok(()) => forced = true,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    });
}

pub fn run_organizer(
    master: Master,
    contest: Contest,
    round: Option<String>,
    lang: Lang,
    keymap: Keymap,
) -> anyhow::Result<()> {
    // The first screen comes at once and says the master is being read; every picture,
    // the first included, comes from the worker (a national contest takes seconds to read).
    // The terminal first: without one, no worker may have started.
    let mut terminal = crate::tui::run::start_terminal(lang)?;
    let mut app = OrgApp::new(OrgData::empty(&contest), lang, keymap);
    app.loading = true;
    let runtime: Runtime<OrgMessage> = Runtime::start();
    let (refresh, refresh_rx) = mpsc::channel();
    spawn_loader(master, contest, round, runtime.sender(), refresh_rx, None);
    let result = run_loop(
        &mut terminal,
        &runtime,
        CLOCK_TICK,
        &mut app,
        |_, effect| {
            match effect {
                OrgEffect::Quit => return false,
                OrgEffect::Refresh => {
                    let _ = refresh.send(());
                }
            }
            true
        },
    );
    ratatui::restore();
    result
}

impl LoopApp for OrgApp {
    type Message = OrgMessage;
    type Effect = OrgEffect;

    fn draw(&self, frame: &mut ratatui::Frame) {
        view::draw(frame, self);
    }

    fn key(&mut self, key: crossterm::event::KeyEvent) -> Option<OrgEffect> {
        self.keymap
            .resolve(self.layer(), key)
            .and_then(|action| self.update(action))
    }

    fn message(&mut self, message: OrgMessage) -> Option<OrgEffect> {
        let OrgMessage::Loaded(loaded) = message;
        match *loaded {
            Ok(data) => {
                self.replace_data(data);
                self.status = None;
            }
            Err(e) => {
                self.loading = false;
                self.status = Some(e);
            }
        }
        None
    }

    fn resize(&mut self, width: u16, height: u16) {
        OrgApp::resize(self, width, height);
    }

    fn before_draw(&mut self) {
        self.now = jury_store::master::now_secs();
    }
}
