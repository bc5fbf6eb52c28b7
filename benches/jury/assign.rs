//! Goal: assigning 2,000 works × 60 judges × 5 judges per work takes ≤ 1 s.
//!
//! Units and districts are realistic: 38 districts as in Chongqing, ~400 units whose works
//! cluster in a few districts, judges from 40 units spread over 20 districts, a few declared
//! conflicts each.

use criterion::{criterion_group, Criterion};
use jury_core::assign::{assign, AssignJudge, AssignWork, SplitMix64};

pub fn contest(works: usize, judges: usize) -> (Vec<AssignWork>, Vec<AssignJudge>) {
    let mut rng = SplitMix64::new(2023);
    let districts: Vec<String> = (0..38).map(|d| format!("区县{d:02}")).collect();
    let units: Vec<(String, usize)> = (0..400)
        .map(|u| (format!("单位{u:03}"), rng.below(districts.len())))
        .collect();
    let w: Vec<AssignWork> = (0..works)
        .map(|i| {
            // Big units send more works: a skewed pick.
            let u = rng.below(units.len()).min(rng.below(units.len()));
            AssignWork {
                id: format!("{:04}", i + 1),
                unit: units[u].0.clone(),
                district: districts[units[u].1].clone(),
            }
        })
        .collect();
    let j: Vec<AssignJudge> = (0..judges)
        .map(|i| {
            let u = rng.below(40);
            AssignJudge {
                id: format!("J{:02}", i + 1),
                unit: units[u].0.clone(),
                district: districts[rng.below(20)].clone(),
                conflict_units: (0..2)
                    .map(|_| units[rng.below(units.len())].0.clone())
                    .collect(),
                conflict_works: (0..3)
                    .map(|_| format!("{:04}", rng.below(works) + 1))
                    .collect(),
            }
        })
        .collect();
    (w, j)
}

fn bench_assign(c: &mut Criterion) {
    let (works, judges) = contest(2000, 60);
    let once = assign(&works, &judges, 5, 1).expect("feasible");
    let loads: Vec<usize> = once.loads.iter().map(|l| l.1).collect();
    eprintln!(
        "2000×60×5: loads {}–{}, notes {:?}",
        loads.iter().min().unwrap(),
        loads.iter().max().unwrap(),
        once.notes
    );
    let mut group = c.benchmark_group("assign");
    group.sample_size(10);
    group.bench_function("2000_works_60_judges_5_per_work", |b| {
        b.iter(|| assign(&works, &judges, 5, 1).expect("feasible"))
    });
    group.finish();
}

criterion_group!(benches, bench_assign);
