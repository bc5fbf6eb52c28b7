//! What a ballot holds, as plain data: what the organizer puts in a new one, and everything on
//! it read in one go (the judge TUI's model of the file). The file itself is jury-store's.

use std::collections::BTreeMap;

use crate::chain::{self, Event};
use crate::model::{Contest, Judge, Points, ScoreStatus, Work};

/// What the organizer puts in a new ballot.
#[derive(Debug, Clone)]
pub struct BallotInit {
    pub ballot_id: String,
    pub contest: Contest,
    pub judge: Judge,
    pub works: Vec<Work>,
    /// Where the videos were when the ballot was issued, if known.
    pub media_dir: Option<String>,
    /// The master's assignment version this ballot's works come from. A re-issued ballot keeps
    /// its ballot id but starts its revisions again, so the merger orders copies of one ballot
    /// by (assignment_version, revision).
    pub assignment_version: u64,
    /// Folder the judge's TUI exports snapshots to (shared folder or USB stick), if the
    /// organizer named one at issue time.
    pub sync_dir: Option<String>,
}

/// Playback progress of one work, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Furthest position reached.
    pub furthest_ms: u64,
    /// Time actually spent playing.
    pub watched_ms: u64,
    /// Where playback stopped, to resume from.
    pub last_ms: u64,
}

/// Result of one committed change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub revision: u64,
    pub chain_head: String,
}

/// Everything on a ballot, read in one go (the TUI's model of the file).
#[derive(Debug, Clone, PartialEq)]
pub struct BallotData {
    pub ballot_id: String,
    pub contest: Contest,
    pub judge: Judge,
    pub works: Vec<Work>,
    pub media_dir: Option<String>,
    /// 0 for ballots written before assignment versions were recorded (the demo).
    pub assignment_version: u64,
    pub sync_dir: Option<String>,
    pub scores: BTreeMap<(String, String), u32>,
    pub comments: BTreeMap<String, String>,
    pub recusals: BTreeMap<String, String>,
    pub progress: BTreeMap<String, Progress>,
    pub revision: u64,
    pub submitted: bool,
    pub chain_head: String,
    /// The round this ballot is for (None: a contest without rounds).
    pub round: Option<String>,
    /// Works the organizer disqualified when the ballot was issued (work → reason): the
    /// judge sees them as such and is not asked to score them.
    pub disqualified: BTreeMap<String, String>,
}

/// What the organizer notes in a ballot besides its works (meta rows, not events).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BallotNotes {
    pub round: Option<String>,
    pub disqualified: BTreeMap<String, String>,
}

impl BallotData {
    /// The work of that number on this ballot.
    pub fn work(&self, id: &str) -> Option<&Work> {
        self.works.iter().find(|w| w.id == id)
    }

    /// The title of work `id`, empty if the ballot has no such work.
    pub fn title_of(&self, id: &str) -> &str {
        self.work(id).map(|w| w.title.as_str()).unwrap_or("")
    }

    pub fn score(&self, work: &str, criterion: &str) -> Option<u32> {
        self.scores
            .get(&(work.to_string(), criterion.to_string()))
            .copied()
    }

    pub fn status(&self, work: &str) -> ScoreStatus {
        let scored = self
            .contest
            .rubric
            .criteria()
            .filter(|c| self.score(work, &c.id).is_some())
            .count();
        ScoreStatus::of(
            self.recusals.contains_key(work),
            scored,
            self.contest.rubric.criteria().count(),
        )
    }

    /// Sum of the scored criteria of a work (partial sums for partly scored works).
    pub fn total(&self, work: &str) -> Points {
        self.contest
            .rubric
            .criteria()
            .filter_map(|c| self.score(work, &c.id).map(|s| c.points(s)))
            .sum()
    }

    pub fn group_subtotal(&self, work: &str, group_index: usize) -> Points {
        self.contest.rubric.groups[group_index]
            .criteria
            .iter()
            .filter_map(|c| self.score(work, &c.id).map(|s| c.points(s)))
            .sum()
    }

    pub fn receipt(&self) -> String {
        chain::receipt(&self.chain_head)
    }

    /// Applies a committed change to this in-memory copy (see `chain::apply_event`).
    pub fn apply(&mut self, event: &Event) {
        chain::apply_event(
            &mut self.scores,
            &mut self.comments,
            &mut self.recusals,
            &mut self.submitted,
            event,
        );
    }

    pub fn done_count(&self) -> usize {
        self.works.iter().filter(|w| self.is_done(&w.id)).count()
    }

    /// Nothing is left to do for `work`: scored, recused, or disqualified by the organizer.
    pub fn is_done(&self, work: &str) -> bool {
        self.status(work).is_done() || self.disqualified.contains_key(work)
    }
}
