//! Word documents as forms: the annex-2 recommendation table and the annex-3 unit form read
//! from real .docx packages written here, imported through the real binary; documents that
//! are no form and zip bombs refused with one line each.

use crate::helpers::{assert_ok, show};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jury_store::master::{Master, WorkRecord};
use jury_store::BallotKey;
use jury_testkit::docx::{DocCell, Docx};

const KEY: &str = "organizer passphrase for docx tests";

fn jury() -> Command {
    let mut c = crate::helpers::jury();
    c.env("JURY_KEY", KEY);
    c
}

pub(crate) fn contest(dir: &Path, template: &str) -> PathBuf {
    let c = dir.join("contest");
    let out = jury()
        .args(["init", "--template", template])
        .arg(&c)
        .output()
        .unwrap();
    assert_ok(&out, "jury");
    c
}

pub(crate) fn import(contest: &Path, files: &[&Path]) -> Output {
    jury()
        .arg("--contest")
        .arg(contest)
        .args(["--lang", "en", "import", "works"])
        .args(files)
        .output()
        .unwrap()
}

pub(crate) fn works(contest: &Path) -> Vec<WorkRecord> {
    Master::open(
        &contest.join("master.jury"),
        &BallotKey::parse(KEY).unwrap(),
    )
    .unwrap()
    .works()
    .unwrap()
}

/// Annex 2 as a district sends it: title paragraphs, the header with 联系方式 spanning two
/// sub-columns, one row per work numbered from 1.
pub(crate) fn annex2(path: &Path, district: &str, titles: &[(&str, &str)]) {
    let mut rows: Vec<Vec<DocCell>> = vec![
        vec![
            "序号".into(),
            "作品名称".into(),
            "创作单位".into(),
            "联系地址".into(),
            DocCell::from("联系方式").span(2),
        ],
        vec![
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "联系人".into(),
            "电话".into(),
        ],
    ];
    for (i, (title, unit)) in titles.iter().enumerate() {
        rows.push(vec![
            (i + 1).to_string().into(),
            (*title).into(),
            (*unit).into(),
            format!("{district}某路{}号", i + 1).into(),
            "王　芳".into(),
            format!("1380000000{i}").into(),
        ]);
    }
    Docx::new()
        .para("附件2")
        .para("2023年“弘扬科学家精神，加强作风学风建设”短视频大赛推荐表")
        .para(&format!("推荐单位（盖章）：{district}科学技术局"))
        .table(&rows)
        .para("区县科技主管部门推荐意见：")
        .write(path)
        .unwrap();
}

/// Annex 3 as a unit fills it in: 创作单位 above the table, label–value rows, 联系人姓名 and
/// 电子邮箱 on one row, the synopsis label merged down two rows, the credit code inside the
/// pledge text.
pub(crate) fn annex3(path: &Path, unit: &str, title: &str, person: &str, summary: &str) {
    let rows: Vec<Vec<DocCell>> = vec![
        vec!["作品名称".into(), DocCell::from(title).span(3)],
        vec!["联系地址".into(), DocCell::from("重庆市北碚区天生路2号").span(3)],
        vec!["联系人姓名".into(), person.into(), "电子邮箱".into(), "lab@example.cn".into()],
        vec!["联系电话".into(), DocCell::from("023-68250000").span(3)],
        vec![DocCell::from("内容简介及主要创新点").merge_start(), DocCell::from(summary).span(3)],
        vec![DocCell::merged(), DocCell::from("创新点：实拍与动画结合。").span(3)],
        vec!["创作单位诚信承诺".into(), DocCell::from("我单位（填写单位全称）（统一社会信用代码为 12500000450400123X ）郑重承诺：对所提交的短视频作品拥有自主知识产权。").span(3)],
    ];
    Docx::new()
        .para("附件3")
        .para("2023年“弘扬科学家精神，加强作风学风建设”短视频大赛作品单位报送表")
        .para(&format!("创作单位：{unit}"))
        .table(&rows)
        .write(path)
        .unwrap();
}

#[test]
fn an_annex2_table_reads_like_a_sheet_and_imports() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("南岸区推荐表.docx");
    annex2(
        &form,
        "南岸区",
        &[
            ("长江鲟的回家路", "重庆师范大学"),
            ("《桥都》的科学", "重庆交通大学"),
        ],
    );
    let forms = jury_store::table::import_works(&form).unwrap();
    let r = &forms.reports[0];
    assert_eq!(r.encoding, "DOCX");
    assert!(!r.key_value);
    assert_eq!(r.default_district.as_deref(), Some("南岸区"));
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.rows[1].title, "《桥都》的科学");
    assert_eq!(r.rows[1].contact_person, "王芳");
    assert_eq!(r.rows[1].contact, "13800000001");
    assert_eq!(r.rows[0].origin_no, "1");

    let c = contest(dir.path(), "cq-2023-short-video");
    let out = import(&c, &[&form]);
    assert_ok(&out, "jury");
    let w = works(&c);
    assert_eq!(w.len(), 2);
    assert_eq!(
        (w[0].district.as_str(), w[0].unit.as_str()),
        ("南岸区", "重庆师范大学")
    );
}

#[test]
fn a_merged_cell_reads_in_every_cell_of_its_span() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.docx");
    let rows: Vec<Vec<DocCell>> = vec![
        vec![
            "序号".into(),
            "作品名称".into(),
            "创作单位".into(),
            "推荐单位".into(),
        ],
        vec![
            "1".into(),
            "甲".into(),
            "单位甲".into(),
            DocCell::from("北碚区").merge_start(),
        ],
        vec!["2".into(), "乙".into(), "单位乙".into(), DocCell::merged()],
    ];
    Docx::new().table(&rows).write(&path).unwrap();
    let t = jury_store::table::read_table(&path).unwrap();
    assert_eq!(t.rows[2], ["2", "乙", "单位乙", "北碚区"]);
}

#[test]
fn an_annex3_form_attaches_to_the_district_forms_work_and_never_blanks_a_field() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("北碚区.csv");
    std::fs::write(
        &csv,
        "推荐单位：北碚区科学技术局\n序号,作品名称,创作单位,联系地址\n1,《嘉陵江的鱼》,西南大学,北碚区天生路2号\n2,缙云山的云,北碚区科协,\n",
    )
    .unwrap();
    let unit_form = dir.path().join("西南大学报送表.docx");
    annex3(
        &unit_form,
        "西南大学",
        "嘉陵江的鱼",
        "李　明",
        "用镜头讲述嘉陵江鱼类保护。",
    );
    let read = jury_store::table::import_works(&unit_form).unwrap();
    let r = &read.reports[0];
    assert!(r.key_value, "{r:?}");
    assert_eq!(r.rows.len(), 1, "{r:?}");
    assert_eq!(r.rows[0].unit, "西南大学");
    assert_eq!(r.rows[0].email, "lab@example.cn");
    assert_eq!(r.rows[0].credit_code, "12500000450400123X");
    assert_eq!(
        r.rows[0].summary,
        "用镜头讲述嘉陵江鱼类保护。\n创新点：实拍与动画结合。"
    );

    let c = contest(dir.path(), "cq-2023-short-video");
    let out = import(&c, &[&csv]);
    assert_ok(&out, "jury");
    let out = import(&c, &[&unit_form]);
    assert_ok(&out, "jury");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 new, 1 changed"), "{stdout}");
    let w = works(&c);
    assert_eq!(w.len(), 2, "{w:?}");
    let fish = &w[0];
    assert_eq!(fish.title, "《嘉陵江的鱼》");
    assert_eq!(fish.contact_person, "李明");
    assert_eq!(fish.email, "lab@example.cn");
    assert_eq!(fish.credit_code, "12500000450400123X");
    assert!(fish.summary.starts_with("用镜头讲述"), "{fish:?}");
    // The district form's own values stay, and so does its row as the origin.
    assert_eq!(fish.address, "北碚区天生路2号");
    assert_eq!(fish.district, "北碚区");
    assert!(fish.source.ends_with("北碚区.csv"), "{fish:?}");
    assert_eq!(fish.origin_no, "1");

    // The district form again (it has no contact person or synopsis): nothing is blanked.
    let before = works(&c);
    let out = import(&c, &[&csv]);
    assert_ok(&out, "jury");
    assert_eq!(works(&c), before);
    // Both together, in either order: nothing changes either.
    let out = import(&c, &[&unit_form, &csv]);
    assert_ok(&out, "jury");
    assert_eq!(works(&c), before);
}

#[test]
fn an_annex3_form_for_an_unknown_work_creates_it() {
    let dir = tempfile::tempdir().unwrap();
    let unit_form = dir.path().join("报送表.docx");
    annex3(&unit_form, "重庆大学", "追光者", "张三", "简介");
    let c = contest(dir.path(), "cq-2023-short-video");
    let out = import(&c, &[&unit_form]);
    assert_ok(&out, "jury");
    let w = works(&c);
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].id.as_str(), w[0].title.as_str(), w[0].unit.as_str()),
        ("1", "追光者", "重庆大学")
    );
}

/// The one line of a refused import (stderr), and the master left empty.
fn refused_line(dir: &Path, form: &Path) -> String {
    let c = contest(dir, "cq-2023-short-video");
    let out = import(&c, &[form]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(works(&c).is_empty());
    err
}

#[test]
fn a_document_without_a_table_is_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let letter = dir.path().join("通知.docx");
    Docx::new()
        .para("关于举办短视频大赛的通知")
        .para("各区县科技主管部门：")
        .write(&letter)
        .unwrap();
    let err = refused_line(dir.path(), &letter);
    assert!(
        err.contains("通知.docx") && err.contains("without a table"),
        "{err}"
    );
}

#[test]
fn a_table_that_is_no_form_is_refused_naming_what_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("日程.docx");
    let rows: Vec<Vec<&str>> = vec![vec!["时间", "内容"], vec!["9:00", "开幕"]];
    Docx::new().para("日程").table(&rows).write(&doc).unwrap();
    let err = refused_line(dir.path(), &doc);
    assert!(err.contains("no header row found"), "{err}");
    assert!(err.contains("时间 | 内容"), "{err}");
}

#[test]
fn a_docx_zip_bomb_is_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("推荐表.docx");
    jury_testkit::docx::write_bomb(&bomb, 600 * 1024 * 1024).unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 8 * 1024 * 1024);
    let err = refused_line(dir.path(), &bomb);
    assert!(
        err.contains("word/document.xml") && err.contains("64 MB"),
        "{err}"
    );
}

#[test]
fn a_docx_opens_in_libreoffice_when_it_is_installed() {
    let Ok(status) = Command::new("libreoffice").arg("--version").output() else {
        return; // optional check: only where LibreOffice exists
    };
    if !status.status.success() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("form.docx");
    annex2(&form, "渝中区", &[("作品一", "单位一")]);
    let out = Command::new("libreoffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&form)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(dir.path().join("form.pdf").is_file(), "{}", show(&out));
}
