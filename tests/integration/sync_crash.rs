//! SIGKILL at arbitrary moments: during `jury merge` the master stays consistent (integrity
//! ok, each ballot merged fully or not at all); during `jury export` no partial file ever
//! appears under the ballot's final name.

use jury_store::master::Master;
use jury_store::Ballot;
use jury_testkit::{self, ORGANIZER_KEY};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::jury;

fn kill_after(mut cmd: Command, delay: Duration) -> bool {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("jury starts");
    std::thread::sleep(delay);
    let finished = child.try_wait().ok().flatten().is_some();
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    finished
}

#[test]
fn sigkill_during_merge_leaves_each_ballot_merged_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 8, 8, |j, w| (w + j) % 2 == 0);
    let mut expected = Vec::new();
    for (i, b) in f.ballots.iter().enumerate() {
        let mut ballot = jury_testkit::fill(b, &f.folder.contest, i as u32);
        ballot.set_comment(&b.works[0], "好").unwrap();
        let data = ballot.load().unwrap();
        expected.push((b.clone(), data));
    }
    drop(f);
    let mut delays = [700u64, 1500, 2600, 3800, 5000].into_iter();
    let mut finished = false;
    while !finished {
        let delay = delays.next().unwrap_or(30_000);
        let mut cmd = jury();
        cmd.arg("--contest")
            .arg(dir.path())
            .arg("merge")
            .arg(dir.path().join("issued"))
            .env("JURY_KEY", ORGANIZER_KEY);
        finished = kill_after(cmd, Duration::from_millis(delay));
        let m = Master::open(
            &dir.path().join(jury_store::master::MASTER_FILE),
            &jury_testkit::organizer_key(),
        )
        .unwrap();
        assert!(m.integrity_ok().unwrap(), "after a kill at {delay} ms");
        let merged = m.merged().unwrap();
        let mut done = 0;
        for (b, data) in &expected {
            let record = m.ballot(&b.ballot_id).unwrap().unwrap();
            let scores: std::collections::BTreeMap<(String, String), u32> = merged
                .scores
                .of_judge(&b.judge_id)
                .map(|(w, c, s)| ((w.to_string(), c.to_string()), s))
                .collect();
            let comments = merged.comments.keys().filter(|k| k.0 == b.judge_id).count();
            if record.merged_revision == 0 {
                assert!(
                    scores.is_empty() && comments == 0,
                    "half-merged {}",
                    b.judge_id
                );
            } else {
                done += 1;
                assert_eq!(record.merged_revision, data.revision);
                assert_eq!(scores, data.scores, "judge {}", b.judge_id);
                assert_eq!(comments, 1);
            }
        }
        eprintln!("kill at {delay} ms: {done} of {} merged", expected.len());
        if finished {
            assert_eq!(done, expected.len());
        }
    }
}

fn whole_or_absent(path: &Path, key: &jury_store::BallotKey) {
    if path.exists() {
        let b = Ballot::open(path, key).expect("the final name holds a whole ballot");
        b.verify().expect("and it verifies");
    }
}

#[test]
fn sigkill_during_export_never_leaves_a_partial_file_under_the_final_name() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 1, 60, |_, _| true);
    let b = f.ballots[0].clone();
    drop(jury_testkit::fill(&b, &f.folder.contest, 1));
    let out = dir.path().join("usb");
    std::fs::create_dir(&out).unwrap();
    let target = out.join(b.path.file_name().unwrap());
    for delay in [0u64, 150, 300, 450, 600, 750, 900, 1100, 1300] {
        let mut cmd = jury();
        cmd.arg("export")
            .arg(&b.path)
            .arg(&out)
            .env("JURY_KEY", b.key.secret());
        kill_after(cmd, Duration::from_millis(delay));
        whole_or_absent(&target, &b.key);
        for entry in std::fs::read_dir(&out).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                name == target.file_name().unwrap().to_string_lossy() || name.starts_with('.'),
                "unexpected {name}"
            );
        }
    }
}
