//! A contest is a folder: contest.toml, the rubric it names, the master database and a media
//! folder. Commands find it from `--contest DIR` or the current directory (and its parents).

use std::path::{Path, PathBuf};

use crate::master::{Master, MASTER_FILE};
use crate::{BallotKey, StoreError};
use jury_core::model::{Contest, DataError, Rubric};

pub const CONTEST_FILE: &str = "contest.toml";
pub const MEDIA_DIR: &str = "media";

#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error(
        "no contest.toml in {0} or its parents; run `jury init DIR` first or pass --contest DIR"
    )]
    NotFound(PathBuf),
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: the master database belongs to contest `{found}`, but contest.toml says `{expected}`; check --contest")]
    OtherContest {
        path: PathBuf,
        found: String,
        expected: String,
    },
}

/// A contest folder with its parsed contest definition.
#[derive(Debug, Clone)]
pub struct ContestFolder {
    pub dir: PathBuf,
    pub contest: Contest,
}

impl ContestFolder {
    /// `explicit` (from --contest) or the nearest folder upwards from `cwd` holding contest.toml.
    pub fn find(explicit: Option<&Path>, cwd: &Path) -> Result<ContestFolder, FolderError> {
        let dir = match explicit {
            Some(dir) => {
                if !dir.join(CONTEST_FILE).is_file() {
                    return Err(FolderError::NotFound(dir.to_path_buf()));
                }
                dir.to_path_buf()
            }
            None => cwd
                .ancestors()
                .find(|d| d.join(CONTEST_FILE).is_file())
                .map(Path::to_path_buf)
                .ok_or_else(|| FolderError::NotFound(cwd.to_path_buf()))?,
        };
        ContestFolder::load(&dir)
    }

    /// Parses `dir/contest.toml`; its `rubric = "NAME"` is `NAME` or `NAME.toml` in the folder
    /// (or its rubrics/ subfolder), else a rubric shipped with jury.
    pub fn load(dir: &Path) -> Result<ContestFolder, FolderError> {
        let path = dir.join(CONTEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| FolderError::Read {
            path: path.clone(),
            source,
        })?;
        let contest = Contest::from_toml(&path.display().to_string(), &text, |name| {
            load_rubric(dir, name)
        })?;
        Ok(ContestFolder {
            dir: dir.to_path_buf(),
            contest,
        })
    }

    pub fn master_path(&self) -> PathBuf {
        self.dir.join(MASTER_FILE)
    }

    pub fn media_dir(&self) -> PathBuf {
        self.dir.join(MEDIA_DIR)
    }

    /// Opens the master database and checks it belongs to this contest.
    pub fn open_master(&self, key: &BallotKey) -> Result<Master, FolderError> {
        let master = Master::open(&self.master_path(), key)?;
        let found = master.contest_id()?;
        if found != self.contest.id {
            return Err(FolderError::OtherContest {
                path: self.master_path(),
                found,
                expected: self.contest.id.clone(),
            });
        }
        Ok(master)
    }
}

fn load_rubric(dir: &Path, name: &str) -> Result<Rubric, DataError> {
    let candidates = [
        dir.join(name),
        dir.join(format!("{name}.toml")),
        dir.join("rubrics").join(format!("{name}.toml")),
    ];
    for candidate in candidates {
        if candidate.is_file() {
            let file = candidate.display().to_string();
            let text = std::fs::read_to_string(&candidate)
                .map_err(|e| DataError::new(&file, 1, "rubric", format!("cannot read: {e}")))?;
            return Rubric::from_toml(&file, &text);
        }
    }
    jury_core::data::rubric(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_folder_upwards_and_prefers_the_local_rubric() {
        let dir = tempfile::tempdir().unwrap();
        let contest = jury_core::data::CONTEST_2023.replace(
            "rubric = \"cq-2023-short-video\"",
            "rubric = \"rubric.toml\"",
        );
        std::fs::write(dir.path().join(CONTEST_FILE), contest).unwrap();
        std::fs::write(dir.path().join("rubric.toml"), jury_core::data::RUBRIC_2023).unwrap();
        let sub = dir.path().join("forms/2023");
        std::fs::create_dir_all(&sub).unwrap();
        let folder = ContestFolder::find(None, &sub).unwrap();
        assert_eq!(folder.dir, dir.path());
        assert_eq!(folder.contest.id, "cq-2023-short-video");
        assert_eq!(
            folder.contest.rubric.max_total(),
            jury_core::model::Points::whole(100)
        );
    }

    #[test]
    fn a_missing_rubric_file_is_reported_at_contest_toml_where_it_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let contest = jury_core::data::CONTEST_2023.replace(
            "rubric = \"cq-2023-short-video\"",
            "rubric = \"rubric.toml\"",
        );
        let line = contest
            .lines()
            .position(|l| l.starts_with("rubric ="))
            .unwrap()
            + 1;
        std::fs::write(dir.path().join(CONTEST_FILE), contest).unwrap();
        let Err(FolderError::Data(e)) = ContestFolder::load(dir.path()) else {
            panic!("expected a data error");
        };
        assert!(e.file.ends_with(CONTEST_FILE), "{e}");
        assert_eq!((e.line, e.field.as_str()), (line, "rubric"), "{e}");
        assert!(e.message.contains("`rubric.toml`"), "{e}");
    }

    #[test]
    fn a_missing_folder_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let err = ContestFolder::find(None, dir.path()).unwrap_err();
        assert!(err.to_string().contains("jury init"), "{err}");
    }
}
