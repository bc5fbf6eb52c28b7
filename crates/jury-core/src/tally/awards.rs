//! Award tiers by share of the ranked works.
//!
//! With `n` ranked works and tiers of shares s₁, s₂, … percent, tier `i` nominally takes
//! the positions up to the cumulative cut-off `cᵢ = round((s₁ + … + sᵢ) · n / 100)` with the
//! contest's rounding (`floor`, `ceil`, or `nearest` with halves rounded up). Rounding the
//! cumulative share, not each tier's share, keeps rounding errors from adding up. Positions
//! after the last cut-off get the rest label.
//!
//! Works that share a place but whose positions fall on both sides of a cut-off are a
//! boundary tie, settled by `awards.boundary_ties`: `up` gives every tied work the best
//! tier any of them reaches, `down` the worst, `flag` gives none of them a tier and asks the
//! panel to decide ([`AwardOutcome::PanelDecides`], listed in [`BoundaryTie`]). The next
//! tier still ends at its own cumulative cut-off, so works pulled up by `up` come out of the
//! tier below, and works pushed down by `down` join it. A tie may span several cut-offs.

use super::Score;
use crate::lang::Lang;
use crate::model::contest::{AwardRules, BoundaryTies, Rounding};
use crate::model::paperwork::RestRule;

/// A tier of `awards.tiers` by index, or the rest label. Better awards order first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Award {
    Tier(usize),
    Rest,
}

impl Award {
    /// The tier's name from contest.toml (data with both languages, not prose).
    pub fn label(self, rules: &AwardRules, lang: Lang) -> &str {
        match self {
            Award::Tier(i) => rules.tiers[i].label(lang),
            Award::Rest => rules.rest_label(lang),
        }
    }

    /// The tier's id from contest.toml, or "rest".
    pub fn id(self, rules: &AwardRules) -> &str {
        match self {
            Award::Tier(i) => &rules.tiers[i].id,
            Award::Rest => "rest",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwardOutcome {
    Awarded(Award),
    /// Tied across a cut-off under the `flag` rule: the panel chooses between `best` and
    /// `worst` (inclusive).
    PanelDecides {
        best: Award,
        worst: Award,
    },
}

/// Tied works straddling one or more cut-offs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryTie {
    pub place: usize,
    /// Work ids, by id.
    pub works: Vec<String>,
    pub best: Award,
    pub worst: Award,
    /// What the rule gave them: `best` (up), `worst` (down), or `None` (flag).
    pub settled: Option<Award>,
}

/// What the report states about one tier (and, last, about the rest label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierCutoff {
    pub award: Award,
    pub share_percent: u32,
    /// Positions this tier and the better ones take by share and rounding.
    pub cumulative_target: usize,
    /// Positions this tier takes by share and rounding.
    pub target: usize,
    /// Works that got this award after the boundary rule.
    pub awarded: usize,
    /// Worst place and lowest aggregate among them: the cut-off.
    pub last_place: Option<usize>,
    pub lowest: Option<Score>,
    /// Flagged works for which this award is one of the panel's options.
    pub undecided: usize,
}

pub(crate) struct Awarded {
    /// `None`: ranked, but after the rest rule's last honourable mention.
    pub outcomes: Vec<Option<AwardOutcome>>,
    pub cutoffs: Vec<TierCutoff>,
    pub boundary_ties: Vec<BoundaryTie>,
}

/// Cumulative cut-off: how many of `n` positions `share_percent` covers under `rounding`.
pub fn cutoff(share_percent: u32, n: usize, rounding: Rounding) -> usize {
    let x = u64::from(share_percent) * n as u64;
    let c = match rounding {
        Rounding::Floor => x / 100,
        Rounding::Ceil => x.div_ceil(100),
        Rounding::Nearest => (2 * x + 100) / 200,
    };
    (c as usize).min(n)
}

/// `places`, `aggregates` and `ids` describe the ranked works in rank order.
pub(crate) fn assign(
    places: &[usize],
    aggregates: &[Score],
    ids: &[&str],
    rules: &AwardRules,
    base: Option<usize>,
) -> Awarded {
    let n = places.len();
    // Shares are of `base` entries when given (`[awards] base = "all"`), capped at the ranked.
    let base = base.unwrap_or(n).max(n);
    let mut cumulative = Vec::with_capacity(rules.tiers.len());
    let mut share = 0;
    for t in &rules.tiers {
        share += t.share_percent;
        cumulative.push(cutoff(share.min(100), base, rules.rounding).min(n));
    }
    let nominal = |pos: usize| {
        cumulative
            .iter()
            .position(|&c| pos < c)
            .map_or(Award::Rest, Award::Tier)
    };

    let mut outcomes = Vec::with_capacity(n);
    let mut boundary_ties = Vec::new();
    let mut start = 0;
    while start < n {
        let end = (start..n)
            .find(|&p| places[p] != places[start])
            .unwrap_or(n);
        let (best, worst) = (nominal(start), nominal(end - 1));
        let outcome = if best == worst {
            AwardOutcome::Awarded(best)
        } else {
            let settled = match rules.boundary_ties {
                BoundaryTies::Up => Some(best),
                BoundaryTies::Down => Some(worst),
                BoundaryTies::Flag => None,
            };
            let mut works: Vec<String> = ids[start..end].iter().map(|s| s.to_string()).collect();
            works.sort();
            boundary_ties.push(BoundaryTie {
                place: places[start],
                works,
                best,
                worst,
                settled,
            });
            settled.map_or(
                AwardOutcome::PanelDecides { best, worst },
                AwardOutcome::Awarded,
            )
        };
        outcomes.extend(std::iter::repeat_n(Some(outcome), end - start));
        start = end;
    }
    limit_rest(&mut outcomes, places, rules.rest);

    let awards = (0..rules.tiers.len()).map(Award::Tier).chain([Award::Rest]);
    let cutoffs = awards
        .map(|award| {
            let (cumulative_target, previous, share_percent) = match award {
                Award::Tier(i) => (cumulative[i], if i == 0 { 0 } else { cumulative[i - 1] }, rules.tiers[i].share_percent),
                Award::Rest => {
                    let previous = cumulative.last().copied().unwrap_or(0);
                    let end = match rules.rest {
                        RestRule::All => n,
                        RestRule::None => previous,
                        RestRule::Count(c) => (previous + c).min(n),
                    };
                    (end, previous, 100u32.saturating_sub(share))
                }
            };
            let mine: Vec<usize> = (0..n).filter(|&p| outcomes[p] == Some(AwardOutcome::Awarded(award))).collect();
            let undecided = outcomes
                .iter()
                .filter(|o| matches!(o, Some(AwardOutcome::PanelDecides { best, worst }) if (*best..=*worst).contains(&award)))
                .count();
            TierCutoff {
                award,
                share_percent,
                cumulative_target,
                target: cumulative_target - previous,
                awarded: mine.len(),
                last_place: mine.last().map(|&p| places[p]),
                lowest: mine.last().map(|&p| aggregates[p]),
                undecided,
            }
        })
        .collect();
    Awarded {
        outcomes,
        cutoffs,
        boundary_ties,
    }
}

/// Applies `[awards] rest`: after `All` every rest-label work keeps it; after `None` none
/// does; after `Count(c)` the first `c` do, and every work sharing the place of the `c`-th.
fn limit_rest(outcomes: &mut [Option<AwardOutcome>], places: &[usize], rule: RestRule) {
    let keep = match rule {
        RestRule::All => return,
        RestRule::None => 0,
        RestRule::Count(c) => c,
    };
    let rest = Some(AwardOutcome::Awarded(Award::Rest));
    let mut given = 0;
    let mut last_place = None;
    for (pos, o) in outcomes.iter_mut().enumerate() {
        if *o != rest {
            continue;
        }
        if given < keep || last_place == Some(places[pos]) {
            given += 1;
            last_place = Some(places[pos]);
        } else {
            *o = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(rest: RestRule) -> AwardRules {
        let text = crate::data::CONTEST_2023;
        let mut c = crate::model::Contest::from_toml("c.toml", text, crate::data::rubric).unwrap();
        c.awards.rest = rest;
        c.awards
    }

    #[test]
    fn the_rest_rule_decides_who_gets_the_rest_label() {
        // 10 works, places 1..8 then 8= 8= (two share place 8): tiers take round(1), round(2.5)=3, 5.
        let places = [1, 2, 3, 4, 5, 6, 7, 8, 8, 10];
        let aggs: Vec<Score> = (0..10).map(|i| Score::mean(9000 - 100 * i, 1)).collect();
        let ids: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
        let ids: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
        let rest = Some(AwardOutcome::Awarded(Award::Rest));
        let count = |r: RestRule| {
            let a = assign(&places, &aggs, &ids, &rules(r), None);
            let n = a.outcomes.iter().filter(|o| **o == rest).count();
            let cut = a.cutoffs.last().unwrap().clone();
            (n, cut.awarded, a.outcomes[9])
        };
        assert_eq!(count(RestRule::All), (5, 5, rest));
        assert_eq!(count(RestRule::None), (0, 0, None));
        assert_eq!(count(RestRule::Count(2)), (2, 2, None));
        // The 3rd honourable mention is at place 8, shared with the 4th: both get it.
        assert_eq!(count(RestRule::Count(3)), (4, 4, None));
        assert_eq!(count(RestRule::Count(99)), (5, 5, rest));
    }

    #[test]
    fn cutoffs_round_the_cumulative_share() {
        use Rounding::*;
        // 10 % of 23 = 2.3, 25 % = 5.75, 50 % = 11.5.
        assert_eq!(
            [
                cutoff(10, 23, Floor),
                cutoff(25, 23, Floor),
                cutoff(50, 23, Floor)
            ],
            [2, 5, 11]
        );
        assert_eq!(
            [
                cutoff(10, 23, Ceil),
                cutoff(25, 23, Ceil),
                cutoff(50, 23, Ceil)
            ],
            [3, 6, 12]
        );
        assert_eq!(
            [
                cutoff(10, 23, Nearest),
                cutoff(25, 23, Nearest),
                cutoff(50, 23, Nearest)
            ],
            [2, 6, 12]
        );
        assert_eq!(cutoff(10, 5, Nearest), 1); // 0.5 rounds up
        assert_eq!(cutoff(100, 7, Ceil), 7);
        assert_eq!(cutoff(10, 0, Ceil), 0);
    }
}
