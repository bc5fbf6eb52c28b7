//! The now-showing file in the sync folder (one of the room's records:
//! [`crate::room_record`]).

use std::path::{Path, PathBuf};

pub use jury_core::showing::{BadShowing, NowShowing, Showing, FILE_NAME, MAX_BYTES};

pub use crate::room_record::PublishError;

/// Where the record lives in `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    crate::room_record::path_in::<NowShowing>(dir)
}

/// Reads the record in `dir` (bounded, typed: see [`crate::room_record`]).
pub fn read(dir: &Path) -> Showing {
    crate::room_record::read(dir)
}

/// Publishes `work` (or, with `None`, that nothing is showing) for `contest` in `dir`: the
/// sequence number is one more than the record there (a bad or missing one counts as 0).
pub fn publish(
    dir: &Path,
    contest: &str,
    work: Option<&str>,
    at: i64,
) -> Result<NowShowing, PublishError> {
    crate::room_record::publish(dir, |previous| {
        NowShowing::next(previous, contest, work, at)
    })
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
