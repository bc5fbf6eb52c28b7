//! `jury watch` and `jury log`: merging a sync folder live, and the audit log as a table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jury_core::model::Contest;
use jury_core::Lang;
use jury_store::master::{AuditEntry, Master};
pub use jury_store::merge::{ballot_files, is_ballot_name, merge_all, merge_counts, summary_of};

/// `jury watch DIR`: merges what is in `dir` now, then every `*.ballot` that appears or
/// changes, until the process is stopped (Ctrl-C; a merge is one transaction, so stopping
/// mid-way leaves each ballot merged or not). Files whose bytes did not change since the last
/// attempt are skipped, so a refused file is reported once per version.
pub fn watch(
    master: &mut Master,
    contest: &Contest,
    dir: &Path,
    lang: Lang,
    mut out: impl FnMut(&str),
    stop: impl Fn() -> bool,
) -> Result<(), String> {
    use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};
    if !dir.is_dir() {
        return Err(format!(
            "{}: no such folder; create it or point jury watch at the sync folder",
            dir.display()
        ));
    }
    // One spelling of every path: the first listing and the watcher's events must meet in
    // `seen`, or a file is merged (and printed) twice.
    let dir = &std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = new_debouncer(Duration::from_millis(700), tx)
        .map_err(|e| format!("{}: cannot watch: {e}", dir.display()))?;
    debouncer
        .watcher()
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| format!("{}: cannot watch: {e}", dir.display()))?;
    let mut seen: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut consider = |files: Vec<PathBuf>, out: &mut dyn FnMut(&str)| {
        for file in files {
            // Only whole regular files: a pipe named *.ballot would block the read.
            if !std::fs::metadata(&file).is_ok_and(|m| m.is_file()) {
                continue;
            }
            // Watchers may report a folder's real path (macOS: /private/tmp for /tmp).
            let file = std::fs::canonicalize(&file).unwrap_or(file);
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let sha = jury_core::chain::sha256_hex(&bytes);
            if seen.get(&file) == Some(&sha) {
                continue;
            }
            seen.insert(file.clone(), sha);
            merge_all(
                master,
                contest,
                std::slice::from_ref(&file),
                lang,
                &mut *out,
            );
        }
    };
    out(&match lang {
        Lang::Zh => format!("正在监视 {} 中的选票（Ctrl-C 停止）", dir.display()),
        Lang::En => format!("watching {} for ballots (Ctrl-C stops)", dir.display()),
    });
    let initial = ballot_files(&[dir.to_path_buf()]).map_err(|e| e.to_string())?;
    consider(initial, &mut out);
    while !stop() {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok(events)) => {
                let files: BTreeSet<PathBuf> = events
                    .into_iter()
                    .map(|e| e.path)
                    .filter(|p| is_ballot_name(p) && p.is_file())
                    .collect();
                consider(files.into_iter().collect(), &mut out);
            }
            Ok(Err(e)) => out(&format!("watch error: {e}")),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

/// Local date and time of a Unix timestamp, "2024-05-01 14:03:12".
pub fn local_datetime(secs: i64) -> String {
    jury_store::snapshot::local_time(secs, true)
}

/// `jury log`: the audit log as a table aligned for CJK terminals.
pub fn render_log(entries: &[AuditEntry], lang: Lang) -> String {
    let header = match lang {
        Lang::Zh => [
            "#", "时间", "操作", "结果", "评委", "选票", "版本", "回执", "sha256", "文件", "详情",
        ],
        Lang::En => [
            "#", "time", "action", "outcome", "judge", "ballot", "rev", "receipt", "sha256",
            "file", "detail",
        ],
    };
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let detail: Option<serde_json::Value> = serde_json::from_str(&e.detail).ok();
            let receipt = detail
                .as_ref()
                .and_then(|d| d.get("receipt"))
                .and_then(|r| r.as_str())
                .map(str::to_string)
                .or_else(|| e.chain_head.as_deref().map(jury_core::chain::receipt))
                .unwrap_or_default();
            let summary = detail
                .as_ref()
                .and_then(|d| merge_counts(d).map(|(s, c, r)| summary_of(s, c, r, lang)))
                .or_else(|| {
                    detail
                        .as_ref()
                        .and_then(|d| d.get("summary"))
                        .and_then(|r| r.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_else(|| e.detail.clone());
            vec![
                e.seq.to_string(),
                local_datetime(e.at),
                e.action.clone(),
                e.outcome.clone(),
                e.judge_id.clone().unwrap_or_default(),
                e.ballot_id.clone().unwrap_or_default(),
                e.revision.map(|r| r.to_string()).unwrap_or_default(),
                receipt,
                e.file_sha256.chars().take(12).collect(),
                e.file.clone(),
                summary.replace('\n', " "),
            ]
        })
        .collect();
    aligned_table(&header, &rows)
}

/// Columns padded by display width (CJK characters are two cells wide).
pub fn aligned_table(header: &[&str], rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.width());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut s = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            s.push_str(cell);
            if i < last {
                s.push_str(&" ".repeat(widths[i].saturating_sub(cell.width()) + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_chinese_by_display_width() {
        let t = aligned_table(
            &["a", "b"],
            &[
                vec!["评委甲".into(), "x".into()],
                vec!["J1".into(), "y".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[1], "评委甲  x");
        assert_eq!(lines[2], "J1      y");
    }

    #[test]
    fn temp_names_are_not_ballots() {
        assert!(is_ballot_name(Path::new("/s/c-J1.ballot")));
        assert!(!is_ballot_name(Path::new("/s/.jury-tmp-abc.tmp")));
        assert!(!is_ballot_name(Path::new("/s/.c-J1.ballot")));
        assert!(!is_ballot_name(Path::new("/s/c-J1.ballot-wal")));
    }
}
