//! The organizer TUI's state: a read-only picture of the master database (read again by the
//! runtime's worker whenever the master changed, so merges done by `jury watch` in another
//! terminal show up live), and per tab its cursor, search, sort and the rows they leave.
//! `update` is pure, like the judge TUI's; the view only reads.

use std::collections::HashMap;

use crate::commands::results::ResultsSource;
use crate::i18n::Lang;
use crate::tui::action::{
    Action, Command, HelpCommand, InputCommand, LayerAction, OrganizerCommand,
};
use crate::tui::editor::Editor;
use crate::tui::keymap::{Keymap, Layer};
use jury_core::model::contest::AggregationMethod;
use jury_core::model::Contest;
use jury_core::results::{ResultsView, METHODS};
use jury_store::master::{BallotRecord, JudgeRecord, Master, ProbeRecord, WorkRecord};
use jury_store::overview::PairFact;
use jury_store::StoreError;

/// Where a work's video stands after `jury probe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compliance {
    NotProbed,
    Missing,
    BreaksRules,
    Ok,
}

impl Compliance {
    pub const ALL: [Compliance; 4] = [
        Compliance::NotProbed,
        Compliance::Missing,
        Compliance::BreaksRules,
        Compliance::Ok,
    ];

    pub fn of(probe: Option<&ProbeRecord>) -> Compliance {
        match probe {
            None => Compliance::NotProbed,
            Some(p) if !p.found => Compliance::Missing,
            Some(p) if !p.compliant => Compliance::BreaksRules,
            Some(_) => Compliance::Ok,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Compliance::NotProbed => crate::tr!(lang, "org.compliance.not_probed"),
            Compliance::Missing => crate::tr!(lang, "org.compliance.missing"),
            Compliance::BreaksRules => crate::tr!(lang, "org.compliance.breaks"),
            Compliance::Ok => crate::tr!(lang, "org.compliance.ok"),
        }
    }
}

/// One judge's standing with one work, as the assignment matrix shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Not assigned, and could be.
    Free,
    /// Not assignable: same unit or district, or a declared conflict.
    Conflict,
    Assigned,
    /// Assigned, and every criterion scored in a merged ballot.
    Scored,
    Recused,
}

impl Cell {
    /// ASCII only: the matrix must line up in any CJK terminal.
    pub fn symbol(self) -> char {
        match self {
            Cell::Free => '.',
            Cell::Conflict => 'x',
            Cell::Assigned => 'o',
            Cell::Scored => '#',
            Cell::Recused => 'r',
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkRow {
    pub record: WorkRecord,
    pub probe: Option<ProbeRecord>,
    pub assigned: usize,
    /// Judges whose merged ballot scores every criterion of this work.
    pub scored: usize,
    pub recused: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JudgeRow {
    pub record: JudgeRecord,
    pub load: usize,
    pub scored: usize,
    pub recused: usize,
    pub ballot: Option<BallotRecord>,
}

/// Assigned (scored and recused included), scored and recused cells of one row or column.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    assigned: usize,
    scored: usize,
    recused: usize,
}

impl Counts {
    fn add(&mut self, cell: Cell) {
        match cell {
            Cell::Assigned => self.assigned += 1,
            Cell::Scored => {
                self.assigned += 1;
                self.scored += 1;
            }
            Cell::Recused => {
                self.assigned += 1;
                self.recused += 1;
            }
            Cell::Free | Cell::Conflict => {}
        }
    }
}

/// Everything the organizer TUI shows. Read in two stages (issue 17): the overview — works,
/// judges, ballots and the assignment matrix with its counts, which SQLite counts without a
/// score row leaving it — and then the scores the results and severity tabs tally
/// (`source`), which at national scale take most of the read.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgData {
    pub contest: Contest,
    pub works: Vec<WorkRow>,
    pub judges: Vec<JudgeRow>,
    /// The assignment matrix row by row (work-major): `cells[work * judges + judge]`; a cell
    /// that is not assigned is stored as `Free`, and `cell` says whether it is a conflict.
    cells: Vec<Cell>,
    judge_count: usize,
    work_keys: Vec<jury_core::assign::AssignWork>,
    judge_keys: Vec<jury_core::assign::AssignJudge>,
    pub assignment_version: u64,
    /// What the results tabs tally (empty until `scores_read`).
    pub source: ResultsSource,
    /// The scores are in `source`: false between the overview and the second stage.
    pub scores_read: bool,
    /// The call's quotas per unit and district, over every form imported (works tab).
    pub quotas: Vec<jury_core::intake::QuotaWarning>,
    /// The round shown (`jury organize --round`, else the open one); None without
    /// `[[rounds]]`.
    pub round: Option<String>,
}

/// Where a round's data lives: the live tables (the open round) or a closed round's archive.
struct RoundTables {
    /// The round's id as the contest names it ("" without `[[rounds]]`).
    id: String,
    /// The archive to read (None: the live tables).
    archived: Option<String>,
    /// The round whose `round_works` lists its works (None: every work).
    works_of: Option<String>,
}

impl RoundTables {
    /// As `ResultsSource::load` + `for_round` choose: the open round unless `round` names a
    /// closed one.
    fn choose(
        master: &Master,
        contest: &Contest,
        round: Option<&str>,
    ) -> Result<RoundTables, StoreError> {
        let open = master.open_round()?;
        let open_id = open.clone().unwrap_or_else(|| contest.first_round());
        if let Some(r) = round.filter(|r| *r != open_id) {
            if let Some(i) = master.closed_rounds()?.iter().position(|c| c.round_id == r) {
                return Ok(RoundTables {
                    id: r.to_string(),
                    archived: Some(r.to_string()),
                    works_of: (i > 0).then(|| r.to_string()),
                });
            }
        }
        Ok(RoundTables {
            id: open_id,
            archived: None,
            works_of: open,
        })
    }
}

impl OrgData {
    /// The open round (or the contest's only one), both stages.
    pub fn load(master: &Master, contest: &Contest) -> Result<OrgData, StoreError> {
        OrgData::load_round(master, contest, None)
    }

    /// Round `round` (None: the open one): its works, assignments, ballots and merged
    /// scores, as it stands or as it closed. A round with no data (not reached) shows the
    /// open one; `jury organize` refuses such a round before the TUI starts.
    pub fn load_round(
        master: &Master,
        contest: &Contest,
        round: Option<&str>,
    ) -> Result<OrgData, StoreError> {
        let mut data = OrgData::load_overview(master, contest, round)?;
        data.source = OrgData::load_scores(master, contest, round)?;
        data.scores_read = true;
        Ok(data)
    }

    /// The first stage: everything but the scores (`source` stays empty). The works, judges,
    /// matrix and sync tabs are whole after it.
    pub fn load_overview(
        master: &Master,
        contest: &Contest,
        round: Option<&str>,
    ) -> Result<OrgData, StoreError> {
        let tables = RoundTables::choose(master, contest, round)?;
        let probes = master.probes()?;
        let all_works = master.works()?;
        let judges = master.judges()?;
        let records: Vec<WorkRecord> = match &tables.works_of {
            None => all_works.clone(),
            Some(r) => {
                let ids = master.round_works(r)?;
                all_works
                    .iter()
                    .filter(|w| ids.contains(&w.id))
                    .cloned()
                    .collect()
            }
        };
        let mut ballots: HashMap<String, BallotRecord> = master
            .ballots_in(tables.archived.as_deref())?
            .into_iter()
            .map(|b| (b.judge_id.clone(), b))
            .collect();
        let criteria = contest.for_round(&tables.id).rubric.criteria().count();
        let work_at: HashMap<&str, usize> = records
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id.as_str(), i))
            .collect();
        let judge_at: HashMap<&str, usize> = judges
            .iter()
            .enumerate()
            .map(|(i, j)| (j.id.as_str(), i))
            .collect();
        let nj = judges.len();
        // The pairs come as facts (assigned, then scored, then recused) straight into the
        // grid; per-work and per-judge totals are then added up over the pairs touched only,
        // never by walking the whole grid (10,000 x 300 cells).
        let mut cells = vec![Cell::Free; records.len() * nj];
        let mut touched: Vec<usize> = Vec::new();
        master.pair_facts(tables.archived.as_deref(), |work, judge, fact| {
            let (Some(&wi), Some(&ji)) = (work_at.get(work), judge_at.get(judge)) else {
                return;
            };
            let i = wi * nj + ji;
            let cell = &mut cells[i];
            match fact {
                PairFact::Assigned => {
                    *cell = Cell::Assigned;
                    touched.push(i);
                }
                PairFact::Scored(n) if n >= criteria && *cell == Cell::Assigned => {
                    *cell = Cell::Scored;
                }
                PairFact::Scored(_) => {}
                PairFact::Recused => {
                    if *cell == Cell::Free {
                        touched.push(i);
                    }
                    *cell = Cell::Recused;
                }
            }
        })?;
        let mut per_work = vec![Counts::default(); records.len()];
        let mut per_judge = vec![Counts::default(); nj];
        for &i in &touched {
            per_work[i / nj].add(cells[i]);
            per_judge[i % nj].add(cells[i]);
        }
        // The conflict rule's own types, converted once; conflicts themselves are decided
        // only for the cells a screen shows (see `cell`), not for the whole grid.
        let work_keys: Vec<jury_core::assign::AssignWork> =
            records.iter().map(Into::into).collect();
        let judge_keys: Vec<jury_core::assign::AssignJudge> =
            judges.iter().map(Into::into).collect();
        let works = records
            .into_iter()
            .zip(&per_work)
            .map(|(w, c)| WorkRow {
                probe: probes.get(&w.id).cloned(),
                assigned: c.assigned,
                scored: c.scored,
                recused: c.recused,
                record: w,
            })
            .collect();
        let judges = judges
            .into_iter()
            .zip(&per_judge)
            .map(|(j, c)| JudgeRow {
                load: c.assigned,
                scored: c.scored,
                recused: c.recused,
                ballot: ballots.remove(&j.id),
                record: j,
            })
            .collect();
        Ok(OrgData {
            contest: contest.clone(),
            works,
            judges,
            cells,
            judge_count: nj,
            work_keys,
            judge_keys,
            assignment_version: master.assignment_version()?,
            source: ResultsSource::default(),
            scores_read: false,
            quotas: jury_core::intake::quota_warnings(&all_works, &contest.quotas),
            round: contest.has_rounds().then_some(tables.id),
        })
    }

    /// The second stage: what the results and severity tabs tally, for round `round` as
    /// `load_overview` chose it.
    pub fn load_scores(
        master: &Master,
        contest: &Contest,
        round: Option<&str>,
    ) -> Result<ResultsSource, StoreError> {
        let source = ResultsSource::load(master)?;
        Ok(match round {
            Some(id) => source.for_round(contest, id).unwrap_or(source),
            None => source,
        })
    }

    /// Nothing read yet: what the first screen shows while the worker reads the master.
    pub fn empty(contest: &Contest) -> OrgData {
        OrgData {
            contest: contest.clone(),
            works: Vec::new(),
            judges: Vec::new(),
            cells: Vec::new(),
            judge_count: 0,
            work_keys: Vec::new(),
            judge_keys: Vec::new(),
            assignment_version: 0,
            source: ResultsSource::default(),
            scores_read: false,
            quotas: Vec::new(),
            round: None,
        }
    }

    pub fn cell(&self, work: usize, judge: usize) -> Cell {
        if judge >= self.judge_count {
            return Cell::Free;
        }
        match self.cells.get(work * self.judge_count + judge) {
            Some(Cell::Free) => {
                let conflicted =
                    jury_core::assign::conflict(&self.work_keys[work], &self.judge_keys[judge])
                        .is_some();
                if conflicted {
                    Cell::Conflict
                } else {
                    Cell::Free
                }
            }
            Some(cell) => *cell,
            None => Cell::Free,
        }
    }

    /// Ballots merged at least once, and of those, submitted.
    pub fn merged_and_submitted(&self) -> (usize, usize) {
        let merged = self
            .judges
            .iter()
            .filter(|j| j.ballot.as_ref().is_some_and(|b| b.merged_revision > 0))
            .count();
        let submitted = self
            .judges
            .iter()
            .filter(|j| j.ballot.as_ref().is_some_and(|b| b.submitted))
            .count();
        (merged, submitted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Works,
    Judges,
    Matrix,
    Sync,
    Results,
    Severity,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Works,
        Tab::Judges,
        Tab::Matrix,
        Tab::Sync,
        Tab::Results,
        Tab::Severity,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Tab::Works => crate::tr!(lang, "org.tab.works"),
            Tab::Judges => crate::tr!(lang, "org.tab.judges"),
            Tab::Matrix => crate::tr!(lang, "org.tab.matrix"),
            Tab::Sync => crate::tr!(lang, "org.tab.sync"),
            Tab::Results => crate::tr!(lang, "org.tab.results"),
            Tab::Severity => crate::tr!(lang, "org.tab.severity"),
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// What the loader sends the UI thread, stage by stage (errors as the status line shows them).
#[derive(Debug)]
pub enum OrgMessage {
    /// The first stage: `OrgData::load_overview`.
    Overview(Result<Box<OrgData>, String>),
    /// The second: the scores, and the results the loader computed from them.
    Scores(Result<Box<ScoresRead>, String>),
}

/// The loader's second stage.
#[derive(Debug)]
pub struct ScoresRead {
    pub source: ResultsSource,
    /// The method `results` ranks by (the contest's).
    pub method: AggregationMethod,
    pub results: ResultsView,
}

impl ScoresRead {
    /// The results of `source` (from `OrgData::load_scores`) under the contest's method.
    pub fn of(source: ResultsSource, contest: &Contest) -> ScoresRead {
        let method = contest.aggregation.method;
        let results = source.view(contest, Some(method));
        ScoresRead {
            source,
            method,
            results,
        }
    }
}

pub enum OrgEffect {
    Quit,
    Refresh,
}

/// What a sortable column is compared by.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum SortKey {
    Text(String),
    Number(f64),
}

/// Search text and sort column of one tab's table (works, judges, results).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableView {
    pub query: String,
    /// Index into the tab's sort columns; 0 is the table's own order.
    pub sort: usize,
}

/// Tabs whose tables can be searched and sorted.
pub fn sortable(tab: Tab) -> bool {
    matches!(tab, Tab::Works | Tab::Judges | Tab::Results)
}

pub struct OrgApp {
    pub data: OrgData,
    pub lang: Lang,
    pub keymap: Keymap,
    pub tab: Tab,
    /// Selected row per tab.
    pub rows: [usize; 6],
    /// The method the results tab ranks by (starts as the contest's).
    pub method: AggregationMethod,
    /// Results of `data` under `method`, rebuilt only when either changes.
    pub results: ResultsView,
    /// First judge column shown in the matrix.
    pub matrix_left: usize,
    /// The terminal's size in cells, as the runtime last reported it: what a page is.
    pub screen: (u16, u16),
    pub help: Option<usize>,
    /// One line for the status bar, e.g. a failed refresh.
    pub status: Option<String>,
    /// Unix seconds the "synced 12s ago" column counts from (set by the loop; fixed in tests).
    pub now: i64,
    /// Per tab: search text and sort column.
    pub views: [TableView; 6],
    /// Per tab: the rows shown, in order, as indices into the tab's rows (search and sort
    /// applied). Kept here so the view only reads.
    pub shown: [Vec<usize>; 6],
    /// The search being typed (`/`), for the current tab.
    pub searching: Option<Editor>,
    /// The master has not been read yet (the worker is on it): the screen says so.
    pub loading: bool,
    /// `results` holds a tally of scores read (perhaps being read again): the results tabs
    /// show it. Until then they say the scores are being read.
    pub results_ready: bool,
    /// The loader sent its overview and is reading the scores.
    awaiting_scores: bool,
}

impl OrgApp {
    pub fn new(data: OrgData, lang: Lang, keymap: Keymap) -> OrgApp {
        let method = data.contest.aggregation.method;
        let results = data.source.view(&data.contest, Some(method));
        let results_ready = data.scores_read;
        OrgApp {
            data,
            lang,
            keymap,
            tab: Tab::Works,
            rows: [0; 6],
            method,
            results,
            matrix_left: 0,
            screen: (80, 24),
            help: None,
            status: None,
            now: jury_store::master::now_secs(),
            views: Default::default(),
            shown: Default::default(),
            searching: None,
            loading: false,
            results_ready,
            awaiting_scores: false,
        }
        .reordered()
    }

    fn reordered(mut self) -> OrgApp {
        self.reorder();
        self
    }

    /// The sort columns of a tab: (header label, key of row `i`). The first is the table's
    /// own order.
    pub fn sort_labels(&self, tab: Tab) -> Vec<&'static str> {
        let l = self.lang;
        match tab {
            Tab::Works => vec![
                crate::tr!(l, "org.col.no"),
                crate::tr!(l, "org.col.title"),
                crate::tr!(l, "org.col.unit"),
                crate::tr!(l, "org.col.district"),
                crate::tr!(l, "org.col.video"),
                crate::tr!(l, "org.col.judges"),
                crate::tr!(l, "org.col.done"),
            ],
            Tab::Judges => vec![
                "ID",
                crate::tr!(l, "org.col.name"),
                crate::tr!(l, "org.col.judge_unit"),
                crate::tr!(l, "org.col.district"),
                crate::tr!(l, "org.col.load"),
                crate::tr!(l, "org.col.ballot"),
            ],
            Tab::Results => vec![
                crate::tr!(l, "org.col.rank"),
                crate::tr!(l, "org.col.no"),
                crate::tr!(l, "org.col.title"),
                crate::tr!(l, "org.col.unit"),
                crate::tr!(l, "org.col.score"),
            ],
            _ => vec![],
        }
    }

    fn sort_key(&self, tab: Tab, column: usize, i: usize) -> SortKey {
        use SortKey::{Number, Text};
        let n = |x: usize| Number(x as f64);
        match tab {
            Tab::Works => {
                let w = &self.data.works[i];
                match column {
                    1 => Text(w.record.title.clone()),
                    2 => Text(w.record.unit.clone()),
                    3 => Text(w.record.district.clone()),
                    4 => n(Compliance::of(w.probe.as_ref()) as usize),
                    5 => n(w.assigned),
                    6 => n(w.scored),
                    _ => n(i),
                }
            }
            Tab::Judges => {
                let j = &self.data.judges[i];
                match column {
                    1 => Text(j.record.name.clone()),
                    2 => Text(j.record.unit.clone()),
                    3 => Text(j.record.district.clone()),
                    4 => n(j.load),
                    5 => n(j
                        .ballot
                        .as_ref()
                        .map_or(0, |b| b.assignment_version as usize)),
                    _ => n(i),
                }
            }
            Tab::Results => {
                let r = &self.results.rows[i];
                match column {
                    1 => Text(r.work.clone()),
                    2 => Text(r.title.clone()),
                    3 => Text(r.unit.clone()),
                    // Highest first; unscored last.
                    4 => Number(
                        -r.aggregate
                            .map(|a| a.to_string().parse::<f64>().unwrap_or(0.0))
                            .unwrap_or(f64::NEG_INFINITY),
                    ),
                    _ => n(i),
                }
            }
            _ => n(i),
        }
    }

    /// The text a search looks in for row `i` of a tab.
    fn haystack(&self, tab: Tab, i: usize) -> String {
        match tab {
            Tab::Works => {
                let w = &self.data.works[i];
                format!(
                    "{} {} {} {}",
                    w.record.id, w.record.title, w.record.unit, w.record.district
                )
            }
            Tab::Judges => {
                let j = &self.data.judges[i];
                format!(
                    "{} {} {} {}",
                    j.record.id, j.record.name, j.record.unit, j.record.district
                )
            }
            Tab::Results => {
                let r = &self.results.rows[i];
                format!("{} {} {} {}", r.work, r.title, r.unit, r.district)
            }
            _ => String::new(),
        }
    }

    /// Rebuilds every tab's shown rows from its search and sort; cursors stay in range.
    fn reorder(&mut self) {
        for (ti, tab) in Tab::ALL.iter().enumerate() {
            let n = self.source_rows(*tab);
            let view = &self.views[ti];
            let mut rows: Vec<usize> = (0..n).collect();
            if sortable(*tab) {
                let needle = view.query.to_lowercase();
                if !needle.is_empty() {
                    rows.retain(|&i| self.haystack(*tab, i).to_lowercase().contains(&needle));
                }
                if view.sort > 0 {
                    let column = view.sort;
                    rows.sort_by(|&a, &b| {
                        self.sort_key(*tab, column, a)
                            .partial_cmp(&self.sort_key(*tab, column, b))
                            .unwrap_or(std::cmp::Ordering::Equal)
                            .then(a.cmp(&b))
                    });
                }
            }
            self.rows[ti] = self.rows[ti].min(rows.len().saturating_sub(1));
            self.shown[ti] = rows;
        }
    }

    /// The selected row as an index into the current tab's rows (works, judges, results
    /// rows…), search and sort undone.
    pub fn row_index(&self) -> Option<usize> {
        self.shown[self.tab.index()].get(self.selected()).copied()
    }

    pub fn layer(&self) -> Layer {
        if self.help.is_some() {
            Layer::Help
        } else if self.searching.is_some() {
            Layer::Input
        } else {
            Layer::Organizer
        }
    }

    fn rows_of(&self, tab: Tab) -> usize {
        self.shown[tab.index()].len()
    }

    /// Rows of a tab before any search.
    pub fn total_rows(&self, tab: Tab) -> usize {
        self.source_rows(tab)
    }

    fn source_rows(&self, tab: Tab) -> usize {
        match tab {
            Tab::Works | Tab::Matrix => self.data.works.len(),
            Tab::Judges | Tab::Sync => self.data.judges.len(),
            Tab::Results => self.results.rows.len(),
            Tab::Severity => self.results.judges.len(),
        }
    }

    fn row_count(&self) -> usize {
        self.rows_of(self.tab)
    }

    fn rebuild_results(&mut self) {
        self.results = self.data.source.view(&self.data.contest, Some(self.method));
    }

    pub fn selected(&self) -> usize {
        self.rows[self.tab.index()]
    }

    /// (layer, keys, description) of the organizer's help.
    pub fn help_rows(&self) -> Vec<crate::tui::help::HelpRow> {
        crate::tui::help::binding_rows(&self.keymap, &[Layer::Organizer, Layer::Help], self.lang)
    }

    /// New data from the master, both stages read; cursors stay where they were (clamped).
    pub fn replace_data(&mut self, data: OrgData) {
        self.loading = false;
        self.results_ready = data.scores_read;
        self.data = data;
        self.rebuild_results();
        self.after_new_data();
    }

    /// What the loader sent: the overview (works tab and the others but results and
    /// severity), then the scores with the results already computed on its thread. Until
    /// the scores come again, the results tabs keep what they showed (marked as updating).
    pub fn receive(&mut self, message: OrgMessage) {
        self.loading = false;
        match message {
            OrgMessage::Overview(Ok(mut data)) => {
                data.source = std::mem::take(&mut self.data.source);
                data.scores_read = false;
                self.awaiting_scores = true;
                self.data = *data;
                self.status = None;
                self.after_new_data();
            }
            OrgMessage::Scores(Ok(scores)) => {
                let ScoresRead {
                    source,
                    method,
                    results,
                } = *scores;
                self.data.source = source;
                self.data.scores_read = true;
                self.results_ready = true;
                self.awaiting_scores = false;
                if method == self.method {
                    self.results = results;
                } else {
                    self.rebuild_results();
                }
                self.after_new_data();
            }
            OrgMessage::Overview(Err(e)) | OrgMessage::Scores(Err(e)) => {
                self.awaiting_scores = false;
                self.status = Some(e);
            }
        }
    }

    /// The results tabs wait for the scores (the loader's second stage).
    pub fn scores_pending(&self) -> bool {
        self.awaiting_scores
    }

    fn after_new_data(&mut self) {
        self.reorder();
        self.matrix_left = self
            .matrix_left
            .min(self.data.judges.len().saturating_sub(1));
    }

    /// The terminal now has `width` × `height` cells.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.screen = (width, height);
    }

    /// Table rows on one page of the current tab at the current screen size.
    fn page(&self) -> usize {
        super::view::table_rows(self, self.screen.0, self.screen.1).max(1)
    }

    pub fn update(&mut self, action: Action) -> Option<OrgEffect> {
        if let Some(mut editor) = self.searching.take() {
            let ti = self.tab.index();
            match action.in_layer(InputCommand::of) {
                Some(LayerAction::Type(c)) => editor.insert(c),
                Some(LayerAction::Edit(e)) => editor.edit(e),
                Some(LayerAction::Command(InputCommand::InputSubmit)) => {
                    self.views[ti].query = editor.text();
                    self.reorder();
                    return None;
                }
                Some(LayerAction::Command(InputCommand::InputCancel)) => {
                    self.views[ti].query.clear();
                    self.reorder();
                    return None;
                }
                Some(LayerAction::Command(InputCommand::InputNewline)) | None => {}
            }
            // The table narrows as the search is typed.
            self.views[ti].query = editor.text();
            self.searching = Some(editor);
            self.reorder();
            return None;
        }
        if let Some(selected) = self.help {
            let command = action.command_in(HelpCommand::of);
            let rows = self.help_rows().len();
            self.help = crate::tui::help::step(selected, command, rows, self.page());
            return None;
        }
        let command = action.command_in(OrganizerCommand::of)?;
        let n = self.row_count();
        let last = n.saturating_sub(1);
        let page = self.page();
        let row = &mut self.rows[self.tab.index()];
        match command {
            OrganizerCommand::Next => *row = (*row + 1).min(last),
            OrganizerCommand::Prev => *row = row.saturating_sub(1),
            OrganizerCommand::First => *row = 0,
            OrganizerCommand::Last => *row = last,
            OrganizerCommand::PageDown => *row = (*row + page).min(last),
            OrganizerCommand::PageUp => *row = row.saturating_sub(page),
            OrganizerCommand::TabNext => {
                self.tab = Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()];
            }
            OrganizerCommand::TabPrev => {
                self.tab = Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()];
            }
            c if Command::from(c)
                .tab_index()
                .is_some_and(|i| i < Tab::ALL.len()) =>
            {
                self.tab = Tab::ALL[Command::from(c).tab_index().unwrap_or(0)];
            }
            OrganizerCommand::ScrollRight if self.tab == Tab::Matrix => {
                self.matrix_left =
                    (self.matrix_left + 1).min(self.data.judges.len().saturating_sub(1));
            }
            OrganizerCommand::ScrollLeft if self.tab == Tab::Matrix => {
                self.matrix_left = self.matrix_left.saturating_sub(1);
            }
            OrganizerCommand::CycleMethod if matches!(self.tab, Tab::Results | Tab::Severity) => {
                let at = METHODS.iter().position(|m| *m == self.method).unwrap_or(0);
                self.method = METHODS[(at + 1) % METHODS.len()];
                self.rebuild_results();
                self.reorder();
            }
            OrganizerCommand::Filter if sortable(self.tab) => {
                self.searching = Some(Editor::new(&self.views[self.tab.index()].query));
            }
            OrganizerCommand::ClearFilter if sortable(self.tab) => {
                self.views[self.tab.index()].query.clear();
                self.reorder();
            }
            OrganizerCommand::Sort if sortable(self.tab) => {
                let columns = self.sort_labels(self.tab).len().max(1);
                let view = &mut self.views[self.tab.index()];
                view.sort = (view.sort + 1) % columns;
                self.reorder();
            }
            OrganizerCommand::Filter | OrganizerCommand::Sort | OrganizerCommand::ClearFilter => {
                self.status = Some(crate::tr!(self.lang, "org.not_sortable").to_string());
            }
            OrganizerCommand::Help => self.help = Some(0),
            OrganizerCommand::Refresh => return Some(OrgEffect::Refresh),
            OrganizerCommand::Quit => return Some(OrgEffect::Quit),
            _ => {}
        }
        None
    }
}
