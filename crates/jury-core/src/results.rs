//! [`ResultsView`]: everything a results output shows, in display order, with the disclosure
//! rule of [`crate::report`] already applied. Renderers (terminal, CSV, XLSX, HTML, the
//! organizer TUI) only format it.

use std::collections::BTreeMap;

use crate::chain::receipt;
use crate::lang::Lang;
use crate::model::contest::AggregationMethod;
use crate::model::{Contest, Points};
use crate::records::{BallotRecord, JudgeRecord, WorkRecord};
use crate::tally::{
    tally, AwardOutcome, MissingReason, Score, Tally, TallyInput, TallyParams, TieNote, WorkRule,
    ZscoreBlocker, ZscoreStatus,
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
    pub place: Option<usize>,
    pub award: Option<AwardOutcome>,
    pub tie: TieNote,
    pub aggregate: Option<Score>,
    pub rule: WorkRule,
    /// The rule is a fallback from the method asked for (e.g. too few scores to trim).
    pub fallback: bool,
    /// Mean subtotal per rubric group, in rubric order (empty when unscored).
    pub group_means: Vec<Score>,
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
        let contest = input.contest;
        let configured = contest.aggregation.method;
        let method = method.unwrap_or(configured);
        let base = TallyParams::for_contest(contest);
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

        let rows: Vec<WorkRow> = main
            .works
            .iter()
            .map(|w| {
                let rec = work_rec.get(w.work.as_str());
                let wide = w.scored >= MIN_SPREAD_TOTALS;
                WorkRow {
                    work: w.work.clone(),
                    title: rec.map(|r| r.title.clone()).unwrap_or_default(),
                    unit: rec.map(|r| r.unit.clone()).unwrap_or_default(),
                    place: w.place,
                    award: w.award,
                    tie: w.tie,
                    aggregate: w.aggregate,
                    rule: w.rule.clone(),
                    fallback: !native_rule(method, &w.rule),
                    group_means: w.group_means.iter().map(|(_, s)| *s).collect(),
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
                    receipt: ballot
                        .filter(|b| b.merged_revision > 0)
                        .and_then(|b| b.merged_head.as_deref())
                        .map(receipt),
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
        }
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

    /// Columns of a results row (CSV and the XLSX results sheet): place, award, number, title,
    /// unit, score, one subtotal per rubric group, judges, rule note.
    pub fn result_headers(&self, lang: Lang) -> Vec<String> {
        let mut h: Vec<String> = [
            lang.pick("名次", "Place"),
            lang.pick("奖项", "Award"),
            lang.pick("编号", "No."),
            lang.pick("作品名称", "Title"),
            lang.pick("创作单位", "Unit"),
            lang.pick("得分", "Score"),
        ]
        .map(String::from)
        .to_vec();
        h.extend(self.group_labels(lang).into_iter().map(String::from));
        h.push(lang.pick("评委数", "Judges").into());
        h.push(lang.pick("计分规则说明", "Rule note").into());
        h
    }

    /// "2" or "2=" (shared place), "" for unranked.
    pub fn place_label(row: &WorkRow) -> String {
        match (row.place, row.tie) {
            (Some(p), TieNote::Shared) => format!("{p}="),
            (Some(p), _) => p.to_string(),
            (None, _) => String::new(),
        }
    }

    /// The award as text: tier label, "panel decides (A / B)", or "" when unranked.
    pub fn award_label(&self, row: &WorkRow, lang: Lang) -> String {
        let rules = &self.contest.awards;
        match row.award {
            Some(AwardOutcome::Awarded(a)) => a.label(rules, lang).to_string(),
            Some(AwardOutcome::PanelDecides { best, worst }) => match lang {
                Lang::Zh => format!(
                    "待定（{}/{}）",
                    best.label(rules, lang),
                    worst.label(rules, lang)
                ),
                Lang::En => format!(
                    "panel decides ({} / {})",
                    best.label(rules, lang),
                    worst.label(rules, lang)
                ),
            },
            None => String::new(),
        }
    }

    /// One sentence on the provisional state, or `None` when every ballot is in.
    pub fn provisional_banner(&self, lang: Lang) -> Option<String> {
        if !self.provisional {
            return None;
        }
        let who = self.tally.unsubmitted.join(", ");
        Some(match lang {
            Lang::Zh => format!(
                "暂定结果：评委 {who} 的选票尚未提交或未合并，名次与奖项仍可能变化"
            ),
            Lang::En => format!(
                "PROVISIONAL: ballots of {who} are not submitted or not merged; places and awards may still change"
            ),
        })
    }

    /// "暂定"/"provisional" or "最终"/"final", for a status column.
    pub fn status_word(&self, lang: Lang) -> &'static str {
        if self.provisional {
            lang.pick("暂定", "provisional")
        } else {
            lang.pick("最终", "final")
        }
    }

    /// One line per tier: share, target, awarded, last place and its aggregate.
    pub fn cutoff_lines(&self, lang: Lang) -> Vec<String> {
        let rules = &self.contest.awards;
        let rounding = match (rules.rounding, lang) {
            (crate::model::contest::Rounding::Floor, Lang::Zh) => "向下取整",
            (crate::model::contest::Rounding::Ceil, Lang::Zh) => "向上取整",
            (crate::model::contest::Rounding::Nearest, Lang::Zh) => "四舍五入",
            (crate::model::contest::Rounding::Floor, Lang::En) => "rounded down",
            (crate::model::contest::Rounding::Ceil, Lang::En) => "rounded up",
            (crate::model::contest::Rounding::Nearest, Lang::En) => "rounded to nearest",
        };
        self.tally
            .tiers
            .iter()
            .map(|t| {
                let label = t.award.label(rules, lang);
                let last = match (t.last_place, t.lowest) {
                    (Some(p), Some(s)) => match lang {
                        Lang::Zh => format!("末位第 {p} 名，{s} 分"),
                        Lang::En => format!("last place {p}, {s} points"),
                    },
                    _ => lang.pick("无", "none").to_string(),
                };
                let undecided = if t.undecided > 0 {
                    match lang {
                        Lang::Zh => format!("，{} 件待定", t.undecided),
                        Lang::En => format!(", {} undecided", t.undecided),
                    }
                } else {
                    String::new()
                };
                match (t.award, lang) {
                    (crate::tally::Award::Rest, Lang::Zh) => format!(
                        "{label}：其余 {} 件，{last}{undecided}",
                        t.awarded
                    ),
                    (crate::tally::Award::Rest, Lang::En) => format!(
                        "{label}: the remaining {}, {last}{undecided}",
                        t.awarded
                    ),
                    (_, Lang::Zh) => format!(
                        "{label}：{}%（{rounding}，累计前 {} 名），应评 {} 件，实评 {} 件，{last}{undecided}",
                        t.share_percent, t.cumulative_target, t.target, t.awarded
                    ),
                    (_, Lang::En) => format!(
                        "{label}: {} % ({rounding}, cumulative top {}), target {}, awarded {}, {last}{undecided}",
                        t.share_percent, t.cumulative_target, t.target, t.awarded
                    ),
                }
            })
            .collect()
    }

    /// Boundary ties and how the contest's rule settled them.
    pub fn boundary_lines(&self, lang: Lang) -> Vec<String> {
        let rules = &self.contest.awards;
        self.tally
            .boundary_ties
            .iter()
            .map(|b| {
                let works = b.works.join(", ");
                let (best, worst) = (b.best.label(rules, lang), b.worst.label(rules, lang));
                match (b.settled, lang) {
                    (Some(a), Lang::Zh) => format!(
                        "并列第 {} 名（{works}）跨越 {best}/{worst} 分界，按规则均为 {}",
                        b.place,
                        a.label(rules, lang)
                    ),
                    (Some(a), Lang::En) => format!(
                        "tied place {} ({works}) straddles {best} / {worst}: all get {} by the contest's rule",
                        b.place,
                        a.label(rules, lang)
                    ),
                    (None, Lang::Zh) => format!(
                        "并列第 {} 名（{works}）跨越 {best}/{worst} 分界，请评委会决定",
                        b.place
                    ),
                    (None, Lang::En) => format!(
                        "tied place {} ({works}) straddles {best} / {worst}: the panel decides",
                        b.place
                    ),
                }
            })
            .collect()
    }

    /// Footnote for a work whose rule is a fallback, e.g. too few scores to trim.
    pub fn rule_note(rule: &WorkRule, lang: Lang) -> Option<String> {
        Some(match (rule, lang) {
            (WorkRule::MeanTooFewToTrim { scored, needed }, Lang::Zh) => {
                format!("仅 {scored} 个有效评分（去掉最高最低分需至少 {needed} 个），采用平均分")
            }
            (WorkRule::MeanTooFewToTrim { scored, needed }, Lang::En) => {
                format!("mean: {scored} scores, trimming needs {needed}")
            }
            (WorkRule::MeanZscoreFallback, Lang::Zh) => "无法按评委标准化，采用平均分".into(),
            (WorkRule::MeanZscoreFallback, Lang::En) => "mean: z-scores not possible".into(),
            _ => return None,
        })
    }

    /// Works that are ranked on a rule other than the method's own, with the note.
    pub fn rule_notes(&self, lang: Lang) -> Vec<(String, String)> {
        self.rows
            .iter()
            .filter(|r| r.fallback)
            .filter_map(|r| Self::rule_note(&r.rule, lang).map(|n| (r.work.clone(), n)))
            .collect()
    }

    /// Why the z-score method cannot be used, if it cannot.
    pub fn zscore_note(&self, lang: Lang) -> Option<String> {
        let Some(ZscoreStatus::FellBack(blockers)) = &self.zscore else {
            return None;
        };
        let reasons: Vec<String> = blockers
            .iter()
            .map(|b| match (b, lang) {
                (ZscoreBlocker::NoScores, Lang::Zh) => "没有评分".into(),
                (ZscoreBlocker::NoScores, Lang::En) => "no scores".into(),
                (ZscoreBlocker::TooFewWorks(j), Lang::Zh) => format!("评委 {j} 评分少于 2 件"),
                (ZscoreBlocker::TooFewWorks(j), Lang::En) => {
                    format!("judge {j} scored fewer than 2 works")
                }
                (ZscoreBlocker::NoVariation(j), Lang::Zh) => format!("评委 {j} 各件总分相同"),
                (ZscoreBlocker::NoVariation(j), Lang::En) => {
                    format!("judge {j} gave every work the same total")
                }
                (ZscoreBlocker::Disconnected { components }, Lang::Zh) => {
                    format!("评委与作品分成 {components} 组互不相连")
                }
                (ZscoreBlocker::Disconnected { components }, Lang::En) => {
                    format!("judges and works fall into {components} unconnected groups")
                }
            })
            .collect();
        Some(match lang {
            Lang::Zh => format!("标准分不可用：{}", reasons.join("；")),
            Lang::En => format!("z-scores not possible: {}", reasons.join("; ")),
        })
    }
}

/// Name of an aggregation method.
pub fn method_label(method: AggregationMethod, lang: Lang) -> &'static str {
    match method {
        AggregationMethod::Mean => lang.pick("平均分", "mean"),
        AggregationMethod::TrimmedMean => lang.pick("去掉最高最低分的平均分", "trimmed mean"),
        AggregationMethod::Zscore => lang.pick("按评委标准化的标准分", "z-score normalised"),
    }
}

/// Short name of an aggregation method, for column headers.
pub fn method_short(method: AggregationMethod, lang: Lang) -> &'static str {
    match method {
        AggregationMethod::Mean => lang.pick("平均", "mean"),
        AggregationMethod::TrimmedMean => lang.pick("去极值", "trimmed"),
        AggregationMethod::Zscore => lang.pick("标准分", "z-score"),
    }
}

/// Why an assigned pair has no counted score (never with values); criteria by their label.
pub fn missing_label(reason: &MissingReason, contest: &Contest, lang: Lang) -> String {
    let label = |id: &str| {
        contest
            .rubric
            .criterion(id)
            .map_or_else(|| id.to_string(), |c| c.label(lang).to_string())
    };
    match (reason, lang) {
        (MissingReason::NoSheet, Lang::Zh) => "未评分".into(),
        (MissingReason::NoSheet, Lang::En) => "not scored".into(),
        (MissingReason::Incomplete, Lang::Zh) => "未评完".into(),
        (MissingReason::Incomplete, Lang::En) => "incomplete".into(),
        (MissingReason::Unscored(c), Lang::Zh) => format!("缺少“{}”的评分", label(c)),
        (MissingReason::Unscored(c), Lang::En) => format!("no score for {}", label(c)),
        (MissingReason::UnknownCriterion(c), Lang::Zh) => format!("未知评分项 {c}"),
        (MissingReason::UnknownCriterion(c), Lang::En) => format!("unknown criterion {c}"),
        (MissingReason::OutOfRange(c), Lang::Zh) => format!("“{}”超出范围", label(c)),
        (MissingReason::OutOfRange(c), Lang::En) => format!("{} out of range", label(c)),
        (MissingReason::Duplicate, Lang::Zh) => "重复的评分表".into(),
        (MissingReason::Duplicate, Lang::En) => "duplicate sheets".into(),
        (MissingReason::NotSubmitted, Lang::Zh) => "选票未提交".into(),
        (MissingReason::NotSubmitted, Lang::En) => "ballot not submitted".into(),
    }
}

/// A score for display, rounded to 0.01 ("87.33").
pub fn fmt_score(s: Option<Score>) -> String {
    s.map(|s| s.to_string()).unwrap_or_else(|| "-".into())
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
