//! The real binary, driven through tmux like a judge at a keyboard: score by keys, go on to
//! the next work from the summary, quit, reopen; a wrong key and a retry; SIGKILL in the middle of scoring loses nothing shown saved.

use jury_store::{Ballot, BallotKey};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is required for the end-to-end tests (make test installs it)"
        );
        Tmux {
            socket: format!("jury-e2e-{}-{name}", std::process::id()),
        }
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// The demo in `dir` with headless playback, started and showing its list.
    fn headless_demo(name: &str, dir: &Path) -> Tmux {
        let t = Tmux::new(name);
        t.start(
            dir,
            &format!("demo --dir {} --video-output none", dir.display()),
            "",
        );
        t.wait_for("todo");
        t
    }

    /// Starts `jury ARGS` in an 80×24 pane with a clean config dir.
    fn start(&self, config: &Path, args: &str, extra_env: &str) {
        let bin = env!("CARGO_BIN_EXE_jury");
        let line = format!(
            "exec env XDG_CONFIG_HOME={} LANG=en_US.UTF-8 {extra_env} {bin} {args} 2>{}/stderr.txt",
            config.display(),
            config.display()
        );
        let out = self.cmd(&[
            "new-session",
            "-d",
            "-s",
            "j",
            "-x",
            "80",
            "-y",
            "24",
            &line,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "j"]).stdout).to_string()
    }

    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {needle:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Escape, then `q` once the score hints are gone: sent together, the terminal reads
    /// ESC q as Alt+q and the app never quits.
    fn leave_scoring_and_quit(&self) {
        self.keys(&["Escape"]);
        let start = Instant::now();
        while self.screen().contains("0-9 ") {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "still scoring after Escape:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.quit();
    }

    /// `q`, and `y` if jury asks first (scores given but the ballot not submitted).
    fn quit(&self) {
        self.keys(&["q"]);
        let start = Instant::now();
        while self.alive() {
            let s = self.screen();
            if s.contains("y quit / n stay") || s.contains("y 退出 / n 留下") {
                self.keys(&["y"]);
                break;
            }
            if start.elapsed() > Duration::from_secs(10) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.cmd(&["send-keys", "-t", "j", k]);
            assert!(out.status.success());
        }
    }

    fn alive(&self) -> bool {
        self.cmd(&["has-session", "-t", "j"]).status.success()
    }

    fn wait_exit(&self) {
        let start = Instant::now();
        while self.alive() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "jury did not quit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn pane_pid(&self) -> i32 {
        let out = self.cmd(&["display-message", "-p", "-t", "j", "#{pane_pid}"]);
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("pane pid")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn demo_ballot(dir: &Path) -> PathBuf {
    dir.join(jury::demo::DEMO_BALLOT)
}

fn load(path: &Path) -> jury_store::BallotData {
    Ballot::open(path, &jury::demo::demo_key())
        .unwrap()
        .load()
        .unwrap()
}

#[test]
fn score_a_work_by_keys_quit_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::new("score");
    let args = format!("demo --dir {}", dir.path().display());
    t.start(dir.path(), &args, "");
    t.wait_for("todo");
    t.keys(&["s", "2", "5", "2", "6", "1", "2", "8", "4", "4", "4"]);
    let screen = t.wait_for("saved, rev 8");
    assert!(screen.contains("done"), "{screen}");
    t.wait_for("83 points saved. Enter next unscored work, p play, Esc back");
    t.keys(&["c"]);
    t.wait_for("Enter saves");
    t.keys(&["-l", "Good pacing"]);
    t.keys(&["Enter"]);
    t.wait_for("saved, rev 9");
    // The comment went back to the summary; Enter there goes on to the next unscored work,
    // in the list, and plays nothing.
    t.wait_for("83 points saved");
    t.keys(&["Enter"]);
    t.wait_for(">002");
    std::thread::sleep(Duration::from_millis(500));
    let screen = t.screen();
    assert!(
        screen.contains(">002") && !screen.contains("points saved"),
        "on the next unscored work, in the list:\n{screen}"
    );
    assert!(
        !screen.contains("playing") && !screen.contains("Checking the video"),
        "Enter after the last criterion does not start playback:\n{screen}"
    );
    // Scores given, ballot not submitted: q asks once, y leaves.
    t.keys(&["q"]);
    t.wait_for("The ballot is not submitted");
    t.keys(&["y"]);
    t.wait_exit();

    let data = load(&demo_ballot(dir.path()));
    assert_eq!(data.total("001").to_string(), "83");
    assert_eq!(data.comments["001"], "Good pacing");

    t.start(dir.path(), &args, "");
    let screen = t.wait_for("rev 9");
    assert!(
        screen.contains("83"),
        "the total is back after reopening:\n{screen}"
    );
    assert!(screen.contains("Good pacing"), "{screen}");
    t.quit();
    t.wait_exit();
}

#[test]
fn chinese_screen_and_wrong_key_then_retry() {
    let dir = tempfile::tempdir().unwrap();
    let ballot = jury::demo::ensure(dir.path(), false).unwrap();
    let t = Tmux::new("key");
    let wrong = BallotKey::generate();
    let args = format!("judge {} --lang zh", ballot.display());
    t.start(dir.path(), &args, &format!("JURY_KEY={}", wrong.secret()));
    t.wait_for("密钥不正确");
    t.keys(&["-l", &jury::demo::DEMO_KEY.to_lowercase()]);
    t.keys(&["Enter"]);
    let screen = t.wait_for("作品名称");
    assert!(screen.contains("稻田里的守"), "{screen}");
    t.quit();
    t.wait_exit();
    let stderr = std::fs::read_to_string(dir.path().join("stderr.txt")).unwrap_or_default();
    assert!(
        !stderr.contains("hmac"),
        "SQLCipher must not log over the TUI: {stderr}"
    );
}

#[test]
fn sigkill_while_scoring_loses_nothing_shown_saved() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::new("kill");
    t.start(
        dir.path(),
        &format!("demo --dir {}", dir.path().display()),
        "",
    );
    t.wait_for("todo");
    t.keys(&["s", "2", "5", "2", "6", "1", "2"]);
    t.wait_for("saved, rev 4");
    let pid = t.pane_pid();
    // Keep typing and kill mid-stream.
    t.keys(&["8", "4", "4"]);
    let shown = t.screen();
    // SAFETY: plain libc call with a pid we read from tmux.
    let killed = unsafe { libc::kill(pid, libc::SIGKILL) };
    assert_eq!(killed, 0);
    let shown_rev: u64 = shown
        .split("saved, rev ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("a saved revision on screen");
    std::thread::sleep(Duration::from_millis(300));
    let path = demo_ballot(dir.path());
    let ballot = Ballot::open(&path, &jury::demo::demo_key()).unwrap();
    let data = ballot.load().unwrap();
    assert!(
        data.revision >= shown_rev,
        "screen showed rev {shown_rev}, file has {}",
        data.revision
    );
    assert_eq!(data.score("001", "theme"), Some(25));
    assert_eq!(data.score("001", "story"), Some(26));
    assert_eq!(data.score("001", "image"), Some(12));
    ballot
        .verify()
        .expect("chain and state agree after SIGKILL");
    let ok: String = ballot
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn play_a_video_headless_and_progress_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::headless_demo("play", dir.path());
    t.keys(&["Enter"]);
    t.wait_for("playing 001");
    // The clip is six seconds long; when it ends the player pauses on the last frame.
    let screen = t.wait_for("paused 001");
    let at = shown_position(&screen).expect("position on the status line");
    assert!(
        at >= 5,
        "paused at the end of the six-second clip: {screen}"
    );
    t.keys(&["x"]);
    t.quit();
    t.wait_exit();
    let data = load(&demo_ballot(dir.path()));
    let p = data.progress.get("001").copied().expect("progress saved");
    assert!(p.furthest_ms >= 4_000, "{p:?}");
    assert!(p.watched_ms >= 3_000, "{p:?}");
}

#[test]
fn a_missing_or_modified_video_is_reported_and_the_app_keeps_running() {
    let dir = tempfile::tempdir().unwrap();
    jury::demo::ensure(dir.path(), false).unwrap();
    std::fs::remove_file(dir.path().join("001-rice.mp4")).unwrap();
    std::fs::write(
        dir.path().join("002-quantum.mp4"),
        b"not the registered file",
    )
    .unwrap();
    let t = Tmux::new("missing");
    let ballot = demo_ballot(dir.path());
    t.start(
        dir.path(),
        &format!("judge {} --video-output none", ballot.display()),
        &format!("JURY_KEY={}", jury::demo::DEMO_KEY),
    );
    t.wait_for("todo");
    t.keys(&["Enter"]);
    t.wait_for("not found");
    t.keys(&["j", "Enter"]);
    t.wait_for("differs");
    t.keys(&["s", "5"]);
    t.wait_for("saved, rev 2");
    t.leave_scoring_and_quit();
    t.wait_exit();
}

/// "playing 001 title 0:03/0:06 x1.00" → position in seconds.
fn shown_position(screen: &str) -> Option<u64> {
    let line = screen.lines().find(|l| l.contains(" 001 "))?;
    let clock = line
        .split_whitespace()
        .find(|w| w.contains('/') && w.contains(':'))?;
    let (pos, _) = clock.split_once('/')?;
    let (m, s) = pos.split_once(':')?;
    Some(m.parse::<u64>().ok()? * 60 + s.parse::<u64>().ok()?)
}

#[test]
fn transport_keys_pause_seek_and_stop_with_the_status_line_following() {
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::headless_demo("transport", dir.path());
    t.keys(&["Enter"]);
    t.wait_for("playing 001");
    t.keys(&["Space"]);
    let paused = t.wait_for("paused 001");
    let at_pause = shown_position(&paused).expect("position on the status line");
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(
        shown_position(&t.screen()),
        Some(at_pause),
        "paused playback does not move"
    );
    t.keys(&[">"]);
    t.wait_for("x1.25");
    t.keys(&["]"]);
    let start = Instant::now();
    loop {
        let pos = shown_position(&t.screen()).unwrap_or(0);
        if pos >= (at_pause + 4).min(5) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "seek did not move the position: {}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t.keys(&["x"]);
    let start = Instant::now();
    while t.screen().contains(" 001 ") && t.screen().contains("x1.") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "stop did not clear the player line"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t.quit();
    t.wait_exit();
}

#[test]
fn scores_reach_the_sync_folder_and_a_vanished_folder_does_not_stop_scoring() {
    let dir = tempfile::tempdir().unwrap();
    let sync = dir.path().join("share");
    std::fs::create_dir(&sync).unwrap();
    let t = Tmux::new("sync");
    t.start(
        dir.path(),
        &format!(
            "demo --dir {} --sync-dir {}",
            dir.path().display(),
            sync.display()
        ),
        "",
    );
    t.wait_for("todo");
    t.wait_for("synced");
    t.keys(&["s", "2", "5", "2", "6", "1", "2", "8", "4", "4", "4"]);
    t.wait_for("saved, rev 8");
    let copy = sync.join(jury::demo::DEMO_BALLOT);
    let start = Instant::now();
    loop {
        // A reader only ever sees a whole ballot: every poll reads the file's bytes (as the
        // merger does: the judge's next copy may be renamed over it at any moment) and opens
        // and verifies them.
        if let Ok(bytes) = std::fs::read(&copy) {
            let private = dir.path().join("read.ballot");
            std::fs::write(&private, bytes).unwrap();
            let b = Ballot::open(&private, &jury::demo::demo_key()).expect("a whole ballot");
            let data = b.load().unwrap();
            if data.revision >= 8 {
                assert_eq!(data.score("001", "theme"), Some(25));
                b.verify().unwrap();
                break;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no synced copy; screen:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The stick is pulled: the judge is told, and scoring goes on.
    std::fs::remove_dir_all(&sync).unwrap();
    // Enter on the summary of 001 goes on to 002.
    t.keys(&["Enter", "s", "9"]);
    t.wait_for("sync failed");
    t.leave_scoring_and_quit();
    t.wait_exit();
    assert_eq!(
        load(&demo_ballot(dir.path())).score("002", "theme"),
        Some(9)
    );
}

/// libmpv is loaded at run time: without it jury starts, says why it cannot play, and scores.
#[test]
fn without_libmpv_jury_starts_explains_and_scores() {
    let ldd = Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_jury"))
        .output()
        .unwrap();
    let needed = String::from_utf8_lossy(&ldd.stdout);
    assert!(
        !needed.contains("libmpv"),
        "the binary must not need libmpv to start:\n{needed}"
    );
    let dir = tempfile::tempdir().unwrap();
    jury::demo::ensure(dir.path(), false).unwrap();
    let t = Tmux::new("nompv");
    let ballot = demo_ballot(dir.path());
    t.start(
        dir.path(),
        &format!("judge {} --video-output none", ballot.display()),
        &format!(
            "JURY_KEY={} JURY_LIBMPV=/nonexistent/libmpv.so.2",
            jury::demo::DEMO_KEY
        ),
    );
    t.wait_for("todo");
    t.keys(&["Enter"]);
    t.wait_for("libmpv not found");
    t.keys(&["s", "7"]);
    t.wait_for("saved, rev 2");
    t.leave_scoring_and_quit();
    t.wait_exit();
    assert_eq!(
        load(&demo_ballot(dir.path())).score("001", "theme"),
        Some(7)
    );
}

/// What jury wrote to stderr in a pane started by `Tmux::start` (it goes to a file there).
fn wait_for_stderr(config: &Path, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(config.join("stderr.txt")).unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {needle:?} on stderr:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_organizer_passphrase_warns_at_init_and_is_asked_again_when_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let contest = dir.path().join("contest");
    let pass = "correct horse battery";
    let t = Tmux::new("init");
    t.start(dir.path(), &format!("init {}", contest.display()), "");
    t.wait_for("Organizer passphrase");
    let warned = wait_for_stderr(dir.path(), "cannot be recovered");
    assert!(warned.contains("--key-file"), "{warned}");
    t.keys(&["-l", pass]);
    t.keys(&["Enter"]);
    t.wait_for("Type it again");
    t.keys(&["-l", pass]);
    t.keys(&["Enter"]);
    t.wait_exit();
    assert!(contest.join(jury_store::master::MASTER_FILE).exists());
    let said = std::fs::read_to_string(dir.path().join("stderr.txt")).unwrap();
    assert_eq!(
        said.matches("cannot be recovered").count(),
        1,
        "warned once: {said}"
    );

    let t = Tmux::new("organize");
    t.start(
        dir.path(),
        &format!("--contest {} organize", contest.display()),
        "",
    );
    t.wait_for("Organizer passphrase");
    t.keys(&["-l", "not the passphrase"]);
    t.keys(&["Enter"]);
    let said = wait_for_stderr(dir.path(), "try again (2 left)");
    assert!(!said.contains("key card"), "{said}");
    t.keys(&["-l", pass]);
    t.keys(&["Enter"]);
    // The second try opens the organizer's screen.
    t.wait_for("Works");
    t.keys(&["q"]);
    t.wait_exit();
}
