//! Words for rounds and rulings in every results output: the round the numbers come from,
//! and a row's standing (取消资格, not advanced) and deductions. The renderers call these
//! from their award and note columns and their header, so each needs only a line.

use super::view::{fmt_points, point_decimals, ResultsView, WorkRow};
use crate::i18n::Lang;
use crate::tr;
use jury_core::rounds::Standing;
use jury_core::text::safe_line;

/// What the award column says of a row without an award: 取消资格, or 未进入终评.
pub fn standing_label(view: &ResultsView, row: &WorkRow, lang: Lang) -> Option<String> {
    match view.rounds.note(&row.work).standing {
        Standing::InRound => None,
        Standing::Disqualified { .. } => Some(tr!(lang, "rounds.report.disqualified").into()),
        Standing::NotAdvanced { missed, .. } => Some(tr!(
            lang,
            "rounds.report.not_advanced",
            round = round_label(view, &missed, lang)
        )),
    }
}

/// What the note column says first: the disqualification's reason, where a work that did not
/// advance stood, and the points deducted (already off the score).
pub fn standing_note(view: &ResultsView, row: &WorkRow, lang: Lang) -> Vec<String> {
    let note = view.rounds.note(&row.work);
    let mut out = Vec::new();
    match &note.standing {
        Standing::InRound => {}
        Standing::Disqualified { reason } => out.push(tr!(
            lang,
            "rounds.report.disqualified_note",
            reason = safe_line(reason)
        )),
        Standing::NotAdvanced { from, place, .. } => out.push(tr!(
            lang,
            "rounds.report.from_round",
            round = round_label(view, from, lang),
            place = place.map_or_else(|| "-".to_string(), |p| p.to_string())
        )),
    }
    if let Some(p) = note.deducted {
        out.push(tr!(
            lang,
            "rounds.report.deducted",
            points = fmt_points(p, point_decimals(&view.contest)),
            reason = safe_line(&note.deduction_reasons.join("; "))
        ));
    }
    out
}

/// What stands beside a deducted score: " (−5)".
pub fn score_mark(view: &ResultsView, row: &WorkRow, lang: Lang) -> String {
    match view.rounds.note(&row.work).deducted {
        Some(p) => tr!(
            lang,
            "rounds.report.score_mark",
            points = fmt_points(p, point_decimals(&view.contest))
        ),
        None => String::new(),
    }
}

/// One line per work with a ruling (disqualification with its reason, deductions), for the
/// reports' notes below the table.
pub fn ruling_lines(view: &ResultsView, lang: Lang) -> Vec<String> {
    view.rows
        .iter()
        .filter_map(|row| {
            let note = view.rounds.note(&row.work);
            let mut parts = Vec::new();
            if let Standing::Disqualified { reason } = &note.standing {
                parts.push(tr!(
                    lang,
                    "rounds.report.disqualified_note",
                    reason = safe_line(reason)
                ));
            }
            if let Some(p) = note.deducted {
                parts.push(tr!(
                    lang,
                    "rounds.report.deducted",
                    points = fmt_points(p, point_decimals(&view.contest)),
                    reason = safe_line(&note.deduction_reasons.join("; "))
                ));
            }
            (!parts.is_empty()).then(|| {
                tr!(
                    lang,
                    "rounds.report.work_line",
                    work = safe_line(&row.work),
                    text = parts.join(tr!(lang, "report.list_sep"))
                )
            })
        })
        .collect()
}

/// One line for the header: the round the numbers come from (None without rounds).
pub fn round_note(view: &ResultsView, lang: Lang) -> Option<String> {
    let r = view.rounds.round.as_ref()?;
    let label = safe_line(r.label(lang)).into_owned();
    Some(if r.last {
        tr!(lang, "rounds.report.final_round", round = label)
    } else {
        tr!(lang, "rounds.report.round", round = label)
    })
}

/// A row's status cell: `status`, with the round its numbers come from when there are rounds.
pub fn row_status(view: &ResultsView, row: &WorkRow, status: &str, lang: Lang) -> String {
    let Some(r) = &view.rounds.round else {
        return status.to_string();
    };
    let round = match view.rounds.note(&row.work).standing {
        Standing::NotAdvanced { from, .. } => round_label(view, &from, lang),
        _ => r.label(lang).to_string(),
    };
    tr!(
        lang,
        "rounds.report.status_round",
        status = status,
        round = safe_line(&round)
    )
}

fn round_label(view: &ResultsView, id: &str, lang: Lang) -> String {
    view.contest
        .round(id)
        .map_or_else(|| id.to_string(), |r| r.label(lang).to_string())
}
