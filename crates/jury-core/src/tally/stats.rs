//! Panel statistics. None of these decide a place, so they may be floats; every sum is
//! still formed from exact integers (or in a fixed order), so the figures do not depend on
//! input order.
//!
//! * Spread per work: max − min of the judge totals and their sample standard deviation
//!   (with at least two totals); a spread above [`super::TallyParams::high_spread`] is flagged.
//! * Severity per judge: the mean of (judge's total − the work's panel mean) over the works
//!   the judge scored that have at least two counted totals. Negative = stricter than the
//!   panel. Only the judge's own counted sheets enter it, so a recused pair adds nothing.
//! * Outliers: a judge total further than [`super::TallyParams::outlier`] from the work's
//!   trimmed mean (by the contest's trim rule; plain mean when too few to trim), checked for
//!   works with at least three counted totals — with two, either could be the odd one out,
//!   and the spread flag covers that case.
//! * Reliability of the panel on judge totals (units = works, raters = judges):
//!   Krippendorff's alpha with the interval metric, which takes the incomplete designs of
//!   real contests as they are (works with fewer than two totals are not pairable and drop
//!   out); ICC(1) — one-way random effects, single and average measures — for unbalanced
//!   designs (the usual case: a few judges per work), with `k₀` the effective number of
//!   ratings per work; and when every judge scored every work, the Shrout & Fleiss (1979)
//!   table ICC(1,1), ICC(2,1), ICC(3,1) and their k-rater forms.

use num_rational::Ratio;

use super::aggregate::Aggregates;
use super::input::Panel;
use super::{Score, TallyParams};
use crate::model::Points;

/// Per-judge figures, computed only from the judge's own counted sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeResult {
    pub judge: String,
    pub submitted: bool,
    pub assigned: usize,
    pub scored: usize,
    pub recused: usize,
    pub missing: usize,
    /// Mean of the judge's counted totals.
    pub mean_total: Option<Score>,
    /// Mean deviation from the works' panel means, in points (negative = strict).
    pub severity: Option<f64>,
    /// Works that entered the severity (those with at least two counted totals).
    pub severity_works: usize,
    /// How many of the judge's totals are outliers.
    pub outliers: usize,
}

/// A judge total far from the work's trimmed mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlier {
    pub work: String,
    pub judge: String,
    pub total: Points,
    /// The work's trimmed mean.
    pub reference: Score,
    /// `total − reference` (signed).
    pub deviation: Score,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IccOneWay {
    /// ICC(1): reliability of a single judge's total.
    pub single: f64,
    /// ICC(1,k₀): reliability of the mean of k₀ judges.
    pub average: f64,
    /// Effective ratings per work, (N − Σkᵢ²/N)/(a − 1); k for a balanced design.
    pub k0: f64,
    pub works: usize,
    pub ratings: usize,
}

/// Shrout & Fleiss (1979) forms for a complete works × judges table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IccTwoWay {
    pub works: usize,
    pub judges: usize,
    pub icc1_1: f64,
    pub icc2_1: f64,
    pub icc3_1: f64,
    pub icc1_k: f64,
    pub icc2_k: f64,
    pub icc3_k: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reliability {
    /// Krippendorff's alpha, interval metric; `None` with fewer than two pairable totals or
    /// no variation at all.
    pub alpha_interval: Option<f64>,
    /// One-way random ICC over works with at least two totals.
    pub icc_oneway: Option<IccOneWay>,
    /// Only when every judge who scored scored every scored work.
    pub icc_two_way: Option<IccTwoWay>,
}

pub(crate) struct Spread {
    pub spread: Option<Points>,
    pub sd: Option<f64>,
    pub high: bool,
}

pub(crate) struct Statistics {
    pub spreads: Vec<Spread>,
    pub judges: Vec<JudgeResult>,
    pub outliers: Vec<Outlier>,
    pub reliability: Reliability,
}

pub(crate) fn compute(panel: &Panel, agg: &Aggregates, params: &TallyParams) -> Statistics {
    let nj = panel.judges.len();
    let mut spreads = Vec::with_capacity(panel.works.len());
    let mut sev_sum = vec![0f64; nj];
    let mut sev_n = vec![0usize; nj];
    let mut tot_sum = vec![0i64; nj];
    let mut tot_n = vec![0usize; nj];
    let mut out_n = vec![0usize; nj];
    let mut outliers = Vec::new();
    let limit = Ratio::from_integer(params.outlier.0);
    for (w, cells) in panel.cells.iter().enumerate() {
        let m = cells.len() as i64;
        let sum: i64 = cells.iter().map(|c| c.total).sum();
        for c in cells {
            tot_sum[c.judge] += c.total;
            tot_n[c.judge] += 1;
            if m >= 2 {
                sev_sum[c.judge] += (m * c.total - sum) as f64 / m as f64;
                sev_n[c.judge] += 1;
            }
        }
        if m < 2 {
            spreads.push(Spread {
                spread: None,
                sd: None,
                high: false,
            });
            continue;
        }
        let (lo, hi) = cells.iter().fold((i64::MAX, i64::MIN), |(lo, hi), c| {
            (lo.min(c.total), hi.max(c.total))
        });
        let sq: i128 = cells
            .iter()
            .map(|c| i128::from(c.total) * i128::from(c.total))
            .sum();
        let var =
            (i128::from(m) * sq - i128::from(sum) * i128::from(sum)) as f64 / (m * (m - 1)) as f64;
        spreads.push(Spread {
            spread: Some(Points(hi - lo)),
            sd: Some(var.max(0.0).sqrt() / Points::SCALE as f64),
            high: hi - lo > params.high_spread.0,
        });
        if m >= 3 {
            let Some((reference, _)) = &agg.works[w].trimmed else {
                continue;
            };
            for c in cells {
                let deviation = Ratio::from_integer(c.total) - reference.0;
                if deviation > limit || -deviation > limit {
                    out_n[c.judge] += 1;
                    outliers.push(Outlier {
                        work: panel.works[w].clone(),
                        judge: panel.judges[c.judge].clone(),
                        total: Points(c.total),
                        reference: *reference,
                        deviation: Score(deviation),
                    });
                }
            }
        }
    }

    let judges = (0..nj)
        .map(|j| {
            let counts = panel.judge_counts[j];
            JudgeResult {
                judge: panel.judges[j].clone(),
                submitted: panel.submitted[j],
                assigned: counts.assigned,
                scored: tot_n[j],
                recused: counts.recused,
                missing: counts.missing,
                mean_total: (tot_n[j] > 0).then(|| Score::mean(tot_sum[j], tot_n[j])),
                severity: (sev_n[j] > 0)
                    .then(|| sev_sum[j] / sev_n[j] as f64 / Points::SCALE as f64),
                severity_works: sev_n[j],
                outliers: out_n[j],
            }
        })
        .collect();

    let units: Vec<Vec<i64>> = panel
        .cells
        .iter()
        .map(|cells| cells.iter().map(|c| c.total).collect())
        .collect();
    let reliability = Reliability {
        alpha_interval: krippendorff_alpha_interval(&units),
        icc_oneway: icc_oneway(&units),
        icc_two_way: complete_table(panel).and_then(|rows| icc_two_way(&rows)),
    };
    Statistics {
        spreads,
        judges,
        outliers,
        reliability,
    }
}

/// The works × judges table of totals, if every judge who scored scored every scored work.
fn complete_table(panel: &Panel) -> Option<Vec<Vec<i64>>> {
    let scored: Vec<&Vec<super::input::Cell>> =
        panel.cells.iter().filter(|c| !c.is_empty()).collect();
    let mut active = vec![false; panel.judges.len()];
    scored
        .iter()
        .flat_map(|c| c.iter())
        .for_each(|c| active[c.judge] = true);
    let k = active.iter().filter(|&&a| a).count();
    // Cells are by judge index and unique per judge, so equal length means the same judges.
    scored.iter().all(|c| c.len() == k).then(|| {
        scored
            .iter()
            .map(|c| c.iter().map(|c| c.total).collect())
            .collect()
    })
}

/// Krippendorff's alpha, interval metric (δ² = (a − b)²), for units given as the values
/// they received (missing values simply absent; coder identity does not enter alpha).
/// Units with fewer than two values are not pairable and are left out.
/// `None` when fewer than two pairable values exist or they do not vary.
pub fn krippendorff_alpha_interval(units: &[Vec<i64>]) -> Option<f64> {
    let (mut n, mut sum, mut sq) = (0i128, 0i128, 0i128);
    let mut observed = 0f64;
    for unit in units.iter().filter(|u| u.len() >= 2) {
        let m = unit.len() as i128;
        let s: i128 = unit.iter().map(|&v| i128::from(v)).sum();
        let q: i128 = unit.iter().map(|&v| i128::from(v) * i128::from(v)).sum();
        // Σ over ordered pairs i ≠ j of (vᵢ − vⱼ)², divided by m − 1.
        observed += (2 * (m * q - s * s)) as f64 / (m - 1) as f64;
        n += m;
        sum += s;
        sq += q;
    }
    let expected = 2 * (n * sq - sum * sum);
    (n >= 2 && expected > 0).then(|| 1.0 - (n - 1) as f64 * observed / expected as f64)
}

/// One-way random-effects ICC for units with unequal numbers of ratings (units with fewer
/// than two ratings are left out). `None` with fewer than two such units or no variance.
pub fn icc_oneway(units: &[Vec<i64>]) -> Option<IccOneWay> {
    let units: Vec<&Vec<i64>> = units.iter().filter(|u| u.len() >= 2).collect();
    let a = units.len() as i128;
    let n: i128 = units.iter().map(|u| u.len() as i128).sum();
    if a < 2 {
        return None;
    }
    let total: i128 = units
        .iter()
        .flat_map(|u| u.iter())
        .map(|&v| i128::from(v))
        .sum();
    let (mut ssb, mut ssw, mut k_sq) = (0f64, 0f64, 0i128);
    for u in &units {
        let k = u.len() as i128;
        let s: i128 = u.iter().map(|&v| i128::from(v)).sum();
        let q: i128 = u.iter().map(|&v| i128::from(v) * i128::from(v)).sum();
        let between = n * s - k * total;
        ssb += (between * between) as f64 / (n * n * k) as f64;
        ssw += (k * q - s * s) as f64 / k as f64;
        k_sq += k * k;
    }
    let msb = ssb / (a - 1) as f64;
    let msw = ssw / (n - a) as f64;
    let k0 = (n as f64 - k_sq as f64 / n as f64) / (a - 1) as f64;
    let single = (msb - msw) / (msb + (k0 - 1.0) * msw);
    let average = (msb - msw) / msb;
    (single.is_finite() && average.is_finite()).then_some(IccOneWay {
        single,
        average,
        k0,
        works: a as usize,
        ratings: n as usize,
    })
}

/// Shrout & Fleiss ICCs for a complete table (rows = works, columns = judges). `None` for
/// fewer than 2 rows or columns, ragged rows, or a degenerate (zero-variance) table.
pub fn icc_two_way(rows: &[Vec<i64>]) -> Option<IccTwoWay> {
    let n = rows.len();
    let k = rows.first()?.len();
    if n < 2 || k < 2 || rows.iter().any(|r| r.len() != k) {
        return None;
    }
    let (ni, ki) = (n as i128, k as i128);
    let total: i128 = rows.iter().flatten().map(|&v| i128::from(v)).sum();
    let sq: i128 = rows
        .iter()
        .flatten()
        .map(|&v| i128::from(v) * i128::from(v))
        .sum();
    let row_sq: i128 = rows
        .iter()
        .map(|r| r.iter().map(|&v| i128::from(v)).sum::<i128>().pow(2))
        .sum();
    let col_sq: i128 = (0..k)
        .map(|j| rows.iter().map(|r| i128::from(r[j])).sum::<i128>().pow(2))
        .sum();
    let t2 = total * total;
    // Each sum of squares times n·k, exactly.
    let (sst, ssr, ssc) = (ni * ki * sq - t2, ni * row_sq - t2, ki * col_sq - t2);
    let sse = sst - ssr - ssc;
    let nk = (ni * ki) as f64;
    let (n_f, k_f) = (n as f64, k as f64);
    let bms = ssr as f64 / nk / (n_f - 1.0);
    let jms = ssc as f64 / nk / (k_f - 1.0);
    let ems = sse as f64 / nk / ((n_f - 1.0) * (k_f - 1.0));
    let wms = (ssc + sse) as f64 / nk / (n_f * (k_f - 1.0));
    let icc = IccTwoWay {
        works: n,
        judges: k,
        icc1_1: (bms - wms) / (bms + (k_f - 1.0) * wms),
        icc2_1: (bms - ems) / (bms + (k_f - 1.0) * ems + k_f * (jms - ems) / n_f),
        icc3_1: (bms - ems) / (bms + (k_f - 1.0) * ems),
        icc1_k: (bms - wms) / bms,
        icc2_k: (bms - ems) / (bms + (jms - ems) / n_f),
        icc3_k: (bms - ems) / bms,
    };
    [
        icc.icc1_1, icc.icc2_1, icc.icc3_1, icc.icc1_k, icc.icc2_k, icc.icc3_k,
    ]
    .iter()
    .all(|x| x.is_finite())
    .then_some(icc)
}
