//! The judge TUI's state and its pure `update`: an `Action` changes the `App` and returns the
//! `Effect`s (writes, playback) for the runtime to carry out. Ballot data in `App` changes
//! only through `on_saved`, i.e. after the store has committed.

use std::collections::HashMap;

use super::action::{
    Action, Command, ConfirmCommand, HelpCommand, InputCommand, LayerAction, ListCommand,
    ScoreCommand,
};

type ScoreAction = LayerAction<ScoreCommand>;
type InputAction<C = InputCommand> = LayerAction<C>;
use super::editor::Editor;
use super::keymap::{Keymap, Layer};
use crate::i18n::{Lang, Msg};
use jury_core::chain::Event;
use jury_core::model::{Criterion, ScoreStatus};
use jury_media::PlayerEvent;
use jury_store::{BallotData, Commit, Progress};

/// Something the runtime must do outside the pure state.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Commit one ballot event (a score, comment, recusal, watch progress, submit, reopen).
    Commit(Event),
    Play {
        work: String,
    },
    Player(PlayerCommand),
    Quit,
}

impl Effect {
    fn score(work: &str, criterion: &str, steps: Option<u32>) -> Effect {
        Effect::Commit(Event::Score {
            work: work.into(),
            criterion: criterion.into(),
            steps,
            reason: None,
        })
    }

    fn progress(work: &str, p: Progress) -> Effect {
        Effect::Commit(Event::Progress {
            work: work.into(),
            furthest_ms: p.furthest_ms,
            watched_ms: p.watched_ms,
            last_ms: p.last_ms,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlayerCommand {
    TogglePause,
    SeekSeconds(f64),
    Restart,
    Speed(f64),
    Volume(i64),
    Mute,
    Fullscreen,
    Stop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPurpose {
    Comment {
        work: String,
    },
    Recuse {
        work: String,
    },
    Filter,
    /// The reason for changing a submitted score (one line); Esc leaves the score as it was
    /// and goes back to criterion `retry`.
    Revise {
        work: String,
        criterion: String,
        old: Option<u32>,
        new: Option<u32>,
        retry: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    Submit {
        unfinished: Vec<String>,
    },
    /// Recusing from a work that has scores deletes them: asked first.
    Recuse {
        work: String,
        scores: usize,
        total: String,
    },
    Reopen,
    Receipt {
        code: String,
    },
    /// The final award list the organizer published for sign-off (`jury signoff`); `y`
    /// appends "results confirmed <fingerprint>" to the ballot.
    Signoff,
    /// The ballot's revision, receipt and last sync (`i`).
    Details,
    /// After withdrawing a recusal: put back the scores the recusal removed (as new score
    /// events, so the chain records the restoring too).
    Restore {
        work: String,
        scores: Vec<(String, u32)>,
        total: String,
    },
    /// `q` with work the organizer has not got yet: asked once before leaving.
    Quit {
        unsubmitted: bool,
        unsynced: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    List,
    Score {
        criterion: usize,
        buffer: String,
    },
    /// After the last criterion: the work's total, and the way on to the next unscored work.
    Summary,
    Input {
        purpose: InputPurpose,
        editor: Editor,
        back: Box<Mode>,
    },
    Confirm(Dialog),
    Help {
        filter: Editor,
        selected: usize,
        back: Box<Mode>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Saved,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

/// What the player line shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayerView {
    pub work: Option<String>,
    pub position_ms: u64,
    pub duration_ms: Option<u64>,
    pub paused: bool,
    pub speed: f64,
}

/// What the judge actually watched of the work that is playing.
#[derive(Debug, Clone, PartialEq)]
struct Watch {
    work: String,
    progress: Progress,
    last_position: Option<u64>,
    unsaved_ms: u64,
}

/// Save watch progress at least this often while playing.
const SAVE_EVERY_MS: u64 = 15_000;
/// Position jumps larger than this are seeks, not watching.
const MAX_WATCH_STEP_MS: u64 = 2_000;

pub struct App {
    pub lang: Lang,
    pub data: BallotData,
    pub keymap: Keymap,
    pub mode: Mode,
    /// Index into `visible`.
    pub selected: usize,
    visible: Vec<usize>,
    /// Works scored or recused, recounted whenever ballot data changes.
    done: usize,
    pub filter: String,
    pub status: Option<Status>,
    pub player: PlayerView,
    /// Per-work media check notes (missing file, modified file…).
    pub media_notes: HashMap<String, String>,
    pub quit: bool,
    watch: Option<Watch>,
    /// First list row on screen, kept so the selection stays visible (set here, read by the
    /// view).
    pub scroll: usize,
    /// The last sync-folder write, when a sync folder is set.
    pub sync: Option<SyncState>,
    /// Scores a recusal removed this session, per work: what withdrawing it can restore.
    removed: HashMap<String, Vec<(String, u32)>>,
    /// First help row on screen (set here, read by the view).
    pub help_top: usize,
    /// The terminal's size in cells, as the runtime last reported it: what a page is.
    pub screen: (u16, u16),
    /// The work the meeting room is showing, when it is on this ballot (the header's banner).
    pub showing: Option<ShowingNow>,
    /// A now-showing that arrived while the judge was typing: the selection moves to it when
    /// they are back in the list.
    pending_show: Option<String>,
    /// This judge's calibration offsets as one line, once the organizer published them
    /// (`jury calibration --publish`): shown on the status line when nothing else is.
    pub calibration: Option<String>,
    /// Scores as they stood at the last submission (the runtime loads them from the ballot):
    /// changing one of them asks for a reason.
    pub at_submit: std::collections::BTreeMap<(String, String), u32>,
    /// The last revision reason typed this session, offered again for the next change.
    last_reason: String,
    /// The results the organizer published for sign-off, when they are this contest's.
    pub signoff: Option<jury_core::signoff::SignoffRecord>,
    /// The fingerprint this judge confirmed this session.
    pub confirmed: Option<String>,
}

/// The room's now-showing as this judge's TUI follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowingNow {
    /// The work's id (one on this ballot).
    pub work: String,
    /// The publication's sequence number: a new one of the same work moves the judge again.
    pub seq: u64,
}

/// What the status line says about the sync folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    pub ok: bool,
    /// Local time of the attempt, "14:03:12".
    pub at: String,
    /// Revision written, when ok.
    pub revision: Option<u64>,
}

const PAGE: usize = 10;

impl App {
    pub fn new(data: BallotData, keymap: Keymap, lang: Lang) -> App {
        let mut app = App {
            lang,
            data,
            keymap,
            mode: Mode::List,
            selected: 0,
            visible: Vec::new(),
            done: 0,
            filter: String::new(),
            status: None,
            player: PlayerView {
                speed: 1.0,
                ..PlayerView::default()
            },
            media_notes: HashMap::new(),
            quit: false,
            watch: None,
            scroll: 0,
            sync: None,
            removed: HashMap::new(),
            help_top: 0,
            screen: (80, 24),
            showing: None,
            pending_show: None,
            calibration: None,
            at_submit: Default::default(),
            last_reason: String::new(),
            signoff: None,
            confirmed: None,
        };
        app.refilter();
        app
    }

    pub fn t(&self, m: Msg) -> &'static str {
        m.text(self.lang)
    }

    pub fn layer(&self) -> Layer {
        match self.mode {
            Mode::List => Layer::List,
            Mode::Score { .. } | Mode::Summary => Layer::Score,
            Mode::Input { .. } => Layer::Input,
            Mode::Confirm(_) => Layer::Confirm,
            Mode::Help { .. } => Layer::Help,
        }
    }

    /// Indices into `data.works` that pass the filter, in list order.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    pub fn selected_work_index(&self) -> Option<usize> {
        self.visible.get(self.selected).copied()
    }

    pub fn selected_work_id(&self) -> Option<String> {
        self.selected_work_index()
            .map(|i| self.data.works[i].id.clone())
    }

    pub fn done_count(&self) -> usize {
        self.done
    }

    fn refilter(&mut self) {
        self.done = self.data.done_count();
        let keep = self.selected_work_index();
        let needle = self.filter.to_lowercase();
        self.visible = self
            .data
            .works
            .iter()
            .enumerate()
            .filter(|(_, w)| {
                needle.is_empty()
                    || [&w.id, &w.title, &w.unit, &w.district]
                        .iter()
                        .any(|f| f.to_lowercase().contains(&needle))
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = keep
            .and_then(|k| self.visible.iter().position(|&v| v == k))
            .unwrap_or(0);
        self.settle();
    }

    fn say(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            kind,
            text: text.into(),
        });
    }

    fn criteria(&self) -> Vec<&Criterion> {
        self.data.contest.rubric.criteria().collect()
    }

    /// The terminal now has `width` × `height` cells (the runtime says so before the first
    /// draw and on every resize): windows are re-kept around their selections.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.screen = (width, height);
        self.settle();
    }

    /// Keeps the list's and the help's windows around their selections for the current
    /// screen, moving them as little as possible. The views only read these.
    fn settle(&mut self) {
        let rows = super::view::list_rows(self.screen.1);
        self.scroll =
            super::view::keep_visible(self.scroll, self.selected, rows, self.visible.len());
        if let Mode::Help {
            filter, selected, ..
        } = &self.mode
        {
            let page = super::view::help_page(self.screen.1);
            let len = self.help_rows(&filter.text()).len();
            self.help_top = super::view::keep_visible(self.help_top, *selected, page, len);
        }
    }

    /// Applies one action. Pure: all I/O is returned as effects.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let effects = self.dispatch(action);
        self.move_to_pending_show();
        self.settle();
        effects
    }

    /// The room's now-showing changed (from the follower thread). A work on this ballot is
    /// selected, at once in the list, else once the judge is back there (typing a score or a
    /// comment is never interrupted); another contest's record, a work not on this ballot or
    /// a damaged file is only noted on the status line.
    pub fn on_now_showing(&mut self, state: jury_store::showing::Showing) {
        use jury_store::showing::Showing;
        let record = match state {
            Showing::Absent => {
                self.showing = None;
                self.pending_show = None;
                return;
            }
            Showing::Bad(_) => {
                self.say(StatusKind::Info, crate::tr!(self.lang, "room.follow.bad"));
                return;
            }
            Showing::Published(record) => record,
        };
        if record.contest != self.data.contest.id {
            let other = jury_core::text::safe_line(&record.contest).into_owned();
            self.say(
                StatusKind::Info,
                crate::tr!(self.lang, "room.follow.other_contest", contest = other),
            );
            return;
        }
        let Some(work) = record.work else {
            self.showing = None;
            self.pending_show = None;
            return;
        };
        if self
            .showing
            .as_ref()
            .is_some_and(|s| s.seq == record.seq && s.work == work)
        {
            return;
        }
        if !self.data.works.iter().any(|w| w.id == work) {
            self.showing = None;
            self.pending_show = None;
            let shown = jury_core::text::safe_line(&work).into_owned();
            self.say(
                StatusKind::Info,
                crate::tr!(self.lang, "room.follow.not_on_ballot", work = shown),
            );
            return;
        }
        self.showing = Some(ShowingNow {
            work: work.clone(),
            seq: record.seq,
        });
        self.pending_show = Some(work);
        self.move_to_pending_show();
        self.settle();
    }

    /// The sync folder's calibration record changed: this judge's own offsets become the
    /// calibration line (and are said at once); another contest's record, or one without
    /// this judge, says nothing.
    pub fn on_calibration(&mut self, state: jury_store::calibration::CalibrationFile) {
        use jury_store::calibration::CalibrationFile;
        match state {
            CalibrationFile::Absent => self.calibration = None,
            CalibrationFile::Bad(_) => self.say(
                StatusKind::Info,
                crate::tr!(self.lang, "calibration.judge.bad"),
            ),
            CalibrationFile::Published(record) => {
                if record.contest != self.data.contest.id {
                    return;
                }
                let Some(mine) = record.judge(&self.data.judge.id) else {
                    return;
                };
                let line = super::view::calibration_line(
                    &self.data.contest.rubric,
                    &mine.groups,
                    self.lang,
                );
                self.say(StatusKind::Info, line.clone());
                self.calibration = Some(line);
            }
        }
    }

    /// The organizer's sign-off record changed (from the follower thread): this contest's is
    /// kept for the final-results key and announced on the status line; another contest's
    /// or a damaged one is only noted.
    pub fn on_signoff(&mut self, state: jury_core::signoff::Signoff) {
        use jury_core::signoff::{short, Signoff};
        match state {
            Signoff::Absent => self.signoff = None,
            Signoff::Bad(_) => {
                self.say(StatusKind::Info, crate::tr!(self.lang, "signoff.tui.bad"));
            }
            Signoff::Published(record) if record.contest != self.data.contest.id => {}
            Signoff::Published(record) => {
                let key = self
                    .keymap
                    .key_for(
                        super::keymap::Layer::List,
                        super::action::Command::FinalResults,
                    )
                    .map(|k| k.to_string())
                    .unwrap_or_default();
                self.say(
                    StatusKind::Info,
                    crate::tr!(
                        self.lang,
                        "signoff.tui.arrived",
                        fingerprint = short(&record.fingerprint),
                        key = key
                    ),
                );
                self.signoff = Some(record);
            }
        }
    }

    /// Selects the work now showing if one is waiting and the judge is in the list.
    fn move_to_pending_show(&mut self) {
        if self.mode != Mode::List {
            return;
        }
        if let Some(work) = self.pending_show.take() {
            self.select_work(&work);
        }
    }

    /// Selects `work`, clearing a filter that hides it.
    fn select_work(&mut self, work: &str) {
        let Some(index) = self.data.works.iter().position(|w| w.id == work) else {
            return;
        };
        if !self.visible.contains(&index) {
            self.filter.clear();
            self.refilter();
        }
        if let Some(row) = self.visible.iter().position(|&v| v == index) {
            self.selected = row;
        }
    }

    /// Each mode takes only its layer's commands (the types say which); anything else is
    /// ignored, as the keymap never produces it there.
    fn dispatch(&mut self, action: Action) -> Vec<Effect> {
        match self.mode.clone() {
            Mode::List => match action.command_in(ListCommand::of) {
                Some(c) => self.update_list(c),
                None => vec![],
            },
            Mode::Score { criterion, buffer } => match action.in_layer(ScoreCommand::of) {
                Some(LayerAction::Edit(_)) | None => vec![],
                Some(a) => self.update_score(a, criterion, buffer),
            },
            Mode::Summary => match action.command_in(ScoreCommand::of) {
                Some(c) => self.update_summary(c),
                None => vec![],
            },
            Mode::Input {
                purpose,
                editor,
                back,
            } => match action.in_layer(InputCommand::of) {
                Some(a) => self.update_input(a, purpose, editor, *back),
                None => vec![],
            },
            Mode::Confirm(dialog) => match action.command_in(ConfirmCommand::of) {
                Some(c) => self.update_confirm(c, dialog),
                None => vec![],
            },
            Mode::Help {
                filter,
                selected,
                back,
            } => match action.in_layer(HelpCommand::of) {
                Some(a) => self.update_help(a, filter, selected, *back),
                None => vec![],
            },
        }
    }

    fn read_only(&mut self) -> bool {
        if self.data.submitted {
            self.say(StatusKind::Warn, self.t(Msg::ReadOnly));
        }
        self.data.submitted
    }

    fn player_command(c: Command) -> Option<PlayerCommand> {
        Some(match c {
            Command::Pause => PlayerCommand::TogglePause,
            Command::SeekBack => PlayerCommand::SeekSeconds(-5.0),
            Command::SeekForward => PlayerCommand::SeekSeconds(5.0),
            Command::SeekBackLong => PlayerCommand::SeekSeconds(-30.0),
            Command::SeekForwardLong => PlayerCommand::SeekSeconds(30.0),
            Command::Restart => PlayerCommand::Restart,
            Command::SpeedUp => PlayerCommand::Speed(0.25),
            Command::SpeedDown => PlayerCommand::Speed(-0.25),
            Command::VolumeUp => PlayerCommand::Volume(5),
            Command::VolumeDown => PlayerCommand::Volume(-5),
            Command::Mute => PlayerCommand::Mute,
            Command::Fullscreen => PlayerCommand::Fullscreen,
            Command::Stop => PlayerCommand::Stop,
            _ => return None,
        })
    }

    fn update_list(&mut self, c: ListCommand) -> Vec<Effect> {
        if let Some(p) = Self::player_command(c.into()) {
            return self.transport(p);
        }
        let n = self.visible.len();
        let last = n.saturating_sub(1);
        match c {
            ListCommand::Next => self.selected = (self.selected + 1).min(last),
            ListCommand::Prev => self.selected = self.selected.saturating_sub(1),
            ListCommand::First => self.selected = 0,
            ListCommand::Last => self.selected = last,
            ListCommand::PageDown => self.selected = (self.selected + PAGE).min(last),
            ListCommand::PageUp => self.selected = self.selected.saturating_sub(PAGE),
            ListCommand::NextUnscored => self.select_next_unscored(),
            ListCommand::ClearFilter => {
                if self.filter.is_empty() {
                    self.say(StatusKind::Info, crate::tr!(self.lang, "tui.no_filter"));
                } else {
                    self.filter.clear();
                    self.refilter();
                }
            }
            ListCommand::Score => return self.enter_score(),
            ListCommand::Comment => self.open_comment(Mode::List),
            ListCommand::Recuse => return self.toggle_recusal(),
            ListCommand::Filter => {
                self.mode = Mode::Input {
                    purpose: InputPurpose::Filter,
                    editor: Editor::new(&self.filter),
                    back: Box::new(Mode::List),
                }
            }
            ListCommand::Play => {
                if let Some(work) = self.work_or_say() {
                    return vec![Effect::Play { work }];
                }
            }
            ListCommand::Submit => {
                if self.data.submitted {
                    self.say(StatusKind::Info, self.t(Msg::ReadOnly));
                } else {
                    let unfinished = self.unfinished();
                    self.mode = Mode::Confirm(Dialog::Submit { unfinished });
                }
            }
            ListCommand::Reopen => {
                if self.data.submitted {
                    self.mode = Mode::Confirm(Dialog::Reopen);
                } else {
                    self.say(StatusKind::Info, crate::tr!(self.lang, "tui.not_submitted"));
                }
            }
            ListCommand::NowShowing => match self.showing.clone() {
                Some(s) => self.select_work(&s.work),
                None => self.say(
                    StatusKind::Info,
                    crate::tr!(self.lang, "room.follow.nothing"),
                ),
            },
            ListCommand::FinalResults => match &self.signoff {
                Some(_) => self.mode = Mode::Confirm(Dialog::Signoff),
                None => self.say(StatusKind::Info, crate::tr!(self.lang, "signoff.tui.none")),
            },
            ListCommand::Help => self.open_help(Mode::List),
            ListCommand::Details => self.mode = Mode::Confirm(Dialog::Details),
            ListCommand::Quit => {
                let unsubmitted = !self.data.submitted
                    && self
                        .data
                        .works
                        .iter()
                        .any(|w| self.data.status(&w.id) != ScoreStatus::Unscored);
                let unsynced = self.sync.as_ref().is_some_and(|s| !s.ok);
                if unsubmitted || unsynced {
                    self.mode = Mode::Confirm(Dialog::Quit {
                        unsubmitted,
                        unsynced,
                    });
                    return vec![];
                }
                return self.leave();
            }
            _ => {}
        }
        vec![]
    }

    fn leave(&mut self) -> Vec<Effect> {
        self.quit = true;
        let mut effects = self.flush_watch();
        effects.push(Effect::Quit);
        effects
    }

    /// The works not fully scored, in list order.
    fn unfinished(&self) -> Vec<String> {
        self.data
            .works
            .iter()
            .filter(|w| !self.data.is_done(&w.id))
            .map(|w| w.id.clone())
            .collect()
    }

    /// The selected work, or a word that there is none (an empty ballot, or a filter that
    /// matches nothing).
    fn work_or_say(&mut self) -> Option<String> {
        let work = self.selected_work_id();
        if work.is_none() {
            let why = if self.data.works.is_empty() {
                Msg::Unassigned
            } else {
                Msg::NothingToFilter
            };
            self.say(StatusKind::Info, self.t(why));
        }
        work
    }

    /// Selects the next work (after the selected one, wrapping) that is not fully scored.
    fn select_next_unscored(&mut self) {
        let n = self.visible.len();
        let found = (1..=n)
            .map(|step| (self.selected + step) % n.max(1))
            .find(|&i| !self.data.is_done(&self.data.works[self.visible[i]].id));
        match found {
            Some(i) => self.selected = i,
            None => self.say(StatusKind::Info, crate::tr!(self.lang, "tui.all_scored")),
        }
    }

    /// A player command, or a word that nothing is playing.
    fn transport(&mut self, command: PlayerCommand) -> Vec<Effect> {
        if self.player.work.is_none() {
            self.say(
                StatusKind::Info,
                crate::tr!(self.lang, "tui.nothing_playing"),
            );
            return vec![];
        }
        vec![Effect::Player(command)]
    }

    fn open_help(&mut self, back: Mode) {
        self.help_top = 0;
        self.mode = Mode::Help {
            filter: Editor::default(),
            selected: 0,
            back: Box::new(back),
        };
    }

    fn open_comment(&mut self, back: Mode) {
        if self.read_only() {
            return;
        }
        if let Some(work) = self.work_or_say() {
            let existing = self.data.comments.get(&work).cloned().unwrap_or_default();
            self.mode = Mode::Input {
                purpose: InputPurpose::Comment { work },
                editor: Editor::multiline(&existing),
                back: Box::new(back),
            };
        }
    }

    fn toggle_recusal(&mut self) -> Vec<Effect> {
        if self.read_only() {
            return vec![];
        }
        let Some(work) = self.work_or_say() else {
            return vec![];
        };
        if self.data.recusals.contains_key(&work) {
            return vec![Effect::Commit(Event::Unrecuse { work })];
        }
        let scores = self
            .criteria()
            .iter()
            .filter(|c| self.data.score(&work, &c.id).is_some())
            .count();
        if scores > 0 {
            let total = self.data.total(&work).to_string();
            self.mode = Mode::Confirm(Dialog::Recuse {
                work,
                scores,
                total,
            });
            return vec![];
        }
        self.ask_recusal_reason(work);
        vec![]
    }

    fn ask_recusal_reason(&mut self, work: String) {
        self.mode = Mode::Input {
            purpose: InputPurpose::Recuse { work },
            editor: Editor::new(""),
            back: Box::new(Mode::List),
        };
    }

    fn enter_score(&mut self) -> Vec<Effect> {
        if self.read_only() {
            return vec![];
        }
        let Some(work) = self.work_or_say() else {
            return vec![];
        };
        if self.data.recusals.contains_key(&work) {
            self.say(StatusKind::Warn, self.t(Msg::ScoringBlockedRecused));
            return vec![];
        }
        if let Some(reason) = self.data.disqualified.get(&work) {
            let reason = jury_core::text::safe_line(reason).into_owned();
            let text = crate::tr!(self.lang, "rounds.tui.no_scoring", reason = reason);
            self.say(StatusKind::Warn, text);
            return vec![];
        }
        let first_open = self
            .criteria()
            .iter()
            .position(|c| self.data.score(&work, &c.id).is_none())
            .unwrap_or(0);
        self.mode = Mode::Score {
            criterion: first_open,
            buffer: String::new(),
        };
        self.status = None;
        self.warn_if_unwatched(&work);
        vec![]
    }

    fn warn_if_unwatched(&mut self, work: &str) {
        let need = self.data.contest.min_watch_percent;
        if need == 0 {
            return;
        }
        let duration = self.data.work(work).and_then(|w| w.duration_ms);
        let furthest = self
            .data
            .progress
            .get(work)
            .map(|p| p.furthest_ms)
            .unwrap_or(0);
        if let Some(d) = duration.filter(|d| *d > 0) {
            let share = furthest.saturating_mul(100) / d;
            if share < u64::from(need) {
                self.say(
                    StatusKind::Warn,
                    crate::tr!(self.lang, "tui.watch_short", share = share, need = need),
                );
            }
        }
    }

    /// Values a criterion accepts, as typed: "0", "1", … "27.5".
    fn typed_values(c: &Criterion) -> impl Iterator<Item = (u32, String)> + '_ {
        (0..=c.max_steps()).map(move |s| (s, c.points(s).to_string()))
    }

    /// A score change that revises a submitted score is held back: the judge is asked for
    /// the reason first (a change to the value it already has is dropped).
    fn update_score(&mut self, action: ScoreAction, index: usize, buffer: String) -> Vec<Effect> {
        let effects = self.update_score_inner(action, index, buffer);
        let mut out = Vec::with_capacity(effects.len());
        for effect in effects {
            if let Effect::Commit(Event::Score {
                work,
                criterion,
                steps,
                reason: None,
            }) = &effect
            {
                let key = (work.clone(), criterion.clone());
                if jury_core::chain::revises(&self.at_submit, &key, *steps) {
                    let old = self.data.scores.get(&key).copied();
                    if old != *steps {
                        let back = std::mem::replace(&mut self.mode, Mode::List);
                        self.mode = Mode::Input {
                            purpose: InputPurpose::Revise {
                                work: work.clone(),
                                criterion: criterion.clone(),
                                old,
                                new: *steps,
                                retry: index,
                            },
                            editor: Editor::new(&self.last_reason),
                            back: Box::new(back),
                        };
                    }
                    continue;
                }
            }
            out.push(effect);
        }
        out
    }

    fn update_score_inner(
        &mut self,
        action: ScoreAction,
        index: usize,
        mut buffer: String,
    ) -> Vec<Effect> {
        let Some(work) = self.selected_work_id() else {
            self.mode = Mode::List;
            return vec![];
        };
        let criteria = self.criteria();
        let count = criteria.len();
        let Some(criterion) = criteria.get(index).map(|c| (*c).clone()) else {
            self.mode = Mode::List;
            return vec![];
        };
        let current = self.data.score(&work, &criterion.id);
        let set = |steps: Option<u32>| Effect::score(&work, &criterion.id, steps);
        let range = format!("{} 0-{}", self.t(Msg::OutOfRange), criterion.max);
        match action {
            ScoreAction::Type(ch) => {
                buffer.push(ch);
                let candidates: Vec<(u32, String)> = Self::typed_values(&criterion)
                    .filter(|(_, v)| v.starts_with(&buffer))
                    .collect();
                let exact = candidates
                    .iter()
                    .find(|(_, v)| *v == buffer)
                    .map(|(s, _)| *s);
                if candidates.is_empty() {
                    self.say(
                        StatusKind::Error,
                        super::text::labelled(self.lang, &buffer, &range),
                    );
                    self.mode = Mode::Score {
                        criterion: index,
                        buffer: String::new(),
                    };
                } else if let (Some(steps), 1) = (exact, candidates.len()) {
                    // Nothing longer could be meant: take it and move on.
                    return self.commit_and_advance(index, count, set(Some(steps)));
                } else {
                    self.mode = Mode::Score {
                        criterion: index,
                        buffer,
                    };
                }
            }
            ScoreAction::Command(ScoreCommand::ScoreConfirm | ScoreCommand::ScoreNext)
                if !buffer.is_empty() =>
            {
                match Self::typed_values(&criterion).find(|(_, v)| *v == buffer) {
                    Some((steps, _)) => {
                        return self.commit_and_advance(index, count, set(Some(steps)))
                    }
                    None => {
                        self.say(
                            StatusKind::Error,
                            super::text::labelled(self.lang, &buffer, self.t(Msg::NotANumber)),
                        );
                        self.mode = Mode::Score {
                            criterion: index,
                            buffer: String::new(),
                        };
                    }
                }
            }
            ScoreAction::Command(ScoreCommand::ScoreConfirm) => self.advance(index, count),
            ScoreAction::Command(ScoreCommand::ScoreNext) => {
                self.mode = Mode::Score {
                    criterion: (index + 1) % count,
                    buffer: String::new(),
                }
            }
            ScoreAction::Command(ScoreCommand::ScorePrev) => {
                self.mode = Mode::Score {
                    criterion: (index + count - 1) % count,
                    buffer: String::new(),
                }
            }
            ScoreAction::Command(ScoreCommand::ScoreInc) => {
                let next = current.map_or(criterion.max_steps().min(1), |s| {
                    (s + 1).min(criterion.max_steps())
                });
                self.mode = Mode::Score {
                    criterion: index,
                    buffer: String::new(),
                };
                if Some(next) != current {
                    return vec![set(Some(next))];
                }
            }
            ScoreAction::Command(ScoreCommand::ScoreDec) => {
                let next = current.map_or(0, |s| s.saturating_sub(1));
                self.mode = Mode::Score {
                    criterion: index,
                    buffer: String::new(),
                };
                if Some(next) != current {
                    return vec![set(Some(next))];
                }
            }
            ScoreAction::Command(ScoreCommand::ScoreMax) => {
                return self.commit_and_advance(index, count, set(Some(criterion.max_steps())))
            }
            ScoreAction::Command(ScoreCommand::ScoreClear) => {
                if buffer.pop().is_some() {
                    self.mode = Mode::Score {
                        criterion: index,
                        buffer,
                    };
                } else if current.is_some() {
                    return vec![set(None)];
                }
            }
            ScoreAction::Command(ScoreCommand::ScoreExit) => self.mode = Mode::List,
            ScoreAction::Command(ScoreCommand::Comment) => self.open_comment(Mode::Score {
                criterion: index,
                buffer: String::new(),
            }),
            ScoreAction::Command(ScoreCommand::Help) => self.open_help(Mode::Score {
                criterion: index,
                buffer,
            }),
            ScoreAction::Command(c) => {
                if let Some(p) = Self::player_command(c.into()) {
                    return self.transport(p);
                }
                if c == ScoreCommand::Play {
                    return vec![Effect::Play { work }];
                }
            }
            ScoreAction::Edit(_) => {}
        }
        vec![]
    }

    /// The summary after the last criterion: Enter goes on to the next unscored work (in the
    /// list, not playing it), Esc back to the list, Tab / Shift-Tab back into the criteria.
    fn update_summary(&mut self, c: ScoreCommand) -> Vec<Effect> {
        let count = self.criteria().len();
        match c {
            ScoreCommand::ScoreConfirm => {
                self.mode = Mode::List;
                self.select_next_unscored();
            }
            ScoreCommand::ScoreExit => self.mode = Mode::List,
            ScoreCommand::ScoreNext => {
                self.mode = Mode::Score {
                    criterion: 0,
                    buffer: String::new(),
                }
            }
            ScoreCommand::ScorePrev | ScoreCommand::ScoreClear => {
                self.mode = Mode::Score {
                    criterion: count.saturating_sub(1),
                    buffer: String::new(),
                }
            }
            ScoreCommand::Comment => self.open_comment(Mode::Summary),
            ScoreCommand::Help => self.open_help(Mode::Summary),
            ScoreCommand::Play => {
                if let Some(work) = self.selected_work_id() {
                    return vec![Effect::Play { work }];
                }
            }
            c => {
                if let Some(p) = Self::player_command(c.into()) {
                    return self.transport(p);
                }
            }
        }
        vec![]
    }

    fn commit_and_advance(&mut self, index: usize, count: usize, effect: Effect) -> Vec<Effect> {
        self.advance(index, count);
        vec![effect]
    }

    /// Next criterion, or the work's summary after the last one.
    fn advance(&mut self, index: usize, count: usize) {
        self.mode = if index + 1 < count {
            Mode::Score {
                criterion: index + 1,
                buffer: String::new(),
            }
        } else {
            Mode::Summary
        };
    }

    fn update_input(
        &mut self,
        action: InputAction,
        purpose: InputPurpose,
        mut editor: Editor,
        back: Mode,
    ) -> Vec<Effect> {
        let mut stay = true;
        let mut effects = vec![];
        match action {
            InputAction::Type(c) => editor.insert(c),
            InputAction::Edit(e) => editor.edit(e),
            InputAction::Command(InputCommand::InputNewline)
                if !matches!(purpose, InputPurpose::Filter | InputPurpose::Revise { .. }) =>
            {
                editor.insert('\n')
            }
            // A filter and a revision reason are one line.
            InputAction::Command(InputCommand::InputNewline) => {}
            InputAction::Command(InputCommand::InputCancel) => {
                stay = false;
                if purpose == InputPurpose::Filter {
                    self.filter.clear();
                    self.refilter();
                }
                // The score stays as it was: back to its criterion.
                if let InputPurpose::Revise { retry, .. } = &purpose {
                    self.mode = Mode::Score {
                        criterion: *retry,
                        buffer: String::new(),
                    };
                    self.say(
                        StatusKind::Info,
                        crate::tr!(self.lang, "signoff.tui.not_revised"),
                    );
                    return vec![];
                }
            }
            InputAction::Command(InputCommand::InputSubmit) => match &purpose {
                InputPurpose::Comment { work } => {
                    stay = false;
                    let text = editor.text().trim_end().to_string();
                    if self
                        .data
                        .comments
                        .get(work)
                        .map(String::as_str)
                        .unwrap_or("")
                        != text
                    {
                        effects.push(Effect::Commit(Event::Comment {
                            work: work.clone(),
                            text,
                        }));
                    }
                }
                InputPurpose::Recuse { work } => {
                    if editor.text().trim().is_empty() {
                        self.say(
                            StatusKind::Error,
                            crate::tr!(self.lang, "tui.recusal_needs_reason"),
                        );
                    } else {
                        stay = false;
                        effects.push(Effect::Commit(Event::Recuse {
                            work: work.clone(),
                            reason: editor.text().trim().to_string(),
                        }));
                    }
                }
                InputPurpose::Revise {
                    work,
                    criterion,
                    new,
                    ..
                } => {
                    let reason = editor.text().trim().to_string();
                    if reason.is_empty() {
                        self.say(
                            StatusKind::Error,
                            crate::tr!(self.lang, "signoff.tui.reason_needed"),
                        );
                    } else {
                        stay = false;
                        self.last_reason = reason.clone();
                        effects.push(Effect::Commit(Event::Score {
                            work: work.clone(),
                            criterion: criterion.clone(),
                            steps: *new,
                            reason: Some(reason),
                        }));
                    }
                }
                InputPurpose::Filter => stay = false,
            },
        }
        if purpose == InputPurpose::Filter && stay {
            self.filter = editor.text();
            self.refilter();
        }
        self.mode = if stay {
            Mode::Input {
                purpose,
                editor,
                back: Box::new(back),
            }
        } else {
            back
        };
        effects
    }

    fn update_confirm(&mut self, c: ConfirmCommand, dialog: Dialog) -> Vec<Effect> {
        match c {
            // Enter with works still unscored: the safe default is to go and score them.
            ConfirmCommand::Accept if matches!(&dialog, Dialog::Submit { unfinished } if !unfinished.is_empty()) =>
            {
                self.mode = Mode::List;
                if let Dialog::Submit { unfinished } = &dialog {
                    let first = self
                        .visible
                        .iter()
                        .position(|&i| unfinished.contains(&self.data.works[i].id));
                    match first {
                        Some(i) => self.selected = i,
                        None => {
                            self.filter.clear();
                            self.refilter();
                            if let Some(i) = self
                                .visible
                                .iter()
                                .position(|&i| unfinished.contains(&self.data.works[i].id))
                            {
                                self.selected = i;
                            }
                        }
                    }
                    self.say(
                        StatusKind::Info,
                        crate::tr!(self.lang, "tui.submit_later", n = unfinished.len()),
                    );
                }
                vec![]
            }
            // Enter never deletes scores or leaves: there the default is to stay.
            ConfirmCommand::Accept
                if matches!(dialog, Dialog::Recuse { .. } | Dialog::Quit { .. }) =>
            {
                self.mode = Mode::List;
                vec![]
            }
            ConfirmCommand::Confirm | ConfirmCommand::Accept => {
                self.mode = Mode::List;
                match dialog {
                    Dialog::Submit { .. } => vec![Effect::Commit(Event::Submit)],
                    Dialog::Reopen => vec![Effect::Commit(Event::Reopen)],
                    Dialog::Recuse { work, .. } => {
                        self.ask_recusal_reason(work);
                        vec![]
                    }
                    Dialog::Quit { .. } => self.leave(),
                    Dialog::Restore { work, scores, .. } => scores
                        .into_iter()
                        .map(|(criterion, steps)| Effect::score(&work, &criterion, Some(steps)))
                        .collect(),
                    Dialog::Signoff => self.confirm_results(c),
                    Dialog::Receipt { .. } | Dialog::Details => vec![],
                }
            }
            ConfirmCommand::Cancel => {
                self.mode = Mode::List;
                vec![]
            }
        }
    }

    /// `y` on the final results: the confirm event, once the ballot is submitted (Enter only
    /// closes the list: confirming is never a default).
    fn confirm_results(&mut self, c: ConfirmCommand) -> Vec<Effect> {
        let Some(record) = &self.signoff else {
            return vec![];
        };
        if c != ConfirmCommand::Confirm {
            return vec![];
        }
        if !self.data.submitted {
            self.say(
                StatusKind::Warn,
                crate::tr!(self.lang, "signoff.tui.submit_first"),
            );
            return vec![];
        }
        vec![Effect::Commit(Event::Confirm {
            fingerprint: record.fingerprint.clone(),
        })]
    }

    fn update_help(
        &mut self,
        action: InputAction<HelpCommand>,
        mut filter: Editor,
        mut selected: usize,
        back: Mode,
    ) -> Vec<Effect> {
        match action {
            InputAction::Command(HelpCommand::Close) => {
                self.mode = back;
                return vec![];
            }
            InputAction::Command(HelpCommand::Next) => selected += 1,
            InputAction::Command(HelpCommand::Prev) => selected = selected.saturating_sub(1),
            // A page turns the screen and the selection together, like a pager.
            InputAction::Command(HelpCommand::PageDown) => {
                let page = super::view::help_page(self.screen.1);
                selected = selected.saturating_add(page);
                self.help_top = self.help_top.saturating_add(page);
            }
            InputAction::Command(HelpCommand::PageUp) => {
                let page = super::view::help_page(self.screen.1);
                selected = selected.saturating_sub(page);
                self.help_top = self.help_top.saturating_sub(page);
            }
            InputAction::Command(HelpCommand::First) => selected = 0,
            InputAction::Command(HelpCommand::Last) => selected = usize::MAX,
            InputAction::Type(c) => {
                filter.insert(c);
                selected = 0;
            }
            InputAction::Edit(e) => {
                filter.edit(e);
                selected = 0;
            }
        }
        let rows = self.help_rows(&filter.text()).len();
        selected = selected.min(rows.saturating_sub(1));
        self.mode = Mode::Help {
            filter,
            selected,
            back: Box::new(back),
        };
        vec![]
    }

    /// (layer, keys, description) rows of the help screen matching `filter`.
    pub fn help_rows(&self, filter: &str) -> Vec<(Layer, String, String)> {
        let needle = filter.to_lowercase();
        // Digits are not bindings (they type the score): described in a row of their own.
        let digits = (
            Layer::Score,
            "0-9 .".to_string(),
            crate::tr!(self.lang, "tui.help_digits").to_string(),
        );
        Layer::JUDGE
            .iter()
            .flat_map(|&layer| {
                let first = (layer == Layer::Score).then(|| digits.clone());
                first.into_iter().chain(
                    self.keymap
                        .bindings(layer)
                        .iter()
                        .map(move |b| (layer, b.keys_label(), b.desc(self.lang).to_string())),
                )
            })
            .filter(|(layer, keys, desc)| {
                needle.is_empty()
                    || desc.to_lowercase().contains(&needle)
                    || keys.to_lowercase().contains(&needle)
                    || layer.label(self.lang).to_lowercase().contains(&needle)
            })
            .collect()
    }

    /// Records the store's answer to a committed event; ballot data changes only here.
    /// Watch progress is saved in the background: no "saved" message for it.
    pub fn on_saved(&mut self, event: &Event, result: Result<Commit, String>) {
        let commit = match result {
            Ok(c) => c,
            Err(message) if matches!(event, Event::Progress { .. }) => {
                self.say(StatusKind::Error, message);
                return;
            }
            Err(message) => {
                self.say(
                    StatusKind::Error,
                    crate::tr!(self.lang, "tui.not_saved", why = message),
                );
                return;
            }
        };
        self.data.revision = commit.revision;
        self.data.chain_head = commit.chain_head;
        if let Event::Progress {
            work,
            furthest_ms,
            watched_ms,
            last_ms,
        } = event
        {
            let progress = Progress {
                furthest_ms: *furthest_ms,
                watched_ms: *watched_ms,
                last_ms: *last_ms,
            };
            self.data.progress.insert(work.clone(), progress);
            return;
        }
        if let Event::Recuse { work, .. } = event {
            let scores: Vec<(String, u32)> = self
                .criteria()
                .iter()
                .filter_map(|c| self.data.score(work, &c.id).map(|s| (c.id.clone(), s)))
                .collect();
            if !scores.is_empty() {
                self.removed.insert(work.clone(), scores);
            }
        }
        let restorable = match event {
            Event::Unrecuse { work } => self.removed.remove(work).map(|s| (work.clone(), s)),
            _ => None,
        };
        self.data.apply(event);
        let saved = match event {
            Event::Unrecuse { .. } => {
                crate::tr!(self.lang, "tui.unrecused", rev = self.data.revision)
            }
            _ => crate::tr!(self.lang, "tui.saved_rev", rev = self.data.revision),
        };
        self.say(StatusKind::Saved, saved);
        if let Event::Confirm { fingerprint } = event {
            self.confirmed = Some(fingerprint.clone());
            self.say(
                StatusKind::Saved,
                crate::tr!(
                    self.lang,
                    "signoff.tui.confirmed",
                    fingerprint = jury_core::signoff::short(fingerprint),
                    rev = self.data.revision
                ),
            );
        }
        if *event == Event::Submit {
            self.at_submit = self.data.scores.clone();
            self.mode = Mode::Confirm(Dialog::Receipt {
                code: self.data.receipt(),
            });
        }
        if let Some((work, scores)) = restorable {
            let total = self
                .criteria()
                .iter()
                .filter_map(|c| {
                    scores
                        .iter()
                        .find(|(id, _)| *id == c.id)
                        .map(|(_, s)| c.points(*s))
                })
                .fold(jury_core::model::Points::default(), |a, b| a + b)
                .to_string();
            self.mode = Mode::Confirm(Dialog::Restore {
                work,
                scores,
                total,
            });
        }
        self.refilter();
    }

    /// Scores recusals made in earlier sessions removed (read from the ballot's event chain
    /// by the runtime): withdrawing such a recusal offers them back too.
    pub fn restorable_from(
        &mut self,
        removed: std::collections::BTreeMap<String, Vec<(String, u32)>>,
    ) {
        for (work, scores) in removed {
            if self.data.recusals.contains_key(&work) {
                self.removed.entry(work).or_insert(scores);
            }
        }
    }

    /// Where to resume a work: where the judge stopped, unless that was (nearly) the end.
    pub fn resume_position(&self, work: &str) -> u64 {
        let last = self.data.progress.get(work).map(|p| p.last_ms).unwrap_or(0);
        let duration = self.data.work(work).and_then(|w| w.duration_ms);
        match duration {
            Some(d) if last + 3_000 >= d => 0,
            _ => last,
        }
    }

    /// The runtime opened `work` in the player.
    pub fn playing_started(&mut self, work: &str) -> Vec<Effect> {
        let mut effects = self.flush_watch();
        let progress = self.data.progress.get(work).copied().unwrap_or_default();
        self.watch = Some(Watch {
            work: work.to_string(),
            progress,
            last_position: None,
            unsaved_ms: 0,
        });
        self.player = PlayerView {
            work: Some(work.to_string()),
            speed: 1.0,
            ..PlayerView::default()
        };
        self.status = None;
        effects.retain(|e| matches!(e, Effect::Commit(Event::Progress { .. })));
        effects
    }

    /// Progress not yet saved, as an effect (none after submitting: the ballot is read-only).
    fn flush_watch(&mut self) -> Vec<Effect> {
        match &mut self.watch {
            Some(w) if w.unsaved_ms > 0 && !self.data.submitted => {
                w.unsaved_ms = 0;
                vec![Effect::progress(&w.work, w.progress)]
            }
            _ => vec![],
        }
    }

    /// Applies a player event; returns progress saves when due.
    pub fn on_player(&mut self, event: PlayerEvent) -> Vec<Effect> {
        match event {
            PlayerEvent::Loaded { duration_ms, .. } => {
                self.player.duration_ms = duration_ms;
                if let (Some(d), Some(w)) = (duration_ms, &self.watch) {
                    if let Some(work) = self.data.works.iter_mut().find(|x| x.id == w.work) {
                        work.duration_ms.get_or_insert(d);
                    }
                }
                vec![]
            }
            PlayerEvent::Position {
                position_ms,
                duration_ms,
                paused,
                speed,
            } => {
                self.player.position_ms = position_ms;
                self.player.duration_ms = duration_ms.or(self.player.duration_ms);
                self.player.paused = paused;
                self.player.speed = speed;
                let Some(w) = &mut self.watch else {
                    return vec![];
                };
                if let Some(last) = w.last_position {
                    let step = position_ms.saturating_sub(last);
                    if !paused && position_ms > last && step <= MAX_WATCH_STEP_MS {
                        w.progress.watched_ms += step;
                        w.unsaved_ms += step;
                    }
                }
                w.last_position = Some(position_ms);
                let reached = self
                    .player
                    .duration_ms
                    .map_or(position_ms, |d| position_ms.min(d));
                w.progress.furthest_ms = w.progress.furthest_ms.max(reached);
                w.progress.last_ms = position_ms;
                if w.unsaved_ms >= SAVE_EVERY_MS {
                    return self.flush_watch();
                }
                vec![]
            }
            PlayerEvent::Ended { position_ms } => {
                self.player.paused = true;
                let position_ms = self
                    .player
                    .duration_ms
                    .map_or(position_ms, |d| position_ms.min(d));
                self.player.position_ms = position_ms;
                if let Some(w) = &mut self.watch {
                    w.progress.furthest_ms = w.progress.furthest_ms.max(position_ms);
                    w.progress.last_ms = position_ms;
                    w.unsaved_ms += 1;
                }
                self.flush_watch()
            }
            PlayerEvent::Stopped { position_ms } => {
                if let Some(w) = &mut self.watch {
                    w.progress.last_ms = position_ms;
                    w.unsaved_ms += 1;
                }
                let effects = self.flush_watch();
                self.watch = None;
                self.player = PlayerView {
                    speed: 1.0,
                    ..PlayerView::default()
                };
                effects
            }
            PlayerEvent::Error(e) => {
                let effects = self.flush_watch();
                self.watch = None;
                self.player = PlayerView {
                    speed: 1.0,
                    ..PlayerView::default()
                };
                self.say(
                    StatusKind::Error,
                    jury_core::text::plain_punctuation(&e.message(self.lang)),
                );
                effects
            }
        }
    }

    /// Records a sync attempt; a failure is also said once on the message line, with the
    /// reason, while the judge keeps working (the ballot itself is saved either way).
    pub fn on_synced(&mut self, at: String, result: Result<u64, String>) {
        let was_ok = self.sync.as_ref().is_none_or(|s| s.ok);
        match result {
            Ok(revision) => {
                self.sync = Some(SyncState {
                    ok: true,
                    at,
                    revision: Some(revision),
                })
            }
            Err(why) => {
                if was_ok {
                    let text = super::text::labelled(self.lang, self.t(Msg::SyncFailed), &why);
                    self.say(StatusKind::Warn, text);
                }
                self.sync = Some(SyncState {
                    ok: false,
                    at,
                    revision: None,
                });
            }
        }
    }

    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.say(kind, text);
    }

    pub fn status_label(&self, s: ScoreStatus) -> &'static str {
        self.t(match s {
            ScoreStatus::Unscored => Msg::Unscored,
            ScoreStatus::Partial => Msg::Partial,
            ScoreStatus::Scored => Msg::Scored,
            ScoreStatus::Recused => Msg::Recused,
        })
    }
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
