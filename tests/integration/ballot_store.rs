//! The ballot file for real: SQLCipher on disk, wrong keys, range checks, the event chain,
//! revisions and the submitted lock.

use jury_store::cipher::{open_encrypted, OpenMode};
use jury_store::{Ballot, BallotInit, BallotKey, StoreError};
use std::path::Path;

fn init() -> BallotInit {
    jury_core::sample::sample_init(3, "b-1")
}

fn new_ballot(dir: &Path) -> (std::path::PathBuf, BallotKey, Ballot) {
    let path = dir.join("c-j.ballot");
    let key = BallotKey::generate();
    let b = Ballot::create(&path, &key, &init()).unwrap();
    (path, key, b)
}

#[test]
fn a_ballot_is_encrypted_and_opens_only_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let (path, key, mut b) = new_ballot(dir.path());
    b.set_score("001", "theme", Some(25)).unwrap();
    drop(b);
    let bytes = std::fs::read(&path).unwrap();
    assert_ne!(&bytes[..16], b"SQLite format 3\0");
    assert!(
        !bytes.windows(6).any(|w| w == b"theme\""),
        "no plaintext JSON in the file"
    );
    assert!(matches!(
        Ballot::open(&path, &BallotKey::generate()),
        Err(StoreError::WrongKey { .. })
    ));
    // The same key typed in lower case with spaces still opens it.
    let typed = BallotKey::parse(&key.grouped().to_lowercase().replace('-', " ")).unwrap();
    let data = Ballot::open(&path, &typed).unwrap().load().unwrap();
    assert_eq!(data.score("001", "theme"), Some(25));
}

#[test]
fn garbage_and_missing_files_get_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.ballot");
    std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
    assert!(matches!(
        Ballot::open(&junk, &BallotKey::generate()),
        Err(StoreError::WrongKey { .. })
    ));
    let truncated = dir.path().join("t.ballot");
    let (path, key, b) = new_ballot(dir.path());
    drop(b);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    assert!(Ballot::open(&truncated, &key)
        .and_then(|b| b.load())
        .is_err());
    assert!(matches!(
        Ballot::open(&dir.path().join("none"), &key),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn out_of_range_scores_are_refused_by_the_store_and_by_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (path, key, mut b) = new_ballot(dir.path());
    let before = b.load().unwrap().revision;
    assert!(matches!(
        b.set_score("001", "theme", Some(31)),
        Err(StoreError::OutOfRange { max_steps: 30, .. })
    ));
    assert!(matches!(
        b.set_score("001", "nope", Some(1)),
        Err(StoreError::UnknownCriterion(_))
    ));
    assert!(matches!(
        b.set_score("999", "theme", Some(1)),
        Err(StoreError::UnknownWork(_))
    ));
    assert_eq!(
        b.load().unwrap().revision,
        before,
        "refused changes do not raise the revision"
    );
    drop(b);
    // Even a direct write with the right key hits the CHECK constraint.
    let conn = open_encrypted(&path, &key, OpenMode::ReadWrite).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    let direct = conn.execute("INSERT INTO scores (work_id, criterion_id, max_steps, steps) VALUES ('001', 'theme', 30, 31)", []);
    assert!(direct.is_err());
    let lying = conn.execute("INSERT INTO scores (work_id, criterion_id, max_steps, steps) VALUES ('001', 'theme', 99, 50)", []);
    assert!(lying.is_err(), "max_steps must match the criterion");
}

#[test]
fn every_change_raises_the_revision_and_extends_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, mut b) = new_ballot(dir.path());
    let c1 = b.set_score("001", "theme", Some(20)).unwrap();
    let c2 = b.set_comment("001", "镜头自然").unwrap();
    let c3 = b.recuse("002", "同单位").unwrap();
    let c4 = b.unrecuse("002").unwrap();
    assert_eq!(
        [c1.revision, c2.revision, c3.revision, c4.revision],
        [2, 3, 4, 5]
    );
    assert_ne!(c1.chain_head, c2.chain_head);
    let replay = b.verify().unwrap();
    assert_eq!(replay.scores.len(), 1);
    assert_eq!(replay.comments["001"], "镜头自然");
}

#[test]
fn tampering_with_the_event_log_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, key, mut b) = new_ballot(dir.path());
    b.set_score("001", "theme", Some(20)).unwrap();
    b.set_score("001", "story", Some(21)).unwrap();
    drop(b);
    let conn = open_encrypted(&path, &key, OpenMode::ReadWrite).unwrap();
    // Change a score without logging it: state and events disagree.
    conn.execute(
        "UPDATE scores SET steps = 30 WHERE criterion_id = 'theme'",
        [],
    )
    .unwrap();
    drop(conn);
    let err = Ballot::open(&path, &key).unwrap().verify().unwrap_err();
    assert!(err.to_string().contains("differ"), "{err}");

    let conn = open_encrypted(&path, &key, OpenMode::ReadWrite).unwrap();
    conn.execute(
        "UPDATE scores SET steps = 20 WHERE criterion_id = 'theme'",
        [],
    )
    .unwrap();
    // Rewrite an event's payload: its hash no longer matches.
    conn.execute(
        "UPDATE events SET payload = replace(payload, '21', '22') WHERE seq = 3",
        [],
    )
    .unwrap();
    drop(conn);
    let err = Ballot::open(&path, &key).unwrap().verify().unwrap_err();
    assert!(matches!(err, StoreError::Chain { seq: 3, .. }), "{err}");
}

#[test]
fn submitted_ballots_are_read_only_until_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, mut b) = new_ballot(dir.path());
    b.set_score("001", "theme", Some(20)).unwrap();
    let submitted = b.submit().unwrap();
    assert!(matches!(
        b.set_score("001", "theme", Some(1)),
        Err(StoreError::Submitted)
    ));
    assert!(matches!(
        b.set_comment("001", "x"),
        Err(StoreError::Submitted)
    ));
    assert!(matches!(b.submit(), Err(StoreError::Submitted)));
    let reopened = b.reopen().unwrap();
    assert!(reopened.revision > submitted.revision);
    assert!(matches!(b.reopen(), Err(StoreError::NotSubmitted)));
    // After reopening, a submitted score changes only with a reason.
    assert!(matches!(
        b.set_score("001", "theme", Some(1)),
        Err(StoreError::RevisionNeedsReason { .. })
    ));
    b.revise_score("001", "theme", Some(1), "讨论后修正")
        .unwrap();
    assert!(b.verify().is_ok());
}

#[test]
fn recusal_requires_a_reason_and_blocks_scores() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, mut b) = new_ballot(dir.path());
    b.set_score("001", "theme", Some(20)).unwrap();
    assert!(matches!(
        b.recuse("001", "  "),
        Err(StoreError::EmptyReason)
    ));
    b.recuse("001", "亲属作品").unwrap();
    let d = b.load().unwrap();
    assert_eq!(d.score("001", "theme"), None);
    assert!(matches!(
        b.set_score("001", "theme", Some(3)),
        Err(StoreError::Recused(_))
    ));
}

#[test]
fn progress_is_stored_and_counts_as_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, mut b) = new_ballot(dir.path());
    let p = jury_store::Progress {
        furthest_ms: 12_000,
        watched_ms: 11_500,
        last_ms: 9_000,
    };
    let c = b.record_progress("001", p).unwrap();
    assert_eq!(c.revision, 2);
    assert_eq!(b.load().unwrap().progress["001"], p);
    b.verify().unwrap();
}

#[test]
fn receipts_follow_the_chain_head() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, mut b) = new_ballot(dir.path());
    let before = b.load().unwrap().receipt();
    b.set_score("001", "theme", Some(20)).unwrap();
    let after = b.load().unwrap().receipt();
    assert_ne!(before, after);
    assert_eq!(after.len(), 9);
}
