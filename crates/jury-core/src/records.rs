//! The organizer's records: works and judges as the forms give them, probe results, issued
//! ballots, the audit log and merged scores. Plain data; the master database (jury-store)
//! reads and writes them, the views and the tally read them.

use std::collections::BTreeMap;

use crate::key::BallotKey;
use crate::model::Judge;

/// A work as the organizer holds it: what the judges see plus the form's other columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkRecord {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub district: String,
    pub address: String,
    pub contact: String,
    pub contact_person: String,
    pub summary: String,
    /// Video file as named on the form (relative paths resolve against `source`'s folder,
    /// then the contest's media folder).
    pub media_file: Option<String>,
    /// 主创人员 / 作者 as the form gives them.
    pub creators: String,
    /// 电子邮箱 and the unit's 统一社会信用代码, from the unit form (annex 3).
    pub email: String,
    pub credit_code: String,
    /// The form this row came from, and its row number there.
    pub source: String,
    pub source_row: usize,
    /// The form's own 序号 for this work (a row counter, not the work's number), if any.
    pub origin_no: String,
    /// The worksheet of the form, for workbooks.
    pub origin_sheet: String,
}

/// What `jury probe` found for one work's video.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProbeRecord {
    pub checked_at: i64,
    pub media_path: Option<String>,
    pub found: bool,
    pub compliant: bool,
    pub sha256: Option<String>,
    pub size_bytes: Option<u64>,
    pub duration_ms: Option<u64>,
    /// One line: the summary, or the violations, or why the file was not found.
    pub note: String,
    /// The same as data (None: probed by an earlier version).
    pub findings: Option<crate::model::ProbeFindings>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JudgeRecord {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub district: String,
    pub contact: String,
    /// Declared conflicts: units (besides the judge's own) and work numbers.
    pub conflict_units: Vec<String>,
    pub conflict_works: Vec<String>,
    pub source: String,
    pub source_row: usize,
}

impl JudgeRecord {
    pub fn judge(&self) -> Judge {
        Judge {
            id: self.id.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            district: self.district.clone(),
        }
    }
}

/// One issued ballot and what has been merged from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotRecord {
    pub ballot_id: String,
    pub judge_id: String,
    pub key: BallotKey,
    pub file_name: String,
    pub assignment_version: u64,
    pub issued_at: i64,
    /// 0 until the first merge.
    pub merged_revision: u64,
    pub merged_head: Option<String>,
    pub merged_at: Option<i64>,
    pub submitted: bool,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    /// e.g. "merge", "issue", "assign", "import".
    pub action: String,
    pub file: String,
    pub file_sha256: String,
    pub ballot_id: Option<String>,
    pub judge_id: Option<String>,
    pub revision: Option<u64>,
    pub chain_head: Option<String>,
    /// e.g. "merged", "unchanged", "refused".
    pub outcome: String,
    pub detail: String,
}

impl AuditEntry {
    /// Outcome of a returned file that was refused; its detail holds the reason code and
    /// the size.
    pub const REFUSED: &'static str = "refused";
    /// Outcome of a stale copy (an older revision of a ballot already merged): not merged,
    /// but not a failure.
    pub const STALE: &'static str = "stale";

    /// An entry about the contest as a whole (no file, ballot or judge), e.g. a ruling or a
    /// round closed; `seq` is given by the store.
    pub fn contest_wide(at: i64, action: &str, outcome: &str, detail: String) -> AuditEntry {
        AuditEntry {
            seq: 0,
            at,
            action: action.into(),
            file: String::new(),
            file_sha256: String::new(),
            ballot_id: None,
            judge_id: None,
            revision: None,
            chain_head: None,
            outcome: outcome.into(),
            detail,
        }
    }

    /// A returned file that was not merged: refused, or stale.
    pub fn is_refusal(&self) -> bool {
        self.action == "merge" && (self.outcome == Self::REFUSED || self.outcome == Self::STALE)
    }
}

/// Scores, comments and recusals merged into the master, keyed by (judge, work).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergedScores {
    /// (judge, work, criterion) → steps.
    pub scores: BTreeMap<(String, String, String), u32>,
    pub comments: BTreeMap<(String, String), String>,
    pub recusals: BTreeMap<(String, String), String>,
}

/// The outcome for one work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkProbe {
    pub work_id: String,
    pub title: String,
    pub record: ProbeRecord,
}

/// Where a work's video stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Compliant,
    Breaks,
    Missing,
}

impl WorkProbe {
    pub fn verdict(&self) -> Verdict {
        match (self.record.found, self.record.compliant) {
            (false, _) => Verdict::Missing,
            (true, true) => Verdict::Compliant,
            (true, false) => Verdict::Breaks,
        }
    }
}
