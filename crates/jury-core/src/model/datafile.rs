//! Errors for TOML data files that name the file, line and field, so an organizer can fix a
//! contest or rubric without reading Rust.

use std::fmt;

/// A contest, rubric or keymap file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DataError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.is_empty() {
            return write!(f, "{}: {}", self.field, self.message);
        }
        write!(
            f,
            "{}:{}: field `{}`: {}",
            self.file, self.line, self.field, self.message
        )
    }
}

impl DataError {
    pub fn new(
        file: &str,
        line: usize,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_string(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }

    /// An error about a name given elsewhere (a rubric named in contest.toml, a template
    /// named on the command line); the file that names it places it (see
    /// [`DataError::is_unplaced`]).
    pub fn unplaced(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new("", 0, field, message)
    }

    pub fn is_unplaced(&self) -> bool {
        self.file.is_empty()
    }

    /// Turns a TOML/serde error into one naming the line and the offending key.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        let message = err.message().trim().to_string();
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        let line = line_of_offset(text, offset);
        let field = quoted_field(&message)
            .or_else(|| key_on_line(text, line))
            .unwrap_or_else(|| "?".to_string());
        Self::new(file, line, field, message)
    }

    /// For semantic errors found after parsing: points at the line where `needle` first
    /// appears outside a comment (typically `id = "…"`), or line 1.
    pub fn at_text(
        file: &str,
        text: &str,
        needle: &str,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        Self::at_nth_text(file, text, needle, 1, field, message)
    }

    /// As [`DataError::at_text`], at the `nth` (1-based) appearance: a value used twice is
    /// wrong where it comes the second time.
    pub fn at_nth_text(
        file: &str,
        text: &str,
        needle: &str,
        nth: usize,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        let line = text
            .lines()
            .enumerate()
            .filter(|(_, l)| without_comment(l).contains(needle))
            .nth(nth.saturating_sub(1))
            .map_or(1, |(i, _)| i + 1);
        Self::new(file, line, field, message)
    }
}

/// A TOML line without its comment: everything from a `#` outside a quoted string.
fn without_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => return &line[..i],
            _ => {}
        }
        escaped = false;
    }
    line
}

/// 1-based line number of a byte offset.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn quoted_field(message: &str) -> Option<String> {
    // serde phrases: "missing field `max`", "unknown field `maxx`, expected …"
    for marker in ["missing field `", "unknown field `", "duplicate key `"] {
        if let Some(start) = message.find(marker) {
            let rest = &message[start + marker.len()..];
            return rest.find('`').map(|end| rest[..end].to_string());
        }
    }
    None
}

fn key_on_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (key, _) = l.split_once('=')?;
    let key = key.trim();
    (!key.is_empty()).then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lookups_skip_comments_and_find_the_nth_use() {
        let text = "# the watched folder\nid = \"a\" # not \"b\"\nname = \"x#y\"\nid = \"a\"\n";
        assert_eq!(
            DataError::at_text("f", text, "wat", "k", "m").line,
            1,
            "not found: line 1"
        );
        assert_eq!(DataError::at_text("f", text, "\"b\"", "k", "m").line, 1);
        assert_eq!(DataError::at_text("f", text, "x#y", "k", "m").line, 3);
        assert_eq!(
            DataError::at_nth_text("f", text, "id = \"a\"", 2, "k", "m").line,
            4
        );
    }

    #[test]
    fn line_numbers_are_one_based() {
        assert_eq!(line_of_offset("a\nb\nc", 0), 1);
        assert_eq!(line_of_offset("a\nb\nc", 2), 2);
        assert_eq!(line_of_offset("a\nb\nc", 4), 3);
    }

    #[test]
    fn toml_type_error_names_line_and_key() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            name: String,
            max: u32,
        }
        let text = "name = \"x\"\nmax = \"thirty\"\n";
        let err = toml::from_str::<T>(text).unwrap_err();
        let e = DataError::from_toml("r.toml", text, &err);
        assert_eq!(e.line, 2);
        assert_eq!(e.field, "max");
        assert!(e.to_string().starts_with("r.toml:2: field `max`"), "{e}");
    }
}
