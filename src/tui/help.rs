//! The help overlay every jury TUI shows (judge, organizer, room console): each binding of
//! its layers as "layer | keys | what it does", paged with the selection kept in view and
//! "20/57" saying where it is. One drawing for all three, so they read alike.

use super::view::ASCII;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::action::HelpCommand;
use super::keymap::{Keymap, Layer};
use super::text::fit;
use crate::i18n::{Lang, Msg};

/// One help row: the layer, its keys, what the command does.
pub type HelpRow = (Layer, String, String);

/// The rows of `layers`' bindings, in keymap order.
pub fn binding_rows(keymap: &Keymap, layers: &[Layer], lang: Lang) -> Vec<HelpRow> {
    layers
        .iter()
        .flat_map(|&layer| {
            keymap
                .bindings(layer)
                .iter()
                .map(move |b| (layer, b.keys_label(), b.desc(lang).to_string()))
        })
        .collect()
}

/// Where the selection goes on `command` (none: a key of no help command, it stays) among
/// `rows` rows, `page` to a page; `None`: the overlay closes.
pub fn step(
    selected: usize,
    command: Option<HelpCommand>,
    rows: usize,
    page: usize,
) -> Option<usize> {
    let last = rows.saturating_sub(1);
    let Some(command) = command else {
        return Some(selected);
    };
    Some(match command {
        HelpCommand::Close => return None,
        HelpCommand::Next => (selected + 1).min(last),
        HelpCommand::Prev => selected.saturating_sub(1),
        HelpCommand::PageDown => (selected + page).min(last),
        HelpCommand::PageUp => selected.saturating_sub(page),
        HelpCommand::First => 0,
        HelpCommand::Last => last,
    })
}

/// An overlay's area: the screen inset by one cell on every side.
pub fn inset(full: Rect) -> Rect {
    Rect {
        x: full.x + 1,
        y: full.y + 1,
        width: full.width.saturating_sub(2),
        height: full.height.saturating_sub(2),
    }
}

/// Draws the overlay titled `title` over the whole screen: `rows` from `top` (moved so that
/// `selected` shows), `selected` reversed.
pub fn draw(
    frame: &mut Frame,
    title: &str,
    rows: &[HelpRow],
    selected: usize,
    top: usize,
    lang: Lang,
) {
    let area = inset(frame.area());
    frame.render_widget(Clear, area);
    let position = format!(" {}/{} ", (selected + 1).min(rows.len()), rows.len());
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(ASCII)
        .title(format!(" {title} "))
        .title_style(bold)
        .title_bottom(Line::from(position).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (layer_w, keys_w) = (12, 16);
    let desc_w = (inner.width as usize).saturating_sub(layer_w + keys_w + 2);
    let row = |a: &str, b: &str, c: &str| {
        format!("{} {} {}", fit(a, layer_w), fit(b, keys_w), fit(c, desc_w))
    };
    let height = inner.height.saturating_sub(1) as usize;
    let top = super::view::keep_visible(top, selected, height, rows.len());
    let mut lines = vec![Line::styled(
        row(
            Msg::Layer.text(lang),
            Msg::Keys.text(lang),
            Msg::Action.text(lang),
        ),
        bold.add_modifier(Modifier::UNDERLINED),
    )];
    for (i, (layer, keys, desc)) in rows.iter().enumerate().skip(top).take(height) {
        let style = if i == selected {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        lines.push(Line::styled(row(layer.label(lang), keys, desc), style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
