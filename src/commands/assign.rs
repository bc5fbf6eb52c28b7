//! `jury assign`: runs the assignment engine over the master's works and judges (or applies
//! manual `--add/--remove` edits to the stored assignment), stores the result with a new
//! assignment version and an audit row in one transaction, and prints a summary.

use std::collections::BTreeSet;

use super::cli::OrganizeError;
use crate::i18n::Lang;
use jury_core::assign::{self, DesignCheck};
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
    let (works, judges) = master.assign_inputs()?;
    let per_work = opts.per_work.unwrap_or(folder.contest.judges_per_work) as usize;
    let current = master.assignment_rows()?;
    let manual = !opts.add.is_empty() || !opts.remove.is_empty();
    let mut notes = Vec::new();
    let (rows, detail) = if manual {
        let parse = |list: &[String]| -> Result<Vec<(String, String)>, OrganizeError> {
            list.iter()
                .map(|p| assign::parse_pair(p).map_err(|e| OrganizeError::Other(e.describe(lang))))
                .collect()
        };
        let add = parse(&opts.add)?;
        let remove = parse(&opts.remove)?;
        let rows = assign::edit(&works, &judges, &current, &remove, &add)
            .map_err(|e| OrganizeError::Other(e.describe(lang)))?;
        let detail = format!(
            "manual: add {}; remove {}",
            opts.add.join(" "),
            opts.remove.join(" ")
        );
        (rows, detail)
    } else {
        let result = assign::assign(&works, &judges, per_work, opts.seed)
            .map_err(|e| OrganizeError::Other(e.describe(lang)))?;
        notes = result.notes.iter().map(|n| n.describe(lang)).collect();
        let dropped = current.iter().filter(|r| r.2).count();
        if dropped > 0 {
            notes.push(match lang {
                Lang::Zh => format!("已用新的分配替换之前 {dropped} 项手工调整"),
                Lang::En => {
                    format!("{dropped} earlier manual edits were replaced by the new assignment")
                }
            });
        }
        let rows = result
            .pairs
            .into_iter()
            .map(|(w, j)| (w, j, false))
            .collect();
        (rows, format!("per_work {per_work}; seed {}", opts.seed))
    };
    let pairs: Vec<(String, String)> = rows
        .iter()
        .map(|(w, j, _)| (w.clone(), j.clone()))
        .collect();
    let check = assign::check_design(&works, &judges, &pairs, per_work);

    let version = master.store_assignment(
        &rows,
        &AuditEntry {
            seq: 0,
            at: now_secs(),
            action: "assign".into(),
            file: String::new(),
            file_sha256: String::new(),
            ballot_id: None,
            judge_id: None,
            revision: None,
            chain_head: None,
            outcome: if manual { "edited" } else { "assigned" }.into(),
            detail: format!("{detail}; {} pairs", rows.len()),
        },
    )?;

    // Warnings about what the organizer must do next.
    let ballots = master.ballots()?;
    if !ballots.is_empty() {
        notes.push(match lang {
            Lang::Zh => format!(
                "已发放 {} 份选票；分配已改变，请重新运行 jury issue 重新发放（已录入的评分会带入新选票）",
                ballots.len()
            ),
            Lang::En => format!(
                "{} ballots were already issued; the assignment changed, so run `jury issue` again to re-issue them (entries already made carry over)",
                ballots.len()
            ),
        });
    }
    let merged = master.merged()?;
    let kept: BTreeSet<(&str, &str)> = pairs
        .iter()
        .map(|(w, j)| (w.as_str(), j.as_str()))
        .collect();
    let orphaned: BTreeSet<(String, String)> = merged
        .scores
        .keys()
        .map(|(j, w, _)| (j.clone(), w.clone()))
        .chain(merged.comments.keys().cloned())
        .chain(merged.recusals.keys().cloned())
        .filter(|(j, w)| !kept.contains(&(w.as_str(), j.as_str())))
        .collect();
    if !orphaned.is_empty() {
        let list: Vec<String> = orphaned
            .iter()
            .take(20)
            .map(|(j, w)| format!("{w}:{j}"))
            .collect();
        notes.push(match lang {
            Lang::Zh => format!(
                "{} 组已合并的评分不再属于分配（作品:评委）：{}；jury issue 会拒绝丢弃它们，除非加 --force",
                orphaned.len(),
                list.join(" ")
            ),
            Lang::En => format!(
                "{} merged entries are no longer assigned (WORK:JUDGE): {}; `jury issue` refuses to drop them unless --force",
                orphaned.len(),
                list.join(" ")
            ),
        });
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
    let mut out = match lang {
        Lang::Zh => format!(
            "分配版本 {version}：{pairs} 项，每件作品 {per_work} 位评委；评委工作量 {min}–{max}；评审设计{}\n",
            if check.groups <= 1 { "连通" } else { "不连通" }
        ),
        Lang::En => format!(
            "assignment version {version}: {pairs} pairs, {per_work} judges per work; judge loads {min}–{max}; design {}\n",
            if check.groups <= 1 { "connected" } else { "NOT connected" }
        ),
    };
    out.push_str(lang.pick("评委工作量：\n", "judge loads:\n"));
    for (id, load) in &check.loads {
        let name = names.get(id).map(String::as_str).unwrap_or("");
        out.push_str(&format!("  {id:<8} {load:>5}  {name}\n"));
    }
    for (work, n) in check.miscounted.iter().take(20) {
        out.push_str(&match lang {
            Lang::Zh => format!("注意：作品 {work} 有 {n} 位评委（应为 {per_work} 位）\n"),
            Lang::En => format!("note: work {work} has {n} judges ({per_work} wanted)\n"),
        });
    }
    if check.miscounted.len() > 20 {
        out.push_str(&match lang {
            Lang::Zh => format!(
                "注意：另有 {} 件作品评委数不符\n",
                check.miscounted.len() - 20
            ),
            Lang::En => format!(
                "note: {} more works have a different number of judges\n",
                check.miscounted.len() - 20
            ),
        });
    }
    for (work, judge, c) in &check.conflicts {
        out.push_str(&match lang {
            Lang::Zh => format!(
                "警告：评委 {judge} 与作品 {work} 冲突：{}\n",
                c.describe(lang)
            ),
            Lang::En => format!(
                "warning: judge {judge} conflicts with work {work}: {}\n",
                c.describe(lang)
            ),
        });
    }
    for note in notes {
        out.push_str(lang.pick("注意：", "note: "));
        out.push_str(note);
        out.push('\n');
    }
    Ok(out)
}
