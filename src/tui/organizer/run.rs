//! The organizer TUI's loop: keys through the keymap into `OrgApp::update`, and a reload of
//! the master every two seconds so merges from `jury watch` appear while it runs.

use crossterm::event::{self, Event as TermEvent, KeyEventKind};
use std::time::{Duration, Instant};

use super::state::{OrgApp, OrgData, OrgEffect};
use super::view;
use crate::i18n::Lang;
use crate::tui::keymap::Keymap;
use jury_core::model::Contest;
use jury_store::master::Master;

const RELOAD_EVERY: Duration = Duration::from_secs(2);

pub fn run_organizer(
    master: Master,
    contest: Contest,
    lang: Lang,
    keymap: Keymap,
) -> anyhow::Result<()> {
    let data = OrgData::load(&master, &contest)?;
    let mut app = OrgApp::new(data, lang, keymap);
    let mut terminal = crate::tui::run::start_terminal(lang)?;
    let result = (|| -> anyhow::Result<()> {
        let mut loaded = Instant::now();
        loop {
            app.now = jury_store::master::now_secs();
            terminal.draw(|frame| view::draw(frame, &mut app))?;
            let mut effect = None;
            if event::poll(Duration::from_millis(250))? {
                if let TermEvent::Key(key) = event::read()? {
                    if key.kind != KeyEventKind::Release && crate::tui::run::is_repaint_key(&key) {
                        terminal.clear()?;
                    } else if key.kind != KeyEventKind::Release {
                        if let Some(action) = app.keymap.resolve(app.layer(), key) {
                            effect = app.update(action);
                        }
                    }
                }
            }
            match effect {
                Some(OrgEffect::Quit) => return Ok(()),
                Some(OrgEffect::Refresh) => loaded = Instant::now() - RELOAD_EVERY,
                None => {}
            }
            if loaded.elapsed() >= RELOAD_EVERY {
                match OrgData::load(&master, &contest) {
                    Ok(data) => {
                        app.replace_data(data);
                        app.status = None;
                    }
                    Err(e) => app.status = Some(e.to_string()),
                }
                loaded = Instant::now();
            }
        }
    })();
    ratatui::restore();
    result
}
