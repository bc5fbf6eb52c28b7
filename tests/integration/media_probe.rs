//! Probe and compliance checks over clips generated with ffmpeg (lavfi testsrc + sine) into a
//! temp dir: a matrix of sizes, ratios, durations and broken files, each with exactly the
//! expected violations.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use jury::commands::compliance::{probe_files, MediaText as _};
use jury::i18n::Lang;
use jury_core::data::contest_template;
use jury_core::model::MediaRules;
use jury_media::probe::{
    assess, assess_many, check, probe, probe_with_timeout, ProbeError, Violation,
};
use jury_media::testclip::Clip;

/// Runs ffmpeg quietly; panics with its message if it fails (ffmpeg is a test requirement).
fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg must be installed to run the media tests");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An H.264 clip of `w`×`h` at 15 fps lasting `secs`, with a sine tone unless `silent`.
fn clip(
    dir: &Path,
    name: &str,
    w: u32,
    h: u32,
    secs: u32,
    silent: bool,
    extra: &[&str],
) -> PathBuf {
    let out = dir.join(name);
    Clip {
        audio: !silent,
        extra,
        ..Clip::sized(w, h, secs)
    }
    .make(&out)
    .unwrap();
    out
}

/// 16:9, MP4, 1920×1080 or 1280×720, 2–3 s: the short-video call's rules scaled to seconds.
fn rules() -> MediaRules {
    MediaRules {
        containers: vec!["mp4".into()],
        min_duration_s: Some(2),
        max_duration_s: Some(3),
        max_size_mb: Some(50),
        resolutions: vec!["1920x1080".into(), "1280x720".into()],
        aspect: Some("16:9".into()),
        aspect_tolerance_percent: 1.0,
        require_audio: false,
    }
}

/// A shipped template's rules with its duration range shrunk to `secs` (clips of minutes
/// would slow the suite): everything else, sound included, as the call says.
fn template_rules_for(name: &str, secs: u32) -> MediaRules {
    let mut r = contest_template(name).unwrap().media;
    r.min_duration_s = r.min_duration_s.map(|_| secs);
    r.max_duration_s = r.max_duration_s.map(|_| secs + 1);
    r
}

#[test]
fn a_clip_without_sound_breaks_both_shipped_templates() {
    let dir = tempfile::tempdir().unwrap();
    let silent = clip(dir.path(), "silent.mp4", 1280, 720, 2, true, &[]);
    let voiced = clip(dir.path(), "voiced.mp4", 1280, 720, 2, false, &[]);
    for template in ["cq-2023-short-video", "cq-micro-lecture"] {
        let r = template_rules_for(template, 2);
        assert!(r.require_audio, "{template} asks for sound");
        let a = assess(&silent, &r);
        assert_eq!(a.violations, vec![Violation::AudioRequired], "{template}");
        assert!(!a.compliant(), "{template}: a silent clip is not compliant");
        let ok = assess(&voiced, &r);
        assert_eq!(ok.violations, vec![], "{template}");
        assert!(ok.compliant());
        let zh = a.violations[0].message(Lang::Zh);
        let en = a.violations[0].message(Lang::En);
        assert_eq!(zh, "没有声音（本赛事要求作品有声音）");
        assert_eq!(en, "no audio track (the contest requires sound)");
    }
    // The `jury probe FILE` report marks it failing and says why.
    let (report, ok) = probe_files(
        std::slice::from_ref(&silent),
        &template_rules_for("cq-micro-lecture", 2),
        Lang::En,
    );
    assert!(!ok);
    assert!(
        report.contains("[FAIL]") && report.contains("the contest requires sound"),
        "{report}"
    );
}

#[test]
fn probe_reads_duration_size_resolution_and_codecs() {
    let dir = tempfile::tempdir().unwrap();
    let p = clip(dir.path(), "hd.mp4", 1280, 720, 2, false, &[]);
    let info = probe(&p).unwrap();
    assert_eq!(info.container.as_deref(), Some("mp4"));
    assert_eq!(info.size_bytes, std::fs::metadata(&p).unwrap().len());
    let d = info.duration_ms.expect("duration");
    assert!((1900..=2150).contains(&d), "duration {d} ms");
    assert_eq!((info.width, info.height), (Some(1280), Some(720)));
    let aspect = info.display_aspect.expect("aspect");
    assert!((aspect - 16.0 / 9.0).abs() < 1e-3, "{aspect}");
    assert_eq!(info.video_codec.as_deref(), Some("h264"));
    assert_eq!(info.audio_codec.as_deref(), Some("aac"));
    assert!(info.has_video && info.has_audio);
    assert_eq!(check(&info, &rules()), vec![]);
    assert!(
        info.summary()
            .starts_with("mp4 · 0:02 · 1280×720 · 16:9 · h264/aac"),
        "{}",
        info.summary()
    );
}

#[test]
fn full_hd_and_hd_pass_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let full = clip(dir.path(), "full.mp4", 1920, 1080, 2, false, &[]);
    let hd = clip(dir.path(), "hd.mp4", 1280, 720, 3, false, &[]);
    for a in assess_many(&[full, hd], &rules()) {
        assert_eq!(a.violations, vec![], "{}", a.path.display());
        assert!(a.compliant());
    }
}

#[test]
fn each_defect_gives_exactly_its_violation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let r = rules();
    // The matrix: (file, expected violations' discriminants as text).
    let four_three = clip(d, "four-three.mp4", 960, 720, 2, false, &[]);
    let small = clip(d, "small.mp4", 640, 360, 2, false, &[]);
    let short = clip(d, "short.mp4", 1280, 720, 1, false, &[]);
    let long = clip(d, "long.mp4", 1280, 720, 4, false, &[]);
    let silent = clip(d, "silent.mp4", 1280, 720, 2, true, &[]);
    let mov = clip(d, "real.mov", 1280, 720, 2, false, &[]);
    let renamed = d.join("renamed.mp4");
    std::fs::rename(&mov, &renamed).unwrap();

    let v = assess(&four_three, &r).violations;
    assert!(
        matches!(
            v.as_slice(),
            [
                Violation::Resolution {
                    found: Some((960, 720)),
                    ..
                },
                Violation::Aspect {
                    expected: (16, 9),
                    ..
                }
            ]
        ),
        "{v:?}"
    );
    assert_eq!(
        v[1].message(Lang::En),
        "aspect ratio 4:3 is not 16:9 (tolerance 1%)"
    );

    // Too small, and nothing else: the violation names the sizes the rules allow.
    assert_eq!(
        assess(&small, &r).violations,
        vec![Violation::Resolution {
            found: Some((640, 360)),
            allowed: vec![(1920, 1080), (1280, 720)],
        }]
    );

    let v = assess(&short, &r).violations;
    assert_eq!(
        v,
        vec![Violation::TooShort {
            duration_s: 1,
            min_s: 2,
            max_s: Some(3)
        }]
    );
    assert_eq!(v[0].message(Lang::Zh), "时长 0:01 超出 0:02–0:03");

    let v = assess(&long, &r).violations;
    assert_eq!(
        v,
        vec![Violation::TooLong {
            duration_s: 4,
            min_s: Some(2),
            max_s: 3
        }]
    );

    let a = assess(&silent, &r);
    assert_eq!(a.violations, vec![Violation::NoAudio]);
    assert!(a.compliant(), "missing sound is advisory");
    assert_eq!(a.info.as_ref().unwrap().audio_codec, None);

    let v = assess(&renamed, &r).violations;
    assert_eq!(
        v,
        vec![Violation::Container {
            found: Some("mov".into()),
            allowed: vec!["mp4".into()]
        }]
    );
}

#[test]
fn broken_and_foreign_files_are_violations_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let r = rules();
    let text = d.join("notes.mp4");
    std::fs::write(&text, "这不是视频 / not a video\n".repeat(50)).unwrap();
    assert_eq!(probe(&text), Err(ProbeError::NotMedia(text.clone())));
    let a = assess(&text, &r);
    assert_eq!(
        a.violations,
        vec![Violation::Probe(ProbeError::NotMedia(text.clone()))]
    );
    assert!(!a.compliant());

    // Cut in the middle: the index (moov, written last) is gone.
    let whole = clip(d, "whole.mp4", 1280, 720, 2, false, &[]);
    let bytes = std::fs::read(&whole).unwrap();
    let cut = d.join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(probe(&cut), Err(ProbeError::NotMedia(cut.clone())));

    let empty = d.join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    assert!(
        matches!(probe(&empty), Err(ProbeError::NotMedia(_))),
        "{:?}",
        probe(&empty)
    );

    let missing = d.join("missing.mp4");
    assert_eq!(probe(&missing), Err(ProbeError::Missing(missing.clone())));
    assert_eq!(probe(d), Err(ProbeError::NotMedia(d.to_path_buf())));

    // A named pipe with no writer would block a plain open(); it is refused at once.
    let fifo = d.join("pipe.mp4");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if made {
        assert_eq!(probe(&fifo), Err(ProbeError::NotMedia(fifo.clone())));
    }

    // No answer in time: a typed timeout, not a hang.
    assert!(matches!(
        probe_with_timeout(&whole, Duration::from_millis(1)),
        Err(ProbeError::Timeout(..))
    ));
}

#[test]
fn audio_only_and_rotated_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let audio = d.join("tone.m4a");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=duration=2",
        "-c:a",
        "aac",
        "-b:a",
        "32k",
        audio.to_str().unwrap(),
    ]);
    let info = probe(&audio).unwrap();
    assert!(!info.has_video && info.has_audio);
    assert_eq!(info.container.as_deref(), Some("m4a"));
    assert_eq!((info.width, info.video_codec.as_deref()), (None, None));
    assert_eq!(
        check(&info, &rules()),
        vec![
            Violation::Container {
                found: Some("m4a".into()),
                allowed: vec!["mp4".into()]
            },
            Violation::NoVideo
        ]
    );

    // A phone video: stored 1280×720 with a 90° rotation tag is displayed upright.
    let flat = clip(d, "flat.mp4", 1280, 720, 2, false, &[]);
    let turned = d.join("turned.mp4");
    ffmpeg(&[
        "-i",
        flat.to_str().unwrap(),
        "-c",
        "copy",
        "-metadata:s:v:0",
        "rotate=90",
        turned.to_str().unwrap(),
    ]);
    let info = probe(&turned).unwrap();
    assert_eq!((info.width, info.height), (Some(720), Some(1280)));
    assert!(
        (info.display_aspect.unwrap() - 9.0 / 16.0).abs() < 1e-3,
        "{:?}",
        info.display_aspect
    );
    let v = check(&info, &rules());
    assert!(
        matches!(
            v.as_slice(),
            [Violation::Resolution { .. }, Violation::Aspect { .. }]
        ),
        "{v:?}"
    );
    assert!(
        v[1].message(Lang::Zh).contains("9:16"),
        "{}",
        v[1].message(Lang::Zh)
    );
}

#[test]
fn shipped_contest_rules_flag_a_tiny_clip() {
    let dir = tempfile::tempdir().unwrap();
    let p = clip(dir.path(), "tiny.mp4", 320, 180, 2, false, &[]);
    let short_video = contest_template("cq-2023-short-video").unwrap().media;
    let v = assess(&p, &short_video).violations;
    assert!(
        matches!(
            v.as_slice(),
            [
                Violation::TooShort { min_s: 180, .. },
                Violation::Resolution { .. }
            ]
        ),
        "{v:?}"
    );
    // The micro-lecture call has no minimum and no size list: a 16:9 clip passes.
    let micro = contest_template("cq-micro-lecture").unwrap().media;
    assert_eq!(assess(&p, &micro).violations, vec![]);
}

#[test]
fn report_lists_every_file_and_says_whether_all_comply() {
    let dir = tempfile::tempdir().unwrap();
    let good = clip(dir.path(), "good.mp4", 1280, 720, 2, false, &[]);
    let bad = clip(dir.path(), "bad.mp4", 640, 480, 2, false, &[]);
    let missing = dir.path().join("gone.mp4");

    let (report, ok) = probe_files(std::slice::from_ref(&good), &rules(), Lang::En);
    assert!(ok, "{report}");
    assert!(
        report.contains("[ok]") && report.contains("good.mp4"),
        "{report}"
    );

    let (report, ok) = probe_files(&[good, bad, missing], &rules(), Lang::Zh);
    assert!(!ok);
    let lines: Vec<&str> = report.lines().collect();
    assert!(
        lines[0].starts_with("[合规]") && lines[0].contains("good.mp4"),
        "{report}"
    );
    assert!(
        lines[1].starts_with("[不合规]") && lines[1].contains("bad.mp4"),
        "{report}"
    );
    assert!(report.contains("分辨率 640×480 不符合要求"), "{report}");
    assert!(report.contains("画面比例 4:3 不符合 16:9"), "{report}");
    assert!(
        report.contains("找不到文件") && report.contains("gone.mp4"),
        "{report}"
    );
    assert_eq!(lines.last().unwrap(), &"共 3 个文件：1 个合规，2 个不合规");
}
