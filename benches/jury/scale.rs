//! National scale (issue 17): 10,000 works × 300 judges × 5 judges per work, built through
//! the library the way an organizer builds it — `init`, forms imported, `assign`, `issue`,
//! every ballot scored, `merge`, `results` — timing each stage and the organizer TUI's load.
//!
//! Setting `JURY_SCALE_KEEP=DIR` keeps the built contest (scored ballots merged, key file at
//! `DIR/organizer.key`) so the release binary can be timed on it by hand, e.g.
//! `jury --contest DIR/contest --key-file DIR/organizer.key results --format xlsx`.
//! `JURY_SCALE_WORKS` / `JURY_SCALE_JUDGES` shrink it for a quick look.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use jury::cli::Globals;
use jury::commands::assign::{run_assign, AssignOptions};
use jury::commands::issue::{run_issue, IssueOptions};
use jury::commands::results::{write_results, ResultsFormat, ResultsSource};
use jury::i18n::Lang;
use jury_store::folder::ContestFolder;
use jury_store::master::Master;
use jury_store::BallotKey;

const PASS: &str = "organizer passphrase for the scale bench";
const PER_WORK: u32 = 5;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The built contest: its folder, and copies of the master at each stage so every timed
/// stage starts from the same bytes.
struct Scale {
    root: PathBuf,
    folder: ContestFolder,
    key: BallotKey,
    imported: PathBuf,
    assigned: PathBuf,
    issued: PathBuf,
    ballots: PathBuf,
    merged: PathBuf,
    files: Vec<PathBuf>,
}

fn key() -> BallotKey {
    BallotKey::parse(PASS).expect("passphrase")
}

/// A copy of the master file `from`, opened (a WAL-free file: every stage checkpoints).
/// Copies made so far, for unique file names.
static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn open_copy(from: &Path, n: &mut usize, key: &BallotKey) -> Master {
    *n += 1;
    let to = from.with_extension(format!("copy{n}.jury"));
    std::fs::copy(from, &to).expect("copy master");
    Master::open(&to, key).expect("open copy")
}

fn checkpoint_to(master: &Master, to: &Path) {
    master
        .connection()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    std::fs::copy(master.path(), to).expect("stage copy");
}

fn write_forms(root: &Path, works: usize, judges: usize) -> (PathBuf, PathBuf) {
    // 2,000 units of five works each in 40 districts, as a national call's forms come in.
    let mut w = String::from("编号,作品名称,创作单位,推荐单位\n");
    for i in 0..works {
        w.push_str(&format!(
            "{},作品第{}号·科学家精神,单位{},区县{}\n",
            i + 1,
            i + 1,
            i / 5,
            i % 40
        ));
    }
    // Every tenth judge works at a unit that also submitted: those works must not reach them.
    let mut j = String::from("姓名,工作单位,区县\n");
    for k in 0..judges {
        let unit = if k % 10 == 0 {
            format!("单位{}", k * 3)
        } else {
            format!("专家单位{k}")
        };
        j.push_str(&format!("评委{},{unit},\n", k + 1));
    }
    let (wp, jp) = (root.join("works.csv"), root.join("judges.csv"));
    std::fs::write(&wp, w).expect("works form");
    std::fs::write(&jp, j).expect("judges form");
    (wp, jp)
}

fn build() -> Scale {
    let (works, judges) = if crate::full_size() {
        (10_000, 300)
    } else {
        (300, 12)
    };
    let works = size("JURY_SCALE_WORKS", works);
    let judges = size("JURY_SCALE_JUDGES", judges);
    let root = match std::env::var_os("JURY_SCALE_KEEP") {
        Some(d) => {
            let d = PathBuf::from(d);
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d).expect("keep dir");
            d
        }
        None => tempfile::tempdir().expect("temp").keep(),
    };
    let t = Instant::now();
    let key_file = root.join("organizer.key");
    std::fs::write(&key_file, PASS).expect("key file");
    let globals = Globals {
        key_file: Some(key_file),
        ..Default::default()
    };
    let dir = root.join("contest");
    jury::commands::cli::init(&dir, "cq-2023-short-video", &Default::default(), &globals)
        .expect("init");
    let folder = ContestFolder::load(&dir).expect("folder");
    let key = key();
    let mut master = folder.open_master(&key).expect("master");
    let (wf, jf) = write_forms(&root, works, judges);
    jury::commands::import::import_works_into(
        &mut master,
        &folder.media_dir(),
        &Default::default(),
        &[wf],
        false,
        Lang::En,
    )
    .expect("import works");
    jury::commands::import::import_judges_into(&mut master, &[jf], false, Lang::En)
        .expect("import judges");
    let stages = root.join("stages");
    std::fs::create_dir_all(&stages).expect("stages");
    let imported = stages.join("imported.jury");
    checkpoint_to(&master, &imported);

    run_assign(&folder, &mut master, &assign_options(), Lang::En).expect("assign");
    let assigned = stages.join("assigned.jury");
    checkpoint_to(&master, &assigned);

    let ballots = root.join("ballots");
    run_issue(
        &folder,
        &mut master,
        &issue_options(&root, &ballots),
        Lang::En,
    )
    .expect("issue");
    let issued = stages.join("issued.jury");
    checkpoint_to(&master, &issued);

    // Every judge scores every assigned work (not timed: the judges' side).
    let records = master.ballots().expect("ballots");
    let mut by_judge: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (w, j) in master.assignments().expect("assignments") {
        by_judge.entry(j).or_default().push(w);
    }
    let issued_list: Vec<jury_testkit::Issued> = records
        .iter()
        .map(|r| jury_testkit::Issued {
            judge_id: r.judge_id.clone(),
            ballot_id: r.ballot_id.clone(),
            key: r.key.clone(),
            path: ballots.join(&r.file_name),
            works: by_judge.get(&r.judge_id).cloned().unwrap_or_default(),
        })
        .collect();
    let contest = &folder.contest;
    jury_core::parallel::for_each_in_order(
        &issued_list,
        jury_core::parallel::default_jobs(),
        |b| {
            let mut ballot = jury_testkit::fill(b, contest, b.works.len() as u32);
            ballot.submit().expect("submit");
        },
        |_, ()| {},
    );
    let files: Vec<PathBuf> = issued_list.iter().map(|b| b.path.clone()).collect();
    jury::commands::watch::merge_all(&mut master, contest, &files, Lang::En, |_| {});
    let merged = stages.join("merged.jury");
    checkpoint_to(&master, &merged);
    drop(master);
    // The kept contest ends merged, for timing the binary on it.
    std::fs::copy(&merged, folder.master_path()).expect("merged master in place");
    let _ = std::fs::remove_file(folder.master_path().with_extension("jury-wal"));
    eprintln!(
        "scale: built {works} works × {judges} judges × {PER_WORK} in {:.1} s at {}",
        t.elapsed().as_secs_f64(),
        root.display()
    );
    Scale {
        root,
        folder,
        key,
        imported,
        assigned,
        issued,
        ballots,
        merged,
        files,
    }
}

fn assign_options() -> AssignOptions {
    AssignOptions {
        per_work: Some(PER_WORK),
        seed: 2026,
        ..Default::default()
    }
}

fn issue_options(root: &Path, out: &Path) -> IssueOptions {
    IssueOptions {
        out: out.to_path_buf(),
        sync_dir: None,
        cards: Some(root.join("cards")),
        force: false,
        // The bench has no videos: issuing records that override in the audit log.
        allow_noncompliant: true,
    }
}

/// Times `stage` on a fresh copy of the master at `from`, one run per sample.
fn timed_on_copy<'a>(
    s: &'a Scale,
    from: &Path,
    mut stage: impl FnMut(&mut Master, usize) + 'a,
) -> impl FnMut(u64) -> Duration + 'a {
    let from = from.to_path_buf();
    move |iters| {
        let mut n = COPIES.fetch_add(1000, std::sync::atomic::Ordering::Relaxed);
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let mut m = open_copy(&from, &mut n, &s.key);
            let t = Instant::now();
            stage(&mut m, n);
            total += t.elapsed();
            let path = m.path().to_path_buf();
            drop(m);
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
            }
        }
        total
    }
}

fn bench_scale(c: &mut Criterion) {
    let s = build();
    let contest = s.folder.contest.clone();
    let mut g = c.benchmark_group("scale 10000 works x 300 judges x 5");
    g.sample_size(10);
    g.sampling_mode(criterion::SamplingMode::Flat);
    g.warm_up_time(Duration::from_millis(1));
    g.measurement_time(Duration::from_secs(1));

    g.bench_function("assign --per-work 5", |b| {
        b.iter_custom(timed_on_copy(&s, &s.imported, |m, _| {
            run_assign(&s.folder, m, &assign_options(), Lang::En).expect("assign");
        }))
    });
    g.bench_function("issue 300 ballots", |b| {
        b.iter_custom(timed_on_copy(&s, &s.assigned, |m, i| {
            let out = s.root.join(format!("issue-run-{i}"));
            run_issue(&s.folder, m, &issue_options(&out, &out), Lang::En).expect("issue");
            let _ = std::fs::remove_dir_all(&out);
        }))
    });
    g.bench_function("merge 300 scored ballots", |b| {
        b.iter_custom(timed_on_copy(&s, &s.issued, |m, _| {
            let tally = jury::commands::watch::merge_all(m, &contest, &s.files, Lang::En, |_| {});
            assert_eq!(tally.merged, s.files.len());
        }))
    });
    let merged = Master::open(&s.merged, &s.key).expect("merged master");
    for (name, format) in [
        ("results csv", ResultsFormat::Csv),
        ("results html", ResultsFormat::Html),
        ("results xlsx", ResultsFormat::Xlsx),
    ] {
        let out = s.root.join(format!("results.{}", format.extension()));
        g.bench_function(name, |b| {
            b.iter(|| {
                let source = ResultsSource::load(&merged).expect("load");
                let view = source.view(&contest, None);
                write_results(
                    &view,
                    Lang::Zh,
                    format,
                    jury::report::audience::Audience::Internal,
                    Some(&out),
                )
                .expect("write")
            })
        });
    }
    // The organizer's loader: its first stage is what the works tab waits for; the second
    // (scores, and the results computed from them) fills the results and severity tabs.
    use jury::tui::organizer::state::{OrgData, ScoresRead};
    g.bench_function("organizer TUI first stage (works tab)", |b| {
        b.iter(|| OrgData::load_overview(&merged, &contest, None).expect("overview"))
    });
    g.bench_function("organizer TUI second stage (scores + results)", |b| {
        b.iter(|| {
            let source = OrgData::load_scores(&merged, &contest, None).expect("scores");
            ScoresRead::of(source, &contest)
        })
    });
    g.bench_function("organizer TUI data load", |b| {
        b.iter(|| OrgData::load(&merged, &contest).expect("load"))
    });
    g.finish();
    let _ = &s.ballots;
    if std::env::var_os("JURY_SCALE_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&s.root);
    }
}

criterion_group!(benches, bench_scale);
