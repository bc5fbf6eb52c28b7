//! The room console's loop on the shared runtime. A worker thread owns the master: it merges
//! the sync folder's ballots as they arrive (`jury watch`'s [`BallotWatcher`], one step at a
//! time) and sends a fresh picture after every merge, or when another process (`jury watch`
//! in another terminal) committed to the master, or when asked. The now-showing file is
//! followed like the judges follow it, so a `jury room show` typed in a shell shows here too.
//! Publishing (the store's atomic writer) and the player's commands run on the UI thread:
//! both return at once.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::state::{RoomApp, RoomData, RoomEffect};
use super::view;
use crate::commands::watch::{BallotWatcher, WatchStep};
use crate::i18n::Lang;
use crate::tr;
use crate::tui::follow::{Follower, Watching};
use crate::tui::keymap::Keymap;
use crate::tui::runtime::{run_loop, Incoming, LoopApp, Runtime};
use jury_core::model::Contest;
use jury_core::text::safe_line;
use jury_media::{locate, Player, PlayerConfig, PlayerError, PlayerEvent, VideoOutput};
use jury_store::master::Master;
use jury_store::showing::{self, Showing};

/// How long one watch step waits for the folder before the worker looks at the master.
const STEP: Duration = Duration::from_millis(200);
/// How often the screen is redrawn while nothing happens (the video's clock).
const CLOCK_TICK: Duration = Duration::from_millis(500);

/// What the background threads send the UI thread.
pub enum RoomMessage {
    Loaded(Box<Result<RoomData, String>>),
    /// The lines of one merge step (one per ballot file looked at), or a watch error.
    Merged(Vec<String>),
    NowShowing(Showing),
    Player(PlayerEvent),
}

/// Where the console's data comes from and goes to.
pub struct ConsoleOptions {
    pub contest: Contest,
    /// The sync folder: ballots come in, now showing goes out.
    pub sync_dir: PathBuf,
    /// The contest's media folder (videos by file name).
    pub media_dir: PathBuf,
    pub player: PlayerConfig,
    pub lang: Lang,
    pub keymap: Keymap,
}

/// The worker: merges and reloads until the UI thread is gone or `refresh` is dropped (it
/// looks after every watch step, 200 ms at most). Every picture, the first included, comes
/// from here. The caller joins it before the process exits: a thread still inside a master
/// read (SQLCipher, OpenSSL) while the process exits can crash it.
pub fn spawn_worker(
    mut master: Master,
    contest: Contest,
    dir: PathBuf,
    lang: Lang,
    tx: Sender<Incoming<RoomMessage>>,
    refresh: Receiver<()>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let send = |m: RoomMessage| tx.send(Incoming::App(m)).is_ok();
        let mut lines: Vec<String> = Vec::new();
        let mut watcher = match BallotWatcher::start(&dir, lang) {
            Ok(mut w) => {
                if let Err(e) =
                    w.merge_present(&mut master, &contest, lang, &mut |l| lines.push(l.into()))
                {
                    lines.push(e);
                }
                Some(w)
            }
            Err(e) => {
                lines.push(e);
                None
            }
        };
        let mut seen = master.data_version().ok();
        let mut reload = true;
        loop {
            if reload {
                let loaded = RoomData::load(&master, &contest).map_err(|e| e.to_string());
                if !send(RoomMessage::Loaded(Box::new(loaded))) {
                    return;
                }
                seen = master.data_version().ok();
                reload = false;
            }
            if !lines.is_empty() && !send(RoomMessage::Merged(std::mem::take(&mut lines))) {
                return;
            }
            match &mut watcher {
                Some(w) => {
                    let step = w.step(&mut master, &contest, lang, STEP, &mut |l| {
                        lines.push(l.into())
                    });
                    match step {
                        WatchStep::Handled(_) => reload = true,
                        WatchStep::Quiet => {}
                        WatchStep::Gone => watcher = None,
                    }
                }
                None => std::thread::sleep(STEP),
            }
            match refresh.try_recv() {
                Ok(()) => reload = true,
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => return,
            }
            // Another connection (a `jury watch` elsewhere) committed.
            if master.data_version().ok() != seen {
                reload = true;
            }
        }
    })
}

/// The player and the folders: where the console's effects become I/O.
struct Room {
    contest_id: String,
    sync_dir: PathBuf,
    media_dir: PathBuf,
    player_config: PlayerConfig,
    player: Option<Result<Player, PlayerError>>,
    tx: Sender<Incoming<RoomMessage>>,
}

impl Room {
    fn publish(&self, app: &mut RoomApp, work: Option<&str>) {
        match showing::publish(
            &self.sync_dir,
            &self.contest_id,
            work,
            jury_store::master::now_secs(),
        ) {
            Ok(record) => app.on_now_showing(Showing::Published(record)),
            Err(e) => app.on_publish_failed(publish_words(&e, app.lang)),
        }
    }

    /// Plays the work's video from the media folder on the projector.
    fn play(&mut self, app: &mut RoomApp, work: &str) {
        let lang = app.lang;
        let Some(file) = app.data.work(work).and_then(|w| w.media_file.clone()) else {
            app.status = Some(tr!(lang, "console.no_media", work = safe_line(work)));
            return;
        };
        let Some(path) = locate(&file, std::slice::from_ref(&self.media_dir)) else {
            app.status = Some(tr!(
                lang,
                "console.no_video",
                work = safe_line(work),
                file = safe_line(&file),
                dir = safe_line(&self.media_dir.display().to_string())
            ));
            return;
        };
        if self.player_config.output.resolve() == VideoOutput::Terminal {
            // mpv would draw over the console: the projector needs a window.
            app.status = Some(tr!(lang, "console.no_display").to_string());
            return;
        }
        let player = self.player.get_or_insert_with(|| {
            let tx = self.tx.clone();
            Player::with_sink(self.player_config.clone(), move |e| {
                let _ = tx.send(Incoming::App(RoomMessage::Player(e)));
            })
        });
        match player {
            Ok(p) => match p.open(&path, 0) {
                Ok(()) => app.playing(work),
                Err(e) => app.status = Some(e.message(lang)),
            },
            Err(e) => {
                app.status = Some(e.message(lang));
                // Try again next time (a display may have appeared).
                self.player = None;
            }
        }
    }

    fn stop(&self, app: &mut RoomApp) {
        if let Some(Ok(p)) = &self.player {
            p.stop();
        }
        app.playback = None;
    }

    /// Carries out an effect; `false` to quit.
    fn carry_out(&mut self, app: &mut RoomApp, effect: RoomEffect, refresh: &Sender<()>) -> bool {
        match effect {
            RoomEffect::Show(work) => {
                self.publish(app, Some(&work));
                self.play(app, &work);
            }
            RoomEffect::Clear => {
                self.publish(app, None);
                self.stop(app);
            }
            RoomEffect::Pause => {
                if let Some(Ok(p)) = &self.player {
                    p.toggle_pause();
                }
            }
            RoomEffect::Stop => self.stop(app),
            RoomEffect::Refresh => {
                let _ = refresh.send(());
            }
            RoomEffect::Quit => {
                self.stop(app);
                return false;
            }
        }
        true
    }
}

fn publish_words(e: &showing::PublishError, lang: Lang) -> String {
    match e {
        showing::PublishError::NoFolder { dir } => tr!(
            lang,
            "room.no_folder",
            dir = safe_line(&dir.display().to_string())
        ),
        showing::PublishError::Io { path, source } => tr!(
            lang,
            "room.cannot_write",
            path = safe_line(&path.display().to_string()),
            why = source
        ),
    }
}

/// Runs the room console until the organizer quits.
pub fn run_console(master: Master, opts: ConsoleOptions) -> anyhow::Result<()> {
    let ConsoleOptions {
        contest,
        sync_dir,
        media_dir,
        mut player,
        lang,
        keymap,
    } = opts;
    // The terminal first: without one, nothing may have started (a worker still reading
    // the master through SQLCipher while the process exits can crash it).
    let mut terminal = crate::tui::run::start_terminal(lang)?;
    let logs = crate::tui::run::log_dir();
    if player.log_file.is_none() {
        player.log_file = Some(logs.join("mpv-room.log"));
    }
    let mut app = RoomApp::new(RoomData::empty(&contest), lang, keymap);
    app.loading = true;
    let runtime: Runtime<RoomMessage> = Runtime::start();
    let (refresh, refresh_rx) = mpsc::channel();
    let worker = spawn_worker(
        master,
        contest.clone(),
        sync_dir.clone(),
        lang,
        runtime.sender(),
        refresh_rx,
    );
    let tx = runtime.sender();
    let _follower = Follower::start(sync_dir.clone(), Watching::from_env(), move |s| {
        let _ = tx.send(Incoming::App(RoomMessage::NowShowing(s)));
    });
    let mut room = Room {
        contest_id: contest.id.clone(),
        sync_dir,
        media_dir,
        player_config: player,
        player: None,
        tx: runtime.sender(),
    };
    let redirect = crate::tui::run::StderrToFile::start(&logs.join("stderr-room.log"));
    let result = run_loop(
        &mut terminal,
        &runtime,
        CLOCK_TICK,
        &mut app,
        |app, effect| room.carry_out(app, effect, &refresh),
    );
    ratatui::restore();
    // No thread may be inside a master read when the process exits: the worker sees its
    // refresh channel gone after its current step (or read) and returns.
    drop(refresh);
    let _ = worker.join();
    drop(redirect);
    result
}

impl LoopApp for RoomApp {
    type Message = RoomMessage;
    type Effect = RoomEffect;

    fn draw(&self, frame: &mut ratatui::Frame) {
        view::draw(frame, self);
    }

    fn key(&mut self, key: crossterm::event::KeyEvent) -> Option<RoomEffect> {
        self.keymap
            .resolve(self.layer(), key)
            .and_then(|action| self.update(action))
    }

    fn message(&mut self, message: RoomMessage) -> Option<RoomEffect> {
        match message {
            RoomMessage::Loaded(loaded) => match *loaded {
                Ok(data) => self.replace_data(data),
                Err(e) => {
                    self.loading = false;
                    self.status = Some(e);
                }
            },
            RoomMessage::Merged(lines) => self.on_merged(&lines),
            RoomMessage::NowShowing(state) => self.on_now_showing(state),
            RoomMessage::Player(event) => self.on_player(event),
        }
        None
    }

    fn resize(&mut self, width: u16, height: u16) {
        RoomApp::resize(self, width, height);
    }
}
