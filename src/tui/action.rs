//! Everything a user can do, as data. Key events become `Action`s through the keymap; text
//! typed into an input layer arrives as `Type`/`Edit`.

macro_rules! bindable {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// An action that can be bound to a key in a keymap file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Command { $($variant),* }

        impl Command {
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name),* }
            }

            pub fn from_name(name: &str) -> Option<Command> {
                match name { $($name => Some(Command::$variant),)* _ => None }
            }
        }
    };
}

bindable! {
    Next => "next", Prev => "prev", First => "first", Last => "last",
    PageDown => "page_down", PageUp => "page_up", NextUnscored => "next_unscored",
    ClearFilter => "clear_filter", Score => "score", Comment => "comment", Recuse => "recuse", Filter => "filter",
    Play => "play", Pause => "pause", SeekBack => "seek_back", SeekForward => "seek_forward",
    SeekBackLong => "seek_back_long", SeekForwardLong => "seek_forward_long", Restart => "restart",
    SpeedUp => "speed_up", SpeedDown => "speed_down", VolumeUp => "volume_up",
    VolumeDown => "volume_down", Mute => "mute", Fullscreen => "fullscreen", Stop => "stop",
    Submit => "submit", Reopen => "reopen", Help => "help", Quit => "quit",
    ScoreConfirm => "score_confirm", ScoreNext => "score_next", ScorePrev => "score_prev",
    ScoreInc => "score_inc", ScoreDec => "score_dec", ScoreMax => "score_max",
    ScoreClear => "score_clear", ScoreExit => "score_exit",
    InputSubmit => "input_submit", InputNewline => "input_newline", InputCancel => "input_cancel",
    Confirm => "confirm", Accept => "accept", Cancel => "cancel", Close => "close",
    Details => "details", Sort => "sort",
    TabNext => "tab_next", TabPrev => "tab_prev", ScrollLeft => "scroll_left",
    ScrollRight => "scroll_right", CycleMethod => "cycle_method", Refresh => "refresh",
    Tab1 => "tab_1", Tab2 => "tab_2", Tab3 => "tab_3", Tab4 => "tab_4", Tab5 => "tab_5",
    Tab6 => "tab_6",
}

impl Command {
    /// The 0-based tab a `tab_N` command jumps to.
    pub fn tab_index(self) -> Option<usize> {
        use Command::*;
        match self {
            Tab1 => Some(0),
            Tab2 => Some(1),
            Tab3 => Some(2),
            Tab4 => Some(3),
            Tab5 => Some(4),
            Tab6 => Some(5),
            _ => None,
        }
    }
}

/// Caret movement and deletion inside a text input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Left,
    Right,
    Home,
    End,
    Backspace,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Command(Command),
    /// A character typed into an input, or a digit in score mode.
    Type(char),
    Edit(Edit),
}

impl From<Command> for Action {
    fn from(c: Command) -> Action {
        Action::Command(c)
    }
}
