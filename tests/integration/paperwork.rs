//! What leaves the room, on a generated 40-work contest: 8 districts, 6 judges (5 per work,
//! trimmed mean), every ballot merged and submitted, comments, one recusal; 优秀奖 for the
//! best 10 after the tiers, 优秀组织奖 for the best 3 districts. Each test runs the real
//! binary on a real SQLCipher master and reads back the files it writes.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use jury::commands::results::ResultsSource;
use jury::i18n::{text, Lang};
use jury::report::{self, audience::Audience, ResultsView};
use jury_core::model::Points;
use jury_core::tally::{Award, AwardOutcome, Subtotals, WorkRule};
use jury_store::cipher::sqlite_err;
use jury_store::folder::ContestFolder;
use jury_store::master::{Master, MASTER_FILE};
use jury_store::BallotKey;

const KEY: &str = "paperwork fixture passphrase";
const WORKS: usize = 40;
/// The first eight districts recommend the works.
const DISTRICTS: &[&str] = jury_testkit::CHONGQING_DISTRICTS.split_at(8).0;
/// Distinctive names, so a leak is found by a byte search.
const JUDGES: [&str; 6] = [
    "欧阳明远",
    "司马静怡",
    "诸葛文华",
    "上官云舒",
    "Judge Alphonse",
    "慕容清风",
];
/// Rubric criteria and their maxima (whole-point steps).
const CRITERIA: [(&str, u32); 7] = [
    ("theme", 30),
    ("story", 30),
    ("image", 15),
    ("editing", 10),
    ("subtitles", 5),
    ("creativity", 5),
    ("artistry", 5),
];
const CHAIR: &str = "周建国";

fn district(w: usize) -> &'static str {
    // Uneven: the first districts recommend more works.
    DISTRICTS[(w % 11).min(7)]
}

fn judge_id(j: usize) -> String {
    format!("J{}", j + 1)
}

/// Work `w` (1-based) is judged by every judge but one.
fn assigned(w: usize, j: usize) -> bool {
    j != w % JUDGES.len()
}

/// Steps of judge `j` on work `w`, criterion `c`: below the maximum by a spread that
/// depends on all three, so works differ and judges disagree.
fn steps(w: usize, j: usize, c: usize) -> u32 {
    let max = CRITERIA[c].1;
    let room = max / 3 + 1;
    max - ((w * 7 + j * 11 + c * 5 + w * j) as u32 % room)
}

/// The recused pair (J1 on work 2), with its reason.
const RECUSED: (usize, usize) = (0, 2);

fn comment(w: usize, j: usize) -> Option<String> {
    ((w + j) % 3 == 0).then(|| format!("作品{w}评语{}：画面清晰，主题突出", j + 1))
}

fn fixture(dir: &Path) {
    let contest = jury_core::data::CONTEST_2023
        .replace(
            "rubric = \"cq-2023-short-video\"",
            "rubric = \"rubric.toml\"",
        )
        .replace("rest = \"all\"", "rest = { count = 10 }")
        .replace(
            "count = 10\nby = \"district\"",
            "count = 3\nby = \"district\"",
        )
        .replace("chair = \"\"", &format!("chair = \"{CHAIR}\""));
    std::fs::write(dir.join("contest.toml"), contest).unwrap();
    std::fs::write(dir.join("rubric.toml"), jury_core::data::RUBRIC_2023).unwrap();
    let folder = ContestFolder::load(dir).unwrap();
    assert_eq!(
        folder.contest.awards.organization.as_ref().unwrap().count,
        3
    );
    assert_eq!(folder.contest.panel.chair, CHAIR);
    let key = BallotKey::parse(KEY).unwrap();
    let mut master = Master::create(&dir.join(MASTER_FILE), &key, &folder.contest.id).unwrap();
    master
        .write(|tx, path| {
            let e = sqlite_err(path);
            for w in 1..=WORKS {
                let title = if w == 7 {
                    "<b>数据</b> & 模型".to_string()
                } else {
                    format!("科学家精神短视频{w}")
                };
                tx.execute(
                    "INSERT INTO works (id, title, unit, district, creators) VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![
                        w.to_string(),
                        title,
                        format!("{}创作单位{w}", district(w)),
                        district(w),
                        format!("主创{w}甲、主创{w}乙")
                    ],
                )
                .map_err(&e)?;
            }
            for (j, name) in JUDGES.iter().enumerate() {
                let id = judge_id(j);
                tx.execute(
                    "INSERT INTO judges (id, name, unit) VALUES (?1, ?2, ?3)",
                    rusqlite::params![id, name, format!("评审单位{}", j + 1)],
                )
                .map_err(&e)?;
                tx.execute(
                    "INSERT INTO ballots (ballot_id, judge_id, key, file_name, assignment_version,
                        issued_at, merged_revision, merged_head, merged_at, submitted)
                     VALUES (?1, ?2, 'k', ?3, 1, 0, 2, ?4, 0, 1)",
                    rusqlite::params![
                        format!("B-{id}"),
                        id,
                        format!("{id}.ballot"),
                        hex::encode([j as u8 + 1; 32])
                    ],
                )
                .map_err(&e)?;
            }
            for w in 1..=WORKS {
                for j in (0..JUDGES.len()).filter(|&j| assigned(w, j)) {
                    let (jid, wid) = (judge_id(j), w.to_string());
                    tx.execute(
                        "INSERT INTO assignments (work_id, judge_id) VALUES (?1, ?2)",
                        [&wid, &jid],
                    )
                    .map_err(&e)?;
                    if (j, w) == RECUSED {
                        tx.execute(
                            "INSERT INTO recusals (judge_id, work_id, reason) VALUES (?1, ?2, '本单位作品')",
                            [&jid, &wid],
                        )
                        .map_err(&e)?;
                        // A comment left before recusing must reach no output.
                        tx.execute(
                            "INSERT INTO comments (judge_id, work_id, text) VALUES (?1, ?2, '回避前的评语')",
                            [&jid, &wid],
                        )
                        .map_err(&e)?;
                        continue;
                    }
                    for (c, (crit, _)) in CRITERIA.iter().enumerate() {
                        tx.execute(
                            "INSERT INTO scores (judge_id, work_id, criterion_id, steps, ballot_id, revision)
                             VALUES (?1, ?2, ?3, ?4, ?5, 2)",
                            rusqlite::params![jid, wid, crit, steps(w, j, c), format!("B-{jid}")],
                        )
                        .map_err(&e)?;
                    }
                    if let Some(text) = comment(w, j) {
                        tx.execute(
                            "INSERT INTO comments (judge_id, work_id, text) VALUES (?1, ?2, ?3)",
                            [&jid, &wid, &text],
                        )
                        .map_err(&e)?;
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

fn view(dir: &Path, method: Option<jury_core::model::contest::AggregationMethod>) -> ResultsView {
    let folder = ContestFolder::load(dir).unwrap();
    let master = folder.open_master(&BallotKey::parse(KEY).unwrap()).unwrap();
    ResultsSource::load(&master)
        .unwrap()
        .view(&folder.contest, method)
}

fn jury(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jury"));
    c.env("JURY_KEY", KEY)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .arg("--lang")
        .arg("zh")
        .arg("--contest")
        .arg(dir);
    c
}

fn run(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every XML part of an XLSX file, concatenated (what a byte search must look through).
fn xlsx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        std::io::Read::read_to_string(&mut part, &mut all).unwrap();
    }
    all
}

fn esc(s: &str) -> String {
    report::html::esc(s)
}

#[test]
fn one_certificate_per_awarded_work_one_per_page() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let v = view(dir.path(), None);
    assert!(!v.provisional);
    let awarded: Vec<_> = v.award_list().into_iter().flat_map(|(_, w)| w).collect();
    // 40 ranked works: tiers take 4, 6 and 10, the rest rule 10 more (ties may add some).
    assert!(awarded.len() >= 30, "{}", awarded.len());
    assert!(
        awarded.len() < WORKS,
        "the rest rule leaves works without an award"
    );
    let out = dir.path().join("certs");
    let said = run(jury(dir.path()).arg("certificates").arg("--out").arg(&out));
    assert!(
        said.contains(&format!("{} 张获奖证书", awarded.len())),
        "{said}"
    );

    let combined = std::fs::read_to_string(out.join("certificates.html")).unwrap();
    assert_eq!(
        combined.matches("<section class=\"cert\"").count(),
        awarded.len()
    );
    assert!(combined.contains("@page { size: A4 landscape; margin: 0; }"));
    assert!(combined.contains(".cert { width: 297mm; height: 210mm;"));
    assert!(combined.contains("page-break-after: always"));
    // Exactly one file per certificate, besides the combined file.
    let files = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            let n = e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .into_owned();
            n.ends_with(".html") && n != "certificates.html"
        })
        .count();
    assert_eq!(files, awarded.len());

    let rules = &v.contest.awards;
    for (i, r) in awarded.iter().enumerate() {
        let number = format!("CQKX-2023-{:03}", i + 1);
        let one = std::fs::read_to_string(out.join(format!("{number}.html"))).unwrap();
        assert_eq!(one.matches("<section class=\"cert\"").count(), 1);
        let Some(AwardOutcome::Awarded(a)) = r.award else {
            panic!("{} is on the list", r.work)
        };
        for needle in [
            esc(&r.title),
            esc(&r.unit),
            esc(&r.creators),
            esc(a.label(rules, Lang::Zh)),
            number.clone(),
        ] {
            assert!(one.contains(&needle), "{number}: {needle}");
        }
        // Issuers default to the call's three organisers.
        for o in [
            "重庆市科学技术局",
            "中共重庆市委宣传部",
            "重庆市科学技术协会",
        ] {
            assert!(one.contains(o));
        }
    }
    // The PDF: one A4 landscape page per certificate with the CJK font embedded, when the
    // machine has one (`make deps` installs fonts-noto-cjk); otherwise the command says so.
    let pdf = out.join("certificates.pdf");
    if report::pdf::find_cjk_font().is_some() {
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(report::pdf::page_count(&bytes), awarded.len());
        assert!(String::from_utf8_lossy(&bytes).contains("/MediaBox [0 0 841.89 595.28]"));
        assert!(bytes.windows(9).any(|w| w == b"/FontFile"), "font embedded");
        assert!(said.contains("certificates.pdf"), "{said}");
    } else {
        assert!(!pdf.exists());
        assert!(said.contains("未生成 PDF"), "{said}");
    }
    // The hostile title is shown, never markup.
    assert!(!combined.contains("<b>数据</b>"));
    // To look at the output (e.g. render it with a headless browser), name a folder.
    if let Some(keep) = std::env::var_os("JURY_PAPERWORK_KEEP") {
        let keep = Path::new(&keep);
        std::fs::create_dir_all(keep).unwrap();
        for e in std::fs::read_dir(&out).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), keep.join(e.file_name())).unwrap();
        }
        run(jury(dir.path()).arg("sheets").arg("--out").arg(keep));
        for a in ["public", "panel", "internal"] {
            run(jury(dir.path())
                .args(["results", "--format", "html", "--audience", a, "--out"])
                .arg(keep.join(format!("results-{a}.html"))));
        }
    }

    // The mail-merge CSV: one row per certificate, same numbers and awards.
    let csv_text = std::fs::read_to_string(out.join("certificates.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), awarded.len());
    for (row, r) in rows.iter().zip(&awarded) {
        assert_eq!(&row[2], r.work.as_str());
        assert_eq!(&row[6], r.creators.as_str());
    }

    // --tier first: only the first prizes, with the numbers of the full run.
    let firsts = dir.path().join("firsts");
    run(jury(dir.path())
        .args(["certificates", "--tier", "first", "--out"])
        .arg(&firsts));
    let first = std::fs::read_to_string(firsts.join("certificates.html")).unwrap();
    let n_first = awarded
        .iter()
        .filter(|r| r.award == Some(AwardOutcome::Awarded(Award::Tier(0))))
        .count();
    assert_eq!(first.matches("<section class=\"cert\"").count(), n_first);
    assert!(first.contains("CQKX-2023-001"));
    assert!(!first.contains(&format!("CQKX-2023-{:03}", n_first + 1)));
    // An unknown tier is one clear line.
    let bad = jury(dir.path())
        .args(["certificates", "--tier", "gold"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("gold") && err.contains("first"), "{err}");
}

#[test]
fn each_judges_sheet_totals_equal_their_ballot() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let out = dir.path().join("sheets");
    run(jury(dir.path()).arg("sheets").arg("--out").arg(&out));
    let mut wb: Xlsx<_> = open_workbook(out.join("sheets.xlsx")).unwrap();
    let names: Vec<String> = (0..JUDGES.len()).map(judge_id).collect();
    assert_eq!(wb.sheet_names(), names);
    let total_col = 2 + CRITERIA.len() as u32 + 4;
    for (j, id) in names.iter().enumerate() {
        let r = wb.worksheet_range(id).unwrap();
        let works: Vec<usize> = (1..=WORKS).filter(|&w| assigned(w, j)).collect();
        for (i, &w) in works.iter().enumerate() {
            let row = 3 + i as u32;
            assert_eq!(
                r.get_value((row, 0)),
                Some(&Data::String(w.to_string())),
                "{id} row {row}"
            );
            let total = r
                .get_value((row, total_col))
                .cloned()
                .filter(|d| *d != Data::Empty);
            if (j, w) == RECUSED {
                assert_eq!(total, None, "a recused work has no total");
                let reason = r.get_value((row, total_col + 2)).cloned();
                assert_eq!(reason, Some(Data::String("回避：本单位作品".into())));
                let comment = r
                    .get_value((row, total_col + 1))
                    .cloned()
                    .filter(|d| *d != Data::Empty);
                assert_eq!(comment, None, "a recused pair's comment stays out");
                continue;
            }
            // The ballot's total: the sum of the judge's steps (whole points).
            let ballot: u32 = (0..CRITERIA.len()).map(|c| steps(w, j, c)).sum();
            assert_eq!(total, Some(Data::Float(f64::from(ballot))), "{id} work {w}");
            // Group subtotals: content = theme + story.
            assert_eq!(
                r.get_value((row, 2 + CRITERIA.len() as u32)).cloned(),
                Some(Data::Float(f64::from(steps(w, j, 0) + steps(w, j, 1))))
            );
            let comment = r
                .get_value((row, total_col + 1))
                .cloned()
                .filter(|d| *d != Data::Empty);
            assert_eq!(comment, comment_of(w, j).map(Data::String));
        }
    }
    // One printable page per judge, and each judge's own file.
    let all = std::fs::read_to_string(out.join("sheets.html")).unwrap();
    assert_eq!(
        all.matches("<section class=\"judge\"").count(),
        JUDGES.len()
    );
    assert!(all.contains("@page { size: A4 landscape"));
    for (j, name) in JUDGES.iter().enumerate() {
        let one = std::fs::read_to_string(out.join(format!("sheet-{}.html", judge_id(j)))).unwrap();
        assert!(one.contains(&esc(name)));
        assert!(one.contains("评审专家签字"));
        // The receipt of the merged ballot.
        let head = hex::encode([j as u8 + 1; 32]);
        assert!(one.contains(&jury_core::chain::receipt(&head)));
    }
}

fn comment_of(w: usize, j: usize) -> Option<String> {
    comment(w, j)
}

#[test]
fn the_public_list_names_no_judge_and_the_internal_report_names_all() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let judge_words: Vec<String> = JUDGES
        .iter()
        .map(|s| s.to_string())
        .chain(
            [
                "report.judge.severity",
                "report.judge.mean_total",
                "report.section.high_spread",
                "report.section.outliers",
                "report.html.statistics",
                "report.html.receipts",
                "report.comments.heading",
            ]
            .map(|k| text(Lang::Zh, k).to_string()),
        )
        .chain(["Krippendorff", "ICC", "评语", "内部资料"].map(String::from))
        .collect();
    let mut files = BTreeMap::new();
    for audience in ["public", "panel", "internal"] {
        for format in ["html", "csv", "xlsx"] {
            let path = dir.path().join(format!("{audience}.{format}"));
            run(jury(dir.path())
                .args([
                    "results",
                    "--format",
                    format,
                    "--audience",
                    audience,
                    "--out",
                ])
                .arg(&path));
            let bytes = std::fs::read(&path).unwrap();
            let text = if format == "xlsx" {
                xlsx_text(&bytes)
            } else {
                String::from_utf8(bytes).unwrap()
            };
            files.insert((audience, format), text);
        }
    }
    let v = view(dir.path(), None);
    for format in ["html", "csv", "xlsx"] {
        let public = &files[&("public", format)];
        for w in &judge_words {
            assert!(!public.contains(w.as_str()), "public {format} says {w}");
        }
        // Every awarded work, with its district and creators.
        for (_, works) in v.award_list() {
            for r in works {
                assert!(public.contains(&esc(&r.creators)), "{format}: {}", r.work);
                assert!(public.contains(r.district.as_str()));
            }
        }
        // No score of any kind: the first work's score is nowhere.
        let top = jury_core::results::fmt_score(v.rows[0].aggregate);
        assert!(!public.contains(&top), "public {format} shows {top}");
    }
    let html = &files[&("public", "html")];
    assert!(html.contains("获奖名单"));
    let tiers: Vec<usize> = ["一等奖（", "二等奖（", "三等奖（", "优秀奖（"]
        .iter()
        .map(|t| html.find(t).unwrap_or_else(|| panic!("{t}")))
        .collect();
    assert!(tiers.windows(2).all(|p| p[0] < p[1]), "the call's order");
    assert!(html.contains("优秀组织奖"));

    for format in ["html", "xlsx"] {
        let internal = &files[&("internal", format)];
        for w in &judge_words {
            // The workbook has no receipts and names its sections its own way.
            let html_only = [
                text(Lang::Zh, "report.html.receipts"),
                text(Lang::Zh, "report.html.statistics"),
                text(Lang::Zh, "report.section.high_spread"),
            ];
            if format == "xlsx" && html_only.contains(&w.as_str()) {
                continue;
            }
            assert!(internal.contains(w.as_str()), "internal {format} lacks {w}");
        }
    }
    // The panel's file: ranked table, signature page with every judge, the chair and a seal
    // box per organiser; no statistics.
    let panel = &files[&("panel", "html")];
    for name in JUDGES {
        assert!(panel.contains(&esc(name)), "{name}");
    }
    assert!(panel.contains(CHAIR));
    assert_eq!(panel.matches("class=\"seal\"").count(), 3);
    assert!(panel.contains("（盖章）"));
    assert!(!panel.contains("Krippendorff"));
    assert!(!panel.contains("内部资料"));
}

#[test]
fn the_organisation_award_is_computed_from_the_districts() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let v = view(dir.path(), None);
    let org = v.organization.as_ref().unwrap();
    assert_eq!(org.rows.len(), DISTRICTS.len());
    // Independently: points per district from the awards (5 / 3 / 2 / 1).
    let points = |a: Option<AwardOutcome>| match a {
        Some(AwardOutcome::Awarded(Award::Tier(0))) => 5,
        Some(AwardOutcome::Awarded(Award::Tier(1))) => 3,
        Some(AwardOutcome::Awarded(Award::Tier(2))) => 2,
        Some(AwardOutcome::Awarded(Award::Rest)) => 1,
        _ => 0,
    };
    let mut expect: BTreeMap<&str, (u32, usize)> = BTreeMap::new();
    for r in &v.rows {
        let e = expect.entry(r.district.as_str()).or_default();
        e.0 += points(r.award);
        e.1 += 1;
    }
    for row in &org.rows {
        assert_eq!(
            (row.points, row.recommended),
            expect[row.name.as_str()],
            "{}",
            row.name
        );
    }
    // Ordered by points, then by works recommended; the best 3 get it.
    assert!(org
        .rows
        .windows(2)
        .all(|p| { (p[0].points, p[0].recommended) >= (p[1].points, p[1].recommended) }));
    assert_eq!(org.given, 3);
    assert!(org.rows[..3].iter().all(|r| r.awarded));
    // Listed with its points in the public and the panel report.
    for audience in [Audience::Public, Audience::Panel] {
        let html = report::html::render_for(&v, Lang::Zh, audience);
        let section = &html[html.find("class=\"org-award\"").unwrap()..];
        for row in &org.rows {
            assert!(
                section.contains(&format!(
                    "<td>{}</td><td>{}</td><td>{}</td>",
                    row.place, row.name, row.recommended
                )),
                "{}",
                row.name
            );
            assert!(section.contains(&format!("<td>{}</td>", row.points)));
        }
    }
}

#[test]
fn subtotals_add_up_to_the_trimmed_mean_and_plain_means_say_so() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let v = view(dir.path(), None);
    let mut trimmed = 0;
    for r in &v.rows {
        assert_eq!(r.subtotals, Subtotals::Split);
        let sum = r
            .group_scores
            .iter()
            .fold(num_rational::Ratio::from_integer(0), |a, s| a + s.0);
        // Exactly, before rounding ...
        assert_eq!(Some(sum), r.aggregate.map(|a| a.0), "work {}", r.work);
        // ... and within rounding as printed.
        let printed: i64 = r.group_scores.iter().map(|s| s.rounded().0).sum();
        let score = r.aggregate.unwrap().rounded().0;
        assert!((printed - score).abs() <= r.group_scores.len() as i64 / 2 + 1);
        if matches!(r.rule, WorkRule::Trimmed { .. }) {
            trimmed += 1;
        }
    }
    // Work 2 lost J1 to a recusal: 4 scores, too few to trim, plain mean; the rest trim.
    assert_eq!(trimmed, WORKS - 1);
    let csv = report::csv::render(&v, Lang::Zh).unwrap();
    assert!(!csv.contains("（平均）"));
    // Under the z-score the subtotals cannot be split: plain means, and the header says so.
    let z = view(
        dir.path(),
        Some(jury_core::model::contest::AggregationMethod::Zscore),
    );
    assert!(z.rows.iter().all(|r| r.subtotals == Subtotals::PlainMeans));
    let csv = report::csv::render(&z, Lang::Zh).unwrap();
    assert!(csv.lines().next().unwrap().contains("题材内容（平均）"));
    let _ = Points(0);
}

#[test]
fn comments_csv_letters_the_judges_and_leaves_out_recused_pairs() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let path = dir.path().join("comments.csv");
    run(jury(dir.path())
        .args(["results", "--comments", "--out"])
        .arg(&path));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with('\u{feff}'));
    for name in JUDGES {
        assert!(!text.contains(name), "{name}");
    }
    assert!(!text.contains("回避前的评语"));
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    let expected = (1..=WORKS)
        .flat_map(|w| (0..JUDGES.len()).map(move |j| (w, j)))
        .filter(|&(w, j)| assigned(w, j) && (j, w) != RECUSED && comment(w, j).is_some())
        .count();
    assert_eq!(rows.len(), expected);
    assert!(rows.iter().all(|r| r[2].starts_with("评委 ")));
    // Per work, letters run A, B, C … in order.
    let mut by_work: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &rows {
        by_work
            .entry(r[0].to_string())
            .or_default()
            .push(r[2].to_string());
    }
    for letters in by_work.values() {
        let want: Vec<String> = (0..letters.len())
            .map(|i| format!("评委 {}", (b'A' + i as u8) as char))
            .collect();
        assert_eq!(letters, &want);
    }
    // The internal report names who wrote what.
    let v = view(dir.path(), None);
    let html = report::html::render_for(&v, Lang::Zh, Audience::Internal);
    assert!(html.contains("评委 A（J"));
}
