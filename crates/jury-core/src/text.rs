//! Display-width text helpers: CJK characters take two terminal cells, so every column in
//! jury is measured and cut with unicode-width, after NFC normalisation.

use unicode_normalization::UnicodeNormalization;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Cuts `s` to at most `max` cells, marking a cut with "..", and pads with spaces to exactly
/// `max` cells (so a wide character never straddles a column edge).
pub fn fit(s: &str, max: usize) -> String {
    let s = nfc(s);
    let s = s.replace(['\n', '\r', '\t'], " ");
    if width(&s) <= max {
        let pad = max - width(&s);
        return format!("{s}{}", " ".repeat(pad));
    }
    let marker = if max >= 3 { ".." } else { "" };
    let budget = max - width(marker);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > budget {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(marker);
    used += width(marker);
    out.push_str(&" ".repeat(max.saturating_sub(used)));
    out
}

/// Wraps text into lines of at most `max` cells, breaking anywhere (CJK has no spaces) and at
/// newlines. Returns at least one (possibly empty) line.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in s.chars() {
        if c == '\n' {
            lines.push(String::new());
            used = 0;
            continue;
        }
        let w = char_width(c);
        if used + w > max {
            lines.push(String::new());
            used = 0;
        }
        if let Some(last) = lines.last_mut() {
            last.push(c);
        }
        used += w;
    }
    lines
}

/// Row and cell column of the caret after `before` (the text left of the caret) when wrapped
/// like `wrap` — where the terminal cursor, and so the IME window, must go.
pub fn caret_position(before: &str, max: usize) -> (usize, usize) {
    let lines = wrap(before, max);
    let row = lines.len() - 1;
    let col = width(&lines[row]);
    if col >= max.max(2) {
        (row + 1, 0)
    } else {
        (row, col)
    }
}

/// "m:ss" for a millisecond duration.
pub fn clock(ms: u64) -> String {
    crate::text::format_clock(ms / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_measures_cjk_in_cells() {
        assert_eq!(fit("作品名称", 8), "作品名称");
        assert_eq!(width(&fit("作品名称很长很长", 8)), 8);
        assert_eq!(fit("作品名称很长很长", 8), "作品名..");
        // odd widths never split a wide character
        assert_eq!(fit("作品名称很长", 7), "作品.. ");
        assert_eq!(width(&fit("作品名称很长", 7)), 7);
        assert_eq!(fit("abc", 5), "abc  ");
    }

    #[test]
    fn fit_normalises_to_nfc() {
        // "é" as e + combining acute is one cell after NFC.
        assert_eq!(fit("e\u{301}", 1), "\u{e9}");
    }

    #[test]
    fn wrap_and_caret_agree() {
        let text = "评语很好abc";
        let lines = wrap(text, 6);
        assert_eq!(lines, ["评语很", "好abc"]);
        assert_eq!(caret_position("评语很", 6), (1, 0));
        assert_eq!(caret_position("评语很好a", 6), (1, 3));
        assert_eq!(caret_position("ab\ncd", 6), (1, 2));
    }

    #[test]
    fn clock_formats() {
        assert_eq!(clock(312_000), "5:12");
        assert_eq!(clock(3_723_000), "1:02:03");
    }
}

/// Like `wrap`, but keeps runs of non-CJK letters (words) together where they fit, for
/// English text. CJK characters may break anywhere, as in print.
pub fn wrap_words(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = vec![String::new()];
    let mut used = 0;
    let mut word = String::new();
    let flush = |lines: &mut Vec<String>, used: &mut usize, word: &mut String| {
        let w = width(word);
        if w == 0 {
            return;
        }
        if *used + w > max && *used > 0 {
            lines.push(String::new());
            *used = 0;
        }
        for piece in wrap(word, max) {
            if let Some(last) = lines.last_mut() {
                if !last.is_empty() && *used + width(&piece) > max {
                    lines.push(String::new());
                    *used = 0;
                }
            }
            if let Some(last) = lines.last_mut() {
                last.push_str(&piece);
            }
            *used += width(&piece);
        }
        word.clear();
    };
    for c in s.chars() {
        if c == '\n' {
            flush(&mut lines, &mut used, &mut word);
            lines.push(String::new());
            used = 0;
        } else if c.is_whitespace() || char_width(c) > 1 {
            flush(&mut lines, &mut used, &mut word);
            let w = char_width(c);
            if used + w > max {
                lines.push(String::new());
                used = 0;
            }
            if !(c.is_whitespace() && used == 0 && lines.len() > 1) {
                if let Some(last) = lines.last_mut() {
                    last.push(c);
                }
                used += w;
            }
        } else {
            word.push(c);
        }
    }
    flush(&mut lines, &mut used, &mut word);
    lines
}

#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn words_stay_whole_and_cjk_breaks_anywhere() {
        assert_eq!(
            wrap_words("the spirit of the times", 10),
            ["the spirit", "of the ", "times"]
        );
        assert_eq!(wrap_words("科学家精神", 6), ["科学家", "精神"]);
        assert_eq!(
            wrap_words("supercalifragilistic", 8),
            ["supercal", "ifragili", "stic"]
        );
        for line in wrap_words("画面清晰 Nice pacing, 配乐优美", 9) {
            assert!(width(&line) <= 9, "{line:?}");
        }
    }
}

/// Replaces the ambiguous-width punctuation that generated messages use (×, ·, –, …) with
/// ASCII, for text jury writes itself into tight columns; works' own titles are left alone.
pub fn plain_punctuation(s: &str) -> String {
    s.replace('×', "x")
        .replace('·', ",")
        .replace('–', "-")
        .replace('…', "...")
}

/// `text` on one line of at most `max_chars` characters: control characters become spaces and
/// a cut is marked with "...".
pub fn one_line(text: &str, max_chars: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max_chars)
        .collect();
    if text.chars().count() > max_chars {
        out.push_str("...");
    }
    out
}

/// `h:mm:ss` or `m:ss`.
pub fn format_clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Milliseconds to whole seconds, rounded to nearest.
pub fn round_seconds(ms: u64) -> u64 {
    ms.saturating_add(500) / 1000
}

/// Characters that must never reach a terminal as they are: C0 controls, DEL, C1 controls
/// (ESC and CSI start escape sequences that move the cursor, recolour or retitle the
/// terminal; BEL and BS fake or hide text) and the Unicode bidi overrides and isolates,
/// which reorder what a line appears to say.
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A title without the 《》 a form may already wrap it in, for messages that add their own
/// quotation marks (so "《《长江》》" never appears).
pub fn bare_title(title: &str) -> &str {
    let t = title.trim();
    match t.strip_prefix('《').and_then(|r| r.strip_suffix('》')) {
        Some(inner) if !inner.contains('《') && !inner.contains('》') => inner,
        _ => t,
    }
}

/// `text` from a file (form cell, file name, ballot comment, mpv metadata) made safe to print
/// or draw on one line: every unsafe character, newlines and tabs included, is shown as a
/// visible escape (`\n`, `\t`, `\x1b`, `\u{202e}`), so nothing is hidden and nothing acts.
pub fn safe_line(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unsafe(text, false)
}

/// As [`safe_line`], but line breaks are kept (multi-line comments); a carriage return is
/// still escaped, since it can overwrite the start of a line.
pub fn safe_text(text: &str) -> std::borrow::Cow<'_, str> {
    escape_unsafe(text, true)
}

fn escape_unsafe(text: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let acts = |c: char| is_unsafe_char(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !acts(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod safe_tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bidi_overrides_become_visible() {
        let hostile = "作品3 \u{1b}]0;pwned\u{7}\u{1b}[31mRED\u{202e}txt.exe\u{9b}";
        let safe = safe_line(hostile);
        assert_eq!(
            safe,
            "作品3 \\x1b]0;pwned\\x07\\x1b[31mRED\\u{202e}txt.exe\\x9b"
        );
        assert!(!safe.chars().any(is_unsafe_char));
    }

    #[test]
    fn plain_text_is_borrowed_and_newlines_follow_the_variant() {
        assert!(matches!(
            safe_line("稻田里的守望者"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(safe_line("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(safe_text("a\nb\rc"), "a\nb\\rc");
    }

    #[test]
    fn a_title_loses_only_its_own_book_marks() {
        assert_eq!(bare_title("《长江鲟的回家路》"), "长江鲟的回家路");
        assert_eq!(bare_title(" 长江 "), "长江");
        assert_eq!(bare_title("《上》与《下》"), "《上》与《下》");
    }
}
