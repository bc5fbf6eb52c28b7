//! `jury media match DIR... [--accept]`: proposes a video for every work from folders of
//! videos as districts and units send them, and records the proposals only when accepted.
//!
//! Decisions:
//! - Matching is [`jury_core::media_match::propose`] (explicit column, then number or the
//!   form's (district, 序号), then the normalised title); this module walks, hashes and
//!   words.
//! - Only proposed files are hashed (SHA-256, streamed): a folder of large unrelated videos
//!   costs no reading, and two works given the same content are flagged.
//! - Without `--accept` nothing is written. With it, the proposals (never the ambiguous
//!   ones) are stored as the works' video files in one transaction with one audit row, and
//!   their old probe results are dropped; `jury probe` then checks the new files.
//! - A stored path is relative to the contest's media folder when the file lies inside it
//!   (the contest folder can move), else absolute.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::i18n::Lang;
use jury_core::media_match::{propose, same_video, MatchHow, MediaFile};
use jury_core::text::{fit, safe_line};
use jury_store::folder::{walk_videos, ContestFolder};
use jury_store::master::{now_secs, AuditEntry, Master};

use super::cli::OrganizeError;

/// Items of a long list shown before "… and N more".
pub const LIST_HEAD: usize = 10;

/// `items` joined, the first [`LIST_HEAD`] only, then "… and N more" (each item sanitised).
/// One line of `template` with `%{n}` the list's length and `%{list}` its head.
fn counted_list(out: &mut String, template: &str, list: &[String], lang: Lang) {
    let line = crate::i18n::fill(
        template,
        &[("n", &list.len()), ("list", &summarised(list, lang))],
    );
    let _ = writeln!(out, "{line}");
}

pub fn summarised(items: &[String], lang: Lang) -> String {
    let sep = crate::tr!(lang, "intake.list_sep");
    let mut s = items
        .iter()
        .take(LIST_HEAD)
        .map(|i| safe_line(i).into_owned())
        .collect::<Vec<_>>()
        .join(sep);
    if items.len() > LIST_HEAD {
        s.push_str(&crate::tr!(
            lang,
            "intake.and_more",
            n = items.len() - LIST_HEAD
        ));
    }
    s
}

fn how_label(how: MatchHow, lang: Lang) -> &'static str {
    match how {
        MatchHow::Explicit => crate::tr!(lang, "intake.media.how_explicit"),
        MatchHow::Number => crate::tr!(lang, "intake.media.how_number"),
        MatchHow::Origin => crate::tr!(lang, "intake.media.how_origin"),
        MatchHow::Title => crate::tr!(lang, "intake.media.how_title"),
    }
}

/// The path stored for a video: relative to the media folder when inside it, else absolute.
fn stored_path(file: &Path, media_dir: &Path) -> String {
    let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let media = std::fs::canonicalize(media_dir).unwrap_or_else(|_| media_dir.to_path_buf());
    match abs.strip_prefix(&media) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => abs.display().to_string(),
    }
}

/// What `jury media match` did.
#[derive(Debug, Clone)]
pub struct MatchOutcome {
    pub text: String,
    pub proposed: usize,
    pub recorded: usize,
}

/// Runs the match over `dirs` and, with `accept`, records it.
pub fn run_match(
    folder: &ContestFolder,
    master: &mut Master,
    dirs: &[PathBuf],
    accept: bool,
    lang: Lang,
) -> Result<MatchOutcome, OrganizeError> {
    let walked = walk_videos(dirs).map_err(|e| OrganizeError::Other(e.to_string()))?;
    let works = master.works()?;
    let files: Vec<MediaFile> = walked
        .videos
        .iter()
        .map(|(path, folders)| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let stem = path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut shown = folders.clone();
            shown.push(name.clone());
            MediaFile {
                path: shown.join("/"),
                stem,
                name,
                folders: folders.clone(),
            }
        })
        .collect();
    let plan = propose(&works, &files);
    let mut hashes: Vec<Option<String>> = vec![None; files.len()];
    for p in &plan.proposals {
        hashes[p.file] = jury_media::sha256_file(&walked.videos[p.file].0).ok();
    }
    let same = same_video(&plan, &hashes);

    let mut out = String::new();
    let roots = dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>();
    let _ = writeln!(
        out,
        "{}",
        crate::tr!(
            lang,
            "intake.media.walked",
            dirs = safe_line(&roots.join(", ")),
            videos = files.len(),
            other = walked.other_files,
            works = works.len()
        )
    );
    let title_of = |id: &str| {
        works
            .iter()
            .find(|w| w.id == id)
            .map(|w| w.title.as_str())
            .unwrap_or("")
    };
    if !plan.proposals.is_empty() {
        let _ = writeln!(
            out,
            "{} {} {} {}",
            fit(crate::tr!(lang, "intake.media.col_work"), 6),
            fit(crate::tr!(lang, "intake.media.col_title"), 30),
            fit(crate::tr!(lang, "intake.media.col_file"), 40),
            crate::tr!(lang, "intake.media.col_how")
        );
        for p in &plan.proposals {
            let _ = writeln!(
                out,
                "{} {} {} {}",
                fit(&safe_line(&p.work_id), 6),
                fit(&safe_line(title_of(&p.work_id)), 30),
                fit(&safe_line(&files[p.file].path), 40),
                how_label(p.how, lang)
            );
        }
    }
    for (id, cands) in &plan.ambiguous {
        let list: Vec<String> = cands.iter().map(|i| files[*i].path.clone()).collect();
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                lang,
                "intake.media.ambiguous",
                id = safe_line(id),
                title = safe_line(title_of(id)),
                files = summarised(&list, lang)
            )
        );
    }
    if !plan.unmatched.is_empty() {
        let list: Vec<String> = plan
            .unmatched
            .iter()
            .map(|id| format!("{id} {}", title_of(id)))
            .collect();
        counted_list(
            &mut out,
            crate::tr!(lang, "intake.media.unmatched"),
            &list,
            lang,
        );
    }
    if !plan.unused.is_empty() {
        let list: Vec<String> = plan.unused.iter().map(|i| files[*i].path.clone()).collect();
        counted_list(
            &mut out,
            crate::tr!(lang, "intake.media.unused"),
            &list,
            lang,
        );
    }
    for (hash, ids) in &same {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                lang,
                "intake.media.same_video",
                works = summarised(ids, lang),
                sha = &hash[..hash.len().min(12)]
            )
        );
    }
    let mut recorded = 0;
    if accept && !plan.proposals.is_empty() {
        let media_dir = folder.media_dir();
        let pairs: Vec<(String, String)> = plan
            .proposals
            .iter()
            .map(|p| {
                (
                    p.work_id.clone(),
                    stored_path(&walked.videos[p.file].0, &media_dir),
                )
            })
            .collect();
        let audit = AuditEntry {
            seq: 0,
            at: now_secs(),
            action: "media-match".into(),
            file: roots.join(", "),
            file_sha256: String::new(),
            ballot_id: None,
            judge_id: None,
            revision: None,
            chain_head: None,
            outcome: "recorded".into(),
            detail: format!(
                "{} videos recorded, {} ambiguous, {} works without video, {} unused files, {} shared videos",
                pairs.len(),
                plan.ambiguous.len(),
                plan.unmatched.len(),
                plan.unused.len(),
                same.len()
            ),
        };
        master.set_media_files(&pairs, &audit)?;
        recorded = pairs.len();
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(lang, "intake.media.recorded", n = recorded)
        );
    } else if !plan.proposals.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(lang, "intake.media.not_recorded", n = plan.proposals.len())
        );
    }
    Ok(MatchOutcome {
        text: out,
        proposed: plan.proposals.len(),
        recorded,
    })
}
