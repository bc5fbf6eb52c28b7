//! The calibration record in the sync folder (`jury calibration --publish`): every judge's
//! offsets from the panel median, which each judge's TUI shows them (their own). Written
//! with the store's one durable atomic writer, read back bounded and typed, exactly like
//! now-showing ([`crate::showing`]).

use std::path::{Path, PathBuf};

pub use crate::room_record::PublishError;
pub use jury_core::calibration::{
    CalibrationFile, CalibrationRecord, JudgeOffsets, PublishedOffsets, FILE_NAME, MAX_BYTES,
};

/// Where the record lives in `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    crate::room_record::path_in::<CalibrationRecord>(dir)
}

/// Reads the record in `dir` (bounded, typed; a damaged file is reported, never trusted).
pub fn read(dir: &Path) -> CalibrationFile {
    crate::room_record::read(dir)
}

/// Publishes `judges`' offsets for `contest` into `dir`, one sequence number above the
/// record there (a bad or missing one counts as 0).
pub fn publish(
    dir: &Path,
    contest: &str,
    judges: &[JudgeOffsets],
    at: i64,
) -> Result<CalibrationRecord, PublishError> {
    crate::room_record::publish(dir, |previous| {
        CalibrationRecord::of(contest, judges, previous, at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jury_core::calibration::GroupOffset;
    use jury_core::model::Points;
    use jury_core::tally::Score;

    #[test]
    fn publish_then_read_back_and_bad_files_are_typed() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), CalibrationFile::Absent);
        let judges = [JudgeOffsets {
            judge: "J03".into(),
            works: 2,
            groups: vec![GroupOffset {
                group: "content".into(),
                offset: Score::from_points(Points(600)),
            }],
        }];
        let first = publish(dir.path(), "c", &judges, 5).unwrap();
        assert_eq!(read(dir.path()), CalibrationFile::Published(first.clone()));
        assert_eq!(
            first.judge("J03").unwrap().groups,
            [("content".to_string(), Points(600))]
        );
        assert_eq!(publish(dir.path(), "c", &judges, 6).unwrap().seq, 2);
        std::fs::write(path_in(dir.path()), b"{").unwrap();
        assert!(matches!(read(dir.path()), CalibrationFile::Bad(_)));
        assert!(matches!(
            publish(&dir.path().join("gone"), "c", &judges, 0),
            Err(PublishError::NoFolder { .. })
        ));
    }
}
