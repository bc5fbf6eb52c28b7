//! `jury assign`: runs the assignment engine over the master's works and judges (or applies
//! manual `--add/--remove` edits to the stored assignment), stores the result with a new
//! assignment version and an audit row in one transaction, and prints a summary.

use std::collections::BTreeSet;

use super::cli::OrganizeError;
use super::words;
use crate::i18n::Lang;
use crate::tr;
use jury_core::assign::{self, DesignCheck};
use jury_core::text::safe_line;
use jury_store::folder::ContestFolder;
use jury_store::master::{now_secs, AuditEntry, Master};

/// What the organizer asked for.
#[derive(Debug, Clone, Default)]
pub struct AssignOptions {
    /// Judges per work (default: the contest's `judges_per_work`).
    pub per_work: Option<u32>,
    pub seed: u64,
    /// `WORK:JUDGE` pairs to add / remove by hand. Any of these edits the stored assignment
    /// instead of computing a new one.
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

/// The stored assignment after the command, for callers and tests.
#[derive(Debug, Clone)]
pub struct AssignOutcome {
    pub version: u64,
    pub pairs: Vec<(String, String)>,
    pub check: DesignCheck,
    /// The summary printed for the organizer.
    pub text: String,
}

/// Runs `jury assign`. Nothing is stored when the engine or an edit refuses.
pub fn run_assign(
    folder: &ContestFolder,
    master: &mut Master,
    opts: &AssignOptions,
    lang: Lang,
) -> Result<AssignOutcome, OrganizeError> {
    let (mut works, judges) = master.assign_inputs()?;
    // A round after the first assigns only the works that advanced into it.
    let round = master.current_round(&folder.contest)?;
    if round != folder.contest.first_round() {
        let advanced = master.round_works(&round)?;
        works.retain(|w| advanced.contains(&w.id));
    }
    let per_work = opts
        .per_work
        .unwrap_or(folder.contest.for_round(&round).judges_per_work) as usize;
    let current = master.assignment_rows()?;
    let manual = !opts.add.is_empty() || !opts.remove.is_empty();
    let mut notes = Vec::new();
    let (rows, detail) = if manual {
        let parse = |list: &[String]| -> Result<Vec<(String, String)>, OrganizeError> {
            list.iter()
                .map(|p| {
                    assign::parse_pair(p)
                        .map_err(|e| OrganizeError::Other(words::edit_error(&e, lang)))
                })
                .collect()
        };
        let add = parse(&opts.add)?;
        let remove = parse(&opts.remove)?;
        let rows = assign::edit(&works, &judges, &current, &remove, &add)
            .map_err(|e| OrganizeError::Other(words::edit_error(&e, lang)))?;
        let detail = serde_json::json!({ "add": opts.add, "remove": opts.remove });
        (rows, detail)
    } else {
        let result = assign::assign(&works, &judges, per_work, opts.seed)
            .map_err(|e| OrganizeError::Other(words::assign_error(&e, lang)))?;
        notes = result.notes.iter().map(|n| words::note(n, lang)).collect();
        let dropped = current.iter().filter(|r| r.2).count();
        if dropped > 0 {
            notes.push(tr!(lang, "assign.replaced_manual", n = dropped));
        }
        let rows = result
            .pairs
            .into_iter()
            .map(|(w, j)| (w, j, false))
            .collect();
        let detail = serde_json::json!({ "per_work": per_work, "seed": opts.seed });
        (rows, detail)
    };
    let pairs: Vec<(String, String)> = rows
        .iter()
        .map(|(w, j, _)| (w.clone(), j.clone()))
        .collect();
    let check = assign::check_design(&works, &judges, &pairs, per_work);

    let mut detail = detail;
    detail["pairs"] = rows.len().into();
    let version = master.store_assignment(
        &rows,
        &AuditEntry::contest_wide(
            now_secs(),
            "assign",
            if manual { "edited" } else { "assigned" },
            detail.to_string(),
        ),
    )?;

    // Warnings about what the organizer must do next.
    let ballots = master.ballots()?;
    if !ballots.is_empty() {
        notes.push(tr!(lang, "assign.reissue", n = ballots.len()));
    }
    let merged = master.merged()?;
    let kept: BTreeSet<(&str, &str)> = pairs
        .iter()
        .map(|(w, j)| (w.as_str(), j.as_str()))
        .collect();
    let orphaned: BTreeSet<(String, String)> = merged
        .scores
        .pairs()
        .map(|(j, w, _)| (j.to_string(), w.to_string()))
        .chain(merged.comments.keys().cloned())
        .chain(merged.recusals.keys().cloned())
        .filter(|(j, w)| !kept.contains(&(w.as_str(), j.as_str())))
        .collect();
    if !orphaned.is_empty() {
        let list: Vec<String> = orphaned
            .iter()
            .take(20)
            .map(|(j, w)| format!("{}:{}", safe_line(w), safe_line(j)))
            .collect();
        notes.push(tr!(
            lang,
            "assign.orphaned",
            n = orphaned.len(),
            list = list.join(" ")
        ));
    }
    let text = summary(folder, master, &check, per_work, version, &notes, lang)?;
    Ok(AssignOutcome {
        version,
        pairs,
        check,
        text,
    })
}

fn summary(
    _folder: &ContestFolder,
    master: &Master,
    check: &DesignCheck,
    per_work: usize,
    version: u64,
    notes: &[String],
    lang: Lang,
) -> Result<String, OrganizeError> {
    let names: std::collections::BTreeMap<String, String> = master
        .judges()?
        .into_iter()
        .map(|j| (j.id, j.name))
        .collect();
    let pairs: usize = check.loads.iter().map(|l| l.1).sum();
    let min = check.loads.iter().map(|l| l.1).min().unwrap_or(0);
    let max = check.loads.iter().map(|l| l.1).max().unwrap_or(0);
    let design = if check.groups <= 1 {
        tr!(lang, "assign.connected")
    } else {
        tr!(lang, "assign.not_connected")
    };
    let mut out = tr!(
        lang,
        "assign.head",
        version = version,
        pairs = pairs,
        per_work = per_work,
        min = min,
        max = max,
        design = design
    );
    out.push('\n');
    out.push_str(tr!(lang, "assign.loads"));
    out.push('\n');
    for (id, load) in &check.loads {
        // Names and ids come from the judges' form.
        let name = names.get(id).map(|n| safe_line(n)).unwrap_or_default();
        out.push_str(&format!("  {:<8} {load:>5}  {name}\n", safe_line(id)));
    }
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    for (work, n) in check.miscounted.iter().take(20) {
        line(tr!(
            lang,
            "assign.miscounted",
            work = safe_line(work),
            n = n,
            per_work = per_work
        ));
    }
    if check.miscounted.len() > 20 {
        line(tr!(
            lang,
            "assign.miscounted_more",
            n = check.miscounted.len() - 20
        ));
    }
    for (work, judge, c) in &check.conflicts {
        line(tr!(
            lang,
            "assign.conflict_warning",
            judge = safe_line(judge),
            work = safe_line(work),
            conflict = words::conflict(c, lang)
        ));
    }
    for note in notes {
        line(tr!(lang, "assign.note", note = note));
    }
    Ok(out)
}

/// An assignment's audit detail (as `run_assign` stores it) in words, for `jury log`.
pub fn audit_words(detail: &serde_json::Value, lang: Lang) -> Option<String> {
    let pairs = detail.get("pairs")?.as_u64()?;
    let list = |key: &str| -> Option<String> {
        let items: Vec<String> = detail
            .get(key)?
            .as_array()?
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| safe_line(s).into_owned())
            .collect();
        Some(items.join(" "))
    };
    if let (Some(per_work), Some(seed)) = (
        detail.get("per_work").and_then(|v| v.as_u64()),
        detail.get("seed").and_then(|v| v.as_u64()),
    ) {
        return Some(tr!(
            lang,
            "assign.log.auto",
            per_work = per_work,
            seed = seed,
            pairs = pairs
        ));
    }
    Some(tr!(
        lang,
        "assign.log.manual",
        add = list("add")?,
        remove = list("remove")?,
        pairs = pairs
    ))
}
