//! Sign-off: the panel confirms the final results on their own laptops. `jury signoff`
//! publishes a record of the ranked results and their fingerprint into the sync folder; each
//! judge's TUI shows the award list from it and, on the judge's word, appends a
//! `confirm` event with the fingerprint to the ballot; merged confirmations are listed on the
//! report's signature page beside the paper signatures. Pure: the record, its parsing with a
//! size cap, the fingerprint and the report's rows; the file is jury-store's.
//!
//! The fingerprint is a SHA-256 over the canonical ranked results (contest, method, and per
//! row in rank order: place, work, award, aggregate), so the judge's TUI recomputes it from the
//! lines it shows and a confirmation names exactly what the judge saw. Titles and labels are
//! not in it: fixing a typo in a title does not make every confirmation stale.

use serde::{Deserialize, Serialize};

use crate::chain::sha256_hex;
use crate::results::ResultsView;
use crate::room_record::{bad_text, BadRecord, RecordFile, RoomRecord};
use crate::tally::{Award, AwardOutcome};

/// The file's name in the sync folder.
pub const FILE_NAME: &str = "signoff.json";

/// Largest file read as a sign-off record (one line per ranked work: a national contest of
/// several thousand works stays well below).
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// One ranked work as the panel confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultLine {
    /// None: not ranked (too few scores).
    pub place: Option<usize>,
    pub work: String,
    pub title: String,
    /// The award's id from contest.toml ("rest" for the remaining award, "panel" for a tie
    /// the panel still decides, "" for none).
    pub award: String,
    pub award_zh: String,
    pub award_en: String,
    /// The aggregate as the report prints it ("87.33"), "" when unranked.
    pub score: String,
}

/// The record `jury signoff` publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffRecord {
    pub contest: String,
    /// [`fingerprint`] of `lines`.
    pub fingerprint: String,
    /// The aggregation method the results are ranked on (part of the fingerprint).
    pub method: String,
    /// Grows with every publication.
    pub seq: u64,
    /// Unix seconds of the publication.
    pub at: i64,
    /// Results not yet final (some judge has not submitted): shown as such, still confirmable.
    pub provisional: bool,
    pub lines: Vec<ResultLine>,
}

/// Why a sign-off file was not used.
pub type BadSignoff = BadRecord;

/// What reading the sync folder's sign-off record gave.
pub type Signoff = RecordFile<SignoffRecord>;

impl RoomRecord for SignoffRecord {
    const FILE_NAME: &'static str = FILE_NAME;
    const MAX_BYTES: u64 = MAX_BYTES;

    /// No control characters in what a screen shows, and a fingerprint that is the lines' own.
    fn check(&self) -> Result<(), BadRecord> {
        let control = |s: &str| s.chars().any(char::is_control);
        let texts = self.lines.iter().flat_map(|l| {
            [
                &l.work,
                &l.title,
                &l.award,
                &l.award_zh,
                &l.award_en,
                &l.score,
            ]
        });
        if self.contest.is_empty()
            || control(&self.contest)
            || control(&self.method)
            || texts.into_iter().any(|t| control(t))
        {
            return Err(bad_text("a text"));
        }
        if fingerprint(&self.contest, &self.method, &self.lines) != self.fingerprint {
            return Err(BadRecord::Fingerprint);
        }
        Ok(())
    }
}

/// The canonical text the fingerprint hashes.
fn canonical(contest: &str, method: &str, lines: &[ResultLine]) -> String {
    let mut text = format!("jury-results-v1\n{contest}\n{method}\n");
    for l in lines {
        let place = l.place.map(|p| p.to_string()).unwrap_or_default();
        text.push_str(&format!("{place}\t{}\t{}\t{}\n", l.work, l.award, l.score));
    }
    text
}

/// SHA-256 (hex) of the canonical ranked results.
pub fn fingerprint(contest: &str, method: &str, lines: &[ResultLine]) -> String {
    sha256_hex(canonical(contest, method, lines).as_bytes())
}

/// The first 16 hex digits, in groups of four: what screens and reports print.
pub fn short(fingerprint: &str) -> String {
    let head: Vec<char> = fingerprint.chars().take(16).collect();
    head.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn method_id(view: &ResultsView) -> String {
    format!("{:?}", view.method).to_lowercase()
}

/// The ranked results of `view`, in rank order.
pub fn lines(view: &ResultsView) -> Vec<ResultLine> {
    let rules = &view.contest.awards;
    view.rows
        .iter()
        .map(|r| {
            let (award, zh, en) = match r.award {
                Some(AwardOutcome::Awarded(a)) => (
                    a.id(rules).to_string(),
                    a.label(rules, crate::Lang::Zh).to_string(),
                    a.label(rules, crate::Lang::En).to_string(),
                ),
                Some(AwardOutcome::PanelDecides { best, worst }) => {
                    let both = |l| {
                        format!(
                            "{}/{}",
                            Award::label(best, rules, l),
                            Award::label(worst, rules, l)
                        )
                    };
                    (
                        format!("panel:{}-{}", best.id(rules), worst.id(rules)),
                        both(crate::Lang::Zh),
                        both(crate::Lang::En),
                    )
                }
                None => (String::new(), String::new(), String::new()),
            };
            ResultLine {
                place: r.place,
                work: r.work.clone(),
                title: r.title.clone(),
                award,
                award_zh: zh,
                award_en: en,
                score: r.aggregate.map(|s| s.to_string()).unwrap_or_default(),
            }
        })
        .collect()
}

impl ResultsView {
    /// The fingerprint of these results (see the module docs).
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.contest.id, &method_id(self), &lines(self))
    }
}

impl SignoffRecord {
    /// The next record for `view` after `previous`.
    pub fn for_view(view: &ResultsView, previous: Option<&SignoffRecord>, at: i64) -> Self {
        let lines = lines(view);
        let method = method_id(view);
        SignoffRecord {
            contest: view.contest.id.clone(),
            fingerprint: fingerprint(&view.contest.id, &method, &lines),
            method,
            seq: previous.map_or(0, |p| p.seq).saturating_add(1),
            at,
            provisional: view.provisional,
            lines,
        }
    }
}

/// One merged confirmation, for the signature page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationRow {
    pub judge: String,
    pub name: String,
    pub fingerprint: String,
    /// Unix seconds of the judge's confirm event.
    pub at: i64,
    /// The fingerprint is the one of the results this report shows.
    pub current: bool,
}

/// One revision of a submitted score, for the internal report and `jury log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    pub judge: String,
    pub work: String,
    pub criterion: String,
    pub old: Option<u32>,
    pub new: Option<u32>,
    pub reason: String,
    pub at: i64,
}

/// The confirmations for `view`: the newest of each judge, marked current or stale.
/// `merged` is (judge, fingerprint, at) as the master holds them, in any order.
pub fn confirmation_rows(
    view: &ResultsView,
    merged: &[(String, String, i64)],
) -> Vec<ConfirmationRow> {
    let current = view.fingerprint();
    let mut newest: std::collections::BTreeMap<&str, (&str, i64)> = Default::default();
    for (judge, fp, at) in merged {
        let e = newest.entry(judge.as_str()).or_insert((fp.as_str(), *at));
        if *at >= e.1 {
            *e = (fp.as_str(), *at);
        }
    }
    view.judges
        .iter()
        .filter_map(|j| {
            let (fp, at) = newest.get(j.judge.as_str())?;
            Some(ConfirmationRow {
                judge: j.judge.clone(),
                name: j.name.clone(),
                fingerprint: fp.to_string(),
                at: *at,
                current: *fp == current,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(place: usize, work: &str, award: &str) -> ResultLine {
        ResultLine {
            place: Some(place),
            work: work.into(),
            title: format!("作品 {work}"),
            award: award.into(),
            award_zh: "一等奖".into(),
            award_en: "First prize".into(),
            score: "88.5".into(),
        }
    }

    fn record() -> SignoffRecord {
        let lines = vec![line(1, "012", "first"), line(2, "003", "second")];
        SignoffRecord {
            contest: "c".into(),
            fingerprint: fingerprint("c", "mean", &lines),
            method: "mean".into(),
            seq: 1,
            at: 10,
            provisional: false,
            lines,
        }
    }

    #[test]
    fn the_fingerprint_covers_order_places_awards_and_scores_not_titles() {
        let r = record();
        let fp = |lines: &[ResultLine]| fingerprint("c", "mean", lines);
        assert_eq!(r.fingerprint.len(), 64);
        let mut swapped = r.lines.clone();
        swapped.swap(0, 1);
        assert_ne!(fp(&swapped), r.fingerprint);
        let mut award = r.lines.clone();
        award[1].award = "third".into();
        assert_ne!(fp(&award), r.fingerprint);
        let mut score = r.lines.clone();
        score[0].score = "88.51".into();
        assert_ne!(fp(&score), r.fingerprint);
        let mut title = r.lines.clone();
        title[0].title = "改过的标题".into();
        assert_eq!(fp(&title), r.fingerprint);
        assert_ne!(fingerprint("c", "zscore", &r.lines), r.fingerprint);
        assert_eq!(short(&r.fingerprint).len(), 19);
    }

    #[test]
    fn records_round_trip_and_forged_or_hostile_ones_are_refused() {
        let r = record();
        assert_eq!(SignoffRecord::parse(&r.to_bytes()), Ok(r.clone()));
        let mut forged = r.clone();
        forged.lines[0].award = "rest".into();
        assert_eq!(
            SignoffRecord::parse(&forged.to_bytes()),
            Err(BadSignoff::Fingerprint)
        );
        let mut escape = r.clone();
        escape.lines[0].title = "\u{1b}[2J".into();
        assert!(matches!(
            SignoffRecord::parse(&escape.to_bytes()),
            Err(BadSignoff::NotJson { .. })
        ));
        assert!(matches!(
            SignoffRecord::parse(b"{"),
            Err(BadSignoff::NotJson { .. })
        ));
        assert!(matches!(
            SignoffRecord::parse(&vec![b' '; MAX_BYTES as usize + 1]),
            Err(BadSignoff::TooLarge { .. })
        ));
    }
}
