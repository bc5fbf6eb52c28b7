//! Views: functions from `&App` to widgets. ASCII chrome only (no box-drawing or other
//! ambiguous-width glyphs), and every cell of text is measured in display width.

use ratatui::layout::{Constraint, Direction, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::action::Command;
use super::app::{App, Dialog, InputPurpose, Mode, StatusKind};
use super::keymap::Layer;
use super::text::{fit, labelled, shown, wrap_words};
use crate::i18n::Msg;
use jury_core::model::ScoreStatus;
use jury_core::text::{caret_position, clock, width, wrap};

/// Borders drawn with ASCII only: box-drawing characters are ambiguous-width in CJK terminals.
pub const ASCII: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

const BAR: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
const DIM: Style = Style::new().fg(Color::DarkGray);
const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);

/// Works-list rows on a screen `height` cells tall (header, status and hint lines and the
/// list's own column header taken off).
pub fn list_rows(height: u16) -> usize {
    height.saturating_sub(4) as usize
}

/// Help rows on one page of a screen `height` cells tall (margin, border, column header).
pub fn help_page(height: u16) -> usize {
    (height.saturating_sub(5) as usize).max(1)
}

/// The first row of a `rows`-tall window over `len` rows that shows `selected`, moved from
/// `top` as little as possible.
pub fn keep_visible(top: usize, selected: usize, rows: usize, len: usize) -> usize {
    let mut top = top;
    if selected < top {
        top = selected;
    } else if rows > 0 && selected >= top + rows {
        top = selected + 1 - rows;
    }
    top.min(len.saturating_sub(rows.max(1)))
}

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(area);
    draw_header(frame, app, rows[0]);
    let list_share = if area.width >= 110 { 52 } else { 50 };
    let main = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([
            Constraint::Percentage(list_share),
            Constraint::Percentage(100 - list_share),
        ])
        .split(rows[1]);
    draw_list(frame, app, main[0]);
    draw_detail(frame, app, main[1]);
    draw_status(frame, app, rows[2]);
    draw_hints(frame, app, rows[3]);
    match &app.mode {
        Mode::Input {
            purpose, editor, ..
        } => draw_input(frame, app, purpose, editor),
        Mode::Confirm(dialog) => draw_dialog(frame, app, dialog),
        Mode::Help {
            filter, selected, ..
        } => draw_help(frame, app, &filter.text(), *selected),
        Mode::List | Mode::Score { .. } | Mode::Summary => {}
    }
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let total = app.data.works.len();
    let done = app.done_count();
    let bar_cells = 10usize;
    let filled = (done * bar_cells).checked_div(total).unwrap_or(0);
    let count = format!(" {done}/{total} ");
    // Once submitted, the receipt stays in view for as long as the ballot is open.
    let state = if app.data.submitted {
        format!(
            " {} {} ",
            app.t(Msg::Submitted),
            labelled(app.lang, app.t(Msg::Receipt), app.data.receipt())
        )
    } else {
        format!(" {} {} ", app.t(Msg::Revision), app.data.revision)
    };
    let right_width = bar_cells + width(&count) + width(&state);
    let judge = format!(
        " {} ",
        labelled(app.lang, app.t(Msg::Judge), &app.data.judge.name)
    );
    let filter = if app.filter.is_empty() {
        String::new()
    } else {
        let text = crate::tr!(
            app.lang,
            "tui.filter_active",
            text = app.filter,
            shown = app.visible().len(),
            total = total
        );
        format!(
            " {} ",
            fit(&text, (area.width as usize / 3).max(12)).trim_end()
        )
    };
    let left_width =
        (area.width as usize).saturating_sub(right_width + width(&judge) + width(&filter));
    // The room's now-showing takes the contest title's place while it lasts.
    let (title, title_style) = match showing_banner(app) {
        Some(banner) => (
            fit(&format!(" {banner}"), left_width),
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        ),
        None => (
            fit(
                &format!(" {}", app.data.contest.title(app.lang)),
                left_width,
            ),
            BAR.add_modifier(Modifier::BOLD),
        ),
    };
    let line = Line::from(vec![
        Span::styled(title, title_style),
        Span::styled(filter, Style::new().fg(Color::Black).bg(Color::Yellow)),
        Span::styled(judge, BAR),
        Span::styled(count, BAR),
        Span::styled(" ".repeat(filled), Style::new().bg(Color::Green)),
        Span::styled(
            " ".repeat(bar_cells - filled),
            Style::new().bg(Color::DarkGray),
        ),
        Span::styled(state, BAR),
    ]);
    frame.render_widget(Paragraph::new(line).style(BAR), area);
}

/// "正在放映：012 标题" while the room shows a work on this ballot ("（已回避）" after it when
/// this judge recused from it).
pub fn showing_banner(app: &App) -> Option<String> {
    let showing = app.showing.as_ref()?;
    let title = jury_core::text::safe_line(app.data.title_of(&showing.work)).into_owned();
    let work = jury_core::text::safe_line(&showing.work).into_owned();
    Some(if app.data.recusals.contains_key(&showing.work) {
        crate::tr!(
            app.lang,
            "room.follow.banner_recused",
            work = work,
            title = title
        )
    } else {
        crate::tr!(app.lang, "room.follow.banner", work = work, title = title)
    })
}

/// A judge's calibration offsets in words: the group furthest from the panel median as a
/// sentence ("您的题材内容评分比评审组中位数高 6 分"), then the others ("技术性 -1.5").
pub fn calibration_line(
    rubric: &jury_core::model::Rubric,
    groups: &[(String, jury_core::model::Points)],
    lang: crate::i18n::Lang,
) -> String {
    let label = |id: &str| {
        let text = rubric
            .groups
            .iter()
            .find(|g| g.id == id)
            .map_or(id, |g| g.label(lang));
        jury_core::text::safe_line(text).into_owned()
    };
    let Some((first, offset)) = groups
        .iter()
        .filter(|(_, p)| p.0 != 0)
        .max_by_key(|(_, p)| p.0.abs())
    else {
        return crate::tr!(lang, "calibration.judge.level").to_string();
    };
    let amount = jury_core::model::Points(offset.0.abs());
    let sentence = if offset.0 > 0 {
        crate::tr!(
            lang,
            "calibration.judge.above",
            group = label(first),
            offset = amount
        )
    } else {
        crate::tr!(
            lang,
            "calibration.judge.below",
            group = label(first),
            offset = amount
        )
    };
    let others: Vec<String> = groups
        .iter()
        .filter(|(g, _)| g != first)
        .map(|(g, p)| {
            let sign = if p.0 > 0 { "+" } else { "" };
            format!("{} {sign}{p}", label(g))
        })
        .collect();
    if others.is_empty() {
        sentence
    } else {
        crate::tr!(
            lang,
            "calibration.judge.others",
            first = sentence,
            others = others.join(crate::tr!(lang, "calibration.judge.separator"))
        )
    }
}

/// Column widths of the works list for an inner width: (number, title, unit, status, total,
/// watched). The watched share gets a column only where titles keep enough room.
fn list_columns(inner: usize) -> (usize, usize, usize, usize, usize, usize) {
    let (no, status, total) = (4, 4, 5);
    let seen = if inner >= 56 { 5 } else { 0 };
    let rest = inner.saturating_sub(no + status + total + 5 + seen);
    let unit = rest * 2 / 5;
    (no, rest - unit, unit, status, total, seen)
}

fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
    let inner_width = area.width.saturating_sub(1) as usize;
    let (no, title, unit, status, total, seen) = list_columns(inner_width);
    let header = format!(
        " {} {} {} {} {}{}",
        fit(app.t(Msg::Number), no),
        fit(app.t(Msg::Title), title),
        fit(app.t(Msg::Unit), unit),
        fit(app.t(Msg::Status), status),
        fit(app.t(Msg::Total), total),
        fit(&format!(" {}", app.t(Msg::Seen)), seen)
    );
    let mut lines = vec![Line::styled(
        header,
        BOLD.add_modifier(Modifier::UNDERLINED),
    )];
    let height = area.height.saturating_sub(1) as usize;
    let visible = app.visible();
    // The app keeps its window for the screen it was told of; re-kept here (without writing)
    // only when drawn at another size.
    let top = keep_visible(app.scroll, app.selected, height, visible.len());
    for (row, &index) in visible.iter().enumerate().skip(top).take(height) {
        let w = &app.data.works[index];
        let st = app.data.status(&w.id);
        let total_text = match st {
            ScoreStatus::Unscored | ScoreStatus::Recused => "-".to_string(),
            _ => app.data.total(&w.id).to_string(),
        };
        let marker = if row == app.selected { ">" } else { " " };
        let watched = match (seen, app.data.progress.get(&w.id), w.duration_ms) {
            (0, _, _) => String::new(),
            (_, Some(p), Some(d)) if d > 0 => format!(
                "{:>seen$}",
                format!("{}%", (p.furthest_ms * 100 / d).min(100))
            ),
            _ => format!("{:>seen$}", "-"),
        };
        let text = format!(
            "{marker}{} {} {} {} {:>total$}{watched}",
            fit(&w.id, no),
            fit(&w.title, title),
            fit(&w.unit, unit),
            fit(
                if app.data.disqualified.contains_key(&w.id) {
                    crate::tr!(app.lang, "rounds.tui.disqualified")
                } else {
                    app.status_label(st)
                },
                status
            ),
            total_text
        );
        let color = match st {
            _ if app.data.disqualified.contains_key(&w.id) => DIM,
            ScoreStatus::Scored => Style::new().fg(Color::Green),
            ScoreStatus::Partial => Style::new().fg(Color::Yellow),
            ScoreStatus::Recused => DIM,
            ScoreStatus::Unscored => Style::new(),
        };
        let style = if row == app.selected {
            color.patch(SELECTED)
        } else {
            color
        };
        lines.push(Line::styled(text, style));
    }
    if visible.is_empty() {
        let msg = if app.data.works.is_empty() {
            Msg::Unassigned
        } else {
            Msg::NothingToFilter
        };
        lines.push(Line::styled(format!(" {}", app.t(msg)), DIM));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_detail(frame: &mut Frame, app: &App, area: Rect) {
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_set(ASCII)
        .border_style(DIM);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width.saturating_sub(1) as usize;
    let Some(index) = app.selected_work_index() else {
        return;
    };
    let work = &app.data.works[index];
    let mut lines: Vec<Line> = Vec::new();
    for l in wrap_words(&format!("{} {}", work.id, work.title), w) {
        lines.push(Line::styled(l, BOLD));
    }
    lines.push(Line::raw(fit(
        &format!("{} / {}", work.unit, work.district),
        w,
    )));
    let watched = app.data.progress.get(&work.id).map(|p| p.furthest_ms);
    let media = match (watched, work.duration_ms) {
        (Some(p), Some(d)) => format!(
            "{} {}, {} {}/{}",
            app.t(Msg::Media),
            work.media_file,
            app.t(Msg::Watched),
            clock(p),
            clock(d)
        ),
        (Some(p), None) => format!(
            "{} {}, {} {}",
            app.t(Msg::Media),
            work.media_file,
            app.t(Msg::Watched),
            clock(p)
        ),
        _ => format!("{} {}", app.t(Msg::Media), work.media_file),
    };
    lines.push(Line::styled(fit(&media, w), DIM));
    let compliance = app
        .media_notes
        .get(&work.id)
        .cloned()
        .or_else(|| {
            // Findings as data, in the judge's language; a ballot of an earlier version has
            // only the organizer's prose.
            work.probe_findings
                .as_ref()
                .map(|f| crate::commands::compliance::findings_note(f, app.lang))
                .or_else(|| work.probe_note.clone())
        })
        .map(|n| shown(&n).into_owned())
        .unwrap_or_else(|| app.t(Msg::NotProbed).to_string());
    lines.push(Line::styled(
        fit(&format!("{} {}", app.t(Msg::Compliance), compliance), w),
        DIM,
    ));
    if let Some(reason) = app.data.recusals.get(&work.id) {
        lines.push(Line::styled(
            fit(&labelled(app.lang, app.t(Msg::Recused), reason), w),
            Style::new().fg(Color::Magenta),
        ));
    }

    // The comment comes before the rubric when every standard is shown (a tall pane), so
    // standard texts never push it off the pane; on a short pane it follows the total.
    let comment = app
        .data
        .comments
        .get(&work.id)
        .map(String::as_str)
        .unwrap_or(app.t(Msg::NoComment));
    let focus = match &app.mode {
        Mode::Score { criterion, buffer } => Some((*criterion, buffer.as_str())),
        _ => None,
    };
    let roomy = inner.height >= 34;
    if roomy {
        lines.extend(
            wrap_words(&labelled(app.lang, app.t(Msg::Comment), comment), w)
                .into_iter()
                .map(Line::raw),
        );
    }
    let score_w = 9;
    let label_w = w.saturating_sub(score_w + 1);
    let mut flat = 0usize;
    for (gi, group) in app.data.contest.rubric.groups.iter().enumerate() {
        let sub = app.data.group_subtotal(&work.id, gi);
        let head = format!(
            "{} {}",
            fit(group.label(app.lang), label_w),
            fit(
                &format!("{:>4}/{:<3}", sub.to_string(), group.max().to_string()),
                score_w
            )
        );
        lines.push(Line::styled(head, BOLD));
        for c in &group.criteria {
            let value = app
                .data
                .score(&work.id, &c.id)
                .map(|s| c.points(s).to_string());
            let focused = focus.filter(|(i, _)| *i == flat);
            let shown = match focused {
                Some((_, buf)) if !buf.is_empty() => format!("{buf}_"),
                _ => value.unwrap_or_else(|| "-".into()),
            };
            let score = format!("{shown:>4}/{:<3}", c.max.to_string());
            let marker = if focused.is_some() { ">" } else { " " };
            let text = format!(
                "{marker}{} {}",
                fit(c.label(app.lang), label_w.saturating_sub(1)),
                fit(&score, score_w)
            );
            let style = if focused.is_some() {
                SELECTED
            } else {
                Style::new()
            };
            lines.push(Line::styled(text, style));
            if roomy {
                for l in wrap_words(c.standard(app.lang), w.saturating_sub(2)) {
                    lines.push(Line::styled(format!("  {l}"), DIM));
                }
            }
            flat += 1;
        }
    }
    let total = format!(
        "{} {}",
        fit(app.t(Msg::Total), label_w),
        fit(
            &format!(
                "{:>4}/{:<3}",
                app.data.total(&work.id).to_string(),
                app.data.contest.rubric.max_total().to_string()
            ),
            score_w
        )
    );
    lines.push(Line::styled(total, BOLD.fg(Color::Green)));
    if !roomy {
        let mut comment_lines = wrap_words(&labelled(app.lang, app.t(Msg::Comment), comment), w);
        comment_lines.truncate(2);
        lines.extend(comment_lines.into_iter().map(Line::raw));
        let shown = focus.map(|(i, _)| i).unwrap_or(0);
        if let Some(c) = app.data.contest.rubric.criteria().nth(shown) {
            let text = labelled(app.lang, c.label(app.lang), c.standard(app.lang));
            lines.extend(
                wrap_words(&text, w)
                    .into_iter()
                    .map(|l| Line::styled(l, DIM)),
            );
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let w = area.width as usize;
    let player = match &app.player.work {
        Some(id) => {
            let state = if app.player.paused {
                app.t(Msg::Paused)
            } else {
                app.t(Msg::Playing)
            };
            let duration = app
                .player
                .duration_ms
                .map(clock)
                .unwrap_or_else(|| "?".into());
            let title = app.data.title_of(id);
            let title_w = (area.width as usize / 4).clamp(6, 24);
            format!(
                " {state} {id} {} {}/{duration} x{:.2} ",
                fit(title, title_w).trim_end(),
                clock(app.player.position_ms),
                app.player.speed
            )
        }
        None => String::new(),
    };
    let (style, message) = match &app.status {
        Some(s) => (
            match s.kind {
                StatusKind::Info => Style::new(),
                StatusKind::Saved => Style::new().fg(Color::Green),
                StatusKind::Warn => Style::new().fg(Color::Yellow),
                StatusKind::Error => Style::new().fg(Color::White).bg(Color::Red),
            },
            format!(" {}", s.text),
        ),
        None => match &app.calibration {
            Some(line) => (Style::new().fg(Color::Cyan), format!(" {line}")),
            None => (DIM, String::new()),
        },
    };
    let (sync, sync_style) = match &app.sync {
        Some(s) if s.ok => (
            format!(" {} {} ", app.t(Msg::Synced), s.at),
            Style::new().fg(Color::Green),
        ),
        Some(s) => (
            format!(" {} {} ", app.t(Msg::SyncFailed), s.at),
            Style::new().fg(Color::White).bg(Color::Red),
        ),
        None => (String::new(), DIM),
    };
    let message_w = w.saturating_sub(width(&player) + width(&sync));
    let line = Line::from(vec![
        Span::styled(fit(&message, message_w), style),
        Span::styled(sync, sync_style),
        Span::styled(player, Style::new().fg(Color::Cyan)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// The list's hints once the ballot is submitted: nothing to score or submit, a way back.
const SUBMITTED_HINTS: &[Command] = &[
    Command::Reopen,
    Command::Details,
    Command::Play,
    Command::Filter,
    Command::Help,
    Command::Quit,
];

/// The main commands of each layer, shown in the hint bar with their first key.
pub(crate) fn hint_commands(layer: Layer) -> &'static [Command] {
    match layer {
        Layer::List => &[
            Command::Score,
            Command::Play,
            Command::Comment,
            Command::Recuse,
            Command::Filter,
            Command::Submit,
            Command::Help,
            Command::Quit,
        ],
        // Back comes second so it fits at 80 columns whatever the language.
        Layer::Score => &[
            Command::ScoreConfirm,
            Command::ScoreExit,
            Command::ScoreNext,
            Command::ScoreInc,
            Command::ScoreDec,
            Command::ScoreMax,
            Command::ScoreClear,
        ],
        Layer::Input => &[
            Command::InputSubmit,
            Command::InputNewline,
            Command::InputCancel,
        ],
        Layer::Confirm => &[Command::Confirm, Command::Accept, Command::Cancel],
        Layer::Help => &[Command::Close],
        Layer::Organizer => &[
            Command::TabNext,
            Command::Next,
            Command::Help,
            Command::Quit,
        ],
        Layer::Room => &[
            Command::Show,
            Command::TabNext,
            Command::ClearShowing,
            Command::Help,
            Command::Quit,
        ],
    }
}

/// The line after the last criterion: the work's total and where Enter and Esc lead.
pub(crate) fn summary_line(app: &App) -> String {
    let Some(work) = app.selected_work_id() else {
        return String::new();
    };
    let key = |c| {
        app.keymap
            .key_for(Layer::Score, c)
            .map(|k| k.to_string())
            .unwrap_or_default()
    };
    let (next, back) = (key(Command::ScoreConfirm), key(Command::ScoreExit));
    let play = key(Command::Play);
    let total = app.data.total(&work);
    let open = app
        .data
        .contest
        .rubric
        .criteria()
        .filter(|c| app.data.score(&work, &c.id).is_none())
        .count();
    let template = if open == 0 {
        crate::tr!(app.lang, "tui.summary_done")
    } else {
        crate::tr!(app.lang, "tui.summary_partial")
    };
    crate::i18n::fill(
        template,
        &[
            ("total", &total),
            ("open", &open),
            ("next", &next),
            ("play", &play),
            ("back", &back),
        ],
    )
}

fn draw_hints(frame: &mut Frame, app: &App, area: Rect) {
    let layer = app.layer();
    if app.mode == Mode::Summary {
        let text = format!(" {} ", summary_line(app));
        let line = Line::styled(
            fit(&text, area.width as usize),
            BAR.add_modifier(Modifier::BOLD),
        );
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let filtering = matches!(
        &app.mode,
        Mode::Input {
            purpose: InputPurpose::Filter | InputPurpose::Revise { .. },
            ..
        }
    );
    let commands: Vec<Command> = if layer == Layer::List && app.data.submitted {
        SUBMITTED_HINTS.to_vec()
    } else {
        hint_commands(layer)
            .iter()
            .copied()
            .filter(|c| !(filtering && *c == Command::InputNewline))
            .collect()
    };
    let mut spans = Vec::new();
    let mut used = 0usize;
    if layer == Layer::Score {
        let digits = format!(" 0-9 {} ", app.t(Msg::Score));
        used += width(&digits);
        spans.push(Span::styled(digits, BAR));
    }
    spans.extend(hint_spans(
        &app.keymap,
        layer,
        &commands,
        app.lang,
        (area.width as usize).saturating_sub(used),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// "key description" pairs for the hint bar, as many as fit in `room` cells, each with the
/// first key the keymap binds to the command in `layer`.
pub(crate) fn hint_spans(
    keymap: &super::keymap::Keymap,
    layer: Layer,
    commands: &[Command],
    lang: crate::i18n::Lang,
    room: usize,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut used = 0;
    for &command in commands {
        let Some(key) = keymap.key_for(layer, command) else {
            continue;
        };
        let desc = keymap
            .bindings(layer)
            .iter()
            .find(|b| b.command == command)
            .map(|b| b.desc(lang).to_string())
            .unwrap_or_default();
        let key_text = format!(" {key} ");
        let desc_text = format!("{desc} ");
        if used + width(&key_text) + width(&desc_text) > room {
            break;
        }
        used += width(&key_text) + width(&desc_text);
        spans.push(Span::styled(key_text, BAR.add_modifier(Modifier::BOLD)));
        spans.push(Span::raw(desc_text));
    }
    spans
}

fn popup(area: Rect, width_cells: u16, height: u16) -> Rect {
    let w = width_cells.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn boxed(title: &str) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(ASCII)
        .title(format!(" {title} "))
        .title_style(BOLD)
}

fn draw_input(
    frame: &mut Frame,
    app: &App,
    purpose: &InputPurpose,
    editor: &super::editor::Editor,
) {
    let (title, hint, height) = match purpose {
        InputPurpose::Comment { work } => (
            format!("{} {work}", app.t(Msg::Comment)),
            app.t(Msg::CommentHint),
            10,
        ),
        InputPurpose::Recuse { work } => (
            format!("{} {work}", app.t(Msg::Recused)),
            app.t(Msg::RecuseReason),
            6,
        ),
        InputPurpose::Filter => (app.t(Msg::Filter).to_string(), app.t(Msg::HelpFilter), 5),
        InputPurpose::Revise {
            work,
            criterion,
            old,
            new,
            ..
        } => (
            super::signoff_view::revise_title(app, work, criterion, *old, *new),
            crate::tr!(app.lang, "signoff.tui.reason_hint"),
            5,
        ),
    };
    let area = popup(
        frame.area(),
        64.min(frame.area().width.saturating_sub(4)).max(20),
        height,
    );
    frame.render_widget(Clear, area);
    let block = boxed(&title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text_w = inner.width.max(2) as usize;
    let text_rows = inner.height.saturating_sub(1) as usize;
    let lines = wrap(&editor.shown(), text_w);
    let (caret_row, caret_col) = caret_position(&editor.shown_before_caret(), text_w);
    let first = caret_row.saturating_sub(text_rows.saturating_sub(1));
    let mut shown: Vec<Line> = lines
        .iter()
        .skip(first)
        .take(text_rows)
        .map(|l| Line::raw(l.clone()))
        .collect();
    while shown.len() < text_rows {
        shown.push(Line::raw(""));
    }
    shown.push(Line::styled(fit(hint, text_w), DIM));
    frame.render_widget(Paragraph::new(shown), inner);
    // The terminal cursor sits at the caret, in display cells, so the IME window follows it.
    frame.set_cursor_position(Position {
        x: inner.x + caret_col as u16,
        y: inner.y + (caret_row - first) as u16,
    });
}

fn draw_dialog(frame: &mut Frame, app: &App, dialog: &Dialog) {
    let mut lines: Vec<Line> = Vec::new();
    let title_owned: String;
    let title = match dialog {
        Dialog::Submit { unfinished } => {
            lines.push(Line::styled(app.t(Msg::ConfirmSubmit), BOLD));
            if unfinished.is_empty() {
                lines.push(Line::styled(app.t(Msg::ConfirmYesNo), DIM));
            } else {
                lines.push(Line::styled(
                    app.t(Msg::ConfirmSubmitUnscored),
                    Style::new().fg(Color::Yellow),
                ));
                // Each by number and title, as many as the screen holds.
                let room = (frame.area().height as usize).saturating_sub(10).max(3);
                let shown = if unfinished.len() > room {
                    room - 1
                } else {
                    unfinished.len()
                };
                for id in unfinished.iter().take(shown) {
                    let title = app.data.title_of(id);
                    lines.push(Line::raw(format!("  {id} {}", shown_one_line(title))));
                }
                if unfinished.len() > shown {
                    lines.push(Line::raw(format!(
                        "  {}",
                        crate::tr!(app.lang, "tui.and_more", n = unfinished.len() - shown)
                    )));
                }
                lines.push(Line::styled(
                    crate::tr!(
                        app.lang,
                        "tui.submit_choice",
                        yes = confirm_key(app, Command::Confirm),
                        default = confirm_key(app, Command::Accept),
                        no = confirm_key(app, Command::Cancel)
                    ),
                    BOLD,
                ));
            }
            app.t(Msg::SubmitTitle)
        }
        Dialog::Details => {
            lines.push(Line::raw(labelled(
                app.lang,
                crate::tr!(app.lang, "tui.details_revision"),
                app.data.revision,
            )));
            let receipt = if app.data.submitted {
                app.data.receipt()
            } else {
                crate::tr!(app.lang, "tui.not_submitted").to_string()
            };
            lines.push(Line::raw(labelled(app.lang, app.t(Msg::Receipt), receipt)));
            let sync = match &app.sync {
                Some(s) if s.ok => crate::tr!(
                    app.lang,
                    "tui.details_synced",
                    at = s.at,
                    rev = s.revision.unwrap_or(0)
                ),
                Some(s) => format!("{} {}", app.t(Msg::SyncFailed), s.at),
                None => crate::tr!(app.lang, "tui.details_no_sync").to_string(),
            };
            lines.push(Line::raw(labelled(
                app.lang,
                crate::tr!(app.lang, "tui.details_sync"),
                sync,
            )));
            lines.push(Line::styled("Enter / Esc", DIM));
            title_owned = crate::tr!(app.lang, "tui.details_title").to_string();
            &title_owned
        }
        Dialog::Restore {
            work,
            scores,
            total,
        } => {
            lines.push(Line::styled(
                crate::tr!(
                    app.lang,
                    "tui.restore_question",
                    n = scores.len(),
                    total = total
                ),
                BOLD,
            ));
            let ask = crate::tr!(app.lang, "tui.restore_choice");
            lines.push(choice_line(app, ask, Command::Accept, DIM));
            title_owned = format!("{} {work}", crate::tr!(app.lang, "tui.restore_title"));
            &title_owned
        }
        Dialog::Quit {
            unsubmitted,
            unsynced,
        } => {
            if *unsubmitted {
                lines.push(Line::raw(crate::tr!(app.lang, "tui.quit_unsubmitted")));
            }
            if *unsynced {
                lines.push(Line::raw(crate::tr!(app.lang, "tui.quit_unsynced")));
            }
            let ask = crate::tr!(app.lang, "tui.quit_choice");
            lines.push(choice_line(app, ask, Command::Confirm, BOLD));
            title_owned = crate::tr!(app.lang, "tui.quit_title").to_string();
            &title_owned
        }
        Dialog::Reopen => {
            lines.push(Line::styled(app.t(Msg::ConfirmReopen), BOLD));
            lines.push(Line::styled(app.t(Msg::ConfirmYesNo), DIM));
            app.t(Msg::ReopenTitle)
        }
        Dialog::Recuse {
            work,
            scores,
            total,
        } => {
            lines.push(Line::styled(
                crate::tr!(app.lang, "tui.confirm_recuse", n = scores, total = total),
                BOLD,
            ));
            lines.push(Line::styled(app.t(Msg::ConfirmYesNo), DIM));
            title_owned = format!("{} {work}", crate::tr!(app.lang, "tui.recuse_title"));
            &title_owned
        }
        Dialog::Signoff => {
            title_owned = super::signoff_view::dialog_lines(app, &mut lines, frame.area().height);
            &title_owned
        }
        Dialog::Receipt { code } => {
            lines.push(Line::styled(
                labelled(app.lang, app.t(Msg::Receipt), code),
                BOLD.fg(Color::Green),
            ));
            lines.push(Line::raw(app.t(Msg::ReceiptNote)));
            lines.push(Line::styled("Enter / Esc", DIM));
            app.t(Msg::Submitted)
        }
    };
    let inner_w = 56usize.min(frame.area().width.saturating_sub(6) as usize);
    let wrapped: Vec<Line> = lines
        .into_iter()
        .flat_map(|l| {
            let style = l.style;
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            wrap_words(&text, inner_w)
                .into_iter()
                .map(move |t| Line::styled(t, style))
        })
        .collect();
    let area = popup(frame.area(), inner_w as u16 + 2, wrapped.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let block = boxed(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(wrapped), inner);
}

/// A dialog's answer line: `template` with the confirm layer's keys for `yes` and for
/// cancelling.
fn choice_line(app: &App, template: &str, yes: Command, style: Style) -> Line<'static> {
    let text = crate::i18n::fill(
        template,
        &[
            ("yes", &confirm_key(app, yes)),
            ("no", &confirm_key(app, Command::Cancel)),
        ],
    );
    Line::styled(text, style)
}

/// The first key the confirm layer binds to `command` ("y", "Enter").
fn confirm_key(app: &App, command: Command) -> String {
    app.keymap
        .key_for(Layer::Confirm, command)
        .map(|k| k.to_string())
        .unwrap_or_default()
}

/// A file-supplied title on one line, safe and of fixed width.
fn shown_one_line(title: &str) -> String {
    shown(&jury_core::text::safe_line(title)).into_owned()
}

fn draw_help(frame: &mut Frame, app: &App, filter: &str, selected: usize) {
    let title = format!(
        "{} / {}_",
        app.t(Msg::Help),
        labelled(app.lang, app.t(Msg::Filter), filter)
    );
    let rows = app.help_rows(filter);
    super::help::draw(frame, &title, &rows, selected, app.help_top, app.lang);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ambiguous-width characters (·, –, —, …) are one cell in some terminals and two in CJK
    /// ones: none in the TUI's own words, so every line keeps its width.
    #[test]
    fn tui_locale_strings_have_no_ambiguous_width_glyphs() {
        use unicode_width::UnicodeWidthChar;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/locales/tui.yml");
        let text = std::fs::read_to_string(path).unwrap();
        let values: Vec<&str> = text.lines().filter(|l| l.starts_with("  ")).collect();
        assert!(values.len() > 100, "{} values read", values.len());
        for line in values {
            let bad: Vec<char> = line
                .chars()
                .filter(|c| c.width() != c.width_cjk())
                .collect();
            assert!(bad.is_empty(), "{line}: {bad:?}");
        }
    }

    #[test]
    fn list_columns_fill_the_width() {
        for inner in [39usize, 59, 80] {
            let (a, b, c, d, e, f) = list_columns(inner);
            assert_eq!(1 + a + 1 + b + 1 + c + 1 + d + 1 + e + f, inner);
        }
    }
}
