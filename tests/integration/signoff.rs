//! Revisions after submitting and the sign-off of the final results, with real ballots, the
//! real binary and a real master: a submitted score changed without a reason (a ballot edited
//! by hand) is refused at merge with the master unchanged; with a reason it merges and `jury
//! log` and the internal report show it; `jury signoff` publishes the fingerprint, judges
//! confirm it, and the report's signature page lists who confirmed what (stale ones marked);
//! and the judge TUI does both through tmux.

use crate::helpers::{assert_ok, stdout_ok};
use jury_core::chain::Event;
use jury_store::cipher::{open_encrypted, OpenMode};
use jury_store::master::Master;
use jury_store::room_record::RoomRecord;
use jury_store::signoff::{self, Signoff, SignoffRecord};
use jury_testkit::{Issued, ORGANIZER_KEY};
use rusqlite::Connection;
use std::path::Path;

fn cli(contest: &Path, args: &[&str]) -> std::process::Output {
    crate::helpers::run_as(contest, ORGANIZER_KEY, args)
}

/// `jury results --format html --audience AUDIENCE` written to `html` in `lang`; its text.
fn html_report(contest: &Path, html: &Path, audience: &str, lang: &str) -> String {
    let out = cli(
        contest,
        &[
            "results",
            "--format",
            "html",
            "--audience",
            audience,
            "--out",
            html.to_str().unwrap(),
            "--lang",
            lang,
        ],
    );
    assert_ok(&out, audience);
    std::fs::read_to_string(html).unwrap()
}

fn master_state(
    contest: &Path,
) -> (
    jury_store::master::MergedScores,
    Vec<jury_testkit::BallotState>,
) {
    let folder = jury_store::folder::ContestFolder::load(contest).unwrap();
    let m = Master::open(&folder.master_path(), &jury_testkit::organizer_key()).unwrap();
    (m.merged().unwrap(), jury_testkit::ballot_state(&m).unwrap())
}

fn forge(conn: &Connection, event: &Event) {
    jury_testkit::forge_event(conn, event)
}

/// A contest of `judges` judges who all score all 3 works and submit, merged.
fn submitted_and_merged(dir: &Path, judges: usize) -> Vec<Issued> {
    let f = jury_testkit::build(dir, judges, 3, |_, _| true);
    for (i, b) in f.ballots.iter().enumerate() {
        let mut ballot = jury_testkit::fill(b, &f.folder.contest, 3 + i as u32);
        ballot.submit().unwrap();
    }
    let ballots = f.ballots.clone();
    drop(f);
    let issued = dir.join("issued");
    assert_ok(
        &cli(dir, &["merge", issued.to_str().unwrap()]),
        "first merge",
    );
    ballots
}

#[test]
fn a_revision_without_a_reason_is_refused_and_with_one_it_merges_and_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let ballots = submitted_and_merged(dir.path(), 2);
    let b = &ballots[0];
    let before = master_state(dir.path());
    // Fill gives J01's 001 theme 3 steps. The judge reopens; a hand edit then changes the
    // submitted score with a well-hashed event that carries no reason.
    let pristine = {
        let mut ballot = jury_testkit::open_fast(b);
        assert_eq!(ballot.load().unwrap().score("001", "theme"), Some(3));
        ballot.reopen().unwrap();
        drop(ballot);
        std::fs::read(&b.path).unwrap()
    };
    {
        let conn = open_encrypted(&b.path, &b.key, OpenMode::ReadWrite).unwrap();
        conn.execute(
            "UPDATE scores SET steps = 9 WHERE work_id = '001' AND criterion_id = 'theme'",
            [],
        )
        .unwrap();
        forge(
            &conn,
            &Event::Score {
                work: "001".into(),
                criterion: "theme".into(),
                steps: Some(9),
                reason: None,
            },
        );
        conn.execute("UPDATE state SET submitted = 1", []).unwrap();
        forge(&conn, &Event::Submit);
    }
    let out = cli(
        dir.path(),
        &["merge", b.path.to_str().unwrap(), "--lang", "en"],
    );
    assert!(!out.status.success(), "refused");
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let line = err
        .lines()
        .find(|l| l.contains("without a reason"))
        .unwrap_or_else(|| panic!("one clear line:\n{err}"));
    assert!(
        line.contains("changes the submitted score of work 001, criterion `theme`")
            && line.contains("not merged"),
        "{line}"
    );
    assert_eq!(master_state(dir.path()), before, "the master is unchanged");

    // The same change through jury, with the reason the judge typed.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", b.path.display()));
    }
    std::fs::write(&b.path, &pristine).unwrap();
    let mut ballot = jury_testkit::open_fast(b);
    assert!(ballot.set_score("001", "theme", Some(9)).is_err());
    ballot
        .revise_score("001", "theme", Some(9), "讨论后修正")
        .unwrap();
    ballot.submit().unwrap();
    drop(ballot);
    let out = cli(dir.path(), &["merge", b.path.to_str().unwrap()]);
    assert_ok(&out, "merge with a reason");
    let (merged, _) = master_state(dir.path());
    assert_eq!(merged.scores.get("J01", "001", "theme"), Some(9));
    let log = stdout_ok(&cli(dir.path(), &["log", "--lang", "zh"]), "log");
    assert!(log.contains("提交后改分："), "{log}");
    assert!(
        log.contains("J01 改 001 主题与传播价值 3→9：讨论后修正"),
        "{log}"
    );
    let log = stdout_ok(&cli(dir.path(), &["log", "--lang", "en"]), "log en");
    assert!(
        log.contains("J01 changed 001 Theme and reach 3→9: 讨论后修正"),
        "{log}"
    );
    let html = dir.path().join("r.html");
    let text = html_report(dir.path(), &html, "internal", "zh");
    assert!(
        text.contains("J01 改 001 主题与传播价值 3→9：讨论后修正"),
        "internal"
    );
    let text = html_report(dir.path(), &html, "panel", "zh");
    assert!(!text.contains("讨论后修正"), "revisions are internal only");
}

#[test]
fn signoff_confirmations_of_three_judges_are_on_the_signature_page_stale_ones_marked() {
    let dir = tempfile::tempdir().unwrap();
    let ballots = submitted_and_merged(dir.path(), 3);
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let out = cli(
        dir.path(),
        &[
            "signoff",
            "--sync-dir",
            share.to_str().unwrap(),
            "--lang",
            "en",
        ],
    );
    let text = stdout_ok(&out, "signoff");
    let Signoff::Published(record) = signoff::read(&share) else {
        panic!("a record in the sync folder");
    };
    assert!(
        text.starts_with(&format!(
            "Published the final results for sign-off: fingerprint {}, 3 works (seq 1",
            jury_core::signoff::short(&record.fingerprint)
        )),
        "{text}"
    );
    assert_eq!(SignoffRecord::parse(&record.to_bytes()), Ok(record.clone()));
    // Two judges confirm these results; the third one earlier results.
    let stale = "ab".repeat(32);
    for (b, fp) in ballots
        .iter()
        .zip([&record.fingerprint, &record.fingerprint, &stale])
    {
        let mut ballot = jury_testkit::open_fast(b);
        ballot.confirm_results(fp).unwrap();
    }
    let issued = dir.path().join("issued");
    assert_ok(
        &cli(dir.path(), &["merge", issued.to_str().unwrap()]),
        "merge",
    );
    for audience in ["panel", "internal"] {
        let html = dir.path().join(format!("{audience}.html"));
        let text = html_report(dir.path(), &html, audience, "zh");
        let page = &text[text.find("class=\"signatures\"").expect("signature page")..];
        assert!(page.contains("电子确认"), "{audience}");
        let short = jury_core::signoff::short(&record.fingerprint);
        assert!(page.contains(&format!("本报告结果指纹：{short}")), "{page}");
        for name in ["评委1", "评委2"] {
            let row = page
                .lines()
                .find(|l| l.contains("<tr class=\"current\">") && l.contains(name))
                .unwrap_or_else(|| panic!("{name} confirmed:\n{page}"));
            assert!(
                row.contains(&short) && row.contains("与本报告一致"),
                "{row}"
            );
        }
        let row = page
            .lines()
            .find(|l| l.contains("<tr class=\"stale\">") && l.contains("评委3"))
            .unwrap_or_else(|| panic!("a stale row:\n{page}"));
        assert!(
            row.contains("abab-abab-abab-abab") && row.contains("已过时"),
            "{row}"
        );
    }
}

/// Merges the sync folder until `done` says the master has what the TUI wrote there.
fn merge_until(contest: &Path, share: &Path, what: &str, done: impl Fn(&Master) -> bool) {
    let start = std::time::Instant::now();
    loop {
        let out = cli(contest, &["merge", share.to_str().unwrap()]);
        let folder = jury_store::folder::ContestFolder::load(contest).unwrap();
        let m = Master::open(&folder.master_path(), &jury_testkit::organizer_key()).unwrap();
        if out.status.success() && done(&m) {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The judge TUI: reopen a submitted ballot, change a score (the reason prompt), submit
/// again, then confirm the results `jury signoff` published; merged from the sync folder.
#[test]
fn a_judge_tui_revises_with_a_reason_and_confirms_the_published_results() {
    let dir = tempfile::tempdir().unwrap();
    let ballots = submitted_and_merged(dir.path(), 1);
    let b = &ballots[0];
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let t = crate::helpers::judge_following(
        "signoff-tui",
        dir.path(),
        b,
        &share,
        "LANG=en_US.UTF-8",
        (100, 30),
    );
    t.wait_for("submitted");
    t.send(&["o"]);
    t.wait_for("Reopen ballot");
    t.send(&["y"]);
    t.wait_for(" rev ");
    // 001's theme was 3: typing 7 asks for the reason before anything is saved.
    t.send(&["s", "7"]);
    let screen = t.wait_for("Change 001 Theme and reach 3→7");
    assert!(
        screen.contains("why the change? Enter saves, Esc keeps it"),
        "{screen}"
    );
    t.send(&["Enter"]);
    t.wait_for("Type the reason");
    t.send(&["corrected after discussion", "Enter"]);
    t.wait_for("saved, rev");
    // Esc and the next key apart: together a terminal reads them as Alt-S.
    t.send(&["Escape"]);
    let start = std::time::Instant::now();
    while t.screen().contains("0-9 ") {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "back in the list"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    t.send(&["S"]);
    t.wait_for("Submit ballot");
    t.send(&["y"]);
    t.wait_for("Receipt");
    t.send(&["Escape"]);
    merge_until(dir.path(), &share, "the revised ballot merges", |m| {
        m.merged().unwrap().scores.get("J01", "001", "theme") == Some(7)
    });
    let log = stdout_ok(&cli(dir.path(), &["log", "--lang", "en"]), "log");
    assert!(
        log.contains("J01 changed 001 Theme and reach 3→7: corrected after discussion"),
        "{log}"
    );
    // The organizer publishes the results; the TUI hears of it and shows them.
    let out = cli(
        dir.path(),
        &["signoff", "--sync-dir", share.to_str().unwrap()],
    );
    assert_ok(&out, "signoff");
    let Signoff::Published(record) = signoff::read(&share) else {
        panic!("published");
    };
    t.wait_for("Final results published for sign-off");
    t.send(&["A"]);
    let screen = t.wait_for("Results fingerprint");
    assert!(screen.contains("y confirm these results"), "{screen}");
    t.send(&["y"]);
    t.wait_for("confirmed (revision");
    t.send(&["q"]);
    merge_until(dir.path(), &share, "the confirmation merges", |m| {
        !m.confirmations().unwrap().is_empty()
    });
    let folder = jury_store::folder::ContestFolder::load(dir.path()).unwrap();
    let m = Master::open(&folder.master_path(), &jury_testkit::organizer_key()).unwrap();
    let confirmations = m.confirmations().unwrap();
    assert_eq!(confirmations.len(), 1, "{confirmations:?}");
    assert_eq!(confirmations[0].fingerprint, record.fingerprint);
    drop(m);
    let html = dir.path().join("panel.html");
    let text = html_report(dir.path(), &html, "panel", "en");
    assert!(
        text.contains("<tr class=\"current\">") && text.contains("these results"),
        "the confirmation is of the results reported"
    );
}
