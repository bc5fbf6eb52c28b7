//! Languages and the translated strings of the interface. Every user-visible string of the
//! TUI is a `Msg`, so a missing translation is a compile error rather than an English island.

pub use jury_core::lang::Lang;

macro_rules! messages {
    ($($name:ident => $zh:literal, $en:literal;)*) => {
        /// A translatable interface string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub fn text(self, lang: Lang) -> &'static str {
                match self { $(Msg::$name => lang.pick($zh, $en)),* }
            }

            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];
        }
    };
}

messages! {
    AppName => "jury 评审", "jury";
    Judge => "评委", "Judge";
    Works => "作品", "Works";
    Number => "编号", "No.";
    Title => "作品名称", "Title";
    Unit => "创作单位", "Unit";
    District => "区县", "District";
    Status => "状态", "Stat";
    Total => "总分", "Total";
    Unscored => "未评", "todo";
    Partial => "部分", "part";
    Scored => "已评", "done";
    Recused => "回避", "rec.";
    Scoring => "评分", "Scoring";
    Criterion => "评选标准", "Criterion";
    Max => "满分", "Max";
    Score => "得分", "Score";
    Subtotal => "小计", "Subtotal";
    Comment => "评语", "Comment";
    NoComment => "（无评语）", "(no comment)";
    Media => "视频", "Video";
    MediaFile => "文件", "File";
    Compliance => "技术检查", "Compliance";
    NotProbed => "未检查", "not checked";
    Watched => "已看", "Watched";
    Seen => "已看", "Seen";
    Progress => "进度", "Progress";
    Filter => "筛选", "Filter";
    Help => "帮助", "Help";
    Saved => "已保存", "saved";
    Revision => "版本", "rev";
    Submitted => "已提交", "submitted";
    ReadOnly => "已提交，只读（按 o 重新打开）", "submitted, read-only (o reopens)";
    Receipt => "回执码", "Receipt";
    ReceiptNote => "请记下回执码，以便核对计分结果", "Note this receipt to check your ballot was counted as cast";
    KeyPrompt => "请输入评审密钥（见密钥卡）", "Enter the ballot key from your key card";
    KeyWrong => "密钥不正确，请核对密钥卡后重试", "Wrong key: check the key card and try again";
    Opening => "正在打开选票", "Opening ballot";
    ConfirmSubmit => "确认提交选票？", "Submit this ballot?";
    ConfirmSubmitUnscored => "以下作品尚未评完：", "These works are not fully scored:";
    ConfirmReopen => "重新打开已提交的选票？（版本号将增加）", "Reopen the submitted ballot? (raises the revision)";
    ConfirmYesNo => "y 确认 / n 取消", "y confirm / n cancel";
    RecuseReason => "回避理由（Enter 确认，Esc 取消）", "Reason for recusal (Enter confirms, Esc cancels)";
    CommentHint => "Enter 保存 / Alt+Enter 换行 / Esc 取消", "Enter saves / Alt+Enter newline / Esc cancels";
    OutOfRange => "超出范围", "out of range";
    NotANumber => "不是有效分数", "not a valid score";
    ScoreEdit => "打分模式", "score mode";
    Quit => "退出", "quit";
    NothingToFilter => "没有匹配的作品", "no works match";
    Playing => "播放中", "playing";
    Paused => "已暂停", "paused";
    HelpFilter => "输入以筛选", "type to filter";
    Layer => "模式", "Mode";
    Keys => "按键", "Keys";
    Action => "操作", "Action";
    ScoringBlockedRecused => "已回避的作品不能打分（按 r 取消回避）", "Recused work: unrecuse with r to score";
    WatchWarning => "观看比例低于要求", "watched less than the contest asks";
    SubmitTitle => "提交选票", "Submit ballot";
    ReopenTitle => "重新打开", "Reopen ballot";
    Unassigned => "无作品", "no works";
    Synced => "已同步", "synced";
    SyncFailed => "同步失败", "sync failed";
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
