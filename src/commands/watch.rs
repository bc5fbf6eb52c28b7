//! `jury watch` and `jury log`: merging a sync folder live, and the audit log as a table.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::words;
use crate::i18n::Lang;
use crate::tr;
use jury_core::model::Contest;
use jury_core::text::safe_line;
use jury_store::master::{AuditEntry, Master};
pub use jury_store::merge::{ballot_files, is_ballot_name, merge_counts, MergeTally};
use jury_store::verify::MAX_BALLOT_BYTES;

/// Merges `files` one by one (see [`jury_store::merge::merge_files`]), printing the lines
/// of each through `out` in `lang`.
pub fn merge_all(
    master: &mut Master,
    contest: &Contest,
    files: &[PathBuf],
    lang: Lang,
    mut out: impl FnMut(&str),
) -> MergeTally {
    jury_store::merge::merge_files(master, contest, files, |_, result| match result {
        Ok(report) => {
            for line in words::merge_lines(report, lang) {
                out(&line);
            }
        }
        Err(e) => out(&words::refusal_line(e, lang)),
    })
}

/// What `jury watch` remembers of a file it has handled, to skip it until it changes: the
/// SHA-256 of its bytes, or for a file too large to be a ballot (never read) its size and
/// modification time.
fn version_of(file: &Path) -> Option<String> {
    let meta = std::fs::metadata(file).ok()?;
    // Only whole regular files: a pipe named *.ballot would block the read.
    if !meta.is_file() {
        return None;
    }
    if meta.len() > MAX_BALLOT_BYTES {
        return Some(format!(
            "{} bytes, modified {:?}",
            meta.len(),
            meta.modified().ok()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .ok()?
        .take(MAX_BALLOT_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(jury_core::chain::sha256_hex(&bytes))
}

/// The live merge of a sync folder, one step at a time: what `jury watch` runs in a loop and
/// the room console runs on its worker thread (which reloads its picture after each step
/// that merged something). Files whose bytes did not change since the last attempt are
/// skipped, so a refused file is reported (and audited) once per version. A file is looked
/// at by its metadata first and read with a bounded reader: one larger than any ballot is
/// refused unread.
pub struct BallotWatcher {
    /// The folder, in one spelling: the first listing and the watcher's events must meet in
    /// `seen`, or a file is merged (and printed) twice.
    dir: PathBuf,
    rx: std::sync::mpsc::Receiver<notify_debouncer_mini::DebounceEventResult>,
    _debouncer: notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
    seen: BTreeMap<PathBuf, String>,
}

/// What one [`BallotWatcher::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchStep {
    /// Nothing changed in the folder.
    Quiet,
    /// Files were looked at; the tally of those merged (skipped unchanged files not counted).
    Handled(MergeTally),
    /// The notifications stopped for good.
    Gone,
}

impl BallotWatcher {
    /// Starts watching `dir` (which must be a folder) for ballots; nothing is merged yet.
    pub fn start(dir: &Path, lang: Lang) -> Result<BallotWatcher, String> {
        use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};
        let shown = safe_line(&dir.display().to_string()).into_owned();
        if !dir.is_dir() {
            return Err(tr!(lang, "sync.watch.no_folder", dir = shown));
        }
        let dir = std::fs::canonicalize(dir)
            .or_else(|_| std::path::absolute(dir))
            .unwrap_or_else(|_| dir.to_path_buf());
        let cannot = |e: notify_debouncer_mini::notify::Error| {
            tr!(
                lang,
                "sync.watch.cannot",
                dir = shown,
                error = safe_line(&e.to_string())
            )
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let mut debouncer = new_debouncer(Duration::from_millis(700), tx).map_err(cannot)?;
        debouncer
            .watcher()
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(cannot)?;
        Ok(BallotWatcher {
            dir,
            rx,
            _debouncer: debouncer,
            seen: BTreeMap::new(),
        })
    }

    /// The folder watched (as spelled in its events).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Merges the files not seen in this version before.
    fn consider(
        &mut self,
        master: &mut Master,
        contest: &Contest,
        files: Vec<PathBuf>,
        lang: Lang,
        out: &mut dyn FnMut(&str),
    ) -> MergeTally {
        let mut tally = MergeTally::default();
        for file in files {
            // Watchers may report a folder's real path (macOS: /private/tmp for /tmp).
            let file = std::fs::canonicalize(&file).unwrap_or(file);
            let Some(version) = version_of(&file) else {
                continue;
            };
            if self.seen.get(&file) == Some(&version) {
                continue;
            }
            self.seen.insert(file.clone(), version);
            let one = merge_all(
                master,
                contest,
                std::slice::from_ref(&file),
                lang,
                &mut *out,
            );
            tally.merged += one.merged;
            tally.unchanged += one.unchanged;
            tally.stale += one.stale;
            tally.refused += one.refused;
            tally.unrecorded += one.unrecorded;
        }
        tally
    }

    /// Merges every ballot in the folder now (the first step).
    pub fn merge_present(
        &mut self,
        master: &mut Master,
        contest: &Contest,
        lang: Lang,
        out: &mut dyn FnMut(&str),
    ) -> Result<MergeTally, String> {
        let initial = ballot_files(std::slice::from_ref(&self.dir))
            .map_err(|e| words::verify_error(&e, lang))?;
        Ok(self.consider(master, contest, initial, lang, out))
    }

    /// Waits up to `wait` for the folder to change and merges the ballots that appeared or
    /// changed.
    pub fn step(
        &mut self,
        master: &mut Master,
        contest: &Contest,
        lang: Lang,
        wait: Duration,
        out: &mut dyn FnMut(&str),
    ) -> WatchStep {
        match self.rx.recv_timeout(wait) {
            Ok(Ok(events)) => {
                let files: BTreeSet<PathBuf> = events
                    .into_iter()
                    .map(|e| e.path)
                    .filter(|p| is_ballot_name(p) && p.is_file())
                    .collect();
                if files.is_empty() {
                    return WatchStep::Quiet;
                }
                WatchStep::Handled(self.consider(
                    master,
                    contest,
                    files.into_iter().collect(),
                    lang,
                    out,
                ))
            }
            Ok(Err(e)) => {
                out(&tr!(
                    lang,
                    "sync.watch.error",
                    error = safe_line(&e.to_string())
                ));
                WatchStep::Quiet
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => WatchStep::Quiet,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => WatchStep::Gone,
        }
    }
}

/// `jury watch DIR`: merges what is in `dir` now, then every `*.ballot` that appears or
/// changes (see [`BallotWatcher`]), until the process is stopped (Ctrl-C; a merge is one
/// transaction, so stopping mid-way leaves each ballot merged or not).
pub fn watch(
    master: &mut Master,
    contest: &Contest,
    dir: &Path,
    lang: Lang,
    mut out: impl FnMut(&str),
    stop: impl Fn() -> bool,
) -> Result<(), String> {
    let mut watcher = BallotWatcher::start(dir, lang)?;
    out(&tr!(
        lang,
        "sync.watch.start",
        dir = safe_line(&watcher.dir().display().to_string())
    ));
    watcher.merge_present(master, contest, lang, &mut out)?;
    while !stop() {
        let step = watcher.step(master, contest, lang, Duration::from_millis(200), &mut out);
        if step == WatchStep::Gone {
            break;
        }
    }
    Ok(())
}

/// Local date and time of a Unix timestamp, "2024-05-01 14:03:12".
pub fn local_datetime(secs: i64) -> String {
    jury_store::snapshot::local_time(secs, true)
}

/// `jury log`: the audit log as a table aligned for CJK terminals. The action, outcome and
/// detail columns are in `lang`; every value from a file (names, ids) is shown through
/// [`safe_line`], as stored.
pub fn render_log(entries: &[AuditEntry], lang: Lang) -> String {
    let header = [
        tr!(lang, "sync.log.seq"),
        tr!(lang, "sync.log.time"),
        tr!(lang, "sync.log.action"),
        tr!(lang, "sync.log.outcome"),
        tr!(lang, "sync.log.judge"),
        tr!(lang, "sync.log.ballot"),
        tr!(lang, "sync.log.revision"),
        tr!(lang, "sync.log.receipt"),
        tr!(lang, "sync.log.sha256"),
        tr!(lang, "sync.log.file"),
        tr!(lang, "sync.log.detail"),
    ];
    let safe = |s: &str| safe_line(s).into_owned();
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
            vec![
                e.seq.to_string(),
                local_datetime(e.at),
                action_word(&e.action, lang),
                outcome_word(&e.outcome, lang),
                safe(e.judge_id.as_deref().unwrap_or_default()),
                safe(e.ballot_id.as_deref().unwrap_or_default()),
                e.revision.map(|r| r.to_string()).unwrap_or_default(),
                safe(&receipt),
                e.file_sha256.chars().take(12).collect(),
                safe(&e.file),
                detail
                    .as_ref()
                    .and_then(|d| detail_words(d, lang))
                    .unwrap_or_else(|| safe(&e.detail)),
            ]
        })
        .collect();
    aligned_table(&header, &rows)
}

/// The audit log's action column in `lang` (an unknown action as stored).
fn action_word(action: &str, lang: Lang) -> String {
    match action {
        "merge" => tr!(lang, "sync.log.do.merge").into(),
        "issue" => tr!(lang, "sync.log.do.issue").into(),
        "assign" => tr!(lang, "sync.log.do.assign").into(),
        "import" => tr!(lang, "sync.log.do.import").into(),
        other => safe_line(other).into_owned(),
    }
}

/// The audit log's outcome column in `lang` (an unknown outcome as stored).
fn outcome_word(outcome: &str, lang: Lang) -> String {
    match outcome {
        "merged" => tr!(lang, "sync.log.is.merged").into(),
        "refused" => tr!(lang, "sync.log.is.refused").into(),
        "stale" => tr!(lang, "sync.log.is.stale").into(),
        "assigned" => tr!(lang, "sync.log.is.assigned").into(),
        "edited" => tr!(lang, "sync.log.is.edited").into(),
        other => safe_line(other).into_owned(),
    }
}

/// A structured audit detail in words: a merge's counts, a refusal's reason, an assignment's
/// parameters, or an older row's stored summary. `None`: show the detail as stored.
fn detail_words(detail: &serde_json::Value, lang: Lang) -> Option<String> {
    let text = |key: &str| detail.get(key).and_then(|v| v.as_str());
    let number = |key: &str| detail.get(key).and_then(|v| v.as_u64());
    if let Some((scores, comments, recusals)) = merge_counts(detail) {
        let mut s = words::summary(scores, comments, recusals, lang);
        if let Some(judge) = text("named_as") {
            s.push_str(&tr!(lang, "sync.log.named_as", judge = safe_line(judge)));
        }
        return Some(s);
    }
    if let Some(reason) = text("reason") {
        let mut s = tr!(lang, "sync.log.refusal", reason = safe_line(reason));
        if let Some(bytes) = number("bytes") {
            s.push_str(&tr!(lang, "sync.log.refusal_bytes", bytes = bytes));
        }
        if let Some(merged) = number("merged") {
            s.push_str(&tr!(lang, "sync.log.refusal_merged", merged = merged));
        }
        return Some(s);
    }
    if let Some(words) = super::assign::audit_words(detail, lang) {
        return Some(words);
    }
    text("summary").map(|s| safe_line(s).into_owned())
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
