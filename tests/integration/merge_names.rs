//! Hostile input, second sweep: what a returned file can put on the organizer's terminal and
//! into memory. File names with escape sequences are printed (merge, watch, log) only as
//! visible escapes and stored raw in the audit log; a huge sparse file is refused by its size
//! without being read; a copy renamed to another judge's file name merges as its real judge
//! with a warning; a copy issued for a newer assignment version is called newer, not old.

use jury::commands::watch::watch;
use jury::i18n::Lang;
use jury_store::verify::{Mismatch, VerifyError};
use jury_store::{Ballot, BallotInit};
use jury_testkit::{self, ORGANIZER_KEY};
use std::cell::RefCell;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

const EVIL: &str = "evil\n\u{1b}[31mRED\u{1b}[0m.ballot";
const EVIL_SHOWN: &str = "evil\\n\\x1b[31mRED\\x1b[0m.ballot";
const JUNK: &str = "junk\u{1b}]0;pwned\u{7}.ballot";
const JUNK_SHOWN: &str = "junk\\x1b]0;pwned\\x07.ballot";

fn jury(contest: &Path, lang: &str, args: &[&str]) -> Output {
    crate::helpers::jury()
        .arg("--contest")
        .arg(contest)
        .args(["--lang", lang])
        .args(args)
        .env("JURY_KEY", ORGANIZER_KEY)
        .output()
        .unwrap()
}

/// No byte of `text` can act on a terminal: no ESC, BEL, CSI or bare carriage return.
fn inert(text: &str) -> bool {
    !text
        .chars()
        .any(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{9b}' | '\r'))
}

#[test]
fn file_names_with_escapes_are_shown_escaped_and_stored_raw() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    drop(jury_testkit::fill(&f.ballots[0], &f.folder.contest, 2));
    let sync = dir.path().join("sync");
    std::fs::create_dir(&sync).unwrap();
    std::fs::copy(&f.ballots[0].path, sync.join(EVIL)).unwrap();
    std::fs::write(sync.join(JUNK), b"junk").unwrap();
    drop(f);
    let sync_arg = sync.to_str().unwrap();

    for lang in ["en", "zh"] {
        let out = jury(dir.path(), lang, &["merge", sync_arg]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(inert(&text), "{text:?}");
        assert!(
            text.contains(EVIL_SHOWN) && text.contains(JUNK_SHOWN),
            "{text}"
        );
        // One line per file: the newline in the name did not split a line.
        assert_eq!(
            text.lines().filter(|l| l.contains("evil")).count(),
            1,
            "{text}"
        );
        assert_eq!(
            text.lines().filter(|l| l.contains("junk")).count(),
            1,
            "{text}"
        );

        let log = jury(dir.path(), lang, &["log"]);
        let text = String::from_utf8(log.stdout).unwrap();
        assert!(inert(&text), "{text:?}");
        assert!(
            text.contains(EVIL_SHOWN) && text.contains(JUNK_SHOWN),
            "{text}"
        );
    }

    // The audit log keeps the names as they were, as data.
    let master = jury_store::folder::ContestFolder::load(dir.path())
        .unwrap()
        .open_master(&jury_testkit::organizer_key())
        .unwrap();
    let audit = master.audit().unwrap();
    assert!(audit
        .iter()
        .any(|e| e.file.ends_with(EVIL) && e.outcome == "merged"));
    assert!(audit
        .iter()
        .any(|e| e.file.ends_with(JUNK) && e.is_refusal()));
    drop(master);

    // jury watch prints the same lines.
    let mut f = jury_testkit::build(&dir.path().join("again"), 2, 4, |_, _| true);
    let contest = f.folder.contest.clone();
    let lines = RefCell::new(Vec::<String>::new());
    let start = Instant::now();
    watch(
        &mut f.master,
        &contest,
        &sync,
        Lang::En,
        |l| lines.borrow_mut().push(l.to_string()),
        || {
            let lines = lines.borrow();
            start.elapsed() > Duration::from_secs(30)
                || (lines.iter().any(|l| l.contains("evil"))
                    && lines.iter().any(|l| l.contains("junk")))
        },
    )
    .unwrap();
    let lines = lines.into_inner();
    assert!(lines.iter().any(|l| l.contains(EVIL_SHOWN)), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains(JUNK_SHOWN)), "{lines:?}");
    assert!(
        lines.iter().all(|l| inert(l) && !l.contains('\n')),
        "{lines:?}"
    );
}

#[test]
fn names_and_units_from_the_forms_are_shown_escaped_by_assign() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = jury_testkit::build(dir.path(), 3, 6, |_, _| true);
    f.master
        .connection()
        .execute(
            "UPDATE judges SET name = ?1 WHERE id = 'J01'",
            ["王\u{1b}[2J\u{1b}]0;x\u{7}老师"],
        )
        .unwrap();
    let outcome = jury::commands::assign::run_assign(
        &f.folder,
        &mut f.master,
        &jury::commands::assign::AssignOptions {
            per_work: Some(2),
            ..Default::default()
        },
        Lang::En,
    )
    .unwrap();
    assert!(inert(&outcome.text), "{:?}", outcome.text);
    assert!(
        outcome.text.contains("王\\x1b[2J\\x1b]0;x\\x07老师"),
        "{}",
        outcome.text
    );
}

/// A 2 GB sparse `.ballot` (no disk used) under an address-space limit of 1 GB: reading it
/// into memory would fail, so `jury watch` must refuse it by its size, unread.
#[cfg(unix)]
#[test]
fn a_huge_sparse_ballot_is_refused_by_its_size_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    drop(f);
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let huge = share.join("huge.ballot");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let limited = |args: &[&str]| {
        let mut c = crate::helpers::jury();
        let program = c.get_program().to_owned();
        let mut sh = std::process::Command::new("bash");
        sh.arg("-c")
            .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
            .arg(program)
            .arg("--contest")
            .arg(dir.path())
            .args(["--lang", "en"])
            .args(args)
            .env("LANG", "en_US.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LANGUAGE")
            .env("JURY_KEY", ORGANIZER_KEY);
        c = sh;
        c
    };
    let mut watch = crate::helpers::Watched::spawn(limited(&["watch", share.to_str().unwrap()]));
    watch.until(Duration::from_secs(60), |l| l.contains("huge.ballot"));
    let lines = std::mem::take(&mut watch.lines);
    drop(watch);
    assert!(
        lines.iter().any(|l| l.starts_with("refused")
            && l.contains("huge.ballot")
            && l.contains("2147483648 bytes is far larger than any ballot")),
        "{lines:?}"
    );
    // jury merge the same; the audit row has the size and no SHA-256 (never read).
    let out = limited(&["merge", huge.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("2147483648 bytes is far larger"), "{text}");
    let master = jury_store::folder::ContestFolder::load(dir.path())
        .unwrap()
        .open_master(&jury_testkit::organizer_key())
        .unwrap();
    let refused: Vec<_> = master
        .audit()
        .unwrap()
        .into_iter()
        .filter(|e| e.is_refusal())
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    for e in refused {
        assert!(e.file.ends_with("huge.ballot"));
        assert_eq!(e.file_sha256, "");
        assert!(
            e.detail.contains("\"reason\":\"too-large\""),
            "{}",
            e.detail
        );
        assert!(e.detail.contains("\"bytes\":2147483648"), "{}", e.detail);
    }
}

#[test]
fn a_copy_named_for_another_judge_merges_as_its_own_judge_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    drop(jury_testkit::fill(&f.ballots[1], &f.folder.contest, 3));
    let stick = dir.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let j01_name = f.ballots[0].path.file_name().unwrap().to_owned();
    std::fs::copy(&f.ballots[1].path, stick.join(&j01_name)).unwrap();
    drop(f);
    for lang in ["en", "zh"] {
        let out = jury(dir.path(), lang, &["merge", stick.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        let warning = text
            .lines()
            .find(|l| l.starts_with("warning") || l.starts_with("警告"))
            .unwrap_or_else(|| panic!("no warning line: {text}"));
        assert!(warning.contains("J01") && warning.contains("J02"), "{text}");
        if lang == "en" {
            assert!(
                text.lines()
                    .any(|l| l.starts_with("merged") && l.contains("judge J02")),
                "{text}"
            );
            assert!(warning.contains("merged as judge J02"), "{warning}");
        }
    }
    let log = jury(dir.path(), "en", &["log"]);
    let text = String::from_utf8_lossy(&log.stdout);
    assert!(text.contains("file named like judge J01's"), "{text}");
}

#[test]
fn a_copy_issued_for_a_newer_assignment_is_called_newer() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    let b = f.ballots[0].clone();
    let data = Ballot::open(&b.path, &b.key).unwrap().load().unwrap();
    let newer = dir.path().join("newer").join(b.path.file_name().unwrap());
    std::fs::create_dir_all(newer.parent().unwrap()).unwrap();
    drop(
        Ballot::create(
            &newer,
            &b.key,
            &BallotInit {
                ballot_id: b.ballot_id.clone(),
                contest: f.folder.contest.clone(),
                judge: data.judge.clone(),
                works: data.works.clone(),
                media_dir: None,
                assignment_version: 3,
                sync_dir: None,
            },
        )
        .unwrap(),
    );
    let contest = f.folder.contest.clone();
    let err = f.master.merge_file(&contest, &newer).unwrap_err();
    assert!(
        matches!(
            &err,
            VerifyError::Identity {
                problem: Mismatch::NewerIssue {
                    found: 3,
                    expected: 1,
                    ..
                },
                ..
            }
        ),
        "{err}"
    );
    let en = jury::commands::words::verify_error(&err, Lang::En);
    assert!(en.contains("newer") && !en.contains("old copy"), "{en}");
    let zh = jury::commands::words::verify_error(&err, Lang::Zh);
    assert!(zh.contains("更新的副本") && !zh.contains("旧副本"), "{zh}");
}
