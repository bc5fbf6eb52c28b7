//! The command-line side of sync: `jury export`, `jury merge`, `jury watch`, `jury log`.
//! Thin: find the contest, get the key, call `merge` / `snapshot`, print one line per file.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::cli::{open_contest, OrganizeError};
use super::watch::{ballot_files, merge_all, render_log, watch};
use super::words;
use crate::cli::Globals;
use crate::i18n::Lang;
use crate::tr;
use jury_core::text::safe_line;
use jury_store::snapshot::export;
use jury_store::BallotKey;

/// `jury merge PATH...`: `Ok(false)` (exit 1) if any file was refused.
pub fn run_merge(
    paths: &[PathBuf],
    round: Option<&str>,
    globals: &Globals,
) -> Result<bool, OrganizeError> {
    let early = globals.lang.or_else(Lang::from_locale).unwrap_or(Lang::Zh);
    if paths.is_empty() {
        return Err(OrganizeError::Other(
            tr!(early, "sync.merge.no_paths").into(),
        ));
    }
    let (folder, mut master) = open_contest(globals)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    super::rounds::require_open(&folder.contest, &master, round, lang)?;
    let files =
        ballot_files(paths).map_err(|e| OrganizeError::Other(words::verify_error(&e, lang)))?;
    if files.is_empty() {
        let paths = paths
            .iter()
            .map(|p| safe_line(&p.display().to_string()).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(OrganizeError::Other(tr!(
            lang,
            "sync.merge.no_files",
            paths = paths
        )));
    }
    let tally = merge_all(&mut master, &folder.contest, &files, lang, |line| {
        println!("{line}")
    });
    println!(
        "{}",
        tr!(
            lang,
            "sync.totals",
            merged = tally.merged,
            unchanged = tally.unchanged,
            stale = tally.stale,
            refused = tally.refused
        )
    );
    if tally.unrecorded > 0 {
        println!("{}", tr!(lang, "sync.unrecorded", n = tally.unrecorded));
    }
    Ok(tally.refused == 0)
}

/// `jury watch DIR`.
pub fn run_watch(
    dir: &Path,
    round: Option<&str>,
    globals: &Globals,
) -> Result<bool, OrganizeError> {
    let (folder, mut master) = open_contest(globals)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    super::rounds::require_open(&folder.contest, &master, round, lang)?;
    watch(
        &mut master,
        &folder.contest,
        dir,
        lang,
        |line| println!("{line}"),
        || false,
    )
    .map_err(OrganizeError::Other)?;
    Ok(true)
}

/// `jury log [--refused]`.
pub fn run_log(refused: bool, globals: &Globals) -> Result<bool, OrganizeError> {
    let (folder, master) = open_contest(globals)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    let mut entries = master.audit()?;
    if refused {
        entries.retain(|e| e.is_refusal());
    }
    if entries.is_empty() {
        let empty = if refused {
            tr!(lang, "sync.log.no_refusals")
        } else {
            tr!(lang, "sync.log.empty")
        };
        println!("{empty}");
    } else {
        print!("{}", render_log(&entries, lang));
    }
    if !refused {
        print!(
            "{}",
            super::signoff::log_section(&master, &folder.contest, lang)?
        );
    }
    Ok(true)
}

/// `jury export BALLOT DIR`: the judge's key from --key-file / JURY_KEY, else a prompt.
pub fn run_export(ballot: &Path, dir: &Path, globals: &Globals) -> Result<bool, OrganizeError> {
    let lang = globals.lang.or_else(Lang::from_locale).unwrap_or(Lang::Zh);
    let key = match globals.key()? {
        Some(k) => k,
        None if std::io::stdin().is_terminal() => {
            let typed = rpassword::prompt_password(tr!(lang, "sync.export.prompt"))
                .map_err(|e| OrganizeError::Other(e.to_string()))?;
            BallotKey::parse(&typed)
                .ok_or_else(|| OrganizeError::Other(tr!(lang, "sync.export.empty_key").into()))?
        }
        None => return Err(OrganizeError::Other(tr!(lang, "sync.export.no_key").into())),
    };
    let snap = export(ballot, &key, dir)
        .map_err(|e| OrganizeError::Other(words::snapshot_error(&e, lang)))?;
    println!(
        "{}",
        tr!(
            lang,
            "sync.export.done",
            revision = snap.revision,
            path = safe_line(&snap.path.display().to_string()),
            bytes = snap.bytes
        )
    );
    Ok(true)
}
