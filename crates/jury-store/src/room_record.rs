//! The sync folder's published records (now-showing, calibration, sign-off: see
//! `jury_core::room_record`) as files: written with the store's one durable atomic writer
//! ([`crate::snapshot::write_atomic`]: temp name, fsync, rename, fsync folder), so a judge's
//! TUI sees the old record or the new one, never half of one; read back bounded (metadata
//! first: a pipe under the name would block a read, a huge file is refused unread) and typed,
//! so a hostile or damaged file is reported, never trusted.

use std::io::Read;
use std::path::{Path, PathBuf};

pub use jury_core::room_record::{BadRecord, RecordFile, RoomRecord};

/// Why publishing failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{dir}: the sync folder is not there")]
    NoFolder { dir: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where record `T` lives in `dir`.
pub fn path_in<T: RoomRecord>(dir: &Path) -> PathBuf {
    dir.join(T::FILE_NAME)
}

/// Reads record `T` in `dir`.
pub fn read<T: RoomRecord>(dir: &Path) -> RecordFile<T> {
    match read_small(&path_in::<T>(dir), T::MAX_BYTES) {
        Ok(None) => RecordFile::Absent,
        Err(bad) => RecordFile::Bad(bad),
        Ok(Some(bytes)) => match T::parse(&bytes) {
            Ok(record) => RecordFile::Published(record),
            Err(bad) => RecordFile::Bad(bad),
        },
    }
}

/// Publishes the record `make` builds from the one already in `dir` (`None` when there is
/// none or it is bad), e.g. one sequence number higher.
pub fn publish<T: RoomRecord>(
    dir: &Path,
    make: impl FnOnce(Option<&T>) -> T,
) -> Result<T, PublishError> {
    if !dir.is_dir() {
        return Err(PublishError::NoFolder {
            dir: dir.to_path_buf(),
        });
    }
    let previous = read::<T>(dir).published();
    let record = make(previous.as_ref());
    let path = path_in::<T>(dir);
    crate::snapshot::write_atomic(&path, &record.to_bytes())
        .map_err(|source| PublishError::Io { path, source })?;
    Ok(record)
}

/// The bytes of a small file at `path` (`None`: no file): not a regular file or larger than
/// `max` is refused unread, then at most `max` + 1 bytes are read.
fn read_small(path: &Path, max: u64) -> Result<Option<Vec<u8>>, BadRecord> {
    let unreadable = |e: std::io::Error| BadRecord::Unreadable {
        detail: e.to_string(),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    if !meta.is_file() {
        return Err(BadRecord::NotAFile);
    }
    if meta.len() > max {
        return Err(BadRecord::TooLarge { bytes: meta.len() });
    }
    let mut bytes = Vec::new();
    match std::fs::File::open(path).and_then(|f| f.take(max + 1).read_to_end(&mut bytes)) {
        // Removed between the two looks: nothing published.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(unreadable(e)),
        Ok(_) => Ok(Some(bytes)),
    }
}
