//! Goals (issue 3): the play action to mpv's "loaded" event within 1.2× of
//! `mpv --vo=null --ao=null --frames=1` on the same clip, measured in the same run; probing 50
//! clips in parallel, bounded by the cores (compared with one at a time).

use criterion::{criterion_group, Criterion};
use jury_media::player::{Player, PlayerConfig, PlayerEvent, VideoOutput};
use jury_media::testclip::Clip;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn clip(dir: &Path, name: &str, secs: u32, (width, height): (u32, u32)) -> PathBuf {
    let out = dir.join(name);
    Clip {
        fps: 25,
        ..Clip::sized(width, height, secs)
    }
    .make(&out)
    .unwrap();
    out
}

fn headless() -> Player {
    Player::new(PlayerConfig {
        output: VideoOutput::None,
        ..PlayerConfig::default()
    })
    .expect("libmpv player")
}

fn wait(player: &Player, want: impl Fn(&PlayerEvent) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match player.events().recv_timeout(left) {
            Ok(e) if want(&e) => return,
            Ok(PlayerEvent::Error(e)) => panic!("player error: {e}"),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no expected player event within 10 s");
}

fn play_to_loaded(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let video = clip(dir.path(), "play.mp4", 5, (1280, 720));
    let mut group = c.benchmark_group("play_to_loaded");
    group.sample_size(30);
    // As in the judge TUI: one player per session, each play action opens a file.
    let player = headless();
    group.bench_function("jury_warm_player", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                player.open(&video, 0).unwrap();
                wait(&player, |e| matches!(e, PlayerEvent::Loaded { .. }));
                total += start.elapsed();
                player.stop();
                wait(&player, |e| matches!(e, PlayerEvent::Stopped { .. }));
            }
            total
        })
    });
    // The first play of a session also starts mpv's core.
    group.bench_function("jury_new_player", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let p = headless();
                p.open(&video, 0).unwrap();
                wait(&p, |e| matches!(e, PlayerEvent::Loaded { .. }));
                total += start.elapsed();
                drop(p);
            }
            total
        })
    });
    let mpv_cli = Command::new("mpv")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if mpv_cli {
        group.bench_function("mpv_cli_frames_1", |b| {
            b.iter(|| {
                let status = Command::new("mpv")
                    .args(["--no-config", "--vo=null", "--ao=null", "--frames=1"])
                    .arg(&video)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .unwrap();
                assert!(status.success());
            })
        });
    } else {
        eprintln!("mpv CLI not installed: skipping the comparison (make bench installs it)");
    }
    group.finish();
}

fn probe_fifty(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let first = clip(dir.path(), "c00.mp4", 2, (640, 360));
    let clips: Vec<PathBuf> = (0..50)
        .map(|i| {
            let p = dir.path().join(format!("c{i:02}.mp4"));
            if i > 0 {
                std::fs::copy(&first, &p).unwrap();
            }
            p
        })
        .collect();
    let rules = jury_core::data::contest_template("cq-2023-short-video")
        .unwrap()
        .media;
    let mut group = c.benchmark_group("probe_50_clips");
    group.sample_size(10);
    group.bench_function("parallel", |b| {
        b.iter(|| jury_media::probe::assess_many(&clips, &rules))
    });
    group.bench_function("one_at_a_time", |b| {
        b.iter(|| {
            clips
                .iter()
                .map(|p| jury_media::probe::assess(p, &rules))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

criterion_group!(benches, play_to_loaded, probe_fifty);
