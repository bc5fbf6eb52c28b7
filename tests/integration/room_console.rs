//! The room console (`jury room` without a subcommand): its screen at 80×24 in both languages
//! (TestBackend + insta), and the meeting room end to end in tmux — three judge TUIs on one
//! sync folder and the console with headless video: the console shows a work, every judge's
//! TUI selects it, each scores it, the console shows all three scored and the spread.

use crate::helpers::{assert_ok, jury, screen_of, Tmux};
use jury::i18n::Lang;
use jury::tui::room::state::ConsoleWork;
use jury::tui::room::{view, RoomApp, RoomData};
use jury::tui::Keymap;
use jury_core::records::MergedScores;
use jury_store::showing::{NowShowing, Showing};
use jury_testkit::ORGANIZER_KEY;
use std::path::Path;

/// Five works, three judges each; on 003 (now showing, playing) J01 and J02 scored, J03 has
/// scored two criteria; 001 is scored by all, with J02 recused.
fn data(all_scored: bool) -> RoomData {
    let contest = jury_core::sample::sample_data(1).contest;
    let criteria: Vec<String> = contest.rubric.criteria().map(|c| c.id.clone()).collect();
    let judges: Vec<String> = ["J01", "J02", "J03"].map(String::from).to_vec();
    let mut merged = MergedScores::default();
    let mut score = |judge: &str, work: &str, steps: &[u32]| {
        for (c, s) in criteria.iter().zip(steps) {
            merged.scores.insert(judge, work, c, *s);
        }
    };
    score("J01", "003", &[25, 26, 12, 8, 4, 4, 4]);
    score("J02", "003", &[20, 20, 10, 7, 3, 3, 3]);
    if all_scored {
        score("J03", "003", &[18, 22, 14, 6, 5, 4, 2]);
    } else {
        score("J03", "003", &[18, 22]);
    }
    score("J01", "001", &[10, 10, 10, 5, 3, 3, 3]);
    score("J03", "001", &[12, 12, 10, 5, 3, 3, 3]);
    merged
        .recusals
        .insert(("J02".into(), "001".into()), "同单位".into());
    let titles = [
        "山城记忆",
        "江上的桥",
        "一碗小面的故事",
        "Night Market 夜市",
        "晨光",
    ];
    let works = titles
        .iter()
        .enumerate()
        .map(|(i, t)| ConsoleWork {
            id: format!("{:03}", i + 1),
            title: t.to_string(),
            media_file: Some(format!("{:03}.mp4", i + 1)),
            judges: judges.clone(),
        })
        .collect();
    RoomData {
        contest,
        works,
        names: [("J01", "王老师"), ("J02", "李明"), ("J03", "Chen Jing")]
            .iter()
            .map(|(j, n)| (j.to_string(), n.to_string()))
            .collect(),
        merged,
        calibration: jury_core::calibration::CalibrationState::NotConfigured,
        confirmations: Vec::new(),
        deliberation: Vec::new(),
        provisional: false,
    }
}

fn console(lang: Lang, all_scored: bool) -> RoomApp {
    let mut app = RoomApp::new(data(all_scored), lang, Keymap::default_keymap());
    let contest = app.data.contest.id.clone();
    app.cursor = 2;
    app.on_now_showing(Showing::Published(NowShowing {
        contest,
        work: Some("003".into()),
        seq: 7,
        at: 0,
    }));
    app.playing("003");
    app.on_player(jury_media::PlayerEvent::Position {
        position_ms: 65_000,
        duration_ms: Some(180_000),
        paused: false,
        speed: 1.0,
    });
    app
}

fn screen(app: &RoomApp) -> String {
    screen_of(|f| view::draw(f, app), 80, 24)
}

/// Every ballot's judge TUI and the room console in tmux on one sync folder `share` (each
/// with a config and cache folder of its own under `dir`, stderr kept there), headless video,
/// English; returns once every judge's list is up. Sizes are (width, height).
fn open_room(
    dir: &Path,
    share: &Path,
    ballots: &[jury_testkit::Issued],
    name: &str,
    judge_size: (u16, u16),
    console_size: (u16, u16),
) -> (Vec<Tmux>, Tmux) {
    let env = |who: &str| {
        let home = dir.join(who);
        std::fs::create_dir_all(home.join("config")).unwrap();
        format!(
            "exec env XDG_CONFIG_HOME={0}/config XDG_CACHE_HOME={0}/cache LANG=en_US.UTF-8",
            home.display()
        )
    };
    let judges: Vec<Tmux> = ballots
        .iter()
        .map(|b| {
            let line = format!(
                "{} JURY_KEY={} {} judge {} --sync-dir {} --video-output none 2>{}/stderr.txt",
                env(&b.judge_id),
                b.key.secret(),
                env!("CARGO_BIN_EXE_jury"),
                b.path.display(),
                share.display(),
                dir.join(&b.judge_id).display(),
            );
            let (w, h) = judge_size;
            Tmux::start(&format!("{name}-{}", b.judge_id), &line, w, h)
        })
        .collect();
    for t in &judges {
        t.wait_for("todo");
    }
    let line = format!(
        "{} JURY_KEY='{}' {} --contest {} room --sync-dir {} --video-output none 2>{}/stderr.txt",
        env("console"),
        ORGANIZER_KEY,
        env!("CARGO_BIN_EXE_jury"),
        dir.display(),
        share.display(),
        dir.join("console").display(),
    );
    let (w, h) = console_size;
    let console = Tmux::start(&format!("{name}-console"), &line, w, h);
    (judges, console)
}

#[test]
fn the_console_at_80x24_while_a_judge_is_still_scoring() {
    let zh = screen(&console(Lang::Zh, false));
    assert!(zh.contains(">*003"), "cursor and now-showing mark:\n{zh}");
    assert!(zh.contains("正在放映：003"), "{zh}");
    assert!(zh.contains("部分（2/7）"), "{zh}");
    assert!(zh.contains("还有 1/3 位评委未评完"), "{zh}");
    assert!(!zh.contains("极差"), "no spread before all scored:\n{zh}");
    insta::assert_snapshot!("room_console_waiting_zh_80x24", zh);
    let en = screen(&console(Lang::En, false));
    assert!(en.contains("Playing 1:05 / 3:00"), "{en}");
    assert!(en.contains("1 of 3 judges still to score it"), "{en}");
    insta::assert_snapshot!("room_console_waiting_en_80x24", en);
}

#[test]
fn the_console_at_80x24_once_all_have_scored() {
    let zh = screen(&console(Lang::Zh, true));
    // 83, 66 and 71: spread 17, SD 8.74.
    assert!(zh.contains("全部评委已评"), "{zh}");
    assert!(zh.contains("极差 17（66 至 83），标准差 8.74"), "{zh}");
    insta::assert_snapshot!("room_console_scored_zh_80x24", zh);
    let en = screen(&console(Lang::En, true));
    assert!(en.contains("spread 17 (66 to 83), SD 8.74"), "{en}");
    assert!(
        en.contains("Progress: 6 of 15 assigned scores in"),
        "three on 003, two and a recusal on 001:\n{en}"
    );
    insta::assert_snapshot!("room_console_scored_en_80x24", en);
}

/// Calibration offsets for the three judges: J01 above in content, J02 below in two groups,
/// J03 level.
fn calibrated(mut app: RoomApp) -> RoomApp {
    use jury_core::calibration::{CalibrationState, GroupOffset, JudgeOffsets};
    use jury_core::model::Points;
    use jury_core::tally::Score;
    let judge = |id: &str, offsets: [i64; 4]| JudgeOffsets {
        judge: id.into(),
        works: 2,
        groups: ["content", "technique", "creativity", "artistry"]
            .iter()
            .zip(offsets)
            .map(|(g, o)| GroupOffset {
                group: g.to_string(),
                offset: Score::from_points(Points(o)),
            })
            .collect(),
    };
    app.data.calibration = CalibrationState::Ready {
        judges: vec![
            judge("J01", [600, 0, 0, 0]),
            judge("J02", [-150, -350, 0, 0]),
            judge("J03", [0, 0, 0, 0]),
        ],
    };
    app
}

#[test]
fn the_console_shows_who_still_has_calibration_works_to_score() {
    let mut app = console(Lang::En, false);
    app.data.calibration = jury_core::calibration::CalibrationState::Pending {
        judges: vec![
            ("J02".into(), vec!["001".into(), "002".into()]),
            ("J03".into(), vec!["002".into()]),
        ],
    };
    let en = screen(&app);
    assert!(en.contains("Calibration:"), "{en}");
    assert!(en.contains("J02 still to score 001, 002"), "{en}");
    assert!(en.contains("J03 still to score 002"), "{en}");
    insta::assert_snapshot!("room_console_calibration_pending_en_80x24", en);
}

#[test]
fn the_console_shows_calibration_offsets_and_sign_off_confirmations() {
    let mut app = calibrated(console(Lang::Zh, true));
    app.on_now_showing(Showing::Absent);
    app.status = None;
    app.data.confirmations = vec![
        ("J01".into(), "ab12cd34".repeat(8), 1_764_770_580),
        ("J03".into(), "ab12cd34".repeat(8), 1_764_770_700),
    ];
    // The times are local: the snapshots read them as hh:mm.
    let local = |at: i64| jury_store::snapshot::local_time(at, false)[..5].to_string();
    let (t1, t3) = (local(1_764_770_580), local(1_764_770_700));
    let clocks = |s: String| s.replace(&t1, "hh:m1").replace(&t3, "hh:m3");
    let zh = clocks(screen(&app));
    assert!(zh.contains("校准："), "{zh}");
    assert!(zh.contains("J01 题材内容 +6.0"), "{zh}");
    assert!(
        zh.contains("J02 技术性 -3.5，题材内容 -1.5"),
        "largest first:\n{zh}"
    );
    assert!(zh.contains("J03 与评审组中位数一致"), "{zh}");
    assert!(zh.contains("签署确认：2/3 位评委已确认"), "{zh}");
    let short = jury_core::signoff::short(&"ab12cd34".repeat(8));
    let rows: Vec<&str> = zh.lines().filter(|l| l.contains(&short)).collect();
    assert_eq!(rows.len(), 2, "{zh}");
    assert!(
        rows[0].contains("J01 王老师") && rows[1].contains("J03 Chen Jing"),
        "{zh}"
    );
    insta::assert_snapshot!("room_console_calibrated_confirmed_zh_80x24", zh);
    let en = clocks(screen(&app_in(app, Lang::En)));
    assert!(
        en.contains("J02 Technique -3.5, Subject and content"),
        "the largest first, the rest cut to the panel:\n{en}"
    );
    assert!(en.contains("J01 Subject and content +6.0"), "{en}");
    assert!(en.contains("Sign-off: 2 of 3 judges confirmed"), "{en}");
    assert!(en.contains(&format!("J01 王老师: {short}, hh:m1")), "{en}");
    insta::assert_snapshot!("room_console_calibrated_confirmed_en_80x24", en);
}

/// The deliberation list of [`data`]'s scores (by hand, as `jury_core::deliberation::order`
/// gives it): 003 (83, 66, 71: mean 73.33) is 1.33 points above the first-prize cut-off,
/// within the default 2 (shown whole: the rubric's points are); 001 (44, 47, J02 recused) is ranked below it, 3 points wide.
fn deliberating(mut app: RoomApp) -> RoomApp {
    use jury_core::deliberation::{Cutoff, Item};
    use jury_core::model::Points;
    use jury_core::tally::{Award, Score};
    let item = |work: &str, place, mean: Score, totals: &[(&str, i64)], cutoff, near| Item {
        work: work.into(),
        place: Some(place),
        aggregate: Some(mean),
        award: None,
        spread: Some(Points(
            totals.iter().map(|t| t.1).max().unwrap() - totals.iter().map(|t| t.1).min().unwrap(),
        )),
        sd: Some(if totals.len() == 3 { 8.736 } else { 2.121 }),
        totals: totals
            .iter()
            .map(|(j, t)| (j.to_string(), Points(*t)))
            .collect(),
        cutoff,
        near,
    };
    let mean = |sum: i64, n: usize| Score::mean(sum, n);
    app.data.deliberation = vec![
        item(
            "003",
            1,
            mean(22_000, 3),
            &[("J01", 8300), ("J02", 6600), ("J03", 7100)],
            Some(Cutoff {
                above: Award::Tier(0),
                below: Some(Award::Tier(1)),
                distance: Score(mean(22_000, 3).0 - Score::from_points(Points(7200)).0),
                inside: true,
            }),
            true,
        ),
        item(
            "001",
            2,
            mean(9100, 2),
            &[("J01", 4400), ("J03", 4700)],
            Some(Cutoff {
                above: Award::Tier(0),
                below: Some(Award::Tier(1)),
                distance: Score::from_points(Points(2783)),
                inside: false,
            }),
            false,
        ),
    ];
    app.data.provisional = true;
    app.update(jury::tui::action::Action::Command(
        jury::tui::action::Command::TabNext,
    ));
    app
}

#[test]
fn the_deliberation_tab_at_80x24_lists_totals_with_names() {
    let mut app = deliberating(console(Lang::Zh, true));
    let zh = screen(&app);
    assert!(zh.contains("讨论清单：2023"), "{zh}");
    assert!(zh.contains("临时结果"), "{zh}");
    let rows: Vec<&str> = zh.lines().collect();
    let first = rows
        .iter()
        .position(|l| l.contains("> *") || l.contains(">*"))
        .unwrap();
    assert!(
        rows[first].contains("003") && rows[first].contains("一碗小面的故事"),
        "{zh}"
    );
    assert!(
        rows[first].contains("* 1（一等奖/二等奖）"),
        "near the cut-off, marked:\n{zh}"
    );
    // (The TUI draws `·`, whose width terminals disagree on, as `・`.)
    assert!(
        rows[first + 1].contains("J01 王老师 83 ・ J02 李明 66 ・ J03 Chen Jing 71"),
        "totals side by side with names:\n{zh}"
    );
    assert!(
        rows[first + 3].contains("J01 王老师 44 ・ J03 Chen Jing 47"),
        "{zh}"
    );
    // CJK columns line up: the score column starts at one display column on every row.
    let col = |l: &str, needle: &str| {
        let at = l.find(needle).unwrap();
        jury_core::text::width(&l[..at])
    };
    assert_eq!(
        col(rows[first], "73.33"),
        col(rows[first + 2], "45.50"),
        "{zh}"
    );
    insta::assert_snapshot!("room_console_deliberation_zh_80x24", zh);
    // Enter shows the row's work, Tab goes back to the works.
    use jury::tui::action::{Action, Command};
    app.update(Action::Command(Command::Next));
    assert_eq!(
        app.update(Action::Command(Command::Show)),
        Some(jury::tui::room::RoomEffect::Show("001".into()))
    );
    drop(app);
    // The same list drawn by an English console from the start (its status line included).
    let mut en_app = deliberating(console(Lang::En, true));
    en_app.update(Action::Command(Command::Next));
    let en = screen(&en_app);
    assert!(en.contains("Deliberation list: 2023"), "{en}");
    assert!(en.contains("Provisional"), "{en}");
    assert!(en.contains("J01 王老师 44 ・ J03 Chen Jing 47"), "{en}");
    insta::assert_snapshot!("room_console_deliberation_en_80x24", en);
}

fn app_in(mut app: RoomApp, lang: Lang) -> RoomApp {
    app.lang = lang;
    app
}

#[test]
fn the_console_help_lists_its_keys() {
    let mut app = console(Lang::En, false);
    app.update(jury::tui::action::Action::Command(
        jury::tui::action::Command::Help,
    ));
    let en = screen(&app);
    assert!(en.contains("Show to the room"), "{en}");
    assert!(en.contains("Clear now showing"), "{en}");
}

/// A contest folder of three judges on four works, everyone on everything, and its ballots.
#[cfg(feature = "mpv")]
fn three_judges_four_works() -> (tempfile::TempDir, Vec<jury_testkit::Issued>) {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 3, 4, |_, _| true);
    let ballots = f.ballots.clone();
    drop(f);
    (dir, ballots)
}

fn until(t: &crate::helpers::Tmux, what: &str, done: impl Fn(&str) -> bool) -> String {
    t.until(what, done)
}

#[cfg(feature = "mpv")]
#[test]
fn three_judges_and_the_console_in_one_room() {
    let (dir, ballots) = three_judges_four_works();
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    jury_media::testclip::Clip {
        seconds: 30,
        ..Default::default()
    }
    .make(&media.join("002.mp4"))
    .unwrap();
    let out = jury()
        .arg("--contest")
        .arg(dir.path())
        .args(["media", "match"])
        .arg(&media)
        .arg("--accept")
        .env("JURY_KEY", ORGANIZER_KEY)
        .output()
        .unwrap();
    assert_ok(&out, "media match --accept");
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let (judges, console) = open_room(dir.path(), &share, &ballots, "room", (80, 24), (80, 24));
    // The first picture lists the works and has merged the judges' first copies.
    until(&console, "the works", |s| {
        s.contains(">") && s.contains("004")
    });
    console.send(&["j", "Enter"]);
    let screen = until(&console, "002 showing and playing", |s| {
        s.contains("Now showing: 002") && s.contains("Playing")
    });
    assert!(screen.contains(">*002"), "{screen}");
    assert!(
        screen.contains("3 of 3 judges still to score it"),
        "{screen}"
    );
    for t in &judges {
        until(t, "the judge on 002", |s| {
            s.contains("Now showing: 002") && s.contains(">002")
        });
    }
    // Each judge scores 002 (the rubric: 30, 30, 15, 10, 5, 5, 5): 83, 66 and 71.
    let keys: [&[&str]; 3] = [
        &["s", "2", "5", "2", "6", "1", "2", "8", "4", "4", "4"],
        &["s", "2", "0", "2", "0", "1", "0", "7", "3", "3", "3"],
        &["s", "1", "8", "2", "2", "1", "4", "6", "5", "4", "2"],
    ];
    for ((t, keys), total) in judges.iter().zip(keys).zip([83, 66, 71]) {
        t.send(keys);
        t.wait_for(&format!("{total} points saved"));
    }
    // The judges' sync folder copies come in (at once: the room shows the work they scored)
    // and the console merges them as they arrive.
    let screen = until(&console, "all three scored and the spread", |s| {
        s.contains("All judges have scored it")
    });
    for (judge, total) in [("J01", 83), ("J02", 66), ("J03", 71)] {
        let row = screen
            .lines()
            .find(|l| l.contains(judge))
            .unwrap_or_else(|| panic!("{judge} listed:\n{screen}"));
        assert!(row.contains(&format!("scored, {total}")), "{row}\n{screen}");
    }
    assert!(screen.contains("spread 17 (66 to 83), SD 8.74"), "{screen}");
    assert!(
        screen.contains("3/3"),
        "the list counts 002 as scored:\n{screen}"
    );
    // `jury room status` tells the same from the merged master.
    let out = jury()
        .arg("--contest")
        .arg(dir.path())
        .args(["room", "status", "--sync-dir"])
        .arg(&share)
        .env("JURY_KEY", ORGANIZER_KEY)
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&out.stdout);
    assert!(status.contains("totals 66 to 83, spread 17"), "{status}");
    // Clearing: the judges' banners go, the console says nothing shows.
    console.send(&["c"]);
    until(&console, "cleared", |s| s.contains("nothing is showing"));
    for t in &judges {
        until(t, "no banner", |s| !s.contains("Now showing"));
    }
    console.send(&["q"]);
}

#[test]
fn the_console_without_a_sync_folder_or_a_terminal_says_so_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    drop(jury_testkit::build(dir.path(), 1, 2, |_, _| true));
    let run = |args: &[&str]| {
        let out = jury()
            .arg("--contest")
            .arg(dir.path())
            .arg("room")
            .args(args)
            .env("JURY_KEY", ORGANIZER_KEY)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        err
    };
    assert!(run(&["--lang", "en"]).contains("--sync-dir"));
    let gone = dir.path().join("unplugged");
    let err = run(&["--sync-dir", gone.to_str().unwrap(), "--lang", "zh"]);
    assert!(err.contains("同步文件夹不存在"), "{err}");
    // A folder, but no terminal to draw on (output captured here).
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let err = run(&["--sync-dir", share.to_str().unwrap(), "--lang", "en"]);
    assert!(err.contains("terminal"), "{err}");
    assert!(
        !share.join(jury_store::showing::FILE_NAME).exists(),
        "nothing published"
    );
}

/// Polls `jury ARGS` until its stdout holds `needle` (the console merges in the background).
fn cli_until(contest: &std::path::Path, args: &[&str], needle: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let out = jury()
            .arg("--contest")
            .arg(contest)
            .args(args)
            .env("JURY_KEY", ORGANIZER_KEY)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.contains(needle) {
            return text;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "timed out waiting for {needle:?} in jury {args:?}:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

/// The rest of the "done when", in one room: three judge TUIs and the console on one
/// sync folder. Both works are calibration anchors; once all three have scored them the
/// console and `jury calibration` show the offsets. J01 then changes a submitted score with a
/// reason (the refusal of a reasonless one is `signoff::a_revision_without_a_reason_is_refused…`),
/// which merges and is in `jury log`; `jury signoff` publishes, each judge confirms in the TUI
/// (`A`, `y`), the console lists all three and the panel report has three current rows.
#[cfg(feature = "mpv")]
#[test]
fn the_room_calibrates_revises_and_signs_off() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 3, 2, |_, _| true);
    let ballots = f.ballots.clone();
    drop(f);
    let contest_file = dir.path().join(jury_store::folder::CONTEST_FILE);
    let text = std::fs::read_to_string(&contest_file).unwrap();
    std::fs::write(
        &contest_file,
        format!("{text}\n[calibration]\nworks = [\"001\", \"002\"]\n"),
    )
    .unwrap();
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let (judges, console) = open_room(dir.path(), &share, &ballots, "cal", (100, 30), (80, 30));
    until(&console, "the calibration round pending", |s| {
        s.contains("Calibration:") && s.contains("J03 still to score")
    });
    // Both works alike per judge; 题材内容 (theme + story): 51, 40, 40 — median 40, so J01
    // is 11 above and the others level; every other group is the same for all.
    let keys = ["2526128444", "2020128444", "1822128444"];
    for (t, keys) in judges.iter().zip(keys) {
        for work in ["001", "002"] {
            until(t, "the work selected", |s| s.contains(&format!(">{work}")));
            let mut k = vec!["s".to_string()];
            k.extend(keys.chars().map(String::from));
            t.send(&k.iter().map(String::as_str).collect::<Vec<_>>());
            t.wait_for("points saved");
            // The summary's Enter: on to the next unscored work (or "all scored").
            t.send(&["Enter"]);
            until(t, "back in the list", |s| !s.contains("points saved"));
        }
    }
    let screen = until(&console, "the offsets", |s| {
        s.contains("J01 Subject and content +11.0")
    });
    assert!(
        screen.contains("J02 level with the panel median"),
        "{screen}"
    );
    assert!(
        screen.contains("J03 level with the panel median"),
        "{screen}"
    );
    let calibration = cli_until(
        dir.path(),
        &["calibration", "--lang", "en"],
        "J01 Subject and content +11.0",
    );
    assert!(
        calibration.contains("J02 Subject and content 0.0"),
        "{calibration}"
    );
    // Every judge submits.
    for t in &judges {
        t.send(&["S"]);
        t.wait_for("Submit ballot");
        t.send(&["y"]);
        t.wait_for("Receipt");
        t.send(&["Escape"]);
        until(t, "the receipt closed", |s| {
            !s.contains("Note this receipt") && s.contains("o Reopen")
        });
    }
    // J01 reopens and changes 002's theme 25→20 with the reason typed in the TUI.
    let j01 = &judges[0];
    j01.send(&["o"]);
    j01.wait_for("Reopen ballot");
    j01.send(&["y"]);
    j01.wait_for(" rev ");
    until(j01, "002 selected", |s| s.contains(">002"));
    j01.send(&["s", "2", "0"]);
    j01.wait_for("Change 002 Theme and reach 25→20");
    j01.send(&["Enter"]);
    j01.wait_for("Type the reason");
    j01.send(&["corrected after discussion", "Enter"]);
    j01.wait_for("saved, rev");
    j01.send(&["Escape"]);
    until(j01, "back in the list", |s| !s.contains("0-9 "));
    j01.send(&["S"]);
    j01.wait_for("Submit ballot");
    j01.send(&["y"]);
    j01.wait_for("Receipt");
    j01.send(&["Escape"]);
    until(j01, "the receipt closed", |s| {
        !s.contains("Note this receipt") && s.contains("o Reopen")
    });
    cli_until(
        dir.path(),
        &["log", "--lang", "en"],
        "J01 changed 002 Theme and reach 25→20: corrected after discussion",
    );
    // Sign-off: published, then each judge confirms in the TUI.
    let out = jury()
        .arg("--contest")
        .arg(dir.path())
        .args(["signoff", "--sync-dir"])
        .arg(&share)
        .env("JURY_KEY", ORGANIZER_KEY)
        .output()
        .unwrap();
    assert_ok(&out, "signoff");
    let jury_core::signoff::Signoff::Published(record) = jury_store::signoff::read(&share) else {
        panic!("signoff published");
    };
    for t in &judges {
        t.wait_for("Final results published for sign-off");
        t.send(&["A"]);
        t.wait_for("Results fingerprint");
        t.send(&["y"]);
        t.wait_for("confirmed (revision");
    }
    let short = jury_core::signoff::short(&record.fingerprint);
    let screen = until(&console, "all three confirmations", |s| {
        s.contains("Sign-off: 3 of 3 judges confirmed")
    });
    for judge in ["J01", "J02", "J03"] {
        assert!(
            screen
                .lines()
                .any(|l| l.contains(judge) && l.contains(&short)),
            "{judge} confirmed {short}:\n{screen}"
        );
    }
    console.send(&["q"]);
    for t in &judges {
        t.send(&["q"]);
    }
    let html = dir.path().join("panel.html");
    let out = jury()
        .arg("--contest")
        .arg(dir.path())
        .args([
            "results",
            "--format",
            "html",
            "--audience",
            "panel",
            "--lang",
            "en",
            "--out",
        ])
        .arg(&html)
        .env("JURY_KEY", ORGANIZER_KEY)
        .output()
        .unwrap();
    assert_ok(&out, "panel report");
    let report = std::fs::read_to_string(&html).unwrap();
    assert_eq!(
        report.matches("<tr class=\"current\">").count(),
        3,
        "three current confirmations on the signature page"
    );
}

/// The organizer's showing order and the deliberation tab, in one room: contest.toml's
/// `[room] order` with a number that is no work is refused in one line; with a good one the
/// console lists 003 and 001 first, then the rest by number. The judges' ballots hold
/// scores already (002 disputed: 94, 39, 64); the deliberation tab (`Tab`) lists 002 first
/// with each judge's total beside the judge's name, and `Enter` there shows it: the
/// now-showing file and every judge TUI name 002. `q` then ends the console (its worker
/// joined) and the window closes.
#[cfg(feature = "mpv")]
#[test]
fn the_room_shows_in_the_set_order_and_deliberates_a_disputed_work() {
    let (dir, ballots) = three_judges_four_works();
    // 004 stays unscored; no work is within 0 points of a cut-off, so the list goes by range.
    let steps: [[[u32; 7]; 3]; 3] = [
        // 001: 64, 63, 62
        [
            [20, 20, 10, 5, 3, 3, 3],
            [20, 19, 10, 5, 3, 3, 3],
            [19, 19, 10, 5, 3, 3, 3],
        ],
        // 002: 94, 39, 64
        [
            [28, 28, 14, 9, 5, 5, 5],
            [10, 10, 5, 5, 3, 3, 3],
            [20, 20, 10, 5, 3, 3, 3],
        ],
        // 003: 52, 53, 49
        [
            [15, 15, 8, 5, 3, 3, 3],
            [16, 15, 8, 5, 3, 3, 3],
            [15, 12, 8, 5, 3, 3, 3],
        ],
    ];
    for (w, per_judge) in steps.iter().enumerate() {
        for (b, s) in ballots.iter().zip(per_judge) {
            crate::deliberation::score(b, &format!("{:03}", w + 1), *s);
        }
    }
    let contest_file = dir.path().join(jury_store::folder::CONTEST_FILE);
    let template = std::fs::read_to_string(&contest_file).unwrap();
    let with = |room: &str| {
        std::fs::write(
            &contest_file,
            format!("{template}\n[deliberation]\nnear_cutoff = 0\n\n[room]\n{room}\n"),
        )
        .unwrap()
    };
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    // A number that is no work: one line naming it and contest.toml, nothing published.
    with("order = [\"003\", \"099\"]");
    for lang in ["en", "zh"] {
        let out = jury()
            .arg("--contest")
            .arg(dir.path())
            .args(["room", "show", "001", "--lang", lang, "--sync-dir"])
            .arg(&share)
            .env("JURY_KEY", ORGANIZER_KEY)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", crate::helpers::show(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains("099") && err.contains("contest.toml"), "{err}");
        if lang == "zh" {
            assert!(err.contains("不在本比赛中"), "{err}");
        }
    }
    assert!(!share.join(jury_store::showing::FILE_NAME).exists());
    with("order = [\"003\", \"001\"]");
    let (judges, console) = open_room(dir.path(), &share, &ballots, "order", (80, 24), (80, 24));
    let rows = |s: &str| -> Vec<String> {
        s.lines()
            .filter_map(|l| {
                let id = l.get(2..5)?;
                ["001", "002", "003", "004"]
                    .contains(&id)
                    .then(|| id.to_string())
            })
            .collect()
    };
    let screen = until(&console, "the works in the set order", |s| {
        rows(s).len() == 4 && s.contains("3/3")
    });
    assert_eq!(rows(&screen), ["003", "001", "002", "004"], "{screen}");
    assert!(screen.contains(">"), "{screen}");
    assert!(
        screen.lines().any(|l| l.starts_with("> 003")),
        "the cursor on the first work of the order:\n{screen}"
    );
    // The deliberation tab: 002 first (range 55), the totals with the judges' names.
    console.send(&["Tab"]);
    let screen = until(&console, "the deliberation list", |s| {
        s.contains("Deliberation list") && s.contains("94")
    });
    let lines: Vec<&str> = screen.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with('>'))
        .unwrap_or_else(|| panic!("a cursor row:\n{screen}"));
    assert!(
        lines[first].contains("002"),
        "002 is the most disputed:\n{screen}"
    );
    assert!(lines[first].contains(" 55 "), "its range:\n{screen}");
    assert!(
        lines[first + 1].contains("J01 评委1 94 ・ J02 评委2 39 ・ J03 评委3 64"),
        "the totals side by side, with names:\n{screen}"
    );
    // Enter shows it, as in the works list.
    console.send(&["Enter"]);
    until(&console, "002 published", |s| s.contains("showing 002"));
    let published = std::fs::read_to_string(share.join(jury_store::showing::FILE_NAME)).unwrap();
    assert!(published.contains("\"002\""), "{published}");
    for t in &judges {
        until(t, "the judge on 002", |s| {
            s.contains("Now showing: 002") && s.contains(">002")
        });
    }
    // Back to the works: the now-showing mark is on 002.
    console.send(&["Tab"]);
    until(&console, "the works again", |s| s.contains(" *002"));
    console.send(&["q"]);
    until(&console, "the console ended", |s| s.trim().is_empty());
}
