//! The calibration round: a few anchor works (contest.toml `[calibration] works`) that every
//! judge scores first. Once every judge assigned to them has scored them all, each judge's
//! *offset* per rubric group is how far their group subtotals sit from the panel's median:
//!
//! * for each calibration work and group, the median of the subtotals of the judges who
//!   scored it (an even panel takes the mean of the two middle subtotals);
//! * a judge's deviation on that work is their subtotal minus that median;
//! * their offset in the group is the mean of their deviations over the calibration works
//!   they scored (a recused work counts for nothing).
//!
//! Exact: subtotals are [`Points`] (hundredths), medians and means are [`Score`]s. Pure: the
//! input is the merged scores; the published record ([`CalibrationRecord`]) is parsed and
//! written here as bytes, and jury-store puts it in the sync folder.

use std::collections::BTreeMap;

use num_rational::Ratio;
use serde::{Deserialize, Serialize};

use crate::model::{Contest, Points};
use crate::records::MergedScores;
use crate::room_record::{bad_id, bad_text, BadRecord, RecordFile, RoomRecord};
use crate::tally::{Score, TallyInput};

/// One judge's offset in one rubric group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupOffset {
    /// The rubric group's id.
    pub group: String,
    /// Mean of (subtotal − panel median) over the calibration works, in hundredths.
    pub offset: Score,
}

/// One judge's offsets, in rubric group order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgeOffsets {
    pub judge: String,
    /// Calibration works this judge scored (not recused).
    pub works: usize,
    pub groups: Vec<GroupOffset>,
}

/// Where the calibration round stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalibrationState {
    /// contest.toml has no `[calibration] works`.
    NotConfigured,
    /// Calibration works no judge is assigned to (nobody can calibrate on them).
    Unassigned { works: Vec<String> },
    /// Judges (by id) with the calibration works they have not fully scored yet.
    Pending { judges: Vec<(String, Vec<String>)> },
    /// Everyone has scored: offsets per judge, by judge id.
    Ready { judges: Vec<JudgeOffsets> },
}

/// The median of `values` (sorted here); `None` when empty.
pub fn median(values: &mut [i64]) -> Option<Score> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        Score(Ratio::from_integer(values[n / 2]))
    } else {
        Score(Ratio::new(values[n / 2 - 1] + values[n / 2], 2))
    })
}

/// The calibration state from the merged scores. `assignments` are (work, judge) pairs as
/// the master lists them.
pub fn offsets(
    contest: &Contest,
    assignments: &[(String, String)],
    merged: &MergedScores,
) -> CalibrationState {
    let works = &contest.calibration.works;
    if works.is_empty() {
        return CalibrationState::NotConfigured;
    }
    let rubric = &contest.rubric;
    // Per calibration work: the judges assigned and not recused.
    let mut panels: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut unassigned = Vec::new();
    for w in works {
        let mut judges: Vec<&str> = assignments
            .iter()
            .filter(|(aw, _)| aw == w)
            .map(|(_, j)| j.as_str())
            .collect();
        judges.sort_unstable();
        judges.dedup();
        if judges.is_empty() {
            unassigned.push(w.clone());
            continue;
        }
        judges.retain(|j| {
            !merged
                .recusals
                .contains_key(&(j.to_string(), w.to_string()))
        });
        panels.insert(w.as_str(), judges);
    }
    if !unassigned.is_empty() {
        return CalibrationState::Unassigned { works: unassigned };
    }
    let step = |judge: &str, work: &str, criterion: &str| merged.scores.get(judge, work, criterion);
    let mut pending: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for w in works {
        for j in &panels[w.as_str()] {
            if rubric.criteria().any(|c| step(j, w, &c.id).is_none()) {
                pending.entry(j).or_default().push(w.clone());
            }
        }
    }
    if !pending.is_empty() {
        let mut judges: Vec<(String, Vec<String>)> = pending
            .into_iter()
            .map(|(j, ws)| (j.to_string(), ws))
            .collect();
        judges.sort_by(|a, b| crate::model::work_number_order(&a.0, &b.0));
        return CalibrationState::Pending { judges };
    }
    // judge → group index → deviations (one per calibration work scored).
    let mut deviations: BTreeMap<&str, Vec<Vec<Score>>> = BTreeMap::new();
    for w in works {
        let judges = &panels[w.as_str()];
        for (g, group) in rubric.groups.iter().enumerate() {
            let subtotal = |j: &str| -> i64 {
                group
                    .criteria
                    .iter()
                    .map(|c| c.points(step(j, w, &c.id).unwrap_or(0)).0)
                    .sum()
            };
            let mut values: Vec<i64> = judges.iter().map(|j| subtotal(j)).collect();
            let Some(mid) = median(&mut values) else {
                continue;
            };
            for j in judges {
                let d = Score(Ratio::from_integer(subtotal(j)) - mid.0);
                deviations
                    .entry(j)
                    .or_insert_with(|| vec![Vec::new(); rubric.groups.len()])[g]
                    .push(d);
            }
        }
    }
    let mut judges: Vec<JudgeOffsets> = deviations
        .into_iter()
        .map(|(judge, per_group)| JudgeOffsets {
            judge: judge.to_string(),
            works: per_group.first().map_or(0, Vec::len),
            groups: rubric
                .groups
                .iter()
                .zip(per_group)
                .map(|(group, ds)| GroupOffset {
                    group: group.id.clone(),
                    offset: mean(&ds),
                })
                .collect(),
        })
        .collect();
    judges.sort_by(|a, b| crate::model::work_number_order(&a.judge, &b.judge));
    CalibrationState::Ready { judges }
}

fn mean(values: &[Score]) -> Score {
    if values.is_empty() {
        return Score(Ratio::from_integer(0));
    }
    let sum = values
        .iter()
        .fold(Ratio::from_integer(0), |acc, s| acc + s.0);
    Score(sum / Ratio::from_integer(values.len() as i64))
}

/// The tally's input without the calibration works, when contest.toml leaves them out of
/// the results (`count_in_results = false`, the default); `None` when nothing is left out.
pub fn without_calibration<'a>(input: &TallyInput<'a>) -> Option<TallyInput<'a>> {
    let cal = &input.contest.calibration;
    if cal.count_in_results || !input.works.iter().any(|w| cal.is_calibration(w)) {
        return None;
    }
    let keep = |w: &String| !cal.is_calibration(w);
    Some(TallyInput {
        contest: input.contest,
        works: input.works.iter().filter(|w| keep(w)).cloned().collect(),
        judges: input.judges.clone(),
        assignments: input
            .assignments
            .iter()
            .filter(|(_, w)| keep(w))
            .cloned()
            .collect(),
        sheets: input
            .sheets
            .iter()
            .filter(|s| keep(&s.work))
            .cloned()
            .collect(),
        recusals: input
            .recusals
            .iter()
            .filter(|(_, w)| keep(w))
            .cloned()
            .collect(),
        submitted: input.submitted.clone(),
    })
}

// --- The published record ------------------------------------------------------------

/// The record's name in the sync folder.
pub const FILE_NAME: &str = "calibration.json";

/// Largest file read as a calibration record (a panel of 100 judges with 10 groups is well
/// under this).
pub const MAX_BYTES: u64 = 256 * 1024;

/// One judge's published offsets: group id → offset rounded to hundredths of a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedOffsets {
    pub judge: String,
    pub groups: Vec<(String, Points)>,
}

/// What `jury calibration --publish` writes: every judge's offsets for one contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationRecord {
    pub contest: String,
    /// Grows by one with every publication.
    pub seq: u64,
    /// Unix seconds of the publication.
    pub at: i64,
    pub judges: Vec<PublishedOffsets>,
}

/// What reading the sync folder's calibration record gave.
pub type CalibrationFile = RecordFile<CalibrationRecord>;

impl RoomRecord for CalibrationRecord {
    const FILE_NAME: &'static str = FILE_NAME;
    const MAX_BYTES: u64 = MAX_BYTES;

    fn check(&self) -> Result<(), BadRecord> {
        let bad = bad_id(&self.contest)
            || self
                .judges
                .iter()
                .any(|j| bad_id(&j.judge) || j.groups.iter().any(|(g, _)| bad_id(g)));
        if bad {
            return Err(bad_text("an id"));
        }
        Ok(())
    }
}

impl CalibrationRecord {
    /// The record of `judges` (from [`CalibrationState::Ready`]).
    pub fn of(
        contest: &str,
        judges: &[JudgeOffsets],
        previous: Option<&CalibrationRecord>,
        at: i64,
    ) -> CalibrationRecord {
        CalibrationRecord {
            contest: contest.to_string(),
            seq: previous.map_or(0, |p| p.seq).saturating_add(1),
            at,
            judges: judges
                .iter()
                .map(|j| PublishedOffsets {
                    judge: j.judge.clone(),
                    groups: j
                        .groups
                        .iter()
                        .map(|g| (g.group.clone(), g.offset.rounded()))
                        .collect(),
                })
                .collect(),
        }
    }

    /// `judge`'s offsets, if the record has them.
    pub fn judge(&self, judge: &str) -> Option<&PublishedOffsets> {
        self.judges.iter().find(|j| j.judge == judge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    fn contest(works: &[&str]) -> Contest {
        let mut c = data::contest_template("cq-2023-short-video").unwrap();
        c.calibration.works = works.iter().map(|w| w.to_string()).collect();
        c
    }

    /// Steps in rubric order: theme, story | image, editing, subtitles | creativity | artistry.
    fn score(m: &mut MergedScores, judge: &str, work: &str, steps: [u32; 7]) {
        let c = contest(&[]);
        for (crit, s) in c.rubric.criteria().zip(steps) {
            m.scores.insert(judge, work, &crit.id, s);
        }
    }

    fn pairs(works: &[&str], judges: &[&str]) -> Vec<(String, String)> {
        works
            .iter()
            .flat_map(|w| judges.iter().map(|j| (w.to_string(), j.to_string())))
            .collect()
    }

    fn pts(x: i64) -> Score {
        Score::from_points(Points::whole(x))
    }

    #[test]
    fn medians_of_odd_and_even_panels() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(Score::from_points(Points(3))));
        // Even: the mean of the two middle values, exactly (3 and 4 → 3.5 hundredths).
        assert_eq!(median(&mut [10, 3, 4, 1]), Some(Score(Ratio::new(7, 2))));
    }

    #[test]
    fn offsets_of_an_even_panel_on_two_anchors_match_a_hand_computation() {
        let c = contest(&["001", "002"]);
        let judges = ["J01", "J02", "J03", "J04"];
        let mut m = MergedScores::default();
        // 题材内容 (theme + story) on 001: 40, 44, 50, 52 → median (44 + 50) / 2 = 47.
        // On 002: 30, 30, 36, 40 → median 33.
        score(&mut m, "J01", "001", [20, 20, 10, 5, 3, 3, 3]);
        score(&mut m, "J02", "001", [22, 22, 10, 5, 3, 3, 3]);
        score(&mut m, "J03", "001", [25, 25, 10, 5, 3, 3, 3]);
        score(&mut m, "J04", "001", [26, 26, 12, 8, 5, 5, 5]);
        score(&mut m, "J01", "002", [15, 15, 10, 5, 3, 3, 3]);
        score(&mut m, "J02", "002", [15, 15, 10, 5, 3, 3, 3]);
        score(&mut m, "J03", "002", [18, 18, 10, 5, 3, 3, 3]);
        score(&mut m, "J04", "002", [20, 20, 12, 8, 5, 5, 5]);
        let CalibrationState::Ready { judges: got } =
            offsets(&c, &pairs(&["001", "002"], &judges), &m)
        else {
            panic!("ready")
        };
        assert_eq!(got.len(), 4);
        let content = |j: usize| got[j].groups[0].offset;
        // J01: (40 − 47 + 30 − 33) / 2 = −5; J02: (−3 − 3) / 2 = −3; J03: (3 + 3) / 2 = 3;
        // J04: (5 + 7) / 2 = 6.
        assert_eq!(
            [content(0), content(1), content(2), content(3)],
            [pts(-5), pts(-3), pts(3), pts(6)]
        );
        // 技术性 (image + editing + subtitles): 18, 18, 18, 25 on both → median 18.
        assert_eq!(got[3].groups[1].group, "technique");
        assert_eq!(got[3].groups[1].offset, pts(7));
        assert_eq!(got[0].groups[1].offset, pts(0));
        assert_eq!(got[0].works, 2);
        // The published record rounds to hundredths.
        let rec = CalibrationRecord::of("c", &got, None, 9);
        assert_eq!(
            rec.judge("J04").unwrap().groups[0],
            ("content".into(), Points(600))
        );
        assert_eq!(CalibrationRecord::parse(&rec.to_bytes()), Ok(rec));
    }

    #[test]
    fn half_points_of_an_even_median_are_kept_exactly() {
        let c = contest(&["001"]);
        let mut m = MergedScores::default();
        score(&mut m, "J01", "001", [20, 20, 10, 5, 3, 3, 3]);
        score(&mut m, "J02", "001", [20, 21, 10, 5, 3, 3, 3]);
        let CalibrationState::Ready { judges } = offsets(&c, &pairs(&["001"], &["J01", "J02"]), &m)
        else {
            panic!()
        };
        // 40 and 41 → median 40.5: offsets −0.5 and +0.5.
        assert_eq!(judges[0].groups[0].offset, Score::from_points(Points(-50)));
        assert_eq!(judges[1].groups[0].offset, Score::from_points(Points(50)));
    }

    #[test]
    fn pending_unassigned_recused_and_not_configured() {
        let mut m = MergedScores::default();
        assert_eq!(
            offsets(&contest(&[]), &[], &m),
            CalibrationState::NotConfigured
        );
        let c = contest(&["001", "002"]);
        assert_eq!(
            offsets(&c, &pairs(&["001"], &["J01"]), &m),
            CalibrationState::Unassigned {
                works: vec!["002".into()]
            }
        );
        let all = pairs(&["001", "002"], &["J01", "J02", "J03"]);
        score(&mut m, "J01", "001", [20, 20, 10, 5, 3, 3, 3]);
        score(&mut m, "J01", "002", [20, 20, 10, 5, 3, 3, 3]);
        score(&mut m, "J02", "001", [20, 20, 10, 5, 3, 3, 3]);
        // J02 has one criterion of 002 only: not scored yet.
        m.scores.insert("J02", "002", "theme", 1);
        assert_eq!(
            offsets(&c, &all, &m),
            CalibrationState::Pending {
                judges: vec![
                    ("J02".into(), vec!["002".into()]),
                    ("J03".into(), vec!["001".into(), "002".into()]),
                ]
            }
        );
        // J03 recuses from both, J02 from 002: offsets over what each scored.
        m.recusals
            .insert(("J03".into(), "001".into()), "亲属".into());
        m.recusals
            .insert(("J03".into(), "002".into()), "亲属".into());
        m.recusals
            .insert(("J02".into(), "002".into()), "同单位".into());
        let CalibrationState::Ready { judges } = offsets(&c, &all, &m) else {
            panic!()
        };
        let ids: Vec<(&str, usize)> = judges.iter().map(|j| (j.judge.as_str(), j.works)).collect();
        assert_eq!(ids, [("J01", 2), ("J02", 1)]);
    }

    #[test]
    fn calibration_works_leave_the_tally_unless_counted() {
        use crate::tally::{tally, Sheet, TallyParams};
        let mut c = contest(&["001"]);
        let full: BTreeMap<String, u32> = c.rubric.criteria().map(|k| (k.id.clone(), 1)).collect();
        let run = |c: &Contest| {
            let input = TallyInput {
                contest: c,
                works: vec!["001".into(), "002".into()],
                judges: vec!["J01".into()],
                assignments: vec![("J01".into(), "001".into()), ("J01".into(), "002".into())],
                sheets: ["001", "002"]
                    .map(|w| Sheet {
                        judge: "J01".into(),
                        work: w.into(),
                        scores: full.clone(),
                        complete: true,
                    })
                    .to_vec(),
                recusals: vec![("J01".into(), "001".into())],
                submitted: ["J01".to_string()].into(),
            };
            let t = tally(&input, &TallyParams::for_contest(c));
            let works: Vec<String> = t.works.iter().map(|w| w.work.clone()).collect();
            (works, t.ignored.len(), t.recusals.len())
        };
        assert_eq!(run(&c), (vec!["002".to_string()], 0, 0));
        c.calibration.count_in_results = true;
        // Counted: 001 is listed again (unranked here: its one judge recused).
        assert_eq!(run(&c).0, ["002", "001"]);
    }

    #[test]
    fn hostile_records_are_refused() {
        assert!(CalibrationRecord::parse(b"[").is_err());
        let extra = br#"{"contest":"c","seq":1,"at":0,"judges":[],"x":1}"#;
        assert!(CalibrationRecord::parse(extra).is_err());
        let escape =
            br#"{"contest":"c","seq":1,"at":0,"judges":[{"judge":"J\u001b","groups":[]}]}"#;
        assert!(CalibrationRecord::parse(escape).is_err());
        assert!(matches!(
            CalibrationRecord::parse(&vec![b' '; MAX_BYTES as usize + 1]),
            Err(BadRecord::TooLarge { .. })
        ));
    }
}
