//! The organizer TUI's loop on the shared runtime. The master is read by the loader
//! (`loader.rs`) on its own thread, only when it changed, in two stages. The UI thread never
//! touches the database and redraws only when something arrived (or once per tick for the
//! clock).

use std::time::Duration;

use super::loader::Loader;
pub use super::state::OrgMessage;
use super::state::{OrgApp, OrgData, OrgEffect};
use super::view;
use crate::i18n::Lang;
use crate::tui::keymap::Keymap;
use crate::tui::runtime::{run_loop, LoopApp, Runtime};
use jury_core::model::Contest;
use jury_store::master::Master;

/// How often the screen is redrawn while nothing happens ("merged 3 min ago").
const CLOCK_TICK: Duration = Duration::from_secs(2);

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
    let mut loader = Loader::spawn(master, contest, round, runtime.sender());
    let result = run_loop(
        &mut terminal,
        &runtime,
        CLOCK_TICK,
        &mut app,
        |_, effect| {
            match effect {
                OrgEffect::Quit => return false,
                OrgEffect::Refresh => loader.refresh(),
            }
            true
        },
    );
    ratatui::restore();
    // Not before the loader is out of the master (an exit inside SQLCipher can crash).
    loader.stop();
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
        self.receive(message);
        None
    }

    fn resize(&mut self, width: u16, height: u16) {
        OrgApp::resize(self, width, height);
    }

    fn before_draw(&mut self) {
        self.now = jury_store::master::now_secs();
    }
}
