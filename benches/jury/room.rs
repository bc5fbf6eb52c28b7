//! The meeting room's pace: *now showing* published (`jury_store::showing::publish`, the
//! store's atomic writer) → the judge's follower (`jury::tui::follow`) delivers it → the
//! judge app has selected the work (`App::on_now_showing`). 50 shows through a local folder,
//! with file notifications and with polling only (as on a share without notifications);
//! median and p95 printed (goal: median ≤ 1 s). A timing harness rather than criterion: each
//! sample is one real publication, spaced at irregular gaps so the poll's phase is sampled
//! fairly.
//!
//! `JURY_BENCH=room cargo bench --bench jury` (`JURY_ROOM_SHOWS=N` for another count; under
//! `cargo test --benches` three shows each, to check the path works).

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
    // Irregular gaps (100–600 ms) from a fixed LCG: reproducible, not in step with the poll.
    let mut seed: u64 = 0x2023;
    let mut samples = Vec::with_capacity(shows);
    for i in 0..shows {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        std::thread::sleep(Duration::from_millis(100 + (seed >> 33) % 500));
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

pub fn run() {
    let shows = std::env::var("JURY_ROOM_SHOWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if crate::full_size() { 50 } else { 3 });
    for (name, watching) in [
        ("notifications", Watching::Notify),
        ("polling only", Watching::PollOnly),
    ] {
        let mut samples = measure(watching, shows);
        samples.sort();
        println!(
            "now showing → judge selected, {name}: {shows} shows, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            percentile(&samples, 0.5).as_secs_f64() * 1e3,
            percentile(&samples, 0.95).as_secs_f64() * 1e3,
            samples.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        );
    }
}
