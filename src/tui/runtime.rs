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

/// An app the shared loop ([`run_loop`]) drives: the organizer TUI and the room console.
/// Keys come already resolved through the app's keymap into its own effects.
pub trait LoopApp {
    /// The app's background messages.
    type Message;
    /// What the app asks the loop to carry out.
    type Effect;
    /// Draws the app's screen; reads only.
    fn draw(&self, frame: &mut ratatui::Frame);
    /// A key (other than the repaint key, which the loop handles).
    fn key(&mut self, key: KeyEvent) -> Option<Self::Effect>;
    /// One of the app's background messages.
    fn message(&mut self, message: Self::Message) -> Option<Self::Effect>;
    /// The terminal's new size in cells.
    fn resize(&mut self, width: u16, height: u16);
    /// Just before every frame (clocks).
    fn before_draw(&mut self) {}
}

/// The loop both the organizer TUI and the room console run: draw, wait for the next thing
/// (or a tick), hand it to the app, carry out the effect it asks for. Returns when
/// `carry_out` says `false` (quit), or when every sender is gone. The terminal is left to
/// the caller to restore.
pub fn run_loop<A: LoopApp>(
    terminal: &mut ratatui::DefaultTerminal,
    runtime: &Runtime<A::Message>,
    tick: Duration,
    app: &mut A,
    mut carry_out: impl FnMut(&mut A, A::Effect) -> bool,
) -> anyhow::Result<()>
where
    A::Message: Send + 'static,
{
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    loop {
        app.before_draw();
        terminal.draw(|frame| app.draw(frame))?;
        let effect = match runtime.next(tick) {
            None => return Ok(()),
            Some(Incoming::Key(key)) if crate::tui::run::is_repaint_key(&key) => {
                terminal.clear()?;
                None
            }
            Some(Incoming::Key(key)) => app.key(key),
            Some(Incoming::App(message)) => app.message(message),
            Some(Incoming::Resize(w, h)) => {
                app.resize(w, h);
                None
            }
            Some(Incoming::Tick) => None,
        };
        if let Some(effect) = effect {
            if !carry_out(app, effect) {
                return Ok(());
            }
        }
    }
}
