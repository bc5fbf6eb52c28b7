//! The i18n glue: every user-facing string lives in `locales/*.yml` (zh-CN and en side by
//! side, one key each), compiled into the binary by `rust-i18n`. Code names a string by its
//! key: [`tr!`](crate::tr) for text with `%{name}` placeholders, [`Msg`] for the TUI's fixed
//! words. Tests below check that both languages have the same keys and that every key the
//! code uses exists.
//!
//! Why rust-i18n: the strings are embedded at compile time (no files to ship or lose), the
//! YAML files are plain enough for a contest office to correct a word, and several files
//! merge, so each area of the app keeps its own (`tui.yml`, `cli.yml`, `report.yml`, …).

use std::fmt::Display;

pub use jury_core::lang::Lang;

/// The locale code of `lang` in `locales/`.
pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// The text of `key` in `lang`; the key itself if it is missing (the tests make sure none is).
pub fn text(lang: Lang, key: &'static str) -> &'static str {
    crate::_RUST_I18N_BACKEND
        .translate(code(lang), key)
        .unwrap_or(key)
}

/// The texts of `keys` in `lang`, in order: a table's column headings.
pub fn texts(lang: Lang, keys: &[&'static str]) -> Vec<String> {
    keys.iter().map(|k| text(lang, k).to_string()).collect()
}

/// `template` with each `%{name}` replaced by its value.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        let placeholder = format!("%{{{name}}}");
        if out.contains(&placeholder) {
            out = out.replace(&placeholder, &value.to_string());
        }
    }
    out
}

/// `tr!(lang, "key")` is the text of `key`; `tr!(lang, "key", name = value, …)` fills its
/// `%{name}` placeholders.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $key:literal) => {
        $crate::i18n::text($lang, $key)
    };
    ($lang:expr, $key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::fill(
            $crate::i18n::text($lang, $key),
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+],
        )
    };
}

macro_rules! messages {
    ($($name:ident => $key:literal;)*) => {
        /// A translatable interface string, by its key in `locales/`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub fn text(self, lang: Lang) -> &'static str {
                match self { $(Msg::$name => text(lang, $key)),* }
            }

            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];
        }
    };
}

messages! {
    AppName => "msg.app_name";
    Judge => "msg.judge";
    Works => "msg.works";
    Number => "msg.number";
    Title => "msg.title";
    Unit => "msg.unit";
    District => "msg.district";
    Status => "msg.status";
    Total => "msg.total";
    Unscored => "msg.unscored";
    Partial => "msg.partial";
    Scored => "msg.scored";
    Recused => "msg.recused";
    Scoring => "msg.scoring";
    Criterion => "msg.criterion";
    Max => "msg.max";
    Score => "msg.score";
    Subtotal => "msg.subtotal";
    Comment => "msg.comment";
    NoComment => "msg.no_comment";
    Media => "msg.media";
    MediaFile => "msg.media_file";
    Compliance => "msg.compliance";
    NotProbed => "msg.not_probed";
    Watched => "msg.watched";
    Seen => "msg.seen";
    Progress => "msg.progress";
    Filter => "msg.filter";
    Help => "msg.help";
    Saved => "msg.saved";
    Revision => "msg.revision";
    Submitted => "msg.submitted";
    ReadOnly => "msg.read_only";
    Receipt => "msg.receipt";
    ReceiptNote => "msg.receipt_note";
    KeyPrompt => "msg.key_prompt";
    KeyWrong => "msg.key_wrong";
    Opening => "msg.opening";
    ConfirmSubmit => "msg.confirm_submit";
    ConfirmSubmitUnscored => "msg.confirm_submit_unscored";
    ConfirmReopen => "msg.confirm_reopen";
    ConfirmYesNo => "msg.confirm_yes_no";
    RecuseReason => "msg.recuse_reason";
    CommentHint => "msg.comment_hint";
    OutOfRange => "msg.out_of_range";
    NotANumber => "msg.not_a_number";
    ScoreEdit => "msg.score_edit";
    Quit => "msg.quit";
    NothingToFilter => "msg.nothing_to_filter";
    Playing => "msg.playing";
    Paused => "msg.paused";
    HelpFilter => "msg.help_filter";
    Layer => "msg.layer";
    Keys => "msg.keys";
    Action => "msg.action";
    ScoringBlockedRecused => "msg.scoring_blocked_recused";
    WatchWarning => "msg.watch_warning";
    SubmitTitle => "msg.submit_title";
    ReopenTitle => "msg.reopen_title";
    Unassigned => "msg.unassigned";
    Synced => "msg.synced";
    SyncFailed => "msg.sync_failed";

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names_map_to_languages() {
        assert_eq!(Lang::from_locale_name("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_locale_name("en_GB.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale_name("C.UTF-8"), None);
        assert_eq!(Lang::from_locale_name("POSIX"), None);
    }

    #[test]
    fn every_message_is_translated_both_ways() {
        for m in Msg::ALL {
            assert!(
                !m.text(Lang::Zh).is_empty() && !m.text(Lang::En).is_empty(),
                "{m:?}"
            );
        }
        assert_ne!(Msg::Saved.text(Lang::Zh), Msg::Saved.text(Lang::En));
    }
}

#[cfg(test)]
mod locale_tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    /// Every key of every `locales/*.yml`, with the languages it has.
    fn locale_keys() -> BTreeMap<String, BTreeSet<String>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut current: Option<String> = None;
            for line in text.lines() {
                if line.starts_with('#') || line.trim().is_empty() || line.starts_with("_version") {
                    continue;
                }
                if !line.starts_with(' ') {
                    let key = line.trim_end_matches(':').trim_matches('"').to_string();
                    assert!(
                        !keys.contains_key(&key),
                        "{key} is defined twice ({})",
                        path.display()
                    );
                    keys.insert(key.clone(), BTreeSet::new());
                    current = Some(key);
                } else if let Some(key) = &current {
                    let lang = line.trim().split(':').next().unwrap().to_string();
                    keys.get_mut(key).unwrap().insert(lang);
                }
            }
        }
        keys
    }

    /// Every key named in the code: `tr!(lang, "key"…)` and `Msg` table entries.
    fn used_keys() -> BTreeSet<String> {
        let namespaces: BTreeSet<String> = locale_keys()
            .keys()
            .filter_map(|k| k.split('.').next().map(String::from))
            .collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = BTreeSet::new();
        let mut stack = vec![root.join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text: String = std::fs::read_to_string(&path)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                for (i, _) in text.match_indices("tr!(") {
                    let rest = &text[i + 4..];
                    let Some(comma) = rest.find(',') else {
                        continue;
                    };
                    let after = rest[comma + 1..].trim_start();
                    if let Some(key) = after.strip_prefix('"').and_then(|a| a.split('"').next()) {
                        used.insert(key.to_string());
                    }
                }
                for (i, _) in text.match_indices("=> \"msg.") {
                    let key = text[i + 4..].split('"').next().unwrap();
                    used.insert(key.to_string());
                }
                // Keys named as plain literals (heading lists, keys picked by a `match`).
                used.extend(
                    text.split('"')
                        .skip(1)
                        .step_by(2)
                        .filter(|lit| looks_like_key(lit, &namespaces))
                        .map(String::from),
                );
            }
        }
        used
    }

    /// A literal such as `report.col.place`: a namespace of the locale files, then at least two
    /// more dotted parts of lowercase words (so file names like `report.html` do not count).
    fn looks_like_key(lit: &str, namespaces: &BTreeSet<String>) -> bool {
        let parts: Vec<&str> = lit.split('.').collect();
        parts.len() >= 3
            && namespaces.contains(parts[0])
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            })
    }

    #[test]
    fn both_locales_have_every_key() {
        let keys = locale_keys();
        assert!(keys.len() > 50, "locales/ read: {} keys", keys.len());
        let both: BTreeSet<String> = ["en".to_string(), "zh-CN".to_string()].into();
        for (key, langs) in &keys {
            assert_eq!(langs, &both, "{key} must have exactly en and zh-CN");
        }
    }

    #[test]
    fn every_key_the_code_uses_exists() {
        let keys = locale_keys();
        let missing: Vec<String> = used_keys()
            .into_iter()
            .filter(|k| !keys.contains_key(k))
            .collect();
        assert!(
            missing.is_empty(),
            "keys used but not in locales/: {missing:?}"
        );
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(super::fill("第 %{n} 件", &[("n", &3)]), "第 3 件");
    }
}

#[cfg(test)]
mod width_tests {
    use super::*;
    use unicode_width::UnicodeWidthChar;

    /// Ambiguous-width characters (·, –, …, ①, ■) are one cell in some terminals and two in
    /// CJK ones; the interface's own strings must not use them.
    pub fn ambiguous(text: &str) -> Vec<char> {
        text.chars()
            .filter(|c| c.width() != c.width_cjk())
            .collect()
    }

    #[test]
    fn interface_strings_have_no_ambiguous_width_glyphs() {
        for m in Msg::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert_eq!(
                    ambiguous(m.text(lang)),
                    Vec::<char>::new(),
                    "{m:?} {lang:?}"
                );
            }
        }
        let keymap = crate::tui::Keymap::default_keymap();
        for layer in crate::tui::Layer::ALL {
            for b in keymap.bindings(layer) {
                assert!(
                    ambiguous(&b.desc_zh).is_empty() && ambiguous(&b.desc_en).is_empty(),
                    "{b:?}"
                );
            }
        }
    }
}
