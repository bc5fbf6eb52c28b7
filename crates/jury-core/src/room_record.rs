//! The small JSON records the organizer publishes into the sync folder for every judge's TUI
//! to follow: now-showing ([`crate::showing`]), the calibration offsets
//! ([`crate::calibration`]) and the sign-off ([`crate::signoff`]). One shape for all three:
//! a file name, a size cap, parsing that refuses anything but the record (and whatever the
//! JSON alone cannot check), and one typed outcome of reading. The file itself is jury-store's
//! (`jury_store::room_record`).

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a record file in the sync folder was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadRecord {
    /// Larger than the record's cap.
    TooLarge { bytes: u64 },
    /// Not a regular file (a folder, pipe or device stands under the name).
    NotAFile,
    /// Not the JSON of the record (truncated, hand-edited, another program's file).
    NotJson { detail: String },
    /// A sign-off whose fingerprint is not its lines' own (edited by hand).
    Fingerprint,
    /// The file could not be read.
    Unreadable { detail: String },
}

/// What reading one record file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordFile<T> {
    /// No file: nothing published yet.
    Absent,
    Published(T),
    Bad(BadRecord),
}

impl<T> RecordFile<T> {
    /// The record, if one was published and read well.
    pub fn published(self) -> Option<T> {
        match self {
            RecordFile::Published(t) => Some(t),
            _ => None,
        }
    }
}

/// A record published into the sync folder.
pub trait RoomRecord: Serialize + DeserializeOwned {
    /// The file's name in the sync folder.
    const FILE_NAME: &'static str;
    /// Largest file read as this record; anything larger is refused unread.
    const MAX_BYTES: u64;

    /// What the JSON alone cannot check: ids without control characters, a fingerprint.
    fn check(&self) -> Result<(), BadRecord>;

    /// Parses the file's bytes: at most [`Self::MAX_BYTES`], JSON of this record only, then
    /// [`Self::check`].
    fn parse(bytes: &[u8]) -> Result<Self, BadRecord> {
        if bytes.len() as u64 > Self::MAX_BYTES {
            return Err(BadRecord::TooLarge {
                bytes: bytes.len() as u64,
            });
        }
        let record: Self = serde_json::from_slice(bytes).map_err(|e| BadRecord::NotJson {
            detail: e.to_string(),
        })?;
        record.check()?;
        Ok(record)
    }

    /// The file's bytes (pretty JSON and a newline: readable in a text editor).
    fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// An id a record may carry: not empty, no control characters.
pub fn bad_id(s: &str) -> bool {
    s.is_empty() || s.chars().any(char::is_control)
}

/// The refusal of a record with an empty id or a control character where a screen shows it.
pub fn bad_text(what: &str) -> BadRecord {
    BadRecord::NotJson {
        detail: format!("empty id or control character in {what}"),
    }
}
