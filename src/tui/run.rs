//! The judge TUI's event loop: terminal setup, the key prompt, and carrying out effects.
//! Keys (and, with playback, player events) arrive on one channel; the screen is redrawn
//! after each message. Opening a ballot (≈100 ms of key stretching) runs on a worker thread
//! so the prompt keeps drawing.

use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::backend::Backend;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::app::{App, Effect, StatusKind};
use super::editor::Editor;
use super::keymap::Keymap;
use super::text::{fit, width};
use super::{action::Edit, view};
use crate::i18n::{Lang, Msg};
use crate::store::{Ballot, BallotKey, StoreError};

/// Everything the loop reacts to.
pub enum Incoming {
    Key(crossterm::event::KeyEvent),
    Resize,
    Opened(Result<Ballot, StoreError>),
}

pub struct JudgeOptions {
    pub ballot: PathBuf,
    pub key: Option<BallotKey>,
    pub lang: Option<Lang>,
    pub keymap: Keymap,
    pub media_dirs: Vec<PathBuf>,
}

/// Reads terminal events on a thread of its own and forwards them.
fn spawn_input(tx: Sender<Incoming>) {
    std::thread::spawn(move || loop {
        match event::read() {
            Ok(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => {
                if tx.send(Incoming::Key(k)).is_err() {
                    break;
                }
            }
            Ok(TermEvent::Resize(..)) => {
                if tx.send(Incoming::Resize).is_err() {
                    break;
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    });
}

fn spawn_open(tx: Sender<Incoming>, path: PathBuf, key: BallotKey) {
    std::thread::spawn(move || {
        let _ = tx.send(Incoming::Opened(Ballot::open(&path, &key)));
    });
}

/// Runs the judge TUI until the judge quits.
pub fn run_judge(opts: JudgeOptions) -> anyhow::Result<()> {
    let mut terminal = ratatui::init();
    let result = judge_session(&mut terminal, opts);
    ratatui::restore();
    result
}

fn judge_session<B: Backend>(terminal: &mut Terminal<B>, opts: JudgeOptions) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    spawn_input(tx.clone());
    let prompt_lang = opts.lang.or_else(Lang::from_locale).unwrap_or(Lang::Zh);
    let Some(ballot) = obtain_ballot(terminal, &tx, &rx, &opts, prompt_lang)? else {
        return Ok(());
    };
    let data = ballot.load()?;
    let lang = Lang::choose(opts.lang, data.contest.language);
    let mut app = App::new(data, opts.keymap, lang);
    let mut session = Session { ballot };
    loop {
        terminal.draw(|f| view::draw(f, &app))?;
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(Incoming::Key(k)) => {
                if let Some(action) = app.keymap.resolve(app.layer(), k) {
                    for effect in app.update(action) {
                        session.carry_out(&mut app, effect);
                    }
                }
            }
            Ok(Incoming::Resize) | Ok(Incoming::Opened(_)) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if app.quit {
            break;
        }
    }
    Ok(())
}

/// The open ballot and, later, the player: where effects become I/O.
struct Session {
    ballot: Ballot,
}

impl Session {
    fn carry_out(&mut self, app: &mut App, effect: Effect) {
        let b = &mut self.ballot;
        let result = match &effect {
            Effect::SetScore {
                work,
                criterion,
                steps,
            } => b.set_score(work, criterion, *steps),
            Effect::SetComment { work, text } => b.set_comment(work, text),
            Effect::Recuse { work, reason } => b.recuse(work, reason),
            Effect::Unrecuse { work } => b.unrecuse(work),
            Effect::Submit => b.submit(),
            Effect::Reopen => b.reopen(),
            Effect::Play { .. } | Effect::Player(_) => {
                let text = format!(
                    "{}: {}",
                    app.t(Msg::PlaybackUnavailable),
                    app.lang
                        .pick("此版本未接入播放器", "this build has no player")
                );
                app.set_status(StatusKind::Warn, text);
                return;
            }
            Effect::Quit => return,
        };
        app.on_saved(&effect, result.map_err(|e| e.to_string()));
    }
}

/// Opens the ballot with the given key, or asks for one until it works or the judge gives up
/// (Esc / Ctrl-C → None).
fn obtain_ballot<B: Backend>(
    terminal: &mut Terminal<B>,
    tx: &Sender<Incoming>,
    rx: &Receiver<Incoming>,
    opts: &JudgeOptions,
    lang: Lang,
) -> anyhow::Result<Option<Ballot>> {
    let mut editor = Editor::masked();
    let mut message: Option<String> = None;
    let mut opening = false;
    if let Some(key) = &opts.key {
        spawn_open(tx.clone(), opts.ballot.clone(), key.clone());
        opening = true;
    }
    loop {
        terminal
            .draw(|f| draw_prompt(f, lang, &opts.ballot, &editor, message.as_deref(), opening))?;
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(Incoming::Opened(Ok(ballot))) => return Ok(Some(ballot)),
            Ok(Incoming::Opened(Err(StoreError::WrongKey { .. }))) => {
                opening = false;
                editor = Editor::masked();
                message = Some(Msg::KeyWrong.text(lang).to_string());
            }
            Ok(Incoming::Opened(Err(e))) => return Err(e.into()),
            Ok(Incoming::Key(k)) if !opening => {
                let ctrl_c =
                    k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                match k.code {
                    _ if ctrl_c => return Ok(None),
                    KeyCode::Esc => return Ok(None),
                    KeyCode::Enter => {
                        if let Some(key) = BallotKey::parse(&editor.text()) {
                            spawn_open(tx.clone(), opts.ballot.clone(), key);
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
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(None),
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
        .border_set(ratatui::symbols::border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        })
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
                fit(
                    lang.pick("Enter 打开 / Esc 退出", "Enter opens / Esc quits"),
                    iw,
                ),
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
