//! `jury watch`: a ballot written into the watched folder (as the judge's sync does: temp
//! name, then rename) is merged once, and the CLI's merge/log commands print one line each.

use jury::commands::watch::watch;
use jury_store::snapshot::write_snapshot;
use jury_testkit::{self, ORGANIZER_KEY};
use std::cell::RefCell;
use std::time::{Duration, Instant};

#[test]
fn a_ballot_appearing_in_the_watched_folder_is_merged() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let b = f.ballots[1].clone();
    let key = b.key.clone();
    let src = b.path.clone();
    let share2 = share.clone();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(800));
        let mut ballot = jury_store::Ballot::open(&src, &key).unwrap();
        ballot.set_score("001", "theme", Some(17)).unwrap();
        write_snapshot(ballot.connection(), &key, &src, &share2).unwrap();
    });
    let lines = RefCell::new(Vec::<String>::new());
    let start = Instant::now();
    let contest = f.folder.contest.clone();
    watch(
        &mut f.master,
        &contest,
        &share,
        jury::i18n::Lang::En,
        |l| lines.borrow_mut().push(l.to_string()),
        || {
            start.elapsed() > Duration::from_secs(30)
                || lines.borrow().iter().any(|l| l.starts_with("merged"))
        },
    )
    .unwrap();
    writer.join().unwrap();
    let lines = lines.into_inner();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("merged") && l.contains("J02")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.starts_with("refused")), "{lines:?}");
    let merged = f.master.merged().unwrap();
    assert_eq!(merged.scores.get(&b.judge_id, "001", "theme"), Some(17));
}

#[test]
fn merge_and_log_commands_print_one_line_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    drop(jury_testkit::fill(&f.ballots[0], &f.folder.contest, 2));
    std::fs::write(dir.path().join("issued").join("junk.ballot"), b"junk").unwrap();
    drop(f);
    let jury = |args: &[&str]| {
        crate::helpers::jury()
            .arg("--contest")
            .arg(dir.path())
            .args(["--lang", "en"])
            .args(args)
            .env("JURY_KEY", ORGANIZER_KEY)
            .output()
            .unwrap()
    };
    let issued = dir.path().join("issued");
    let out = jury(&["merge", issued.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a refused file fails the run: {text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("merged")).count(),
        2,
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("refused")).count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("2 merged, 0 unchanged, 0 stale, 1 refused"),
        "{text}"
    );
    let again = jury(&["merge", issued.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 merged, 2 unchanged"));
    let log = jury(&["log"]);
    let text = String::from_utf8_lossy(&log.stdout);
    assert!(log.status.success());
    assert_eq!(
        text.lines().count(),
        5,
        "header, two merges and junk.ballot refused by both runs:\n{text}"
    );
    assert!(text.contains("+28 new"), "{text}");
    // The refusals alone: name, SHA-256, size and reason code.
    let refused = jury(&["log", "--refused"]);
    let text = String::from_utf8_lossy(&refused.stdout);
    assert!(refused.status.success());
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{text}");
    let junk_sha = &jury_core::chain::sha256_hex(b"junk")[..12];
    for row in rows {
        assert!(
            row.contains("junk.ballot")
                && row.contains("refused")
                && row.contains(junk_sha)
                && row.contains("reason no-key, 4 bytes"),
            "{row}"
        );
    }
    // The same in Chinese: the contest's language, or --lang zh.
    let zh = |args: &[&str]| {
        crate::helpers::jury()
            .arg("--contest")
            .arg(dir.path())
            .args(["--lang", "zh"])
            .args(args)
            .env("JURY_KEY", ORGANIZER_KEY)
            .output()
            .unwrap()
    };
    let log = String::from_utf8_lossy(&zh(&["log"]).stdout).to_string();
    assert!(log.contains("时间") && log.contains("新增 28"), "{log}");
    // The action, outcome and detail columns follow --lang too.
    assert!(
        log.contains("合并") && log.contains("已拒绝") && log.contains("原因 no-key，4 字节"),
        "{log}"
    );
    assert!(
        !log.contains(" merge ") && !log.contains("refused"),
        "{log}"
    );
    let again =
        String::from_utf8_lossy(&zh(&["merge", issued.to_str().unwrap()]).stdout).to_string();
    assert!(again.contains("无变化 "), "{again}");
    assert!(
        again.contains("已拒绝 ") && again.contains("未合并"),
        "{again}"
    );
    assert!(
        again.contains("合并 0，无变化 2，过期 0，拒绝 1"),
        "{again}"
    );
}

/// `jury watch share` (a relative folder, as organizers type it) over a folder that already
/// holds a ballot: merged and printed once, even though reading it stirs the watcher.
#[test]
fn watch_reports_a_file_already_there_once() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    drop(jury_testkit::fill(&f.ballots[0], &f.folder.contest, 2));
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let name = f.ballots[0].path.file_name().unwrap().to_owned();
    std::fs::copy(&f.ballots[0].path, share.join(&name)).unwrap();
    drop(f);
    let mut watch = {
        let mut c = crate::helpers::jury();
        c.current_dir(dir.path())
            .args(["--contest", ".", "--lang", "en", "watch", "share"])
            .env("JURY_KEY", ORGANIZER_KEY);
        crate::helpers::Watched::spawn(c)
    };
    // Wait for the merge however slow the machine, then long enough for the debounced
    // events of that first read (700 ms) to arrive and be handled.
    assert!(
        watch.until(Duration::from_secs(60), |l| l.starts_with("merged")),
        "{:?}",
        watch.lines
    );
    watch.settle(Duration::from_millis(2500));
    let lines = std::mem::take(&mut watch.lines);
    drop(watch);
    let name = name.to_string_lossy();
    assert_eq!(
        lines.iter().filter(|l| l.contains(name.as_ref())).count(),
        1,
        "{lines:?}"
    );
}
