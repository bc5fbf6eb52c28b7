//! Judges follow the room: a background thread watches the sync folder's now-showing file and
//! hands every new state of it to the judge loop (as a message on the runtime's channel).
//! File notifications make it fast on a local disk; a poll of the file's metadata every
//! [`POLL`] catches what notifications miss (network shares, a USB stick plugged in later).
//! The file is read with the store's bounded reader, and a state is delivered once: the same
//! record (or the same bad file) seen again is not news. The calibration record
//! (`jury calibration --publish`) is followed the same way ([`Follower::start_calibration`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use jury_store::calibration::{self, CalibrationFile};
use jury_store::showing::{self, Showing};

/// How often the file's metadata is looked at, notifications or not.
pub const POLL: Duration = Duration::from_millis(500);

/// Hidden switch for tests and measurement: set (to anything) to follow by polling only, as
/// on a share where notifications never arrive.
pub const POLL_ONLY_ENV: &str = "JURY_FOLLOW_POLL_ONLY";

/// How the follower learns of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watching {
    /// File notifications, with the metadata poll as a fallback.
    Notify,
    /// The metadata poll alone.
    PollOnly,
}

impl Watching {
    /// [`Watching::PollOnly`] when [`POLL_ONLY_ENV`] is set, else notifications.
    pub fn from_env() -> Watching {
        if std::env::var_os(POLL_ONLY_ENV).is_some() {
            Watching::PollOnly
        } else {
            Watching::Notify
        }
    }
}

/// The follower thread; it stops when this is dropped.
pub struct Follower {
    stop: Arc<AtomicBool>,
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What the metadata poll compares: a rename puts a new file (new inode, new time) in place.
type Stamp = Option<(Option<SystemTime>, u64, u64)>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let ino = 0;
    Some((meta.modified().ok(), meta.len(), ino))
}

impl Follower {
    /// Starts following `dir`'s now-showing; `deliver` gets the current state first (unless
    /// nothing is published), then every new one.
    pub fn start(
        dir: PathBuf,
        watching: Watching,
        deliver: impl Fn(Showing) + Send + 'static,
    ) -> Follower {
        Follower::start_file(
            dir,
            watching,
            showing::FILE_NAME,
            showing::read,
            Showing::Absent,
            deliver,
        )
    }

    /// Starts following `dir`'s calibration record (`jury calibration --publish`), the same
    /// way as now-showing.
    pub fn start_calibration(
        dir: PathBuf,
        watching: Watching,
        deliver: impl Fn(CalibrationFile) + Send + 'static,
    ) -> Follower {
        Follower::start_file(
            dir,
            watching,
            calibration::FILE_NAME,
            calibration::read,
            CalibrationFile::Absent,
            deliver,
        )
    }

    /// Follows the organizer's sign-off record (`jury signoff`) in `dir` the same way.
    pub fn start_signoff(
        dir: PathBuf,
        watching: Watching,
        deliver: impl Fn(jury_store::signoff::Signoff) + Send + 'static,
    ) -> Follower {
        use jury_store::signoff;
        Follower::start_file(
            dir,
            watching,
            signoff::FILE_NAME,
            signoff::read,
            signoff::Signoff::Absent,
            deliver,
        )
    }

    /// Follows the record `name` in `dir`, read with `read`: `deliver` gets each state that
    /// differs from the last one delivered (the first compared with `absent`).
    pub fn start_file<T: PartialEq + Clone + Send + 'static>(
        dir: PathBuf,
        watching: Watching,
        name: &'static str,
        read: fn(&Path) -> T,
        absent: T,
        deliver: impl Fn(T) + Send + 'static,
    ) -> Follower {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let (tx, rx) = mpsc::channel::<()>();
            // Kept alive for as long as the thread runs; `None` when notifications are off
            // or the folder cannot be watched (then the poll does the work).
            let _watcher = match watching {
                Watching::Notify => watch(&dir, tx),
                Watching::PollOnly => None,
            };
            let file = dir.join(name);
            let mut last_stamp: Stamp = None;
            let mut last = absent;
            loop {
                let now = stamp(&file);
                if now != last_stamp {
                    last_stamp = now;
                    let state = read(&dir);
                    if last != state {
                        last = state.clone();
                        deliver(state);
                    }
                }
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                match rx.recv_timeout(POLL) {
                    // Any change in the folder: look again (a missed stamp change is caught
                    // by the stamp itself; a burst of events costs one read each).
                    Ok(()) => last_stamp = None,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    // The watcher is gone (or never started): poll.
                    Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(POLL),
                }
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
            }
        });
        Follower { stop }
    }
}

/// A notification watcher on `dir` that pings `tx` on any event there.
fn watch(dir: &Path, tx: mpsc::Sender<()>) -> Option<notify::RecommendedWatcher> {
    use notify::{RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            let _ = tx.send(());
        }
    })
    .ok()?;
    watcher.watch(dir, RecursiveMode::NonRecursive).ok()?;
    Some(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn next(rx: &mpsc::Receiver<Showing>) -> Showing {
        rx.recv_timeout(Duration::from_secs(10))
            .expect("a state within 10 s")
    }

    fn follows(watching: Watching) {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let follower = Follower::start(dir.path().to_path_buf(), watching, move |s| {
            let _ = tx.send(s);
        });
        let first = showing::publish(dir.path(), "c", Some("002"), 1).unwrap();
        assert_eq!(next(&rx), Showing::Published(first));
        let second = showing::publish(dir.path(), "c", Some("002"), 1).unwrap();
        assert_eq!(
            next(&rx),
            Showing::Published(second),
            "a new show of the same work is news"
        );
        // A damaged file put in place whole (as any writer renaming into the folder does).
        let tmp = dir.path().join("garbage.tmp");
        std::fs::write(&tmp, b"garbage").unwrap();
        std::fs::rename(&tmp, showing::path_in(dir.path())).unwrap();
        assert!(matches!(next(&rx), Showing::Bad(_)));
        // Nothing changes: nothing is delivered again.
        let quiet = Instant::now();
        assert!(rx.recv_timeout(POLL * 3).is_err());
        assert!(quiet.elapsed() >= POLL * 3);
        drop(follower);
    }

    #[test]
    fn notifications_deliver_each_new_state_once() {
        follows(Watching::Notify);
    }

    #[test]
    fn polling_alone_delivers_each_new_state_once() {
        follows(Watching::PollOnly);
    }

    #[test]
    fn the_calibration_record_is_followed_too() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let _f =
            Follower::start_calibration(dir.path().to_path_buf(), Watching::Notify, move |s| {
                let _ = tx.send(s);
            });
        // A now-showing in the same folder is not this follower's news.
        showing::publish(dir.path(), "c", Some("001"), 1).unwrap();
        let record = calibration::publish(dir.path(), "c", &[], 2).unwrap();
        let got = rx.recv_timeout(Duration::from_secs(10)).expect("a record");
        assert_eq!(got, CalibrationFile::Published(record));
    }

    #[test]
    fn the_signoff_record_is_followed_too() {
        use jury_store::signoff::{self, Signoff};
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let _f = Follower::start_signoff(dir.path().to_path_buf(), Watching::PollOnly, move |s| {
            let _ = tx.send(s);
        });
        let tmp = dir.path().join("x.tmp");
        std::fs::write(&tmp, b"{}").unwrap();
        std::fs::rename(&tmp, signoff::path_in(dir.path())).unwrap();
        let got = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(matches!(got, Signoff::Bad(_)), "{got:?}");
    }

    #[test]
    fn a_folder_that_appears_later_is_followed() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("stick");
        let (tx, rx) = mpsc::channel();
        let _f = Follower::start(dir.clone(), Watching::Notify, move |s| {
            let _ = tx.send(s);
        });
        std::fs::create_dir(&dir).unwrap();
        let record = showing::publish(&dir, "c", Some("001"), 1).unwrap();
        assert_eq!(next(&rx), Showing::Published(record));
    }
}
