//! Merging returned ballots as hostile input: tampered bytes, wrong identities, stale and
//! repeated files, edited content. Every refusal is a typed error and leaves the master
//! exactly as it was; merging in any order gives the same master.

use jury_core::chain::Event;
use jury_store::cipher::{open_encrypted, OpenMode};
use jury_store::master::{Master, MergedScores};
use jury_store::merge::MergeOutcome;
use jury_store::snapshot::{export, write_snapshot};
use jury_store::verify::VerifyError;
use jury_store::{Ballot, BallotInit, BallotKey};
use jury_testkit::ballot_state;
use jury_testkit::{self, Fixture, Issued};
use proptest::prelude::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// Judge j gets work w unless (w + j) % 3 == 0: 3 judges, 6 works, every judge has 4.
fn fixture(dir: &Path) -> Fixture {
    jury_testkit::build(dir, 3, 6, |j, w| (w + j) % 3 != 0)
}

type State = (MergedScores, Vec<jury_testkit::BallotState>, usize);

fn state(m: &Master) -> State {
    assert!(m.integrity_ok().unwrap());
    (
        m.merged().unwrap(),
        ballot_state(m).unwrap(),
        m.audit().unwrap().len(),
    )
}

/// Scores two works of `b`, comments one; returns the open ballot.
fn score_some(b: &Issued, theme: u32) -> Ballot {
    let mut ballot = jury_testkit::open_fast(b);
    ballot.set_score(&b.works[0], "theme", Some(theme)).unwrap();
    ballot.set_score(&b.works[0], "story", Some(20)).unwrap();
    ballot.set_score(&b.works[1], "theme", Some(10)).unwrap();
    ballot.set_comment(&b.works[0], "节奏好").unwrap();
    ballot
}

fn snapshot_to(ballot: &Ballot, b: &Issued, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    write_snapshot(ballot.connection(), &b.key, &b.path, dir)
        .unwrap()
        .path
}

fn merge(f: &mut Fixture, file: &Path) -> Result<jury_store::merge::MergeReport, VerifyError> {
    let contest = f.folder.contest.clone();
    f.master.merge_file(&contest, file)
}

#[test]
fn a_good_ballot_merges_and_the_same_file_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let b = f.ballots[0].clone();
    let mut ballot = score_some(&b, 25);
    ballot.recuse(&b.works[2], "同单位").unwrap();
    ballot.submit().unwrap();
    let file = snapshot_to(&ballot, &b, &dir.path().join("sync"));
    let report = merge(&mut f, &file).unwrap();
    let MergeOutcome::Merged(diff) = &report.outcome else {
        panic!("{report:?}")
    };
    assert_eq!(diff.new, 3);
    assert!(report.submitted);
    assert_eq!(report.judge_id, b.judge_id);
    let merged = f.master.merged().unwrap();
    assert_eq!(
        merged.scores.get(&b.judge_id, &b.works[0], "theme"),
        Some(25)
    );
    assert_eq!(
        merged.comments[&(b.judge_id.clone(), b.works[0].clone())],
        "节奏好"
    );
    assert!(merged
        .recusals
        .contains_key(&(b.judge_id.clone(), b.works[2].clone())));
    let audit = f.master.audit().unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].outcome, "merged");
    assert_eq!(audit[0].file_sha256.len(), 64);
    assert!(audit[0].detail.contains(&report.receipt));
    let record = f.master.ballot(&b.ballot_id).unwrap().unwrap();
    assert_eq!(record.merged_revision, report.revision);
    assert!(record.submitted);

    let before = state(&f.master);
    let again = merge(&mut f, &file).unwrap();
    assert_eq!(again.outcome, MergeOutcome::Unchanged);
    assert_eq!(state(&f.master), before);
    // The live ballot file itself (WAL mode, not a snapshot) merges too: same revision.
    drop(ballot);
    assert_eq!(
        merge(&mut f, &b.path).unwrap().outcome,
        MergeOutcome::Unchanged
    );
    // A later revision replaces the judge's rows: changed and removed scores are reported.
    let mut ballot = jury_testkit::open_fast(&b);
    ballot.reopen().unwrap();
    // Submitted scores change only with a reason.
    ballot
        .revise_score(&b.works[0], "theme", Some(26), "讨论后修正")
        .unwrap();
    ballot
        .revise_score(&b.works[1], "theme", None, "讨论后修正")
        .unwrap();
    let file = snapshot_to(&ballot, &b, &dir.path().join("sync"));
    let MergeOutcome::Merged(diff) = merge(&mut f, &file).unwrap().outcome else {
        panic!()
    };
    assert_eq!(
        (diff.new, diff.changed.len(), diff.removed.len()),
        (0, 1, 1)
    );
    assert!(!f.master.ballot(&b.ballot_id).unwrap().unwrap().submitted);
    let log = jury::commands::watch::render_log(&f.master.audit().unwrap(), jury::i18n::Lang::En);
    assert!(log.contains("1 changed, 1 removed"), "{log}");
}

#[test]
fn stale_revisions_are_refused_and_order_does_not_matter() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let b = f.ballots[1].clone();
    let mut ballot = score_some(&b, 5);
    let old = snapshot_to(&ballot, &b, &dir.path().join("old"));
    ballot.set_score(&b.works[0], "theme", Some(6)).unwrap();
    let new = snapshot_to(&ballot, &b, &dir.path().join("new"));
    merge(&mut f, &new).unwrap();
    let before = state(&f.master);
    let err = merge(&mut f, &old).unwrap_err();
    assert!(matches!(err, VerifyError::Stale { .. }), "{err}");
    assert!(err.to_string().contains(&b.judge_id), "{err}");
    assert_eq!(state(&f.master), before);
}

#[test]
fn keys_identities_and_contests_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let before = state(&f.master);
    let (b1, b2) = (f.ballots[0].clone(), f.ballots[1].clone());
    let contest = f.folder.contest.clone();
    let make = |name: &str, key: &BallotKey, ballot_id: &str, judge: &str, contest_id: &str| {
        let mut c = contest.clone();
        c.id = contest_id.into();
        let path = dir.path().join(name);
        Ballot::create(
            &path,
            key,
            &BallotInit {
                ballot_id: ballot_id.into(),
                contest: c,
                judge: jury_core::model::Judge {
                    id: judge.into(),
                    name: "x".into(),
                    unit: "y".into(),
                    district: String::new(),
                },
                works: vec![],
                media_dir: None,
                assignment_version: 1,
                sync_dir: None,
            },
        )
        .unwrap();
        path
    };
    // A key no issued ballot has.
    let stranger = make("x.ballot", &BallotKey::generate(), "b", "J01", &contest.id);
    assert!(matches!(
        merge(&mut f, &stranger),
        Err(VerifyError::NoKey { .. })
    ));
    // Another contest's ballot (opened with an issued key).
    let other = make(
        "o.ballot",
        &b1.key,
        &b1.ballot_id,
        &b1.judge_id,
        "another-contest",
    );
    assert!(matches!(
        merge(&mut f, &other),
        Err(VerifyError::OtherContest { .. })
    ));
    // J01's key, but the file claims to be J02's ballot.
    let claim = make(
        "c.ballot",
        &b1.key,
        &b2.ballot_id,
        &b2.judge_id,
        &contest.id,
    );
    assert!(matches!(
        merge(&mut f, &claim),
        Err(VerifyError::Identity { .. })
    ));
    let claim = make(
        "d.ballot",
        &b1.key,
        &b1.ballot_id,
        &b2.judge_id,
        &contest.id,
    );
    assert!(matches!(
        merge(&mut f, &claim),
        Err(VerifyError::Identity { .. })
    ));
    // Not a ballot at all.
    let junk = dir.path().join("junk.ballot");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    assert!(matches!(
        merge(&mut f, &junk),
        Err(VerifyError::NoKey { .. })
    ));
    assert_eq!(state(&f.master), before);
    // J02's ballot renamed to J01's file name is still merged as J02's, never as J01's.
    let ballot = score_some(&b2, 7);
    let snap = snapshot_to(&ballot, &b2, &dir.path().join("s"));
    let renamed = dir.path().join("s").join(b1.path.file_name().unwrap());
    std::fs::rename(&snap, &renamed).unwrap();
    let report = merge(&mut f, &renamed).unwrap();
    assert_eq!(report.judge_id, b2.judge_id);
    assert_eq!(report.named_as.as_deref(), Some(b1.judge_id.as_str()));
    assert!(f
        .master
        .merged()
        .unwrap()
        .scores
        .iter()
        .all(|(j, _, _, _)| j == b2.judge_id));
}

fn all_refused(f: &mut Fixture, files: &[PathBuf]) {
    let before = state(&f.master);
    for file in files {
        match merge(f, file) {
            Err(e) => {
                let line = e.to_string();
                assert!(!line.contains('\n'), "one line: {line}");
                assert!(line.contains(&file.display().to_string()), "{line}");
            }
            Ok(r) => panic!("{} was merged: {r:?}", file.display()),
        }
    }
    assert_eq!(state(&f.master), before);
}

#[test]
fn flipped_truncated_and_extended_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let b = f.ballots[0].clone();
    let ballot = score_some(&b, 9);
    let good = snapshot_to(&ballot, &b, &dir.path().join("good"));
    let bytes = std::fs::read(&good).unwrap();
    let pages = bytes.len() / 4096;
    assert!(pages >= 8, "{pages} pages");
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    let mut files = Vec::new();
    let mut n = 0;
    let mut add = |content: Vec<u8>| {
        n += 1;
        // Same name as the issued ballot so its key is tried first (and each case is quick).
        let sub = bad.join(n.to_string());
        std::fs::create_dir(&sub).unwrap();
        let p = sub.join(b.path.file_name().unwrap());
        std::fs::write(&p, content).unwrap();
        files.push(p);
    };
    // A flipped byte in every page, at varying offsets (salt, header, cells, HMAC area).
    for page in 0..pages {
        let offset = (page * 997 + 17) % 4096;
        let mut copy = bytes.clone();
        copy[page * 4096 + offset] ^= 0x40;
        add(copy);
    }
    for len in [
        0,
        1,
        15,
        16,
        100,
        4095,
        4096,
        4097,
        bytes.len() / 2,
        bytes.len() - 1,
    ]
    .into_iter()
    .chain((1..pages).map(|p| p * 4096))
    {
        add(bytes[..len].to_vec());
    }
    for junk in [
        vec![0u8; 1],
        vec![0x41; 100],
        vec![0u8; 4096],
        bytes[..4096].to_vec(),
    ] {
        let mut copy = bytes.clone();
        copy.extend(junk);
        add(copy);
    }
    all_refused(&mut f, &files);
    // The untouched file still merges.
    merge(&mut f, &good).unwrap();
}

/// Opens `b` with its key for editing behind jury's back.
#[cfg(unix)]
#[test]
fn pipes_folders_and_empty_files_are_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let before = state(&f.master);
    let name = f.ballots[0].path.file_name().unwrap().to_owned();
    let pipe_dir = dir.path().join("pipe");
    std::fs::create_dir(&pipe_dir).unwrap();
    let pipe = pipe_dir.join(&name);
    assert!(std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap()
        .success());
    let empty_dir = dir.path().join("empty");
    std::fs::create_dir(&empty_dir).unwrap();
    let empty = empty_dir.join(&name);
    std::fs::write(&empty, b"").unwrap();
    let folder = dir.path().join("folder.ballot");
    std::fs::create_dir(&folder).unwrap();
    for (file, why) in [
        (&pipe, "not a regular file"),
        (&empty, "empty"),
        (&folder, "not a regular file"),
    ] {
        let err = merge(&mut f, file).unwrap_err();
        assert!(matches!(err, VerifyError::Io { .. }), "{err}");
        assert!(err.to_string().contains(why), "{err}");
    }
    // Export refuses them as ballots too, without creating anything.
    let out = dir.path().join("stick");
    for file in [&pipe, &empty, &folder] {
        assert!(export(file, &f.ballots[0].key, &out).is_err());
    }
    assert_eq!(state(&f.master), before);
}

fn raw(b: &Issued) -> Connection {
    let conn = open_encrypted(&b.path, &b.key, OpenMode::ReadWrite).unwrap();
    conn.pragma_update(None, "ignore_check_constraints", "ON")
        .unwrap();
    conn
}

fn forge(conn: &Connection, event: &Event) {
    jury_testkit::forge_event(conn, event)
}

#[test]
fn content_edited_with_the_right_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let contest = f.folder.contest.clone();
    let b = f.ballots[0].clone();
    let unassigned = (0..6)
        .map(|w| format!("{:03}", w + 1))
        .find(|w| !b.works.contains(w))
        .unwrap();
    let mut files = Vec::new();
    drop(score_some(&b, 3));
    let pristine = std::fs::read(&b.path).unwrap();
    let loaded = Ballot::open(&b.path, &b.key).unwrap().load().unwrap();
    let variant = |name: &str, edit: &dyn Fn(&Connection)| -> PathBuf {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", b.path.display()));
        }
        std::fs::write(&b.path, &pristine).unwrap();
        let conn = raw(&b);
        edit(&conn);
        let out = dir.path().join(name);
        std::fs::create_dir_all(&out).unwrap();
        write_snapshot(&conn, &b.key, &b.path, &out).unwrap().path
    };
    // A score (with a forged event) for a recused work.
    let recused = b.works[0].clone();
    files.push(variant("recused", &|c| {
        let ev = Event::Recuse {
            work: recused.clone(),
            reason: "同单位".into(),
        };
        c.execute("DELETE FROM scores WHERE work_id = ?1", [&recused])
            .unwrap();
        c.execute(
            "INSERT INTO recusals (work_id, reason) VALUES (?1, '同单位')",
            [&recused],
        )
        .unwrap();
        forge(c, &ev);
        let ev = Event::Score {
            work: recused.clone(),
            criterion: "theme".into(),
            steps: Some(4),
            reason: None,
        };
        c.execute(
            "INSERT INTO scores (work_id, criterion_id, max_steps, steps) VALUES (?1, 'theme', 30, 4)",
            [&recused],
        )
        .unwrap();
        forge(c, &ev);
    }));
    // Out of range (CHECK constraints bypassed, event forged).
    let w0 = b.works[1].clone();
    files.push(variant("range", &|c| {
        c.execute(
            "UPDATE scores SET steps = 31 WHERE work_id = ?1 AND criterion_id = 'theme'",
            [&w0],
        )
        .unwrap();
        forge(
            c,
            &Event::Score {
                work: w0.clone(),
                criterion: "theme".into(),
                steps: Some(31),
                reason: None,
            },
        );
    }));
    // A raised maximum in the ballot's own rubric.
    files.push(variant("maximum", &|c| {
        c.execute_batch(
            "PRAGMA foreign_keys = OFF; UPDATE criteria SET max_steps = 40 WHERE id = 'theme';
             UPDATE scores SET max_steps = 40 WHERE criterion_id = 'theme';",
        )
        .unwrap();
    }));
    // A broken chain: a score changed without an event, and an event rewritten.
    files.push(variant("chain1", &|c| {
        c.execute(
            "UPDATE scores SET steps = 1 WHERE criterion_id = 'story'",
            [],
        )
        .unwrap();
    }));
    files.push(variant("chain2", &|c| {
        c.execute(
            "UPDATE events SET payload = replace(payload, '20', '21') WHERE kind = 'score'",
            [],
        )
        .unwrap();
    }));
    files.push(variant("chain3", &|c| {
        c.execute("DELETE FROM events WHERE seq = 2", []).unwrap();
    }));
    // Schema additions.
    files.push(variant("trigger", &|c| {
        c.execute_batch("CREATE TRIGGER t AFTER INSERT ON scores BEGIN DELETE FROM scores; END;")
            .unwrap();
    }));
    files.push(variant("view", &|c| {
        c.execute_batch("CREATE VIEW v AS SELECT * FROM scores;")
            .unwrap();
    }));
    files.push(variant("index", &|c| {
        c.execute_batch("CREATE INDEX i ON scores(steps);").unwrap();
    }));
    files.push(variant("table", &|c| {
        c.execute_batch("CREATE TABLE extra (x);").unwrap();
    }));
    files.push(variant("type", &|c| {
        c.execute(
            "UPDATE scores SET steps = 'twenty' WHERE criterion_id = 'story'",
            [],
        )
        .unwrap();
    }));
    // A score for a work that is not assigned: a ballot made with the judge's key that
    // carries the unassigned work from the start (e.g. issued before a reassignment).
    {
        let other = dir
            .path()
            .join("unassigned-src")
            .join(b.path.file_name().unwrap());
        std::fs::create_dir_all(other.parent().unwrap()).unwrap();
        let mut works: Vec<jury_core::model::Work> = loaded.works.clone();
        let mut extra = works[0].clone();
        extra.id = unassigned.clone();
        works.push(extra);
        let judge = loaded.judge.clone();
        let mut ballot = Ballot::create(
            &other,
            &b.key,
            &BallotInit {
                ballot_id: b.ballot_id.clone(),
                contest: contest.clone(),
                judge,
                works,
                media_dir: None,
                assignment_version: 1,
                sync_dir: None,
            },
        )
        .unwrap();
        ballot.set_score(&unassigned, "theme", Some(4)).unwrap();
        files.push(snapshot_to(&ballot, &b, &dir.path().join("unassigned")));
    }
    let kinds: Vec<&'static str> = files
        .iter()
        .map(|file| {
            merge(&mut f, file)
                .err()
                .map(|e| e.kind())
                .unwrap_or("MERGED")
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "content",
            "content",
            "content",
            "chain",
            "chain",
            "chain",
            "schema",
            "schema",
            "schema",
            "schema",
            "unreadable",
            "content"
        ]
    );
    all_refused(&mut f, &files);
}

/// The files of the order test: several revisions of each judge's ballot.
fn revisions(dir: &Path, f: &Fixture) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (i, b) in f.ballots.iter().enumerate() {
        let mut ballot = jury_testkit::open_fast(b);
        for round in 0..2u32 {
            ballot
                .set_score(&b.works[round as usize], "theme", Some(i as u32 + round))
                .unwrap();
            let out = dir.join(format!("r{i}-{round}"));
            files.push(snapshot_to(&ballot, b, &out));
        }
        if i == 0 {
            ballot.recuse(&b.works[0], "冲突").unwrap();
            files.push(snapshot_to(&ballot, b, &dir.join("r0-2")));
        }
    }
    files
}

/// Built once for all cases: the fixture, its ballots at several revisions, a pristine
/// master and the state after merging every file in directory order.
struct OrderCase {
    _dir: tempfile::TempDir,
    contest: jury_core::model::Contest,
    files: Vec<PathBuf>,
    pristine: PathBuf,
    reference: (MergedScores, Vec<jury_testkit::BallotState>),
}

fn order_case() -> &'static OrderCase {
    static CASE: std::sync::OnceLock<OrderCase> = std::sync::OnceLock::new();
    CASE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut f = fixture(dir.path());
        let files = revisions(dir.path(), &f);
        let pristine = dir.path().join("pristine.jury");
        // Copy a checkpointed master: its main file alone must hold everything.
        f.master
            .connection()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        std::fs::copy(f.folder.master_path(), &pristine).unwrap();
        let contest = f.folder.contest.clone();
        for file in &files {
            let _ = f.master.merge_file(&contest, file);
        }
        let reference = (f.master.merged().unwrap(), ballot_state(&f.master).unwrap());
        assert_eq!(reference.1.iter().filter(|b| b.1 > 0).count(), 3);
        OrderCase {
            _dir: dir,
            contest,
            files,
            pristine,
            reference,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, .. ProptestConfig::default() })]
    #[test]
    fn merging_in_any_order_gives_the_same_master(order in Just(()).prop_flat_map(|_| {
        let n = order_case().files.len();
        proptest::sample::subsequence((0..n).collect::<Vec<_>>(), n).prop_shuffle()
    }), repeat in 0usize..8) {
        let case = order_case();
        let mut order: Vec<PathBuf> = order.iter().map(|&i| case.files[i].clone()).collect();
        // One file merged twice somewhere in the run.
        let again = order[repeat % order.len()].clone();
        order.insert(repeat % order.len(), again);
        let work = tempfile::tempdir().unwrap();
        let copy = work.path().join("copy.jury");
        std::fs::copy(&case.pristine, &copy).unwrap();
        let mut m = Master::open(&copy, &jury_testkit::organizer_key()).unwrap();
        // The whole run at once: files verified on worker threads, merged in this order.
        let mut lines = Vec::new();
        let tally = jury::commands::watch::merge_all(&mut m, &case.contest, &order, jury::i18n::Lang::En, |l| {
            lines.push(l.to_string())
        });
        prop_assert_eq!(tally.merged + tally.unchanged + tally.stale + tally.refused, order.len());
        prop_assert_eq!(tally.refused, 0, "{:?}", lines);
        for (line, file) in lines.iter().zip(&order) {
            prop_assert!(line.contains(&file.display().to_string()), "{} for {}", line, file.display());
        }
        prop_assert_eq!(&(m.merged().unwrap(), ballot_state(&m).unwrap()), &case.reference);
    }
}

#[test]
fn export_writes_a_ballot_the_merger_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let b = f.ballots[2].clone();
    drop(score_some(&b, 11));
    let out = dir.path().join("usb");
    std::fs::create_dir(&out).unwrap();
    let snap = export(&b.path, &b.key, &out).unwrap();
    assert_eq!(snap.revision, 5);
    assert!(matches!(
        merge(&mut f, &snap.path).unwrap().outcome,
        MergeOutcome::Merged(_)
    ));
}

#[test]
fn a_merge_run_syncs_once_and_leaves_the_master_synchronous_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = fixture(dir.path());
    let files: Vec<PathBuf> = f
        .ballots
        .iter()
        .map(|b| {
            drop(score_some(b, 12));
            b.path.clone()
        })
        .collect();
    let contest = f.folder.contest.clone();
    let tally = jury_store::merge::merge_files(&mut f.master, &contest, &files, |_, _| {});
    assert_eq!(tally.merged, files.len());
    let level: i64 = f
        .master
        .connection()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(level, 2, "synchronous = FULL again after the run");
    // A second connection sees every ballot of the run whole.
    let other = Master::open(&f.folder.master_path(), &jury_testkit::organizer_key()).unwrap();
    assert_eq!(state(&other), state(&f.master));
    assert_eq!(other.merged().unwrap(), f.master.merged().unwrap());
}
