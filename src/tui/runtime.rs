//! The one runtime both TUIs run on: a single channel carrying terminal input, each app's own
//! background messages (player events, ballot opens, syncs, master reloads) and ticks. Input
//! is read on a thread of its own, so the UI thread only ever waits on this channel and
//! redraws when something arrived; nothing polls the terminal.

use crossterm::event::{self, Event as TermEvent, KeyEvent, KeyEventKind};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// Everything a TUI loop reacts to. `M` is the app's own messages.
pub enum Incoming<M> {
    Key(KeyEvent),
    /// The terminal's new size in cells (width, height).
    Resize(u16, u16),
    /// Nothing arrived for one tick (clocks, "3 min ago").
    Tick,
    App(M),
}

/// The channel and its input thread.
pub struct Runtime<M> {
    tx: Sender<Incoming<M>>,
    rx: Receiver<Incoming<M>>,
}

impl<M: Send + 'static> Runtime<M> {
    /// Starts reading the terminal on a thread that forwards key presses and resizes.
    pub fn start() -> Runtime<M> {
        let (tx, rx) = mpsc::channel();
        let input = tx.clone();
        std::thread::spawn(move || loop {
            let forwarded = match event::read() {
                Ok(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => {
                    input.send(Incoming::Key(k))
                }
                Ok(TermEvent::Resize(w, h)) => input.send(Incoming::Resize(w, h)),
                Ok(_) => Ok(()),
                Err(_) => break,
            };
            if forwarded.is_err() {
                break;
            }
        });
        Runtime { tx, rx }
    }

    /// A sender for the app's background threads.
    pub fn sender(&self) -> Sender<Incoming<M>> {
        self.tx.clone()
    }

    /// The next thing to react to: a message, or `Tick` after `tick` of quiet; `None` once
    /// every sender is gone.
    pub fn next(&self, tick: Duration) -> Option<Incoming<M>> {
        match self.rx.recv_timeout(tick) {
            Ok(incoming) => Some(incoming),
            Err(RecvTimeoutError::Timeout) => Some(Incoming::Tick),
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }
}
