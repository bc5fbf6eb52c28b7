//! The two languages of jury's users. Pure crates pick nothing by it except where a shipped
//! data file carries both texts (rubric labels, tier names); the app turns everything else
//! into words.

use serde::{Deserialize, Serialize};

/// Accessors for data types' text pairs (`label_zh` / `label_en` read from a contest or
/// rubric file, a keymap's descriptions):
/// `bilingual! { Round { label: label_zh / label_en } }` gives
/// `Round::label(&self, lang) -> &str`. The one place data texts meet a language.
#[macro_export]
macro_rules! bilingual {
    ($($ty:ty { $($name:ident: $zh:ident / $en:ident),+ $(,)? })+) => {
        $(
            impl $ty {
                $(
                    #[doc = concat!("`", stringify!($zh), "` or `", stringify!($en), "`, by language.")]
                    pub fn $name(&self, lang: $crate::lang::Lang) -> &str {
                        lang.pick(&self.$zh, &self.$en)
                    }
                )+
            }
        )+
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The language of the user's locale (LC_ALL, LC_MESSAGES, LANG), if it says one.
    pub fn from_locale() -> Option<Lang> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::from_locale_name(&v))
    }

    pub fn from_locale_name(name: &str) -> Option<Lang> {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::Zh)
        } else if lower == "c" || lower == "posix" || lower.starts_with("c.") {
            None
        } else {
            Some(Lang::En)
        }
    }

    /// Flag first, then locale, then the contest's own language.
    pub fn choose(flag: Option<Lang>, contest_default: Lang) -> Lang {
        flag.or_else(Lang::from_locale).unwrap_or(contest_default)
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (zh or en)")),
        }
    }
}
