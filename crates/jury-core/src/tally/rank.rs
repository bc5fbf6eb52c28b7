//! Ranking: aggregate first, then the contest's tie-break chain; ties that survive share a
//! place (competition ranking: 1, 2, 2, 4). Works with fewer counted sheets than
//! [`super::TallyParams::min_scores`] are not ranked and are listed after the ranked ones.
//!
//! Tie-breaks, each "higher wins", tried in the order of `contest.tie_break`:
//!
//! * `group:ID` — mean subtotal of that rubric group over the work's counted sheets.
//! * `criterion:ID` — mean points on that criterion over the counted sheets.
//! * `top_scores` — Minshall counts as in HotCRP, on judge totals and made fair to panels of
//!   different sizes: walk the judge-total values from the highest down; at the first value
//!   where the two works' *shares* of judge totals (count at that value ÷ counted sheets)
//!   differ, the larger share wins. With equal panel sizes this is exactly "more top scores,
//!   then more next-to-top scores, …"; it is a lexicographic order on distributions, so it is
//!   a total preorder, and a recusal does not cost a work its top scores.
//!
//! Every comparison is exact. Works that stay equal share the place and are listed by id.

use std::cmp::Ordering;

use super::aggregate::{Aggregates, WorkAgg};
use super::better_first;
use super::input::Panel;
use crate::model::contest::TieBreak;
use crate::model::Contest;

/// How a ranked work relates to the work listed just above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TieNote {
    /// First, unranked, or a different aggregate from the work above.
    None,
    /// Same aggregate as the work above; `contest.tie_break[i]` put this one below.
    BrokenBy(usize),
    /// Same place as the work above: every tie-break agreed.
    Shared,
}

pub(crate) struct Ranked {
    pub work: usize,
    pub place: usize,
    pub tie: TieNote,
}

pub(crate) struct Ranking {
    pub order: Vec<Ranked>,
    pub unranked: Vec<usize>,
}

enum Key {
    Group(usize),
    Criterion(usize),
    Top,
    /// A tie-break naming a group or criterion this rubric does not have: decides nothing.
    Unknown,
}

pub(crate) fn rank(
    panel: &Panel,
    agg: &Aggregates,
    contest: &Contest,
    min_scores: usize,
) -> Ranking {
    let rubric = &contest.rubric;
    let keys: Vec<Key> = contest
        .tie_break
        .iter()
        .map(|t| match t {
            TieBreak::Group(id) => rubric
                .groups
                .iter()
                .position(|g| &g.id == id)
                .map_or(Key::Unknown, Key::Group),
            TieBreak::Criterion(id) => rubric
                .criteria()
                .position(|c| &c.id == id)
                .map_or(Key::Unknown, Key::Criterion),
            TieBreak::TopScores => Key::Top,
        })
        .collect();
    let (mut ranked, unranked): (Vec<usize>, Vec<usize>) = (0..panel.works.len())
        .partition(|&w| panel.cells[w].len() >= min_scores && agg.works[w].aggregate.is_some());
    let cmp = |a: usize, b: usize| compare(&agg.works[a], &agg.works[b], &keys);
    // Work indices follow work numbers, so equal works come out in number order.
    ranked.sort_by(|&a, &b| cmp(a, b).0.then(a.cmp(&b)));
    let mut order: Vec<Ranked> = Vec::with_capacity(ranked.len());
    for (pos, &w) in ranked.iter().enumerate() {
        let (place, tie) = match order.last() {
            None => (1, TieNote::None),
            Some(prev) => match cmp(prev.work, w) {
                (Ordering::Equal, _) => (prev.place, TieNote::Shared),
                (_, Some(i)) => (pos + 1, TieNote::BrokenBy(i)),
                (_, None) => (pos + 1, TieNote::None),
            },
        };
        order.push(Ranked {
            work: w,
            place,
            tie,
        });
    }
    Ranking { order, unranked }
}

/// `Less` when `a` ranks above `b`, and the index of the tie-break that decided (`None`
/// when the aggregate did or nothing did).
fn compare(a: &WorkAgg, b: &WorkAgg, keys: &[Key]) -> (Ordering, Option<usize>) {
    let first = better_first(&a.aggregate, &b.aggregate);
    if first != Ordering::Equal {
        return (first, None);
    }
    for (i, key) in keys.iter().enumerate() {
        let o = match key {
            Key::Group(g) => better_first(&a.group_means.get(*g), &b.group_means.get(*g)),
            Key::Criterion(c) => {
                better_first(&a.criterion_means.get(*c), &b.criterion_means.get(*c))
            }
            Key::Top => top_scores(&a.totals_desc, &b.totals_desc),
            Key::Unknown => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return (o, Some(i));
        }
    }
    (Ordering::Equal, None)
}

/// Minshall comparison on shares (see the module docs); both slices sorted highest first.
/// `Less` when `a` has the larger share at the first value where they differ.
pub(crate) fn top_scores(a: &[i64], b: &[i64]) -> Ordering {
    let (na, nb) = (a.len() as i64, b.len() as i64);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.max(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => unreachable!(),
        };
        let ca = a[i..].iter().take_while(|&&x| x == v).count() as i64;
        let cb = b[j..].iter().take_while(|&&y| y == v).count() as i64;
        // Compare ca/na with cb/nb (ranked works always have at least one total).
        let o = (cb * na).cmp(&(ca * nb));
        if o != Ordering::Equal {
            return o;
        }
        i += ca as usize;
        j += cb as usize;
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_scores_counts_shares_from_the_top() {
        use Ordering::*;
        // More totals at the highest value wins.
        assert_eq!(top_scores(&[90, 90, 70], &[90, 80, 80]), Less);
        // Same top, next value decides.
        assert_eq!(top_scores(&[90, 85], &[90, 80]), Less);
        // Shares, not counts: 1 of 2 at 90 beats 1 of 3 at 90.
        assert_eq!(top_scores(&[90, 60], &[90, 80, 80]), Less);
        // Equal distributions tie, whatever the panel size.
        assert_eq!(top_scores(&[90, 80], &[90, 90, 80, 80]), Equal);
        assert_eq!(top_scores(&[], &[]), Equal);
        assert_eq!(top_scores(&[80], &[90]), Greater);
    }
}
