//! The room console's screen: the works in showing order on the left, the work now showing on
//! the right with each judge's standing, the spread once all have scored, the panel's
//! progress; a status line and the key hints at the bottom. ASCII chrome, every column cut to
//! its display width so Chinese titles and names line up.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::state::{scored_of, RoomApp, RoomTab};
use crate::commands::calibration::signed;
use crate::commands::deliberate::{headings, Row, TOTALS_SEPARATOR};
use crate::commands::room::{standing_words, Standing};
use crate::tr;
use crate::tui::keymap::Layer;
use crate::tui::text::fit;
use crate::tui::view::{hint_commands, hint_spans};
use jury_core::calibration::CalibrationState;
use jury_core::signoff::short;
use jury_core::text::{clock, safe_line, width};

const BAR: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
const DIM: Style = Style::new().fg(Color::DarkGray);
const GOOD: Style = Style::new().fg(Color::Green);

/// Works-list rows on a screen `height` tall (header bar, column header, status and hints
/// taken off).
pub fn list_rows(height: u16) -> usize {
    height.saturating_sub(4) as usize
}

/// Deliberation-list items on a screen `height` tall: two lines each (the work, then the
/// judges' totals), below the heading, the provisional note and the column header.
pub fn deliberation_rows(height: u16) -> usize {
    (height.saturating_sub(6) / 2) as usize
}

fn rect(x: u16, y: u16, width: u16, height: u16) -> Rect {
    Rect {
        x,
        y,
        width,
        height,
    }
}

/// Draws the console from its state; reads only.
pub fn draw(frame: &mut Frame, app: &RoomApp) {
    let area = frame.area();
    if area.height < 8 || area.width < 40 {
        frame.render_widget(Paragraph::new("jury: window too small"), area);
        return;
    }
    draw_header(frame, app, rect(area.x, area.y, area.width, 1));
    let body_h = area.height - 3;
    if app.loading {
        let text = format!(" {}", tr!(app.lang, "org.loading"));
        frame.render_widget(
            Paragraph::new(Line::styled(fit(&text, area.width as usize), DIM)),
            rect(area.x, area.y + 2, area.width, 1),
        );
    } else if app.tab == RoomTab::Deliberation {
        let body = rect(area.x, area.y + 1, area.width, body_h);
        frame.render_widget(Paragraph::new(deliberation_lines(app, body)), body);
    } else {
        let left_w = (area.width * 9 / 20).max(30).min(area.width - 10);
        let list = rect(area.x, area.y + 1, left_w, body_h);
        frame.render_widget(Paragraph::new(list_lines(app, list)), list);
        let right = rect(
            area.x + left_w + 1,
            area.y + 1,
            area.width - left_w - 1,
            body_h,
        );
        frame.render_widget(
            Paragraph::new(panel_lines(app, right.width as usize)),
            right,
        );
    }
    let status = app.status.as_deref().map(safe_line).unwrap_or_default();
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(&format!(" {status}"), area.width as usize),
            DIM,
        )),
        rect(area.x, area.y + area.height - 2, area.width, 1),
    );
    let hints = hint_spans(
        &app.keymap,
        Layer::Room,
        hint_commands(Layer::Room),
        app.lang,
        area.width as usize,
    );
    frame.render_widget(
        Paragraph::new(Line::from(hints)),
        rect(area.x, area.y + area.height - 1, area.width, 1),
    );
    if let Some(selected) = app.help {
        draw_help(frame, app, selected);
    }
}

fn draw_header(frame: &mut Frame, app: &RoomApp, area: Rect) {
    let lang = app.lang;
    let contest = safe_line(app.data.contest.title(lang));
    let title = match app.tab {
        RoomTab::Works => tr!(lang, "console.title", contest = contest),
        RoomTab::Deliberation => tr!(lang, "console.tab.deliberation", contest = contest),
    };
    let right = match (&app.showing, app.showing_work()) {
        (Some(record), Some(work)) => format!(
            " {} ",
            tr!(
                lang,
                "console.seq",
                seq = record.seq,
                work = safe_line(&work.id)
            )
        ),
        _ => String::new(),
    };
    let w = area.width as usize;
    let left_w = w.saturating_sub(width(&right));
    let line = Line::from(vec![
        Span::styled(
            fit(&format!(" {title}"), left_w),
            BAR.add_modifier(Modifier::BOLD),
        ),
        Span::styled(right, BAR),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// The works in showing order: `>` marks the cursor, `*` the work now showing; each with how
/// many of its judges (recused ones left out) have scored it.
fn list_lines(app: &RoomApp, area: Rect) -> Vec<Line<'static>> {
    let lang = app.lang;
    let w = area.width as usize;
    let count_w = 6;
    let id_w = 5;
    let title_w = w.saturating_sub(2 + id_w + 1 + count_w + 1);
    let mut lines = vec![Line::styled(
        format!(
            "  {} {} {}",
            fit(tr!(lang, "console.col.work"), id_w),
            fit(tr!(lang, "console.col.title"), title_w),
            fit(tr!(lang, "console.col.scored"), count_w)
        ),
        BOLD,
    )];
    // Below the column header.
    let rows = area.height.saturating_sub(1) as usize;
    let top = app.cursor.saturating_sub(rows.saturating_sub(1));
    let showing = app.showing_work().map(|w| w.id.clone());
    for (i, work) in app.data.works.iter().enumerate().skip(top).take(rows) {
        let standing = app.data.standing(work);
        let (scored, of) = scored_of(&standing);
        let cursor = if i == app.cursor { '>' } else { ' ' };
        let mark = if showing.as_deref() == Some(work.id.as_str()) {
            '*'
        } else {
            ' '
        };
        let text = format!(
            "{cursor}{mark}{} {} {}",
            fit(&safe_line(&work.id), id_w),
            fit(&safe_line(&work.title), title_w),
            fit(&format!("{scored}/{of}"), count_w)
        );
        let style = if i == app.cursor {
            SELECTED
        } else if standing.waiting == 0 && !standing.rows.is_empty() {
            GOOD
        } else {
            Style::new()
        };
        lines.push(Line::styled(text, style));
    }
    lines
}

/// The deliberation list, in `jury deliberate`'s order and words: a heading, then two lines
/// per work — `>` the cursor, `*` the work now showing, number, title, score, range, SD and
/// the nearest cut-off; below it each judge's total with the judge's name (names are shown
/// only here, in the room).
fn deliberation_lines(app: &RoomApp, area: Rect) -> Vec<Line<'static>> {
    let lang = app.lang;
    let w = area.width as usize;
    let data = &app.data;
    let items = &data.deliberation;
    if items.is_empty() {
        return vec![Line::styled(fit(tr!(lang, "deliberate.empty"), w), DIM)];
    }
    let near = items.iter().filter(|i| i.near).count();
    let mut lines = vec![Line::styled(
        fit(
            &tr!(
                lang,
                "console.deliberation.heading",
                near = near,
                points = data.contest.deliberation.near_cutoff
            ),
            w,
        ),
        BOLD,
    )];
    lines.push(if data.provisional {
        Line::styled(fit(tr!(lang, "deliberate.provisional"), w), DIM)
    } else {
        Line::raw(String::new())
    });
    // n, work, title, score, range, SD, cut-off (the rest).
    let (n_w, id_w, score_w, range_w, sd_w) = (3, 5, 6, 5, 6);
    let title_w = w.saturating_sub(2 + n_w + id_w + score_w + range_w + sd_w + 6) * 2 / 5;
    let cutoff_w = w.saturating_sub(2 + n_w + id_w + title_w + score_w + range_w + sd_w + 6);
    let h = headings(lang);
    let columns =
        |n: &str, id: &str, title: &str, score: &str, range: &str, sd: &str, cut: &str| {
            format!(
                "{} {} {} {} {} {} {}",
                fit(n, n_w),
                fit(id, id_w),
                fit(title, title_w),
                fit(score, score_w),
                fit(range, range_w),
                fit(sd, sd_w),
                fit(cut, cutoff_w)
            )
        };
    lines.push(Line::styled(
        format!("  {}", columns(h[0], h[1], h[2], h[4], h[5], h[6], h[7])),
        BOLD,
    ));
    let rows = deliberation_rows(area.height);
    let top = app
        .deliberation_cursor
        .saturating_sub(rows.saturating_sub(1));
    let showing = app.showing_work().map(|w| w.id.as_str());
    let titles = |id: &str| data.work(id).map_or("", |w| w.title.as_str());
    for (i, item) in items.iter().enumerate().skip(top).take(rows) {
        let row = Row::of(
            &data.contest,
            item,
            titles(&item.work),
            Some(&data.names),
            lang,
        );
        let on = i == app.deliberation_cursor;
        let cursor = if on { '>' } else { ' ' };
        let mark = if showing == Some(item.work.as_str()) {
            '*'
        } else {
            ' '
        };
        let text = format!(
            "{cursor}{mark}{}",
            columns(
                &(i + 1).to_string(),
                &row.work,
                &row.title,
                &row.score,
                &row.range,
                &row.sd,
                &row.cutoff
            )
        );
        let style = if on {
            SELECTED
        } else if item.near {
            BOLD
        } else {
            Style::new()
        };
        lines.push(Line::styled(text, style));
        let totals = format!(
            "{}{}",
            " ".repeat(2 + n_w + 1),
            row.totals.join(TOTALS_SEPARATOR)
        );
        lines.push(Line::styled(
            fit(&totals, w),
            if on { Style::new() } else { DIM },
        ));
    }
    lines
}

/// The work now showing: its title, the video's position, each judge's standing, the spread
/// (or who is still scoring), then the panel's progress over all works.
fn panel_lines(app: &RoomApp, w: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let mut lines = Vec::new();
    let line = |s: String| fit(&s, w);
    match app.showing_work() {
        None => lines.push(Line::styled(
            line(tr!(lang, "room.follow.nothing").into()),
            DIM,
        )),
        Some(work) => {
            lines.push(Line::styled(
                line(tr!(
                    lang,
                    "room.follow.banner",
                    work = safe_line(&work.id),
                    title = safe_line(&work.title)
                )),
                BOLD,
            ));
            lines.push(Line::raw(line(playback_words(app))));
            lines.push(Line::raw(String::new()));
            let standing = app.data.standing(work);
            if standing.rows.is_empty() {
                lines.push(Line::styled(
                    line(tr!(lang, "console.no_judges").into()),
                    DIM,
                ));
            } else {
                let (judge_w, name_w) = (5, 10);
                lines.push(Line::styled(
                    line(format!(
                        "{} {} {}",
                        fit(tr!(lang, "room.status.judge"), judge_w),
                        fit(tr!(lang, "room.status.name"), name_w),
                        tr!(lang, "room.status.state")
                    )),
                    BOLD,
                ));
                for (judge, s) in &standing.rows {
                    let name = app.data.names.get(judge).cloned().unwrap_or_default();
                    let style = match s {
                        Standing::Scored(_) => GOOD,
                        Standing::Recused => DIM,
                        _ => Style::new(),
                    };
                    lines.push(Line::styled(
                        line(format!(
                            "{} {} {}",
                            fit(&safe_line(judge), judge_w),
                            fit(&safe_line(&name), name_w),
                            standing_words(s, lang)
                        )),
                        style,
                    ));
                }
                lines.push(Line::raw(String::new()));
                match &standing.spread {
                    Some(spread) => {
                        lines.push(Line::styled(
                            line(tr!(lang, "console.all_scored").into()),
                            GOOD.add_modifier(Modifier::BOLD),
                        ));
                        let words = match spread.sd {
                            Some(sd) => tr!(
                                lang,
                                "console.spread",
                                lo = spread.lo,
                                hi = spread.hi,
                                range = spread.range,
                                sd = format!("{sd:.2}")
                            ),
                            None => tr!(
                                lang,
                                "console.spread_one",
                                lo = spread.lo,
                                hi = spread.hi,
                                range = spread.range
                            ),
                        };
                        lines.push(Line::raw(line(words)));
                    }
                    None => lines.push(Line::raw(line(tr!(
                        lang,
                        "console.waiting",
                        n = standing.waiting,
                        of = standing.rows.len()
                    )))),
                }
            }
        }
    }
    let p = app.progress;
    lines.push(Line::raw(String::new()));
    lines.push(Line::raw(line(tr!(
        lang,
        "console.progress",
        done = p.done,
        pairs = p.pairs
    ))));
    lines.push(Line::raw(line(tr!(
        lang,
        "console.progress_works",
        done = p.works_done,
        works = p.works
    ))));
    lines.extend(calibration_lines(app, w));
    lines.extend(confirmation_lines(app, w));
    lines
}

/// The calibration round, when the contest has one: who still has calibration works to
/// score, or each judge's offsets from the panel median in one line (the largest first).
fn calibration_lines(app: &RoomApp, w: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let contest = &app.data.contest;
    let list = |items: &[String]| {
        items
            .iter()
            .map(|x| safe_line(x).into_owned())
            .collect::<Vec<_>>()
            .join(tr!(lang, "calibration.list_separator"))
    };
    let mut lines = match &app.data.calibration {
        CalibrationState::NotConfigured => return Vec::new(),
        CalibrationState::Unassigned { works } => vec![Line::raw(fit(
            &tr!(lang, "console.calibration.unassigned", works = list(works)),
            w,
        ))],
        CalibrationState::Pending { judges } => judges
            .iter()
            .map(|(judge, works)| {
                Line::raw(fit(
                    &tr!(
                        lang,
                        "console.calibration.pending",
                        judge = safe_line(judge),
                        works = list(works)
                    ),
                    w,
                ))
            })
            .collect(),
        CalibrationState::Ready { judges } => judges
            .iter()
            .map(|j| {
                let mut groups: Vec<_> = j
                    .groups
                    .iter()
                    .filter(|g| g.offset.rounded().0 != 0)
                    .collect();
                groups.sort_by_key(|g| std::cmp::Reverse(g.offset.rounded().0.abs()));
                let offsets = if groups.is_empty() {
                    tr!(lang, "console.calibration.level").to_string()
                } else {
                    groups
                        .iter()
                        .map(|g| {
                            let label = contest
                                .rubric
                                .groups
                                .iter()
                                .find(|x| x.id == g.group)
                                .map_or(g.group.as_str(), |x| x.label(lang));
                            format!("{} {}", safe_line(label), signed(g.offset))
                        })
                        .collect::<Vec<_>>()
                        .join(tr!(lang, "console.calibration.separator"))
                };
                Line::raw(fit(
                    &tr!(
                        lang,
                        "console.calibration.judge",
                        judge = safe_line(&j.judge),
                        offsets = offsets
                    ),
                    w,
                ))
            })
            .collect(),
    };
    lines.insert(
        0,
        Line::styled(fit(tr!(lang, "console.calibration.heading"), w), BOLD),
    );
    lines.insert(0, Line::raw(String::new()));
    lines
}

/// "14:03" of a Unix time, local.
fn hours_minutes(at: i64) -> String {
    let time = jury_store::snapshot::local_time(at, false);
    time.get(..5).unwrap_or(&time).to_string()
}

/// The sign-off confirmations merged so far (who confirmed which fingerprint, when).
fn confirmation_lines(app: &RoomApp, w: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let confirmations = &app.data.confirmations;
    if confirmations.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        Line::raw(String::new()),
        Line::styled(
            fit(
                &tr!(
                    lang,
                    "console.signoff.heading",
                    n = confirmations.len(),
                    of = app.data.names.len()
                ),
                w,
            ),
            BOLD,
        ),
    ];
    for (judge, fingerprint, at) in confirmations {
        let name = app.data.names.get(judge).cloned().unwrap_or_default();
        lines.push(Line::styled(
            fit(
                &tr!(
                    lang,
                    "console.signoff.row",
                    judge = safe_line(judge),
                    name = safe_line(&name),
                    fingerprint = short(fingerprint),
                    at = hours_minutes(*at)
                ),
                w,
            ),
            GOOD,
        ));
    }
    lines
}

/// "Playing 00:01 / 00:03", "Paused …", "Played to the end", or nothing.
fn playback_words(app: &RoomApp) -> String {
    let lang = app.lang;
    let Some(p) = &app.playback else {
        return String::new();
    };
    let at = clock(p.position_ms);
    let total = p.duration_ms.map(clock).unwrap_or_else(|| "--:--".into());
    if p.ended {
        tr!(lang, "console.play.ended").to_string()
    } else if p.paused {
        tr!(lang, "console.play.paused", at = at, total = total)
    } else {
        tr!(lang, "console.play.playing", at = at, total = total)
    }
}

fn draw_help(frame: &mut Frame, app: &RoomApp, selected: usize) {
    let title = crate::i18n::Msg::Help.text(app.lang);
    crate::tui::help::draw(frame, title, &app.help_rows(), selected, 0, app.lang);
}
