//! The demo contest: the 2023 rubric, four tiny sample videos and one ballot with a fixed,
//! printed key, created in the user's data dir (or a chosen folder) and reused on later runs
//! so that scores survive a restart.

use std::path::{Path, PathBuf};

use jury_core::chain::sha256_hex;
use jury_core::data;
use jury_core::model::{DataError, Judge, Work};
use jury_store::{Ballot, BallotInit, BallotKey, StoreError};

/// The demo ballot's key (a valid card key, published on purpose).
pub const DEMO_KEY: &str = "JVRYD-EM0KE-Y2023-CQ000-00001";
pub const DEMO_BALLOT: &str = "cq-2023-short-video-demo.ballot";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{path}: cannot write the demo files: {source} (choose another folder with --dir)")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Data(#[from] DataError),
}

fn demo_judge() -> Judge {
    jury_core::sample::sample_judge()
}

pub fn demo_key() -> BallotKey {
    BallotKey::parse(DEMO_KEY).expect("demo key is a valid card key")
}

/// Where the demo lives unless `--dir` says otherwise.
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "jury")
        .map(|d| d.data_local_dir().join("demo"))
        .unwrap_or_else(|| std::env::temp_dir().join("jury-demo"))
}

/// Makes sure the demo folder holds the sample videos and a ballot; returns the ballot path.
/// An existing ballot is kept (with its scores) unless `fresh`.
pub fn ensure(dir: &Path, fresh: bool) -> Result<PathBuf, DemoError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DemoError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for w in &DEMO_WORKS {
        let path = dir.join(w.file);
        let current = std::fs::read(&path).ok();
        if current.as_deref() != Some(w.bytes) {
            std::fs::write(&path, w.bytes).map_err(io(&path))?;
        }
    }
    let ballot = dir.join(DEMO_BALLOT);
    // A demo ballot that the demo key no longer opens was made by an older jury (keys were
    // stretched with PBKDF2 before format 1 settled on raw card keys): start it over.
    let stale = !fresh
        && ballot.exists()
        && matches!(
            Ballot::open(&ballot, &demo_key()),
            Err(jury_store::StoreError::WrongKey { .. })
        );
    if fresh || stale {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", ballot.display()));
            if p.exists() {
                std::fs::remove_file(&p).map_err(io(&p))?;
            }
        }
    }
    if !ballot.exists() {
        Ballot::create(&ballot, &demo_key(), &init(dir)?)?;
    }
    Ok(ballot)
}

fn init(dir: &Path) -> Result<BallotInit, DataError> {
    let contest = data::contest_template("cq-2023-short-video")?;
    let works = DEMO_WORKS
        .iter()
        .map(|w| {
            // The organizer's probe, as `jury probe` would record it (skipped without libmpv).
            let assessment = jury_media::assess(&dir.join(w.file), &contest.media);
            let probed = assessment.info.is_some();
            (
                w,
                probed.then(|| {
                    crate::commands::compliance::assessment_note(&assessment, contest.language)
                }),
                probed.then(|| crate::commands::compliance::assessment_findings(&assessment)),
                assessment.info.and_then(|i| i.duration_ms),
            )
        })
        .map(|(w, probe_note, probe_findings, duration_ms)| Work {
            id: w.id.into(),
            title: w.title.into(),
            unit: w.unit.into(),
            district: w.district.into(),
            media_file: w.file.into(),
            media_sha256: Some(sha256_hex(w.bytes)),
            probe_note,
            probe_findings,
            duration_ms,
        })
        .collect();
    Ok(BallotInit {
        ballot_id: "demo-ballot-0001".into(),
        contest,
        judge: demo_judge(),
        works,
        media_dir: Some(dir.display().to_string()),
        assignment_version: 0,
        sync_dir: None,
    })
}

/// Demo works: (number, title, unit, district, clip file name, clip bytes).
pub struct DemoWork {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
    pub district: &'static str,
    pub file: &'static str,
    pub bytes: &'static [u8],
}

pub const DEMO_WORKS: [DemoWork; 4] = [
    DemoWork {
        id: "001",
        title: "稻田里的守望者：袁隆平团队的一天",
        unit: "重庆市农业科学院",
        district: "九龙坡区",
        file: "001-rice.mp4",
        bytes: include_bytes!("../data/demo/media/001-rice.mp4"),
    },
    DemoWork {
        id: "002",
        title: "Quantum Dots in a Chongqing Lab",
        unit: "Chongqing University",
        district: "沙坪坝区",
        file: "002-quantum.mp4",
        bytes: include_bytes!("../data/demo/media/002-quantum.mp4"),
    },
    DemoWork {
        id: "003",
        title: "桥都匠心——山城桥梁里的科学家精神",
        unit: "重庆交通大学",
        district: "南岸区",
        file: "003-bridges.mp4",
        bytes: include_bytes!("../data/demo/media/003-bridges.mp4"),
    },
    DemoWork {
        id: "004",
        title: "深夜实验室：一位青年研究员的求实之路",
        unit: "中国科学院重庆绿色智能技术研究院",
        district: "北碚区",
        file: "004-night-lab.mp4",
        bytes: include_bytes!("../data/demo/media/004-night-lab.mp4"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_ballot_the_demo_key_cannot_open_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DEMO_BALLOT);
        let other = jury_store::BallotKey::parse("an older build's key").unwrap();
        Ballot::create(&path, &other, &init(dir.path()).unwrap()).unwrap();
        let again = ensure(dir.path(), false).unwrap();
        assert!(Ballot::open(&again, &demo_key()).is_ok());
    }

    #[test]
    fn demo_is_created_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = ensure(dir.path(), false).unwrap();
        let mut b = Ballot::open(&path, &demo_key()).unwrap();
        b.set_score("001", "theme", Some(20)).unwrap();
        drop(b);
        let again = ensure(dir.path(), false).unwrap();
        let data = Ballot::open(&again, &demo_key()).unwrap().load().unwrap();
        assert_eq!(data.score("001", "theme"), Some(20));
        assert_eq!(data.works.len(), 4);
        assert!(dir.path().join("001-rice.mp4").exists());
        let fresh = ensure(dir.path(), true).unwrap();
        let data = Ballot::open(&fresh, &demo_key()).unwrap().load().unwrap();
        assert_eq!(data.score("001", "theme"), None);
    }
}
