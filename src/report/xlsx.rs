//! The results workbook: a results sheet (the ranked list), a per-judge sheet, a statistics
//! sheet and a side-by-side of the three aggregation methods.
//!
//! Every sheet starts with the same two lines — row 1 the contest title, row 2 the status
//! (final, or the provisional banner) — so a sheet printed or copied alone still says
//! whether its numbers may change. Tables start on row 4 (index 2 is the header, index 3 the
//! first data row, see [`HEADER_ROW`]). Scores are written as numbers rounded to 0.01: the
//! ranking itself was decided exactly before anything was rounded. Withheld figures (see the
//! disclosure rule in [`crate::report`]) are the text "-", never an empty cell, so nobody
//! mistakes them for zero or for a missing formula.
//!
//! Every number is a number cell with one number format per column ([`Num`]): scores and
//! means with two decimals ("88.00" above "87.67"), judge totals and spreads with the
//! decimals of the rubric's finest step, counts and places whole, agreement figures with
//! three. Each sheet freezes its header row, and prints on A4 landscape, one page wide, with
//! the title, status and header rows repeated on every page.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::audience::Audience;
use super::view::{point_decimals, score_number, ResultsView, METHODS, SCORE_DECIMALS};
use super::words::{method_label, method_short, missing_label, yes_no, ResultsWords};
use super::{ReportError, MIN_JUDGE_WORKS, MIN_SPREAD_TOTALS};
use crate::i18n::Lang;
use crate::tr;
use jury_core::model::Points;

/// Row index of every sheet's table header (0-based); data rows follow.
pub const HEADER_ROW: u32 = 2;

/// Paper size code of A4 in the XLSX page setup.
const A4: u8 = 9;

/// The number format of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Num {
    /// Places and counts: "0".
    Int,
    /// Scores, means and severities: two decimals.
    Score,
    /// Judge totals and spreads: the decimals of the rubric's finest step.
    Points,
    /// Agreement figures (alpha, ICC): three decimals.
    Ratio,
}

/// Excel's format code for `decimals` decimals: "0", "0.0", "0.00", ….
pub fn decimals_code(decimals: usize) -> String {
    if decimals == 0 {
        "0".into()
    } else {
        format!("0.{}", "0".repeat(decimals))
    }
}

/// Sheet names: results, judges, statistics, methods.
pub fn sheet_names(lang: Lang) -> [&'static str; 4] {
    [
        tr!(lang, "report.xlsx.sheet_results"),
        tr!(lang, "report.xlsx.sheet_judges"),
        tr!(lang, "report.xlsx.sheet_stats"),
        tr!(lang, "report.xlsx.sheet_methods"),
    ]
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    bold: Format,
    /// The title and status lines' format (red while provisional).
    banner: Format,
    int: Format,
    score: Format,
    points: Format,
    ratio: Format,
    /// Right-aligned "-" for a withheld or missing number.
    dash: Format,
}

impl<'a> Sheet<'a> {
    /// A sheet with the title and status lines written in `title_format` on top, then plain
    /// bold for its headers.
    fn start(
        ws: &'a mut Worksheet,
        view: &ResultsView,
        lang: Lang,
        title_format: &Format,
    ) -> Result<Sheet<'a>, XlsxError> {
        let mut sh = Sheet {
            ws,
            bold: title_format.clone(),
            banner: title_format.clone(),
            int: Format::new().set_num_format(decimals_code(0)),
            score: Format::new().set_num_format(decimals_code(SCORE_DECIMALS)),
            points: Format::new().set_num_format(decimals_code(point_decimals(&view.contest))),
            ratio: Format::new().set_num_format(decimals_code(3)),
            dash: Format::new().set_align(FormatAlign::Right),
        };
        sh.top(view, lang)?;
        sh.bold = Format::new().set_bold();
        sh.page_setup()?;
        Ok(sh)
    }

    /// Frozen header row; A4 landscape, one page wide, title to header repeated per page.
    fn page_setup(&mut self) -> Result<(), XlsxError> {
        self.ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
        self.ws.set_repeat_rows(0, HEADER_ROW)?;
        self.ws
            .set_paper_size(A4)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
        Ok(())
    }

    /// Column widths, in characters, from column 0 on.
    fn widths(&mut self, widths: &[f64]) -> Result<(), XlsxError> {
        for (c, w) in widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w)?;
        }
        Ok(())
    }

    fn s(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        if !text.is_empty() {
            self.ws.write_string(row, col, text)?;
        }
        Ok(())
    }
    fn n(&mut self, row: u32, col: u16, x: f64, num: Num) -> Result<(), XlsxError> {
        let format = match num {
            Num::Int => &self.int,
            Num::Score => &self.score,
            Num::Points => &self.points,
            Num::Ratio => &self.ratio,
        };
        self.ws.write_number_with_format(row, col, x, format)?;
        Ok(())
    }
    /// A number, or "-" when there is none.
    fn opt(&mut self, row: u32, col: u16, x: Option<f64>, num: Num) -> Result<(), XlsxError> {
        match x {
            Some(x) => self.n(row, col, x, num),
            None => {
                self.ws
                    .write_string_with_format(row, col, "-", &self.dash)?;
                Ok(())
            }
        }
    }
    fn h(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(row, col, text, &self.bold)?;
        Ok(())
    }
    fn headers(&mut self, row: u32, items: &[String]) -> Result<(), XlsxError> {
        for (c, t) in items.iter().enumerate() {
            self.h(row, c as u16, t)?;
        }
        Ok(())
    }
    /// The status line of a public sheet: provisional or final, without naming judges.
    fn public_status(&mut self, view: &ResultsView, lang: Lang) -> Result<(), XlsxError> {
        let status = super::audience::public_banner(view, lang);
        self.ws
            .write_string_with_format(1, 0, status, &self.banner)?;
        Ok(())
    }
    /// Title and status lines.
    fn top(&mut self, view: &ResultsView, lang: Lang) -> Result<(), XlsxError> {
        let bold = self.bold.clone();
        self.ws
            .write_string_with_format(0, 0, view.title(lang), &bold)?;
        let status = view
            .provisional_banner(lang)
            .unwrap_or_else(|| tr!(lang, "report.banner.final").into());
        let status = match super::rounds::round_note(view, lang) {
            Some(round) => format!("{status}  {round}"),
            None => status,
        };
        self.ws.write_string_with_format(1, 0, &status, &bold)?;
        Ok(())
    }
}

/// Fills one started sheet (title and status lines already on top).
type SheetFill = fn(&mut Sheet<'_>, &ResultsView, Lang, Audience) -> Result<(), XlsxError>;

/// The workbook as bytes (internal audience).
pub fn render(view: &ResultsView, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    render_for(view, lang, Audience::Internal)
}

/// The workbook for `audience`: public — the award list and the 优秀组织奖; panel — the
/// results sheet and the 优秀组织奖; internal — every sheet, with 内部资料 in each printed
/// page's header.
pub fn render_for(
    view: &ResultsView,
    lang: Lang,
    audience: Audience,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let names = sheet_names(lang);
    let bold = Format::new().set_bold();
    let bold_red = Format::new().set_bold().set_font_color(0xC00000);
    let banner = if view.provisional { bold_red } else { bold };
    let internal = audience == Audience::Internal;
    let mut plan: Vec<(&str, SheetFill)> = Vec::new();
    if audience == Audience::Public {
        plan.push((tr!(lang, "report.xlsx.sheet_awards"), award_list_sheet));
    } else {
        plan.push((names[0], results_sheet));
    }
    if internal {
        plan.push((names[1], judges_sheet));
        plan.push((names[2], stats_sheet));
        plan.push((names[3], methods_sheet));
    }
    if view.organization.is_some() {
        plan.push((tr!(lang, "report.xlsx.sheet_org"), org_sheet));
    }
    if internal {
        plan.push((tr!(lang, "report.xlsx.sheet_comments"), comments_sheet));
    }
    for (name, fill) in plan {
        let ws = wb.add_worksheet().set_name(name)?;
        if internal {
            ws.set_header(format!("&R{}", tr!(lang, "report.internal_mark")));
        }
        let mut sh = Sheet::start(ws, view, lang, &banner)?;
        fill(&mut sh, view, lang, audience)?;
    }
    wb.save_to_buffer()
}

/// 获奖名单: one row per awarded work, awards in the call's order.
fn award_list_sheet(
    sh: &mut Sheet<'_>,
    view: &ResultsView,
    lang: Lang,
    _audience: Audience,
) -> Result<(), XlsxError> {
    sh.public_status(view, lang)?;
    sh.headers(HEADER_ROW, &super::audience::award_list_headers(lang))?;
    let mut row = HEADER_ROW + 1;
    for (award, works) in view.award_list() {
        let label = award.label(&view.contest.awards, lang);
        for (i, r) in works.iter().enumerate() {
            sh.n(row, 0, (i + 1) as f64, Num::Int)?;
            sh.s(row, 1, label)?;
            sh.s(row, 2, &r.work)?;
            sh.s(row, 3, &r.title)?;
            sh.s(row, 4, &r.unit)?;
            sh.s(row, 5, &r.district)?;
            sh.s(row, 6, &r.creators)?;
            row += 1;
        }
    }
    sh.widths(&[6.0, 12.0, 8.0, 34.0, 28.0, 14.0, 28.0])
}

/// 优秀组织奖: place, organiser, works recommended, works per award, points, result.
fn org_sheet(
    sh: &mut Sheet<'_>,
    view: &ResultsView,
    lang: Lang,
    audience: Audience,
) -> Result<(), XlsxError> {
    let Some(org) = &view.organization else {
        return Ok(());
    };
    if audience == Audience::Public {
        sh.public_status(view, lang)?;
    }
    let headers = super::audience::org_headers(view, lang);
    sh.headers(HEADER_ROW, &headers)?;
    for (i, (r, cells)) in org
        .rows
        .iter()
        .zip(super::audience::org_cells(org, lang))
        .enumerate()
    {
        let row = HEADER_ROW + 1 + i as u32;
        sh.n(row, 0, r.place as f64, Num::Int)?;
        sh.s(row, 1, &r.name)?;
        sh.n(row, 2, r.recommended as f64, Num::Int)?;
        for (k, n) in r.by_award.iter().enumerate() {
            sh.n(row, 3 + k as u16, *n as f64, Num::Int)?;
        }
        let c = 3 + r.by_award.len() as u16;
        sh.n(row, c, f64::from(r.points), Num::Int)?;
        sh.s(row, c + 1, cells.last().map_or("", |s| s.as_str()))?;
    }
    let note_row = HEADER_ROW + 2 + org.rows.len() as u32;
    sh.s(note_row, 0, &super::audience::org_rule_line(view, lang))?;
    let mut widths = vec![6.0, 22.0, 10.0];
    widths.extend(headers.iter().skip(3).map(|_| 9.0));
    sh.widths(&widths)
}

/// 评语汇总 with identities (internal only).
fn comments_sheet(
    sh: &mut Sheet<'_>,
    view: &ResultsView,
    lang: Lang,
    _audience: Audience,
) -> Result<(), XlsxError> {
    sh.headers(
        HEADER_ROW,
        &[
            tr!(lang, "report.col.number").to_string(),
            tr!(lang, "report.col.title").into(),
            tr!(lang, "report.comments.judge").into(),
            tr!(lang, "report.comments.text").into(),
        ],
    )?;
    for (i, c) in view.comments.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        sh.s(row, 0, &c.work)?;
        sh.s(row, 1, &c.title)?;
        sh.s(row, 2, &super::audience::judge_label(c, lang, true))?;
        sh.s(row, 3, &c.text)?;
    }
    sh.widths(&[8.0, 30.0, 22.0, 80.0])
}

/// Writes the internal workbook to `path` (atomically).
pub fn write(view: &ResultsView, lang: Lang, path: &std::path::Path) -> Result<(), ReportError> {
    write_for(view, lang, Audience::Internal, path)
}

/// Writes the workbook for `audience` to `path` (atomically).
pub fn write_for(
    view: &ResultsView,
    lang: Lang,
    audience: Audience,
    path: &std::path::Path,
) -> Result<(), ReportError> {
    let bytes = render_for(view, lang, audience).map_err(|e| ReportError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    super::write_atomic(path, &bytes)
}

fn results_sheet(
    sh: &mut Sheet<'_>,
    view: &ResultsView,
    lang: Lang,
    _audience: Audience,
) -> Result<(), XlsxError> {
    let groups = view.group_labels(lang);
    let header = view.result_headers(lang);
    sh.headers(HEADER_ROW, &header)?;
    for (i, r) in view.rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        if let Some(p) = r.place {
            sh.n(row, 0, p as f64, Num::Int)?;
        }
        sh.s(row, 1, &view.award_label(r, lang))?;
        sh.s(row, 2, &r.work)?;
        sh.s(row, 3, &r.title)?;
        sh.s(row, 4, &r.unit)?;
        sh.s(row, 5, &r.district)?;
        sh.opt(row, 6, r.aggregate.map(score_number), Num::Score)?;
        for g in 0..groups.len() {
            sh.opt(
                row,
                7 + g as u16,
                r.group_scores.get(g).map(|s| score_number(*s)),
                Num::Score,
            )?;
        }
        let c = 7 + groups.len() as u16;
        sh.n(row, c, r.scored as f64, Num::Int)?;
        sh.s(row, c + 1, &view.row_note(r, lang))?;
    }
    let mut widths = vec![6.0, 14.0, 8.0, 30.0, 24.0, 10.0, 9.0];
    widths.extend(groups.iter().map(|_| 10.0));
    widths.extend([8.0, 40.0]);
    sh.widths(&widths)?;
    Ok(())
}

fn judges_sheet(
    sh: &mut Sheet<'_>,
    view: &ResultsView,
    lang: Lang,
    _audience: Audience,
) -> Result<(), XlsxError> {
    let header: Vec<String> = crate::i18n::texts(
        lang,
        &[
            "report.judge.id",
            "report.judge.name",
            "report.judge.unit",
            "report.judge.submitted",
            "report.judge.assigned",
            "report.judge.scored",
            "report.judge.recused",
            "report.judge.missing",
            "report.judge.mean_total",
            "report.judge.severity",
            "report.judge.outliers",
        ],
    );
    sh.headers(HEADER_ROW, &header)?;
    let mut row = HEADER_ROW + 1;
    for j in &view.judges {
        sh.s(row, 0, &j.judge)?;
        sh.s(row, 1, &j.name)?;
        sh.s(row, 2, &j.unit)?;
        sh.s(row, 3, yes_no(j.submitted, lang))?;
        sh.n(row, 4, j.assigned as f64, Num::Int)?;
        sh.n(row, 5, j.scored as f64, Num::Int)?;
        sh.n(row, 6, j.recused as f64, Num::Int)?;
        sh.n(row, 7, j.missing as f64, Num::Int)?;
        sh.opt(row, 8, j.mean_total.map(score_number), Num::Score)?;
        sh.opt(
            row,
            9,
            j.severity.map(|s| (s * 100.0).round() / 100.0),
            Num::Score,
        )?;
        sh.n(row, 10, j.outliers as f64, Num::Int)?;
        row += 1;
    }
    row += 1;
    let note = tr!(lang, "report.xlsx.judges_note", min = MIN_JUDGE_WORKS);
    sh.s(row, 0, &note)?;
    sh.widths(&[
        10.0, 14.0, 24.0, 8.0, 10.0, 10.0, 8.0, 8.0, 10.0, 10.0, 10.0,
    ])?;
    Ok(())
}

fn stats_sheet(
    sh: &mut Sheet<'_>,
    view: &ResultsView,
    lang: Lang,
    _audience: Audience,
) -> Result<(), XlsxError> {
    let rel = &view.tally.reliability;
    let mut row = HEADER_ROW;
    sh.h(row, 0, tr!(lang, "report.xlsx.item"))?;
    sh.h(row, 1, tr!(lang, "report.xlsx.value"))?;
    row += 1;
    sh.s(row, 0, tr!(lang, "report.col.status"))?;
    sh.s(row, 1, view.status_word(lang))?;
    row += 1;
    sh.s(row, 0, tr!(lang, "report.ranked_on"))?;
    sh.s(row, 1, method_label(view.method, lang))?;
    row += 1;
    sh.s(row, 0, tr!(lang, "report.xlsx.alpha"))?;
    sh.opt(row, 1, rel.alpha_interval.map(round3), Num::Ratio)?;
    row += 1;
    let one = rel.icc_oneway;
    sh.s(row, 0, tr!(lang, "report.xlsx.icc_single"))?;
    sh.opt(row, 1, one.map(|i| round3(i.single)), Num::Ratio)?;
    row += 1;
    sh.s(row, 0, tr!(lang, "report.xlsx.icc_average"))?;
    sh.opt(row, 1, one.map(|i| round3(i.average)), Num::Ratio)?;
    row += 1;
    sh.s(row, 0, tr!(lang, "report.xlsx.k0"))?;
    sh.opt(row, 1, one.map(|i| round3(i.k0)), Num::Ratio)?;
    row += 1;
    if let Some(t) = rel.icc_two_way {
        for (label, x) in [
            ("ICC(1,1)", t.icc1_1),
            ("ICC(2,1)", t.icc2_1),
            ("ICC(3,1)", t.icc3_1),
            ("ICC(1,k)", t.icc1_k),
            ("ICC(2,k)", t.icc2_k),
            ("ICC(3,k)", t.icc3_k),
        ] {
            sh.s(row, 0, label)?;
            sh.n(row, 1, round3(x), Num::Ratio)?;
            row += 1;
        }
    }
    if let Some(note) = view.zscore_note(lang) {
        sh.s(row, 0, tr!(lang, "report.section.zscores"))?;
        sh.s(row, 1, &note)?;
        row += 1;
    }

    row += 1;
    sh.h(row, 0, tr!(lang, "report.section.cutoffs"))?;
    row += 1;
    let cut_header: Vec<String> = crate::i18n::texts(
        lang,
        &[
            "report.col.award",
            "report.xlsx.share",
            "report.xlsx.cumulative",
            "report.xlsx.target",
            "report.xlsx.awarded",
            "report.xlsx.last_place",
            "report.xlsx.lowest",
            "report.xlsx.undecided",
        ],
    );
    sh.headers(row, &cut_header)?;
    row += 1;
    for t in &view.tally.tiers {
        sh.s(row, 0, t.award.label(&view.contest.awards, lang))?;
        sh.n(row, 1, f64::from(t.share_percent), Num::Int)?;
        sh.n(row, 2, t.cumulative_target as f64, Num::Int)?;
        sh.n(row, 3, t.target as f64, Num::Int)?;
        sh.n(row, 4, t.awarded as f64, Num::Int)?;
        sh.opt(row, 5, t.last_place.map(|p| p as f64), Num::Int)?;
        sh.opt(row, 6, t.lowest.map(score_number), Num::Score)?;
        sh.n(row, 7, t.undecided as f64, Num::Int)?;
        row += 1;
    }
    for line in view.boundary_lines(lang) {
        sh.s(row, 0, &line)?;
        row += 1;
    }

    let mut list = |sh: &mut Sheet, title: &str, rows: Vec<Vec<Cell>>| {
        row += 1;
        sh.h(row, 0, title)?;
        row += 1;
        if rows.is_empty() {
            sh.s(row, 0, tr!(lang, "report.none"))?;
            row += 1;
        }
        for r in rows {
            for (c, cell) in r.iter().enumerate() {
                match cell {
                    Cell::Text(t) => sh.s(row, c as u16, t)?,
                    Cell::Number(x, num) => sh.opt(row, c as u16, *x, *num)?,
                }
            }
            row += 1;
        }
        Ok::<(), XlsxError>(())
    };
    list(
        sh,
        tr!(lang, "report.xlsx.high_spread"),
        view.rows
            .iter()
            .filter(|r| r.high_spread)
            .map(|r| {
                vec![
                    r.work.clone().into(),
                    Cell::Number(r.spread.map(points_number), Num::Points),
                ]
            })
            .collect(),
    )?;
    list(
        sh,
        tr!(lang, "report.section.outliers"),
        view.outliers
            .iter()
            .map(|o| {
                text_cells(vec![
                    o.work.clone(),
                    o.judge.clone(),
                    if o.above {
                        tr!(lang, "report.xlsx.above")
                    } else {
                        tr!(lang, "report.xlsx.below")
                    }
                    .into(),
                ])
            })
            .collect(),
    )?;
    list(
        sh,
        tr!(lang, "report.xlsx.short"),
        view.short
            .iter()
            .map(|s| {
                text_cells(vec![
                    s.work.clone(),
                    format!("{}/{}", s.scored, s.needed),
                    if s.ranked {
                        String::new()
                    } else {
                        tr!(lang, "report.not_ranked").into()
                    },
                ])
            })
            .collect(),
    )?;
    list(
        sh,
        tr!(lang, "report.section.unsubmitted"),
        view.tally
            .unsubmitted
            .iter()
            .map(|j| text_cells(vec![j.clone()]))
            .collect(),
    )?;
    list(
        sh,
        tr!(lang, "report.xlsx.recusals"),
        view.tally
            .recusals
            .iter()
            .map(|(j, w)| text_cells(vec![j.clone(), w.clone()]))
            .collect(),
    )?;
    list(
        sh,
        tr!(lang, "report.xlsx.missing"),
        view.tally
            .missing
            .iter()
            .map(|m| {
                text_cells(vec![
                    m.work.clone(),
                    m.judge.clone(),
                    missing_label(&m.reason, &view.contest, lang),
                ])
            })
            .collect(),
    )?;
    row += 1;
    let note = tr!(lang, "report.xlsx.stats_note", min = MIN_SPREAD_TOTALS);
    sh.s(row, 0, &note)?;
    sh.widths(&[34.0, 16.0, 12.0, 10.0, 10.0, 12.0, 12.0, 10.0])?;
    Ok(())
}

fn methods_sheet(
    sh: &mut Sheet<'_>,
    view: &ResultsView,
    lang: Lang,
    _audience: Audience,
) -> Result<(), XlsxError> {
    let mut header: Vec<String> = vec![
        tr!(lang, "report.col.number").into(),
        tr!(lang, "report.col.title").into(),
    ];
    for m in METHODS {
        let short = method_short(m, lang);
        header.push(tr!(lang, "report.xlsx.method_place", method = short));
        header.push(tr!(lang, "report.xlsx.method_score", method = short));
    }
    sh.headers(HEADER_ROW, &header)?;
    for (i, r) in view.rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        sh.s(row, 0, &r.work)?;
        sh.s(row, 1, &r.title)?;
        for (k, cell) in r.methods.iter().enumerate() {
            let c = 2 + 2 * k as u16;
            sh.opt(row, c, cell.place.map(|p| p as f64), Num::Int)?;
            sh.opt(row, c + 1, cell.aggregate.map(score_number), Num::Score)?;
        }
    }
    if let Some(note) = view.zscore_note(lang) {
        sh.s(HEADER_ROW + 2 + view.rows.len() as u32, 0, &note)?;
    }
    sh.widths(&[8.0, 30.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0])?;
    Ok(())
}

/// A cell of a list on the statistics sheet.
enum Cell {
    Text(String),
    /// A number in its column's format, or "-".
    Number(Option<f64>, Num),
}

impl From<String> for Cell {
    fn from(t: String) -> Cell {
        Cell::Text(t)
    }
}

fn text_cells(items: Vec<String>) -> Vec<Cell> {
    items.into_iter().map(Cell::Text).collect()
}

/// Points as a spreadsheet number (exact: points are whole hundredths).
fn points_number(p: Points) -> f64 {
    p.0 as f64 / Points::SCALE as f64
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
