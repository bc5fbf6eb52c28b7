//! The organizer's records: works and judges as the forms give them, probe results, issued
//! ballots, the audit log and merged scores. Plain data; the master database (jury-store)
//! reads and writes them, the views and the tally read them.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

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
    pub scores: ScoreTable,
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

/// One merged score: indices into a [`ScoreTable`]'s id tables, and the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScoreRow {
    pub judge: u32,
    pub work: u32,
    pub criterion: u32,
    pub steps: u32,
}

impl ScoreRow {
    fn key(&self) -> (u32, u32, u32) {
        (self.judge, self.work, self.criterion)
    }
}

/// (judge, work, criterion) → steps with the ids interned: three tables of distinct ids, each
/// sorted, and the rows sorted by their indices — which is the ids' own order, so iterating
/// gives (judge, work, criterion) in the order a map keyed by the three strings would. At
/// national scale (300,000 scores) a row is 16 bytes instead of three heap strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreTable {
    judges: Vec<String>,
    works: Vec<String>,
    criteria: Vec<String>,
    rows: Vec<ScoreRow>,
}

/// Ids seen while rows come in, by first appearance; sorted once at the end.
#[derive(Default)]
struct Interner {
    ids: Vec<String>,
    at: HashMap<String, u32>,
}

impl Interner {
    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.at.get(id) {
            return i;
        }
        let i = self.ids.len() as u32;
        self.ids.push(id.to_string());
        self.at.insert(id.to_string(), i);
        i
    }

    /// The sorted table and, by first-appearance index, each id's place in it.
    fn finish(self) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.ids.len() as u32).collect();
        order.sort_by(|&a, &b| self.ids[a as usize].cmp(&self.ids[b as usize]));
        let mut place = vec![0u32; order.len()];
        for (sorted, &first) in order.iter().enumerate() {
            place[first as usize] = sorted as u32;
        }
        let mut ids: Vec<Option<String>> = self.ids.into_iter().map(Some).collect();
        let table = order
            .iter()
            .map(|&i| ids[i as usize].take().unwrap_or_default())
            .collect();
        (table, place)
    }
}

/// Builds a [`ScoreTable`] one row at a time without allocating per row (ids are copied once
/// each); a later row for the same (judge, work, criterion) replaces an earlier one.
#[derive(Default)]
pub struct ScoreTableBuilder {
    judges: Interner,
    works: Interner,
    criteria: Interner,
    rows: Vec<ScoreRow>,
}

impl ScoreTableBuilder {
    pub fn push(&mut self, judge: &str, work: &str, criterion: &str, steps: u32) {
        let row = ScoreRow {
            judge: self.judges.intern(judge),
            work: self.works.intern(work),
            criterion: self.criteria.intern(criterion),
            steps,
        };
        self.rows.push(row);
    }

    pub fn finish(self) -> ScoreTable {
        let (judges, jp) = self.judges.finish();
        let (works, wp) = self.works.finish();
        let (criteria, cp) = self.criteria.finish();
        let mut rows: Vec<ScoreRow> = self
            .rows
            .into_iter()
            .map(|r| ScoreRow {
                judge: jp[r.judge as usize],
                work: wp[r.work as usize],
                criterion: cp[r.criterion as usize],
                steps: r.steps,
            })
            .collect();
        // Stable: of equal keys the last pushed stays last, and is the one kept.
        rows.sort_by_key(ScoreRow::key);
        let mut kept: Vec<ScoreRow> = Vec::with_capacity(rows.len());
        for r in rows {
            match kept.last_mut() {
                Some(last) if last.key() == r.key() => *last = r,
                _ => kept.push(r),
            }
        }
        ScoreTable {
            judges,
            works,
            criteria,
            rows: kept,
        }
    }
}

impl FromIterator<(String, String, String, u32)> for ScoreTable {
    fn from_iter<I: IntoIterator<Item = (String, String, String, u32)>>(iter: I) -> Self {
        let mut b = ScoreTableBuilder::default();
        for (j, w, c, s) in iter {
            b.push(&j, &w, &c, s);
        }
        b.finish()
    }
}

impl ScoreTable {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The id tables (sorted, distinct) the rows index into.
    pub fn judges(&self) -> &[String] {
        &self.judges
    }

    pub fn works(&self) -> &[String] {
        &self.works
    }

    pub fn criteria(&self) -> &[String] {
        &self.criteria
    }

    /// Every row, sorted by (judge, work, criterion).
    pub fn rows(&self) -> &[ScoreRow] {
        &self.rows
    }

    /// The ids of `row`.
    pub fn ids(&self, row: &ScoreRow) -> (&str, &str, &str) {
        (
            &self.judges[row.judge as usize],
            &self.works[row.work as usize],
            &self.criteria[row.criterion as usize],
        )
    }

    /// (judge, work, criterion, steps) in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &str, u32)> + '_ {
        self.rows.iter().map(|r| {
            let (j, w, c) = self.ids(r);
            (j, w, c, r.steps)
        })
    }

    fn index(table: &[String], id: &str) -> Option<u32> {
        table
            .binary_search_by(|t| t.as_str().cmp(id))
            .ok()
            .map(|i| i as u32)
    }

    /// The rows of one judge, or of one (judge, work) pair.
    fn range(&self, judge: u32, work: Option<u32>) -> Range<usize> {
        let key = |r: &ScoreRow| (r.judge, work.map(|_| r.work));
        let want = (judge, work);
        let start = self.rows.partition_point(|r| key(r) < want);
        let end = self.rows.partition_point(|r| key(r) <= want);
        start..end
    }

    pub fn get(&self, judge: &str, work: &str, criterion: &str) -> Option<u32> {
        let want = (
            Self::index(&self.judges, judge)?,
            Self::index(&self.works, work)?,
            Self::index(&self.criteria, criterion)?,
        );
        self.rows
            .binary_search_by(|r| r.key().cmp(&want))
            .ok()
            .map(|i| self.rows[i].steps)
    }

    /// One judge's scores: (work, criterion, steps) in key order.
    pub fn of_judge<'a>(
        &'a self,
        judge: &str,
    ) -> impl Iterator<Item = (&'a str, &'a str, u32)> + 'a {
        let range = Self::index(&self.judges, judge)
            .map(|j| self.range(j, None))
            .unwrap_or(0..0);
        self.rows[range].iter().map(|r| {
            let (_, w, c) = self.ids(r);
            (w, c, r.steps)
        })
    }

    /// One (judge, work) pair's scores: (criterion, steps) in criterion order.
    pub fn of_pair<'a>(
        &'a self,
        judge: &str,
        work: &str,
    ) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        let range = match (
            Self::index(&self.judges, judge),
            Self::index(&self.works, work),
        ) {
            (Some(j), Some(w)) => self.range(j, Some(w)),
            _ => 0..0,
        };
        self.rows[range]
            .iter()
            .map(|r| (self.criteria[r.criterion as usize].as_str(), r.steps))
    }

    /// The rows grouped by (judge, work), in key order: one slice per pair with a score.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str, &[ScoreRow])> + '_ {
        self.rows
            .chunk_by(|a, b| (a.judge, a.work) == (b.judge, b.work))
            .map(|chunk| {
                let (j, w, _) = self.ids(&chunk[0]);
                (j, w, chunk)
            })
    }

    /// Adds or replaces one score (rebuilds the table: for tests and small edits; bulk loads
    /// go through [`ScoreTableBuilder`]).
    pub fn insert(&mut self, judge: &str, work: &str, criterion: &str, steps: u32) {
        let mut b = ScoreTableBuilder::default();
        for (j, w, c, s) in self.iter() {
            b.push(j, w, c, s);
        }
        b.push(judge, work, criterion, steps);
        *self = b.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<(String, String, String, u32)> {
        [
            ("J2", "10", "b", 4),
            ("J1", "2", "a", 1),
            ("J10", "1", "a", 7),
            ("J1", "10", "b", 3),
            ("J1", "2", "b", 2),
            ("J1", "2", "a", 9),
        ]
        .into_iter()
        .map(|(j, w, c, s)| (j.into(), w.into(), c.into(), s))
        .collect()
    }

    #[test]
    fn iterates_like_a_map_keyed_by_the_three_ids_last_row_winning() {
        let table: ScoreTable = sample().into_iter().collect();
        let map: BTreeMap<(String, String, String), u32> = sample()
            .into_iter()
            .map(|(j, w, c, s)| ((j, w, c), s))
            .collect();
        let got: Vec<(String, String, String, u32)> = table
            .iter()
            .map(|(j, w, c, s)| (j.into(), w.into(), c.into(), s))
            .collect();
        let want: Vec<(String, String, String, u32)> =
            map.into_iter().map(|((j, w, c), s)| (j, w, c, s)).collect();
        assert_eq!(got, want);
        assert_eq!(table.len(), 5);
        assert_eq!(table.get("J1", "2", "a"), Some(9));
        assert_eq!(table.get("J1", "2", "c"), None);
        assert_eq!(table.get("J3", "2", "a"), None);
    }

    #[test]
    fn judge_pair_and_grouped_views() {
        let mut table: ScoreTable = sample().into_iter().collect();
        let j1: Vec<_> = table.of_judge("J1").collect();
        assert_eq!(j1, vec![("10", "b", 3), ("2", "a", 9), ("2", "b", 2)]);
        assert_eq!(table.of_judge("J9").count(), 0);
        let pair: Vec<_> = table.of_pair("J1", "2").collect();
        assert_eq!(pair, vec![("a", 9), ("b", 2)]);
        let pairs: Vec<(&str, &str, usize)> = table
            .pairs()
            .map(|(j, w, rows)| (j, w, rows.len()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("J1", "10", 1),
                ("J1", "2", 2),
                ("J10", "1", 1),
                ("J2", "10", 1)
            ]
        );
        table.insert("J0", "2", "a", 5);
        table.insert("J1", "2", "b", 8);
        assert_eq!(table.get("J0", "2", "a"), Some(5));
        assert_eq!(table.get("J1", "2", "b"), Some(8));
        assert_eq!(table.len(), 6);
    }
}
