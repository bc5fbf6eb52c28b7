//! A small text input: a caret over characters, enough for comments, recusal reasons, the
//! filter and the key prompt. Chinese arrives from the IME as ordinary characters.

use super::action::Edit;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Editor {
    chars: Vec<char>,
    caret: usize,
    /// Shows '*' instead of the text (the key prompt).
    pub masked: bool,
    pub multiline: bool,
}

impl Editor {
    pub fn new(text: &str) -> Editor {
        let chars: Vec<char> = text.chars().collect();
        Editor {
            caret: chars.len(),
            chars,
            masked: false,
            multiline: false,
        }
    }

    pub fn multiline(text: &str) -> Editor {
        Editor {
            multiline: true,
            ..Editor::new(text)
        }
    }

    pub fn masked() -> Editor {
        Editor {
            masked: true,
            ..Editor::default()
        }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// What the screen shows (masked or not).
    pub fn shown(&self) -> String {
        if self.masked {
            "*".repeat(self.chars.len())
        } else {
            self.text()
        }
    }

    /// The shown text left of the caret, to place the terminal cursor.
    pub fn shown_before_caret(&self) -> String {
        if self.masked {
            "*".repeat(self.caret)
        } else {
            self.chars[..self.caret].iter().collect()
        }
    }

    pub fn insert(&mut self, c: char) {
        if c == '\n' && !self.multiline {
            return;
        }
        self.chars.insert(self.caret, c);
        self.caret += 1;
    }

    pub fn edit(&mut self, e: Edit) {
        match e {
            Edit::Left => self.caret = self.caret.saturating_sub(1),
            Edit::Right => self.caret = (self.caret + 1).min(self.chars.len()),
            Edit::Home => self.caret = 0,
            Edit::End => self.caret = self.chars.len(),
            Edit::Backspace if self.caret > 0 => {
                self.caret -= 1;
                self.chars.remove(self.caret);
            }
            Edit::Delete if self.caret < self.chars.len() => {
                self.chars.remove(self.caret);
            }
            Edit::Backspace | Edit::Delete => {}
        }
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_at_the_caret() {
        let mut e = Editor::new("评语");
        e.edit(Edit::Left);
        e.insert('很');
        assert_eq!(e.text(), "评很语");
        assert_eq!(e.shown_before_caret(), "评很");
        e.edit(Edit::Home);
        e.edit(Edit::Delete);
        assert_eq!(e.text(), "很语");
        e.edit(Edit::End);
        e.edit(Edit::Backspace);
        assert_eq!(e.text(), "很");
        e.insert('\n');
        assert_eq!(e.text(), "很", "single-line editors drop newlines");
    }

    #[test]
    fn masked_editor_hides_text() {
        let mut e = Editor::masked();
        for c in "SECRET".chars() {
            e.insert(c);
        }
        assert_eq!(e.shown(), "******");
        assert_eq!(e.text(), "SECRET");
    }
}
