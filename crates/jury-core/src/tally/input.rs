//! What the tally reads, and the checks that decide which sheets count.
//!
//! The input is what the master database holds after merging: the works, the judges, the
//! assignments, one sheet per (judge, work) that has scores, the recusals and the set of
//! judges who submitted. The merger already refuses hostile ballots; the tally still checks
//! everything, because it must never count a score it cannot stand behind, and it lists
//! every sheet it did not count instead of dropping it silently.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use super::TallyParams;
use crate::model::Contest;

/// One judge's scores for one work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub judge: String,
    pub work: String,
    /// Criterion id → score in that criterion's step units (points = steps × step).
    pub scores: BTreeMap<String, u32>,
    /// The judge marked the work as scored. Incomplete sheets are listed, never counted.
    pub complete: bool,
}

/// Everything a tally needs. Order of every list is irrelevant; duplicates in `works`,
/// `judges`, `assignments` and `recusals` are harmless.
#[derive(Debug, Clone)]
pub struct TallyInput<'a> {
    /// Contest rules and rubric.
    pub contest: &'a Contest,
    /// Work ids of the contest.
    pub works: Vec<String>,
    /// Judge ids of the contest.
    pub judges: Vec<String>,
    /// (judge, work) pairs the organizer assigned. Only assigned pairs are counted.
    pub assignments: Vec<(String, String)>,
    /// Merged sheets; at most one per (judge, work).
    pub sheets: Vec<Sheet>,
    /// (judge, work) pairs the judge recused from; they count for nothing.
    pub recusals: Vec<(String, String)>,
    /// Judges whose ballot has been submitted.
    pub submitted: BTreeSet<String>,
}

/// Why an assigned, non-recused pair has no counted sheet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MissingReason {
    /// No sheet at all.
    NoSheet,
    /// The judge has not finished scoring this work.
    Incomplete,
    /// Marked complete but this criterion has no score.
    Unscored(String),
    /// A score for a criterion the rubric does not have.
    UnknownCriterion(String),
    /// A score above the criterion's maximum (the value itself is not reported).
    OutOfRange(String),
    /// More than one sheet for the pair; none is counted.
    Duplicate,
    /// Not counted because the judge has not submitted ([`TallyParams::only_submitted`]).
    NotSubmitted,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Missing {
    pub work: String,
    pub judge: String,
    pub reason: MissingReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IgnoredItem {
    Sheet,
    Recusal,
    Assignment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IgnoreReason {
    UnknownJudge,
    UnknownWork,
    NotAssigned,
    /// A sheet for a recused pair: the recusal wins and the scores are not reported.
    Recused,
    /// A sheet for a work the organizer disqualified: kept in the master, counted nowhere
    /// (not in a judge's z-score, statistics or missing sheets).
    Disqualified,
}

/// Something in the input that does not belong. Never carries score values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ignored {
    pub judge: String,
    pub work: String,
    pub item: IgnoredItem,
    pub reason: IgnoreReason,
}

/// A counted sheet: judge index, total in hundredths, offset of its criterion points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    pub judge: usize,
    pub total: i64,
    pub at: usize,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub assigned: usize,
    pub recused: usize,
    pub missing: usize,
}

/// The checked, indexed input. Works and judges are sorted by number, so nothing downstream
/// depends on input order.
pub(crate) struct Panel {
    pub works: Vec<String>,
    pub judges: Vec<String>,
    /// Criterion count; `points[cell.at..cell.at + ncrit]` are a cell's criterion points.
    pub ncrit: usize,
    pub points: Vec<i64>,
    /// Criterion index ranges of the rubric's groups.
    pub groups: Vec<Range<usize>>,
    /// Counted cells per work, by judge index.
    pub cells: Vec<Vec<Cell>>,
    pub counts: Vec<Counts>,
    pub judge_counts: Vec<Counts>,
    pub submitted: Vec<bool>,
    pub missing: Vec<Missing>,
    pub ignored: Vec<Ignored>,
    pub recusals: Vec<(String, String)>,
    pub unsubmitted: Vec<String>,
}

/// Distinct ids in work-number order ("2" before "10"), so that lists which follow the
/// panel's order (unranked works, equal places) read the way people number works.
fn sorted_ids(ids: &[String]) -> Vec<String> {
    let set: BTreeSet<&String> = ids.iter().collect();
    let mut ids: Vec<String> = set.into_iter().cloned().collect();
    ids.sort_by(|a, b| crate::model::work_number_order(a, b));
    ids
}

impl Panel {
    pub fn build(input: &TallyInput, params: &TallyParams) -> Panel {
        let rubric = &input.contest.rubric;
        let criteria: Vec<_> = rubric.criteria().collect();
        let crit_index: HashMap<&str, usize> = criteria
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let mut groups = Vec::new();
        let mut start = 0;
        for g in &rubric.groups {
            groups.push(start..start + g.criteria.len());
            start += g.criteria.len();
        }

        let works = sorted_ids(&input.works);
        let judges = sorted_ids(&input.judges);
        let work_ix: HashMap<&str, usize> = works
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i))
            .collect();
        let judge_ix: HashMap<&str, usize> = judges
            .iter()
            .enumerate()
            .map(|(i, j)| (j.as_str(), i))
            .collect();
        let locate = |judge: &str, work: &str| match (judge_ix.get(judge), work_ix.get(work)) {
            (Some(&j), Some(&w)) => Ok((w, j)),
            (None, _) => Err(IgnoreReason::UnknownJudge),
            (_, None) => Err(IgnoreReason::UnknownWork),
        };
        let mut ignored = Vec::new();
        let mut ignore = |judge: &str, work: &str, item: IgnoredItem, reason: IgnoreReason| {
            ignored.push(Ignored {
                judge: judge.into(),
                work: work.into(),
                item,
                reason,
            });
        };

        let mut assigned = BTreeSet::new();
        for (j, w) in &input.assignments {
            match locate(j, w) {
                Ok(key) => _ = assigned.insert(key),
                Err(reason) => ignore(j, w, IgnoredItem::Assignment, reason),
            }
        }
        let mut recused = BTreeSet::new();
        for (j, w) in &input.recusals {
            match locate(j, w) {
                Ok(key) if assigned.contains(&key) => _ = recused.insert(key),
                Ok(_) => ignore(j, w, IgnoredItem::Recusal, IgnoreReason::NotAssigned),
                Err(reason) => ignore(j, w, IgnoredItem::Recusal, reason),
            }
        }
        let excluded: Vec<bool> = works
            .iter()
            .map(|w| params.adjust.excluded.contains(w))
            .collect();
        let mut by_pair: HashMap<(usize, usize), Vec<&Sheet>> = HashMap::new();
        for s in &input.sheets {
            let reason = match locate(&s.judge, &s.work) {
                Ok(key) if !assigned.contains(&key) => IgnoreReason::NotAssigned,
                Ok(key) if recused.contains(&key) => IgnoreReason::Recused,
                Ok((w, _)) if excluded[w] => IgnoreReason::Disqualified,
                Ok(key) => {
                    by_pair.entry(key).or_default().push(s);
                    continue;
                }
                Err(reason) => reason,
            };
            ignore(&s.judge, &s.work, IgnoredItem::Sheet, reason);
        }
        ignored.sort();
        ignored.dedup();

        let submitted: Vec<bool> = judges.iter().map(|j| input.submitted.contains(j)).collect();
        let ncrit = criteria.len();
        let mut panel = Panel {
            ncrit,
            points: Vec::with_capacity(by_pair.len() * ncrit),
            groups,
            cells: vec![Vec::new(); works.len()],
            counts: vec![Counts::default(); works.len()],
            judge_counts: vec![Counts::default(); judges.len()],
            submitted,
            missing: Vec::new(),
            ignored,
            recusals: Vec::new(),
            unsubmitted: Vec::new(),
            works,
            judges,
        };
        let mut row = vec![None; ncrit];
        for &(w, j) in &assigned {
            panel.counts[w].assigned += 1;
            panel.judge_counts[j].assigned += 1;
            if recused.contains(&(w, j)) {
                panel.counts[w].recused += 1;
                panel.judge_counts[j].recused += 1;
                panel
                    .recusals
                    .push((panel.judges[j].clone(), panel.works[w].clone()));
                continue;
            }
            if excluded[w] {
                // Nothing is expected of a disqualified work, nor counted.
                continue;
            }
            let problem = match by_pair.get(&(w, j)).map(Vec::as_slice) {
                None | Some([]) => Some(MissingReason::NoSheet),
                Some([_, _, ..]) => Some(MissingReason::Duplicate),
                Some([sheet]) => check(sheet, &criteria, &crit_index, &mut row)
                    .err()
                    .or_else(|| {
                        (params.only_submitted && !panel.submitted[j])
                            .then_some(MissingReason::NotSubmitted)
                    }),
            };
            if let Some(reason) = problem {
                panel.counts[w].missing += 1;
                panel.judge_counts[j].missing += 1;
                panel.missing.push(Missing {
                    work: panel.works[w].clone(),
                    judge: panel.judges[j].clone(),
                    reason,
                });
                continue;
            }
            let at = panel.points.len();
            let mut total = 0;
            for (c, steps) in criteria.iter().zip(&row) {
                let p = c.points(steps.expect("checked")).0;
                total += p;
                panel.points.push(p);
            }
            panel.cells[w].push(Cell {
                judge: j,
                total,
                at,
            });
        }
        panel.recusals.sort();
        panel.unsubmitted = (0..panel.judges.len())
            .filter(|&j| panel.judge_counts[j].assigned > 0 && !panel.submitted[j])
            .map(|j| panel.judges[j].clone())
            .collect();
        panel
    }

    pub fn crit(&self, cell: &Cell) -> &[i64] {
        &self.points[cell.at..cell.at + self.ncrit]
    }
}

/// Checks one sheet against the rubric and fills `row` with its steps in rubric order.
fn check(
    sheet: &Sheet,
    criteria: &[&crate::model::Criterion],
    index: &HashMap<&str, usize>,
    row: &mut [Option<u32>],
) -> Result<(), MissingReason> {
    if !sheet.complete {
        return Err(MissingReason::Incomplete);
    }
    row.fill(None);
    for (id, &steps) in &sheet.scores {
        let &i = index
            .get(id.as_str())
            .ok_or_else(|| MissingReason::UnknownCriterion(id.clone()))?;
        if steps > criteria[i].max_steps() {
            return Err(MissingReason::OutOfRange(id.clone()));
        }
        row[i] = Some(steps);
    }
    match row.iter().position(Option::is_none) {
        Some(i) => Err(MissingReason::Unscored(criteria[i].id.clone())),
        None => Ok(()),
    }
}
