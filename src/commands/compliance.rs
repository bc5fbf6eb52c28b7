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
use jury_media::probe::{format_mb, format_percent, ratio_name};
use jury_media::{
    assess, format_clock, sha256_file, Assessment, MediaCheck, ProbeError, Violation,
};
use jury_store::master::{now_secs, Master, ProbeRecord, WorkRecord};

/// The words of jury-media's typed findings (probe errors, rule violations, a ballot's media
/// check), in the user's language.
pub trait MediaText {
    /// One line: what is wrong and, where it helps, what to do.
    fn message(&self, lang: Lang) -> String;
}

impl MediaText for ProbeError {
    fn message(&self, lang: Lang) -> String {
        match self {
            ProbeError::Missing(p) => {
                crate::tr!(lang, "intake.media.missing_file", path = p.display())
            }
            ProbeError::Unreadable(p, why) => crate::tr!(
                lang,
                "intake.media.unreadable_file",
                path = p.display(),
                why = why
            ),
            ProbeError::NotMedia(p) => {
                crate::tr!(lang, "intake.media.not_media", path = p.display())
            }
            ProbeError::Timeout(p, s) => {
                crate::tr!(lang, "intake.media.timeout", path = p.display(), s = s)
            }
            ProbeError::Unavailable(why) => crate::tr!(lang, "intake.media.unavailable", why = why),
        }
    }
}

fn duration_text(lang: Lang, duration_s: u64, min_s: Option<u32>, max_s: Option<u32>) -> String {
    let d = format_clock(duration_s);
    let clock = |s: u32| format_clock(u64::from(s));
    match (min_s, max_s) {
        (Some(lo), Some(hi)) => crate::tr!(
            lang,
            "intake.media.duration_outside",
            d = d,
            lo = clock(lo),
            hi = clock(hi)
        ),
        (Some(lo), None) => crate::tr!(lang, "intake.media.duration_short", d = d, lo = clock(lo)),
        (None, Some(hi)) => crate::tr!(lang, "intake.media.duration_long", d = d, hi = clock(hi)),
        (None, None) => d,
    }
}

impl MediaText for Violation {
    /// e.g. "时长 5:12 超出 3:00–4:00" / "duration 5:12 outside 3:00–4:00".
    fn message(&self, lang: Lang) -> String {
        let sep = crate::tr!(lang, "intake.list_sep");
        match self {
            Violation::Probe(e) => e.message(lang),
            Violation::Container { found, allowed } => {
                let found = found
                    .as_deref()
                    .unwrap_or(crate::tr!(lang, "intake.media.unknown"));
                let allowed = allowed.join(sep);
                crate::tr!(
                    lang,
                    "intake.media.container",
                    found = found,
                    allowed = allowed
                )
            }
            Violation::TooLarge { size_bytes, max_mb } => crate::tr!(
                lang,
                "intake.media.too_large",
                size = format_mb(*size_bytes),
                max = max_mb
            ),
            Violation::TooShort {
                duration_s,
                min_s,
                max_s,
            } => duration_text(lang, *duration_s, Some(*min_s), *max_s),
            Violation::TooLong {
                duration_s,
                min_s,
                max_s,
            } => duration_text(lang, *duration_s, *min_s, Some(*max_s)),
            Violation::UnknownDuration => crate::tr!(lang, "intake.media.duration_unknown").into(),
            Violation::Resolution { found, allowed } => {
                let found = found
                    .map(|(w, h)| format!("{w}×{h}"))
                    .unwrap_or_else(|| crate::tr!(lang, "intake.media.unknown").into());
                let list: Vec<String> = allowed.iter().map(|(w, h)| format!("{w}×{h}")).collect();
                let allowed = list.join(crate::tr!(lang, "intake.media.resolution_sep"));
                crate::tr!(
                    lang,
                    "intake.media.resolution",
                    found = found,
                    allowed = allowed
                )
            }
            Violation::Aspect {
                found,
                expected: (a, b),
                tolerance_percent,
            } => crate::tr!(
                lang,
                "intake.media.aspect",
                found = ratio_name(*found),
                expected = format!("{a}:{b}"),
                tol = format_percent(*tolerance_percent)
            ),
            Violation::NoVideo => crate::tr!(lang, "intake.media.no_video").into(),
            Violation::NoAudio => crate::tr!(lang, "intake.media.no_audio_advisory").into(),
            Violation::AudioRequired => crate::tr!(lang, "intake.media.no_audio").into(),
        }
    }
}

impl MediaText for MediaCheck {
    fn message(&self, lang: Lang) -> String {
        let short = |sha: &str| sha.get(..12).unwrap_or(sha).to_string();
        match self {
            MediaCheck::Ok => crate::tr!(lang, "intake.media.check_ok").into(),
            MediaCheck::Missing => crate::tr!(lang, "intake.media.check_missing").into(),
            MediaCheck::Modified { expected, actual } => crate::tr!(
                lang,
                "intake.media.check_modified",
                expected = short(expected),
                actual = short(actual)
            ),
            MediaCheck::Unreadable(why) => {
                crate::tr!(lang, "intake.media.check_unreadable", why = why)
            }
        }
    }
}

/// One line for a work's record: the violations (if any), then the summary.
pub fn assessment_note(a: &Assessment, lang: Lang) -> String {
    let mut parts: Vec<String> = a.violations.iter().map(|v| v.message(lang)).collect();
    if let Some(info) = &a.info {
        parts.push(info.summary());
    }
    parts.join(crate::tr!(lang, "intake.reason_sep"))
}

/// The findings of `a` as data for a ballot: worded by the judge's UI in its language.
pub fn assessment_findings(a: &Assessment) -> jury_core::model::ProbeFindings {
    jury_core::model::ProbeFindings {
        found: true,
        summary: a.info.as_ref().map(|i| i.summary()),
        violations: a
            .violations
            .iter()
            .filter_map(|v| serde_json::to_value(v).ok())
            .collect(),
    }
}

/// A ballot's probe findings in `lang`: the violations, then the summary (as
/// [`assessment_note`] words them for the organizer); "not found" for a missing video.
/// Findings of a kind this version does not know are left out.
pub fn findings_note(f: &jury_core::model::ProbeFindings, lang: Lang) -> String {
    if !f.found {
        return crate::tr!(lang, "rounds.probe.not_found").into();
    }
    let mut parts: Vec<String> = f
        .violations
        .iter()
        .filter_map(|v| serde_json::from_value::<Violation>(v.clone()).ok())
        .map(|v| v.message(lang))
        .collect();
    parts.extend(f.summary.clone());
    parts.join(crate::tr!(lang, "intake.reason_sep"))
}

/// The `jury probe FILE...` report: one line per file (marker, name, summary), its violations
/// indented below, and a count; plus whether every file complies.
pub fn probe_files(paths: &[PathBuf], rules: &MediaRules, lang: Lang) -> (String, bool) {
    let assessments = jury_media::assess_many(paths, rules);
    let mut out = String::new();
    let mut failing = 0;
    for a in &assessments {
        let ok = a.compliant();
        failing += usize::from(!ok);
        let marker = if ok {
            crate::tr!(lang, "intake.media.marker_ok")
        } else {
            crate::tr!(lang, "intake.media.marker_fail")
        };
        let _ = write!(out, "{marker} {}", a.path.display());
        if let Some(info) = &a.info {
            let _ = write!(out, "  {}", info.summary());
        }
        out.push('\n');
        for v in &a.violations {
            let _ = writeln!(out, "    - {}", v.message(lang));
        }
    }
    let total = assessments.len();
    let line = crate::tr!(
        lang,
        "intake.media.files_total",
        total = total,
        ok = total - failing,
        failing = failing
    );
    let _ = writeln!(out, "{line}");
    (out, failing == 0)
}

fn verdict_label(verdict: Verdict, lang: Lang) -> &'static str {
    match verdict {
        Verdict::Compliant => crate::tr!(lang, "intake.probe.verdict_ok"),
        Verdict::Breaks => crate::tr!(lang, "intake.probe.verdict_fail"),
        Verdict::Missing => crate::tr!(lang, "intake.probe.verdict_missing"),
    }
}

/// The note stored for a video that was not found.
fn missing_note(work: &WorkRecord, media_dir: &Path, lang: Lang) -> String {
    let looked = media_candidates(work, media_dir);
    if looked.is_empty() {
        return crate::tr!(lang, "intake.probe.no_video_named").to_string();
    }
    let places: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
    let places = places.join(crate::tr!(lang, "intake.list_sep"));
    crate::tr!(lang, "intake.probe.looked_in", places = places)
}

/// Probes one found file: rules, size, duration and SHA-256.
fn probe_found(path: &Path, rules: &MediaRules, lang: Lang) -> ProbeRecord {
    let assessment = assess(path, rules);
    let mut note = assessment_note(&assessment, lang);
    let findings = assessment_findings(&assessment);
    let sha256 = match sha256_file(path) {
        Ok(sha) => Some(sha),
        Err(e) => {
            note.push_str(&crate::tr!(lang, "intake.probe.no_sha", why = e));
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
        findings: Some(findings),
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
                findings: Some(jury_core::model::ProbeFindings::default()),
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
        .chain([width(crate::tr!(lang, "intake.field.id"))])
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
        fit(crate::tr!(lang, "intake.field.id"), id_w),
        fit(crate::tr!(lang, "intake.field.title"), title_w),
        fit(crate::tr!(lang, "intake.probe.col_result"), verdict_w),
        crate::tr!(lang, "intake.probe.col_note")
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
    let line = crate::tr!(
        lang,
        "intake.probe.works_total",
        total = total,
        ok = ok,
        breaks = breaks,
        missing = missing
    );
    let _ = writeln!(out, "{line}");
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
            message: crate::tr!(lang, "intake.probe.no_works").to_string(),
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
            result("2", "雾都", false, false, "缺视频：已查找 /m/2.mp4"),
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
        assert!(
            table.contains("1 个合规，1 个不合规，1 个缺视频"),
            "{table}"
        );
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

    #[test]
    fn violations_read_the_same_as_before_in_both_languages() {
        let long = Violation::TooLong {
            duration_s: 312,
            min_s: Some(180),
            max_s: 240,
        };
        assert_eq!(long.message(Lang::Zh), "时长 5:12 超出 3:00–4:00");
        assert_eq!(long.message(Lang::En), "duration 5:12 outside 3:00–4:00");
        let short = Violation::TooShort {
            duration_s: 2,
            min_s: 180,
            max_s: Some(240),
        };
        assert_eq!(short.message(Lang::Zh), "时长 0:02 超出 3:00–4:00");
        let micro = Violation::TooLong {
            duration_s: 605,
            min_s: None,
            max_s: 600,
        };
        assert_eq!(micro.message(Lang::Zh), "时长 10:05 超过 10:00");
        assert_eq!(micro.message(Lang::En), "duration 10:05 longer than 10:00");
        let mov = Violation::Container {
            found: Some("mov".into()),
            allowed: vec!["mp4".into()],
        };
        assert_eq!(mov.message(Lang::Zh), "格式 mov 不符合要求（应为 mp4）");
        let aspect = Violation::Aspect {
            found: 4.0 / 3.0,
            expected: (16, 9),
            tolerance_percent: 1.0,
        };
        assert_eq!(
            aspect.message(Lang::Zh),
            "画面比例 4:3 不符合 16:9（允许误差 1%）"
        );
        assert_eq!(
            aspect.message(Lang::En),
            "aspect ratio 4:3 is not 16:9 (tolerance 1%)"
        );
        let res = Violation::Resolution {
            found: Some((640, 360)),
            allowed: vec![(1920, 1080), (1280, 720)],
        };
        assert_eq!(
            res.message(Lang::En),
            "resolution 640×360 not allowed (allowed: 1920×1080, 1280×720)"
        );
        let big = Violation::TooLarge {
            size_bytes: 500 * 1024 * 1024 + 1,
            max_mb: 500,
        };
        assert_eq!(
            big.message(Lang::En),
            "file 500.0 MB exceeds the 500 MB limit"
        );
        let a = Assessment {
            path: "t.txt".into(),
            info: None,
            violations: vec![Violation::Probe(ProbeError::NotMedia("t.txt".into()))],
        };
        assert!(assessment_note(&a, Lang::En).contains("not a recognisable video"));
    }

    #[test]
    fn every_media_message_differs_by_language() {
        let all = [
            Violation::Probe(ProbeError::Timeout("x".into(), 5)),
            Violation::Container {
                found: None,
                allowed: vec!["mp4".into()],
            },
            Violation::TooLarge {
                size_bytes: 1,
                max_mb: 1,
            },
            Violation::TooShort {
                duration_s: 1,
                min_s: 2,
                max_s: None,
            },
            Violation::TooLong {
                duration_s: 3,
                min_s: None,
                max_s: 2,
            },
            Violation::UnknownDuration,
            Violation::Resolution {
                found: None,
                allowed: vec![(1, 1)],
            },
            Violation::Aspect {
                found: f64::NAN,
                expected: (16, 9),
                tolerance_percent: 1.5,
            },
            Violation::NoVideo,
            Violation::NoAudio,
            Violation::AudioRequired,
        ];
        for v in &all {
            let (zh, en) = (v.message(Lang::Zh), v.message(Lang::En));
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{v:?}");
        }
        assert!(all[7].message(Lang::En).contains("1.5%"));
    }

    #[test]
    fn media_check_messages_say_what_to_do_in_both_languages() {
        let m = MediaCheck::Modified {
            expected: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".into(),
            actual: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
        };
        assert!(m.message(Lang::Zh).contains("ba7816bf8f01"));
        assert!(m.message(Lang::En).contains("ask the organizer"));
        assert!(MediaCheck::Missing.message(Lang::En).contains("--media"));
        assert!(MediaCheck::Missing.message(Lang::Zh).contains("--media"));
        assert!(MediaCheck::Unreadable("denied".into())
            .message(Lang::Zh)
            .contains("denied"));
    }
}
