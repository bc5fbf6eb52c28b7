//! File identity and lookup: a judge must watch exactly the file the organizer received.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of a file's contents, read in 1 MiB chunks (constant memory).
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Whether a media file is there and is the one the ballot expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaCheck {
    Ok,
    Missing,
    /// The file's SHA-256 differs from the one recorded by the organizer (both lower-case hex).
    Modified {
        expected: String,
        actual: String,
    },
    /// The file exists but cannot be read (the reason, from the operating system).
    Unreadable(String),
}

impl MediaCheck {
    pub fn is_ok(&self) -> bool {
        matches!(self, MediaCheck::Ok)
    }
}

/// Checks that `path` is a readable file and, when `expected_sha` is given, that its SHA-256
/// matches (case-insensitively). Hashing reads the whole file: callers should cache the result
/// per session rather than check before every play.
pub fn check_media(path: &Path, expected_sha: Option<&str>) -> MediaCheck {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return MediaCheck::Missing,
        Err(e) => return MediaCheck::Unreadable(e.to_string()),
        Ok(m) if m.is_dir() => {
            return MediaCheck::Unreadable(format!("{} is a folder", path.display()))
        }
        Ok(_) => {}
    }
    let Some(expected) = expected_sha else {
        return match File::open(path) {
            Ok(_) => MediaCheck::Ok,
            Err(e) if e.kind() == io::ErrorKind::NotFound => MediaCheck::Missing,
            Err(e) => MediaCheck::Unreadable(e.to_string()),
        };
    };
    match sha256_file(path) {
        Ok(actual) if actual.eq_ignore_ascii_case(expected.trim()) => MediaCheck::Ok,
        Ok(actual) => MediaCheck::Modified {
            expected: expected.trim().to_ascii_lowercase(),
            actual,
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => MediaCheck::Missing,
        Err(e) => MediaCheck::Unreadable(e.to_string()),
    }
}

/// The first of `candidates` (folders, in order of preference) that holds a regular file named
/// `file_name`. A name with a path separator, `..`, `.` or a NUL is refused (returns `None`), so a
/// ballot cannot point the player outside the media folders.
pub fn locate(file_name: &str, candidates: &[PathBuf]) -> Option<PathBuf> {
    if !is_plain_file_name(file_name) {
        return None;
    }
    candidates
        .iter()
        .map(|dir| dir.join(file_name))
        .find(|p| p.is_file())
}

fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !(name.len() >= 2 && name.as_bytes()[1] == b':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    // SHA-256 test vectors from FIPS 180-2.
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn sha256_matches_known_vectors_and_spans_buffers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        std::fs::write(&p, b"abc").unwrap();
        assert_eq!(sha256_file(&p).unwrap(), ABC);
        std::fs::write(&p, b"").unwrap();
        assert_eq!(sha256_file(&p).unwrap(), EMPTY);
        // Larger than the read buffer: same digest as hashing in one go.
        let big: Vec<u8> = (0..(3 << 20) + 17).map(|i| (i % 251) as u8).collect();
        std::fs::File::create(&p).unwrap().write_all(&big).unwrap();
        assert_eq!(sha256_file(&p).unwrap(), hex::encode(Sha256::digest(&big)));
    }

    #[test]
    fn check_reports_ok_missing_modified() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.mp4");
        assert_eq!(check_media(&p, Some(ABC)), MediaCheck::Missing);
        std::fs::write(&p, b"abc").unwrap();
        assert_eq!(check_media(&p, Some(ABC)), MediaCheck::Ok);
        assert_eq!(check_media(&p, Some(&ABC.to_uppercase())), MediaCheck::Ok);
        assert_eq!(check_media(&p, None), MediaCheck::Ok);
        std::fs::write(&p, b"abd").unwrap();
        match check_media(&p, Some(ABC)) {
            MediaCheck::Modified { expected, actual } => {
                assert_eq!(expected, ABC);
                assert_ne!(actual, ABC);
                assert_eq!(actual.len(), 64);
            }
            other => panic!("expected Modified, got {other:?}"),
        }
        assert!(matches!(
            check_media(dir.path(), None),
            MediaCheck::Unreadable(_)
        ));
    }

    #[test]
    fn locate_takes_first_folder_holding_the_file_and_refuses_paths() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        std::fs::write(b.path().join("001.mp4"), b"x").unwrap();
        std::fs::write(a.path().join("002.mp4"), b"x").unwrap();
        std::fs::write(b.path().join("002.mp4"), b"x").unwrap();
        std::fs::create_dir(a.path().join("003.mp4")).unwrap();
        std::fs::write(b.path().join("003.mp4"), b"x").unwrap();
        let dirs = [a.path().to_path_buf(), b.path().to_path_buf()];
        assert_eq!(locate("001.mp4", &dirs), Some(b.path().join("001.mp4")));
        assert_eq!(locate("002.mp4", &dirs), Some(a.path().join("002.mp4")));
        // A folder of that name is not a media file.
        assert_eq!(locate("003.mp4", &dirs), Some(b.path().join("003.mp4")));
        assert_eq!(locate("004.mp4", &dirs), None);
        for bad in [
            "",
            ".",
            "..",
            "../001.mp4",
            "sub/001.mp4",
            "..\\001.mp4",
            "C:001.mp4",
        ] {
            assert_eq!(locate(bad, &dirs), None, "{bad:?}");
        }
        // Absolute paths are refused even if the file exists.
        let abs = b.path().join("001.mp4");
        assert_eq!(locate(abs.to_str().unwrap(), &dirs), None);
    }
}
