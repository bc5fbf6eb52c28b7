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

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::view::{method_label, method_short, missing_label, score_number, ResultsView, METHODS};
use super::{ReportError, MIN_JUDGE_WORKS, MIN_SPREAD_TOTALS};
use crate::i18n::Lang;

/// Row index of every sheet's table header (0-based); data rows follow.
pub const HEADER_ROW: u32 = 2;

/// Sheet names: results, judges, statistics, methods.
pub fn sheet_names(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::Zh => ["结果", "评委", "统计", "方法对比"],
        Lang::En => ["Results", "Judges", "Statistics", "Methods"],
    }
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    bold: Format,
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
        };
        sh.top(view, lang)?;
        sh.bold = Format::new().set_bold();
        Ok(sh)
    }

    fn s(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        if !text.is_empty() {
            self.ws.write_string(row, col, text)?;
        }
        Ok(())
    }
    fn n(&mut self, row: u32, col: u16, x: f64) -> Result<(), XlsxError> {
        self.ws.write_number(row, col, x)?;
        Ok(())
    }
    /// A number, or "-" when there is none.
    fn opt(&mut self, row: u32, col: u16, x: Option<f64>) -> Result<(), XlsxError> {
        match x {
            Some(x) => self.n(row, col, x),
            None => self.s(row, col, "-"),
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
    /// Title and status lines.
    fn top(&mut self, view: &ResultsView, lang: Lang) -> Result<(), XlsxError> {
        let bold = self.bold.clone();
        self.ws
            .write_string_with_format(0, 0, view.title(lang), &bold)?;
        let status = view
            .provisional_banner(lang)
            .unwrap_or_else(|| lang.pick("最终结果", "Final results").into());
        self.ws.write_string_with_format(1, 0, &status, &bold)?;
        Ok(())
    }
}

/// The workbook as bytes.
pub fn render(view: &ResultsView, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let names = sheet_names(lang);
    let bold = Format::new().set_bold();
    let bold_red = Format::new().set_bold().set_font_color(0xC00000);
    let banner = if view.provisional { bold_red } else { bold };
    results_sheet(wb.add_worksheet().set_name(names[0])?, view, lang, &banner)?;
    judges_sheet(wb.add_worksheet().set_name(names[1])?, view, lang, &banner)?;
    stats_sheet(wb.add_worksheet().set_name(names[2])?, view, lang, &banner)?;
    methods_sheet(wb.add_worksheet().set_name(names[3])?, view, lang, &banner)?;
    wb.save_to_buffer()
}

/// Writes the workbook to `path` (atomically).
pub fn write(view: &ResultsView, lang: Lang, path: &std::path::Path) -> Result<(), ReportError> {
    let bytes = render(view, lang).map_err(|e| ReportError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    super::write_atomic(path, &bytes)
}

fn results_sheet(
    ws: &mut Worksheet,
    view: &ResultsView,
    lang: Lang,
    bold: &Format,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::start(ws, view, lang, bold)?;
    let groups = view.group_labels(lang);
    let header = view.result_headers(lang);
    sh.headers(HEADER_ROW, &header)?;
    for (i, r) in view.rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        if let Some(p) = r.place {
            sh.n(row, 0, p as f64)?;
        }
        sh.s(row, 1, &view.award_label(r, lang))?;
        sh.s(row, 2, &r.work)?;
        sh.s(row, 3, &r.title)?;
        sh.s(row, 4, &r.unit)?;
        sh.opt(row, 5, r.aggregate.map(score_number))?;
        for g in 0..groups.len() {
            sh.opt(
                row,
                6 + g as u16,
                r.group_means.get(g).map(|s| score_number(*s)),
            )?;
        }
        let c = 6 + groups.len() as u16;
        sh.n(row, c, r.scored as f64)?;
        if r.fallback {
            if let Some(note) = ResultsView::rule_note(&r.rule, lang) {
                sh.s(row, c + 1, &note)?;
            }
        }
    }
    sh.ws.set_column_width(3, 30)?;
    sh.ws.set_column_width(4, 24)?;
    sh.ws.set_column_width(1, 14)?;
    Ok(())
}

fn judges_sheet(
    ws: &mut Worksheet,
    view: &ResultsView,
    lang: Lang,
    bold: &Format,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::start(ws, view, lang, bold)?;
    let header: Vec<String> = [
        lang.pick("评委编号", "Judge"),
        lang.pick("姓名", "Name"),
        lang.pick("单位", "Unit"),
        lang.pick("已提交", "Submitted"),
        lang.pick("分配作品数", "Assigned"),
        lang.pick("有效评分数", "Scored"),
        lang.pick("回避数", "Recused"),
        lang.pick("缺失数", "Missing"),
        lang.pick("平均总分", "Mean total"),
        lang.pick("宽严度", "Severity"),
        lang.pick("离群评分数", "Outliers"),
    ]
    .map(String::from)
    .to_vec();
    sh.headers(HEADER_ROW, &header)?;
    let mut row = HEADER_ROW + 1;
    for j in &view.judges {
        sh.s(row, 0, &j.judge)?;
        sh.s(row, 1, &j.name)?;
        sh.s(row, 2, &j.unit)?;
        sh.s(
            row,
            3,
            if j.submitted {
                lang.pick("是", "yes")
            } else {
                lang.pick("否", "no")
            },
        )?;
        sh.n(row, 4, j.assigned as f64)?;
        sh.n(row, 5, j.scored as f64)?;
        sh.n(row, 6, j.recused as f64)?;
        sh.n(row, 7, j.missing as f64)?;
        sh.opt(row, 8, j.mean_total.map(score_number))?;
        sh.opt(row, 9, j.severity.map(|s| (s * 100.0).round() / 100.0))?;
        sh.n(row, 10, j.outliers as f64)?;
        row += 1;
    }
    row += 1;
    let note = match lang {
        Lang::Zh => format!(
            "为免推算出个别评分：有效评分少于 {MIN_JUDGE_WORKS} 件的评委不公布平均总分与宽严度（显示为 -）；回避的作品不计入任何数字；本表不列出评委评了哪些作品。宽严度 = 评委总分与该作品全体平均分之差的平均值，负数表示偏严。"
        ),
        Lang::En => format!(
            "So that no single score can be worked out: a judge with fewer than {MIN_JUDGE_WORKS} counted works has no mean total or severity shown (-); recused works enter no figure; this sheet never says which works a judge scored. Severity = mean of (judge's total - the work's panel mean); negative is stricter."
        ),
    };
    sh.s(row, 0, &note)?;
    sh.ws.set_column_width(1, 14)?;
    sh.ws.set_column_width(2, 24)?;
    Ok(())
}

fn stats_sheet(
    ws: &mut Worksheet,
    view: &ResultsView,
    lang: Lang,
    bold: &Format,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::start(ws, view, lang, bold)?;
    let rel = &view.tally.reliability;
    let mut row = HEADER_ROW;
    sh.h(row, 0, lang.pick("项目", "Item"))?;
    sh.h(row, 1, lang.pick("数值", "Value"))?;
    row += 1;
    sh.s(row, 0, lang.pick("状态", "Status"))?;
    sh.s(row, 1, view.status_word(lang))?;
    row += 1;
    sh.s(row, 0, lang.pick("排名依据", "Ranked on"))?;
    sh.s(row, 1, method_label(view.method, lang))?;
    row += 1;
    sh.s(
        row,
        0,
        lang.pick(
            "Krippendorff alpha（区间尺度）",
            "Krippendorff's alpha (interval)",
        ),
    )?;
    sh.opt(row, 1, rel.alpha_interval.map(round3))?;
    row += 1;
    let one = rel.icc_oneway;
    sh.s(row, 0, lang.pick("ICC(1) 单个评委", "ICC(1), single judge"))?;
    sh.opt(row, 1, one.map(|i| round3(i.single)))?;
    row += 1;
    sh.s(
        row,
        0,
        lang.pick("ICC(1,k) 评委平均", "ICC(1,k), mean of judges"),
    )?;
    sh.opt(row, 1, one.map(|i| round3(i.average)))?;
    row += 1;
    sh.s(
        row,
        0,
        lang.pick("k0 每件有效评分数", "k0, scores per work"),
    )?;
    sh.opt(row, 1, one.map(|i| round3(i.k0)))?;
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
            sh.n(row, 1, round3(x))?;
            row += 1;
        }
    }
    if let Some(note) = view.zscore_note(lang) {
        sh.s(row, 0, lang.pick("标准分", "Z-scores"))?;
        sh.s(row, 1, &note)?;
        row += 1;
    }

    row += 1;
    sh.h(row, 0, lang.pick("奖项分数线", "Tier cut-offs"))?;
    row += 1;
    let cut_header: Vec<String> = [
        lang.pick("奖项", "Award"),
        lang.pick("比例 %", "Share %"),
        lang.pick("累计名额", "Cumulative"),
        lang.pick("应评", "Target"),
        lang.pick("实评", "Awarded"),
        lang.pick("末位名次", "Last place"),
        lang.pick("末位得分", "Lowest score"),
        lang.pick("待定", "Undecided"),
    ]
    .map(String::from)
    .to_vec();
    sh.headers(row, &cut_header)?;
    row += 1;
    for t in &view.tally.tiers {
        sh.s(row, 0, t.award.label(&view.contest.awards, lang))?;
        sh.n(row, 1, f64::from(t.share_percent))?;
        sh.n(row, 2, t.cumulative_target as f64)?;
        sh.n(row, 3, t.target as f64)?;
        sh.n(row, 4, t.awarded as f64)?;
        sh.opt(row, 5, t.last_place.map(|p| p as f64))?;
        sh.opt(row, 6, t.lowest.map(score_number))?;
        sh.n(row, 7, t.undecided as f64)?;
        row += 1;
    }
    for line in view.boundary_lines(lang) {
        sh.s(row, 0, &line)?;
        row += 1;
    }

    let mut list = |sh: &mut Sheet, title: &str, rows: Vec<Vec<String>>| {
        row += 1;
        sh.h(row, 0, title)?;
        row += 1;
        if rows.is_empty() {
            sh.s(row, 0, lang.pick("无", "none"))?;
            row += 1;
        }
        for r in rows {
            for (c, t) in r.iter().enumerate() {
                sh.s(row, c as u16, t)?;
            }
            row += 1;
        }
        Ok::<(), XlsxError>(())
    };
    list(
        &mut sh,
        lang.pick("评分分歧大的作品（极差）", "High spread (max - min)"),
        view.rows
            .iter()
            .filter(|r| r.high_spread)
            .map(|r| {
                vec![
                    r.work.clone(),
                    r.spread.map_or("-".into(), |s| s.to_string()),
                ]
            })
            .collect(),
    )?;
    list(
        &mut sh,
        lang.pick("离群评分", "Outlying judge totals"),
        view.outliers
            .iter()
            .map(|o| {
                vec![
                    o.work.clone(),
                    o.judge.clone(),
                    if o.above {
                        lang.pick("高于去极值平均分", "above the trimmed mean")
                    } else {
                        lang.pick("低于去极值平均分", "below the trimmed mean")
                    }
                    .into(),
                ]
            })
            .collect(),
    )?;
    list(
        &mut sh,
        lang.pick(
            "评分不足的作品（有效/应有）",
            "Too few scores (scored / needed)",
        ),
        view.short
            .iter()
            .map(|s| {
                vec![
                    s.work.clone(),
                    format!("{}/{}", s.scored, s.needed),
                    if s.ranked {
                        String::new()
                    } else {
                        lang.pick("未排名", "not ranked").into()
                    },
                ]
            })
            .collect(),
    )?;
    list(
        &mut sh,
        lang.pick(
            "未提交或未合并的选票",
            "Ballots not submitted or not merged",
        ),
        view.tally
            .unsubmitted
            .iter()
            .map(|j| vec![j.clone()])
            .collect(),
    )?;
    list(
        &mut sh,
        lang.pick("回避（评委, 作品）", "Recusals (judge, work)"),
        view.tally
            .recusals
            .iter()
            .map(|(j, w)| vec![j.clone(), w.clone()])
            .collect(),
    )?;
    list(
        &mut sh,
        lang.pick(
            "缺失的评分（作品, 评委, 原因）",
            "Missing scores (work, judge, reason)",
        ),
        view.tally
            .missing
            .iter()
            .map(|m| {
                vec![
                    m.work.clone(),
                    m.judge.clone(),
                    missing_label(&m.reason, &view.contest, lang),
                ]
            })
            .collect(),
    )?;
    row += 1;
    let note = match lang {
        Lang::Zh => format!(
            "极差与标准差只对有效评分不少于 {MIN_SPREAD_TOTALS} 个的作品公布（两个评分时，平均分加减半个极差即是两位评委的总分）；离群评分只列出作品、评委和方向，不列分数。"
        ),
        Lang::En => format!(
            "Spread and sd are shown only for works with at least {MIN_SPREAD_TOTALS} counted totals (with two, mean +/- half the spread are the two judges' totals); outliers name work, judge and direction, never the score."
        ),
    };
    sh.s(row, 0, &note)?;
    sh.ws.set_column_width(0, 34)?;
    sh.ws.set_column_width(1, 16)?;
    Ok(())
}

fn methods_sheet(
    ws: &mut Worksheet,
    view: &ResultsView,
    lang: Lang,
    bold: &Format,
) -> Result<(), XlsxError> {
    let mut sh = Sheet::start(ws, view, lang, bold)?;
    let mut header: Vec<String> = vec![
        lang.pick("编号", "No.").into(),
        lang.pick("作品名称", "Title").into(),
    ];
    for m in METHODS {
        let short = method_short(m, lang);
        header.push(format!("{short} {}", lang.pick("名次", "place")));
        header.push(format!("{short} {}", lang.pick("得分", "score")));
    }
    sh.headers(HEADER_ROW, &header)?;
    for (i, r) in view.rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        sh.s(row, 0, &r.work)?;
        sh.s(row, 1, &r.title)?;
        for (k, cell) in r.methods.iter().enumerate() {
            let c = 2 + 2 * k as u16;
            sh.opt(row, c, cell.place.map(|p| p as f64))?;
            sh.opt(row, c + 1, cell.aggregate.map(score_number))?;
        }
    }
    if let Some(note) = view.zscore_note(lang) {
        sh.s(HEADER_ROW + 2 + view.rows.len() as u32, 0, &note)?;
    }
    sh.ws.set_column_width(1, 30)?;
    Ok(())
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
