//! The now-showing file in the sync folder: published with the store's durable atomic
//! writer ([`crate::snapshot::write_atomic`]: temp name, fsync, rename, fsync folder), so a
//! judge's TUI sees the old record or the new one, never half of one; read back bounded (one
//! larger than [`MAX_BYTES`] is refused unread) and typed, so a hostile or damaged file is
//! reported, never trusted.

use std::io::Read;
use std::path::{Path, PathBuf};

pub use jury_core::showing::{BadShowing, NowShowing, Showing, FILE_NAME, MAX_BYTES};

/// Where the record lives in `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

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

/// Reads the record in `dir`. The metadata is looked at first (a pipe under the name would
/// block a read; a huge file is refused unread), then at most [`MAX_BYTES`] + 1 bytes.
pub fn read(dir: &Path) -> Showing {
    match read_small(&path_in(dir), MAX_BYTES) {
        Ok(None) => Showing::Absent,
        Err(bad) => Showing::Bad(bad),
        Ok(Some(bytes)) => match NowShowing::parse(&bytes) {
            Ok(record) => Showing::Published(record),
            Err(bad) => Showing::Bad(bad),
        },
    }
}

/// The bytes of a small record file at `path` (`None`: no file): the metadata first (not a
/// regular file or larger than `max` is refused unread), then at most `max` + 1 bytes. The
/// sync folder's other records (`crate::calibration`) are read the same way.
pub(crate) fn read_small(path: &Path, max: u64) -> Result<Option<Vec<u8>>, BadShowing> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(BadShowing::Unreadable {
                detail: e.to_string(),
            })
        }
    };
    if !meta.is_file() {
        return Err(BadShowing::NotAFile);
    }
    if meta.len() > max {
        return Err(BadShowing::TooLarge { bytes: meta.len() });
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(max + 1).read_to_end(&mut bytes));
    match read {
        // Removed between the two looks: nothing published.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(BadShowing::Unreadable {
            detail: e.to_string(),
        }),
        Ok(_) => Ok(Some(bytes)),
    }
}

/// Publishes `work` (or, with `None`, that nothing is showing) for `contest` in `dir`: the
/// sequence number is one more than the record there (a bad or missing one counts as 0).
pub fn publish(
    dir: &Path,
    contest: &str,
    work: Option<&str>,
    at: i64,
) -> Result<NowShowing, PublishError> {
    if !dir.is_dir() {
        return Err(PublishError::NoFolder {
            dir: dir.to_path_buf(),
        });
    }
    let previous = match read(dir) {
        Showing::Published(p) => Some(p),
        _ => None,
    };
    let record = NowShowing::next(previous.as_ref(), contest, work, at);
    let path = path_in(dir);
    crate::snapshot::write_atomic(&path, &record.to_bytes())
        .map_err(|source| PublishError::Io { path, source })?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_then_read_back_with_a_growing_sequence_and_no_temp_left() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), Showing::Absent);
        let first = publish(dir.path(), "c", Some("012"), 10).unwrap();
        assert_eq!(read(dir.path()), Showing::Published(first.clone()));
        let cleared = publish(dir.path(), "c", None, 11).unwrap();
        assert_eq!((cleared.seq, cleared.work), (2, None));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [FILE_NAME]);
    }

    #[test]
    fn bad_files_are_typed_and_a_bad_one_restarts_the_sequence() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        std::fs::write(&path, b"not json").unwrap();
        assert!(matches!(
            read(dir.path()),
            Showing::Bad(BadShowing::NotJson { .. })
        ));
        std::fs::write(&path, vec![b'x'; 1 << 20]).unwrap();
        assert_eq!(
            read(dir.path()),
            Showing::Bad(BadShowing::TooLarge { bytes: 1 << 20 })
        );
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        assert_eq!(read(dir.path()), Showing::Bad(BadShowing::NotAFile));
        assert!(matches!(
            publish(&dir.path().join("gone"), "c", Some("1"), 0),
            Err(PublishError::NoFolder { .. })
        ));
    }
}
