//! The call's quotas at intake, over all forms together: a unit over the micro-lecture
//! call's two works is warned about with its works' numbers whichever forms they came from,
//! by `jury import` and again by `jury probe`; a long list of works is summarised.

use std::process::Output;

use crate::import_docx::{annex3, contest, import};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_unit_over_its_quota_across_three_forms_is_warned_by_import_and_probe() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c = contest(d, "cq-micro-lecture");
    let a = d.join("a.csv");
    std::fs::write(
        &a,
        "序号,作品名称,创作单位,推荐单位\n1,光的旅行,重庆大学,沙坪坝区\n",
    )
    .unwrap();
    let b = d.join("b.csv");
    std::fs::write(
        &b,
        "序号,作品名称,创作单位,推荐单位\n1,声音的秘密,重庆 大学,沙坪坝区\n",
    )
    .unwrap();
    let unit = d.join("c.docx");
    annex3(&unit, "重庆大学", "电的故事", "张三", "简介");
    let out = import(&c, &[&a, &b, &unit]);
    assert!(out.status.success(), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("unit 重庆大学: 3 works, more than the 2 allowed per unit (works 1, 2, 3)"),
        "{text}"
    );

    let mut probe = crate::helpers::jury();
    let out = probe
        .env("JURY_KEY", "organizer passphrase for docx tests")
        .arg("--contest")
        .arg(&c)
        .args(["--lang", "zh", "probe"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("名额检查：")
            && text.contains("单位 重庆大学：3 件作品，超过每单位最多 2 件的限额（作品 1、2、3）"),
        "{text}"
    );

    // The organizer sees the same warning on the works tab of `jury organize`.
    let folder = jury_store::folder::ContestFolder::load(&c).unwrap();
    let key = jury_store::BallotKey::parse("organizer passphrase for docx tests").unwrap();
    let master = folder.open_master(&key).unwrap();
    let data = jury::tui::organizer::OrgData::load(&master, &folder.contest).unwrap();
    assert_eq!(data.quotas.len(), 1, "{:?}", data.quotas);
    let app = jury::tui::organizer::OrgApp::new(
        data,
        jury::i18n::Lang::Zh,
        jury::tui::Keymap::default_keymap(),
    );
    let screen = crate::helpers::screen_of(|f| jury::tui::organizer::view::draw(f, &app), 100, 30);
    assert!(
        screen.contains("单位 重庆大学：3 件作品，超过每单位最多 2 件的限额"),
        "{screen}"
    );
}

#[test]
fn a_long_list_of_works_is_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c = contest(d, "cq-2023-short-video");
    let mut csv = String::from("推荐单位：渝中区科学技术局\n序号,作品名称,创作单位\n");
    for i in 1..=15 {
        csv.push_str(&format!("{i},作品{i},单位{i}\n"));
    }
    let form = d.join("渝中区.csv");
    std::fs::write(&form, csv).unwrap();
    let out = import(&c, &[&form]);
    let text = stdout(&out);
    assert!(
        text.contains("district 渝中区: 15 works, more than its quota of 5 (works 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … and 5 more)"),
        "{text}"
    );
}

#[test]
fn a_title_already_in_book_marks_is_quoted_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c = contest(d, "cq-2023-short-video");
    let form = d.join("渝中区.csv");
    std::fs::write(
        &form,
        "序号,作品名称,创作单位\n1,《长江鲟的回家路》,重庆大学\n",
    )
    .unwrap();
    let out = crate::helpers::jury()
        .env("JURY_KEY", "organizer passphrase for docx tests")
        .arg("--contest")
        .arg(&c)
        .args(["--lang", "zh", "import", "works"])
        .arg(&form)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("《长江鲟的回家路》"), "{text}");
    assert!(!text.contains("《《"), "{text}");
}
