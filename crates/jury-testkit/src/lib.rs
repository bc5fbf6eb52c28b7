//! Contest fixtures for merge tests, benchmarks and fuzzing: a contest folder with a master
//! database, works, judges, an assignment and issued ballots, built directly (without the
//! import/assign/issue commands) so those can change without breaking these tests.

pub mod docx;

use rusqlite::params;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jury_core::model::{Judge, Work};
use jury_store::cipher::sqlite_err;
use jury_store::folder::{ContestFolder, CONTEST_FILE};
use jury_store::master::Master;
use jury_store::{Ballot, BallotInit, BallotKey};

/// The organizer passphrase of fixtures.
pub const ORGANIZER_KEY: &str = "fixture organizer passphrase";

/// Chongqing's 38 districts and counties, as the 2023 call's recommending units.
pub const CHONGQING_DISTRICTS: [&str; 38] = [
    "渝中区",
    "大渡口区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "渝北区",
    "巴南区",
    "两江新区",
    "高新区",
    "万盛经开区",
    "涪陵区",
    "长寿区",
    "江津区",
    "合川区",
    "永川区",
    "南川区",
    "綦江区",
    "大足区",
    "璧山区",
    "铜梁区",
    "潼南区",
    "荣昌区",
    "开州区",
    "梁平区",
    "武隆区",
    "城口县",
    "丰都县",
    "垫江县",
    "忠县",
    "云阳县",
    "奉节县",
    "巫山县",
    "巫溪县",
    "石柱县",
    "秀山县",
    "酉阳县",
];

/// The criterion ids of the 2023 rubric (`jury_core::data::RUBRIC_2023`) in rubric order:
/// theme 30, story 30 | image 15, editing 10, subtitles 5 | creativity 5 | artistry 5. Tests
/// write a judge's sheet as seven steps in this order.
pub const CRITERIA_2023: [&str; 7] = [
    "theme",
    "story",
    "image",
    "editing",
    "subtitles",
    "creativity",
    "artistry",
];

/// A sheet's scores keyed by criterion id, from steps in [`CRITERIA_2023`] order.
pub fn steps_2023(steps: [u32; 7]) -> BTreeMap<String, u32> {
    CRITERIA_2023
        .iter()
        .map(|c| c.to_string())
        .zip(steps)
        .collect()
}

/// One issued ballot of a fixture.
#[derive(Debug, Clone)]
pub struct Issued {
    pub judge_id: String,
    pub ballot_id: String,
    pub key: BallotKey,
    pub path: PathBuf,
    pub works: Vec<String>,
}

pub struct Fixture {
    pub folder: ContestFolder,
    pub master: Master,
    pub ballots: Vec<Issued>,
}

pub fn organizer_key() -> BallotKey {
    BallotKey::parse(ORGANIZER_KEY).expect("fixture key")
}

fn work(i: usize) -> Work {
    Work::numbered(i + 1, format!("作品 {}", i + 1), format!("单位{}", i % 5))
}

/// Builds a contest in `dir` (the 2023 rubric) with `works` works and `judges` judges;
/// judge `j` gets work `w` when `assign(j, w)`. Ballots go to `dir/issued/`.
pub fn build(
    dir: &Path,
    judges: usize,
    works: usize,
    assign: impl Fn(usize, usize) -> bool,
) -> Fixture {
    build_with(dir, judges, works, assign, true)
}

/// As [`build`]; without `files` no ballot files are written (each costs a key derivation),
/// only the master's rows, for benchmarks that bring their own verified ballots.
pub fn build_with(
    dir: &Path,
    judges: usize,
    works: usize,
    assign: impl Fn(usize, usize) -> bool,
    files: bool,
) -> Fixture {
    std::fs::create_dir_all(dir.join("issued")).expect("fixture folder");
    std::fs::write(dir.join(CONTEST_FILE), jury_core::data::CONTEST_2023).expect("contest.toml");
    let folder = ContestFolder::load(dir).expect("fixture contest loads");
    let mut master = Master::create(&folder.master_path(), &organizer_key(), &folder.contest.id)
        .expect("master");
    let all: Vec<Work> = (0..works).map(work).collect();
    let mut ballots = Vec::new();
    for j in 0..judges {
        let judge = Judge {
            id: format!("J{:02}", j + 1),
            name: format!("评委{}", j + 1),
            unit: format!("评委单位{j}"),
            district: "渝中区".into(),
        };
        let mine: Vec<Work> = all
            .iter()
            .enumerate()
            .filter(|(w, _)| assign(j, *w))
            .map(|(_, w)| w.clone())
            .collect();
        let key = BallotKey::generate();
        let ballot_id = format!("ballot-{}", judge.id);
        let file_name = format!("{}-{}.ballot", folder.contest.id, judge.id);
        let path = dir.join("issued").join(&file_name);
        if files {
            Ballot::create(
                &path,
                &key,
                &BallotInit {
                    ballot_id: ballot_id.clone(),
                    contest: folder.contest.clone(),
                    judge: judge.clone(),
                    works: mine.clone(),
                    media_dir: None,
                    assignment_version: 1,
                    sync_dir: None,
                },
            )
            .expect("fixture ballot");
        }
        ballots.push(Issued {
            judge_id: judge.id.clone(),
            ballot_id,
            key,
            path,
            works: mine.iter().map(|w| w.id.clone()).collect(),
        });
        let file_name_row = file_name.clone();
        master
            .write(|tx, p| {
                let err = sqlite_err(p);
                tx.execute(
                    "INSERT INTO judges (id, name, unit) VALUES (?1, ?2, ?3)",
                    params![judge.id, judge.name, judge.unit],
                )
                .map_err(&err)?;
                Ok(())
            })
            .expect("judge row");
        let issued = ballots.last().expect("just pushed").clone();
        master
            .write(|tx, p| {
                let err = sqlite_err(p);
                tx.execute(
                    "INSERT INTO ballots (ballot_id, judge_id, key, file_name, assignment_version, issued_at)
                     VALUES (?1, ?2, ?3, ?4, 1, 0)",
                    params![issued.ballot_id, issued.judge_id, issued.key.secret(), file_name_row],
                )
                .map_err(&err)?;
                Ok(())
            })
            .expect("ballot row");
    }
    master
        .write(|tx, p| {
            let err = sqlite_err(p);
            for w in &all {
                tx.execute(
                    "INSERT INTO works (id, title, unit, district) VALUES (?1, ?2, ?3, ?4)",
                    params![w.id, w.title, w.unit, w.district],
                )
                .map_err(&err)?;
            }
            for b in &ballots {
                for w in &b.works {
                    tx.execute(
                        "INSERT INTO assignments (work_id, judge_id) VALUES (?1, ?2)",
                        params![w, b.judge_id],
                    )
                    .map_err(&err)?;
                }
            }
            Ok(())
        })
        .expect("works and assignments");
    Fixture {
        folder,
        master,
        ballots,
    }
}

/// A judge as tests write it straight into a master: (id, name, unit, district).
pub type JudgeRow<'a> = (&'a str, &'a str, &'a str, &'a str);

/// Inserts `judges` in the caller's master transaction (`Master::write`), for tests that
/// build a master with plain SQL because they are about what reads it, not the importers.
pub fn insert_judges(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    judges: &[JudgeRow<'_>],
) -> jury_store::Result<()> {
    let err = sqlite_err(path);
    for (id, name, unit, district) in judges {
        tx.execute(
            "INSERT INTO judges (id, name, unit, district) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, unit, district],
        )
        .map_err(&err)?;
    }
    Ok(())
}

/// Opens an issued ballot quickly (no per-commit fsync) for filling in tests.
pub fn open_fast(b: &Issued) -> Ballot {
    let ballot = Ballot::open(&b.path, &b.key).expect("open fixture ballot");
    ballot
        .connection()
        .pragma_update(None, "synchronous", "OFF")
        .expect("pragma");
    ballot
}

/// Scores every assigned work on every criterion with values derived from `seed`.
pub fn fill(b: &Issued, contest: &jury_core::model::Contest, seed: u32) -> Ballot {
    let mut ballot = open_fast(b);
    for (i, w) in b.works.iter().enumerate() {
        for (k, c) in contest.rubric.criteria().enumerate() {
            let steps = (seed + i as u32 * 7 + k as u32 * 3) % (c.max_steps() + 1);
            ballot
                .set_score(w, &c.id, Some(steps))
                .expect("fixture score");
        }
    }
    ballot
}

/// Fuzz body: verification of `seed` (a plaintext ballot) mutated by `data`.
pub fn fuzz_verify(seed: &[u8], data: &[u8]) {
    use jury_store::verify::fuzzing::{mutate, verify_plain_bytes};
    let bytes = if data.first() == Some(&0xff) {
        // Raw input as the whole file, too.
        data[1..].to_vec()
    } else {
        mutate(seed, data)
    };
    let _ = verify_plain_bytes(&bytes);
}

/// Fuzz body: the table reader on `data`, written to a temporary file whose extension the
/// first byte chooses (the reader sniffs content, but the name steers its first guess).
pub fn fuzz_import_table(data: &[u8]) {
    let ext = match data.first().map(|b| b % 4) {
        Some(0) => "csv",
        Some(1) => "tsv",
        Some(2) => "xlsx",
        _ => "xls",
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join(format!("form.{ext}"));
    if std::fs::write(&path, data.get(1..).unwrap_or_default()).is_ok() {
        let _ = jury_store::table::read_table(&path);
    }
}

/// Fuzz body: the Word reader on `data`. The first byte chooses how the rest is used: as the
/// whole .docx file (damaged zips), as the text of `word/document.xml` in a valid package
/// (damaged or hostile XML), or as table rows (cells split at `|`, rows at line breaks,
/// with spans and merges) of a well-formed document — the reader must return tables or one
/// error, never panic.
pub fn fuzz_import_docx(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("form.docx");
    let rest = data.get(1..).unwrap_or_default();
    let written = match data.first().map(|b| b % 3) {
        Some(0) => std::fs::write(&path, rest),
        Some(1) => docx::write_package(&path, &String::from_utf8_lossy(rest)),
        _ => {
            let text = String::from_utf8_lossy(rest);
            let rows: Vec<Vec<docx::DocCell>> = text
                .split('\n')
                .map(|line| {
                    line.split('|')
                        .map(|cell| match cell.as_bytes().first() {
                            Some(b'^') => docx::DocCell::merged(),
                            Some(b'+') => docx::DocCell::from(&cell[1..])
                                .span(cell.len() % 5 + 1)
                                .merge_start(),
                            _ => docx::DocCell::from(cell),
                        })
                        .collect()
                })
                .collect();
            docx::Docx::new()
                .para(text.lines().next().unwrap_or_default())
                .table(&rows)
                .write(&path)
        }
    };
    if written.is_ok() {
        if let Ok(tables) = jury_store::table::read_tables(&path) {
            for t in &tables.tables {
                let _ = jury_core::forms::parse_works(t);
            }
        }
    }
}

/// Fuzz body: the one terminal sanitiser (`jury_core::text::safe_line` / `safe_text`) on
/// arbitrary text. Nothing that acts on a terminal comes out (for `safe_text`, line breaks
/// alone), safe text comes out unchanged, nothing is dropped, and `safe_text` keeps exactly
/// the input's line breaks.
pub fn fuzz_safe_line(data: &[u8]) {
    use jury_core::text::{is_unsafe_char, safe_line, safe_text};
    let text = String::from_utf8_lossy(data);
    let line = safe_line(&text);
    let multi = safe_text(&text);
    assert!(!line.chars().any(is_unsafe_char), "{text:?} gave {line:?}");
    assert!(
        !multi.chars().any(|c| is_unsafe_char(c) && c != '\n'),
        "{text:?} gave {multi:?}"
    );
    assert_eq!(multi.matches('\n').count(), text.matches('\n').count());
    if !text.chars().any(is_unsafe_char) {
        assert_eq!(line, text);
    }
    // Each unsafe character becomes a visible escape of at least two characters.
    let unsafe_count = text.chars().filter(|c| is_unsafe_char(*c)).count();
    assert!(line.chars().count() >= text.chars().count() + unsafe_count);
    assert!(line.matches('\\').count() >= text.matches('\\').count() + unsafe_count);
}

/// One ballot's merged state: (id, merged revision, chain head, submitted).
pub type BallotState = (String, u64, Option<String>, bool);

/// Each ballot's merged state, without the merge time.
pub fn ballot_state(m: &Master) -> jury_store::Result<Vec<BallotState>> {
    Ok(m.ballots()?
        .into_iter()
        .map(|b| (b.ballot_id, b.merged_revision, b.merged_head, b.submitted))
        .collect())
}

/// Appends `event` to a ballot opened raw, with a correct hash (anyone holding the key can), as
/// a forger would: what the verifier must catch by meaning, not by the chain.
pub fn forge_event(conn: &rusqlite::Connection, event: &jury_core::chain::Event) {
    use rusqlite::params;
    let (rev, head): (i64, String) = conn
        .query_row("SELECT revision, chain_head FROM state", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let payload = serde_json::to_string(event).unwrap();
    let seq = rev + 1;
    let hash = jury_core::chain::event_hash(&head, seq, 1, &payload);
    conn.execute(
        "INSERT INTO events (seq, at, kind, payload, prev_hash, hash) VALUES (?1, 1, ?2, ?3, ?4, ?5)",
        params![seq, event.kind(), payload, head, hash],
    )
    .unwrap();
    conn.execute(
        "UPDATE state SET revision = ?1, chain_head = ?2",
        params![seq, hash],
    )
    .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2023_criteria_are_the_rubrics_in_its_order() {
        let contest = jury_core::data::contest_template("cq-2023-short-video").unwrap();
        let ids: Vec<&str> = contest.rubric.criteria().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, CRITERIA_2023);
        let scores = steps_2023([1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(scores.len(), 7);
        assert_eq!(scores["theme"], 1);
        assert_eq!(scores["artistry"], 7);
    }
}
