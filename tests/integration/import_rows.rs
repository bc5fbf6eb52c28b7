//! From tables to typed works and judges: header recognition, defaults from title rows,
//! bad rows with reasons, skipped note rows, whole-file errors, quotas.

use std::path::{Path, PathBuf};

use jury::commands::import::{bad_row_reason, quota_text};
use jury::i18n::Lang;
use jury_core::forms::{
    check_quotas, parse_works, Field, ImportErrorKind, Problem, QuotaIssue, WorkRow,
};
use jury_core::forms::{ImportError, ImportReport, JudgeRow};
use jury_core::model::contest::{DistrictQuota, Quotas};
use jury_store::table::Table;

/// The file's first form (these tests read one-sheet files).
fn import_works(path: &Path) -> Result<ImportReport<WorkRow>, ImportError> {
    jury_store::table::import_works(path).map(|mut f| f.reports.remove(0))
}

fn import_judges(path: &Path) -> Result<ImportReport<JudgeRow>, ImportError> {
    jury_store::table::import_judges(path).map(|mut f| f.reports.remove(0))
}
use rust_xlsxwriter::{Format, Workbook};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn table(rows: &[&[&str]]) -> Table {
    Table {
        path: PathBuf::from("form.csv"),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
        row_numbers: (1..=rows.len()).collect(),
        encoding: "UTF-8".into(),
        sheet: None,
        key_value: false,
    }
}

#[test]
fn gbk_district_form_fixture_reads_three_works() {
    let r = import_works(&fixture("works_yuzhong_gbk.csv")).unwrap();
    assert_eq!(r.encoding, "GB18030");
    assert_eq!(r.header_row, 4);
    assert_eq!(r.default_district.as_deref(), Some("渝中区"));
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    let ids: Vec<&str> = r.rows.iter().map(|w| w.origin_no.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    let w = &r.rows[0];
    assert_eq!(w.title, "追光者——记重庆大学某教授");
    assert_eq!(w.unit, "重庆大学");
    assert_eq!(w.district, "渝中区", "from the 推荐单位 title row");
    assert_eq!(w.address, "重庆市沙坪坝区沙正街174号");
    assert_eq!(w.contact, "023-65100000");
    assert_eq!(w.media_file.as_deref(), Some("videos/01 追光者.mp4"));
    assert_eq!(w.row, 5);
    assert_eq!(r.rows[1].title, "深海里的灯塔", "full-width spaces trimmed");
    assert_eq!(r.rows[2].title, "从“0”到“1”的突破，\"硬核\"科研");
    assert_eq!(r.rows[2].media_file, None);
    assert!(
        r.ignored_columns.is_empty(),
        "电子邮箱 is read now: {:?}",
        r.ignored_columns
    );
    assert!(r.columns.iter().any(|(f, _)| *f == Field::Email));
    let skipped: Vec<usize> = r.skipped.iter().map(|s| s.row).collect();
    assert_eq!(
        skipped,
        [8, 9, 10, 11, 12],
        "unused numbered lines, 合计, 推荐意见, date: {:?}",
        r.skipped
    );
    assert!(r.columns.contains(&(Field::MediaFile, "视频文件".into())));
}

#[test]
fn xls_fixture_with_two_level_header_maps_sub_columns() {
    let r = import_works(&fixture("works_jiangbei.xls")).unwrap();
    assert_eq!(r.sheet.as_deref(), Some("推荐表"));
    assert_eq!(r.header_row, 3);
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    assert!(r.ignored_columns.is_empty(), "{:?}", r.ignored_columns);
    assert_eq!(r.rows.len(), 3);
    let w = &r.rows[1];
    assert_eq!(
        (w.origin_no.as_str(), w.title.as_str(), w.unit.as_str()),
        ("2", "桥都匠心", "重庆交通大学")
    );
    assert_eq!(w.contact_person, "刘老师");
    assert_eq!(w.contact, "13800000002");
    assert_eq!(w.district, "江北区");
    assert_eq!(w.row, 6);
}

#[test]
fn xlsx_with_title_row_and_merged_header_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("推荐表.xlsx");
    let mut book = Workbook::new();
    let f = Format::new();
    let ws = book.add_worksheet();
    ws.merge_range(0, 0, 0, 4, "2023 年短视频大赛作品区县推荐表", &f)
        .unwrap();
    ws.merge_range(1, 0, 1, 1, "序号", &f).unwrap(); // a wide, merged 序号 header
    ws.write_string(1, 2, "作品名称").unwrap();
    ws.write_string(1, 3, "创作单位").unwrap();
    ws.write_string(1, 4, "推荐单位（区县）").unwrap();
    // A district merged down its works, as district summaries are laid out.
    ws.merge_range(2, 4, 4, 4, "南岸区科学技术局", &f).unwrap();
    for (i, (title, unit)) in [
        ("山城之光", "重庆工商大学"),
        ("长江之眼", "重庆师范大学"),
        ("雾都科技", "重庆理工大学"),
    ]
    .iter()
    .enumerate()
    {
        let r = 2 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 2, *title).unwrap();
        ws.write_string(r, 3, *unit).unwrap();
    }
    book.save(&path).unwrap();
    let r = import_works(&path).unwrap();
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    assert_eq!(r.rows.len(), 3);
    assert!(r
        .rows
        .iter()
        .all(|w| w.district == "南岸区" && !w.id.contains('.')));
    assert_eq!(r.rows[2].title, "雾都科技");
    assert_eq!(r.rows[2].row, 5);
}

#[test]
fn english_headers_and_width_variants_are_recognised() {
    let t = table(&[
        &[
            "No.",
            "Title",
            "UNIT",
            "District",
            "Video File",
            "Contact Person",
            "Phone",
        ],
        &[
            "１",
            "Light",
            "CQU",
            "Yuzhong",
            "C:\\media\\1.mp4",
            "Chen",
            "138",
        ],
    ]);
    let r = parse_works(&t).unwrap();
    let w = &r.rows[0];
    assert_eq!(w.origin_no, "1");
    assert_eq!(w.media_file.as_deref(), Some("C:/media/1.mp4"));
    assert_eq!(
        (w.contact_person.as_str(), w.contact.as_str()),
        ("Chen", "138")
    );
}

#[test]
fn unknown_columns_only_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(dir.path(), "other.csv", "foo,bar,baz\n1,2,3\n");
    let e = import_works(&path).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::NoHeader);
    assert!(e.message.contains("other.csv"), "{e}");
    assert!(
        e.message.contains("序号") && e.message.contains("作品名称"),
        "{e}"
    );
    assert!(e.message.contains("foo | bar | baz"), "{e}");
    assert!(!e.message.contains('\n'));
    // A very wide header-less row is shown in part, so the message stays one readable line.
    let wide: Vec<String> = (0..10_000).map(|i| format!("column{i}")).collect();
    let path = csv(dir.path(), "wide.csv", &(wide.join(",") + "\n"));
    let e = import_works(&path).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::NoHeader);
    assert!(e.message.contains("column0 | column1"), "{e}");
    assert!(e.message.contains(" cells)"), "{e}");
    assert!(
        e.message.chars().count() < 600,
        "{} chars",
        e.message.chars().count()
    );
}

#[test]
fn missing_required_column_is_named_with_the_headers_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(
        dir.path(),
        "works.csv",
        "推荐表\n序号,名字,创作单位,联系电话\n1,追光者,重庆大学,138\n",
    );
    let e = import_works(&path).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::MissingColumns);
    assert!(
        e.message.contains("works.csv") && e.message.contains("row 2"),
        "{e}"
    );
    assert!(e.message.contains("作品名称 (title)"), "{e}");
    assert!(
        e.message.contains("序号, 名字, 创作单位, 联系电话"),
        "lists the headers found: {e}"
    );
}

#[test]
fn a_judges_list_given_as_works_says_so() {
    let e = import_works(&fixture("judges_utf8.csv")).unwrap_err();
    assert!(e.message.contains("jury import judges"), "{e}");
}

#[test]
fn duplicate_work_numbers_make_every_such_row_bad() {
    let t = table(&[
        &["序号", "作品名称", "创作单位"],
        &["1", "甲", "重庆大学"],
        &["2", "乙", "西南大学"],
        &["1.0", "丙", "重庆邮电大学"],
        &["3", "丁", "重庆交通大学"],
    ]);
    let r = parse_works(&t).unwrap();
    let good: Vec<&str> = r.rows.iter().map(|w| w.title.as_str()).collect();
    assert_eq!(good, ["乙", "丁"]);
    assert_eq!(r.bad.len(), 2);
    assert_eq!(r.bad[0].row, 2);
    assert_eq!(
        r.bad[0].problems,
        [Problem::DuplicateId {
            id: "1".into(),
            rows: vec![4]
        }]
    );
    assert_eq!(r.bad[1].row, 4);
    assert!(
        bad_row_reason(&r.bad[1], Lang::En).contains("also used on row 2"),
        "{:?}",
        r.bad[1]
    );
    assert!(
        bad_row_reason(&r.bad[1], Lang::Zh).contains("第 2 行"),
        "{}",
        bad_row_reason(&r.bad[1], Lang::Zh)
    );
}

#[test]
fn bad_rows_carry_every_reason_with_their_row_number() {
    let long = "长".repeat(201);
    let t = table(&[
        &["标题行"],
        &["序号", "作品名称", "创作单位", "视频文件"],
        &["1", "", "重庆大学", ""],
        &["", "无号作品", "", ""],
        &["3", &long, "重庆大学", ""],
        &["4", "作品\u{FFFD}", "#REF!", ""],
        &["5 6", "空格编号", "重庆大学", ""],
        &["7", "好作品", "重庆大学", "a\u{7}.mp4"],
        &["8", "真好作品", "重庆大学", "\"D:\\作品\\8.mp4\""],
    ]);
    let r = parse_works(&t).unwrap();
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].media_file.as_deref(), Some("D:/作品/8.mp4"));
    let by_row = |n: usize| {
        &r.bad
            .iter()
            .find(|b| b.row == n)
            .unwrap_or_else(|| panic!("row {n} not bad: {:?}", r.bad))
            .problems
    };
    assert_eq!(
        by_row(3),
        &[Problem::Missing {
            column: "作品名称".into()
        }]
    );
    assert_eq!(
        by_row(4),
        &[
            Problem::Missing {
                column: "序号".into()
            },
            Problem::Missing {
                column: "创作单位".into()
            }
        ]
    );
    assert_eq!(
        by_row(5),
        &[Problem::TooLong {
            column: "作品名称".into(),
            chars: 201,
            max: 200
        }]
    );
    assert_eq!(
        by_row(6),
        &[
            Problem::Garbled {
                column: "作品名称".into()
            },
            Problem::ExcelError {
                column: "创作单位".into(),
                value: "#REF!".into()
            }
        ]
    );
    assert!(matches!(by_row(7)[0], Problem::BadId { .. }));
    assert_eq!(
        by_row(8),
        &[Problem::BadPath {
            column: "视频文件".into()
        }]
    );
    assert_eq!(
        r.bad.iter().map(|b| b.row).collect::<Vec<_>>(),
        [3, 4, 5, 6, 7, 8]
    );
    let shown = format!(
        "row {}: {}",
        r.bad[1].row,
        bad_row_reason(&r.bad[1], Lang::En)
    );
    assert!(
        shown.starts_with("row 4: 序号 is empty; fill it in; 创作单位 is empty"),
        "{shown}"
    );
}

#[test]
fn mojibake_of_utf8_read_as_latin1_is_refused() {
    let garbled = encoding_rs::WINDOWS_1252
        .decode_without_bom_handling("深海里的灯塔".as_bytes())
        .0
        .into_owned();
    let t = table(&[
        &["序号", "作品名称", "创作单位"],
        &["1", &garbled, "重庆大学"],
    ]);
    let r = parse_works(&t).unwrap();
    assert!(r.rows.is_empty());
    assert!(
        bad_row_reason(&r.bad[0], Lang::En).contains("garbled"),
        "{:?}",
        r.bad[0]
    );
}

#[test]
fn csv_district_left_empty_under_a_merge_is_filled_down() {
    let t = table(&[
        &["序号", "作品名称", "创作单位", "推荐单位"],
        &["1", "甲", "重庆大学", "沙坪坝区科学技术局"],
        &["2", "乙", "西南大学", ""],
        &["3", "丙", "重庆邮电大学", "南岸区"],
        &["4", "丁", "重庆交通大学", ""],
    ]);
    let r = parse_works(&t).unwrap();
    let d: Vec<&str> = r.rows.iter().map(|w| w.district.as_str()).collect();
    assert_eq!(d, ["沙坪坝区", "沙坪坝区", "南岸区", "南岸区"]);
}

#[test]
fn unit_may_come_from_the_title_rows() {
    let t = table(&[
        &["创作单位：重庆大学"],
        &["序号", "作品名称", "视频文件"],
        &["1", "甲", "1.mp4"],
    ]);
    let r = parse_works(&t).unwrap();
    assert_eq!(r.default_unit.as_deref(), Some("重庆大学"));
    assert_eq!(r.rows[0].unit, "重庆大学");
}

#[test]
fn placeholder_in_title_row_is_not_a_default() {
    let t = table(&[
        &["推荐单位（盖章）：（填写区县主管部门全称）"],
        &["序号", "作品名称", "创作单位"],
        &["1", "甲", "重庆大学"],
    ]);
    let r = parse_works(&t).unwrap();
    assert_eq!(r.default_district, None);
    assert_eq!(r.rows[0].district, "");
}

#[test]
fn data_in_a_column_without_header_is_reported_as_ignored() {
    let t = table(&[
        &["序号", "作品名称", "创作单位", ""],
        &["1", "甲", "重庆大学", "备用"],
    ]);
    let r = parse_works(&t).unwrap();
    assert_eq!(r.ignored_columns, ["column D (no header)"]);
}

#[test]
fn judges_fixture_parses_conflicts() {
    let r = import_judges(&fixture("judges_utf8.csv")).unwrap();
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    assert_eq!(r.ignored_columns, ["职称"]);
    assert_eq!(r.rows.len(), 3);
    let zhang = &r.rows[0];
    assert_eq!(
        (
            zhang.name.as_str(),
            zhang.unit.as_str(),
            zhang.district.as_str()
        ),
        ("张明", "重庆大学", "沙坪坝区")
    );
    assert_eq!(zhang.conflict_units, ["重庆大学", "重庆医科大学"]);
    assert_eq!(zhang.conflict_works, ["3"]);
    assert!(r.rows[1].conflict_units.is_empty(), "无 means none");
    assert_eq!(
        r.rows[2].conflict_units,
        ["中国科学院重庆绿色智能技术研究院", "重庆邮电大学"]
    );
    assert_eq!(r.rows[2].conflict_works, ["1", "2"]);
    assert_eq!(r.rows[2].row, 4);
}

#[test]
fn judge_without_unit_and_duplicate_judges_are_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(
        dir.path(),
        "judges.csv",
        "姓名,单位\n张明,重庆大学\n李华,\n张明 ,重庆大学\n张明,西南大学\n",
    );
    let r = import_judges(&path).unwrap();
    let good: Vec<(&str, &str)> = r
        .rows
        .iter()
        .map(|j| (j.name.as_str(), j.unit.as_str()))
        .collect();
    assert_eq!(good, [("张明", "西南大学")]);
    assert_eq!(r.bad.iter().map(|b| b.row).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(
        r.bad[1].problems,
        [Problem::Missing {
            column: "单位".into()
        }]
    );
    assert!(
        bad_row_reason(&r.bad[0], Lang::En).contains("also on row 4"),
        "{:?}",
        r.bad[0]
    );
}

#[test]
fn works_form_given_as_judges_is_refused() {
    let e = import_judges(&fixture("works_yuzhong_gbk.csv")).unwrap_err();
    assert!(
        matches!(
            e.kind,
            ImportErrorKind::NoHeader | ImportErrorKind::MissingColumns
        ),
        "{e}"
    );
    assert!(e.message.contains("姓名"), "{e}");
}

fn work(id: &str, unit: &str, district: &str) -> WorkRow {
    WorkRow {
        id: id.into(),
        title: format!("作品{id}"),
        unit: unit.into(),
        district: district.into(),
        row: id.parse::<usize>().unwrap() + 1,
        ..WorkRow::default()
    }
}

fn quotas_2023() -> Quotas {
    Quotas {
        max_works_per_unit: Some(2),
        districts: vec![
            DistrictQuota {
                names: vec!["渝中区".into(), "西部科学城重庆高新区".into()],
                min: 3,
                max: 5,
            },
            DistrictQuota {
                names: vec!["*".into()],
                min: 1,
                max: 2,
            },
        ],
    }
}

#[test]
fn quotas_per_unit_and_per_district() {
    let mut rows = vec![
        work("1", "重庆大学", "渝中区"),
        work("2", "重庆大学", "重庆市渝中区"),
        work("3", "重 庆 大 学", "渝中区"),
        work("4", "西南大学", "北碚区"),
        work("5", "西南大学", "北碚区"),
        work("6", "重庆工商大学", "北碚区"),
        work("7", "重庆理工大学", "西部科学城重庆高新区"),
    ];
    let issues = check_quotas(&rows, &quotas_2023());
    assert_eq!(
        issues,
        [
            QuotaIssue::UnitOver {
                unit: "重庆大学".into(),
                count: 3,
                max: 2,
                rows: vec![2, 3, 4]
            },
            QuotaIssue::DistrictOver {
                district: "北碚区".into(),
                count: 3,
                max: 2,
                rows: vec![5, 6, 7]
            },
            QuotaIssue::DistrictUnder {
                district: "西部科学城重庆高新区".into(),
                count: 1,
                min: 3,
                rows: vec![8]
            },
        ],
        "重庆市渝中区 counts as 渝中区, which then has its 3: {issues:?}"
    );
    let zh = quota_text(&issues[0], Lang::Zh);
    assert!(zh.contains("重庆大学") && zh.contains("最多 2 个"), "{zh}");
    let en = quota_text(&issues[1], Lang::En);
    assert!(
        en.contains("北碚区 recommended 3 works") && en.contains("rows 5, 6, 7"),
        "{en}"
    );
    rows.truncate(1);
    assert_eq!(
        check_quotas(
            &rows,
            &Quotas {
                max_works_per_unit: Some(2),
                districts: vec![]
            }
        ),
        []
    );
}

#[test]
fn forms_pasted_one_under_another_keep_their_districts() {
    let dir = tempfile::tempdir().unwrap();
    let text = "作品区县推荐表\n推荐单位（盖章）：渝中区科学技术局\n序号,作品名称,创作单位\n1,甲,重庆大学\n2,乙,西南大学\n\
                作品区县推荐表\n推荐单位（盖章）：江北区科学技术局\n序号,作品名称,创作单位\n3,丙,重庆交通大学\n";
    let r = import_works(&csv(dir.path(), "all.csv", text)).unwrap();
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    let got: Vec<(&str, &str)> = r
        .rows
        .iter()
        .map(|w| (w.origin_no.as_str(), w.district.as_str()))
        .collect();
    assert_eq!(got, [("1", "渝中区"), ("2", "渝中区"), ("3", "江北区")]);
    assert_eq!(
        r.skipped.iter().map(|s| s.row).collect::<Vec<_>>(),
        [6, 7, 8],
        "the second form's title, 推荐单位 and header rows"
    );
}

#[test]
fn padded_chinese_names_lose_their_padding() {
    let dir = tempfile::tempdir().unwrap();
    let text = "姓名,单位\n王\u{3000}芳,重庆大学\n张 明,西南大学\nAnna Li,重庆邮电大学\n";
    let r = import_judges(&csv(dir.path(), "judges.csv", text)).unwrap();
    let names: Vec<&str> = r.rows.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["王芳", "张明", "Anna Li"]);
}
