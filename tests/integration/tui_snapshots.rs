//! Rendering snapshots of the judge TUI (ratatui TestBackend + insta) at 80×24 and 120×40,
//! in Chinese and English. Wide characters occupy two cells, so the text is rebuilt the way
//! a terminal shows it and every line must be exactly the screen's width.

use jury::i18n::Lang;
use jury::tui::action::{Action, Command};
use jury::tui::{view, App, Effect, Keymap};
use jury_core::sample::sample_data;
use jury_store::Commit;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = symbol.width().saturating_sub(1);
            line.push_str(symbol);
        }
        assert_eq!(
            line.width(),
            width as usize,
            "line {y} is not {width} cells wide: {line:?}"
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn act(app: &mut App, actions: impl IntoIterator<Item = Action>) {
    for a in actions {
        for e in app.update(a) {
            if let Effect::Commit(event) = &e {
                let rev = app.data.revision + 1;
                app.on_saved(
                    event,
                    Ok(Commit {
                        revision: rev,
                        chain_head: format!("{rev:064x}"),
                    }),
                );
            }
        }
    }
}

fn scored_app(lang: Lang) -> App {
    let mut app = App::new(sample_data(12), Keymap::default_keymap(), lang);
    let mut keys = vec![Action::Command(Command::Score)];
    keys.extend("2526128444".chars().map(Action::Type));
    keys.push(Action::Command(Command::Comment));
    keys.extend(
        "画面清晰稳定，配乐优美。Nice pacing."
            .chars()
            .map(Action::Type),
    );
    keys.push(Action::Command(Command::InputSubmit));
    keys.extend([
        Action::Command(Command::Next),
        Action::Command(Command::Score),
    ]);
    keys.extend("2".chars().map(Action::Type));
    act(&mut app, keys);
    app
}

#[test]
fn list_and_score_mode_zh_80x24() {
    let app = scored_app(Lang::Zh);
    insta::assert_snapshot!("score_zh_80x24", screen(&app, 80, 24));
}

#[test]
fn list_and_score_mode_en_80x24() {
    let app = scored_app(Lang::En);
    insta::assert_snapshot!("score_en_80x24", screen(&app, 80, 24));
}

#[test]
fn list_zh_120x40_shows_every_standard() {
    let mut app = scored_app(Lang::Zh);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Prev),
        ],
    );
    let s = screen(&app, 120, 40);
    for c in app.data.contest.rubric.criteria() {
        let head: String = c.standard_zh.chars().take(8).collect();
        assert!(s.contains(&head), "standard of {} missing", c.id);
    }
    insta::assert_snapshot!("list_zh_120x40", s);
}

#[test]
fn list_en_120x40() {
    let mut app = scored_app(Lang::En);
    act(&mut app, [Action::Command(Command::ScoreExit)]);
    insta::assert_snapshot!("list_en_120x40", screen(&app, 120, 40));
}

#[test]
fn help_zh_80x24() {
    let mut app = scored_app(Lang::Zh);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Help),
        ],
    );
    insta::assert_snapshot!("help_zh_80x24", screen(&app, 80, 24));
}

#[test]
fn submit_dialog_en_80x24() {
    let mut app = scored_app(Lang::En);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Submit),
        ],
    );
    insta::assert_snapshot!("submit_en_80x24", screen(&app, 80, 24));
}

#[test]
fn receipt_zh_80x24() {
    let mut app = scored_app(Lang::Zh);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Submit),
            Action::Command(Command::Confirm),
        ],
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains(&app.data.receipt()));
    insta::assert_snapshot!("receipt_zh_80x24", s);
}

#[test]
fn comment_editor_places_cursor_in_display_cells() {
    let mut app = scored_app(Lang::Zh);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Prev),
            Action::Command(Command::Comment),
        ],
    );
    act(&mut app, "评语".chars().map(Action::Type));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| view::draw(f, &app)).unwrap();
    let cursor = terminal.get_cursor_position().unwrap();
    // The existing comment plus two CJK characters: the caret is after them, in cells.
    let text = format!("{}评语", app.data.comments["001"]);
    let inner_width = 62usize;
    let lines = jury_core::text::wrap(&text, inner_width);
    let expected_col = jury_core::text::width(lines.last().unwrap());
    let popup_x = (80 - 64) / 2 + 1;
    assert_eq!(cursor.x as usize, popup_x + expected_col);
    insta::assert_snapshot!("comment_zh_80x24", screen(&app, 80, 24));
}
