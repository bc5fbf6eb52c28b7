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
    /// One-line probe summary or violations, if the organizer probed the file, in the
    /// organizer's language (what a ballot of an earlier version shows).
    pub probe_note: Option<String>,
    pub duration_ms: Option<u64>,
    /// The probe's findings as data, worded by each reader's UI in its own language (ballots
    /// of an earlier version have none and show `probe_note`).
    #[serde(default)]
    pub probe_findings: Option<ProbeFindings>,
}

impl Work {
    /// Work `n` (from 1) of a generated contest — the demo's and the tests': numbered 001…,
    /// its video `001.mp4`, from 渝中区, 3 min 20 s long, not probed.
    pub fn numbered(n: usize, title: String, unit: String) -> Work {
        Work {
            id: format!("{n:03}"),
            title,
            unit,
            district: "渝中区".into(),
            media_file: format!("{n:03}.mp4"),
            media_sha256: None,
            probe_note: None,
            probe_findings: None,
            duration_ms: Some(200_000),
        }
    }
}

/// What `jury probe` found about a work's video, as data rather than prose.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProbeFindings {
    /// The file was found (false: not there, or no file named).
    pub found: bool,
    /// The technical summary, the same in every language
    /// ("mp4 · 3:20 · 1920×1080 · 16:9 · h264/aac · 12.3 MB").
    #[serde(default)]
    pub summary: Option<String>,
    /// Each rule broken, as jury-media's `Violation` serializes it (jury-core does not know
    /// jury-media's types; the app reads them back with them and words them).
    #[serde(default)]
    pub violations: Vec<serde_json::Value>,
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

/// Work numbers as people sort them: "2" before "10", then text order ("A3" after "A2").
pub fn work_number_order(a: &str, b: &str) -> std::cmp::Ordering {
    // The number the digits spell (no allocation: this runs inside every sort).
    let key = |s: &str| {
        s.bytes()
            .filter(u8::is_ascii_digit)
            .try_fold(None::<u64>, |acc, d| {
                acc.unwrap_or(0)
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(d - b'0')))
                    .map(Some)
            })
            .flatten()
    };
    match (key(a), key(b)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => a.cmp(b),
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

    #[test]
    fn work_numbers_sort_like_people_expect() {
        let mut ids = vec!["10", "2", "A1", "1"];
        ids.sort_by(|a, b| work_number_order(a, b));
        assert_eq!(ids, vec!["1", "A1", "2", "10"]);
    }
}
