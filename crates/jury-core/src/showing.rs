//! "Now showing": which work the meeting room is watching together. The room console (or
//! `jury room show`) publishes it as a small JSON file in the sync folder; every judge TUI
//! that follows the folder selects that work. Pure: parsing with a size cap, and the record
//! itself; reading and writing the file is jury-store's.

use serde::{Deserialize, Serialize};

use crate::room_record::{bad_id, bad_text, BadRecord, RecordFile, RoomRecord};

/// The file's name in the sync folder.
pub const FILE_NAME: &str = "now-showing.json";

/// Largest file read as a now-showing record; anything larger is refused unread (the real
/// one is well under 200 bytes).
pub const MAX_BYTES: u64 = 4096;

/// One published state of the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NowShowing {
    /// The contest's id (`contest.toml` `id`): judges of another contest ignore it.
    pub contest: String,
    /// The work on screen; `None` once the room cleared it.
    pub work: Option<String>,
    /// Grows by one with every publication, so followers tell a new show of the same work
    /// from the old one.
    pub seq: u64,
    /// Unix seconds of the publication.
    pub at: i64,
}

/// Why a now-showing file was not used.
pub type BadShowing = BadRecord;

/// What reading the sync folder's now-showing gave.
pub type Showing = RecordFile<NowShowing>;

impl RoomRecord for NowShowing {
    const FILE_NAME: &'static str = FILE_NAME;
    const MAX_BYTES: u64 = MAX_BYTES;

    fn check(&self) -> Result<(), BadRecord> {
        if bad_id(&self.contest) || self.work.as_deref().is_some_and(bad_id) {
            return Err(bad_text("an id"));
        }
        Ok(())
    }
}

impl NowShowing {
    /// The next publication after `previous` (sequence one higher, or 1).
    pub fn next(previous: Option<&NowShowing>, contest: &str, work: Option<&str>, at: i64) -> Self {
        NowShowing {
            contest: contest.to_string(),
            work: work.map(str::to_string),
            seq: previous.map_or(0, |p| p.seq).saturating_add(1),
            at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_the_sequence_grows() {
        let first = NowShowing::next(None, "cq-2023", Some("012"), 100);
        assert_eq!(first.seq, 1);
        assert_eq!(NowShowing::parse(&first.to_bytes()), Ok(first.clone()));
        let second = NowShowing::next(Some(&first), "cq-2023", None, 101);
        assert_eq!((second.seq, second.work.as_deref()), (2, None));
    }

    #[test]
    fn hostile_files_are_refused_typed() {
        assert!(matches!(
            NowShowing::parse(b"{\"contest\": \"c\""),
            Err(BadShowing::NotJson { .. })
        ));
        assert!(matches!(
            NowShowing::parse(&vec![b' '; MAX_BYTES as usize + 1]),
            Err(BadShowing::TooLarge { bytes: 4097 })
        ));
        let extra = br#"{"contest":"c","work":"1","seq":1,"at":0,"cmd":"rm"}"#;
        assert!(matches!(
            NowShowing::parse(extra),
            Err(BadShowing::NotJson { .. })
        ));
        let escape = br#"{"contest":"c","work":"1\u001b[2J","seq":1,"at":0}"#;
        assert!(matches!(
            NowShowing::parse(escape),
            Err(BadShowing::NotJson { .. })
        ));
        let negative = br#"{"contest":"c","work":"1","seq":-1,"at":0}"#;
        assert!(NowShowing::parse(negative).is_err());
    }
}
