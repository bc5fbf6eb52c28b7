//! Organizer views: one table per tab, ASCII chrome, every column cut to its display width so
//! Chinese titles and units line up.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::state::{sortable, Compliance, OrgApp, OrgData, Tab};
use crate::i18n::Lang;
use crate::report::ResultsWords;
use crate::tui::action::Command;
use crate::tui::keymap::Layer;
use crate::tui::text::fit;
use crate::tui::view::{hint_commands, hint_spans};
use jury_core::chain::receipt;
use jury_core::model::contest::AggregationMethod;
use jury_core::results::{ResultsView, METHODS};
use jury_core::text::width;

const BAR: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
const DIM: Style = Style::new().fg(Color::DarkGray);
const WARN: Style = Style::new().fg(Color::Red);

fn rect(area: Rect, y: u16, height: u16) -> Rect {
    Rect {
        x: area.x,
        y: area.y + y,
        width: area.width,
        height,
    }
}

/// (table height with its header row, chart height) of the body on a screen `height` tall:
/// the results tab keeps room under the table for the selected work's judge totals.
fn body_heights(app: &OrgApp, width: u16, height: u16) -> (u16, u16) {
    let body_height = height.saturating_sub(3 + detail_height(app, width, height));
    let chart_height = if app.tab == Tab::Results && body_height >= 12 {
        (app.data.contest.judges_per_work as u16 + 1).clamp(3, body_height / 2)
    } else {
        0
    };
    (body_height - chart_height, chart_height)
}

/// Table rows (below the header row) that one screen `height` tall shows on the current tab.
pub fn table_rows(app: &OrgApp, width: u16, height: u16) -> usize {
    body_heights(app, width, height).0.saturating_sub(1) as usize
}

/// Lines under the table: two, or on the results tabs as many as the method note and the
/// award cut-offs need when wrapped (up to a third of the screen).
fn detail_height(app: &OrgApp, width: u16, height: u16) -> u16 {
    let wanted = detail_lines(app, width as usize).len() as u16;
    wanted.clamp(2, (height * 2 / 5).max(2))
}

/// Draws the organizer's screen from its state; reads only.
pub fn draw(frame: &mut Frame, app: &OrgApp) {
    let area = frame.area();
    if area.height < 8 || area.width < 30 {
        frame.render_widget(Paragraph::new("jury: window too small"), area);
        return;
    }
    draw_header(frame, app, rect(area, 0, 1));
    if app.loading {
        let text = format!(" {}", crate::tr!(app.lang, "org.loading"));
        frame.render_widget(
            Paragraph::new(Line::styled(fit(&text, area.width as usize), DIM)),
            rect(area, 2, 1),
        );
        draw_hints(frame, app, rect(area, area.height - 1, 1));
        return;
    }
    draw_tabs(frame, app, rect(area, 1, 1));
    let (body_height, chart_height) = body_heights(app, area.width, area.height);
    let detail = detail_height(app, area.width, area.height);
    let body = rect(area, 2, body_height);
    let win = window(app, body.height);
    let lines = match app.tab {
        Tab::Results | Tab::Severity if !app.results_ready => {
            let text = crate::tr!(app.lang, "org.scores_pending_tab");
            crate::tui::text::wrap_words(text, (body.width as usize).saturating_sub(1))
                .into_iter()
                .map(|l| Line::styled(format!(" {l}"), DIM))
                .collect()
        }
        Tab::Works => works_lines(app, body.width as usize, win),
        Tab::Judges => judges_lines(app, body.width as usize, win),
        Tab::Matrix => matrix_lines(app, body.width as usize, win),
        Tab::Sync => sync_lines(app, body.width as usize, win),
        Tab::Results => results_lines(app, body.width as usize, win),
        Tab::Severity => severity_lines(app, body.width as usize, win),
    };
    frame.render_widget(Paragraph::new(lines), body);
    if chart_height > 0 {
        let chart = rect(area, 2 + body_height, chart_height);
        frame.render_widget(Paragraph::new(chart_lines(app, chart)), chart);
    }
    draw_detail(frame, app, rect(area, area.height - 1 - detail, detail));
    draw_hints(frame, app, rect(area, area.height - 1, 1));
    if let Some(selected) = app.help {
        draw_help(frame, app, selected);
    }
}

/// The rows on screen: (first row, how many). Only these are turned into text, so a table of
/// 10,000 works costs what one screen of it costs.
#[derive(Debug, Clone, Copy)]
struct Window {
    top: usize,
    rows: usize,
}

/// The window that keeps the selected row visible under the table's header row.
fn window(app: &OrgApp, height: u16) -> Window {
    let rows = height.saturating_sub(1) as usize;
    Window {
        top: app.selected().saturating_sub(rows.saturating_sub(1)),
        rows,
    }
}

fn draw_header(frame: &mut Frame, app: &OrgApp, area: Rect) {
    let lang = app.lang;
    let d = &app.data;
    let (merged, submitted) = d.merged_and_submitted();
    // The round shown comes first on the right: the contest's title is what gets cut.
    let round = d
        .round
        .as_deref()
        .and_then(|r| d.contest.round(r))
        .map(|r| {
            let label = jury_core::text::safe_line(r.label(lang)).into_owned();
            format!(" {}", crate::tr!(lang, "rounds.org.header", round = label))
        })
        .unwrap_or_default();
    let right = if app.loading {
        format!("{round} ")
    } else {
        format!(
            "{round} {} ",
            crate::tr!(
                lang,
                "org.header",
                works = d.works.len(),
                judges = d.judges.len(),
                version = d.assignment_version,
                merged = merged,
                issued = d.judges.iter().filter(|j| j.ballot.is_some()).count(),
                submitted = submitted
            )
        )
    };
    let left_w = (area.width as usize).saturating_sub(width(&right));
    let title = fit(&format!(" {}", d.contest.title(lang)), left_w);
    let line = Line::from(vec![
        Span::styled(title, BAR.add_modifier(Modifier::BOLD)),
        Span::styled(right, BAR),
    ]);
    frame.render_widget(Paragraph::new(line).style(BAR), area);
}

fn draw_tabs(frame: &mut Frame, app: &OrgApp, area: Rect) {
    let state = table_state(app);
    let label = |i: usize, tab: &Tab, compact: bool| {
        if compact && *tab != app.tab {
            format!(" {} ", i + 1)
        } else {
            format!(" {} {} ", i + 1, tab.label(app.lang))
        }
    };
    let full: usize = Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| width(&label(i, t, false)) + 1)
        .sum();
    // With a search or sort to show, the other tabs shrink to their digits if need be.
    let compact = !state.is_empty() && full + 1 + width(&state) > area.width as usize;
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let text = label(i, tab, compact);
        let style = if *tab == app.tab { SELECTED } else { BOLD };
        used += width(&text) + 1;
        spans.push(Span::styled(text, style));
        spans.push(Span::raw("|"));
    }
    if app.scores_pending() {
        // The loader's second stage is under way: the results tabs fill in when it ends.
        let note = format!(" {}", crate::tr!(app.lang, "org.scores_pending"));
        let room = (area.width as usize).saturating_sub(used + 1 + width(&state));
        if width(&note) <= room {
            used += width(&note);
            spans.push(Span::styled(note, DIM));
        }
    }
    if !state.is_empty() {
        let room = (area.width as usize).saturating_sub(used + 1);
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            fit(&state, room).trim_end().to_string(),
            Style::new().fg(Color::Black).bg(Color::Yellow),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// "搜索：桥（1/6） 按作品名称排序" for the current tab, or nothing.
fn table_state(app: &OrgApp) -> String {
    if !sortable(app.tab) {
        return String::new();
    }
    let lang = app.lang;
    let ti = app.tab.index();
    let view = &app.views[ti];
    let mut parts = Vec::new();
    let query = match &app.searching {
        Some(editor) => format!("{}_", editor.shown()),
        None => view.query.clone(),
    };
    if !query.is_empty() {
        parts.push(crate::tr!(
            lang,
            "org.search",
            text = query,
            shown = app.shown[ti].len(),
            total = app.total_rows(app.tab)
        ));
    }
    if view.sort > 0 {
        if let Some(column) = app.sort_labels(app.tab).get(view.sort) {
            parts.push(crate::tr!(lang, "org.sorted", column = column));
        }
    }
    parts.join(" ")
}

/// A column header that fits `w` cells: the full label, else its short form (never a cut).
fn head(lang: Lang, key: &'static str, w: usize) -> &'static str {
    let full = crate::i18n::text(lang, key);
    if width(full) <= w {
        return full;
    }
    match key {
        "org.col.done_all" => crate::tr!(lang, "org.col.done_all_short"),
        _ => full,
    }
}

/// Splits what is left after fixed columns between flexible ones, by weight.
fn flex(total: usize, fixed: &[usize], weights: &[usize]) -> Vec<usize> {
    let gaps = fixed.len() + weights.len();
    let rest = total.saturating_sub(fixed.iter().sum::<usize>() + gaps);
    let sum: usize = weights.iter().sum::<usize>().max(1);
    let mut out: Vec<usize> = weights.iter().map(|w| rest * w / sum).collect();
    let used: usize = out.iter().sum();
    if let Some(first) = out.first_mut() {
        *first += rest - used;
    }
    out
}

/// One table row: each cell fitted to its width, separated by one space.
fn row(cells: &[(&str, usize)]) -> String {
    let mut s = String::from(" ");
    for (i, (text, w)) in cells.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&fit(text, *w));
    }
    s
}

/// The header and the window's rows (`rows` holds only those), the selected one reversed.
fn styled_rows(
    app: &OrgApp,
    header: String,
    rows: Vec<(String, Style)>,
    win: Window,
) -> Vec<Line<'static>> {
    let selected = app.selected().checked_sub(win.top);
    let mut lines = vec![Line::styled(
        header,
        BOLD.add_modifier(Modifier::UNDERLINED),
    )];
    for (i, (text, style)) in rows.into_iter().enumerate() {
        lines.push(Line::styled(
            text,
            if Some(i) == selected { SELECTED } else { style },
        ));
    }
    lines
}

fn works_lines(app: &OrgApp, total: usize, win: Window) -> Vec<Line<'static>> {
    let lang = app.lang;
    // The video column fits its longest word in this language ("unchecked", "缺视频").
    let video = Compliance::ALL
        .iter()
        .map(|c| jury_core::text::width(c.label(lang)))
        .chain([jury_core::text::width(crate::tr!(lang, "org.col.video"))])
        .max()
        .unwrap_or(7);
    let (no, district, judges, scored) = (4, 8, 4, 4);
    let f = flex(total, &[no, district, video, judges, scored], &[3, 2]);
    let (title, unit) = (f[0], f[1]);
    let header = row(&[
        (crate::tr!(lang, "org.col.no"), no),
        (crate::tr!(lang, "org.col.title"), title),
        (crate::tr!(lang, "org.col.unit"), unit),
        (crate::tr!(lang, "org.col.district"), district),
        (crate::tr!(lang, "org.col.video"), video),
        (crate::tr!(lang, "org.col.judges"), judges),
        (crate::tr!(lang, "org.col.done"), scored),
    ]);
    let rows = app.shown[Tab::Works.index()]
        .iter()
        .skip(win.top)
        .take(win.rows)
        .map(|&i| &app.data.works[i])
        .map(|w| {
            let compliance = Compliance::of(w.probe.as_ref());
            let style = match compliance {
                Compliance::Missing | Compliance::BreaksRules => WARN,
                _ => Style::new(),
            };
            (
                row(&[
                    (&w.record.id, no),
                    (&w.record.title, title),
                    (&w.record.unit, unit),
                    (&w.record.district, district),
                    (compliance.label(lang), video),
                    (&w.assigned.to_string(), judges),
                    (&w.scored.to_string(), scored),
                ]),
                style,
            )
        })
        .collect();
    styled_rows(app, header, rows, win)
}

fn judges_lines(app: &OrgApp, total: usize, win: Window) -> Vec<Line<'static>> {
    let lang = app.lang;
    let (id, name, district, load, ballot) = (4, 8, 8, 4, 6);
    let f = flex(total, &[id, name, district, load, ballot], &[3, 2]);
    let (unit, conflicts) = (f[0], f[1]);
    let header = row(&[
        ("ID", id),
        (crate::tr!(lang, "org.col.name"), name),
        (crate::tr!(lang, "org.col.judge_unit"), unit),
        (crate::tr!(lang, "org.col.district"), district),
        (crate::tr!(lang, "org.col.load"), load),
        (crate::tr!(lang, "org.col.conflicts"), conflicts),
        (crate::tr!(lang, "org.col.ballot"), ballot),
    ]);
    let rows = app.shown[Tab::Judges.index()]
        .iter()
        .skip(win.top)
        .take(win.rows)
        .map(|&i| &app.data.judges[i])
        .map(|j| {
            let declared: Vec<&str> = j
                .record
                .conflict_units
                .iter()
                .chain(j.record.conflict_works.iter())
                .map(String::as_str)
                .collect();
            let ballot_text = match &j.ballot {
                Some(b) if b.assignment_version < app.data.assignment_version => {
                    format!("v{}!", b.assignment_version)
                }
                Some(b) => format!("v{}", b.assignment_version),
                None => "-".into(),
            };
            let stale = j
                .ballot
                .as_ref()
                .is_some_and(|b| b.assignment_version < app.data.assignment_version);
            (
                row(&[
                    (&j.record.id, id),
                    (&j.record.name, name),
                    (&j.record.unit, unit),
                    (&j.record.district, district),
                    (&j.load.to_string(), load),
                    (&declared.join(", "), conflicts),
                    (&ballot_text, ballot),
                ]),
                if stale { WARN } else { Style::new() },
            )
        })
        .collect();
    styled_rows(app, header, rows, win)
}

/// Each judge takes a 4-cell column ("J01 "), works a number and a short title.
fn matrix_lines(app: &OrgApp, total: usize, win: Window) -> Vec<Line<'static>> {
    let d = &app.data;
    let (no, title) = (4, 12);
    let col = 4;
    let fits = total.saturating_sub(no + title + 3) / col;
    let judges: Vec<usize> = (app.matrix_left..d.judges.len()).take(fits).collect();
    let mut header = row(&[(crate::tr!(app.lang, "org.col.no"), no), ("", title)]);
    header.push(' ');
    for &j in &judges {
        header.push_str(&crate::tui::text::fit_tail(&d.judges[j].record.id, col - 1));
        header.push(' ');
    }
    let rows = d
        .works
        .iter()
        .enumerate()
        .skip(win.top)
        .take(win.rows)
        .map(|(wi, w)| {
            let mut text = row(&[(&w.record.id, no), (&w.record.title, title)]);
            text.push(' ');
            for &j in &judges {
                text.push(' ');
                text.push(d.cell(wi, j).symbol());
                text.push_str("  ");
            }
            (text, Style::new())
        })
        .collect();
    styled_rows(app, header, rows, win)
}

/// "12s", "5m", "3h" ago, in the UI language.
fn ago(lang: Lang, at: i64, now: i64) -> String {
    let secs = (now - at).max(0);
    if secs < 60 {
        crate::tr!(lang, "org.ago.seconds", n = secs)
    } else if secs < 3600 {
        crate::tr!(lang, "org.ago.minutes", n = secs / 60)
    } else if secs < 86_400 {
        crate::tr!(lang, "org.ago.hours", n = secs / 3600)
    } else {
        crate::tr!(lang, "org.ago.days", n = secs / 86_400)
    }
}

fn sync_lines(app: &OrgApp, total: usize, win: Window) -> Vec<Line<'static>> {
    let lang = app.lang;
    let (id, name, rev, when, done, submitted, code) = (4, 8, 4, 7, 7, 4, 9);
    let f = flex(total, &[id, name, rev, when, done, submitted, code], &[1]);
    let file = f[0];
    let header = row(&[
        ("ID", id),
        (crate::tr!(lang, "org.col.name"), name),
        (crate::tr!(lang, "org.col.ballot_file"), file),
        (crate::tr!(lang, "org.col.rev"), rev),
        (crate::tr!(lang, "org.col.synced"), when),
        (head(lang, "org.col.done_all", done), done),
        (crate::tr!(lang, "org.col.submitted"), submitted),
        (crate::tr!(lang, "org.col.receipt"), code),
    ]);
    let rows = app
        .data
        .judges
        .iter()
        .skip(win.top)
        .take(win.rows)
        .map(|j| {
            let b = j.ballot.as_ref();
            let revision = b
                .filter(|b| b.merged_revision > 0)
                .map(|b| b.merged_revision.to_string())
                .unwrap_or_else(|| "-".into());
            let when_text = b
                .and_then(|b| b.merged_at)
                .map(|at| ago(lang, at, app.now))
                .unwrap_or_else(|| "-".into());
            let done_text = format!("{}/{}", j.scored + j.recused, j.load);
            let yes = if b.is_some_and(|b| b.submitted) {
                crate::tr!(lang, "org.yes")
            } else {
                "-"
            };
            let receipt_code = b
                .and_then(|b| b.merged_head.as_deref())
                .map(receipt)
                .unwrap_or_else(|| "-".into());
            let file_name = b.map(|b| b.file_name.as_str()).unwrap_or("-");
            let style = if b.is_some_and(|b| b.merged_revision > 0) {
                Style::new()
            } else {
                DIM
            };
            (
                row(&[
                    (&j.record.id, id),
                    (&j.record.name, name),
                    (file_name, file),
                    (&revision, rev),
                    (&when_text, when),
                    (&done_text, done),
                    (yes, submitted),
                    (&receipt_code, code),
                ]),
                style,
            )
        })
        .collect();
    styled_rows(app, header, rows, win)
}

fn method_label(method: AggregationMethod, lang: Lang) -> &'static str {
    match method {
        AggregationMethod::Mean => crate::tr!(lang, "org.method.mean"),
        AggregationMethod::TrimmedMean => crate::tr!(lang, "org.method.trimmed"),
        AggregationMethod::Zscore => crate::tr!(lang, "org.method.zscore"),
    }
}

/// Ranked works with their tier, and the three methods side by side (the one ranking marked).
fn results_lines(app: &OrgApp, total: usize, win: Window) -> Vec<Line<'static>> {
    let lang = app.lang;
    let r = &app.results;
    let (place, tier, no, score) = (4, 8, 4, 8);
    let f = flex(total, &[place, tier, no, score, score, score], &[3, 1]);
    let (title, unit) = (f[0], f[1]);
    let method_head = |m: AggregationMethod| {
        let mark = if m == app.method { "*" } else { "" };
        format!("{mark}{}", method_label(m, lang))
    };
    let header = row(&[
        (crate::tr!(lang, "org.col.rank"), place),
        (crate::tr!(lang, "org.col.award"), tier),
        (crate::tr!(lang, "org.col.no"), no),
        (crate::tr!(lang, "org.col.title"), title),
        (crate::tr!(lang, "org.col.unit"), unit),
        (&method_head(METHODS[0]), score),
        (&method_head(METHODS[1]), score),
        (&method_head(METHODS[2]), score),
    ]);
    let rows = app.shown[Tab::Results.index()]
        .iter()
        .skip(win.top)
        .take(win.rows)
        .map(|&i| &r.rows[i])
        .map(|w| {
            let cell = |m: AggregationMethod| {
                w.methods
                    .iter()
                    .find(|c| c.method == m)
                    .map(|c| jury_core::results::fmt_score(c.aggregate))
                    .unwrap_or_else(|| "-".into())
            };
            let style = if w.place.is_none() || w.high_spread {
                WARN
            } else {
                Style::new()
            };
            (
                row(&[
                    (&ResultsView::place_label(w), place),
                    (&r.award_label(w, lang), tier),
                    (&w.work, no),
                    (&w.title, title),
                    (&w.unit, unit),
                    (&cell(METHODS[0]), score),
                    (&cell(METHODS[1]), score),
                    (&cell(METHODS[2]), score),
                ]),
                style,
            )
        })
        .collect();
    styled_rows(app, header, rows, win)
}

/// One bar per judge total of the selected work, on the rubric's full scale (organizer only).
fn chart_lines(app: &OrgApp, area: Rect) -> Vec<Line<'static>> {
    let lang = app.lang;
    let Some(row) = app.row_index().and_then(|i| app.results.rows.get(i)) else {
        return vec![];
    };
    let Some(result) = app.results.tally.work(&row.work) else {
        return vec![];
    };
    let max = app.data.contest.rubric.max_total().0.max(1);
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                " {} {}: {}",
                row.work,
                crate::tr!(lang, "org.judge_totals"),
                row.title
            ),
            area.width as usize,
        ),
        BOLD,
    )];
    let name_w = 10;
    let value_w = 7;
    let bar_w = (area.width as usize).saturating_sub(name_w + value_w + 4);
    for (judge, total) in result.judge_totals.iter().take(area.height as usize - 1) {
        let name = app
            .data
            .judges
            .iter()
            .find(|j| &j.record.id == judge)
            .map(|j| format!("{judge} {}", j.record.name))
            .unwrap_or_else(|| judge.clone());
        let filled = (total.0.max(0) as usize * bar_w / max as usize).min(bar_w);
        lines.push(Line::from(vec![
            Span::raw(format!(" {} ", fit(&name, name_w))),
            Span::styled("#".repeat(filled), Style::new().fg(Color::Green)),
            Span::styled(".".repeat(bar_w - filled), DIM),
            Span::raw(format!(" {:>6}", total.to_string())),
        ]));
    }
    if result.judge_totals.is_empty() {
        lines.push(Line::styled(
            format!(" {}", crate::tr!(lang, "org.no_counted_scores")),
            DIM,
        ));
    }
    lines
}

/// Per-judge severity: how far each judge's totals sit from the panel's, with outlier counts.
fn severity_lines(app: &OrgApp, total: usize, win: Window) -> Vec<Line<'static>> {
    let lang = app.lang;
    let (id, name, sub, done, mean, severity, outliers) = (4, 8, 4, 8, 8, 8, 4);
    let f = flex(
        total,
        &[id, name, sub, done, mean, severity, outliers],
        &[1],
    );
    let unit = f[0];
    let header = row(&[
        ("ID", id),
        (crate::tr!(lang, "org.col.name"), name),
        (crate::tr!(lang, "org.col.judge_unit"), unit),
        (crate::tr!(lang, "org.col.submitted"), sub),
        (head(lang, "org.col.done_all", done), done),
        (crate::tr!(lang, "org.col.mean_total"), mean),
        (crate::tr!(lang, "org.col.severity"), severity),
        (crate::tr!(lang, "org.col.outliers"), outliers),
    ]);
    let rows = app
        .results
        .judges
        .iter()
        .skip(win.top)
        .take(win.rows)
        .map(|j| {
            let severity_text = j
                .severity
                .map(|s| format!("{s:+.1}"))
                .unwrap_or_else(|| "-".into());
            let style = if j.outliers > 0 { WARN } else { Style::new() };
            (
                row(&[
                    (&j.judge, id),
                    (&j.name, name),
                    (&j.unit, unit),
                    (
                        if j.submitted {
                            crate::tr!(lang, "org.yes")
                        } else {
                            "-"
                        },
                        sub,
                    ),
                    (&format!("{}/{}", j.scored + j.recused, j.assigned), done),
                    (&jury_core::results::fmt_score(j.mean_total), mean),
                    (&severity_text, severity),
                    (&j.outliers.to_string(), outliers),
                ]),
                style,
            )
        })
        .collect();
    styled_rows(app, header, rows, win)
}

/// The lines under the table, each fitted to `w` cells: two about the selected row (full
/// text the table had to cut), or on the results tabs the method note and every award
/// cut-off wrapped so it reads in full. A status replaces the second line.
fn detail_lines(app: &OrgApp, w: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let d: &OrgData = &app.data;
    let i = app.row_index().unwrap_or(usize::MAX);
    let mut lines: Vec<(String, Style)> = Vec::new();
    match app.tab {
        Tab::Works | Tab::Matrix => {
            if let Some(w) = d.works.get(i) {
                lines.push((
                    format!(
                        " {} {} / {} / {}",
                        w.record.id, w.record.title, w.record.unit, w.record.district
                    ),
                    Style::new(),
                ));
                let video = w.record.media_file.as_deref().unwrap_or("-");
                let note = w.probe.as_ref().map(|p| p.note.as_str()).unwrap_or("");
                let legend = if app.tab == Tab::Matrix {
                    format!(" {}", crate::tr!(lang, "org.matrix_legend"))
                } else {
                    format!(
                        " {}",
                        crate::tui::text::labelled(
                            lang,
                            crate::tr!(lang, "org.col.video"),
                            format!("{video} {note}")
                        )
                    )
                };
                lines.push((legend, DIM));
            }
            // The call's quotas, over every form imported: the organizer sees them here.
            if app.tab == Tab::Works {
                for q in &d.quotas {
                    let text = crate::commands::import::quota_line(q, lang);
                    for l in crate::tui::text::wrap_words(&text, w.saturating_sub(1)) {
                        lines.push((format!(" {l}"), WARN));
                    }
                }
            }
        }
        Tab::Results | Tab::Severity if !app.results_ready => {}
        Tab::Results | Tab::Severity => {
            let r = &app.results;
            let wrapped = |text: &str, style: Style, out: &mut Vec<(String, Style)>| {
                for l in crate::tui::text::wrap_words(text, w.saturating_sub(1)) {
                    out.push((format!(" {l}"), style));
                }
            };
            if let Some(banner) = r.provisional_banner(lang) {
                wrapped(&banner, WARN, &mut lines);
            }
            let contest = method_label(r.configured, lang);
            if app.method == r.configured {
                if !r.provisional {
                    let text = crate::tr!(lang, "org.method_contest", method = contest);
                    wrapped(&text, BOLD, &mut lines);
                }
            } else {
                let text = crate::tr!(
                    lang,
                    "org.method_comparison",
                    method = method_label(app.method, lang),
                    contest = contest
                );
                wrapped(&text, WARN, &mut lines);
            }
            for cutoff in r.cutoff_lines(lang) {
                wrapped(&cutoff, DIM, &mut lines);
            }
        }
        Tab::Judges | Tab::Sync => {
            if let Some(j) = d.judges.get(i) {
                lines.push((
                    format!(
                        " {} {} / {} / {} {}",
                        j.record.id,
                        j.record.name,
                        j.record.unit,
                        j.record.district,
                        j.record.contact
                    ),
                    Style::new(),
                ));
                let stale = j
                    .ballot
                    .as_ref()
                    .is_some_and(|b| b.assignment_version < d.assignment_version);
                let text = if stale {
                    format!(" {}", crate::tr!(lang, "org.reissue"))
                } else {
                    String::new()
                };
                lines.push((text, WARN));
            }
        }
    }
    if let Some(status) = &app.status {
        lines.truncate(1);
        lines.push((format!(" {status}"), WARN));
    }
    lines
        .into_iter()
        .map(|(text, style)| Line::styled(fit(&text, w), style))
        .collect()
}

fn draw_detail(frame: &mut Frame, app: &OrgApp, area: Rect) {
    let lines = detail_lines(app, area.width as usize);
    frame.render_widget(Paragraph::new(lines), area);
}

/// The hint bar names what the current tab can do, Help and Quit last so they always fit.
fn hints(app: &OrgApp) -> Vec<Command> {
    if app.help.is_some() {
        return hint_commands(Layer::Help).to_vec();
    }
    if app.searching.is_some() {
        return vec![Command::InputSubmit, Command::InputCancel];
    }
    if app.loading {
        return vec![Command::Quit];
    }
    let mut list = vec![Command::TabNext, Command::Next];
    match app.tab {
        Tab::Matrix => list.push(Command::ScrollRight),
        Tab::Severity => list.push(Command::CycleMethod),
        _ => {}
    }
    if sortable(app.tab) {
        list.extend([Command::Filter, Command::Sort]);
    }
    if app.tab == Tab::Results {
        list.push(Command::CycleMethod);
    }
    list.extend([Command::Refresh, Command::Help, Command::Quit]);
    list
}

fn draw_hints(frame: &mut Frame, app: &OrgApp, area: Rect) {
    let all = hints(app);
    // Help and Quit are placed first so that they always fit; the rest fills what is left.
    let (head, tail): (Vec<Command>, Vec<Command>) = all
        .iter()
        .partition(|c| !matches!(c, Command::Help | Command::Quit));
    let room = area.width as usize;
    let tail_spans = hint_spans(&app.keymap, app.layer(), &tail, app.lang, room);
    let tail_w: usize = tail_spans.iter().map(|s| width(&s.content)).sum();
    let mut spans = hint_spans(
        &app.keymap,
        app.layer(),
        &head,
        app.lang,
        room.saturating_sub(tail_w),
    );
    spans.extend(tail_spans);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_help(frame: &mut Frame, app: &OrgApp, selected: usize) {
    let title = crate::i18n::Msg::Help.text(app.lang);
    crate::tui::help::draw(frame, title, &app.help_rows(), selected, 0, app.lang);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flexible_columns_fill_the_width() {
        for total in [60usize, 80, 133] {
            let fixed = [4, 8, 7, 4, 4];
            let f = flex(total, &fixed, &[3, 2]);
            let used: usize = fixed.iter().sum::<usize>() + f.iter().sum::<usize>() + 7;
            assert_eq!(used, total);
        }
    }

    #[test]
    fn rows_have_the_same_display_width_with_chinese_text() {
        let a = row(&[("1", 4), ("稻田里的守望者：袁隆平团队的一天", 12), ("x", 3)]);
        let b = row(&[("12", 4), ("Quantum", 12), ("重庆", 3)]);
        assert_eq!(width(&a), width(&b));
    }
}
