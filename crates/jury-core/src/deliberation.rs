//! The deliberation list: the works the panel should talk about, in the order it matters.
//!
//! Two things make a work worth discussing: the judges disagree about it (a wide range or
//! standard deviation of their totals), or its score sits close to an award cut-off, where
//! one changed score moves it across a tier boundary.
//!
//! A tier boundary lies between two consecutive ranked positions whose nominal awards differ
//! (by the tiers' cumulative targets, [`crate::tally::TierCutoff`]): `L` is the score of the
//! last work above it, `F` of the first below. A work above the boundary is `score − F`
//! points from the cut-off (how far it may fall before the first work out catches up), one
//! below it `L − score` (how far it must rise to tie the last work in). Tied works across a
//! boundary are 0 points from it. A work is *near* a cut-off when its distance to the nearest
//! boundary is at most `near` points.
//!
//! Order: works near a cut-off first, nearest first (then wider range, larger SD); then every
//! other work by range, then SD, widest first; the work number last. Pure: a function of a
//! [`Tally`].

use std::cmp::Ordering;

use num_rational::Ratio;

use crate::model::{work_number_order, Points};
use crate::tally::{Award, AwardOutcome, Score, Tally, TierCutoff};

/// The tier boundary nearest to a work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff {
    /// The award just above the boundary.
    pub above: Award,
    /// The award just below it (`None`: no award below).
    pub below: Option<Award>,
    /// Points from the work's score to the other side (see the module docs).
    pub distance: Score,
    /// The work is above the boundary (inside `above`).
    pub inside: bool,
}

/// One work on the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub work: String,
    pub place: Option<usize>,
    pub aggregate: Option<Score>,
    pub award: Option<AwardOutcome>,
    /// max − min of the judge totals.
    pub spread: Option<Points>,
    /// Sample standard deviation of the judge totals, in points.
    pub sd: Option<f64>,
    /// Counted judge totals, by judge id.
    pub totals: Vec<(String, Points)>,
    /// The nearest tier boundary (ranked works of a contest with tiers).
    pub cutoff: Option<Cutoff>,
    /// Within `near` points of `cutoff`.
    pub near: bool,
}

/// The nominal award of ranked position `pos`: the first tier whose cumulative target lies
/// beyond it.
fn nominal(tiers: &[TierCutoff], pos: usize) -> Option<Award> {
    tiers
        .iter()
        .find(|t| t.cumulative_target > pos)
        .map(|t| t.award)
}

/// The works of `tally` in deliberation order (see the module docs).
pub fn order(tally: &Tally, near: Points) -> Vec<Item> {
    let ranked: Vec<(usize, Score)> = tally
        .works
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.place.and(w.aggregate).map(|a| (i, a)))
        .collect();
    // (position of the first work below, above, below)
    let boundaries: Vec<(usize, Award, Option<Award>)> = (1..ranked.len())
        .filter_map(|c| {
            let above = nominal(&tally.tiers, c - 1)?;
            let below = nominal(&tally.tiers, c);
            (Some(above) != below).then_some((c, above, below))
        })
        .collect();
    let near = Score::from_points(near);
    let mut items: Vec<Item> = tally
        .works
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let pos = ranked.iter().position(|(r, _)| *r == i);
            let cutoff = pos.and_then(|p| {
                let score = ranked[p].1;
                boundaries
                    .iter()
                    .map(|&(c, above, below)| {
                        let inside = p < c;
                        let other = if inside { ranked[c].1 } else { ranked[c - 1].1 };
                        let gap = if inside {
                            score.0 - other.0
                        } else {
                            other.0 - score.0
                        };
                        Cutoff {
                            above,
                            below,
                            distance: Score(gap.max(Ratio::from_integer(0))),
                            inside,
                        }
                    })
                    .min_by(|a, b| a.distance.cmp(&b.distance))
            });
            Item {
                work: w.work.clone(),
                place: w.place,
                aggregate: w.aggregate,
                award: w.award,
                spread: w.spread,
                sd: w.sd,
                totals: w.judge_totals.clone(),
                near: cutoff.is_some_and(|c| c.distance <= near),
                cutoff,
            }
        })
        .collect();
    items.sort_by(compare);
    items
}

fn compare(a: &Item, b: &Item) -> Ordering {
    let by_disagreement = |a: &Item, b: &Item| {
        b.spread.cmp(&a.spread).then_with(|| {
            b.sd.unwrap_or(-1.0)
                .partial_cmp(&a.sd.unwrap_or(-1.0))
                .unwrap_or(Ordering::Equal)
        })
    };
    b.near
        .cmp(&a.near)
        .then_with(|| {
            if a.near {
                let d = |i: &Item| i.cutoff.map(|c| c.distance);
                d(a).cmp(&d(b))
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| by_disagreement(a, b))
        .then_with(|| work_number_order(&a.work, &b.work))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;
    use crate::model::Contest;
    use crate::tally::{tally, Sheet, TallyInput, TallyParams};
    use std::collections::{BTreeMap, BTreeSet};

    /// A tally of works scored by three judges with the given totals (put on `theme`, then
    /// `story`, the rest zero), in the 2023 contest (tiers 10 / 15 / 25 %, trimmed mean
    /// needing 5 judges: the plain mean here).
    fn tally_of(totals: &[[u32; 3]]) -> (Contest, Tally) {
        let contest = data::contest_template("cq-2023-short-video").unwrap();
        let works: Vec<String> = (1..=totals.len()).map(|i| format!("{i:03}")).collect();
        let judges: Vec<String> = ["J01", "J02", "J03"].map(String::from).to_vec();
        let mut sheets = Vec::new();
        let mut assignments = Vec::new();
        for (w, row) in works.iter().zip(totals) {
            for (j, &t) in judges.iter().zip(row) {
                let mut scores: BTreeMap<String, u32> = contest
                    .rubric
                    .criteria()
                    .map(|c| (c.id.clone(), 0))
                    .collect();
                scores.insert("theme".into(), t.min(30));
                scores.insert("story".into(), t.saturating_sub(30));
                sheets.push(Sheet {
                    judge: j.clone(),
                    work: w.clone(),
                    scores,
                    complete: true,
                });
                assignments.push((j.clone(), w.clone()));
            }
        }
        let input = TallyInput {
            contest: &contest,
            works,
            judges: judges.clone(),
            assignments,
            sheets,
            recusals: vec![],
            submitted: judges.into_iter().collect::<BTreeSet<_>>(),
        };
        let t = tally(&input, &TallyParams::for_contest(&contest));
        (contest.clone(), t)
    }

    fn ids(items: &[Item]) -> Vec<&str> {
        items.iter().map(|i| i.work.as_str()).collect()
    }

    #[test]
    fn near_cut_off_first_then_widest_disagreement() {
        // Ten works: 10 % → 1 first prize, 25 % → 2.5 → 3 (nearest) → 2 second, 50 % → 5 → 2
        // third. Means: 001 58, 002 55, 003 54, 004 50, 005 49.67, 006 40, 007 39, …
        let (_, t) = tally_of(&[
            [58, 58, 58],
            [55, 55, 55],
            [50, 54, 58],
            [50, 50, 50],
            [40, 50, 59],
            [40, 40, 40],
            [38, 39, 40],
            [20, 20, 20],
            [10, 30, 50],
            [5, 5, 5],
        ]);
        let items = order(&t, Points::whole(2));
        // Boundaries: first|second between 001 (58) and 002 (55): 3 points each side.
        // second|third between 003 (54) and 004 (50): 4. third|rest between 005 (49.67)
        // and 006 (40). Within 2 points of a boundary: none — so all by range.
        assert!(items.iter().all(|i| !i.near));
        assert_eq!(&ids(&items)[..3], ["009", "005", "003"]);
        let first = items.iter().find(|i| i.work == "001").unwrap();
        let c = first.cutoff.unwrap();
        assert_eq!(
            (c.above, c.below, c.inside),
            (Award::Tier(0), Some(Award::Tier(1)), true)
        );
        assert_eq!(c.distance, Score::from_points(Points::whole(3)));
        // With 3 points, 001 and 002 are near (3 from the first|second boundary) and come
        // first: equal distance and range, so by number.
        let items = order(&t, Points::whole(3));
        assert_eq!(&ids(&items)[..3], ["001", "002", "009"]);
        assert!(items[0].near && items[1].near && !items[2].near);
        // The totals travel with the work, by judge id.
        let w9 = items.iter().find(|i| i.work == "009").unwrap();
        assert_eq!(
            w9.totals,
            [
                ("J01".to_string(), Points::whole(10)),
                ("J02".to_string(), Points::whole(30)),
                ("J03".to_string(), Points::whole(50))
            ]
        );
        assert_eq!(w9.spread, Some(Points::whole(40)));
    }

    #[test]
    fn works_tied_at_a_cut_off_are_zero_points_from_it_and_listed_first() {
        // Ten works, one first prize: 001 and 002 tie at the top across the first|second
        // boundary (flagged for the panel).
        let (_, t) = tally_of(&[
            [60, 50, 40],
            [40, 50, 60],
            [45, 45, 45],
            [44, 44, 44],
            [30, 30, 30],
            [29, 29, 29],
            [20, 20, 20],
            [10, 10, 10],
            [5, 5, 5],
            [1, 1, 1],
        ]);
        assert!(!t.boundary_ties.is_empty(), "a flagged boundary tie");
        let items = order(&t, Points::whole(0));
        assert_eq!(&ids(&items)[..2], ["001", "002"]);
        for i in &items[..2] {
            assert!(i.near);
            assert_eq!(i.cutoff.unwrap().distance, Score::from_points(Points(0)));
            assert!(matches!(i.award, Some(AwardOutcome::PanelDecides { .. })));
        }
        assert!(items[2..].iter().all(|i| !i.near));
    }

    #[test]
    fn unranked_works_have_no_cut_off_and_a_contest_of_one_has_no_boundary() {
        let (_, t) = tally_of(&[[10, 20, 30]]);
        let items = order(&t, Points::whole(100));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].cutoff, None);
        assert!(!items[0].near);
    }
}
