//! `jury import works|judges` and `jury probe` driven through the real binary on forms and
//! clips generated here: every encoding lands the same works, re-imports change nothing,
//! bad input leaves the master exactly as it was, and probe gates on missing or
//! non-compliant videos.

use crate::helpers::{assert_ok, show};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jury_media::testclip::Clip;
use jury_store::master::Master;
use jury_store::BallotKey;
use rust_xlsxwriter::{Format, Workbook};

const KEY: &str = "organizer passphrase for tests";

fn jury() -> Command {
    let mut c = crate::helpers::jury();
    c.env("JURY_KEY", KEY);
    c
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh contest folder made by `jury init`.
fn contest(dir: &Path, template: &str) -> PathBuf {
    let c = dir.join("contest");
    let out = jury()
        .args(["init", "--template", template])
        .arg(&c)
        .output()
        .unwrap();
    assert_ok(&out, "jury");
    c
}

fn run(contest: &Path, args: &[&str]) -> Output {
    crate::helpers::run_in(contest, KEY, args)
}

fn import(contest: &Path, what: &str, file: &Path, extra: &[&str]) -> Output {
    jury()
        .arg("--contest")
        .arg(contest)
        .args(["--lang", "en", "import", what])
        .arg(file)
        .args(extra)
        .output()
        .unwrap()
}

fn master(contest: &Path) -> Master {
    Master::open(
        &contest.join("master.jury"),
        &BallotKey::parse(KEY).unwrap(),
    )
    .unwrap()
}

/// Everything the master holds, audit included, as comparable text.
fn snapshot(contest: &Path) -> String {
    let m = master(contest);
    format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}",
        m.works().unwrap(),
        m.judges().unwrap(),
        m.probes().unwrap(),
        m.audit().unwrap()
    )
}

/// The works and judges only (what a re-import must not change).
fn data_snapshot(contest: &Path) -> String {
    let m = master(contest);
    format!(
        "{:#?}\n{:#?}\n{:#?}",
        m.works().unwrap(),
        m.judges().unwrap(),
        m.probes().unwrap()
    )
}

const HEADER: [&str; 5] = [
    "序号",
    "作品名称",
    "创作单位",
    "推荐单位（区县）",
    "视频文件",
];

fn rows() -> Vec<[&'static str; 5]> {
    vec![
        ["1", "追光者", "重庆大学", "渝中区", "1.mp4"],
        [
            "2",
            "深海里的灯塔",
            "重庆医科大学",
            "渝中区",
            "videos/2.mp4",
        ],
        ["3", "雾都科技", "重庆理工大学", "江北区", "3.mp4"],
    ]
}

fn csv_text(header: &[&str], rows: &[[&str; 5]]) -> String {
    let mut s = String::from("2023 年短视频大赛作品推荐表\r\n");
    s.push_str(&header.join(","));
    s.push_str("\r\n");
    for r in rows {
        s.push_str(&r.join(","));
        s.push_str("\r\n");
    }
    s
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn xlsx(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let mut book = Workbook::new();
    let f = Format::new();
    let ws = book.add_worksheet();
    ws.merge_range(0, 0, 0, 5, "2023 年短视频大赛作品区县推荐表", &f)
        .unwrap();
    // A two-level header: 序号 … merged down, 联系方式 merged across 联系人 | 电话.
    for (c, h) in HEADER.iter().enumerate().take(4) {
        ws.merge_range(1, c as u16, 2, c as u16, h, &f).unwrap();
    }
    ws.merge_range(1, 4, 1, 5, "联系方式", &f).unwrap();
    ws.write_string(2, 4, "联系人").unwrap();
    ws.write_string(2, 5, "电话").unwrap();
    ws.merge_range(1, 6, 2, 6, "视频文件", &f).unwrap();
    for (i, r) in rows().iter().enumerate() {
        let row = 3 + i as u32;
        ws.write_number(row, 0, (i + 1) as f64).unwrap();
        ws.write_string(row, 1, r[1]).unwrap();
        ws.write_string(row, 2, r[2]).unwrap();
        ws.write_string(row, 3, r[3]).unwrap();
        ws.write_string(row, 4, "王老师").unwrap();
        ws.write_string(row, 5, "13800000000").unwrap();
        ws.write_string(row, 6, r[4]).unwrap();
    }
    book.save(&path).unwrap();
    path
}

/// Work fields a form carries, without its source.
fn work_fields(contest: &Path) -> Vec<(String, String, String, String, Option<String>)> {
    master(contest)
        .works()
        .unwrap()
        .into_iter()
        .map(|w| (w.id, w.title, w.unit, w.district, w.media_file))
        .collect()
}

#[test]
fn every_encoding_and_a_merged_xlsx_land_the_same_works() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = csv_text(&HEADER, &rows());
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&utf8);
    assert!(!lossy);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(utf8.as_bytes());
    let forms = [
        (write(dir.path(), "utf8.csv", &utf8), "UTF-8"),
        (write(dir.path(), "bom.csv", &bom), "UTF-8 (BOM)"),
        (write(dir.path(), "gbk.csv", &gbk), "GB18030"),
        (xlsx(dir.path(), "merged.xlsx"), "XLSX"),
    ];
    let mut first = None;
    for (i, (form, encoding)) in forms.iter().enumerate() {
        let c = contest(&dir.path().join(i.to_string()), "cq-2023-short-video");
        let out = import(&c, "works", form, &[]);
        assert_ok(&out, "jury");
        let report = text(&out.stdout);
        assert!(report.contains(encoding), "{encoding}: {report}");
        assert!(
            report.contains("works: 3 new, 0 changed, 0 unchanged"),
            "{report}"
        );
        // Videos have not arrived: imported and flagged, never dropped.
        assert!(
            report.contains("video not found (yet) for 3 works"),
            "{report}"
        );
        let got = work_fields(&c);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].3, "渝中区");
        match &first {
            None => first = Some(got),
            Some(f) => assert_eq!(f, &got, "{encoding}"),
        }
        let audit = master(&c).audit().unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, "import");
        assert_eq!(audit[0].file_sha256.len(), 64);
    }
    // The quota check of the 2023 call: each district recommends 3–5 works.
    let c = dir.path().join("0/contest");
    let again = import(&c, "works", &forms[0].0, &[]);
    let report = text(&again.stdout);
    assert!(report.contains("quota check"), "{report}");
    assert!(
        report.contains("district 渝中区: only 2 works, fewer than its quota of 3 (works 1, 2)"),
        "{report}"
    );
}

#[test]
fn re_import_changes_nothing_and_a_changed_row_updates_its_work() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let form = write(dir.path(), "works.csv", csv_text(&HEADER, &rows()));
    assert!(import(&c, "works", &form, &[]).status.success());
    let before = data_snapshot(&c);
    let out = import(&c, "works", &form, &[]);
    assert_ok(&out, "jury");
    assert!(
        text(&out.stdout).contains("works: 0 new, 0 changed, 3 unchanged"),
        "{}",
        show(&out)
    );
    assert_eq!(before, data_snapshot(&c));
    let audit = master(&c).audit().unwrap();
    assert_eq!(audit.last().unwrap().outcome, "unchanged");

    let mut changed = rows();
    changed[1][1] = "深海里的灯塔（修订版）";
    changed.push(["4", "山城之光", "重庆师范大学", "江北区", "4.mp4"]);
    write(dir.path(), "works.csv", csv_text(&HEADER, &changed));
    let out = import(&c, "works", &form, &[]);
    assert_ok(&out, "jury");
    let report = text(&out.stdout);
    assert!(
        report.contains("works: 1 new, 1 changed, 2 unchanged"),
        "{report}"
    );
    assert!(report.contains("changed 2"), "{report}");
    let works = master(&c).works().unwrap();
    assert_eq!(works.len(), 4);
    assert_eq!(works[1].id, "2");
    assert_eq!(works[1].title, "深海里的灯塔（修订版）");
}

#[test]
fn a_bad_row_refuses_the_whole_file_unless_skip_bad() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let mut bad = rows();
    bad[1][1] = ""; // row 4: no title
    let form = write(dir.path(), "works.csv", csv_text(&HEADER, &bad));
    let before = snapshot(&c);
    let out = import(&c, "works", &form, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(text(&out.stdout).contains("row 4:"), "{}", show(&out));
    let err = text(&out.stderr);
    assert!(
        err.contains("--skip-bad") && err.contains("nothing imported"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(before, snapshot(&c));

    let out = import(&c, "works", &form, &["--skip-bad"]);
    assert_ok(&out, "jury");
    let report = text(&out.stdout);
    assert!(
        report.contains("1 bad rows left out") && report.contains("row 4:"),
        "{report}"
    );
    let ids: Vec<(String, String)> = master(&c)
        .works()
        .unwrap()
        .into_iter()
        .map(|w| (w.id, w.origin_no))
        .collect();
    // The bad row's work is not numbered; 序号 3 is kept as the origin of work 2.
    assert_eq!(
        ids,
        [("1".to_string(), "1".to_string()), ("2".into(), "3".into())]
    );
}

#[test]
fn broken_forms_leave_the_master_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let good = write(dir.path(), "good.csv", csv_text(&HEADER, &rows()));
    assert!(import(&c, "works", &good, &[]).status.success());
    let before = snapshot(&c);

    let mut dup = rows();
    dup[2][0] = "1";
    let utf8_of_gbk_read_as_latin1: String = encoding_rs::GBK
        .encode(&csv_text(&HEADER, &rows()))
        .0
        .iter()
        .map(|&b| char::from(b))
        .collect();
    // 50 MB of noise: one pseudo-random 64 KiB block, repeated.
    let mut x: u32 = 12345;
    let block: Vec<u8> = (0..1 << 16)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    let junk = block.repeat(800);
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        (
            "duplicate work numbers",
            write(dir.path(), "dup.csv", csv_text(&HEADER, &dup)),
            "also used on row",
        ),
        (
            "missing title column",
            write(
                dir.path(),
                "missing.csv",
                "序号,创作单位,推荐单位\n1,重庆大学,渝中区\n",
            ),
            "作品名称",
        ),
        (
            "unknown columns",
            write(dir.path(), "unknown.csv", "姓氏,邮箱\n王,a@b.c\n"),
            "",
        ),
        ("empty file", write(dir.path(), "empty.csv", ""), "empty"),
        ("50 MB junk", write(dir.path(), "junk.csv", &junk), ""),
        (
            "GBK text once read as Latin-1 and saved as UTF-8",
            write(dir.path(), "mojibake.csv", utf8_of_gbk_read_as_latin1),
            "",
        ),
        (
            "header only",
            write(dir.path(), "header.csv", HEADER.join(",")),
            "no works",
        ),
        (
            "no such file",
            dir.path().join("nowhere.csv"),
            "nowhere.csv",
        ),
    ];
    for (what, file, expect) in cases {
        let started = std::time::Instant::now();
        let out = import(&c, "works", &file, &[]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", show(&out));
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{what}: one line: {err}");
        let said = format!("{}{err}", text(&out.stdout));
        assert!(said.contains(expect), "{what}: {said}");
        assert_eq!(before, snapshot(&c), "{what}: the master changed");
        assert!(
            started.elapsed().as_secs() < 10,
            "{what}: took {:?}",
            started.elapsed()
        );
    }
    // A judges list given as works, and works given as judges.
    let judges = write(dir.path(), "judges.csv", "姓名,工作单位\n张明,重庆大学\n");
    assert_eq!(import(&c, "works", &judges, &[]).status.code(), Some(1));
    assert_eq!(import(&c, "judges", &good, &[]).status.code(), Some(1));
    assert_eq!(before, snapshot(&c));
}

#[test]
fn a_wrong_key_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let form = write(dir.path(), "works.csv", csv_text(&HEADER, &rows()));
    let out = jury()
        .env("JURY_KEY", "not the key")
        .arg("--contest")
        .arg(&c)
        .args(["import", "works"])
        .arg(&form)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("wrong key"), "{err}");
    assert_eq!(err.matches("wrong key").count(), 1, "said once: {err}");
    assert!(master(&c).works().unwrap().is_empty());
}

#[test]
fn judges_keep_their_ids_and_declared_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let list = "姓名,工作单位,区县,联系电话,回避单位,回避作品,职称\n\
                张明,重庆大学,沙坪坝区,13600000001,重庆大学、重庆医科大学,3,教授\n\
                李华,西南大学,北碚区,13600000002,无,,研究员\n\
                王芳,重庆市科学技术研究院,渝北区,13600000003,重庆邮电大学,\"1、2\",正高级工程师\n";
    let form = write(dir.path(), "judges.csv", list);
    let out = import(&c, "judges", &form, &[]);
    assert_ok(&out, "jury");
    let report = text(&out.stdout);
    assert!(report.contains("judges: 3 new"), "{report}");
    assert!(report.contains("columns ignored: 职称"), "{report}");
    let judges = master(&c).judges().unwrap();
    let ids: Vec<(&str, &str)> = judges
        .iter()
        .map(|j| (j.id.as_str(), j.name.as_str()))
        .collect();
    assert_eq!(ids, [("J01", "张明"), ("J02", "李华"), ("J03", "王芳")]);
    assert_eq!(judges[0].conflict_units, ["重庆医科大学", "重庆大学"]);
    assert_eq!(judges[0].conflict_works, ["3"]);
    assert_eq!(judges[2].conflict_works, ["1", "2"]);

    let before = data_snapshot(&c);
    let out = import(&c, "judges", &form, &[]);
    assert!(
        text(&out.stdout).contains("judges: 0 new, 0 changed, 3 unchanged"),
        "{}",
        show(&out)
    );
    assert_eq!(before, data_snapshot(&c));

    // A newcomer on top, and 李华 now declares a conflict: ids stay, the newcomer is J04.
    let list2 = "姓名,工作单位,区县,联系电话,回避单位,回避作品\n\
                 赵强,重庆邮电大学,南岸区,13600000004,,\n\
                 张明,重庆大学,沙坪坝区,13600000001,重庆大学、重庆医科大学,3\n\
                 李华,西南大学,北碚区,13600000002,,2\n\
                 王芳,重庆市科学技术研究院,渝北区,13600000003,重庆邮电大学,\"1、2\"\n";
    write(dir.path(), "judges.csv", list2);
    let out = import(&c, "judges", &form, &[]);
    assert_ok(&out, "jury");
    assert!(
        text(&out.stdout).contains("judges: 1 new, 1 changed, 2 unchanged"),
        "{}",
        show(&out)
    );
    let judges = master(&c).judges().unwrap();
    let ids: Vec<(&str, &str)> = judges
        .iter()
        .map(|j| (j.id.as_str(), j.name.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("J01", "张明"),
            ("J02", "李华"),
            ("J03", "王芳"),
            ("J04", "赵强")
        ]
    );
    assert_eq!(judges[1].conflict_works, ["2"]);

    // A judge without a unit is a bad row; the master stays as it was.
    let before = snapshot(&c);
    let bad = write(
        dir.path(),
        "bad.csv",
        "姓名,工作单位\n孙丽,\n周杰,重庆大学\n",
    );
    let out = import(&c, "judges", &bad, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(text(&out.stdout).contains("row 2:"), "{}", show(&out));
    assert_eq!(before, snapshot(&c));
}

fn clip(path: &Path, (width, height): (u32, u32), audio: bool) {
    Clip {
        audio,
        ..Clip::sized(width, height, 2)
    }
    .make(path)
    .unwrap();
}

#[test]
fn probe_checks_every_work_stores_results_and_gates_on_missing_or_breaking() {
    let dir = tempfile::tempdir().unwrap();
    // The micro-lecture call: MP4, ≤ 10 min, 16:9 — two-second clips can comply.
    let c = contest(dir.path(), "cq-micro-lecture");
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(forms.join("videos")).unwrap();
    let header = ["序号", "作品名称", "创作单位", "推荐单位", "视频文件"];
    // The works of `rows()` (work 2's video relative to the form's own folder), work 3 in
    // 4:3, and a fourth whose video has not arrived.
    let mut works = rows();
    works[2][1] = "四比三";
    works.push(["4", "还没到", "重庆师范大学", "江北区", "4.mp4"]);
    let form = write(&forms, "推荐表.csv", csv_text(&header, &works));
    clip(&c.join("media/1.mp4"), (1280, 720), true);
    clip(&forms.join("videos/2.mp4"), (1280, 720), true);
    clip(&c.join("media/3.mp4"), (640, 480), true);
    let out = import(&c, "works", &form, &[]);
    assert_ok(&out, "jury");
    assert!(
        text(&out.stdout).contains("video not found (yet) for 1 works: 4"),
        "{}",
        show(&out)
    );

    let out = run(&c, &["probe", "--jobs", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let table = text(&out.stdout);
    assert!(
        table.contains("4 works: 2 compliant, 1 break a rule, 1 missing"),
        "{table}"
    );
    assert!(
        out.stderr.is_empty(),
        "no progress bar off a terminal: {}",
        show(&out)
    );
    let line = |id: &str| crate::helpers::line_of(&table, id);
    assert!(line("1").contains(" ok "), "{table}");
    assert!(
        line("3").contains("FAIL") && line("3").contains("4:3"),
        "{table}"
    );
    assert!(
        line("4").contains("MISSING") && line("4").contains("looked in"),
        "{table}"
    );

    let probes = master(&c).probes().unwrap();
    assert_eq!(probes.len(), 4);
    let p1 = &probes["1"];
    assert!(p1.found && p1.compliant);
    assert_eq!(
        p1.sha256.as_deref(),
        Some(
            jury_media::sha256_file(&c.join("media/1.mp4"))
                .unwrap()
                .as_str()
        )
    );
    assert_eq!(
        p1.size_bytes,
        Some(std::fs::metadata(c.join("media/1.mp4")).unwrap().len())
    );
    assert!(
        p1.duration_ms.is_some_and(|d| (1500..=2500).contains(&d)),
        "{p1:?}"
    );
    let p2 = &probes["2"];
    assert!(p2.found && p2.compliant, "{p2:?}");
    assert!(
        p2.media_path
            .as_deref()
            .unwrap()
            .contains("forms/videos/2.mp4"),
        "{p2:?}"
    );
    assert!(probes["3"].found && !probes["3"].compliant);
    assert!(!probes["4"].found && probes["4"].sha256.is_none());
    assert!(
        probes["4"].note.contains("media/4.mp4"),
        "{:?}",
        probes["4"]
    );
    // The ballot works carry the SHA-256 and the note.
    let ballot_works = master(&c).ballot_works().unwrap();
    assert_eq!(ballot_works[0].media_sha256, p1.sha256);

    // Fix 3, and deliver 4 without sound: the call requires sound, so probe still fails.
    clip(&c.join("media/3.mp4"), (1920, 1080), true);
    clip(&c.join("media/4.mp4"), (1280, 720), false);
    let out = run(&c, &["probe"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        text(&out.stdout).contains("no audio track (the contest requires sound)"),
        "{}",
        show(&out)
    );
    // With sound it passes and says so with exit 0.
    clip(&c.join("media/4.mp4"), (1280, 720), true);
    let out = run(&c, &["probe"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(text(&out.stdout).contains("4 works: 4 compliant, 0 break a rule, 0 missing"));
}

#[test]
fn probe_in_chinese_and_without_works_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let out = jury()
        .current_dir(&c)
        .args(["--lang", "zh", "probe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        text(&out.stderr).contains("jury import works"),
        "{}",
        show(&out)
    );

    let form = write(dir.path(), "works.csv", csv_text(&HEADER, &rows()[..1]));
    assert!(import(&c, "works", &form, &[]).status.success());
    let out = jury()
        .current_dir(&c)
        .args(["--lang", "zh", "probe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = text(&out.stdout);
    assert!(
        table.contains("缺视频") && table.contains("共 1 个作品"),
        "{table}"
    );
}

fn import_many(contest: &Path, paths: &[&Path], extra: &[&str]) -> Output {
    jury()
        .arg("--contest")
        .arg(contest)
        .args(["--lang", "en", "import", "works"])
        .args(paths)
        .args(extra)
        .output()
        .unwrap()
}

fn district_form(dir: &Path, name: &str, district: &str, works: &[(&str, &str)]) -> PathBuf {
    let mut s = format!(
        "作品区县推荐表\n推荐单位（盖章）：{district}科学技术局\n序号,作品名称,创作单位,主创人员\n"
    );
    for (i, (title, unit)) in works.iter().enumerate() {
        s.push_str(&format!("{},{title},{unit},张三、李四\n", i + 1));
    }
    write(dir, name, s)
}

#[test]
fn district_forms_numbering_from_one_get_stable_contest_wide_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    let a = district_form(
        &forms,
        "a-渝中.csv",
        "渝中区",
        &[("追光者", "重庆大学"), ("雾都", "西南大学")],
    );
    let b = district_form(
        &forms,
        "b-江北.csv",
        "江北区",
        &[
            ("江城", "重庆交通大学"),
            ("山城", "重庆理工大学"),
            ("桥都", "重庆师范大学"),
        ],
    );
    // Named in reverse order: the numbers follow the forms' names, not the command line.
    let out = import_many(&c, &[&b, &a], &[]);
    assert_ok(&out, "jury");
    assert!(
        text(&out.stdout).contains("works: 5 new, 0 changed, 0 unchanged"),
        "{}",
        show(&out)
    );
    assert!(
        text(&out.stdout).contains("new 3 “江城” (b-江北.csv No. 1)"),
        "{}",
        show(&out)
    );
    let works = master(&c).works().unwrap();
    let got: Vec<(&str, &str, &str, &str)> = works
        .iter()
        .map(|w| {
            (
                w.id.as_str(),
                w.title.as_str(),
                w.origin_no.as_str(),
                w.district.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("1", "追光者", "1", "渝中区"),
            ("2", "雾都", "2", "渝中区"),
            ("3", "江城", "1", "江北区"),
            ("4", "山城", "2", "江北区"),
            ("5", "桥都", "3", "江北区"),
        ]
    );
    assert_eq!(works[0].creators, "张三、李四");
    assert!(works[2].source.ends_with("b-江北.csv"));
    let before = data_snapshot(&c);
    // Again, one at a time, in either order, and as a folder: nothing changes.
    for paths in [
        vec![a.as_path()],
        vec![b.as_path(), a.as_path()],
        vec![forms.as_path()],
    ] {
        let out = import_many(&c, &paths, &[]);
        assert_ok(&out, "jury");
        assert!(
            text(&out.stdout).contains(" 0 new, 0 changed"),
            "{}",
            show(&out)
        );
        assert_eq!(before, data_snapshot(&c));
    }
    // A later form's new work gets the next free number; the old ones keep theirs.
    let late = district_form(
        &forms,
        "c-南岸.csv",
        "南岸区",
        &[("雾都", "西南大学"), ("南山", "重庆工商大学")],
    );
    let out = import_many(&c, &[&late], &[]);
    assert_ok(&out, "jury");
    let out = text(&out.stdout);
    assert!(
        out.contains("works: 1 new, 1 changed, 0 unchanged"),
        "{out}"
    );
    let works = master(&c).works().unwrap();
    assert_eq!(works.len(), 6);
    assert_eq!(
        (works[5].id.as_str(), works[5].title.as_str()),
        ("6", "南山")
    );
}

#[test]
fn the_same_work_twice_in_one_import_names_both_rows() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let a = district_form(dir.path(), "a.csv", "渝中区", &[("追光者", "重庆大学")]);
    let b = district_form(
        dir.path(),
        "b.csv",
        "江北区",
        &[("《追光者》", "重庆 大学")],
    );
    let before = snapshot(&c);
    let out = import_many(&c, &[&a, &b], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let report = text(&out.stdout);
    assert!(
        report.contains("b.csv row 4: “追光者” (重庆大学) is already on a.csv row 4"),
        "{report}"
    );
    assert_eq!(before, snapshot(&c));
}

#[test]
fn an_explicit_work_number_column_is_honoured_in_every_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let form = write(
        dir.path(),
        "numbered.csv",
        "序号,作品编号,作品名称,创作单位\n1,０７,甲,重庆大学\n2,012,乙,西南大学\n",
    );
    let out = import(&c, "works", &form, &[]);
    assert_ok(&out, "jury");
    let ids: Vec<String> = master(&c)
        .works()
        .unwrap()
        .into_iter()
        .map(|w| w.id)
        .collect();
    assert_eq!(ids, ["7", "12"]);
    let dup = write(
        dir.path(),
        "dup.csv",
        "作品编号,作品名称,创作单位\n1,甲,重庆大学\n01,乙,西南大学\n1.0,丙,重庆理工大学\n",
    );
    let out = import(&c, "works", &dup, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let report = text(&out.stdout);
    assert!(
        report.contains("row 2: work number 1 is also used on row 3, 4"),
        "{report}"
    );
    assert!(
        report.contains("row 3: work number 1 is also used on row 2, 4"),
        "{report}"
    );
}

#[test]
fn import_help_lists_the_accepted_headers() {
    let out = jury().args(["import", "--help"]).output().unwrap();
    assert_ok(&out, "jury");
    let help = text(&out.stdout);
    for needle in [
        "作品编号",
        "序号",
        "主创人员",
        "作者",
        "推荐单位",
        "回避单位",
        "FILE_OR_DIR",
    ] {
        assert!(help.contains(needle), "{needle} missing from\n{help}");
    }
}

#[test]
fn every_sheet_with_a_form_header_is_read_and_the_others_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let path = dir.path().join("all-districts.xlsx");
    let mut book = Workbook::new();
    for (sheet, rows) in [
        (
            "渝中区",
            vec![["1", "追光者", "重庆大学"], ["2", "雾都", "西南大学"]],
        ),
        ("填表说明", vec![]),
        ("江北区", vec![["1", "江城", "重庆交通大学"]]),
    ] {
        let ws = book.add_worksheet();
        ws.set_name(sheet).unwrap();
        if rows.is_empty() {
            ws.write_string(0, 0, "请按表头填写，每个作品一行").unwrap();
            continue;
        }
        for (col, h) in ["序号", "作品名称", "创作单位"].iter().enumerate() {
            ws.write_string(0, col as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (col, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, col as u16, *v).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let out = import(&c, "works", &path, &[]);
    assert_ok(&out, "jury");
    let report = text(&out.stdout);
    assert!(report.contains("works: 3 new"), "{report}");
    assert!(
        report.contains("sheet “填表说明” skipped: no form header in it"),
        "{report}"
    );
    let works = master(&c).works().unwrap();
    let got: Vec<(&str, &str, &str)> = works
        .iter()
        .map(|w| (w.id.as_str(), w.origin_sheet.as_str(), w.origin_no.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("1", "江北区", "1"),
            ("2", "渝中区", "1"),
            ("3", "渝中区", "2")
        ]
    );
}

#[test]
fn control_characters_in_cells_are_stripped_with_a_warning_naming_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let c = contest(dir.path(), "cq-2023-short-video");
    let form = write(
        dir.path(),
        "ctl.csv",
        format!(
            "序号,作品名称,创作单位\n1,追光\u{1b}者\u{7},重庆\u{202e}大学\n2,雾都,西南大学\n{}",
            (3..40)
                .map(|i| format!("{i},作品{i},重庆师范大学\n"))
                .collect::<String>()
        ),
    );
    let out = import(&c, "works", &form, &[]);
    assert_ok(&out, "jury");
    let report = text(&out.stdout);
    assert!(
        report.contains("warning: row 2: control characters removed from 作品名称, 创作单位"),
        "{report}"
    );
    assert!(
        !report.contains('\u{1b}') && !report.contains("row 3: control"),
        "{report}"
    );
    let works = master(&c).works().unwrap();
    assert_eq!(
        (works[0].title.as_str(), works[0].unit.as_str()),
        ("追光者", "重庆大学")
    );
}

#[test]
fn init_takes_its_id_from_the_flag_or_the_folder_and_titles_from_flags() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("渝中 2025 微课");
    let out = jury()
        .args(["init", "--template", "cq-micro-lecture"])
        .arg(&named)
        .output()
        .unwrap();
    assert_ok(&out, "jury");
    let folder = jury_store::folder::ContestFolder::load(&named).unwrap();
    assert_eq!(folder.contest.id, "渝中-2025-微课");
    let c = dir.path().join("c2");
    let out = jury()
        .args([
            "init",
            "--template",
            "cq-2023-short-video",
            "--id",
            "cq-2025-sv",
        ])
        .args([
            "--title-zh",
            "2025年“科普”短视频大赛",
            "--title-en",
            "2025 \"Science\" contest",
        ])
        .arg(&c)
        .output()
        .unwrap();
    assert_ok(&out, "jury");
    let contest = jury_store::folder::ContestFolder::load(&c).unwrap().contest;
    assert_eq!(contest.id, "cq-2025-sv");
    assert_eq!(contest.title_zh, "2025年“科普”短视频大赛");
    assert_eq!(contest.title_en, "2025 \"Science\" contest");
    // The template's rules are kept.
    assert!(contest.media.require_audio);
    let out = jury()
        .args(["init", "--id", " "])
        .arg(dir.path().join("c3"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        text(&out.stderr).contains("--id is empty"),
        "{}",
        show(&out)
    );
}
