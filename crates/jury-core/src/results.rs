//! [`ResultsView`]: everything a results output shows, in display order, with the disclosure
//! rule (documented in the app's `report` module) already applied. Renderers (terminal, CSV, XLSX, HTML, the
//! organizer TUI) only format it, and they alone put it into words: this module returns
//! typed data (places, [`AwardOutcome`]s, [`TierCutoff`](crate::tally::TierCutoff)s, [`RuleNote`]s, [`ZscoreBlocker`]s)
//! and never prose, apart from names a data file carries in both languages.

use std::collections::BTreeMap;

use crate::chain::receipt;
use crate::lang::Lang;
use crate::model::contest::{AggregationMethod, TieBreak};
use crate::model::paperwork::OrgBy;
use crate::model::{Contest, Points};
use crate::records::{BallotRecord, JudgeRecord, WorkRecord};
use crate::tally::{
    organization_awards, tally, Award, AwardOutcome, OrgAwards, Score, Subtotals, Tally,
    TallyInput, TallyParams, TieNote, WorkRule, ZscoreBlocker, ZscoreStatus,
};

pub mod paperwork;
pub use paperwork::{
    certificates, comment_rows, judge_sheets, Certificate, CertificateError, CommentRow,
    JudgeSheet, SheetLine,
};

/// Per-judge figures need at least this many counted works to be published (rule 2).
pub const MIN_JUDGE_WORKS: usize = 3;
/// Spread and standard deviation need at least this many counted totals (rule 3).
pub const MIN_SPREAD_TOTALS: usize = 3;

/// The three aggregation methods, in the order side-by-side views show them.
pub const METHODS: [AggregationMethod; 3] = [
    AggregationMethod::Mean,
    AggregationMethod::TrimmedMean,
    AggregationMethod::Zscore,
];

/// One work's place and aggregate under one method.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCell {
    pub method: AggregationMethod,
    pub place: Option<usize>,
    pub aggregate: Option<Score>,
    pub rule: WorkRule,
}

/// One line of the ranked list.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkRow {
    pub work: String,
    pub title: String,
    pub unit: String,
    /// 区县 of the work's unit, from the recommendation form.
    pub district: String,
    /// 主创人员, from the recommendation form.
    pub creators: String,
    pub place: Option<usize>,
    pub award: Option<AwardOutcome>,
    pub tie: TieNote,
    /// Equal aggregates with a neighbour that the contest's tie-break order put in order
    /// (one per neighbour: the work above, the work below).
    pub ties_broken: Vec<TieBroken>,
    pub aggregate: Option<Score>,
    pub rule: WorkRule,
    /// The rule is a fallback from the method asked for (e.g. too few scores to trim).
    pub fallback: bool,
    /// Mean subtotal per rubric group, in rubric order (empty when unscored).
    pub group_means: Vec<Score>,
    /// Subtotal per rubric group formed like the score, in rubric order: what the reports
    /// show beside the score (empty when unscored).
    pub group_scores: Vec<Score>,
    /// Whether `group_scores` add up to the score, or are plain means (z-score).
    pub subtotals: Subtotals,
    pub assigned: usize,
    pub scored: usize,
    pub recused: usize,
    pub missing: usize,
    /// Counted sheets short of the contest's judges per work.
    pub shortfall: usize,
    /// Published only with at least [`MIN_SPREAD_TOTALS`] counted totals.
    pub spread: Option<Points>,
    pub sd: Option<f64>,
    pub high_spread: bool,
    /// Mean, trimmed mean and z-score, in [`METHODS`] order.
    pub methods: Vec<MethodCell>,
}

/// A work's aggregate equals a neighbour's, and a tie-break decided which ranks higher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TieBroken {
    /// The other work of the tie.
    pub with: String,
    /// The tie-break of `contest.tie_break` that decided.
    pub by: TieBreak,
    /// This work is the one ranked higher.
    pub above: bool,
}

/// Per-judge figures as published (rule 2).
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeRow {
    pub judge: String,
    pub name: String,
    pub unit: String,
    pub submitted: bool,
    pub assigned: usize,
    pub scored: usize,
    pub recused: usize,
    pub missing: usize,
    /// `scored >= MIN_JUDGE_WORKS`: the figures below are shown.
    pub published: bool,
    pub mean_total: Option<Score>,
    /// Mean deviation from the panel, points (negative = stricter).
    pub severity: Option<f64>,
    pub outliers: usize,
    /// The judge's counted totals, ascending, without the works (empty when withheld).
    pub totals: Vec<Points>,
}

/// A judge's receipt: what their last merged ballot's event chain ends in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    pub judge: String,
    pub name: String,
    pub ballot_id: Option<String>,
    /// Merged revision (0: nothing merged yet).
    pub revision: u64,
    /// `None` until a ballot has been merged.
    pub receipt: Option<String>,
    pub submitted: bool,
}

/// A work with fewer counted scores than the contest asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortWork {
    pub work: String,
    pub scored: usize,
    pub needed: usize,
    pub ranked: bool,
}

/// An outlier as published (rule 4): no values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlierNote {
    pub work: String,
    pub judge: String,
    /// Above the work's trimmed mean (else below).
    pub above: bool,
}

/// Everything the results outputs show.
#[derive(Debug, Clone)]
pub struct ResultsView {
    pub contest: Contest,
    /// The contest's method.
    pub configured: AggregationMethod,
    /// The method ranked on (the contest's or an override).
    pub method: AggregationMethod,
    /// The full tally of `method` (organizer-only detail: judge totals per work).
    pub tally: Tally,
    /// Some assigned judge's ballot is not in (not merged, or not submitted).
    pub provisional: bool,
    /// Ranked works in rank order, then unranked works.
    pub rows: Vec<WorkRow>,
    pub judges: Vec<JudgeRow>,
    pub receipts: Vec<ReceiptRow>,
    pub short: Vec<ShortWork>,
    pub outliers: Vec<OutlierNote>,
    /// z-score status of the side-by-side z-score run (applied or why it fell back).
    pub zscore: Option<ZscoreStatus>,
    /// Which round the numbers come from, and each row's standing (disqualified, not
    /// advanced) and deductions; empty without rounds and rulings (see [`crate::rounds`]).
    pub rounds: crate::rounds::RoundsInfo,
    /// 优秀组织奖, when the contest awards one.
    pub organization: Option<OrgAwards>,
    /// Judges' comments per work (filled by the caller from the merged comments; identities
    /// are shown only in the internal audience).
    pub comments: Vec<CommentRow>,
    /// Sign-off confirmations merged from the ballots (filled by the caller, see
    /// [`crate::signoff::confirmation_rows`]): the signature page lists them.
    pub confirmations: Vec<crate::signoff::ConfirmationRow>,
    /// Changes to submitted scores with their reasons (filled by the caller): internal only.
    pub revisions: Vec<crate::signoff::RevisionRow>,
}

fn native_rule(method: AggregationMethod, rule: &WorkRule) -> bool {
    matches!(
        (method, rule),
        (_, WorkRule::Unscored)
            | (AggregationMethod::Mean, WorkRule::Mean)
            | (AggregationMethod::TrimmedMean, WorkRule::Trimmed { .. })
            | (AggregationMethod::Zscore, WorkRule::Zscore)
    )
}

impl ResultsView {
    /// Tallies `input` with `method` (or the contest's), and with the other two methods for
    /// the side-by-side columns, and joins the master's records for titles, names, receipts.
    pub fn build(
        input: &TallyInput<'_>,
        method: Option<AggregationMethod>,
        works: &[WorkRecord],
        judges: &[JudgeRecord],
        ballots: &[BallotRecord],
    ) -> ResultsView {
        let base = TallyParams::for_contest(input.contest);
        Self::build_with(input, method, base, works, judges, ballots)
    }

    /// [`ResultsView::build`] with tally parameters of the caller's (rulings, award base).
    pub fn build_with(
        input: &TallyInput<'_>,
        method: Option<AggregationMethod>,
        base: TallyParams,
        works: &[WorkRecord],
        judges: &[JudgeRecord],
        ballots: &[BallotRecord],
    ) -> ResultsView {
        let contest = input.contest;
        let configured = contest.aggregation.method;
        let method = method.unwrap_or(configured);
        // The three tallies are independent: run them side by side (a 10,000-work contest
        // takes about 0.3 s per tally).
        let runs: Vec<Tally> = std::thread::scope(|scope| {
            let handles: Vec<_> = METHODS
                .iter()
                .map(|&m| {
                    let params = TallyParams {
                        method: Some(m),
                        ..base.clone()
                    };
                    scope.spawn(move || tally(input, &params))
                })
                .collect();
            handles
                .into_iter()
                // A panic in a tally thread is a bug: pass it on unchanged.
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let chosen = METHODS.iter().position(|&m| m == method).unwrap_or(0);
        let main = runs[chosen].clone();
        // Work id → result, per method (a linear search per row would be quadratic).
        let by_id: Vec<BTreeMap<&str, &crate::tally::WorkResult>> = runs
            .iter()
            .map(|t| t.works.iter().map(|w| (w.work.as_str(), w)).collect())
            .collect();
        let work_rec: BTreeMap<&str, &WorkRecord> =
            works.iter().map(|w| (w.id.as_str(), w)).collect();
        let judge_rec: BTreeMap<&str, &JudgeRecord> =
            judges.iter().map(|j| (j.id.as_str(), j)).collect();

        let mut rows: Vec<WorkRow> = main
            .works
            .iter()
            .map(|w| {
                let rec = work_rec.get(w.work.as_str());
                let wide = w.scored >= MIN_SPREAD_TOTALS;
                WorkRow {
                    work: w.work.clone(),
                    title: rec.map(|r| r.title.clone()).unwrap_or_default(),
                    unit: rec.map(|r| r.unit.clone()).unwrap_or_default(),
                    district: rec.map(|r| r.district.clone()).unwrap_or_default(),
                    creators: rec.map(|r| r.creators.clone()).unwrap_or_default(),
                    place: w.place,
                    award: w.award,
                    tie: w.tie,
                    ties_broken: Vec::new(),
                    aggregate: w.aggregate,
                    rule: w.rule.clone(),
                    fallback: !native_rule(method, &w.rule),
                    group_means: w.group_means.iter().map(|(_, s)| *s).collect(),
                    group_scores: w.group_scores.iter().map(|(_, s)| *s).collect(),
                    subtotals: w.subtotals,
                    assigned: w.assigned,
                    scored: w.scored,
                    recused: w.recused,
                    missing: w.missing,
                    shortfall: w.shortfall,
                    spread: w.spread.filter(|_| wide),
                    sd: w.sd.filter(|_| wide),
                    high_spread: w.high_spread,
                    methods: METHODS
                        .iter()
                        .zip(&by_id)
                        .map(|(&m, t)| {
                            let r = t.get(w.work.as_str());
                            MethodCell {
                                method: m,
                                place: r.and_then(|r| r.place),
                                aggregate: r.and_then(|r| r.aggregate),
                                rule: r.map_or(WorkRule::Unscored, |r| r.rule.clone()),
                            }
                        })
                        .collect(),
                }
            })
            .collect();

        // A tie broken by the tie-break order is noted on both works of the pair.
        for k in 1..rows.len() {
            if let TieNote::BrokenBy(i) = rows[k].tie {
                let Some(by) = contest.tie_break.get(i) else {
                    continue;
                };
                let (upper, lower) = (rows[k - 1].work.clone(), rows[k].work.clone());
                rows[k - 1].ties_broken.push(TieBroken {
                    with: lower,
                    by: by.clone(),
                    above: true,
                });
                rows[k].ties_broken.push(TieBroken {
                    with: upper,
                    by: by.clone(),
                    above: false,
                });
            }
        }

        // Each judge's counted totals, from the works' counted sheets only.
        let mut totals: BTreeMap<&str, Vec<Points>> = BTreeMap::new();
        for w in &main.works {
            for (j, p) in &w.judge_totals {
                totals.entry(j.as_str()).or_default().push(*p);
            }
        }
        let judge_rows = main
            .judges
            .iter()
            .map(|j| {
                let rec = judge_rec.get(j.judge.as_str());
                let published = j.scored >= MIN_JUDGE_WORKS;
                let mut mine = if published {
                    totals.get(j.judge.as_str()).cloned().unwrap_or_default()
                } else {
                    Vec::new()
                };
                mine.sort();
                JudgeRow {
                    judge: j.judge.clone(),
                    name: rec.map(|r| r.name.clone()).unwrap_or_default(),
                    unit: rec.map(|r| r.unit.clone()).unwrap_or_default(),
                    submitted: j.submitted,
                    assigned: j.assigned,
                    scored: j.scored,
                    recused: j.recused,
                    missing: j.missing,
                    published,
                    mean_total: j.mean_total.filter(|_| published),
                    severity: j
                        .severity
                        .filter(|_| published && j.severity_works >= MIN_JUDGE_WORKS),
                    outliers: j.outliers,
                    totals: mine,
                }
            })
            .collect();

        let receipts = judges
            .iter()
            .map(|j| {
                let ballot = ballots.iter().find(|b| b.judge_id == j.id);
                ReceiptRow {
                    judge: j.id.clone(),
                    name: j.name.clone(),
                    ballot_id: ballot.map(|b| b.ballot_id.clone()),
                    revision: ballot.map_or(0, |b| b.merged_revision),
                    receipt: ballot_receipt(ballot),
                    submitted: ballot.is_some_and(|b| b.submitted),
                }
            })
            .collect();

        let needed = contest.judges_per_work as usize;
        let short = rows
            .iter()
            .filter(|r| r.scored < needed || r.place.is_none())
            .map(|r| ShortWork {
                work: r.work.clone(),
                scored: r.scored,
                needed,
                ranked: r.place.is_some(),
            })
            .collect();
        let outliers = main
            .outliers
            .iter()
            .map(|o| OutlierNote {
                work: o.work.clone(),
                judge: o.judge.clone(),
                above: o.deviation.0 > num_rational::Ratio::from_integer(0),
            })
            .collect();
        let zscore = runs[2].zscore.clone();
        let organization = contest.awards.organization.as_ref().map(|rule| {
            organization_awards(
                rule,
                &contest.awards,
                rows.iter().map(|r| {
                    let who = match rule.by {
                        OrgBy::District => r.district.as_str(),
                        OrgBy::Unit => r.unit.as_str(),
                    };
                    (who, r.award)
                }),
            )
        });
        ResultsView {
            contest: contest.clone(),
            configured,
            method,
            provisional: main.provisional,
            tally: main,
            rows,
            judges: judge_rows,
            receipts,
            short,
            outliers,
            zscore,
            rounds: Default::default(),
            organization,
            comments: Vec::new(),
            confirmations: Vec::new(),
            revisions: Vec::new(),
        }
    }

    /// The award list (获奖名单): every award in the call's order (tiers, then the rest
    /// label) with its works in rank order; awards nobody got are left out. Works the panel
    /// still has to decide are not on it.
    pub fn award_list(&self) -> Vec<(Award, Vec<&WorkRow>)> {
        (0..self.contest.awards.tiers.len())
            .map(Award::Tier)
            .chain([Award::Rest])
            .map(|a| {
                let works: Vec<&WorkRow> = self
                    .rows
                    .iter()
                    .filter(|r| r.award == Some(AwardOutcome::Awarded(a)))
                    .collect();
                (a, works)
            })
            .filter(|(_, w)| !w.is_empty())
            .collect()
    }

    /// Some work's subtotals are plain means rather than a split of its score.
    pub fn plain_subtotals(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.subtotals == Subtotals::PlainMeans && !r.group_scores.is_empty())
    }

    pub fn title(&self, lang: Lang) -> &str {
        self.contest.title(lang)
    }

    /// Rubric group labels, in rubric order (the subtotal columns).
    pub fn group_labels(&self, lang: Lang) -> Vec<&str> {
        self.contest
            .rubric
            .groups
            .iter()
            .map(|g| g.label(lang))
            .collect()
    }

    /// "2" or "2=" (shared place), "" for unranked.
    pub fn place_label(row: &WorkRow) -> String {
        match (row.place, row.tie) {
            (Some(p), TieNote::Shared) => format!("{p}="),
            (Some(p), _) => p.to_string(),
            (None, _) => String::new(),
        }
    }

    /// Works ranked on a rule other than the method's own, with why (in rank order).
    pub fn fallback_notes(&self) -> Vec<(&str, RuleNote)> {
        self.rows
            .iter()
            .filter_map(|r| r.rule_note().map(|n| (r.work.as_str(), n)))
            .collect()
    }

    /// Why the z-score method cannot be used, if it cannot.
    pub fn zscore_blockers(&self) -> Option<&[ZscoreBlocker]> {
        match &self.zscore {
            Some(ZscoreStatus::FellBack(blockers)) => Some(blockers),
            _ => None,
        }
    }
}

/// The receipt of a ballot's last merge (`None` until one is merged).
pub fn ballot_receipt(ballot: Option<&BallotRecord>) -> Option<String> {
    ballot
        .filter(|b| b.merged_revision > 0)
        .and_then(|b| b.merged_head.as_deref())
        .map(receipt)
}

/// Why a work is ranked on another rule than the method asked for (a footnote's content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleNote {
    /// Too few counted scores to drop the highest and lowest: ranked on the plain mean.
    TooFewToTrim { scored: usize, needed: usize },
    /// The z-scores cannot be computed (see [`ResultsView::zscore_blockers`]): plain mean.
    ZscoreFallback,
}

impl RuleNote {
    /// The note a fallback rule needs, if any.
    pub fn of(rule: &WorkRule) -> Option<RuleNote> {
        match *rule {
            WorkRule::MeanTooFewToTrim { scored, needed } => {
                Some(RuleNote::TooFewToTrim { scored, needed })
            }
            WorkRule::MeanZscoreFallback => Some(RuleNote::ZscoreFallback),
            _ => None,
        }
    }
}

impl WorkRow {
    /// The footnote of a work ranked on a fallback rule; `None` for the method's own rule.
    pub fn rule_note(&self) -> Option<RuleNote> {
        if self.fallback {
            RuleNote::of(&self.rule)
        } else {
            None
        }
    }
}

/// Decimals of every score column (aggregates, subtotal means, cut-off scores): means are
/// shown rounded to 0.01, and one column keeps one format ("91.00" beside "82.33").
pub const SCORE_DECIMALS: usize = 2;

/// A score for display with [`SCORE_DECIMALS`] decimals ("87.33", "88.00"), or "-".
pub fn fmt_score(s: Option<Score>) -> String {
    s.map(score_text).unwrap_or_else(|| "-".into())
}

/// A score with [`SCORE_DECIMALS`] decimals ("87.33", "88.00").
pub fn score_text(s: Score) -> String {
    fmt_points(s.rounded(), SCORE_DECIMALS)
}

/// Points with exactly `decimals` decimals (at most 2), rounded half away from zero:
/// `fmt_points(Points(3050), 1)` is "30.5", `fmt_points(Points(3000), 2)` is "30.00".
pub fn fmt_points(p: Points, decimals: usize) -> String {
    let decimals = decimals.min(2);
    let unit = 10i64.pow(2 - decimals as u32);
    let abs = (p.0.unsigned_abs() + unit.unsigned_abs() / 2) / unit.unsigned_abs();
    let sign = if p.0 < 0 && abs != 0 { "-" } else { "" };
    let scale = 10u64.pow(decimals as u32);
    if decimals == 0 {
        format!("{sign}{abs}")
    } else {
        format!("{sign}{}.{:0w$}", abs / scale, abs % scale, w = decimals)
    }
}

/// Decimals a number of points needs on `contest`'s rubric: those of its finest step (whole
/// points 0, halves 1, hundredths 2). Judge totals and spreads are sums and differences of
/// steps, so they are exact with this many.
pub fn point_decimals(contest: &Contest) -> usize {
    contest
        .rubric
        .criteria()
        .map(|c| match c.step.0 {
            s if s % Points::SCALE == 0 => 0,
            s if s % 10 == 0 => 1,
            _ => 2,
        })
        .max()
        .unwrap_or(0)
}

/// A score as a spreadsheet number, rounded to 0.01 (display only; ranks are exact).
pub fn score_number(s: Score) -> f64 {
    s.rounded().0 as f64 / Points::SCALE as f64
}

/// A float figure rounded to `digits` decimals, or "-".
pub fn fmt_f64(x: Option<f64>, digits: usize) -> String {
    x.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_have_one_format() {
        assert_eq!(fmt_score(Some(Score::mean(8800, 1))), "88.00");
        assert_eq!(fmt_score(Some(Score::mean(8650, 1))), "86.50");
        assert_eq!(fmt_score(Some(Score::mean(26300, 3))), "87.67");
        assert_eq!(fmt_score(None), "-");
        assert_eq!(fmt_points(Points(3050), 1), "30.5");
        assert_eq!(fmt_points(Points(3000), 1), "30.0");
        assert_eq!(fmt_points(Points(3000), 0), "30");
        assert_eq!(fmt_points(Points(-214), 2), "-2.14");
        assert_eq!(fmt_points(Points(-4), 1), "0.0");
        assert_eq!(fmt_points(Points(-250), 0), "-3");
        assert_eq!(fmt_points(Points(7), 5), "0.07");
    }

    #[test]
    fn point_decimals_follow_the_finest_step() {
        let mut contest = crate::data::contest_template("cq-2023-short-video").unwrap();
        assert_eq!(point_decimals(&contest), 0);
        contest.rubric.groups[0].criteria[0].step = Points(50);
        assert_eq!(point_decimals(&contest), 1);
        contest.rubric.groups[1].criteria[0].step = Points(25);
        assert_eq!(point_decimals(&contest), 2);
    }

    #[test]
    fn only_fallback_rules_carry_a_note() {
        assert_eq!(
            RuleNote::of(&WorkRule::MeanTooFewToTrim {
                scored: 2,
                needed: 3
            }),
            Some(RuleNote::TooFewToTrim {
                scored: 2,
                needed: 3
            })
        );
        assert_eq!(
            RuleNote::of(&WorkRule::MeanZscoreFallback),
            Some(RuleNote::ZscoreFallback)
        );
        assert_eq!(RuleNote::of(&WorkRule::Mean), None);
        assert_eq!(RuleNote::of(&WorkRule::Zscore), None);
        assert_eq!(RuleNote::of(&WorkRule::Unscored), None);
    }
}
