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
    /// appears (typically `id = "…"`), or line 1.
    pub fn at_text(
        file: &str,
        text: &str,
        needle: &str,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        let line = text
            .find(needle)
            .map(|offset| line_of_offset(text, offset))
            .unwrap_or(1);
        Self::new(file, line, field, message)
    }
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
