//! Property tests for the results engine (src/tally).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use jury_core::data;
use jury_core::model::contest::{AggregationMethod, BoundaryTies, Rounding, TieBreak};
use jury_core::model::Contest;
use jury_core::tally::*;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

#[derive(Debug, Clone)]
enum Cell {
    Unassigned,
    NoSheet,
    Recused,
    Incomplete([u32; 7]),
    Scored([u32; 7]),
}

fn steps() -> impl Strategy<Value = [u32; 7]> {
    // Small values so that equal totals, equal group means and equal top scores are common.
    prop::array::uniform7(0u32..=3)
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        2 => Just(Cell::Unassigned),
        1 => Just(Cell::NoSheet),
        1 => Just(Cell::Recused),
        1 => steps().prop_map(Cell::Incomplete),
        8 => steps().prop_map(Cell::Scored),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    works: usize,
    judges: usize,
    cells: Vec<Cell>,
    unsubmitted: BTreeSet<usize>,
    method: AggregationMethod,
    chain: Vec<TieBreak>,
    rule: BoundaryTies,
    rounding: Rounding,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..12, 1usize..6)
        .prop_flat_map(|(w, j)| {
            (
                Just(w),
                Just(j),
                prop::collection::vec(cell(), w * j),
                prop::collection::btree_set(0..j, 0..2),
                prop_oneof![
                    Just(AggregationMethod::Mean),
                    Just(AggregationMethod::TrimmedMean),
                    Just(AggregationMethod::Zscore)
                ],
                Just(vec![
                    TieBreak::Group("content".into()),
                    TieBreak::Group("technique".into()),
                    TieBreak::Criterion("image".into()),
                    TieBreak::TopScores,
                ])
                .prop_shuffle()
                .prop_flat_map(|v| (0..=v.len()).prop_map(move |n| v[..n].to_vec())),
                prop_oneof![
                    Just(BoundaryTies::Up),
                    Just(BoundaryTies::Down),
                    Just(BoundaryTies::Flag)
                ],
                prop_oneof![
                    Just(Rounding::Floor),
                    Just(Rounding::Ceil),
                    Just(Rounding::Nearest)
                ],
            )
        })
        .prop_map(
            |(works, judges, cells, unsubmitted, method, chain, rule, rounding)| Case {
                works,
                judges,
                cells,
                unsubmitted,
                method,
                chain,
                rule,
                rounding,
            },
        )
}

impl Case {
    fn contest(&self) -> Contest {
        let mut c = data::contest_template("cq-2023-short-video").unwrap();
        c.aggregation.method = self.method;
        c.aggregation.trim_min_judges = 3;
        c.tie_break = self.chain.clone();
        c.awards.boundary_ties = self.rule;
        c.awards.rounding = self.rounding;
        c
    }

    fn input<'a>(
        &self,
        contest: &'a Contest,
        judge_name: impl Fn(usize) -> String,
    ) -> TallyInput<'a> {
        let mut input = TallyInput {
            contest,
            works: (0..self.works).map(work_name).collect(),
            judges: (0..self.judges).map(&judge_name).collect(),
            assignments: Vec::new(),
            sheets: Vec::new(),
            recusals: Vec::new(),
            submitted: (0..self.judges)
                .filter(|j| !self.unsubmitted.contains(j))
                .map(&judge_name)
                .collect(),
        };
        for w in 0..self.works {
            for j in 0..self.judges {
                let (jn, wn) = (judge_name(j), work_name(w));
                let sheet = |s: &[u32; 7], complete| Sheet {
                    judge: jn.clone(),
                    work: wn.clone(),
                    scores: jury_testkit::steps_2023(*s),
                    complete,
                };
                match &self.cells[w * self.judges + j] {
                    Cell::Unassigned => continue,
                    Cell::NoSheet => {}
                    Cell::Recused => input.recusals.push((jn.clone(), wn.clone())),
                    Cell::Incomplete(s) => input.sheets.push(sheet(s, false)),
                    Cell::Scored(s) => input.sheets.push(sheet(s, true)),
                }
                input.assignments.push((jn, wn));
            }
        }
        input
    }
}

fn work_name(w: usize) -> String {
    format!("W{w:02}")
}

fn judge_name(j: usize) -> String {
    format!("J{j}")
}

/// The ranking key as the documentation defines it, recomputed from the public results:
/// `Greater` when `a` should rank above `b`.
fn key_cmp(a: &WorkResult, b: &WorkResult, chain: &[TieBreak]) -> Ordering {
    let mut o = a.aggregate.cmp(&b.aggregate);
    for t in chain {
        if o != Ordering::Equal {
            break;
        }
        o = match t {
            TieBreak::Group(id) => find(&a.group_means, id).cmp(&find(&b.group_means, id)),
            TieBreak::Criterion(id) => {
                find(&a.criterion_means, id).cmp(&find(&b.criterion_means, id))
            }
            TieBreak::TopScores => shares_from_top(a).cmp(&shares_from_top(b)),
        };
    }
    o
}

fn find(list: &[(String, Score)], id: &str) -> Option<Score> {
    list.iter().find(|(k, _)| k == id).map(|(_, v)| *v)
}

/// Share of judge totals at each possible total (hundredths, 0 to 100 points), highest
/// first; comparing these vectors lexicographically is the documented top-score rule.
fn shares_from_top(w: &WorkResult) -> Vec<num_rational::Ratio<i64>> {
    let n = w.judge_totals.len() as i64;
    (0..=10000i64)
        .rev()
        .step_by(100)
        .map(|v| {
            num_rational::Ratio::new(
                w.judge_totals.iter().filter(|(_, p)| p.0 == v).count() as i64,
                n,
            )
        })
        .collect()
}

/// What a reader of the results sees of each work: id, place, award, aggregate, tie note.
type RankRow = (
    String,
    Option<usize>,
    Option<AwardOutcome>,
    Option<Score>,
    TieNote,
);

fn rank_view(t: &Tally) -> Vec<RankRow> {
    t.works
        .iter()
        .map(|w| (w.work.clone(), w.place, w.award, w.aggregate, w.tie))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Places are the competition ranking of a total preorder: a work's place is one more
    /// than the number of works strictly above it by the documented key, equal keys share
    /// a place, and awards never get worse as the place gets better.
    #[test]
    fn ranking_is_a_total_preorder(case in case()) {
        let contest = case.contest();
        let t = tally(&case.input(&contest, judge_name), &TallyParams::for_contest(&contest));
        let ranked: Vec<&WorkResult> = t.works.iter().filter(|w| w.place.is_some()).collect();
        prop_assert!(t.works[ranked.len()..].iter().all(|w| w.place.is_none() && w.scored == 0));
        for a in &ranked {
            let above = ranked.iter().filter(|b| key_cmp(b, a, &case.chain) == Ordering::Greater).count();
            prop_assert_eq!(a.place, Some(above + 1), "{}", a.work);
            for b in &ranked {
                let o = key_cmp(a, b, &case.chain);
                prop_assert_eq!(o, b.place.cmp(&a.place), "{} vs {}", a.work, b.work);
                if a.place == b.place {
                    prop_assert_eq!(a.award, b.award);
                }
                if let (Some(AwardOutcome::Awarded(x)), Some(AwardOutcome::Awarded(y))) = (a.award, b.award) {
                    if a.place < b.place {
                        prop_assert!(x <= y);
                    }
                }
            }
        }
        // Listed order follows places; a flagged award is only ever a boundary tie.
        prop_assert!(ranked.windows(2).all(|p| p[0].place <= p[1].place));
        let flagged: BTreeSet<&str> = t
            .boundary_ties
            .iter()
            .filter(|b| b.settled.is_none())
            .flat_map(|b| b.works.iter().map(String::as_str))
            .collect();
        let undecided: BTreeSet<&str> = t.flagged().map(|w| w.work.as_str()).collect();
        prop_assert_eq!(flagged, undecided);
        prop_assert_eq!(t.provisional, !t.unsubmitted.is_empty());
    }

    /// Shuffling every input list changes nothing at all; renaming judges changes no place,
    /// award or aggregate.
    #[test]
    fn input_order_and_judge_names_change_nothing(case in case(), seed in any::<u64>()) {
        let contest = case.contest();
        let params = TallyParams::for_contest(&contest);
        let reference = tally(&case.input(&contest, judge_name), &params);

        let mut rng = StdRng::seed_from_u64(seed);
        let mut shuffled = case.input(&contest, judge_name);
        shuffled.works.shuffle(&mut rng);
        shuffled.judges.shuffle(&mut rng);
        shuffled.assignments.shuffle(&mut rng);
        shuffled.sheets.shuffle(&mut rng);
        shuffled.recusals.shuffle(&mut rng);
        prop_assert_eq!(&tally(&shuffled, &params), &reference);

        let mut perm: Vec<usize> = (0..case.judges).collect();
        perm.shuffle(&mut rng);
        let renamed = tally(&case.input(&contest, |j| format!("K{}", perm[j])), &params);
        prop_assert_eq!(rank_view(&renamed), rank_view(&reference));
    }
}

/// A connected design where every judge scores at least two works: work `w` goes to judges
/// `w mod J` and `(w + 1) mod J`, plus random extra judges.
#[derive(Debug, Clone)]
struct Design {
    judges: usize,
    rows: Vec<Vec<Option<[u32; 7]>>>,
}

fn design() -> impl Strategy<Value = Design> {
    (2usize..6)
        .prop_flat_map(|j| (Just(j), j..14))
        .prop_flat_map(|(j, w)| {
            let row = prop::collection::vec(
                (any::<bool>(), prop::array::uniform7(0u32..=4), 0u32..=25),
                j,
            );
            (Just(j), prop::collection::vec(row, w))
        })
        .prop_map(|(judges, raw)| {
            let rows = raw
                .into_iter()
                .enumerate()
                .map(|(w, row)| {
                    row.into_iter()
                        .enumerate()
                        .map(|(j, (extra, mut s, theme))| {
                            s[0] = theme;
                            (extra || j == w % judges || j == (w + 1) % judges).then_some(s)
                        })
                        .collect()
                })
                .collect();
            Design { judges, rows }
        })
}

impl Design {
    fn input<'a>(&self, contest: &'a Contest, shifted: usize, by: u32) -> TallyInput<'a> {
        let mut input = TallyInput {
            contest,
            works: (0..self.rows.len()).map(work_name).collect(),
            judges: (0..self.judges).map(judge_name).collect(),
            assignments: Vec::new(),
            sheets: Vec::new(),
            recusals: Vec::new(),
            submitted: (0..self.judges).map(judge_name).collect(),
        };
        for (w, row) in self.rows.iter().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                let Some(s) = cell else { continue };
                let mut s = *s;
                if j == shifted {
                    s[0] += by; // theme stays within 30
                }
                input.assignments.push((judge_name(j), work_name(w)));
                input.sheets.push(Sheet {
                    judge: judge_name(j),
                    work: work_name(w),
                    scores: jury_testkit::steps_2023(s),
                    complete: true,
                });
            }
        }
        input
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Adding a constant to every total of one judge (a lenient or strict judge) leaves the
    /// z-score ranking exactly as it was.
    #[test]
    fn a_judges_constant_offset_does_not_move_the_normalised_ranking(d in design(), shifted in 0usize..6, by in 1u32..=5) {
        let mut contest = data::contest_template("cq-2023-short-video").unwrap();
        contest.aggregation.method = AggregationMethod::Zscore;
        contest.tie_break = Vec::new(); // raw-score tie-breaks would see the offset
        let params = TallyParams::for_contest(&contest);
        let before = tally(&d.input(&contest, usize::MAX, 0), &params);
        prop_assume!(matches!(before.zscore, Some(ZscoreStatus::Applied { .. })));
        let after = tally(&d.input(&contest, shifted % d.judges, by), &params);
        let applied = matches!(after.zscore, Some(ZscoreStatus::Applied { .. }));
        prop_assert!(applied);
        let view = |t: &Tally| t.works.iter().map(|w| (w.work.clone(), w.place, w.award)).collect::<Vec<_>>();
        prop_assert_eq!(view(&after), view(&before));
    }
}
