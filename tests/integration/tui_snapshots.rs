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

pub(crate) fn screen(app: &App, width: u16, height: u16) -> String {
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
        Action::Command(Command::ScoreExit),
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

fn fully_scored(lang: Lang) -> App {
    let mut app = App::new(sample_data(12), Keymap::default_keymap(), lang);
    let mut keys = vec![Action::Command(Command::Score)];
    keys.extend("2526128444".chars().map(Action::Type));
    act(&mut app, keys);
    app
}

#[test]
fn summary_after_the_last_criterion_zh_80x24() {
    let app = fully_scored(Lang::Zh);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("83 分 已保存。Enter 下一个未评作品，p 播放，Esc 返回"),
        "{s}"
    );
    insta::assert_snapshot!("summary_zh_80x24", s);
}

#[test]
fn summary_after_the_last_criterion_en_80x24() {
    let app = fully_scored(Lang::En);
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("83 points saved. Enter next unscored work, p play, Esc back"),
        "{s}"
    );
    insta::assert_snapshot!("summary_en_80x24", s);
}

#[test]
fn recusing_from_a_scored_work_asks_first_zh_80x24() {
    let mut app = fully_scored(Lang::Zh);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Recuse),
        ],
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains("将删除已评 7 项（83 分），确定回避？"), "{s}");
    insta::assert_snapshot!("recuse_confirm_zh_80x24", s);
}

#[test]
fn recusing_from_a_scored_work_asks_first_en_80x24() {
    let mut app = fully_scored(Lang::En);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Recuse),
        ],
    );
    let s = screen(&app, 80, 24);
    insta::assert_snapshot!("recuse_confirm_en_80x24", s);
}

/// Help after one PgDn; one page is the 19 rows the help box shows at 80x24.
fn paged_help(lang: Lang) -> String {
    let mut app = App::new(sample_data(4), Keymap::default_keymap(), lang);
    app.resize(80, 24);
    act(&mut app, [Action::Command(Command::Help)]);
    let first = screen(&app, 80, 24);
    let rows = app.help_rows("").len();
    assert!(first.contains(&format!(" 1/{rows} ")), "{first}");
    act(&mut app, [Action::Command(Command::PageDown)]);
    let paged = screen(&app, 80, 24);
    assert!(paged.contains(&format!(" 20/{rows} ")), "{paged}");
    paged
}

#[test]
fn help_pages_down_with_a_position_zh_80x24() {
    let s = paged_help(Lang::Zh);
    insta::assert_snapshot!("help_paged_zh_80x24", s);
}

#[test]
fn help_pages_down_with_a_position_en_80x24() {
    let s = paged_help(Lang::En);
    insta::assert_snapshot!("help_paged_en_80x24", s);
}

#[test]
fn filter_prompt_shows_only_its_keys_zh_80x24() {
    let mut app = App::new(sample_data(12), Keymap::default_keymap(), Lang::Zh);
    act(&mut app, [Action::Command(Command::Filter)]);
    act(&mut app, "桥".chars().map(Action::Type));
    let s = screen(&app, 80, 24);
    let hints = s.lines().last().unwrap();
    assert!(!hints.contains("换行"), "no new line in a filter: {hints}");
    insta::assert_snapshot!("filter_prompt_zh_80x24", s);
}

#[test]
fn filter_prompt_shows_only_its_keys_en_80x24() {
    let mut app = App::new(sample_data(12), Keymap::default_keymap(), Lang::En);
    act(&mut app, [Action::Command(Command::Filter)]);
    act(&mut app, "quantum".chars().map(Action::Type));
    let s = screen(&app, 80, 24);
    let hints = s.lines().last().unwrap();
    assert!(
        !hints.contains("New line"),
        "no new line in a filter: {hints}"
    );
    insta::assert_snapshot!("filter_prompt_en_80x24", s);
}

#[test]
fn an_active_filter_shows_in_the_header_zh_80x24() {
    let mut app = App::new(sample_data(12), Keymap::default_keymap(), Lang::Zh);
    act(&mut app, [Action::Command(Command::Filter)]);
    act(&mut app, "桥".chars().map(Action::Type));
    act(&mut app, [Action::Command(Command::InputSubmit)]);
    let s = screen(&app, 80, 24);
    assert!(
        s.lines().next().unwrap().contains("筛选：桥（3/12）"),
        "{s}"
    );
    insta::assert_snapshot!("filter_header_zh_80x24", s);
    act(&mut app, [Action::Command(Command::ClearFilter)]);
    assert!(!screen(&app, 80, 24).contains("筛选：桥"));
}

#[test]
fn an_active_filter_shows_in_the_header_en_80x24() {
    let mut app = App::new(sample_data(12), Keymap::default_keymap(), Lang::En);
    act(&mut app, [Action::Command(Command::Filter)]);
    act(&mut app, "桥".chars().map(Action::Type));
    act(&mut app, [Action::Command(Command::InputSubmit)]);
    let s = screen(&app, 80, 24);
    assert!(
        s.lines().next().unwrap().contains("Filter: 桥 (3/12)"),
        "{s}"
    );
    insta::assert_snapshot!("filter_header_en_80x24", s);
}

#[test]
fn submit_dialog_lists_unscored_works_by_title_zh_80x24() {
    let mut app = scored_app(Lang::Zh);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Submit),
        ],
    );
    let s = screen(&app, 80, 24);
    assert!(s.contains("003 桥都匠心"), "{s}");
    assert!(s.contains("y 仍然提交"), "{s}");
    insta::assert_snapshot!("submit_zh_80x24", s);
}

/// After the receipt is closed: it stays in the header, and the hints offer reopening.
fn submitted(lang: Lang) -> String {
    let mut app = scored_app(lang);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Submit),
            Action::Command(Command::Confirm),
            Action::Command(Command::Confirm),
        ],
    );
    let s = screen(&app, 80, 24);
    assert!(
        s.lines().next().unwrap().contains(&app.data.receipt()),
        "{s}"
    );
    let hints = s.lines().last().unwrap();
    assert!(
        hints.contains(" o ") && !hints.contains(" s ") && !hints.contains(" S "),
        "{s}"
    );
    s
}

#[test]
fn submitted_keeps_the_receipt_and_offers_reopen_zh_80x24() {
    let s = submitted(Lang::Zh);
    assert!(s.lines().last().unwrap().contains("o 重新打开"), "{s}");
    insta::assert_snapshot!("submitted_zh_80x24", s);
}

#[test]
fn submitted_keeps_the_receipt_and_offers_reopen_en_80x24() {
    insta::assert_snapshot!("submitted_en_80x24", submitted(Lang::En));
}

fn quit_question(lang: Lang) -> String {
    let mut app = scored_app(lang);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Quit),
        ],
    );
    assert!(!app.quit);
    screen(&app, 80, 24)
}

#[test]
fn quitting_with_an_unsubmitted_ballot_asks_zh_80x24() {
    let s = quit_question(Lang::Zh);
    assert!(s.contains("选票尚未提交"), "{s}");
    insta::assert_snapshot!("quit_zh_80x24", s);
}

#[test]
fn quitting_with_an_unsubmitted_ballot_asks_en_80x24() {
    insta::assert_snapshot!("quit_en_80x24", quit_question(Lang::En));
}

#[test]
fn score_hints_at_80_columns_keep_back_in_both_languages() {
    for (lang, back) in [(Lang::Zh, "Esc 返回"), (Lang::En, "Esc Back")] {
        let app = scored_app(lang);
        let s = screen(&app, 80, 24);
        assert!(s.lines().last().unwrap().contains(back), "{s}");
    }
}

#[test]
fn the_comment_comes_before_the_standards_at_120x40() {
    let mut app = scored_app(Lang::Zh);
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::First),
        ],
    );
    let s = screen(&app, 120, 40);
    let comment = s.find("评语：画面清晰").expect("comment shown");
    let standard = s.find("紧扣活动主题").expect("standards shown");
    assert!(comment < standard, "{s}");
}

#[test]
fn ballot_details_zh_80x24() {
    let mut app = scored_app(Lang::Zh);
    app.on_synced("14:03:12".into(), Ok(9));
    act(
        &mut app,
        [
            Action::Command(Command::ScoreExit),
            Action::Command(Command::Details),
        ],
    );
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("版本：9") && s.contains("已同步 14:03:12（版本 9）"),
        "{s}"
    );
    insta::assert_snapshot!("details_zh_80x24", s);
}
