//! The meeting room's calibration round and deliberation list, on real contests (jury-testkit
//! masters, real ballots merged by the real binary): `jury calibration` says who has not
//! scored the anchors yet, then each judge's offset from the panel median (checked against a
//! hand computation); calibration works leave the results unless counted; `jury deliberate`
//! lists works near a cut-off first, then by disagreement; a judge TUI (tmux) shows its own
//! offset after `jury calibration --publish`.

use crate::helpers::{assert_ok, stdout_ok};
use jury_testkit::{open_fast, steps_2023, Issued, ORGANIZER_KEY};
use std::path::Path;

fn run(contest: &Path, args: &[&str]) -> std::process::Output {
    crate::helpers::run_as(contest, ORGANIZER_KEY, args)
}

/// Scores `work` on `b`'s ballot with steps in `jury_testkit::CRITERIA_2023` order.
pub(crate) fn score(b: &Issued, work: &str, steps: [u32; 7]) {
    let mut ballot = open_fast(b);
    for (criterion, s) in steps_2023(steps) {
        ballot.set_score(work, &criterion, Some(s)).unwrap();
    }
}

fn add_to_contest(dir: &Path, toml: &str) {
    let path = dir.join(jury_store::folder::CONTEST_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n{toml}\n")).unwrap();
}

/// Four judges, four works, everyone on everything; 001 and 002 are the calibration works.
/// 题材内容 (theme + story) on 001: 40, 44, 50, 52 (median 47); on 002: 30, 30, 36, 40
/// (median 33). By hand, J01 −5, J02 −3, J03 +3, J04 +6; 技术性 is 18 for all but J04's 25
/// (+7). J04's 002 is left out until `finish` is called.
fn calibration_contest(dir: &Path) -> Vec<Issued> {
    let f = jury_testkit::build(dir, 4, 4, |_, _| true);
    let ballots = f.ballots.clone();
    drop(f);
    add_to_contest(dir, "[calibration]\nworks = [\"001\", \"002\"]");
    let content_001 = [[20, 20], [22, 22], [25, 25], [26, 26]];
    let content_002 = [[15, 15], [15, 15], [18, 18], [20, 20]];
    for (j, b) in ballots.iter().enumerate() {
        let rest = if j == 3 {
            [12, 8, 5, 5, 5]
        } else {
            [10, 5, 3, 3, 3]
        };
        let steps = |c: [u32; 2]| [c[0], c[1], rest[0], rest[1], rest[2], rest[3], rest[4]];
        score(b, "001", steps(content_001[j]));
        if j < 3 {
            score(b, "002", steps(content_002[j]));
        }
        // The real works: 003 and 004.
        score(b, "003", [20 + j as u32, 20, 10, 5, 3, 3, 3]);
        score(b, "004", [10, 10, 5, 5, 3, 3, 3]);
    }
    ballots
}

fn finish(b: &Issued) {
    score(b, "002", [20, 20, 12, 8, 5, 5, 5]);
}

fn merge(dir: &Path) {
    let issued = dir.join("issued");
    assert_ok(&run(dir, &["merge", issued.to_str().unwrap()]), "merge");
}

#[test]
fn calibration_offsets_match_a_hand_computation_and_the_anchors_leave_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let ballots = calibration_contest(dir.path());
    merge(dir.path());

    // J04 has not scored 002: one line says so, and nothing can be published.
    let out = stdout_ok(
        &run(dir.path(), &["calibration", "--lang", "en"]),
        "calibration",
    );
    assert_eq!(
        out.trim(),
        "calibration not complete: not yet scored: J04 (002)"
    );
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let s = share.to_str().unwrap();
    let out = run(dir.path(), &["calibration", "--publish", "--sync-dir", s]);
    assert_eq!(out.status.code(), Some(1), "refused while incomplete");
    assert_eq!(
        jury_store::calibration::read(&share),
        jury_store::calibration::CalibrationFile::Absent
    );

    finish(&ballots[3]);
    merge(dir.path());
    let zh = stdout_ok(
        &run(dir.path(), &["calibration", "--lang", "zh"]),
        "calibration zh",
    );
    for line in [
        "J01 题材内容 -5.0 分（低于评审组中位数）",
        "J02 题材内容 -3.0 分（低于评审组中位数）",
        "J03 题材内容 +3.0 分（高于评审组中位数）",
        "J04 题材内容 +6.0 分（高于评审组中位数）",
        "各评委与评审组中位数的偏差（按评分维度，2 件校准作品：001、002）",
        "J04 技术性 +7.0 分（高于评审组中位数）",
        "J01 技术性 0.0 分（与评审组中位数持平）",
        "校准作品不计入评审结果（count_in_results = false）。",
    ] {
        assert!(zh.lines().any(|l| l == line), "missing {line:?} in\n{zh}");
    }
    // 4 judges × 4 groups, a heading and the counting note.
    assert_eq!(zh.lines().count(), 18, "{zh}");
    let en = stdout_ok(
        &run(dir.path(), &["calibration", "--lang", "en"]),
        "calibration en",
    );
    assert!(
        en.contains("J04 Subject and content +6.0 points (above the panel median)"),
        "{en}"
    );

    let out = stdout_ok(
        &run(
            dir.path(),
            &["calibration", "--publish", "--sync-dir", s, "--lang", "en"],
        ),
        "publish",
    );
    assert!(
        out.contains("Calibration offsets published for 4 judges (seq 1"),
        "{out}"
    );
    let jury_store::calibration::CalibrationFile::Published(record) =
        jury_store::calibration::read(&share)
    else {
        panic!("published")
    };
    let j04 = record.judge("J04").unwrap();
    assert_eq!(
        j04.groups[..2],
        [
            ("content".to_string(), jury_core::model::Points(600)),
            ("technique".to_string(), jury_core::model::Points(700))
        ]
    );

    // The results rank 003 and 004 only; counted, the anchors come back.
    let csv = dir.path().join("r.csv");
    let results = |what: &str| {
        assert_ok(
            &run(
                dir.path(),
                &["results", "--format", "csv", "--out", csv.to_str().unwrap()],
            ),
            what,
        );
        std::fs::read_to_string(&csv).unwrap()
    };
    let text = results("results");
    assert!(text.contains("作品 3") && text.contains("作品 4"), "{text}");
    assert!(
        !text.contains("作品 1") && !text.contains("作品 2"),
        "{text}"
    );
    let path = dir.path().join(jury_store::folder::CONTEST_FILE);
    let counted = std::fs::read_to_string(&path).unwrap().replace(
        "\n[calibration]\nworks",
        "\n[calibration]\ncount_in_results = true\nworks",
    );
    std::fs::write(&path, counted).unwrap();
    let text = results("results counted");
    assert!(text.contains("作品 1") && text.contains("作品 2"), "{text}");
}

#[test]
fn a_contest_without_calibration_or_with_an_unknown_anchor_says_so() {
    let dir = tempfile::tempdir().unwrap();
    drop(jury_testkit::build(dir.path(), 2, 3, |_, _| true));
    let out = stdout_ok(&run(dir.path(), &["calibration", "--lang", "en"]), "none");
    assert!(out.contains("no [calibration] works"), "{out}");
    add_to_contest(dir.path(), "[calibration]\nworks = [\"009\"]");
    let out = run(dir.path(), &["calibration", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("009") && err.contains("not in this contest"),
        "{err}"
    );
}

/// Three judges, ten works; each work's three totals (put on theme, then story). Means: 001
/// 58, 002 55, 003 54, 004 50, 005 49.67, 006 40, 007 39, 009 30, 008 20, 010 5. Tiers of the
/// 2023 call on ten works: one first prize, two second, two third; the first|second boundary
/// lies between 58 and 55, so 001 and 002 are 3 points from it.
const TOTALS: [[u32; 3]; 10] = [
    [58, 58, 58],
    [55, 55, 55],
    [50, 54, 58],
    [50, 50, 50],
    [40, 50, 59],
    [40, 40, 40],
    [38, 39, 40],
    [20, 20, 20],
    [10, 30, 50],
    [5, 5, 5],
];

#[test]
fn deliberate_lists_works_near_a_cut_off_first_then_by_disagreement() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 3, 10, |_, _| true);
    let ballots = f.ballots.clone();
    drop(f);
    for (j, b) in ballots.iter().enumerate() {
        for (w, row) in TOTALS.iter().enumerate() {
            let t = row[j];
            score(
                b,
                &format!("{:03}", w + 1),
                [t.min(30), t.saturating_sub(30), 0, 0, 0, 0, 0],
            );
        }
    }
    merge(dir.path());
    let rows = |out: &str| -> Vec<String> {
        out.lines()
            .filter_map(|l| {
                let mut cells = l.split_whitespace();
                cells.next()?.parse::<usize>().ok()?;
                cells.next().map(str::to_string)
            })
            .collect()
    };
    // Default near_cutoff (2 points): nobody is that close; the widest range first.
    let out = stdout_ok(
        &run(dir.path(), &["deliberate", "--lang", "en"]),
        "deliberate",
    );
    assert!(
        out.starts_with("Deliberation list: within 2 points of an award cut-off first (works: 0)"),
        "{out}"
    );
    assert!(out.contains("Provisional"), "not submitted yet: {out}");
    assert_eq!(&rows(&out)[..3], ["009", "005", "003"], "{out}");
    let line_009 = out.lines().find(|l| l.contains(" 009 ")).unwrap();
    assert!(
        line_009.contains("J01 10 · J02 30 · J03 50") && line_009.contains(" 40 "),
        "the totals side by side and the range: {line_009}"
    );

    // contest.toml's near_cutoff = 3: 001 and 002 first, marked, with the boundary named.
    add_to_contest(dir.path(), "[deliberation]\nnear_cutoff = 3.0");
    let out = stdout_ok(
        &run(
            dir.path(),
            &["deliberate", "--lang", "zh", "--top", "3", "--names"],
        ),
        "deliberate near",
    );
    assert_eq!(rows(&out), ["001", "002", "009"], "{out}");
    let first = out.lines().find(|l| l.contains(" 001 ")).unwrap();
    assert!(first.contains("* 3（一等奖/二等奖）"), "{first}");
    assert!(
        first.contains("J01 评委1 58"),
        "names with --names: {first}"
    );
    assert!(out.contains("另有 7 件作品"), "{out}");
    // The flag wins over contest.toml.
    let out = stdout_ok(
        &run(dir.path(), &["deliberate", "--near", "0.5", "--lang", "en"]),
        "flag",
    );
    assert!(
        out.starts_with(
            "Deliberation list: within 0.5 points of an award cut-off first (works: 0)"
        ),
        "{out}"
    );
    let bad = run(dir.path(), &["deliberate", "--near=-1", "--lang", "en"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--near -1"), "{err}");
}

/// The judge's screen: their own offset on the status line once the record arrives.
#[test]
fn a_judge_sees_their_own_offset() {
    use jury_store::calibration::{CalibrationFile, CalibrationRecord, PublishedOffsets};
    let mut app = jury::tui::App::new(
        jury_core::sample::sample_data(4),
        jury::tui::Keymap::default_keymap(),
        jury::i18n::Lang::Zh,
    );
    let me = app.data.judge.id.clone();
    let groups: Vec<String> = app
        .data
        .contest
        .rubric
        .groups
        .iter()
        .map(|g| g.id.clone())
        .collect();
    let record = |contest: &str, judge: &str| {
        CalibrationFile::Published(CalibrationRecord {
            contest: contest.into(),
            seq: 1,
            at: 0,
            judges: vec![PublishedOffsets {
                judge: judge.into(),
                groups: groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| {
                        (
                            g.clone(),
                            jury_core::model::Points([600, -150, 0, 50][i % 4]),
                        )
                    })
                    .collect(),
            }],
        })
    };
    app.on_calibration(record("another-contest", &me));
    assert_eq!(app.calibration, None, "another contest's record is ignored");
    app.on_calibration(record(&app.data.contest.id.clone(), "J99"));
    assert_eq!(
        app.calibration, None,
        "a record without this judge says nothing"
    );
    app.on_calibration(record(&app.data.contest.id.clone(), &me));
    let line = app.calibration.clone().unwrap();
    let first = app.data.contest.rubric.groups[0].label_zh.clone();
    assert!(
        line.starts_with(&format!("您的{first}评分比评审组中位数高 6 分；")),
        "{line}"
    );
    // English, and a judge at the median everywhere.
    let rubric = &app.data.contest.rubric;
    let zero: Vec<(String, jury_core::model::Points)> = groups
        .iter()
        .map(|g| (g.clone(), jury_core::model::Points(0)))
        .collect();
    assert_eq!(
        jury::tui::view::calibration_line(rubric, &zero, jury::i18n::Lang::Zh),
        "您各维度的评分与评审组中位数持平"
    );
    let below = [("technique".to_string(), jury_core::model::Points(-250))];
    assert_eq!(
        jury::tui::view::calibration_line(rubric, &below, jury::i18n::Lang::En),
        "Your Technique scores are 2.5 points below the panel median"
    );
    let screen = crate::tui_snapshots::screen(&app, 100, 24);
    assert!(
        screen.contains(&format!("您的{first}评分比评审组中位数高 6 分")),
        "{screen}"
    );
}

/// tmux: J04's TUI follows the sync folder; `jury calibration --publish` puts their offsets
/// on their screen.
#[test]
fn a_judge_tui_shows_its_offset_after_publish() {
    let dir = tempfile::tempdir().unwrap();
    let ballots = calibration_contest(dir.path());
    finish(&ballots[3]);
    merge(dir.path());
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let t = crate::helpers::judge_following(
        "calibration",
        dir.path(),
        &ballots[3],
        &share,
        "LANG=zh_CN.UTF-8",
        (100, 24),
    );
    t.wait_for("作品 1");
    let out = run(
        dir.path(),
        &[
            "calibration",
            "--publish",
            "--sync-dir",
            share.to_str().unwrap(),
        ],
    );
    assert_ok(&out, "calibration --publish");
    // J04 is furthest from the median in 技术性 (+7), then 题材内容 (+6).
    let screen = t.wait_for("您的技术性评分比评审组中位数高 7 分");
    assert!(screen.contains("题材内容 +6"), "{screen}");
}
