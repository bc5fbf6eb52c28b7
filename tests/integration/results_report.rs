//! Results outputs from a hand-built master database: 6 works, 4 judges, a recusal (with a
//! stray score for the recused pair that must count nowhere), a sheet with a missing score,
//! and one ballot merged but not submitted (so the results are provisional). Every expected
//! number was worked out by hand; the comments show the arithmetic.
//!
//! Contest: the 2023 rubric (theme 30, story 30 | image 15, editing 10, subtitles 5 |
//! creativity 5 | artistry 5), trimmed mean with trim_min_judges = 3, 3 judges per work,
//! tiers 10 / 15 / 25 % rounded to nearest, boundary ties flagged.
//!
//! | work | J1 | J2 | J3 | J4 | counted | mean | trimmed (aggregate) |
//! |---|---|---|---|---|---|---|---|
//! | 1 | 93 | 88 | 82 | – | 3 | 263/3 = 87.67 | 88 |
//! | 2 | 85 | 81 | – | 93 | 3 | 259/3 = 86.33 | 85 |
//! | 3 | 50 | – | 71 | 80 | 3 | 201/3 = 67 | 71 |
//! | 4 | 79 | 77 | 82 | – | 3 | 238/3 = 79.33 | 79 |
//! | 5 | 83 | 85 | recused | – | 2 | 84 | 84 (mean, too few to trim) |
//! | 6 | 88 | 85 | – | editing missing | 2 | 86.5 | 86.5 (mean, too few) |
//!
//! Ranking: 1 (88), 6 (86.5), 2 (85), 5 (84), 4 (79), 3 (71). Six ranked works: cut-offs
//! round(0.6) = 1, round(1.5) = 2, round(3) = 3 → 一等奖 work 1, 二等奖 work 6, 三等奖
//! work 2, 优秀奖 the rest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use jury::commands::results::ResultsSource;
use jury::i18n::Lang;
use jury::report::{self, ResultsView, ResultsWords};
use jury_core::chain::receipt;
use jury_store::cipher::sqlite_err;
use jury_store::folder::ContestFolder;
use jury_store::master::{Master, MASTER_FILE};
use jury_store::BallotKey;
use unicode_width::UnicodeWidthStr;

const KEY: &str = "results fixture passphrase";

/// Steps per criterion in rubric order: theme, story, image, editing, subtitles, creativity,
/// artistry.
pub(crate) const CRITERIA: [&str; 7] = jury_testkit::CRITERIA_2023;

const WORKS: [(&str, &str, &str); 6] = [
    ("1", "科学家精神的传承", "重庆大学"),
    ("2", "实验室的灯光", "西南大学"),
    ("3", "山城里的院士", "重庆邮电大学"),
    ("4", "数据 & <模型>", "重庆市科学技术研究院"),
    ("5", "一粒种子的旅程", "西南大学"),
    ("6", "Bridges of Chongqing", "重庆交通大学"),
];

/// 区县 of each work's unit, in WORKS order.
const DISTRICTS: [&str; 6] = [
    "沙坪坝区",
    "北碚区",
    "南岸区",
    "渝中区",
    "北碚区",
    "九龙坡区",
];

const JUDGES: [(&str, &str, &str); 4] = [
    ("J1", "张伟", "重庆市科协"),
    ("J2", "李娜", "重庆师范大学"),
    ("J3", "王芳", "重庆日报"),
    ("J4", "Chen Jie", "重庆电视台"),
];

/// The results table's columns in Chinese, comma-separated, as the XLSX results sheet and
/// the CSV (after its status column) carry them for the 2023 rubric.
const ZH_RESULT_COLUMNS: &str =
    "名次,奖项,编号,作品名称,创作单位,区县,得分,题材内容,技术性,创意性,艺术性,评委数,计分规则说明";

/// Sheets: (judge, work, steps). `None` = criterion not scored.
fn sheets() -> Vec<(&'static str, &'static str, [Option<u32>; 7])> {
    let s = |a: [u32; 7]| a.map(Some);
    vec![
        ("J1", "1", s([28, 27, 14, 9, 5, 5, 5])), // 93
        ("J2", "1", s([27, 26, 13, 9, 4, 4, 5])), // 88
        ("J3", "1", s([25, 25, 12, 8, 4, 4, 4])), // 82
        ("J1", "2", s([26, 26, 13, 8, 4, 4, 4])), // 85
        ("J2", "2", s([25, 24, 12, 8, 4, 4, 4])), // 81
        ("J4", "2", s([28, 28, 14, 9, 5, 5, 4])), // 93
        ("J1", "3", s([15, 15, 8, 5, 3, 2, 2])),  // 50
        ("J3", "3", s([22, 21, 11, 7, 4, 3, 3])), // 71
        ("J4", "3", s([24, 24, 12, 8, 4, 4, 4])), // 80
        ("J1", "4", s([24, 23, 12, 8, 4, 4, 4])), // 79
        ("J2", "4", s([23, 23, 11, 8, 4, 4, 4])), // 77
        ("J3", "4", s([25, 24, 12, 9, 4, 4, 4])), // 82
        ("J1", "5", s([26, 25, 12, 8, 4, 4, 4])), // 83
        ("J2", "5", s([27, 26, 12, 8, 4, 4, 4])), // 85
        // J3 recused from work 5, yet a stray score row is in the master: it must count nowhere.
        ("J3", "5", s([1, 1, 1, 1, 1, 1, 1])),
        ("J1", "6", s([27, 27, 13, 9, 4, 4, 4])), // 88
        ("J2", "6", s([26, 26, 13, 8, 4, 4, 4])), // 85
        // editing missing: not counted, listed as missing.
        (
            "J4",
            "6",
            [
                Some(25),
                Some(25),
                Some(12),
                None,
                Some(4),
                Some(4),
                Some(4),
            ],
        ),
    ]
}

const ASSIGN: [(&str, [&str; 3]); 6] = [
    ("1", ["J1", "J2", "J3"]),
    ("2", ["J1", "J2", "J4"]),
    ("3", ["J1", "J3", "J4"]),
    ("4", ["J1", "J2", "J3"]),
    ("5", ["J1", "J2", "J3"]),
    ("6", ["J1", "J2", "J4"]),
];

/// Chain heads of the merged ballots (the receipt is derived from them).
fn head(judge: &str) -> String {
    let n = judge.trim_start_matches('J').parse::<u8>().unwrap();
    hex::encode([n.wrapping_mul(37); 32])
}

/// Writes contest.toml (the 2023 contest, trimmed at 3 judges, 3 per work) and the rubric,
/// and a master database with the fixture.
pub(crate) fn fixture(dir: &Path) -> ContestFolder {
    let contest = jury_core::data::CONTEST_2023
        .replace(
            "rubric = \"cq-2023-short-video\"",
            "rubric = \"rubric.toml\"",
        )
        .replace("judges_per_work = 5", "judges_per_work = 3")
        .replace("trim_min_judges = 5", "trim_min_judges = 3");
    std::fs::write(dir.join("contest.toml"), contest).unwrap();
    std::fs::write(dir.join("rubric.toml"), jury_core::data::RUBRIC_2023).unwrap();
    let folder = ContestFolder::load(dir).unwrap();
    assert_eq!(folder.contest.judges_per_work, 3);
    assert_eq!(folder.contest.aggregation.trim_min_judges, 3);
    let key = BallotKey::parse(KEY).unwrap();
    let mut master = Master::create(&dir.join(MASTER_FILE), &key, &folder.contest.id).unwrap();
    master
        .write(|tx, path| {
            let e = sqlite_err(path);
            for ((id, title, unit), district) in WORKS.iter().zip(DISTRICTS) {
                tx.execute(
                    "INSERT INTO works (id, title, unit, district) VALUES (?1, ?2, ?3, ?4)",
                    [id, title, unit, &district],
                )
                .map_err(&e)?;
            }
            for (id, name, unit) in JUDGES {
                tx.execute(
                    "INSERT INTO judges (id, name, unit) VALUES (?1, ?2, ?3)",
                    [id, name, unit],
                )
                .map_err(&e)?;
                let submitted = if id == "J4" { 0 } else { 1 };
                tx.execute(
                    "INSERT INTO ballots (ballot_id, judge_id, key, file_name, assignment_version,
                        issued_at, merged_revision, merged_head, merged_at, submitted)
                     VALUES (?1, ?2, 'k', ?3, 1, 0, 3, ?4, 0, ?5)",
                    rusqlite::params![
                        format!("B-{id}"),
                        id,
                        format!("{id}.ballot"),
                        head(id),
                        submitted
                    ],
                )
                .map_err(&e)?;
            }
            for (work, judges) in ASSIGN {
                for j in judges {
                    tx.execute(
                        "INSERT INTO assignments (work_id, judge_id) VALUES (?1, ?2)",
                        [work, j],
                    )
                    .map_err(&e)?;
                }
            }
            for (judge, work, steps) in sheets() {
                for (c, s) in CRITERIA.iter().zip(steps) {
                    if let Some(s) = s {
                        tx.execute(
                            "INSERT INTO scores (judge_id, work_id, criterion_id, steps, ballot_id, revision)
                             VALUES (?1, ?2, ?3, ?4, ?5, 3)",
                            rusqlite::params![judge, work, c, s, format!("B-{judge}")],
                        )
                        .map_err(&e)?;
                    }
                }
            }
            tx.execute(
                "INSERT INTO recusals (judge_id, work_id, reason) VALUES ('J3', '5', '本单位作品')",
                [],
            )
            .map_err(&e)?;
            Ok(())
        })
        .unwrap();
    folder
}

pub(crate) fn view(
    dir: &Path,
    lang_method: Option<jury_core::model::contest::AggregationMethod>,
) -> ResultsView {
    let folder = ContestFolder::load(dir).unwrap();
    let master = folder.open_master(&BallotKey::parse(KEY).unwrap()).unwrap();
    let source = ResultsSource::load(&master).unwrap();
    source.view(&folder.contest, lang_method)
}

/// The standard fixture in a fresh folder, and its results view by the contest's method.
fn fixture_view() -> (tempfile::TempDir, ResultsView) {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let v = view(dir.path(), None);
    (dir, v)
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn s(x: &str) -> Data {
    Data::String(x.into())
}

fn n(x: f64) -> Data {
    Data::Float(x)
}

#[test]
fn view_matches_the_hand_tally() {
    let (_dir, v) = fixture_view();
    assert!(v.provisional);
    assert_eq!(v.tally.unsubmitted, ["J4"]);
    let order: Vec<(&str, Option<usize>, String)> = v
        .rows
        .iter()
        .map(|r| {
            (
                r.work.as_str(),
                r.place,
                jury_core::results::fmt_score(r.aggregate),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("1", Some(1), "88.00".to_string()),
            ("6", Some(2), "86.50".into()),
            ("2", Some(3), "85.00".into()),
            ("5", Some(4), "84.00".into()),
            ("4", Some(5), "79.00".into()),
            ("3", Some(6), "71.00".into()),
        ]
    );
    // Works 5 and 6 have two counted totals: mean, not trimmed, and the view says so.
    let fallback: Vec<&str> = v
        .rows
        .iter()
        .filter(|r| r.fallback)
        .map(|r| r.work.as_str())
        .collect();
    assert_eq!(fallback, ["6", "5"]);
    // Side by side: plain means 87.67, 86.5, 86.33, 84, 79.33, 67 give the same order.
    let mean_places: Vec<Option<usize>> = v.rows.iter().map(|r| r.methods[0].place).collect();
    assert_eq!(
        mean_places,
        [Some(1), Some(2), Some(3), Some(4), Some(5), Some(6)]
    );
    // The recused pair's stray scores count nowhere: work 5 has 2 scores, J3 has 3.
    let w5 = v.rows.iter().find(|r| r.work == "5").unwrap();
    assert_eq!((w5.scored, w5.recused), (2, 1));
    let j3 = v.judges.iter().find(|j| j.judge == "J3").unwrap();
    assert_eq!(j3.scored, 3);
    // Spread only for works with 3 counted totals (rule 3); work 3 (50..80) is flagged.
    assert_eq!(w5.spread, None);
    let w3 = v.rows.iter().find(|r| r.work == "3").unwrap();
    assert_eq!(w3.spread, Some(jury_core::model::Points::whole(30)));
    assert!(w3.high_spread);
    // J1's 50 on work 3 is 21 below its trimmed mean 71 (limit 15): an outlier, no value shown.
    assert_eq!(v.outliers.len(), 1);
    assert_eq!(
        (
            v.outliers[0].work.as_str(),
            v.outliers[0].judge.as_str(),
            v.outliers[0].above
        ),
        ("3", "J1", false)
    );
}

#[test]
fn xlsx_reads_back_cell_by_cell() {
    let (dir, v) = fixture_view();
    let path = dir.path().join("out.xlsx");
    report::xlsx::write(&v, Lang::Zh, &path).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["结果", "评委", "统计", "方法对比", "优秀组织奖", "评语汇总"]
    );

    // Results: title, banner, header on row 2, data from row 3.
    let r = wb.worksheet_range("结果").unwrap();
    assert_eq!(
        cell(&r, 0, 0),
        s("2023年“弘扬科学家精神，加强作风学风建设”短视频大赛")
    );
    match cell(&r, 1, 0) {
        Data::String(b) => assert!(b.starts_with("暂定结果") && b.contains("J4"), "{b}"),
        other => panic!("{other:?}"),
    }
    let header: Vec<Data> = (0..13).map(|c| cell(&r, 2, c)).collect();
    let expected: Vec<Data> = ZH_RESULT_COLUMNS.split(',').map(s).collect();
    assert_eq!(header, expected);
    // Work 1 is ranked on the trimmed mean (J1's 93 and J3's 82 dropped), so its subtotals
    // are J2's sheet alone: content 27 + 26 = 53, technique 13 + 9 + 4 = 26, creativity 4,
    // artistry 5 — adding up to the score 88 (plain means would be 52.67 + 26 + 4.33 + 4.67).
    let row3: Vec<Data> = (0..13).map(|c| cell(&r, 3, c)).collect();
    assert_eq!(
        row3,
        [
            n(1.0),
            s("一等奖"),
            s("1"),
            s("科学家精神的传承"),
            s("重庆大学"),
            s("沙坪坝区"),
            n(88.0),
            n(53.0),
            n(26.0),
            n(4.0),
            n(5.0),
            n(3.0),
            Data::Empty
        ]
    );
    // Work 5: J1 [26,25,12,8,4,4,4], J2 [27,26,12,8,4,4,4] → content 52, technique 24,
    // creativity 4, artistry 4; mean 84 because two scores cannot be trimmed.
    let row6: Vec<Data> = (0..13).map(|c| cell(&r, 6, c)).collect();
    assert_eq!(
        row6,
        [
            n(4.0),
            s("优秀奖"),
            s("5"),
            s("一粒种子的旅程"),
            s("西南大学"),
            s("北碚区"),
            n(84.0),
            n(52.0),
            n(24.0),
            n(4.0),
            n(4.0),
            n(2.0),
            s("仅 2 个有效评分（去掉最高最低分需至少 3 个），采用平均分"),
        ]
    );
    let column = |c: u32| (3..9).map(|row| cell(&r, row, c)).collect::<Vec<_>>();
    assert_eq!(column(0), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0].map(n));
    assert_eq!(
        column(1),
        ["一等奖", "二等奖", "三等奖", "优秀奖", "优秀奖", "优秀奖"].map(s)
    );
    assert_eq!(column(2), ["1", "6", "2", "5", "4", "3"].map(s));
    assert_eq!(
        column(5),
        [
            "沙坪坝区",
            "九龙坡区",
            "北碚区",
            "北碚区",
            "渝中区",
            "南岸区"
        ]
        .map(s)
    );
    assert_eq!(column(6), [88.0, 86.5, 85.0, 84.0, 79.0, 71.0].map(n));
    assert_eq!(column(11), [3.0, 2.0, 3.0, 2.0, 3.0, 3.0].map(n));
    assert_eq!(cell(&r, 9, 0), Data::Empty);

    // Judges. Mean totals: J1 (93+85+50+79+83+88)/6 = 478/6 = 79.67; J2 (88+81+77+85+85)/5
    // = 83.2; J3 (82+71+82)/3 = 78.33 (the stray score for recused work 5 is not in it);
    // J4 scored 2 works (93, 80): withheld.
    // Severity = mean(total − work's panel mean): J1 (93−87.67) + (85−86.33) + (50−67)
    // + (79−79.33) + (83−84) + (88−86.5) = −12.83 → /6 = −2.14; J2 (88−87.67) + (81−86.33)
    // + (77−79.33) + (85−84) + (85−86.5) = −7.83 → /5 = −1.57; J3 (82−87.67) + (71−67)
    // + (82−79.33) = 1 → /3 = 0.33.
    let j = wb.worksheet_range("评委").unwrap();
    let judge_rows: Vec<Vec<Data>> = (3..7)
        .map(|row| (0..11).map(|c| cell(&j, row, c)).collect())
        .collect();
    assert_eq!(
        judge_rows,
        [
            vec![
                s("J1"),
                s("张伟"),
                s("重庆市科协"),
                s("是"),
                n(6.0),
                n(6.0),
                n(0.0),
                n(0.0),
                n(79.67),
                n(-2.14),
                n(1.0)
            ],
            vec![
                s("J2"),
                s("李娜"),
                s("重庆师范大学"),
                s("是"),
                n(5.0),
                n(5.0),
                n(0.0),
                n(0.0),
                n(83.2),
                n(-1.57),
                n(0.0)
            ],
            vec![
                s("J3"),
                s("王芳"),
                s("重庆日报"),
                s("是"),
                n(4.0),
                n(3.0),
                n(1.0),
                n(0.0),
                n(78.33),
                n(0.33),
                n(0.0)
            ],
            vec![
                s("J4"),
                s("Chen Jie"),
                s("重庆电视台"),
                s("否"),
                n(3.0),
                n(2.0),
                n(0.0),
                n(1.0),
                s("-"),
                s("-"),
                n(0.0)
            ],
        ]
    );
    // No cell of the judges sheet names a work, and no score of the recused pair appears.
    for row in j.rows() {
        for c in row {
            if let Data::String(t) = c {
                assert!(!WORKS.iter().any(|w| t == w.1), "{t}");
            }
        }
    }

    // Statistics: status, method, cut-offs table and the lists.
    let st = wb.worksheet_range("统计").unwrap();
    assert_eq!(cell(&st, 3, 0), s("状态"));
    assert_eq!(cell(&st, 3, 1), s("暂定"));
    assert_eq!(cell(&st, 4, 1), s("去掉最高最低分的平均分"));
    let rows: Vec<Vec<Data>> = st.rows().map(|r| r.to_vec()).collect::<Vec<_>>();
    let find = |label: &str| {
        rows.iter()
            .position(|r| r.first() == Some(&s(label)))
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    let cut = find("奖项分数线");
    // Award, share, cumulative, target, awarded, last place, lowest score, undecided.
    let tiers: Vec<Vec<Data>> = rows[cut + 2..cut + 6]
        .iter()
        .map(|r| r[..8].to_vec())
        .collect();
    assert_eq!(
        tiers,
        [
            vec![
                s("一等奖"),
                n(10.0),
                n(1.0),
                n(1.0),
                n(1.0),
                n(1.0),
                n(88.0),
                n(0.0)
            ],
            vec![
                s("二等奖"),
                n(15.0),
                n(2.0),
                n(1.0),
                n(1.0),
                n(2.0),
                n(86.5),
                n(0.0)
            ],
            vec![
                s("三等奖"),
                n(25.0),
                n(3.0),
                n(1.0),
                n(1.0),
                n(3.0),
                n(85.0),
                n(0.0)
            ],
            vec![
                s("优秀奖"),
                n(50.0),
                n(6.0),
                n(3.0),
                n(3.0),
                n(6.0),
                n(71.0),
                n(0.0)
            ],
        ]
    );
    let spread = find("评分分歧大的作品（极差）");
    assert_eq!(rows[spread + 1][..2], [s("3"), n(30.0)]);
    let out = find("离群评分");
    assert_eq!(rows[out + 1][..3], [s("3"), s("J1"), s("低于去极值平均分")]);
    let short = find("评分不足的作品（有效/应有）");
    assert_eq!(rows[short + 1][..2], [s("6"), s("2/3")]);
    assert_eq!(rows[short + 2][..2], [s("5"), s("2/3")]);
    let uns = find("未提交或未合并的选票");
    assert_eq!(rows[uns + 1][0], s("J4"));
    let rec = find("回避（评委, 作品）");
    assert_eq!(rows[rec + 1][..2], [s("J3"), s("5")]);
    let miss = find("缺失的评分（作品, 评委, 原因）");
    assert_eq!(
        rows[miss + 1][..3],
        [s("6"), s("J4"), s("缺少“剪辑制作”的评分")]
    );
    // The recusal's reason stays in the master.
    assert!(!rows.iter().flatten().any(|c| c == &s("本单位作品")));

    // Methods side by side: work 3 mean 67, trimmed 71.
    let m = wb.worksheet_range("方法对比").unwrap();
    assert_eq!(cell(&m, 8, 0), s("3"));
    assert_eq!(
        (2..6).map(|c| cell(&m, 8, c)).collect::<Vec<_>>(),
        [n(6.0), n(67.0), n(6.0), n(71.0)]
    );
}

/// Minimal well-formedness check of an SVG fragment: every tag opened is closed in order.
fn balanced(svg: &str) -> bool {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        let Some(j) = rest[i..].find('>') else {
            return false;
        };
        let tag = &rest[i + 1..i + j];
        rest = &rest[i + j + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name.trim()) {
                return false;
            }
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or("");
            // HTML void elements have no closing tag.
            if !["br", "meta", "!DOCTYPE"].contains(&name) {
                stack.push(name.to_string());
            }
        }
    }
    stack.is_empty()
}

#[test]
fn html_has_every_work_tier_receipt_and_valid_svg() {
    let (_dir, v) = fixture_view();
    for lang in [Lang::Zh, Lang::En] {
        let html = report::html::render(&v, lang);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script") && !html.contains("http-equiv"));
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
        assert!(html.contains("@media print"));
        for ((id, title, unit), district) in WORKS.iter().zip(DISTRICTS) {
            let escaped = title
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            assert!(html.contains(&escaped), "{title}");
            assert!(
                html.contains(&format!("<td>{unit}</td><td>{district}</td>")),
                "{unit} {district}"
            );
            assert!(html.contains(&format!("data-work=\"{id}\"")), "{id}");
        }
        assert!(html.contains(match lang {
            Lang::Zh => "<th>区县</th>",
            Lang::En => "<th>District</th>",
        }));
        assert!(!html.contains("<模型>"), "titles are escaped");
        let tiers = match lang {
            Lang::Zh => ["一等奖", "二等奖", "三等奖", "优秀奖"],
            Lang::En => [
                "First prize",
                "Second prize",
                "Third prize",
                "Honourable mention",
            ],
        };
        for t in tiers {
            assert!(html.contains(t), "{t}");
        }
        for (j, name, _) in JUDGES {
            let code = receipt(&head(j));
            assert!(html.contains(&code), "receipt {code} of {j}");
            assert!(html.contains(name));
        }
        let banner = v.provisional_banner(lang).unwrap();
        assert!(html.contains(&format!("<div class=\"banner provisional\">{banner}</div>")));
        // Three plots, each well formed, with the marks they are made of.
        let svgs: Vec<&str> = html
            .match_indices("<svg")
            .map(|(i, _)| {
                let end = html[i..].find("</svg>").unwrap() + i + "</svg>".len();
                &html[i..end]
            })
            .collect();
        assert_eq!(svgs.len(), 3);
        for svg in &svgs {
            assert!(balanced(svg), "{svg}");
            assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        }
        assert!(svgs[0].contains("class=\"cutoff\"") && svgs[0].matches("<circle").count() == 6);
        // J1, J2, J3 are drawn; J4 (2 works) is not.
        assert_eq!(svgs[1].matches("class=\"judge\"").count(), 3);
        assert!(!svgs[1].contains("J4"));
        // Spread bars for works 1–4 (3 counted totals each), not for 5 and 6.
        assert_eq!(svgs[2].matches("<rect").count(), 4);
        assert!(balanced(&html), "the whole document is well formed");
    }
}

#[test]
fn csv_parses_back_with_bom() {
    let (_dir, v) = fixture_view();
    let text = report::csv::render(&v, Lang::Zh).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "状态");
    assert_eq!(header[1..].join(","), ZH_RESULT_COLUMNS);
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r[0] == "暂定"));
    assert_eq!(
        rows[0][1..13],
        [
            "1",
            "一等奖",
            "1",
            "科学家精神的传承",
            "重庆大学",
            "沙坪坝区",
            "88.00",
            "53.00",
            "26.00",
            "4.00",
            "5.00",
            "3"
        ]
    );
    let by_work: BTreeMap<&str, (&str, &str)> = rows
        .iter()
        .map(|r| (r[3].as_str(), (r[1].as_str(), r[7].as_str())))
        .collect();
    assert_eq!(by_work["4"], ("5", "79.00"));
    assert_eq!(by_work["6"], ("2", "86.50"));
    assert_eq!(rows[4][4], "数据 & <模型>");
}

#[test]
fn terminal_table_rows_have_equal_display_width() {
    let (_dir, v) = fixture_view();
    for lang in [Lang::Zh, Lang::En] {
        let lines = report::table::table_lines(&v, lang);
        assert_eq!(lines.len(), 2 + 6);
        let w = UnicodeWidthStr::width(lines[0].as_str());
        for l in &lines {
            assert_eq!(UnicodeWidthStr::width(l.as_str()), w, "{l:?}");
        }
        let text = report::table::render(&v, lang);
        assert!(text.contains(&v.provisional_banner(lang).unwrap()));
        for (_, title, _) in WORKS {
            assert!(text.contains(title), "{title}");
        }
    }
    let zh = report::table::render(&v, Lang::Zh);
    assert!(zh.contains("评委 J3 回避作品 5"), "{zh}");
    assert!(zh.contains("作品 6 评委 J4：缺少“剪辑制作”的评分"), "{zh}");
    assert!(
        zh.contains(
            "一等奖：10%（四舍五入，累计前 1 名），应评 1 件，实评 1 件，末位第 1 名，88.00 分"
        ),
        "{zh}"
    );
    assert!(zh.contains("86.50*"), "{zh}");
}

#[test]
fn a_method_override_ranks_on_that_method() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let v = view(
        dir.path(),
        Some(jury_core::model::contest::AggregationMethod::Mean),
    );
    // Means: 1 87.67, 6 86.5, 2 86.33, 5 84, 4 79.33, 3 67.
    let aggs: Vec<String> = v
        .rows
        .iter()
        .map(|r| format!("{}:{}", r.work, jury_core::results::fmt_score(r.aggregate)))
        .collect();
    assert_eq!(
        aggs,
        ["1:87.67", "6:86.50", "2:86.33", "5:84.00", "4:79.33", "3:67.00"]
    );
    assert!(v.rows.iter().all(|r| !r.fallback));
    let text = report::table::render(&v, Lang::En);
    assert!(text.contains("Ranked on: mean (the contest is configured for trimmed mean)"));
}

fn jury_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_jury"))
}

fn jury(dir: &Path) -> Command {
    let mut c = Command::new(jury_bin());
    c.env("JURY_KEY", KEY)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .arg("--contest")
        .arg(dir);
    c
}

#[test]
fn jury_results_prints_the_table_and_writes_files() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());

    let out = jury(dir.path()).arg("results").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    crate::helpers::assert_ok(&out, "jury results");
    assert!(
        stdout.contains("科学家精神的传承") && stdout.contains("一等奖"),
        "{stdout}"
    );
    assert!(stdout.contains("暂定结果"), "{stdout}");

    let out = jury(dir.path())
        .args(["--lang", "en", "results", "--format", "xlsx"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    crate::helpers::assert_ok(&out, "jury results");
    let default = dir.path().join("results.xlsx");
    assert!(stdout.contains(&default.display().to_string()), "{stdout}");
    assert!(stdout.contains("PROVISIONAL"), "{stdout}");
    let mut wb: Xlsx<_> = open_workbook(&default).unwrap();
    let r = wb.worksheet_range("Results").unwrap();
    assert_eq!(cell(&r, 2, 5), s("District"));
    assert_eq!(cell(&r, 3, 6), n(88.0));

    let html = dir.path().join("report.html");
    let out = jury(dir.path())
        .args(["results", "--format", "html", "--out"])
        .arg(&html)
        .output()
        .unwrap();
    crate::helpers::assert_ok(&out, "jury results");
    assert!(std::fs::read_to_string(&html).unwrap().contains("</html>"));

    let out = jury(dir.path())
        .args(["results", "--format", "csv", "--method", "zscore", "--out"])
        .arg(dir.path().join("z.csv"))
        .output()
        .unwrap();
    crate::helpers::assert_ok(&out, "jury results");

    // A wrong key is a one-line error and exit 1, not a panic.
    let out = jury(dir.path())
        .env("JURY_KEY", "not the key")
        .arg("results")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn an_empty_contest_renders_everywhere_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let contest = jury_core::data::CONTEST_2023.replace(
        "rubric = \"cq-2023-short-video\"",
        "rubric = \"rubric.toml\"",
    );
    std::fs::write(dir.path().join("contest.toml"), contest).unwrap();
    std::fs::write(dir.path().join("rubric.toml"), jury_core::data::RUBRIC_2023).unwrap();
    let folder = ContestFolder::load(dir.path()).unwrap();
    Master::create(
        &dir.path().join(MASTER_FILE),
        &BallotKey::parse(KEY).unwrap(),
        &folder.contest.id,
    )
    .unwrap();
    let v = view(dir.path(), None);
    assert!(v.rows.is_empty() && !v.provisional);
    for lang in [Lang::Zh, Lang::En] {
        let lines = report::table::table_lines(&v, lang);
        assert_eq!(lines.len(), 2);
        assert!(report::html::render(&v, lang).contains("</html>"));
        assert!(report::csv::render(&v, lang).is_ok());
        assert!(report::xlsx::render(&v, lang).is_ok());
    }
    let out = jury(dir.path()).arg("results").output().unwrap();
    crate::helpers::assert_ok(&out, "jury results");
}

#[test]
fn formula_like_titles_stay_text_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let folder = ContestFolder::load(dir.path()).unwrap();
    let mut master = folder.open_master(&BallotKey::parse(KEY).unwrap()).unwrap();
    master
        .write(|tx, path| {
            tx.execute(
                "UPDATE works SET title = '=HYPERLINK(\"http://x\")' WHERE id = '1'",
                [],
            )
            .map_err(sqlite_err(path))?;
            Ok(())
        })
        .unwrap();
    drop(master);
    let v = view(dir.path(), None);
    let text = report::csv::render(&v, Lang::En).unwrap();
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let first = rd.records().next().unwrap().unwrap();
    assert_eq!(&first[4], "'=HYPERLINK(\"http://x\")");
}

/// Two submitted judges, J1 and J2, each scoring every work in `works` with its steps.
fn two_judges<'c>(
    contest: &'c jury_core::model::Contest,
    works: &[(&str, BTreeMap<String, u32>)],
) -> jury_core::tally::TallyInput<'c> {
    const JUDGES: [&str; 2] = ["J1", "J2"];
    let pairs = || {
        works
            .iter()
            .flat_map(|(w, steps)| JUDGES.map(|j| (j, *w, steps)))
    };
    jury_core::tally::TallyInput {
        contest,
        works: works.iter().map(|(w, _)| w.to_string()).collect(),
        judges: JUDGES.map(String::from).to_vec(),
        assignments: pairs().map(|(j, w, _)| (j.into(), w.into())).collect(),
        sheets: pairs()
            .map(|(j, w, steps)| jury_core::tally::Sheet {
                judge: j.into(),
                work: w.into(),
                scores: steps.clone(),
                complete: true,
            })
            .collect(),
        recusals: Vec::new(),
        submitted: JUDGES.map(String::from).into(),
    }
}

#[test]
fn a_tie_across_a_tier_boundary_is_shown_as_the_panels_decision() {
    // Two works with the same two sheets tie at place 1. With two ranked works the cut-offs
    // are round(0.2) = 0, round(0.5) = 1 (halves up), round(1.0) = 1: the tied pair spans
    // 二等奖 (position 1) and 优秀奖 (position 2); the contest flags such ties.
    let contest = jury_core::data::contest_template("cq-2023-short-video").unwrap();
    let steps: BTreeMap<String, u32> = CRITERIA
        .iter()
        .map(|c| c.to_string())
        .zip([25, 25, 12, 8, 4, 4, 4])
        .collect();
    let input = two_judges(&contest, &[("A", steps.clone()), ("B", steps)]);
    let v = ResultsView::build(&input, None, &[], &[], &[]);
    assert!(!v.provisional);
    assert_eq!(v.award_label(&v.rows[0], Lang::Zh), "待定（二等奖/优秀奖）");
    assert_eq!(ResultsView::place_label(&v.rows[1]), "1=");
    let zh = report::table::render(&v, Lang::Zh);
    assert!(
        zh.contains("并列第 1 名（A, B）跨越 二等奖/优秀奖 分界，请评委会决定"),
        "{zh}"
    );
    let html = report::html::render(&v, Lang::En);
    assert_eq!(html.matches("<tr class=\"undecided\"").count(), 2);
    assert!(html.contains("panel decides (Second prize / Honourable mention)"));
    assert!(html.contains("Final results"));
}

/// Timing of the outputs on the tally bench's size (10,000 works × 100 judges × 5 per work).
/// Run with `cargo test --release --test results_report large -- --ignored --nocapture`.
#[test]
#[ignore]
fn large_contest_outputs_timing() {
    use rand::{Rng, SeedableRng};
    use std::time::Instant;
    let contest = jury_core::data::contest_template("cq-2023-short-video").unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(2023);
    let works: Vec<String> = (0..10_000).map(|w| format!("W{w:05}")).collect();
    let judges: Vec<String> = (0..100).map(|j| format!("J{j:03}")).collect();
    let mut input = jury_core::tally::TallyInput {
        contest: &contest,
        works: works.clone(),
        judges: judges.clone(),
        assignments: Vec::new(),
        sheets: Vec::new(),
        recusals: Vec::new(),
        submitted: judges.iter().cloned().collect(),
    };
    for w in &works {
        for j in rand::seq::index::sample(&mut rng, 100, 5) {
            let scores = contest
                .rubric
                .criteria()
                .map(|c| {
                    (
                        c.id.clone(),
                        rng.random_range(c.max_steps() / 3..=c.max_steps()),
                    )
                })
                .collect();
            input.assignments.push((judges[j].clone(), w.clone()));
            input.sheets.push(jury_core::tally::Sheet {
                judge: judges[j].clone(),
                work: w.clone(),
                scores,
                complete: true,
            });
        }
    }
    let records: Vec<jury_store::master::WorkRecord> = works
        .iter()
        .map(|w| jury_store::master::WorkRecord {
            id: w.clone(),
            title: format!("作品 {w}"),
            unit: "重庆大学".into(),
            ..Default::default()
        })
        .collect();
    let t = Instant::now();
    let v = ResultsView::build(&input, None, &records, &[], &[]);
    println!("view (3 tallies): {:?}", t.elapsed());
    let t = Instant::now();
    let table = report::table::render(&v, Lang::Zh);
    println!("table: {:?} ({} bytes)", t.elapsed(), table.len());
    let t = Instant::now();
    let csv = report::csv::render(&v, Lang::Zh).unwrap();
    println!("csv: {:?} ({} bytes)", t.elapsed(), csv.len());
    let t = Instant::now();
    let xlsx = report::xlsx::render(&v, Lang::Zh).unwrap();
    println!("xlsx: {:?} ({} bytes)", t.elapsed(), xlsx.len());
    let t = Instant::now();
    let html = report::html::render(&v, Lang::Zh);
    println!("html: {:?} ({} bytes)", t.elapsed(), html.len());
    assert_eq!(v.rows.len(), 10_000);
}

/// The named part of an XLSX file (a zip of XML parts).
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut part = zip.by_name(name).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut part, &mut text).unwrap();
    text
}

/// The value of attribute `name` in the XML tag starting at `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let end = tag.find('>').unwrap_or(tag.len());
    let tag = &tag[..end];
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split('"').next()
}

/// The number format code of cell `r` ("F4") of a sheet part, by the workbook's styles.
fn number_format(sheet: &str, styles: &str, r: &str) -> String {
    let cell = &sheet[sheet
        .find(&format!("<c r=\"{r}\""))
        .unwrap_or_else(|| panic!("no cell {r}"))..];
    let xf: usize = attr(cell, "s").map_or(0, |s| s.parse().unwrap());
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let tag = xfs.split("<xf ").nth(xf + 1).unwrap();
    let id = attr(&format!(" {tag}"), "numFmtId").unwrap().to_string();
    // Built-in formats have no numFmt element.
    match id.as_str() {
        "0" => "General".into(),
        "1" => "0".into(),
        "2" => "0.00".into(),
        _ => {
            let at = styles.find(&format!("<numFmt numFmtId=\"{id}\"")).unwrap();
            attr(&styles[at..], "formatCode").unwrap().to_string()
        }
    }
}

#[test]
fn xlsx_numbers_carry_one_format_per_column_and_print_on_a4_landscape() {
    let (_dir, v) = fixture_view();
    let bytes = report::xlsx::render(&v, Lang::Zh).unwrap();
    let styles = xlsx_part(&bytes, "xl/styles.xml");
    let results = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    let judges = xlsx_part(&bytes, "xl/worksheets/sheet2.xml");
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let r = wb.worksheet_range("结果").unwrap();
    // Rows 4..9 hold the six works: place, score, subtotals and judges are number cells,
    // each column in one format (88 is "88.00" above 86.5 as "86.50").
    for row in 4..=9 {
        for (col, letter, code) in [
            (0, "A", "0"),
            (6, "G", "0.00"),
            (7, "H", "0.00"),
            (10, "K", "0.00"),
            (11, "L", "0"),
        ] {
            assert!(
                matches!(cell(&r, row - 1, col), Data::Float(_)),
                "{letter}{row} is a number"
            );
            assert_eq!(
                number_format(&results, &styles, &format!("{letter}{row}")),
                code,
                "{letter}{row}"
            );
        }
    }
    // Judges: mean total and severity with two decimals, J4's withheld ones are "-".
    assert_eq!(number_format(&judges, &styles, "I4"), "0.00");
    assert_eq!(number_format(&judges, &styles, "J4"), "0.00");
    assert_eq!(number_format(&judges, &styles, "E4"), "0");
    let j = wb.worksheet_range("评委").unwrap();
    assert_eq!(cell(&j, 6, 8), s("-"));

    // Every sheet: header row frozen, A4 landscape one page wide, rows 1-3 on every page.
    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    for (i, name) in ["结果", "评委", "统计", "方法对比"].iter().enumerate() {
        let sheet = xlsx_part(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(
            sheet.contains("<pane ySplit=\"3\" topLeftCell=\"A4\" activePane=\"bottomLeft\" state=\"frozen\"/>"),
            "{name}: {sheet}"
        );
        let setup = &sheet[sheet.find("<pageSetup").unwrap()..];
        assert_eq!(attr(setup, "paperSize"), Some("9"), "{name}");
        assert_eq!(attr(setup, "orientation"), Some("landscape"), "{name}");
        assert_eq!(attr(setup, "fitToHeight"), Some("0"), "{name}");
        assert!(sheet.contains("<col "), "{name} has column widths");
        assert!(
            workbook.contains(&format!(
                "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">{name}!$1:$3<"
            )),
            "{name}: {workbook}"
        );
    }
}

#[test]
fn every_score_column_has_two_decimals_in_csv_html_and_the_table() {
    let (_dir, v) = fixture_view();
    let two = |x: &str| {
        let x = x.trim_end_matches('*');
        matches!(x.split_once('.'), Some((w, f)) if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) && f.len() == 2 && f.bytes().all(|b| b.is_ascii_digit()))
    };
    let text = report::csv::render(&v, Lang::En).unwrap();
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    for rec in rd.records() {
        let rec = rec.unwrap();
        // Score and the four subtotal means.
        for c in 7..12 {
            assert!(two(&rec[c]), "{:?}", &rec[c]);
        }
    }
    // The terminal table: the same numbers, fallback mark after them.
    for line in &report::table::table_lines(&v, Lang::En)[2..] {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let n = cells.len();
        for x in &cells[n - 6..n - 1] {
            assert!(two(x), "{x} in {line}");
        }
    }
    // HTML: the score and subtotal cells of the ranked table.
    let html = report::html::render(&v, Lang::En);
    let ranked = &html[html.find("<section class=\"ranked\">").unwrap()..];
    let ranked = &ranked[..ranked.find("</table>").unwrap()];
    let nums: Vec<&str> = ranked
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    // Per work: place, score, 4 subtotals, judges.
    assert_eq!(nums.len(), 6 * 7);
    for work in nums.chunks(7) {
        for x in &work[1..6] {
            assert!(two(x), "{x}");
        }
    }
}

#[test]
fn a_tie_broken_by_the_tie_break_order_is_marked_in_every_output() {
    // A and B both total 84 with each judge; A has 52 on 题材内容 (content), B 50. The
    // contest's first tie-break is group:content, so A ranks above B; C (70) is third.
    let contest = jury_core::data::contest_template("cq-2023-short-video").unwrap();
    let sheet = |a: [u32; 7]| -> BTreeMap<String, u32> {
        CRITERIA.iter().map(|c| c.to_string()).zip(a).collect()
    };
    let steps = [
        ("A", sheet([26, 26, 12, 8, 4, 4, 4])),
        ("B", sheet([25, 25, 13, 9, 4, 4, 4])),
        ("C", sheet([20, 20, 12, 8, 4, 3, 3])),
    ];
    let input = two_judges(&contest, &steps);
    let v = ResultsView::build(&input, None, &[], &[], &[]);
    let order: Vec<(&str, Option<usize>)> =
        v.rows.iter().map(|r| (r.work.as_str(), r.place)).collect();
    assert_eq!(order, [("A", Some(1)), ("B", Some(2)), ("C", Some(3))]);
    assert_eq!(v.rows[0].ties_broken.len(), 1);
    assert!(v.rows[0].ties_broken[0].above);
    assert_eq!(v.rows[1].ties_broken[0].with, "A");
    assert!(v.rows[2].ties_broken.is_empty());

    let zh = report::table::render(&v, Lang::Zh);
    assert!(
        zh.contains("同分按排序规则区分：\n  作品 A 与 B 同分（84.00 分），按题材内容区分，A 在前"),
        "{zh}"
    );
    let en = report::table::render(&v, Lang::En);
    assert!(
        en.contains("A and B tie on 84.00; Subject and content puts A first"),
        "{en}"
    );
    let html = report::html::render(&v, Lang::En);
    assert!(html.contains("A and B tie on 84.00; Subject and content puts A first"));

    // CSV and XLSX: in the note column of both works, after the fallback rule's note.
    let csv = report::csv::render(&v, Lang::Zh).unwrap();
    let mut rd = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let notes: Vec<String> = rd
        .records()
        .map(|r| r.unwrap().iter().next_back().unwrap().to_string())
        .collect();
    let trim = "仅 2 个有效评分（去掉最高最低分需至少 5 个），采用平均分";
    assert_eq!(
        notes,
        [
            format!("{trim}；与作品 B 同分，按题材内容排前"),
            format!("{trim}；与作品 A 同分，按题材内容排后"),
            trim.to_string(),
        ]
    );
    let bytes = report::xlsx::render(&v, Lang::En).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let r = wb.worksheet_range("Results").unwrap();
    assert_eq!(
        cell(&r, 4, 12),
        s("mean: 2 scores, trimming needs 5; tied with A, behind on Subject and content")
    );
}

#[test]
fn a_provisional_public_list_says_so_without_naming_judges() {
    use jury::report::audience::{public_csv, Audience};
    let (_dir, v) = fixture_view();
    assert!(v.provisional && v.tally.unsubmitted == ["J4"]);
    let html = report::html::render_for(&v, Lang::Zh, Audience::Public);
    assert!(html.contains("暂定结果：尚有评委评分未提交"));
    let xlsx = report::xlsx::render_for(&v, Lang::Zh, Audience::Public).unwrap();
    let strings = xlsx_part(&xlsx, "xl/sharedStrings.xml");
    assert!(strings.contains("暂定结果：尚有评委评分未提交"));
    let csv = public_csv(&v, Lang::Zh).unwrap();
    assert!(csv.contains("暂定"));
    for text in [&html, &strings, &csv] {
        for (id, name, unit) in JUDGES {
            assert!(!text.contains(id) && !text.contains(name) && !text.contains(unit));
        }
    }
    // Work 1 (一等奖) is listed; the panel's file keeps the full banner naming J4.
    assert!(html.contains("科学家精神的传承"));
    let panel = report::html::render_for(&v, Lang::Zh, Audience::Panel);
    assert!(panel.contains("J4"));
}
