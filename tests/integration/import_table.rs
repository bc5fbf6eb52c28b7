//! Reading forms into tables: encodings, workbooks with merged cells, row numbers, and the
//! files that must be refused.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jury_store::table::{read_table, ImportErrorKind, Table};
use proptest::prelude::*;
use rust_xlsxwriter::{Format, Workbook};

const FORM: &str = "序号,作品名称,创作单位,推荐单位（区县）\r\n1,追光者,重庆大学,沙坪坝区\r\n2,深海里的灯塔,重庆医科大学,渝中区\r\n";

/// The header row of the workbook fixtures, 联系方式 merged over two columns.
const MERGED_HEADERS: [&str; 6] = [
    "序号",
    "作品名称",
    "创作单位",
    "联系方式",
    "联系方式",
    "视频文件",
];

/// `bytes` written as `name` in a folder of its own and read as a form.
fn read_form(name: &str, bytes: &[u8]) -> Table {
    let dir = tempfile::tempdir().unwrap();
    read_table(&write(dir.path(), name, bytes)).unwrap()
}

/// `read_form`, checking the encoding the reader says it found.
fn read_as(name: &str, bytes: &[u8], encoding: &str) -> Table {
    let t = read_form(name, bytes);
    assert_eq!(t.encoding, encoding, "{name}");
    t
}

/// `text` in `encoding`, every character of it mappable.
fn encoded(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text}");
    bytes.into_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn cells(table: &Table, row: usize) -> Vec<&str> {
    table.rows[row].iter().map(String::as_str).collect()
}

#[test]
fn utf8_csv_is_read_as_utf8() {
    let t = read_as("works.csv", FORM.as_bytes(), "UTF-8");
    assert_eq!(t.sheet, None);
    assert_eq!(
        cells(&t, 0),
        ["序号", "作品名称", "创作单位", "推荐单位（区县）"]
    );
    assert_eq!(
        cells(&t, 2),
        ["2", "深海里的灯塔", "重庆医科大学", "渝中区"]
    );
    assert_eq!(t.row_numbers, [1, 2, 3]);
}

#[test]
fn utf8_bom_csv_loses_its_bom() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(FORM.as_bytes());
    let t = read_as("works.csv", &bytes, "UTF-8 (BOM)");
    assert_eq!(
        t.rows[0][0], "序号",
        "the BOM must not stick to the first header"
    );
}

#[test]
fn gbk_csv_is_detected_and_decoded_not_mojibake() {
    let gbk = encoded(encoding_rs::GBK, FORM);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the fixture must not be valid UTF-8"
    );
    let t = read_as("works.csv", &gbk, "GB18030");
    assert_eq!(cells(&t, 1), ["1", "追光者", "重庆大学", "沙坪坝区"]);
}

#[test]
fn gb18030_four_byte_characters_decode() {
    // 𠀀 (U+20000) needs GB18030's four-byte form; GBK alone cannot say it.
    let text = "序号,作品名称,创作单位\n1,𠀀之谜,重庆大学\n";
    let bytes = encoded(encoding_rs::GB18030, text);
    let t = read_as("works.csv", &bytes, "GB18030");
    assert_eq!(t.rows[1][1], "𠀀之谜");
}

#[test]
fn utf16_unicode_text_from_excel_is_read_with_tabs() {
    let text = FORM.replace(',', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let t = read_as("works.txt", &bytes, "UTF-16LE");
    assert_eq!(cells(&t, 1), ["1", "追光者", "重庆大学", "沙坪坝区"]);
}

#[test]
fn cells_are_trimmed_of_full_width_spaces_and_nfc_normalised() {
    let text = "序号,作品名称,创作单位\n1,\u{3000}\u{3000}深海 ,  Cafe\u{301}\u{3000}\n";
    let t = read_form("works.csv", text.as_bytes());
    assert_eq!(cells(&t, 1), ["1", "深海", "Café"]);
}

#[test]
fn row_numbers_are_the_ones_excel_shows() {
    // Row 1 title, row 2 blank, row 3 header, row 4 a cell with a line break inside quotes
    // (one row in Excel, two lines in the file), row 5 blank, row 6 the next work.
    let text =
        "推荐表\n\n序号,作品名称,创作单位\n1,\"两行\n标题\",重庆大学\n,,\n2,追光者,西南大学\n";
    let t = read_form("works.csv", text.as_bytes());
    assert_eq!(t.row_numbers, [1, 3, 4, 6]);
    assert_eq!(t.rows[2][1], "两行\n标题");
}

#[test]
fn excel_sep_line_names_the_delimiter_and_is_not_a_row() {
    let text = "sep=;\n序号;作品名称;创作单位\n1;追光者;重庆大学\n";
    let t = read_form("works.csv", text.as_bytes());
    assert_eq!(cells(&t, 0), ["序号", "作品名称", "创作单位"]);
    assert_eq!(t.row_numbers, [1, 2]);
}

#[test]
fn a_text_export_named_xls_is_read_as_text() {
    let tsv = FORM.replace(',', "\t");
    let (gbk, _, _) = encoding_rs::GBK.encode(&tsv);
    let t = read_as("导出.xls", &gbk, "GB18030 (text file named .xls)");
    assert_eq!(t.rows[1][2], "重庆大学");
}

#[test]
fn empty_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_table(&write(dir.path(), "empty.csv", b"")).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::Empty);
    assert!(
        e.message.contains("empty.csv") && e.message.contains("empty"),
        "{e}"
    );
    assert!(!e.message.contains('\n'));
}

#[test]
fn file_of_blank_lines_is_refused_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_table(&write(
        dir.path(),
        "blank.csv",
        " \r\n,,,\r\n\u{3000}\r\n".as_bytes(),
    ))
    .unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::Empty, "{e}");
}

#[test]
fn missing_file_and_folder_are_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_table(&dir.path().join("nope.csv")).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::Io);
    assert!(e.message.contains("nope.csv"), "{e}");
    assert_eq!(
        read_table(dir.path()).unwrap_err().kind,
        ImportErrorKind::Io
    );
}

/// Deterministic junk, as a video or an archive renamed to .csv would be.
fn junk(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn five_megabytes_of_junk_are_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "works.csv", &junk(5 * 1024 * 1024, 7));
    let start = Instant::now();
    let e = read_table(&path).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(e.kind, ImportErrorKind::Binary);
    assert!(
        e.message.contains("works.csv") && e.message.contains("CSV or XLSX"),
        "{e}"
    );
}

#[test]
fn junk_without_nul_bytes_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = junk(200_000, 11);
    for b in &mut bytes {
        if *b < 0x20 {
            *b = b'a';
        }
    }
    let e = read_table(&write(dir.path(), "works.csv", &bytes)).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::Encoding, "{e}");
    assert!(e.message.contains("neither UTF-8 nor GBK"), "{e}");
}

#[test]
fn oversized_text_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    let f = std::fs::File::create(&path).unwrap();
    // Real rows for the first 100 KB (all that is sniffed), then a sparse tail.
    std::io::Write::write_all(&mut &f, FORM.repeat(1000).as_bytes()).unwrap();
    f.set_len(jury_store::table::MAX_TEXT_BYTES + 1).unwrap();
    let e = read_table(&path).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::TooLarge, "{e}");
    assert!(e.message.contains("huge.csv"), "{e}");
}

#[test]
fn junk_named_xlsx_and_word_and_html_are_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let junk = junk(10_000, 3);
    // (file, bytes, the kind of refusal, what its message must say)
    let cases: [(&str, &[u8], ImportErrorKind, &[&str]); 5] = [
        (
            "works.xlsx",
            &junk,
            ImportErrorKind::Workbook,
            &["works.xlsx", "save it again as .xlsx"],
        ),
        (
            "zip.xlsx",
            b"PK\x03\x04not really a zip",
            ImportErrorKind::Workbook,
            &[],
        ),
        // A damaged Word document: read as one (DOCX is a form format now), refused as damaged.
        (
            "推荐表.docx",
            b"PK\x03\x04",
            ImportErrorKind::Workbook,
            &["推荐表.docx", "Word or WPS"],
        ),
        (
            "export.xls",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>",
            ImportErrorKind::Unsupported,
            &[],
        ),
        ("form.pdf", b"%PDF-1.7\n", ImportErrorKind::Unsupported, &[]),
    ];
    for (name, bytes, kind, says) in cases {
        let e = read_table(&write(dir.path(), name, bytes)).unwrap_err();
        assert_eq!(e.kind, kind, "{name}: {e}");
        for word in says {
            assert!(e.message.contains(word), "{name}: {e}");
        }
    }
}

/// A district form as organizers receive it: a merged title row, the recommending unit in
/// a merged row, a two-level header (联系方式 over 联系人 | 电话, the other headers merged
/// down), numbers typed as numbers.
fn district_workbook(path: &Path) {
    let mut book = Workbook::new();
    let plain = Format::new();
    let notes = book.add_worksheet();
    notes.set_name("填表说明").unwrap();
    notes
        .write_string(0, 0, "请按下表填写，不要改动表头。")
        .unwrap();
    let ws = book.add_worksheet();
    ws.set_name("推荐表").unwrap();
    ws.merge_range(
        0,
        0,
        0,
        5,
        "2023 年“弘扬科学家精神，加强作风学风建设”短视频大赛作品区县推荐表",
        &plain,
    )
    .unwrap();
    ws.merge_range(1, 0, 1, 5, "推荐单位（盖章）：渝中区科学技术局", &plain)
        .unwrap();
    ws.merge_range(2, 0, 3, 0, "序号", &plain).unwrap();
    ws.merge_range(2, 1, 3, 1, "作品名称", &plain).unwrap();
    ws.merge_range(2, 2, 3, 2, "创作单位", &plain).unwrap();
    ws.merge_range(2, 3, 2, 4, "联系方式", &plain).unwrap();
    ws.write_string(3, 3, "联系人").unwrap();
    ws.write_string(3, 4, "电话").unwrap();
    ws.merge_range(2, 5, 3, 5, "视频文件", &plain).unwrap();
    let works = [
        (1.0, "追光者", "重庆大学", "陈老师", 13800000001.0, "01.mp4"),
        (
            2.0,
            "深海里的灯塔",
            "重庆医科大学",
            "刘老师",
            13800000002.0,
            "02.mp4",
        ),
    ];
    for (i, (id, title, unit, person, phone, file)) in works.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_number(r, 0, *id).unwrap();
        ws.write_string(r, 1, *title).unwrap();
        ws.write_string(r, 2, *unit).unwrap();
        ws.write_string(r, 3, *person).unwrap();
        ws.write_number(r, 4, *phone).unwrap();
        ws.write_string(r, 5, *file).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn xlsx_merged_cells_fill_their_span_and_numbers_lose_point_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("推荐表.xlsx");
    district_workbook(&path);
    let t = read_table(&path).unwrap();
    assert_eq!(t.encoding, "XLSX");
    assert_eq!(
        t.sheet.as_deref(),
        Some("推荐表"),
        "the instructions sheet has no header and is passed over"
    );
    assert_eq!(t.row_numbers, [1, 2, 3, 4, 5, 6]);
    assert_eq!(t.rows[1], vec!["推荐单位（盖章）：渝中区科学技术局"; 6]);
    assert_eq!(cells(&t, 2), MERGED_HEADERS);
    assert_eq!(
        cells(&t, 3),
        ["序号", "作品名称", "创作单位", "联系人", "电话", "视频文件"]
    );
    assert_eq!(
        cells(&t, 4),
        ["1", "追光者", "重庆大学", "陈老师", "13800000001", "01.mp4"]
    );
}

#[test]
fn xlsx_first_non_empty_sheet_is_used_when_none_has_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet().set_name("空").unwrap();
    let ws = book.add_worksheet();
    ws.set_name("数据").unwrap();
    ws.write_string(2, 1, "hello").unwrap();
    ws.write_number(3, 1, 2.5).unwrap();
    book.save(&path).unwrap();
    let t = read_table(&path).unwrap();
    assert_eq!(t.sheet.as_deref(), Some("数据"));
    assert_eq!(t.row_numbers, [3, 4]);
    assert_eq!(
        t.rows,
        [
            vec!["".to_string(), "hello".into()],
            vec!["".into(), "2.5".into()]
        ]
    );
}

#[test]
fn xlsx_without_any_cells_is_refused_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet();
    book.save(&path).unwrap();
    let e = read_table(&path).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::Empty, "{e}");
    assert!(e.message.contains("blank.xlsx"));
}

#[test]
fn xls_fixture_with_merged_two_level_header_is_read() {
    let t = read_table(&fixture("works_jiangbei.xls")).unwrap();
    assert_eq!(t.encoding, "XLS");
    assert_eq!(t.sheet.as_deref(), Some("推荐表"));
    assert_eq!(t.rows[1][5], "推荐单位（盖章）：江北区科学技术局");
    assert_eq!(cells(&t, 2), MERGED_HEADERS);
    assert_eq!(cells(&t, 3)[0], "序号");
    assert_eq!(
        cells(&t, 4),
        [
            "1",
            "江水长流",
            "重庆长安汽车股份有限公司",
            "陈工",
            "13800000001",
            "jb-01.mp4"
        ]
    );
    assert_eq!(t.row_numbers[4], 5);
}

#[test]
fn gbk_fixture_is_read_with_its_title_rows() {
    let t = read_table(&fixture("works_yuzhong_gbk.csv")).unwrap();
    assert_eq!(t.encoding, "GB18030");
    assert!(t.rows[0][0].contains("短视频大赛作品区县推荐表"));
    assert_eq!(t.rows[1][0], "推荐单位（盖章）：渝中区科学技术局");
    assert_eq!(
        t.row_numbers[2], 4,
        "the blank row 3 is not kept but numbering goes on"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..4096), ext in prop_oneof!["csv", "xlsx", "xls", "txt"]) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &format!("f.{ext}"), &bytes);
        if let Ok(table) = read_table(&path) {
            prop_assert_eq!(table.rows.len(), table.row_numbers.len());
            let _ = jury_core::forms::parse_works(&table);
            let _ = jury_core::forms::parse_judges(&table);
        }
    }

    #[test]
    fn arbitrary_text_tables_never_panic_and_keep_row_numbers_rising(lines in proptest::collection::vec("[序号作品名称单位,\"\n\r\t 　a1.0]{0,30}", 0..20)) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "f.csv", lines.join("\n").as_bytes());
        if let Ok(table) = read_table(&path) {
            prop_assert!(table.row_numbers.windows(2).all(|w| w[0] < w[1]), "{:?}", table.row_numbers);
            let _ = jury_core::forms::parse_works(&table);
        }
    }

    #[test]
    fn junk_behind_workbook_magic_never_panics(magic in prop_oneof![Just(&b"PK\x03\x04"[..]), Just(&[0xD0u8, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..])], tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = magic.to_vec();
        bytes.extend(tail);
        let e = read_table(&write(dir.path(), "f.xlsx", &bytes));
        prop_assert!(e.is_err());
    }
}

/// A real workbook cut short or with a byte changed must fail cleanly, never panic.
#[test]
fn damaged_workbooks_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xlsx");
    district_workbook(&good);
    let bytes = std::fs::read(&good).unwrap();
    let mut x = 12345u64;
    for i in 0..120 {
        let mut damaged = bytes.clone();
        if i % 2 == 0 {
            damaged.truncate(bytes.len() * i / 120);
        } else {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (x >> 33) as usize % bytes.len();
            damaged[at] ^= 0x5A;
        }
        let path = write(dir.path(), "damaged.xlsx", &damaged);
        let _ = read_table(&path);
    }
}

/// A minimal XLSX whose one sheet holds a single inline-string cell at `reference`.
fn xlsx_with_cell(dir: &Path, name: &str, reference: &str) -> PathBuf {
    use std::io::Write;
    let path = dir.join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="{reference}" t="inlineStr"><is><t>序号</t></is></c></row></sheetData></worksheet>"#)),
    ];
    for (part, text) in parts {
        zip.start_file(part, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    path
}

#[test]
fn absurd_cell_references_are_a_workbook_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // The same hand-made workbook reads with a sane reference…
    let fine = xlsx_with_cell(dir.path(), "fine.xlsx", "B2");
    let table = read_table(&fine).unwrap();
    assert!(table.rows.iter().any(|r| r.iter().any(|c| c == "序号")));
    // …but these lie far beyond Excel's last column and row (calamine overflows on them,
    // a panic in this debug build).
    for reference in ["ZZZZZZZZ1", "A99999999999"] {
        let path = xlsx_with_cell(dir.path(), &format!("{reference}.xlsx"), reference);
        let e = read_table(&path).unwrap_err();
        assert_eq!(e.kind, ImportErrorKind::Workbook, "{e}");
        assert!(e.to_string().contains("save it again"), "{e}");
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("form.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let err = read_table(&fifo).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

#[test]
fn an_unclosed_quote_is_named_with_its_row_not_read_as_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "works.csv",
        "序号,作品名称,创作单位\n1,\"追光者,重庆大学\n2,长江,西南大学\n3,桥都,重庆交通大学\n"
            .as_bytes(),
    );
    let e = read_table(&path).unwrap_err();
    assert!(e.to_string().contains("never closed"), "{e}");
    assert!(e.to_string().contains("row 2"), "{e}");
    // Quotes that do close, even around line breaks, are fine.
    let fine = write(
        dir.path(),
        "fine.csv",
        "序号,作品名称\n1,\"两行\n标题\"\n2,\"a \"\"quoted\"\" word\"\n".as_bytes(),
    );
    let table = read_table(&fine).unwrap();
    assert_eq!(table.rows.len(), 3);
    // A stray quote inside an unquoted cell is text, even after a multi-line cell.
    let inch = write(
        dir.path(),
        "inch.csv",
        "序号,作品名称,备注\n1,\"两行\n标题\",12\" screen\n".as_bytes(),
    );
    let table = read_table(&inch).unwrap();
    assert_eq!(table.rows[1][2], "12\" screen");
}

/// Writes one part's bytes.
type PartWriter<'a> = &'a dyn Fn(&mut dyn std::io::Write);

/// A zip named `.xlsx` with the given parts, deflated (so a huge part is a small file).
fn bomb(dir: &Path, name: &str, parts: &[(&str, PartWriter)]) -> PathBuf {
    use std::io::Write as _;
    let path = dir.join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (part, write) in parts {
        zip.start_file(*part, opts).unwrap();
        write(&mut zip);
    }
    zip.flush().unwrap();
    zip.finish().unwrap();
    path
}

fn content_types(w: &mut dyn std::io::Write) {
    w.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
}

fn refusal(path: &Path) -> String {
    let t = Instant::now();
    let e = read_table(path).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::TooLarge, "{e}");
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(e.message.lines().count(), 1, "{e}");
    assert!(e.message.contains(&path.display().to_string()), "{e}");
    e.message
}

#[test]
fn a_zip_bomb_part_is_refused_while_unpacking() {
    let dir = tempfile::tempdir().unwrap();
    // 80 MiB of zeros in one part: a file of under 100 KB.
    let zeros = |w: &mut dyn std::io::Write| {
        let block = vec![b'0'; 1 << 20];
        for _ in 0..80 {
            w.write_all(&block).unwrap();
        }
    };
    let path = bomb(
        dir.path(),
        "bomb.xlsx",
        &[
            ("[Content_Types].xml", &content_types),
            ("xl/media/image1.png", &zeros),
        ],
    );
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let msg = refusal(&path);
    assert!(
        msg.contains("xl/media/image1.png") && msg.contains("64 MB"),
        "{msg}"
    );
}

#[test]
fn too_many_shared_strings_and_an_overlong_cell_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let many = |w: &mut dyn std::io::Write| {
        w.write_all(b"<sst>").unwrap();
        for _ in 0..1_000_001 {
            w.write_all(b"<si><t>a</t></si>").unwrap();
        }
        w.write_all(b"</sst>").unwrap();
    };
    let path = bomb(
        dir.path(),
        "strings.xlsx",
        &[
            ("[Content_Types].xml", &content_types),
            ("xl/sharedStrings.xml", &many),
        ],
    );
    let msg = refusal(&path);
    assert!(msg.contains("1000000 shared strings"), "{msg}");

    let long = |w: &mut dyn std::io::Write| {
        w.write_all(b"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>")
            .unwrap();
        w.write_all("长".repeat(40_000).as_bytes()).unwrap();
        w.write_all(b"</t></is></c></row></sheetData></worksheet>")
            .unwrap();
    };
    let path = bomb(
        dir.path(),
        "cell.xlsx",
        &[
            ("[Content_Types].xml", &content_types),
            ("xl/worksheets/sheet1.xml", &long),
        ],
    );
    let msg = refusal(&path);
    assert!(
        msg.contains("40000 characters") && msg.contains("32767"),
        "{msg}"
    );
}
