//! `jury probe` over a contest: every work's video located, checked against the contest's
//! media rules and hashed, in parallel, with the results stored in the master database.
//!
//! Decisions:
//! - A work whose video is not there (or not named on the form) gets a stored probe with
//!   `found = false` and a note naming every place looked in; it counts as failing, so the
//!   command's exit status can gate a script until every video has arrived and complies.
//! - Results are written in one transaction at the end: a probe interrupted half-way leaves
//!   the previous results, never a mix of two runs.
//! - The SHA-256 is of the file as probed; ballots carry it so judges play exactly that file.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::import::{resolve_media, IngestError};
use crate::i18n::Lang;
use jury_core::intake::media_candidates;
use jury_core::model::MediaRules;
use jury_core::records::{Verdict, WorkProbe};
use jury_core::text::{fit, width};
use jury_media::{assess, sha256_file};
use jury_store::master::{now_secs, Master, ProbeRecord, WorkRecord};

fn verdict_label(verdict: Verdict, lang: Lang) -> &'static str {
    {
        match verdict {
            Verdict::Compliant => lang.pick("合格", "ok"),
            Verdict::Breaks => lang.pick("不合格", "FAIL"),
            Verdict::Missing => lang.pick("缺失", "MISSING"),
        }
    }
}

/// The note stored for a video that was not found.
fn missing_note(work: &WorkRecord, media_dir: &Path, lang: Lang) -> String {
    let looked = media_candidates(work, media_dir);
    if looked.is_empty() {
        return lang
            .pick(
                "缺失：推荐表未填视频文件",
                "missing: no video file named on the form",
            )
            .to_string();
    }
    let places: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
    match lang {
        Lang::Zh => format!("缺失：已查找 {}", places.join("、")),
        Lang::En => format!("missing: looked in {}", places.join(", ")),
    }
}

/// Probes one found file: rules, size, duration and SHA-256.
fn probe_found(path: &Path, rules: &MediaRules, lang: Lang) -> ProbeRecord {
    let assessment = assess(path, rules);
    let mut note = assessment.note(lang);
    let sha256 = match sha256_file(path) {
        Ok(sha) => Some(sha),
        Err(e) => {
            let _ = match lang {
                Lang::Zh => write!(note, "；无法计算 SHA-256（{e}）"),
                Lang::En => write!(note, "; cannot compute SHA-256 ({e})"),
            };
            None
        }
    };
    let size = assessment
        .info
        .as_ref()
        .map(|i| i.size_bytes)
        .or_else(|| std::fs::metadata(path).ok().map(|m| m.len()));
    ProbeRecord {
        checked_at: now_secs(),
        media_path: Some(path.display().to_string()),
        found: true,
        compliant: assessment.compliant() && sha256.is_some(),
        sha256,
        size_bytes: size,
        duration_ms: assessment.info.as_ref().and_then(|i| i.duration_ms),
        note: note.replace(['\n', '\r'], " "),
    }
}

/// Default number of parallel probes: one per core.
pub fn default_jobs() -> usize {
    jury_core::parallel::default_jobs()
}

/// Probes every work on `jobs` threads; `on_done` runs on the calling thread after each
/// work (the progress bar). Results come back in the works' order.
pub fn probe_works(
    works: &[WorkRecord],
    media_dir: &Path,
    rules: &MediaRules,
    jobs: usize,
    lang: Lang,
    mut on_done: impl FnMut(&WorkRecord),
) -> Vec<WorkProbe> {
    let located: Vec<(&WorkRecord, Option<PathBuf>)> = works
        .iter()
        .map(|w| {
            let path = resolve_media(w, media_dir).map(|p| std::path::absolute(&p).unwrap_or(p));
            (w, path)
        })
        .collect();
    let mut records = Vec::with_capacity(works.len());
    jury_core::parallel::for_each_in_order(
        &located,
        jobs,
        |(work, path)| match path {
            Some(path) => probe_found(path, rules, lang),
            None => ProbeRecord {
                checked_at: now_secs(),
                note: missing_note(work, media_dir, lang),
                ..Default::default()
            },
        },
        |i, record| {
            on_done(&works[i]);
            records.push(record);
        },
    );
    works
        .iter()
        .zip(records)
        .map(|(w, record)| WorkProbe {
            work_id: w.id.clone(),
            title: w.title.clone(),
            record,
        })
        .collect()
}

/// The compliance table: number, title, verdict, note; CJK-aligned. Returns the table and
/// whether every work complies.
pub fn compliance_table(results: &[WorkProbe], lang: Lang) -> (String, bool) {
    let id_w = results
        .iter()
        .map(|r| width(&r.work_id))
        .chain([width(lang.pick("序号", "No."))])
        .max()
        .unwrap_or(4);
    let title_w = results
        .iter()
        .map(|r| width(&r.title))
        .max()
        .unwrap_or(8)
        .clamp(8, 28);
    let verdict_w = [Verdict::Compliant, Verdict::Breaks, Verdict::Missing]
        .iter()
        .map(|v| width(verdict_label(*v, lang)))
        .max()
        .unwrap_or(7);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  {}  {}  {}",
        fit(lang.pick("序号", "No."), id_w),
        fit(lang.pick("作品名称", "title"), title_w),
        fit(lang.pick("结果", "result"), verdict_w),
        lang.pick("说明", "note")
    );
    let mut counts = [0usize; 3];
    for r in results {
        let v = r.verdict();
        counts[v as usize] += 1;
        let line = format!(
            "{}  {}  {}  {}",
            fit(&r.work_id, id_w),
            fit(&r.title, title_w),
            fit(verdict_label(v, lang), verdict_w),
            r.record.note
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let [ok, breaks, missing] = counts;
    let total = results.len();
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "共 {total} 个作品：{ok} 个合格，{breaks} 个不合格，{missing} 个缺失视频"
        ),
        Lang::En => writeln!(
            out,
            "{total} works: {ok} compliant, {breaks} break a rule, {missing} missing"
        ),
    };
    (out, breaks == 0 && missing == 0)
}

/// `jury probe` with no files: probe, store, and report. `Ok(false)`: some work breaks a rule
/// or has no video.
pub fn probe_contest(
    master: &mut Master,
    media_dir: &Path,
    rules: &MediaRules,
    jobs: usize,
    lang: Lang,
) -> Result<(String, bool), IngestError> {
    let works = master.works()?;
    if works.is_empty() {
        return Err(IngestError::Refused {
            report: String::new(),
            message: lang
                .pick(
                    "还没有作品：请先运行 jury import works 推荐表.xlsx",
                    "no works yet: run `jury import works FORM.xlsx` first",
                )
                .to_string(),
        });
    }
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(works.len() as u64);
        let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let results = probe_works(&works, media_dir, rules, jobs, lang, |w| {
        bar.set_message(w.id.clone());
        bar.inc(1);
    });
    bar.finish_and_clear();
    master.store_probes(&results)?;
    Ok(compliance_table(&results, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, title: &str, found: bool, compliant: bool, note: &str) -> WorkProbe {
        WorkProbe {
            work_id: id.into(),
            title: title.into(),
            record: ProbeRecord {
                found,
                compliant,
                note: note.into(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn the_table_aligns_cjk_titles_and_counts_verdicts() {
        let rows = vec![
            result("1", "山城之光", true, true, "mp4 · 3:12"),
            result("10", "Long English title here", true, false, "4:3"),
            result("2", "雾都", false, false, "缺失：已查找 /m/2.mp4"),
        ];
        let (table, ok) = compliance_table(&rows, Lang::Zh);
        assert!(!ok);
        // The note column starts at the same display column on every row.
        let starts: Vec<usize> = rows
            .iter()
            .map(|r| {
                let line = table.lines().find(|l| l.ends_with(&r.record.note)).unwrap();
                width(&line[..line.len() - r.record.note.len()])
            })
            .collect();
        assert!(starts.iter().all(|s| *s == starts[0]), "{table}");
        assert!(table.contains("1 个合格，1 个不合格，1 个缺失"), "{table}");
        let (_, ok) = compliance_table(&rows[..1], Lang::En);
        assert!(ok);
    }

    #[test]
    fn missing_works_name_where_they_were_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        let works = vec![
            WorkRecord {
                id: "1".into(),
                title: "t".into(),
                media_file: Some("1.mp4".into()),
                source: dir.path().join("form.csv").display().to_string(),
                ..Default::default()
            },
            WorkRecord {
                id: "2".into(),
                title: "t".into(),
                ..Default::default()
            },
        ];
        let rules = MediaRules::default();
        let mut seen = 0;
        let got = probe_works(
            &works,
            &dir.path().join("media"),
            &rules,
            3,
            Lang::En,
            |_| seen += 1,
        );
        assert_eq!(seen, 2);
        assert_eq!(got[0].verdict(), Verdict::Missing);
        assert!(
            got[0].record.note.contains("looked in"),
            "{}",
            got[0].record.note
        );
        assert!(!got[0].record.note.contains("form.csv") && got[0].record.note.contains("1.mp4"));
        assert!(got[1].record.note.contains("no video file named"));
    }
}
