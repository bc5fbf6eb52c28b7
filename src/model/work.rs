//! Works (the videos being judged) and judges.

use serde::{Deserialize, Serialize};

/// One entry in the contest, as a judge's ballot knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    /// The organizer's work number (序号), unique in a contest.
    pub id: String,
    pub title: String,
    pub unit: String,
    pub district: String,
    /// File name of the video, looked up next to the ballot or in the media folder.
    pub media_file: String,
    /// Lower-case hex SHA-256 of the video as the organizer received it.
    pub media_sha256: Option<String>,
    /// One-line probe summary or violations, if the organizer probed the file.
    pub probe_note: Option<String>,
    pub duration_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judge {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub district: String,
}

/// Where a judge stands with one work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScoreStatus {
    Unscored,
    Partial,
    Scored,
    Recused,
}

impl ScoreStatus {
    pub fn of(recused: bool, scored: usize, criteria: usize) -> ScoreStatus {
        match (recused, scored) {
            (true, _) => ScoreStatus::Recused,
            (false, 0) => ScoreStatus::Unscored,
            (false, n) if n >= criteria => ScoreStatus::Scored,
            _ => ScoreStatus::Partial,
        }
    }

    /// Done means nothing is left to do for this work before submitting.
    pub fn is_done(self) -> bool {
        matches!(self, ScoreStatus::Scored | ScoreStatus::Recused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_counts_and_recusal() {
        assert_eq!(ScoreStatus::of(false, 0, 7), ScoreStatus::Unscored);
        assert_eq!(ScoreStatus::of(false, 3, 7), ScoreStatus::Partial);
        assert_eq!(ScoreStatus::of(false, 7, 7), ScoreStatus::Scored);
        assert_eq!(ScoreStatus::of(true, 7, 7), ScoreStatus::Recused);
        assert!(!ScoreStatus::Partial.is_done());
    }
}
