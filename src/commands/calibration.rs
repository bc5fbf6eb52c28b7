//! `jury calibration [--publish --sync-dir DIR]`: where the calibration round stands — which
//! judges have not scored which calibration works yet, or each judge's offset from the
//! panel median per rubric group ([`jury_core::calibration`]); `--publish` puts the offsets
//! into the sync folder (`jury_store::calibration`), where every judge's TUI shows them theirs.

use std::path::{Path, PathBuf};

use super::cli::{open_contest, OrganizeError};
use crate::cli::Globals;
use crate::i18n::Lang;
use crate::tr;
use jury_core::calibration::{offsets, CalibrationState, JudgeOffsets};
use jury_core::model::{Contest, Points};
use jury_core::tally::Score;
use jury_core::text::safe_line;

/// An offset as the organizer reads it: "+6.0", "-1.5", "0.0".
pub fn signed(offset: Score) -> String {
    let p = offset.rounded();
    if p.0 == 0 {
        return "0.0".into();
    }
    let abs = Points(p.0.abs());
    let one_decimal = if abs.0 % 10 == 0 {
        format!("{}.{}", abs.0 / 100, abs.0 % 100 / 10)
    } else {
        abs.to_string()
    };
    format!("{}{one_decimal}", if p.0 > 0 { '+' } else { '-' })
}

/// The lines of a complete calibration: one per judge and group.
pub fn offset_lines(contest: &Contest, judges: &[JudgeOffsets], lang: Lang) -> String {
    let mut out = String::new();
    for j in judges {
        let judge = safe_line(&j.judge);
        for g in &j.groups {
            let group = contest
                .rubric
                .groups
                .iter()
                .find(|x| x.id == g.group)
                .map_or(g.group.as_str(), |x| x.label(lang));
            let offset = signed(g.offset);
            let line = match g.offset.rounded().0.signum() {
                1 => tr!(
                    lang,
                    "calibration.line_above",
                    judge = judge,
                    group = group,
                    offset = offset
                ),
                -1 => tr!(
                    lang,
                    "calibration.line_below",
                    judge = judge,
                    group = group,
                    offset = offset
                ),
                _ => tr!(
                    lang,
                    "calibration.line_level",
                    judge = judge,
                    group = group,
                    offset = offset
                ),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// What `jury calibration` prints for `state` (`Err` for the states that are a mistake in
/// the contest's set-up).
pub fn report(
    contest: &Contest,
    state: &CalibrationState,
    lang: Lang,
) -> Result<String, OrganizeError> {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|w| safe_line(w).into_owned())
            .collect::<Vec<_>>()
            .join(tr!(lang, "calibration.list_separator"))
    };
    Ok(match state {
        CalibrationState::NotConfigured => format!("{}\n", tr!(lang, "calibration.not_configured")),
        CalibrationState::Unassigned { works } => {
            return Err(OrganizeError::Other(tr!(
                lang,
                "calibration.unassigned",
                works = list(works)
            )))
        }
        CalibrationState::Pending { judges } => {
            let items: Vec<String> = judges
                .iter()
                .map(|(j, ws)| {
                    tr!(
                        lang,
                        "calibration.pending_item",
                        judge = safe_line(j),
                        works = list(ws)
                    )
                })
                .collect();
            let sep = tr!(lang, "calibration.judge.separator");
            format!(
                "{}\n",
                tr!(lang, "calibration.pending", list = items.join(sep))
            )
        }
        CalibrationState::Ready { judges } => {
            let works = &contest.calibration.works;
            let mut out = format!(
                "{}\n",
                tr!(
                    lang,
                    "calibration.heading",
                    n = works.len(),
                    works = list(works)
                )
            );
            out.push_str(&offset_lines(contest, judges, lang));
            out.push_str(if contest.calibration.count_in_results {
                tr!(lang, "calibration.counted")
            } else {
                tr!(lang, "calibration.not_counted")
            });
            out.push('\n');
            out
        }
    })
}

/// Publishes a complete calibration into `dir`; the line to print.
pub fn publish(
    contest: &Contest,
    state: &CalibrationState,
    dir: &Path,
    lang: Lang,
) -> Result<String, OrganizeError> {
    let CalibrationState::Ready { judges } = state else {
        return Err(OrganizeError::Other(
            tr!(lang, "calibration.not_published").to_string(),
        ));
    };
    let record =
        jury_store::calibration::publish(dir, &contest.id, judges, jury_store::master::now_secs())
            .map_err(|e| super::room::publish_error(&e, "calibration.cannot_write", lang))?;
    Ok(tr!(
        lang,
        "calibration.published",
        n = record.judges.len(),
        seq = record.seq,
        dir = safe_line(&dir.display().to_string())
    ))
}

/// `jury calibration [--publish --sync-dir DIR]`.
pub fn run(
    publish_to: bool,
    sync_dir: Option<PathBuf>,
    globals: &Globals,
) -> Result<bool, OrganizeError> {
    let (folder, master) = open_contest(globals)?;
    let contest = &folder.contest;
    let lang = Lang::choose(globals.lang, contest.language);
    let dir = if publish_to {
        Some(super::room::sync_folder(sync_dir, lang)?)
    } else {
        None
    };
    let ids: Vec<String> = master.works()?.into_iter().map(|w| w.id).collect();
    if let Some(w) = contest.calibration.works.iter().find(|w| !ids.contains(w)) {
        return Err(OrganizeError::Other(tr!(
            lang,
            "calibration.unknown_work",
            work = safe_line(w)
        )));
    }
    let state = offsets(contest, &master.assignments()?, &master.merged()?);
    print!("{}", report(contest, &state, lang)?);
    if let Some(dir) = dir {
        println!("{}", publish(contest, &state, &dir, lang)?);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_rational::Ratio;

    #[test]
    fn offsets_read_with_a_sign_and_one_decimal() {
        assert_eq!(signed(Score::from_points(Points(600))), "+6.0");
        assert_eq!(signed(Score::from_points(Points(-150))), "-1.5");
        assert_eq!(signed(Score::from_points(Points(-125))), "-1.25");
        assert_eq!(signed(Score(Ratio::new(1, 3))), "0.0");
    }
}
