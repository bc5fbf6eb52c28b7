//! The `jury` binary: parse the command line, call the library, map errors to exit codes
//! (0 ok, 1 user-facing error, 2 bad usage — clap's own).

use anyhow::Result;
use clap::FromArgMatches;
use std::path::PathBuf;
use std::process::ExitCode;

use jury::cli::{Cli, Cmd, UiArgs};
use jury::tui::keymap::Keymap;
use jury::tui::run::{run_judge, JudgeOptions};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = jury::cli::help_lang(&args);
    let matches = jury::cli::localized_command(lang).get_matches_from(args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `{e}`, not `{e:#}`: the library's messages already quote their cause
            // (`{path}: {source}`), so the chain would say it twice.
            eprintln!("jury: {e}");
            ExitCode::from(1)
        }
    }
}

/// Writes `bytes` to stdout; a reader that stops early (`| head`) is not an error.
fn print_all(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The preset and the user's keymap file; errors in the UI language (--lang, else the locale).
fn load_keymap(preset: &str, lang: Option<jury::i18n::Lang>) -> Result<Keymap> {
    Ok(Keymap::load(preset, lang)?)
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
            let keymap = load_keymap(&ui.keymap, cli.lang)?;
            let dir = dir.unwrap_or_else(jury::demo::default_dir);
            let ballot = jury::demo::ensure(&dir, fresh)?;
            if no_tui {
                println!("{}", ballot.display());
                println!("key: {}", jury::demo::DEMO_KEY);
                return Ok(());
            }
            let key = globals.key()?.or_else(|| Some(jury::demo::demo_key()));
            run_judge(JudgeOptions {
                ballot,
                key,
                lang: cli.lang,
                keymap,
                media_dirs: vec![dir],
                player: ui.player_config(),
                sync_dir: ui.sync_dir.clone(),
                fallback_sync_dir: jury::cli::UserConfig::load(
                    jury::cli::UserConfig::dir().as_deref(),
                )?
                .sync_dir,
            })
        }
        Cmd::Judge { ballot, media, ui } => {
            if !ballot.exists() {
                anyhow::bail!(
                    "{}: no such ballot file (check the path on your key card)",
                    ballot.display()
                );
            }
            let key = globals.key()?;
            let keymap = load_keymap(&ui.keymap, cli.lang)?;
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
                sync_dir: ui.sync_dir.clone(),
                fallback_sync_dir: jury::cli::UserConfig::load(
                    jury::cli::UserConfig::dir().as_deref(),
                )?
                .sync_dir,
            })
        }
        Cmd::Organize { keymap, round } => {
            let keymap = load_keymap(&keymap, cli.lang)?;
            let (folder, master) = jury::commands::cli::open_contest(&globals)?;
            let lang = jury::i18n::Lang::choose(cli.lang, folder.contest.language);
            let round = round
                .map(|r| jury::commands::rounds::readable_round(&folder.contest, &master, &r, lang))
                .transpose()?;
            jury::tui::organizer::run_organizer(master, folder.contest, round, lang, keymap)
        }
        Cmd::Completions { shell } => {
            let mut cmd = jury::cli::localized_command(jury::cli::help_lang(&[]));
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "jury", &mut script);
            print_all(&script)
        }
        Cmd::Man => {
            let cmd = jury::cli::localized_command(cli.lang.unwrap_or(jury::i18n::Lang::En));
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut page)?;
            print_all(&page)
        }
        Cmd::Organizer(cmd) => {
            if jury::commands::cli::run(cmd, &globals)? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
    }
}
