//! The room console's state: the works in showing order, what the room shows now, and the
//! panel's standing on it, from a picture of the master that the runtime's worker reads again
//! after every merge. `update` is pure, like the other TUIs': keys become effects (show,
//! clear, stop…) that the loop carries out; the view only reads.

use std::collections::BTreeMap;

use crate::commands::deliberate;
use crate::commands::results::ResultsSource;
use crate::commands::room::{work_standing, Standing, WorkStanding};
use crate::i18n::Lang;
use crate::tr;
use crate::tui::action::{Action, HelpCommand, RoomCommand};
use crate::tui::keymap::{Keymap, Layer};
use jury_core::calibration::{offsets, CalibrationState};
use jury_core::deliberation::Item;
use jury_core::model::Contest;
use jury_core::records::MergedScores;
use jury_core::text::safe_line;
use jury_media::PlayerEvent;
use jury_store::master::Master;
use jury_store::showing::{NowShowing, Showing};
use jury_store::signoff::ConfirmationRecord;
use jury_store::StoreError;

/// One work of the showing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleWork {
    pub id: String,
    pub title: String,
    /// The video's file name in the media folder, once one is recorded.
    pub media_file: Option<String>,
    /// Its assigned judges, in id order.
    pub judges: Vec<String>,
}

/// What the console shows, read from the master in one go.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomData {
    pub contest: Contest,
    /// In showing order ([`in_showing_order`]): the calibration works, then contest.toml's
    /// `[room] order`, then the rest by number.
    pub works: Vec<ConsoleWork>,
    /// Judge id → name (names are shown only here, in the room).
    pub names: BTreeMap<String, String>,
    pub merged: MergedScores,
    /// The calibration round (contest.toml `[calibration]`), from the same merged scores.
    pub calibration: CalibrationState,
    /// Merged sign-off confirmations, the newest of each judge: (judge, fingerprint, at), by
    /// judge id.
    pub confirmations: Vec<(String, String, i64)>,
    /// The deliberation list of the open round, as `jury deliberate` orders it (near a
    /// cut-off within `[deliberation] near_cutoff`, then by disagreement).
    pub deliberation: Vec<Item>,
    /// The results behind the list are provisional (not every ballot submitted).
    pub provisional: bool,
}

/// The newest confirmation of each judge, by judge id, from the master's rows (oldest first).
fn newest_confirmations(rows: Vec<ConfirmationRecord>) -> Vec<(String, String, i64)> {
    let mut newest: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for r in rows {
        newest.insert(r.judge_id, (r.fingerprint, r.at));
    }
    newest
        .into_iter()
        .map(|(j, (fp, at))| (j, fp, at))
        .collect()
}

/// The panel's progress over every assigned (judge, work) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Pairs scored fully or recused.
    pub done: usize,
    pub pairs: usize,
    /// Works nobody is still to score (and with at least one judge).
    pub works_done: usize,
    pub works: usize,
}

/// `works` in showing order: the calibration works first (every judge scores them first),
/// then contest.toml's `[room] order`, then every other work by number ("9" before "10").
pub fn in_showing_order(contest: &Contest, works: Vec<ConsoleWork>) -> Vec<ConsoleWork> {
    let ids: Vec<&str> = works.iter().map(|w| w.id.as_str()).collect();
    let order = contest.room.showing_order(&contest.calibration, &ids);
    let mut slots: Vec<Option<ConsoleWork>> = works.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

impl RoomData {
    pub fn empty(contest: &Contest) -> RoomData {
        RoomData {
            contest: contest.clone(),
            works: Vec::new(),
            names: BTreeMap::new(),
            merged: MergedScores::default(),
            calibration: CalibrationState::NotConfigured,
            confirmations: Vec::new(),
            deliberation: Vec::new(),
            provisional: false,
        }
    }

    pub fn load(master: &Master, contest: &Contest) -> Result<RoomData, StoreError> {
        // What `jury deliberate` reads; the console's judges, assignments and merged scores
        // come from the same read.
        let source = ResultsSource::load(master)?;
        let (deliberation, provisional) =
            deliberate::list(contest, &source, contest.deliberation.near_cutoff);
        let assignments = source.assignments;
        let mut by_work: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (work, judge) in &assignments {
            by_work.entry(work.clone()).or_default().push(judge.clone());
        }
        let works: Vec<ConsoleWork> = master
            .works()?
            .into_iter()
            .map(|w| {
                let mut judges = by_work.remove(&w.id).unwrap_or_default();
                judges.sort();
                judges.dedup();
                ConsoleWork {
                    id: w.id,
                    title: w.title,
                    media_file: w.media_file,
                    judges,
                }
            })
            .collect();
        let works = in_showing_order(contest, works);
        let names = source.judges.into_iter().map(|j| (j.id, j.name)).collect();
        let merged = source.merged;
        Ok(RoomData {
            contest: contest.clone(),
            works,
            names,
            calibration: offsets(contest, &assignments, &merged),
            confirmations: newest_confirmations(master.confirmations()?),
            merged,
            deliberation,
            provisional,
        })
    }

    pub fn work(&self, id: &str) -> Option<&ConsoleWork> {
        self.works.iter().find(|w| w.id == id)
    }

    /// The panel's standing on `work` (the one function `jury room status` prints).
    pub fn standing(&self, work: &ConsoleWork) -> WorkStanding {
        work_standing(&self.contest, &work.id, &work.judges, &self.merged)
    }

    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            works: self.works.len(),
            ..Progress::default()
        };
        for work in &self.works {
            let standing = self.standing(work);
            p.pairs += standing.rows.len();
            p.done += standing.rows.len() - standing.waiting;
            if standing.waiting == 0 && !standing.rows.is_empty() {
                p.works_done += 1;
            }
        }
        p
    }
}

/// What the video on the projector is doing.
#[derive(Debug, Clone, PartialEq)]
pub struct Playback {
    pub work: String,
    pub position_ms: u64,
    pub duration_ms: Option<u64>,
    pub paused: bool,
    pub ended: bool,
}

/// What the loop does after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomEffect {
    /// Publish the work as now showing and play its video.
    Show(String),
    /// Publish that nothing is showing and stop the video.
    Clear,
    Pause,
    Stop,
    Refresh,
    Quit,
}

/// The console's two views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RoomTab {
    /// The works in showing order, and the work now showing.
    #[default]
    Works,
    /// The deliberation list (`jury deliberate`'s), judges' totals with their names.
    Deliberation,
}

pub struct RoomApp {
    pub data: RoomData,
    pub lang: Lang,
    pub keymap: Keymap,
    pub tab: RoomTab,
    /// Index into `data.works`.
    pub cursor: usize,
    /// Index into `data.deliberation`.
    pub deliberation_cursor: usize,
    /// What this contest's room shows now (the last record seen, published here or by
    /// `jury room show` in a shell); `None` also when the record is cleared.
    pub showing: Option<NowShowing>,
    pub playback: Option<Playback>,
    /// The status line: the last thing that happened (a merge, a publication, an error).
    pub status: Option<String>,
    pub help: Option<usize>,
    /// The first picture of the master is still being read.
    pub loading: bool,
    pub screen: (u16, u16),
    /// `data.progress()`, counted once per picture rather than once per frame.
    pub progress: Progress,
}

impl RoomApp {
    pub fn new(data: RoomData, lang: Lang, keymap: Keymap) -> RoomApp {
        RoomApp {
            progress: data.progress(),
            data,
            lang,
            keymap,
            tab: RoomTab::Works,
            cursor: 0,
            deliberation_cursor: 0,
            showing: None,
            playback: None,
            status: None,
            help: None,
            loading: false,
            screen: (80, 24),
        }
    }

    pub fn layer(&self) -> Layer {
        if self.help.is_some() {
            Layer::Help
        } else {
            Layer::Room
        }
    }

    pub fn selected(&self) -> Option<&ConsoleWork> {
        self.data.works.get(self.cursor)
    }

    /// The deliberation list's row under the cursor.
    pub fn selected_item(&self) -> Option<&Item> {
        self.data.deliberation.get(self.deliberation_cursor)
    }

    /// The work now showing, when it is one of this contest's.
    pub fn showing_work(&self) -> Option<&ConsoleWork> {
        let id = self.showing.as_ref()?.work.as_deref()?;
        self.data.work(id)
    }

    /// The panel's standing on the work now showing.
    pub fn showing_standing(&self) -> Option<WorkStanding> {
        self.showing_work().map(|w| self.data.standing(w))
    }

    /// (layer, keys, description) of the console's help.
    pub fn help_rows(&self) -> Vec<crate::tui::help::HelpRow> {
        crate::tui::help::binding_rows(&self.keymap, &[Layer::Room, Layer::Help], self.lang)
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.screen = (width, height);
    }

    fn page(&self) -> usize {
        match self.tab {
            RoomTab::Works => super::view::list_rows(self.screen.1),
            RoomTab::Deliberation => super::view::deliberation_rows(self.screen.1),
        }
        .max(1)
    }

    /// New data from the master; each cursor stays on the same work (or in range).
    pub fn replace_data(&mut self, data: RoomData) {
        self.loading = false;
        let on = self.selected().map(|w| w.id.clone());
        let on_item = self.selected_item().map(|i| i.work.clone());
        self.data = data;
        self.progress = self.data.progress();
        self.cursor = on
            .and_then(|id| self.data.works.iter().position(|w| w.id == id))
            .unwrap_or(self.cursor)
            .min(self.data.works.len().saturating_sub(1));
        self.deliberation_cursor = on_item
            .and_then(|id| self.data.deliberation.iter().position(|i| i.work == id))
            .unwrap_or(self.deliberation_cursor)
            .min(self.data.deliberation.len().saturating_sub(1));
    }

    pub fn update(&mut self, action: Action) -> Option<RoomEffect> {
        if let Some(selected) = self.help {
            let command = action.command_in(HelpCommand::of);
            let rows = self.help_rows().len();
            self.help = crate::tui::help::step(selected, command, rows, self.page());
            return None;
        }
        let command = action.command_in(RoomCommand::of)?;
        let page = self.page();
        let (cursor, rows) = match self.tab {
            RoomTab::Works => (&mut self.cursor, self.data.works.len()),
            RoomTab::Deliberation => (&mut self.deliberation_cursor, self.data.deliberation.len()),
        };
        // Moves go as the help list's do.
        if let Some(moved) = HelpCommand::of(command.into()) {
            *cursor = crate::tui::help::step(*cursor, Some(moved), rows, page).unwrap_or(*cursor);
            return None;
        }
        match command {
            RoomCommand::Next
            | RoomCommand::Prev
            | RoomCommand::First
            | RoomCommand::Last
            | RoomCommand::PageDown
            | RoomCommand::PageUp => {}
            RoomCommand::TabNext => {
                self.tab = match self.tab {
                    RoomTab::Works => RoomTab::Deliberation,
                    RoomTab::Deliberation => RoomTab::Works,
                }
            }
            RoomCommand::Show => {
                let work = match self.tab {
                    RoomTab::Works => self.selected().map(|w| &w.id),
                    RoomTab::Deliberation => self.selected_item().map(|i| &i.work),
                };
                return work.map(|id| RoomEffect::Show(id.clone()));
            }
            RoomCommand::ClearShowing => return Some(RoomEffect::Clear),
            RoomCommand::Pause => return self.playback.is_some().then_some(RoomEffect::Pause),
            RoomCommand::Stop => return self.playback.is_some().then_some(RoomEffect::Stop),
            RoomCommand::Refresh => return Some(RoomEffect::Refresh),
            RoomCommand::Help => self.help = Some(0),
            RoomCommand::Quit => return Some(RoomEffect::Quit),
        }
        None
    }

    /// A state of the sync folder's now-showing file (from the follower, or just published
    /// here). Another contest's record or a damaged file leaves a note and no work showing.
    pub fn on_now_showing(&mut self, state: Showing) {
        let lang = self.lang;
        match state {
            Showing::Published(record) if record.contest == self.data.contest.id => {
                let moved = self.showing.as_ref().map(|s| (&s.work, s.seq))
                    != Some((&record.work, record.seq));
                if moved {
                    self.status = Some(match &record.work {
                        Some(work) => tr!(
                            lang,
                            "console.published",
                            work = safe_line(work),
                            seq = record.seq
                        ),
                        None => tr!(lang, "console.cleared", seq = record.seq),
                    });
                }
                self.showing = Some(record);
            }
            Showing::Published(record) => {
                self.showing = None;
                self.status = Some(tr!(
                    lang,
                    "room.follow.other_contest",
                    contest = safe_line(&record.contest)
                ));
            }
            Showing::Absent => self.showing = None,
            Showing::Bad(_) => {
                self.showing = None;
                self.status = Some(tr!(lang, "room.follow.bad").to_string());
            }
        }
    }

    /// A publication that failed (the one line why).
    pub fn on_publish_failed(&mut self, why: String) {
        self.status = Some(why);
    }

    /// Lines of a merge (one per ballot file looked at): the last one is shown.
    pub fn on_merged(&mut self, lines: &[String]) {
        if let Some(last) = lines.last() {
            self.status = Some(last.clone());
        }
    }

    /// Playback of `work` was asked for.
    pub fn playing(&mut self, work: &str) {
        self.playback = Some(Playback {
            work: work.to_string(),
            position_ms: 0,
            duration_ms: None,
            paused: false,
            ended: false,
        });
    }

    pub fn on_player(&mut self, event: PlayerEvent) {
        match event {
            PlayerEvent::Loaded { duration_ms, .. } => {
                if let Some(p) = &mut self.playback {
                    p.duration_ms = duration_ms;
                }
            }
            PlayerEvent::Position {
                position_ms,
                duration_ms,
                paused,
                ..
            } => {
                if let Some(p) = &mut self.playback {
                    p.position_ms = position_ms;
                    p.duration_ms = duration_ms.or(p.duration_ms);
                    p.paused = paused;
                }
            }
            PlayerEvent::Ended { position_ms } => {
                if let Some(p) = &mut self.playback {
                    p.position_ms = position_ms;
                    p.ended = true;
                }
            }
            PlayerEvent::Stopped { .. } => self.playback = None,
            PlayerEvent::Error(e) => {
                self.playback = None;
                self.status = Some(e.message(self.lang));
            }
        }
    }
}

/// Counts of one standing, for the progress words.
pub fn scored_of(standing: &WorkStanding) -> (usize, usize) {
    let recused = standing
        .rows
        .iter()
        .filter(|(_, s)| matches!(s, Standing::Recused))
        .count();
    (standing.scored(), standing.rows.len() - recused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Command;

    /// Three judges on four works; J01 scored 002 fully, J02 partly, J03 recused from it.
    pub(crate) fn data() -> RoomData {
        let contest = jury_core::sample::sample_data(1).contest;
        let criteria: Vec<String> = contest.rubric.criteria().map(|c| c.id.clone()).collect();
        let mut merged = MergedScores::default();
        for c in &criteria {
            merged.scores.insert("J01", "002", c, 2);
        }
        merged.scores.insert("J02", "002", &criteria[0], 1);
        merged
            .recusals
            .insert(("J03".into(), "002".into()), "亲属".into());
        let judges: Vec<String> = ["J01", "J02", "J03"].map(String::from).to_vec();
        let works = ["010", "002", "001", "9"]
            .iter()
            .map(|id| ConsoleWork {
                id: id.to_string(),
                title: format!("作品{id}"),
                media_file: Some(format!("{id}.mp4")),
                judges: judges.clone(),
            })
            .collect();
        let mut data = RoomData {
            contest,
            works,
            names: judges
                .iter()
                .enumerate()
                .map(|(i, j)| (j.clone(), format!("评委{}", i + 1)))
                .collect(),
            merged,
            calibration: CalibrationState::NotConfigured,
            confirmations: Vec::new(),
            deliberation: Vec::new(),
            provisional: false,
        };
        data.works = in_showing_order(&data.contest, std::mem::take(&mut data.works));
        data
    }

    fn app() -> RoomApp {
        RoomApp::new(data(), Lang::En, Keymap::default_keymap())
    }

    fn key(app: &mut RoomApp, c: Command) -> Option<RoomEffect> {
        app.update(Action::Command(c))
    }

    #[test]
    fn works_are_in_showing_order_by_number() {
        let data = data();
        let ids: Vec<&str> = data.works.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["001", "002", "9", "010"]);
    }

    #[test]
    fn enter_shows_the_selected_work_and_c_clears() {
        let mut app = app();
        assert_eq!(key(&mut app, Command::Next), None);
        assert_eq!(
            key(&mut app, Command::Show),
            Some(RoomEffect::Show("002".into()))
        );
        assert_eq!(
            key(&mut app, Command::ClearShowing),
            Some(RoomEffect::Clear)
        );
        // Past the end the cursor stays on the last work.
        for _ in 0..10 {
            key(&mut app, Command::Next);
        }
        assert_eq!(app.selected().unwrap().id, "010");
        key(&mut app, Command::First);
        assert_eq!(app.selected().unwrap().id, "001");
        assert_eq!(key(&mut app, Command::Quit), Some(RoomEffect::Quit));
        // Nothing plays: stop and pause do nothing.
        assert_eq!(key(&mut app, Command::Stop), None);
        app.playing("001");
        assert_eq!(key(&mut app, Command::Stop), Some(RoomEffect::Stop));
        // A judge-list command is not the console's.
        assert_eq!(key(&mut app, Command::Score), None);
    }

    /// A bare deliberation item for `work`.
    fn item(work: &str) -> Item {
        Item {
            work: work.into(),
            place: None,
            aggregate: None,
            award: None,
            spread: None,
            sd: None,
            totals: Vec::new(),
            cutoff: None,
            near: false,
        }
    }

    #[test]
    fn the_deliberation_tab_moves_its_own_cursor_and_enter_shows_its_work() {
        let mut data = data();
        data.deliberation = ["9", "002", "001"].map(item).to_vec();
        let mut app = RoomApp::new(data.clone(), Lang::En, Keymap::default_keymap());
        key(&mut app, Command::Next);
        assert_eq!(app.selected().unwrap().id, "002");
        key(&mut app, Command::TabNext);
        assert_eq!(app.tab, RoomTab::Deliberation);
        assert_eq!(
            key(&mut app, Command::Show),
            Some(RoomEffect::Show("9".into())),
            "the list's first row, not the works' cursor"
        );
        key(&mut app, Command::Last);
        assert_eq!(app.selected_item().unwrap().work, "001");
        assert_eq!(app.selected().unwrap().id, "002", "the works' cursor stays");
        // A new picture reorders the list: the cursor stays on 001.
        data.deliberation = ["001", "9", "002"].map(item).to_vec();
        app.replace_data(data);
        assert_eq!(app.deliberation_cursor, 0);
        key(&mut app, Command::TabNext);
        assert_eq!(app.tab, RoomTab::Works);
        assert_eq!(
            key(&mut app, Command::Show),
            Some(RoomEffect::Show("002".into()))
        );
    }

    #[test]
    fn calibration_works_come_first_then_the_set_order_then_by_number() {
        let mut data = data();
        data.contest.calibration.works = vec!["010".into()];
        data.contest.room.order = vec!["9".into(), "010".into(), "002".into()];
        let works = in_showing_order(&data.contest, data.works.clone());
        let ids: Vec<&str> = works.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["010", "9", "002", "001"]);
    }

    #[test]
    fn help_opens_and_closes() {
        let mut app = app();
        key(&mut app, Command::Help);
        assert_eq!(app.layer(), Layer::Help);
        assert_eq!(key(&mut app, Command::Show), None, "no show under help");
        key(&mut app, Command::Close);
        assert_eq!(app.layer(), Layer::Room);
    }

    #[test]
    fn now_showing_of_this_contest_is_kept_and_others_are_noted() {
        let mut app = app();
        let contest = app.data.contest.id.clone();
        app.on_now_showing(Showing::Published(NowShowing {
            contest: contest.clone(),
            work: Some("002".into()),
            seq: 3,
            at: 0,
        }));
        assert_eq!(app.showing_work().map(|w| w.id.as_str()), Some("002"));
        assert!(app.status.as_deref().unwrap().contains("002"));
        let standing = app.showing_standing().unwrap();
        let states: Vec<&Standing> = standing.rows.iter().map(|(_, s)| s).collect();
        assert!(matches!(states[0], Standing::Scored(_)));
        assert!(matches!(states[1], Standing::Partly { scored: 1, .. }));
        assert_eq!(states[2], &Standing::Recused);
        assert_eq!(standing.waiting, 1);
        assert_eq!(standing.spread, None, "J02 is still scoring");
        app.on_now_showing(Showing::Published(NowShowing {
            contest: "other".into(),
            work: Some("002".into()),
            seq: 4,
            at: 0,
        }));
        assert!(app.showing.is_none());
        assert!(app.status.as_deref().unwrap().contains("another contest"));
        app.on_now_showing(Showing::Absent);
        assert!(app.showing_work().is_none());
    }

    #[test]
    fn the_spread_comes_once_everyone_has_scored_and_progress_counts_pairs() {
        let mut data = data();
        let criteria: Vec<String> = data
            .contest
            .rubric
            .criteria()
            .map(|c| c.id.clone())
            .collect();
        for c in &criteria {
            data.merged.scores.insert("J02", "002", c, 4);
        }
        let work = data.work("002").unwrap().clone();
        let standing = data.standing(&work);
        let totals: Vec<i64> = standing
            .rows
            .iter()
            .filter_map(|(_, s)| match s {
                Standing::Scored(t) => Some(t.0),
                _ => None,
            })
            .collect();
        assert_eq!(totals.len(), 2);
        let spread = standing.spread.expect("everyone scored or recused");
        assert_eq!(spread.range.0, (totals[0] - totals[1]).abs());
        let mean = (totals[0] + totals[1]) as f64 / 2.0 / 100.0;
        let sd = ((totals[0] as f64 / 100.0 - mean).powi(2) * 2.0).sqrt();
        assert!((spread.sd.unwrap() - sd).abs() < 1e-9, "{spread:?} vs {sd}");
        let p = data.progress();
        assert_eq!((p.done, p.pairs, p.works_done, p.works), (3, 12, 1, 4));
    }

    #[test]
    fn new_data_keeps_the_cursor_on_its_work() {
        let mut app = app();
        key(&mut app, Command::Last);
        let mut fewer = data();
        fewer.works.remove(0);
        app.replace_data(fewer);
        assert_eq!(app.selected().unwrap().id, "010");
        app.replace_data(RoomData::empty(&app.data.contest.clone()));
        assert_eq!(app.cursor, 0);
        assert_eq!(
            key(&mut app, Command::Show),
            None,
            "no works, nothing to show"
        );
    }

    #[test]
    fn player_events_follow_the_video_and_errors_are_said() {
        let mut app = app();
        app.playing("001");
        app.on_player(PlayerEvent::Position {
            position_ms: 1500,
            duration_ms: Some(3000),
            paused: false,
            speed: 1.0,
        });
        assert_eq!(app.playback.as_ref().unwrap().position_ms, 1500);
        app.on_player(PlayerEvent::Ended { position_ms: 3000 });
        assert!(app.playback.as_ref().unwrap().ended);
        app.on_player(PlayerEvent::Stopped { position_ms: 3000 });
        assert!(app.playback.is_none());
        app.playing("001");
        app.on_player(PlayerEvent::Error(jury_media::PlayerError::Missing(
            "/m/001.mp4".into(),
        )));
        assert!(app.playback.is_none());
        assert!(app.status.as_deref().unwrap().contains("001.mp4"));
    }
}
