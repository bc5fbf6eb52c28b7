//! Keymaps as data: keymaps/default.toml is compiled in; a user file from the config dir
//! overrides only the keys it lists. Errors name the file and line of the bad binding.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use toml::Spanned;

use super::action::{Action, Command, Edit};
use crate::i18n::Lang;
use jury_core::model::datafile::line_of_offset;
use jury_core::model::DataError;

/// A keymap file that cannot be used: which file, which line, and why, in the UI language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub message: String,
    lang: Lang,
}

impl std::fmt::Display for KeymapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::tr!(
            self.lang,
            "keymap.error",
            file = self.file,
            line = self.line,
            why = self.message
        ))
    }
}

impl std::error::Error for KeymapError {}

impl KeymapError {
    fn new(lang: Lang, file: &str, line: usize, message: impl Into<String>) -> KeymapError {
        KeymapError {
            file: file.to_string(),
            line,
            message: message.into(),
            lang,
        }
    }

    /// A TOML syntax error, located by the parser (its reason stays the parser's).
    fn from_toml(lang: Lang, file: &str, text: &str, e: &toml::de::Error) -> KeymapError {
        let d = DataError::from_toml(file, text, e);
        KeymapError::new(
            lang,
            file,
            d.line,
            crate::tr!(lang, "keymap.bad_toml", why = d.message),
        )
    }
}

pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");
pub const VIM_KEYMAP: &str = include_str!("../../keymaps/vim.toml");

/// Input layers, each with its own bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    List,
    Score,
    Input,
    Confirm,
    Help,
    /// The organizer TUI's tabs.
    Organizer,
    /// The room console (`jury room`).
    Room,
}

impl Layer {
    pub const ALL: [Layer; 7] = [
        Layer::List,
        Layer::Score,
        Layer::Input,
        Layer::Confirm,
        Layer::Help,
        Layer::Organizer,
        Layer::Room,
    ];

    /// The judge TUI's layers (its help lists these).
    pub const JUDGE: [Layer; 5] = [
        Layer::List,
        Layer::Score,
        Layer::Input,
        Layer::Confirm,
        Layer::Help,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Layer::List => "list",
            Layer::Score => "score",
            Layer::Input => "input",
            Layer::Confirm => "confirm",
            Layer::Help => "help",
            Layer::Organizer => "organizer",
            Layer::Room => "room",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Layer::List => crate::tr!(lang, "keymap.layer.list"),
            Layer::Score => crate::tr!(lang, "keymap.layer.score"),
            Layer::Input => crate::tr!(lang, "keymap.layer.input"),
            Layer::Confirm => crate::tr!(lang, "keymap.layer.confirm"),
            Layer::Help => crate::tr!(lang, "keymap.layer.help"),
            Layer::Organizer => crate::tr!(lang, "keymap.layer.organizer"),
            Layer::Room => crate::tr!(lang, "console.layer"),
        }
    }

    /// Whether this layer takes the command: its layer enum has it (see `action`).
    fn allows(self, c: Command) -> bool {
        use super::action::*;
        match self {
            Layer::List => ListCommand::of(c).is_some(),
            Layer::Score => ScoreCommand::of(c).is_some(),
            Layer::Input => InputCommand::of(c).is_some(),
            Layer::Confirm => ConfirmCommand::of(c).is_some(),
            Layer::Help => HelpCommand::of(c).is_some(),
            Layer::Organizer => OrganizerCommand::of(c).is_some(),
            Layer::Room => RoomCommand::of(c).is_some(),
        }
    }
}

/// A key with its modifiers, normalised (Shift folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Chord {
    pub fn from_event(ev: KeyEvent) -> Chord {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Chord { code, mods }
    }

    /// Parses "j", "<Down>", "<C-d>", "<A-Enter>", "<S-Tab>".
    pub fn parse(text: &str) -> Option<Chord> {
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Some(Chord {
                code: KeyCode::Char(c),
                mods: KeyModifiers::NONE,
            });
        }
        let inner = text.strip_prefix('<')?.strip_suffix('>')?;
        let mut mods = KeyModifiers::NONE;
        let mut rest = inner;
        while rest.len() > 2 && rest.as_bytes()[1] == b'-' {
            match &rest[..1] {
                "C" => mods |= KeyModifiers::CONTROL,
                "A" => mods |= KeyModifiers::ALT,
                "S" => mods |= KeyModifiers::SHIFT,
                _ => return None,
            }
            rest = &rest[2..];
        }
        let code = match rest {
            "Up" => KeyCode::Up,
            "Down" => KeyCode::Down,
            "Left" => KeyCode::Left,
            "Right" => KeyCode::Right,
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "Tab" => KeyCode::Tab,
            "BackTab" => KeyCode::BackTab,
            "Backspace" => KeyCode::Backspace,
            "Delete" => KeyCode::Delete,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "PageUp" => KeyCode::PageUp,
            "PageDown" => KeyCode::PageDown,
            "Space" => KeyCode::Char(' '),
            "lt" => KeyCode::Char('<'),
            f if f.starts_with('F') => {
                KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
            }
            single => {
                let mut cs = single.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return None,
                }
            }
        };
        if let KeyCode::Char(_) = code {
            mods.remove(KeyModifiers::SHIFT);
        }
        Some(Chord { code, mods })
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.is_empty() => return write!(f, "{c}"),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            _ => "?".into(),
        };
        let mut prefix = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            prefix.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            prefix.push_str("A-");
        }
        write!(f, "{prefix}{name}")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<Chord>,
    pub command: Command,
    pub desc_zh: String,
    pub desc_en: String,
}

jury_core::bilingual! {
    Binding { desc: desc_zh / desc_en }
}

impl Binding {
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    layers: HashMap<Layer, Vec<Binding>>,
    index: HashMap<(Layer, Chord), Command>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    list: Option<RawLayer>,
    score: Option<RawLayer>,
    input: Option<RawLayer>,
    confirm: Option<RawLayer>,
    help: Option<RawLayer>,
    organizer: Option<RawLayer>,
    room: Option<RawLayer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    keymap: Vec<Spanned<RawBinding>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    on: Vec<String>,
    run: String,
    desc_zh: Option<String>,
    desc_en: Option<String>,
}

impl Keymap {
    /// The shipped default keymap.
    pub fn default_keymap() -> Keymap {
        let mut k = Keymap::default();
        // The default file is part of the binary and covered by tests.
        k.apply(Lang::En, "keymaps/default.toml", DEFAULT_KEYMAP)
            .expect("shipped default keymap is valid");
        k
    }

    /// The default plus a named preset ("default" or "vim"); errors in `lang`.
    pub fn preset(lang: Lang, name: &str) -> Result<Keymap, KeymapError> {
        let mut k = Keymap::default_keymap();
        match name {
            "default" => {}
            "vim" => k.apply(lang, "keymaps/vim.toml", VIM_KEYMAP)?,
            other => {
                return Err(KeymapError::new(
                    lang,
                    "--keymap",
                    1,
                    crate::tr!(lang, "keymap.no_preset", name = other),
                ))
            }
        }
        Ok(k)
    }

    /// The preset, then the user's keymap.toml from the config dir (if any); errors in the
    /// UI language (`lang`, else the locale's).
    pub fn load(preset: &str, lang: Option<Lang>) -> Result<Keymap, KeymapError> {
        let lang = lang.or_else(Lang::from_locale).unwrap_or(Lang::Zh);
        let mut keymap = Keymap::preset(lang, preset)?;
        if let Some(dir) = crate::cli::UserConfig::dir() {
            let path = dir.join("keymap.toml");
            if let Ok(text) = std::fs::read_to_string(&path) {
                keymap.apply(lang, &path.display().to_string(), &text)?;
            }
        }
        Ok(keymap)
    }

    /// Applies a keymap file on top: each listed key is taken from whatever it did before.
    /// Errors name the file and line and say why in `lang`; a failed file changes nothing.
    pub fn apply(&mut self, lang: Lang, file: &str, text: &str) -> Result<(), KeymapError> {
        let raw: RawFile =
            toml::from_str(text).map_err(|e| KeymapError::from_toml(lang, file, text, &e))?;
        let layers = [
            (Layer::List, raw.list),
            (Layer::Score, raw.score),
            (Layer::Input, raw.input),
            (Layer::Confirm, raw.confirm),
            (Layer::Help, raw.help),
            (Layer::Organizer, raw.organizer),
            (Layer::Room, raw.room),
        ];
        let mut staged: Vec<(Layer, Binding)> = Vec::new();
        for (layer, raw_layer) in layers {
            let Some(raw_layer) = raw_layer else { continue };
            let mut seen: HashMap<Chord, usize> = HashMap::new();
            for entry in raw_layer.keymap {
                let line = line_of_offset(text, entry.span().start);
                let b = entry.into_inner();
                let err = |message: String| KeymapError::new(lang, file, line, message);
                let layer_name = layer.name();
                let command = Command::from_name(&b.run).ok_or_else(|| {
                    err(crate::tr!(
                        lang,
                        "keymap.unknown_action",
                        action = b.run,
                        layer = layer_name
                    ))
                })?;
                if !layer.allows(command) {
                    return Err(err(crate::tr!(
                        lang,
                        "keymap.wrong_layer",
                        action = b.run,
                        layer = layer_name
                    )));
                }
                if b.on.is_empty() {
                    return Err(err(crate::tr!(lang, "keymap.no_keys", layer = layer_name)));
                }
                let mut keys = Vec::new();
                for key in &b.on {
                    let chord = Chord::parse(key)
                        .ok_or_else(|| err(crate::tr!(lang, "keymap.unknown_key", key = key)))?;
                    if layer == Layer::Score
                        && matches!(chord.code, KeyCode::Char(c) if c.is_ascii_digit() || c == '.')
                        && chord.mods.is_empty()
                    {
                        return Err(err(crate::tr!(lang, "keymap.digit", key = key)));
                    }
                    if let Some(first) = seen.insert(chord, line) {
                        return Err(err(crate::tr!(
                            lang,
                            "keymap.twice",
                            key = key,
                            first = first
                        )));
                    }
                    keys.push(chord);
                }
                staged.push((
                    layer,
                    Binding {
                        keys,
                        command,
                        desc_zh: b.desc_zh.unwrap_or_else(|| b.run.clone()),
                        desc_en: b.desc_en.unwrap_or_else(|| b.run.clone()),
                    },
                ));
            }
        }
        for (layer, binding) in staged {
            let list = self.layers.entry(layer).or_default();
            for b in list.iter_mut() {
                b.keys.retain(|k| !binding.keys.contains(k));
            }
            list.retain(|b| !b.keys.is_empty());
            list.push(binding);
        }
        self.reindex();
        Ok(())
    }

    fn reindex(&mut self) {
        self.index.clear();
        for (layer, bindings) in &self.layers {
            for b in bindings {
                for k in &b.keys {
                    self.index.insert((*layer, *k), b.command);
                }
            }
        }
    }

    pub fn command(&self, layer: Layer, chord: Chord) -> Option<Command> {
        self.index.get(&(layer, chord)).copied()
    }

    /// Key event → action for a layer. Unbound printable keys become typed text in layers
    /// that take text; digits become score input only in the score layer.
    pub fn resolve(&self, layer: Layer, ev: KeyEvent) -> Option<Action> {
        let chord = Chord::from_event(ev);
        if let Some(c) = self.command(layer, chord) {
            return Some(Action::Command(c));
        }
        let plain = !chord
            .mods
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let edit = match chord.code {
            KeyCode::Left => Some(Edit::Left),
            KeyCode::Right => Some(Edit::Right),
            KeyCode::Home => Some(Edit::Home),
            KeyCode::End => Some(Edit::End),
            KeyCode::Backspace => Some(Edit::Backspace),
            KeyCode::Delete => Some(Edit::Delete),
            _ => None,
        };
        match (layer, chord.code) {
            (Layer::Input | Layer::Help, KeyCode::Char(c)) if plain => Some(Action::Type(c)),
            (Layer::Input | Layer::Help, _) => edit.map(Action::Edit),
            (Layer::Score, KeyCode::Char(c)) if plain && (c.is_ascii_digit() || c == '.') => {
                Some(Action::Type(c))
            }
            _ => None,
        }
    }

    pub fn bindings(&self, layer: Layer) -> &[Binding] {
        self.layers.get(&layer).map(Vec::as_slice).unwrap_or(&[])
    }

    /// First key bound to a command in a layer, for hints ("s 打分").
    pub fn key_for(&self, layer: Layer, command: Command) -> Option<Chord> {
        self.bindings(layer)
            .iter()
            .find(|b| b.command == command)
            .and_then(|b| b.keys.first().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn default_binds_arrows_and_vim_keys() {
        let k = Keymap::default_keymap();
        assert_eq!(
            k.resolve(Layer::List, key(KeyCode::Char('j'))),
            Some(Command::Next.into())
        );
        assert_eq!(
            k.resolve(Layer::List, key(KeyCode::Down)),
            Some(Command::Next.into())
        );
        assert_eq!(
            k.resolve(
                Layer::List,
                KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Command::Last.into())
        );
        assert_eq!(
            k.resolve(
                Layer::Score,
                KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)
            ),
            Some(Command::ScorePrev.into())
        );
    }

    #[test]
    fn digits_are_scores_only_in_score_mode() {
        let k = Keymap::default_keymap();
        assert_eq!(k.resolve(Layer::List, key(KeyCode::Char('7'))), None);
        assert_eq!(
            k.resolve(Layer::Score, key(KeyCode::Char('7'))),
            Some(Action::Type('7'))
        );
        assert_eq!(
            k.resolve(Layer::Input, key(KeyCode::Char('7'))),
            Some(Action::Type('7'))
        );
    }

    #[test]
    fn user_file_overrides_only_listed_keys() {
        let mut k = Keymap::default_keymap();
        k.apply(
            Lang::En,
            "user.toml",
            "[list]\nkeymap = [ { on = [\"j\"], run = \"quit\" } ]\n",
        )
        .unwrap();
        assert_eq!(
            k.resolve(Layer::List, key(KeyCode::Char('j'))),
            Some(Command::Quit.into())
        );
        assert_eq!(
            k.resolve(Layer::List, key(KeyCode::Down)),
            Some(Command::Next.into())
        );
        assert_eq!(
            k.resolve(Layer::List, key(KeyCode::Char('k'))),
            Some(Command::Prev.into())
        );
    }

    #[test]
    fn vim_preset_loads() {
        let k = Keymap::preset(Lang::En, "vim").unwrap();
        assert_eq!(
            k.resolve(Layer::List, key(KeyCode::Char('i'))),
            Some(Command::Score.into())
        );
        assert!(Keymap::preset(Lang::En, "emacs").is_err());
    }

    #[test]
    fn errors_name_file_and_line() {
        let mut k = Keymap::default_keymap();
        let text = "[list]\nkeymap = [\n  { on = [\"j\"], run = \"next\" },\n  { on = [\"x\"], run = \"fly\" },\n]\n";
        let e = k.apply(Lang::En, "user.toml", text).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("user.toml", 4));
        assert!(e.message.contains("fly"));

        let text = "[list]\nkeymap = [\n  { on = [\"j\"], run = \"next\" },\n  { on = [\"j\"], run = \"prev\" },\n]\n";
        let e = k.apply(Lang::En, "user.toml", text).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("line 3"), "{e}");

        let e = k
            .apply(
                Lang::En,
                "user.toml",
                "[score]\nkeymap = [ { on = [\"5\"], run = \"score_max\" } ]\n",
            )
            .unwrap_err();
        assert!(e.message.contains("types scores"), "{e}");

        let e = k
            .apply(
                Lang::En,
                "user.toml",
                "[list]\nkeymap = [ { on = [\"<Hyper-x>\"], run = \"next\" } ]\n",
            )
            .unwrap_err();
        assert!(e.message.contains("unknown key"), "{e}");
        // A failed file changes nothing.
        assert_eq!(
            k.resolve(Layer::List, key(KeyCode::Char('j'))),
            Some(Command::Next.into())
        );
    }

    #[test]
    fn keymap_errors_speak_the_ui_language() {
        let mut k = Keymap::default_keymap();
        let text = "[list]\nkeymap = [\n  { on = [\"x\"], run = \"score_max\" },\n]\n";
        let e = k
            .apply(Lang::Zh, "user.toml", text)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "user.toml 第 3 行：操作 `score_max` 不属于 [list] 层");
        let e = k
            .apply(Lang::En, "user.toml", text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "user.toml:3: action `score_max` does not belong in layer [list]"
        );
        let e = Keymap::preset(Lang::Zh, "emacs").unwrap_err().to_string();
        assert!(e.contains("没有名为 `emacs` 的预设"), "{e}");
    }

    #[test]
    fn each_layer_takes_only_its_own_commands() {
        use crate::tui::action::*;
        assert!(Layer::Organizer.allows(Command::Sort));
        assert!(!Layer::List.allows(Command::Sort));
        assert!(Layer::Score.allows(Command::Comment));
        assert!(!Layer::Score.allows(Command::Submit));
        assert!(!Layer::Confirm.allows(Command::Quit));
        assert_eq!(
            JudgeCommand::in_layer(Layer::Help, Command::PageDown),
            Some(JudgeCommand::Help(HelpCommand::PageDown))
        );
        assert_eq!(
            JudgeCommand::in_layer(Layer::Organizer, Command::Next),
            None
        );
    }

    #[test]
    fn chords_round_trip_through_names() {
        for name in [
            "j",
            "<Down>",
            "<C-d>",
            "<A-Enter>",
            "<BackTab>",
            "<F1>",
            "<Space>",
        ] {
            assert!(Chord::parse(name).is_some(), "{name}");
        }
        assert_eq!(Chord::parse("<C-d>").unwrap().to_string(), "C-d");
        assert_eq!(Chord::parse("<S-Tab>").unwrap().code, KeyCode::BackTab);
    }
}
