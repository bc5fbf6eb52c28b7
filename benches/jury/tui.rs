//! Goal: update + render of one keypress on a ballot with 2,000 works ≤ 2 ms.

use criterion::{criterion_group, Criterion};
use jury::i18n::Lang;
use jury::tui::action::{Action, Command};
use jury::tui::{view, App, Keymap};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn keypress(c: &mut Criterion) {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut app = App::new(
            jury_core::sample::sample_data(2000),
            Keymap::default_keymap(),
            Lang::Zh,
        );
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        let mut down = true;
        c.bench_function(&format!("keypress_update_render_2000_works_{w}x{h}"), |b| {
            b.iter(|| {
                // Walk down and up the list so the selection keeps moving.
                if app.selected == 1999 {
                    down = false;
                } else if app.selected == 0 {
                    down = true;
                }
                let cmd = if down { Command::Next } else { Command::Prev };
                let effects = app.update(Action::Command(cmd));
                terminal.draw(|f| view::draw(f, &app)).unwrap();
                effects
            })
        });
    }
}

criterion_group!(benches, keypress);
