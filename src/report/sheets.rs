//! 专家评分表 for the archive: per judge, every assigned work × every criterion, the group
//! subtotals, the total, the comment, a recusal with its reason, the receipt of the judge's
//! last merged ballot, and lines to sign and date. As printable HTML (A4 landscape, one
//! judge per page) and as an XLSX with one sheet per judge (numbers as numbers).
//!
//! A sheet is the judge's own record, so it shows their recusal reasons — which the results
//! never do (disclosure rule 1) — and it goes to the archive and back to that judge only.

use std::fmt::Write as _;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::html::esc;
use super::view::{fmt_points, point_decimals};
use super::xlsx::decimals_code;
use super::ReportError;
use crate::i18n::Lang;
use crate::tr;
use jury_core::model::{Contest, Points};
use jury_core::results::JudgeSheet;

const STYLE: &str = r#"
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #111; font-size: 10pt; margin: 0; }
section.judge { page-break-after: always; break-after: page; }
section.judge:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 2mm; }
h2 { font-size: 12pt; text-align: center; margin: 0 0 3mm; font-weight: normal; }
.who { display: flex; justify-content: space-between; margin-bottom: 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #777; padding: 1mm 1.5mm; vertical-align: top; }
th { background: #eee; font-weight: bold; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { page-break-inside: avoid; break-inside: avoid; }
tr.recused td { color: #555; background: #f6f6f6; }
thead { display: table-header-group; }
.receipt { font-family: "DejaVu Sans Mono", Consolas, monospace; }
.foot { display: flex; justify-content: space-between; margin-top: 5mm; }
.line { display: inline-block; min-width: 45mm; border-bottom: 1px solid #000; }
"#;

fn opt(p: Option<Points>, decimals: usize) -> String {
    p.map(|p| fmt_points(p, decimals)).unwrap_or_default()
}

fn judge_page(h: &mut String, contest: &Contest, s: &JudgeSheet, lang: Lang) {
    let decimals = point_decimals(contest);
    let _ = writeln!(
        h,
        "<section class=\"judge\" data-judge=\"{}\">\n<h1>{}</h1>\n<h2>{}</h2>\n<div class=\"who\"><span>{}{}{} {}</span><span>{}{}{}</span></div>\n<table>\n<thead><tr><th>{}</th><th>{}</th>",
        esc(&s.judge),
        esc(contest.title(lang)),
        tr!(lang, "report.sheets.heading"),
        tr!(lang, "report.sheets.judge"),
        tr!(lang, "report.colon"),
        esc(&s.judge),
        esc(&s.name),
        tr!(lang, "report.judge.unit"),
        tr!(lang, "report.colon"),
        esc(&s.unit),
        tr!(lang, "report.col.number"),
        tr!(lang, "report.col.title"),
    );
    for c in contest.rubric.criteria() {
        let _ = write!(
            h,
            "<th>{}<br>({})</th>",
            esc(c.label(lang)),
            fmt_points(c.max, decimals)
        );
    }
    for g in &contest.rubric.groups {
        let _ = write!(
            h,
            "<th>{}<br>({})</th>",
            esc(&tr!(lang, "report.sheets.subtotal", group = g.label(lang))),
            fmt_points(g.max(), decimals)
        );
    }
    let _ = writeln!(
        h,
        "<th>{}<br>({})</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        tr!(lang, "report.sheets.total"),
        fmt_points(contest.rubric.max_total(), decimals),
        tr!(lang, "report.sheets.comment"),
        tr!(lang, "report.sheets.recusal")
    );
    for l in &s.lines {
        let class = if l.recusal.is_some() { "recused" } else { "" };
        let _ = write!(
            h,
            "<tr class=\"{class}\" data-work=\"{}\"><td>{}</td><td>{}</td>",
            esc(&l.work),
            esc(&l.work),
            esc(&l.title)
        );
        for p in &l.points {
            let _ = write!(h, "<td class=\"num\">{}</td>", opt(*p, decimals));
        }
        for p in &l.groups {
            let _ = write!(h, "<td class=\"num\">{}</td>", opt(*p, decimals));
        }
        let recusal = l
            .recusal
            .as_ref()
            .map(|r| tr!(lang, "report.sheets.recused", reason = r))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<td class=\"num total\">{}</td><td>{}</td><td>{}</td></tr>",
            opt(l.total, decimals),
            esc(&l.comment),
            esc(&recusal)
        );
    }
    let receipt = s
        .receipt
        .clone()
        .unwrap_or_else(|| tr!(lang, "report.html.not_merged").into());
    let _ = writeln!(
        h,
        "</tbody>\n</table>\n<p>{}{}<span class=\"receipt\">{}</span> &nbsp; {}{}{} &nbsp; {}{}{}</p>\n<div class=\"foot\"><span>{}{}<span class=\"line\"></span></span><span>{}{}<span class=\"line\"></span></span></div>\n</section>",
        tr!(lang, "report.html.receipt"),
        tr!(lang, "report.colon"),
        esc(&receipt),
        tr!(lang, "report.html.revision"),
        tr!(lang, "report.colon"),
        s.revision,
        tr!(lang, "report.judge.submitted"),
        tr!(lang, "report.colon"),
        super::words::yes_no(s.submitted, lang),
        tr!(lang, "report.sheets.sign"),
        tr!(lang, "report.colon"),
        tr!(lang, "report.html.date"),
        tr!(lang, "report.colon"),
    );
}

/// A document with one page per sheet.
pub fn html(contest: &Contest, sheets: &[JudgeSheet], lang: Lang) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} - {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        crate::i18n::code(lang),
        esc(contest.title(lang)),
        tr!(lang, "report.sheets.heading")
    );
    for s in sheets {
        judge_page(&mut h, contest, s, lang);
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// A worksheet name from a judge id: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(id: &str, used: &mut Vec<String>) -> String {
    let base: String = id
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let base = if base.trim().is_empty() {
        "_".to_string()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        name = format!("{base}~{n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

/// The workbook: one sheet per judge, criteria and totals as numbers.
pub fn xlsx(contest: &Contest, sheets: &[JudgeSheet], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let decimals = point_decimals(contest);
    let num = Format::new().set_num_format(decimals_code(decimals));
    let mut used = Vec::new();
    for s in sheets {
        let ws = wb
            .add_worksheet()
            .set_name(sheet_name(&s.judge, &mut used))?;
        ws.write_string_with_format(0, 0, contest.title(lang), &bold)?;
        ws.write_string_with_format(
            1,
            0,
            format!(
                "{} {}{}{} {} {}",
                tr!(lang, "report.sheets.heading"),
                tr!(lang, "report.sheets.judge"),
                tr!(lang, "report.colon"),
                s.judge,
                s.name,
                s.unit
            ),
            &bold,
        )?;
        let mut head = vec![
            tr!(lang, "report.col.number").to_string(),
            tr!(lang, "report.col.title").into(),
        ];
        head.extend(contest.rubric.criteria().map(|c| c.label(lang).to_string()));
        head.extend(
            contest
                .rubric
                .groups
                .iter()
                .map(|g| tr!(lang, "report.sheets.subtotal", group = g.label(lang))),
        );
        head.push(tr!(lang, "report.sheets.total").into());
        head.push(tr!(lang, "report.sheets.comment").into());
        head.push(tr!(lang, "report.sheets.recusal").into());
        let hr = 2u32;
        for (c, t) in head.iter().enumerate() {
            ws.write_string_with_format(hr, c as u16, t, &bold)?;
        }
        for (i, l) in s.lines.iter().enumerate() {
            let row = hr + 1 + i as u32;
            ws.write_string(row, 0, &l.work)?;
            ws.write_string(row, 1, &l.title)?;
            let values = l.points.iter().chain(&l.groups).chain([&l.total]);
            for (k, p) in values.enumerate() {
                if let Some(p) = p {
                    let x = p.0 as f64 / Points::SCALE as f64;
                    ws.write_number_with_format(row, 2 + k as u16, x, &num)?;
                }
            }
            let c = 2 + (l.points.len() + l.groups.len() + 1) as u16;
            if !l.comment.is_empty() {
                ws.write_string(row, c, &l.comment)?;
            }
            if let Some(r) = &l.recusal {
                ws.write_string(row, c + 1, tr!(lang, "report.sheets.recused", reason = r))?;
            }
        }
        let foot = hr + 2 + s.lines.len() as u32;
        let receipt = s
            .receipt
            .clone()
            .unwrap_or_else(|| tr!(lang, "report.html.not_merged").into());
        ws.write_string(
            foot,
            0,
            format!(
                "{}{}{}  {}{}{}",
                tr!(lang, "report.html.receipt"),
                tr!(lang, "report.colon"),
                receipt,
                tr!(lang, "report.html.revision"),
                tr!(lang, "report.colon"),
                s.revision
            ),
        )?;
        ws.write_string(
            foot + 2,
            0,
            format!(
                "{}{}________________    {}{}____________",
                tr!(lang, "report.sheets.sign"),
                tr!(lang, "report.colon"),
                tr!(lang, "report.html.date"),
                tr!(lang, "report.colon")
            ),
        )?;
        ws.set_freeze_panes(hr + 1, 2)?;
        ws.set_repeat_rows(0, hr)?;
        ws.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
        ws.set_column_width(1, 28)?;
        ws.set_column_width(c_last(contest), 40)?;
    }
    wb.save_to_buffer()
}

/// The comment column of a sheet.
fn c_last(contest: &Contest) -> u16 {
    (2 + contest.rubric.criteria().count() + contest.rubric.groups.len() + 1) as u16
}

/// The workbook as a [`ReportError`] on failure, naming `path`.
pub fn xlsx_bytes(
    contest: &Contest,
    sheets: &[JudgeSheet],
    lang: Lang,
    path: &std::path::Path,
) -> Result<Vec<u8>, ReportError> {
    xlsx(contest, sheets, lang).map_err(|e| ReportError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
