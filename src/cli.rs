//! Command line: one subcommand per user task (see DESIGN.md, "Command line").

use clap::{Parser, Subcommand};
use std::path::PathBuf;

use crate::i18n::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "jury",
    version,
    about = "Expert judging panels for video competitions, from the terminal"
)]
pub struct Cli {
    /// Interface language (default: from the locale, else the contest's language).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// Contest folder (default: the current directory).
    #[arg(long, global = true)]
    pub contest: Option<PathBuf>,
    /// Read the key from this file instead of asking.
    #[arg(long, global = true)]
    pub key_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Build the demo contest and open the judge TUI on its ballot (the default command).
    Demo {
        /// Folder for the demo files (default: the user's data folder).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Start over: throw away the demo ballot's scores.
        #[arg(long)]
        fresh: bool,
        /// Only create the files and print where they are.
        #[arg(long)]
        no_tui: bool,
        #[command(flatten)]
        ui: UiArgs,
    },
    /// Open a ballot file in the judge TUI.
    Judge {
        /// The ballot file (<contest>-<judge>.ballot).
        ballot: PathBuf,
        /// Folder with the videos (default: next to the ballot, then the folder recorded in it).
        #[arg(long)]
        media: Vec<PathBuf>,
        #[command(flatten)]
        ui: UiArgs,
    },
    /// Organizer commands (init, import, probe, assign, issue, …).
    #[command(flatten)]
    Organizer(crate::organize::cli::OrganizerCmd),
}

/// The global flags, as subcommand handlers need them.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    pub lang: Option<Lang>,
    pub contest: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
}

impl Cli {
    pub fn globals(&self) -> Globals {
        Globals {
            lang: self.lang,
            contest: self.contest.clone(),
            key_file: self.key_file.clone(),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct UiArgs {
    /// Keymap preset: default or vim (your config-dir keymap.toml applies on top).
    #[arg(long, default_value = "default")]
    pub keymap: String,
    /// Where videos play: mpv's window if a display exists, else the terminal (auto).
    #[arg(long, value_enum, default_value = "auto")]
    pub video_output: crate::media::VideoOutput,
    /// Start videos in fullscreen (window output).
    #[arg(long)]
    pub fullscreen: bool,
    /// Screen for the video window, from 0 (e.g. the projector).
    #[arg(long)]
    pub screen: Option<u32>,
}

impl UiArgs {
    pub fn player_config(&self) -> crate::media::PlayerConfig {
        crate::media::PlayerConfig {
            output: self.video_output,
            fullscreen: self.fullscreen,
            screen: self.screen,
            ..Default::default()
        }
    }
}

impl Default for UiArgs {
    fn default() -> Self {
        UiArgs {
            keymap: "default".into(),
            video_output: crate::media::VideoOutput::Auto,
            fullscreen: false,
            screen: None,
        }
    }
}
