//! The judge TUI's sign-off and revision texts: the final award list dialog (from the
//! organizer's `jury signoff` record) and the title of the revision-reason prompt.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use super::action::Command;
use super::app::App;
use super::keymap::Layer;
use super::text::fit;
use jury_core::signoff::short;
use jury_core::text::safe_line;

const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray);

/// The line width the dialog's rows are cut to (the dialog is at most 56 cells inside).
const ROW: usize = 54;

/// "改分 012 主题与传播价值 18→22".
pub fn revise_title(
    app: &App,
    work: &str,
    criterion: &str,
    old: Option<u32>,
    new: Option<u32>,
) -> String {
    let c = app
        .data
        .contest
        .rubric
        .criteria()
        .find(|c| c.id == criterion);
    let points = |s: Option<u32>| match (s, c) {
        (Some(s), Some(c)) => c.points(s).to_string(),
        (Some(s), None) => s.to_string(),
        (None, _) => "-".into(),
    };
    crate::tr!(
        app.lang,
        "signoff.tui.revise_title",
        work = safe_line(work),
        criterion = c.map(|c| c.label(app.lang)).unwrap_or(criterion),
        old = points(old),
        new = points(new)
    )
}

fn key(app: &App, command: Command) -> String {
    app.keymap
        .key_for(Layer::Confirm, command)
        .map(|k| k.to_string())
        .unwrap_or_default()
}

/// The final-results dialog's lines (as many award rows as the screen holds); returns the
/// dialog's title.
pub fn dialog_lines(app: &App, lines: &mut Vec<Line<'static>>, screen_rows: u16) -> String {
    let lang = app.lang;
    let Some(record) = &app.signoff else {
        return String::new();
    };
    lines.push(Line::styled(
        crate::tr!(
            lang,
            "signoff.tui.fingerprint",
            fingerprint = short(&record.fingerprint)
        ),
        BOLD,
    ));
    if record.provisional {
        lines.push(Line::styled(
            crate::tr!(lang, "signoff.tui.provisional").to_string(),
            Style::new().fg(Color::Yellow),
        ));
    }
    let awarded: Vec<_> = record
        .lines
        .iter()
        .filter(|l| !l.award.is_empty())
        .collect();
    let room = (screen_rows as usize).saturating_sub(9).max(3);
    let shown = if awarded.len() > room {
        room - 1
    } else {
        awarded.len()
    };
    for l in awarded.iter().take(shown) {
        let place = l.place.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
        let award = if lang == crate::i18n::Lang::Zh {
            &l.award_zh
        } else {
            &l.award_en
        };
        let text = format!(
            "{place:>3} {} {} {} {}",
            safe_line(award),
            safe_line(&l.work),
            safe_line(&l.title),
            l.score
        );
        lines.push(Line::raw(fit(&text, ROW).trim_end().to_string()));
    }
    if awarded.len() > shown {
        lines.push(Line::raw(format!(
            "  {}",
            crate::tr!(lang, "tui.and_more", n = awarded.len() - shown)
        )));
    }
    if app.confirmed.as_deref() == Some(record.fingerprint.as_str()) {
        lines.push(Line::styled(
            crate::tr!(lang, "signoff.tui.already").to_string(),
            Style::new().fg(Color::Green),
        ));
    }
    lines.push(Line::styled(
        crate::tr!(
            lang,
            "signoff.tui.choice",
            yes = key(app, Command::Confirm),
            no = key(app, Command::Cancel)
        ),
        DIM,
    ));
    crate::tr!(lang, "signoff.tui.title").to_string()
}
