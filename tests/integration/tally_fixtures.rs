//! Hand-computed fixtures for the results engine (src/tally). Every expected number in
//! here was worked out by hand; the comments show the arithmetic.

use std::collections::{BTreeMap, BTreeSet};

use jury_core::data;
use jury_core::model::contest::{AggregationMethod, BoundaryTies, Rounding, TieBreak};
use jury_core::model::{Contest, Points};
use jury_core::tally::*;
use num_rational::Ratio;

/// Maximum steps per criterion of the 2023 rubric (`jury_testkit::CRITERIA_2023` order:
/// theme 30, story 30 | image 15, editing 10, subtitles 5 | creativity 5 | artistry 5); groups
/// content, technique, creativity, artistry; all steps 1 point.
const MAX: [u32; 7] = [30, 30, 15, 10, 5, 5, 5];

fn contest(method: AggregationMethod, tie_break: Vec<TieBreak>) -> Contest {
    let mut c = data::contest_template("cq-2023-short-video").unwrap();
    c.aggregation.method = method;
    c.tie_break = tie_break;
    c
}

fn default_chain() -> Vec<TieBreak> {
    vec![
        TieBreak::Group("content".into()),
        TieBreak::Group("technique".into()),
        TieBreak::TopScores,
    ]
}

fn score(hundredths: i64, denom: i64) -> Score {
    Score(Ratio::new(hundredths, denom))
}

#[derive(Default, Clone)]
struct Fx {
    works: Vec<String>,
    judges: Vec<String>,
    assignments: Vec<(String, String)>,
    sheets: Vec<Sheet>,
    recusals: Vec<(String, String)>,
    submitted: BTreeSet<String>,
}

impl Fx {
    fn assign(&mut self, j: &str, w: &str) -> &mut Self {
        if !self.works.iter().any(|x| x == w) {
            self.works.push(w.into());
        }
        if !self.judges.iter().any(|x| x == j) {
            self.judges.push(j.into());
            self.submitted.insert(j.into());
        }
        self.assignments.push((j.into(), w.into()));
        self
    }

    fn sheet(&mut self, j: &str, w: &str, steps: [u32; 7], complete: bool) -> &mut Self {
        self.assign(j, w);
        self.sheets.push(Sheet {
            judge: j.into(),
            work: w.into(),
            scores: jury_testkit::steps_2023(steps),
            complete,
        });
        self
    }

    fn scores(&mut self, j: &str, w: &str, steps: [u32; 7]) -> &mut Self {
        self.sheet(j, w, steps, true)
    }

    /// A complete sheet with this total, filled criterion by criterion in rubric order.
    fn total(&mut self, j: &str, w: &str, total: u32) -> &mut Self {
        let mut left = total;
        let steps = MAX.map(|m| {
            let s = m.min(left);
            left -= s;
            s
        });
        assert_eq!(left, 0, "total {total} above 100");
        self.scores(j, w, steps)
    }

    fn recuse(&mut self, j: &str, w: &str) -> &mut Self {
        self.assign(j, w);
        self.recusals.push((j.into(), w.into()));
        self
    }

    fn input<'a>(&self, c: &'a Contest) -> TallyInput<'a> {
        TallyInput {
            contest: c,
            works: self.works.clone(),
            judges: self.judges.clone(),
            assignments: self.assignments.clone(),
            sheets: self.sheets.clone(),
            recusals: self.recusals.clone(),
            submitted: self.submitted.clone(),
        }
    }

    fn run(&self, c: &Contest) -> Tally {
        tally(&self.input(c), &TallyParams::for_contest(c))
    }

    fn run_with(&self, c: &Contest, f: impl FnOnce(&mut TallyParams)) -> Tally {
        let mut p = TallyParams::for_contest(c);
        f(&mut p);
        tally(&self.input(c), &p)
    }
}

fn places(t: &Tally) -> Vec<(&str, Option<usize>)> {
    t.works.iter().map(|w| (w.work.as_str(), w.place)).collect()
}

// ---------------------------------------------------------------- aggregation

#[test]
fn mean_ranks_on_means_not_sums() {
    // A: 80, 90, 70 → sum 240, mean 80.  B: 85, 85 and J3 recused → sum 170, mean 85.
    let mut fx = Fx::default();
    fx.total("J1", "A", 80)
        .total("J2", "A", 90)
        .total("J3", "A", 70);
    fx.total("J1", "B", 85)
        .total("J2", "B", 85)
        .recuse("J3", "B");
    let c = contest(AggregationMethod::Mean, default_chain());
    let t = fx.run(&c);
    assert_eq!(places(&t), [("B", Some(1)), ("A", Some(2))]);
    let (a, b) = (t.work("A").unwrap(), t.work("B").unwrap());
    assert_eq!(b.aggregate, Some(Score::from_points(Points(8500))));
    assert_eq!(a.aggregate, Some(Score::from_points(Points(8000))));
    assert_eq!(
        (a.rule.clone(), b.recused, b.scored, b.shortfall),
        (WorkRule::Mean, 1, 2, 3)
    );
    assert_eq!(t.recusals, [("J3".to_string(), "B".to_string())]);
    assert!(!t.provisional);
}

#[test]
fn trimmed_mean_drops_one_high_and_one_low_only_with_enough_judges() {
    // A (5 judges): 90 80 80 70 20 → drop 90 and 20 → (80+80+70)/3 = 230/3 = 76.67; mean 68.
    // B (4 judges, one recused): 75 ×4 → fewer than trim_min_judges = 5 → plain mean 75.
    let mut fx = Fx::default();
    for (j, s) in ["J1", "J2", "J3", "J4", "J5"]
        .iter()
        .zip([90, 80, 80, 70, 20])
    {
        fx.total(j, "A", s);
    }
    for j in ["J1", "J2", "J3", "J4"] {
        fx.total(j, "B", 75);
    }
    fx.recuse("J5", "B");
    let c = contest(AggregationMethod::TrimmedMean, default_chain());
    let t = fx.run(&c);
    assert_eq!(places(&t), [("A", Some(1)), ("B", Some(2))]);
    let a = t.work("A").unwrap();
    assert_eq!(a.aggregate, Some(score(23000, 3)));
    assert_eq!(a.aggregate.unwrap().to_string(), "76.67");
    assert_eq!(
        a.rule,
        WorkRule::Trimmed {
            high: Points(9000),
            low: Points(2000)
        }
    );
    assert_eq!(a.mean, Some(score(6800, 1)));
    let b = t.work("B").unwrap();
    assert_eq!(b.aggregate, Some(score(7500, 1)));
    assert_eq!(
        b.rule,
        WorkRule::MeanTooFewToTrim {
            scored: 4,
            needed: 5
        }
    );

    // The same panel on plain means puts B first (75 > 68): the method matters.
    let t = fx.run_with(&c, |p| p.method = Some(AggregationMethod::Mean));
    assert_eq!(places(&t), [("B", Some(1)), ("A", Some(2))]);
    assert_eq!(t.method, AggregationMethod::Mean);
}

#[test]
fn trimming_never_empties_a_panel() {
    // trim_min_judges = 2 is taken as 3: two totals are never both dropped.
    let mut fx = Fx::default();
    fx.total("J1", "A", 90).total("J2", "A", 70);
    let mut c = contest(AggregationMethod::TrimmedMean, vec![]);
    c.aggregation.trim_min_judges = 2;
    let a = fx.run(&c).works[0].clone();
    assert_eq!(a.aggregate, Some(score(8000, 1)));
    assert_eq!(
        a.rule,
        WorkRule::MeanTooFewToTrim {
            scored: 2,
            needed: 3
        }
    );
}

/// J1 (lenient) scores A 90, B 80, C 70; J2 (strict) scores C 60, D 50, E 40.
fn two_scales() -> Fx {
    let mut fx = Fx::default();
    fx.total("J1", "A", 90)
        .total("J1", "B", 80)
        .total("J1", "C", 70);
    fx.total("J2", "C", 60)
        .total("J2", "D", 50)
        .total("J2", "E", 40);
    fx
}

#[test]
fn zscore_maps_each_judges_scale_back_onto_the_rubric() {
    // Each judge: mean 80 resp. 50, sd 10 → z = +1, 0, −1 for their three works.
    // Mean z: A 1, B 0, C (−1 + 1)/2 = 0, D 0, E −1.
    // M = 390/6 = 65, pooled within-judge sd S = 10 → aggregate 65 + 10·z̄: 75, 65, 65, 65, 55.
    // B, C, D tie at 65: content means B 60, C (60+60)/2 = 60, D 50 → D last of the three;
    // technique means B 20 vs C (10+0)/2 = 5 → B above C.
    let c = contest(AggregationMethod::Zscore, default_chain());
    let t = two_scales().run(&c);
    assert_eq!(
        t.zscore,
        Some(ZscoreStatus::Applied {
            grand_mean: score(6500, 1),
            pooled_sd: 10.0
        })
    );
    let agg: Vec<(&str, String)> = t
        .works
        .iter()
        .map(|w| (w.work.as_str(), w.aggregate.unwrap().to_string()))
        .collect();
    assert_eq!(
        agg,
        [
            ("A", "75".into()),
            ("B", "65".into()),
            ("C", "65".into()),
            ("D", "65".into()),
            ("E", "55".into())
        ]
    );
    assert_eq!(
        places(&t),
        [
            ("A", Some(1)),
            ("B", Some(2)),
            ("C", Some(3)),
            ("D", Some(4)),
            ("E", Some(5))
        ]
    );
    let ties: Vec<TieNote> = t.works.iter().map(|w| w.tie).collect();
    assert_eq!(
        ties,
        [
            TieNote::None,
            TieNote::None,
            TieNote::BrokenBy(1),
            TieNote::BrokenBy(0),
            TieNote::None
        ]
    );
    assert!(t.works.iter().all(|w| w.rule == WorkRule::Zscore));
    // Raw means would have put D (50) below C (65) too, but B (80) far above C.
    assert_eq!(t.work("C").unwrap().mean, Some(score(6500, 1)));
}

#[test]
fn zscore_falls_back_to_the_mean_and_says_why() {
    let c = contest(AggregationMethod::Zscore, vec![]);

    // Two judges who never share a work: their scales cannot be linked.
    let mut fx = Fx::default();
    fx.total("J1", "A", 90).total("J1", "B", 80);
    fx.total("J2", "C", 60).total("J2", "D", 50);
    let t = fx.run(&c);
    assert_eq!(
        t.zscore,
        Some(ZscoreStatus::FellBack(vec![ZscoreBlocker::Disconnected {
            components: 2
        }]))
    );
    assert!(t
        .works
        .iter()
        .all(|w| w.rule == WorkRule::MeanZscoreFallback));
    assert_eq!(
        places(&t),
        [
            ("A", Some(1)),
            ("B", Some(2)),
            ("C", Some(3)),
            ("D", Some(4))
        ]
    );

    // A judge with one work, and a judge whose totals are all equal.
    let mut fx = two_scales();
    fx.total("J3", "A", 70);
    fx.total("J4", "B", 60).total("J4", "E", 60);
    let t = fx.run(&c);
    assert_eq!(
        t.zscore,
        Some(ZscoreStatus::FellBack(vec![
            ZscoreBlocker::TooFewWorks("J3".into()),
            ZscoreBlocker::NoVariation("J4".into())
        ]))
    );

    let t = Fx::default().run(&c);
    assert_eq!(
        t.zscore,
        Some(ZscoreStatus::FellBack(vec![ZscoreBlocker::NoScores]))
    );
    assert!(t.works.is_empty());
}

// ---------------------------------------------------------------- tie-breaks

#[test]
fn group_subtotal_breaks_a_tie_on_the_mean() {
    // Both total 80 from one judge; A has content 30+30 = 60, B 30+20 = 50.
    let mut fx = Fx::default();
    fx.scores("J1", "B", [30, 20, 15, 5, 5, 5, 0]);
    fx.scores("J1", "A", [30, 30, 10, 5, 5, 0, 0]);
    let t = fx.run(&contest(AggregationMethod::Mean, default_chain()));
    assert_eq!(places(&t), [("A", Some(1)), ("B", Some(2))]);
    assert_eq!(t.works[1].tie, TieNote::BrokenBy(0));
    assert_eq!(
        t.works[0].group_means[0],
        ("content".to_string(), score(6000, 1))
    );
}

#[test]
fn second_group_breaks_a_tie_on_the_first() {
    // Total 80 and content 60 each; technique A 20 vs B 15 (B has 5 more creativity).
    let mut fx = Fx::default();
    fx.scores("J1", "A", [30, 30, 15, 5, 0, 0, 0]);
    fx.scores("J1", "B", [30, 30, 10, 5, 0, 5, 0]);
    let t = fx.run(&contest(AggregationMethod::Mean, default_chain()));
    assert_eq!(places(&t), [("A", Some(1)), ("B", Some(2))]);
    assert_eq!(t.works[1].tie, TieNote::BrokenBy(1));
}

#[test]
fn criterion_mean_breaks_a_tie() {
    // Mean 75 each over two judges; image means A (15+10)/2 = 12.5, B (10+10)/2 = 10.
    let mut fx = Fx::default();
    fx.scores("J1", "A", [30, 20, 15, 5, 5, 5, 0])
        .scores("J2", "A", [30, 20, 10, 5, 5, 0, 0]);
    fx.scores("J1", "B", [30, 25, 10, 5, 5, 5, 0])
        .scores("J2", "B", [30, 20, 10, 5, 5, 0, 0]);
    let c = contest(
        AggregationMethod::Mean,
        vec![TieBreak::Criterion("image".into())],
    );
    let t = fx.run(&c);
    assert_eq!(places(&t), [("A", Some(1)), ("B", Some(2))]);
    assert_eq!(t.works[1].tie, TieNote::BrokenBy(0));
    assert_eq!(
        t.work("A").unwrap().criterion_means[2],
        ("image".to_string(), score(1250, 1))
    );
}

#[test]
fn top_scores_prefer_the_larger_share_of_high_totals() {
    // Mean 80 each. A: 90, 70 (half its totals at 90). B: 85, 75. C: 80, 80.
    // Walking down from 90: A has a share at 90, the others none → A first; at 85 B → B second.
    let mut fx = Fx::default();
    fx.total("J1", "C", 80).total("J2", "C", 80);
    fx.total("J1", "B", 85).total("J2", "B", 75);
    fx.total("J1", "A", 90).total("J2", "A", 70);
    let t = fx.run(&contest(AggregationMethod::Mean, vec![TieBreak::TopScores]));
    assert_eq!(places(&t), [("A", Some(1)), ("B", Some(2)), ("C", Some(3))]);
    assert_eq!(t.works[1].tie, TieNote::BrokenBy(0));

    // A recusal does not cost a work its top scores: D 90, 70 with a third judge recused
    // ties A (same distribution), instead of losing on raw counts.
    fx.total("J1", "D", 90)
        .total("J2", "D", 70)
        .recuse("J3", "D");
    let t = fx.run(&contest(AggregationMethod::Mean, vec![TieBreak::TopScores]));
    assert_eq!(places(&t)[..2], [("A", Some(1)), ("D", Some(1))]);
}

#[test]
fn surviving_ties_share_the_place_competition_style() {
    // 90, 80, 80, 70 → places 1, 2, 2, 4; tied works listed by id.
    let mut fx = Fx::default();
    fx.total("J1", "W4", 70)
        .total("J1", "W3", 80)
        .total("J1", "W2", 80)
        .total("J1", "W1", 90);
    let t = fx.run(&contest(AggregationMethod::Mean, default_chain()));
    assert_eq!(
        places(&t),
        [
            ("W1", Some(1)),
            ("W2", Some(2)),
            ("W3", Some(2)),
            ("W4", Some(4))
        ]
    );
    assert_eq!(t.works[2].tie, TieNote::Shared);
}

#[test]
fn tied_and_unranked_works_follow_work_numbers_not_text() {
    // "10" sorts before "2" as text; people number works 2 before 10.
    let mut fx = Fx::default();
    fx.total("J1", "10", 80)
        .total("J1", "2", 80)
        .total("J1", "1", 90)
        .assign("J1", "11")
        .assign("J1", "3");
    let t = fx.run(&contest(AggregationMethod::Mean, default_chain()));
    assert_eq!(
        places(&t),
        [
            ("1", Some(1)),
            ("2", Some(2)),
            ("10", Some(2)),
            ("3", None),
            ("11", None)
        ]
    );
}

// ---------------------------------------------------------------- award tiers

/// Ten works ranked by one total each from two judges (so nothing breaks ties): 2023 tiers
/// 10/15/25 % of 10, rounded to nearest → cumulative cut-offs 1, 3 (2.5 rounds up), 5.
/// Nominal awards by position: first | second second | third third | rest ×5.
fn ten(totals: [u32; 10], rule: BoundaryTies) -> Tally {
    let mut fx = Fx::default();
    for (i, t) in totals.iter().enumerate() {
        let w = format!("W{:02}", i + 1);
        fx.total("J1", &w, *t).total("J2", &w, *t);
    }
    let mut c = contest(AggregationMethod::Mean, vec![]);
    c.awards.boundary_ties = rule;
    c.awards.rounding = Rounding::Nearest;
    fx.run(&c)
}

fn outcomes(t: &Tally) -> Vec<AwardOutcome> {
    t.works.iter().map(|w| w.award.unwrap()).collect()
}

const T0: Award = Award::Tier(0);
const T1: Award = Award::Tier(1);
const T2: Award = Award::Tier(2);
const R: Award = Award::Rest;

fn aw(a: Award) -> AwardOutcome {
    AwardOutcome::Awarded(a)
}

#[test]
fn without_ties_tiers_follow_the_cumulative_cut_offs() {
    let t = ten(
        [100, 95, 90, 85, 80, 75, 70, 65, 60, 55],
        BoundaryTies::Flag,
    );
    assert_eq!(outcomes(&t), [T0, T1, T1, T2, T2, R, R, R, R, R].map(aw));
    let cut: Vec<(usize, usize, Option<usize>, Option<String>)> = t
        .tiers
        .iter()
        .map(|c| {
            (
                c.target,
                c.awarded,
                c.last_place,
                c.lowest.map(|s| s.to_string()),
            )
        })
        .collect();
    assert_eq!(
        cut,
        [
            (1, 1, Some(1), Some("100".into())),
            (2, 2, Some(3), Some("90".into())),
            (2, 2, Some(5), Some("80".into())),
            (5, 5, Some(10), Some("55".into()))
        ]
    );
    assert!(t.boundary_ties.is_empty());
}

#[test]
fn ties_at_every_boundary_under_every_rule() {
    // For each cut-off (after position 1, 3 and 5) make the two works around it tie.
    let base = [100, 95, 90, 85, 80, 75, 70, 65, 60, 55];
    let nominal = [T0, T1, T1, T2, T2, R, R, R, R, R];
    for cut in [1usize, 3, 5] {
        let mut totals = base;
        totals[cut] = totals[cut - 1];
        let (best, worst) = (nominal[cut - 1], nominal[cut]);
        for rule in [BoundaryTies::Up, BoundaryTies::Down, BoundaryTies::Flag] {
            let t = ten(totals, rule);
            let mut expected = nominal.map(aw);
            let tied = match rule {
                BoundaryTies::Up => aw(best),
                BoundaryTies::Down => aw(worst),
                BoundaryTies::Flag => AwardOutcome::PanelDecides { best, worst },
            };
            expected[cut - 1] = tied;
            expected[cut] = tied;
            assert_eq!(outcomes(&t), expected, "cut {cut} rule {rule:?}");
            let settled = match rule {
                BoundaryTies::Up => Some(best),
                BoundaryTies::Down => Some(worst),
                BoundaryTies::Flag => None,
            };
            let ids = vec![format!("W{:02}", cut), format!("W{:02}", cut + 1)];
            assert_eq!(
                t.boundary_ties,
                [BoundaryTie {
                    place: cut,
                    works: ids.clone(),
                    best,
                    worst,
                    settled
                }]
            );
            let flagged: Vec<&str> = t.flagged().map(|w| w.work.as_str()).collect();
            assert_eq!(
                flagged.len(),
                if rule == BoundaryTies::Flag { 2 } else { 0 }
            );
            // The cut-off report counts what each tier really got.
            let got = |a: Award| t.tiers.iter().find(|c| c.award == a).unwrap().awarded;
            let nominal_count = |a: Award| nominal.iter().filter(|&&x| x == a).count();
            match rule {
                BoundaryTies::Up => assert_eq!(
                    (got(best), got(worst)),
                    (nominal_count(best) + 1, nominal_count(worst) - 1)
                ),
                BoundaryTies::Down => assert_eq!(
                    (got(best), got(worst)),
                    (nominal_count(best) - 1, nominal_count(worst) + 1)
                ),
                BoundaryTies::Flag => {
                    assert_eq!(
                        (got(best), got(worst)),
                        (nominal_count(best) - 1, nominal_count(worst) - 1)
                    );
                    let c = t.tiers.iter().find(|c| c.award == best).unwrap();
                    assert_eq!(c.undecided, 2);
                }
            }
        }
    }
}

#[test]
fn a_tie_can_span_several_cut_offs() {
    // Positions 0–3 tie: nominally first, second, second, third.
    let totals = [100, 100, 100, 100, 80, 75, 70, 65, 60, 55];
    let t = ten(totals, BoundaryTies::Flag);
    let d = AwardOutcome::PanelDecides {
        best: T0,
        worst: T2,
    };
    assert_eq!(outcomes(&t)[..5], [d, d, d, d, aw(T2)]);
    let t = ten(totals, BoundaryTies::Up);
    // All four first; the second tier (cut-off 3) is used up; third gets position 4.
    assert_eq!(
        outcomes(&t)[..6],
        [aw(T0), aw(T0), aw(T0), aw(T0), aw(T2), aw(R)]
    );
    assert_eq!(t.tiers[1].awarded, 0);
    let t = ten(totals, BoundaryTies::Down);
    assert_eq!(
        outcomes(&t)[..6],
        [aw(T2), aw(T2), aw(T2), aw(T2), aw(T2), aw(R)]
    );
    assert_eq!(
        (t.tiers[0].awarded, t.tiers[0].last_place, t.tiers[0].lowest),
        (0, None, None)
    );
}

#[test]
fn rounding_rule_sets_the_cut_offs() {
    // 7 works: 10 % = 0.7, 25 % = 1.75, 50 % = 3.5.
    let mut fx = Fx::default();
    for i in 0..7u32 {
        fx.total("J1", &format!("W{i}"), 90 - i);
    }
    let mut c = contest(AggregationMethod::Mean, vec![]);
    let cumulative = |c: &Contest| {
        fx.run(c)
            .tiers
            .iter()
            .map(|t| t.cumulative_target)
            .collect::<Vec<_>>()
    };
    c.awards.rounding = Rounding::Floor;
    assert_eq!(cumulative(&c), [0, 1, 3, 7]);
    c.awards.rounding = Rounding::Ceil;
    assert_eq!(cumulative(&c), [1, 2, 4, 7]);
    c.awards.rounding = Rounding::Nearest;
    assert_eq!(cumulative(&c), [1, 2, 4, 7]);
}

// ---------------------------------------------------------------- tiny panels

#[test]
fn one_judge_panel() {
    let mut fx = Fx::default();
    fx.total("J1", "A", 70).total("J1", "B", 90);
    let c = contest(AggregationMethod::TrimmedMean, default_chain());
    let t = fx.run(&c);
    assert_eq!(places(&t), [("B", Some(1)), ("A", Some(2))]);
    let b = t.work("B").unwrap();
    assert_eq!(
        (b.aggregate, b.spread, b.sd, b.high_spread),
        (Some(score(9000, 1)), None, None, false)
    );
    assert_eq!(
        b.rule,
        WorkRule::MeanTooFewToTrim {
            scored: 1,
            needed: 5
        }
    );
    assert_eq!(b.shortfall, 4);
    assert_eq!(t.reliability, Reliability::default());
    assert_eq!(t.judge("J1").unwrap().severity, None);
    assert!(t.outliers.is_empty());
}

#[test]
fn two_judge_panel() {
    // A: 90 and 60 → mean 75, spread 30 > 20 (20 % of 100) → flagged, sd √450 = 21.21.
    // B: 80 and 78 → mean 79. Two judges are never outliers (either could be the odd one).
    let mut fx = Fx::default();
    fx.total("J1", "A", 90)
        .total("J2", "A", 60)
        .total("J1", "B", 80)
        .total("J2", "B", 78);
    let t = fx.run(&contest(AggregationMethod::Mean, default_chain()));
    assert_eq!(places(&t), [("B", Some(1)), ("A", Some(2))]);
    let a = t.work("A").unwrap();
    assert_eq!((a.spread, a.high_spread), (Some(Points(3000)), true));
    assert!((a.sd.unwrap() - 450f64.sqrt()).abs() < 1e-9);
    assert!(!t.work("B").unwrap().high_spread);
    assert!(t.outliers.is_empty());
    // J1 is +15 on A and +1 on B → severity +8; J2 −8.
    assert_eq!(t.judge("J1").unwrap().severity, Some(8.0));
    assert_eq!(t.judge("J2").unwrap().severity, Some(-8.0));
    // Complete 2 × 2 design: the two-way table exists.
    assert!(t.reliability.icc_two_way.is_some());
}

// ---------------------------------------------------------------- statistics

#[test]
fn severity_and_outliers() {
    // A: J1 90, J2 80, J3 70 (mean 80) → +10, 0, −10.  B: J1 60, J2 50 (mean 55) → +5, −5.
    // Severity: J1 (10 + 5)/2 = 7.5, J2 (0 − 5)/2 = −2.5, J3 −10.
    // C (5 judges): J1 90, J2 60, J3 58, J4 62, J5 59 → trimmed mean drops 90 and 58:
    // (60 + 62 + 59)/3 = 181/3 = 60.33; J1 is 29.67 above → outlier (limit 15).
    let mut fx = Fx::default();
    fx.total("J1", "A", 90)
        .total("J2", "A", 80)
        .total("J3", "A", 70);
    fx.total("J1", "B", 60).total("J2", "B", 50);
    let t = fx.run(&contest(AggregationMethod::Mean, vec![]));
    let sev: Vec<Option<f64>> = t.judges.iter().map(|j| j.severity).collect();
    assert_eq!(sev, [Some(7.5), Some(-2.5), Some(-10.0)]);
    assert_eq!(t.judge("J1").unwrap().mean_total, Some(score(7500, 1)));

    let mut fx = Fx::default();
    for (j, s) in ["J1", "J2", "J3", "J4", "J5"]
        .iter()
        .zip([90, 60, 58, 62, 59])
    {
        fx.total(j, "C", s);
    }
    let t = fx.run(&contest(AggregationMethod::Mean, vec![]));
    assert_eq!(
        t.outliers,
        [Outlier {
            work: "C".into(),
            judge: "J1".into(),
            total: Points(9000),
            reference: score(18100, 3),
            deviation: score(8900, 3)
        }]
    );
    assert_eq!(t.judge("J1").unwrap().outliers, 1);
    assert!(t.work("C").unwrap().high_spread); // 32 > 20
                                               // A wider limit: no outlier.
    let t = fx.run_with(&contest(AggregationMethod::Mean, vec![]), |p| {
        p.outlier = Points(3000)
    });
    assert!(t.outliers.is_empty());
}

// ---------------------------------------------------------------- recusals, missing, provisional

#[test]
fn a_recused_judges_sheet_leaks_nowhere() {
    // J3 recused from A, yet a sheet for (J3, A) turns up with 100 points.
    let mut fx = Fx::default();
    fx.total("J1", "A", 80)
        .total("J2", "A", 70)
        .recuse("J3", "A");
    fx.total("J1", "B", 60)
        .total("J2", "B", 65)
        .total("J3", "B", 75);
    fx.total("J3", "C", 50).total("J1", "C", 55);
    let c = contest(AggregationMethod::Zscore, default_chain());
    let clean = fx.run(&c);
    let mut leaky = fx.clone();
    leaky.total("J3", "A", 100);
    leaky.assignments.pop(); // the helper assigned the pair again
    let t = leaky.run(&c);
    assert_eq!(
        t.ignored,
        [Ignored {
            judge: "J3".into(),
            work: "A".into(),
            item: IgnoredItem::Sheet,
            reason: IgnoreReason::Recused
        }]
    );
    // Everything else — aggregates, places, judge figures, statistics — is as if it never came.
    assert_eq!(
        Tally {
            ignored: vec![],
            ..t
        },
        clean
    );
    let j3 = clean.judge("J3").unwrap();
    assert_eq!((j3.assigned, j3.scored, j3.recused), (3, 2, 1));
    assert_eq!(clean.work("A").unwrap().judge_totals.len(), 2);
}

#[test]
fn missing_scores_and_unsubmitted_ballots_are_listed() {
    let mut fx = Fx::default();
    fx.total("J1", "A", 80).total("J2", "A", 70);
    fx.sheet("J3", "A", [10, 10, 0, 0, 0, 0, 0], false); // not finished
    fx.total("J1", "B", 60);
    fx.assign("J2", "B"); // no sheet
    fx.sheet("J3", "B", [31, 10, 0, 0, 0, 0, 0], true); // theme above 30
    fx.assign("J1", "C"); // C: nothing counted
    let mut partial = Sheet {
        judge: "J2".into(),
        work: "C".into(),
        scores: BTreeMap::new(),
        complete: true,
    };
    partial.scores.insert("theme".into(), 20);
    fx.assign("J2", "C");
    fx.sheets.push(partial);
    fx.sheets.push(Sheet {
        judge: "J9".into(),
        work: "A".into(),
        scores: BTreeMap::new(),
        complete: true,
    });
    fx.total("J1", "Z", 50);
    fx.assignments.retain(|(j, w)| !(j == "J1" && w == "Z")); // a sheet nobody assigned
    fx.submitted.remove("J2");

    let c = contest(AggregationMethod::Mean, default_chain());
    let t = fx.run(&c);
    assert!(t.provisional);
    assert_eq!(t.unsubmitted, ["J2"]);
    let missing: Vec<(&str, &str, MissingReason)> = t
        .missing
        .iter()
        .map(|m| (m.work.as_str(), m.judge.as_str(), m.reason.clone()))
        .collect();
    assert_eq!(
        missing,
        [
            ("A", "J3", MissingReason::Incomplete),
            ("B", "J2", MissingReason::NoSheet),
            ("B", "J3", MissingReason::OutOfRange("theme".into())),
            ("C", "J1", MissingReason::NoSheet),
            ("C", "J2", MissingReason::Unscored("story".into())),
        ]
    );
    let ignored: Vec<(&str, &str, IgnoreReason)> = t
        .ignored
        .iter()
        .map(|i| (i.judge.as_str(), i.work.as_str(), i.reason))
        .collect();
    assert_eq!(
        ignored,
        [
            ("J1", "Z", IgnoreReason::NotAssigned),
            ("J9", "A", IgnoreReason::UnknownJudge)
        ]
    );
    // C has no counted sheet: listed last, unranked, not hidden.
    assert_eq!(
        places(&t),
        [("A", Some(1)), ("B", Some(2)), ("C", None), ("Z", None)]
    );
    let b = t.work("B").unwrap();
    assert_eq!(
        (b.assigned, b.scored, b.missing, b.aggregate),
        (3, 1, 2, Some(score(6000, 1)))
    );
    assert_eq!(t.work("C").unwrap().rule, WorkRule::Unscored);
    assert_eq!(t.work("C").unwrap().award, None);

    // Counting only submitted ballots drops J2's sheets and says so.
    let t = fx.run_with(&c, |p| p.only_submitted = true);
    assert!(t
        .missing
        .iter()
        .any(|m| m.judge == "J2" && m.work == "A" && m.reason == MissingReason::NotSubmitted));
    assert_eq!(t.work("A").unwrap().aggregate, Some(score(8000, 1)));

    // Requiring two sheets leaves B unranked too.
    let t = fx.run_with(&c, |p| p.min_scores = 2);
    assert_eq!(
        places(&t),
        [("A", Some(1)), ("B", None), ("C", None), ("Z", None)]
    );
}

#[test]
fn duplicate_sheets_count_for_nothing() {
    let mut fx = Fx::default();
    fx.total("J1", "A", 80)
        .total("J2", "A", 70)
        .total("J2", "A", 90);
    fx.assignments.pop();
    let t = fx.run(&contest(AggregationMethod::Mean, vec![]));
    assert_eq!(t.missing[0].reason, MissingReason::Duplicate);
    assert_eq!(t.work("A").unwrap().aggregate, Some(score(8000, 1)));
}

// ---------------------------------------------------------------- reliability

/// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
/// observers, twelve units, missing values; interval alpha = 0.849.
const KRIPPENDORFF: [[Option<i64>; 12]; 4] = {
    const N: Option<i64> = None;
    [
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(1),
            Some(4),
            Some(1),
            Some(2),
            N,
            N,
            N,
        ],
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(2),
            Some(4),
            Some(1),
            Some(2),
            Some(5),
            N,
            Some(3),
        ],
        [
            N,
            Some(3),
            Some(3),
            Some(3),
            Some(2),
            Some(3),
            Some(4),
            Some(2),
            Some(2),
            Some(5),
            Some(1),
            N,
        ],
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(4),
            Some(4),
            Some(1),
            Some(2),
            Some(5),
            Some(1),
            N,
        ],
    ]
};

/// Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
const SHROUT_FLEISS: [[i64; 4]; 6] = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
];

#[test]
fn krippendorff_alpha_matches_krippendorffs_worked_example() {
    let units: Vec<Vec<i64>> = (0..12)
        .map(|u| KRIPPENDORFF.iter().filter_map(|obs| obs[u]).collect())
        .collect();
    let alpha = stats::krippendorff_alpha_interval(&units).unwrap();
    assert!((alpha - 0.849).abs() < 0.0005, "{alpha}");
    // Only values within a unit matter: the same data scaled to hundredths gives the same.
    let scaled: Vec<Vec<i64>> = units
        .iter()
        .map(|u| u.iter().map(|v| v * 100).collect())
        .collect();
    assert!((stats::krippendorff_alpha_interval(&scaled).unwrap() - alpha).abs() < 1e-12);
}

#[test]
fn icc_matches_shrout_and_fleiss() {
    let rows: Vec<Vec<i64>> = SHROUT_FLEISS.iter().map(|r| r.to_vec()).collect();
    let icc = stats::icc_two_way(&rows).unwrap();
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    assert_eq!(
        [icc.icc1_1, icc.icc2_1, icc.icc3_1].map(round2),
        [0.17, 0.29, 0.71]
    );
    assert_eq!(
        [icc.icc1_k, icc.icc2_k, icc.icc3_k].map(round2),
        [0.44, 0.62, 0.91]
    );
    // The one-way (unbalanced) form agrees with ICC(1,1) and ICC(1,k) on a balanced table.
    let one = stats::icc_oneway(&rows).unwrap();
    assert!((one.single - icc.icc1_1).abs() < 1e-12 && (one.average - icc.icc1_k).abs() < 1e-12);
    assert_eq!((one.k0, one.works, one.ratings), (4.0, 6, 24));
}

#[test]
fn the_tally_reports_reliability_of_its_own_panel() {
    // Shrout & Fleiss targets as works, their ratings as judge totals (points).
    let mut fx = Fx::default();
    for (w, row) in SHROUT_FLEISS.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            fx.total(&format!("J{j}"), &format!("W{w}"), *v as u32);
        }
    }
    let t = fx.run(&contest(AggregationMethod::Mean, default_chain()));
    let icc = t.reliability.icc_two_way.unwrap();
    assert!((icc.icc2_1 - 0.29).abs() < 0.005 && (icc.icc3_1 - 0.71).abs() < 0.005);
    assert!((t.reliability.icc_oneway.unwrap().single - 0.17).abs() < 0.005);

    // Krippendorff's observers as judges, units as works: missing cells are unassigned.
    let mut fx = Fx::default();
    for (o, obs) in KRIPPENDORFF.iter().enumerate() {
        for (u, v) in obs.iter().enumerate() {
            if let Some(v) = v {
                fx.total(&format!("O{o}"), &format!("U{u:02}"), *v as u32);
            }
        }
    }
    let t = fx.run(&contest(AggregationMethod::Mean, default_chain()));
    assert!((t.reliability.alpha_interval.unwrap() - 0.849).abs() < 0.0005);
    assert!(t.reliability.icc_two_way.is_none()); // incomplete design
    let one = t.reliability.icc_oneway.unwrap();
    assert_eq!((one.works, one.ratings), (11, 40)); // unit 12 has one value
}
