//! The meeting room: `jury room show WORK` / `jury room clear` publish *now showing* into the
//! sync folder (the real binary, a real master), and a judge TUI following that folder
//! selects the work (tmux).

use crate::helpers::{assert_ok, jury};
use jury_store::showing::{self, NowShowing, Showing};
use jury_testkit::ORGANIZER_KEY;
use std::path::Path;

fn room(contest: &Path, args: &[&str]) -> std::process::Output {
    jury()
        .arg("--contest")
        .arg(contest)
        .arg("room")
        .args(args)
        .env("JURY_KEY", ORGANIZER_KEY)
        .output()
        .unwrap()
}

fn published(dir: &Path) -> NowShowing {
    match showing::read(dir) {
        Showing::Published(p) => p,
        other => panic!("nothing published: {other:?}"),
    }
}

#[test]
fn show_and_clear_publish_now_showing_with_a_growing_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    let contest_id = f.folder.contest.id.clone();
    drop(f);
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let s = share.to_str().unwrap();

    let out = room(
        dir.path(),
        &["show", "002", "--sync-dir", s, "--lang", "en"],
    );
    assert_ok(&out, "room show 002");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Now showing: 002 作品 2 (seq 1"), "{text}");
    let first = published(&share);
    assert_eq!(
        (first.contest.as_str(), first.work.as_deref(), first.seq),
        (contest_id.as_str(), Some("002"), 1)
    );
    assert!(first.at > 1_700_000_000, "a real time: {}", first.at);

    // The number without its zeros names the same work; the sequence grows.
    let out = room(dir.path(), &["--sync-dir", s, "show", "3", "--lang", "zh"]);
    assert_ok(&out, "room show 3");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("正在放映：003 作品 3（第 2 次发布"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(published(&share).seq, 2);

    let out = room(dir.path(), &["clear", "--sync-dir", s]);
    assert_ok(&out, "room clear");
    let cleared = published(&share);
    assert_eq!((cleared.work, cleared.seq), (None, 3));
    // Only the record is left in the folder (the writer's temp name is gone).
    let names: Vec<_> = std::fs::read_dir(&share)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [showing::FILE_NAME]);
}

#[test]
fn a_work_not_in_the_contest_or_no_folder_is_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    drop(jury_testkit::build(dir.path(), 1, 3, |_, _| true));
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let s = share.to_str().unwrap();
    for (lang, words) in [("en", "not in this contest"), ("zh", "不在本比赛中")] {
        let out = room(
            dir.path(),
            &["show", "099", "--sync-dir", s, "--lang", lang],
        );
        assert_eq!(out.status.code(), Some(1), "{lang}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains("099") && err.contains(words), "{err}");
    }
    assert_eq!(showing::read(&share), Showing::Absent, "nothing published");

    let out = room(dir.path(), &["show", "001", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--sync-dir"), "{err}");

    let gone = dir.path().join("unplugged");
    let out = room(
        dir.path(),
        &[
            "show",
            "001",
            "--sync-dir",
            gone.to_str().unwrap(),
            "--lang",
            "zh",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("同步文件夹不存在"), "{err}");
    assert!(!gone.exists(), "no folder is made up");
}

/// The judge's screen while the room shows work 003: the banner takes the title's place in
/// the header and 003 is selected.
fn following_app(lang: jury::i18n::Lang) -> jury::tui::App {
    let mut app = jury::tui::App::new(
        jury_core::sample::sample_data(12),
        jury::tui::Keymap::default_keymap(),
        lang,
    );
    let contest = app.data.contest.id.clone();
    app.on_now_showing(Showing::Published(NowShowing {
        contest,
        work: Some("003".into()),
        seq: 4,
        at: 0,
    }));
    app
}

#[test]
fn the_now_showing_banner_at_80x24() {
    let zh = crate::tui_snapshots::screen(&following_app(jury::i18n::Lang::Zh), 80, 24);
    assert!(zh.lines().next().unwrap().contains("正在放映：003"), "{zh}");
    insta::assert_snapshot!("now_showing_zh_80x24", zh);
    let en = crate::tui_snapshots::screen(&following_app(jury::i18n::Lang::En), 80, 24);
    assert!(
        en.lines().next().unwrap().contains("Now showing: 003"),
        "{en}"
    );
    insta::assert_snapshot!("now_showing_en_80x24", en);
}

fn until(t: &crate::helpers::Tmux, what: &str, done: impl Fn(&str) -> bool) -> String {
    t.until(what, done)
}

/// A judge TUI following `share` (notifications, or polling only) selects what `jury room
/// show` publishes; one typing a score is not moved until they leave score mode.
fn judge_follows_the_room(poll_only: bool) {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 1, 4, |_, _| true);
    let ballot = f.ballots[0].clone();
    drop(f);
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let env = if poll_only {
        "LANG=en_US.UTF-8 JURY_FOLLOW_POLL_ONLY=1"
    } else {
        "LANG=en_US.UTF-8"
    };
    let name = if poll_only {
        "room-poll"
    } else {
        "room-notify"
    };
    let t = crate::helpers::judge_following(name, dir.path(), &ballot, &share, env, (80, 24));
    t.wait_for("todo");
    let s = share.to_str().unwrap();
    let show = |work: &str| {
        let out = room(dir.path(), &["show", work, "--sync-dir", s]);
        assert_ok(&out, "room show");
    };
    show("002");
    let screen = until(&t, "002 selected", |s| {
        s.contains("Now showing: 002") && s.contains(">002")
    });
    assert!(!screen.contains(">001"), "{screen}");
    // Typing a score: the banner changes, the selection does not.
    t.send(&["s", "2"]);
    t.wait_for("0-9 ");
    show("003");
    let screen = until(&t, "the banner for 003", |s| s.contains("Now showing: 003"));
    assert!(
        screen.contains(">002") && !screen.contains(">003"),
        "{screen}"
    );
    t.send(&["Escape"]);
    until(&t, "003 selected after leaving score mode", |s| {
        s.contains(">003") && !s.contains("0-9 ")
    });
    // The judge looks elsewhere; `w` goes back to the work now showing.
    t.send(&["g"]);
    until(&t, "001 selected", |s| s.contains(">001"));
    t.send(&["w"]);
    until(&t, "back on 003", |s| s.contains(">003"));
    // Cleared: the banner goes.
    let out = room(dir.path(), &["clear", "--sync-dir", s]);
    assert_ok(&out, "room clear");
    until(&t, "no banner", |s| !s.contains("Now showing"));
}

#[test]
fn a_judge_tui_follows_room_show_by_notifications() {
    judge_follows_the_room(false);
}

#[test]
fn a_judge_tui_follows_room_show_by_polling_alone() {
    judge_follows_the_room(true);
}

#[test]
fn status_lists_who_scored_the_work_now_showing_and_the_spread_once_all_have() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 3, 2, |_, _| true);
    drop(jury_testkit::fill(&f.ballots[0], &f.folder.contest, 1));
    drop(jury_testkit::fill(&f.ballots[1], &f.folder.contest, 4));
    let last = f.ballots[2].clone();
    let contest = f.folder.contest.clone();
    drop(f);
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let s = share.to_str().unwrap();
    let issued = dir.path().join("issued");
    let merge = || {
        let out = jury()
            .arg("--contest")
            .arg(dir.path())
            .args(["merge", issued.to_str().unwrap()])
            .env("JURY_KEY", ORGANIZER_KEY)
            .output()
            .unwrap();
        assert_ok(&out, "merge");
    };
    merge();
    let out = room(dir.path(), &["status", "--sync-dir", s, "--lang", "en"]);
    assert_ok(&out, "status with nothing showing");
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing is showing"));

    assert_ok(&room(dir.path(), &["show", "001", "--sync-dir", s]), "show");
    let out = room(dir.path(), &["status", "--sync-dir", s, "--lang", "en"]);
    assert_ok(&out, "status");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = |judge: &str| {
        text.lines()
            .find(|l| l.starts_with(judge))
            .unwrap_or_else(|| panic!("{judge} listed:\n{text}"))
            .to_string()
    };
    assert!(line("J01").contains("scored, "), "{text}");
    assert!(line("J02").contains("scored, "), "{text}");
    assert!(line("J03").contains("not yet"), "{text}");
    assert!(text.contains("1 of 3 judges still to score it"), "{text}");
    assert!(!text.contains("spread"), "{text}");

    drop(jury_testkit::fill(&last, &contest, 9));
    merge();
    let out = room(dir.path(), &["status", "--sync-dir", s, "--lang", "zh"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("正在放映：001"), "{text}");
    assert!(!text.contains("未评"), "{text}");
    let spread = text
        .lines()
        .find(|l| l.starts_with("全部评委已评"))
        .unwrap_or_else(|| panic!("a spread line:\n{text}"));
    // The spread is the highest total minus the lowest, of the three listed.
    let totals: Vec<f64> = text
        .lines()
        .filter_map(|l| l.split("已评，").nth(1))
        .map(|t| t.trim_end_matches(" 分").trim().parse().unwrap())
        .collect();
    assert_eq!(totals.len(), 3, "{text}");
    let hi = totals.iter().cloned().fold(f64::MIN, f64::max);
    let lo = totals.iter().cloned().fold(f64::MAX, f64::min);
    assert!(
        spread.ends_with(&format!("极差 {}", hi - lo)),
        "{spread} vs {totals:?}"
    );
}
