//! Rounds and rulings across the tally, as typed data (the app puts it into words).
//!
//! * [`Ruling`]s are an append-only history per work: `disqualify` (取消资格) and `deduct`
//!   stand until a `revoke`, which clears every ruling of the work. [`current_rulings`] folds
//!   the history; [`Adjustments`] is what the tally applies after aggregation: a disqualified
//!   work is not ranked (no place, no award), a deduction lowers the ranked value.
//! * [`advancing`] reads a round's tally and the next round's `advance` rule: the best `N`
//!   (or `P` %) ranked works, with ties at the cut settled by the round's `boundary_ties`.
//! * [`cross_round`] turns the last round's [`ResultsView`] into the contest's results: the
//!   finalists ranked, then every work that did not advance with its last round's result,
//!   each row's [`RowNote`] saying where it stands and [`RoundsInfo`] which round the numbers
//!   come from.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::contest::BoundaryTies;
use crate::model::{Points, Round};
use crate::results::{ResultsView, WorkRow};
use crate::tally::{Score, Tally, TieNote};

/// What a ruling does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulingKind {
    Disqualify,
    /// Points taken off the work's ranked value (positive).
    Deduct(Points),
    /// Clears every earlier ruling of the work.
    Revoke,
}

impl RulingKind {
    /// The word stored in the master.
    pub fn code(self) -> &'static str {
        match self {
            RulingKind::Disqualify => "disqualify",
            RulingKind::Deduct(_) => "deduct",
            RulingKind::Revoke => "revoke",
        }
    }
}

/// One ruling as recorded: who decided what about which work, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruling {
    pub seq: i64,
    pub at: i64,
    pub work: String,
    pub kind: RulingKind,
    pub reason: String,
    pub by: String,
}

/// The rulings that stand for one work.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkRuling {
    pub disqualified: Option<Ruling>,
    pub deductions: Vec<Ruling>,
}

impl WorkRuling {
    /// Sum of the standing deductions.
    pub fn deducted(&self) -> Points {
        self.deductions
            .iter()
            .map(|r| match r.kind {
                RulingKind::Deduct(p) => p,
                _ => Points(0),
            })
            .sum()
    }
}

/// Folds the history (in `seq` order) into what stands per work.
pub fn current_rulings(history: &[Ruling]) -> BTreeMap<String, WorkRuling> {
    let mut sorted: Vec<&Ruling> = history.iter().collect();
    sorted.sort_by_key(|r| r.seq);
    let mut out: BTreeMap<String, WorkRuling> = BTreeMap::new();
    for r in sorted {
        match r.kind {
            RulingKind::Revoke => {
                out.remove(&r.work);
            }
            RulingKind::Disqualify => {
                out.entry(r.work.clone()).or_default().disqualified = Some(r.clone());
            }
            RulingKind::Deduct(_) => out
                .entry(r.work.clone())
                .or_default()
                .deductions
                .push(r.clone()),
        }
    }
    out
}

/// What the tally applies after aggregation (see [`crate::tally::TallyParams::adjust`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adjustments {
    /// Work → points taken off its ranked value.
    pub deductions: BTreeMap<String, Points>,
    /// Disqualified works: not ranked, no award.
    pub excluded: BTreeSet<String>,
    /// Tier shares are of this many entries (`[awards] base = "all"`), not of the ranked.
    pub award_base: Option<usize>,
}

impl Adjustments {
    pub fn from_rulings(rulings: &BTreeMap<String, WorkRuling>) -> Adjustments {
        Adjustments {
            deductions: rulings
                .iter()
                .map(|(w, r)| (w.clone(), r.deducted()))
                .filter(|(_, p)| p.0 != 0)
                .collect(),
            excluded: rulings
                .iter()
                .filter(|(_, r)| r.disqualified.is_some())
                .map(|(w, _)| w.clone())
                .collect(),
            award_base: None,
        }
    }

    /// The ranked value of `work` after its rulings (exact: a deduction is whole hundredths).
    pub fn apply(&self, work: &str, aggregate: Option<Score>) -> Option<Score> {
        if self.excluded.contains(work) {
            return None;
        }
        let a = aggregate?;
        Some(match self.deductions.get(work) {
            Some(p) => Score(a.0 - num_rational::Ratio::from_integer(p.0)),
            None => a,
        })
    }
}

/// Who goes on to the next round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdvanceOutcome {
    /// In rank order.
    pub advancing: Vec<String>,
    /// Works tied on the place at the cut whose positions straddle it (empty: a clean cut).
    pub cut_tie: Vec<String>,
    /// The round's rule is `flag` and there is a tie at the cut: the panel decides.
    pub flagged: bool,
    /// The rule's count before ties (N, or P % of the ranked works).
    pub nominal: usize,
}

/// The works of `tally` (a round's results, rulings applied) that `next`'s advance rule
/// takes. Unranked works (no scores, disqualified) never advance.
pub fn advancing(tally: &Tally, next: &Round) -> AdvanceOutcome {
    let ranked: Vec<(&str, usize)> = tally
        .works
        .iter()
        .filter_map(|w| w.place.map(|p| (w.work.as_str(), p)))
        .collect();
    advancing_ranked(&ranked, next)
}

/// [`advancing`] on (work, place) in rank order.
pub fn advancing_ranked(ranked: &[(&str, usize)], next: &Round) -> AdvanceOutcome {
    let nominal = next.advance.map_or(ranked.len(), |a| a.count(ranked.len()));
    if nominal == 0 {
        return AdvanceOutcome::default();
    }
    let cut_place = ranked[nominal - 1].1;
    let tied: Vec<String> = ranked
        .iter()
        .filter(|(_, p)| *p == cut_place)
        .map(|(w, _)| w.to_string())
        .collect();
    let straddles = ranked.get(nominal).is_some_and(|(_, p)| *p == cut_place);
    let take_tied = !straddles || next.boundary_ties != BoundaryTies::Down;
    let advancing = ranked
        .iter()
        .filter(|(_, p)| *p < cut_place || (*p == cut_place && take_tied))
        .map(|(w, _)| w.to_string())
        .collect();
    AdvanceOutcome {
        advancing,
        cut_tie: if straddles { tied } else { Vec::new() },
        flagged: straddles && next.boundary_ties == BoundaryTies::Flag,
        nominal,
    }
}

/// Where a row of the results stands besides its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Ranked (or unranked for want of scores) in the round the numbers come from.
    InRound,
    /// 取消资格: no place, no award.
    Disqualified { reason: String },
    /// Did not reach round `missed`; the numbers are from round `from`, where it took `place`.
    NotAdvanced {
        from: String,
        missed: String,
        place: Option<usize>,
    },
}

/// A row's standing and its deductions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNote {
    pub standing: Standing,
    /// Total points deducted (already taken off the row's aggregate).
    pub deducted: Option<Points>,
    /// The reasons of the standing deductions, in order.
    pub deduction_reasons: Vec<String>,
}

impl Default for RowNote {
    fn default() -> RowNote {
        RowNote {
            standing: Standing::InRound,
            deducted: None,
            deduction_reasons: Vec::new(),
        }
    }
}

/// A round as a report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRef {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    /// It is the contest's last round (the final ranking).
    pub last: bool,
}

crate::bilingual! {
    RoundRef { label: label_zh / label_en }
}

impl RoundRef {
    pub fn of(round: &Round, last: bool) -> RoundRef {
        RoundRef {
            id: round.id.clone(),
            label_zh: round.label_zh.clone(),
            label_en: round.label_en.clone(),
            last,
        }
    }
}

/// What a results view knows of rounds and rulings ([`ResultsView::rounds`]). Empty for a
/// contest without rounds and rulings: its reports look exactly as before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundsInfo {
    /// The round the numbers come from (None: the contest has no `[[rounds]]`).
    pub round: Option<RoundRef>,
    /// Works whose row has something to say, by id.
    pub notes: BTreeMap<String, RowNote>,
}

impl RoundsInfo {
    /// The note of `work` (the default: in round, no deduction).
    pub fn note(&self, work: &str) -> RowNote {
        self.notes.get(work).cloned().unwrap_or_default()
    }

    /// Reports need a status column: there are rounds or rulings.
    pub fn shows_status(&self) -> bool {
        self.round.is_some() || !self.notes.is_empty()
    }
}

/// Notes the rulings on every row of `view` (in place).
pub fn note_rulings(view: &mut ResultsView, rulings: &BTreeMap<String, WorkRuling>) {
    for row in &view.rows {
        let Some(r) = rulings.get(&row.work) else {
            continue;
        };
        let note = view.rounds.notes.entry(row.work.clone()).or_default();
        if let Some(d) = &r.disqualified {
            note.standing = Standing::Disqualified {
                reason: d.reason.clone(),
            };
        }
        let deducted = r.deducted();
        if deducted.0 != 0 {
            note.deducted = Some(deducted);
            note.deduction_reasons = r.deductions.iter().map(|d| d.reason.clone()).collect();
        }
    }
}

/// The contest's results from its rounds: `last` is the view of `last_round` (the open or
/// the last round), `earlier` the views of the rounds before it, oldest first. Every work of
/// an earlier round that is not in `last` is appended, unplaced and without award, with its
/// latest round's figures and [`Standing::NotAdvanced`]; disqualification wins over that.
pub fn cross_round(
    mut last: ResultsView,
    last_round: &Round,
    is_last: bool,
    earlier: &[(Round, ResultsView)],
    rulings: &BTreeMap<String, WorkRuling>,
) -> ResultsView {
    last.rounds.round = Some(RoundRef::of(last_round, is_last));
    let mut seen: BTreeSet<String> = last.rows.iter().map(|r| r.work.clone()).collect();
    let mut extra: Vec<WorkRow> = Vec::new();
    let mut notes = Vec::new();
    for (i, (round, view)) in earlier.iter().enumerate().rev() {
        let missed = earlier
            .get(i + 1)
            .map_or(last_round.id.clone(), |(r, _)| r.id.clone());
        for row in &view.rows {
            if !seen.insert(row.work.clone()) {
                continue;
            }
            let mut row = row.clone();
            let place = row.place.take();
            row.award = None;
            row.tie = TieNote::None;
            row.ties_broken.clear();
            for m in &mut row.methods {
                m.place = None;
            }
            let mut note = view.rounds.note(&row.work);
            if note.standing == Standing::InRound {
                note.standing = Standing::NotAdvanced {
                    from: round.id.clone(),
                    missed: missed.clone(),
                    place,
                };
            }
            notes.push((row.work.clone(), note));
            extra.push(row);
        }
    }
    // Best earlier result first: the later round reached, then the aggregate.
    last.rows.extend(extra);
    for (w, n) in notes {
        last.rounds.notes.insert(w, n);
    }
    note_rulings(&mut last, rulings);
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ruling(seq: i64, work: &str, kind: RulingKind) -> Ruling {
        Ruling {
            seq,
            at: seq,
            work: work.into(),
            kind,
            reason: format!("r{seq}"),
            by: "组委会".into(),
        }
    }

    fn round(rule: BoundaryTies) -> Round {
        Round {
            id: "终评".into(),
            label_zh: "终评".into(),
            label_en: "Final".into(),
            judges_per_work: 5,
            rubric: None,
            aggregation: None,
            advance: Some(crate::model::Advance::Top(3)),
            boundary_ties: rule,
            blind: None,
        }
    }

    #[test]
    fn ties_at_the_cut_follow_the_rounds_rule() {
        // Places 1, 2, 3, 3, 5: the cut after 3 splits the tie at place 3.
        let ranked = [("a", 1), ("b", 2), ("c", 3), ("d", 3), ("e", 5)];
        let up = advancing_ranked(&ranked, &round(BoundaryTies::Up));
        assert_eq!(up.advancing, ["a", "b", "c", "d"]);
        assert_eq!(up.cut_tie, ["c", "d"]);
        assert!(!up.flagged);
        let down = advancing_ranked(&ranked, &round(BoundaryTies::Down));
        assert_eq!(down.advancing, ["a", "b"]);
        let flag = advancing_ranked(&ranked, &round(BoundaryTies::Flag));
        assert!(flag.flagged);
        assert_eq!(flag.advancing, ["a", "b", "c", "d"]);
        // A clean cut: no tie reported.
        let clean = [("a", 1), ("b", 2), ("c", 3), ("d", 4)];
        let out = advancing_ranked(&clean, &round(BoundaryTies::Flag));
        assert_eq!(out.advancing, ["a", "b", "c"]);
        assert!(out.cut_tie.is_empty() && !out.flagged);
        assert!(advancing_ranked(&[], &round(BoundaryTies::Up))
            .advancing
            .is_empty());
    }

    #[test]
    fn rulings_fold_and_revoke_clears_the_work() {
        let h = vec![
            ruling(1, "001", RulingKind::Deduct(Points::whole(5))),
            ruling(2, "001", RulingKind::Deduct(Points::whole(2))),
            ruling(3, "002", RulingKind::Disqualify),
            ruling(4, "003", RulingKind::Disqualify),
            ruling(5, "003", RulingKind::Revoke),
        ];
        let now = current_rulings(&h);
        assert_eq!(now["001"].deducted(), Points::whole(7));
        assert!(now["002"].disqualified.is_some());
        assert!(!now.contains_key("003"));
        let adj = Adjustments::from_rulings(&now);
        assert_eq!(adj.apply("002", Some(Score::mean(9000, 1))), None);
        assert_eq!(
            adj.apply("001", Some(Score::mean(9000, 1))),
            Some(Score::mean(8300, 1))
        );
        assert_eq!(
            adj.apply("004", Some(Score::mean(9000, 1))),
            Some(Score::mean(9000, 1))
        );
    }

    /// A disqualified work's sheets count for nothing: not in the z-score of the judges who
    /// scored it, not in their statistics, and not missing either. The tally is the one of a
    /// contest where nobody scored it.
    #[test]
    fn a_disqualified_works_sheets_do_not_count_anywhere() {
        use crate::model::contest::AggregationMethod;
        use crate::tally::{tally, Sheet, TallyInput, TallyParams};
        let mut contest = crate::data::contest_template("cq-2023-short-video").unwrap();
        contest.aggregation.method = AggregationMethod::Zscore;
        let works: Vec<String> = (1..=6).map(|i| format!("{i:03}")).collect();
        let judges: Vec<String> = (1..=5).map(|j| format!("J{j}")).collect();
        let criteria: Vec<_> = contest.rubric.criteria().cloned().collect();
        let sheet = |j: usize, w: usize| {
            // J1 scores 003 far below everything else; otherwise a spread by work and judge.
            let low = j == 1 && w == 3;
            Sheet {
                judge: judges[j - 1].clone(),
                work: works[w - 1].clone(),
                scores: criteria
                    .iter()
                    .enumerate()
                    .map(|(k, c)| {
                        let s = if low {
                            0
                        } else {
                            (w as u32 * 3 + j as u32 * 5 + k as u32) % (c.max_steps() + 1)
                        };
                        (c.id.clone(), s)
                    })
                    .collect(),
                complete: true,
            }
        };
        let input = |with_003: bool| TallyInput {
            contest: &contest,
            works: works.clone(),
            judges: judges.clone(),
            assignments: judges
                .iter()
                .flat_map(|j| works.iter().map(move |w| (j.clone(), w.clone())))
                .collect(),
            sheets: (1..=5)
                .flat_map(|j| (1..=6).map(move |w| (j, w)))
                .filter(|&(_, w)| with_003 || w != 3)
                .map(|(j, w)| sheet(j, w))
                .collect(),
            recusals: vec![],
            submitted: judges.iter().cloned().collect(),
        };
        let rulings = current_rulings(&[ruling(1, "003", RulingKind::Disqualify)]);
        let params = TallyParams {
            adjust: Adjustments::from_rulings(&rulings),
            ..TallyParams::for_contest(&contest)
        };
        let scored = tally(&input(true), &params);
        let unscored = tally(&input(false), &params);
        assert!(
            matches!(
                scored.zscore,
                Some(crate::tally::ZscoreStatus::Applied { .. })
            ),
            "{:?}",
            scored.zscore
        );
        let others = |t: &crate::tally::Tally| -> Vec<_> {
            t.works
                .iter()
                .map(|w| (w.work.clone(), w.place, w.aggregate))
                .collect()
        };
        assert_eq!(others(&scored), others(&unscored));
        assert_eq!(scored.judges, unscored.judges);
        assert!(
            scored.missing.is_empty() && unscored.missing.is_empty(),
            "{:?}",
            unscored.missing
        );
        let w3 = scored.work("003").unwrap();
        assert_eq!((w3.place, w3.aggregate), (None, None));
    }
}
