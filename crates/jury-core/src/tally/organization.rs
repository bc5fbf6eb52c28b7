//! 优秀组织奖: the award to the organisers (recommending districts, or units) whose works did
//! best, by the rule in `[awards.organization]`.
//!
//! Each awarded work gives its organiser the points of its award (`points`, by tier id or
//! `rest`); works without an award, and works whose award the panel still has to decide,
//! give nothing. Organisers are ordered by points, then by the tie-break (more or fewer works
//! recommended); organisers equal on both share the place. The award goes to every
//! organiser placed within `count` — so organisers sharing the last place are all included,
//! and the list says how many that makes. A work without a district (or unit) counts for
//! nobody.

use std::collections::BTreeMap;

use super::{Award, AwardOutcome};
use crate::model::contest::AwardRules;
use crate::model::paperwork::{OrgTieBreak, OrganizationAward};

/// One organiser's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    /// The district or unit, as the forms give it.
    pub name: String,
    /// Works it recommended (ranked or not).
    pub recommended: usize,
    /// Awarded works per award: one count per tier in contest order, then the rest label.
    pub by_award: Vec<usize>,
    pub points: u32,
    /// Competition ranking (1, 2, 2, 4).
    pub place: usize,
    /// Placed within the award's count.
    pub awarded: bool,
    /// Equal points with the organiser above, separated by the tie-break.
    pub tie_broken: bool,
}

/// The computed award: every organiser with a recommended work, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAwards {
    pub rows: Vec<OrgRow>,
    /// How many got it (more than `count` when the last place is shared).
    pub given: usize,
    pub count: usize,
}

/// Points of one award under `rule`.
fn points_of(award: Award, awards: &AwardRules, rule: &OrganizationAward) -> u32 {
    rule.points.get(award.id(awards)).copied().unwrap_or(0)
}

/// Computes the award from each work's organiser and award outcome.
pub fn organization_awards<'a>(
    rule: &OrganizationAward,
    awards: &AwardRules,
    works: impl IntoIterator<Item = (&'a str, Option<AwardOutcome>)>,
) -> OrgAwards {
    let slots = awards.tiers.len() + 1;
    let mut by: BTreeMap<&str, OrgRow> = BTreeMap::new();
    for (name, outcome) in works {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let row = by.entry(name).or_insert_with(|| OrgRow {
            name: name.to_string(),
            recommended: 0,
            by_award: vec![0; slots],
            points: 0,
            place: 0,
            awarded: false,
            tie_broken: false,
        });
        row.recommended += 1;
        if let Some(AwardOutcome::Awarded(a)) = outcome {
            let slot = match a {
                Award::Tier(i) => i,
                Award::Rest => slots - 1,
            };
            row.by_award[slot] += 1;
            row.points += points_of(a, awards, rule);
        }
    }
    let tie_key = |r: &OrgRow| -> i64 {
        match rule.tie_break {
            OrgTieBreak::MoreRecommended => r.recommended as i64,
            OrgTieBreak::FewerRecommended => -(r.recommended as i64),
            OrgTieBreak::Shared => 0,
        }
    };
    let mut rows: Vec<OrgRow> = by.into_values().collect();
    rows.sort_by(|a, b| {
        b.points
            .cmp(&a.points)
            .then(tie_key(b).cmp(&tie_key(a)))
            .then(a.name.cmp(&b.name))
    });
    for i in 0..rows.len() {
        let (place, broken) = if i == 0 {
            (1, false)
        } else {
            let (prev, cur) = (&rows[i - 1], &rows[i]);
            let same_points = prev.points == cur.points;
            if same_points && tie_key(prev) == tie_key(cur) {
                (prev.place, false)
            } else {
                (i + 1, same_points)
            }
        };
        rows[i].place = place;
        rows[i].tie_broken = broken;
        // Nothing won, nothing to honour: an organiser without points gets no award.
        rows[i].awarded = place <= rule.count && rows[i].points > 0;
    }
    let given = rows.iter().filter(|r| r.awarded).count();
    OrgAwards {
        rows,
        given,
        count: rule.count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::paperwork::OrgBy;

    fn rules() -> AwardRules {
        crate::data::contest_template("cq-2023-short-video")
            .unwrap()
            .awards
    }

    #[test]
    fn points_ties_and_the_count() {
        let awards = rules();
        let rule = OrganizationAward {
            count: 2,
            label_zh: "优秀组织奖".into(),
            label_en: "x".into(),
            by: OrgBy::District,
            points: [("first", 5), ("second", 3), ("third", 2), ("rest", 1)]
                .map(|(k, v)| (k.to_string(), v))
                .into(),
            tie_break: OrgTieBreak::MoreRecommended,
        };
        let a = |t| Some(AwardOutcome::Awarded(t));
        let works = vec![
            ("渝中区", a(Award::Tier(0))), // 5
            ("北碚区", a(Award::Tier(1))), // 3
            ("北碚区", a(Award::Tier(2))), // 2 → 5, 3 recommended
            ("北碚区", None),
            ("江北区", a(Award::Rest)), // 1
            ("", a(Award::Tier(0))),    // nobody's
            ("万州区", None),
        ];
        let r = organization_awards(&rule, &awards, works.clone());
        let names: Vec<(&str, u32, usize, bool, bool)> = r
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.points, r.place, r.awarded, r.tie_broken))
            .collect();
        assert_eq!(
            names,
            [
                ("北碚区", 5, 1, true, false),
                ("渝中区", 5, 2, true, true),
                ("江北区", 1, 3, false, false),
                ("万州区", 0, 4, false, false),
            ]
        );
        assert_eq!(r.rows[0].by_award, [0, 1, 1, 0]);
        assert_eq!(r.given, 2);
        // Shared: the two 5-point districts share place 1, and the count of 1 takes both.
        let shared = OrganizationAward {
            tie_break: OrgTieBreak::Shared,
            count: 1,
            ..rule
        };
        let r = organization_awards(&shared, &awards, works);
        assert_eq!((r.rows[0].place, r.rows[1].place, r.given), (1, 1, 2));
    }
}
