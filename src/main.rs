//! The `jury` binary: parse the command line, call the library, map errors to exit codes
//! (0 ok, 1 user-facing error, 2 bad usage — clap's own).

use anyhow::{Context, Result};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jury::cli::{Cli, Cmd, UiArgs};
use jury::store::BallotKey;
use jury::tui::keymap::Keymap;
use jury::tui::run::{run_judge, JudgeOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jury: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// The key from --key-file or JURY_KEY, if given.
fn key_from(cli_key_file: Option<&Path>) -> Result<Option<BallotKey>> {
    if let Some(path) = cli_key_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the key file", path.display()))?;
        return BallotKey::parse(&text)
            .map(Some)
            .with_context(|| format!("{}: the key file is empty", path.display()));
    }
    Ok(std::env::var("JURY_KEY")
        .ok()
        .and_then(|k| BallotKey::parse(&k)))
}

/// Preset, then the user's keymap.toml from the config dir (if any).
fn load_keymap(ui: &UiArgs) -> Result<Keymap> {
    let mut keymap = Keymap::preset(&ui.keymap)?;
    if let Some(dirs) = directories::ProjectDirs::from("", "", "jury") {
        let path = dirs.config_dir().join("keymap.toml");
        if let Ok(text) = std::fs::read_to_string(&path) {
            keymap.apply(&path.display().to_string(), &text)?;
        }
    }
    Ok(keymap)
}

fn run(cli: Cli) -> Result<()> {
    let globals = cli.globals();
    let command = cli.command.unwrap_or(Cmd::Demo {
        dir: None,
        fresh: false,
        no_tui: false,
        ui: UiArgs::default(),
    });
    match command {
        Cmd::Demo {
            dir,
            fresh,
            no_tui,
            ui,
        } => {
            let keymap = load_keymap(&ui)?;
            let dir = dir.unwrap_or_else(jury::demo::default_dir);
            let ballot = jury::demo::ensure(&dir, fresh)?;
            if no_tui {
                println!("{}", ballot.display());
                println!("key: {}", jury::demo::DEMO_KEY);
                return Ok(());
            }
            let key = key_from(cli.key_file.as_deref())?.or_else(|| Some(jury::demo::demo_key()));
            run_judge(JudgeOptions {
                ballot,
                key,
                lang: cli.lang,
                keymap,
                media_dirs: vec![dir],
                player: ui.player_config(),
            })
        }
        Cmd::Judge { ballot, media, ui } => {
            if !ballot.exists() {
                anyhow::bail!(
                    "{}: no such ballot file (check the path on your key card)",
                    ballot.display()
                );
            }
            let key = key_from(cli.key_file.as_deref())?;
            let keymap = load_keymap(&ui)?;
            let mut media_dirs: Vec<PathBuf> = media;
            if let Some(parent) = ballot.parent() {
                media_dirs.push(parent.to_path_buf());
            }
            run_judge(JudgeOptions {
                ballot,
                key,
                lang: cli.lang,
                keymap,
                media_dirs,
                player: ui.player_config(),
            })
        }
        Cmd::Organizer(cmd) => {
            if jury::organize::cli::run(cmd, &globals)? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
    }
}
