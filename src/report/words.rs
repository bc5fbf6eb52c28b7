//! The results in words: the typed data of [`ResultsView`] (award outcomes, tier cut-offs,
//! boundary ties, fallback rules, z-score blockers, missing-score reasons) turned into the
//! sentences every output shares, in the reader's language, from `locales/report.yml`.
//!
//! jury-core decides; this module only says. [`ResultsWords`] adds the sentences to
//! [`ResultsView`] so a renderer (or the organizer TUI) writes `view.cutoff_lines(lang)`.

use super::view::{fmt_score, score_text, ResultsView, RuleNote, TieBroken, WorkRow};
use crate::i18n::Lang;
use crate::tr;
use jury_core::model::contest::{AggregationMethod, Rounding, TieBreak};
use jury_core::model::Contest;
use jury_core::tally::{Award, AwardOutcome, MissingReason, ZscoreBlocker};

/// The first columns of every ranked table (the terminal's, the report's, the sheets').
pub const RANKED_COLUMNS: &[&str] = &[
    "report.col.place",
    "report.col.award",
    "report.col.number",
    "report.col.title",
    "report.col.unit",
];

/// The columns naming an awarded work: the award list's and the certificates' mail merge.
pub const AWARDED_WORK_COLUMNS: &[&str] = &[
    "report.col.award",
    "report.col.number",
    "report.col.title",
    "report.col.unit",
    "report.public.district",
    "report.public.creators",
];

/// The sentences of a [`ResultsView`].
pub trait ResultsWords {
    /// The ranked table's columns (HTML): place, award, number, title, unit, district, score,
    /// one subtotal per rubric group, judges.
    fn ranked_headers(&self, lang: Lang) -> Vec<String>;
    /// `ranked_headers` and the rule note (CSV and XLSX, where notes have no footnotes).
    fn result_headers(&self, lang: Lang) -> Vec<String>;
    /// One header per rubric group: its label, marked "(mean)" when some work's subtotals
    /// are plain means that do not add up to its score (z-score).
    fn subtotal_labels(&self, lang: Lang) -> Vec<String>;
    /// The award as text: tier label, "panel decides (A / B)", or "" when unranked.
    fn award_label(&self, row: &WorkRow, lang: Lang) -> String;
    /// One sentence on the provisional state, or `None` when every ballot is in.
    fn provisional_banner(&self, lang: Lang) -> Option<String>;
    /// "暂定"/"provisional" or "最终"/"final", for a status column.
    fn status_word(&self, lang: Lang) -> &'static str;
    /// One line per tier: share, target, awarded, last place and its aggregate.
    fn cutoff_lines(&self, lang: Lang) -> Vec<String>;
    /// Boundary ties and how the contest's rule settled them.
    fn boundary_lines(&self, lang: Lang) -> Vec<String>;
    /// Works that are ranked on a rule other than the method's own, with the note.
    fn rule_notes(&self, lang: Lang) -> Vec<(String, String)>;
    /// Why the z-score method cannot be used, if it cannot.
    fn zscore_note(&self, lang: Lang) -> Option<String>;
    /// One line per pair of equal aggregates that the tie-break order put in order.
    fn tie_lines(&self, lang: Lang) -> Vec<String>;
    /// The note column of a results row: its fallback rule, then its broken ties.
    fn row_note(&self, row: &WorkRow, lang: Lang) -> String;
}

impl ResultsWords for ResultsView {
    fn ranked_headers(&self, lang: Lang) -> Vec<String> {
        let mut h = crate::i18n::texts(lang, RANKED_COLUMNS);
        h.extend(crate::i18n::texts(
            lang,
            &["report.col.district", "report.col.score"],
        ));
        h.extend(self.subtotal_labels(lang));
        h.push(tr!(lang, "report.col.judges").into());
        h
    }

    fn result_headers(&self, lang: Lang) -> Vec<String> {
        let mut h = self.ranked_headers(lang);
        h.push(tr!(lang, "report.col.rule_note").into());
        h
    }

    fn subtotal_labels(&self, lang: Lang) -> Vec<String> {
        let plain = self.plain_subtotals();
        self.group_labels(lang)
            .into_iter()
            .map(|g| {
                if plain {
                    tr!(lang, "report.col.group_plain", group = g)
                } else {
                    g.to_string()
                }
            })
            .collect()
    }

    fn award_label(&self, row: &WorkRow, lang: Lang) -> String {
        let rules = &self.contest.awards;
        match row.award {
            Some(AwardOutcome::Awarded(a)) => a.label(rules, lang).to_string(),
            Some(AwardOutcome::PanelDecides { best, worst }) => tr!(
                lang,
                "report.award.panel_decides",
                best = best.label(rules, lang),
                worst = worst.label(rules, lang)
            ),
            None => super::rounds::standing_label(self, row, lang).unwrap_or_default(),
        }
    }

    fn provisional_banner(&self, lang: Lang) -> Option<String> {
        self.provisional.then(|| {
            tr!(
                lang,
                "report.banner.provisional",
                who = self.tally.unsubmitted.join(", ")
            )
        })
    }

    fn status_word(&self, lang: Lang) -> &'static str {
        if self.provisional {
            tr!(lang, "report.status.provisional")
        } else {
            tr!(lang, "report.status.final")
        }
    }

    fn cutoff_lines(&self, lang: Lang) -> Vec<String> {
        let rules = &self.contest.awards;
        let rounding = rounding_label(rules.rounding, lang);
        self.tally
            .tiers
            .iter()
            .map(|t| {
                let label = t.award.label(rules, lang);
                let last = match (t.last_place, t.lowest) {
                    (Some(place), Some(score)) => {
                        tr!(
                            lang,
                            "report.cutoff.last",
                            place = place,
                            score = score_text(score)
                        )
                    }
                    _ => tr!(lang, "report.none").to_string(),
                };
                let undecided = if t.undecided > 0 {
                    tr!(lang, "report.cutoff.undecided", n = t.undecided)
                } else {
                    String::new()
                };
                match t.award {
                    Award::Rest => tr!(
                        lang,
                        "report.cutoff.rest",
                        label = label,
                        awarded = t.awarded,
                        last = last,
                        undecided = undecided
                    ),
                    Award::Tier(_) => tr!(
                        lang,
                        "report.cutoff.tier",
                        label = label,
                        share = t.share_percent,
                        rounding = rounding,
                        cumulative = t.cumulative_target,
                        target = t.target,
                        awarded = t.awarded,
                        last = last,
                        undecided = undecided
                    ),
                }
            })
            .collect()
    }

    fn boundary_lines(&self, lang: Lang) -> Vec<String> {
        let rules = &self.contest.awards;
        self.tally
            .boundary_ties
            .iter()
            .map(|b| {
                let works = b.works.join(", ");
                let (best, worst) = (b.best.label(rules, lang), b.worst.label(rules, lang));
                match b.settled {
                    Some(a) => tr!(
                        lang,
                        "report.boundary.settled",
                        place = b.place,
                        works = works,
                        best = best,
                        worst = worst,
                        award = a.label(rules, lang)
                    ),
                    None => tr!(
                        lang,
                        "report.boundary.panel",
                        place = b.place,
                        works = works,
                        best = best,
                        worst = worst
                    ),
                }
            })
            .collect()
    }

    fn rule_notes(&self, lang: Lang) -> Vec<(String, String)> {
        self.fallback_notes()
            .into_iter()
            .map(|(w, n)| (w.to_string(), rule_note(n, lang)))
            .collect()
    }

    fn tie_lines(&self, lang: Lang) -> Vec<String> {
        self.rows
            .iter()
            .flat_map(|r| {
                r.ties_broken.iter().filter(|t| t.above).map(move |t| {
                    tr!(
                        lang,
                        "report.tie.pair",
                        upper = r.work,
                        lower = t.with,
                        score = fmt_score(r.aggregate),
                        by = tie_break_label(&t.by, &self.contest, lang)
                    )
                })
            })
            .collect()
    }

    fn row_note(&self, row: &WorkRow, lang: Lang) -> String {
        super::rounds::standing_note(self, row, lang)
            .into_iter()
            .chain(row.rule_note().map(|n| rule_note(n, lang)))
            .chain(
                row.ties_broken
                    .iter()
                    .map(|t| tie_note(t, &self.contest, lang)),
            )
            .collect::<Vec<_>>()
            .join(tr!(lang, "report.list_sep"))
    }

    fn zscore_note(&self, lang: Lang) -> Option<String> {
        let reasons: Vec<String> = self
            .zscore_blockers()?
            .iter()
            .map(|b| zscore_blocker(b, lang))
            .collect();
        Some(tr!(
            lang,
            "report.zscore.not_possible",
            reasons = reasons.join(tr!(lang, "report.list_sep"))
        ))
    }
}

/// "是"/"yes" or "否"/"no".
pub fn yes_no(yes: bool, lang: Lang) -> &'static str {
    if yes {
        tr!(lang, "report.yes")
    } else {
        tr!(lang, "report.no")
    }
}

/// Footnote for a work ranked on a fallback rule, e.g. too few scores to trim.
pub fn rule_note(note: RuleNote, lang: Lang) -> String {
    match note {
        RuleNote::TooFewToTrim { scored, needed } => tr!(
            lang,
            "report.rule.too_few_to_trim",
            scored = scored,
            needed = needed
        ),
        RuleNote::ZscoreFallback => tr!(lang, "report.rule.zscore_fallback").into(),
    }
}

/// What decided a tie: the rubric group's or criterion's label, or "top scores".
pub fn tie_break_label(by: &TieBreak, contest: &Contest, lang: Lang) -> String {
    let rubric = &contest.rubric;
    match by {
        TieBreak::Group(id) => rubric
            .groups
            .iter()
            .find(|g| &g.id == id)
            .map_or_else(|| id.clone(), |g| g.label(lang).to_string()),
        TieBreak::Criterion(id) => rubric
            .criterion(id)
            .map_or_else(|| id.clone(), |c| c.label(lang).to_string()),
        TieBreak::TopScores => tr!(lang, "report.tie.top_scores").into(),
    }
}

/// A work's side of a tie the tie-break order settled, e.g. "与作品 2 同分，按题材内容排前".
pub fn tie_note(t: &TieBroken, contest: &Contest, lang: Lang) -> String {
    let by = tie_break_label(&t.by, contest, lang);
    if t.above {
        tr!(lang, "report.tie.ahead", work = t.with, by = by)
    } else {
        tr!(lang, "report.tie.behind", work = t.with, by = by)
    }
}

/// One reason the z-scores cannot be computed.
pub fn zscore_blocker(b: &ZscoreBlocker, lang: Lang) -> String {
    match b {
        ZscoreBlocker::NoScores => tr!(lang, "report.zscore.no_scores").into(),
        ZscoreBlocker::TooFewWorks(j) => tr!(lang, "report.zscore.too_few_works", judge = j),
        ZscoreBlocker::NoVariation(j) => tr!(lang, "report.zscore.no_variation", judge = j),
        ZscoreBlocker::Disconnected { components } => {
            tr!(lang, "report.zscore.disconnected", components = components)
        }
    }
}

/// How the tier shares are rounded.
pub fn rounding_label(rounding: Rounding, lang: Lang) -> &'static str {
    match rounding {
        Rounding::Floor => tr!(lang, "report.rounding.floor"),
        Rounding::Ceil => tr!(lang, "report.rounding.ceil"),
        Rounding::Nearest => tr!(lang, "report.rounding.nearest"),
    }
}

/// Name of an aggregation method.
pub fn method_label(method: AggregationMethod, lang: Lang) -> &'static str {
    match method {
        AggregationMethod::Mean => tr!(lang, "report.method.mean"),
        AggregationMethod::TrimmedMean => tr!(lang, "report.method.trimmed"),
        AggregationMethod::Zscore => tr!(lang, "report.method.zscore"),
    }
}

/// Short name of an aggregation method, for column headers.
pub fn method_short(method: AggregationMethod, lang: Lang) -> &'static str {
    match method {
        AggregationMethod::Mean => tr!(lang, "report.method_short.mean"),
        AggregationMethod::TrimmedMean => tr!(lang, "report.method_short.trimmed"),
        AggregationMethod::Zscore => tr!(lang, "report.method_short.zscore"),
    }
}

/// Why an assigned pair has no counted score (never with values); criteria by their label.
pub fn missing_label(reason: &MissingReason, contest: &Contest, lang: Lang) -> String {
    let label = |id: &str| {
        contest
            .rubric
            .criterion(id)
            .map_or_else(|| id.to_string(), |c| c.label(lang).to_string())
    };
    match reason {
        MissingReason::NoSheet => tr!(lang, "report.missing.no_sheet").into(),
        MissingReason::Incomplete => tr!(lang, "report.missing.incomplete").into(),
        MissingReason::Unscored(c) => tr!(lang, "report.missing.unscored", criterion = label(c)),
        MissingReason::UnknownCriterion(c) => {
            tr!(lang, "report.missing.unknown_criterion", criterion = c)
        }
        MissingReason::OutOfRange(c) => {
            tr!(lang, "report.missing.out_of_range", criterion = label(c))
        }
        MissingReason::Duplicate => tr!(lang, "report.missing.duplicate").into(),
        MissingReason::NotSubmitted => tr!(lang, "report.missing.not_submitted").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_notes_read_in_both_languages() {
        let note = RuleNote::TooFewToTrim {
            scored: 2,
            needed: 3,
        };
        assert_eq!(
            rule_note(note, Lang::Zh),
            "仅 2 个有效评分（去掉最高最低分需至少 3 个），采用平均分"
        );
        assert_eq!(
            rule_note(note, Lang::En),
            "mean: 2 scores, trimming needs 3"
        );
        assert_eq!(
            zscore_blocker(&ZscoreBlocker::Disconnected { components: 2 }, Lang::Zh),
            "评委与作品分成 2 组互不相连"
        );
        assert_eq!(
            zscore_blocker(&ZscoreBlocker::TooFewWorks("J9".into()), Lang::En),
            "judge J9 scored fewer than 2 works"
        );
    }

    #[test]
    fn methods_and_roundings_have_names() {
        assert_eq!(
            method_label(AggregationMethod::TrimmedMean, Lang::Zh),
            "去掉最高最低分的平均分"
        );
        assert_eq!(method_short(AggregationMethod::Zscore, Lang::En), "z-score");
        assert_eq!(rounding_label(Rounding::Nearest, Lang::Zh), "四舍五入");
        assert_eq!(rounding_label(Rounding::Floor, Lang::En), "rounded down");
    }
}
