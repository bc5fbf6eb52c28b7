//! The meeting room's pace, two measurements:
//!
//! 1. *now showing* published (`jury_store::showing::publish`, the store's atomic writer) →
//!    the judge's follower (`jury::tui::follow`) delivers it → the judge app has selected the
//!    work (`App::on_now_showing`). 50 shows through a local folder, with file notifications
//!    and with polling only (as on a share without notifications); median and p95 printed
//!    (goal: median ≤ 1 s).
//! 2. A judge's score saved (a real SQLCipher ballot) → its copy in the sync folder → the room
//!    console's worker (`jury::tui::room::run::spawn_worker`: `jury watch`'s merge, then a
//!    fresh picture of the master) → the console's state shows the score. 50 scores, twice:
//!    with the copy written at once, and through the judge's real sync worker, told what the
//!    judge TUI tells it ([`jury::tui::sync::request`] on the judge's app, which follows the
//!    room): at once for a score while the room shows a work, else
//!    [`jury::tui::sync::DEBOUNCE`] after the last change unless the work became fully scored
//!    — measured both with the work shown and with nothing shown (goal: median ≤ 3 s).
//!
//! A timing harness rather than criterion: each sample is one real publication or score,
//! spaced at irregular gaps so the polls' and watchers' phases are sampled fairly.
//!
//! `JURY_BENCH=room cargo bench --bench jury` (`JURY_ROOM_SHOWS=N`, `JURY_ROOM_SCORES=N` for
//! other counts; under `cargo test --benches` three of each, to check the paths work).

use std::sync::mpsc;
use std::time::{Duration, Instant};

use jury::i18n::Lang;
use jury::tui::follow::{Follower, Watching};
use jury::tui::{App, Keymap};
use jury_store::showing::{self, Showing};

const WORKS: usize = 12;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Irregular gaps (100–600 ms) from a fixed LCG: reproducible, not in step with any poll.
struct Gaps(u64);

impl Gaps {
    fn next(&mut self) -> Duration {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Duration::from_millis(100 + (self.0 >> 33) % 500)
    }
}

fn measure(watching: Watching, shows: usize) -> Vec<Duration> {
    let dir = tempfile::tempdir().expect("temp folder");
    let (tx, rx) = mpsc::channel::<Showing>();
    let _follower = Follower::start(dir.path().to_path_buf(), watching, move |s| {
        let _ = tx.send(s);
    });
    let mut app = App::new(
        jury_core::sample::sample_data(WORKS),
        Keymap::default_keymap(),
        Lang::Zh,
    );
    let contest = app.data.contest.id.clone();
    let mut gaps = Gaps(0x2023);
    let mut samples = Vec::with_capacity(shows);
    for i in 0..shows {
        std::thread::sleep(gaps.next());
        let work = format!("{:03}", i % WORKS + 1);
        let start = Instant::now();
        showing::publish(dir.path(), &contest, Some(&work), i as i64).expect("publish");
        loop {
            let state = rx
                .recv_timeout(Duration::from_secs(10))
                .expect("the follower delivers within 10 s");
            app.on_now_showing(state);
            if app.selected_work_id().as_deref() == Some(work.as_str()) {
                break;
            }
        }
        samples.push(start.elapsed());
    }
    samples
}

/// How the judge's copy reaches the sync folder.
#[derive(Clone, Copy)]
enum Copy {
    /// Written at once after the score (as on submit).
    AtOnce,
    /// The judge TUI's sync worker, told what `tui::sync::request` asks for; `showing`: the
    /// room shows the work being scored.
    SyncWorker { showing: bool },
}

/// Score saved → the console's state shows it, `scores` times.
fn measure_console(copy: Copy, scores: usize) -> Vec<Duration> {
    use jury::tui::room::run::{spawn_worker, RoomMessage};
    use jury::tui::room::{RoomApp, RoomData};
    use jury::tui::runtime::Incoming;

    let dir = tempfile::tempdir().expect("temp folder");
    let f = jury_testkit::build(dir.path(), 1, 10, |_, _| true);
    let share = dir.path().join("share");
    std::fs::create_dir(&share).expect("share");
    let contest = f.folder.contest.clone();
    let issued = f.ballots[0].clone();
    let (tx, rx) = mpsc::channel::<Incoming<RoomMessage>>();
    let (refresh, refresh_rx) = mpsc::channel::<()>();
    let console = spawn_worker(
        f.master,
        contest.clone(),
        share.clone(),
        Lang::Zh,
        tx,
        refresh_rx,
    );
    let mut app = RoomApp::new(
        RoomData::empty(&contest),
        Lang::Zh,
        Keymap::default_keymap(),
    );
    let mut ballot = jury_store::Ballot::open(&issued.path, &issued.key).expect("ballot");
    // The judge's app, as the judge TUI keeps it: what it asks of the sync worker.
    let mut judge = App::new(
        ballot.load().expect("ballot data"),
        Keymap::default_keymap(),
        Lang::Zh,
    );
    let worker = match copy {
        Copy::AtOnce => None,
        Copy::SyncWorker { .. } => Some(jury::tui::sync::SyncWorker::start(
            issued.path.clone(),
            issued.key.clone(),
            share.clone(),
            |_| {},
        )),
    };
    let pump = |app: &mut RoomApp, wait: Duration| {
        if let Ok(Incoming::App(RoomMessage::Loaded(loaded))) = rx.recv_timeout(wait) {
            app.replace_data((*loaded).expect("the master loads"));
        }
    };
    // The first picture (and the sync worker's first copy) before the clock runs.
    let settle = Instant::now();
    while settle.elapsed() < Duration::from_secs(2) {
        pump(&mut app, Duration::from_millis(100));
    }
    let cells: Vec<(String, String, u32)> = issued
        .works
        .iter()
        .flat_map(|w| {
            contest
                .rubric
                .criteria()
                .map(|c| (w.clone(), c.id.clone(), c.max_steps().min(3)))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut gaps = Gaps(0x2024);
    let mut samples = Vec::with_capacity(scores);
    for (work, criterion, steps) in cells.iter().cycle().take(scores) {
        std::thread::sleep(gaps.next());
        // Past the first round of cells a score changes: 3 → 1 → 3 …
        let (judge_id, work_id, crit) =
            (issued.judge_id.as_str(), work.as_str(), criterion.as_str());
        let steps = match app.data.merged.scores.get(judge_id, work_id, crit) {
            Some(s) if s == *steps => 1,
            _ => *steps,
        };
        if let Copy::SyncWorker { showing: true } = copy {
            judge.on_now_showing(Showing::Published(showing::NowShowing {
                contest: contest.id.clone(),
                work: Some(work.clone()),
                seq: 1,
                at: 0,
            }));
        }
        let event = jury_core::chain::Event::Score {
            work: work.clone(),
            criterion: criterion.clone(),
            steps: Some(steps),
            reason: None,
        };
        let start = Instant::now();
        let before = jury::tui::sync::Before::of(&judge);
        let commit = ballot.commit(&event).expect("score saved");
        judge.on_saved(&event, Ok(commit));
        match &worker {
            None => {
                jury_store::snapshot::write_snapshot(
                    ballot.connection(),
                    &issued.key,
                    &issued.path,
                    &share,
                )
                .expect("copy written");
            }
            Some(w) => match jury::tui::sync::request(before, &judge, true) {
                Some(jury::tui::sync::Request::Now) => w.now(),
                _ => w.changed(),
            },
        }
        while app.data.merged.scores.get(judge_id, work_id, crit) != Some(steps) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the console shows the score within 30 s"
            );
            pump(&mut app, Duration::from_millis(100));
        }
        samples.push(start.elapsed());
    }
    // As the console does on quit: the worker ends after its current step, and is joined
    // (a thread still inside SQLCipher when the process exits can crash it).
    drop(refresh);
    drop(rx);
    console.join().expect("the console's worker ends");
    if let Some(w) = worker {
        w.finish(Duration::from_secs(10));
    }
    samples
}

fn report(what: &str, n: usize, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{what}: {n} samples, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

pub fn run() {
    let shows = std::env::var("JURY_ROOM_SHOWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if crate::full_size() { 50 } else { 3 });
    for (name, watching) in [
        ("notifications", Watching::Notify),
        ("polling only", Watching::PollOnly),
    ] {
        report(
            &format!("now showing → judge selected, {name}"),
            shows,
            measure(watching, shows),
        );
    }
    let scores = std::env::var("JURY_ROOM_SCORES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if crate::full_size() { 50 } else { 3 });
    for (name, copy) in [
        ("copy written at once", Copy::AtOnce),
        (
            "judge's sync worker, the room showing the work",
            Copy::SyncWorker { showing: true },
        ),
        (
            "judge's sync worker, nothing shown",
            Copy::SyncWorker { showing: false },
        ),
    ] {
        report(
            &format!("score saved → console shows it, {name}"),
            scores,
            measure_console(copy, scores),
        );
    }
}
