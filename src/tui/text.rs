//! Text as the TUIs draw it. Ambiguous-width punctuation (“ ” ‘ ’ — – · …) is one cell in
//! most terminals and two in CJK-configured ones, so a title carrying it would push the
//! detail pane's `|` column right in some terminals and not others. Every string a TUI cell
//! shows goes through [`shown`], which swaps such marks for look-alikes of one fixed width,
//! and [`fit`] marks a cut with the one-cell ellipsis ⋯ (centred, as Chinese typesetting sets
//! its ellipsis, and of neutral width everywhere).

use std::borrow::Cow;

use jury_core::text::width;

/// The truncation mark: U+22EF has neutral East Asian width (U+2026 "…" is ambiguous).
pub const ELLIPSIS: char = '⋯';

/// The fixed-width stand-in for an ambiguous-width mark, if it has one.
fn stand_in(c: char) -> Option<&'static str> {
    Some(match c {
        '“' => "「",
        '”' => "」",
        '‘' => "『",
        '’' => "』",
        // One em dash is one full-width dash; "——" stays a two-dash line.
        '—' | '―' => "－",
        '–' => "-",
        '·' => "・",
        '…' => "⋯",
        '×' => "x",
        _ => return None,
    })
}

/// `s` with ambiguous-width punctuation replaced, so its display width is the same in every
/// terminal.
pub fn shown(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| stand_in(c).is_some()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match stand_in(c) {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` in exactly `max` cells: padded, or cut with "⋯" as its last visible cell (a wide
/// character that would straddle the edge gives way to a space).
pub fn fit(s: &str, max: usize) -> String {
    let s = shown(s);
    if width(&s) <= max {
        return jury_core::text::fit(&s, max);
    }
    if max == 0 {
        return String::new();
    }
    let budget = max - 1;
    let mut out = String::new();
    let mut used = 0;
    for c in jury_core::text::nfc(&s).chars() {
        let c = if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        };
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > budget {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push(ELLIPSIS);
    used += 1;
    out.push_str(&" ".repeat(max.saturating_sub(used)));
    out
}

/// `s` in exactly `max` cells keeping its end when it is too long: column headers of ids whose
/// end tells them apart (J001…J300 in a 3-cell matrix column read 001…300, not "J0⋯").
pub fn fit_tail(s: &str, max: usize) -> String {
    let s = shown(s);
    if width(&s) <= max {
        return fit(&s, max);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > max {
            break;
        }
        tail.push(c);
        used += w;
    }
    let kept: String = tail.into_iter().rev().collect();
    fit(&kept, max)
}

/// "label: value" with the UI language's colon ("评语：…", "Comment: …").
pub fn labelled(lang: crate::i18n::Lang, label: &str, value: impl std::fmt::Display) -> String {
    crate::tr!(lang, "tui.labelled", label = label, value = value)
}

/// Word-wrapped lines of `s` (see `jury_core::text::wrap_words`), ambiguous marks replaced.
pub fn wrap_words(s: &str, max: usize) -> Vec<String> {
    jury_core::text::wrap_words(&shown(s), max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthChar;

    #[test]
    fn a_cut_ends_in_an_ellipsis_and_keeps_the_width() {
        let cut = fit("稻田里的守望者：袁隆平团队的一天", 12);
        assert_eq!(width(&cut), 12);
        assert!(cut.trim_end().ends_with(ELLIPSIS), "{cut}");
        assert_eq!(fit("Quantum Dots", 8), "Quantum⋯");
        assert_eq!(fit("abc", 5), "abc  ");
    }

    #[test]
    fn no_ambiguous_width_character_survives_in_what_is_shown() {
        let title = "2023年“弘扬科学家精神”——桥都匠心‘一’·…";
        for text in [fit(title, 80), fit(title, 10), shown(title).into_owned()] {
            let bad: Vec<char> = text
                .chars()
                .filter(|c| c.width() != c.width_cjk())
                .collect();
            assert!(bad.is_empty(), "{text}: {bad:?}");
        }
        assert_eq!(shown("2023年“弘扬”"), "2023年「弘扬」");
        assert!(matches!(shown("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn an_id_too_long_for_its_column_keeps_its_end() {
        assert_eq!(fit_tail("J001", 3), "001");
        assert_eq!(fit_tail("J300", 3), "300");
        assert_eq!(fit_tail("J1", 3), "J1 ");
        // A wide character that would straddle the start gives way to a space.
        assert_eq!(fit_tail("评委甲", 3), "甲 ");
        assert_eq!(width(&fit_tail("专家评委", 5)), 5);
    }
}
