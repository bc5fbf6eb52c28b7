//! Per-work aggregation: judge totals → one exact value per work.
//!
//! * **Mean**: the mean of the counted judge totals. A recused or missing judge lowers the
//!   count, not the score.
//! * **Trimmed mean**: with at least `trim_min_judges` counted totals (and never fewer than
//!   3, so something is left), the highest and the lowest total are dropped and the rest
//!   averaged; with fewer, the plain mean, and [`WorkRule::MeanTooFewToTrim`] says so.
//! * **Z-score**: each judge's totals are standardised with that judge's own mean and sample
//!   standard deviation, a work's value is the mean z of its judges, mapped back onto the
//!   rubric scale as `M + S·z̄` with `M` the mean of all counted totals and `S` the pooled
//!   within-judge standard deviation. It needs every judge who scored to have scored at
//!   least two works with different totals, and the judge–work graph to be connected;
//!   otherwise the whole contest falls back to the plain mean and [`ZscoreStatus::FellBack`]
//!   lists every reason.
//!
//! ## Determinism of the z-score
//!
//! z-scores are real numbers, so they are computed from exact integers and then put on a
//! fixed grid before anything compares them. For a judge with `n` totals `x` summing to
//! `T`, `D = n·x − T` and `Q = ΣD²` are exact integers, and `z = D·√((n−1)/Q)`; adding a
//! constant to all of a judge's totals leaves `D` and `Q` — hence every z bit for bit —
//! unchanged. A work's mean z is summed in judge-id order and rounded to a grid of 10⁻⁶
//! standard deviations (`zq`). `M` and `S` are rounded to 10⁻⁴ of a point (S at least
//! one grid step), and the aggregate is the exact rational `M + S·zq·10⁻⁶`, so it orders
//! works exactly as `zq` does: two works tie if and only if their mean z agree to 10⁻⁶.
//!
//! Group and criterion means (for tie-breaks and display) are always plain means over all
//! counted sheets of the work, whatever the method, so they do not depend on which judge's
//! total a trim happens to drop when two totals are equal.

use num_rational::Ratio;

use super::input::Panel;
use super::Score;
use crate::model::contest::AggregationMethod;
use crate::model::{Contest, Points};

/// How a work's trimmed mean was formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrimRule {
    /// The highest and the lowest judge total were dropped.
    Trimmed { high: Points, low: Points },
    /// Fewer counted totals than needed for trimming: plain mean.
    TooFew { scored: usize, needed: usize },
}

/// Which rule produced a work's aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkRule {
    /// No counted sheet: no aggregate.
    Unscored,
    Mean,
    Trimmed {
        high: Points,
        low: Points,
    },
    /// Trimmed mean asked for, too few totals: plain mean.
    MeanTooFewToTrim {
        scored: usize,
        needed: usize,
    },
    Zscore,
    /// Z-score asked for but not possible (see [`ZscoreStatus::FellBack`]): plain mean.
    MeanZscoreFallback,
}

/// How a work's group subtotals relate to its aggregate.
///
/// Under the mean and the trimmed mean the subtotals are formed like the score — the means
/// over the same sheets (for the trimmed mean, without the sheets of the highest and the
/// lowest total) — so they add up to it. A z-score normalises judge totals, not groups: it
/// cannot be split, and the subtotals are plain means that a report must label as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Subtotals {
    /// Same rule as the aggregate: the subtotals add up to it (before rounding).
    #[default]
    Split,
    /// Plain means over all counted sheets: they add up to the plain mean, not the aggregate.
    PlainMeans,
}

/// Why the z-score normalisation could not be used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZscoreBlocker {
    NoScores,
    /// This judge has fewer than two counted totals.
    TooFewWorks(String),
    /// All of this judge's totals are equal: no scale to normalise.
    NoVariation(String),
    /// The judge–work graph falls apart into this many pieces whose scales cannot be linked.
    Disconnected {
        components: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ZscoreStatus {
    /// `grand_mean` and `pooled_sd` (points, display only) map mean z back to the scale.
    Applied {
        grand_mean: Score,
        pooled_sd: f64,
    },
    FellBack(Vec<ZscoreBlocker>),
}

pub(crate) struct WorkAgg {
    pub aggregate: Option<Score>,
    pub rule: WorkRule,
    pub mean: Option<Score>,
    pub trimmed: Option<(Score, TrimRule)>,
    /// Empty when the work has no counted sheet.
    pub group_means: Vec<Score>,
    /// Group subtotals by the rule of `aggregate` (see [`Subtotals`]); empty when unscored.
    pub group_scores: Vec<Score>,
    pub subtotals: Subtotals,
    /// Group means over the sheets the trim keeps (the plain means when nothing is trimmed).
    trimmed_groups: Vec<Score>,
    pub criterion_means: Vec<Score>,
    /// Judge totals, highest first (for top-score tie-breaks).
    pub totals_desc: Vec<i64>,
}

pub(crate) struct Aggregates {
    pub works: Vec<WorkAgg>,
    pub zscore: Option<ZscoreStatus>,
}

/// Grid of the mean z: 10⁻⁶ standard deviations.
const Z_GRID: f64 = 1e6;
/// `M` and `S` are rounded to 1/`MS_GRID` of a hundredth of a point.
const MS_GRID: i64 = 100;

pub(crate) fn aggregate(panel: &Panel, contest: &Contest, method: AggregationMethod) -> Aggregates {
    let needed = (contest.aggregation.trim_min_judges as usize).max(3);
    let mut works: Vec<WorkAgg> = panel
        .cells
        .iter()
        .map(|cells| basic(panel, cells, needed))
        .collect();
    let mut zscore = None;
    match method {
        AggregationMethod::Mean => {
            for w in &mut works {
                if w.mean.is_some() {
                    (w.aggregate, w.rule) = (w.mean, WorkRule::Mean);
                }
                w.group_scores = w.group_means.clone();
            }
        }
        AggregationMethod::TrimmedMean => {
            for w in &mut works {
                if let Some((score, rule)) = &w.trimmed {
                    w.aggregate = Some(*score);
                    w.rule = match rule {
                        TrimRule::Trimmed { high, low } => WorkRule::Trimmed {
                            high: *high,
                            low: *low,
                        },
                        TrimRule::TooFew { scored, needed } => WorkRule::MeanTooFewToTrim {
                            scored: *scored,
                            needed: *needed,
                        },
                    };
                }
                w.group_scores = w.trimmed_groups.clone();
            }
        }
        AggregationMethod::Zscore => match zscores(panel) {
            Ok((values, status)) => {
                for (w, v) in works.iter_mut().zip(values) {
                    if let Some(v) = v {
                        (w.aggregate, w.rule) = (Some(v), WorkRule::Zscore);
                    }
                    w.group_scores = w.group_means.clone();
                    w.subtotals = Subtotals::PlainMeans;
                }
                zscore = Some(status);
            }
            Err(blockers) => {
                for w in &mut works {
                    if w.mean.is_some() {
                        (w.aggregate, w.rule) = (w.mean, WorkRule::MeanZscoreFallback);
                    }
                    w.group_scores = w.group_means.clone();
                }
                zscore = Some(ZscoreStatus::FellBack(blockers));
            }
        },
    }
    Aggregates { works, zscore }
}

fn basic(panel: &Panel, cells: &[super::input::Cell], needed: usize) -> WorkAgg {
    let n = cells.len();
    if n == 0 {
        return WorkAgg {
            aggregate: None,
            rule: WorkRule::Unscored,
            mean: None,
            trimmed: None,
            group_means: Vec::new(),
            group_scores: Vec::new(),
            subtotals: Subtotals::Split,
            trimmed_groups: Vec::new(),
            criterion_means: Vec::new(),
            totals_desc: Vec::new(),
        };
    }
    let mut crit_sums = vec![0i64; panel.ncrit];
    for c in cells {
        for (s, p) in crit_sums.iter_mut().zip(panel.crit(c)) {
            *s += p;
        }
    }
    let mut totals: Vec<i64> = cells.iter().map(|c| c.total).collect();
    totals.sort_unstable_by(|a, b| b.cmp(a));
    let sum: i64 = totals.iter().sum();
    let mean = Score::mean(sum, n);
    let trimmed = if n >= needed {
        let (high, low) = (totals[0], totals[n - 1]);
        (
            Score::mean(sum - high - low, n - 2),
            TrimRule::Trimmed {
                high: Points(high),
                low: Points(low),
            },
        )
    } else {
        (mean, TrimRule::TooFew { scored: n, needed })
    };
    let group_mean = |kept: &[&super::input::Cell]| -> Vec<Score> {
        panel
            .groups
            .iter()
            .map(|g| {
                let sum: i64 = kept
                    .iter()
                    .map(|c| panel.crit(c)[g.clone()].iter().sum::<i64>())
                    .sum();
                Score::mean(sum, kept.len())
            })
            .collect()
    };
    // The sheets the trim keeps: without one sheet of the highest and one of the lowest
    // total. Equal totals are dropped in judge order, so the split is reproducible; the
    // sum is the trimmed mean whichever of equal sheets goes.
    let trimmed_groups = if n >= needed {
        let mut order: Vec<&super::input::Cell> = cells.iter().collect();
        order.sort_by(|a, b| {
            b.total
                .cmp(&a.total)
                .then(panel.judges[a.judge].cmp(&panel.judges[b.judge]))
        });
        group_mean(&order[1..n - 1])
    } else {
        group_mean(&cells.iter().collect::<Vec<_>>())
    };
    WorkAgg {
        aggregate: None,
        rule: WorkRule::Unscored,
        mean: Some(mean),
        trimmed: Some(trimmed),
        group_means: panel
            .groups
            .iter()
            .map(|g| Score::mean(crit_sums[g.clone()].iter().sum(), n))
            .collect(),
        group_scores: Vec::new(),
        subtotals: Subtotals::Split,
        trimmed_groups,
        criterion_means: crit_sums.iter().map(|&s| Score::mean(s, n)).collect(),
        totals_desc: totals,
    }
}

/// Mapped z-score aggregate per work (`None` for unscored works), or every reason it cannot
/// be computed.
fn zscores(panel: &Panel) -> Result<(Vec<Option<Score>>, ZscoreStatus), Vec<ZscoreBlocker>> {
    let nj = panel.judges.len();
    let mut n = vec![0i64; nj];
    let mut t = vec![0i64; nj];
    let (mut all_sum, mut all_n) = (0i64, 0i64);
    for cells in &panel.cells {
        for c in cells {
            n[c.judge] += 1;
            t[c.judge] += c.total;
            all_sum += c.total;
            all_n += 1;
        }
    }
    if all_n == 0 {
        return Err(vec![ZscoreBlocker::NoScores]);
    }
    let mut q = vec![0i128; nj];
    for cells in &panel.cells {
        for c in cells {
            let d = i128::from(n[c.judge] * c.total - t[c.judge]);
            q[c.judge] += d * d;
        }
    }
    let mut blockers = Vec::new();
    for j in 0..nj {
        if n[j] == 1 {
            blockers.push(ZscoreBlocker::TooFewWorks(panel.judges[j].clone()));
        } else if n[j] > 1 && q[j] == 0 {
            blockers.push(ZscoreBlocker::NoVariation(panel.judges[j].clone()));
        }
    }
    let components = components(panel);
    if components > 1 {
        blockers.push(ZscoreBlocker::Disconnected { components });
    }
    if !blockers.is_empty() {
        return Err(blockers);
    }

    // Pooled within-judge variance: Σ_j Q_j/n_j² / Σ_j (n_j − 1), in hundredths².
    let (mut num, mut dof) = (0f64, 0i64);
    let mut factor = vec![0f64; nj];
    for j in 0..nj {
        if n[j] > 1 {
            num += q[j] as f64 / (n[j] * n[j]) as f64;
            dof += n[j] - 1;
            factor[j] = ((n[j] - 1) as f64 / q[j] as f64).sqrt();
        }
    }
    let pooled_sd = (num / dof as f64).sqrt();
    let s_q = ((pooled_sd * MS_GRID as f64).round() as i64).max(1);
    let m_q = ((2 * i128::from(all_sum) * i128::from(MS_GRID) + i128::from(all_n))
        / (2 * i128::from(all_n))) as i64;
    let denom = MS_GRID * Z_GRID as i64;
    let values = panel
        .cells
        .iter()
        .map(|cells| {
            (!cells.is_empty()).then(|| {
                let z: f64 = cells
                    .iter()
                    .map(|c| (n[c.judge] * c.total - t[c.judge]) as f64 * factor[c.judge])
                    .sum();
                let zq = (z / cells.len() as f64 * Z_GRID).round() as i64;
                Score(Ratio::new(m_q * Z_GRID as i64 + s_q * zq, denom))
            })
        })
        .collect();
    let status = ZscoreStatus::Applied {
        grand_mean: Score::mean(all_sum, all_n as usize),
        pooled_sd: s_q as f64 / MS_GRID as f64 / Points::SCALE as f64,
    };
    Ok((values, status))
}

/// Connected components of the judge–work graph, counting only works and judges with at
/// least one counted sheet.
fn components(panel: &Panel) -> usize {
    let nw = panel.works.len();
    let mut parent: Vec<usize> = (0..nw + panel.judges.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut used = vec![false; parent.len()];
    for (w, cells) in panel.cells.iter().enumerate() {
        for c in cells {
            let (a, b) = (find(&mut parent, w), find(&mut parent, nw + c.judge));
            parent[a] = b;
            used[w] = true;
            used[nw + c.judge] = true;
        }
    }
    (0..parent.len())
        .filter(|&x| used[x] && find(&mut parent, x) == x)
        .count()
}
