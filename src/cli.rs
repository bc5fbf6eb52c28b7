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
    /// The organizer TUI: works, judges, the assignment matrix and live sync of ballots.
    Organize {
        /// Keymap preset: default or vim (your config-dir keymap.toml applies on top).
        #[arg(long, default_value = "default")]
        keymap: String,
        /// The round to show (default: the open one; a closed round as it closed).
        #[arg(long)]
        round: Option<String>,
    },
    /// Organizer commands (init, import, probe, assign, issue, …).
    #[command(flatten)]
    Organizer(crate::commands::cli::OrganizerCmd),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print jury's manual page (roff), e.g. `jury man > jury.1`.
    Man,
}

/// The language `--help` speaks: `--lang` if the arguments give it, else the locale's,
/// else English (the contest's own language is not known before the arguments are parsed).
pub fn help_lang(args: &[std::ffi::OsString]) -> Lang {
    let flag = args.iter().enumerate().find_map(|(i, a)| {
        let a = a.to_str()?;
        let value = match a.strip_prefix("--lang=") {
            Some(v) => v,
            None if a == "--lang" => args.get(i + 1)?.to_str()?,
            None => return None,
        };
        value.parse::<Lang>().ok()
    });
    flag.or_else(Lang::from_locale).unwrap_or(Lang::En)
}

/// jury's clap command with every subcommand's summary in `lang` (from locales/cli.yml).
pub fn localized_command(lang: Lang) -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command().about(crate::tr!(lang, "cli.about"));
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        if let Some(about) = subcommand_about(lang, &name) {
            cmd = cmd.mut_subcommand(&name, |s| s.about(about));
        }
    }
    cmd
}

fn subcommand_about(lang: Lang, name: &str) -> Option<&'static str> {
    Some(match name {
        "demo" => crate::tr!(lang, "cli.about.demo"),
        "judge" => crate::tr!(lang, "cli.about.judge"),
        "organize" => crate::tr!(lang, "cli.about.organize"),
        "init" => crate::tr!(lang, "cli.about.init"),
        "probe" => crate::tr!(lang, "cli.about.probe"),
        "import" => crate::tr!(lang, "cli.about.import"),
        "results" => crate::tr!(lang, "cli.about.results"),
        "certificates" => crate::tr!(lang, "report.about.certificates"),
        "sheets" => crate::tr!(lang, "report.about.sheets"),
        "assign" => crate::tr!(lang, "cli.about.assign"),
        "issue" => crate::tr!(lang, "cli.about.issue"),
        "merge" => crate::tr!(lang, "cli.about.merge"),
        "watch" => crate::tr!(lang, "cli.about.watch"),
        "log" => crate::tr!(lang, "cli.about.log"),
        "media" => crate::tr!(lang, "cli.about.media"),
        "export" => crate::tr!(lang, "cli.about.export"),
        "completions" => crate::tr!(lang, "cli.about.completions"),
        "man" => crate::tr!(lang, "cli.about.man"),
        "rounds" => crate::tr!(lang, "rounds.about.rounds"),
        "advance" => crate::tr!(lang, "rounds.about.advance"),
        "rule" => crate::tr!(lang, "rounds.about.rule"),
        "room" => crate::tr!(lang, "room.about"),
        "calibration" => crate::tr!(lang, "calibration.about"),
        "deliberate" => crate::tr!(lang, "deliberate.about"),
        "signoff" => crate::tr!(lang, "signoff.about"),
        _ => return None,
    })
}

#[cfg(test)]
mod help_tests {
    use super::*;

    #[test]
    fn every_subcommand_has_a_summary_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let cmd = localized_command(lang);
            for sub in cmd.get_subcommands() {
                let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
                assert!(
                    subcommand_about(lang, sub.get_name()).is_some(),
                    "{} has no summary in locales/cli.yml",
                    sub.get_name()
                );
                assert!(!about.is_empty(), "{}", sub.get_name());
            }
        }
        let zh = localized_command(Lang::Zh);
        let issue = zh.find_subcommand("issue").unwrap();
        assert_eq!(
            issue.get_about().unwrap().to_string(),
            "为每位评委生成一份加密选票和一张密钥卡"
        );
    }

    #[test]
    fn the_help_language_comes_from_the_flag_first() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            help_lang(&args(&["jury", "--lang", "zh", "--help"])),
            Lang::Zh
        );
        assert_eq!(help_lang(&args(&["jury", "--lang=en", "issue"])), Lang::En);
    }
}

/// The global flags, as subcommand handlers need them.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    pub lang: Option<Lang>,
    pub contest: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
}

/// Why a key given on the command line or in the environment cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: cannot read the key file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: the key file is empty")]
    Empty(PathBuf),
}

impl Globals {
    /// The key from --key-file or JURY_KEY, if either is given.
    pub fn key(&self) -> Result<Option<jury_store::BallotKey>, KeyError> {
        if let Some(path) = &self.key_file {
            let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
                path: path.clone(),
                source,
            })?;
            return jury_store::BallotKey::parse(&text)
                .map(Some)
                .ok_or_else(|| KeyError::Empty(path.clone()));
        }
        Ok(std::env::var("JURY_KEY")
            .ok()
            .and_then(|k| jury_store::BallotKey::parse(&k)))
    }
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

/// `--video-output`: where videos play (jury-media's [`jury_media::VideoOutput`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VideoOutputArg {
    #[value(help = "mpv's window when a display exists, else the terminal")]
    Auto,
    #[value(help = "mpv's own window (laptop screen or projector)")]
    Window,
    #[value(help = "drawn in this terminal; jury hands the screen to mpv while it plays")]
    Terminal,
    #[value(help = "sound only")]
    AudioOnly,
    #[value(help = "neither picture nor sound (headless use and tests)")]
    None,
}

impl From<VideoOutputArg> for jury_media::VideoOutput {
    fn from(arg: VideoOutputArg) -> Self {
        use jury_media::VideoOutput as V;
        match arg {
            VideoOutputArg::Auto => V::Auto,
            VideoOutputArg::Window => V::Window,
            VideoOutputArg::Terminal => V::Terminal,
            VideoOutputArg::AudioOnly => V::AudioOnly,
            VideoOutputArg::None => V::None,
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
    pub video_output: VideoOutputArg,
    /// Start videos in fullscreen (window output).
    #[arg(long)]
    pub fullscreen: bool,
    /// Screen for the video window, from 0 (e.g. the projector).
    #[arg(long)]
    pub screen: Option<u32>,
    /// Also keep an up-to-date encrypted copy of the ballot in this folder (shared folder or
    /// USB stick) for the organizer.
    #[arg(long)]
    pub sync_dir: Option<PathBuf>,
}

impl UiArgs {
    pub fn player_config(&self) -> jury_media::PlayerConfig {
        jury_media::PlayerConfig {
            output: self.video_output.into(),
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
            video_output: VideoOutputArg::Auto,
            fullscreen: false,
            screen: None,
            sync_dir: None,
        }
    }
}

/// The user's `config.toml` in jury's config folder (e.g. `~/.config/jury/config.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Default sync folder for `jury judge` when neither `--sync-dir` nor the ballot names one.
    pub sync_dir: Option<PathBuf>,
}

impl UserConfig {
    /// Where jury looks for config.toml and keymap.toml.
    pub fn dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "jury").map(|d| d.config_dir().to_path_buf())
    }

    /// Reads `config.toml` from `dir`; a missing file is the default, a malformed one an
    /// error naming the file, line and field.
    pub fn load(dir: Option<&std::path::Path>) -> Result<UserConfig, jury_core::model::DataError> {
        let Some(path) = dir.map(|d| d.join("config.toml")) else {
            return Ok(UserConfig::default());
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let file = path.display().to_string();
                toml::from_str(&text)
                    .map_err(|e| jury_core::model::DataError::from_toml(&file, &text, &e))
            }
            Err(_) => Ok(UserConfig::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_gives_a_sync_dir_and_names_bad_fields() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            UserConfig::load(Some(dir.path())).unwrap(),
            UserConfig::default()
        );
        std::fs::write(
            dir.path().join("config.toml"),
            "sync_dir = \"/mnt/share\"\n",
        )
        .unwrap();
        assert_eq!(
            UserConfig::load(Some(dir.path())).unwrap().sync_dir,
            Some(PathBuf::from("/mnt/share"))
        );
        std::fs::write(dir.path().join("config.toml"), "\nsync_folder = 3\n").unwrap();
        let err = UserConfig::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("config.toml:2"), "{err}");
    }
}
