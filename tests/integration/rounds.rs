//! Rounds, blind judging and rulings through the real binary: a 40-work contest with 初评
//! (3 judges per work) and 终评 (top 12, 5 judges each), blind; ballots filled through the
//! store as a judge's TUI would; merge, advance, rulings and results in CSV, XLSX and HTML.
//! Also: a single-round master of the previous schema opens and gives the same results.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use jury_store::cipher::sqlite_err;
use jury_store::folder::ContestFolder;
use jury_store::master::{BallotRecord, Master};
use jury_store::{Ballot, BallotKey};

use crate::helpers::stdout_ok as ok;

const PASS: &str = "rounds organizer passphrase";
const WORKS: usize = 40;
const JUDGES: usize = 10;

/// The README's example: 初评 (3 per work), then 终评 (top 12, 5 each).
const ROUNDS: &str = jury_core::data::TWO_ROUNDS;

fn jury(dir: &Path, args: &[&str]) -> Output {
    crate::helpers::jury()
        .current_dir(dir)
        .env("JURY_KEY", PASS)
        .args(["--lang", "en"])
        .args(args)
        .output()
        .expect("run jury")
}

/// Every string of work `i` (1-based) that identifies its origin.
fn origin_strings(i: usize) -> Vec<String> {
    vec![
        format!("甲单位{}", i % 8),
        // One district the contest's quotas name too: the blind snapshot must drop them.
        if i == WORKS {
            "渝中区".to_string()
        } else {
            format!("测试区{}", i % 4)
        },
        format!("人民路{i}号"),
        format!("1390000{i:04}"),
        format!("联系人{i}号"),
        format!("主创{i}甲、主创{i}乙"),
        format!("推荐表-测试区{}.xlsx", i % 4),
    ]
}

fn key() -> BallotKey {
    BallotKey::parse(PASS).unwrap()
}

/// `jury init` with rounds in contest.toml, then works and judges straight into the master.
fn contest(root: &Path, extra_toml: &str) -> PathBuf {
    let c = root.join("cq");
    ok(&jury(root, &["init", c.to_str().unwrap()]), "init");
    let toml = c.join("contest.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    // Top-level keys go before the first table.
    std::fs::write(&toml, format!("blind = true\n{text}{extra_toml}")).unwrap();
    let folder = ContestFolder::load(&c).unwrap();
    let mut master = folder.open_master(&key()).unwrap();
    master
        .write(|tx, path| {
            let err = sqlite_err(path);
            for i in 1..=WORKS {
                let o = origin_strings(i);
                tx.execute(
                    "INSERT INTO works (id, title, unit, district, address, contact, contact_person,
                                        creators, source, media_file)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    rusqlite::params![
                        format!("{i:03}"),
                        format!("作品 {i}"),
                        o[0],
                        o[1],
                        o[2],
                        o[3],
                        o[4],
                        o[5],
                        o[6],
                        format!("{i:03}.mp4")
                    ],
                )
                .map_err(&err)?;
            }
            for j in 1..=JUDGES {
                tx.execute(
                    "INSERT INTO judges (id, name, unit, district) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![
                        format!("J{j:02}"),
                        format!("评委{j}"),
                        format!("评委单位{j}"),
                        "巴南区"
                    ],
                )
                .map_err(&err)?;
            }
            Ok(())
        })
        .unwrap();
    c
}

fn master(c: &Path) -> Master {
    ContestFolder::load(c).unwrap().open_master(&key()).unwrap()
}

/// Scores every ballot of the open round: every criterion full, less `deficit(work)` points
/// taken from the first criteria (all steps are one point); then submits.
fn fill_all(c: &Path, out: &Path, deficit: impl Fn(usize) -> u32) -> Vec<BallotRecord> {
    let contest = ContestFolder::load(c).unwrap().contest;
    let records = master(c).ballots().unwrap();
    for r in &records {
        let mut b = Ballot::open(&out.join(&r.file_name), &r.key).unwrap();
        b.connection()
            .pragma_update(None, "synchronous", "OFF")
            .unwrap();
        let works: Vec<String> = b
            .load()
            .unwrap()
            .works
            .iter()
            .map(|w| w.id.clone())
            .collect();
        for w in works {
            let mut left = deficit(w.parse().unwrap());
            for crit in contest.rubric.criteria() {
                let take = left.min(crit.max_steps());
                left -= take;
                b.set_score(&w, &crit.id, Some(crit.max_steps() - take))
                    .unwrap();
            }
        }
        b.submit().unwrap();
    }
    records
}

/// Rows of a results CSV (BOM and header dropped).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// (place, award, number, score, note) of each CSV row.
fn summary(rows: &[Vec<String>]) -> Vec<(String, String, String, String, String)> {
    rows.iter()
        .map(|r| {
            (
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                r[7].clone(),
                r.last().unwrap().clone(),
            )
        })
        .collect()
}

fn results_csv(c: &Path, extra: &[&str]) -> (String, Vec<Vec<String>>) {
    let out = c.join("r.csv");
    let mut args = vec!["results", "--format", "csv", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    ok(&jury(c, &args), "results csv");
    let text = std::fs::read_to_string(&out).unwrap();
    let rows = csv_rows(&text);
    (text, rows)
}

/// Every value of every table of a decrypted ballot, as one text.
fn all_values(path: &Path, key: &BallotKey) -> String {
    let b = Ballot::open(path, key).unwrap();
    let conn = b.connection();
    let tables = table_names(conn);
    assert!(tables.len() >= 8, "{tables:?}");
    let mut text = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = row.get(i).unwrap();
                text.push_str(&format!("{v:?}\n"));
            }
        }
    }
    // The plaintext export of the whole database too (every page SQLCipher hands out).
    let plain = path.with_extension("plain");
    drop(b);
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "key", key.sqlcipher_key())
        .unwrap();
    conn.execute_batch(&format!(
        "ATTACH DATABASE '{}' AS plain KEY ''; SELECT sqlcipher_export('plain'); DETACH DATABASE plain;",
        plain.display()
    ))
    .unwrap();
    text.push_str(&String::from_utf8_lossy(&std::fs::read(&plain).unwrap()));
    std::fs::remove_file(&plain).unwrap();
    text
}

/// Titles are on the ballot; no origin string of any work, nor the judge's unit, is.
fn assert_blind(path: &Path, key: &BallotKey) {
    let text = all_values(path, key);
    assert!(text.contains("作品 "), "titles are there");
    for i in 1..=WORKS {
        for s in origin_strings(i) {
            assert!(!text.contains(&s), "{} holds `{s}`", path.display());
        }
    }
    assert!(!text.contains("评委单位"), "nor the judge's unit");
}

fn works_on(path: &Path, key: &BallotKey) -> BTreeSet<String> {
    let d = Ballot::open(path, key).unwrap().load().unwrap();
    assert!(
        d.scores.is_empty(),
        "a fresh ballot per round: {:?}",
        d.scores
    );
    d.works.iter().map(|w| w.id.clone()).collect()
}

/// The master's merged state: scores, comments, recusals and ballots.
fn state(c: &Path) -> String {
    let m = master(c);
    format!(
        "{:?}{:?}{:?}",
        m.merged().unwrap(),
        jury_testkit::ballot_state(&m).unwrap(),
        m.assignments().unwrap()
    )
}

fn row_of<'a>(rows: &'a [Vec<String>], work: &str) -> &'a Vec<String> {
    rows.iter().find(|r| r[3] == work).unwrap()
}

#[test]
fn two_rounds_blind_ballots_shortlist_and_rulings() {
    let tmp = tempfile::tempdir().unwrap();
    let c = contest(tmp.path(), ROUNDS);
    let b1 = c.join("ballots1");

    // 初评: 3 judges per work by default, one blind ballot per judge named by the round.
    let out = ok(&jury(&c, &["assign", "--seed", "3"]), "assign 初评");
    assert!(out.contains('3'), "{out}");
    ok(
        &jury(
            &c,
            &["issue", "--out", b1.to_str().unwrap(), "--round", "初评"],
        ),
        "issue 初评",
    );
    let records = master(&c).ballots().unwrap();
    assert_eq!(records.len(), JUDGES);
    for r in &records {
        assert_eq!(r.file_name, format!("cq-初评-{}.ballot", r.judge_id));
    }
    let pairs = master(&c).assignments().unwrap();
    assert_eq!(pairs.len(), WORKS * 3);

    // Blind: no origin string of any work anywhere in the decrypted ballot.
    for r in &records {
        assert_blind(&b1.join(&r.file_name), &r.key);
    }

    // Work i scores 100 − (i − 1): the first round ranks 001 … 040.
    fill_all(&c, &b1, |i| i as u32 - 1);
    ok(&jury(&c, &["merge", b1.to_str().unwrap()]), "merge 初评");
    let (_, first) = results_csv(&c, &[]);
    assert_eq!(first.len(), WORKS);
    assert_eq!(first[0][0], "final (First round)", "{:?}", first[0]);

    let out = ok(&jury(&c, &["advance"]), "advance");
    assert!(out.contains("12 works advance to 终评"), "{out}");
    let advanced: BTreeSet<String> = (1..=12).map(|i| format!("{i:03}")).collect();
    assert_eq!(master(&c).round_works("终评").unwrap(), advanced);
    let out = ok(&jury(&c, &["rounds"]), "rounds");
    assert!(out.contains("closed") && out.contains("open"), "{out}");

    // 终评: five judges for each of the twelve; the ballots hold exactly those works.
    ok(&jury(&c, &["assign", "--seed", "5"]), "assign 终评");
    assert_eq!(master(&c).assignments().unwrap().len(), 12 * 5);
    let b2 = c.join("ballots2");
    ok(
        &jury(&c, &["issue", "--out", b2.to_str().unwrap()]),
        "issue 终评",
    );
    let records2 = master(&c).ballots().unwrap();
    let mut union = BTreeSet::new();
    for r in &records2 {
        assert_eq!(r.file_name, format!("cq-终评-{}.ballot", r.judge_id));
        assert!(records.iter().all(|o| o.ballot_id != r.ballot_id));
        let works = works_on(&b2.join(&r.file_name), &r.key);
        assert!(works.is_subset(&advanced), "{works:?}");
        union.extend(works);
        assert_blind(&b2.join(&r.file_name), &r.key);
    }
    assert_eq!(union, advanced);

    // A round-1 ballot merged while 终评 is open: one clear line, master unchanged.
    let before = state(&c);
    let stale = b1.join(&records[0].file_name);
    let out = jury(&c, &["merge", stale.to_str().unwrap()]);
    assert!(!out.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("this ballot is for round `初评`, but the open round is `终评`"),
        "{text}"
    );
    assert_eq!(state(&c), before, "master unchanged");
    let zh = crate::helpers::jury()
        .current_dir(&c)
        .env("JURY_KEY", PASS)
        .args(["--lang", "zh", "merge", stale.to_str().unwrap()])
        .output()
        .unwrap();
    let zh = format!(
        "{}{}",
        String::from_utf8_lossy(&zh.stdout),
        String::from_utf8_lossy(&zh.stderr)
    );
    assert!(zh.contains("此选票属于“初评”轮"), "{zh}");
    assert_eq!(state(&c), before, "master unchanged");
    // Assigning or issuing a closed round is refused.
    let out = jury(&c, &["issue", "--out", "x", "--round", "初评"]);
    assert!(!out.status.success());

    // Final scores: work i scores 100 − 2 (12 − i): 012 first … 001 last.
    fill_all(&c, &b2, |i| 2 * (12 - i as u32));
    ok(&jury(&c, &["merge", b2.to_str().unwrap()]), "merge 终评");
    let (_, fin) = results_csv(&c, &[]);
    assert_eq!(fin.len(), WORKS, "12 ranked and 28 not advanced");
    let s = summary(&fin);
    // base = "all": tier sizes of 40 entries (4, 6, 10), stopping at the 12 finalists.
    for (k, row) in s.iter().take(12).enumerate() {
        assert_eq!(row.0, (k + 1).to_string());
        assert_eq!(row.2, format!("{:03}", 12 - k));
        let award = match k {
            0..=3 => "First prize",
            4..=9 => "Second prize",
            _ => "Third prize",
        };
        assert_eq!(row.1, award, "{row:?}");
        assert_eq!(row.3, format!("{}.00", 100 - 2 * k));
    }
    for (k, row) in s.iter().skip(12).enumerate() {
        assert_eq!(row.0, "", "{row:?}");
        assert_eq!(row.1, "not advanced to Final round", "{row:?}");
        assert_eq!(row.2, format!("{:03}", 13 + k));
        assert_eq!(
            row.3,
            format!("{}.00", 100 - (12 + k)),
            "its first-round score"
        );
        assert!(
            row.4
                .contains(&format!("from First round (place {} there)", 13 + k)),
            "{row:?}"
        );
    }
    assert_eq!(fin[0][0], "final (Final round)");
    assert_eq!(
        fin[20][0], "final (First round)",
        "its numbers are from 初评"
    );

    // --round 初评 still shows round 1.
    let (_, again) = results_csv(&c, &["--round", "初评"]);
    assert_eq!(summary(&again), summary(&first));

    // A 5-point deduction on 012 (100 → 95): below 011 (98) and 010 (96), above 009 (94).
    ok(
        &jury(
            &c,
            &[
                "rule",
                "deduct",
                "012",
                "--points",
                "5",
                "--reason",
                "片头过长",
            ],
        ),
        "deduct",
    );
    let (_, d) = results_csv(&c, &[]);
    let r = row_of(&d, "012");
    assert_eq!((r[1].as_str(), r[7].as_str()), ("3", "95.00"), "{r:?}");
    assert!(r.last().unwrap().contains("5 points deducted"), "{r:?}");
    assert_eq!(row_of(&d, "011")[1], "1");
    assert_eq!(row_of(&d, "009")[1], "4");

    // Disqualified: no place, no award, in CSV, XLSX and HTML.
    ok(
        &jury(&c, &["rule", "disqualify", "011", "--reason", "画面带水印"]),
        "disqualify",
    );
    let (_, q) = results_csv(&c, &[]);
    let r = row_of(&q, "011");
    assert_eq!(
        (r[1].as_str(), r[2].as_str()),
        ("", "Disqualified"),
        "{r:?}"
    );
    assert!(
        r.last().unwrap().contains("disqualified: 画面带水印"),
        "{r:?}"
    );
    assert_eq!(row_of(&q, "010")[1], "1");
    let tiers = [
        "First prize",
        "Second prize",
        "Third prize",
        "Honourable mention",
    ];
    let xlsx = c.join("r.xlsx");
    ok(
        &jury(
            &c,
            &[
                "results",
                "--format",
                "xlsx",
                "--out",
                xlsx.to_str().unwrap(),
            ],
        ),
        "xlsx",
    );
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let row: Vec<String> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .find(|r| r.iter().any(|c| c == "011"))
        .unwrap();
    let at = row.iter().position(|c| c == "011").unwrap();
    assert_eq!(row[at - 2], "", "no place: {row:?}");
    assert_eq!(row[at - 1], "Disqualified", "{row:?}");
    assert!(!row.iter().any(|c| tiers.contains(&c.as_str())), "{row:?}");
    let html = c.join("r.html");
    ok(
        &jury(
            &c,
            &[
                "results",
                "--format",
                "html",
                "--out",
                html.to_str().unwrap(),
            ],
        ),
        "html",
    );
    let page = std::fs::read_to_string(&html).unwrap();
    let tr = page
        .split("<tr")
        .find(|t| t.contains(">011<"))
        .expect("a row for 011");
    assert!(tr.contains("Disqualified"), "{tr}");
    assert!(!tiers.iter().any(|t| tr.contains(t)), "{tr}");
    assert!(page.contains("011: disqualified: 画面带水印"), "the reason");
    let tr = page.split("<tr").find(|t| t.contains(">012<")).unwrap();
    assert!(
        tr.contains("95.00 (−5)"),
        "the deduction beside the score: {tr}"
    );
    let table = ok(&jury(&c, &["results"]), "table");
    assert!(
        table.contains("95.00 (−5)") && table.contains("Rulings:"),
        "{table}"
    );

    // The judges' next ballots show the disqualification.
    ok(
        &jury(&c, &["issue", "--out", b2.to_str().unwrap()]),
        "reissue",
    );
    let holder = master(&c)
        .assignments()
        .unwrap()
        .into_iter()
        .find(|(w, _)| w == "011")
        .unwrap()
        .1;
    let rec = master(&c)
        .ballots()
        .unwrap()
        .into_iter()
        .find(|b| b.judge_id == holder)
        .unwrap();
    let d = Ballot::open(&b2.join(&rec.file_name), &rec.key)
        .unwrap()
        .load()
        .unwrap();
    assert_eq!(d.disqualified["011"], "画面带水印");
    assert!(d.is_done("011"));

    // Revoking restores both.
    ok(&jury(&c, &["rule", "revoke", "012"]), "revoke 012");
    ok(&jury(&c, &["rule", "revoke", "011"]), "revoke 011");
    let (_, back) = results_csv(&c, &[]);
    assert_eq!(summary(&back), summary(&fin));
    let log = ok(&jury(&c, &["log"]), "log");
    assert!(log.contains("advance") && log.contains("rule"), "{log}");
}

/// The tables of today's master (MASTER_SCHEMA) and nothing else.
/// The names of the tables of an open SQLite file (a ballot, a master, a bare schema).
fn table_names(conn: &rusqlite::Connection) -> BTreeSet<String> {
    conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_single_round_master_of_the_previous_schema_gives_identical_results() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("old");
    let fx = jury_testkit::build(&dir, 6, 15, |j, w| (j + w) % 2 == 0);
    let contest = fx.folder.contest.clone();
    for b in &fx.ballots {
        let mut ballot = jury_testkit::fill(b, &contest, 3 + b.judge_id.len() as u32);
        ballot.submit().unwrap();
    }
    let mut m = fx.master;
    for b in &fx.ballots {
        m.merge_file(&contest, &b.path).unwrap();
    }
    // Back to exactly the previous version's schema: the rounds tables go.
    let old = {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(jury_store::master::MASTER_SCHEMA)
            .unwrap();
        table_names(&conn)
    };
    for t in table_names(m.connection()).difference(&old) {
        m.connection()
            .execute_batch(&format!("DROP TABLE {t}"))
            .unwrap();
    }
    assert_eq!(table_names(m.connection()), old);
    // What today's code computes from it: the plain tally, rendered.
    let view = {
        let works = m.works().unwrap();
        let judges = m.judges().unwrap();
        let ballots = m.ballots().unwrap();
        let source = jury::commands::results::ResultsSource {
            works,
            judges,
            assignments: m.assignments().unwrap(),
            ballots,
            merged: m.merged().unwrap(),
            rounds: Default::default(),
        };
        let input = source.tally_input(&contest);
        jury_core::results::ResultsView::build(
            &input,
            None,
            &source.works,
            &source.judges,
            &source.ballots,
        )
    };
    let expected = jury::report::csv::render(&view, jury::i18n::Lang::En).unwrap();
    drop(m);
    std::fs::write(dir.join("key.txt"), jury_testkit::ORGANIZER_KEY).unwrap();
    let out = dir.join("now.csv");
    let run = crate::helpers::jury()
        .current_dir(&dir)
        .args([
            "--lang",
            "en",
            "--key-file",
            "key.txt",
            "results",
            "--format",
            "csv",
        ])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(got, expected);
    // Opening migrated it: the rounds tables are there now, and a second open is a no-op.
    let m = Master::open(&dir.join("master.jury"), &jury_testkit::organizer_key()).unwrap();
    assert!(table_names(m.connection()).contains("rulings"));
    assert!(m.open_round().unwrap().is_none());
}

#[test]
fn the_organizer_tui_shows_a_disqualified_work_without_place_or_award() {
    let tmp = tempfile::tempdir().unwrap();
    let fx = jury_testkit::build(tmp.path(), 5, 8, |_, _| true);
    let contest = fx.folder.contest.clone();
    let mut m = fx.master;
    for b in &fx.ballots {
        let mut ballot = jury_testkit::fill(b, &contest, 2);
        ballot.submit().unwrap();
        drop(ballot);
        m.merge_file(&contest, &b.path).unwrap();
    }
    let before = jury::tui::organizer::OrgData::load(&m, &contest).unwrap();
    let placed = jury::tui::organizer::OrgApp::new(
        before,
        jury::i18n::Lang::En,
        jury::tui::Keymap::default_keymap(),
    );
    let row = |app: &jury::tui::organizer::OrgApp, w: &str| {
        app.results
            .rows
            .iter()
            .find(|r| r.work == w)
            .cloned()
            .unwrap()
    };
    assert!(row(&placed, "003").place.is_some());
    m.add_ruling(
        "003",
        jury_core::rounds::RulingKind::Disqualify,
        "带水印",
        "组委会",
    )
    .unwrap();
    let data = jury::tui::organizer::OrgData::load(&m, &contest).unwrap();
    let mut app = jury::tui::organizer::OrgApp::new(
        data,
        jury::i18n::Lang::En,
        jury::tui::Keymap::default_keymap(),
    );
    let r = row(&app, "003");
    assert_eq!((r.place, r.award), (None, None));
    assert!(
        app.results
            .rows
            .iter()
            .filter(|r| r.place.is_some())
            .count()
            == 7
    );
    app.tab = jury::tui::organizer::Tab::Results;
    let screen = crate::helpers::screen_of(|f| jury::tui::organizer::view::draw(f, &app), 140, 40);
    let line = screen
        .lines()
        .find(|l| l.contains("作品 3 "))
        .unwrap_or_else(|| panic!("{screen}"));
    // The award column is eight cells wide: "Disqua..", no rank before it.
    assert!(line.trim_start().starts_with("Disqua"), "{line}");
}

#[test]
fn the_judge_tui_shows_a_disqualified_work_and_does_not_ask_for_its_scores() {
    use jury::tui::action::{Action, Command};
    let mut data = jury_core::sample::sample_data(4);
    data.disqualified.insert("002".into(), "画面带水印".into());
    let mut app = jury::tui::App::new(
        data,
        jury::tui::Keymap::default_keymap(),
        jury::i18n::Lang::Zh,
    );
    let screen = crate::helpers::screen_of(|f| jury::tui::view::draw(f, &app), 100, 24);
    let line = screen.lines().find(|l| l.contains(" 002 ")).unwrap();
    assert!(line.contains("取消"), "{line}");
    for a in [
        Action::Command(Command::Next),
        Action::Command(Command::Score),
    ] {
        let effects = app.update(a);
        assert!(effects.is_empty());
    }
    let screen = crate::helpers::screen_of(|f| jury::tui::view::draw(f, &app), 100, 24);
    assert!(screen.contains("组织方已取消该作品资格"), "{screen}");
    assert_eq!(app.done_count(), 1, "the disqualified work needs nothing");
}

/// `jury organize --round`: the organizer TUI shows the given round (default the open one):
/// its works, assignments, progress and results, and its header names the round.
#[test]
fn the_organizer_tui_shows_the_round_asked_for() {
    use jury::tui::organizer::{OrgApp, OrgData, Tab};
    let tmp = tempfile::tempdir().unwrap();
    let c = contest(tmp.path(), ROUNDS);
    let b1 = c.join("ballots1");
    ok(&jury(&c, &["assign", "--seed", "3"]), "assign 初评");
    ok(
        &jury(&c, &["issue", "--out", b1.to_str().unwrap()]),
        "issue",
    );
    fill_all(&c, &b1, |i| i as u32 - 1);
    ok(&jury(&c, &["merge", b1.to_str().unwrap()]), "merge 初评");
    ok(&jury(&c, &["advance"]), "advance");
    ok(&jury(&c, &["assign", "--seed", "5"]), "assign 终评");
    let b2 = c.join("ballots2");
    ok(
        &jury(&c, &["issue", "--out", b2.to_str().unwrap()]),
        "issue 终评",
    );

    let folder = ContestFolder::load(&c).unwrap();
    let m = master(&c);
    let open = OrgData::load(&m, &folder.contest).unwrap();
    assert_eq!(open.round.as_deref(), Some("终评"));
    assert_eq!(open.works.len(), 12, "the shortlist only");
    assert_eq!(open.works.iter().map(|w| w.assigned).sum::<usize>(), 60);
    assert_eq!(open.works.iter().map(|w| w.scored).sum::<usize>(), 0);
    assert_eq!(
        OrgData::load_round(&m, &folder.contest, Some("终评")).unwrap(),
        open
    );

    let first = OrgData::load_round(&m, &folder.contest, Some("初评")).unwrap();
    assert_eq!(first.round.as_deref(), Some("初评"));
    assert_eq!(first.works.len(), WORKS);
    assert_eq!(first.works.iter().map(|w| w.assigned).sum::<usize>(), 120);
    assert_eq!(first.works.iter().map(|w| w.scored).sum::<usize>(), 120);
    assert_eq!(first.merged_and_submitted(), (JUDGES, JUDGES));
    for lang in [jury::i18n::Lang::Zh, jury::i18n::Lang::En] {
        let mut app = OrgApp::new(first.clone(), lang, jury::tui::Keymap::default_keymap());
        assert_eq!(app.results.rows.len(), WORKS);
        assert_eq!(app.results.rows[0].work, "001", "初评 ranks 001 first");
        app.tab = Tab::Results;
        let screen =
            crate::helpers::screen_of(|f| jury::tui::organizer::view::draw(f, &app), 80, 24);
        let name = match lang {
            jury::i18n::Lang::Zh => "organize_round_first_results_zh",
            jury::i18n::Lang::En => "organize_round_first_results_en",
        };
        insta::assert_snapshot!(name, screen);
        let header = screen.lines().next().unwrap();
        let want = match lang {
            jury::i18n::Lang::Zh => "轮次：初评 | 作品 40 评委 10",
            jury::i18n::Lang::En => "round: First round | works 40",
        };
        assert!(header.contains(want), "{header}");
        let app = OrgApp::new(open.clone(), lang, jury::tui::Keymap::default_keymap());
        let screen =
            crate::helpers::screen_of(|f| jury::tui::organizer::view::draw(f, &app), 80, 24);
        let header = screen.lines().next().unwrap();
        assert!(
            header.contains("轮次：终评 | 作品 12")
                || header.contains("round: Final round | works 12"),
            "{header}"
        );
    }

    // An unknown round, or one not reached, is refused before the TUI starts.
    for (round, says) in [("复评", "no such round"), ("", "no such round")] {
        let out = jury(&c, &["organize", "--round", round]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
    }
}

/// Blind: the organizer's video file names often carry the district or unit. A blind ballot
/// names the video by the work's number, `jury issue` places that copy next to the ballots
/// (and in the judge's package), and a probe note quoting the file's path is left out.
#[test]
fn a_blind_ballot_names_the_video_by_its_number_not_the_organizers_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    let c = contest(tmp.path(), ROUNDS);
    let o = origin_strings(WORKS);
    let named = format!("{}-{}-长江鲟.MP4", o[1], o[0]);
    let media = c.join("media");
    std::fs::create_dir_all(&media).unwrap();
    let video = media.join(&named);
    std::fs::write(&video, b"not really a video, but these bytes").unwrap();
    let sha = jury_media::sha256_file(&video).unwrap();
    let mut m = master(&c);
    m.write(|tx, path| {
        tx.execute(
            "UPDATE works SET media_file = ?1 WHERE id = ?2",
            rusqlite::params![named, format!("{WORKS:03}")],
        )
        .map_err(sqlite_err(path))?;
        Ok(())
    })
    .unwrap();
    let probe = |note: String| jury_store::master::ProbeRecord {
        checked_at: 1,
        media_path: Some(video.display().to_string()),
        found: true,
        compliant: true,
        sha256: Some(sha.clone()),
        size_bytes: Some(35),
        duration_ms: Some(200_000),
        note,
        findings: None,
    };
    m.set_probe(
        &format!("{WORKS:03}"),
        &probe(format!("{} 读取较慢", video.display())),
    )
    .unwrap();
    // A note without the file's name stays on the ballot.
    m.set_probe("001", &probe("mp4 · 3:20 · 1920×1080".into()))
        .unwrap();
    drop(m);
    ok(&jury(&c, &["assign", "--seed", "3"]), "assign");
    let out = c.join("ballots");
    let pkg = c.join("packages");
    let text = ok(
        &jury(
            &c,
            &[
                "issue",
                "--out",
                out.to_str().unwrap(),
                "--package",
                pkg.to_str().unwrap(),
            ],
        ),
        "issue",
    );
    assert!(text.contains("blind round: 2 videos placed"), "{text}");
    let id = format!("{WORKS:03}");
    let m = master(&c);
    let holders: Vec<String> = m
        .assignments()
        .unwrap()
        .into_iter()
        .filter(|(w, _)| *w == id)
        .map(|(_, j)| j)
        .collect();
    assert_eq!(holders.len(), 3);
    for r in m.ballots().unwrap() {
        let path = out.join(&r.file_name);
        let text = all_values(&path, &r.key);
        for s in o.iter().chain([&"长江鲟".to_string(), &named]) {
            assert!(!text.contains(s.as_str()), "{} holds `{s}`", r.file_name);
        }
        let d = Ballot::open(&path, &r.key).unwrap().load().unwrap();
        if let Some(w) = d.works.iter().find(|w| w.id == id) {
            assert_eq!(w.media_file, format!("{id}.mp4"));
            assert_eq!(w.probe_note, None, "the note quoted the path");
            assert_eq!(w.media_sha256.as_deref(), Some(sha.as_str()));
            // The judge's TUI finds it next to the ballot, and it is the organizer's file.
            let found = jury_media::locate(&w.media_file, std::slice::from_ref(&out)).unwrap();
            assert!(jury_media::check_media(&found, w.media_sha256.as_deref()).is_ok());
            // The package holds it under the same name, and nothing else of the name.
            let stem = r.file_name.trim_end_matches(".ballot");
            let dir = pkg.join(stem);
            assert!(dir.join(&w.media_file).is_file(), "{}", dir.display());
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().file_name().to_string_lossy().into_owned();
                assert!(!f.contains("长江鲟"), "{f}");
            }
        }
        if let Some(w) = d.works.iter().find(|w| w.id == "001") {
            assert_eq!(w.probe_note.as_deref(), Some("mp4 · 3:20 · 1920×1080"));
        }
    }
    assert!(holders
        .iter()
        .all(|j| m.ballots().unwrap().iter().any(|b| &b.judge_id == j)));
}

/// Withdrawing a recusal made in an earlier session still offers the removed scores back:
/// they are read from the ballot's event chain, and restoring them commits new score events.
#[test]
fn withdrawing_an_earlier_sessions_recusal_offers_its_scores_from_the_chain() {
    use jury::tui::action::{Action, Command};
    use jury::tui::app::{Dialog, Effect, Mode};
    let dir = tempfile::tempdir().unwrap();
    let key = BallotKey::generate();
    let path = dir.path().join("c-J07.ballot");
    let init = jury_core::sample::sample_init(3, "b-7");
    let contest = init.contest.clone();
    let mut b = Ballot::create(&path, &key, &init).unwrap();
    for c in contest.rubric.criteria() {
        b.set_score("001", &c.id, Some(c.max_steps() - 1)).unwrap();
    }
    let before = b.load().unwrap().scores;
    b.recuse("001", "同单位").unwrap();
    drop(b);

    // The next session: the recusal is there, the scores are not.
    let mut b = Ballot::open(&path, &key).unwrap();
    let data = b.load().unwrap();
    assert!(data.scores.is_empty());
    let mut app = jury::tui::App::new(
        data,
        jury::tui::Keymap::default_keymap(),
        jury::i18n::Lang::Zh,
    );
    app.restorable_from(b.recusal_removals().unwrap());
    let mut commit_all = |app: &mut jury::tui::App, effects: Vec<Effect>| {
        for e in effects {
            if let Effect::Commit(event) = e {
                let result = b.commit(&event).map_err(|e| e.to_string());
                app.on_saved(&event, result);
            }
        }
    };
    let effects = app.update(Action::Command(Command::Recuse));
    commit_all(&mut app, effects);
    let Mode::Confirm(Dialog::Restore { work, scores, .. }) = &app.mode else {
        panic!("no offer to restore: {:?}", app.mode);
    };
    assert_eq!(work, "001");
    assert_eq!(scores.len(), contest.rubric.criteria().count());
    let screen = crate::helpers::screen_of(|f| jury::tui::view::draw(f, &app), 80, 24);
    assert!(screen.contains("恢复"), "{screen}");
    let effects = app.update(Action::Command(Command::Confirm));
    commit_all(&mut app, effects);
    let after = b.load().unwrap();
    assert_eq!(after.scores, before, "every removed score is back");
    assert!(after.recusals.is_empty());
    b.verify().unwrap();
}

/// The ballot's probe note in the judge's language: typed findings travel in the ballot and
/// the judge's TUI words them in its UI language; a ballot of an earlier version (prose only)
/// keeps showing its prose.
#[test]
fn probe_findings_are_worded_in_the_judges_language() {
    use jury_media::Violation;
    let findings = jury_core::model::ProbeFindings {
        found: true,
        summary: Some("mp4 · 5:12 · 1920×1080 · 16:9 · h264 · 80.0 MB".into()),
        violations: [
            Violation::TooLong {
                duration_s: 312,
                min_s: Some(180),
                max_s: 240,
            },
            Violation::NoAudio,
        ]
        .iter()
        .map(|v| serde_json::to_value(v).unwrap())
        .collect(),
    };
    let dir = tempfile::tempdir().unwrap();
    let key = BallotKey::generate();
    let path = dir.path().join("c-J01.ballot");
    let mut init = jury_core::sample::sample_init(2, "b-1");
    init.works[0].probe_note = Some("时长 5:12 超出 3:00–4:00；没有声音（提示）".into());
    init.works[0].probe_findings = Some(findings.clone());
    init.works[1].probe_note = Some("组织方的原话".into());
    Ballot::create(&path, &key, &init).unwrap();
    let data = Ballot::open(&path, &key).unwrap().load().unwrap();
    assert_eq!(data.works[0].probe_findings.as_ref(), Some(&findings));
    assert_eq!(data.works[1].probe_findings, None);

    for (lang, name, says) in [
        (
            jury::i18n::Lang::Zh,
            "judge_probe_findings_zh",
            "时长 5:12 超出 3:00-4:00；没有声音",
        ),
        (
            jury::i18n::Lang::En,
            "judge_probe_findings_en",
            "duration 5:12 outside 3:00-4:00; no audio",
        ),
    ] {
        let mut app = jury::tui::App::new(data.clone(), jury::tui::Keymap::default_keymap(), lang);
        app.resize(120, 40);
        let screen = crate::helpers::screen_of(|f| jury::tui::view::draw(f, &app), 120, 40);
        insta::assert_snapshot!(name, screen);
        assert!(screen.contains(says), "{screen}");
        if lang == jury::i18n::Lang::En {
            assert!(
                !screen.contains("时长"),
                "not the organizer's prose: {screen}"
            );
        }
        // The earlier ballot's work: its prose, as before.
        app.update(jury::tui::action::Action::Command(
            jury::tui::action::Command::Next,
        ));
        let screen = crate::helpers::screen_of(|f| jury::tui::view::draw(f, &app), 120, 40);
        assert!(screen.contains("组织方的原话"), "{screen}");
    }
}
