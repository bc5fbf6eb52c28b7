//! The organizer's assign → issue round trip through the library: a contest folder made by
//! `init`, works and judges written straight into the master (the importer is tested on its
//! own), an assignment, ballots and key cards; then each ballot is opened with the key read
//! from its card and must hold exactly its judge's works. Re-issuing keeps ids and keys, raises
//! the version, carries entries over, and refuses to drop entries.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use jury::cli::Globals;
use jury::commands::assign::{run_assign, AssignOptions, AssignOutcome};
use jury::commands::issue::{run_issue, IssueAction, IssueOptions};
use jury::i18n::Lang;
use jury::report::keycard::key_from_text;
use jury_core::assign::{conflict, AssignJudge, AssignWork};
use jury_store::cipher::sqlite_err;
use jury_store::folder::ContestFolder;
use jury_store::master::{BallotRecord, Master};
use jury_store::{Ballot, BallotKey};

const PASS: &str = "organizer passphrase for tests";

struct Contest {
    _dir: tempfile::TempDir,
    root: PathBuf,
    folder: ContestFolder,
    master: Master,
}

/// A contest with 18 works from 6 units in 3 districts and 7 judges, some from the same units
/// and districts, some with declared conflicts.
fn contest() -> Contest {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let key_file = root.join("key.txt");
    std::fs::write(&key_file, PASS).unwrap();
    let globals = Globals {
        key_file: Some(key_file),
        ..Default::default()
    };
    let contest_dir = root.join("cq");
    jury::commands::cli::init(
        &contest_dir,
        "cq-2023-short-video",
        &Default::default(),
        &globals,
    )
    .unwrap();
    let folder = ContestFolder::load(&contest_dir).unwrap();
    let mut master = folder
        .open_master(&BallotKey::parse(PASS).unwrap())
        .unwrap();
    let units = [
        "重庆大学",
        "西南大学",
        "重庆医科大学",
        "重庆邮电大学",
        "市农科院",
        "市科协",
    ];
    let districts = ["沙坪坝区", "北碚区", "渝中区"];
    master
        .write(|tx, path| {
            let err = sqlite_err(path);
            for i in 0..18 {
                tx.execute(
                    "INSERT INTO works (id, title, unit, district, media_file) VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![
                        format!("{:03}", i + 1),
                        format!("作品 <{}> & co", i + 1),
                        units[i % units.len()],
                        districts[i % districts.len()],
                        format!("{:03}.mp4", i + 1)
                    ],
                )
                .map_err(&err)?;
            }
            let judges = [
                ("J1", "张三", "重庆大学", "沙坪坝区"),
                ("J2", "李四", "西南大学", "北碚区"),
                ("J3", "王五", "四川大学", ""),
                ("J4", "赵六", "市科协", "渝中区"),
                ("J5", "Alice <b>", "复旦大学", ""),
                ("J6", "钱七", "重庆理工大学", "巴南区"),
                ("J7", "孙八", "重庆师范大学", "巴南区"),
            ];
            jury_testkit::insert_judges(tx, path, &judges)?;
            for (judge, kind, value) in [
                ("J3", "unit", "重庆医科大学"),
                ("J5", "work", "5"),
                ("J5", "work", "006"),
                ("J6", "unit", "市农科院"),
            ] {
                tx.execute(
                    "INSERT INTO conflicts (judge_id, kind, value) VALUES (?1, ?2, ?3)",
                    rusqlite::params![judge, kind, value],
                )
                .map_err(&err)?;
            }
            Ok(())
        })
        .unwrap();
    Contest {
        _dir: dir,
        root,
        folder,
        master,
    }
}

fn assign(c: &mut Contest, seed: u64) -> u64 {
    let opts = AssignOptions {
        per_work: Some(3),
        seed,
        ..Default::default()
    };
    run_assign(&c.folder, &mut c.master, &opts, Lang::En)
        .unwrap()
        .version
}

fn issue_opts(c: &Contest) -> IssueOptions {
    IssueOptions {
        out: c.root.join("ballots"),
        sync_dir: Some("/media/usb/jury".into()),
        cards: Some(c.root.join("cards")),
        force: false,
        allow_noncompliant: false,
    }
}

/// The master's record of `judge`'s ballot.
fn ballot_of(master: &Master, judge: &str) -> BallotRecord {
    master
        .ballots()
        .unwrap()
        .into_iter()
        .find(|b| b.judge_id == judge)
        .unwrap()
}

fn works_by_judge(master: &Master) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (w, j) in master.assignments().unwrap() {
        map.entry(j).or_default().push(w);
    }
    map
}

/// Re-assigns with `judge` given one more work they have no conflict with (the first such
/// work they do not have yet); that work's id and the assignment's outcome.
fn add_one_more_work(c: &mut Contest, judge: &str) -> (String, AssignOutcome) {
    let (works, judges) = c.master.assign_inputs().unwrap();
    let current = works_by_judge(&c.master);
    let them = judges.iter().find(|j| j.id == judge).unwrap();
    let extra = works
        .iter()
        .find(|w| !current[judge].contains(&w.id) && conflict(w, them).is_none())
        .unwrap()
        .id
        .clone();
    let outcome = run_assign(
        &c.folder,
        &mut c.master,
        &AssignOptions {
            per_work: Some(3),
            add: vec![format!("{extra}:{judge}")],
            ..Default::default()
        },
        Lang::En,
    )
    .unwrap();
    (extra, outcome)
}

/// Opens every ballot named on a text card with the key printed on it.
fn open_by_cards(cards: &Path, ballots: &Path) -> BTreeMap<String, jury_store::BallotData> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(cards).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".card.txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let key = key_from_text(&text).expect("a key on the card");
        let file = text
            .lines()
            .find_map(|l| l.strip_prefix("  jury judge "))
            .expect("how to open it")
            .trim();
        let data = Ballot::open(&ballots.join(file), &key)
            .unwrap()
            .load()
            .unwrap();
        found.insert(data.judge.id.clone(), data);
    }
    found
}

#[test]
fn each_card_opens_its_ballot_with_exactly_that_judges_works() {
    let mut c = contest();
    assert_eq!(assign(&mut c, 9), 1);
    let opts = issue_opts(&c);
    let out = run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap();
    assert_eq!(out.version, 1);
    assert!(out.ballots.iter().all(|b| b.action == IssueAction::New));

    let expected = works_by_judge(&c.master);
    let opened = open_by_cards(&c.root.join("cards"), &opts.out);
    assert_eq!(
        opened.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    let records = c.master.ballots().unwrap();
    for (judge, data) in &opened {
        let ids: Vec<String> = data.works.iter().map(|w| w.id.clone()).collect();
        assert_eq!(&ids, &expected[judge], "judge {judge}");
        assert_eq!(data.assignment_version, 1);
        assert_eq!(data.sync_dir.as_deref(), Some("/media/usb/jury"));
        assert_eq!(data.contest.id, "cq", "the id comes from the folder name");
        assert_eq!(data.revision, 1);
        let record = records.iter().find(|r| &r.judge_id == judge).unwrap();
        assert_eq!(record.ballot_id, data.ballot_id);
        assert_eq!(record.file_name, format!("cq-{judge}.ballot"));
    }
    // Every key is different, and the HTML cards are escaped.
    let keys: BTreeSet<String> = records.iter().map(|r| r.key.secret().to_string()).collect();
    assert_eq!(keys.len(), records.len());
    let html = std::fs::read_to_string(c.root.join("cards/cq-J5.card.html")).unwrap();
    assert!(html.contains("Alice &lt;b&gt;") && !html.contains("Alice <b>"));
    // No temporary files are left behind; the audit has one row per ballot.
    let names: Vec<String> = std::fs::read_dir(&opts.out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.ends_with(".ballot")), "{names:?}");
    let issued = c
        .master
        .audit()
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "issue")
        .count();
    assert_eq!(issued, opened.len());
}

#[test]
fn conflicts_are_never_assigned_and_the_design_is_balanced() {
    let mut c = contest();
    for seed in 0..5 {
        assign(&mut c, seed);
        let (works, judges): (Vec<AssignWork>, Vec<AssignJudge>) =
            c.master.assign_inputs().unwrap();
        let pairs = c.master.assignments().unwrap();
        for (w, j) in &pairs {
            let work = works.iter().find(|x| &x.id == w).unwrap();
            let judge = judges.iter().find(|x| &x.id == j).unwrap();
            assert_eq!(conflict(work, judge), None, "{w}:{j}");
        }
        let check = jury_core::assign::check_design(&works, &judges, &pairs, 3);
        assert!(check.miscounted.is_empty());
        assert_eq!(check.groups, 1);
        let loads: Vec<usize> = check.loads.iter().map(|l| l.1).collect();
        assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1);
    }
    // A manual add of a conflicted pair is refused and changes nothing.
    let before = c.master.assignment_version().unwrap();
    let err = run_assign(
        &c.folder,
        &mut c.master,
        &AssignOptions {
            add: vec!["001:J1".into()],
            ..Default::default()
        },
        Lang::En,
    )
    .unwrap_err();
    assert!(err.to_string().contains("same unit"), "{err}");
    assert_eq!(c.master.assignment_version().unwrap(), before);
}

#[test]
fn reissue_keeps_ids_and_keys_raises_the_version_and_carries_entries() {
    let mut c = contest();
    assign(&mut c, 1);
    let opts = issue_opts(&c);
    run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap();
    let first = c.master.ballots().unwrap();

    // Nothing changed: nothing is rewritten.
    let again = run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap();
    assert!(again
        .ballots
        .iter()
        .all(|b| b.action == IssueAction::Unchanged));

    // J3 scores one of their works, then the assignment moves another work to J3.
    let j3 = &first.iter().find(|b| b.judge_id == "J3").unwrap();
    let j3_path = opts.out.join(&j3.file_name);
    let kept_work = works_by_judge(&c.master)["J3"][0].clone();
    {
        let mut b = Ballot::open(&j3_path, &j3.key).unwrap();
        b.set_score(&kept_work, "theme", Some(20)).unwrap();
        b.set_comment(&kept_work, "清晰").unwrap();
    }
    let (extra, outcome) = add_one_more_work(&mut c, "J3");
    assert_eq!(outcome.version, 2);
    assert!(
        outcome.text.contains("run `jury issue` again"),
        "{}",
        outcome.text
    );

    let re = run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap();
    assert_eq!(re.version, 2);
    let j3_issued = re.ballots.iter().find(|b| b.judge_id == "J3").unwrap();
    assert_eq!(
        j3_issued.action,
        IssueAction::Reissued {
            carried: 2,
            dropped: 0
        }
    );
    assert!(re
        .ballots
        .iter()
        .filter(|b| b.judge_id != "J3")
        .all(|b| b.action == IssueAction::Unchanged));
    let after = c.master.ballots().unwrap();
    let j3_after = after.iter().find(|b| b.judge_id == "J3").unwrap();
    assert_eq!(j3_after.ballot_id, j3.ballot_id);
    assert_eq!(j3_after.key, j3.key);
    assert_eq!(j3_after.assignment_version, 2);
    let data = Ballot::open(&j3_path, &j3.key).unwrap().load().unwrap();
    assert_eq!(data.assignment_version, 2);
    assert!(data.works.iter().any(|w| w.id == extra));
    assert_eq!(data.score(&kept_work, "theme"), Some(20));
    assert_eq!(data.comments[&kept_work], "清晰");
    assert!(opts.out.join(format!("{}.v1.bak", j3.file_name)).exists());
}

#[test]
fn reissue_refuses_to_drop_entries_unless_forced() {
    let mut c = contest();
    assign(&mut c, 4);
    let opts = issue_opts(&c);
    run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap();
    let record = ballot_of(&c.master, "J2");
    let path = opts.out.join(&record.file_name);
    let work = works_by_judge(&c.master)["J2"][0].clone();
    {
        let mut b = Ballot::open(&path, &record.key).unwrap();
        b.set_score(&work, "theme", Some(25)).unwrap();
    }
    run_assign(
        &c.folder,
        &mut c.master,
        &AssignOptions {
            per_work: Some(3),
            remove: vec![format!("{work}:J2")],
            ..Default::default()
        },
        Lang::En,
    )
    .unwrap();
    let before_file = std::fs::read(&path).unwrap();
    let before_audit = c.master.audit().unwrap().len();
    let err = run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("李四 (J2)") && msg.contains(&work), "{msg}");
    assert!(msg.contains("--force"), "{msg}");
    // Nothing moved: the file, the master's ballots and the audit are as they were.
    assert_eq!(std::fs::read(&path).unwrap(), before_file);
    assert_eq!(c.master.audit().unwrap().len(), before_audit);
    assert_eq!(ballot_of(&c.master, "J2").assignment_version, 1);

    let forced = IssueOptions {
        force: true,
        ..opts.clone()
    };
    let out = run_issue(&c.folder, &mut c.master, &forced, Lang::En).unwrap();
    let j2 = out.ballots.iter().find(|b| b.judge_id == "J2").unwrap();
    assert_eq!(
        j2.action,
        IssueAction::Reissued {
            carried: 0,
            dropped: 1
        }
    );
    assert!(opts
        .out
        .join(format!("{}.v1.bak", record.file_name))
        .exists());
    let data = Ballot::open(&path, &record.key).unwrap().load().unwrap();
    assert!(data.works.iter().all(|w| w.id != work));
}

#[test]
fn a_foreign_file_in_the_way_is_refused() {
    let mut c = contest();
    assign(&mut c, 2);
    let opts = issue_opts(&c);
    std::fs::create_dir_all(&opts.out).unwrap();
    std::fs::write(opts.out.join("cq-J1.ballot"), b"not mine").unwrap();
    let err = run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap_err();
    assert!(err.to_string().contains("never issued"), "{err}");
    assert!(c.master.ballots().unwrap().is_empty());
}

#[test]
fn the_binary_assigns_and_issues_with_jury_key() {
    let c = contest();
    let dir = c.folder.dir.clone();
    let run = |args: &[&str]| {
        crate::helpers::jury()
            .env("JURY_KEY", PASS)
            .env("LANG", "en_US.UTF-8")
            .arg("--contest")
            .arg(&dir)
            .args(args)
            .output()
            .unwrap()
    };
    drop(c.master);
    let out = run(&["assign", "--per-work", "3", "--seed", "7"]);
    let text = String::from_utf8_lossy(&out.stdout);
    crate::helpers::assert_ok(&out, "assign");
    assert!(
        text.contains("assignment version 1") && text.contains("connected"),
        "{text}"
    );
    let ballots = c.root.join("out");
    let out = run(&["issue", "--out", ballots.to_str().unwrap()]);
    crate::helpers::assert_ok(&out, "issue");
    assert!(dir.join("keycards/cq-J1.card.txt").exists());
    let out = run(&["assign", "--per-work", "9"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("9 judges per work, but there are only 7"),
        "{err}"
    );
}

/// A re-issued ballot restarts its revisions; the copy a judge kept from before the re-issue
/// (with more revisions) must not be merged over the current one.
#[test]
fn an_old_copy_of_a_reissued_ballot_is_refused_by_the_merge() {
    let mut c = contest();
    assign(&mut c, 1);
    let opts = issue_opts(&c);
    run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap();
    let j3 = ballot_of(&c.master, "J3");
    let path = opts.out.join(&j3.file_name);
    let first_work = works_by_judge(&c.master)["J3"][0].clone();
    {
        let mut b = Ballot::open(&path, &j3.key).unwrap();
        for steps in 1..=6 {
            b.set_score(&first_work, "theme", Some(steps)).unwrap();
        }
    }
    let old_copy = c.root.join("old").join(&j3.file_name);
    std::fs::create_dir_all(old_copy.parent().unwrap()).unwrap();
    jury_store::snapshot::export(&path, &j3.key, old_copy.parent().unwrap()).unwrap();

    add_one_more_work(&mut c, "J3");
    run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap();
    let contest = c.folder.contest.clone();

    let before = c.master.merged().unwrap();
    let err = c.master.merge_file(&contest, &old_copy).unwrap_err();
    assert!(err.to_string().contains("old copy"), "{err}");
    assert_eq!(c.master.merged().unwrap(), before, "nothing merged");
    let report = c.master.merge_file(&contest, &path).unwrap();
    assert_eq!(report.judge_id, "J3");
    assert_eq!(
        c.master
            .merged()
            .unwrap()
            .scores
            .get("J3", &first_work, "theme"),
        Some(6),
        "the re-issued ballot carries the judge's score"
    );
}

#[test]
fn works_without_video_or_breaking_the_rules_block_issue_unless_allowed() {
    let mut c = contest();
    assign(&mut c, 2);
    c.master
        .set_probe(
            "001",
            &jury_store::master::ProbeRecord {
                checked_at: 1,
                found: true,
                compliant: false,
                note: "no audio track (the contest requires sound)".into(),
                ..Default::default()
            },
        )
        .unwrap();
    c.master
        .set_probe(
            "002",
            &jury_store::master::ProbeRecord {
                checked_at: 1,
                found: false,
                note: "missing: looked in /m/002.mp4".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let opts = issue_opts(&c);
    let err = run_issue(&c.folder, &mut c.master, &opts, Lang::En)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("2 assigned works have no video or break the media rules"),
        "{err}"
    );
    assert!(err.contains("001 “作品 <1> & co”: no audio track"), "{err}");
    assert!(
        err.contains("002 “作品 <2> & co”: missing: looked in"),
        "{err}"
    );
    assert!(err.contains("--allow-noncompliant"), "{err}");
    assert!(c.master.ballots().unwrap().is_empty());
    assert!(!opts.out.exists(), "nothing written");

    let allowed = IssueOptions {
        allow_noncompliant: true,
        ..issue_opts(&c)
    };
    let outcome = run_issue(&c.folder, &mut c.master, &allowed, Lang::En).unwrap();
    assert!(
        outcome.text.contains("issued anyway (--allow-noncompliant"),
        "{}",
        outcome.text
    );
    let audit = c.master.audit().unwrap();
    let allowed_row = audit
        .iter()
        .find(|a| a.outcome == "noncompliant-allowed")
        .expect("the override is in the audit log");
    assert!(allowed_row.detail.contains("001") && allowed_row.detail.contains("002"));
}

#[test]
fn a_package_holds_each_judges_ballot_and_exactly_their_videos_never_the_card() {
    let mut c = contest();
    assign(&mut c, 2);
    let media = c.folder.media_dir();
    std::fs::create_dir_all(&media).unwrap();
    for i in 1..=18 {
        std::fs::write(media.join(format!("{i:03}.mp4")), format!("video {i}")).unwrap();
    }
    let opts = issue_opts(&c);
    let outcome = run_issue(&c.folder, &mut c.master, &opts, Lang::En).unwrap();
    let pkg = c.root.join("usb");
    let text =
        jury::commands::issue::write_packages(&c.folder, &c.master, &outcome, &pkg, Lang::En)
            .unwrap();
    let assignments = c.master.assignments().unwrap();
    for b in &outcome.ballots {
        let stem = b.path.file_stem().unwrap().to_string_lossy().into_owned();
        let judge_dir = pkg.join(&stem);
        let mut names: Vec<String> = std::fs::read_dir(&judge_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected: Vec<String> = assignments
            .iter()
            .filter(|(_, j)| *j == b.judge_id)
            .map(|(w, _)| format!("{w}.mp4"))
            .collect();
        expected.push(format!("{stem}.ballot"));
        expected.push("README.txt".into());
        expected.sort();
        assert_eq!(names, expected, "judge {}", b.judge_id);
        assert!(!names.iter().any(|n| n.contains("card")));
        let readme = std::fs::read_to_string(judge_dir.join("README.txt")).unwrap();
        assert!(
            readme.contains("评委") && readme.contains("For judge"),
            "{readme}"
        );
        assert!(
            !readme.contains(b.path.to_string_lossy().as_ref()),
            "no absolute paths"
        );
        let card = std::fs::read_to_string(&b.card_text).unwrap();
        for name in &names {
            let bytes = std::fs::read(judge_dir.join(name)).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(card.trim()),
                "{name}"
            );
        }
        assert!(text.contains(&format!("package {}", b.judge_id)), "{text}");
    }
}
