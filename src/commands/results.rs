//! `jury results`: reads the master database, runs the tally and writes the results in the
//! format asked for.
//!
//! What the master holds becomes a [`TallyInput`] like this:
//! * works, judges and assignments as they are (the master stores assignments as (work,
//!   judge); the tally wants (judge, work));
//! * one [`Sheet`] per (judge, work) with at least one merged score. The master keeps no
//!   "finished" mark per work, so every such sheet is handed over as complete and the tally's
//!   own check decides: a sheet counts only when every rubric criterion has a score in range,
//!   and otherwise it is listed as missing *with the first unscored criterion named* — more
//!   useful to an organizer chasing a judge than "incomplete";
//! * the merged recusals (reasons stay in the master; see the disclosure rule in
//!   [`crate::report`]);
//! * as submitted, the judges whose ballot is marked submitted *and* has been merged at least
//!   once. Any assigned judge outside that set makes the results provisional, and every
//!   output says so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::cli::OrganizeError;
use crate::i18n::Lang;
use crate::report::{self, audience::Audience, ResultsView, ResultsWords};
use crate::tr;
use jury_core::model::contest::AggregationMethod;
use jury_core::model::contest::AwardBase;
use jury_core::model::Contest;
use jury_core::rounds::{cross_round, current_rulings, Adjustments, Ruling, WorkRuling};
use jury_core::tally::{Sheet, TallyInput, TallyParams};
use jury_core::text::safe_line;
use jury_store::folder::ContestFolder;
use jury_store::master::{BallotRecord, JudgeRecord, Master, MergedScores, WorkRecord};

/// Output format of `jury results`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ResultsFormat {
    Table,
    Csv,
    Xlsx,
    Html,
}

impl ResultsFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ResultsFormat::Table => "txt",
            ResultsFormat::Csv => "csv",
            ResultsFormat::Xlsx => "xlsx",
            ResultsFormat::Html => "html",
        }
    }
}

/// `--method`: rank on another method than the contest's (e.g. to compare).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    Mean,
    Trimmed,
    Zscore,
}

impl From<MethodArg> for AggregationMethod {
    fn from(m: MethodArg) -> AggregationMethod {
        match m {
            MethodArg::Mean => AggregationMethod::Mean,
            MethodArg::Trimmed => AggregationMethod::TrimmedMean,
            MethodArg::Zscore => AggregationMethod::Zscore,
        }
    }
}

/// Everything the results need from the master database, read once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultsSource {
    pub works: Vec<WorkRecord>,
    pub judges: Vec<JudgeRecord>,
    /// (work, judge), as the master stores them.
    pub assignments: Vec<(String, String)>,
    pub ballots: Vec<BallotRecord>,
    pub merged: MergedScores,
    /// Rounds and rulings (empty for a contest without them: results as before).
    pub rounds: RoundsSource,
}

/// What the results need of rounds and rulings, read with the rest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundsSource {
    /// The round the live data belongs to (None: the first round, never advanced).
    pub round: Option<String>,
    /// Every ruling recorded, in order.
    pub rulings: Vec<Ruling>,
    /// Closed rounds before this one, oldest first: (round id, its data).
    pub earlier: Vec<(String, ResultsSource)>,
    /// Works of the contest (the first round's entries), for `[awards] base = "all"`.
    pub entries: usize,
}

impl ResultsSource {
    pub fn load(master: &Master) -> Result<ResultsSource, jury_store::StoreError> {
        let all = master.works()?;
        let judges = master.judges()?;
        let in_round = |round: Option<&str>| -> Result<Vec<WorkRecord>, jury_store::StoreError> {
            Ok(match round {
                None => all.clone(),
                Some(r) => {
                    let ids = master.round_works(r)?;
                    all.iter()
                        .filter(|w| ids.contains(&w.id))
                        .cloned()
                        .collect()
                }
            })
        };
        let mut earlier = Vec::new();
        for (i, c) in master.closed_rounds()?.iter().enumerate() {
            let id = c.round_id.as_str();
            earlier.push((
                c.round_id.clone(),
                ResultsSource {
                    works: in_round((i > 0).then_some(id))?,
                    judges: judges.clone(),
                    assignments: master.assignments_in(Some(id))?,
                    ballots: master.ballots_in(Some(id))?,
                    merged: master.merged_in(Some(id))?,
                    rounds: RoundsSource::default(),
                },
            ));
        }
        let round = master.open_round()?;
        Ok(ResultsSource {
            works: in_round(round.as_deref())?,
            judges,
            assignments: master.assignments()?,
            ballots: master.ballots()?,
            merged: master.merged()?,
            rounds: RoundsSource {
                round,
                rulings: master.rulings()?,
                earlier,
                entries: all.len(),
            },
        })
    }

    /// The source as it stood for round `id`: the open round's, or a closed round's with the
    /// rounds before it. None when the round has no data (not reached yet, or unknown).
    pub fn for_round(&self, contest: &Contest, id: &str) -> Option<ResultsSource> {
        if self.round_id(contest) == id {
            return Some(self.clone());
        }
        let i = self.rounds.earlier.iter().position(|(r, _)| r == id)?;
        let mut src = self.rounds.earlier[i].1.clone();
        src.rounds = RoundsSource {
            round: Some(id.to_string()),
            rulings: self.rounds.rulings.clone(),
            earlier: self.rounds.earlier[..i].to_vec(),
            entries: self.rounds.entries,
        };
        Some(src)
    }

    /// The id of the round this source holds ("" without `[[rounds]]`).
    pub fn round_id(&self, contest: &Contest) -> String {
        self.rounds
            .round
            .clone()
            .unwrap_or_else(|| contest.first_round())
    }

    /// Tally parameters of this round: the rulings, and the award base.
    fn params(&self, contest: &Contest, rulings: &BTreeMap<String, WorkRuling>) -> TallyParams {
        let mut adjust = Adjustments::from_rulings(rulings);
        if contest.has_rounds() && contest.awards.base == AwardBase::All {
            adjust.award_base = Some(self.rounds.entries.saturating_sub(adjust.excluded.len()));
        }
        TallyParams {
            adjust,
            ..TallyParams::for_contest(contest)
        }
    }

    /// This round alone, as the round's own contest judges it, rulings applied.
    fn round_view(
        &self,
        contest: &Contest,
        method: Option<AggregationMethod>,
        rulings: &BTreeMap<String, WorkRuling>,
    ) -> ResultsView {
        let input = self.tally_input(contest);
        let mut view = ResultsView::build_with(
            &input,
            method,
            self.params(contest, rulings),
            &self.works,
            &self.judges,
            &self.ballots,
        );
        jury_core::rounds::note_rulings(&mut view, rulings);
        view
    }

    /// The open round's tally as its results rank it (the round's contest, rulings applied):
    /// what `jury deliberate` orders.
    pub fn round_tally(&self, contest: &Contest) -> jury_core::tally::Tally {
        let rulings = current_rulings(&self.rounds.rulings);
        let round = contest.for_round(&self.round_id(contest));
        jury_core::tally::tally(&self.tally_input(&round), &self.params(&round, &rulings))
    }

    /// Judges whose ballot is submitted and merged.
    pub fn submitted(&self) -> BTreeSet<String> {
        self.ballots
            .iter()
            .filter(|b| b.submitted && b.merged_revision > 0)
            .map(|b| b.judge_id.clone())
            .collect()
    }

    /// The tally's input (see the module docs for how each part is formed).
    pub fn tally_input<'a>(&self, contest: &'a Contest) -> TallyInput<'a> {
        let scores = &self.merged.scores;
        TallyInput {
            contest,
            works: self.works.iter().map(|w| w.id.clone()).collect(),
            judges: self.judges.iter().map(|j| j.id.clone()).collect(),
            assignments: self
                .assignments
                .iter()
                .map(|(w, j)| (j.clone(), w.clone()))
                .collect(),
            // The table is sorted by (judge, work, criterion): one sheet per run of a pair.
            sheets: scores
                .pairs()
                .map(|(judge, work, rows)| Sheet {
                    judge: judge.into(),
                    work: work.into(),
                    scores: rows
                        .iter()
                        .map(|r| (scores.criteria()[r.criterion as usize].clone(), r.steps))
                        .collect(),
                    complete: true,
                })
                .collect(),
            recusals: self.merged.recusals.keys().cloned().collect(),
            submitted: self.submitted(),
        }
    }

    /// Tallies and builds the view every output renders: with rounds, this round ranked and
    /// the works of earlier rounds that did not reach it listed after (see
    /// [`jury_core::rounds::cross_round`]); rulings applied either way.
    pub fn view(&self, contest: &Contest, method: Option<AggregationMethod>) -> ResultsView {
        let rulings = current_rulings(&self.rounds.rulings);
        let id = self.round_id(contest);
        let view = self.round_view(&contest.for_round(&id), method, &rulings);
        let mut view = if !contest.has_rounds() {
            view
        } else {
            let earlier: Vec<_> = self
                .rounds
                .earlier
                .iter()
                .filter_map(|(r, src)| {
                    let round = contest.round(r)?;
                    Some((
                        round,
                        src.round_view(&contest.for_round(r), method, &rulings),
                    ))
                })
                .collect();
            let round = contest
                .round(&id)
                .unwrap_or_else(|| contest.round_list()[0].clone());
            let is_last = contest.next_round(&id).is_none();
            cross_round(view, &round, is_last, &earlier, &rulings)
        };
        let order: Vec<&str> = view.rows.iter().map(|r| r.work.as_str()).collect();
        view.comments =
            jury_core::results::comment_rows(&order, &self.works, &self.judges, &self.merged);
        view
    }
}

/// Where a file format goes without `--out`: `results.EXT` in the contest folder, next to
/// contest.toml, where the organizer looks for everything else of the contest
/// (`results-public.EXT`, `results-panel.EXT` for those audiences).
pub fn default_out(folder: &ContestFolder, format: ResultsFormat, audience: Audience) -> PathBuf {
    let suffix = match audience {
        Audience::Internal => "",
        Audience::Panel => "-panel",
        Audience::Public => "-public",
    };
    folder
        .dir
        .join(format!("results{suffix}.{}", format.extension()))
}

/// Renders `view` as `format`; the table goes to the returned string, files to `out`.
/// Returns what to print.
pub fn write_results(
    view: &ResultsView,
    lang: Lang,
    format: ResultsFormat,
    audience: Audience,
    out: Option<&Path>,
) -> Result<String, OrganizeError> {
    let (bytes, path) = match (format, out) {
        (ResultsFormat::Table, None) => return Ok(report::table::render(view, lang)),
        (ResultsFormat::Table, Some(p)) => (report::table::render(view, lang).into_bytes(), p),
        (ResultsFormat::Csv, Some(p)) if audience == Audience::Public => {
            (report::audience::public_csv(view, lang)?.into_bytes(), p)
        }
        (ResultsFormat::Csv, Some(p)) => (report::csv::render(view, lang)?.into_bytes(), p),
        (ResultsFormat::Html, Some(p)) => (
            report::html::render_for(view, lang, audience).into_bytes(),
            p,
        ),
        (ResultsFormat::Xlsx, Some(p)) => {
            report::xlsx::write_for(view, lang, audience, p)?;
            return Ok(wrote(view, lang, p));
        }
        (_, None) => {
            return Err(OrganizeError::Other(
                tr!(lang, "report.cmd.needs_out").into(),
            ))
        }
    };
    report::write_atomic(path, &bytes)?;
    Ok(wrote(view, lang, path))
}

fn wrote(view: &ResultsView, lang: Lang, path: &Path) -> String {
    let mut s = tr!(lang, "report.cmd.wrote", path = path.display());
    s.push('\n');
    if let Some(b) = view.provisional_banner(lang) {
        s.push_str(&b);
        s.push('\n');
    }
    s
}

/// `jury results`: opens the contest, tallies, renders. Without `--out`, the table goes to
/// stdout and a file format goes to [`default_out`].
pub fn run(
    globals: &crate::cli::Globals,
    format: ResultsFormat,
    out: Option<PathBuf>,
    method: Option<MethodArg>,
    round: Option<String>,
    audience: Audience,
    comments: bool,
) -> Result<String, OrganizeError> {
    let (folder, master) = super::cli::open_contest(globals)?;
    let mut source = ResultsSource::load(&master)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    if let Some(id) = round {
        let id = super::rounds::known_round(&folder.contest, &id, lang)?;
        source = source.for_round(&folder.contest, &id).ok_or_else(|| {
            OrganizeError::Other(tr!(lang, "rounds.not_reached", round = safe_line(&id)))
        })?;
    }
    let mut view = source.view(&folder.contest, method.map(Into::into));
    super::signoff::fill_view(&mut view, &master)?;
    if comments {
        // 评语汇总 for feedback to entrants: judges by letter only, whatever the audience.
        let out = out.unwrap_or_else(|| folder.dir.join("comments.csv"));
        refuse_jury_files(&out, lang)?;
        report::write_atomic(
            &out,
            report::audience::comments_csv(&view, lang)?.as_bytes(),
        )?;
        return Ok(wrote(&view, lang, &out));
    }
    let out = match (format, out) {
        (ResultsFormat::Table, out) => out,
        (f, None) => Some(default_out(&folder, f, audience)),
        (_, Some(p)) => Some(p),
    };
    if let Some(out) = &out {
        refuse_jury_files(out, lang)?;
    }
    write_results(&view, lang, format, audience, out.as_deref())
}

/// `--out` must never name a file jury keeps its data in: the master database (and its WAL),
/// a ballot, or a contest or rubric TOML. A slip there would replace the contest with a report.
pub fn refuse_jury_files(out: &Path, lang: Lang) -> Result<(), OrganizeError> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.starts_with(jury_store::master::MASTER_FILE)
        || matches!(ext.as_str(), "jury" | "ballot" | "toml")
    {
        return Err(OrganizeError::Other(tr!(
            lang,
            "report.cmd.refuse_jury_file",
            path = out.display()
        )));
    }
    Ok(())
}
