//! Tally of a large contest: 10,000 works × 100 judges, 5 judges per work (50,000 sheets of
//! the 2023 rubric's 7 criteria). Goal: one full tally (aggregation, ranking, tiers,
//! statistics) in at most 1 s.

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use jury_core::data;
use jury_core::model::contest::AggregationMethod;
use jury_core::model::Contest;
use jury_core::tally::{tally, Sheet, TallyInput, TallyParams, ZscoreStatus};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const WORKS: usize = 10_000;
const JUDGES: usize = 100;
const PER_WORK: usize = 5;

fn input(contest: &Contest) -> TallyInput<'_> {
    let mut rng = StdRng::seed_from_u64(2023);
    let criteria: Vec<(String, u32)> = contest
        .rubric
        .criteria()
        .map(|c| (c.id.clone(), c.max_steps()))
        .collect();
    let works: Vec<String> = (0..WORKS).map(|w| format!("W{w:05}")).collect();
    let judges: Vec<String> = (0..JUDGES).map(|j| format!("J{j:03}")).collect();
    let mut assignments = Vec::with_capacity(WORKS * PER_WORK);
    let mut sheets = Vec::with_capacity(WORKS * PER_WORK);
    for w in &works {
        for j in rand::seq::index::sample(&mut rng, JUDGES, PER_WORK) {
            let scores: BTreeMap<String, u32> = criteria
                .iter()
                .map(|(id, max)| (id.clone(), rng.random_range(max / 3..=*max)))
                .collect();
            assignments.push((judges[j].clone(), w.clone()));
            sheets.push(Sheet {
                judge: judges[j].clone(),
                work: w.clone(),
                scores,
                complete: true,
            });
        }
    }
    let submitted: BTreeSet<String> = judges.iter().cloned().collect();
    TallyInput {
        contest,
        works,
        judges,
        assignments,
        sheets,
        recusals: Vec::new(),
        submitted,
    }
}

fn bench(c: &mut Criterion) {
    let contest = data::contest_template("cq-2023-short-video").unwrap();
    let input = input(&contest);
    let mut group = c.benchmark_group("tally_10000x100x5");
    group.sample_size(10);
    for method in [
        AggregationMethod::TrimmedMean,
        AggregationMethod::Mean,
        AggregationMethod::Zscore,
    ] {
        let params = TallyParams {
            method: Some(method),
            ..TallyParams::for_contest(&contest)
        };
        let t = tally(&input, &params);
        assert_eq!(t.works.iter().filter(|w| w.place.is_some()).count(), WORKS);
        if method == AggregationMethod::Zscore {
            assert!(matches!(t.zscore, Some(ZscoreStatus::Applied { .. })));
        }
        group.bench_function(format!("{method:?}"), |b| {
            b.iter(|| tally(black_box(&input), &params))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
