//! `jury organize` follows merges made by another process without re-reading the master on
//! the UI thread: a worker notices SQLite's data_version move and reloads.

use crate::helpers::{jury, Tmux};
use jury_testkit::ORGANIZER_KEY;

#[test]
fn a_merge_in_another_process_shows_up_in_the_running_organizer() {
    let dir = tempfile::tempdir().unwrap();
    let f = jury_testkit::build(dir.path(), 2, 4, |_, _| true);
    let ballot = f.ballots[0].path.clone();
    drop(jury_testkit::fill(&f.ballots[0], &f.folder.contest, 3));
    drop(f);
    let line = format!(
        "cd {} && JURY_KEY='{ORGANIZER_KEY}' {} --lang en organize",
        dir.path().display(),
        env!("CARGO_BIN_EXE_jury")
    );
    let tmux = Tmux::start("organizer-live", &line, 120, 30);
    tmux.wait_for("1 Works");
    tmux.send(&["4"]);
    let before = tmux.wait_for("Ballot file");
    assert!(!before.contains("yes"), "nothing merged yet:\n{before}");
    let merged = jury()
        .arg("--contest")
        .arg(dir.path())
        .args(["--lang", "en", "merge"])
        .arg(&ballot)
        .env("JURY_KEY", ORGANIZER_KEY)
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let after = tmux.wait_for("ago");
    assert!(after.contains("J01"), "{after}");
    tmux.send(&["q"]);
}
