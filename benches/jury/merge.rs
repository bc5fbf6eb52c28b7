//! Merging returned ballots: 100 ballots × 200 works × 7 criteria into a master (goal ≤ 0.5 s):
//! the master transactions alone, the verification of one ballot file, and the whole
//! `jury merge` of 100 real files.

use criterion::{criterion_group, BatchSize, Criterion};
use jury_store::master::Master;
use jury_store::verify::VerifiedBallot;
use std::path::Path;

const BALLOTS: usize = 100;
const WORKS: usize = 200;

fn verified(
    contest: &jury_core::model::Contest,
    judge: &str,
    ballot: &str,
    works: &[String],
) -> VerifiedBallot {
    let criteria: std::collections::BTreeMap<String, u32> = contest
        .rubric
        .criteria()
        .map(|c| (c.id.clone(), c.max_steps()))
        .collect();
    let mut scores = std::collections::BTreeMap::new();
    for (i, w) in works.iter().enumerate() {
        for (k, (c, max)) in criteria.iter().enumerate() {
            scores.insert((w.clone(), c.clone()), (i as u32 + k as u32) % (max + 1));
        }
    }
    let head = jury_core::chain::genesis(ballot);
    VerifiedBallot {
        ballot_id: ballot.into(),
        contest_id: contest.id.clone(),
        judge_id: judge.into(),
        works: works.to_vec(),
        criteria,
        scores,
        comments: Default::default(),
        recusals: Default::default(),
        revision: 1,
        submitted: true,
        chain_head: head.clone(),
        assignment_version: 1,
        event_hashes: vec![head],
        round: None,
        history: Default::default(),
    }
}

fn bench_merge(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build_with(dir.path(), BALLOTS, WORKS, |_, _| true, false);
    let ballots: Vec<VerifiedBallot> = f
        .ballots
        .iter()
        .map(|b| verified(&f.folder.contest, &b.judge_id, &b.ballot_id, &b.works))
        .collect();
    f.master
        .connection()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let pristine = dir.path().join("pristine.jury");
    std::fs::copy(f.folder.master_path(), &pristine).unwrap();
    let mut n = 0;
    c.bench_function(
        "merge 100 ballots x 200 works x 7 criteria (master transactions)",
        |bench| {
            bench.iter_batched(
                || {
                    n += 1;
                    let path = dir.path().join(format!("m{n}.jury"));
                    std::fs::copy(&pristine, &path).unwrap();
                    Master::open(&path, &jury_testkit::organizer_key()).unwrap()
                },
                |mut m| {
                    for b in &ballots {
                        m.merge_verified(
                            b,
                            &jury_store::verify::Origin::file(Path::new("bench.ballot")),
                            None,
                        )
                        .unwrap();
                    }
                    m
                },
                BatchSize::PerIteration,
            )
        },
    );

    // One real ballot file of 200 works × 7 criteria, verified from disk.
    let one = tempfile::tempdir().unwrap();
    let g = jury_testkit::build(one.path(), 1, WORKS, |_, _| true);
    drop(jury_testkit::fill(&g.ballots[0], &g.folder.contest, 3));
    let file = g.ballots[0].path.clone();
    c.bench_function(
        "verify one ballot file of 200 works x 7 criteria",
        |bench| bench.iter(|| g.master.verify_file(&g.folder.contest, &file).unwrap()),
    );
}

/// The whole `jury merge` of 100 real ballot files (200 works × 7 criteria each): private
/// copy, open with the judge's key, integrity and schema checks, chain replay, checks against
/// the master, one transaction per ballot.
fn bench_merge_files(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), BALLOTS, WORKS, |_, _| true);
    for (i, b) in f.ballots.iter().enumerate() {
        drop(jury_testkit::fill(b, &f.folder.contest, i as u32));
    }
    let files: Vec<std::path::PathBuf> = f.ballots.iter().map(|b| b.path.clone()).collect();
    f.master
        .connection()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let pristine = dir.path().join("pristine-files.jury");
    std::fs::copy(f.folder.master_path(), &pristine).unwrap();
    let mut n = 0;
    let mut group = c.benchmark_group("merge_files");
    group.sample_size(10);
    group.bench_function(
        "jury merge of 100 ballot files x 200 works x 7 criteria",
        |bench| {
            bench.iter_batched(
                || {
                    n += 1;
                    let path = dir.path().join(format!("f{n}.jury"));
                    std::fs::copy(&pristine, &path).unwrap();
                    Master::open(&path, &jury_testkit::organizer_key()).unwrap()
                },
                |mut m| {
                    let tally = jury::commands::watch::merge_all(
                        &mut m,
                        &f.folder.contest,
                        &files,
                        jury::i18n::Lang::En,
                        |_| {},
                    );
                    assert_eq!(tally.merged, BALLOTS);
                    m
                },
                BatchSize::PerIteration,
            )
        },
    );
    group.finish();
}

criterion_group!(benches, bench_merge, bench_merge_files);
