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
    Tab6 => "tab_6", NowShowing => "now_showing", FinalResults => "final_results",
    Show => "show", ClearShowing => "clear_showing",
}

/// One enum per input layer, each listing the commands that layer takes: the keymap accepts a
/// binding only where its layer's enum has the command, and each layer's `update` matches on
/// its own enum. (`Command` above is the shared vocabulary of names for keymap files.)
macro_rules! layer_commands {
    ($($(#[$doc:meta])* $name:ident { $($variant:ident),* $(,)? })*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum $name { $($variant),* }

            impl $name {
                /// The command as this layer's, if the layer takes it.
                pub fn of(c: Command) -> Option<$name> {
                    match c {
                        $(Command::$variant => Some($name::$variant),)*
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }

            impl From<$name> for Command {
                fn from(c: $name) -> Command {
                    match c { $($name::$variant => Command::$variant),* }
                }
            }
        )*
    };
}

layer_commands! {
    /// The judge's works list.
    ListCommand {
        Next, Prev, First, Last, PageDown, PageUp, NextUnscored, ClearFilter, Score, Comment,
        Recuse, Filter, Play, Pause, SeekBack, SeekForward, SeekBackLong, SeekForwardLong,
        Restart, SpeedUp, SpeedDown, VolumeUp, VolumeDown, Mute, Fullscreen, Stop, Submit,
        Reopen, Details, Help, Quit, NowShowing, FinalResults,
    }
    /// Score mode and the summary after the last criterion.
    ScoreCommand {
        ScoreConfirm, ScoreNext, ScorePrev, ScoreInc, ScoreDec, ScoreMax, ScoreClear, ScoreExit,
        Comment, Help, Pause, SeekBack, SeekForward, SeekBackLong, SeekForwardLong, Play, Stop,
    }
    /// A text input (comment, recusal reason, filter, the organizer's search).
    InputCommand { InputSubmit, InputNewline, InputCancel }
    /// A yes/no dialog.
    ConfirmCommand { Confirm, Accept, Cancel }
    /// The help screen of either app.
    HelpCommand { Close, Next, Prev, PageDown, PageUp, First, Last }
    /// The organizer's tabs.
    OrganizerCommand {
        Next, Prev, First, Last, PageDown, PageUp, TabNext, TabPrev, ScrollLeft, ScrollRight,
        CycleMethod, Refresh, Filter, ClearFilter, Sort, Help, Quit, Tab1, Tab2, Tab3, Tab4,
        Tab5, Tab6,
    }
    /// The room console (`jury room`).
    RoomCommand {
        Next, Prev, First, Last, PageDown, PageUp, Show, ClearShowing, Pause, Stop, Refresh,
        TabNext, Help, Quit,
    }
}

/// What the judge app's layers take, by layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JudgeCommand {
    List(ListCommand),
    Score(ScoreCommand),
    Input(InputCommand),
    Confirm(ConfirmCommand),
    Help(HelpCommand),
}

impl JudgeCommand {
    /// The command as `layer` of the judge app takes it, if it does.
    pub fn in_layer(layer: super::keymap::Layer, c: Command) -> Option<JudgeCommand> {
        use super::keymap::Layer;
        match layer {
            Layer::List => ListCommand::of(c).map(JudgeCommand::List),
            Layer::Score => ScoreCommand::of(c).map(JudgeCommand::Score),
            Layer::Input => InputCommand::of(c).map(JudgeCommand::Input),
            Layer::Confirm => ConfirmCommand::of(c).map(JudgeCommand::Confirm),
            Layer::Help => HelpCommand::of(c).map(JudgeCommand::Help),
            Layer::Organizer | Layer::Room => None,
        }
    }
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

/// An action as one layer takes it: that layer's own command, or text typed into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerAction<C> {
    Command(C),
    Type(char),
    Edit(Edit),
}

impl Action {
    /// The command, if `of` (a layer enum's `of`) says the layer takes it.
    pub fn command_in<C>(&self, of: impl Fn(Command) -> Option<C>) -> Option<C> {
        match self {
            Action::Command(c) => of(*c),
            _ => None,
        }
    }

    /// The action for a layer that takes text: typed text, or one of its commands.
    pub fn in_layer<C>(self, of: impl Fn(Command) -> Option<C>) -> Option<LayerAction<C>> {
        match self {
            Action::Command(c) => of(c).map(LayerAction::Command),
            Action::Type(c) => Some(LayerAction::Type(c)),
            Action::Edit(e) => Some(LayerAction::Edit(e)),
        }
    }
}
