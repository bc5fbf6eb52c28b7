//! The ballot's append-only event log. Each event's hash covers the previous hash, so the
//! newest hash (the chain head) fingerprints the whole history; replaying the events must
//! give exactly the ballot's current state.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use crate::key::base32_code;

/// One change to a ballot, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Created {
        ballot_id: String,
        contest_id: String,
        judge_id: String,
        works: Vec<String>,
    },
    Score {
        work: String,
        criterion: String,
        steps: Option<u32>,
        /// Why a score the judge had submitted was changed (after reopening the ballot):
        /// required then, absent otherwise. Left out of the payload when absent, so events
        /// written before revisions existed keep their bytes and hashes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Comment {
        work: String,
        text: String,
    },
    Recuse {
        work: String,
        reason: String,
    },
    Unrecuse {
        work: String,
    },
    Progress {
        work: String,
        furthest_ms: u64,
        watched_ms: u64,
        last_ms: u64,
    },
    Submit,
    Reopen,
    /// The judge confirmed the final results whose fingerprint the organizer published
    /// (`jury signoff`); changes nothing on the ballot.
    Confirm {
        fingerprint: String,
    },
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Created { .. } => "created",
            Event::Score { .. } => "score",
            Event::Comment { .. } => "comment",
            Event::Recuse { .. } => "recuse",
            Event::Unrecuse { .. } => "unrecuse",
            Event::Progress { .. } => "progress",
            Event::Submit => "submit",
            Event::Reopen => "reopen",
            Event::Confirm { .. } => "confirm",
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The "previous hash" of the first event, bound to the ballot id so two ballots never
/// share a chain.
pub fn genesis(ballot_id: &str) -> String {
    sha256_hex(format!("jury-ballot-v1\n{ballot_id}").as_bytes())
}

pub fn event_hash(prev: &str, seq: i64, at: i64, payload: &str) -> String {
    sha256_hex(format!("{prev}\n{seq}\n{at}\n{payload}").as_bytes())
}

/// Short code a judge notes on submit: "K7QM-2XDA", 40 bits of the chain head.
pub fn receipt(chain_head: &str) -> String {
    let bytes = hex::decode(chain_head).unwrap_or_default();
    let code = base32_code(&bytes, 8);
    format!(
        "{}-{}",
        &code[..code.len().min(4)],
        &code[code.len().min(4)..]
    )
}

/// The state that events imply; compared against the ballot's tables when verifying.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replay {
    pub scores: BTreeMap<(String, String), u32>,
    pub comments: BTreeMap<String, String>,
    pub recusals: BTreeMap<String, String>,
    pub submitted: bool,
    /// The scores as they stood at the last submission: changing one of these needs a
    /// reason (see [`Replay::revision`]).
    pub at_submit: BTreeMap<(String, String), u32>,
}

/// A change to a score the judge had submitted, as the chain records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub work: String,
    pub criterion: String,
    /// The value before this event.
    pub old: Option<u32>,
    pub new: Option<u32>,
    /// `None` only in a ballot edited outside jury: the merge refuses it.
    pub reason: Option<String>,
}

/// The revision rule: setting `key` to `steps` changes a score that was submitted (it had
/// a value at the last submission, and `steps` is another).
pub fn revises(
    at_submit: &BTreeMap<(String, String), u32>,
    key: &(String, String),
    steps: Option<u32>,
) -> bool {
    at_submit.get(key).is_some_and(|s| Some(*s) != steps)
}

impl Replay {
    /// What `event` revises, if it changes a score that was submitted: a score event after
    /// a submission, for a criterion that had a score then, to another value than it had
    /// then. (Scoring a criterion left open, or putting a submitted value back, as restoring
    /// after a withdrawn recusal does, is no revision.) To be asked before [`Replay::apply`].
    pub fn revision(&self, event: &Event) -> Option<Revision> {
        let Event::Score {
            work,
            criterion,
            steps,
            reason,
        } = event
        else {
            return None;
        };
        let key = (work.clone(), criterion.clone());
        if !revises(&self.at_submit, &key, *steps) {
            return None;
        }
        Some(Revision {
            work: work.clone(),
            criterion: criterion.clone(),
            old: self.scores.get(&key).copied(),
            new: *steps,
            reason: reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string),
        })
    }

    pub fn apply(&mut self, event: &Event) {
        if *event == Event::Submit {
            self.at_submit = self.scores.clone();
        }
        apply_event(
            &mut self.scores,
            &mut self.comments,
            &mut self.recusals,
            &mut self.submitted,
            event,
        );
    }
}

/// The one definition of what an event does to a ballot's state; the store's replay and the
/// TUI's copy of the ballot both go through it.
pub fn apply_event(
    scores: &mut BTreeMap<(String, String), u32>,
    comments: &mut BTreeMap<String, String>,
    recusals: &mut BTreeMap<String, String>,
    submitted: &mut bool,
    event: &Event,
) {
    match event {
        Event::Created { .. } | Event::Progress { .. } | Event::Confirm { .. } => {}
        Event::Score {
            work,
            criterion,
            steps,
            ..
        } => {
            let key = (work.clone(), criterion.clone());
            match steps {
                Some(s) => scores.insert(key, *s),
                None => scores.remove(&key),
            };
        }
        Event::Comment { work, text } => {
            if text.is_empty() {
                comments.remove(work);
            } else {
                comments.insert(work.clone(), text.clone());
            }
        }
        Event::Recuse { work, reason } => {
            scores.retain(|(w, _), _| w != work);
            recusals.insert(work.clone(), reason.clone());
        }
        Event::Unrecuse { work } => {
            recusals.remove(work);
        }
        Event::Submit => *submitted = true,
        Event::Reopen => *submitted = false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_depend_on_every_input() {
        let g = genesis("b1");
        assert_ne!(g, genesis("b2"));
        let h = event_hash(&g, 1, 10, "{}");
        assert_ne!(h, event_hash(&g, 2, 10, "{}"));
        assert_ne!(h, event_hash(&g, 1, 11, "{}"));
        assert_ne!(h, event_hash(&g, 1, 10, "{ }"));
        assert_ne!(h, event_hash(&genesis("b2"), 1, 10, "{}"));
    }

    #[test]
    fn receipts_are_short_and_stable() {
        let r = receipt(&genesis("b1"));
        assert_eq!(r.len(), 9);
        assert_eq!(r, receipt(&genesis("b1")));
        assert_ne!(r, receipt(&genesis("b2")));
    }

    #[test]
    fn replay_recusal_clears_scores() {
        let mut r = Replay::default();
        r.apply(&Event::Score {
            work: "1".into(),
            criterion: "a".into(),
            steps: Some(3),
            reason: None,
        });
        r.apply(&Event::Score {
            work: "2".into(),
            criterion: "a".into(),
            steps: Some(4),
            reason: None,
        });
        r.apply(&Event::Recuse {
            work: "1".into(),
            reason: "same unit".into(),
        });
        assert_eq!(r.scores.len(), 1);
        assert!(r.recusals.contains_key("1"));
        r.apply(&Event::Score {
            work: "2".into(),
            criterion: "a".into(),
            steps: None,
            reason: None,
        });
        assert!(r.scores.is_empty());
    }

    fn score(work: &str, steps: Option<u32>, reason: Option<&str>) -> Event {
        Event::Score {
            work: work.into(),
            criterion: "a".into(),
            steps,
            reason: reason.map(str::to_string),
        }
    }

    #[test]
    fn only_changes_to_submitted_scores_are_revisions() {
        let mut r = Replay::default();
        r.apply(&score("1", Some(18), None));
        assert_eq!(
            r.revision(&score("1", Some(20), None)),
            None,
            "not submitted yet"
        );
        r.apply(&Event::Submit);
        r.apply(&Event::Reopen);
        assert_eq!(r.revision(&score("2", Some(3), None)), None, "never scored");
        assert_eq!(r.revision(&score("1", Some(18), None)), None, "same value");
        let rev = r
            .revision(&score("1", Some(22), Some(" 讨论后修正 ")))
            .unwrap();
        assert_eq!(
            (rev.old, rev.new, rev.reason.as_deref()),
            (Some(18), Some(22), Some("讨论后修正"))
        );
        assert_eq!(
            r.revision(&score("1", None, Some("  "))).unwrap().reason,
            None
        );
        r.apply(&score("1", Some(22), Some("讨论后修正")));
        // Against the submitted value, the previous one is reported as old.
        assert_eq!(
            r.revision(&score("1", Some(25), None)).unwrap().old,
            Some(22)
        );
        assert_eq!(r.revision(&score("1", Some(18), None)), None);
        r.apply(&Event::Submit);
        assert!(r.revision(&score("1", Some(18), None)).is_some());
    }

    #[test]
    fn events_without_a_reason_keep_their_old_bytes() {
        let old = r#"{"kind":"score","work":"1","criterion":"a","steps":3}"#;
        let event: Event = serde_json::from_str(old).unwrap();
        assert_eq!(event, score("1", Some(3), None));
        assert_eq!(serde_json::to_string(&event).unwrap(), old);
        let with = serde_json::to_string(&score("1", Some(3), Some("改"))).unwrap();
        assert!(with.ends_with(r#""reason":"改"}"#), "{with}");
        let confirm = Event::Confirm {
            fingerprint: "ab".into(),
        };
        let text = serde_json::to_string(&confirm).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&text).unwrap(), confirm);
        assert_eq!(confirm.kind(), "confirm");
    }
}
