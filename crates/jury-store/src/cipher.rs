//! Opening SQLCipher files. Every encrypted file in jury goes through `open_encrypted`, which
//! refuses to run on plain SQLite, silences SQLCipher's stderr logging (it would draw over
//! the TUI) and proves the key with a first read.

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use super::{Result, StoreError};
use jury_core::key::BallotKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create a new file; fails if it exists.
    Create,
    ReadWrite,
    ReadOnly,
}

/// SQLCipher's version string; an error means this build would write plaintext.
pub fn cipher_version(conn: &Connection) -> Result<String> {
    let version: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .optional()
        .map_err(|_| StoreError::NotSqlCipher)?;
    version
        .filter(|v| !v.is_empty())
        .ok_or(StoreError::NotSqlCipher)
}

pub fn sqlite_err(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

/// Every row of a parameterless query on the database at `path`, mapped by `map`.
pub fn query_all<T>(
    conn: &rusqlite::Connection,
    path: &Path,
    sql: &str,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let err = sqlite_err(path);
    let mut stmt = conn.prepare(sql).map_err(&err)?;
    let rows = stmt.query_map([], map).map_err(&err)?;
    rows.collect::<rusqlite::Result<Vec<T>>>().map_err(&err)
}

/// Held while a connection is keyed and its key proven by the first read. OpenSSL 3.0's
/// first fetch of an algorithm can fail when threads race to fill its method cache
/// (openssl/openssl#13682, #17633); SQLCipher then answers `PRAGMA key` with "An error
/// occurred with PRAGMA key or rekey", which a CI run hit with tests keying in parallel.
/// Keying is cheap for card keys, so one connection at a time costs little.
pub fn keying_lock() -> MutexGuard<'static, ()> {
    static KEYING: Mutex<()> = Mutex::new(());
    KEYING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn open_encrypted(path: &Path, key: &BallotKey, mode: OpenMode) -> Result<Connection> {
    // Checked before SQLite sees the path: opening a pipe would block, and SQLite would turn
    // an empty file into a new database.
    match (mode, std::fs::metadata(path)) {
        (OpenMode::Create, Ok(_)) => return Err(StoreError::Exists { path: path.into() }),
        (OpenMode::Create, Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
        (_, Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::NotFound { path: path.into() })
        }
        (_, Err(source)) => {
            return Err(StoreError::Io {
                path: path.into(),
                source,
            })
        }
        (_, Ok(meta)) if !meta.is_file() => return Err(StoreError::NotAFile { path: path.into() }),
        (_, Ok(meta)) if meta.len() == 0 => return Err(StoreError::Empty { path: path.into() }),
        _ => {}
    }
    let flags = match mode {
        OpenMode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        OpenMode::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
        OpenMode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let err = sqlite_err(path);
    let conn = Connection::open_with_flags(path, flags).map_err(&err)?;
    cipher_version(&conn)?;
    // Must come before the key: a wrong key otherwise prints "hmac check failed" on stderr.
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .optional()
        .map_err(&err)?;
    let _keying = keying_lock();
    conn.pragma_update(None, "key", key.sqlcipher_key())
        .map_err(&err)?;
    if mode == OpenMode::Create {
        // SQLCipher derives the key and encrypts at the first page written; on a new file
        // that is this header write, kept under the lock like the first read of an old one.
        conn.pragma_update(None, "user_version", 0).map_err(&err)?;
    }
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(conn),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            Err(StoreError::WrongKey { path: path.into() })
        }
        Err(e) => Err(err(e)),
    }
}

/// Durable-write settings: each COMMIT reaches the disk before it returns.
pub fn set_durable(conn: &Connection, path: &Path) -> Result<()> {
    let err = sqlite_err(path);
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
        .map_err(&err)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(&err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(&err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlcipher_is_linked() {
        let conn = Connection::open_in_memory().unwrap();
        let v = cipher_version(&conn).unwrap();
        assert!(v.starts_with('4'), "SQLCipher {v}");
    }

    #[test]
    fn wrong_key_is_a_typed_error_and_file_is_not_plain_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let key = BallotKey::generate();
        let conn = open_encrypted(&path, &key, OpenMode::Create).unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (42);")
            .unwrap();
        drop(conn);
        let head = std::fs::read(&path).unwrap();
        assert_ne!(&head[..16], b"SQLite format 3\0");
        let wrong = BallotKey::generate();
        assert!(matches!(
            open_encrypted(&path, &wrong, OpenMode::ReadOnly),
            Err(StoreError::WrongKey { .. })
        ));
        let conn = open_encrypted(&path, &key, OpenMode::ReadOnly).unwrap();
        let x: i64 = conn.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(x, 42);
    }

    #[test]
    fn missing_and_existing_files_are_refused_by_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.db");
        let key = BallotKey::generate();
        assert!(matches!(
            open_encrypted(&path, &key, OpenMode::ReadWrite),
            Err(StoreError::NotFound { .. })
        ));
        std::fs::write(&path, b"").unwrap();
        assert!(matches!(
            open_encrypted(&path, &key, OpenMode::Create),
            Err(StoreError::Exists { .. })
        ));
    }

    #[test]
    fn a_created_file_is_keyed_and_written_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.jury");
        let key = BallotKey::generate();
        drop(open_encrypted(&path, &key, OpenMode::Create).unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() >= 1024, "{} bytes", bytes.len());
        assert_ne!(&bytes[..16], b"SQLite format 3\0");
        assert!(open_encrypted(&path, &key, OpenMode::ReadOnly).is_ok());
    }

    #[test]
    fn empty_files_and_folders_are_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let key = BallotKey::generate();
        let empty = dir.path().join("empty.jury");
        std::fs::write(&empty, b"").unwrap();
        for mode in [OpenMode::ReadWrite, OpenMode::ReadOnly] {
            assert!(matches!(
                open_encrypted(&empty, &key, mode),
                Err(StoreError::Empty { .. })
            ));
        }
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "not grown");
        assert!(matches!(
            open_encrypted(dir.path(), &key, OpenMode::ReadWrite),
            Err(StoreError::NotAFile { .. })
        ));
    }
}
