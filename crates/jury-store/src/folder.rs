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

// ---------------------------------------------------------------------------------------
// Video folders (`jury media match`)

/// File extensions taken for videos when walking a folder (lower case). Anything else
/// (forms, photos, notes) is counted, not listed.
pub const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "wmv", "flv", "mpg", "mpeg", "ts", "mts", "m2ts",
    "3gp",
];
/// Files and folders visited under the folders given, at most. A contest's videos are a few
/// hundred (38 districts × 5 works); 5,000 entries is a folder of something else (a home
/// folder, a whole disk) and walking on would take long and list nonsense.
pub const MAX_WALK_ENTRIES: usize = 5_000;
/// Folder depth walked below a folder given: district/unit/work is three levels.
pub const MAX_WALK_DEPTH: usize = 8;

/// A video folder walked: the video files found (path, the folder names between the root
/// and the file), and what was passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walked {
    pub videos: Vec<(PathBuf, Vec<String>)>,
    /// Regular files that are no video by their extension.
    pub other_files: usize,
    /// Symbolic links, sockets, hidden entries, and folders deeper than [`MAX_WALK_DEPTH`].
    pub passed_over: usize,
}

/// Why a video folder cannot be walked.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{path}: cannot read the folder: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: not a folder; name the folder that holds the videos")]
    NotAFolder(PathBuf),
    /// More than [`MAX_WALK_ENTRIES`] entries: stopped there.
    #[error("{path}: more than {limit} files and folders under it (limit); this is not a folder of contest videos — name the folder that holds the videos (nothing was changed)")]
    TooMany { path: PathBuf, limit: usize },
}

/// Walks the folders given (recursively, not following symbolic links, hidden entries left
/// out), in name order, stopping with [`WalkError::TooMany`] past [`MAX_WALK_ENTRIES`].
pub fn walk_videos(roots: &[PathBuf]) -> Result<Walked, WalkError> {
    let mut out = Walked::default();
    let mut seen = 0usize;
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|source| WalkError::Read {
            path: root.clone(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(WalkError::NotAFolder(root.clone()));
        }
        let mut stack: Vec<(PathBuf, Vec<String>)> = vec![(root.clone(), Vec::new())];
        while let Some((dir, folders)) = stack.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|source| WalkError::Read {
                path: dir.clone(),
                source,
            })?;
            let mut here: Vec<std::fs::DirEntry> = Vec::new();
            for e in entries {
                let e = e.map_err(|source| WalkError::Read {
                    path: dir.clone(),
                    source,
                })?;
                seen += 1;
                if seen > MAX_WALK_ENTRIES {
                    return Err(WalkError::TooMany {
                        path: root.clone(),
                        limit: MAX_WALK_ENTRIES,
                    });
                }
                here.push(e);
            }
            here.sort_by_key(|e| e.file_name());
            let mut subdirs = Vec::new();
            for e in here {
                let name = e.file_name().to_string_lossy().into_owned();
                let Ok(kind) = e.file_type() else {
                    out.passed_over += 1;
                    continue;
                };
                if name.starts_with('.') || kind.is_symlink() {
                    out.passed_over += 1;
                } else if kind.is_dir() {
                    if folders.len() + 1 > MAX_WALK_DEPTH {
                        out.passed_over += 1;
                    } else {
                        let mut f = folders.clone();
                        f.push(name);
                        subdirs.push((e.path(), f));
                    }
                } else if kind.is_file() {
                    let ext = Path::new(&name)
                        .extension()
                        .and_then(|x| x.to_str())
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    if VIDEO_EXTENSIONS.contains(&ext.as_str()) {
                        out.videos.push((e.path(), folders.clone()));
                    } else {
                        out.other_files += 1;
                    }
                } else {
                    out.passed_over += 1;
                }
            }
            // Depth first, in name order.
            stack.extend(subdirs.into_iter().rev());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod walk_tests {
    use super::*;

    #[test]
    fn nested_folders_are_walked_in_order_and_a_huge_one_stops_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("渝中区/重庆大学")).unwrap();
        std::fs::write(d.join("渝中区/重庆大学/追光者.MP4"), b"x").unwrap();
        std::fs::write(d.join("渝中区/1.mp4"), b"x").unwrap();
        std::fs::write(d.join("渝中区/推荐表.xlsx"), b"x").unwrap();
        std::fs::write(d.join(".hidden.mp4"), b"x").unwrap();
        let w = walk_videos(&[d.to_path_buf()]).unwrap();
        let names: Vec<(String, Vec<String>)> = w
            .videos
            .iter()
            .map(|(p, f)| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    f.clone(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("1.mp4".to_string(), vec!["渝中区".to_string()]),
                (
                    "追光者.MP4".to_string(),
                    vec!["渝中区".to_string(), "重庆大学".to_string()]
                ),
            ]
        );
        assert_eq!((w.other_files, w.passed_over), (1, 1));

        let big = d.join("big");
        std::fs::create_dir(&big).unwrap();
        for i in 0..=MAX_WALK_ENTRIES {
            std::fs::write(big.join(format!("{i}.txt")), b"").unwrap();
        }
        let e = walk_videos(&[big]).unwrap_err();
        assert!(matches!(e, WalkError::TooMany { .. }), "{e}");
    }
}
