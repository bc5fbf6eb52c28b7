//! The judge TUI's event loop on the shared runtime (`tui::runtime`): terminal setup, the key
//! prompt, and carrying out effects. Keys, player events, syncs and background loads arrive
//! on the runtime's one channel; the screen is redrawn after each message. Opening a ballot (≈100 ms of key stretching) runs on a worker thread
//! so the prompt keeps drawing.

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::backend::Backend;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use super::app::{App, Effect, PlayerCommand, StatusKind};
use super::editor::Editor;
use super::keymap::Keymap;
use super::runtime::{Incoming, Runtime};
use super::text::fit;
use super::{action::Edit, view};
use crate::commands::compliance::MediaText as _;
use crate::i18n::{Lang, Msg};
use jury_core::text::width;
use jury_media::{
    check_media, locate, MediaCheck, Player, PlayerConfig, PlayerError, PlayerEvent, VideoOutput,
};
use jury_store::{Ballot, BallotKey, StoreError};
use std::collections::HashMap;

/// The judge app's own messages on the shared runtime's channel (keys, resizes and ticks
/// come from the runtime itself).
pub enum JudgeMessage {
    Opened(Result<(Ballot, BallotKey), StoreError>),
    /// The sync thread finished an attempt.
    Synced(super::sync::SyncReport),
    Player(PlayerEvent),
    /// The room's now-showing changed (the follower thread, `tui::follow`).
    NowShowing(jury_store::showing::Showing),
    /// The calibration record in the sync folder changed (`tui::follow`).
    Calibration(jury_store::calibration::CalibrationFile),
    /// The organizer's sign-off record changed (the follower thread).
    Signoff(jury_store::signoff::Signoff),
    /// A work's video was located and its SHA-256 checked (off the UI thread).
    MediaChecked {
        work: String,
        path: Option<PathBuf>,
        check: MediaCheck,
    },
}

type Tx = Sender<Incoming<JudgeMessage>>;

/// How long the loop waits before a tick when nothing arrives.
const TICK: Duration = Duration::from_millis(250);

pub struct JudgeOptions {
    pub ballot: PathBuf,
    pub key: Option<BallotKey>,
    pub lang: Option<Lang>,
    pub keymap: Keymap,
    pub media_dirs: Vec<PathBuf>,
    pub player: PlayerConfig,
    /// Sync folder from the command line (else the one recorded in the ballot, if any).
    pub sync_dir: Option<PathBuf>,
    /// The user's config.toml `sync_dir`: used when neither the flag nor the ballot names one.
    pub fallback_sync_dir: Option<PathBuf>,
}

fn spawn_open(tx: Tx, path: PathBuf, key: BallotKey) {
    std::thread::spawn(move || {
        let _ = tx.send(Incoming::App(JudgeMessage::Opened(
            Ballot::open(&path, &key).map(|b| (b, key)),
        )));
    });
}

/// Where jury keeps its logs: the user's cache dir, else the temp dir.
pub fn log_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "jury")
        .map(|d| d.cache_dir().to_path_buf())
        .unwrap_or_else(std::env::temp_dir)
}

/// Sends the process's stderr to a log file while the TUI owns the terminal: libraries
/// below jury (ALSA, mpv's drivers) may print there and would draw over the screen.
pub(crate) struct StderrToFile {
    saved: Option<i32>,
}

impl StderrToFile {
    pub(crate) fn start(path: &Path) -> StderrToFile {
        use std::os::fd::IntoRawFd;
        let Some(file) = path
            .parent()
            .and_then(|p| std::fs::create_dir_all(p).ok())
            .and_then(|_| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .ok()
            })
        else {
            return StderrToFile { saved: None };
        };
        let fd = file.into_raw_fd();
        // SAFETY: dup/dup2/close on descriptors this function owns or on fd 2.
        let saved = unsafe {
            let saved = libc::dup(2);
            if saved >= 0 && libc::dup2(fd, 2) >= 0 {
                libc::close(fd);
                Some(saved)
            } else {
                libc::close(fd);
                None
            }
        };
        StderrToFile { saved }
    }
}

impl Drop for StderrToFile {
    fn drop(&mut self) {
        if let Some(saved) = self.saved.take() {
            // SAFETY: restores the descriptor saved in `start`.
            unsafe {
                libc::dup2(saved, 2);
                libc::close(saved);
            }
        }
    }
}

/// Takes over the terminal, or says why it cannot (output piped or redirected, no tty)
/// instead of panicking inside ratatui.
pub fn start_terminal(lang: Lang) -> anyhow::Result<ratatui::DefaultTerminal> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(crate::tr!(lang, "tui.no_terminal"));
    }
    ratatui::try_init()
        .map_err(|e| anyhow::anyhow!(crate::tr!(lang, "tui.terminal_failed", why = e)))
}

/// Runs the judge TUI until the judge quits.
pub fn run_judge(mut opts: JudgeOptions) -> anyhow::Result<()> {
    let logs = log_dir();
    if opts.player.log_file.is_none() {
        opts.player.log_file = Some(logs.join("mpv.log"));
    }
    let lang = opts.lang.or_else(Lang::from_locale).unwrap_or(Lang::Zh);
    let mut terminal = start_terminal(lang)?;
    let redirect = StderrToFile::start(&logs.join("stderr.log"));
    let result = judge_session(&mut terminal, opts);
    ratatui::restore();
    drop(redirect);
    result
}

fn judge_session<B: Backend>(terminal: &mut Terminal<B>, opts: JudgeOptions) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let runtime: Runtime<JudgeMessage> = Runtime::start();
    let tx = runtime.sender();
    let prompt_lang = opts.lang.or_else(Lang::from_locale).unwrap_or(Lang::Zh);
    let Some((ballot, key)) = obtain_ballot(terminal, &runtime, &opts, prompt_lang)? else {
        return Ok(());
    };
    let sync_dir = opts
        .sync_dir
        .clone()
        .or_else(|| super::sync::ballot_sync_dir(&ballot))
        .or_else(|| opts.fallback_sync_dir.clone());
    // The room's now-showing lives in the same folder: follow it there.
    let _follower = sync_dir.clone().map(|dir| {
        let tx = tx.clone();
        super::follow::Follower::start(dir, super::follow::Watching::from_env(), move |s| {
            let _ = tx.send(Incoming::App(JudgeMessage::NowShowing(s)));
        })
    });
    let _calibration = sync_dir.clone().map(|dir| {
        let tx = tx.clone();
        super::follow::Follower::start_calibration(
            dir,
            super::follow::Watching::from_env(),
            move |s| {
                let _ = tx.send(Incoming::App(JudgeMessage::Calibration(s)));
            },
        )
    });
    let _signoff_follower = sync_dir.clone().map(|dir| {
        let tx = tx.clone();
        super::follow::Follower::start_signoff(dir, super::follow::Watching::from_env(), move |s| {
            let _ = tx.send(Incoming::App(JudgeMessage::Signoff(s)));
        })
    });
    let sync = sync_dir.map(|dir| {
        let tx = tx.clone();
        super::sync::SyncWorker::start(ballot.path().to_path_buf(), key, dir, move |r| {
            let _ = tx.send(Incoming::App(JudgeMessage::Synced(r)));
        })
    });
    let data = ballot.load()?;
    let lang = Lang::choose(opts.lang, data.contest.language);
    let mut media_dirs = opts.media_dirs.clone();
    if let Some(dir) = &data.media_dir {
        media_dirs.push(PathBuf::from(dir));
    }
    let mut app = App::new(data, opts.keymap, lang);
    app.at_submit = ballot.submitted_scores()?;
    // Recusals of earlier sessions: their removed scores are in the chain (best effort: a
    // chain that cannot be read offers nothing to restore, the ballot still opens).
    if let Ok(removed) = ballot.recusal_removals() {
        app.restorable_from(removed);
    }
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut session = Session {
        ballot,
        player: None,
        player_config: opts.player,
        tx: tx.clone(),
        media_dirs,
        checked: HashMap::new(),
        handed_over: false,
        started: false,
    };
    loop {
        if !session.handed_over {
            terminal.draw(|f| view::draw(f, &app))?;
        }
        let mut effects = Vec::new();
        match runtime.next(TICK) {
            Some(Incoming::Key(k)) if is_repaint_key(&k) => {
                if !session.handed_over {
                    terminal.clear()?;
                }
            }
            Some(Incoming::Key(k)) => {
                if let Some(action) = app.keymap.resolve(app.layer(), k) {
                    effects = app.update(action);
                }
            }
            Some(Incoming::App(JudgeMessage::Player(event))) => {
                let finished = matches!(
                    event,
                    PlayerEvent::Ended { .. } | PlayerEvent::Stopped { .. } | PlayerEvent::Error(_)
                );
                effects = app.on_player(event);
                if finished && session.handed_over {
                    take_back_terminal(terminal, &mut std::io::stdout())?;
                    session.handed_over = false;
                }
            }
            Some(Incoming::App(JudgeMessage::MediaChecked { work, path, check })) => {
                effects = session.media_checked(&mut app, work, path, check);
            }
            Some(Incoming::App(JudgeMessage::Synced(report))) => {
                let at = jury_store::snapshot::local_time(report.at, false);
                app.on_synced(at, report.result);
            }
            Some(Incoming::App(JudgeMessage::NowShowing(state))) => app.on_now_showing(state),
            Some(Incoming::App(JudgeMessage::Calibration(state))) => app.on_calibration(state),
            Some(Incoming::App(JudgeMessage::Signoff(state))) => app.on_signoff(state),
            Some(Incoming::Resize(w, h)) => app.resize(w, h),
            Some(Incoming::Tick | Incoming::App(JudgeMessage::Opened(_))) => {}
            None => break,
        }
        let before = super::sync::Before::of(&app);
        let scored = effects
            .iter()
            .any(|e| matches!(e, Effect::Commit(jury_core::chain::Event::Score { .. })));
        for effect in effects {
            session.carry_out(&mut app, effect);
        }
        // Playback started (a video just checked, or one checked before and played again).
        if std::mem::take(&mut session.started) && session.should_hand_over(&app) {
            hand_over_terminal()?;
            session.handed_over = true;
        }
        if let Some(sync) = &sync {
            match super::sync::request(before, &app, scored) {
                Some(super::sync::Request::Now) => sync.now(),
                Some(super::sync::Request::Later) => sync.changed(),
                None => {}
            }
        }
        if app.quit {
            break;
        }
    }
    if let Some(sync) = sync {
        sync.finish(Duration::from_secs(10));
    }
    if session.handed_over {
        take_back_terminal(terminal, &mut std::io::stdout())?;
    }
    Ok(())
}

/// Ctrl-L repaints the whole screen, whatever layer is open (the terminal convention for a
/// screen that something else drew over).
pub fn is_repaint_key(k: &crossterm::event::KeyEvent) -> bool {
    k.code == KeyCode::Char('l') && k.modifiers.contains(KeyModifiers::CONTROL)
}

/// mpv's terminal output draws from the top-left over whatever is on screen: give it the
/// normal screen and stop drawing until playback ends.
fn hand_over_terminal() -> anyhow::Result<()> {
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    Ok(())
}

/// Back from mpv: the alternate screen again, cleared, so the next draw repaints every cell
/// (ratatui would otherwise only redraw what it thinks changed, leaving mpv's frame behind).
fn take_back_terminal<B: Backend>(
    terminal: &mut Terminal<B>,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    crossterm::execute!(out, crossterm::terminal::EnterAlternateScreen)?;
    terminal.clear()?;
    Ok(())
}

/// The open ballot and the player: where effects become I/O.
struct Session {
    ballot: Ballot,
    /// Started on first use; an error is kept so the judge is told why, once per attempt.
    player: Option<Result<Player, PlayerError>>,
    player_config: PlayerConfig,
    tx: Tx,
    media_dirs: Vec<PathBuf>,
    /// Media checks already done this session (hashing a 500 MB file takes seconds).
    checked: HashMap<String, (Option<PathBuf>, MediaCheck)>,
    handed_over: bool,
    /// A video was opened since the loop last looked (it may need the terminal).
    started: bool,
}

impl Session {
    fn carry_out(&mut self, app: &mut App, effect: Effect) {
        match effect {
            Effect::Commit(event) => {
                let result = self.ballot.commit(&event).map_err(|e| e.to_string());
                app.on_saved(&event, result);
            }
            Effect::Play { work } => self.play(app, &work),
            Effect::Player(command) => self.transport(app, command),
            Effect::Quit => {
                if let Some(Ok(player)) = &self.player {
                    player.stop();
                }
            }
        }
    }

    /// Finds and checks the video off the UI thread; playback starts when the check is in.
    fn play(&mut self, app: &mut App, work_id: &str) {
        if let Some((path, check)) = self.checked.get(work_id).cloned() {
            let effects = self.media_checked(app, work_id.to_string(), path, check);
            for e in effects {
                self.carry_out(app, e);
            }
            return;
        }
        let Some(work) = app.data.work(work_id).cloned() else {
            return;
        };
        let dirs = self.media_dirs.clone();
        let tx = self.tx.clone();
        app.set_status(StatusKind::Info, crate::tr!(app.lang, "tui.checking_video"));
        std::thread::spawn(move || {
            let path = locate(&work.media_file, &dirs);
            let check = match &path {
                Some(p) => check_media(p, work.media_sha256.as_deref()),
                None => MediaCheck::Missing,
            };
            let _ = tx.send(Incoming::App(JudgeMessage::MediaChecked {
                work: work.id,
                path,
                check,
            }));
        });
    }

    fn media_checked(
        &mut self,
        app: &mut App,
        work: String,
        path: Option<PathBuf>,
        check: MediaCheck,
    ) -> Vec<Effect> {
        self.checked
            .insert(work.clone(), (path.clone(), check.clone()));
        let (Some(path), true) = (path, check.is_ok()) else {
            let file = app
                .data
                .work(&work)
                .map(|w| w.media_file.clone())
                .unwrap_or_default();
            let message = super::text::labelled(app.lang, &file, check.message(app.lang));
            app.media_notes.insert(work, message.clone());
            app.set_status(StatusKind::Error, message);
            return vec![];
        };
        let player = self.player.get_or_insert_with(|| {
            let tx = self.tx.clone();
            Player::with_sink(self.player_config.clone(), move |e| {
                let _ = tx.send(Incoming::App(JudgeMessage::Player(e)));
            })
        });
        match player {
            Ok(p) => match p.open(&path, app.resume_position(&work)) {
                Ok(()) => {
                    self.started = true;
                    app.playing_started(&work)
                }
                Err(e) => {
                    app.set_status(StatusKind::Error, e.message(app.lang));
                    vec![]
                }
            },
            Err(e) => {
                // The message starts with "playback unavailable" itself.
                app.set_status(StatusKind::Warn, e.message(app.lang));
                // Try again next time (a display or device may have appeared).
                self.player = None;
                vec![]
            }
        }
    }

    fn should_hand_over(&self, app: &App) -> bool {
        let terminal_output =
            matches!(&self.player, Some(Ok(p)) if p.output() == VideoOutput::Terminal);
        terminal_output && app.player.work.is_some() && !self.handed_over
    }

    fn transport(&mut self, app: &mut App, command: PlayerCommand) {
        let Some(Ok(p)) = &self.player else {
            app.set_status(
                StatusKind::Info,
                crate::tr!(app.lang, "tui.nothing_playing"),
            );
            return;
        };
        match command {
            PlayerCommand::TogglePause => p.toggle_pause(),
            PlayerCommand::SeekSeconds(s) => p.seek_relative(s),
            PlayerCommand::Restart => p.restart(),
            PlayerCommand::Speed(d) => p.adjust_speed(d),
            PlayerCommand::Volume(d) => p.adjust_volume(d as i32),
            PlayerCommand::Mute => p.toggle_mute(),
            PlayerCommand::Fullscreen => p.toggle_fullscreen(),
            PlayerCommand::Stop => p.stop(),
        }
    }
}

/// Opens the ballot with the given key, or asks for one until it works or the judge gives up
/// (Esc / Ctrl-C → None).
fn obtain_ballot<B: Backend>(
    terminal: &mut Terminal<B>,
    runtime: &Runtime<JudgeMessage>,
    opts: &JudgeOptions,
    lang: Lang,
) -> anyhow::Result<Option<(Ballot, BallotKey)>>
where
    B::Error: Send + Sync + 'static,
{
    let mut editor = Editor::masked();
    let mut message: Option<String> = None;
    let mut opening = false;
    if let Some(key) = &opts.key {
        spawn_open(runtime.sender(), opts.ballot.clone(), key.clone());
        opening = true;
    }
    loop {
        terminal
            .draw(|f| draw_prompt(f, lang, &opts.ballot, &editor, message.as_deref(), opening))?;
        match runtime.next(TICK) {
            Some(Incoming::App(JudgeMessage::Opened(Ok(opened)))) => return Ok(Some(opened)),
            Some(Incoming::App(JudgeMessage::Opened(Err(StoreError::WrongKey { .. })))) => {
                opening = false;
                editor = Editor::masked();
                message = Some(Msg::KeyWrong.text(lang).to_string());
            }
            Some(Incoming::App(JudgeMessage::Opened(Err(e)))) => return Err(e.into()),
            Some(Incoming::Key(k)) if is_repaint_key(&k) => terminal.clear()?,
            Some(Incoming::Key(k)) if !opening => {
                let ctrl_c =
                    k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                match k.code {
                    _ if ctrl_c => return Ok(None),
                    KeyCode::Esc => return Ok(None),
                    KeyCode::Enter => {
                        if let Some(key) = BallotKey::parse(&editor.text()) {
                            spawn_open(runtime.sender(), opts.ballot.clone(), key);
                            opening = true;
                            message = None;
                        }
                    }
                    KeyCode::Backspace => editor.edit(Edit::Backspace),
                    KeyCode::Left => editor.edit(Edit::Left),
                    KeyCode::Right => editor.edit(Edit::Right),
                    KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                        editor.insert(c)
                    }
                    _ => {}
                }
            }
            Some(_) => {}
            None => return Ok(None),
        }
    }
}

fn draw_prompt(
    frame: &mut ratatui::Frame,
    lang: Lang,
    path: &Path,
    editor: &Editor,
    message: Option<&str>,
    opening: bool,
) {
    let area = frame.area();
    let w = 60.min(area.width);
    let h = 7.min(area.height);
    let rect = Rect {
        x: (area.width - w) / 2,
        y: (area.height - h) / 2,
        width: w,
        height: h,
    };
    let title = format!(" {} ", Msg::AppName.text(lang));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(view::ASCII)
        .title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let iw = inner.width as usize;
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let shown = editor.shown();
    let lines = vec![
        Line::styled(fit(&file, iw), Style::new().add_modifier(Modifier::BOLD)),
        Line::raw(fit(Msg::KeyPrompt.text(lang), iw)),
        Line::raw(fit(&format!("> {shown}"), iw)),
        match (opening, message) {
            (true, _) => Line::styled(
                fit(Msg::Opening.text(lang), iw),
                Style::new().fg(Color::Cyan),
            ),
            (false, Some(m)) => {
                Line::styled(fit(m, iw), Style::new().fg(Color::White).bg(Color::Red))
            }
            (false, None) => Line::styled(
                fit(crate::tr!(lang, "tui.prompt_hint"), iw),
                Style::new().fg(Color::DarkGray),
            ),
        },
    ];
    frame.render_widget(Paragraph::new(lines), inner);
    if !opening {
        let x = inner.x + (2 + width(&shown)).min(iw.saturating_sub(1)) as u16;
        frame.set_cursor_position(Position { x, y: inner.y + 2 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;
    use ratatui::backend::TestBackend;

    #[test]
    fn ctrl_l_is_the_repaint_key_and_plain_l_is_not() {
        assert!(is_repaint_key(&KeyEvent::new(
            KeyCode::Char('l'),
            KeyModifiers::CONTROL
        )));
        assert!(!is_repaint_key(&KeyEvent::new(
            KeyCode::Char('l'),
            KeyModifiers::NONE
        )));
    }

    #[test]
    fn taking_the_terminal_back_from_mpv_enters_the_alternate_screen_and_clears_it() {
        let mut terminal = Terminal::new(TestBackend::new(20, 3)).unwrap();
        terminal
            .draw(|f| f.render_widget(Paragraph::new("jury"), f.area()))
            .unwrap();
        // What mpv left on the screen, unknown to ratatui.
        let mut frame_cell = ratatui::buffer::Cell::default();
        frame_cell.set_symbol("#");
        terminal
            .backend_mut()
            .draw(std::iter::once((0, 1, &frame_cell)))
            .unwrap();
        assert_eq!(terminal.backend().buffer()[(0, 1)].symbol(), "#");
        let mut out = Vec::new();
        take_back_terminal(&mut terminal, &mut out).unwrap();
        assert!(
            String::from_utf8_lossy(&out).contains("\x1b[?1049h"),
            "alternate screen: {out:?}"
        );
        let cell = &terminal.backend().buffer()[(0, 1)];
        assert_eq!(cell.symbol(), " ", "the screen is cleared");
        // The next draw writes every cell, not only those ratatui thinks changed.
        terminal
            .draw(|f| f.render_widget(Paragraph::new("jury"), f.area()))
            .unwrap();
        assert_eq!(terminal.backend().buffer()[(0, 0)].symbol(), "j");
    }
}
