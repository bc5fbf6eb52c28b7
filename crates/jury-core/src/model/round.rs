//! Rounds (`[[rounds]]` in contest.toml): 初评 with many works and few judges each, then 终评
//! with the shortlist and the full panel. A contest without `[[rounds]]` has one implicit
//! round whose id is empty, and behaves exactly as a contest did before rounds existed.

use serde::{Deserialize, Serialize};

use super::contest::{Aggregation, BoundaryTies, Contest};
use super::rubric::Rubric;

/// Who goes on from the round before: the best `N` works, or the best `P` percent (rounded
/// up, at least one). Ties at the cut are settled by the round's `boundary_ties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Advance {
    Top(u32),
    TopPercent(u32),
}

impl Advance {
    /// How many of `ranked` works the rule takes before ties are considered.
    pub fn count(self, ranked: usize) -> usize {
        match self {
            Advance::Top(n) => (n as usize).min(ranked),
            Advance::TopPercent(p) => {
                let c = (u64::from(p) * ranked as u64).div_ceil(100) as usize;
                c.clamp(usize::from(ranked > 0), ranked)
            }
        }
    }
}

/// One round; `R` is its own rubric: a name as contest.toml writes it ([`RawRound`]), the
/// loaded rubric once resolved ([`Round`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundOf<R> {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub judges_per_work: u32,
    #[serde(default = "none")]
    pub rubric: Option<R>,
    #[serde(default)]
    pub aggregation: Option<Aggregation>,
    /// Required for every round after the first.
    #[serde(default)]
    pub advance: Option<Advance>,
    /// Tied works at the advance cut: `up` all advance, `down` none, `flag` the panel decides
    /// (`jury advance` refuses until `--force`, which lets them all advance).
    #[serde(default = "up")]
    pub boundary_ties: BoundaryTies,
    /// Blind judging for this round (overrides the contest's `blind`).
    #[serde(default)]
    pub blind: Option<bool>,
}

/// One round, resolved: its own rubric and aggregation when contest.toml gives them.
pub type Round = RoundOf<Rubric>;

/// `[[rounds]]` as written in contest.toml (the rubric is still a name).
pub(crate) type RawRound = RoundOf<String>;

impl RawRound {
    /// This round with its rubric resolved (`rubric` is what its name loaded, if it has one).
    pub(crate) fn resolved(self, rubric: Option<Rubric>) -> Round {
        RoundOf {
            id: self.id,
            label_zh: self.label_zh,
            label_en: self.label_en,
            judges_per_work: self.judges_per_work,
            rubric,
            aggregation: self.aggregation,
            advance: self.advance,
            boundary_ties: self.boundary_ties,
            blind: self.blind,
        }
    }
}

fn none<R>() -> Option<R> {
    None
}

fn up() -> BoundaryTies {
    BoundaryTies::Up
}

crate::bilingual! {
    Round { label: label_zh / label_en }
}

impl Contest {
    /// The rounds in order; a contest without `[[rounds]]` has one implicit round with an
    /// empty id and the contest's own settings.
    pub fn round_list(&self) -> Vec<Round> {
        if !self.rounds.is_empty() {
            return self.rounds.clone();
        }
        vec![Round {
            id: String::new(),
            label_zh: String::new(),
            label_en: String::new(),
            judges_per_work: self.judges_per_work,
            rubric: None,
            aggregation: None,
            advance: None,
            boundary_ties: BoundaryTies::Up,
            blind: None,
        }]
    }

    /// Explicit `[[rounds]]`: ballot files and reports name their round.
    pub fn has_rounds(&self) -> bool {
        !self.rounds.is_empty()
    }

    pub fn round(&self, id: &str) -> Option<Round> {
        self.round_list().into_iter().find(|r| r.id == id)
    }

    /// The first round's id ("" without `[[rounds]]`).
    pub fn first_round(&self) -> String {
        self.rounds
            .first()
            .map(|r| r.id.clone())
            .unwrap_or_default()
    }

    /// The round after `id`, if any.
    pub fn next_round(&self, id: &str) -> Option<Round> {
        let list = self.round_list();
        let i = list.iter().position(|r| r.id == id)?;
        list.get(i + 1).cloned()
    }

    /// The contest as round `id` judges it: that round's rubric, judges per work and
    /// aggregation in place of the contest's. Unknown ids give the contest unchanged.
    pub fn for_round(&self, id: &str) -> Contest {
        let mut c = self.clone();
        if let Some(r) = self.rounds.iter().find(|r| r.id == id) {
            if let Some(rubric) = &r.rubric {
                c.rubric = rubric.clone();
            }
            if let Some(a) = &r.aggregation {
                c.aggregation = a.clone();
            }
            c.judges_per_work = r.judges_per_work;
            c.blind = r.blind.unwrap_or(self.blind);
        }
        c
    }

    /// Is round `id` judged blind (the round's `blind`, else the contest's)?
    pub fn is_blind(&self, id: &str) -> bool {
        self.rounds
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.blind)
            .unwrap_or(self.blind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_counts_round_percent_up_and_stay_in_range() {
        assert_eq!(Advance::Top(12).count(40), 12);
        assert_eq!(Advance::Top(12).count(5), 5);
        assert_eq!(Advance::TopPercent(30).count(40), 12);
        assert_eq!(Advance::TopPercent(25).count(9), 3); // 2.25 → 3
        assert_eq!(Advance::TopPercent(0).count(9), 1);
        assert_eq!(Advance::TopPercent(10).count(0), 0);
    }

    #[test]
    fn rounds_parse_and_the_final_round_judges_with_its_own_settings() {
        // The example's last table is 终评's: the appended line makes that round blind.
        let text = format!(
            "{}{}blind = true\n",
            crate::data::CONTEST_2023,
            crate::data::TWO_ROUNDS
        );
        let c = Contest::from_toml("contest.toml", &text, crate::data::rubric).unwrap();
        assert_eq!(c.rounds.len(), 2);
        assert_eq!(c.rounds[1].advance, Some(Advance::Top(12)));
        assert_eq!(c.first_round(), "初评");
        assert_eq!(c.next_round("初评").unwrap().id, "终评");
        assert!(c.next_round("终评").is_none());
        assert_eq!(c.for_round("初评").judges_per_work, 3);
        assert!(!c.is_blind("初评") && c.is_blind("终评"));
        assert!(c.for_round("终评").blind);
    }

    #[test]
    fn a_contest_without_rounds_has_one_implicit_round() {
        let c = crate::data::contest_template("cq-2023-short-video").unwrap();
        let list = c.round_list();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, "");
        assert_eq!(list[0].judges_per_work, c.judges_per_work);
        assert_eq!(c.for_round(""), c);
        assert!(!c.has_rounds());
    }

    #[test]
    fn bad_rounds_are_refused_with_the_field() {
        let missing = format!(
            "{}{}",
            crate::data::CONTEST_2023,
            crate::data::TWO_ROUNDS.replace("advance = { top = 12 }\n", "")
        );
        let e = Contest::from_toml("contest.toml", &missing, crate::data::rubric).unwrap_err();
        assert_eq!(e.field, "rounds.advance", "{e}");
        assert!(e.message.contains("终评"), "{e}");
        let twice = format!(
            "{}{}",
            crate::data::CONTEST_2023,
            crate::data::TWO_ROUNDS.replace("id = \"终评\"", "id = \"初评\"")
        );
        let e = Contest::from_toml("contest.toml", &twice, crate::data::rubric).unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
        let pct = format!(
            "{}{}",
            crate::data::CONTEST_2023,
            crate::data::TWO_ROUNDS.replace("{ top = 12 }", "{ top_percent = 130 }")
        );
        let e = Contest::from_toml("contest.toml", &pct, crate::data::rubric).unwrap_err();
        assert!(e.message.contains("130"), "{e}");
    }
}
