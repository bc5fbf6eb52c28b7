//! Results: aggregation, ranking, tie-breaks, award tiers and panel statistics.
//!
//! Everything here is a pure function of a [`TallyInput`] (what the master database holds
//! after merging) and [`TallyParams`]: no files, no printing, no clock, no randomness. The
//! same input in any order gives the same [`Tally`].
//!
//! # Units and exactness
//!
//! Scores arrive as whole numbers of a criterion's step; a criterion's points are
//! `steps × step` in hundredths of a point ([`Points`]). Every value that can decide a
//! place — judge totals, means, trimmed means, group and criterion means, the normalised
//! aggregate — is exact: integers or a [`Score`] (a `Ratio<i64>` of hundredths). Floats are
//! used only for figures that never decide a place (standard deviations, severity,
//! reliability) and inside the z-score normalisation, whose result is put on a fixed grid
//! before it is compared (see [`aggregate`]).
//!
//! # What the tally does
//!
//! 1. [`input`]: checks every sheet and recusal against the works, judges and assignments.
//!    A sheet counts when it is complete, every criterion is scored within range, the pair is
//!    assigned and not recused (and, with [`TallyParams::only_submitted`], the judge has
//!    submitted). Everything else is listed in [`Tally::missing`] or [`Tally::ignored`].
//! 2. [`aggregate`]: per work, the judge totals, group and criterion means, the plain mean,
//!    the trimmed mean and the contest's aggregate (mean, trimmed mean or z-score).
//! 3. [`rank`]: orders works on their aggregate (a mean, never a sum), then the contest's
//!    tie-break chain; ties that survive share the place (1, 2, 2, 4).
//! 4. [`awards`]: award tiers by cumulative share of the ranked works, with the contest's
//!    rounding and boundary-tie rule, and the cut-off of each tier.
//! 5. [`stats`]: spread per work, severity per judge, outlying judge totals, Krippendorff's
//!    alpha and intraclass correlations.
//!
//! # No leaks
//!
//! A recused pair contributes nothing anywhere (a sheet for it is ignored and reported
//! without its scores). Per-judge figures are computed only from that judge's counted
//! sheets. Diagnostics about uncounted sheets never carry score values.

pub mod aggregate;
pub mod awards;
pub mod input;
pub mod organization;
pub mod rank;
pub mod stats;

use std::cmp::Ordering;
use std::fmt;

use num_rational::Ratio;

use crate::model::contest::{AggregationMethod, BoundaryTies};
use crate::model::{Contest, Points};

pub use aggregate::{Subtotals, TrimRule, WorkRule, ZscoreBlocker, ZscoreStatus};
pub use awards::{Award, AwardOutcome, BoundaryTie, TierCutoff};
pub use input::{IgnoreReason, Ignored, IgnoredItem, Missing, MissingReason, Sheet, TallyInput};
pub use organization::{organization_awards, OrgAwards, OrgRow};
pub use rank::TieNote;
pub use stats::{IccOneWay, IccTwoWay, JudgeResult, Outlier, Reliability};

/// An exact score in hundredths of a point (the unit of [`Points`]), e.g. a mean of judge
/// totals. Compared exactly; shown rounded to 0.01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(pub Ratio<i64>);

impl Score {
    pub fn from_points(p: Points) -> Score {
        Score(Ratio::from_integer(p.0))
    }

    /// Mean of `sum` hundredths over `n` items (`n > 0`).
    pub fn mean(sum: i64, n: usize) -> Score {
        Score(Ratio::new(sum, n as i64))
    }

    /// The value in points, for display and plots only.
    pub fn to_f64(self) -> f64 {
        *self.0.numer() as f64 / *self.0.denom() as f64 / Points::SCALE as f64
    }

    /// Rounded to the nearest hundredth, halves away from zero.
    pub fn rounded(self) -> Points {
        let (n, d) = (i128::from(*self.0.numer()), i128::from(*self.0.denom()));
        let q = (2 * n.abs() + d) / (2 * d);
        Points((q * n.signum()) as i64)
    }
}

impl fmt::Display for Score {
    /// Rounded to hundredths: "87.33", "90", "-2.5".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.rounded().fmt(f)
    }
}

/// Knobs that are not part of contest.toml. [`TallyParams::for_contest`] gives defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyParams {
    /// Aggregate with this method instead of the contest's (for side-by-side views).
    pub method: Option<AggregationMethod>,
    /// A work needs at least this many counted sheets to be ranked (at least 1).
    pub min_scores: usize,
    /// A work whose judge totals span more than this (max − min) is flagged.
    pub high_spread: Points,
    /// A judge total further than this from the work's trimmed mean is an outlier.
    pub outlier: Points,
    /// Count only sheets of judges who have submitted their ballot.
    pub only_submitted: bool,
    /// Rulings (deductions, disqualifications) and the award base, applied after
    /// aggregation and before ranking (see [`crate::rounds`]).
    pub adjust: crate::rounds::Adjustments,
}

impl TallyParams {
    /// Defaults: contest method, rank any work with one counted sheet, flag a spread above
    /// 20 % of the rubric's maximum total and a judge total more than 15 % of it away from the
    /// trimmed mean, count every complete sheet (results are provisional until all are in).
    pub fn for_contest(contest: &Contest) -> TallyParams {
        let max = contest.rubric.max_total().0;
        TallyParams {
            method: None,
            min_scores: 1,
            high_spread: Points(max / 5),
            outlier: Points(max * 15 / 100),
            only_submitted: false,
            adjust: crate::rounds::Adjustments::default(),
        }
    }
}

/// One work's results. Works come in rank order in [`Tally::works`]; unranked works last.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkResult {
    pub work: String,
    /// Competition ranking (1, 2, 2, 4); `None` when the work has too few counted sheets.
    pub place: Option<usize>,
    pub award: Option<AwardOutcome>,
    /// How this work's aggregate relates to the work listed just above it.
    pub tie: TieNote,
    /// The value the work is ranked on (contest method, or the fallback recorded in `rule`).
    pub aggregate: Option<Score>,
    /// Which aggregation rule produced `aggregate`.
    pub rule: WorkRule,
    /// Plain mean of judge totals, whatever the method (for side-by-side views).
    pub mean: Option<Score>,
    /// Trimmed mean by the contest's trim rule, whatever the method.
    pub trimmed: Option<(Score, TrimRule)>,
    /// Counted judge totals, by judge id.
    pub judge_totals: Vec<(String, Points)>,
    /// Mean subtotal per rubric group, in rubric order (over all counted sheets; what the
    /// group tie-breaks compare).
    pub group_means: Vec<(String, Score)>,
    /// Subtotal per rubric group formed like the aggregate (see [`Subtotals`]), in rubric
    /// order: what a report shows beside the score.
    pub group_scores: Vec<(String, Score)>,
    pub subtotals: Subtotals,
    /// Mean points per criterion, in rubric order (over all counted sheets).
    pub criterion_means: Vec<(String, Score)>,
    pub assigned: usize,
    pub scored: usize,
    pub recused: usize,
    /// Assigned, not recused, not counted (see [`Tally::missing`] for why).
    pub missing: usize,
    /// How many counted sheets short of the contest's judges per work.
    pub shortfall: usize,
    /// max − min of the judge totals.
    pub spread: Option<Points>,
    /// Sample standard deviation of the judge totals, in points (display only).
    pub sd: Option<f64>,
    pub high_spread: bool,
}

/// The whole result of a tally.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Some judge with an assignment has not submitted: every figure may still change.
    pub provisional: bool,
    /// The method asked for (contest's or the override).
    pub method: AggregationMethod,
    /// For the z-score method: applied, or why it fell back to the plain mean.
    pub zscore: Option<ZscoreStatus>,
    /// Ranked works in rank order (ties by work number), then unranked works by number.
    pub works: Vec<WorkResult>,
    /// One cut-off per configured tier, then one for the rest label.
    pub tiers: Vec<TierCutoff>,
    pub boundary_rule: BoundaryTies,
    /// Tied works that straddle a tier boundary, and how the rule settled them.
    pub boundary_ties: Vec<BoundaryTie>,
    /// Per judge, by judge id.
    pub judges: Vec<JudgeResult>,
    pub outliers: Vec<Outlier>,
    pub reliability: Reliability,
    /// Assigned, non-recused pairs without a counted sheet.
    pub missing: Vec<Missing>,
    /// Sheets and recusals that do not belong to an assignment (or were recused).
    pub ignored: Vec<Ignored>,
    /// Recused (judge, work) pairs.
    pub recusals: Vec<(String, String)>,
    /// Judges with assignments who have not submitted.
    pub unsubmitted: Vec<String>,
}

impl Tally {
    pub fn work(&self, id: &str) -> Option<&WorkResult> {
        self.works.iter().find(|w| w.work == id)
    }

    pub fn judge(&self, id: &str) -> Option<&JudgeResult> {
        self.judges.iter().find(|j| j.judge == id)
    }

    /// Works whose award the panel must decide (boundary ties under the `flag` rule).
    pub fn flagged(&self) -> impl Iterator<Item = &WorkResult> {
        self.works
            .iter()
            .filter(|w| matches!(w.award, Some(AwardOutcome::PanelDecides { .. })))
    }
}

/// Runs the whole tally.
pub fn tally(input: &TallyInput, params: &TallyParams) -> Tally {
    // Calibration works are left out of ranking and awards unless contest.toml counts them.
    if let Some(kept) = crate::calibration::without_calibration(input) {
        return tally(&kept, params);
    }
    let contest = input.contest;
    let method = params.method.unwrap_or(contest.aggregation.method);
    let panel = input::Panel::build(input, params);
    let mut agg = aggregate::aggregate(&panel, contest, method);
    for (w, a) in agg.works.iter_mut().enumerate() {
        a.aggregate = params.adjust.apply(&panel.works[w], a.aggregate);
    }
    let ranking = rank::rank(&panel, &agg, contest, params.min_scores.max(1));
    let ranked_places: Vec<usize> = ranking.order.iter().map(|r| r.place).collect();
    let ranked_aggs: Vec<Score> = ranking
        .order
        .iter()
        .map(|r| agg.works[r.work].aggregate.unwrap())
        .collect();
    let ranked_ids: Vec<&str> = ranking
        .order
        .iter()
        .map(|r| panel.works[r.work].as_str())
        .collect();
    let awarded = awards::assign(
        &ranked_places,
        &ranked_aggs,
        &ranked_ids,
        &contest.awards,
        params.adjust.award_base,
    );
    let statistics = stats::compute(&panel, &agg, params);

    let mut works = Vec::with_capacity(panel.works.len());
    let ranked = ranking
        .order
        .iter()
        .enumerate()
        .map(|(pos, r)| (r.work, Some(r.place), awarded.outcomes[pos], r.tie));
    let unranked = ranking
        .unranked
        .iter()
        .map(|&w| (w, None, None, TieNote::None));
    for (w, place, award, tie) in ranked.chain(unranked) {
        let a = &agg.works[w];
        let counts = &panel.counts[w];
        let spread = &statistics.spreads[w];
        works.push(WorkResult {
            work: panel.works[w].clone(),
            place,
            award,
            tie,
            aggregate: a.aggregate,
            rule: a.rule.clone(),
            mean: a.mean,
            trimmed: a.trimmed.clone(),
            judge_totals: panel.cells[w]
                .iter()
                .map(|c| (panel.judges[c.judge].clone(), Points(c.total)))
                .collect(),
            group_means: contest
                .rubric
                .groups
                .iter()
                .map(|g| g.id.clone())
                .zip(a.group_means.iter().copied())
                .collect(),
            group_scores: contest
                .rubric
                .groups
                .iter()
                .map(|g| g.id.clone())
                .zip(a.group_scores.iter().copied())
                .collect(),
            subtotals: a.subtotals,
            criterion_means: contest
                .rubric
                .criteria()
                .map(|c| c.id.clone())
                .zip(a.criterion_means.iter().copied())
                .collect(),
            assigned: counts.assigned,
            scored: panel.cells[w].len(),
            recused: counts.recused,
            missing: counts.missing,
            shortfall: (contest.judges_per_work as usize).saturating_sub(panel.cells[w].len()),
            spread: spread.spread,
            sd: spread.sd,
            high_spread: spread.high,
        });
    }

    Tally {
        provisional: !panel.unsubmitted.is_empty(),
        method,
        zscore: agg.zscore,
        works,
        tiers: awarded.cutoffs,
        boundary_rule: contest.awards.boundary_ties,
        boundary_ties: awarded.boundary_ties,
        judges: statistics.judges,
        outliers: statistics.outliers,
        reliability: statistics.reliability,
        missing: panel.missing.clone(),
        ignored: panel.ignored.clone(),
        recusals: panel.recusals.clone(),
        unsubmitted: panel.unsubmitted.clone(),
    }
}

/// Orders two exact values, larger first (`Less` means `a` ranks above `b`).
pub(crate) fn better_first<T: Ord>(a: &T, b: &T) -> Ordering {
    b.cmp(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_rounds_halves_away_from_zero() {
        assert_eq!(Score(Ratio::new(8733, 1)).to_string(), "87.33");
        assert_eq!(Score(Ratio::new(17467, 2)).rounded(), Points(8734));
        assert_eq!(Score(Ratio::new(-17467, 2)).rounded(), Points(-8734));
        assert_eq!(Score(Ratio::new(26200, 3)).rounded(), Points(8733));
        assert_eq!(Score::mean(27000, 3).to_string(), "90");
        assert!((Score::mean(100, 3).to_f64() - 1.0 / 3.0).abs() < 1e-12);
    }
}
