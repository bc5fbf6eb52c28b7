//! Consistent encrypted snapshots of an open ballot, for the sync folder and USB sticks.
//!
//! The live ballot is a WAL database: its main file alone may lack the newest commits and
//! copying it while the TUI writes can tear pages. So a snapshot is taken with `VACUUM INTO`
//! on a keyed connection: it reads inside one read transaction (a consistent state, even while
//! another connection commits) and writes a fresh, compact file that SQLCipher encrypts with
//! the same key. The copy is switched to rollback-journal mode so it opens on its own (no
//! -wal/-shm beside it, read-only media fine), synced, and only then renamed to its final
//! name and the folder synced: a reader of the folder sees the old file or the whole new one,
//! never a partial file.

use rusqlite::Connection;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::cipher::{keying_lock, open_encrypted, OpenMode};
use jury_core::key::BallotKey;

/// Why a snapshot could not be written. Each message names the folder and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{dir}: the sync folder is not there (stick removed or share offline?); plug it back in or choose another folder")]
    NoFolder { dir: PathBuf },
    #[error("{dir}: no space left for the ballot copy; free some space on it")]
    Full { dir: PathBuf },
    #[error("{path}: this is the ballot itself; choose a sync folder other than the ballot's own")]
    SameFile { path: PathBuf },
    #[error("{path}: cannot write the ballot copy: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot take the snapshot: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Store(#[from] super::StoreError),
}

/// What a successful snapshot wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub path: PathBuf,
    pub revision: u64,
    pub bytes: u64,
}

/// Prefix of the temporary names a snapshot is written under; mergers skip such files.
pub const TEMP_PREFIX: &str = ".jury-tmp-";

/// A temporary file older than this was left by a writer that crashed or lost its stick.
pub const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Removes `.jury-tmp-*` files (and their `-journal`) in `dir` last modified more than
/// [`STALE_TEMP_AGE`] ago: what a crashed or unplugged writer left. A younger one may be
/// another writer's, still at work, and is kept. Best effort: what cannot be listed or
/// removed stays; returns the names removed.
pub fn remove_stale_temps(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        // symlink_metadata: a link is judged (and removed) as itself, never followed.
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if old && !meta.is_dir() && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// True for names a snapshot writer is still working on (or crashed on): not a ballot yet.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) || name.starts_with('.')
}

fn io_error(path: &Path, dir: &Path, source: std::io::Error) -> SnapshotError {
    // ENOSPC / EDQUOT: a full stick, not a bug.
    match source.raw_os_error() {
        Some(libc::ENOSPC) | Some(libc::EDQUOT) => SnapshotError::Full {
            dir: dir.to_path_buf(),
        },
        _ if !dir.is_dir() => SnapshotError::NoFolder {
            dir: dir.to_path_buf(),
        },
        _ => SnapshotError::Io {
            path: path.to_path_buf(),
            source,
        },
    }
}

fn sqlite_error(path: &Path, dir: &Path, source: rusqlite::Error) -> SnapshotError {
    use rusqlite::ErrorCode;
    match source.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => SnapshotError::Full {
            dir: dir.to_path_buf(),
        },
        Some(ErrorCode::CannotOpen) if !dir.is_dir() => SnapshotError::NoFolder {
            dir: dir.to_path_buf(),
        },
        _ if !dir.is_dir() => SnapshotError::NoFolder {
            dir: dir.to_path_buf(),
        },
        _ => SnapshotError::Sqlite {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// The name the snapshot gets in `dir`: the ballot's own file name, so the organizer sees
/// the names printed on the key cards.
pub fn target_path(ballot_path: &Path, dir: &Path) -> PathBuf {
    let name = ballot_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "ballot.ballot".into());
    dir.join(name)
}

/// Writes a snapshot of the ballot open on `conn` (keyed with `key`) to `dir`, under the
/// ballot's file name. `conn` may be any connection to the ballot; it only reads.
pub fn write_snapshot(
    conn: &Connection,
    key: &BallotKey,
    ballot_path: &Path,
    dir: &Path,
) -> Result<Snapshot, SnapshotError> {
    let target = target_path(ballot_path, dir);
    if !dir.is_dir() {
        return Err(SnapshotError::NoFolder {
            dir: dir.to_path_buf(),
        });
    }
    if let (Ok(a), Ok(b)) = (target.canonicalize(), ballot_path.canonicalize()) {
        if a == b {
            return Err(SnapshotError::SameFile { path: target });
        }
    }
    remove_stale_temps(dir);
    // A unique temp name in the target folder (rename is atomic only within one file system).
    let temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, dir, e))?;
    let temp_path = temp.path().to_path_buf();
    // VACUUM INTO wants to create the file itself; keep the unique name, drop the empty file.
    // If we crash from here on, a stray `.jury-tmp-*.tmp` is left, never a partial ballot.
    let temp_path = {
        let (_, p) = temp
            .keep()
            .map_err(|e| io_error(&temp_path, dir, e.error))?;
        std::fs::remove_file(&p).map_err(|e| io_error(&p, dir, e))?;
        p
    };
    let result = write_temp_then_rename(conn, key, &temp_path, &target, dir);
    if result.is_err() {
        let _ = std::fs::remove_file(&temp_path);
        let _ = std::fs::remove_file(journal_of(&temp_path));
    }
    result
}

fn journal_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-journal", path.display()))
}

fn write_temp_then_rename(
    conn: &Connection,
    key: &BallotKey,
    temp: &Path,
    target: &Path,
    dir: &Path,
) -> Result<Snapshot, SnapshotError> {
    let temp_str = temp.to_str().ok_or_else(|| SnapshotError::Io {
        path: temp.to_path_buf(),
        source: std::io::Error::other("the sync folder's path is not valid UTF-8"),
    })?;
    // One statement, one read transaction: the copy is one committed state of the ballot.
    // It keys a new file, so it takes the keying lock like every other open. The lock is
    // held while a slow stick is written; in the judge's process nothing else keys then.
    {
        let _keying = keying_lock();
        conn.execute("VACUUM INTO ?1", [temp_str])
            .map_err(|e| sqlite_error(temp, dir, e))?;
    }
    // Reopen the copy with the key: proves it is encrypted with it, and leaves WAL mode so
    // the file stands alone on read-only or slow media.
    let revision = {
        let copy = open_encrypted(temp, key, OpenMode::ReadWrite)?;
        let mode: String = copy
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .map_err(|e| sqlite_error(temp, dir, e))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(SnapshotError::Io {
                path: temp.to_path_buf(),
                source: std::io::Error::other(format!("journal mode stayed {mode}")),
            });
        }
        let revision: i64 = copy
            .query_row("SELECT revision FROM state WHERE id = 1", [], |r| r.get(0))
            .map_err(|e| sqlite_error(temp, dir, e))?;
        revision.max(0) as u64
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(temp)
        .map_err(|e| io_error(temp, dir, e))?;
    file.sync_all().map_err(|e| io_error(temp, dir, e))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    drop(file);
    std::fs::rename(temp, target).map_err(|e| io_error(target, dir, e))?;
    sync_dir(dir).map_err(|e| io_error(dir, dir, e))?;
    Ok(Snapshot {
        path: target.to_path_buf(),
        revision,
        bytes,
    })
}

/// Makes a rename durable: on Linux the directory entry reaches the disk only with an fsync
/// of the directory itself.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    let d = std::fs::File::open(dir)?;
    match d.sync_all() {
        Ok(()) => Ok(()),
        // Some file systems (e.g. certain FUSE/SMB mounts) refuse fsync on directories.
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok(()),
        Err(e) => Err(e),
    }
}

/// `jury export BALLOT DIR`: opens the ballot with its key and writes one snapshot.
pub fn export(ballot: &Path, key: &BallotKey, dir: &Path) -> Result<Snapshot, SnapshotError> {
    let conn = open_encrypted(ballot, key, OpenMode::ReadOnly)?;
    write_snapshot(&conn, key, ballot, dir)
}

/// Writes `bytes` to `path` atomically (temp name in the same folder, fsync, rename, fsync
/// folder). Used for small files that must never be seen half-written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Local time of a Unix timestamp: "14:03:12", or "2024-05-01 14:03:12" with `date`.
/// (localtime_r: the TUI and `jury log` show the clock on the wall, not UTC.)
pub fn local_time(secs: i64, date: bool) -> String {
    // SAFETY: localtime_r writes only into `tm`, which lives on this stack frame.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t: libc::time_t = secs as libc::time_t;
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if !ok {
        return secs.to_string();
    }
    let time = format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
    if date {
        format!(
            "{:04}-{:02}-{:02} {time}",
            tm.tm_year + 1900,
            tm.tm_mon + 1,
            tm.tm_mday
        )
    } else {
        time
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ballot;

    fn ballot(dir: &Path) -> (PathBuf, BallotKey, Ballot) {
        let path = dir.join("c-J1.ballot");
        let key = BallotKey::generate();
        let b = Ballot::create(&path, &key, &jury_core::sample::sample_init(3, "b1")).unwrap();
        (path, key, b)
    }

    #[test]
    fn snapshot_is_encrypted_standalone_and_current() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sync");
        std::fs::create_dir(&out).unwrap();
        let (path, key, mut b) = ballot(dir.path());
        b.set_score("001", "theme", Some(25)).unwrap();
        // The live ballot keeps its WAL open; the snapshot must still hold the new score.
        let snap = write_snapshot(b.connection(), &key, &path, &out).unwrap();
        assert_eq!(snap.revision, 2);
        assert_eq!(snap.path, out.join("c-J1.ballot"));
        let bytes = std::fs::read(&snap.path).unwrap();
        assert_ne!(&bytes[..16], b"SQLite format 3\0");
        assert!(!out.join("c-J1.ballot-wal").exists());
        let names: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert_eq!(names.len(), 1, "no temp files left behind");
        // Opens read-only on its own, with the same key only.
        let copy = open_encrypted(&snap.path, &key, OpenMode::ReadOnly).unwrap();
        let mode: String = copy
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        drop(copy);
        assert!(open_encrypted(&snap.path, &BallotKey::generate(), OpenMode::ReadOnly).is_err());
        let data = Ballot::open(&snap.path, &key).unwrap().load().unwrap();
        assert_eq!(data.score("001", "theme"), Some(25));
        // A second snapshot replaces the first.
        b.set_score("001", "theme", Some(26)).unwrap();
        let snap = write_snapshot(b.connection(), &key, &path, &out).unwrap();
        assert_eq!(snap.revision, 3);
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    }

    #[test]
    fn temps_older_than_a_minute_go_with_the_next_snapshot_younger_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sync");
        std::fs::create_dir(&out).unwrap();
        let (path, key, b) = ballot(dir.path());
        let two_minutes_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
        let make = |name: &str, old: bool| {
            let f = std::fs::File::create(out.join(name)).unwrap();
            if old {
                f.set_modified(two_minutes_ago).unwrap();
            }
        };
        make(".jury-tmp-crashed.tmp", true);
        make(".jury-tmp-crashed.tmp-journal", true);
        make(".jury-tmp-busy.tmp", false);
        make("notes.txt", true);
        std::fs::create_dir(out.join(".jury-tmp-folder")).unwrap();
        write_snapshot(b.connection(), &key, &path, &out).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".jury-tmp-busy.tmp",
                ".jury-tmp-folder",
                "c-J1.ballot",
                "notes.txt"
            ]
        );
    }

    #[test]
    fn missing_folder_and_own_folder_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let (path, key, b) = ballot(dir.path());
        let gone = dir.path().join("gone");
        assert!(matches!(
            write_snapshot(b.connection(), &key, &path, &gone),
            Err(SnapshotError::NoFolder { .. })
        ));
        assert!(matches!(
            write_snapshot(b.connection(), &key, &path, dir.path()),
            Err(SnapshotError::SameFile { .. })
        ));
    }
}
