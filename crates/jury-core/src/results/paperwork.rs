//! The paperwork that leaves the room, as typed data: one [`Certificate`] per awarded work,
//! one [`JudgeSheet`] (专家评分表) per judge, and the judges' comments per work
//! ([`CommentRow`], judges lettered A, B, C per work). Renderers in the app only lay them
//! out; the numbers, the sequence and the texts filled from contest.toml are decided here.

use std::collections::BTreeMap;

use super::ResultsView;
use crate::lang::Lang;
use crate::model::paperwork::{certificate_number, fill, TemplateError};
use crate::model::{work_number_order, Contest, Points};
use crate::records::{BallotRecord, JudgeRecord, MergedScores, WorkRecord};
use crate::tally::Award;

/// One 获奖证书.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// 1-based, in award-list order (tiers, then rank): the same work keeps its number
    /// whichever tiers are printed.
    pub seq: usize,
    /// From `[certificate] number`, e.g. "CQKX-2023-007".
    pub number: String,
    pub work: String,
    pub title: String,
    pub unit: String,
    pub district: String,
    pub creators: String,
    pub award: Award,
    /// The award's name in the certificate's language.
    pub award_label: String,
    pub heading: String,
    /// `[certificate] body_…` filled with this work's data.
    pub body: String,
    /// One seal each: `[certificate] issuers`, or the contest's organisers.
    pub issuers: Vec<String>,
    pub date: String,
}

/// A template of `[certificate]` names an unknown placeholder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[certificate] {field}: unknown placeholder `{placeholder}`")]
pub struct CertificateError {
    pub field: &'static str,
    pub placeholder: String,
}

/// One certificate per work on the award list, in its order.
pub fn certificates(view: &ResultsView, lang: Lang) -> Result<Vec<Certificate>, CertificateError> {
    let contest = &view.contest;
    let spec = &contest.certificate;
    let issuers = if spec.issuers.is_empty() {
        contest.organisers.clone()
    } else {
        spec.issuers.clone()
    };
    let date = if spec.date.is_empty() {
        contest.panel.date.clone()
    } else {
        spec.date.clone()
    };
    let (body, body_field) = match lang {
        Lang::Zh => (&spec.body_zh, "body_zh"),
        Lang::En => (&spec.body_en, "body_en"),
    };
    let err = |field: &'static str| {
        move |e: TemplateError| CertificateError {
            field,
            placeholder: e.placeholder,
        }
    };
    let mut out = Vec::new();
    for (award, works) in view.award_list() {
        let award_label = award.label(&contest.awards, lang).to_string();
        for w in works {
            let seq = out.len() + 1;
            let body = fill(
                body,
                &[
                    ("title", &w.title),
                    ("unit", &w.unit),
                    ("creators", &w.creators),
                    ("district", &w.district),
                    ("award", &award_label),
                    ("contest", contest.title(lang)),
                ],
            )
            .map_err(err(body_field))?;
            out.push(Certificate {
                seq,
                number: certificate_number(&spec.number, seq).map_err(err("number"))?,
                work: w.work.clone(),
                title: w.title.clone(),
                unit: w.unit.clone(),
                district: w.district.clone(),
                creators: w.creators.clone(),
                award,
                award_label: award_label.clone(),
                heading: spec.heading(lang).to_string(),
                body,
                issuers: issuers.clone(),
                date: date.clone(),
            });
        }
    }
    Ok(out)
}

/// One judge's comment on one work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    pub work: String,
    pub title: String,
    /// "A", "B", … per work, in judge-id order: who said what stays in the room.
    pub letter: String,
    pub judge: String,
    pub name: String,
    pub text: String,
}

/// "A" … "Z", "AA", "AB", … for 0, 1, … (spreadsheet column letters).
pub fn letter(i: usize) -> String {
    crate::forms::column_letter(i)
}

/// Every non-empty comment, works in `order` (e.g. the ranked list), then any other work by
/// number; judges lettered per work. Comments of recused pairs never appear.
pub fn comment_rows(
    order: &[&str],
    works: &[WorkRecord],
    judges: &[JudgeRecord],
    merged: &MergedScores,
) -> Vec<CommentRow> {
    let mut per_work: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for ((judge, work), text) in &merged.comments {
        if text.trim().is_empty() || merged.recusals.contains_key(&(judge.clone(), work.clone())) {
            continue;
        }
        per_work
            .entry(work.as_str())
            .or_default()
            .push((judge.as_str(), text.as_str()));
    }
    let mut ids: Vec<&str> = order.to_vec();
    let mut rest: Vec<&str> = per_work
        .keys()
        .copied()
        .filter(|w| !order.contains(w))
        .collect();
    rest.sort_by(|a, b| work_number_order(a, b));
    ids.extend(rest);
    let mut out = Vec::new();
    for w in ids {
        let Some(list) = per_work.get(w) else {
            continue;
        };
        let title = works
            .iter()
            .find(|r| r.id == w)
            .map(|r| r.title.clone())
            .unwrap_or_default();
        for (i, (j, text)) in list.iter().enumerate() {
            out.push(CommentRow {
                work: w.to_string(),
                title: title.clone(),
                letter: letter(i),
                judge: j.to_string(),
                name: judges
                    .iter()
                    .find(|r| r.id == *j)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                text: text.to_string(),
            });
        }
    }
    out
}

/// One assigned work on a judge's score sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetLine {
    pub work: String,
    pub title: String,
    pub unit: String,
    /// Points per criterion in rubric order (`None`: not scored).
    pub points: Vec<Option<Points>>,
    /// Subtotal per rubric group (`None` when a criterion of the group is unscored).
    pub groups: Vec<Option<Points>>,
    /// Sum of the criteria; `None` unless every criterion is scored.
    pub total: Option<Points>,
    pub comment: String,
    /// The judge's own reason, on their own sheet (never in the results).
    pub recusal: Option<String>,
}

/// A judge's 专家评分表.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgeSheet {
    pub judge: String,
    pub name: String,
    pub unit: String,
    pub lines: Vec<SheetLine>,
    pub ballot_id: Option<String>,
    pub revision: u64,
    /// The receipt of the last merged ballot (see [`crate::chain::receipt`]).
    pub receipt: Option<String>,
    pub submitted: bool,
}

/// One sheet per judge with an assignment, judges in id order, works by number.
pub fn judge_sheets(
    contest: &Contest,
    works: &[WorkRecord],
    judges: &[JudgeRecord],
    assignments: &[(String, String)],
    merged: &MergedScores,
    ballots: &[BallotRecord],
) -> Vec<JudgeSheet> {
    let criteria: Vec<_> = contest.rubric.criteria().collect();
    let mut out = Vec::new();
    let mut judges: Vec<&JudgeRecord> = judges.iter().collect();
    judges.sort_by(|a, b| work_number_order(&a.id, &b.id).then(a.id.cmp(&b.id)));
    for j in judges {
        let mut mine: Vec<&str> = assignments
            .iter()
            .filter(|(_, judge)| *judge == j.id)
            .map(|(w, _)| w.as_str())
            .collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by(|a, b| work_number_order(a, b).then(a.cmp(b)));
        mine.dedup();
        let lines = mine
            .into_iter()
            .map(|w| {
                let key = (j.id.clone(), w.to_string());
                let recusal = merged.recusals.get(&key).cloned();
                let points: Vec<Option<Points>> = criteria
                    .iter()
                    .map(|c| {
                        if recusal.is_some() {
                            return None;
                        }
                        merged.scores.get(&j.id, w, &c.id).map(|s| c.points(s))
                    })
                    .collect();
                let mut at = 0;
                let groups = contest
                    .rubric
                    .groups
                    .iter()
                    .map(|g| {
                        let part = &points[at..at + g.criteria.len()];
                        at += g.criteria.len();
                        part.iter()
                            .try_fold(0i64, |acc, p| p.map(|p| acc + p.0))
                            .map(Points)
                    })
                    .collect();
                let total = points
                    .iter()
                    .try_fold(0i64, |acc, p| p.map(|p| acc + p.0))
                    .map(Points);
                let rec = works.iter().find(|r| r.id == w);
                SheetLine {
                    work: w.to_string(),
                    title: rec.map(|r| r.title.clone()).unwrap_or_default(),
                    unit: rec.map(|r| r.unit.clone()).unwrap_or_default(),
                    points,
                    groups,
                    total,
                    // A recused pair contributes nothing, a comment left before recusing
                    // included.
                    comment: if recusal.is_some() {
                        String::new()
                    } else {
                        merged.comments.get(&key).cloned().unwrap_or_default()
                    },
                    recusal,
                }
            })
            .collect();
        let ballot = ballots.iter().find(|b| b.judge_id == j.id);
        out.push(JudgeSheet {
            judge: j.id.clone(),
            name: j.name.clone(),
            unit: j.unit.clone(),
            lines,
            ballot_id: ballot.map(|b| b.ballot_id.clone()),
            revision: ballot.map_or(0, |b| b.merged_revision),
            receipt: super::ballot_receipt(ballot),
            submitted: ballot.is_some_and(|b| b.submitted),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_go_past_z() {
        let l: Vec<String> = [0, 1, 25, 26, 27, 51, 52].map(letter).to_vec();
        assert_eq!(l, ["A", "B", "Z", "AA", "AB", "AZ", "BA"]);
    }
}
