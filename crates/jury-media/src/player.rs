//! Playback through libmpv.
//!
//! # Driving the player
//!
//! [`Player::new`] starts an mpv core and two threads owned by the player:
//!
//! - a **command thread**: every transport method ([`Player::open`], [`Player::toggle_pause`],
//!   [`Player::seek_relative`], …) only puts a command on a channel and returns at once, so the
//!   caller (the TUI's event loop) never waits for mpv, even while mpv is opening a file;
//! - an **event thread**: waits on mpv's events and observed properties and turns them into
//!   [`PlayerEvent`]s. While a file plays, a [`PlayerEvent::Position`] arrives about 10 times a
//!   second, and at once after every pause, speed change or finished seek.
//!
//! Events go either into the player's own channel (read them with [`Player::try_recv`] or
//! [`Player::events`], e.g. once per tick of the TUI loop), or, with [`Player::with_sink`], to a
//! callback run on the player's threads (e.g. `move |e| app_tx.send(AppEvent::Player(e))`), so
//! they can feed the same channel as key events.
//!
//! Keys pressed in mpv's own window work too (space, arrows, `f`, `m`, `9`/`0`…); `q` and the
//! window's close button stop playback ([`PlayerEvent::Stopped`]) instead of quitting mpv.
//!
//! mpv writes nothing to the terminal (its log goes to [`PlayerConfig::log_file`]). Libraries it
//! loads may: on a machine without any sound device, ALSA prints a few lines to stderr when
//! playback starts, so a full-screen TUI should send its stderr to a file while it runs.
//!
//! Dropping the player stops playback, ends both threads and destroys the mpv core; it does
//! not wait on the file being played.
//!
//! Without the cargo feature `mpv`, [`Player::new`] returns [`PlayerError::Unavailable`] and
//! jury carries on without playback.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};

use jury_core::Lang;

/// Where the picture goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VideoOutput {
    /// [`VideoOutput::Window`] when a display exists, else [`VideoOutput::Terminal`].
    #[default]
    Auto,
    /// mpv's own window (laptop screen or projector).
    Window,
    /// Drawn into the terminal with mpv's `tct` output. mpv draws from the top-left corner over
    /// whatever is on screen, so the TUI must hand the whole terminal over while it plays
    /// (leave the alternate screen and stop drawing until [`PlayerEvent::Stopped`] or
    /// [`PlayerEvent::Ended`]). mpv does not read the terminal (`terminal=no`): the TUI keeps
    /// reading keys and drives the player as usual.
    Terminal,
    /// Sound only (`vid=no`).
    AudioOnly,
    /// Neither picture nor sound (`vo=null`, `ao=null`): headless use and tests. Timing,
    /// positions and events behave as in real playback.
    None,
}

impl VideoOutput {
    /// The concrete output: `Auto` becomes `Window` if `DISPLAY` or `WAYLAND_DISPLAY` is set
    /// (always on macOS and Windows), else `Terminal`. Other values are returned unchanged.
    pub fn resolve(self) -> VideoOutput {
        self.resolve_with(|name| std::env::var_os(name))
    }

    /// [`VideoOutput::resolve`] reading the environment through `env`.
    pub fn resolve_with(self, env: impl Fn(&str) -> Option<OsString>) -> VideoOutput {
        if self != VideoOutput::Auto {
            return self;
        }
        let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
        if cfg!(any(target_os = "macos", windows)) || set("DISPLAY") || set("WAYLAND_DISPLAY") {
            VideoOutput::Window
        } else {
            VideoOutput::Terminal
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlayerConfig {
    pub output: VideoOutput,
    /// mpv's log goes here (never to the terminal); `None`: no log.
    pub log_file: Option<PathBuf>,
    /// Start in fullscreen (window output).
    pub fullscreen: bool,
    /// Which screen the window and fullscreen use (mpv's `screen`/`fs-screen`), from 0.
    pub screen: Option<u32>,
    /// Initial volume, 0–130 (100 = unchanged).
    pub volume: u32,
}

impl Default for PlayerConfig {
    fn default() -> Self {
        PlayerConfig {
            output: VideoOutput::Auto,
            log_file: None,
            fullscreen: false,
            screen: None,
            volume: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlayerError {
    /// No playback in this session: built without libmpv, or mpv could not start.
    #[error("playback unavailable: {0}")]
    Unavailable(String),
    #[error("{}: no such file", .0.display())]
    Missing(PathBuf),
    /// mpv does not recognise the file as audio or video.
    #[error("{}: not a video mpv can play", .0.display())]
    NotVideo(PathBuf),
    #[error("{path}: cannot play: {1}", path = .0.display())]
    Load(PathBuf, String),
    #[error("mpv: {0}")]
    Mpv(String),
}

impl PlayerError {
    /// One line for the status bar: what happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PlayerError::Unavailable(why), Lang::Zh) => {
                format!("无法播放（{why}）：评分不受影响，可用其他播放器观看视频")
            }
            (PlayerError::Unavailable(why), Lang::En) => {
                format!("playback unavailable ({why}): scoring still works; watch the video in another player")
            }
            (PlayerError::Missing(p), Lang::Zh) => {
                format!(
                    "找不到视频文件 {}：请检查 --media 目录或向主办方索取",
                    p.display()
                )
            }
            (PlayerError::Missing(p), Lang::En) => {
                format!(
                    "video file {} not found: check --media DIR or ask the organizer",
                    p.display()
                )
            }
            (PlayerError::NotVideo(p), Lang::Zh) => {
                format!(
                    "{} 不是可播放的视频文件：请向主办方确认该作品的文件",
                    p.display()
                )
            }
            (PlayerError::NotVideo(p), Lang::En) => {
                format!(
                    "{} is not a playable video: ask the organizer about this work's file",
                    p.display()
                )
            }
            (PlayerError::Load(p, why), Lang::Zh) => {
                format!(
                    "无法播放 {}（{why}）：文件可能已损坏，请向主办方索取",
                    p.display()
                )
            }
            (PlayerError::Load(p, why), Lang::En) => {
                format!(
                    "cannot play {} ({why}): the file may be damaged; ask the organizer",
                    p.display()
                )
            }
            (PlayerError::Mpv(why), Lang::Zh) => format!("播放器出错（{why}）：请重新播放"),
            (PlayerError::Mpv(why), Lang::En) => format!("player error ({why}): try playing again"),
        }
    }
}

/// What the player reports. Positions and durations are in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub enum PlayerEvent {
    /// A file opened by [`Player::open`] is loaded and about to play. `width`/`height` are the
    /// video's size as displayed (rotation applied); `None` for audio-only files.
    Loaded {
        duration_ms: Option<u64>,
        width: Option<u32>,
        height: Option<u32>,
    },
    /// Playback state, about 10 times a second while playing, and after each pause, speed change
    /// or finished seek.
    Position {
        position_ms: u64,
        duration_ms: Option<u64>,
        paused: bool,
        speed: f64,
    },
    /// Playback reached the end of the file. The last frame stays shown and paused; seeking back
    /// or [`Player::toggle_pause`] (which restarts from the beginning) continue.
    Ended { position_ms: u64 },
    /// Playback stopped before the end: [`Player::stop`], another [`Player::open`], or `q` / the
    /// close button in mpv's window. `position_ms` is the last known position.
    Stopped { position_ms: u64 },
    /// The file could not be played (missing, not a video, damaged) or mpv failed. The player
    /// stays usable for the next file, unless the error is [`PlayerError::Unavailable`].
    Error(PlayerError),
}

/// Commands for the command thread.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "mpv"), allow(dead_code))]
enum Cmd {
    Open(PathBuf, u64),
    TogglePause,
    SeekRelative(f64),
    SeekTo(u64),
    Restart,
    AdjustSpeed(f64),
    AdjustVolume(i32),
    ToggleMute,
    ToggleFullscreen,
    Stop,
}

/// State shared by the player's threads.
#[derive(Default)]
#[cfg_attr(not(feature = "mpv"), allow(dead_code))]
struct Shared {
    /// The file last handed to mpv. A file that mpv starts is taken to be this one, so a load
    /// error is reported for the file the judge asked for last.
    requested: Mutex<Option<PathBuf>>,
    /// The current file has played to its end (mpv keeps it open, paused).
    at_eof: AtomicBool,
    /// The player is being dropped.
    closing: AtomicBool,
    /// mpv's core has quit; commands can no longer work.
    dead: AtomicBool,
}

#[cfg_attr(not(feature = "mpv"), allow(dead_code))]
type Sink = Arc<Mutex<Box<dyn FnMut(PlayerEvent) + Send>>>;

/// A libmpv player. See the [module documentation](self) for threads and events.
pub struct Player {
    commands: Option<Sender<Cmd>>,
    events: Receiver<PlayerEvent>,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    output: VideoOutput,
}

impl Player {
    /// Starts mpv with events going to the player's own channel ([`Player::try_recv`]).
    pub fn new(config: PlayerConfig) -> Result<Player, PlayerError> {
        let (tx, rx) = mpsc::channel();
        let sink = move |e| {
            let _ = tx.send(e);
        };
        Player::start(config, Box::new(sink), rx)
    }

    /// Starts mpv with every event passed to `sink`, called on the player's threads (keep it
    /// short: forward the event to a channel). [`Player::try_recv`] then never returns anything.
    pub fn with_sink(
        config: PlayerConfig,
        sink: impl FnMut(PlayerEvent) + Send + 'static,
    ) -> Result<Player, PlayerError> {
        let (_, rx) = mpsc::channel();
        Player::start(config, Box::new(sink), rx)
    }

    /// The output actually in use (`Auto` resolved). With [`VideoOutput::Terminal`] the caller
    /// must give mpv the whole terminal while a file plays.
    pub fn output(&self) -> VideoOutput {
        self.output
    }

    /// The channel events arrive on (empty when built [`Player::with_sink`]).
    pub fn events(&self) -> &Receiver<PlayerEvent> {
        &self.events
    }

    /// The next pending event, if any; never blocks.
    pub fn try_recv(&self) -> Option<PlayerEvent> {
        self.events.try_recv().ok()
    }

    /// Plays `path` from `start_ms` (0: the beginning), replacing whatever plays. Returns an
    /// error at once when the file does not exist or is not a regular file; anything mpv finds while
    /// loading arrives later as [`PlayerEvent::Error`], success as [`PlayerEvent::Loaded`].
    pub fn open(&self, path: &Path, start_ms: u64) -> Result<(), PlayerError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(PlayerError::Missing(path.to_path_buf()))
            }
            Err(e) => return Err(PlayerError::Load(path.to_path_buf(), e.to_string())),
            // Folders, pipes and devices: mpv would list, block on or stream them.
            Ok(m) if !m.is_file() => return Err(PlayerError::NotVideo(path.to_path_buf())),
            Ok(_) => {}
        }
        // An absolute path, so mpv never reads a name as a URL, an option or `-` (stdin).
        let absolute = std::path::absolute(path)
            .map_err(|e| PlayerError::Load(path.to_path_buf(), e.to_string()))?;
        if absolute.to_str().is_none() {
            return Err(PlayerError::Load(
                path.to_path_buf(),
                "the file name is not valid UTF-8; rename the file".into(),
            ));
        }
        self.send(Cmd::Open(absolute, start_ms))
    }

    /// Pauses or resumes; after the end, plays again from the beginning.
    pub fn toggle_pause(&self) {
        let _ = self.send(Cmd::TogglePause);
    }

    /// Seeks by `seconds` (negative: back), precisely rather than to the nearest keyframe.
    pub fn seek_relative(&self, seconds: f64) {
        if seconds.is_finite() {
            let _ = self.send(Cmd::SeekRelative(seconds));
        }
    }

    /// Seeks to `position_ms` from the start.
    pub fn seek_to(&self, position_ms: u64) {
        let _ = self.send(Cmd::SeekTo(position_ms));
    }

    /// Back to the beginning, playing.
    pub fn restart(&self) {
        let _ = self.send(Cmd::Restart);
    }

    /// Changes the speed by `delta` (e.g. ±0.25), kept within 0.25×–4×.
    pub fn adjust_speed(&self, delta: f64) {
        if delta.is_finite() {
            let _ = self.send(Cmd::AdjustSpeed(delta));
        }
    }

    /// Changes the volume by `delta` percentage points, kept within 0–130.
    pub fn adjust_volume(&self, delta: i32) {
        let _ = self.send(Cmd::AdjustVolume(delta));
    }

    pub fn toggle_mute(&self) {
        let _ = self.send(Cmd::ToggleMute);
    }

    /// Fullscreen on/off (window output only; elsewhere nothing happens).
    pub fn toggle_fullscreen(&self) {
        let _ = self.send(Cmd::ToggleFullscreen);
    }

    /// Stops playback (the window closes); [`PlayerEvent::Stopped`] follows.
    pub fn stop(&self) {
        let _ = self.send(Cmd::Stop);
    }

    fn send(&self, cmd: Cmd) -> Result<(), PlayerError> {
        if self.shared.dead.load(Ordering::SeqCst) {
            return Err(PlayerError::Unavailable(
                "mpv has quit; start a new player".into(),
            ));
        }
        self.commands
            .as_ref()
            .and_then(|tx| tx.send(cmd).ok())
            .ok_or_else(|| PlayerError::Mpv("the player has stopped; open the work again".into()))
    }

    #[cfg(not(feature = "mpv"))]
    fn start(
        _config: PlayerConfig,
        _sink: Box<dyn FnMut(PlayerEvent) + Send>,
        _events: Receiver<PlayerEvent>,
    ) -> Result<Player, PlayerError> {
        Err(PlayerError::Unavailable("built without libmpv".into()))
    }

    #[cfg(feature = "mpv")]
    fn start(
        config: PlayerConfig,
        sink: Box<dyn FnMut(PlayerEvent) + Send>,
        events: Receiver<PlayerEvent>,
    ) -> Result<Player, PlayerError> {
        let output = config.output.resolve();
        let mpv = Arc::new(backend::create(&config, output)?);
        let sink: Sink = Arc::new(Mutex::new(sink));
        let shared = Arc::new(Shared::default());
        let (tx, rx) = mpsc::channel();
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .map_err(|e| PlayerError::Unavailable(format!("cannot start a thread: {e}")))
        };
        let commands = {
            let (mpv, shared, sink) = (mpv.clone(), shared.clone(), sink.clone());
            spawn(
                "jury-mpv-commands",
                Box::new(move || backend::run_commands(&mpv, rx, &shared, &sink)),
            )?
        };
        let events_thread = {
            let (mpv, shared) = (mpv.clone(), shared.clone());
            spawn(
                "jury-mpv-events",
                Box::new(move || backend::run_events(&mpv, &shared, &sink)),
            )
        };
        let events_thread = match events_thread {
            Ok(t) => t,
            Err(e) => {
                drop(tx);
                let _ = commands.join();
                return Err(e);
            }
        };
        Ok(Player {
            commands: Some(tx),
            events,
            shared,
            threads: vec![commands, events_thread],
            output,
        })
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        // Closing the channel ends the command thread; the event thread notices `closing`
        // within one wait (a quarter second at most). The last handle to mpv then destroys it.
        self.commands.take();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Clamps a playback speed to what judges can use.
#[cfg_attr(not(feature = "mpv"), allow(dead_code))]
pub(crate) fn clamp_speed(speed: f64) -> f64 {
    ((speed * 100.0).round() / 100.0).clamp(0.25, 4.0)
}

#[cfg(feature = "mpv")]
pub(crate) mod backend {
    //! All libmpv calls of the player.

    use std::sync::atomic::Ordering;
    use std::sync::mpsc::Receiver;
    use std::time::{Duration, Instant};

    use crate::libmpv::{EndFileReason, Event, Format, Mpv, MpvError, PropertyData};

    use super::*;

    /// Makes sure `LC_NUMERIC` is "C", which libmpv requires (mpv_create fails otherwise).
    pub(crate) fn ensure_c_numeric() {
        // SAFETY: setlocale with a null pointer only queries; the string it returns is read
        // before any other locale call. Changing the locale is only done when it is not "C".
        unsafe {
            let current = libc::setlocale(libc::LC_NUMERIC, std::ptr::null());
            let is_c = !current.is_null() && {
                let s = std::ffi::CStr::from_ptr(current).to_bytes();
                s == b"C" || s == b"POSIX"
            };
            if !is_c {
                libc::setlocale(libc::LC_NUMERIC, c"C".as_ptr());
            }
        }
    }

    /// A human reading of an mpv error.
    pub(crate) fn error_text(e: &MpvError) -> String {
        e.to_string()
    }

    /// Creates an mpv core with `options` (name, value as on mpv's command line). Errors name
    /// the option that failed.
    pub(crate) fn create_with(options: &[(&str, String)]) -> Result<Mpv, PlayerError> {
        ensure_c_numeric();
        Mpv::with_options(options).map_err(|(option, e)| match (option, e) {
            (_, MpvError::Library(why)) => PlayerError::Unavailable(why),
            (Some(option), e) => {
                PlayerError::Unavailable(format!("mpv refused option {option}: {e}"))
            }
            (None, MpvError::Null) => PlayerError::Unavailable(
                "mpv could not start (out of memory, or a non-C LC_NUMERIC locale)".into(),
            ),
            (None, e) => PlayerError::Unavailable(format!("mpv could not start: {e}")),
        })
    }

    pub(super) fn create(config: &PlayerConfig, output: VideoOutput) -> Result<Mpv, PlayerError> {
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        let mut options: Vec<(&str, String)> = vec![
            ("terminal", yes(false)),
            ("input-terminal", yes(false)),
            ("msg-level", "all=warn".into()),
            ("config", yes(false)),
            ("load-scripts", yes(false)),
            ("ytdl", yes(false)),
            ("idle", yes(true)),
            // Keep the last frame at the end so `eof-reached` reports the end and the judge can
            // seek back; the window stays until stop.
            ("keep-open", yes(true)),
            ("keep-open-pause", yes(true)),
            ("audio-fallback-to-null", yes(true)),
            ("audio-display", yes(false)),
            ("input-default-bindings", yes(true)),
            ("input-vo-keyboard", yes(true)),
            ("volume", config.volume.min(130).to_string()),
            ("fullscreen", yes(config.fullscreen)),
        ];
        if let Some(log) = &config.log_file {
            let log = log.to_str().ok_or_else(|| {
                PlayerError::Unavailable("the mpv log file name is not valid UTF-8".into())
            })?;
            options.push(("log-file", log.into()));
        }
        if let Some(screen) = config.screen {
            options.push(("screen", screen.to_string()));
            options.push(("fs-screen", screen.to_string()));
        }
        match output {
            VideoOutput::Auto | VideoOutput::Window => {
                options.push(("force-window", yes(false)));
            }
            VideoOutput::Terminal => {
                options.push(("vo", "tct".into()));
            }
            VideoOutput::AudioOnly => {
                options.push(("vid", yes(false)));
            }
            VideoOutput::None => {
                options.push(("vo", "null".into()));
                options.push(("ao", "null".into()));
            }
        }
        let mpv = create_with(&options)?;
        // `q`, `Q` and the window's close button would quit the whole mpv core; make them stop
        // playback instead so the player stays usable. Older mpv without `keybind`: ignored.
        for key in ["q", "Q", "CLOSE_WIN", "ESC"] {
            let action = if key == "ESC" {
                "set fullscreen no"
            } else {
                "stop"
            };
            let _ = mpv.command("keybind", &[key, action]);
        }
        if output == VideoOutput::Window {
            // The on-screen controller, if this mpv has Lua; optional.
            let _ = mpv.set_property("osc", true);
        }
        for (id, (name, format)) in OBSERVED.iter().enumerate() {
            mpv.observe_property(name, *format, id as u64)
                .map_err(|e| {
                    PlayerError::Unavailable(format!("mpv: {name}: {}", error_text(&e)))
                })?;
        }
        Ok(mpv)
    }

    const OBSERVED: [(&str, Format); 5] = [
        ("time-pos", Format::Double),
        ("duration", Format::Double),
        ("pause", Format::Flag),
        ("speed", Format::Double),
        ("eof-reached", Format::Flag),
    ];

    fn emit(sink: &Sink, event: PlayerEvent) {
        if let Ok(mut f) = sink.lock() {
            f(event);
        }
    }

    fn secs(ms: u64) -> String {
        format!("{}.{:03}", ms / 1000, ms % 1000)
    }

    pub(super) fn run_commands(mpv: &Mpv, rx: Receiver<Cmd>, shared: &Shared, sink: &Sink) {
        let restart = || {
            let _ = mpv.command("seek", &["0", "absolute+exact"]);
            let _ = mpv.set_property("pause", false);
        };
        for cmd in rx {
            if shared.closing.load(Ordering::SeqCst) {
                break;
            }
            // Transport commands fail harmlessly when nothing is loaded; those errors are
            // dropped rather than shown to the judge.
            match cmd {
                Cmd::Open(path, start_ms) => {
                    let Some(url) = path.to_str() else { continue };
                    if let Ok(mut requested) = shared.requested.lock() {
                        *requested = Some(path.clone());
                    }
                    let _ = mpv.set_property("start", secs(start_ms));
                    let _ = mpv.set_property("pause", false);
                    if let Err(e) = mpv.command("loadfile", &[url, "replace"]) {
                        emit(
                            sink,
                            PlayerEvent::Error(PlayerError::Load(path, error_text(&e))),
                        );
                    }
                }
                Cmd::TogglePause if shared.at_eof.load(Ordering::SeqCst) => restart(),
                Cmd::TogglePause => {
                    let _ = mpv.command("cycle", &["pause"]);
                }
                Cmd::SeekRelative(s) => {
                    let _ = mpv.command("seek", &[&format!("{s:.3}"), "relative+exact"]);
                }
                Cmd::SeekTo(ms) => {
                    let _ = mpv.command("seek", &[&secs(ms), "absolute+exact"]);
                }
                Cmd::Restart => restart(),
                Cmd::AdjustSpeed(delta) => {
                    let current = mpv.get_property::<f64>("speed").unwrap_or(1.0);
                    let _ = mpv.set_property("speed", clamp_speed(current + delta));
                }
                Cmd::AdjustVolume(delta) => {
                    let current = mpv.get_property::<f64>("volume").unwrap_or(100.0);
                    let _ =
                        mpv.set_property("volume", (current + f64::from(delta)).clamp(0.0, 130.0));
                }
                Cmd::ToggleMute => {
                    let _ = mpv.command("cycle", &["mute"]);
                }
                Cmd::ToggleFullscreen => {
                    let _ = mpv.command("cycle", &["fullscreen"]);
                }
                Cmd::Stop => {
                    let _ = mpv.command("stop", &[]);
                }
            }
        }
        // Leave nothing playing behind while the player shuts down.
        let _ = mpv.command("stop", &[]);
    }

    fn to_ms(seconds: f64) -> u64 {
        if seconds.is_finite() && seconds > 0.0 {
            (seconds * 1000.0).round() as u64
        } else {
            0
        }
    }

    /// The playback state the event thread keeps from mpv's property changes.
    struct State {
        current: Option<PathBuf>,
        loaded: bool,
        ended: bool,
        position: f64,
        duration: Option<f64>,
        paused: bool,
        speed: f64,
        /// Last `Position` sent: (position, paused, speed in thousandths), and when.
        last_sent: Option<(u64, bool, i64)>,
        last_time: Instant,
        force: bool,
    }

    impl State {
        fn position_ms(&self) -> u64 {
            to_ms(self.position)
        }

        fn duration_ms(&self) -> Option<u64> {
            self.duration
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(to_ms)
        }

        /// A `Position` event, if one is due: something changed, and either a pause/speed change
        /// or seek asked for one at once, or the last one is 100 ms old.
        fn position_event(&mut self) -> Option<PlayerEvent> {
            if !self.loaded {
                return None;
            }
            let now = (
                self.position_ms(),
                self.paused,
                (self.speed * 1000.0).round() as i64,
            );
            let urgent = self.force
                || self
                    .last_sent
                    .is_none_or(|(_, paused, speed)| paused != now.1 || speed != now.2);
            if self.last_sent == Some(now)
                || !(urgent || self.last_time.elapsed() >= Duration::from_millis(100))
            {
                return None;
            }
            self.force = false;
            self.last_sent = Some(now);
            self.last_time = Instant::now();
            Some(PlayerEvent::Position {
                position_ms: now.0,
                duration_ms: self.duration_ms(),
                paused: self.paused,
                speed: self.speed,
            })
        }
    }

    /// Size of the video as displayed (90°/270° rotation swaps width and height).
    pub(crate) fn display_size(mpv: &Mpv) -> (Option<u32>, Option<u32>) {
        let get = |name: &str| {
            mpv.get_property::<i64>(name)
                .ok()
                .and_then(|v| u32::try_from(v).ok())
                .filter(|v| *v > 0)
        };
        let (w, h) = (get("width"), get("height"));
        let rotation = mpv
            .get_property::<i64>("current-tracks/video/demux-rotation")
            .or_else(|_| mpv.get_property::<i64>("video-params/rotate"))
            .unwrap_or(0);
        if rotation.rem_euclid(180) == 90 {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// A player error for an end-file error `e` while playing `path`.
    pub(crate) fn load_error(path: Option<PathBuf>, e: &MpvError) -> PlayerError {
        let Some(path) = path else {
            return PlayerError::Mpv(error_text(e));
        };
        match e {
            MpvError::Raw(-13) if !path.exists() => PlayerError::Missing(path),
            MpvError::Raw(-13) => PlayerError::Load(path, "mpv could not open the file".into()),
            MpvError::Raw(-18..=-16) => PlayerError::NotVideo(path),
            e => PlayerError::Load(path, error_text(e)),
        }
    }

    pub(super) fn run_events(mpv: &Mpv, shared: &Shared, sink: &Sink) {
        let mut st = State {
            current: None,
            loaded: false,
            ended: false,
            position: 0.0,
            duration: None,
            paused: false,
            speed: 1.0,
            last_sent: None,
            last_time: Instant::now(),
            force: false,
        };
        while !shared.closing.load(Ordering::SeqCst) {
            let timeout = if st.loaded && !st.paused { 0.05 } else { 0.25 };
            let event = match mpv.wait_event(timeout) {
                None => None,
                Some(Ok(Event::StartFile)) => {
                    st.current = shared.requested.lock().ok().and_then(|r| r.clone());
                    st.loaded = false;
                    st.ended = false;
                    st.position = 0.0;
                    st.duration = None;
                    st.last_sent = None;
                    shared.at_eof.store(false, Ordering::SeqCst);
                    None
                }
                Some(Ok(Event::FileLoaded)) => {
                    st.loaded = true;
                    st.force = true;
                    if let Ok(d) = mpv.get_property::<f64>("duration") {
                        st.duration = Some(d);
                    }
                    if let Ok(p) = mpv.get_property::<f64>("time-pos") {
                        st.position = p;
                    }
                    let (width, height) = display_size(mpv);
                    Some(PlayerEvent::Loaded {
                        duration_ms: st.duration_ms(),
                        width,
                        height,
                    })
                }
                Some(Ok(Event::PropertyChange { name, change, .. })) => {
                    let name = name.as_str();
                    match (name, change) {
                        ("time-pos", PropertyData::Double(p)) => st.position = p,
                        ("duration", PropertyData::Double(d)) => st.duration = Some(d),
                        ("pause", PropertyData::Flag(p)) => st.paused = p,
                        ("speed", PropertyData::Double(s)) => st.speed = s,
                        ("eof-reached", PropertyData::Flag(eof)) => {
                            shared.at_eof.store(eof, Ordering::SeqCst);
                            st.ended = eof && st.loaded;
                        }
                        _ => {}
                    }
                    if name == "eof-reached" && st.ended {
                        if let Some(d) = st.duration_ms() {
                            st.position = st.position.max(d as f64 / 1000.0);
                        }
                        st.force = true;
                        Some(PlayerEvent::Ended {
                            position_ms: st.position_ms(),
                        })
                    } else {
                        None
                    }
                }
                Some(Ok(Event::PlaybackRestart)) => {
                    st.force = true;
                    None
                }
                Some(Ok(Event::EndFile(reason))) => {
                    let was_loaded = std::mem::replace(&mut st.loaded, false);
                    shared.at_eof.store(false, Ordering::SeqCst);
                    let position_ms = st.position_ms();
                    match reason {
                        EndFileReason::Eof if !st.ended => Some(PlayerEvent::Ended { position_ms }),
                        EndFileReason::Stop | EndFileReason::Quit if was_loaded => {
                            Some(PlayerEvent::Stopped { position_ms })
                        }
                        _ => None,
                    }
                }
                Some(Ok(Event::Shutdown)) => {
                    shared.dead.store(true, Ordering::SeqCst);
                    if !shared.closing.load(Ordering::SeqCst) {
                        emit(
                            sink,
                            PlayerEvent::Error(PlayerError::Unavailable("mpv has quit".into())),
                        );
                    }
                    return;
                }
                Some(Ok(_)) => None,
                // Only an end-file carries an error here (no asynchronous requests are made).
                Some(Err(e)) => {
                    st.loaded = false;
                    shared.at_eof.store(false, Ordering::SeqCst);
                    Some(PlayerEvent::Error(load_error(st.current.take(), &e)))
                }
            };
            if let Some(event) = event {
                emit(sink, event);
            }
            if let Some(position) = st.position_event() {
                emit(sink, position);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_output_follows_the_display() {
        let env = |vars: &'static [&'static str]| {
            move |name: &str| vars.contains(&name).then(|| OsString::from(":0"))
        };
        if !cfg!(any(target_os = "macos", windows)) {
            assert_eq!(
                VideoOutput::Auto.resolve_with(env(&[])),
                VideoOutput::Terminal
            );
        }
        assert_eq!(
            VideoOutput::Auto.resolve_with(env(&["DISPLAY"])),
            VideoOutput::Window
        );
        assert_eq!(
            VideoOutput::Auto.resolve_with(env(&["WAYLAND_DISPLAY"])),
            VideoOutput::Window
        );
        assert_eq!(
            VideoOutput::None.resolve_with(env(&["DISPLAY"])),
            VideoOutput::None
        );
        assert_eq!(
            VideoOutput::Terminal.resolve_with(env(&["DISPLAY"])),
            VideoOutput::Terminal
        );
        // An empty DISPLAY is no display.
        let empty = |name: &str| (name == "DISPLAY").then(OsString::new);
        if !cfg!(any(target_os = "macos", windows)) {
            assert_eq!(VideoOutput::Auto.resolve_with(empty), VideoOutput::Terminal);
        }
    }

    #[test]
    fn speed_is_kept_usable() {
        assert_eq!(clamp_speed(1.25), 1.25);
        assert_eq!(clamp_speed(0.1), 0.25);
        assert_eq!(clamp_speed(9.0), 4.0);
        assert_eq!(clamp_speed(1.0 + 0.1 + 0.2), 1.3);
    }

    #[test]
    fn errors_speak_both_languages_and_name_the_file() {
        let p = PathBuf::from("/media/001.mp4");
        for e in [
            PlayerError::Missing(p.clone()),
            PlayerError::NotVideo(p.clone()),
            PlayerError::Load(p.clone(), "bad".into()),
        ] {
            assert!(e.message(Lang::Zh).contains("001.mp4"), "{e:?}");
            assert!(e.message(Lang::En).contains("001.mp4"), "{e:?}");
            assert_ne!(e.message(Lang::Zh), e.message(Lang::En));
        }
        let u = PlayerError::Unavailable("built without libmpv".into());
        assert!(u.message(Lang::En).contains("built without libmpv"));
        assert!(u.message(Lang::Zh).contains("评分不受影响"));
    }

    #[test]
    fn output_names_parse_from_config_text() {
        #[derive(Deserialize)]
        struct C {
            video: VideoOutput,
        }
        let c: C = toml::from_str("video = \"audio-only\"").unwrap();
        assert_eq!(c.video, VideoOutput::AudioOnly);
    }

    #[cfg(feature = "mpv")]
    #[test]
    fn end_file_errors_map_to_typed_errors() {
        use crate::libmpv::MpvError::Raw;
        let dir = tempfile::tempdir().unwrap();
        let there = dir.path().join("x.mp4");
        std::fs::write(&there, b"x").unwrap();
        let gone = dir.path().join("gone.mp4");
        assert_eq!(
            backend::load_error(Some(gone.clone()), &Raw(-13)),
            PlayerError::Missing(gone)
        );
        assert!(matches!(
            backend::load_error(Some(there.clone()), &Raw(-13)),
            PlayerError::Load(..)
        ));
        assert_eq!(
            backend::load_error(Some(there.clone()), &Raw(-17)),
            PlayerError::NotVideo(there.clone())
        );
        assert!(
            matches!(backend::load_error(Some(there), &Raw(-20)), PlayerError::Load(_, m) if m.contains("something"))
        );
        assert!(matches!(
            backend::load_error(None, &Raw(-20)),
            PlayerError::Mpv(_)
        ));
    }

    #[cfg(not(feature = "mpv"))]
    #[test]
    fn without_mpv_the_player_says_why() {
        match Player::new(PlayerConfig::default()) {
            Err(PlayerError::Unavailable(why)) => assert!(why.contains("without libmpv")),
            _ => panic!("expected Unavailable"),
        }
    }
}
