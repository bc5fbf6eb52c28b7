//! Issue 11's "done when" for forms: five districts' forms, each numbered from 1 — a GBK CSV,
//! an XLSX with a merged title row, a DOCX annex-2 table and two DOCX annex-3 unit forms —
//! import in one command into distinct works, and importing them again in reverse order
//! changes nothing.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook};

use crate::import_docx::{annex2, annex3, contest, import, works};

fn gbk_csv(dir: &Path) -> PathBuf {
    let text = "2023年短视频大赛作品推荐表\r\n推荐单位（盖章）：渝中区科学技术局\r\n序号,作品名称,创作单位,联系地址,联系方式\r\n1,追光者——记重庆大学某教授,重庆大学,渝中区某路1号,13800000001\r\n2,《山城的桥》,重庆市科技馆,渝中区某路2号,13800000002\r\n3,江上的风,渝中区科协,渝中区某路3号,13800000003\r\n";
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    let path = dir.join("渝中区.csv");
    std::fs::write(&path, gbk).unwrap();
    path
}

fn xlsx(dir: &Path) -> PathBuf {
    let path = dir.join("江北区.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 4, "2023 年短视频大赛作品区县推荐表（江北区）", &f)
        .unwrap();
    for (c, h) in ["序号", "作品名称", "创作单位", "推荐单位", "联系地址"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, (t, u)) in [
        ("鱼嘴的水", "江北区实验中学"),
        ("观音桥下", "江北区科协"),
        ("追光者——记重庆大学某教授", "江北区融媒体中心"),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 2;
        ws.write_number(r, 0, (r - 1) as f64).unwrap();
        ws.write_string(r, 1, *t).unwrap();
        ws.write_string(r, 2, *u).unwrap();
        ws.write_string(r, 3, "江北区").unwrap();
        ws.write_string(r, 4, "江北区某路").unwrap();
    }
    wb.save(&path).unwrap();
    path
}

#[test]
fn five_districts_forms_numbered_from_one_import_at_once_and_again_in_reverse_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let csv = gbk_csv(d);
    let book = xlsx(d);
    let table = d.join("南岸区.docx");
    annex2(
        &table,
        "南岸区",
        &[
            ("长江鲟的回家路", "重庆师范大学"),
            ("南山植物园", "南岸区科协"),
        ],
    );
    let unit1 = d.join("北碚区-西南大学.docx");
    annex3(&unit1, "西南大学", "嘉陵江的鱼", "李明", "嘉陵江鱼类保护。");
    let unit2 = d.join("沙坪坝区-重庆大学.docx");
    annex3(&unit2, "重庆大学", "《磁悬浮》", "张三", "磁悬浮原理。");
    let c = contest(d, "cq-2023-short-video");

    let forms = [&csv, &book, &table, &unit1, &unit2];
    let files: Vec<&Path> = forms.iter().map(|p| p.as_path()).collect();
    let out = import(&c, &files);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("10 new, 0 changed"), "{stdout}");
    let first = works(&c);
    assert_eq!(first.len(), 10, "{first:#?}");
    // Distinct contest-wide numbers 1..=10, while every list form numbered from 1.
    let mut ids: Vec<u32> = first.iter().map(|w| w.id.parse().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
    let ones = first.iter().filter(|w| w.origin_no == "1").count();
    assert_eq!(ones, 3, "the 序号 1 of each list form is kept as origin");
    // The same title from two districts' units is two works.
    let same: Vec<_> = first
        .iter()
        .filter(|w| w.title == "追光者——记重庆大学某教授")
        .collect();
    assert_eq!(same.len(), 2);
    let fish = first.iter().find(|w| w.title == "嘉陵江的鱼").unwrap();
    assert_eq!(
        (fish.unit.as_str(), fish.email.as_str()),
        ("西南大学", "lab@example.cn")
    );
    let nanan = first.iter().find(|w| w.title == "南山植物园").unwrap();
    assert_eq!(nanan.district, "南岸区");

    // Again, in reverse order: nothing changes (numbers, origins, fields).
    let reversed: Vec<&Path> = files.iter().rev().copied().collect();
    let out = import(&c, &reversed);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("0 new, 0 changed, 10 unchanged"),
        "{stdout}"
    );
    assert_eq!(works(&c), first);

    // A fresh contest given the forms in reverse order numbers them the same way.
    let d2 = tempfile::tempdir().unwrap();
    let c2 = contest(d2.path(), "cq-2023-short-video");
    let out = import(&c2, &reversed);
    assert!(out.status.success());
    let key = |w: &jury_store::master::WorkRecord| (w.id.clone(), w.title.clone(), w.unit.clone());
    assert_eq!(
        works(&c2).iter().map(key).collect::<Vec<_>>(),
        first.iter().map(key).collect::<Vec<_>>()
    );
}
