//! What many test modules need: the jury binary with a clean, English environment.

use std::process::Command;

/// The release-under-test `jury` binary with no inherited locale or key: English messages
/// (`LANG=en_US.UTF-8`), no `JURY_KEY`, no `LC_ALL`/`LC_MESSAGES`. Callers add what their
/// case needs (`.env("JURY_KEY", …)`, `--lang zh`, a config dir).
pub fn jury() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jury"));
    c.env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("JURY_KEY");
    c
}

/// Asserts that a run of the binary exited 0; when it did not, the failure names `what` was
/// run and shows its exit code, stdout and stderr.
#[track_caller]
pub fn assert_ok(out: &std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The stdout of a run that must have exited 0 (see [`assert_ok`]).
#[track_caller]
pub fn stdout_ok(out: &std::process::Output, what: &str) -> String {
    assert_ok(out, what);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A run's exit code, stdout and stderr, for an assertion's message.
pub fn show(out: &std::process::Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `jury --contest CONTEST --lang en ARGS…` run to its end, the organizer's passphrase
/// `key` in `JURY_KEY`.
pub fn run_in(contest: &std::path::Path, key: &str, args: &[&str]) -> std::process::Output {
    run_as(contest, key, &[&["--lang", "en"], args].concat())
}

/// `jury --contest CONTEST ARGS…` run to its end, the organizer's passphrase `key` in
/// `JURY_KEY`.
pub fn run_as(contest: &std::path::Path, key: &str, args: &[&str]) -> std::process::Output {
    jury()
        .env("JURY_KEY", key)
        .arg("--contest")
        .arg(contest)
        .args(args)
        .output()
        .unwrap()
}

/// The line of a printed table whose first word is `id` (empty if there is none).
pub fn line_of(table: &str, id: &str) -> String {
    table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .unwrap_or_default()
        .to_string()
}

/// A judge TUI on `ballot` in tmux, following the sync folder `share` with video off: the
/// room's end-to-end tests start their judges this way. `env` is extra `VAR=value` words
/// (language, polling only); the judge's config and stderr go to a fresh folder in `root`.
pub fn judge_following(
    name: &str,
    root: &std::path::Path,
    ballot: &jury_testkit::Issued,
    share: &std::path::Path,
    env: &str,
    size: (u16, u16),
) -> Tmux {
    let config = root.join(format!("config-{name}"));
    std::fs::create_dir_all(&config).unwrap();
    let line = format!(
        "exec env XDG_CONFIG_HOME={config} {env} JURY_KEY={key} {bin} judge {ballot} --sync-dir {share} --video-output none 2>{config}/stderr.txt",
        config = config.display(),
        key = ballot.key.secret(),
        bin = env!("CARGO_BIN_EXE_jury"),
        ballot = ballot.path.display(),
        share = share.display(),
    );
    Tmux::start(name, &line, size.0, size.1)
}

/// A program running in a private tmux server, read back with `capture-pane`: the one screen
/// helper of the end-to-end tests. The server is killed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `shell_line` (run by the shell) in a `width`×`height` window.
    pub fn start(name: &str, shell_line: &str, width: u16, height: u16) -> Tmux {
        let socket = format!("jury-{name}-{}", std::process::id());
        let started = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-s", "t", "-x"])
            .arg(width.to_string())
            .arg("-y")
            .arg(height.to_string())
            .arg(shell_line)
            .status()
            .expect("tmux runs");
        assert!(started.success(), "tmux started");
        Tmux { socket }
    }

    /// Sends tmux key names (`Tab`, `Enter`, `q`, …) one `send-keys` each.
    pub fn send(&self, keys: &[&str]) {
        for key in keys {
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "t", key])
                .status()
                .expect("send-keys");
        }
    }

    /// The screen as text.
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "t"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits (up to 30 s, however slow the machine) until the screen shows `needle`.
    pub fn wait_for(&self, needle: &str) -> String {
        self.until(&format!("{needle:?}"), |s| s.contains(needle))
    }

    /// Polls the screen until `done` holds (up to 30 s, however slow the machine; how long it
    /// took is a bench's business, not a test's); the failure names `what` was awaited.
    pub fn until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = std::time::Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "timed out waiting for {what}:\n{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// A running child whose stdout lines are collected on a thread (`jury watch`). Killed on drop.
pub struct Watched {
    child: std::process::Child,
    rx: std::sync::mpsc::Receiver<String>,
    /// Every line read so far.
    pub lines: Vec<String>,
}

impl Watched {
    pub fn spawn(mut command: Command) -> Watched {
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the command starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        Watched {
            child,
            rx,
            lines: Vec::new(),
        }
    }

    /// Collects lines until one satisfies `done` or `limit` passes; whether one did.
    pub fn until(&mut self, limit: std::time::Duration, done: impl Fn(&str) -> bool) -> bool {
        let start = std::time::Instant::now();
        while !self.lines.iter().any(|l| done(l)) {
            if start.elapsed() > limit {
                return false;
            }
            if let Ok(line) = self.rx.recv_timeout(std::time::Duration::from_millis(100)) {
                self.lines.push(line);
            }
        }
        true
    }

    /// Collects whatever arrives during `period`.
    pub fn settle(&mut self, period: std::time::Duration) {
        let start = std::time::Instant::now();
        while start.elapsed() < period {
            if let Ok(line) = self.rx.recv_timeout(std::time::Duration::from_millis(100)) {
                self.lines.push(line);
            }
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What `draw` puts on a `w`×`h` test terminal, one line per row (wide characters once).
pub fn screen_of(draw: impl FnOnce(&mut ratatui::Frame), w: u16, h: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal.draw(draw).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in 0..w {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}
