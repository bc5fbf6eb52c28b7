//! The command-line side of sync: `jury export`, `jury merge`, `jury watch`, `jury log`.
//! Thin: find the contest, get the key, call `merge` / `snapshot`, print one line per file.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::cli::{open_contest, OrganizeError};
use super::watch::{ballot_files, merge_all, render_log, watch};
use crate::cli::Globals;
use crate::i18n::Lang;
use jury_store::snapshot::export;
use jury_store::BallotKey;

/// `jury merge PATH...`: `Ok(false)` (exit 1) if any file was refused.
pub fn run_merge(paths: &[PathBuf], globals: &Globals) -> Result<bool, OrganizeError> {
    if paths.is_empty() {
        return Err(OrganizeError::Other(
            "name the returned ballot files or folders, e.g. `jury merge /media/usb`".into(),
        ));
    }
    let (folder, mut master) = open_contest(globals)?;
    let files = ballot_files(paths).map_err(|e| OrganizeError::Other(e.to_string()))?;
    if files.is_empty() {
        return Err(OrganizeError::Other(format!(
            "no *.ballot files in {}; check the folder",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let lang = Lang::choose(globals.lang, folder.contest.language);
    let tally = merge_all(&mut master, &folder.contest, &files, lang, |line| {
        println!("{line}")
    });
    let (merged, unchanged, stale, refused) =
        (tally.merged, tally.unchanged, tally.stale, tally.refused);
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("合并 {merged}，无变化 {unchanged}，过期 {stale}，拒绝 {refused}"),
            Lang::En => {
                format!("{merged} merged, {unchanged} unchanged, {stale} stale, {refused} refused")
            }
        }
    );
    Ok(tally.refused == 0)
}

/// `jury watch DIR`.
pub fn run_watch(dir: &Path, globals: &Globals) -> Result<bool, OrganizeError> {
    let (folder, mut master) = open_contest(globals)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
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

/// `jury log`.
pub fn run_log(globals: &Globals) -> Result<bool, OrganizeError> {
    let (folder, master) = open_contest(globals)?;
    let lang = Lang::choose(globals.lang, folder.contest.language);
    let entries = master.audit()?;
    if entries.is_empty() {
        println!(
            "{}",
            lang.pick(
                "审计日志为空：尚未合并任何选票",
                "the audit log is empty: nothing merged yet"
            )
        );
    } else {
        print!("{}", render_log(&entries, lang));
    }
    Ok(true)
}

/// `jury export BALLOT DIR`: the judge's key from --key-file / JURY_KEY, else a prompt.
pub fn run_export(ballot: &Path, dir: &Path, globals: &Globals) -> Result<bool, OrganizeError> {
    let key = match globals.key()? {
        Some(k) => k,
        None if std::io::stdin().is_terminal() => {
            let typed = rpassword::prompt_password("Ballot key / 评审密钥: ")
                .map_err(|e| OrganizeError::Other(e.to_string()))?;
            BallotKey::parse(&typed)
                .ok_or_else(|| OrganizeError::Other("an empty key; run the command again".into()))?
        }
        None => {
            return Err(OrganizeError::Other(
                "no ballot key: pass --key-file FILE or set JURY_KEY".into(),
            ))
        }
    };
    let snap = export(ballot, &key, dir).map_err(|e| OrganizeError::Other(e.to_string()))?;
    let (revision, path, bytes) = (snap.revision, snap.path.display(), snap.bytes);
    println!(
        "{}",
        match globals.lang.or_else(Lang::from_locale).unwrap_or(Lang::Zh) {
            Lang::Zh => format!("已将版本 {revision} 导出到 {path}（{bytes} 字节）；请把这个文件交给主办方"),
            Lang::En => format!(
                "exported revision {revision} to {path} ({bytes} bytes); hand this file to the organizer"
            ),
        }
    );
    Ok(true)
}
