//! The binary's one-line errors for bad files and arguments (no TUI needed).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::helpers::assert_ok;

fn jury(config: &Path) -> Command {
    let mut c = crate::helpers::jury();
    c.env("XDG_CONFIG_HOME", config)
        .env("LANG", "en_US.UTF-8")
        .env_remove("JURY_KEY");
    c
}

/// An organizer's key file in `dir`.
fn key_file(dir: &Path) -> PathBuf {
    let key = dir.join("key.txt");
    std::fs::write(&key, "organizer passphrase").unwrap();
    key
}

/// `jury --key-file KEY init TARGET`, run with `dir` as the config home.
fn init(dir: &Path, key: &Path, target: &Path) -> Output {
    jury(dir)
        .arg("--key-file")
        .arg(key)
        .arg("init")
        .arg(target)
        .output()
        .unwrap()
}

/// `jury --key-file KEY --contest CONTEST ARGS…`, run with `dir` as the config home.
fn on_contest(dir: &Path, key: &Path, contest: &Path, args: &[&str]) -> Output {
    jury(dir)
        .arg("--key-file")
        .arg(key)
        .arg("--contest")
        .arg(contest)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_bad_user_keymap_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("jury")).unwrap();
    std::fs::write(
        dir.path().join("jury/keymap.toml"),
        "[list]\nkeymap = [\n  { on = [\"j\"], run = \"next\" },\n  { on = [\"x\"], run = \"fly\" },\n]\n",
    )
    .unwrap();
    let out = jury(dir.path())
        .args(["demo", "--dir"])
        .arg(dir.path().join("demo"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keymap.toml:4"), "{err}");
    assert!(err.contains("unknown action `fly`"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn a_missing_ballot_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = jury(dir.path())
        .args(["judge", "/nonexistent/x.ballot"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("x.ballot") && err.contains("check the path"),
        "{err}"
    );
}

#[test]
fn a_key_file_that_is_empty_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ballot = jury::demo::ensure(&dir.path().join("demo"), false).unwrap();
    let key = dir.path().join("key.txt");
    std::fs::write(&key, "\n").unwrap();
    let out = jury(dir.path())
        .arg("--key-file")
        .arg(&key)
        .arg("judge")
        .arg(&ballot)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("key file is empty"));
}

#[test]
fn bad_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = jury(dir.path()).args(["judge"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn probe_exits_1_on_rule_violations_and_0_when_compliant() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    jury::demo::ensure(&demo, false).unwrap();
    let out = jury(dir.path())
        .args(["probe", "--lang", "en"])
        .arg(demo.join("004-night-lab.mp4"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("4:3"), "{report}");
    let clip = dir.path().join("ok.mp4");
    jury_media::testclip::Clip {
        fps: 5,
        ..jury_media::testclip::Clip::sized(1280, 720, 3)
    }
    .make(&clip)
    .unwrap();
    // Three seconds is too short for the 2023 contest but fine for the micro-lecture call.
    let out = jury(dir.path())
        .args(["probe", "--template", "cq-micro-lecture"])
        .arg(&clip)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn without_a_terminal_the_judge_screen_says_so_instead_of_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let ballot = jury::demo::ensure(&dir.path().join("demo"), false).unwrap();
    // `output()` pipes stdin, stdout and stderr: no terminal anywhere.
    let out = jury(dir.path())
        .env("JURY_KEY", jury::demo::DEMO_KEY)
        .arg("judge")
        .arg(&ballot)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "no panic (101)");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("need a terminal"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn an_error_and_its_cause_are_each_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let contest = dir.path().join("cq");
    assert_ok(&init(dir.path(), &key, &contest), "init");
    // A master that SQLite cannot open: the message quotes SQLite's reason, which is also
    // the error's cause; it must not be printed twice.
    std::fs::remove_file(contest.join("master.jury")).unwrap();
    std::fs::create_dir(contest.join("master.jury")).unwrap();
    let out = on_contest(dir.path(), &key, &contest, &["results"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert!(err.contains("master.jury"), "{err}");
    let parts: Vec<&str> = err.split(": ").collect();
    let mut seen = std::collections::BTreeSet::new();
    for part in &parts[1..] {
        assert!(seen.insert(*part), "`{part}` said twice: {err}");
    }
}

#[test]
fn results_never_overwrite_the_contest_files() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let contest = dir.path().join("cq");
    let run = |args: &[&str]| on_contest(dir.path(), &key, &contest, args);
    assert_ok(&init(dir.path(), &key, &contest), "init");
    let master_before = std::fs::read(contest.join("master.jury")).unwrap();
    for target in ["master.jury", "contest.toml", "rubric.toml"] {
        let target = contest.join(target).display().to_string();
        let out = run(&["results", "--format", "csv", "--out", &target]);
        assert_eq!(out.status.code(), Some(1), "{target}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("keeps contest data"), "{err}");
    }
    assert_eq!(
        std::fs::read(contest.join("master.jury")).unwrap(),
        master_before
    );
    assert_ok(&run(&["results"]), "the contest still opens");
}

#[test]
fn help_texts_read_as_prose_not_rustdoc() {
    let dir = tempfile::tempdir().unwrap();
    for command in [
        "demo", "judge", "init", "import", "probe", "assign", "issue", "export", "merge", "watch",
        "log", "results", "organize",
    ] {
        let out = jury(dir.path()).args([command, "--help"]).output().unwrap();
        assert!(out.status.success(), "{command} --help");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            !help.contains("[`"),
            "{command} --help shows a doc link:\n{help}"
        );
    }
}

#[test]
fn a_file_where_a_folder_must_go_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    for target in [file.clone(), file.join("cq")] {
        let out = init(dir.path(), &key, &target);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is a file"), "{err}");
        assert!(!err.contains("os error"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn completions_and_the_manual_page_come_from_the_same_definitions() {
    let out = crate::helpers::jury()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(
        script.contains("_jury()") && script.contains("issue"),
        "{script}"
    );
    let out = crate::helpers::jury().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains(".TH jury 1") && page.contains("merge"),
        "{page}"
    );
}

#[test]
fn subcommand_summaries_follow_the_language() {
    let out = crate::helpers::jury()
        .args(["--lang", "zh", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("校验交回的选票并合并到主数据库"), "{help}");
    let out = crate::helpers::jury().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("Verify returned ballots"), "{help}");
}
