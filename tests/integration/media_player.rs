//! Headless player tests (vo=null, ao=null) over clips generated with ffmpeg. Waits use
//! generous timeouts; nothing asserts how fast mpv is.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use jury_media::player::{Player, PlayerConfig, PlayerError, PlayerEvent, VideoOutput};
use jury_media::testclip::Clip;

const WAIT: Duration = Duration::from_secs(10);

fn clip(dir: &Path, name: &str, secs: u32) -> PathBuf {
    let out = dir.join(name);
    Clip {
        seconds: secs,
        ..Clip::default()
    }
    .make(&out)
    .unwrap();
    out
}

/// A headless player whose mpv log goes into `dir`.
fn headless(dir: &Path) -> Player {
    Player::new(PlayerConfig {
        output: VideoOutput::None,
        log_file: Some(dir.join("mpv.log")),
        ..PlayerConfig::default()
    })
    .expect("libmpv player")
}

/// Events until one satisfies `stop` (returned last); panics with everything seen on timeout.
fn wait_for(player: &Player, what: &str, stop: impl Fn(&PlayerEvent) -> bool) -> Vec<PlayerEvent> {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match player.events().recv_timeout(left) {
            Ok(e) => {
                let done = stop(&e);
                seen.push(e);
                if done {
                    return seen;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no {what} within {WAIT:?}; saw {seen:#?}");
}

fn position(e: &PlayerEvent) -> Option<(u64, bool, f64)> {
    match e {
        PlayerEvent::Position {
            position_ms,
            paused,
            speed,
            ..
        } => Some((*position_ms, *paused, *speed)),
        _ => None,
    }
}

#[test]
fn loads_plays_and_reports_advancing_positions_then_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let p = clip(dir.path(), "three.mp4", 3);
    let player = headless(dir.path());
    assert_eq!(player.output(), VideoOutput::None);
    player.open(&p, 0).unwrap();
    let seen = wait_for(&player, "Loaded", |e| {
        matches!(e, PlayerEvent::Loaded { .. })
    });
    match seen.last().unwrap() {
        PlayerEvent::Loaded {
            duration_ms,
            width,
            height,
        } => {
            let d = duration_ms.expect("duration");
            assert!((2900..=3150).contains(&d), "duration {d}");
            assert_eq!((*width, *height), (Some(320), Some(180)));
        }
        other => panic!("{other:?}"),
    }
    // Positions advance while playing, then the end arrives with the position at the end.
    let seen = wait_for(&player, "Ended", |e| matches!(e, PlayerEvent::Ended { .. }));
    let positions: Vec<u64> = seen
        .iter()
        .filter_map(position)
        .filter(|p| !p.1)
        .map(|p| p.0)
        .collect();
    assert!(
        positions.len() >= 4,
        "expected several positions while playing 3 s: {positions:?}"
    );
    assert!(
        positions.windows(2).all(|w| w[0] <= w[1]),
        "positions go forward: {positions:?}"
    );
    assert!(positions.last().unwrap() > &positions[0]);
    let Some(PlayerEvent::Ended { position_ms }) = seen.last() else {
        unreachable!()
    };
    assert!(*position_ms >= 2800, "ended at {position_ms}");
    for e in &seen {
        if let PlayerEvent::Position {
            duration_ms, speed, ..
        } = e
        {
            assert!(duration_ms.is_some() && *speed == 1.0, "{e:?}");
        }
    }

    // After the end, play again starts from the beginning.
    player.toggle_pause();
    wait_for(&player, "restart from 0", |e| {
        position(e).is_some_and(|(p, paused, _)| p < 1500 && !paused)
    });
    player.stop();
    wait_for(&player, "Stopped", |e| {
        matches!(e, PlayerEvent::Stopped { .. })
    });
    drop(player);
    let log = std::fs::read_to_string(dir.path().join("mpv.log")).expect("mpv log file");
    assert!(log.contains("three.mp4"), "mpv's log goes to the log file");
}

#[test]
fn pause_seek_and_speed_change_what_mpv_reports() {
    let dir = tempfile::tempdir().unwrap();
    let p = clip(dir.path(), "four.mp4", 4);
    let player = headless(dir.path());
    player.open(&p, 0).unwrap();
    wait_for(&player, "Loaded", |e| {
        matches!(e, PlayerEvent::Loaded { .. })
    });

    player.toggle_pause();
    let seen = wait_for(&player, "paused", |e| position(e).is_some_and(|p| p.1));
    let paused_at = position(seen.last().unwrap()).unwrap().0;
    // While paused the position stays put.
    std::thread::sleep(Duration::from_millis(400));
    while let Some(e) = player.try_recv() {
        if let Some((p, paused, _)) = position(&e) {
            assert!(paused && p == paused_at, "moved while paused: {e:?}");
        }
    }

    player.seek_to(2500);
    wait_for(&player, "position 2.5 s", |e| {
        position(e).is_some_and(|(p, paused, _)| paused && (2400..=2600).contains(&p))
    });
    player.seek_relative(-2.0);
    wait_for(&player, "position 0.5 s", |e| {
        position(e).is_some_and(|(p, _, _)| (400..=600).contains(&p))
    });

    player.adjust_speed(0.5);
    wait_for(&player, "speed 1.5", |e| {
        position(e).is_some_and(|(_, _, s)| (s - 1.5).abs() < 1e-9)
    });
    player.adjust_speed(-10.0);
    wait_for(&player, "speed clamped to 0.25", |e| {
        position(e).is_some_and(|(_, _, s)| (s - 0.25).abs() < 1e-9)
    });

    player.toggle_pause();
    let seen = wait_for(&player, "playing again", |e| {
        position(e).is_some_and(|p| !p.1)
    });
    let resumed = position(seen.last().unwrap()).unwrap().0;
    wait_for(&player, "advancing", |e| {
        position(e).is_some_and(|(p, _, _)| p > resumed)
    });

    // Controls that report nothing must not disturb playback.
    player.adjust_volume(-20);
    player.toggle_mute();
    player.toggle_fullscreen();
    player.restart();
    wait_for(&player, "restart", |e| {
        position(e).is_some_and(|(p, paused, _)| p < 400 && !paused)
    });
}

#[test]
fn starts_where_the_judge_left_off() {
    let dir = tempfile::tempdir().unwrap();
    let p = clip(dir.path(), "three.mp4", 3);
    let player = headless(dir.path());
    player.open(&p, 1500).unwrap();
    let seen = wait_for(&player, "a position", |e| position(e).is_some());
    let first = seen.iter().find_map(position).unwrap().0;
    assert!((1400..2500).contains(&first), "started at {first}");
}

#[test]
fn bad_files_give_typed_errors_and_the_player_stays_usable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let player = headless(dir.path());

    let missing = d.join("missing.mp4");
    assert_eq!(
        player.open(&missing, 0),
        Err(PlayerError::Missing(missing.clone()))
    );
    assert_eq!(
        player.open(d, 0),
        Err(PlayerError::NotVideo(d.to_path_buf()))
    );

    let text = d.join("notes.mp4");
    std::fs::write(&text, "not a video\n".repeat(100)).unwrap();
    player.open(&text, 0).unwrap();
    let seen = wait_for(&player, "an error", |e| matches!(e, PlayerEvent::Error(_)));
    let Some(PlayerEvent::Error(err)) = seen.last() else {
        unreachable!()
    };
    assert_eq!(
        err,
        &PlayerError::NotVideo(std::path::absolute(&text).unwrap())
    );
    assert!(err.message(jury::i18n::Lang::Zh).contains("notes.mp4"));
    assert!(!seen.iter().any(|e| matches!(e, PlayerEvent::Loaded { .. })));

    let good = clip(d, "good.mp4", 2);
    let bytes = std::fs::read(&good).unwrap();
    let cut = d.join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    player.open(&cut, 0).unwrap();
    let seen = wait_for(&player, "an error", |e| matches!(e, PlayerEvent::Error(_)));
    assert!(
        matches!(seen.last(), Some(PlayerEvent::Error(PlayerError::NotVideo(p) | PlayerError::Load(p, _))) if p.ends_with("cut.mp4")),
        "{seen:?}"
    );

    // The next file plays normally.
    player.open(&good, 0).unwrap();
    wait_for(&player, "Loaded", |e| {
        matches!(
            e,
            PlayerEvent::Loaded {
                duration_ms: Some(_),
                ..
            }
        )
    });
    wait_for(&player, "a position", |e| position(e).is_some());
}

#[test]
fn opening_another_file_stops_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let a = clip(dir.path(), "a.mp4", 3);
    let b = clip(dir.path(), "b.mp4", 2);
    let player = headless(dir.path());
    player.open(&a, 0).unwrap();
    wait_for(&player, "Loaded a", |e| {
        matches!(e, PlayerEvent::Loaded { .. })
    });
    player.open(&b, 0).unwrap();
    let seen = wait_for(&player, "Loaded b", |e| {
        matches!(e, PlayerEvent::Loaded { .. })
    });
    assert!(
        seen.iter()
            .any(|e| matches!(e, PlayerEvent::Stopped { .. })),
        "{seen:?}"
    );
    let Some(PlayerEvent::Loaded {
        duration_ms: Some(d),
        ..
    }) = seen.last()
    else {
        unreachable!()
    };
    assert!((1900..=2150).contains(d), "b's duration, got {d}");
}

#[test]
fn events_can_go_to_a_sink_and_drop_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let p = clip(dir.path(), "two.mp4", 2);
    let (tx, rx) = mpsc::channel();
    let player = Player::with_sink(
        PlayerConfig {
            output: VideoOutput::None,
            ..PlayerConfig::default()
        },
        move |e| {
            let _ = tx.send(("player", e));
        },
    )
    .unwrap();
    player.open(&p, 0).unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        let (tag, e) = rx
            .recv_timeout(deadline - Instant::now())
            .expect("events through the sink");
        assert_eq!(tag, "player");
        if matches!(e, PlayerEvent::Position { .. }) {
            break;
        }
    }
    assert!(player.try_recv().is_none());

    // Dropped mid-playback, on another thread so a hang fails the test instead of blocking it.
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::spawn(move || {
        drop(player);
        let _ = done_tx.send(());
    });
    done_rx
        .recv_timeout(WAIT)
        .expect("dropping the player finished");
}

#[test]
fn rapid_opens_report_errors_for_the_file_asked_for_last() {
    let dir = tempfile::tempdir().unwrap();
    let good = clip(dir.path(), "good.mp4", 2);
    let text = dir.path().join("text.mp4");
    std::fs::write(&text, "not a video\n".repeat(100)).unwrap();
    let player = headless(dir.path());
    // A double press, then another work: mpv may skip the first files entirely.
    player.open(&good, 0).unwrap();
    player.open(&good, 0).unwrap();
    player.open(&text, 0).unwrap();
    let seen = wait_for(&player, "an error", |e| matches!(e, PlayerEvent::Error(_)));
    assert_eq!(
        seen.last(),
        Some(&PlayerEvent::Error(PlayerError::NotVideo(
            std::path::absolute(&text).unwrap()
        )))
    );
    // And the next error still names its own file.
    let other = dir.path().join("other.mp4");
    std::fs::write(&other, "still not a video\n".repeat(100)).unwrap();
    player.open(&other, 0).unwrap();
    let seen = wait_for(&player, "an error", |e| matches!(e, PlayerEvent::Error(_)));
    assert_eq!(
        seen.last(),
        Some(&PlayerEvent::Error(PlayerError::NotVideo(
            std::path::absolute(&other).unwrap()
        )))
    );
}
