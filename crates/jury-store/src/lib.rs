//! SQLCipher storage: opening encrypted files safely, the judge's ballot file, and the
//! organizer's master database.

pub mod ballot;
pub mod calibration;
pub mod cipher;
pub mod docx;
pub mod folder;
pub mod guard;
pub mod intake;
pub mod master;
pub mod merge;
pub mod overview;
pub mod room_record;
pub mod showing;
pub mod signoff;
pub mod snapshot;
pub mod table;
pub mod tasks;
pub mod verify;
pub mod zipcheck;

/// The ballot's event chain and card keys are pure and live in jury-core; re-exported here
/// because every store caller needs them beside the files.
pub use jury_core::{chain, key};

pub use ballot::{Ballot, BallotData, BallotInit, BallotNotes, Commit, Progress};
pub use key::BallotKey;

use std::path::PathBuf;

/// Everything that can go wrong with an encrypted jury file, phrased for the person at the
/// keyboard: what happened, to which file, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: wrong key, or not a jury file (check the key card and the file name)")]
    WrongKey { path: PathBuf },
    #[error("this jury build links plain SQLite instead of SQLCipher, so files would not be encrypted; rebuild with rusqlite's bundled-sqlcipher feature")]
    NotSqlCipher,
    #[error("{path}: no such file (check the path)")]
    NotFound { path: PathBuf },
    #[error("{path}: already exists; choose another name or remove it first")]
    Exists { path: PathBuf },
    #[error("{path}: not a regular file (a folder, pipe or device); name the jury file itself")]
    NotAFile { path: PathBuf },
    #[error("{path}: the file is empty (0 bytes), perhaps an interrupted copy; copy it again")]
    Empty { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: this is a jury file of format {found}, this build reads format {expected}; update jury")]
    Format {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{}", sqlite_message(.path, .source))]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{path}: stored contest data is unreadable: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("score {steps} for criterion `{criterion}` is out of range 0–{max_steps}; nothing was saved")]
    OutOfRange {
        criterion: String,
        steps: u32,
        max_steps: u32,
    },
    #[error("no work `{0}` on this ballot")]
    UnknownWork(String),
    #[error("no criterion `{0}` in this rubric")]
    UnknownCriterion(String),
    #[error("work `{0}` is recused; withdraw the recusal before scoring it")]
    Recused(String),
    #[error("a recusal needs a reason")]
    EmptyReason,
    #[error("work `{work}`, criterion `{criterion}`: changing a submitted score needs a reason; nothing was saved")]
    RevisionNeedsReason { work: String, criterion: String },
    #[error("`{0}` is not a results fingerprint (64 hex digits); nothing was saved")]
    BadFingerprint(String),
    #[error("the ballot is submitted and read-only; reopen it to change anything")]
    Submitted,
    #[error("the ballot is not submitted, so there is nothing to reopen")]
    NotSubmitted,
    #[error("{path}: event log broken at event {seq}: {why}")]
    Chain {
        path: PathBuf,
        seq: i64,
        why: String,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// `path: SQLite's reason`, without the path a second time when SQLite's message (open
/// errors) already ends with it.
fn sqlite_message(path: &std::path::Path, source: &rusqlite::Error) -> String {
    let shown = path.display().to_string();
    let reason = source.to_string();
    let reason = reason
        .strip_suffix(shown.as_str())
        .map_or(reason.as_str(), |r| r.trim_end_matches([':', ' ']));
    let advice = match source.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            "; the file is damaged, restore it from a backup copy"
        }
        _ => "",
    };
    format!("{shown}: {reason}{advice}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32, message: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(message.into()))
    }

    #[test]
    fn sqlite_errors_name_the_file_once_and_say_what_to_do_when_damaged() {
        let path = PathBuf::from("/c/master.jury");
        let open = StoreError::Sqlite {
            path: path.clone(),
            source: failure(
                rusqlite::ffi::SQLITE_CANTOPEN,
                "unable to open database file: /c/master.jury",
            ),
        };
        assert_eq!(
            open.to_string(),
            "/c/master.jury: unable to open database file"
        );
        let corrupt = StoreError::Sqlite {
            path,
            source: failure(
                rusqlite::ffi::SQLITE_CORRUPT,
                "database disk image is malformed",
            ),
        };
        assert!(
            corrupt
                .to_string()
                .ends_with("restore it from a backup copy"),
            "{corrupt}"
        );
    }
}
